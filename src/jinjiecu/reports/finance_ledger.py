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

import hashlib
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import attrs

from jinjiecu.domain.clock import is_aware, local_date
from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.finance import (
    BridgeDraw,
    BridgeFund,
    Criterion,
    DebtResolution,
    DebtResolutionMethod,
    Loan,
    LoanRenewal,
    RiskClass,
    Whitelist,
    WhitelistChange,
    WhitelistEvent,
    pool_taken,
    total,
)
from jinjiecu.domain.ids import (
    BridgeFundId,
    DebtResolutionId,
    EnterpriseId,
    LoanRenewalId,
    ProblemId,
    RegionId,
    WhitelistId,
)
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import DepartmentKind
from jinjiecu.domain.validation import check, name_text
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
from jinjiecu.reports._ledger_names import (
    Directory,
    Index,
    name_key,
    needed_records,
    new_id,
    write_new_records,
)
from jinjiecu.reports.ledger import LedgerImportError, RowError
from jinjiecu.reports.vocabulary import (
    DEBT_METHOD_SYNONYMS,
    FINANCE_HEADER_SYNONYMS,
    HeaderReading,
    Vocabulary,
)
from jinjiecu.storage.base import (
    BRIDGE_FUNDS,
    DEBT_RESOLUTIONS,
    LOAN_RENEWALS,
    WHITELISTS,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable, Iterable, Sequence
    from pathlib import Path

    from jinjiecu.storage.base import RecordKind, Session, Store, Transaction

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

FINANCE_KINDS: Final = ("renewals", "bridge-funds", "debt", "whitelist")
"""The kinds of finance ledger (无还本续贷, 过桥资金, 债务化解, 白名单)."""

FINANCE_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "renewals": (
            *("number", "id", "enterprise", "credit_code", "region", "place", "bank", "branch"),
            *("contract", "original_amount", "original_start", "maturity", "renewed_on"),
            *("amount", "term_months", "rate", "guarantee_resigned", "risk_before"),
            *("risk_after", "problems", "note"),
        ),
        "bridge-funds": (
            *("number", "fund", "operator", "pool_size", "max_days", "daily_fee_rate"),
            *("enterprise", "credit_code", "region", "place", "amount", "drawn_on", "repaid_on"),
            *("reference", "problems"),
        ),
        "debt": (
            *("number", "id", "enterprise", "credit_code", "region", "place", "creditors"),
            *("debt_before", "debt_after", "resolved", "method", "resolved_on", "problems"),
            "note",
        ),
        "whitelist": (
            *("number", "whitelist", "enterprise", "credit_code", "region", "place", "change"),
            "on",
            *("criteria", "reason"),
        ),
    }
)
"""The fields :func:`export_finance_ledger` writes, by kind, in order.

Their headers are the first (Chinese) and last (English) words of
:data:`~jinjiecu.reports.vocabulary.FINANCE_HEADER_SYNONYMS`; amounts get
``（万元）``.
"""

AMOUNT_FIELDS: Final = frozenset(
    ("original_amount", "amount", "pool_size", "debt_before", "debt_after", "resolved")
)
"""The fields that hold amounts of money."""

EXPORT_UNIT: Final = "万元"
"""The unit export writes amounts in."""

_DEFAULT_FUND: Final = "过桥资金"
_DEFAULT_WHITELIST: Final = "优质小微企业名单库"
_DEFAULT_CRITERION: Final = "台账列入"
_DEFAULT_DESCRIPTION: Final = "台账所列（未注明条件）"
_NOT_GIVEN: Final = "未注明"
_NO_DAY_LIMIT: Final = 366
_DEFAULT_TERM: Final = 12
_WAN: Final = Decimal(10_000)

_CHANGE_ALIASES: Final = {
    **{enum_key(w): WhitelistChange.ADD for w in ("入库", "新增", "加入", "列入", "add")},
    **{enum_key(w): WhitelistChange.REMOVE for w in ("出库", "退出", "删除", "剔除", "remove")},
}
_METHOD_ALIASES: Final = {
    enum_key(word): DebtResolutionMethod(code)
    for code, words in DEBT_METHOD_SYNONYMS.items()
    for word in words
}
_CHINESE_DIGITS: Final = "零一二三四五六七八九"
_YES: Final = frozenset(("是", "已", "yes", "y", "true", "√", "✓", "1"))
_NO: Final = frozenset(("否", "未", "no", "n", "false", "×", "✗", "0"))


def finance_headers(kind: str, *, english: bool = False) -> dict[str, str]:
    """The headers export writes for ``kind``, by field (amounts with ``（万元）``)."""
    _check_kind(kind)
    table = FINANCE_HEADER_SYNONYMS[kind]
    headers: dict[str, str] = {}
    for field in FINANCE_COLUMNS[kind]:
        word = table[field][-1 if english else 0]
        if field in AMOUNT_FIELDS:
            word = f"{word} ({EXPORT_UNIT})" if english else f"{word}（{EXPORT_UNIT}）"
        headers[field] = word
    return headers


def _check_kind(kind: object) -> None:
    check(
        kind in FINANCE_KINDS,
        field="kind",
        expected="one of " + ", ".join(FINANCE_KINDS),
        received=kind,
    )


@attrs.frozen(kw_only=True)
class FinanceImportReport:
    """What a finance ledger import did (or would do, in a dry run).

    ``created``, ``updated`` and ``unchanged`` count rows: each row is one
    renewal, draw, debt resolution or whitelist change. ``amount`` adds up
    the rows' amounts (renewed, drawn, resolved; zero for a whitelist), to
    check against the ledger's own 合计 row. ``new_records`` counts the
    enterprises, departments (banks) and regions created, and the funds or
    whitelists. The rest is as in
    :class:`~jinjiecu.reports.ledger.ImportReport`.
    """

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    amount: Money
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    columns: tuple[HeaderReading, ...] = ()
    skipped: tuple[RowError, ...] = ()
    new_records: Mapping[str, int] = attrs.field(factory=dict)
    encoding: str | None = None
    header_row: int = 0
    dry_run: bool = False


# ====================================================================== reading cells


