"""Finance relief records (金融纾困): the money moved to solve enterprises' problems.

Each record can link to the problems it resolves (``problem_ids``) and names the
enterprise it helps. Amounts are :class:`~jinjiecu.domain.money.Money`; a
figure a report gives as "8000多万元" stays a marked lower bound. Derived
amounts (a debt's resolved part, an asset package's book value, a bridge draw's
fee) are computed, never typed twice.

- :class:`DebtResolution` (债务化解): debt before and after, and how.
- :class:`AssetDisposal` (盘活 / 处置闲置资产): idle assets revitalised or sold.
- :class:`CreditorCommittee` (债委会): member creditors and their meetings.
- :class:`LoanRenewal` (无还本续贷): a maturing loan renewed without first
  repaying principal.
- :class:`Whitelist` (优质小微企业名单库): entries added and removed over time,
  and pushes to banks; membership as of any date.
- :class:`BridgeFund` (过桥资金): a programme's pool and its draws.
- :class:`CoordinatedFinancing` (协调融资): money arranged by platforms, banks or
  private firms, including coordinated bank loans.

>>> import datetime as dt
>>> debt = DebtResolution(
...     id=DebtResolutionId("wucheng-debt"),
...     enterprise_id=EnterpriseId("wucheng-group"),
...     creditors=["某银行武城支行"],
...     debt_before=Money.parse("8000多万元"),
...     debt_after=Money.parse("2650万元"),
...     method=DebtResolutionMethod.PACKAGE_DISPOSAL,
...     resolved_on=dt.date(2019, 11, 5),
... )
>>> print(debt.resolved_amount)  # at least 53.5 million: still a lower bound
5350多万元
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

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
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.money import Money, non_negative_money
from jinjiecu.domain.validation import (
    a_date,
    as_tuple,
    check,
    decimal_in,
    free_text,
    int_in,
    is_bool,
    is_date,
    is_enum,
    is_id,
    is_instance,
    name_text,
    optional,
    tuple_of,
    unique_items,
)
from jinjiecu.errors import ValidationError

__all__ = [
    "Asset",
    "AssetDisposal",
    "AssetKind",
    "BankPush",
    "BridgeDraw",
    "BridgeFund",
    "CommitteeMeeting",
    "CommitteeOutcome",
    "CoordinatedFinancing",
    "CreditorCommittee",
    "Criterion",
    "DebtResolution",
    "DebtResolutionMethod",
    "DisposalMethod",
    "FinancingSource",
    "Loan",
    "LoanRenewal",
    "RiskClass",
    "Whitelist",
    "WhitelistChange",
    "WhitelistEvent",
    "group_totals",
    "pool_taken",
    "total",
]

_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


_PROBLEM_IDS = [tuple_of(is_id(ProblemId)), unique_items]
_NAMES = [tuple_of(name_text(), min_length=1), unique_items]


def _exact_money(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A non-negative amount known exactly (a contract or a bank's figure)."""
    non_negative_money(_instance, attribute, value)
    check(
        not value.approximate,
        field=attribute.name,
        expected="an exact amount (not a lower bound such as 3000余万元)",
        received=value,
    )


