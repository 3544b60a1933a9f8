"""Strategies for the finance relief records: debt, assets, committees, loans, funds.

Private to :mod:`jinjiecu.testing.strategies`, which exports them. Each
record with a history (a whitelist, a bridge fund) is built through the
domain's own methods, so that its history is consistent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.finance import (
    Asset,
    AssetDisposal,
    AssetKind,
    BridgeFund,
    CommitteeMeeting,
    CommitteeOutcome,
    CoordinatedFinancing,
    CreditorCommittee,
    Criterion,
    DebtResolution,
    DebtResolutionMethod,
    DisposalMethod,
    FinancingSource,
    Loan,
    LoanRenewal,
    RiskClass,
    Whitelist,
    total,
)
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    DepartmentId,
    EnterpriseId,
    LoanRenewalId,
    ProblemId,
    RegionId,
    WhitelistId,
)
from jinjiecu.domain.money import Money

if TYPE_CHECKING:
    from collections.abc import Sequence
from jinjiecu.testing.strategies._values import (
    BANKS,
    LARGEST_AMOUNT,
    enterprise_pool,
    free_texts,
    ids,
    money,
    names,
)

__all__ = [
    "asset_disposals",
    "bridge_funds",
    "coordinated_financings",
    "creditor_committees",
    "debt_resolutions",
    "loan_renewals",
    "loans",
    "whitelists",
]


# ==================================================================== finance records

_FIRST_RECORD_DAY = dt.date(2019, 1, 1)
_LAST_RECORD_DAY = dt.date(2026, 12, 31)
_RECORD_DAYS = st.dates(min_value=_FIRST_RECORD_DAY, max_value=_LAST_RECORD_DAY)
_ONE_FEN = Decimal("0.01")

# Strategies are built once, here or in the public functions, never per draw.
# Readable values come first, so examples shrink to them; arbitrary valid names after.
_CREDITORS = st.sampled_from(BANKS) | names()
_LINKED_PROBLEM_IDS = st.lists(ids(ProblemId), max_size=3, unique=True).map(tuple)
_FINANCE_NOTES = free_texts(60)
_ASSET_NAMES = st.sampled_from(("1号车间", "2号车间", "冷库", "老厂区土地", "生产线设备")) | names()
_BUYERS = st.just("") | st.sampled_from(("本地实业公司", "本地纺织公司")) | names()
_BRANCHES = st.just("") | st.sampled_from(("武城支行", "禹城支行", "德城支行")) | names()
_OPERATORS = st.sampled_from(("县级财金公司", "地方金融监督管理局")) | names()
_FUND_NAMES = st.sampled_from(("三航计划过桥资金", "应急转贷资金")) | names()
_WHITELIST_NAMES = st.sampled_from(("禹城市优质小微企业名单库", "优质小微企业名单库")) | names()
_SOURCES = {
    FinancingSource.BANK_LOAN: st.sampled_from(BANKS) | names(),
    FinancingSource.PLATFORM: st.sampled_from(("市级投融资平台", "县级投融资平台")) | names(),
    FinancingSource.PRIVATE_ENTERPRISE: st.just("本地民营企业") | names(),
    FinancingSource.GOVERNMENT_FUND: st.just("县级应急周转资金") | names(),
    FinancingSource.OTHER: st.just("其他来源") | names(),
}
_CRITERIA = (
    Criterion(code="tax-a", description="纳税信用A级"),
    Criterion(code="no-default", description="近两年无不良信用记录"),
    Criterion(code="growth", description="营业收入稳定增长"),
    Criterion(code="jobs", description="稳定就业"),
)
_REMOVAL_REASONS = ("不再符合入库条件", "出现逾期贷款", "企业申请退出")
_ADD_REASONS = ("", "定期筛选入库", "县市区推荐")

# Amounts from 0元 (a lower bound now and then), and exact ones from 1元.
_AMOUNTS = money(min_value=0, max_value=LARGEST_AMOUNT)
_PRINCIPALS = money(min_value=1, max_value=LARGEST_AMOUNT, allow_approximate=False)


def _enterprise_choices(
    enterprise_ids: Sequence[EnterpriseId] | None, *, default: int = 6
) -> tuple[EnterpriseId, ...]:
    """The enterprises records are drawn for: ``e-1`` ... by default, else those given."""
    pool = (
        enterprise_pool(default) if enterprise_ids is None else tuple(dict.fromkeys(enterprise_ids))
    )
    if not pool:
        msg = f"enterprise_ids needs one enterprise at least, not {enterprise_ids!r}"
        raise InvalidArgument(msg)
    return pool


def _bank_choices(banks: Sequence[str] | None) -> tuple[str, ...]:
    """The banks records name: six banks of Dezhou by default, else those given."""
    chosen = BANKS if banks is None else tuple(dict.fromkeys(banks))
    if not chosen:
        msg = f"banks needs one bank at least, not {banks!r}"
        raise InvalidArgument(msg)
    return chosen


def _not_negative(name: str, value: int) -> None:
    """Refuse a negative ``value`` for the argument ``name``."""
    if value < 0:
        msg = f"{name} must not be negative, not {value!r}"
        raise InvalidArgument(msg)


_PERCENTS = st.integers(min_value=0, max_value=100)


def _share(amount: Decimal, percent: int) -> Decimal:
    """``percent`` percent of ``amount``, rounded down to the fen (never more than ``amount``)."""
    numerator, denominator = amount.as_integer_ratio()  # exact in any decimal context
    return Decimal(numerator * percent // denominator).scaleb(-2)


def _later(day: dt.date, days: int) -> dt.date:
    """``days`` after ``day``, but never after the last record day."""
    return min(day + dt.timedelta(days=days), _LAST_RECORD_DAY)


# -------------------------------------------------------------------- debt resolution

_DEBT_IDS = ids(DebtResolutionId, "debt")


@st.composite
def _debt_resolutions(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId]
) -> DebtResolution:
    """A debt resolution of one of ``enterprises``."""
    before = draw(_AMOUNTS)
    after = Money(amount=_share(before.amount, draw(_PERCENTS)))  # shrinks to 0: all resolved
    return DebtResolution(
        id=draw(_DEBT_IDS),
        enterprise_id=draw(enterprises),
        creditors=draw(st.lists(_CREDITORS, min_size=1, max_size=3, unique=True)),
        debt_before=before,
        debt_after=after,
        method=draw(st.sampled_from(DebtResolutionMethod)),
        resolved_on=draw(_RECORD_DAYS),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def debt_resolutions(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[DebtResolution]:
    """Debt resolutions (债务化解) for one of ``enterprise_ids`` (default ``e-1`` to ``e-6``).

    ``debt_before`` is sometimes a lower bound ("8000多万元"); ``debt_after`` is
    exact and never more than it, down to 0元 (the whole debt resolved) and up
    to all of it (nothing resolved).
    """
    return _debt_resolutions(st.sampled_from(_enterprise_choices(enterprise_ids)))


# -------------------------------------------------------------------- asset disposal

_DISPOSAL_IDS = ids(AssetDisposalId, "disposal")
_ASSETS = st.lists(
    st.builds(
        Asset, kind=st.sampled_from(AssetKind), description=_ASSET_NAMES, book_value=_AMOUNTS
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def _asset_disposals(
    draw: st.DrawFn, buyers: dict[EnterpriseId, st.SearchStrategy[EnterpriseId | None]]
) -> AssetDisposal:
    """An asset disposal by a seller of ``buyers``, to one of its buyers or none."""
    seller = draw(st.sampled_from(tuple(buyers)))
    return AssetDisposal(
        id=draw(_DISPOSAL_IDS),
        enterprise_id=seller,
        assets=draw(_ASSETS),
        method=draw(st.sampled_from(DisposalMethod)),
        disposed_on=draw(_RECORD_DAYS),
        disposal_value=draw(st.none() | _AMOUNTS),
        buyer=draw(_BUYERS),
        buyer_id=draw(buyers[seller]),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def asset_disposals(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[AssetDisposal]:
    """Disposals of one to four idle assets (盘活 / 处置闲置资产) of one of ``enterprise_ids``.

    Book values may be lower bounds; the sale price (``disposal_value``) is
    ``None`` for assets revitalised without a sale. A buyer enterprise, when
    there is one, is another of ``enterprise_ids`` (default ``e-1`` to ``e-6``).
    """
    pool = _enterprise_choices(enterprise_ids)
    buyers: dict[EnterpriseId, st.SearchStrategy[EnterpriseId | None]] = {}
    for seller in pool:
        others = [enterprise for enterprise in pool if enterprise != seller]
        buyers[seller] = st.none() | st.sampled_from(others) if others else st.none()
    return _asset_disposals(buyers)


# -------------------------------------------------------------------- creditor committee

_COMMITTEE_IDS = ids(CreditorCommitteeId, "committee")
_MEETING_GAPS = st.integers(min_value=0, max_value=90)  # days between two meetings


@st.composite
def _creditor_committees(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId], max_meetings: int
) -> CreditorCommittee:
    """A creditor committee with up to ``max_meetings`` meetings in date order."""
    established = draw(_RECORD_DAYS)
    meetings: list[CommitteeMeeting] = []
    day = established
    for gap in draw(st.lists(_MEETING_GAPS, max_size=max_meetings)):
        day = _later(day, gap)
        outcome = draw(st.sampled_from(CommitteeOutcome))
        meetings.append(
            CommitteeMeeting(held_on=day, outcome=outcome, summary=draw(_FINANCE_NOTES))
        )
    return CreditorCommittee(
        id=draw(_COMMITTEE_IDS),
        enterprise_id=draw(enterprises),
        members=draw(st.lists(_CREDITORS, min_size=1, max_size=4, unique=True)),
        established_on=established,
        meetings=meetings,
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def creditor_committees(
    max_meetings: int = 6, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[CreditorCommittee]:
    """Creditor committees (债委会) of one to four banks with up to ``max_meetings`` meetings.

    Meetings are in date order, 0 to 90 days apart, the first on or after the
    day the committee was set up (several may fall on one day). The
    enterprise is one of ``enterprise_ids`` (default ``e-1`` to ``e-6``).
    """
    _not_negative("max_meetings", max_meetings)
    enterprises = st.sampled_from(_enterprise_choices(enterprise_ids))
    return _creditor_committees(enterprises, max_meetings)


# -------------------------------------------------------------------- loans and renewals

_RENEWAL_IDS = ids(LoanRenewalId, "renewal")
_LOAN_TERMS = st.integers(min_value=1, max_value=3 * 366)  # days from start to maturity
_RENEWAL_LEADS = st.integers(min_value=0, max_value=90)  # days from renewal to maturity
_CONTRACT_NUMBERS = st.integers(min_value=1, max_value=9999).map("借字第{:04d}号".format)
# Annual rates in whole hundredths of a percent, 0.00 to 36.00.
_RATES = st.integers(min_value=0, max_value=3600).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def _loans(draw: st.DrawFn) -> Loan:
    """A loan contract maturing on a record day, some with a start date."""
    maturity = draw(_RECORD_DAYS)
    start: dt.date | None = None
    if draw(st.booleans()):
        start = max(maturity - dt.timedelta(days=draw(_LOAN_TERMS)), _FIRST_RECORD_DAY)
        if start == maturity:  # matures on the first record day: no room for a start
            start = None
    return Loan(
        contract=draw(_CONTRACT_NUMBERS),
        amount=draw(_PRINCIPALS),
        maturity=maturity,
        start=start,
    )


def loans() -> st.SearchStrategy[Loan]:
    """Loan contracts (``借字第0001号`` ...) with an exact principal of at least 1元.

    Some have a start date, up to about three years before the maturity.
    """
    return _loans()


@st.composite
def _loan_renewals(
    draw: st.DrawFn,
    enterprises: st.SearchStrategy[EnterpriseId],
    banks: st.SearchStrategy[str],
) -> LoanRenewal:
    """A renewal of a drawn loan by one of ``banks``, on or before its maturity."""
    original = draw(_loans())
    earliest = max(_FIRST_RECORD_DAY, original.start or _FIRST_RECORD_DAY)
    # On the maturity day at the latest, not before the loan started; shrinks to the maturity day.
    renewed_on = max(original.maturity - dt.timedelta(days=draw(_RENEWAL_LEADS)), earliest)
    return LoanRenewal(
        id=draw(_RENEWAL_IDS),
        borrower_id=draw(enterprises),
        bank=draw(banks),
        original=original,
        renewed_on=renewed_on,
        new_amount=draw(_PRINCIPALS),
        term_months=draw(st.integers(min_value=1, max_value=120)),
        annual_rate_percent=draw(_RATES),
        branch=draw(_BRANCHES),
        guarantee_resigned=draw(st.booleans()),
        risk_before=draw(st.sampled_from(RiskClass)),
        risk_after=draw(st.sampled_from(RiskClass)),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def loan_renewals(
    banks: Sequence[str] | None = None, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[LoanRenewal]:
    """Renewals without principal repayment (无还本续贷) by one of ``banks``.

    ``banks`` defaults to six banks of Dezhou; the borrower is one of
    ``enterprise_ids`` (default ``e-1`` to ``e-6``). Each renewal is signed
    on the original loan's maturity day or up to 90 days before it (not before
    the loan started), with an exact new amount, a term of 1 to 120 months and
    an annual rate from 0.00 to 36.00 percent.
    """
    return _loan_renewals(
        st.sampled_from(_enterprise_choices(enterprise_ids)),
        st.sampled_from(_bank_choices(banks)),
    )


# -------------------------------------------------------------------- whitelist

_WHITELIST_IDS = ids(WhitelistId, "whitelist")
_ADD, _REMOVE, _PUSH = "add", "remove", "push"


@attrs.frozen
class _WhitelistStep:
    """One drawn change: which action, how many days later, and the choices it needs."""

    action: str
    gap: int
    pick: int
    criteria: tuple[int, ...]
    reason: int
    banks: tuple[str, ...]
    chosen: tuple[int, ...] | None  # members pushed (None: every member)


def _whitelist_steps(pool_size: int, banks: tuple[str, ...]) -> st.SearchStrategy[_WhitelistStep]:
    """Changes to a whitelist of ``pool_size`` enterprises, pushed to ``banks``."""
    indexes = st.integers(min_value=0, max_value=pool_size - 1)
    return st.builds(
        _WhitelistStep,
        action=st.sampled_from((_ADD, _REMOVE, _PUSH)),
        gap=st.integers(min_value=0, max_value=45),
        pick=indexes,
        criteria=st.lists(
            st.integers(min_value=0, max_value=len(_CRITERIA) - 1),
            min_size=1,
            max_size=len(_CRITERIA),
            unique=True,
        ).map(tuple),
        reason=st.integers(min_value=0, max_value=len(_REMOVAL_REASONS) - 1),
        banks=st.lists(st.sampled_from(banks), min_size=1, max_size=3, unique=True).map(tuple),
        chosen=st.none()
        | st.lists(indexes, min_size=1, max_size=pool_size, unique=True).map(tuple),
    )


def _apply_step(
    whitelist: Whitelist, step: _WhitelistStep, day: dt.date, pool: tuple[EnterpriseId, ...]
) -> Whitelist:
    """``whitelist`` after ``step`` on ``day``; a step that cannot apply adds or removes."""
    members = whitelist.members(day)
    outside = [enterprise for enterprise in pool if enterprise not in members]
    action = step.action
    # A step that cannot apply (nobody left to add, nobody to remove or push) adds or removes.
    if action == _ADD and not outside:
        action = _REMOVE
    elif action in (_REMOVE, _PUSH) and not members:
        action = _ADD
    if action == _ADD:
        codes = [criterion.code for criterion in whitelist.criteria]
        met = dict.fromkeys(codes[index % len(codes)] for index in step.criteria)
        return whitelist.add(
            outside[step.pick % len(outside)],
            on=day,
            criteria_met=list(met),
            reason=_ADD_REASONS[step.reason % len(_ADD_REASONS)],
        )
    if action == _REMOVE:
        reason = _REMOVAL_REASONS[step.reason]
        return whitelist.remove(members[step.pick % len(members)], on=day, reason=reason)
    chosen = (
        None
        if step.chosen is None
        else sorted({members[index % len(members)] for index in step.chosen})
    )
    return whitelist.push(on=day, banks=step.banks, enterprise_ids=chosen)


@st.composite
def _whitelists(
    draw: st.DrawFn,
    pool: tuple[EnterpriseId, ...],
    steps: st.SearchStrategy[list[_WhitelistStep]],
) -> Whitelist:
    """A whitelist with the history ``steps`` draws, through the domain's methods."""
    whitelist = Whitelist(
        id=draw(_WHITELIST_IDS),
        name=draw(_WHITELIST_NAMES),
        region_id=draw(ids(RegionId)),
        criteria=draw(
            st.lists(st.sampled_from(_CRITERIA), min_size=1, max_size=len(_CRITERIA), unique=True)
        ),
        operator_id=draw(st.none() | ids(DepartmentId)),
    )
    day = draw(_RECORD_DAYS)
    pushed = False
    for step in draw(steps):
        # A push carries the members at the end of its day: nothing may change later that day.
        gap = max(step.gap, 1) if pushed else step.gap
        if (_LAST_RECORD_DAY - day).days < gap:
            break
        day += dt.timedelta(days=gap)
        whitelist = _apply_step(whitelist, step, day, pool)
        pushed = bool(whitelist.pushes) and whitelist.pushes[-1].on == day
    return whitelist


