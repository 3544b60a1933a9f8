"""Ledgers (工作台账): import and export the spreadsheet offices keep, as xlsx or CSV.

A ledger has one row per problem and one column per field: the enterprise,
the category, the lead department, the deadline, the state ... as offices
write them. :func:`export_ledger` writes the problems in a store as a ledger;
:func:`import_ledger` reads one back, registering new problems and turning
every change since the last version into transitions, checked by the
workflow.

**Columns**

:data:`LEDGER_COLUMNS` lists the fields in the order they are written;
:data:`ZH_HEADERS` (the default) and :data:`EN_HEADERS` give their headers.
Pass ``headers=LedgerHeaders.english()`` or your own
``LedgerHeaders.chinese().with_overrides({"lead_department": "责任单位"})``.

>>> ZH_HEADERS["lead_department"], EN_HEADERS["lead_department"]
('牵头部门', 'Lead department')
>>> LedgerHeaders.chinese().with_overrides({"deadline": "办结时限"}).deadline
'办结时限'

When reading with the default headers, the Chinese and the English headers
and the synonyms of the :class:`~jinjiecu.reports.vocabulary.Vocabulary`
(:data:`HEADER_ALIASES`, and a user's file) are all recognised; categories
and states are read through it too (用地, 已向企业解释 ...). The header row is
the one among the first 20 that names the most fields, below title, 填报单位
and blank rows; totals rows (合计, 小计, 总计) and notes under the table are
skipped and listed in :attr:`ImportReport.skipped`. Columns the library does
not know are ignored and listed in :attr:`ImportReport.ignored_columns`;
:attr:`ImportReport.columns` says how each header was read, and by which rule.

**A new office: names created**

The enterprises, departments, leaders and places a row names are found in
the store by name (matched as ledgers write names), id or code. With
``create_missing=True`` the ones the store lacks are created in the import's
transaction, with ids made from their names (an enterprise's is its credit
code when the ledger gives one), the same in every store; places are towns
under the office's region (``region=``, or the one the 填报单位 row names).
Without it, each is a row error that says the option exists. Work groups and
projects are never created. A new row that names a lead department and no
state was assigned to it (已交办). ``dry_run=True`` works everything
out, writes nothing and returns the report with its errors.

**Identity: re-importing changes nothing**

A row is the problem whose id is in its 问题编号 column. A row without one
(an office's own ledger) is given the id ``ledger-`` followed by 24 hex digits
of a SHA-256 of its enterprise, project, 登记日期 and 问题标题, so importing
the same ledger again finds the same problems. Editing one of those four
fields in a ledger without 问题编号 therefore makes a new problem: export once
and keep the 问题编号 column.

**Versions of a ledger become history**

For a problem already in the store, each cell that differs from what
:func:`export_ledger` would write is read (with a ``history`` column that is
behind the store's, what it would have written from that history: only what
the clerk changed since counts), and the differences become transitions
applied with :meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>`:
已交办 → 正在办理 appends a 开始办理, 正在办理 → 已解决 a 解决 dated by the
办结日期, a later 办理时限 an extension, a new lead department a 改派, a
higher 办理层级 an escalation, 已办结 a 回访 (from the 回访结果 and 企业满意度
columns) and a 办结. A ledger that says 已办结 and has no follow-up columns at
all, for a problem with no follow-up recorded, is recorded as 已解决 (or
已解释), with a warning: closing needs a follow-up. Registration details
(enterprise, category, title, description, 登记日期 ...) cannot change:
history is never rewritten. What the workflow refuses is a row error. A blank
cell never changes anything (except 配合部门, where blank means none). An
earlier deadline or a lower level than the one recorded is taken for a stale
ledger and only warned about. A changed 办理进展 is kept as the text of the
change it came with (the resolution's summary, the extension's approval ...)
or as its note; alone, it cannot be recorded (the workflow has no
progress-note step) and is warned about.

Dates the ledger gives (登记日期, 办结日期) are recorded at 09:00 China Standard
Time that day. Steps the ledger gives no date for happen at ``at`` (the
import's moment, by default now); steps that must come before a dated
settlement, and every step of a problem the ledger registers, come right
after the step before. A 暂缓 → 正在办理 change is dated by the ledger's 办理时限 when
it can be: resuming pushes a deadline by the working days spent suspended, so
the new deadline tells the day work resumed.

**All or nothing**

Every row is checked before anything is written; any row error raises
:class:`LedgerImportError` with every error (row, column, reason) and the store
is untouched. With ``on_error="reject"`` the good rows are imported in one
transaction and the bad ones are written to ``<name>.rejects.csv`` (or
``.xlsx``) beside the ledger, with an extra 错误原因 column.

**Cells**

Reading tolerates what clerks type: dates as 2019年10月10日, 2019.10.10,
2019/10/10, 2019-10-10, 20191010 or date cells; amounts in 元, 万元, 亿元;
full-width digits and letters and stray spaces in codes, dates, names and
labels; states, levels and categories by their Chinese labels or English
codes. Free text (titles are trimmed; descriptions and progress are not) is
kept as typed. CSV files are read as UTF-8, UTF-8 with a BOM, GBK or GB18030
(reported in :attr:`ImportReport.encoding`), with commas, tabs or
semicolons; they are written as UTF-8 with a BOM so that Excel opens them
correctly. A bare amount counts in the unit the header gives (涉及金额（万元）)
or the rows above the table (单位：万元), else in 元.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading single
quote, which importing removes, so round trips are exact. A formula cell is
read by the value Excel saved with it; one saved without a value (by a program
that does not compute), or text starting with ``=`` without the quote, is
refused on import.

Exports hide mobile and resident ID numbers in every text cell
(``138****8000``) unless asked for ``unmasked=True``, which is audited; a
masked cell that matches the record, and a masked history, count as
unchanged when the ledger is imported again.

xlsx files are written with openpyxl (the ``excel`` extra) and read by a
streaming reader on the standard library, which needs no extra. A cell holds
at most 32,767 characters in xlsx; longer text must go to CSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from jinjiecu.reports import _ledger_columns, _ledger_import
from jinjiecu.reports._ledger_columns import LedgerHeaders
from jinjiecu.reports._ledger_export import export_ledger
from jinjiecu.reports._ledger_import import import_ledger, rejects_path_for
from jinjiecu.reports._ledger_results import ImportReport, LedgerImportError, RowError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "EN_HEADERS",
    "EXPORT_COLUMNS",
    "HEADER_ALIASES",
    "LEDGER_ACTOR",
    "LEDGER_COLUMNS",
    "ZH_HEADERS",
    "ImportReport",
    "LedgerHeaders",
    "LedgerImportError",
    "RowError",
    "export_ledger",
    "import_ledger",
    "rejects_path_for",
]

# The code lives in private modules: _ledger_columns (the columns and their headers),
# _ledger_results (what an import says), _ledger_rows (a problem as a row's cells),
# _ledger_reader (reading a ledger's table and cells), _ledger_importer (what each row
# changes), _ledger_import and _ledger_export. The constants are assigned here rather
# than only imported so that their documentation is here: Sphinx reads a constant's
# docstring in the module that assigns it.

LEDGER_COLUMNS: Final[tuple[str, ...]] = _ledger_columns.LEDGER_COLUMNS
"""Every field a ledger can have, in the order they are written.