def _positive_exact_money(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _exact_money(instance, attribute, value)
    check(
        value.amount > 0,
        field=attribute.name,
        expected="an amount greater than zero",
        received=value,
    )


def _items(values: Any) -> Any:
    """An iterable as a tuple; text is left whole, for the field's validator to refuse."""
    return values if isinstance(values, str | bytes) else tuple(values)


def total(amounts: Iterable[Money]) -> Money:
    """Add amounts up; the total is a lower bound if any amount is one.

    >>> print(total([Money.parse("1.2亿"), Money.parse("3000余万元")]))
    1.5亿多元
    """
    return sum(amounts, Money.zero())


def group_totals(
    records: Iterable[R], key: Callable[[R], K], amount: Callable[[R], Money]
) -> dict[K, Money]:
    """Total ``amount(record)`` per ``key(record)``, keys in first-seen order.

    The totals of any partition add up to :func:`total` of all records.
    """
    totals: dict[K, Money] = {}
    for record in records:
        group = key(record)
        totals[group] = totals.get(group, Money.zero()) + amount(record)
    return totals


# ---------------------------------------------------------------- debt resolution


class DebtResolutionMethod(LabelledEnum):
    """How a debt was reduced or restructured."""

    PACKAGE_DISPOSAL = "package_disposal", "不良资产打包处置"
    RESTRUCTURING = "restructuring", "债务重组"
    WRITE_OFF = "write_off", "核销"
    DEBT_TO_EQUITY = "debt_to_equity", "债转股"
    EXTENSION = "extension", "展期"
    SETTLEMENT = "settlement", "和解清偿"
    OTHER = "other", "其他"


@attrs.frozen(kw_only=True)
class DebtResolution:
    """债务化解: an enterprise's debt brought down from ``debt_before`` to ``debt_after``.

    ``debt_before`` may be a lower bound ("8000多万元"); ``debt_after`` must be
    exact and no more than ``debt_before``. :attr:`resolved_amount` is derived.
    """

    id: DebtResolutionId = attrs.field(validator=is_id(DebtResolutionId))
    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    creditors: tuple[str, ...] = attrs.field(converter=as_tuple, validator=_NAMES)
    debt_before: Money = attrs.field(validator=non_negative_money)
    debt_after: Money = attrs.field(validator=_exact_money)
    method: DebtResolutionMethod = attrs.field(validator=is_enum(DebtResolutionMethod))
    resolved_on: dt.date = attrs.field(validator=a_date)
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )
    note: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        check(
            self.debt_after.amount <= self.debt_before.amount,
            field="debt_after",
            expected=f"no more than the debt before ({self.debt_before})",
            received=self.debt_after,
        )

    @property
    def resolved_amount(self) -> Money:
        """The debt taken away, before minus after (a lower bound if ``debt_before`` is)."""
        return self.debt_before - self.debt_after


# ---------------------------------------------------------------- asset disposal


class AssetKind(LabelledEnum):
    """Kinds of idle assets."""

    WORKSHOP = "workshop", "厂房"
    COLD_STORE = "cold_store", "冷库"
    LAND = "land", "土地"
    EQUIPMENT = "equipment", "设备"
    BUILDING = "building", "房产"
    OTHER = "other", "其他资产"


class DisposalMethod(LabelledEnum):
    """How idle assets were put back to use or sold."""

    PACKAGE_SALE = "package_sale", "打包出售"
    AUCTION = "auction", "拍卖"
    AGREEMENT_TRANSFER = "agreement_transfer", "协议转让"
    LEASE = "lease", "出租盘活"
    MERGER = "merger", "兼并重组"
    OTHER = "other", "其他方式"


@attrs.frozen(kw_only=True)
class Asset:
    """One idle asset: its kind, what it is, and its book value (账面价值)."""

    kind: AssetKind = attrs.field(validator=is_enum(AssetKind))
    description: str = attrs.field(validator=name_text())
    book_value: Money = attrs.field(validator=non_negative_money)


@attrs.frozen(kw_only=True)
class AssetDisposal:
    """盘活 / 处置闲置资产: idle assets revitalised or sold.

    ``disposal_value`` is what a sale brought in (``None`` when the assets were
    revitalised without a sale, e.g. leased out). :attr:`book_value` is the
    sum of the assets' book values.
    """

    id: AssetDisposalId = attrs.field(validator=is_id(AssetDisposalId))
    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    assets: tuple[Asset, ...] = attrs.field(
        converter=as_tuple, validator=tuple_of(is_instance(Asset, "an Asset"), min_length=1)
    )
    method: DisposalMethod = attrs.field(validator=is_enum(DisposalMethod))
    disposed_on: dt.date = attrs.field(validator=a_date)
    disposal_value: Money | None = attrs.field(default=None, validator=optional(non_negative_money))
    buyer: str = attrs.field(default="", validator=free_text(200))
    buyer_id: EnterpriseId | None = attrs.field(
        default=None, validator=optional(is_id(EnterpriseId))
    )
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )
    note: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        check(
            self.buyer_id != self.enterprise_id,
            field="buyer_id",
            expected="an enterprise other than the seller",
            received=self.buyer_id,
        )

    @property
    def book_value(self) -> Money:
        """The assets' total book value."""
        return total(asset.book_value for asset in self.assets)