class _Row:
    """One data row: its cells by field, and the errors found in them."""

    def __init__(self, number: int, cells: list[object], table: io.Table, kind: str) -> None:
        self.number = number
        self.cells = cells
        self.table = table
        self.kind = kind
        self.errors: dict[str, str] = {}

    def has(self, field: str) -> bool:
        return field in self.table.columns

    def raw(self, field: str) -> object | None:
        """The cell of ``field``; ``None`` when blank or there is no such column."""
        index = self.table.columns.get(field)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return None if is_blank(value) else value

    def blank(self) -> bool:
        return all(self.raw(field) is None for field in self.table.columns if field != "number")

    def read(self, field: str, parse: Callable[[object], Any]) -> Any:
        """The cell of ``field`` read by ``parse`` (``None`` if blank); a bad cell is recorded."""
        value = self.raw(field)
        if value is None:
            return None
        try:
            if isinstance(value, Formula):
                raise CellError(
                    bilingual(
                        "单元格是未计算的公式：请在 Excel 中打开并保存，或“选择性粘贴→数值”",
                        "the cell holds a formula with no value saved: open and save it in "
                        "Excel, or paste it as values",
                    )
                )
            if isinstance(value, ErrorValue):
                raise CellError(bilingual(f"单元格是错误值 {value}", f"the cell holds {value}"))
            return parse(value)
        except CellError as error:
            self.fail(error.field or field, error.reason)
            return None

    def text(self, field: str) -> str:
        """A free-text cell as typed, spaces trimmed (``""`` when blank)."""
        value = self.read(field, lambda v: raw_text(v).strip())
        return "" if value is None else str(value)

    def need(self, field: str, value: object) -> None:
        """Record that a required ``field`` is missing when ``value`` is ``None``."""
        if value is None and field not in self.errors:
            header = _header_for(self.kind, field)
            english = _header_for(self.kind, field, english=True)
            self.fail(field, bilingual(f"缺少{header}", f"the {english} is required"))

    def fail(self, field: str, reason: str) -> None:
        self.errors.setdefault(field, reason)

    def row_errors(self) -> list[RowError]:
        return [
            RowError(row=self.number, column=self.column(field), reason=reason)
            for field, reason in self.errors.items()
        ]

    def column(self, field: str) -> str:
        index = self.table.columns.get(field)
        return self.table.headers[index] if index is not None else _header_for(self.kind, field)


def _header_for(kind: str, field: str, *, english: bool = False) -> str:
    """The library's own header of ``field`` (its English one, the table's last word)."""
    words = FINANCE_HEADER_SYNONYMS[kind].get(field)
    if not words:
        return field
    return words[-1].lower() if english else words[0]


def _name(value: object) -> str:
    """A name (enterprise, bank, fund, list) as typed, trimmed; see ``clean_name``."""
    text = clean_name(value)
    try:
        name_text()(None, attrs.fields(Criterion).description, text)
    except ValidationError as error:
        raise CellError(bilingual("名称应为单行文字", str(error))) from None
    return text


def _credit_code(value: object) -> CreditCode:
    try:
        return CreditCode.parse(raw_text(value))
    except ValidationError as error:
        raise CellError(bilingual("统一社会信用代码无效", str(error))) from None


def _whole(value: object, *, units: Mapping[str, int], what: str) -> int:
    """A whole number, optionally followed by a unit of ``units`` (12个月, 1年)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    for unit, size in units.items():
        if text.endswith(unit) and text[: -len(unit)].strip().isdigit():
            return int(text[: -len(unit)].strip()) * size
    if text.isdigit():
        return int(text)
    raise _expected(what, value)


def _expected(what: str, value: object) -> CellError:
    """A cell that is not ``what`` (``"中文 / English"``), saying what it holds."""
    chinese, _, english = what.partition(" / ")
    typed = raw_text(value)
    return CellError(
        bilingual(f"应为{chinese}，实为 {typed!r}", f"expected {english}, not {typed!r}")
    )


def _term(value: object) -> int:
    return _whole(
        value,
        units={"个月": 1, "月": 1, "年": 12},
        what="月数，如 12 或 12个月 / a number of months, such as 12 or 12个月",
    )


def _days(value: object) -> int:
    return _whole(
        value, units={"天": 1, "日": 1}, what="天数，如 90 或 90天 / a number of days, such as 90"
    )


def _decimal(value: object, what: str) -> Decimal:
    """A decimal number; ``what`` (``"中文 / English"``) says what was expected."""
    if isinstance(value, bool):
        raise _expected(what, value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _expected(what, value) from None
    if not number.is_finite():
        raise _expected(what, value)
    return number


_RATE: Final = "年利率（%），如 4.35 / an annual rate in percent, such as 4.35"
_FEE: Final = "日费率，如 0.0002 或 万分之二 / a daily fee rate, such as 0.0002 or 万分之二"


def _rate(value: object) -> Decimal:
    """An annual rate in percent: 4.35, 4.35% or a percent-formatted cell (0.0435)."""
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    if text.endswith("%"):
        return _decimal(text[:-1], _RATE)
    number = _decimal(value, _RATE)
    # A cell formatted as a percentage holds the fraction (0.0435 for 4.35%):
    # no loan is lent at under 1% a year, so a rate below 1 is taken as one.
    return number * 100 if 0 < number < 1 else number


def _fee_rate(value: object) -> Decimal:
    """A daily fee rate: 0.0002, 0.02% or 万分之二 / 万分之2."""
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    for prefix, size in (("万分之", Decimal(10_000)), ("千分之", Decimal(1000))):
        if text.startswith(prefix):
            digits = text[len(prefix) :]
            if len(digits) == 1 and digits in _CHINESE_DIGITS:
                digits = str(_CHINESE_DIGITS.index(digits))
            return _decimal(digits, _FEE) / size
    if text.endswith("%"):
        return _decimal(text[:-1], _FEE) / 100
    return _decimal(value, _FEE)


def _yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = enum_key(raw_text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(bilingual(f"应为 是 或 否，实为 {raw_text(value)!r}", "expected 是 or 否"))


def _problem_ids(value: object) -> tuple[ProblemId, ...]:
    try:
        return tuple(dict.fromkeys(ProblemId(part) for part in split_list(value)))
    except ValidationError as error:
        raise CellError(bilingual("问题编号格式不正确", str(error))) from None


def _record_id(kind: type[Any]) -> Callable[[object], Any]:
    def parse(value: object) -> Any:
        try:
            return kind(raw_text(value).strip())
        except ValidationError as error:
            raise CellError(bilingual("编号格式不正确", str(error))) from None

    return parse


def _digest(prefix: str, *parts: object) -> str:
    text = "|".join(str(part) for part in parts)
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


# ====================================================================== the import


@attrs.define
class _Context:
    """What reading one finance ledger needs: the store's names, the units, the office."""

    kind: str
    names: Directory
    units: Mapping[str, str]
    containers: Index
    """The stored bridge funds or whitelists, by name (rows name the one they go in)."""
    warnings: list[RowError] = attrs.Factory(list)
    banks: set[str] = attrs.Factory(set)
    """The ids of the bank departments the rows name (created ones are written)."""
    amounts: list[Money] = attrs.Factory(list)
    """The amount of each row read (renewed, drawn, resolved), for the report's total."""

    def amount(self, row: _Row, field: str) -> Money | None:
        unit = self.units.get(field)
        result: Money | None = row.read(field, lambda v: parse_amount(v, unit=unit))
        return result

    def date(self, row: _Row, field: str) -> dt.date | None:
        result: dt.date | None = row.read(field, parse_date)
        return result

    def enterprise(self, row: _Row) -> EnterpriseId | None:
        name: str | None = row.read("enterprise", _name)
        code: CreditCode | None = row.read("credit_code", _credit_code)
        if {"enterprise", "credit_code"} & row.errors.keys():
            return None
        home: str | None = None
        if row.raw("place") is not None:
            home = row.read("place", lambda v: self._place(v, row))
        elif row.raw("region") is not None:
            home = row.read("region", self._county)
        try:
            found = self.names.enterprise(name, code, None if home is None else str(home))
        except CellError as error:
            column = error.field or ("enterprise" if name is not None else "credit_code")
            row.fail(column, error.reason)
            return None
        if found is None:
            row.need("enterprise", None)
        return found

    def _county(self, value: object) -> str:
        return str(self.names.region(normal(value)))

    def _place(self, value: object, row: _Row) -> str:
        county: str | None = row.read("region", self._county)
        return str(self.names.place(clean_name(value), county))

    def bank(self, row: _Row) -> str | None:
        """The bank's name as the store writes it (created with ``creating``), or as typed."""
        text: str | None = row.read("bank", _name)
        if text is None:
            return None
        try:
            found = self.names.departments.lookup(text)
            if found is None and self.names.creating:
                found = self.names.department(text, kind=DepartmentKind.FINANCIAL_INSTITUTION)
        except CellError as error:
            row.fail("bank", error.reason)
            return None
        if found is None:
            return text
        self.banks.add(found)
        return self.names.departments.names[found]

    def warn(self, row: int, column: str, chinese: str, english: str) -> None:
        self.warnings.append(RowError(row=row, column=column, reason=bilingual(chinese, english)))


