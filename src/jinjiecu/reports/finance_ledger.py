"""Finance ledgers (金融台账): renewals, bridge-fund draws, debt resolutions, whitelists.

Banks and county offices keep lists of the relief they arranged, most often
as CSV in GBK or as xlsx, with amounts in 万元. :func:`import_finance_ledger`
reads such a list into the store; :func:`export_finance_ledger` writes the
store's records back the same way. Four kinds (:data:`FINANCE_KINDS`):

- ``renewals`` (无还本续贷台账): one :class:`~jinjiecu.domain.finance.LoanRenewal`
  per row: the borrower, the bank, the renewal date and amount.
- ``bridge-funds`` (过桥资金使用台账): one :class:`~jinjiecu.domain.finance.BridgeDraw`
  per row, on the fund the row names (资金名称; default 过桥资金).
- ``debt`` (债务化解台账): one :class:`~jinjiecu.domain.finance.DebtResolution`
  per row: two of 化解前债务, 化解后债务 and 化解金额 give the third.
- ``whitelist`` (白名单): one :class:`~jinjiecu.domain.finance.WhitelistEvent`
  per row (纳入 or 移出), on the list the row names (default 优质小微企业名单库).

**Columns.** Headers are read through
:data:`~jinjiecu.reports.vocabulary.FINANCE_HEADER_SYNONYMS` (and a user's
vocabulary file); :data:`FINANCE_COLUMNS` lists what export writes. The header
row is found below title rows, and totals rows (合计) and notes under the
table are skipped and reported, as for problem ledgers.

**Amounts** are exact :class:`~jinjiecu.domain.money.Money`: a bare number is
in the unit the header gives (``续贷金额（万元）``; 元 when it gives none), a
cell that writes its own unit (``1.2亿元``) keeps it. Export writes amounts
in 万元 as numbers, so a spreadsheet can add them up.

**What a ledger leaves out.** A renewal ledger often gives only the renewal:
without the original loan's amount, its contract, its maturity, the term or
the rate, the renewal is recorded with the original amount equal to the
renewed one, contract 未注明, the maturity on the renewal day, a 12-month term
and a rate of 0, and its note says which of these were not given
(``台账未注明：…``); without 重签担保 or the risk classes, the guarantee is
taken as re-signed and both classes as 正常 (the domain's defaults). A rate
below 1 is read as a fraction (a cell formatted as a percentage holds 0.0435
for 4.35%). A bridge fund takes its pool as the most its draws have had out at
once (and at least the pool it had), no limit on days (366, the longest
allowed) and no fee, unless the ledger's 资金规模, 最长使用天数 and 日费率
columns say otherwise; a ledger that gives no 资金规模 is never refused for
the pool. A whitelist row without a 变动类型 is an addition (纳入); a new
whitelist takes the criteria its rows name (or one, 台账列入, when they name
none) and the office's region. Each default that matters is reported as a
warning.

**Identity: re-importing changes nothing.** A renewal or debt row is the
record whose id is in its 续贷编号 or 化解编号 column (not a bank's own 编号,
which numbers its rows); without one, the id is ``lr-`` or ``dr-`` and 12 hex
digits of a SHA-256 of who and when (the borrower, the bank, the contract
and the renewal day; the enterprise and the day of the resolution), the same
in every store. A draw is the fund's draw with the same 业务编号, or without
one, the same enterprise and day; a whitelist row the list's event with the
same change, enterprise and day. So a row that matches a stored record and
says something different updates it: a corrected amount, a draw's 归还日期
filled in. Two rows of one ledger with the same identity are refused, asking
for the contract number (or id) that tells them apart; an id that names
another enterprise's record is refused too. A blank cell never changes
anything.

**Names.** Enterprises are found by name or credit code as in
:func:`~jinjiecu.reports.ledger.import_ledger`; with ``create_missing`` those
the store lacks are created (and banks named in a renewal, as departments
of the kind 金融机构), in the same transaction. Without it, a bank the store
does not know is kept as written.

**All or nothing.** Every row is checked first; any error raises
:class:`~jinjiecu.reports.ledger.LedgerImportError` with the row, column and
reason of each, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from jinjiecu.reports import _finance_columns
from jinjiecu.reports._finance_columns import finance_headers
from jinjiecu.reports._finance_export import export_finance_ledger
from jinjiecu.reports._finance_import import FinanceImportReport, import_finance_ledger

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "AMOUNT_FIELDS",
    "EXPORT_UNIT",
    "FINANCE_COLUMNS",
    "FINANCE_KINDS",
    "FinanceImportReport",
    "export_finance_ledger",
    "finance_headers",
    "import_finance_ledger",
]

# The code lives in private modules: _finance_columns (the columns and their headers),
# _finance_cells (a row and the values in its cells), _finance_kinds (each kind's rows as
# records), _finance_plan (the writes, merged with what is stored), _finance_import and
# _finance_export. The constants are assigned here rather than only imported so that
# their documentation is here: Sphinx reads a constant's docstring in the module that
# assigns it.

FINANCE_KINDS: Final = _finance_columns.FINANCE_KINDS
"""The kinds of finance ledger (无还本续贷, 过桥资金, 债务化解, 白名单)."""

FINANCE_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = _finance_columns.FINANCE_COLUMNS
"""The fields :func:`export_finance_ledger` writes, by kind, in order.

Their headers are the first (Chinese) and last (English) words of
:data:`~jinjiecu.reports.vocabulary.FINANCE_HEADER_SYNONYMS`; amounts get
``（万元）``.
"""

AMOUNT_FIELDS: Final = _finance_columns.AMOUNT_FIELDS
"""The fields that hold amounts of money."""

EXPORT_UNIT: Final = _finance_columns.EXPORT_UNIT
"""The unit export writes amounts in."""