# ---------------------------------------------------------------- creditor committee


class CommitteeOutcome(LabelledEnum):
    """What a creditor-committee meeting decided about credit to the firm."""

    KEEP = "keep", "稳定授信"
    ADD = "add", "增加授信"
    REDUCE = "reduce", "压降授信"
    RESTRUCTURE = "restructure", "债务重组"


@attrs.frozen(kw_only=True)
class CommitteeMeeting:
    """One meeting of a creditor committee."""

    held_on: dt.date = attrs.field(validator=a_date)
    outcome: CommitteeOutcome = attrs.field(validator=is_enum(CommitteeOutcome))
    summary: str = attrs.field(default="", validator=free_text())


@attrs.frozen(kw_only=True)
class CreditorCommittee:
    """债权人委员会: banks meeting to keep credit to a distressed firm stable.

    Meetings are kept in date order, none before the committee was set up; add
    one with :meth:`with_meeting`.
    """

    id: CreditorCommitteeId = attrs.field(validator=is_id(CreditorCommitteeId))
    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    members: tuple[str, ...] = attrs.field(converter=as_tuple, validator=_NAMES)
    established_on: dt.date = attrs.field(validator=a_date)
    meetings: tuple[CommitteeMeeting, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(is_instance(CommitteeMeeting, "a CommitteeMeeting")),
    )
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )
    note: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        previous = self.established_on
        for index, meeting in enumerate(self.meetings):
            check(
                meeting.held_on >= previous,
                field=f"meetings[{index}]",
                expected=f"a meeting on or after {previous.isoformat()} (date order, "
                "none before the committee was set up)",
                received=meeting.held_on,
            )
            previous = meeting.held_on

    def with_meeting(self, meeting: CommitteeMeeting) -> CreditorCommittee:
        """Return the committee with one more meeting (held on or after the last one)."""
        return attrs.evolve(self, meetings=(*self.meetings, meeting))


# ---------------------------------------------------------------- loan renewal


class RiskClass(LabelledEnum):
    """The five-category loan classification (贷款五级分类)."""

    NORMAL = "normal", "正常"
    SPECIAL_MENTION = "special_mention", "关注"
    SUBSTANDARD = "substandard", "次级"
    DOUBTFUL = "doubtful", "可疑"
    LOSS = "loss", "损失"


@attrs.frozen(kw_only=True)
class Loan:
    """A loan contract: its number, principal and maturity (到期日)."""

    contract: str = attrs.field(validator=name_text(100))
    amount: Money = attrs.field(validator=_positive_exact_money)
    maturity: dt.date = attrs.field(validator=a_date)
    start: dt.date | None = attrs.field(default=None, validator=optional(a_date))

    def __attrs_post_init__(self) -> None:
        check(
            self.start is None or self.start < self.maturity,
            field="start",
            expected=f"a date before the maturity {self.maturity.isoformat()}",
            received=self.start,
        )