def _domain_error(row: _Row, error: JinjiecuError, fields: Mapping[str, str]) -> None:
    """Blame the column a record's validation error names (``fields``: record field -> column)."""
    name = getattr(error, "field", None) or ""
    base = name.split("[")[0].split(".")[-1]
    column = fields.get(base, "")
    row.fail(column or "", bilingual("数据不符合规则", str(error)))


# -------------------------------------------------------------- renewals and debts


def _renewal(context: _Context, row: _Row) -> LoanRenewal | None:
    borrower = context.enterprise(row)
    bank = context.bank(row)
    row.need("bank", bank)
    renewed_on = context.date(row, "renewed_on")
    row.need("renewed_on", renewed_on)
    amount = context.amount(row, "amount")
    row.need("amount", amount)
    contract = row.text("contract")
    original_amount = context.amount(row, "original_amount")
    maturity = context.date(row, "maturity")
    start = context.date(row, "original_start")
    term = row.read("term_months", _term)
    rate = row.read("rate", _rate)
    resigned = row.read("guarantee_resigned", _yes_no)
    before = row.read("risk_before", lambda v: parse_enum(RiskClass, v))
    after = row.read("risk_after", lambda v: parse_enum(RiskClass, v))
    problems = row.read("problems", _problem_ids) or ()
    given_id = row.read("id", _record_id(LoanRenewalId))
    if row.errors or borrower is None or bank is None or renewed_on is None or amount is None:
        return None
    missing = [
        label
        for label, value in (
            ("原合同编号", contract or None),
            ("原贷款金额", original_amount),
            ("原贷款到期日", maturity),
            ("续贷期限", term),
            ("年利率", rate),
        )
        if value is None
    ]
    note = _note_with_defaults(row.text("note"), missing)
    context.amounts.append(amount)
    # Not the amount: a corrected amount is the same renewal, updated.
    record_id = given_id or LoanRenewalId(
        _digest("lr", borrower, name_key(bank), name_key(contract), renewed_on.isoformat())
    )
    try:
        return LoanRenewal(
            id=record_id,
            borrower_id=borrower,
            bank=bank,
            branch=row.text("branch"),
            original=Loan(
                contract=contract or _NOT_GIVEN,
                amount=original_amount or amount,
                maturity=maturity or renewed_on,
                start=start,
            ),
            renewed_on=renewed_on,
            new_amount=amount,
            term_months=_DEFAULT_TERM if term is None else term,
            annual_rate_percent=Decimal(0) if rate is None else rate,
            guarantee_resigned=True if resigned is None else resigned,
            risk_before=before or RiskClass.NORMAL,
            risk_after=after or RiskClass.NORMAL,
            problem_ids=problems,
            note=note,
        )
    except JinjiecuError as error:
        _domain_error(row, error, _RENEWAL_FIELDS)
        return None


_RENEWAL_FIELDS: Final = {
    "renewed_on": "renewed_on",
    "new_amount": "amount",
    "term_months": "term_months",
    "annual_rate_percent": "rate",
    "contract": "contract",
    "amount": "original_amount",
    "maturity": "maturity",
    "start": "original_start",
    "bank": "bank",
    "branch": "branch",
    "note": "note",
}


def _note_with_defaults(note: str, missing: Sequence[str]) -> str:
    """The row's note, saying which facts the ledger did not give (and were defaulted)."""
    if not missing:
        return note
    said = f"台账未注明：{'、'.join(missing)}"
    return note if said in note else "；".join(part for part in (note, said) if part)


def _debt(context: _Context, row: _Row) -> DebtResolution | None:
    enterprise = context.enterprise(row)
    creditors = row.read("creditors", split_list)
    row.need("creditors", creditors or None)
    before = context.amount(row, "debt_before")
    after = context.amount(row, "debt_after")
    resolved = context.amount(row, "resolved")
    method = row.read("method", lambda v: parse_enum(DebtResolutionMethod, v, _METHOD_ALIASES))
    resolved_on = context.date(row, "resolved_on")
    row.need("resolved_on", resolved_on)
    problems = row.read("problems", _problem_ids) or ()
    given_id = row.read("id", _record_id(DebtResolutionId))
    if row.errors:
        return None
    try:
        before, after = _debt_amounts(before, after, resolved)
    except CellError as error:
        row.fail(error.field or "resolved", error.reason)
        return None
    if enterprise is None or resolved_on is None or not creditors:
        return None
    # Not the amounts: corrected, they update the same resolution.
    record_id = given_id or DebtResolutionId(_digest("dr", enterprise, resolved_on.isoformat()))
    context.amounts.append(before - after)
    try:
        return DebtResolution(
            id=record_id,
            enterprise_id=enterprise,
            creditors=tuple(dict.fromkeys(creditors)),
            debt_before=before,
            debt_after=after,
            method=method or DebtResolutionMethod.OTHER,
            resolved_on=resolved_on,
            problem_ids=problems,
            note=row.text("note"),
        )
    except JinjiecuError as error:
        _domain_error(row, error, _DEBT_FIELDS)
        return None


_DEBT_FIELDS: Final = {
    "debt_before": "debt_before",
    "debt_after": "debt_after",
    "creditors": "creditors",
    "resolved_on": "resolved_on",
    "note": "note",
}


