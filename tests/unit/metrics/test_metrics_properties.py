"""Invariants of the problem figures, for any generated histories and any moment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hypothesis import given, strategies as st

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.metrics import (
    RATES,
    Dimension,
    ProblemFigures,
    figures_of,
    problem_summary,
    rank,
)
from jinjiecu.testing.strategies import problems

from .histories import CITY, LELING, PROVINCE, REGIONS, WUCHENG, ZONE, store_with

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem
    from jinjiecu.metrics import ProblemSummary

FIRST_DAY = dt.date(2019, 10, 1)
LAST_DAY = dt.date(2019, 12, 31)

# Problems in every region of the small tree, registered in the last quarter of 2019.
HISTORIES = st.lists(
    st.one_of(
        [
            problems(region_id=region.id, min_start=FIRST_DAY, max_start=LAST_DAY, max_steps=5)
            for region in REGIONS
        ]
    ),
    max_size=5,
    unique_by=lambda problem: problem.id,
)
# Moments from before the first registration to well after the last step.
MOMENTS = st.datetimes(
    min_value=dt.datetime(2019, 9, 20),  # noqa: DTZ001 - made aware by timezones=
    max_value=dt.datetime(2020, 8, 31),  # noqa: DTZ001
    timezones=st.just(CHINA_TZ),
)
GROUPINGS = st.sampled_from([d for d in Dimension if d is not Dimension.REGION])
CHILDREN = {PROVINCE: [CITY], CITY: [LELING, WUCHENG, ZONE], LELING: [], WUCHENG: [], ZONE: []}


def summary_of(
    histories: list[Problem], moment: dt.datetime, by: Dimension | None = None
) -> ProblemSummary:
    with store_with(*histories) as store:
        return problem_summary(store, as_of=moment, by=by)


@given(HISTORIES, MOMENTS)
def test_the_counts_add_up_and_rates_are_fractions_or_no_data(
    histories: list[Problem], moment: dt.datetime
) -> None:
    figures = figures_of(histories, moment)
    assert figures.identified == (
        figures.in_progress + figures.resolved + figures.explained + figures.closed
    )
    assert figures.registered == figures.identified + figures.excluded
    assert figures.registered == sum(1 for p in histories if p.registered_at <= moment)
    assert figures.solved <= figures.settled <= figures.identified
    assert figures.overdue + figures.due_soon <= figures.in_progress
    assert figures.settled_on_time <= figures.due
    assert figures.reopened_ever <= figures.settled_ever
    assert figures.follow_up_solved <= figures.followed_up <= figures.settled
    assert figures.follow_up_satisfied <= figures.followed_up
    assert figures.response_working_days.count <= figures.identified
    assert figures.resolution_working_days.count == figures.settled
    for name in RATES:
        rate = getattr(figures, name)
        assert 0 <= rate.numerator <= rate.denominator
        if rate.denominator == 0:
            assert rate.value is None
        else:
            assert rate.value is not None
            assert 0 <= rate.value <= 1


@given(HISTORIES)
def test_as_of_the_last_transition_the_figures_are_the_current_ones(
    histories: list[Problem],
) -> None:
    moments = [t.at for p in histories for t in p.transitions]
    last = max(moments, default=dt.datetime(2019, 12, 31, tzinfo=CHINA_TZ))
    current = {
        "registered": len(histories),
        "in_progress": sum(p.is_active for p in histories),
        "resolved": sum(p.state is ProblemState.RESOLVED for p in histories),
        "explained": sum(p.state is ProblemState.EXPLAINED for p in histories),
        "closed": sum(p.state is ProblemState.CLOSED for p in histories),
        "merged": sum(p.state is ProblemState.MERGED for p in histories),
    }
    counts = summary_of(histories, last).total.counts()
    assert {name: counts[name] for name in current} == current


@given(
    HISTORIES,
    MOMENTS,
    GROUPINGS,
    st.integers(min_value=1, max_value=4),
    st.sampled_from(RATES),
)
def test_grouped_rows_add_up_and_rank_keeps_the_minimum(
    histories: list[Problem], moment: dt.datetime, by: Dimension, min_sample: int, rate: str
) -> None:
    result = summary_of(histories, moment, by)
    assert len({row.key for row in result}) == len(result)
    for name, value in result.total.counts().items():
        assert sum(row.figures.counts()[name] for row in result) == value, name
    durations = sum(row.figures.resolution_calendar_days.count for row in result)
    assert durations == result.total.resolution_calendar_days.count
    assert all(row.figures.registered > 0 for row in result)  # no empty rows

    ranking = rank(result, rate, min_sample=min_sample)
    assert all(row.rate.denominator >= min_sample for row in ranking.ranked)
    assert all(row.rate.denominator < min_sample for row in ranking.unranked)
    assert len(ranking.ranked) + len(ranking.unranked) == len(result)
    values = [row.rate.value or 0 for row in ranking.ranked]
    assert values == sorted(values, reverse=True)
    places = [row.position for row in ranking.ranked]
    assert places == sorted(places)
    assert places[:1] in ([], [1])


@given(HISTORIES, MOMENTS)
def test_a_region_adds_its_own_and_its_childrens_figures(
    histories: list[Problem], moment: dt.datetime
) -> None:
    result = summary_of(histories, moment, Dimension.REGION)
    counts = {row.key: row.figures.counts() for row in result}
    empty = ProblemFigures().counts()
    for region, children in CHILDREN.items():
        own = figures_of([p for p in histories if p.region_id == region], moment).counts()
        row = counts.get(region, empty)
        for name in empty:
            below = [counts.get(child, empty)[name] for child in children]
            assert row[name] == own[name] + sum(below), (region, name)
            assert all(row[name] >= value for value in below)
    assert counts.get(PROVINCE, empty) == result.total.counts()


@given(HISTORIES, MOMENTS, MOMENTS)
def test_figures_as_of_t_ignore_later_transitions(
    histories: list[Problem], moment: dt.datetime, other: dt.datetime
) -> None:
    # The histories as they stood at t, and at any later moment, give t's figures.
    later = max(moment, other)
    known = [p for p in (p.as_of(moment) for p in histories) if p is not None]
    grown = [p for p in (p.as_of(later) for p in histories) if p is not None]
    expected = summary_of(histories, moment, Dimension.WORK_GROUP)
    assert summary_of(known, moment, Dimension.WORK_GROUP) == expected
    assert summary_of(grown, moment, Dimension.WORK_GROUP) == expected
