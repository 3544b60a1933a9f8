"""Each kind's rows as records: renewals, debt resolutions, bridge-fund draws, whitelist changes.

Private to :mod:`jinjiecu.reports.finance_ledger`. A :class:`Context` holds
what reading one ledger needs (the store's names, the units, the office) and
collects the warnings and the amounts. Each reader turns a row into a
record, with the defaults a ledger that leaves facts out is given, or records
the row's errors and gives ``None``. Draws and whitelist changes are grouped
by the fund or list the row names (:class:`FundRows`, :class:`ListRows`);
:mod:`~jinjiecu.reports._finance_plan` merges them with what is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from jinjiecu.domain.finance import (
    BridgeDraw,
    DebtResolution,
    DebtResolutionMethod,
    Loan,
    LoanRenewal,
    RiskClass,
    Whitelist,
    WhitelistChange,
    WhitelistEvent,
    pool_taken,
)
from jinjiecu.domain.ids import DebtResolutionId, EnterpriseId, LoanRenewalId
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import DepartmentKind
from jinjiecu.errors import JinjiecuError
from jinjiecu.reports._finance_cells import (
    Row,
    digest,
    id_parser,
    parse_credit_code,
    parse_days,
    parse_fee_rate,
    parse_name,
    parse_problem_ids,
    parse_rate,
    parse_term,
    parse_yes_no,
)
from jinjiecu.reports._finance_columns import header_for
from jinjiecu.reports._ledger_cells import (
    CellError,
    bilingual,
    clean_name,
    enum_key,
    normal,
    parse_amount,
    parse_date,
    parse_enum,
    raw_text,
    split_list,
)
from jinjiecu.reports._ledger_names import Directory, Index, name_key
from jinjiecu.reports._ledger_results import RowError
from jinjiecu.reports.vocabulary import DEBT_METHOD_SYNONYMS

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from jinjiecu.domain.codes import CreditCode

__all__ = [
    "NOT_GIVEN",
    "Context",
    "FundRows",
    "ListRows",
    "draw_key",
    "peak_of",
    "read_debt",
    "read_draw",
    "read_listing",
    "read_renewal",
]


_DEFAULT_FUND: Final = "过桥资金"
_DEFAULT_WHITELIST: Final = "优质小微企业名单库"
_DEFAULT_CRITERION: Final = "台账列入"
_DEFAULT_DESCRIPTION: Final = "台账所列（未注明条件）"


NOT_GIVEN: Final = "未注明"
"""What a record says for a fact the ledger does not give (a contract, an operator)."""


_DEFAULT_TERM: Final = 12


_CHANGE_ALIASES: Final = {
    **{enum_key(w): WhitelistChange.ADD for w in ("入库", "新增", "加入", "列入", "add")},
    **{enum_key(w): WhitelistChange.REMOVE for w in ("出库", "退出", "删除", "剔除", "remove")},
}
_METHOD_ALIASES: Final = {
    enum_key(word): DebtResolutionMethod(code)
    for code, words in DEBT_METHOD_SYNONYMS.items()
    for word in words
}


@attrs.define
class Context:
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

    def amount(self, row: Row, field: str) -> Money | None:
        unit = self.units.get(field)
        result: Money | None = row.read(field, lambda v: parse_amount(v, unit=unit))
        return result

    def date(self, row: Row, field: str) -> dt.date | None:
        result: dt.date | None = row.read(field, parse_date)
        return result

    def enterprise(self, row: Row) -> EnterpriseId | None:
        name: str | None = row.read("enterprise", parse_name)
        code: CreditCode | None = row.read("credit_code", parse_credit_code)
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

    def _place(self, value: object, row: Row) -> str:
        county: str | None = row.read("region", self._county)
        return str(self.names.place(clean_name(value), county))

    def bank(self, row: Row) -> str | None:
        """The bank's name as the store writes it (created with ``creating``), or as typed."""
        text: str | None = row.read("bank", parse_name)
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


def _domain_error(row: Row, error: JinjiecuError, fields: Mapping[str, str]) -> None:
    """Blame the column a record's validation error names (``fields``: record field -> column)."""
    name = getattr(error, "field", None) or ""
    base = name.split("[")[0].split(".")[-1]
    column = fields.get(base, "")
    row.fail(column or "", bilingual("数据不符合规则", str(error)))


# -------------------------------------------------------------- renewals and debts