def whitelists(
    max_events: int = 12,
    *,
    enterprise_ids: Sequence[EnterpriseId] | None = None,
    banks: Sequence[str] | None = None,
) -> st.SearchStrategy[Whitelist]:
    """Whitelists (优质小微企业名单库) with a consistent history of up to ``max_events`` steps.

    Each step adds an enterprise of ``enterprise_ids`` (default ``e-1`` to
    ``e-8``) that is not listed, removes a listed one, or pushes members to
    some of ``banks`` (default six banks of Dezhou), always through
    :meth:`~jinjiecu.domain.finance.Whitelist.add`,
    :meth:`~jinjiecu.domain.finance.Whitelist.remove` and
    :meth:`~jinjiecu.domain.finance.Whitelist.push`. Steps are 0 to 45 days
    apart, so several may fall on one day (an enterprise added and removed
    the same day, say), except that nothing follows a push on its own day.
    Additions meet one or more of the list's criteria.
    """
    _not_negative("max_events", max_events)
    pool = _enterprise_choices(enterprise_ids, default=8)
    steps = st.lists(_whitelist_steps(len(pool), _bank_choices(banks)), max_size=max_events)
    return _whitelists(pool, steps)


# -------------------------------------------------------------------- bridge fund

_FUND_IDS = ids(BridgeFundId, "fund")
_DRAW_GAPS = st.integers(min_value=0, max_value=30)  # days between two draws
# Daily fee rates in steps of 0.00001 (十万分之一), from 0 to 0.01.
_DAILY_RATES = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(f"0.{n:05d}"))
_REFERENCES = st.just("") | st.integers(min_value=1, max_value=999).map("过桥第{:03d}号".format)
_SHARES = st.integers(min_value=1, max_value=100)  # percent of the free balance a draw takes