@attrs.frozen(kw_only=True)
class LoanRenewal:
    """无还本续贷: a maturing loan renewed without the borrower first repaying principal.

    The renewal must be signed on or before the original loan's maturity: once
    the loan has fallen due unpaid, it is overdue, not renewable this way.
    ``annual_rate_percent`` is the new annual interest rate in percent
    (``Decimal("4.35")``).
    """

    id: LoanRenewalId = attrs.field(validator=is_id(LoanRenewalId))
    borrower_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    bank: str = attrs.field(validator=name_text())
    original: Loan = attrs.field(validator=is_instance(Loan, "a Loan"))
    renewed_on: dt.date = attrs.field(validator=a_date)
    new_amount: Money = attrs.field(validator=_positive_exact_money)
    term_months: int = attrs.field(validator=int_in(1, 120))
    annual_rate_percent: Decimal = attrs.field(validator=decimal_in(Decimal(0), Decimal(36)))
    branch: str = attrs.field(default="", validator=free_text(200))
    guarantee_resigned: bool = attrs.field(default=True, validator=is_bool)
    risk_before: RiskClass = attrs.field(default=RiskClass.NORMAL, validator=is_enum(RiskClass))
    risk_after: RiskClass = attrs.field(default=RiskClass.NORMAL, validator=is_enum(RiskClass))
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )
    note: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        maturity = self.original.maturity.isoformat()
        check(
            self.renewed_on <= self.original.maturity,
            field="renewed_on",
            expected=f"a date on or before the original maturity {maturity} "
            "(a loan past maturity is overdue, not renewable without repaying principal)",
            received=self.renewed_on,
        )
        if self.original.start is not None:
            check(
                self.renewed_on >= self.original.start,
                field="renewed_on",
                expected=f"a date on or after the original loan's start "
                f"{self.original.start.isoformat()}",
                received=self.renewed_on,
            )

    @property
    def new_maturity(self) -> dt.date:
        """When the renewed loan falls due, ``term_months`` after the original maturity."""
        return self.original.maturity + relativedelta(months=self.term_months)


# ---------------------------------------------------------------- whitelist


class WhitelistChange(LabelledEnum):
    """An entry added to or removed from a whitelist (dynamic management, 动态管理)."""

    ADD = "add", "纳入"
    REMOVE = "remove", "移出"


@attrs.frozen(kw_only=True)
class Criterion:
    """A screening criterion an enterprise must meet to be listed (e.g. 纳税信用A级)."""

    code: str = attrs.field(validator=name_text(64))
    description: str = attrs.field(validator=name_text())


@attrs.frozen(kw_only=True)
class WhitelistEvent:
    """One change to a whitelist: an enterprise added (with the criteria it met) or removed."""

    change: WhitelistChange = attrs.field(validator=is_enum(WhitelistChange))
    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    on: dt.date = attrs.field(validator=a_date)
    criteria_met: tuple[str, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(name_text(64)), unique_items]
    )
    reason: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        if self.change is WhitelistChange.ADD:
            check(
                bool(self.criteria_met),
                field="criteria_met",
                expected="the screening criteria the enterprise met (at least one)",
                received=self.criteria_met,
            )
        else:
            check(
                bool(self.reason.strip()),
                field="reason",
                expected="the reason for removing the enterprise",
                received=self.reason,
            )


@attrs.frozen(kw_only=True)
class BankPush:
    """A push of whitelisted enterprises to banks (定期推送)."""

    on: dt.date = attrs.field(validator=a_date)
    banks: tuple[str, ...] = attrs.field(converter=as_tuple, validator=_NAMES)
    enterprise_ids: tuple[EnterpriseId, ...] = attrs.field(
        converter=as_tuple,
        validator=[tuple_of(is_id(EnterpriseId), min_length=1), unique_items],
    )