- ``number`` 序号: the row's position; ignored on import.
- ``problem_id`` 问题编号: the problem's id, the row's identity.
- ``enterprise`` 企业名称 and ``credit_code`` 统一社会信用代码: the enterprise,
  by name, id or code (both, if given, must name the same one).
- ``project`` 项目名称: the project that raised the problem, by name or id.
- ``region`` 所属县市区: by name, id or division code; blank means the
  enterprise's (or project's) region.
- ``place`` 所属镇街: a town, township or subdistrict under the county, the
  problem's own region when given; written only when an exported problem
  has one.
- ``category`` 问题类别: a category of the rules' taxonomy, by label or code.
- ``scope`` 问题性质 (共性问题 / 个性问题) and ``level`` 办理层级 (属地解决 ...).
- ``title`` 问题标题 and ``description`` 问题描述: a blank title is the first
  line of the description.
- ``leader`` 包联领导: the leader in charge of the enterprise; written only when
  an exported problem has one.
- ``work_group`` 帮扶工作组, ``lead_department`` 牵头部门 and
  ``co_departments`` 配合部门 (separated by 、 , ; or /): by name or id.
- ``registered_on`` 登记日期, ``deadline`` 办理时限, ``settled_on`` 办结日期: dates.
- ``deadline_provisional`` 时限暂定: 是 (yes) when the deadline falls in a
  year without a holiday notice yet, so it was counted provisionally and
  moves when the notice is added; written only when an exported deadline is
  provisional, ignored on import.
- ``state`` 办理状态: a state's label (正在办理 ...).
- ``progress`` 办理进展: the latest text of the problem's history.
- ``settlement`` 办结方式: 解决 or 解释, for settled problems.
- ``follow_up_outcome`` 回访结果 and ``satisfaction`` 企业满意度: the follow-up
  since the problem was settled.
- ``merged_into`` 合并至: the problem a merged duplicate was merged into.
- ``amount`` 涉及金额: the amount involved, kept with the registration (the
  first line of its note, ``涉及金额：8000万元``); it cannot change later.
- ``history`` 办理记录: the whole history as JSON; written only on request
  (``history=True``), it makes a round trip through a ledger exact.
"""

EXPORT_COLUMNS: Final[tuple[str, ...]] = _ledger_columns.EXPORT_COLUMNS
"""The fields :func:`export_ledger` writes by default: all but ``history``; and
``place``, ``leader`` and ``deadline_provisional`` only when an exported
problem has a value for them."""

ZH_HEADERS: Final[Mapping[str, str]] = _ledger_columns.ZH_HEADERS
"""The Chinese headers (the default), by field."""

EN_HEADERS: Final[Mapping[str, str]] = _ledger_columns.EN_HEADERS
"""The English headers, by field."""

HEADER_ALIASES: Final[Mapping[str, tuple[str, ...]]] = _ledger_columns.HEADER_ALIASES
"""Other headers offices use, by field, also recognised when reading (the ledger part of
:data:`~jinjiecu.reports.vocabulary.HEADER_SYNONYMS`, which is where they are kept)."""

LEDGER_ACTOR: Final = _ledger_import.LEDGER_ACTOR
"""Who the transitions an import records are by, unless ``actor`` is given."""