@st.composite
def _bridge_funds(
    draw: st.DrawFn,
    enterprises: st.SearchStrategy[EnterpriseId],
    gaps: st.SearchStrategy[list[int]],
) -> BridgeFund:
    """A bridge fund with draws ``gaps`` days apart, some repaid before each draw."""
    fund = BridgeFund(
        id=draw(_FUND_IDS),
        name=draw(_FUND_NAMES),
        operator=draw(_OPERATORS),
        pool_size=draw(_PRINCIPALS),
        max_days=draw(st.integers(min_value=1, max_value=90)),
        daily_fee_rate=draw(_DAILY_RATES),
    )
    day = draw(_RECORD_DAYS)
    for gap in draw(gaps):
        if (_LAST_RECORD_DAY - day).days < gap:
            break
        day += dt.timedelta(days=gap)
        # Repay some of what is out first: repaid money frees the pool that very day.
        for index, earlier in enumerate(fund.draws):
            if earlier.repaid_on is None and draw(st.booleans()):
                fund = fund.repay(index, on=day)
        # Draws made and repaid today still took room today: leave it, whichever way
        # the fund counts them.
        room = fund.free_balance(day) - total(
            d.amount for d in fund.draws if d.drawn_on == day and d.repaid_on == day
        )
        # A share of the room, to the fen; shrinks to 1 percent, 100 takes all.
        amount = Money(amount=_share(room.amount, draw(_SHARES)))
        if amount.amount < _ONE_FEN:
            continue
        fund = fund.draw(
            draw(enterprises),
            amount,
            on=day,
            reference=draw(_REFERENCES),
            problem_ids=draw(_LINKED_PROBLEM_IDS),
        )
    return fund