@attrs.frozen(kw_only=True)
class Whitelist:
    """优质小微企业名单库: a list of quality small and micro enterprises, managed over time.

    ``events`` are the additions and removals in date order (same-day events
    in the order given); membership as of a date replays them up to and
    including that date. ``pushes`` record which members were sent to which
    banks; a push may only carry enterprises listed on its date.
    """

    id: WhitelistId = attrs.field(validator=is_id(WhitelistId))
    name: str = attrs.field(validator=name_text())
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    criteria: tuple[Criterion, ...] = attrs.field(
        converter=as_tuple,
        validator=tuple_of(is_instance(Criterion, "a Criterion"), min_length=1),
    )
    operator_id: DepartmentId | None = attrs.field(
        default=None, validator=optional(is_id(DepartmentId))
    )
    events: tuple[WhitelistEvent, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(is_instance(WhitelistEvent, "a WhitelistEvent")),
    )
    pushes: tuple[BankPush, ...] = attrs.field(
        default=(), converter=as_tuple, validator=tuple_of(is_instance(BankPush, "a BankPush"))
    )

    def __attrs_post_init__(self) -> None:
        codes = [criterion.code for criterion in self.criteria]
        check(
            len(set(codes)) == len(codes), field="criteria", expected="unique codes", received=codes
        )
        members: set[EnterpriseId] = set()
        previous: dt.date | None = None
        for index, event in enumerate(self.events):
            where = f"events[{index}]"
            check(
                previous is None or event.on >= previous,
                field=where,
                expected="events in date order",
                received=event.on,
            )
            previous = event.on
            unknown = [code for code in event.criteria_met if code not in codes]
            check(
                not unknown,
                field=f"{where}.criteria_met",
                expected=f"codes of this whitelist's criteria ({', '.join(codes)})",
                received=unknown,
            )
            adding = event.change is WhitelistChange.ADD
            check(
                (event.enterprise_id not in members) == adding,
                field=where,
                expected="adding a non-member or removing a member",
                received=f"{event.change.value} {event.enterprise_id}",
            )
            if adding:
                members.add(event.enterprise_id)
            else:
                members.discard(event.enterprise_id)
        for index, push in enumerate(self.pushes):
            listed = set(self.members(push.on))
            missing = [e for e in push.enterprise_ids if e not in listed]
            check(
                not missing,
                field=f"pushes[{index}].enterprise_ids",
                expected=f"enterprises on the list on {push.on.isoformat()}",
                received=missing,
            )

    def members(self, as_of: dt.date) -> tuple[EnterpriseId, ...]:
        """The enterprises listed at the end of ``as_of``, sorted by id."""
        check(is_date(as_of), field="as_of", expected="a date", received=as_of)
        listed: set[EnterpriseId] = set()
        for event in self.events:
            if event.on > as_of:
                break
            if event.change is WhitelistChange.ADD:
                listed.add(event.enterprise_id)
            else:
                listed.discard(event.enterprise_id)
        return tuple(sorted(listed))

    def is_member(self, enterprise_id: EnterpriseId, as_of: dt.date) -> bool:
        """Whether ``enterprise_id`` was listed at the end of ``as_of``."""
        return enterprise_id in self.members(as_of)

    def add(
        self,
        enterprise_id: EnterpriseId,
        *,
        on: dt.date,
        criteria_met: Iterable[str],
        reason: str = "",
    ) -> Whitelist:
        """Return the whitelist with ``enterprise_id`` added on ``on`` (纳入)."""
        event = WhitelistEvent(
            change=WhitelistChange.ADD,
            enterprise_id=enterprise_id,
            on=on,
            criteria_met=_items(criteria_met),
            reason=reason,
        )
        return attrs.evolve(self, events=(*self.events, event))

    def remove(self, enterprise_id: EnterpriseId, *, on: dt.date, reason: str) -> Whitelist:
        """Return the whitelist with ``enterprise_id`` removed on ``on`` (移出)."""
        event = WhitelistEvent(
            change=WhitelistChange.REMOVE, enterprise_id=enterprise_id, on=on, reason=reason
        )
        return attrs.evolve(self, events=(*self.events, event))

    def push(
        self,
        *,
        on: dt.date,
        banks: Iterable[str],
        enterprise_ids: Iterable[EnterpriseId] | None = None,
    ) -> Whitelist:
        """Return the whitelist with a push to ``banks`` (all members on ``on`` unless given)."""
        chosen = self.members(on) if enterprise_ids is None else _items(enterprise_ids)
        push = BankPush(on=on, banks=_items(banks), enterprise_ids=chosen)
        return attrs.evolve(self, pushes=(*self.pushes, push))


# ---------------------------------------------------------------- bridge fund


