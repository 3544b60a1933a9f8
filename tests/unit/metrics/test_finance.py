"""Finance relief figures: the money moved, as of a day, by region, enterprise, group or period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import at, end_of_day
from jinjiecu.domain.finance import (
    Asset,
    AssetDisposal,
    AssetKind,
    BridgeDraw,
    BridgeFund,
    CoordinatedFinancing,
    DebtResolution,
    DebtResolutionMethod,
    DisposalMethod,
    FinancingSource,
    Loan,
    LoanRenewal,
)
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CoordinatedFinancingId,
    DebtResolutionId,
    EnterpriseId,
    LoanRenewalId,
)
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError
from jinjiecu.metrics import Dimension, FinanceFigures, finance_summary

from .histories import CITY, E1, E2, E3, E4, LELING, PROVINCE, WUCHENG, end_of, nov, store_with, wan

if TYPE_CHECKING:
    from jinjiecu.storage.base import Store

DEC_6 = end_of_day(dt.date(2019, 12, 6))


def renewal(number: int, borrower: EnterpriseId, amount: int, on: dt.date) -> LoanRenewal:
    return LoanRenewal(
        id=LoanRenewalId(f"r-{number}"),
        borrower_id=borrower,
        bank="德州银行",
        original=Loan(contract=f"贷-{number}", amount=wan(amount), maturity=dt.date(2019, 12, 31)),
        renewed_on=on,
        new_amount=wan(amount),
        term_months=12,
        annual_rate_percent=Decimal("4.35"),
    )


def loaded(url: str = "memory://") -> Store:
    store = store_with(url=url)
    with store.transaction() as tx:
        tx.debt_resolutions.add(
            DebtResolution(
                id=DebtResolutionId("d-1"),
                enterprise_id=E3,
                creditors=("中国银行",),
                debt_before=wan(8000),
                debt_after=wan(2650),
                method=DebtResolutionMethod.PACKAGE_DISPOSAL,
                resolved_on=nov(8),
            )
        )
        tx.asset_disposals.add(
            AssetDisposal(
                id=AssetDisposalId("a-1"),
                enterprise_id=E3,
                assets=(
                    Asset(kind=AssetKind.WORKSHOP, description="闲置厂房", book_value=wan(3000)),
                    Asset(kind=AssetKind.COLD_STORE, description="冷库", book_value=wan(3297)),
                ),
                method=DisposalMethod.LEASE,
                disposed_on=nov(20),
            )
        )
        tx.loan_renewals.add_many(
            [
                renewal(1, E1, 500, nov(5)),
                renewal(2, E2, 300, nov(12)),
                renewal(3, E4, 200, dt.date(2019, 12, 2)),
            ]
        )
        tx.bridge_funds.add(
            BridgeFund(
                id=BridgeFundId("b-1"),
                name="三航计划过桥资金",
                operator="县级财金公司",
                pool_size=wan(1000),
                max_days=30,
                daily_fee_rate=Decimal("0.0002"),
                draws=(
                    BridgeDraw(enterprise_id=E1, amount=wan(100), drawn_on=nov(6)),
                    BridgeDraw(enterprise_id=E3, amount=wan(200), drawn_on=nov(13)),
                ),
            )
        )
        tx.coordinated_financings.add(
            CoordinatedFinancing(
                id=CoordinatedFinancingId("c-1"),
                enterprise_id=E3,
                source_kind=FinancingSource.PLATFORM,
                source_name="市级投融资平台",
                amount=wan(19900),
                arranged_on=nov(11),
            )
        )
    return store


ZERO = Money.zero()


def test_totals_as_of_the_report_day(store_url: str) -> None:
    with loaded(store_url) as store:
        result = finance_summary(store, as_of=end_of(13))
    assert result.total == FinanceFigures(
        debt_resolutions=1,
        debt_resolved=wan(5350),  # 8000万 down to 2650万
        asset_disposals=0,  # disposed on the 20th
        assets_book_value=ZERO,
        loan_renewals=2,
        renewal_amount=wan(800),
        bridge_draws=2,
        bridge_amount=wan(300),
        coordinated=1,
        coordinated_amount=wan(19900),
    )
    assert result.definitions == ("as_of", "finance")


def test_later_totals() -> None:
    with loaded() as store:
        figures = finance_summary(store, as_of=DEC_6).total
    assert (figures.asset_disposals, figures.assets_book_value) == (1, wan(6297))
    assert (figures.loan_renewals, figures.renewal_amount) == (3, wan(1000))


def test_a_record_counts_from_the_start_of_its_day() -> None:
    # The second bridge draw is dated the 13th: it counts at 00:01 that day, not before.
    with loaded() as store:
        early = finance_summary(store, as_of=at(nov(13), 0, 1)).total
        before = finance_summary(store, as_of=end_of(12)).total
        utc = finance_summary(store, as_of=dt.datetime(2019, 11, 12, 16, 30, tzinfo=dt.UTC)).total
    assert (early.bridge_draws, before.bridge_draws) == (2, 1)
    assert utc.bridge_draws == 2  # 16:30 UTC on the 12th is 00:30 on the 13th in China


def test_by_region_rolls_up(store_url: str) -> None:
    with loaded(store_url) as store:
        result = finance_summary(store, as_of=DEC_6, by=Dimension.REGION)
    assert [row.key for row in result] == [PROVINCE, CITY, WUCHENG, LELING]
    leling, wucheng = result.row(LELING).figures, result.row(WUCHENG).figures
    assert (leling.loan_renewals, leling.renewal_amount) == (2, wan(800))
    assert (leling.bridge_draws, leling.debt_resolutions) == (1, 0)
    assert (wucheng.loan_renewals, wucheng.renewal_amount) == (1, wan(200))
    assert (wucheng.debt_resolved, wucheng.coordinated_amount) == (wan(5350), wan(19900))
    assert result.row(CITY).figures == result.row(PROVINCE).figures == result.total
    assert result.definitions == ("as_of", "finance", "region_rollup")


def test_by_enterprise() -> None:
    with loaded() as store:
        result = finance_summary(store, as_of=DEC_6, by=Dimension.ENTERPRISE)
    assert {row.key: row.figures.renewal_amount for row in result} == {
        "e-1": wan(500),
        "e-2": wan(300),
        "e-3": ZERO,
        "e-4": wan(200),
    }
    assert result.row("e-3").figures.bridge_amount == wan(200)
    assert result.row("e-1").label == "乐陵甲公司"


def test_by_work_group_the_first_group_wins() -> None:
    # e-1 is assigned to both groups: its records count for g-01 only.
    with loaded() as store:
        result = finance_summary(store, as_of=DEC_6, by=Dimension.WORK_GROUP)
    assert [row.key for row in result] == ["g-01", "g-02"]
    first, second = result.row("g-01").figures, result.row("g-02").figures
    assert (first.loan_renewals, first.renewal_amount, first.bridge_amount) == (
        2,
        wan(800),
        wan(100),
    )
    assert (second.loan_renewals, second.bridge_amount, second.debt_resolutions) == (
        1,
        wan(200),
        1,
    )
    assert first.renewal_amount + second.renewal_amount == result.total.renewal_amount


@pytest.mark.parametrize(
    ("dimension", "renewals"),
    [
        (Dimension.MONTH, {"2019-11": 2, "2019-12": 1}),
        (Dimension.WEEK, {"2019-W45": 1, "2019-W46": 1, "2019-W47": 0, "2019-W49": 1}),
        (
            Dimension.DAY,
            {
                "2019-11-05": 1,
                "2019-11-06": 0,
                "2019-11-08": 0,
                "2019-11-11": 0,
                "2019-11-12": 1,
                "2019-11-13": 0,
                "2019-11-20": 0,
                "2019-12-02": 1,
            },
        ),
    ],
)
def test_by_period(dimension: Dimension, renewals: dict[str, int]) -> None:
    # Periods follow each record's own date; a period with other records shows 0 renewals.
    with loaded() as store:
        result = finance_summary(store, as_of=DEC_6, by=dimension)
    assert {row.key: row.figures.loan_renewals for row in result} == renewals


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"by": Dimension.CATEGORY}, "by"),
        ({"by": Dimension.CAMPAIGN}, "by"),
        ({"by": "region"}, "by"),
        ({"as_of": dt.datetime(2019, 11, 13)}, "as_of"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_finance_arguments(arguments: dict[str, Any], field: str) -> None:
    with store_with() as store, pytest.raises(ValidationError) as caught:
        finance_summary(store, **({"as_of": end_of(13)} | arguments))
    assert caught.value.field == field
