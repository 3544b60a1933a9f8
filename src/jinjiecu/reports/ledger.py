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

import contextlib
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from jinjiecu.domain.clock import end_of_day, is_aware, local_date, now
from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.events import (
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Register,
    Satisfaction,
    Scope,
)
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.personal import mask_text
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    Problem,
    ProblemRules,
    Transition,
)
from jinjiecu.domain.validation import check, name_text
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import JinjiecuError, ValidationError
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._ledger_cells import (
    CellError,
    ErrorValue,
    Formula,
    bilingual,
    clean_name,
    enum_key,
    is_blank,
    normal,
    parse_amount,
    parse_date,
    parse_enum,
    raw_text,
    split_list,
)
from jinjiecu.reports._ledger_names import Directory, needed_records, write_new_records
from jinjiecu.reports._ledger_plan import (
    PlanError,
    Wanted,
    join_note,
    moment_for_day,
    plan,
    progress_of,
    split_note,
)
from jinjiecu.reports.vocabulary import (
    HEADER_SYNONYMS,
    LEDGER_KINDS,
    HeaderReading,
    UnknownWordError,
    Vocabulary,
)
from jinjiecu.storage.base import MAX_PAGE, PROBLEM_FILTERS, Query

if TYPE_CHECKING:
    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.domain.money import Money
    from jinjiecu.storage.base import Session, Store

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

# ====================================================================== columns

_COLUMNS: Final = (
    ("number", "序号", "No."),
    ("problem_id", "问题编号", "Problem ID"),
    ("enterprise", "企业名称", "Enterprise"),
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("project", "项目名称", "Project"),
    ("region", "所属县市区", "Region"),
    ("place", "所属镇街", "Place"),
    ("category", "问题类别", "Category"),
    ("scope", "问题性质", "Scope"),
    ("title", "问题标题", "Title"),
    ("description", "问题描述", "Description"),
    ("work_group", "帮扶工作组", "Work group"),
    ("leader", "包联领导", "Leader"),
    ("level", "办理层级", "Level"),
    ("lead_department", "牵头部门", "Lead department"),
    ("co_departments", "配合部门", "Co-departments"),
    ("registered_on", "登记日期", "Registered on"),
    ("deadline", "办理时限", "Deadline"),
    ("deadline_provisional", "时限暂定", "Deadline provisional"),
    ("state", "办理状态", "State"),
    ("progress", "办理进展", "Progress"),
    ("settlement", "办结方式", "Settlement"),
    ("settled_on", "办结日期", "Settled on"),
    ("follow_up_outcome", "回访结果", "Follow-up outcome"),
    ("satisfaction", "企业满意度", "Satisfaction"),
    ("merged_into", "合并至", "Merged into"),
    ("amount", "涉及金额", "Amount"),
    ("history", "办理记录", "History"),
)

LEDGER_COLUMNS: Final[tuple[str, ...]] = tuple(field for field, _zh, _en in _COLUMNS)
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

_WHEN_NEEDED: Final = ("place", "leader", "deadline_provisional")
"""Fields written by default only when an exported problem has a value for them."""

EXPORT_COLUMNS: Final[tuple[str, ...]] = tuple(
    field for field in LEDGER_COLUMNS if field not in (*_WHEN_NEEDED, "history")
)
"""The fields :func:`export_ledger` writes by default: all but ``history``; and
``place``, ``leader`` and ``deadline_provisional`` only when an exported
problem has a value for them."""

ZH_HEADERS: Final[Mapping[str, str]] = MappingProxyType({f: zh for f, zh, _en in _COLUMNS})
"""The Chinese headers (the default), by field."""

EN_HEADERS: Final[Mapping[str, str]] = MappingProxyType({f: en for f, _zh, en in _COLUMNS})
"""The English headers, by field."""

HEADER_ALIASES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        field: tuple(
            word for word in words if word not in (ZH_HEADERS.get(field), EN_HEADERS.get(field))
        )
        for field, words in HEADER_SYNONYMS.items()
        if field in ZH_HEADERS
    }
)
"""Other headers offices use, by field, also recognised when reading (the ledger part of
:data:`~jinjiecu.reports.vocabulary.HEADER_SYNONYMS`, which is where they are kept)."""

LEDGER_ACTOR: Final = Actor(kind=ActorKind.SYSTEM, id="ledger-import", name="工作台账导入")
"""Who the transitions an import records are by, unless ``actor`` is given."""

_REJECT_HEADERS: Final = {False: "错误原因", True: "Errors"}

_STATE_ALIASES: Final = {
    enum_key("在办"): ProblemState.IN_PROGRESS,
    enum_key("办理中"): ProblemState.IN_PROGRESS,
    enum_key("办结"): ProblemState.CLOSED,
}
_SETTLEMENT_ALIASES: Final = {
    enum_key("已解决"): Event.RESOLVE,
    enum_key("已解释"): Event.EXPLAIN,
}


@attrs.frozen(kw_only=True)
class LedgerHeaders:
    """The header of each ledger column, by field (see :data:`LEDGER_COLUMNS`).

    Headers must be unique single-line text; they are compared ignoring
    spaces, case, full-width forms and a leading ``*``.
    """

    number: str = ZH_HEADERS["number"]
    problem_id: str = ZH_HEADERS["problem_id"]
    enterprise: str = ZH_HEADERS["enterprise"]
    credit_code: str = ZH_HEADERS["credit_code"]
    project: str = ZH_HEADERS["project"]
    region: str = ZH_HEADERS["region"]
    place: str = ZH_HEADERS["place"]
    category: str = ZH_HEADERS["category"]
    scope: str = ZH_HEADERS["scope"]
    title: str = ZH_HEADERS["title"]
    description: str = ZH_HEADERS["description"]
    work_group: str = ZH_HEADERS["work_group"]
    leader: str = ZH_HEADERS["leader"]
    level: str = ZH_HEADERS["level"]
    lead_department: str = ZH_HEADERS["lead_department"]
    co_departments: str = ZH_HEADERS["co_departments"]
    registered_on: str = ZH_HEADERS["registered_on"]
    deadline: str = ZH_HEADERS["deadline"]
    deadline_provisional: str = ZH_HEADERS["deadline_provisional"]
    state: str = ZH_HEADERS["state"]
    progress: str = ZH_HEADERS["progress"]
    settlement: str = ZH_HEADERS["settlement"]
    settled_on: str = ZH_HEADERS["settled_on"]
    follow_up_outcome: str = ZH_HEADERS["follow_up_outcome"]
    satisfaction: str = ZH_HEADERS["satisfaction"]
    merged_into: str = ZH_HEADERS["merged_into"]
    amount: str = ZH_HEADERS["amount"]
    history: str = ZH_HEADERS["history"]

    def __attrs_post_init__(self) -> None:
        seen: dict[str, str] = {}
        for field in LEDGER_COLUMNS:
            header = getattr(self, field)
            name_text(100)(self, attrs.fields_dict(LedgerHeaders)[field], header)
            key = io.header_key(header)
            check(
                bool(key) and key not in seen,
                field=field,
                expected=f"a header unique among the columns (not also {seen.get(key)!r})",
                received=header,
            )
            seen[key] = field

    @classmethod
    def chinese(cls) -> LedgerHeaders:
        """The Chinese headers (:data:`ZH_HEADERS`), the default."""
        return cls()

    @classmethod
    def english(cls) -> LedgerHeaders:
        """The English headers (:data:`EN_HEADERS`)."""
        return cls(**EN_HEADERS)

    def with_overrides(self, overrides: Mapping[str, str]) -> LedgerHeaders:
        """These headers with some replaced, by field; an unknown field is refused."""
        unknown = sorted(set(overrides) - set(LEDGER_COLUMNS))
        check(
            not unknown,
            field="overrides",
            expected=f"fields of a ledger: {', '.join(LEDGER_COLUMNS)}",
            received=unknown,
        )
        return attrs.evolve(self, **dict(overrides))

    def header(self, field: str) -> str:
        """The header of ``field``."""
        value: str = getattr(self, field)
        return value

    def as_dict(self) -> dict[str, str]:
        """Field -> header, in column order."""
        return {field: getattr(self, field) for field in LEDGER_COLUMNS}


