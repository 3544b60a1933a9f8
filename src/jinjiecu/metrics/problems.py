"""Problem figures as of any moment: counts, rates, overdue, durations, by any dimension.

This module holds the reference computation, over problems in Python, which
works on every store. SQL stores answer the same questions in SQL
(:mod:`jinjiecu.metrics.sql`) and must give identical results.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import local_date, now
from jinjiecu.domain.events import FollowUpOutcome, Satisfaction
from jinjiecu.domain.problem import DEFAULT_RULES, Problem, ProblemRules
from jinjiecu.domain.validation import (
    an_aware_datetime,
    check_argument,
    is_bool,
    is_enum,
    is_instance,
    optional,
)
from jinjiecu.domain.workflow import ACTIVE_STATES, Event, ProblemState
from jinjiecu.metrics._context import Names, group_rows, sorted_keys
from jinjiecu.metrics.dimensions import PERIODS, Dimension, period_key
from jinjiecu.metrics.results import DurationStats, ProblemFigures, Row, Summary
from jinjiecu.storage.base import PROBLEM_FILTERS, Query

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.storage.base import Session, Store

__all__ = [
    "ProblemSummary",
    "Tally",
    "figures_of",
    "problem_summary",
    "provisional_reach",
    "python_engine",
]

ProblemSummary = Summary[ProblemFigures]
"""A table of :class:`~jinjiecu.metrics.results.ProblemFigures`."""

PROBLEM_DEFINITIONS = (
    "as_of",
    "registered",
    "excluded",
    "identified",
    "in_progress",
    "resolved",
    "explained",
    "closed",
    "solved",
    "settled",
    "resolution_rate",
    "settled_rate",
    "overdue",
    "due_soon",
    "on_time_rate",
    "reopen_rate",
    "solved_rate",
    "satisfaction_rate",
    "response_time",
    "resolution_time",
    "provisional",
)

_SETTLED = (ProblemState.RESOLVED, ProblemState.EXPLAINED, ProblemState.CLOSED)
_EXCLUDED_FIELD = {
    ProblemState.REJECTED: "rejected",
    ProblemState.WITHDRAWN: "withdrawn",
    ProblemState.MERGED: "merged",
}


@attrs.define
class Tally:
    """Counts and duration histograms (days -> problems) being added up for one row.

    Every engine fills these, so every engine ends in the same
    :class:`~jinjiecu.metrics.results.ProblemFigures`.
    """

    counts: Counter[str] = attrs.field(factory=Counter)
    response_working: Counter[int] = attrs.field(factory=Counter)
    response_calendar: Counter[int] = attrs.field(factory=Counter)
    resolution_working: Counter[int] = attrs.field(factory=Counter)
    resolution_calendar: Counter[int] = attrs.field(factory=Counter)
    provisional: set[int] = attrs.field(factory=set)
    """The provisional years counted on."""

    def bump(self, name: str, by: int = 1) -> None:
        """Count ``by`` more under ``name``."""
        self.counts[name] += by

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts and durations to this one's."""
        self.counts.update(other.counts)
        self.response_working.update(other.response_working)
        self.response_calendar.update(other.response_calendar)
        self.resolution_working.update(other.resolution_working)
        self.resolution_calendar.update(other.resolution_calendar)
        self.provisional |= other.provisional

    def figures(self) -> ProblemFigures:
        """The figures these counts give."""
        return ProblemFigures(
            **{name: count for name, count in self.counts.items() if count},
            response_working_days=DurationStats.from_counts(self.response_working),
            response_calendar_days=DurationStats.from_counts(self.response_calendar),
            resolution_working_days=DurationStats.from_counts(self.resolution_working),
            resolution_calendar_days=DurationStats.from_counts(self.resolution_calendar),
            provisional_years=tuple(sorted(self.provisional)),
        )


@attrs.frozen
class _Counted:
    """What one problem, as it stood at t, adds to a row."""

    names: tuple[str, ...]
    response: tuple[int, int] | None
    resolution: tuple[int, int] | None
    provisional: tuple[int, ...] = ()