def _debt_amounts(
    before: Money | None, after: Money | None, resolved: Money | None
) -> tuple[Money, Money]:
    """化解前 and 化解后 from any two of 化解前, 化解后 and 化解金额 (all three must agree)."""
    given = sum(value is not None for value in (before, after, resolved))
    if given < 2:
        raise CellError(
            bilingual(
                "化解前债务、化解后债务、化解金额三者至少填两项",
                "give two of the debt before, the debt after and the amount resolved",
            ),
            field="debt_before",
        )
    if before is None:
        assert after is not None  # noqa: S101 - two of the three are given
        assert resolved is not None  # noqa: S101
        return after + resolved, after
    if after is None:
        assert resolved is not None  # noqa: S101 - two of three given
        if before.approximate:
            raise CellError(
                bilingual(
                    f"化解前债务 {before} 是约数，请填写化解后债务",
                    f"the debt before {before} is a lower bound: give the debt after",
                ),
                field="debt_after",
            )
        if resolved.amount > before.amount:
            raise CellError(
                bilingual(
                    f"化解金额 {resolved} 大于化解前债务 {before}",
                    f"the amount resolved {resolved} exceeds the debt before {before}",
                ),
                field="resolved",
            )
        if resolved.approximate:
            raise CellError(
                bilingual("化解金额应为确数", "the amount resolved must be exact"),
                field="resolved",
            )
        return before, Money(amount=before.amount - resolved.amount)
    if resolved is not None and (before.amount - after.amount) != resolved.amount:
        raise CellError(
            bilingual(
                f"化解金额 {resolved} 不等于化解前 {before} 减化解后 {after}",
                f"the amount resolved {resolved} is not the debt before {before} minus "
                f"the debt after {after}",
            ),
            field="resolved",
        )
    return before, after


# -------------------------------------------------------------- bridge funds


@attrs.define
class _FundRows:
    """The draws one ledger gives for one fund, and the fund's terms as the rows give them."""

    name: str
    first_row: int
    terms: dict[str, object] = attrs.Factory(dict)
    draws: list[tuple[_Row, BridgeDraw]] = attrs.Factory(list)


def _term_once(group: _FundRows, row: _Row, field: str, value: object) -> None:
    """A fund's term (资金规模 ...) given on a row: the same on every row of the fund."""
    if value is None:
        return
    known = group.terms.setdefault(field, value)
    if known != value:
        row.fail(
            field,
            bilingual(
                f"同一过桥资金“{group.name}”各行的{_header_for('bridge-funds', field)}不一致"
                f"（{raw_text(known)}）",
                f"rows of the fund {group.name!r} give different values here ({known})",
            ),
        )


def _draw(context: _Context, row: _Row, funds: dict[str, _FundRows]) -> BridgeDraw | None:
    name = row.read("fund", _name) or _DEFAULT_FUND
    group = funds.setdefault(name, _FundRows(name=name, first_row=row.number))
    enterprise = context.enterprise(row)
    amount = context.amount(row, "amount")
    row.need("amount", amount)
    drawn_on = context.date(row, "drawn_on")
    row.need("drawn_on", drawn_on)
    repaid_on = context.date(row, "repaid_on")
    problems = row.read("problems", _problem_ids) or ()
    _term_once(group, row, "operator", row.read("operator", _name))
    _term_once(group, row, "pool_size", context.amount(row, "pool_size"))
    _term_once(group, row, "max_days", row.read("max_days", _days))
    _term_once(group, row, "daily_fee_rate", row.read("daily_fee_rate", _fee_rate))
    if row.errors or enterprise is None or amount is None or drawn_on is None:
        return None
    try:
        draw = BridgeDraw(
            enterprise_id=enterprise,
            amount=amount,
            drawn_on=drawn_on,
            repaid_on=repaid_on,
            reference=row.text("reference"),
            problem_ids=problems,
        )
    except JinjiecuError as error:
        _domain_error(row, error, {"amount": "amount", "repaid_on": "repaid_on"})
        return None
    group.draws.append((row, draw))
    context.amounts.append(amount)
    return draw


def _draw_key(draw: BridgeDraw) -> tuple[str, ...]:
    """A draw's identity: its 业务编号 when it has one, else its enterprise and day.

    Not the amount: a corrected amount is the same draw, updated.
    """
    if draw.reference:
        return ("reference", draw.reference)
    return ("draw", str(draw.enterprise_id), draw.drawn_on.isoformat())


def _peak(draws: Sequence[BridgeDraw]) -> Money:
    """The most the draws had out at once (on a draw day, counting that day's draws)."""
    days = {draw.drawn_on for draw in draws}
    return max((pool_taken(draws, day) for day in days), default=Money.zero())


# -------------------------------------------------------------- whitelists


@attrs.define
class _ListRows:
    name: str
    events: list[tuple[_Row, WhitelistEvent]] = attrs.Factory(list)
    criteria: dict[str, str] = attrs.Factory(dict)
    """Criterion code -> description, as the rows name them (new ones only)."""


def _listing(
    context: _Context, row: _Row, lists: dict[str, _ListRows], stored: Mapping[str, Whitelist]
) -> WhitelistEvent | None:
    name = row.read("whitelist", _name) or _DEFAULT_WHITELIST
    group = lists.setdefault(name, _ListRows(name=name))
    enterprise = context.enterprise(row)
    change = row.read("change", lambda v: parse_enum(WhitelistChange, v, _CHANGE_ALIASES))
    change = change or WhitelistChange.ADD
    on = context.date(row, "on")
    row.need("on", on)
    words = row.read("criteria", split_list) or []
    reason = row.text("reason")
    if row.errors or enterprise is None or on is None:
        return None
    known = _criteria_of(stored, context.containers, name)
    codes: list[str] = []
    for word in words:
        code = known.get(_criterion_key(word))
        if code is None and _criterion_key(word) in _DEFAULT_KEYS:
            code = _DEFAULT_CRITERION
            group.criteria.setdefault(code, _DEFAULT_DESCRIPTION)
        if code is None:
            group.criteria.setdefault(word, word)  # a new criterion: its words are its code
            code = word
        codes.append(code)
    if change is WhitelistChange.ADD and not codes:
        group.criteria.setdefault(_DEFAULT_CRITERION, _DEFAULT_DESCRIPTION)
        codes = [_DEFAULT_CRITERION]
        context.warn(
            row.number,
            row.column("criteria"),
            f"未注明入库条件，记为“{_DEFAULT_CRITERION}”",
            f"no criteria given: recorded as {_DEFAULT_CRITERION!r}",
        )
    if change is WhitelistChange.REMOVE and not reason:
        row.need("reason", None)
        return None
    try:
        event = WhitelistEvent(
            change=change,
            enterprise_id=enterprise,
            on=on,
            criteria_met=tuple(dict.fromkeys(codes)) if change is WhitelistChange.ADD else (),
            reason=reason,
        )
    except JinjiecuError as error:
        _domain_error(row, error, {"criteria_met": "criteria", "reason": "reason"})
        return None
    group.events.append((row, event))
    return event


def _criterion_key(text: str) -> str:
    return name_key(text)


_DEFAULT_KEYS: Final = frozenset(map(_criterion_key, (_DEFAULT_CRITERION, _DEFAULT_DESCRIPTION)))


