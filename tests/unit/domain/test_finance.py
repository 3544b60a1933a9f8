"""Finance relief records: rules, derived amounts, totals, whitelist replay, serialization."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
from collections.abc import Callable, Hashable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, seed, settings, strategies as st

from jinjiecu.domain.finance import (
    Asset,
    AssetDisposal,
    AssetKind,
    BankPush,
    BridgeDraw,
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
    WhitelistChange,
    WhitelistEvent,
    group_totals,
    total,
)
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    EnterpriseId,
    LoanRenewalId,
    ProblemId,
    RegionId,
    WhitelistId,
)
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError
from jinjiecu.serialization import structure, unstructure
from jinjiecu.testing.strategies import (
    asset_disposals,
    bridge_funds,
    coordinated_financings,
    creditor_committees,
    debt_resolutions,
    loan_renewals,
    loans,
    whitelists,
)

D = dt.date
E = EnterpriseId
DAY = D(2019, 11, 5)
MATURITY = D(2019, 12, 31)
RENEWED = D(2019, 12, 20)


def wan(amount: int | str) -> Money:
    return Money.yuan(Decimal(amount) * 10_000)


def debt(**changes: Any) -> DebtResolution:
    fields: dict[str, Any] = {
        "id": DebtResolutionId("debt-1"),
        "enterprise_id": E("beizhou"),
        "creditors": ["中国银行"],
        "debt_before": wan(1000),
        "debt_after": wan(400),
        "method": DebtResolutionMethod.PACKAGE_DISPOSAL,
        "resolved_on": DAY,
    }
    return DebtResolution(**{**fields, **changes})


def asset(kind: AssetKind, wan_value: int, description: str = "车间") -> Asset:
    return Asset(kind=kind, description=description, book_value=wan(wan_value))


def disposal(**changes: Any) -> AssetDisposal:
    fields: dict[str, Any] = {
        "id": AssetDisposalId("disposal-1"),
        "enterprise_id": E("yingchao"),
        "assets": [asset(AssetKind.WORKSHOP, 100)],
        "method": DisposalMethod.AGREEMENT_TRANSFER,
        "disposed_on": DAY,
    }
    return AssetDisposal(**{**fields, **changes})


def meeting(day: dt.date, outcome: CommitteeOutcome = CommitteeOutcome.KEEP) -> CommitteeMeeting:
    return CommitteeMeeting(held_on=day, outcome=outcome)


def committee(**changes: Any) -> CreditorCommittee:
    fields: dict[str, Any] = {
        "id": CreditorCommitteeId("committee-1"),
        "enterprise_id": E("yingchao"),
        "members": ["中国银行", "中国工商银行"],
        "established_on": D(2019, 6, 1),
    }
    return CreditorCommittee(**{**fields, **changes})


def loan(maturity: dt.date = MATURITY, **changes: Any) -> Loan:
    fields: dict[str, Any] = {"contract": "借字第0001号", "amount": wan(500), "maturity": maturity}
    return Loan(**{**fields, **changes})


def renewal(renewed_on: dt.date = RENEWED, **changes: Any) -> LoanRenewal:
    fields: dict[str, Any] = {
        "id": LoanRenewalId("renewal-1"),
        "borrower_id": E("yc-001"),
        "bank": "禹城农商银行",
        "original": loan(),
        "renewed_on": renewed_on,
        "new_amount": wan(500),
        "term_months": 12,
        "annual_rate_percent": Decimal("4.35"),
    }
    return LoanRenewal(**{**fields, **changes})


CRITERIA = [
    Criterion(code="tax-a", description="纳税信用A级"),
    Criterion(code="no-default", description="无不良信用记录"),
]


def whitelist() -> Whitelist:
    return Whitelist(
        id=WhitelistId("yucheng"),
        name="禹城市优质小微企业名单库",
        region_id=RegionId("371482"),
        criteria=CRITERIA,
    )


def fund(pool_wan: int = 100, **changes: Any) -> BridgeFund:
    fields: dict[str, Any] = {
        "id": BridgeFundId("sanhang"),
        "name": "三航计划过桥资金",
        "operator": "禹城市地方金融监督管理局",
        "pool_size": wan(pool_wan),
        "max_days": 10,
        "daily_fee_rate": Decimal("0.0002"),
    }
    return BridgeFund(**{**fields, **changes})


def financing(amount: Money, **changes: Any) -> CoordinatedFinancing:
    fields: dict[str, Any] = {
        "id": CoordinatedFinancingId("financing-1"),
        "enterprise_id": E("yingchao"),
        "source_kind": FinancingSource.PLATFORM,
        "source_name": "市级投融资平台",
        "amount": amount,
        "arranged_on": DAY,
    }
    return CoordinatedFinancing(**{**fields, **changes})


def refused(make: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        make()
    return caught.value


# ==================================================================== debt resolution


def test_the_resolved_amount_is_derived_from_before_and_after() -> None:
    record = debt(debt_before=wan(1000), debt_after=wan(400))
    assert record.resolved_amount == wan(600)
    assert "resolved_amount" not in attrs.fields_dict(DebtResolution)
    with pytest.raises(TypeError):
        debt(resolved_amount=wan(600))  # never typed twice


def test_the_resolved_part_of_a_lower_bound_is_a_lower_bound() -> None:
    record = debt(debt_before=Money.parse("8000多万元"), debt_after=Money.parse("2650万元"))
    assert record.resolved_amount == Money(amount=53_500_000, approximate=True)
    assert str(record.resolved_amount) == "5350多万元"


def test_the_debt_after_may_equal_the_debt_before_or_be_nothing() -> None:
    assert debt(debt_after=wan(1000)).resolved_amount == Money.zero()
    assert debt(debt_after=Money.zero()).resolved_amount == wan(1000)
    # "8000多万元" is at least 8000万元, so an exact 8000万元 after does not exceed it.
    assert debt(debt_before=Money.parse("8000多万元"), debt_after=wan(8000)).debt_after == wan(8000)


def test_a_debt_after_above_the_debt_before_is_refused() -> None:
    error = refused(lambda: debt(debt_before=wan(1000), debt_after=wan("1000.0001")))
    assert error.field == "debt_after"
    assert "1000万元" in error.expected
    error = refused(lambda: debt(debt_before=Money.parse("8000多万元"), debt_after=wan(8001)))
    assert error.field == "debt_after"


def test_an_approximate_debt_after_is_refused() -> None:
    error = refused(lambda: debt(debt_after=Money.parse("300多万元")))
    assert error.field == "debt_after"
    assert "exact" in error.expected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"debt_before": Money.yuan(-1)}, "debt_before"),
        ({"debt_after": Money.yuan(-1)}, "debt_after"),
        ({"creditors": []}, "creditors"),
        ({"creditors": ["中国银行", "中国银行"]}, "creditors"),
        ({"creditors": ["  "]}, "creditors[0]"),
        ({"creditors": "中国银行"}, "creditors"),
        ({"problem_ids": [ProblemId("p-1"), ProblemId("p-1")]}, "problem_ids"),
        ({"problem_ids": ["p-1"]}, "problem_ids[0]"),
        ({"resolved_on": dt.datetime(2019, 11, 5, tzinfo=dt.UTC)}, "resolved_on"),
        ({"method": "package_disposal"}, "method"),
    ],
)
def test_a_debt_resolution_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert refused(lambda: debt(**changes)).field == field


def test_a_debt_resolution_links_to_problems() -> None:
    record = debt(problem_ids=[ProblemId("p-1"), ProblemId("p-2")])
    assert record.problem_ids == (ProblemId("p-1"), ProblemId("p-2"))
    assert record.enterprise_id == E("beizhou")


# ==================================================================== asset disposal


def test_the_book_value_is_the_sum_of_the_assets() -> None:
    record = disposal(
        assets=[
            asset(AssetKind.WORKSHOP, 3000),
            asset(AssetKind.COLD_STORE, 2000),
            asset(AssetKind.EQUIPMENT, 1297),
        ]
    )
    assert record.book_value == wan(6297)
    assert str(record.book_value) == "6297万元"
    assert "book_value" not in attrs.fields_dict(AssetDisposal)


def test_the_book_value_is_a_lower_bound_if_one_asset_is() -> None:
    approximate = Asset(
        kind=AssetKind.LAND, description="土地", book_value=Money.parse("500多万元")
    )
    record = disposal(assets=[asset(AssetKind.WORKSHOP, 1000), approximate])
    assert record.book_value == Money(amount=15_000_000, approximate=True)


def test_the_buyer_is_not_the_seller() -> None:
    sold = disposal(buyer="本地实业公司", buyer_id=E("buyer"), disposal_value=wan(80))
    assert sold.buyer_id == E("buyer")
    assert disposal().buyer_id is None  # revitalised, or the buyer not recorded
    error = refused(lambda: disposal(buyer_id=E("yingchao")))
    assert error.field == "buyer_id"
    assert error.received == E("yingchao")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assets": []}, "assets"),
        ({"assets": [asset(AssetKind.WORKSHOP, 1), "冷库"]}, "assets[1]"),
        ({"disposal_value": Money.yuan(-1)}, "disposal_value"),
        ({"buyer": "\x00"}, "buyer"),
        ({"buyer_id": "buyer"}, "buyer_id"),
        ({"method": DebtResolutionMethod.OTHER}, "method"),
    ],
)
def test_an_asset_disposal_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert refused(lambda: disposal(**changes)).field == field


def test_an_asset_needs_a_description_and_a_non_negative_book_value() -> None:
    assert refused(lambda: asset(AssetKind.WORKSHOP, -1)).field == "book_value"
    assert refused(lambda: asset(AssetKind.WORKSHOP, 1, description=" ")).field == "description"


# ==================================================================== creditor committee


def test_meetings_are_kept_in_date_order_from_the_establishment() -> None:
    days = [D(2019, 6, 1), D(2019, 7, 1), D(2019, 7, 1), D(2019, 9, 15)]
    record = committee(meetings=[meeting(day) for day in days])
    assert [m.held_on for m in record.meetings] == days


def test_a_meeting_before_the_establishment_is_refused() -> None:
    error = refused(lambda: committee(meetings=[meeting(D(2019, 5, 31))]))
    assert error.field == "meetings[0]"
    assert "2019-06-01" in error.expected
    assert error.received == D(2019, 5, 31)


def test_meetings_out_of_date_order_are_refused() -> None:
    days = [D(2019, 7, 1), D(2019, 8, 1), D(2019, 7, 15)]
    error = refused(lambda: committee(meetings=[meeting(day) for day in days]))
    assert error.field == "meetings[2]"
    assert "2019-08-01" in error.expected


def test_with_meeting_returns_a_new_committee_with_one_more_meeting() -> None:
    empty = committee()
    record = empty
    outcomes = [
        CommitteeOutcome.KEEP,
        CommitteeOutcome.KEEP,
        CommitteeOutcome.RESTRUCTURE,
        CommitteeOutcome.ADD,
        CommitteeOutcome.KEEP,
    ]
    for month, outcome in enumerate(outcomes, start=6):
        record = record.with_meeting(meeting(D(2019, month, 20), outcome))
    assert empty.meetings == ()
    assert len(record.meetings) == 5
    assert [m.outcome for m in record.meetings] == outcomes
    assert CommitteeOutcome.REDUCE.label == "压降授信"


def test_with_meeting_refuses_an_earlier_meeting_or_a_non_meeting() -> None:
    record = committee().with_meeting(meeting(D(2019, 8, 1)))
    assert refused(lambda: record.with_meeting(meeting(D(2019, 7, 31)))).field == "meetings[1]"
    not_a_meeting: Any = D(2019, 9, 1)
    assert refused(lambda: record.with_meeting(not_a_meeting)).field == "meetings[1]"


def test_a_committee_needs_member_creditors() -> None:
    assert refused(lambda: committee(members=[])).field == "members"
    assert refused(lambda: committee(members=["中国银行", "中国银行"])).field == "members"


# ==================================================================== loan renewal


def test_a_renewal_on_the_maturity_day_is_accepted() -> None:
    assert renewal(D(2019, 12, 31)).renewed_on == D(2019, 12, 31)
    assert renewal(D(2019, 10, 1)).renewed_on == D(2019, 10, 1)


def test_a_renewal_the_day_after_maturity_is_refused_naming_the_maturity() -> None:
    error = refused(lambda: renewal(D(2020, 1, 1)))
    assert error.field == "renewed_on"
    assert error.received == D(2020, 1, 1)
    assert "2019-12-31" in error.expected
    assert "2019-12-31" in str(error)


def test_a_renewal_before_the_original_loan_started_is_refused() -> None:
    # The record checks the maturity but not the start: a renewal signed before
    # the loan it renews began is a data-entry slip (see the report).
    original = loan(start=D(2019, 6, 1))
    error = refused(lambda: renewal(D(2019, 5, 31), original=original))
    assert error.field == "renewed_on"
    assert "2019-06-01" in error.expected


@pytest.mark.parametrize(
    ("maturity", "months", "expected"),
    [
        (D(2020, 1, 31), 1, D(2020, 2, 29)),  # leap year: the last day of February
        (D(2019, 1, 31), 1, D(2019, 2, 28)),
        (D(2019, 8, 31), 6, D(2020, 2, 29)),
        (D(2019, 12, 31), 12, D(2020, 12, 31)),
        (D(2019, 3, 15), 120, D(2029, 3, 15)),
    ],
)
def test_the_new_maturity_is_term_months_after_the_original(
    maturity: dt.date, months: int, expected: dt.date
) -> None:
    record = renewal(maturity, original=loan(maturity), term_months=months)
    assert record.new_maturity == expected


@pytest.mark.parametrize("rate", ["0", "0.00", "4.35", "36", "36.00"])
def test_rates_from_0_to_36_percent_are_accepted(rate: str) -> None:
    assert renewal(annual_rate_percent=Decimal(rate)).annual_rate_percent == Decimal(rate)


@pytest.mark.parametrize(
    "rate",
    [Decimal("-0.01"), Decimal("36.01"), Decimal("NaN"), Decimal("Infinity"), 4.35, 4, "4.35"],
)
def test_rates_outside_0_to_36_percent_or_not_decimal_are_refused(rate: object) -> None:
    error = refused(lambda: renewal(annual_rate_percent=rate))
    assert error.field == "annual_rate_percent"
    assert error.received is rate


@pytest.mark.parametrize(("months", "ok"), [(0, False), (1, True), (120, True), (121, False)])
def test_the_term_is_1_to_120_months(months: int, ok: bool) -> None:
    if ok:
        assert renewal(term_months=months).term_months == months
    else:
        assert refused(lambda: renewal(term_months=months)).field == "term_months"
    assert refused(lambda: renewal(term_months=True)).field == "term_months"


def test_a_renewal_keeps_bank_branch_guarantee_and_risk_classes() -> None:
    record = renewal(
        branch="禹城支行",
        guarantee_resigned=False,
        risk_before=RiskClass.SPECIAL_MENTION,
        risk_after=RiskClass.NORMAL,
    )
    assert (record.bank, record.branch) == ("禹城农商银行", "禹城支行")
    assert record.guarantee_resigned is False
    assert (record.risk_before.label, record.risk_after.label) == ("关注", "正常")
    assert renewal().guarantee_resigned is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"new_amount": Money.zero()}, "new_amount"),
        ({"new_amount": Money.parse("300多万元")}, "new_amount"),
        ({"original": {"contract": "x"}}, "original"),
        ({"bank": ""}, "bank"),
        ({"guarantee_resigned": 1}, "guarantee_resigned"),
        ({"risk_after": "normal"}, "risk_after"),
    ],
)
def test_a_loan_renewal_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert refused(lambda: renewal(**changes)).field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Money.zero()}, "amount"),
        ({"amount": Money.parse("500多万元")}, "amount"),
        ({"start": D(2019, 12, 31)}, "start"),  # on the maturity: no time to run
        ({"contract": "x" * 101}, "contract"),
    ],
)
def test_a_loan_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    error = refused(lambda: loan(**changes))
    assert error.field == field
    if field == "start":
        assert "2019-12-31" in error.expected


# ==================================================================== whitelist


def test_members_as_of_any_date_replay_the_additions_and_removals() -> None:
    listed = (
        whitelist()
        .add(E("b"), on=D(2019, 3, 1), criteria_met=["tax-a"])
        .add(E("a"), on=D(2019, 3, 1), criteria_met=["tax-a", "no-default"], reason="首批入库")
        .add(E("c"), on=D(2019, 5, 1), criteria_met=["no-default"])
        .remove(E("a"), on=D(2019, 6, 10), reason="出现逾期贷款")
        .add(E("a"), on=D(2019, 9, 1), criteria_met=["tax-a"])
    )
    assert listed.members(D(2019, 2, 28)) == ()
    assert listed.members(D(2019, 3, 1)) == (E("a"), E("b"))  # sorted by id
    assert listed.members(D(2019, 4, 30)) == (E("a"), E("b"))
    assert listed.members(D(2019, 5, 1)) == (E("a"), E("b"), E("c"))
    assert listed.members(D(2019, 6, 9)) == (E("a"), E("b"), E("c"))
    assert listed.members(D(2019, 6, 10)) == (E("b"), E("c"))
    assert listed.members(D(2019, 8, 31)) == (E("b"), E("c"))
    assert listed.members(D(2030, 1, 1)) == (E("a"), E("b"), E("c"))
    assert listed.is_member(E("a"), D(2019, 6, 9))
    assert not listed.is_member(E("a"), D(2019, 6, 10))
    assert [event.change for event in listed.events].count(WhitelistChange.REMOVE) == 1


def test_an_enterprise_added_and_removed_the_same_day_is_not_listed_that_day() -> None:
    listed = (
        whitelist()
        .add(E("a"), on=DAY, criteria_met=["tax-a"])
        .remove(E("a"), on=DAY, reason="误录")
    )
    assert listed.members(DAY - dt.timedelta(days=1)) == ()
    assert listed.members(DAY) == ()
    # Removed, then added back the same day: listed at the end of the day.
    back = listed.add(E("a"), on=DAY, criteria_met=["tax-a"])
    assert back.members(DAY) == (E("a"),)


def test_adding_a_member_twice_is_refused() -> None:
    listed = whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"])
    error = refused(lambda: listed.add(E("a"), on=DAY, criteria_met=["tax-a"]))
    assert error.field == "events[1]"
    assert "add a" in str(error.received)


def test_removing_a_non_member_is_refused() -> None:
    listed = whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"])
    error = refused(lambda: listed.remove(E("b"), on=DAY, reason="不再符合条件"))
    assert error.field == "events[1]"
    removed = listed.remove(E("a"), on=DAY, reason="不再符合条件")
    assert refused(lambda: removed.remove(E("a"), on=DAY, reason="重复移出")).field == "events[2]"


def test_additions_need_known_criteria_and_removals_a_reason() -> None:
    error = refused(lambda: whitelist().add(E("a"), on=DAY, criteria_met=["tax-a", "jobs"]))
    assert error.field == "events[0].criteria_met"
    assert error.received == ["jobs"]
    assert "tax-a, no-default" in error.expected
    assert refused(lambda: whitelist().add(E("a"), on=DAY, criteria_met=[])).field == (
        "criteria_met"
    )
    listed = whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"])
    assert refused(lambda: listed.remove(E("a"), on=DAY, reason=" ")).field == "reason"


def test_criteria_codes_are_unique() -> None:
    twice = [*CRITERIA, Criterion(code="tax-a", description="again")]
    assert refused(lambda: attrs.evolve(whitelist(), criteria=twice)).field == "criteria"
    assert refused(lambda: attrs.evolve(whitelist(), criteria=[])).field == "criteria"


def test_events_out_of_date_order_are_refused() -> None:
    listed = whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"])
    earlier = DAY - dt.timedelta(days=1)
    error = refused(lambda: listed.add(E("b"), on=earlier, criteria_met=["tax-a"]))
    assert error.field == "events[1]"
    assert error.received == earlier


def test_a_push_carries_members_to_banks() -> None:
    listed = (
        whitelist()
        .add(E("a"), on=D(2019, 3, 1), criteria_met=["tax-a"])
        .add(E("b"), on=D(2019, 3, 2), criteria_met=["tax-a"])
    )
    pushed = listed.push(on=D(2019, 3, 1), banks=["禹城农商银行", "中国农业银行"])
    assert pushed.pushes == (
        BankPush(
            on=D(2019, 3, 1), banks=("禹城农商银行", "中国农业银行"), enterprise_ids=(E("a"),)
        ),
    )
    chosen = pushed.push(on=D(2019, 4, 1), banks=["中国银行"], enterprise_ids=[E("b")])
    assert chosen.pushes[1].enterprise_ids == (E("b"),)
    assert listed.pushes == ()


def test_pushing_a_non_member_is_refused() -> None:
    listed = (
        whitelist()
        .add(E("a"), on=D(2019, 3, 1), criteria_met=["tax-a"])
        .add(E("b"), on=D(2019, 3, 2), criteria_met=["tax-a"])
    )
    error = refused(
        lambda: listed.push(on=D(2019, 3, 1), banks=["中国银行"], enterprise_ids=[E("a"), E("b")])
    )
    assert error.field == "pushes[0].enterprise_ids"
    assert error.received == [E("b")]
    assert "2019-03-01" in error.expected
    # Nobody listed yet: a push with no enterprises is refused too.
    assert refused(lambda: whitelist().push(on=DAY, banks=["中国银行"])).field == "enterprise_ids"


def test_a_push_carries_members_at_the_end_of_its_day() -> None:
    # Pushes, like membership, are read at the end of the day: removing a
    # pushed enterprise later the same day contradicts the push.
    pushed = (
        whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"]).push(on=DAY, banks=["中国银行"])
    )
    error = refused(lambda: pushed.remove(E("a"), on=DAY, reason="误录"))
    assert error.field == "pushes[0].enterprise_ids"
    assert pushed.remove(E("a"), on=DAY + dt.timedelta(days=1), reason="退出").members(DAY) == (
        E("a"),
    )


def test_a_push_names_its_banks_as_a_list_not_a_string() -> None:
    # A single bank given as a string must not become one bank per character.
    listed = whitelist().add(E("a"), on=DAY, criteria_met=["tax-a"])
    bank: Any = "中国银行"
    error = refused(lambda: listed.push(on=DAY, banks=bank))
    assert error.field == "banks"


def test_members_as_of_needs_a_date() -> None:
    not_a_date: Any = "2019-11-05"
    assert refused(lambda: whitelist().members(not_a_date)).field == "as_of"


# ==================================================================== bridge fund


def test_draws_within_the_free_balance_are_accepted() -> None:
    drawn = fund(100).draw(E("a"), wan(60), on=D(2020, 1, 10))
    assert drawn.outstanding(D(2020, 1, 9)) == Money.zero()
    assert drawn.outstanding(D(2020, 1, 10)) == wan(60)
    assert drawn.free_balance(D(2020, 1, 10)) == wan(40)
    full = drawn.draw(E("b"), wan(40), on=D(2020, 1, 15))
    assert full.free_balance(D(2020, 1, 15)) == Money.zero()


def test_a_draw_beyond_the_free_balance_is_refused_stating_the_balance() -> None:
    drawn = fund(100).draw(E("a"), wan(60), on=D(2020, 1, 10))
    error = refused(lambda: drawn.draw(E("b"), wan(50), on=D(2020, 1, 15)))
    assert error.field == "draws[1].amount"
    assert error.received == wan(50)
    assert "free balance on 2020-01-15 (40万元)" in error.expected


def test_a_same_day_draw_beyond_the_free_balance_names_the_new_draw() -> None:
    drawn = fund(100).draw(E("a"), wan(60), on=D(2020, 1, 10))
    error = refused(lambda: drawn.draw(E("b"), wan(50), on=D(2020, 1, 10)))
    assert error.field == "draws[1].amount"
    assert error.received == wan(50)
    assert "(40万元)" in error.expected


def test_a_draw_larger_than_the_pool_is_refused_even_if_repaid_the_same_day() -> None:
    draw = BridgeDraw(
        enterprise_id=E("a"), amount=wan(200), drawn_on=D(2020, 1, 10), repaid_on=D(2020, 1, 10)
    )
    error = refused(lambda: fund(100, draws=[draw]))
    assert error.field == "draws[0].amount"


def test_repaid_money_frees_the_pool_on_the_day_of_repayment() -> None:
    full = fund(100).draw(E("a"), wan(100), on=D(2020, 1, 1))
    assert refused(lambda: full.draw(E("b"), Money.yuan("0.01"), on=D(2020, 1, 5))).field == (
        "draws[1].amount"
    )
    repaid = full.repay(0, on=D(2020, 1, 5))
    assert repaid.free_balance(D(2020, 1, 4)) == Money.zero()
    assert repaid.free_balance(D(2020, 1, 5)) == wan(100)
    again = repaid.draw(E("b"), wan(100), on=D(2020, 1, 5))
    assert again.outstanding(D(2020, 1, 5)) == wan(100)
    assert again.draws[0].repaid_on == D(2020, 1, 5)
    assert full.draws[0].repaid_on is None  # the fund is immutable


def test_draws_out_longer_than_max_days_are_overdue_not_refused() -> None:
    drawn = fund(100, max_days=10).draw(E("a"), wan(10), on=D(2020, 1, 1))
    draw = drawn.draws[0]
    assert drawn.overdue(D(2020, 1, 11)) == ()  # 10 days out: in time
    assert not drawn.is_late(draw, D(2020, 1, 11))
    assert drawn.overdue(D(2020, 1, 12)) == (draw,)  # 11 days out: overdue
    assert drawn.is_late(draw, D(2020, 1, 12))
    assert not drawn.is_late(draw, D(2019, 12, 31))  # not yet drawn
    assert drawn.overdue(D(2019, 12, 31)) == ()


@pytest.mark.parametrize(("repaid", "late"), [(D(2020, 1, 11), False), (D(2020, 1, 12), True)])
def test_a_draw_repaid_after_max_days_was_repaid_late(repaid: dt.date, late: bool) -> None:
    drawn = fund(100, max_days=10).draw(E("a"), wan(10), on=D(2020, 1, 1)).repay(0, on=repaid)
    draw = drawn.draws[0]
    assert drawn.is_late(draw, D(2020, 6, 1)) is late
    assert drawn.overdue(D(2020, 6, 1)) == ()  # repaid: never overdue afterwards
    # Before the repayment, lateness is judged on the days out so far.
    assert not drawn.is_late(draw, D(2020, 1, 5))


def test_a_draw_is_flagged_but_never_refused_for_time() -> None:
    late = BridgeDraw(
        enterprise_id=E("a"), amount=wan(10), drawn_on=D(2020, 1, 1), repaid_on=D(2020, 12, 31)
    )
    record = fund(100, max_days=10, draws=[late])
    assert record.is_late(record.draws[0], D(2021, 1, 1))


def test_the_fee_is_amount_times_daily_rate_times_days() -> None:
    drawn = (
        fund(2000, daily_fee_rate=Decimal("0.0002"))
        .draw(E("a"), wan(1000), on=D(2020, 1, 1))
        .repay(0, on=D(2020, 1, 11))
    )
    draw = drawn.draws[0]
    assert draw.days_used() == 10
    assert drawn.fee(draw) == Money.yuan(20_000)  # 1000万元 × 0.0002 × 10


def test_the_fee_counts_one_day_at_least_and_rounds_half_up_to_the_fen() -> None:
    same_day = (
        fund(1, daily_fee_rate=Decimal("0.01"))
        .draw(E("a"), Money.yuan("0.50"), on=DAY)
        .repay(0, on=DAY)
    )
    draw = same_day.draws[0]
    assert draw.days_used() == 1
    assert same_day.fee(draw) == Money.yuan("0.01")  # 0.005 rounds up (四舍五入)
    odd = (
        fund(10, daily_fee_rate=Decimal("0.00013"))
        .draw(E("a"), Money.yuan("12345.67"), on=DAY)
        .repay(0, on=DAY + dt.timedelta(days=3))
    )
    assert odd.fee(odd.draws[0]) == Money.yuan("4.81")  # 4.8148113


def test_the_fee_of_an_outstanding_draw_runs_to_a_given_day() -> None:
    drawn = fund(100, daily_fee_rate=Decimal("0.001")).draw(E("a"), wan(10), on=D(2020, 1, 1))
    draw = drawn.draws[0]
    assert drawn.fee(draw, D(2020, 1, 6)) == Money.yuan(500)  # 100000 × 0.001 × 5
    error = refused(lambda: drawn.fee(draw))
    assert error.field == "on"


def test_the_fee_does_not_depend_on_the_callers_decimal_context() -> None:
    drawn = (
        fund(100_000, daily_fee_rate=Decimal("0.000123456789"))
        .draw(E("a"), Money.yuan(10**9), on=D(2020, 1, 1))
        .repay(0, on=D(2020, 1, 4))
    )
    expected = drawn.fee(drawn.draws[0])
    assert expected == Money.yuan("370370.37")
    with decimal.localcontext(prec=3):
        assert drawn.fee(drawn.draws[0]) == expected


def test_repay_refuses_unknown_or_repaid_draws_and_early_dates() -> None:
    drawn = fund(100).draw(E("a"), wan(10), on=D(2020, 1, 10))
    for index in (-1, 1):
        error = refused(lambda index=index: drawn.repay(index, on=D(2020, 1, 11)))  # type: ignore[misc]
        assert error.field == "index"
        assert "0 to 0" in error.expected
    repaid = drawn.repay(0, on=D(2020, 1, 11))
    assert refused(lambda: repaid.repay(0, on=D(2020, 1, 12))).field == "index"
    error = refused(lambda: drawn.repay(0, on=D(2020, 1, 9)))
    assert error.field == "repaid_on"
    assert "2020-01-10" in error.expected


def test_repay_refuses_a_flag_as_the_draw_number() -> None:
    two = fund(100).draw(E("a"), wan(10), on=DAY).draw(E("b"), wan(10), on=DAY)
    flag: Any = True
    assert refused(lambda: two.repay(flag, on=DAY)).field == "index"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pool_size": Money.zero()}, "pool_size"),
        ({"pool_size": Money.parse("1亿多元")}, "pool_size"),
        ({"max_days": 0}, "max_days"),
        ({"max_days": 367}, "max_days"),
        ({"daily_fee_rate": Decimal("0.0101")}, "daily_fee_rate"),
        ({"daily_fee_rate": Decimal("-0.0001")}, "daily_fee_rate"),
        ({"draws": [{"amount": 1}]}, "draws[0]"),
    ],
)
def test_a_bridge_fund_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert refused(lambda: fund(**changes)).field == field


def test_a_draw_needs_an_exact_positive_amount() -> None:
    assert refused(lambda: fund().draw(E("a"), Money.zero(), on=DAY)).field == "amount"
    assert refused(lambda: fund().draw(E("a"), Money.parse("10多万元"), on=DAY)).field == "amount"


# ==================================================================== coordinated financing


def test_coordinated_financing_keeps_lower_bounds() -> None:
    loans_ = financing(
        Money.parse("3000余万元"),
        id=CoordinatedFinancingId("textile"),
        source_kind=FinancingSource.BANK_LOAN,
        source_name="德州银行",
    )
    platform = financing(Money.parse("1.2亿元"))
    assert loans_.amount.approximate
    assert str(total([platform.amount, loans_.amount])) == "1.5亿多元"
    by_kind = group_totals([loans_, platform], lambda r: r.source_kind.label, lambda r: r.amount)
    assert {kind: str(amount) for kind, amount in by_kind.items()} == {
        "银行贷款": "3000多万元",
        "投融资平台": "1.2亿元",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Money.yuan(-1)}, "amount"),
        ({"source_kind": "bank_loan"}, "source_kind"),
        ({"source_name": ""}, "source_name"),
        ({"coordinated_by": "市委组织部"}, "coordinated_by"),
    ],
)
def test_a_coordinated_financing_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert refused(lambda: financing(**{"amount": wan(1), **changes})).field == field


# ==================================================================== totals


def test_total_of_nothing_is_zero_and_lower_bounds_stay_lower_bounds() -> None:
    assert total([]) == Money.zero()
    assert total([wan(1), wan(2)]) == wan(3)
    assert total([wan(1), Money.parse("2多万元")]) == Money(amount=30_000, approximate=True)


def test_group_totals_keep_the_first_seen_order() -> None:
    records = [("b", 1), ("a", 2), ("b", 3)]
    groups = group_totals(records, lambda r: r[0], lambda r: Money.yuan(r[1]))
    assert list(groups.items()) == [("b", Money.yuan(4)), ("a", Money.yuan(2))]
    assert group_totals([], lambda r: r, lambda _r: Money.zero()) == {}


# ==================================================================== wrong types, any field

RECORD_STRATEGIES: list[st.SearchStrategy[Any]] = [
    debt_resolutions(),
    asset_disposals(),
    creditor_committees(),
    loans(),
    loan_renewals(),
    whitelists(),
    bridge_funds(),
    coordinated_financings(),
    # the parts records are made of
    asset_disposals().map(lambda record: record.assets[0]),
    st.builds(CommitteeMeeting, held_on=st.just(DAY), outcome=st.sampled_from(CommitteeOutcome)),
    st.just(CRITERIA[0]),
    st.builds(
        WhitelistEvent,
        change=st.just(WhitelistChange.ADD),
        enterprise_id=st.just(E("a")),
        on=st.just(DAY),
        criteria_met=st.just(("tax-a",)),
    ),
    st.just(BankPush(on=DAY, banks=["中国银行"], enterprise_ids=[E("a")])),
    st.just(BridgeDraw(enterprise_id=E("a"), amount=wan(1), drawn_on=DAY)),
]

NEVER_VALID = [object(), 1.5, b"bytes", {"a": 1}]


@pytest.mark.parametrize("strategy", RECORD_STRATEGIES, ids=lambda s: repr(s)[:50])
@given(data=st.data())
def test_a_wrong_value_in_any_field_is_named(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    valid = data.draw(strategy)
    field = data.draw(st.sampled_from(attrs.fields(type(valid))))
    bad = data.draw(st.sampled_from(NEVER_VALID))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(valid, **{field.name: bad})
    assert caught.value.field == field.name
    assert caught.value.received is bad
    assert field.name in str(caught.value)


# ==================================================================== the strategies


def _dates_in(value: object) -> Iterator[dt.date]:
    cls = type(value)
    if isinstance(value, dt.date):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _dates_in(item)
    elif attrs.has(cls):
        for field in attrs.fields(cls):
            yield from _dates_in(getattr(value, field.name))


def sometimes(strategy: st.SearchStrategy[Any], *features: Callable[[Any], bool]) -> list[bool]:
    """Which of ``features`` some of a few hundred drawn examples have (no shrinking)."""
    seen = [False] * len(features)

    @seed(20191110)
    @settings(max_examples=300, database=None, phases=[Phase.generate], deadline=None)
    @given(strategy)
    def look(value: Any) -> None:
        for index, feature in enumerate(features):
            seen[index] = seen[index] or feature(value)

    look()
    return seen


def test_bridge_funds_draw_late_overdue_and_whole_pool_draws() -> None:
    def late(f: BridgeFund) -> bool:
        return any(d.repaid_on and f.is_late(d, d.repaid_on) for d in f.draws)

    def repaid_in_time(f: BridgeFund) -> bool:
        return any(d.repaid_on and not f.is_late(d, d.repaid_on) for d in f.draws)

    def overdue(f: BridgeFund) -> bool:
        return bool(f.overdue(D(2026, 12, 31)))

    def whole_pool(f: BridgeFund) -> bool:
        return any(f.free_balance(d.drawn_on) == Money.zero() for d in f.draws)

    assert sometimes(bridge_funds(), late, repaid_in_time, overdue, whole_pool) == [True] * 4


def test_whitelists_draw_removals_same_day_changes_and_pushes() -> None:
    def same_day_add_and_remove(w: Whitelist) -> bool:
        seen = {(e.enterprise_id, e.on) for e in w.events if e.change is WhitelistChange.ADD}
        return any(
            (e.enterprise_id, e.on) in seen for e in w.events if e.change is WhitelistChange.REMOVE
        )

    def chosen_push(w: Whitelist) -> bool:
        return any(set(p.enterprise_ids) < set(w.members(p.on)) for p in w.pushes)

    def readded(w: Whitelist) -> bool:
        adds = [e.enterprise_id for e in w.events if e.change is WhitelistChange.ADD]
        return len(adds) > len(set(adds))

    features = (same_day_add_and_remove, chosen_push, readded, lambda w: len(w.pushes) >= 2)
    assert sometimes(whitelists(), *features) == [True] * 4


def test_renewals_fall_on_the_maturity_day_or_before_it() -> None:
    def on_maturity(r: LoanRenewal) -> bool:
        return r.renewed_on == r.original.maturity

    def before(r: LoanRenewal) -> bool:
        return r.renewed_on < r.original.maturity

    assert sometimes(loan_renewals(), on_maturity, before) == [True, True]
    banks = sometimes(loan_renewals(banks=["禹城农商银行"]), lambda r: r.bank != "禹城农商银行")
    assert banks == [False]


# ==================================================================== (a) totals of any partition

REGIONS = [RegionId("371428"), RegionId("371482"), RegionId("371481")]  # 武城县, 禹城市, 乐陵市


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


@attrs.frozen
class _Kind:
    """One kind of record: how to draw a list of them, its amount, date and enterprise."""

    records: st.SearchStrategy[list[Any]]
    amount: Callable[[Any], Money]
    day: Callable[[Any], dt.date]
    enterprise: Callable[[Any], EnterpriseId]
    bank: Callable[[Any], Hashable] | None = None


def _draws(funds: list[BridgeFund]) -> list[BridgeDraw]:
    return [draw for record in funds for draw in record.draws]


KINDS = {
    "renewals": _Kind(
        st.lists(loan_renewals(banks=["中国银行", "德州银行", "禹城农商银行"]), max_size=6),
        amount=lambda r: r.new_amount,
        day=lambda r: r.renewed_on,
        enterprise=lambda r: r.borrower_id,
        bank=lambda r: r.bank,
    ),
    "coordinated financings": _Kind(
        st.lists(coordinated_financings(), max_size=6),
        amount=lambda r: r.amount,
        day=lambda r: r.arranged_on,
        enterprise=lambda r: r.enterprise_id,
        bank=lambda r: r.source_name,
    ),
    "debts resolved": _Kind(
        st.lists(debt_resolutions(), max_size=6),
        amount=lambda r: r.resolved_amount,
        day=lambda r: r.resolved_on,
        enterprise=lambda r: r.enterprise_id,
    ),
    "assets disposed": _Kind(
        st.lists(asset_disposals(), max_size=5),
        amount=lambda r: r.book_value,
        day=lambda r: r.disposed_on,
        enterprise=lambda r: r.enterprise_id,
    ),
    "bridge draws": _Kind(
        st.lists(bridge_funds(max_draws=4), max_size=2).map(_draws),
        amount=lambda r: r.amount,
        day=lambda r: r.drawn_on,
        enterprise=lambda r: r.enterprise_id,
    ),
}


def _check_partition(
    records: list[Any], key: Callable[[Any], Hashable], amount: Callable[[Any], Money]
) -> None:
    amounts = [amount(record) for record in records]
    everything = total(amounts)
    groups = group_totals(records, key, amount)
    assert sum(groups.values(), Money.zero()) == everything  # amounts and flags both
    assert everything.amount == sum((a.amount for a in amounts), Decimal(0))
    assert everything.approximate == any(a.approximate for a in amounts)
    assert list(groups) == list(dict.fromkeys(key(record) for record in records))
    for group, subtotal in groups.items():
        members = [a for record, a in zip(records, amounts, strict=True) if key(record) == group]
        assert subtotal.amount == sum((a.amount for a in members), Decimal(0))
        assert subtotal.approximate == any(a.approximate for a in members)


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
@given(data=st.data())
def test_totals_of_any_partition_add_up_to_the_total(kind: _Kind, data: st.DataObject) -> None:
    records = data.draw(kind.records)
    enterprises = sorted({kind.enterprise(record) for record in records})
    region_of = {
        e: data.draw(st.sampled_from(REGIONS), label=f"region of {e}") for e in enterprises
    }
    keys: dict[str, Callable[[Any], Hashable]] = {
        "region": lambda r: region_of[kind.enterprise(r)],
        "month": lambda r: _month(kind.day(r)),
        "year": lambda r: kind.day(r).year,
        "one group": lambda _r: "all",
        "each its own": id,
    }
    if kind.bank is not None:
        keys["bank or source"] = kind.bank
    for key in keys.values():
        _check_partition(records, key, kind.amount)


# ==================================================================== (b) whitelist replay


def replay(events: Iterable[WhitelistEvent], as_of: dt.date) -> tuple[EnterpriseId, ...]:
    """An independent reference: apply every event dated up to ``as_of``, in order."""
    listed: set[EnterpriseId] = set()
    for event in sorted(events, key=lambda e: e.on):  # stable: same-day events keep their order
        if event.on > as_of:
            continue
        if event.change is WhitelistChange.ADD:
            listed.add(event.enterprise_id)
        else:
            listed.remove(event.enterprise_id)  # the history is consistent: it is listed
    return tuple(sorted(listed))


@given(listed=whitelists(max_events=20), data=st.data())
def test_membership_as_of_any_day_replays_the_events_up_to_that_day(
    listed: Whitelist, data: st.DataObject
) -> None:
    around = [e.on + dt.timedelta(days=shift) for e in listed.events for shift in (-1, 0, 1)]
    days = st.dates(D(2018, 12, 31), D(2027, 1, 1))
    as_of = data.draw(st.sampled_from(around) | days if around else days)
    expected = replay(listed.events, as_of)
    assert listed.members(as_of) == expected
    for enterprise in {e.enterprise_id for e in listed.events}:
        assert listed.is_member(enterprise, as_of) == (enterprise in expected)
    for push in listed.pushes:
        assert set(push.enterprise_ids) <= set(replay(listed.events, push.on))


@attrs.frozen
class _Op:
    enterprise: int
    add: bool
    gap: int


def _apply(listed: Whitelist, op: _Op, on: dt.date) -> Whitelist:
    enterprise = E(f"e-{op.enterprise}")
    if op.add:
        return listed.add(enterprise, on=on, criteria_met=["tax-a"])
    return listed.remove(enterprise, on=on, reason="不再符合条件")


@given(
    ops=st.lists(
        st.builds(
            _Op,
            enterprise=st.integers(1, 4),
            add=st.booleans(),
            gap=st.integers(0, 2),
        ),
        max_size=15,
    )
)
def test_add_and_remove_follow_a_model_of_the_list(ops: list[_Op]) -> None:
    listed, day = whitelist(), D(2019, 1, 1)
    model: set[EnterpriseId] = set()
    for op in ops:
        day += dt.timedelta(days=op.gap)
        enterprise = E(f"e-{op.enterprise}")
        if (enterprise not in model) == op.add:
            listed = _apply(listed, op, day)
            (model.add if op.add else model.discard)(enterprise)
        else:
            error = refused(functools.partial(_apply, listed, op, day))
            assert error.field == f"events[{len(listed.events)}]"
        assert set(listed.members(day)) == model


# ==================================================================== bridge fund properties


@given(record=bridge_funds(), data=st.data())
def test_the_pool_is_never_exceeded_and_the_free_balance_is_exact(
    record: BridgeFund, data: st.DataObject
) -> None:
    day = data.draw(st.dates(D(2019, 1, 1), D(2027, 1, 31)))
    out = record.outstanding(day)
    assert out <= record.pool_size
    assert record.free_balance(day) == record.pool_size - out
    assert out == total(
        d.amount for d in record.draws if d.drawn_on <= day < (d.repaid_on or D.max)
    )
    assert set(record.overdue(day)) <= {d for d in record.draws if d.is_outstanding(day)}
    for draw in record.draws:
        fee = record.fee(draw, max(day, draw.drawn_on))
        assert fee.amount >= 0
        assert not fee.approximate


@given(record=bridge_funds(), data=st.data())
def test_a_new_draw_may_take_the_free_balance_and_not_a_fen_more(
    record: BridgeFund, data: st.DataObject
) -> None:
    # A day after every draw, so nothing drawn that day is already repaid.
    last = max((d.drawn_on for d in record.draws), default=D(2019, 1, 1))
    day = data.draw(st.dates(last + dt.timedelta(days=1), D(2027, 1, 31)))
    free = record.free_balance(day)
    if free.amount > 0:
        assert record.draw(E("new"), free, on=day).free_balance(day) == Money.zero()
    error = refused(lambda: record.draw(E("new"), free + Money.yuan("0.01"), on=day))
    assert error.field.endswith(".amount")


# ==================================================================== (c) serialization


@pytest.mark.parametrize("strategy", RECORD_STRATEGIES, ids=lambda s: repr(s)[:50])
@given(data=st.data())
def test_every_record_round_trips_through_json_with_dates_from_2019_to_2026(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    value = data.draw(strategy)
    text = json.dumps(unstructure(value), ensure_ascii=False)
    back = structure(json.loads(text), type(value))
    assert back == value
    assert type(back) is type(value)
    # Drawn here rather than in a test of their own, to keep the suite fast.
    for day in _dates_in(value):
        assert D(2019, 1, 1) <= day <= D(2026, 12, 31)


def test_amounts_and_rates_are_written_as_decimal_strings() -> None:
    data = unstructure(renewal())
    assert data["new_amount"] == {"amount": "5000000.00", "approximate": False}
    assert data["annual_rate_percent"] == "4.35"
    assert data["renewed_on"] == "2019-12-20"
    assert data["original"]["maturity"] == "2019-12-31"
    assert data["risk_before"] == "normal"


def test_reading_a_record_runs_its_rules() -> None:
    data = unstructure(renewal())
    data["renewed_on"] = "2020-01-01"
    error = refused(lambda: structure(data, LoanRenewal))
    assert error.field == "renewed_on"