def _count(
    problem: Problem, at: dt.datetime, rules: ProblemRules, *, count_basically_satisfied: bool
) -> _Counted:
    """Classify one problem as it stood at ``at`` (the caller passes ``problem.as_of(at)``)."""
    state = problem.state
    if state in _EXCLUDED_FIELD:
        return _Counted(
            names=("registered", _EXCLUDED_FIELD[state]), response=None, resolution=None
        )
    names = ["registered", "identified", _state_name(problem)]
    names += _deadline_names(problem, at, rules)
    if problem.ever_settled:
        names.append("settled_ever")
    if problem.ever_reopened:
        names.append("reopened_ever")
    names += _follow_up_names(problem, count_basically_satisfied=count_basically_satisfied)
    calendar = rules.working_calendar
    registered_on = local_date(problem.registered_at)

    def span(day: dt.date | None) -> tuple[int, int] | None:
        if day is None:
            return None
        return calendar.working_days_between(registered_on, day), (day - registered_on).days

    assigned_at = problem.first_assigned_at
    assigned_on = None if assigned_at is None else local_date(assigned_at)
    counted_on = [assigned_on, problem.settled_on, problem.deadline]
    if problem.state is ProblemState.SUSPENDED and problem.deadline is not None:
        counted_on.append(local_date(at))  # the pause is counted up to the moment
    return _Counted(
        names=tuple(names),
        response=span(assigned_on),
        resolution=span(problem.settled_on),
        provisional=provisional_reach(calendar, counted_on),
    )


def provisional_reach(calendar: WorkingCalendar, days: Iterable[dt.date | None]) -> tuple[int, ...]:
    """The provisional years a count reaching the latest of ``days`` passes through.

    Provisional years come after every official one, and every count runs
    forward from an earlier day, so a count ending in a provisional year
    passes through each provisional year before it.
    """
    years = calendar.provisional_years
    latest = max((day.year for day in days if day is not None), default=None)
    if latest is None or not years or latest < years.start:
        return ()
    return tuple(years[: latest - years.start + 1])


def _state_name(problem: Problem) -> str:
    state = problem.state
    if state in ACTIVE_STATES:
        return "in_progress"
    if state is ProblemState.RESOLVED:
        return "resolved"
    if state is ProblemState.EXPLAINED:
        return "explained"
    return "closed_resolved" if problem.settlement is Event.RESOLVE else "closed_explained"


def _deadline_names(problem: Problem, at: dt.datetime, rules: ProblemRules) -> list[str]:
    names = []
    overdue = problem.is_overdue(at, rules)
    if overdue:
        names.append("overdue")
    if problem.due_soon(at, rules=rules):
        names.append("due_soon")
    if problem.deadline is not None and (problem.state in _SETTLED or overdue):
        names.append("due")
        if problem.settled_on_time:
            names.append("settled_on_time")
    return names


def _follow_up_names(problem: Problem, *, count_basically_satisfied: bool) -> list[str]:
    follow_up = problem.last_follow_up if problem.state in _SETTLED else None
    if follow_up is None:
        return []
    names = ["followed_up"]
    if follow_up.outcome is FollowUpOutcome.SOLVED:
        names.append("follow_up_solved")
    if follow_up.satisfaction is Satisfaction.SATISFIED or (
        count_basically_satisfied and follow_up.satisfaction is Satisfaction.BASICALLY_SATISFIED
    ):
        names.append("follow_up_satisfied")
    return names


def _add(tally: Tally, counted: _Counted) -> None:
    tally.provisional.update(counted.provisional)
    for name in counted.names:
        tally.bump(name)
    if counted.response is not None:
        tally.response_working[counted.response[0]] += 1
        tally.response_calendar[counted.response[1]] += 1
    if counted.resolution is not None:
        tally.resolution_working[counted.resolution[0]] += 1
        tally.resolution_calendar[counted.resolution[1]] += 1


def figures_of(
    problems: list[Problem],
    at: dt.datetime,
    *,
    rules: ProblemRules = DEFAULT_RULES,
    count_basically_satisfied: bool = True,
) -> ProblemFigures:
    """The figures of ``problems`` as they stood at ``at`` (no grouping, no store needed)."""
    tally = Tally()
    for problem in problems:
        then = problem.as_of(at)
        if then is not None:
            _add(
                tally, _count(then, at, rules, count_basically_satisfied=count_basically_satisfied)
            )
    return tally.figures()


def _key(problem: Problem, dimension: Dimension | None) -> str | None:
    if dimension is None:
        return None
    if dimension in PERIODS:
        return period_key(local_date(problem.registered_at), dimension)
    value: Any = {
        Dimension.CAMPAIGN: problem.campaign_id,
        Dimension.WORK_GROUP: problem.work_group_id,
        Dimension.REGION: problem.region_id,
        Dimension.DEPARTMENT: problem.lead_department_id,
        Dimension.CATEGORY: problem.category,
        Dimension.SCOPE: problem.scope.value,
        Dimension.LEVEL: problem.level.value,
        Dimension.ENTERPRISE: problem.enterprise_id,
    }[dimension]
    return None if value is None else str(value)