def bridge_funds(
    max_draws: int = 8, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[BridgeFund]:
    """Bridge-fund programmes (过桥资金) with up to ``max_draws`` draws within the pool.

    Draws are made through :meth:`~jinjiecu.domain.finance.BridgeFund.draw`, 0
    to 30 days apart, by enterprises of ``enterprise_ids`` (default ``e-1`` to
    ``e-6``); each takes 1 to 100 percent of the free balance that day. Before
    each draw some outstanding draws are repaid through
    :meth:`~jinjiecu.domain.finance.BridgeFund.repay`, so some draws are
    repaid in time, some late (after ``max_days``, 1 to 90), and some never
    (overdue once ``max_days`` have passed). Daily fee rates run from 0 to
    0.01 in steps of 0.00001.
    """
    _not_negative("max_draws", max_draws)
    enterprises = st.sampled_from(_enterprise_choices(enterprise_ids))
    return _bridge_funds(enterprises, st.lists(_DRAW_GAPS, max_size=max_draws))


# -------------------------------------------------------------------- coordinated financing

_FINANCING_IDS = ids(CoordinatedFinancingId, "financing")


@st.composite
def _coordinated_financings(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId]
) -> CoordinatedFinancing:
    """Money arranged for one of ``enterprises`` from a source of any kind."""
    kind = draw(st.sampled_from(FinancingSource))
    return CoordinatedFinancing(
        id=draw(_FINANCING_IDS),
        enterprise_id=draw(enterprises),
        source_kind=kind,
        source_name=draw(_SOURCES[kind]),
        amount=draw(_AMOUNTS),
        arranged_on=draw(_RECORD_DAYS),
        coordinated_by=draw(st.none() | ids(DepartmentId)),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def coordinated_financings(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[CoordinatedFinancing]:
    """Money arranged for one of ``enterprise_ids`` (协调融资), from any kind of source.

    Amounts are sometimes lower bounds ("3000余万元"); sources are named
    after their kind (a bank for a coordinated bank loan, a platform, a
    private firm) or arbitrarily. The default enterprises are ``e-1`` to ``e-6``.
    """
    return _coordinated_financings(st.sampled_from(_enterprise_choices(enterprise_ids)))