def read_renewal(context: Context, row: Row) -> LoanRenewal | None:
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
    term = row.read("term_months", parse_term)
    rate = row.read("rate", parse_rate)
    resigned = row.read("guarantee_resigned", parse_yes_no)
    before = row.read("risk_before", lambda v: parse_enum(RiskClass, v))
    after = row.read("risk_after", lambda v: parse_enum(RiskClass, v))
    problems = row.read("problems", parse_problem_ids) or ()
    given_id = row.read("id", id_parser(LoanRenewalId))
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
        digest("lr", borrower, name_key(bank), name_key(contract), renewed_on.isoformat())
    )
    try:
        return LoanRenewal(
            id=record_id,
            borrower_id=borrower,
            bank=bank,
            branch=row.text("branch"),
            original=Loan(
                contract=contract or NOT_GIVEN,
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


def read_debt(context: Context, row: Row) -> DebtResolution | None:
    enterprise = context.enterprise(row)
    creditors = row.read("creditors", split_list)
    row.need("creditors", creditors or None)
    before = context.amount(row, "debt_before")
    after = context.amount(row, "debt_after")
    resolved = context.amount(row, "resolved")
    method = row.read("method", lambda v: parse_enum(DebtResolutionMethod, v, _METHOD_ALIASES))
    resolved_on = context.date(row, "resolved_on")
    row.need("resolved_on", resolved_on)
    problems = row.read("problems", parse_problem_ids) or ()
    given_id = row.read("id", id_parser(DebtResolutionId))
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
    record_id = given_id or DebtResolutionId(digest("dr", enterprise, resolved_on.isoformat()))
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
class FundRows:
    """The draws one ledger gives for one fund, and the fund's terms as the rows give them."""

    name: str
    first_row: int
    terms: dict[str, object] = attrs.Factory(dict)
    draws: list[tuple[Row, BridgeDraw]] = attrs.Factory(list)


def _term_once(group: FundRows, row: Row, field: str, value: object) -> None:
    """A fund's term (资金规模 ...) given on a row: the same on every row of the fund."""
    if value is None:
        return
    known = group.terms.setdefault(field, value)
    if known != value:
        row.fail(
            field,
            bilingual(
                f"同一过桥资金“{group.name}”各行的{header_for('bridge-funds', field)}不一致"
                f"（{raw_text(known)}）",
                f"rows of the fund {group.name!r} give different values here ({known})",
            ),
        )


def read_draw(context: Context, row: Row, funds: dict[str, FundRows]) -> BridgeDraw | None:
    name = row.read("fund", parse_name) or _DEFAULT_FUND
    group = funds.setdefault(name, FundRows(name=name, first_row=row.number))
    enterprise = context.enterprise(row)
    amount = context.amount(row, "amount")
    row.need("amount", amount)
    drawn_on = context.date(row, "drawn_on")
    row.need("drawn_on", drawn_on)
    repaid_on = context.date(row, "repaid_on")
    problems = row.read("problems", parse_problem_ids) or ()
    _term_once(group, row, "operator", row.read("operator", parse_name))
    _term_once(group, row, "pool_size", context.amount(row, "pool_size"))
    _term_once(group, row, "max_days", row.read("max_days", parse_days))
    _term_once(group, row, "daily_fee_rate", row.read("daily_fee_rate", parse_fee_rate))
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


def draw_key(draw: BridgeDraw) -> tuple[str, ...]:
    """A draw's identity: its 业务编号 when it has one, else its enterprise and day.

    Not the amount: a corrected amount is the same draw, updated.
    """
    if draw.reference:
        return ("reference", draw.reference)
    return ("draw", str(draw.enterprise_id), draw.drawn_on.isoformat())


def peak_of(draws: Sequence[BridgeDraw]) -> Money:
    """The most the draws had out at once (on a draw day, counting that day's draws)."""
    days = {draw.drawn_on for draw in draws}
    return max((pool_taken(draws, day) for day in days), default=Money.zero())


# -------------------------------------------------------------- whitelists


@attrs.define
class ListRows:
    name: str
    events: list[tuple[Row, WhitelistEvent]] = attrs.Factory(list)
    criteria: dict[str, str] = attrs.Factory(dict)
    """Criterion code -> description, as the rows name them (new ones only)."""


def read_listing(
    context: Context, row: Row, lists: dict[str, ListRows], stored: Mapping[str, Whitelist]
) -> WhitelistEvent | None:
    name = row.read("whitelist", parse_name) or _DEFAULT_WHITELIST
    group = lists.setdefault(name, ListRows(name=name))
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
