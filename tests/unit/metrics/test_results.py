"""Typed results: rates that know when there is no data, duration statistics, tables of rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jinjiecu.metrics import (
    Dimension,
    DurationStats,
    ProblemFigures,
    Rate,
    Row,
    Summary,
    TargetCoverage,
    VisitFigures,
    problem_summary,
)
from jinjiecu.metrics.results import NO_DATA, NO_DURATIONS

from .histories import ASSIGN, RESOLVE, end_of, nov, register, store_with, then

# ---------------------------------------------------------------- Rate


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "percent"),
    [
        (14, 153, Decimal("0.0915"), "9.2%"),
        (1, 3, Decimal("0.3333"), "33.3%"),
        (2, 3, Decimal("0.6667"), "66.7%"),
        (1, 16, Decimal("0.0625"), "6.3%"),  # 6.25 % rounds half up, not to even
        (1, 8, Decimal("0.1250"), "12.5%"),
        (0, 5, Decimal("0.0000"), "0.0%"),  # none out of five is 0 %, not no data
        (5, 5, Decimal("1.0000"), "100.0%"),
    ],
)
def test_rate_value_and_percent(
    numerator: int, denominator: int, value: Decimal, percent: str
) -> None:
    rate = Rate(numerator=numerator, denominator=denominator, definition="resolution_rate")
    assert rate.value == value
    assert rate.percent == percent
    assert str(rate) == percent


def test_a_zero_denominator_is_no_data() -> None:
    rate = Rate(numerator=0, denominator=0, definition="on_time_rate")
    assert rate.value is None
    assert rate.percent == NO_DATA == "无数据 (no data)"
    assert str(rate) == NO_DATA


# ---------------------------------------------------------------- DurationStats


@pytest.mark.parametrize(
    ("values", "mean", "median", "p90"),
    [
        ([5], "5.00", "5.0", 5),
        ([2, 1], "1.50", "1.5", 2),  # even count: mean of the middle two
        ([1, 1, 2], "1.33", "1.0", 2),
        ([1, 2, 2], "1.67", "2.0", 2),  # 1.666... rounds half up to 1.67
        ([0, 1], "0.50", "0.5", 1),
        (list(range(1, 11)), "5.50", "5.5", 9),  # nearest rank: the 9th of 10
        (list(range(1, 12)), "6.00", "6.0", 10),  # the 10th of 11 (0.9 x 11 = 9.9)
        ([12, 0, 7, 7], "6.50", "7.0", 12),  # order does not matter
    ],
)
def test_duration_stats(values: list[int], mean: str, median: str, p90: int) -> None:
    stats = DurationStats.of(values)
    assert stats == DurationStats(
        count=len(values), mean=Decimal(mean), median=Decimal(median), p90=p90
    )
    assert str(stats.mean) == mean
    assert str(stats.median) == median


def test_no_durations_have_no_statistics() -> None:
    assert DurationStats.of([]) == NO_DURATIONS
    assert (NO_DURATIONS.count, NO_DURATIONS.mean, NO_DURATIONS.median, NO_DURATIONS.p90) == (
        0,
        None,
        None,
        None,
    )


# ---------------------------------------------------------------- ProblemFigures


def test_problem_figures_derive_their_totals() -> None:
    figures = ProblemFigures(
        registered=12,
        identified=10,
        in_progress=4,
        resolved=2,
        explained=1,
        closed_resolved=2,
        closed_explained=1,
        rejected=1,
        merged=1,
    )
    assert figures.closed == 3
    assert figures.excluded == 2
    assert figures.solved == 4
    assert figures.settled == 6
    assert figures.resolution_rate == Rate(
        numerator=4, denominator=10, definition="resolution_rate"
    )
    assert figures.settled_rate == Rate(numerator=6, denominator=10, definition="settled_rate")


def test_every_rate_names_its_definition() -> None:
    figures = ProblemFigures()
    for name in (
        "resolution_rate",
        "settled_rate",
        "on_time_rate",
        "reopen_rate",
        "solved_rate",
        "satisfaction_rate",
    ):
        assert getattr(figures, name).definition == name


def test_counts_hold_every_count_and_no_durations() -> None:
    counts = ProblemFigures(registered=3, identified=2, merged=1, resolved=1).counts()
    assert counts["registered"] == 3
    assert counts["merged"] == 1
    assert (counts["closed"], counts["excluded"], counts["solved"]) == (0, 1, 1)
    assert all(isinstance(value, int) for value in counts.values())
    assert not any(name.endswith("_days") for name in counts)
    assert {"overdue", "due_soon", "due", "settled_on_time", "followed_up"} <= set(counts)


# ---------------------------------------------------------------- Summary


def small_summary() -> Summary[ProblemFigures]:
    problems = [
        then(register("p-1", nov(4)), (ASSIGN, nov(5)), (RESOLVE, nov(8))),
        register("p-2", nov(12)),
    ]
    with store_with(*problems) as store:
        return problem_summary(store, as_of=end_of(15), by=Dimension.DAY)


def test_rows_by_key() -> None:
    result = small_summary()
    assert len(result) == 2
    assert [row.key for row in result] == ["2019-11-04", "2019-11-12"]
    assert result.row("2019-11-04").figures.solved == 1
    with pytest.raises(KeyError, match="2019-11-05"):
        result.row("2019-11-05")


def test_records_flatten_rows_for_tables() -> None:
    records = small_summary().records()
    assert len(records) == 2
    first, second = records
    assert (first["key"], first["label"]) == ("2019-11-04", "2019-11-04")
    assert (first["registered"], first["resolved"], first["identified"]) == (1, 1, 1)
    assert first["resolution_rate"] == Decimal("1.0000")
    assert second["resolution_rate"] == Decimal("0.0000")
    assert second["on_time_rate"] is None  # no data stays no data, not 0
    # Durations come out as mean, median and p90 columns.
    assert first["resolution_calendar_days_mean"] == Decimal("4.00")
    assert first["resolution_working_days_median"] == Decimal("4.0")
    assert first["response_working_days_p90"] == 1
    assert second["response_working_days_mean"] is None
    assert "response_working_days" not in first


def test_records_of_other_figures_have_no_rates() -> None:
    summary = Summary(
        as_of=end_of(13),
        dimension=Dimension.WORK_GROUP,
        rows=(Row(key="g-01", label="第一工作组", figures=VisitFigures(visits=3)),),
        total=VisitFigures(visits=3),
        definitions=("as_of", "visits"),
    )
    assert summary.records() == [
        {
            "key": "g-01",
            "label": "第一工作组",
            "visits": 3,
            "onsite_sessions": 0,
            "enterprises_visited": 0,
            "projects_visited": 0,
        }
    ]


def test_to_dataframe() -> None:
    pytest.importorskip("pandas")
    result = small_summary()
    frame = result.to_dataframe()
    assert list(frame["key"]) == ["2019-11-04", "2019-11-12"]
    assert list(frame["registered"]) == [1, 1]
    assert {"label", "resolution_rate", "resolution_working_days_p90"} <= set(frame.columns)
    assert len(frame) == len(result)


# ---------------------------------------------------------------- TargetCoverage


def test_target_coverage_lists_what_was_not_visited() -> None:
    coverage = TargetCoverage(
        as_of=dt.datetime(2019, 11, 13, tzinfo=dt.UTC),
        campaign_id="dezhou-2019",
        backbone_target=3,
        backbone_assigned=("e-1", "e-2", "e-3"),
        backbone_visited=("e-2",),
        key_projects_target=1,
        key_projects_assigned=("p-1",),
        key_projects_visited=(),
        renovation_target=1,
        renovation_assigned=("p-2",),
        renovation_visited=("p-2",),
    )
    assert coverage.backbone_not_visited == ("e-1", "e-3")
    assert coverage.key_projects_not_visited == ("p-1",)
    assert coverage.renovation_not_visited == ()