@attrs.frozen(kw_only=True)
class BridgeDraw:
    """A draw on a bridge fund: who, how much, drawn and repaid on which dates."""

    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    amount: Money = attrs.field(validator=_positive_exact_money)
    drawn_on: dt.date = attrs.field(validator=a_date)
    repaid_on: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    reference: str = attrs.field(default="", validator=free_text(200))
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )

    def __attrs_post_init__(self) -> None:
        check(
            self.repaid_on is None or self.repaid_on >= self.drawn_on,
            field="repaid_on",
            expected=f"a date on or after the draw {self.drawn_on.isoformat()}",
            received=self.repaid_on,
        )

    def is_outstanding(self, on: dt.date) -> bool:
        """Drawn on or before ``on`` and not repaid by then (repaid that day counts as repaid)."""
        return self.drawn_on <= on and (self.repaid_on is None or self.repaid_on > on)

    def days_used(self, on: dt.date | None = None) -> int:
        """Calendar days from the draw to repayment (or to ``on`` if still out), at least 1."""
        end = self.repaid_on or on
        if end is None:
            raise ValidationError(
                field="on", expected="a date, since the draw is not repaid", received=None
            )
        return max(1, (end - self.drawn_on).days)


def _takes_room(draw: BridgeDraw, day: dt.date) -> bool:
    """Whether ``draw`` uses part of the pool on ``day``: always on its own draw day."""
    return draw.drawn_on == day or draw.is_outstanding(day)


def pool_taken(draws: Iterable[BridgeDraw], day: dt.date) -> Money:
    """What ``draws`` take of a pool on ``day``: those out that day, and that day's own.

    A draw takes room on its own day even if repaid the same day, as
    :class:`BridgeFund` counts its pool.
    """
    return total(draw.amount for draw in draws if _takes_room(draw, day))