def _criteria_of(stored: Mapping[str, Whitelist], index: Index, name: str) -> dict[str, str]:
    """A stored whitelist's criteria by the key of their code and of their description."""
    found = index.by_name.get(name_key(name), [])
    if len(found) != 1:
        return {}
    listing = stored[found[0]]
    keys: dict[str, str] = {}
    for criterion in listing.criteria:
        keys[_criterion_key(criterion.description)] = criterion.code
        keys[_criterion_key(criterion.code)] = criterion.code
    return keys


# ====================================================================== planning the writes


@attrs.define
class _Plan:
    """The records to add and to update, and the row counts."""

    added: list[Any] = attrs.Factory(list)
    updated: list[tuple[Any, int]] = attrs.Factory(list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    containers: int = 0


_KINDS: Final[Mapping[str, RecordKind[Any, Any]]] = MappingProxyType(
    {
        "renewals": LOAN_RENEWALS,
        "bridge-funds": BRIDGE_FUNDS,
        "debt": DEBT_RESOLUTIONS,
        "whitelist": WHITELISTS,
    }
)


def _containers(session: Session, kind: str) -> dict[str, Any]:
    """The stored bridge funds or whitelists (rows name them), with versions: id -> Versioned.

    Few: an office runs a fund or two and a list or two. Renewals and debt
    resolutions are fetched by the ids the rows give (:func:`_versions`).
    """
    if kind not in ("bridge-funds", "whitelist"):
        return {}
    record_kind = _KINDS[kind]
    found: dict[str, Any] = {}
    for record in session.scan(record_kind):
        versioned = session.fetch(record_kind, str(record_kind.id_of(record)))
        if versioned is not None:
            found[str(record_kind.id_of(record))] = versioned
    return found


def _versions(store: Store, kind: RecordKind[Any, Any], ids: Iterable[str]) -> dict[str, Any]:
    """The stored records of these ids, with versions (those the store has)."""
    wanted = sorted(set(ids))

    def fetch(session: Session) -> dict[str, Any]:
        found = {record_id: session.fetch(kind, record_id) for record_id in wanted}
        return {key: versioned for key, versioned in found.items() if versioned is not None}

    return store.read(fetch) if wanted else {}


def _plan_records(
    records: list[tuple[_Row, Any]], stored: Mapping[str, Any], kind: RecordKind[Any, Any]
) -> _Plan:
    """Renewals and debt resolutions: each row a record, new, changed or the same."""
    plan = _Plan()
    seen: dict[str, int] = {}
    for row, record in records:
        record_id = str(kind.id_of(record))
        first = seen.setdefault(record_id, row.number)
        if first != row.number:
            row.fail(
                "id" if row.has("id") else _SAME_FIELDS[kind.name],
                bilingual(
                    f"与第{first}行是同一条记录（{_SAME_WORDS[kind.name]}相同）；如确为两笔，"
                    f"请填写{_TELL_APART[kind.name][0]}",
                    f"the same record as row {first} (the same {_SAME_WORDS_EN[kind.name]}); "
                    f"if they are two, give their {_TELL_APART[kind.name][1]}",
                ),
            )
            continue
        versioned = stored.get(record_id)
        if versioned is not None and _owner(versioned.record) != _owner(record):
            row.fail(
                "id",
                bilingual(
                    f"编号 {record_id} 在库中是另一家企业的记录，未覆盖",
                    f"{record_id} is another enterprise's record in the store: not overwritten",
                ),
            )
            continue
        if versioned is None:
            plan.added.append(record)
            plan.created += 1
        elif versioned.record == record:
            plan.unchanged += 1
        else:
            plan.updated.append((record, versioned.version))
            plan.changed += 1
    return plan


_SAME_FIELDS: Final = {"loan_renewal": "renewed_on", "debt_resolution": "resolved_on"}
_SAME_WORDS: Final = {
    "loan_renewal": "借款人、银行、合同编号和续贷日期",
    "debt_resolution": "企业和化解日期",
}
_TELL_APART: Final = {
    "loan_renewal": ("合同编号", "contract numbers"),
    "debt_resolution": ("化解编号", "ids (化解编号)"),
}
_SAME_WORDS_EN: Final = {
    "loan_renewal": "borrower, bank, contract and date",
    "debt_resolution": "enterprise and date",
}


def _owner(record: Any) -> str:
    return str(getattr(record, "borrower_id", None) or record.enterprise_id)


T = TypeVar("T", BridgeDraw, WhitelistEvent)


def _merge(
    stored: Sequence[T],
    given: Sequence[tuple[_Row, T]],
    *,
    key: Callable[[T], Hashable],
    combine: Callable[[T, T], T],
    plan: _Plan,
    what: tuple[str, str],
) -> tuple[list[T], dict[int, _Row]]:
    """A fund's draws or a list's events with the rows' merged in, and each one's row.

    An item whose key is stored is the stored one, combined with what the row
    adds (a blank cell changes nothing); the others are appended. The result
    is in date order, stored items first among the same day's.
    """
    items = list(stored)
    positions = {key(item): index for index, item in enumerate(items)}
    origin: dict[int, _Row] = {}
    for row, item in given:
        at = positions.get(key(item))
        if at is None:
            positions[key(item)] = len(items)
            origin[len(items)] = row
            items.append(item)
            plan.created += 1
        elif at in origin:
            number = origin[at].number
            row.fail(
                "enterprise",
                bilingual(f"与第{number}行是同一{what[0]}", f"the same {what[1]} as row {number}"),
            )
        else:
            origin[at] = row
            merged = combine(items[at], item)
            if merged == items[at]:
                plan.unchanged += 1
            else:
                items[at] = merged
                plan.changed += 1
    order = sorted(range(len(items)), key=lambda i: _date_of(items[i]))  # stable
    return [items[i] for i in order], {
        new: origin[old] for new, old in enumerate(order) if old in origin
    }


def _date_of(item: BridgeDraw | WhitelistEvent) -> dt.date:
    return item.drawn_on if isinstance(item, BridgeDraw) else item.on


def _repaid(stored: BridgeDraw, given: BridgeDraw) -> BridgeDraw:
    """A stored draw as a later ledger gives it: its amount, repayment and links (if given)."""
    return attrs.evolve(
        stored,
        amount=given.amount,
        repaid_on=given.repaid_on or stored.repaid_on,
        problem_ids=given.problem_ids or stored.problem_ids,
    )


def _restated(stored: WhitelistEvent, given: WhitelistEvent) -> WhitelistEvent:
    return attrs.evolve(
        stored,
        criteria_met=given.criteria_met or stored.criteria_met,
        reason=given.reason or stored.reason,
    )


def _plan_funds(context: _Context, funds: dict[str, _FundRows], stored: Mapping[str, Any]) -> _Plan:
    plan = _Plan()
    for group in funds.values():
        named, versioned = _container(context, group.name, group.draws, stored)
        if not named:
            continue
        old: BridgeFund | None = None if versioned is None else versioned.record
        draws, origin = _merge(
            old.draws if old is not None else (),
            group.draws,
            key=_draw_key,
            combine=_repaid,
            plan=plan,
            what=("笔使用", "draw"),
        )
        rows = [origin.get(index) for index in range(len(draws))]
        fund = _fund(context, group, old, draws, rows)
        if fund is None:
            continue
        if old is None:
            plan.added.append(fund)
            plan.containers += 1
        elif fund != old:
            plan.updated.append((fund, versioned.version))
    return plan


def _fund(
    context: _Context,
    group: _FundRows,
    old: BridgeFund | None,
    draws: list[BridgeDraw],
    rows: list[_Row | None],
) -> BridgeFund | None:
    """The fund with its draws: its terms as the rows give them, else as stored or defaulted.

    Without a 资金规模, the pool is the most the draws ever had out at once
    (and at least the stored pool): a ledger that does not say the pool
    cannot be refused for exceeding it.
    """
    terms = group.terms
    operator = cast("str | None", terms.get("operator"))
    given_pool = cast("Money | None", terms.get("pool_size"))
    max_days = cast("int | None", terms.get("max_days"))
    fee = cast("Decimal | None", terms.get("daily_fee_rate"))
    peak = _peak(draws)
    pool = given_pool or (peak if old is None else max(old.pool_size, peak))
    if old is None:
        defaults = [
            text
            for text, missing in (
                (f"运营机构记为“{_NOT_GIVEN}”", operator is None),
                (f"资金规模按最高占用额 {peak} 记", given_pool is None),
                (f"最长使用天数记为 {_NO_DAY_LIMIT}（不限）", max_days is None),
                ("日费率记为 0", fee is None),
            )
            if missing
        ]
        if defaults:
            context.warn(
                group.first_row,
                "",
                f"新建过桥资金“{group.name}”：" + "；".join(defaults) + "，请核实",
                f"new bridge fund {group.name!r}: terms the ledger does not give were "
                "defaulted; check them",
            )
    elif given_pool is None and pool != old.pool_size:
        context.warn(
            group.first_row,
            "",
            f"过桥资金“{group.name}”未注明资金规模：按最高占用额由 {old.pool_size} 提高到 {pool}",
            f"the bridge fund {group.name!r} gives no pool: raised from {old.pool_size} to "
            f"{pool}, the most out at once",
        )
    if not _within_pool(draws, rows, pool):
        return None
    first = group.draws[0][0] if group.draws else None
    try:
        return BridgeFund(
            id=old.id if old is not None else BridgeFundId(new_id("bf", group.name)),
            name=group.name,
            operator=operator or (old.operator if old else _NOT_GIVEN),
            pool_size=pool,
            max_days=max_days or (old.max_days if old else _NO_DAY_LIMIT),
            daily_fee_rate=fee if fee is not None else (old.daily_fee_rate if old else Decimal(0)),
            draws=draws,
        )
    except JinjiecuError as error:
        blamed = _blamed_row(error, rows) or first
        if blamed is not None:
            field = str(getattr(error, "field", "") or "")
            column = "amount" if field.endswith(".amount") else "drawn_on"
            if field in ("pool_size", "max_days", "daily_fee_rate", "operator"):
                column = field
            blamed.fail(column, bilingual("过桥资金规则不允许", str(error)))
        return None


def _within_pool(draws: Sequence[BridgeDraw], rows: Sequence[_Row | None], pool: Money) -> bool:
    """Whether no draw takes the pool over; the first that does fails its row, said plainly."""
    for index, draw in enumerate(draws):
        out = pool_taken(draws[:index], draw.drawn_on)
        if (out + draw.amount).amount <= pool.amount:
            continue
        row = rows[index] if index < len(rows) else None
        if row is not None:
            row.fail(
                "amount",
                bilingual(
                    f"{draw.drawn_on.isoformat()} 已占用 {out}，再用 {draw.amount} 超过资金规模 "
                    f"{pool}",
                    f"on {draw.drawn_on.isoformat()}, {out} is out already: {draw.amount} more "
                    f"exceeds the pool of {pool}",
                ),
            )
        return False
    return True


def _blamed_row(error: JinjiecuError, rows: Sequence[_Row | None]) -> _Row | None:
    """The ledger row of the draw a fund's or list's validation error names (draws[3] ...)."""
    field = str(getattr(error, "field", "") or "")
    if "[" not in field:
        return None
    try:
        index = int(field.split("[", 1)[1].split("]", 1)[0])
    except ValueError:
        return None
    if 0 <= index < len(rows):
        return rows[index]
    return None


def _container(
    context: _Context, name: str, rows: Sequence[tuple[_Row, Any]], stored: Mapping[str, Any]
) -> tuple[bool, Any]:
    """Whether ``name`` names one stored fund or whitelist or none, and its versioned record.

    Several stored ones of the name fail the rows, and give ``False``.
    """
    try:
        found = context.containers.lookup(name)
    except CellError as error:
        for row, _item in rows:
            row.fail("fund" if context.kind == "bridge-funds" else "whitelist", error.reason)
        return False, None
    return True, None if found is None else stored[found]


def _event_key(event: WhitelistEvent) -> Hashable:
    return (event.change, str(event.enterprise_id), event.on)


def _plan_lists(context: _Context, lists: dict[str, _ListRows], stored: Mapping[str, Any]) -> _Plan:
    plan = _Plan()
    for group in lists.values():
        named, versioned = _container(context, group.name, group.events, stored)
        if not named:
            continue
        old: Whitelist | None = None if versioned is None else versioned.record
        events, origin = _merge(
            old.events if old is not None else (),
            group.events,
            key=_event_key,
            combine=_restated,
            plan=plan,
            what=("变动", "change"),
        )
        rows = [origin.get(index) for index in range(len(events))]
        listing = _whitelist(context, group, old, events, rows)
        if listing is None:
            continue
        if old is None:
            plan.added.append(listing)
            plan.containers += 1
        elif listing != old:
            plan.updated.append((listing, versioned.version))
    return plan


def _whitelist(
    context: _Context,
    group: _ListRows,
    old: Whitelist | None,
    events: list[WhitelistEvent],
    rows: list[_Row | None],
) -> Whitelist | None:
    """The list with its events; a new one in the office's region (or its first member's)."""
    first = group.events[0][0] if group.events else None
    criteria = list(old.criteria) if old is not None else []
    known = {c.code for c in criteria}
    criteria += [
        Criterion(code=code, description=text)
        for code, text in group.criteria.items()
        if code not in known
    ]
    region = old.region_id if old is not None else context.names.office_region
    if region is None and group.events:
        region = context.names.enterprise_region.get(str(group.events[0][1].enterprise_id))
    if region is None:
        if first is not None:
            first.fail(
                "whitelist",
                bilingual(
                    "新建名单库需要所属地区：请用 --region 指定",
                    "a new whitelist needs its region: give --region",
                ),
            )
        return None
    try:
        return Whitelist(
            id=old.id if old is not None else WhitelistId(new_id("wl", group.name)),
            name=group.name,
            region_id=RegionId(region),
            criteria=criteria,
            operator_id=old.operator_id if old is not None else None,
            events=events,
            pushes=old.pushes if old is not None else (),
        )
    except JinjiecuError as error:
        blamed = _blamed_row(error, rows) or first
        if blamed is not None:
            blamed.fail("change", bilingual("名单库规则不允许", str(error)))
        return None


# ====================================================================== import


def _lookup(vocabulary: Vocabulary, kind: str) -> tuple[dict[str, str], frozenset[str]]:
    """Header key -> field for ``kind``: a user's words first; and the English keys."""
    table = vocabulary.header_table(kind)
    lookup = {key: table[key] for key in vocabulary.user_headers if key in table}
    for key, field in table.items():
        lookup.setdefault(key, field)
    english = frozenset(
        io.header_key(words[-1]) for words in FINANCE_HEADER_SYNONYMS[kind].values()
    )
    return lookup, english


def import_finance_ledger(
    store: Store,
    path: str | Path,
    *,
    kind: str,
    vocabulary: Vocabulary | None = None,
    create_missing: bool = False,
    region: str | None = None,
    region_name: str | None = None,
    dry_run: bool = False,
    sheet: str | None = None,
) -> FinanceImportReport:
    """Import a finance ledger (.xlsx or .csv) of ``kind`` into ``store``, all or nothing.

    Args:
        store: the store.
        path: the ledger file.
        kind: one of :data:`FINANCE_KINDS`.
        vocabulary: the words headers are read with (default
            :meth:`Vocabulary.default <jinjiecu.reports.vocabulary.Vocabulary.default>`).
        create_missing: create the enterprises, banks and places the ledger
            names and the store lacks, in the same transaction.
        region: the office's region (id, code or name), for new enterprises
            and whitelists (default: one the rows above the header name).
        region_name: the name of a region ``region`` creates.
        dry_run: work everything out, write nothing, return the report with
            the rows' errors rather than raising them (a file whose header
            cannot be found still raises).
        sheet: the xlsx sheet to read (default: the first with a header row).

    Raises:
        LedgerImportError: a row (or the file) has errors; nothing was written.
        ValidationError: a bad argument, or a path that is not a ledger file.
        ConflictError: a record changed in the store meanwhile; nothing was
            written, import again.
    """
    ledger = io.check_path(path, reading=True)
    _check_kind(kind)
    for name, flag in (("create_missing", create_missing), ("dry_run", dry_run)):
        check(isinstance(flag, bool), field=name, expected="True or False", received=flag)
    words = Vocabulary.default() if vocabulary is None else vocabulary
    check(
        isinstance(words, Vocabulary), field="vocabulary", expected="a Vocabulary", received=words
    )
    lookup, english = _lookup(words, kind)
    try:
        table = io.read_table(ledger, lookup, english, sheet=sheet, expected=_EXPECTED[kind])
    except io.HeaderError as problem:
        error = RowError(row=problem.row, column=problem.column, reason=problem.reason)
        raise LedgerImportError([error], path=str(ledger)) from None
    data, skipped_rows = io.data_rows(table)
    readings, units = io.read_columns(table, words, kind, amounts=AMOUNT_FIELDS)

    def load(session: Session) -> tuple[Directory, dict[str, Any]]:
        return Directory.load(session), _containers(session, kind)

    names, stored = store.read(load)
    names.creating = create_missing
    office = names.office(region, name=region_name) if region is not None else None
    if office is None:
        names.office_region = names.region_named_in(table.preamble)
    context = _Context(
        kind=kind,
        names=names,
        units=units,
        containers=Index(
            "过桥资金" if kind == "bridge-funds" else "名单库",
            "bridge fund" if kind == "bridge-funds" else "whitelist",
            ((key, v.record.name) for key, v in stored.items())
            if kind in ("bridge-funds", "whitelist")
            else (),
        ),
    )
    rows = [_Row(number, cells, table, kind) for number, cells in data]
    rows = [row for row in rows if not row.blank()]
    plan = _read_rows(store, context, rows, stored)
    _check_problems(store, rows)
    errors = sorted(
        (error for row in rows for error in row.row_errors()), key=lambda e: (e.row, e.column)
    )
    needed = needed_records(names, [*plan.added, *(r for r, _v in plan.updated)], context.banks)
    counts = names.new.counts(needed)
    if kind in ("bridge-funds", "whitelist"):
        counts["funds" if kind == "bridge-funds" else "whitelists"] = plan.containers
    report = FinanceImportReport(
        kind=kind,
        rows=len(rows),
        created=plan.created,
        updated=plan.changed,
        unchanged=plan.unchanged,
        amount=total(context.amounts),
        errors=tuple(errors),
        warnings=tuple(context.warnings),
        ignored_columns=table.ignored,
        columns=readings,
        skipped=tuple(RowError(row=n, column="", reason=r) for n, r in skipped_rows),
        new_records=counts,
        encoding=table.encoding,
        header_row=table.header_row,
        dry_run=dry_run,
    )
    if dry_run:
        return report
    if errors:
        raise LedgerImportError(errors, path=str(ledger))
    if plan.added or plan.updated:
        with store.transaction() as tx:
            write_new_records(tx, names, needed)
            _write(tx, kind, plan)
    return report


_EXPECTED: Final = {
    "renewals": bilingual(
        "企业名称、贷款银行、续贷日期、续贷金额", "Enterprise, Bank, Renewed on, Amount"
    ),
    "bridge-funds": bilingual("企业名称、使用金额、使用日期", "Enterprise, Amount, Drawn on"),
    "debt": bilingual(
        "企业名称、债权人、化解前债务、化解日期", "Enterprise, Creditors, Debt before"
    ),
    "whitelist": bilingual("企业名称、变动类型、纳入日期", "Enterprise, Change, On"),
}


def _read_rows(
    store: Store, context: _Context, rows: list[_Row], stored: Mapping[str, Any]
) -> _Plan:
    """Read every row into records and plan the writes (rows with errors are left out)."""
    kind = context.kind
    if kind in ("renewals", "debt"):
        build: Callable[[_Context, _Row], Any] = _renewal if kind == "renewals" else _debt
        records = [(row, record) for row in rows if (record := build(context, row)) is not None]
        record_kind = _KINDS[kind]
        ids = (str(record_kind.id_of(record)) for _row, record in records)
        return _plan_records(records, _versions(store, record_kind, ids), record_kind)
    if kind == "bridge-funds":
        funds: dict[str, _FundRows] = {}
        for row in rows:
            _draw(context, row, funds)
        return _plan_funds(context, funds, stored)
    lists: dict[str, _ListRows] = {}
    plain = {key: versioned.record for key, versioned in stored.items()}
    for row in rows:
        _listing(context, row, lists, plain)
    return _plan_lists(context, lists, stored)


def _check_problems(store: Store, rows: list[_Row]) -> None:
    """Every problem a row links must be in the store."""
    wanted = {
        row.number: row.read("problems", _problem_ids) or ()
        for row in rows
        if row.raw("problems") is not None and "problems" not in row.errors
    }
    ids = {str(p) for links in wanted.values() for p in links}
    if not ids:
        return

    def unknown_of(session: Session) -> set[str]:
        return {pid for pid in ids if session.problem_version(pid) is None}

    unknown = store.read(unknown_of)
    by_number = {row.number: row for row in rows}
    for number, links in wanted.items():
        missing = [str(p) for p in links if str(p) in unknown]
        if missing:
            by_number[number].fail(
                "problems",
                bilingual(f"库中没有问题 {'、'.join(missing)}", f"no problem {', '.join(missing)}"),
            )


_COLLECTIONS: Final = {
    "renewals": "loan_renewals",
    "bridge-funds": "bridge_funds",
    "debt": "debt_resolutions",
    "whitelist": "whitelists",
}


def _write(tx: Transaction, kind: str, plan: _Plan) -> None:
    records = getattr(tx, _COLLECTIONS[kind])
    if plan.added:
        records.add_many(plan.added)
    for record, version in plan.updated:
        records.update(record, expected_version=version)


# ====================================================================== export


def _wan(money: Money) -> object:
    """An amount as export writes it: a number of 万元 (text, for a lower bound)."""
    if money.approximate:
        return money.format()
    return Decimal(format((money.amount / _WAN).normalize(), "f"))


@attrs.frozen(kw_only=True)
class _Names:
    """How export writes an enterprise: its name (or id), credit code and region."""

    directory: Directory
    codes: Mapping[str, str]

    def of(self, enterprise_id: EnterpriseId) -> list[object]:
        """The enterprise's name, credit code, county (所属县市区) and town (所属镇街)."""
        key = str(enterprise_id)
        region = self.directory.enterprise_region.get(key)
        town = None
        if region is not None and self.directory.region_kind.get(region) is DivisionKind.TOWN:
            town, parent = region, self.directory.region_parent.get(region)
            region = None if parent is None else str(parent)
        regions = self.directory.regions
        return [
            self.directory.enterprises.display(key),
            self.codes.get(key),
            None if region is None else regions.display(region),
            None if town is None else regions.display(town),
        ]


def _renewal_cells(record: LoanRenewal, names: _Names) -> list[object]:
    return [
        str(record.id),
        *names.of(record.borrower_id),
        record.bank,
        record.branch or None,
        record.original.contract,
        _wan(record.original.amount),
        record.original.start,
        record.original.maturity,
        record.renewed_on,
        _wan(record.new_amount),
        record.term_months,
        record.annual_rate_percent,
        "是" if record.guarantee_resigned else "否",
        record.risk_before.label,
        record.risk_after.label,
        "、".join(record.problem_ids) or None,
        record.note or None,
    ]


def _debt_cells(record: DebtResolution, names: _Names) -> list[object]:
    return [
        str(record.id),
        *names.of(record.enterprise_id),
        "、".join(record.creditors),
        _wan(record.debt_before),
        _wan(record.debt_after),
        _wan(record.resolved_amount),
        record.method.label,
        record.resolved_on,
        "、".join(record.problem_ids) or None,
        record.note or None,
    ]


def _draw_cells(fund: BridgeFund, draw: BridgeDraw, names: _Names) -> list[object]:
    return [
        fund.name,
        fund.operator,
        _wan(fund.pool_size),
        fund.max_days,
        fund.daily_fee_rate,
        *names.of(draw.enterprise_id),
        _wan(draw.amount),
        draw.drawn_on,
        draw.repaid_on,
        draw.reference or None,
        "、".join(draw.problem_ids) or None,
    ]


def _event_cells(listing: Whitelist, event: WhitelistEvent, names: _Names) -> list[object]:
    # A description that a list cell would split (a comma in it) is written as its code.
    descriptions = {
        c.code: c.code if len(split_list(c.description)) > 1 else c.description
        for c in listing.criteria
    }
    return [
        listing.name,
        *names.of(event.enterprise_id),
        event.change.label,
        event.on,
        "、".join(descriptions.get(code, code) for code in event.criteria_met) or None,
        event.reason or None,
    ]


def _export_rows(kind: str, session: Session, day: dt.date | None) -> list[list[object]]:
    """The rows of a ``kind`` ledger as of the end of ``day`` (all when ``None``)."""
    directory = Directory.load(session)
    names = _Names(directory=directory, codes=directory.enterprise_codes)

    def taken(on: dt.date) -> bool:
        return day is None or on <= day

    rows: list[list[object]] = []
    if kind == "renewals":
        renewals = sorted(session.scan(LOAN_RENEWALS), key=lambda r: (r.renewed_on, r.id))
        rows = [_renewal_cells(r, names) for r in renewals if taken(r.renewed_on)]
    elif kind == "debt":
        debts = sorted(session.scan(DEBT_RESOLUTIONS), key=lambda r: (r.resolved_on, r.id))
        rows = [_debt_cells(r, names) for r in debts if taken(r.resolved_on)]
    elif kind == "bridge-funds":
        for fund in session.scan(BRIDGE_FUNDS):
            for draw in fund.draws:
                if taken(draw.drawn_on):
                    shown = draw
                    if draw.repaid_on is not None and not taken(draw.repaid_on):
                        shown = attrs.evolve(draw, repaid_on=None)  # not yet repaid that day
                    rows.append(_draw_cells(fund, shown, names))
    else:
        for listing in session.scan(WHITELISTS):
            rows += [
                _event_cells(listing, event, names) for event in listing.events if taken(event.on)
            ]
    return [[number, *cells] for number, cells in enumerate(rows, start=1)]


def export_finance_ledger(
    store: Store,
    path: str | Path,
    *,
    kind: str,
    as_of: dt.datetime | None = None,
    english: bool = False,
) -> int:
    """Write the store's finance records of ``kind`` as a ledger (.xlsx or .csv); return the rows.

    Args:
        store: the store.
        path: the file to write (.csv: UTF-8 with a BOM; .xlsx needs the
            ``excel`` extra). It is replaced only once the new file is complete.
        kind: one of :data:`FINANCE_KINDS`.
        as_of: only what was dated on or before the local day of this moment
            (a draw repaid later is written as not yet repaid); default all.
        english: English headers instead of Chinese.

    Amounts are written in 万元 (:data:`EXPORT_UNIT`); importing the file
    back with :func:`import_finance_ledger` changes nothing.
    """
    target = io.check_path(path, reading=False)
    _check_kind(kind)
    check(isinstance(english, bool), field="english", expected="True or False", received=english)
    day = None
    if as_of is not None:
        check(is_aware(as_of), field="as_of", expected="a timezone-aware datetime", received=as_of)
        day = local_date(as_of)
    rows = store.read(lambda session: _export_rows(kind, session, day))
    header = list(finance_headers(kind, english=english).values())
    if target.suffix.lower() == ".csv":
        return io.write_csv(target, header, rows)
    sheet = {"renewals": "无还本续贷", "bridge-funds": "过桥资金", "debt": "债务化解"}.get(
        kind, "白名单"
    )
    return io.write_xlsx(target, header, rows, sheet=sheet)