def matches(problem: Problem, query: Query, names: Names) -> bool:
    """Whether ``problem`` (as it stood at t) is selected by ``query``.

    State, level and lead department are taken as they stood at t; a region
    selects itself and every region below it.
    """
    wanted = query.given()
    day = local_date(problem.registered_at)
    checks: dict[str, Callable[[Any], bool]] = {
        "campaign_id": lambda v: problem.campaign_id == v,
        "work_group_id": lambda v: problem.work_group_id == v,
        "enterprise_id": lambda v: problem.enterprise_id == v,
        "category": lambda v: problem.category == v,
        "scope": lambda v: problem.scope is v,
        "level": lambda v: problem.level is v,
        "state": lambda v: problem.state is v,
        "department_id": lambda v: problem.lead_department_id == v,
        "region_id": lambda v: v in names.region_chain(problem.region_id),
        "since": lambda v: day >= v,
        "until": lambda v: day <= v,
    }
    return all(checks[name](value) for name, value in wanted.items())


def check_summary_arguments(
    as_of: dt.datetime | None, by: Dimension | None, query: Query | None
) -> tuple[dt.datetime, Query]:
    """Validate the common arguments and fill in the defaults (now, no filter)."""
    moment = now() if as_of is None else as_of
    check_argument(an_aware_datetime, "as_of", moment)
    check_argument(optional(is_enum(Dimension)), "by", by)
    check_argument(optional(is_instance(Query, "a Query")), "query", query)
    query = query or Query()
    query.check_for("problem", PROBLEM_FILTERS)
    return moment, query


def problem_summary(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    by: Dimension | None = None,
    query: Query | None = None,
    rules: ProblemRules = DEFAULT_RULES,
    count_basically_satisfied: bool = True,
) -> ProblemSummary:
    """Problem figures as the records stood at ``as_of`` (default: now), grouped ``by`` a dimension.

    ``query`` selects problems (state, level and lead department as they stood
    at ``as_of``; a region includes the regions below it). Grouped by region,
    every region's row includes the regions below it. Every figure follows
    the definitions in :mod:`jinjiecu.metrics.definitions`. Working days are
    counted on the store's calendar (its holiday notices); figures counted on
    a provisional year say so (:attr:`Summary.provisional_years
    <jinjiecu.metrics.results.Summary.provisional_years>`).
    """
    moment, query = check_summary_arguments(as_of, by, query)
    check_argument(is_bool, "count_basically_satisfied", count_basically_satisfied)
    check_argument(is_instance(ProblemRules, "a ProblemRules"), "rules", rules)
    rules = store.counting_rules(rules)
    names = Names.load(store, rules)
    engine = _engine_for(store)
    tallies = engine(
        store,
        at=moment,
        by=by,
        query=query,
        rules=rules,
        count_basically_satisfied=count_basically_satisfied,
        names=names,
    )
    total = tallies.pop("__total__")
    keys = sorted_keys(tallies)
    rows = tuple(
        Row(key=key, label=names.label(by, key), figures=tallies[key].figures())
        for key in keys
        if by is not None
    )
    return Summary(
        as_of=moment,
        dimension=by,
        rows=rows,
        total=total.figures(),
        definitions=PROBLEM_DEFINITIONS + (("region_rollup",) if by is Dimension.REGION else ()),
        query=query,
        options={"count_basically_satisfied": count_basically_satisfied},
    )


def python_engine(
    store: Store,
    *,
    at: dt.datetime,
    by: Dimension | None,
    query: Query,
    rules: ProblemRules,
    count_basically_satisfied: bool,
    names: Names,
) -> dict[Any, Tally]:
    """Count in Python, over every problem of the store as it stood at ``at``."""

    def read(session: Session) -> list[Problem]:
        return list(session.scan_problems())

    selected: list[tuple[str | None, _Counted]] = []
    total = Tally()
    for problem in store.read(read):
        then = problem.as_of(at)
        if then is None or not matches(then, query, names):
            continue
        counted = _count(then, at, rules, count_basically_satisfied=count_basically_satisfied)
        _add(total, counted)
        selected.append((_key(then, by), counted))
    tallies: dict[Any, Tally] = group_rows(names, by, selected, _add, Tally) if by else {}
    tallies["__total__"] = total
    return tallies


def _engine_for(store: Store) -> Any:
    # SQL stores register a faster engine that must give identical results.
    from jinjiecu.metrics import ENGINES  # noqa: PLC0415 - the registry lives in the package

    for store_type, engine in ENGINES.items():
        if isinstance(store, store_type):
            return engine
    return python_engine