@attrs.frozen(kw_only=True)
class BridgeFund:
    """过桥资金: a programme's pool and the draws on it.

    Rules (stated here and in the docs):

    - **Pool.** Draws are recorded in date order. A draw is refused if, on its
      draw day, it and the draws still out that day would exceed ``pool_size``.
      A draw takes room on its own day even if repaid the same day; money
      repaid on a later day frees the pool from that day.
    - **Maximum days.** Draws are not refused for time: a draw still out after
      ``max_days`` calendar days is *overdue*, and one repaid after that was
      *repaid late*; both are flagged by :meth:`overdue` and :meth:`is_late`.
    - **Fee.** ``amount × daily_fee_rate × days used``, rounded to the fen
      (四舍五入), e.g. a daily rate of ``Decimal("0.0002")`` (万分之二).
    """

    id: BridgeFundId = attrs.field(validator=is_id(BridgeFundId))
    name: str = attrs.field(validator=name_text())
    operator: str = attrs.field(validator=name_text())
    pool_size: Money = attrs.field(validator=_positive_exact_money)
    max_days: int = attrs.field(validator=int_in(1, 366))
    daily_fee_rate: Decimal = attrs.field(validator=decimal_in(Decimal(0), Decimal("0.01")))
    draws: tuple[BridgeDraw, ...] = attrs.field(
        default=(), converter=as_tuple, validator=tuple_of(is_instance(BridgeDraw, "a BridgeDraw"))
    )

    def __attrs_post_init__(self) -> None:
        # Draws are recorded as they happen, so in date order; then the room
        # taken on a draw's own day is enough to check the pool: what is out
        # only grows on draw days.
        for index, draw in enumerate(self.draws):
            earlier = self.draws[:index]
            check(
                not earlier or draw.drawn_on >= earlier[-1].drawn_on,
                field=f"draws[{index}].drawn_on",
                expected=f"draws in date order (on or after {earlier[-1].drawn_on.isoformat()})"
                if earlier
                else "a date",
                received=draw.drawn_on,
            )
            taken = pool_taken(earlier, draw.drawn_on)
            check(
                (taken + draw.amount).amount <= self.pool_size.amount,
                field=f"draws[{index}].amount",
                expected=f"at most the free balance on {draw.drawn_on.isoformat()} "
                f"({self.pool_size - taken})",
                received=draw.amount,
            )

    def outstanding(self, on: dt.date) -> Money:
        """What is drawn and not yet repaid at the end of ``on``."""
        return total(d.amount for d in self.draws if d.is_outstanding(on))

    def free_balance(self, on: dt.date) -> Money:
        """The pool minus what is out at the end of ``on``."""
        return self.pool_size - self.outstanding(on)

    def draw(
        self,
        enterprise_id: EnterpriseId,
        amount: Money,
        *,
        on: dt.date,
        reference: str = "",
        problem_ids: Iterable[ProblemId] = (),
    ) -> BridgeFund:
        """Return the fund with a new draw, refused beyond the free balance."""
        new = BridgeDraw(
            enterprise_id=enterprise_id,
            amount=amount,
            drawn_on=on,
            reference=reference,
            problem_ids=_items(problem_ids),
        )
        return attrs.evolve(self, draws=(*self.draws, new))

    def repay(self, index: int, *, on: dt.date) -> BridgeFund:
        """Return the fund with draw number ``index`` (0-based) repaid on ``on``."""
        check(
            isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(self.draws),
            field="index",
            expected=f"a draw number from 0 to {len(self.draws) - 1}",
            received=index,
        )
        draw = self.draws[index]
        check(
            draw.repaid_on is None,
            field="index",
            expected="a draw not yet repaid",
            received=index,
        )
        draws = list(self.draws)
        draws[index] = attrs.evolve(draw, repaid_on=on)
        return attrs.evolve(self, draws=draws)

    def fee(self, draw: BridgeDraw, on: dt.date | None = None) -> Money:
        """The usage fee of ``draw`` (so far, if it is still out on ``on``)."""
        rate = _EXACT.multiply(self.daily_fee_rate, Decimal(draw.days_used(on)))
        return draw.amount * rate

    def is_late(self, draw: BridgeDraw, on: dt.date) -> bool:
        """Whether ``draw`` has been out (or was out) longer than ``max_days`` as of ``on``."""
        if draw.drawn_on > on:
            return False
        end = draw.repaid_on if draw.repaid_on is not None and draw.repaid_on <= on else on
        return (end - draw.drawn_on).days > self.max_days

    def overdue(self, on: dt.date) -> tuple[BridgeDraw, ...]:
        """Draws still out on ``on`` after more than ``max_days`` days."""
        return tuple(d for d in self.draws if d.is_outstanding(on) and self.is_late(d, on))


# ---------------------------------------------------------------- coordinated financing


class FinancingSource(LabelledEnum):
    """Where coordinated money came from."""

    BANK_LOAN = "bank_loan", "银行贷款"
    PLATFORM = "platform", "投融资平台"
    PRIVATE_ENTERPRISE = "private_enterprise", "民营企业"
    GOVERNMENT_FUND = "government_fund", "政府资金"
    OTHER = "other", "其他来源"


@attrs.frozen(kw_only=True)
class CoordinatedFinancing:
    """协调融资: money arranged for an enterprise, such as a coordinated bank loan.

    ``amount`` may be a lower bound ("3000余万元"). ``coordinated_by`` is the
    department that arranged it, if recorded.
    """

    id: CoordinatedFinancingId = attrs.field(validator=is_id(CoordinatedFinancingId))
    enterprise_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    source_kind: FinancingSource = attrs.field(validator=is_enum(FinancingSource))
    source_name: str = attrs.field(validator=name_text())
    amount: Money = attrs.field(validator=non_negative_money)
    arranged_on: dt.date = attrs.field(validator=a_date)
    coordinated_by: DepartmentId | None = attrs.field(
        default=None, validator=optional(is_id(DepartmentId))
    )
    problem_ids: tuple[ProblemId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_PROBLEM_IDS
    )
    note: str = attrs.field(default="", validator=free_text())