# ====================================================================== results


@attrs.frozen(kw_only=True)
class RowError:
    """One problem with one row: its sheet row number (1-based), the column's header, why.

    ``column`` is empty for a problem with the file or the row as a whole.
    ``reason`` is in Chinese and English.
    """

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}: {self.reason}"


class LedgerImportError(ValidationError):
    """A ledger that cannot be imported; nothing was written.

    ``errors`` holds every :class:`RowError` found (each bad row, each bad
    cell), ``path`` the ledger. It is a
    :class:`~jinjiecu.errors.ValidationError` with ``field="ledger"``.
    """

    def __init__(self, errors: Sequence[RowError], *, path: str) -> None:
        self.errors = tuple(errors)
        self.path = path
        rows = len({error.row for error in self.errors})
        shown = "; ".join(str(error) for error in self.errors[:3])
        more = len(self.errors) - 3
        if more > 0:
            shown += f"; … (+{more})"
        message = (
            f"{path}: {rows} 行有错误，未导入任何数据 / {_count(len(self.errors), 'error')} in "
            f"{_count(rows, 'row')}, nothing was imported: {shown}"
        )
        super().__init__(
            message,
            field="ledger",
            expected="a ledger whose every row can be imported",
            received=path,
        )


def _count(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``: an English count."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import did.

    ``created`` problems were registered; ``updated`` existing ones got new
    transitions (``transitions`` in all, registrations included);
    ``unchanged`` rows changed nothing. ``rejected`` rows had errors (listed
    in ``errors``) and were written to ``rejects_path`` (``None`` when none
    were). ``warnings`` are what was read but not recorded (a stale deadline,
    a progress text alone); ``ignored_columns`` the headers not recognised.

    ``columns`` says how each header was read (the field and the rule that
    matched); ``skipped`` lists the rows that are no problems (totals rows,
    notes under the table); ``new_records`` counts the enterprises,
    departments, leaders and regions created (or that would be, in a dry
    run); ``encoding`` is a CSV file's text encoding; ``header_row`` the
    sheet row the header was found on. A ``dry_run`` report wrote nothing.
    """

    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    transitions: int
    rejects_path: Path | None
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    columns: tuple[HeaderReading, ...] = ()
    skipped: tuple[RowError, ...] = ()
    new_records: Mapping[str, int] = attrs.field(factory=dict)
    encoding: str | None = None
    header_row: int = 0
    dry_run: bool = False


# ====================================================================== rows as written


def _history_json(problem: Problem, *, masked: bool) -> str:
    from jinjiecu.serialization import unstructure  # noqa: PLC0415 - cattrs only when asked

    steps = [unstructure(t) for t in problem.transitions]
    return json.dumps(
        _masked_values(steps) if masked else steps, ensure_ascii=False, separators=(",", ":")
    )


def _masked_values(value: object, key: str = "") -> object:
    """JSON data with mobile and ID numbers masked in its texts, never in its ids.

    An id made of hex digits may hold a run that looks like a mobile number
    (``…c18262843943``); masked, it would name no record.
    """
    if isinstance(value, dict):
        return {k: _masked_values(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_values(v, key) for v in value]
    if isinstance(value, str) and not _is_id_key(key):
        return mask_text(value)
    return value


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids"))


def _last_merge(problem: Problem) -> str | None:
    if problem.state is not ProblemState.MERGED:
        return None
    data = problem.transitions[-1].data
    return str(data.duplicate_of) if isinstance(data, MergeInto) else None


def _cells(problem: Problem, names: Directory, rules: ProblemRules) -> dict[str, object]:
    """A problem as a ledger row, field -> cell (text, date or ``None``); ``number`` left out."""
    follow_up = problem.last_follow_up
    settlement = problem.settlement
    taxonomy = rules.taxonomy
    category = problem.category
    amount = split_note(problem.transitions[0].note)[0]
    lead = problem.lead_department_id
    group = problem.work_group_id
    county, place = _region_and_place(problem, names)
    return {
        "problem_id": str(problem.id),
        "enterprise": (
            None
            if problem.enterprise_id is None
            else names.enterprises.display(problem.enterprise_id)
        ),
        "credit_code": (
            None
            if problem.enterprise_id is None
            else names.enterprise_codes.get(problem.enterprise_id)
        ),
        "project": None
        if problem.project_id is None
        else names.projects.display(problem.project_id),
        "region": names.regions.display(county),
        "place": None if place is None else names.regions.display(place),
        "category": taxonomy.get(category).label if category in taxonomy else category,
        "scope": problem.scope.label,
        "title": problem.title,
        "description": problem.description or None,
        "work_group": None if group is None else names.work_groups.display(group),
        "leader": None if problem.leader_id is None else names.leaders.display(problem.leader_id),
        "level": problem.level.label,
        "lead_department": None if lead is None else names.departments.display(lead),
        "co_departments": "、".join(names.departments.display(d) for d in problem.co_department_ids)
        or None,
        "registered_on": local_date(problem.registered_at),
        "deadline": problem.deadline,
        "deadline_provisional": (
            "是"
            if problem.deadline is not None
            and rules.working_calendar.is_provisional(problem.deadline)
            else None
        ),
        "state": problem.state.label,
        "progress": progress_of(problem) or None,
        "settlement": None if settlement is None else settlement.label,
        "settled_on": problem.settled_on,
        "follow_up_outcome": None if follow_up is None else follow_up.outcome.label,
        "satisfaction": None if follow_up is None else follow_up.satisfaction.label,
        "merged_into": _last_merge(problem),
        "amount": amount or None,
    }


def _region_and_place(problem: Problem, names: Directory) -> tuple[str, str | None]:
    """The problem's county (所属县市区) and, when its region is a town under it, the town."""
    region = str(problem.region_id)
    if names.region_kind.get(region) is DivisionKind.TOWN:
        parent = names.region_parent.get(region)
        if parent is not None:
            return parent, region
    return region, None


def _same(cell: object, value: object) -> bool:
    """Whether a cell as read says what :func:`_cells` wrote (so it changes nothing)."""
    if isinstance(cell, Formula | ErrorValue):
        return False
    if value is None:
        return is_blank(cell)
    if isinstance(value, dt.date):
        if isinstance(cell, dt.datetime):
            return cell.date() == value
        if isinstance(cell, dt.date):
            return cell == value
        return isinstance(cell, str) and cell.strip() == value.isoformat()
    if isinstance(cell, str):
        # An export masks mobile and ID numbers by default: the masked text is the same text.
        return cell == value or (isinstance(value, str) and cell == mask_text(value))
    return raw_text(cell) == value


# ====================================================================== reading rows

_REGISTRATION: Final = (
    "enterprise",
    "credit_code",
    "project",
    "region",
    "place",
    "leader",
    "category",
    "scope",
    "title",
    "description",
    "work_group",
    "registered_on",
    "amount",
)
_WORKFLOW: Final = (
    "level",
    "lead_department",
    "co_departments",
    "deadline",
    "state",
    "progress",
    "settlement",
    "settled_on",
    "follow_up_outcome",
    "satisfaction",
    "merged_into",
)
_ABSENT: Final = object()

_REPEATING: Final = frozenset(_REGISTRATION + _WORKFLOW) - {
    "title",
    "description",
    "progress",
    "place",  # read against the row's own region
}
"""Fields whose cells repeat down a ledger (names, dates, labels): each value is read once."""


class _RowFailedError(Exception):
    """The row has errors (already recorded); stop working on it."""


class _Row:
    """One data row: its cells by field, parsed on demand, with its errors."""

    def __init__(self, number: int, cells: list[object], reader: _Reader) -> None:
        self.number = number
        self.cells = cells
        self.reader = reader
        self.errors: dict[str, str] = {}
        self.parsed: dict[str, Any] = {}
        self.resolved: dict[str, Any] = {}
        """Values read from several cells together (the enterprise, from name and code)."""

    def cell(self, field: str) -> object:
        index = self.reader.table.columns.get(field)
        if index is None:
            return _ABSENT
        return self.cells[index] if index < len(self.cells) else None

    def has(self, field: str) -> bool:
        return field in self.reader.table.columns

    def blank(self) -> bool:
        return all(
            is_blank(self.cell(field)) for field in self.reader.table.columns if field != "number"
        )

    def get(self, field: str) -> Any:
        """The field's value (``None`` when blank or absent); a bad cell records an error."""
        if field in self.parsed:
            return self.parsed[field]
        value = self.cell(field)
        result: Any = None
        if value is not _ABSENT and not is_blank(value):
            try:
                if isinstance(value, Formula):
                    raise CellError(_FORMULA)
                if isinstance(value, ErrorValue):
                    raise CellError(
                        bilingual(f"单元格是错误值 {value}", f"the cell holds the error {value}")
                    )
                result = self.reader.parse(field, value, self)
            except CellError as error:
                self.fail(field, error.reason)
        self.parsed[field] = result
        return result

    def text(self, field: str) -> str:
        """A free-text field exactly as typed (``""`` when blank or absent)."""
        value = self.cell(field)
        if value is _ABSENT or value is None:
            return ""
        if isinstance(value, Formula | ErrorValue):
            self.get(field)  # records why
            return ""
        return raw_text(value)

    def fail(self, field: str, reason: str) -> None:
        if field in self.errors:
            return
        self.errors[field] = reason

    def check(self) -> None:
        if self.errors:
            raise _RowFailedError

    def row_errors(self) -> list[RowError]:
        headers = self.reader.table.headers
        columns = self.reader.table.columns
        english = self.reader.table.english
        return [
            RowError(
                row=self.number,
                # A column the ledger lacks is named by the library's own header for it.
                column=headers[columns[field]]
                if field in columns
                else (EN_HEADERS if english else ZH_HEADERS).get(field, ""),
                reason=reason,
            )
            for field, reason in self.errors.items()
        ]


_FORMULA: Final = bilingual(
    "单元格是未计算的公式（以 = 开头）：请在 Excel 中打开并保存，或“选择性粘贴→数值”；"
    "文字请在前面加单引号 '",
    "the cell holds a formula with no value saved (starting with =): open and save it in "
    "Excel, or paste it as values; start text with a single quote '",
)


def _parse_id(kind: type[Any], value: object) -> Any:
    try:
        return kind(raw_text(value).strip())
    except ValidationError as error:
        raise CellError(bilingual("编号格式不正确", str(error))) from None


@attrs.define
class _Reader:
    """Reads the cells of one ledger against one store's names and one set of rules."""

    table: io.Table
    names: Directory
    rules: ProblemRules
    campaign_id: CampaignId | None
    vocabulary: Vocabulary = attrs.field(factory=Vocabulary.default)
    units: Mapping[str, str] = attrs.field(factory=dict)
    """The unit a column's header gives its amounts in (金额（万元）), by field."""
    _memo: dict[tuple[str, type, object], object] = attrs.field(init=False, factory=dict)

    def parse(self, field: str, value: object, row: _Row) -> Any:
        """Read one cell; values that repeat down a column are read once."""
        if field not in _REPEATING:
            return getattr(self, "_" + field)(value, row)
        key = (field, type(value), value)
        found = self._memo.get(key, _ABSENT)
        if found is _ABSENT:
            try:
                found = getattr(self, "_" + field)(value, row)
            except CellError as error:
                found = error
            self._memo[key] = found
        if isinstance(found, CellError):
            raise CellError(found.reason)
        return found

    # -- registration

    def _problem_id(self, value: object, _row: _Row) -> ProblemId:
        result: ProblemId = _parse_id(ProblemId, value)
        return result

    def _enterprise(self, value: object, _row: _Row) -> str:
        name = clean_name(value)
        try:
            name_text()(None, attrs.fields(Register).title, name)
        except ValidationError as error:
            raise CellError(bilingual("企业名称应为单行文字", str(error))) from None
        return name

    def _credit_code(self, value: object, _row: _Row) -> CreditCode:
        try:
            return CreditCode.parse(raw_text(value))
        except ValidationError as error:
            raise CellError(bilingual("统一社会信用代码无效", str(error))) from None

    def _project(self, value: object, _row: _Row) -> ProjectId:
        return ProjectId(self.names.projects.find(normal(value)))

    def _region(self, value: object, _row: _Row) -> RegionId:
        return self.names.region(normal(value))

    def _place(self, value: object, row: _Row) -> RegionId:
        county = row.get("region") if row.has("region") else None
        return self.names.place(clean_name(value), None if county is None else str(county))

    def _leader(self, value: object, _row: _Row) -> LeaderId:
        return self.names.leader(clean_name(value))

    def _category(self, value: object, _row: _Row) -> str:
        try:
            return self.vocabulary.category(raw_text(value), self.rules.taxonomy)
        except UnknownWordError as error:
            raise CellError(error.message) from None

    def _scope(self, value: object, _row: _Row) -> Scope:
        return parse_enum(Scope, value)

    def _title(self, value: object, _row: _Row) -> str:
        text = raw_text(value).strip()
        try:
            name_text()(None, attrs.fields(Register).title, text)
        except ValidationError as error:
            raise CellError(bilingual("问题标题应为不超过200字的单行文字", str(error))) from None
        return text

    def _work_group(self, value: object, _row: _Row) -> WorkGroupId:
        group = WorkGroupId(self.names.work_groups.find(normal(value)))
        campaign = self.campaign_id
        if campaign is not None and self.names.group_campaign.get(group) != campaign:
            raise CellError(
                bilingual(
                    f"工作组“{normal(value)}”不属于活动 {campaign}",
                    f"the work group {normal(value)!r} is not in the campaign {campaign}",
                )
            )
        return group

    def _registered_on(self, value: object, _row: _Row) -> dt.date:
        return parse_date(value)

    def _amount(self, value: object, _row: _Row) -> Money:
        return parse_amount(value, unit=self.units.get("amount"))

    # -- workflow

    def _level(self, value: object, _row: _Row) -> HandlingLevel:
        return parse_enum(HandlingLevel, value)

    def _lead_department(self, value: object, _row: _Row) -> DepartmentId:
        return DepartmentId(self.names.department(clean_name(value)))

    def _co_departments(self, value: object, _row: _Row) -> tuple[DepartmentId, ...]:
        found: list[DepartmentId] = []
        for part in split_list(value):
            department = DepartmentId(self.names.department(part))
            if department in found:
                raise CellError(
                    bilingual(f"配合部门重复：{part}", f"a co-handling department twice: {part}")
                )
            found.append(department)
        return tuple(found)

    def _deadline(self, value: object, _row: _Row) -> dt.date:
        return parse_date(value)

    def _settled_on(self, value: object, _row: _Row) -> dt.date:
        return parse_date(value)

    def _state(self, value: object, _row: _Row) -> ProblemState:
        try:
            return self.vocabulary.state(raw_text(value))
        except UnknownWordError as error:
            raise CellError(error.message) from None

    def _settlement(self, value: object, _row: _Row) -> Event:
        event = parse_enum(Event, value, _SETTLEMENT_ALIASES)
        if event not in (Event.RESOLVE, Event.EXPLAIN):
            raise CellError(
                bilingual("办结方式应为 解决 或 解释", "expected 解决 (resolve) or 解释 (explain)")
            )
        return event

    def _follow_up_outcome(self, value: object, _row: _Row) -> FollowUpOutcome:
        return parse_enum(FollowUpOutcome, value)

    def _satisfaction(self, value: object, _row: _Row) -> Satisfaction:
        return parse_enum(Satisfaction, value)

    def _merged_into(self, value: object, _row: _Row) -> ProblemId:
        result: ProblemId = _parse_id(ProblemId, value)
        return result

    def _history(self, value: object, _row: _Row) -> Problem:
        from jinjiecu.serialization import structure  # noqa: PLC0415 - cattrs only when asked

        try:
            items = json.loads(raw_text(value))
            if not isinstance(items, list):
                raise CellError(bilingual("办理记录应为 JSON 数组", "expected a JSON array"))
            return Problem.from_history(structure(item, Transition) for item in items)
        except json.JSONDecodeError as error:
            raise CellError(
                bilingual("办理记录不是有效的 JSON", f"not valid JSON: {error}")
            ) from None
        except JinjiecuError as error:
            raise CellError(bilingual("办理记录无效", str(error))) from None


# ====================================================================== the import


def _derived_id(enterprise: str | None, project: str | None, day: dt.date, title: str) -> ProblemId:
    key = "\x1f".join([enterprise or "", project or "", day.isoformat(), title])
    return ProblemId("ledger-" + hashlib.sha256(key.encode()).hexdigest()[:24])


def _title_from(description: str) -> str:
    for line in description.splitlines():
        cleaned = "".join(ch for ch in line if unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
        cleaned = cleaned.strip()
        if cleaned:
            return cleaned[:200]
    return ""


@attrs.define
class _Importer:
    reader: _Reader
    actor: Actor
    undated: dt.datetime
    rules: ProblemRules
    outcomes: dict[int, tuple[Problem, int, bool]] = attrs.Factory(dict)
    """Row number -> (the problem as it will be, its stored version or 0, merged by this row)."""
    warnings: list[RowError] = attrs.Factory(list)

    # -- who a row is

    def enterprise_of(self, row: _Row) -> EnterpriseId | None:
        """The enterprise the row names by name or credit code (created if asked and missing)."""
        if "enterprise" in row.resolved:
            known: EnterpriseId | None = row.resolved["enterprise"]
            return known
        name: str | None = row.get("enterprise")
        code: CreditCode | None = row.get("credit_code")
        found: EnterpriseId | None = None
        if not ({"enterprise", "credit_code"} & row.errors.keys()):
            try:
                found = self.reader.names.enterprise(name, code, self.home_of(row))
            except CellError as error:
                column = error.field or ("enterprise" if name is not None else "credit_code")
                row.fail(column if row.has(column) else "credit_code", error.reason)
        row.resolved["enterprise"] = found
        return found

    def home_of(self, row: _Row) -> str | None:
        """Where a new enterprise of the row is: its place, its region, or the office's."""
        for field in ("place", "region"):
            value = row.get(field) if row.has(field) else None
            if value is not None:
                return str(value)
        return self.reader.names.office_region

    def title_of(self, row: _Row) -> str:
        title = row.get("title")
        if title:
            return str(title)
        return _title_from(row.text("description"))

    def identify(self, row: _Row) -> ProblemId | None:
        """The row's problem id: its 问题编号, its history's, or one derived from its details."""
        given: ProblemId | None = row.get("problem_id")
        history: Problem | None = row.get("history") if row.has("history") else None
        if given is not None:
            if history is not None and history.id != given:
                row.fail(
                    "history",
                    bilingual(
                        f"办理记录属于问题 {history.id}，与问题编号不符",
                        f"the history is problem {history.id}'s, not {given}'s",
                    ),
                )
            return given
        if history is not None:
            return history.id
        details = self.details(row)  # records every bad or missing registration cell
        if details is None:
            return None
        return _derived_id(
            details.enterprise_id, details.project_id, row.get("registered_on"), details.title
        )

    # -- a new problem

    def details(self, row: _Row) -> Register | None:
        """The registration a new problem's row gives, or ``None`` (its errors recorded)."""
        enterprise = self.enterprise_of(row)
        project: ProjectId | None = row.get("project")
        values = {field: row.get(field) for field in ("region", "place", "category", "work_group")}
        leader: LeaderId | None = row.get("leader")
        day = row.get("registered_on")
        row.get("amount")
        title = self.title_of(row)
        named = {"enterprise", "credit_code", "project"} & row.errors.keys()
        if enterprise is None and project is None and not named:
            row.fail(
                "enterprise" if row.has("enterprise") else "credit_code",
                bilingual(
                    "企业名称、统一社会信用代码或项目名称至少填写一项",
                    "the enterprise (name or credit code) or the project is needed",
                ),
            )
        region = values["place"] or values["region"]
        if region is None and enterprise is not None:
            region = self.reader.names.enterprise_region.get(enterprise)
        if region is None and project is not None:
            region = self.reader.names.project_region.get(project)
        if region is None:
            region = self.reader.names.office_region
        # Without an enterprise or project, the region's absence is not news.
        for field, missing in (
            ("region", region is None and (enterprise is not None or project is not None)),
            ("category", values["category"] is None),
            ("registered_on", day is None),
            ("description", not title),
        ):
            if missing and field not in row.errors:
                row.fail(field, _required(field))
        if row.errors:
            return None
        group = values["work_group"]
        campaign = self.reader.campaign_id or (
            None if group is None else self.reader.names.group_campaign.get(group)
        )
        try:
            return Register(
                title=title,
                category=values["category"],
                region_id=RegionId(region),
                description=row.text("description"),
                enterprise_id=enterprise,
                project_id=project,
                campaign_id=None if campaign is None else CampaignId(campaign),
                work_group_id=group,
                scope=row.get("scope") or Scope.INDIVIDUAL,
                level=row.get("level") or HandlingLevel.LOCAL,
                leader_id=leader,
            )
        except ValidationError as error:
            field = error.field if error.field in ("title", "description") else "description"
            row.fail(field, bilingual("登记信息无效", str(error)))
            return None

    def register(self, row: _Row, problem_id: ProblemId) -> Problem:
        """A new problem registered from its row."""
        details = self.details(row)
        row.check()
        if details is None:  # pragma: no cover - details() records an error when it gives None
            raise _RowFailedError
        amount: Money | None = row.get("amount")
        day: dt.date = row.get("registered_on")
        try:
            return Problem.register(
                details,
                at=moment_for_day(day),
                actor=self.actor,
                id=problem_id,
                note=join_note("" if amount is None else amount.format(), ""),
                rules=self.rules,
            )
        except ValidationError as error:
            row.fail("category", bilingual("登记信息无效", str(error)))
            raise _RowFailedError from None

    # -- what a row asks

    def wanted(self, row: _Row, changed: Iterable[str] | None, *, check: bool = True) -> Wanted:
        """The workflow fields the row changes (all of them for a new problem).

        With ``check=False`` bad cells are only recorded, so that the caller
        can read the rest of the row before giving up on it.
        """
        fields = set(_WORKFLOW if changed is None else changed)
        values: dict[str, Any] = {}
        for field in _WORKFLOW:
            if field in fields and field != "progress":
                values[field] = row.get(field)
        if (
            "co_departments" in fields
            and row.has("co_departments")
            and values["co_departments"] is None
        ):
            values["co_departments"] = ()
        if changed is None and values.get("co_departments") == ():
            values["co_departments"] = None
        progress = row.text("progress")
        state = values.get("state")
        if changed is None and state is None:
            # A new row that names a lead department but no state was assigned to it.
            if values.get("lead_department") is not None:
                state = ProblemState.ASSIGNED
            elif values.get("deadline") is not None or values.get("co_departments"):
                row.fail(
                    "lead_department" if row.has("lead_department") else "state",
                    bilingual(
                        "填写了办理时限或配合部门，但没有牵头部门和办理状态，无法交办",
                        "a deadline or co-departments without a lead department or a state: "
                        "nothing to assign to",
                    ),
                )
        if check:
            row.check()
        return Wanted(
            state=state,
            level=values.get("level"),
            lead=values.get("lead_department"),
            co=values.get("co_departments"),
            deadline=values.get("deadline"),
            settled_on=values.get("settled_on"),
            settlement=values.get("settlement"),
            outcome=values.get("follow_up_outcome"),
            satisfaction=values.get("satisfaction"),
            merged_into=values.get("merged_into"),
            progress=progress,
            progress_changed="progress" in fields and bool(progress.strip()),
            follow_up_columns=row.has("follow_up_outcome") or row.has("satisfaction"),
        )

    def check_registration(self, row: _Row, problem: Problem, changed: Iterable[str]) -> None:
        """Registration cells that say something else than the record are errors.

        A blank cell never contradicts the record.
        """
        for field in changed:
            if field not in _REGISTRATION or is_blank(row.cell(field)):
                continue
            given: Any
            recorded: Any
            if field in ("enterprise", "credit_code"):
                given, recorded = self.enterprise_of(row), problem.enterprise_id
            elif field == "description":
                given, recorded = row.text("description"), problem.description
            elif field == "amount":
                given, stored = row.get("amount"), split_note(problem.transitions[0].note)[0]
                try:
                    recorded = parse_amount(stored) if stored else None
                except CellError:
                    recorded = stored
            else:
                given = row.get(field)
                county, place = _region_and_place(problem, self.reader.names)
                recorded = {
                    "project": problem.project_id,
                    "region": county,
                    "place": place,
                    "leader": problem.leader_id,
                    "category": problem.category,
                    "scope": problem.scope,
                    "title": problem.title,
                    "work_group": problem.work_group_id,
                    "registered_on": local_date(problem.registered_at),
                }[field]
            if field not in row.errors and given != recorded:
                row.fail(field, _registration_fixed(field))
        row.check()

    # -- one row

    def take(
        self, row: _Row, problem_id: ProblemId, stored: Problem | None, known: set[str]
    ) -> None:
        """Work out what the row changes; ``known`` are the ids a merge may point to."""
        history: Problem | None = row.get("history") if row.has("history") else None
        row.check()
        base, fresh, version = stored, stored is None, 0 if stored is None else stored.version
        if history is not None:
            base = self.reconcile(row, history, stored)
        if base is None:
            wanted = self.wanted(row, None, check=False)  # bad cells first, domain work after
            _check_merge_target(row, known)
            problem = self.register(row, problem_id)
            result = self.run_plan(row, problem, wanted, registered=True)
            self.outcomes[row.number] = (result, 0, result.state is ProblemState.MERGED)
            return
        # A ledger written from an older version (its history is behind the
        # store's) changed only what differs from that version.
        reference = base if history is None else history
        written = _cells(reference, self.reader.names, self.rules)
        changed = [
            field
            for field in self.reader.table.columns
            if field in written and not _same(row.cell(field), written[field])
        ]
        self.check_registration(row, base, changed)
        if "merged_into" in changed:
            _check_merge_target(row, known)
            row.check()
        result = base
        workflow = [field for field in changed if field in _WORKFLOW]
        if workflow:
            result = self.run_plan(row, base, self.wanted(row, workflow))
        merged = "merged_into" in changed and result.state is ProblemState.MERGED
        self.outcomes[row.number] = (result, 0 if fresh else version, merged)

    def reconcile(self, row: _Row, history: Problem, stored: Problem | None) -> Problem:
        """The problem a history cell and the store agree on; a divergent history is an error.

        A history exported masked (mobile and ID numbers hidden) agrees with the
        store's when they are the same once masked.
        """
        if stored is None:
            return history
        if _same_steps(history.transitions[: stored.version], stored.transitions):
            if history.version <= stored.version:
                return stored
            return Problem.from_history(
                (*stored.transitions, *history.transitions[stored.version :])
            )
        if _same_steps(stored.transitions[: history.version], history.transitions):
            return stored
        row.fail(
            "history",
            bilingual(
                "办理记录与库中该问题的记录不一致（历史不能改写）",
                "the history differs from the store's: history is never rewritten",
            ),
        )
        raise _RowFailedError

    def run_plan(
        self, row: _Row, problem: Problem, wanted: Wanted, *, registered: bool = False
    ) -> Problem:
        """Apply the row's changes; a problem registered from the row just now is dated early."""
        try:
            done = plan(
                problem,
                wanted,
                actor=self.actor,
                rules=self.rules,
                undated=None if registered else self.undated,
                registered=registered,
            )
        except PlanError as error:
            row.fail(error.field if row.has(error.field) else "state", error.reason)
            raise _RowFailedError from None
        headers, columns = self.reader.table.headers, self.reader.table.columns
        for field, reason in done.warnings:
            column = headers[columns[field]] if field in columns else ""
            self.warnings.append(RowError(row=row.number, column=column, reason=reason))
        return done.problem


def _same_steps(ours: Sequence[Transition], theirs: Sequence[Transition]) -> bool:
    """Whether two histories are the same, or the same once mobile and ID numbers are masked."""
    if len(ours) != len(theirs):
        return False
    if tuple(ours) == tuple(theirs):
        return True
    from jinjiecu.serialization import unstructure  # noqa: PLC0415 - cattrs only when asked

    def masked(step: Transition) -> str:
        return json.dumps(_masked_values(unstructure(step)), ensure_ascii=False, sort_keys=True)

    return all(masked(a) == masked(b) for a, b in zip(ours, theirs, strict=True))


def _required(field: str) -> str:
    header = ZH_HEADERS[field]
    return bilingual(
        f"新问题必须填写{header}", f"a new problem needs the {EN_HEADERS[field]!r} column filled in"
    )


def _registration_fixed(field: str) -> str:
    return bilingual(
        f"登记信息（{ZH_HEADERS[field]}）与库中记录不同；登记后不能通过台账修改",
        f"{EN_HEADERS[field].lower()} differs from the record; registration details cannot be "
        "changed by a ledger (history is never rewritten)",
    )


def _headers_of(headers: LedgerHeaders | Mapping[str, str] | None) -> LedgerHeaders | None:
    if headers is None or isinstance(headers, LedgerHeaders):
        return headers
    if isinstance(headers, Mapping):
        return LedgerHeaders.chinese().with_overrides(headers)
    raise ValidationError(
        field="headers",
        expected="a LedgerHeaders or a mapping of field to header",
        received=headers,
    )


def _lookup(
    headers: LedgerHeaders | None, vocabulary: Vocabulary
) -> tuple[dict[str, str], frozenset[str]]:
    """Header key -> field, and the English keys.

    The headers given come first, then a user's vocabulary file, then the
    library's own headers and synonyms.
    """
    lookup: dict[str, str] = {}
    if headers is not None:
        for field, header in headers.as_dict().items():
            lookup[io.header_key(header)] = field
    for key in vocabulary.user_headers:
        mapped = vocabulary.headers.get(key)
        if mapped is not None and mapped in ZH_HEADERS:
            lookup.setdefault(key, mapped)
    for table in (ZH_HEADERS, EN_HEADERS):
        for field, header in table.items():
            lookup.setdefault(io.header_key(header), field)
    for key, field in vocabulary.headers.items():
        if field in ZH_HEADERS:
            lookup.setdefault(key, field)
    english = frozenset(io.header_key(h) for h in EN_HEADERS.values())
    return lookup, english


@attrs.frozen(kw_only=True)
class _Ledger:
    """A ledger file as read: its table, how each header was read, the units, what was skipped."""

    table: io.Table
    readings: tuple[HeaderReading, ...]
    units: Mapping[str, str]
    rows: list[tuple[int, list[object]]]
    skipped: tuple[RowError, ...]


def _read(
    ledger: Path,
    headers: LedgerHeaders | Mapping[str, str] | None,
    sheet: str | None,
    vocabulary: Vocabulary,
) -> _Ledger:
    given = _headers_of(headers)
    lookup, english = _lookup(given, vocabulary)
    skip = frozenset(io.header_key(h) for h in _REJECT_HEADERS.values())
    try:
        table = io.read_table(ledger, lookup, english, sheet=sheet, skip=skip)
    except io.HeaderError as problem:
        reason = problem.reason
        kind = _finance_kind_of(ledger, vocabulary, sheet) if problem.row == 1 else None
        if kind is not None:
            chinese, _, in_english = reason.partition(" / ")
            reason = bilingual(
                f"{chinese}；这像是金融台账，请加 --kind {kind}",
                f"{in_english}; it looks like a finance ledger: import it with --kind {kind}",
            )
        error = RowError(row=problem.row, column=problem.column, reason=reason)
        raise LedgerImportError([error], path=str(ledger)) from None
    rows, skipped_rows = io.data_rows(table)
    skipped = [RowError(row=number, column="", reason=reason) for number, reason in skipped_rows]
    table = _resolve_ambiguous(table, rows, vocabulary)
    own = frozenset(() if given is None else (io.header_key(h) for h in given.as_dict().values()))
    readings, units = io.read_columns(
        table, vocabulary, "problems", own=own, skip=skip, amounts=frozenset({"amount"})
    )
    return _Ledger(table=table, readings=readings, units=units, rows=rows, skipped=tuple(skipped))


def _finance_kind_of(ledger: Path, vocabulary: Vocabulary, sheet: str | None) -> str | None:
    """The kind of finance ledger whose headers ``ledger`` has, if any (for a hint)."""
    for kind in LEDGER_KINDS[1:]:
        try:
            io.read_table(ledger, vocabulary.header_table(kind), frozenset(), sheet=sheet)
        except io.HeaderError:
            continue
        return kind
    return None


def _resolve_ambiguous(
    table: io.Table, rows: list[tuple[int, list[object]]], vocabulary: Vocabulary
) -> io.Table:
    """Give an ambiguous column (办理情况) the field its cells show: states, or free text."""
    columns = dict(table.columns)
    ignored = list(table.ignored)
    for index, header in enumerate(table.headers):
        fields = vocabulary.ambiguous_fields(header)
        if not fields or index in columns.values():
            continue
        values = [raw_text(cells[index]) for _number, cells in rows if index < len(cells)]
        values = [value for value in values if value.strip()]
        states = sum(1 for value in values if vocabulary.is_state(value))
        chosen = "state" if values and states * 5 >= len(values) * 4 else "progress"
        if chosen in fields and chosen not in columns:
            columns[chosen] = index
            if header in ignored:
                ignored.remove(header)
    return attrs.evolve(table, columns=columns, ignored=tuple(ignored))


def rejects_path_for(path: str | Path) -> Path:
    """Where the rejects of ``path`` go: ``台账.xlsx`` -> ``台账.rejects.xlsx`` beside it."""
    given = Path(path)
    return given.with_name(f"{given.stem}.rejects{given.suffix}")


def import_ledger(
    store: Store,
    path: str | Path,
    *,
    campaign_id: CampaignId | None = None,
    headers: LedgerHeaders | Mapping[str, str] | None = None,
    on_error: Literal["abort", "reject"] = "abort",
    actor: Actor | None = None,
    progress: Callable[[int, int], object] | None = None,
    at: dt.datetime | None = None,
    rules: ProblemRules = DEFAULT_RULES,
    sheet: str | None = None,
    vocabulary: Vocabulary | None = None,
    create_missing: bool = False,
    region: str | None = None,
    region_name: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a ledger (.xlsx or .csv) into ``store``: new rows registered, changes recorded.

    Args:
        store: the store.
        path: the ledger file.
        campaign_id: the campaign new problems belong to (default: their work
            group's), and the one work-group names are looked up in.
        headers: the headers to read (default: Chinese, English and the
            vocabulary's synonyms); a mapping overrides the Chinese ones.
        on_error: ``"abort"`` (nothing is written if any row has an error) or
            ``"reject"`` (the good rows are imported, the bad ones written
            to :func:`rejects_path_for` the ledger).
        actor: who the recorded transitions are by (default :data:`LEDGER_ACTOR`).
        progress: called with (rows done, rows in all) as the import goes.
        at: the moment of changes the ledger gives no date for (default now).
        rules: the taxonomy and deadline policy the changes are applied
            under, counting on the store's calendar.
        sheet: the xlsx sheet to read (default: the first with a header row).
        vocabulary: the words headers, categories and states are read with
            (default :meth:`Vocabulary.default
            <jinjiecu.reports.vocabulary.Vocabulary.default>`).
        create_missing: create the enterprises, departments (责任单位), leaders
            (包联领导) and places (所属镇街) the ledger names and the store
            lacks, in the same transaction (without it, such a name is a row
            error that says this option exists).
        region: the office's own region (id, division code or name): where
            new enterprises, places and problems are when the ledger does not
            say. Default: a region the rows above the header name (填报单位).
            With ``create_missing``, one the reference divisions know is
            created, or one given by code with ``region_name``.
        region_name: the name of a region ``region`` creates.
        dry_run: work everything out, write nothing, and return the report
            with the rows' errors rather than raising them (a file whose
            header cannot be found still raises).

    Raises:
        LedgerImportError: a row (or the file) has errors; nothing was written.
        ValidationError: a bad argument, or a path that is not a ledger file.
        ConflictError: a problem changed in the store while the ledger was
            being read; nothing was written, import again.
        DuplicateError: someone registered one of the new problems meanwhile;
            nothing was written, import again.
    """
    ledger = io.check_path(path, reading=True)
    check(
        on_error in ("abort", "reject"),
        field="on_error",
        expected="'abort' or 'reject'",
        received=on_error,
    )
    undated = now() if at is None else at
    check(is_aware(undated), field="at", expected="a timezone-aware datetime", received=at)
    if actor is not None:
        check(isinstance(actor, Actor), field="actor", expected="an Actor", received=actor)
    for name, flag in (("create_missing", create_missing), ("dry_run", dry_run)):
        check(isinstance(flag, bool), field=name, expected="True or False", received=flag)
    words = Vocabulary.default() if vocabulary is None else vocabulary
    check(
        isinstance(words, Vocabulary), field="vocabulary", expected="a Vocabulary", received=words
    )
    rules = store.counting_rules(rules)
    names = store.read(Directory.load)
    names.creating = create_missing
    if campaign_id is not None:
        check(
            campaign_id in names.campaigns,
            field="campaign_id",
            expected="the id of a campaign in the store",
            received=campaign_id,
        )
    read = _read(ledger, headers, sheet, words)
    table = read.table
    office = names.office(region, name=region_name) if region is not None else None
    if office is None:
        names.office_region = names.region_named_in(table.preamble)
    reader = _Reader(
        table=table,
        names=names,
        rules=rules,
        campaign_id=campaign_id,
        vocabulary=words,
        units=read.units,
    )
    importer = _Importer(reader=reader, actor=actor or LEDGER_ACTOR, undated=undated, rules=rules)
    rows = [_Row(number, cells, reader) for number, cells in read.rows]
    rows = [row for row in rows if not row.blank()]
    total = len(rows)
    failed = sorted(_take_rows(store, importer, rows, progress), key=lambda row: row.number)
    errors = [error for row in failed for error in row.row_errors()]
    if errors and on_error == "abort" and not dry_run:
        raise LedgerImportError(errors, path=str(ledger))
    created = [p for p, version, _merged in importer.outcomes.values() if version == 0]
    updated = [(p, v) for p, v, _merged in importer.outcomes.values() if 0 < v < p.version]
    needed = needed_records(names, [p for p, _v, _m in importer.outcomes.values()])
    report = ImportReport(
        rows=total,
        created=len(created),
        updated=len(updated),
        unchanged=len(importer.outcomes) - len(created) - len(updated),
        rejected=len(failed),
        transitions=sum(p.version - v for p, v, _merged in importer.outcomes.values()),
        rejects_path=None,
        errors=tuple(errors),
        warnings=tuple(importer.warnings),
        ignored_columns=table.ignored,
        columns=read.readings,
        skipped=read.skipped,
        new_records=names.new.counts(needed),
        encoding=table.encoding,
        header_row=table.header_row,
        dry_run=dry_run,
    )
    if dry_run:
        return report
    rejects = _write_rejects(ledger, table, failed) if failed else None
    try:
        with store.transaction() as tx:
            write_new_records(tx, names, needed)
            if created:
                tx.problems.add_many(created)
            for problem, version in updated:
                tx.problems.save(problem, expected_version=version)
    except BaseException:
        if rejects is not None:
            rejects.unlink(missing_ok=True)
        raise
    return attrs.evolve(report, rejects_path=rejects)


def _take_rows(
    store: Store,
    importer: _Importer,
    rows: list[_Row],
    progress: Callable[[int, int], object] | None,
) -> list[_Row]:
    """Work out every row's changes (nothing is written); return the rows with errors."""
    identities = _identify(importer, rows)
    stored, known = store.read(lambda session: _fetch(session, identities, rows))
    failed: list[_Row] = []
    total = len(rows)
    step = max(1, total // 100)
    for done, row in enumerate(rows, start=1):
        problem_id = identities.get(row.number)
        if not row.errors and problem_id is not None:
            with contextlib.suppress(_RowFailedError):  # its errors are recorded on the row
                importer.take(row, problem_id, stored.get(problem_id), known)
        if row.errors:
            failed.append(row)
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    return failed + _orphaned_merges(importer, rows, failed, identities)


def _orphaned_merges(
    importer: _Importer, rows: list[_Row], failed: list[_Row], identities: Mapping[int, ProblemId]
) -> list[_Row]:
    """Rows merging into a problem whose own row failed fail too (until none is left)."""
    lost = {identities[row.number] for row in failed if row.number in identities}
    by_number = {row.number: row for row in rows}
    orphans: list[_Row] = []
    while True:
        found = [
            number
            for number, (problem, _version, merged) in importer.outcomes.items()
            if merged and _last_merge(problem) in lost
        ]
        if not found:
            return orphans
        for number in found:
            row = by_number[number]
            target = _last_merge(importer.outcomes.pop(number)[0])
            row.fail(
                "merged_into",
                bilingual(
                    f"合并至的问题 {target} 所在行有错误，未导入",
                    f"the problem {target} it is merged into has errors in its own row",
                ),
            )
            lost.add(identities[number])
            orphans.append(row)


def _identify(importer: _Importer, rows: list[_Row]) -> dict[int, ProblemId]:
    identities: dict[int, ProblemId] = {}
    first: dict[ProblemId, int] = {}
    for row in rows:
        problem_id = importer.identify(row)
        if problem_id is None or row.errors:
            importer.wanted(row, None, check=False)  # the rest of the row's bad cells too
            continue
        if problem_id in first:
            field = "problem_id" if row.has("problem_id") else "registered_on"
            row.fail(
                field,
                bilingual(
                    f"与第{first[problem_id]}行是同一问题（{problem_id}），重复",
                    f"the same problem ({problem_id}) as row {first[problem_id]}",
                ),
            )
            continue
        first[problem_id] = row.number
        identities[row.number] = problem_id
    return identities


def _fetch(
    session: Session, identities: Mapping[int, ProblemId], rows: list[_Row]
) -> tuple[dict[str, Problem], set[str]]:
    """The ledger's problems already in the store, and the merge targets the store has."""
    found: dict[str, Problem] = {}
    for problem_id in identities.values():
        problem = session.fetch_problem(problem_id)
        if problem is not None:
            found[problem_id] = problem
    in_ledger = {str(p) for p in identities.values()}
    targets = {
        str(target)
        for row in rows
        if row.has("merged_into") and (target := row.get("merged_into")) is not None
    }
    existing = {t for t in targets - in_ledger if session.problem_version(t) is not None}
    return found, existing | in_ledger


def _check_merge_target(row: _Row, known: set[str]) -> None:
    """Record an error if the row merges into a problem neither the ledger nor the store has."""
    if not row.has("merged_into"):
        return
    target = row.get("merged_into")
    if target is not None and target not in known:
        row.fail(
            "merged_into",
            bilingual(
                f"合并至的问题 {target} 既不在台账中也不在库中",
                f"the problem {target} it was merged into is neither in the ledger nor the store",
            ),
        )


def _write_rejects(ledger: Path, table: io.Table, failed: list[_Row]) -> Path:
    target = rejects_path_for(ledger)
    header = [*table.headers, _REJECT_HEADERS[table.english]]
    width = len(table.headers)
    rows = []
    for row in failed:
        cells = [*row.cells[:width], *([None] * (width - len(row.cells)))]
        reasons = "；".join(
            f"{error.column}：{error.reason}" if error.column else error.reason
            for error in row.row_errors()
        )
        rows.append([*cells, reasons])
    if target.suffix.lower() == ".xlsx":
        io.write_xlsx(target, header, rows, sheet=table.sheet or "Sheet1")
    else:
        io.write_csv(target, header, rows)
    return target


# ====================================================================== the export

_WIDTHS: Final = {
    "number": 6,
    "problem_id": 16,
    "enterprise": 28,
    "credit_code": 22,
    "project": 28,
    "region": 14,
    "category": 12,
    "title": 28,
    "description": 40,
    "work_group": 24,
    "lead_department": 24,
    "co_departments": 30,
    "registered_on": 12,
    "deadline": 12,
    "deadline_provisional": 8,
    "progress": 36,
    "settled_on": 12,
}


def _export_fields(columns: Sequence[str] | None, *, history: bool) -> list[str]:
    fields = list(EXPORT_COLUMNS if columns is None else columns)
    if history and "history" not in fields:
        fields.append("history")
    unknown = [f for f in fields if f not in LEDGER_COLUMNS]
    check(
        not unknown and len(set(fields)) == len(fields) and bool(fields),
        field="columns",
        expected=f"distinct fields of a ledger: {', '.join(LEDGER_COLUMNS)}",
        received=fields,
    )
    return fields


def _problem_query(query: Query | None) -> Query:
    wanted = query or Query()
    check(isinstance(wanted, Query), field="query", expected="a Query", received=query)
    wanted.check_for("problem", PROBLEM_FILTERS)
    return wanted


def _check_unmasked(unmasked: object, actor: object) -> None:
    check(isinstance(unmasked, bool), field="unmasked", expected="True or False", received=unmasked)
    check(
        not unmasked or isinstance(actor, Actor),
        field="actor",
        expected="the Actor who asks for an unmasked export (it is audited)",
        received=actor,
    )


def _add_needed_columns(
    fields: list[str], problems: Sequence[Problem], names: Directory, calendar: WorkingCalendar
) -> None:
    """Add 所属镇街, 包联领导 and 时限暂定 where they belong when an exported problem has one."""
    needed = {
        "place": any(_region_and_place(p, names)[1] is not None for p in problems),
        "leader": any(p.leader_id is not None for p in problems),
        "deadline_provisional": any(
            p.deadline is not None and calendar.is_provisional(p.deadline) for p in problems
        ),
    }
    order = [field for field in LEDGER_COLUMNS if field in fields or needed.get(field, False)]
    fields[:] = order


def _moment(as_of: object) -> dt.datetime | None:
    if isinstance(as_of, dt.datetime):
        check(is_aware(as_of), field="as_of", expected="a timezone-aware datetime", received=as_of)
        return as_of
    if isinstance(as_of, dt.date):
        return end_of_day(as_of)
    if as_of is None:
        return None
    raise ValidationError(field="as_of", expected="a datetime or a date", received=as_of)


def export_ledger(
    store: Store,
    path: str | Path,
    *,
    as_of: dt.datetime | dt.date | None = None,
    query: Query | None = None,
    headers: LedgerHeaders | Mapping[str, str] | None = None,
    progress: Callable[[int, int], object] | None = None,
    columns: Sequence[str] | None = None,
    history: bool = False,
    rules: ProblemRules = DEFAULT_RULES,
    unmasked: bool = False,
    actor: Actor | None = None,
) -> int:
    """Write the problems in ``store`` as a ledger (.xlsx or .csv, by the suffix); return the rows.

    Args:
        store: the store.
        path: the file to write; it is replaced only once the new one is complete.
        as_of: show each problem as it stood then (a date means the end of
            that day, China Standard Time); problems registered later are left out.
        query: which problems (a :class:`~jinjiecu.storage.base.Query` of
            problem filters), as they stand now; default all.
        headers: the headers (default Chinese); a mapping overrides the Chinese ones.
        progress: called with (rows written, rows in all).
        columns: the fields to write, in order (default :data:`EXPORT_COLUMNS`).
        history: add the ``history`` column (办理记录), which makes importing
            the ledger into another store give equal problems.
        rules: the taxonomy whose labels are written; deadlines are marked
            provisional on the store's calendar.
        unmasked: write mobile and resident ID numbers as they are. By default
            every text cell goes through
            :func:`~jinjiecu.domain.personal.mask_text` (138****5678), so a
            ledger can be passed on; an unmasked export needs ``actor`` and is
            recorded in the store's audit trail (action ``export_unmasked``).
        actor: who exports; required with ``unmasked``.

    Rows are ordered by registration time, then id. Names are written where
    they name one record; otherwise the id is.

    Raises:
        ValidationError: a bad argument; or, for xlsx, a cell over 32,767
            characters (export to CSV instead); nothing is written.
        ConfigurationError: xlsx needs the ``excel`` extra (openpyxl).
    """
    target = io.check_path(path, reading=False)
    _check_unmasked(unmasked, actor)
    header_set = _headers_of(headers) or LedgerHeaders.chinese()
    fields = _export_fields(columns, history=history)
    moment = _moment(as_of)
    rules = store.counting_rules(rules)
    wanted = _problem_query(query)

    def load(session: Session) -> tuple[list[Problem], Directory]:
        problems: list[Problem] = []
        offset = 0
        while page := session.select_problems(wanted, MAX_PAGE, offset):
            problems.extend(page)
            offset += len(page)
        return problems, Directory.load(session)

    problems, names = store.read(load)
    if moment is not None:
        problems = [p for p in (problem.as_of(moment) for problem in problems) if p is not None]
    problems.sort(key=lambda p: (p.registered_at, p.id))
    if columns is None:
        _add_needed_columns(fields, problems, names, rules.working_calendar)
    total = len(problems)
    done = 0
    step = max(1, total // 100)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)

    def rows() -> Iterable[list[object]]:
        for number, problem in enumerate(problems, start=1):
            cells = _cells(problem, names, rules)
            cells["number"] = number
            if "history" in fields:
                cells["history"] = _history_json(problem, masked=not unmasked)
            # Phone and ID numbers typed into any text are masked unless asked otherwise;
            # ids and codes never are (a hex id may hold what looks like a phone number).
            yield [
                cells[f] if unmasked or f in _NEVER_MASKED else _masked(cells[f]) for f in fields
            ]

    header = [header_set.header(field) for field in fields]
    english = header_set == LedgerHeaders.english()
    try:
        if target.suffix.lower() == ".xlsx":
            count = io.write_xlsx(
                target,
                header,
                rows(),
                sheet="Ledger" if english else "工作台账",
                widths=[_WIDTHS.get(field, 12) for field in fields],
                on_row=tick,
            )
        else:
            count = io.write_csv(target, header, rows(), on_row=tick)
    except io.CellTooLongError as error:
        problem = problems[error.row]
        raise ValidationError(
            field=fields[error.column],
            expected=f"at most {io.XLSX_CELL_LIMIT:,} characters in an xlsx cell "
            "(export to .csv instead)",
            received=f"problem {problem.id}: {error.length:,} characters",
        ) from None
    if progress is not None and total == 0:
        progress(0, 0)
    if unmasked and actor is not None:
        _audit_unmasked(store, target, actor, count)
    return count


def _audit_unmasked(store: Store, target: Path, actor: Actor, count: int) -> None:
    """Record an unmasked export in the audit trail; without that record, no file."""
    try:
        store.audit.record(
            actor=actor,
            action="export_unmasked",
            object_kind="ledger",
            object_id=str(target),
            detail=f"{count} rows with personal data unmasked",
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


_NEVER_MASKED: Final = frozenset(("problem_id", "merged_into", "credit_code", "history"))
"""Fields export writes as they are: ids and codes, and the history (masked field by field)."""

_ANY_DIGIT: Final = re.compile("[0-9０-９]")
"""The digits :func:`~jinjiecu.domain.personal.mask_text` looks at; text without one is kept."""


def _masked(value: object) -> object:
    """``value`` with mobile and ID numbers masked, if it is text."""
    if isinstance(value, str) and _ANY_DIGIT.search(value) is not None:
        return mask_text(value)
    return value
