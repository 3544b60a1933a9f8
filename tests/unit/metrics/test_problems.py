"""Problem figures on hand-built histories: every count, rate, duration, grouping and filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import CHINA_TZ, at, end_of_day
from jinjiecu.domain.events import Assign, Escalate, HandlingLevel, Register, Scope
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.problem import Problem, ProblemRules
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import ValidationError
from jinjiecu.metrics import (
    DEFINITIONS,
    Dimension,
    DurationStats,
    figures_of,
    problem_summary,
)
from jinjiecu.metrics.problems import PROBLEM_DEFINITIONS
from jinjiecu.metrics.results import NO_DATA
from jinjiecu.storage.base import Query

from .histories import (
    ASSIGN,
    BASICALLY,
    CAMPAIGN,
    CITY,
    CLERK,
    CLOSE,
    DISSATISFIED,
    DRC,
    E1,
    E2,
    E3,
    EXPLAIN,
    G2,
    LAND,
    LELING,
    PROVINCE,
    REJECT,
    REOPEN,
    RESOLVE,
    SATISFIED,
    STANDING,
    START,
    SUSPEND,
    WITHDRAW,
    WUCHENG,
    ZONE,
    end_of,
    merge_into,
    nov,
    register,
    store_with,
    then,
)

if TYPE_CHECKING:
    from jinjiecu.metrics import ProblemFigures, ProblemSummary
    from jinjiecu.storage.base import Store

S = ProblemState


def summary(store: Store, moment: dt.datetime, **options: Any) -> ProblemSummary:
    return problem_summary(store, as_of=moment, **options)


def total(problems: list[Problem], moment: dt.datetime, **options: Any) -> ProblemFigures:
    with store_with(*problems) as store:
        return problem_summary(store, as_of=moment, **options).total


# ---------------------------------------------------------------- counts by state


def ledger() -> list[Problem]:
    """One problem in each state, all registered on Monday 4 November."""
    day4 = nov(4)
    return [
        register("p-01", day4),  # registered
        then(register("p-02", day4), (ASSIGN, nov(5))),  # assigned
        then(
            register("p-03", day4), (ASSIGN, nov(5)), (START, nov(6)), (SUSPEND, nov(7))
        ),  # suspended
        then(register("p-04", day4), (ASSIGN, nov(5)), (START, nov(6)), (RESOLVE, nov(8))),
        then(register("p-05", day4), (ASSIGN, nov(5)), (EXPLAIN, nov(8))),
        then(
            register("p-06", day4),
            (ASSIGN, nov(5)),
            (RESOLVE, nov(8)),
            (SATISFIED, nov(11)),
            (CLOSE, nov(12)),
        ),
        then(
            register("p-07", day4),
            (ASSIGN, nov(5)),
            (EXPLAIN, nov(8)),
            (BASICALLY, nov(11)),
            (CLOSE, nov(12)),
        ),
        then(register("p-08", day4), (REJECT, nov(5))),
        then(register("p-09", day4), (WITHDRAW, nov(5))),
        then(register("p-10", day4), (merge_into("p-01"), nov(5))),
    ]


def test_each_state_counts_once(store_url: str) -> None:
    with store_with(*ledger(), url=store_url) as store:
        figures = summary(store, end_of(15)).total
    assert figures.registered == 10
    assert (figures.rejected, figures.withdrawn, figures.merged) == (1, 1, 1)
    assert figures.excluded == 3
    assert figures.identified == 7
    assert figures.in_progress == 3  # registered, assigned and suspended
    assert figures.resolved == 1
    assert figures.explained == 1
    assert (figures.closed_resolved, figures.closed_explained) == (1, 1)
    assert figures.closed == 2
    assert figures.solved == 2  # resolved + closed after a resolution
    assert figures.settled == 4
    assert figures.identified == (
        figures.in_progress + figures.resolved + figures.explained + figures.closed
    )
    assert figures.registered == figures.identified + figures.excluded


def test_suspended_problems_are_in_progress() -> None:
    suspended = then(register("p-1", nov(4)), (ASSIGN, nov(5)), (START, nov(6)), (SUSPEND, nov(7)))
    figures = total([suspended], end_of(8))
    assert (figures.identified, figures.in_progress) == (1, 1)


def test_counts_follow_the_day_asked(store_url: str) -> None:
    with store_with(*ledger(), url=store_url) as store:
        before = summary(store, end_of(3)).total
        first_day = summary(store, end_of(4)).total
        friday = summary(store, end_of(8)).total
    assert before.counts() == dict.fromkeys(before.counts(), 0)
    assert (first_day.registered, first_day.identified, first_day.in_progress) == (10, 10, 10)
    assert first_day.excluded == 0
    # By Friday 8th: four settled, none closed yet.
    assert (friday.in_progress, friday.resolved, friday.explained, friday.closed) == (3, 2, 2, 0)
    assert (friday.excluded, friday.solved) == (3, 2)


def test_counts_lists_every_count() -> None:
    counts = total(ledger(), end_of(15)).counts()
    assert counts["closed"] == 2
    assert counts["excluded"] == 3
    assert counts["solved"] == 2
    assert counts["registered"] == 10
    assert "response_working_days" not in counts


# ---------------------------------------------------------------- rates


def test_resolution_and_settled_rates() -> None:
    figures = total(ledger(), end_of(15))
    assert figures.resolution_rate.value == Decimal("0.2857")  # 2 / 7
    assert figures.resolution_rate.percent == "28.6%"
    assert figures.settled_rate.value == Decimal("0.5714")  # 4 / 7
    assert figures.resolution_rate.definition == "resolution_rate"
    assert figures.settled_rate.definition == "settled_rate"


def test_no_problems_means_no_data_not_zero() -> None:
    figures = total([], end_of(15))
    for rate in (
        figures.resolution_rate,
        figures.settled_rate,
        figures.on_time_rate,
        figures.reopen_rate,
        figures.solved_rate,
        figures.satisfaction_rate,
    ):
        assert rate.denominator == 0
        assert rate.value is None
        assert rate.percent == NO_DATA
        assert str(rate) == NO_DATA
    assert figures.response_working_days == DurationStats(count=0, mean=None, median=None, p90=None)


def test_only_excluded_problems_give_no_resolution_rate() -> None:
    rejected = then(register("p-1", nov(4)), (REJECT, nov(5)))
    figures = total([rejected], end_of(15))
    assert (figures.registered, figures.identified) == (1, 0)
    assert figures.resolution_rate.value is None


# ---------------------------------------------------------------- deadlines


def assigned_on_the_5th(problem_id: str = "p-1") -> Problem:
    """Assigned on Tuesday 5 November with 5 working days: due Tuesday 12 November."""
    problem = then(register(problem_id, nov(4)), (ASSIGN, nov(5)))
    assert problem.deadline == nov(12)
    return problem


@pytest.mark.parametrize(
    ("moment", "overdue", "due_soon"),
    [
        (end_of(6), 0, 0),  # 4 working days left
        (end_of(7), 0, 1),  # 3 left: due soon
        (end_of(12), 0, 1),  # the deadline day itself is on time
        (at(nov(13), 9), 1, 0),  # the day after: overdue, no longer due soon
    ],
)
def test_overdue_and_due_soon_at_a_moment(moment: dt.datetime, overdue: int, due_soon: int) -> None:
    figures = total([assigned_on_the_5th()], moment)
    assert (figures.overdue, figures.due_soon) == (overdue, due_soon)


def test_due_soon_follows_the_rules() -> None:
    strict = ProblemRules(due_soon_working_days=1)
    figures = total([assigned_on_the_5th()], end_of(7), rules=strict)
    assert figures.due_soon == 0
    figures = total([assigned_on_the_5th()], end_of(11), rules=strict)
    assert figures.due_soon == 1


def test_a_suspension_pauses_the_clock() -> None:
    # Suspended on the 7th with 3 working days left: not overdue on the 13th.
    paused = then(assigned_on_the_5th("p-1"), (START, nov(6)), (SUSPEND, nov(7)))
    # Suspended on the 14th, after the deadline had passed: still overdue.
    late = then(assigned_on_the_5th("p-2"), (START, nov(6)), (SUSPEND, nov(14)))
    figures = total([paused], end_of(13))
    assert (figures.overdue, figures.due_soon) == (0, 0)  # suspended: never due soon
    figures = total([late], end_of(15))
    assert (figures.in_progress, figures.overdue) == (1, 1)


def test_a_problem_without_a_deadline_is_never_overdue() -> None:
    figures = total([register("p-1", nov(4))], end_of(30))
    assert (figures.overdue, figures.due_soon, figures.due) == (0, 0, 0)


def on_time_cases() -> list[Problem]:
    return [
        then(assigned_on_the_5th("p-a"), (RESOLVE, nov(12))),  # on the deadline day
        then(assigned_on_the_5th("p-b"), (RESOLVE, nov(14))),  # two days late
        then(assigned_on_the_5th("p-c"), (START, nov(6))),  # still open, overdue from the 13th
        then(  # due 3 December
            register("p-d", nov(4)), (Assign(lead_department_id=LAND, working_days=20), nov(5))
        ),
        then(register("p-e", nov(4)), (RESOLVE, nov(4))),  # settled on the spot, no deadline
    ]


@pytest.mark.parametrize(
    ("moment", "due", "on_time", "value"),
    [
        (end_of(11), 0, 0, None),
        (end_of(12), 1, 1, Decimal("1.0000")),
        (end_of(15), 3, 1, Decimal("0.3333")),
    ],
)
def test_on_time_rate(moment: dt.datetime, due: int, on_time: int, value: Decimal | None) -> None:
    figures = total(on_time_cases(), moment)
    assert (figures.due, figures.settled_on_time) == (due, on_time)
    assert figures.on_time_rate.value == value
    assert figures.on_time_rate.definition == "on_time_rate"


# ---------------------------------------------------------------- reopening and follow-up


def reopen_cases() -> list[Problem]:
    return [
        then(
            assigned_on_the_5th("p-1"),
            (RESOLVE, nov(8)),
            (DISSATISFIED, nov(11)),
            (REOPEN, nov(12)),
        ),
        then(assigned_on_the_5th("p-2"), (RESOLVE, nov(8))),
        register("p-3", nov(4)),
    ]


@pytest.mark.parametrize(
    ("moment", "reopened", "settled", "value"),
    [
        (end_of(7), 0, 0, None),
        (end_of(11), 0, 2, Decimal("0.0000")),
        (end_of(15), 1, 2, Decimal("0.5000")),
    ],
)
def test_reopen_rate(
    moment: dt.datetime, reopened: int, settled: int, value: Decimal | None
) -> None:
    figures = total(reopen_cases(), moment)
    assert (figures.reopened_ever, figures.settled_ever) == (reopened, settled)
    assert figures.reopen_rate.value == value
    if moment == end_of(15):
        assert (figures.in_progress, figures.solved) == (2, 1)  # the reopened one is open again


def follow_up_cases() -> list[Problem]:
    return [
        then(assigned_on_the_5th("p-1"), (RESOLVE, nov(8)), (SATISFIED, nov(11))),
        then(assigned_on_the_5th("p-2"), (RESOLVE, nov(8)), (BASICALLY, nov(11))),
        then(assigned_on_the_5th("p-3"), (EXPLAIN, nov(8)), (DISSATISFIED, nov(11))),
        then(assigned_on_the_5th("p-4"), (RESOLVE, nov(8))),  # not followed up
        then(  # reopened, then resolved again: no follow-up since
            assigned_on_the_5th("p-5"),
            (RESOLVE, nov(6)),
            (DISSATISFIED, nov(7)),
            (REOPEN, nov(8)),
            (RESOLVE, nov(11)),
        ),
        then(assigned_on_the_5th("p-6"), (RESOLVE, nov(8)), (SATISFIED, nov(11)), (CLOSE, nov(12))),
    ]


@pytest.mark.parametrize(("basically", "satisfied"), [(True, 3), (False, 2)])
def test_follow_up_rates(basically: bool, satisfied: int) -> None:
    with store_with(*follow_up_cases()) as store:
        result = summary(store, end_of(15), count_basically_satisfied=basically)
    figures = result.total
    assert figures.followed_up == 4
    assert figures.follow_up_solved == 2
    assert figures.solved_rate.value == Decimal("0.5000")
    assert figures.follow_up_satisfied == satisfied
    assert figures.satisfaction_rate.numerator == satisfied
    assert figures.satisfaction_rate.denominator == 4
    assert result.options == {"count_basically_satisfied": basically}


def test_follow_up_as_of_a_past_day() -> None:
    # On the 7th only p-5 had been followed up (dissatisfied, not yet reopened).
    figures = total(follow_up_cases(), end_of(7))
    assert (figures.followed_up, figures.follow_up_solved, figures.follow_up_satisfied) == (1, 0, 0)
    assert figures.satisfaction_rate.percent == "0.0%"
    figures = total(follow_up_cases(), end_of(8))
    assert figures.followed_up == 0
    assert figures.solved_rate.value is None


# ---------------------------------------------------------------- durations


def duration_cases() -> list[Problem]:
    return [
        # Registered Friday 8th, assigned Monday 11th, resolved Friday 15th.
        then(register("p-x", nov(8)), (ASSIGN, nov(11)), (RESOLVE, nov(15))),
        # Monday 4th, Tuesday 5th, Monday 11th.
        then(register("p-y", nov(4)), (ASSIGN, nov(5)), (RESOLVE, nov(11))),
        # Across the National Day holiday: Monday 30 September, Tuesday 8 October,
        # explained on Saturday 12 October, a make-up working day.
        then(
            register("p-z", dt.date(2019, 9, 30)),
            (ASSIGN, dt.date(2019, 10, 8)),
            (EXPLAIN, dt.date(2019, 10, 12)),
        ),
        register("p-w", nov(4)),  # never assigned
        then(register("p-v", nov(4)), (RESOLVE, nov(4))),  # settled on the spot
    ]


def test_response_and_resolution_durations() -> None:
    figures = total(duration_cases(), end_of(15))
    # Response: working days 1, 1, 1; calendar days 3, 1, 8.
    assert figures.response_working_days == DurationStats(
        count=3, mean=Decimal("1.00"), median=Decimal("1.0"), p90=1
    )
    assert figures.response_calendar_days == DurationStats(
        count=3, mean=Decimal("4.00"), median=Decimal("3.0"), p90=8
    )
    # Resolution: working days 5, 5, 5, 0; calendar days 7, 7, 12, 0.
    assert figures.resolution_working_days == DurationStats(
        count=4, mean=Decimal("3.75"), median=Decimal("5.0"), p90=5
    )
    assert figures.resolution_calendar_days == DurationStats(
        count=4, mean=Decimal("6.50"), median=Decimal("7.0"), p90=12
    )


def test_durations_as_of_a_past_day() -> None:
    # On the 14th p-x is assigned but not resolved: it has a response time only.
    figures = total(duration_cases(), end_of(14))
    assert figures.response_working_days.count == 3
    assert figures.resolution_working_days.count == 3
    assert figures.resolution_calendar_days.mean == Decimal("6.33")  # (7 + 12 + 0) / 3


def test_resolution_time_runs_to_the_settlement_that_stands() -> None:
    reopened = then(
        register("p-1", nov(4)),
        (ASSIGN, nov(5)),
        (RESOLVE, nov(6)),
        (DISSATISFIED, nov(7)),
        (REOPEN, nov(8)),
        (RESOLVE, nov(15)),
    )
    assert total([reopened], end_of(7)).resolution_calendar_days.mean == Decimal("2.00")
    assert total([reopened], end_of(12)).resolution_calendar_days.count == 0  # open again
    assert total([reopened], end_of(15)).resolution_calendar_days.mean == Decimal("11.00")


# ---------------------------------------------------------------- grouping


def grouped_cases() -> list[Problem]:
    return [
        then(register("p-a", nov(4)), (ASSIGN, nov(5)), (RESOLVE, nov(8))),
        then(
            register(
                "p-b",
                nov(12),
                region=WUCHENG,
                enterprise=E3,
                group=G2,
                category="financing",
                scope=Scope.COMMON,
                level=HandlingLevel.COUNTY,
            ),
            (Assign(lead_department_id=DRC, working_days=10), nov(12)),
            (Escalate(to_level=HandlingLevel.CITY_DEPARTMENT), nov(13)),
        ),
        register(
            "p-c", dt.date(2019, 12, 2), region=ZONE, enterprise=None, group=None, campaign=STANDING
        ),
        then(
            register(
                "p-d",
                nov(4),
                region=CITY,
                enterprise=E2,
                category="policy_fulfilment",
                scope=Scope.COMMON,
            ),
            (merge_into("p-a"), nov(5)),
        ),
    ]


DEC_6 = end_of_day(dt.date(2019, 12, 6))


def rows_of(result: ProblemSummary) -> dict[str | None, tuple[str, int, int]]:
    return {row.key: (row.label, row.figures.registered, row.figures.identified) for row in result}


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        (
            Dimension.CAMPAIGN,
            {
                "dezhou-2019": ("进企业、解难题、促发展集中行动", 3, 2),
                "leling-standing": ("乐陵市常态化进解促", 1, 1),
            },
        ),
        (
            Dimension.WORK_GROUP,
            {
                "g-01": ("第一工作组", 2, 1),
                "g-02": ("第二工作组", 1, 1),
                None: ("（未指定）", 1, 1),
            },
        ),
        (
            Dimension.DEPARTMENT,
            {
                "fgw": ("德州市发展和改革委员会", 1, 1),
                "zrzyj": ("德州市自然资源和规划局", 1, 1),
                None: ("（未指定）", 2, 1),
            },
        ),
        (
            Dimension.CATEGORY,
            {
                "financing": ("融资", 1, 1),
                "land_use": ("土地使用", 2, 2),
                "policy_fulfilment": ("政策兑现", 1, 0),
            },
        ),
        (Dimension.SCOPE, {"common": ("共性问题", 2, 1), "individual": ("个性问题", 2, 2)}),
        (
            Dimension.LEVEL,
            {"city_department": ("市直部门", 1, 1), "local": ("属地解决", 3, 2)},
        ),
        (
            Dimension.ENTERPRISE,
            {
                "e-1": ("乐陵甲公司", 1, 1),
                "e-2": ("乐陵乙公司", 1, 0),
                "e-3": ("武城丙公司", 1, 1),
                None: ("（未指定）", 1, 1),
            },
        ),
        (
            Dimension.DAY,
            {
                "2019-11-04": ("2019-11-04", 2, 1),
                "2019-11-12": ("2019-11-12", 1, 1),
                "2019-12-02": ("2019-12-02", 1, 1),
            },
        ),
        (
            Dimension.WEEK,
            {
                "2019-W45": ("2019-W45", 2, 1),
                "2019-W46": ("2019-W46", 1, 1),
                "2019-W49": ("2019-W49", 1, 1),
            },
        ),
        (Dimension.MONTH, {"2019-11": ("2019-11", 3, 2), "2019-12": ("2019-12", 1, 1)}),
    ],
    ids=lambda value: value.value if isinstance(value, Dimension) else "",
)
def test_grouped_by_every_dimension(
    dimension: Dimension, expected: dict[str | None, tuple[str, int, int]]
) -> None:
    with store_with(*grouped_cases()) as store:
        result = summary(store, DEC_6, by=dimension)
    assert result.dimension is dimension
    assert rows_of(result) == expected
    keys = [row.key for row in result]
    assert keys == sorted(keys, key=lambda key: (key is None, key or ""))  # "not given" last
    assert sum(row.figures.registered for row in result) == result.total.registered == 4
    assert sum(row.figures.identified for row in result) == result.total.identified == 3
    assert "region_rollup" not in result.definitions


def test_grouped_by_level_as_it_stood() -> None:
    # p-b was registered at county level and escalated to the city departments on the 13th.
    with store_with(*grouped_cases()) as store:
        result = summary(store, end_of(12), by=Dimension.LEVEL)
    assert rows_of(result) == {"county": ("县级协调", 1, 1), "local": ("属地解决", 2, 1)}


def test_region_rows_roll_up_the_tree(store_url: str) -> None:
    with store_with(*grouped_cases(), url=store_url) as store:
        result = summary(store, DEC_6, by=Dimension.REGION)
    assert rows_of(result) == {
        PROVINCE: ("山东省", 4, 3),
        CITY: ("德州市", 4, 3),  # its own merged p-d, plus every county's and the zone's
        ZONE: ("德州运河经济开发区", 1, 1),
        WUCHENG: ("武城县", 1, 1),
        LELING: ("乐陵市", 1, 1),
    }
    city, leling = result.row(CITY).figures, result.row(LELING).figures
    assert (city.solved, leling.solved) == (1, 1)  # Leling's resolution counts for the city
    assert result.definitions[-1] == "region_rollup"
    assert result.total.registered == 4  # the total counts each problem once


def test_problems_by_day_use_the_china_date() -> None:
    # 17:30 UTC on 3 November is 01:30 on 4 November in China.
    late = Problem.register(
        Register(title="夜间登记", category="other", region_id=LELING, enterprise_id=E1),
        at=dt.datetime(2019, 11, 3, 17, 30, tzinfo=dt.UTC),
        actor=CLERK,
        id=ProblemId("p-utc"),
    )
    with store_with(late) as store:
        result = summary(store, end_of(4), by=Dimension.DAY)
    assert [row.key for row in result] == ["2019-11-04"]


def test_without_a_dimension_there_is_only_the_total() -> None:
    with store_with(*grouped_cases()) as store:
        result = summary(store, DEC_6)
    assert result.dimension is None
    assert len(result) == 0
    assert result.total.registered == 4


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("query", "moment", "selected"),
    [
        (Query(state=S.RESOLVED), end_of(15), 1),
        (Query(state=S.RESOLVED), end_of(7), 0),  # p-a was resolved on the 8th
        (Query(state=S.MERGED), end_of(15), 1),
        (Query(region_id=CITY), DEC_6, 4),  # the city and every region below it
        (Query(region_id=LELING), DEC_6, 1),
        (Query(region_id=PROVINCE), DEC_6, 4),
        (Query(department_id=LAND), end_of(15), 1),
        (Query(department_id=LAND), end_of(4), 0),  # assigned on the 5th
        (Query(category="land_use"), DEC_6, 2),
        (Query(scope=Scope.COMMON), DEC_6, 2),
        (Query(level=HandlingLevel.COUNTY), end_of(12), 1),
        (Query(level=HandlingLevel.COUNTY), end_of(15), 0),  # escalated on the 13th
        (Query(since=nov(5), until=nov(30)), DEC_6, 1),
        (Query(since=nov(4), until=nov(4)), DEC_6, 2),  # both ends included
        (Query(campaign_id=STANDING), DEC_6, 1),
        (Query(campaign_id=CAMPAIGN), DEC_6, 3),
        (Query(work_group_id=G2), DEC_6, 1),
        (Query(enterprise_id=E1), DEC_6, 1),
        (Query(region_id=CITY, scope=Scope.COMMON, state=S.ASSIGNED), DEC_6, 1),
    ],
)
def test_query_filters(query: Query, moment: dt.datetime, selected: int) -> None:
    with store_with(*grouped_cases()) as store:
        result = summary(store, moment, query=query)
    assert result.total.registered == selected
    assert result.query == query


# ---------------------------------------------------------------- as of a moment


def test_a_transition_at_the_moment_counts() -> None:
    problem = then(register("p-1", nov(4)), (ASSIGN, nov(5)), (RESOLVE, nov(8)))
    resolved_at = at(nov(8), 10)
    assert total([problem], resolved_at).resolved == 1
    assert total([problem], resolved_at - dt.timedelta(microseconds=1)).resolved == 0
    registered_at = at(nov(4), 9)
    assert total([problem], registered_at).registered == 1
    assert total([problem], registered_at - dt.timedelta(microseconds=1)).registered == 0


def test_a_past_moment_ignores_later_transitions(store_url: str) -> None:
    # The histories cut off after the 8th give the same figures as of the 8th.
    cut = [p.as_of(end_of(8)) for p in ledger()]
    with store_with(*[p for p in cut if p is not None]) as store:
        before = summary(store, end_of(8))
    with store_with(*ledger(), url=store_url) as store:
        after = summary(store, end_of(8))
    assert before.total == after.total
    assert after.as_of == end_of(8)
    assert after.total.resolved == 2  # and not the 1 of the 15th


def test_the_moment_may_be_given_in_any_zone() -> None:
    china = end_of(8)
    utc = china.astimezone(dt.UTC)
    assert total(ledger(), utc) == total(ledger(), china)


def test_the_default_moment_is_now() -> None:
    problems = [register("p-1", nov(4)), then(register("p-2", nov(4)), (RESOLVE, nov(5)))]
    with store_with(*problems) as store:
        result = problem_summary(store)
    assert result.as_of.tzinfo is not None
    assert abs(result.as_of - dt.datetime.now(CHINA_TZ)) < dt.timedelta(minutes=5)
    assert (result.total.identified, result.total.solved) == (2, 1)


def test_figures_of_matches_the_summary_total() -> None:
    problems = ledger() + on_time_cases()
    for moment in (end_of(4), end_of(8), end_of(15)):
        assert figures_of(problems, moment) == total(problems, moment)
    assert figures_of(problems, end_of(3)).registered == 0


# ---------------------------------------------------------------- definitions and arguments


def test_the_summary_names_its_definitions() -> None:
    with store_with(*ledger()) as store:
        plain = summary(store, end_of(15))
        by_region = summary(store, end_of(15), by=Dimension.REGION)
    assert plain.definitions == PROBLEM_DEFINITIONS
    assert by_region.definitions == (*PROBLEM_DEFINITIONS, "region_rollup")
    assert all(code in DEFINITIONS for code in by_region.definitions)
    for rate in ("resolution_rate", "on_time_rate", "reopen_rate", "satisfaction_rate"):
        assert getattr(plain.total, rate).definition in plain.definitions


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"as_of": dt.datetime(2019, 11, 13, 23, 59)}, "as_of"),  # noqa: DTZ001 - naive on purpose
        ({"as_of": "2019-11-13"}, "as_of"),
        ({"by": "region"}, "by"),
        ({"query": {"state": "resolved"}}, "query"),
        ({"count_basically_satisfied": 1}, "count_basically_satisfied"),
    ],
)
def test_bad_arguments_name_the_argument(arguments: dict[str, Any], field: str) -> None:
    with store_with() as store, pytest.raises(ValidationError) as caught:
        problem_summary(store, **({"as_of": end_of(15)} | arguments))
    assert caught.value.field == field
