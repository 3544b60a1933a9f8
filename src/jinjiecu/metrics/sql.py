"""The problem figures counted in SQL, on the SQLite and PostgreSQL stores.

The reference engine (:func:`jinjiecu.metrics.problems.python_engine`)
replays every problem in Python. This one asks the database instead, so that
memory stays flat however many problems there are:

1. Every transition row carries where the problem stood after it
   (:class:`~jinjiecu.domain.problem.Standing`, written by the store), so the
   problem as of ``t`` is its last transition at or before ``t``: one indexed
   pass over ``transitions``.
2. Working days come from a temporary calendar table built from the rules'
   :class:`~jinjiecu.domain.calendar.WorkingCalendar` (once per connection
   and calendar): for each day, how many working days there are up to and
   including it. A span in working days is a difference of two such counts,
   exactly as
   :meth:`~jinjiecu.domain.calendar.WorkingCalendar.working_days_between`
   counts it.
3. One query, one pass: the problems are grouped by row key and by their
   response and resolution times, and each group returns how many problems
   it holds and how many of them meet each figure's condition. Durations
   take few distinct values, so the groups are few, and from those counts
   (a histogram per row) mean, median and 90th percentile are exact.

Only the few grouped rows come back to Python, where region rows are rolled
up the division tree and days are bucketed into weeks and months. The
conformance suite checks that this engine and the reference one agree on
every store.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import re
from typing import TYPE_CHECKING, Any

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.events import FollowUpOutcome, Satisfaction
from jinjiecu.domain.workflow import ACTIVE_STATES, EXCLUDED_STATES, Event, ProblemState
from jinjiecu.errors import CalendarCoverageError
from jinjiecu.metrics._context import group_rows
from jinjiecu.metrics.dimensions import PERIODS, Dimension, period_key
from jinjiecu.metrics.problems import Tally, python_engine
from jinjiecu.storage.sql import SQLSession

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.domain.problem import ProblemRules
    from jinjiecu.metrics._context import Names
    from jinjiecu.storage.base import Query, Session, Store

__all__ = ["sql_engine"]

S = ProblemState

_CALENDAR = "jinjiecu_calendar"
"""The temporary calendar table in the SQL text (each calendar gets a table of its own):
``day``, ``working`` (0/1), ``counted`` (working days up to and including ``day``) and
``serial`` (the day's ordinal, for calendar-day spans)."""

# Where a row key comes from: p is the problem's row (fields fixed at registration),
# s the standing after its last transition at or before the moment.
_KEY_COLUMNS = {
    Dimension.CAMPAIGN: "p.campaign_id",
    Dimension.WORK_GROUP: "p.work_group_id",
    Dimension.REGION: "p.region_id",
    Dimension.DEPARTMENT: "s.lead_department_id",
    Dimension.CATEGORY: "p.category",
    Dimension.SCOPE: "p.scope",
    Dimension.LEVEL: "s.level",
    Dimension.ENTERPRISE: "p.enterprise_id",
    Dimension.DAY: "p.registered_on",
    Dimension.WEEK: "p.registered_on",
    Dimension.MONTH: "p.registered_on",
}
_FILTER_COLUMNS = {
    "campaign_id": "p.campaign_id",
    "work_group_id": "p.work_group_id",
    "enterprise_id": "p.enterprise_id",
    "category": "p.category",
    "scope": "p.scope",
    "level": "s.level",
    "state": "s.state",
    "department_id": "s.lead_department_id",
}
_STANDING = (
    "problem_id, to_state AS state, level, lead_department_id, deadline, suspended_on, "
    "settlement, settled_on, first_assigned_on, ever_settled, ever_reopened, "
    "follow_up_outcome, follow_up_satisfaction"
)
# The columns of ``current``, one row per selected problem as it stood at the moment.
_CURRENT = (
    "s.state, s.settlement, s.deadline, s.suspended_on, s.settled_on, s.first_assigned_on, "
    "s.ever_settled, s.ever_reopened, s.follow_up_outcome, s.follow_up_satisfaction, "
    "p.registered_on"
)


def _in(states: Iterable[ProblemState]) -> str:
    # Enum values are the library's own constants, never user input.
    return (
        "(" + ", ".join(f"'{state.value}'" for state in sorted(states, key=lambda s: s.value)) + ")"
    )


def _counted(day: str) -> str:
    """Working days up to and including ``day`` (an SQL date expression), from the calendar."""
    return f"(SELECT counted FROM {_CALENDAR} WHERE day = {day})"


_COUNTED = f"state NOT IN {_in(EXCLUDED_STATES)}"
_SETTLED = f"state IN {_in((S.RESOLVED, S.EXPLAINED, S.CLOSED))}"
_HELD = f"state IN {_in((S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED))}"
_SUSPENDED = f"state = '{S.SUSPENDED.value}'"
# While suspended, the deadline moves one working day later per working day of the pause
# (Problem.effective_deadline); a deadline n > 0 working days on is passed once today's
# count exceeds the deadline's count plus n, or equals it on a day off. Suspended
# problems are few, so only they look the calendar up.
_PAUSED = (
    f"(CASE WHEN :counted_today > {_counted('suspended_on')} "
    f"THEN :counted_today - {_counted('suspended_on')} ELSE 0 END)"
)
_OVERDUE = (
    f"({_HELD} AND deadline IS NOT NULL AND ("
    f"(NOT {_SUSPENDED} AND deadline < :today) OR "
    f"({_SUSPENDED} AND {_PAUSED} = 0 AND deadline < :today) OR "
    f"({_SUSPENDED} AND {_PAUSED} > 0 AND ("
    f":counted_today > {_counted('deadline')} + {_PAUSED} OR "
    f"(:counted_today = {_counted('deadline')} + {_PAUSED} AND :working_today = 0)))))"
)


def _outside(day: str) -> str:
    return f"({day} < :first_day OR {day} > :last_day)"


# A date a figure needs that the calendar lacks; the reference engine then names it.
_UNCOVERED = (
    f"({_COUNTED} AND (first_assigned_on IS NOT NULL OR settled_on IS NOT NULL) AND "
    f"{_outside('registered_on')}) OR "
    f"({_COUNTED} AND first_assigned_on IS NOT NULL AND {_outside('first_assigned_on')}) OR "
    f"({_COUNTED} AND settled_on IS NOT NULL AND {_outside('settled_on')}) OR "
    f"({_HELD} AND deadline IS NOT NULL AND {_outside('deadline')}) OR "
    f"({_SUSPENDED} AND {_outside('suspended_on')})"
)


def _figures(*, count_basically_satisfied: bool) -> dict[str, str]:
    """Each figure's condition on one row of ``current`` (an SQL boolean)."""
    satisfied = [Satisfaction.SATISFIED]
    if count_basically_satisfied:
        satisfied.append(Satisfaction.BASICALLY_SATISFIED)
    satisfied_list = ", ".join(f"'{value.value}'" for value in satisfied)
    closed = f"state = '{S.CLOSED.value}'"
    return {
        "registered": "1 = 1",
        "identified": _COUNTED,
        "rejected": f"state = '{S.REJECTED.value}'",
        "withdrawn": f"state = '{S.WITHDRAWN.value}'",
        "merged": f"state = '{S.MERGED.value}'",
        "in_progress": f"state IN {_in(ACTIVE_STATES)}",
        "resolved": f"state = '{S.RESOLVED.value}'",
        "explained": f"state = '{S.EXPLAINED.value}'",
        "closed_resolved": f"{closed} AND settlement = '{Event.RESOLVE.value}'",
        "closed_explained": f"{closed} AND settlement <> '{Event.RESOLVE.value}'",
        "overdue": _OVERDUE,
        "due_soon": (
            f"state IN {_in((S.ASSIGNED, S.IN_PROGRESS))} AND deadline IS NOT NULL "
            "AND deadline BETWEEN :due_soon_from AND :due_soon_until"
        ),
        "due": f"deadline IS NOT NULL AND ({_SETTLED} OR {_OVERDUE})",
        "settled_on_time": f"{_SETTLED} AND deadline IS NOT NULL AND settled_on <= deadline",
        "settled_ever": f"{_COUNTED} AND ever_settled = 1",
        "reopened_ever": f"{_COUNTED} AND ever_reopened = 1",
        "followed_up": f"{_SETTLED} AND follow_up_outcome IS NOT NULL",
        "follow_up_solved": f"{_SETTLED} AND follow_up_outcome = '{FollowUpOutcome.SOLVED.value}'",
        "follow_up_satisfied": f"{_SETTLED} AND follow_up_satisfaction IN ({satisfied_list})",
    }


def sql_engine(
    store: Store,
    *,
    at: dt.datetime,
    by: Dimension | None,
    query: Query,
    rules: ProblemRules,
    count_basically_satisfied: bool,
    names: Names,
) -> dict[Any, Tally]:
    """Count in SQL what :func:`~jinjiecu.metrics.problems.python_engine` counts in Python."""
    calendar = rules.working_calendar
    arguments: dict[str, Any] = {
        "at": at,
        "by": by,
        "query": query,
        "rules": rules,
        "count_basically_satisfied": count_basically_satisfied,
        "names": names,
    }
    if not calendar.first_day <= local_date(at) <= calendar.last_day:
        # The reference engine raises the precise coverage error, if one is due.
        return python_engine(store, **arguments)

    def work(session: Session) -> dict[Any, Tally] | None:
        if not isinstance(session, SQLSession):  # pragma: no cover - registered for SQL stores
            message = f"the SQL engine needs an SQL session, not {type(session).__name__}"
            raise TypeError(message)
        return _count(session, **arguments)

    tallies = store.read(work)
    return python_engine(store, **arguments) if tallies is None else tallies


def _count(
    session: SQLSession,
    *,
    at: dt.datetime,
    by: Dimension | None,
    query: Query,
    rules: ProblemRules,
    count_basically_satisfied: bool,
    names: Names,
) -> dict[Any, Tally] | None:
    """The raw tallies, or ``None`` when a date falls outside the calendar."""
    dialect = session.dialect
    postgres = dialect.name == "postgresql"
    today = local_date(at)
    calendar = rules.working_calendar
    table = _build_calendar(session, calendar)
    counted_today = _counted_on(calendar, today)
    named: dict[str, Any] = {
        "at": dialect.to_instant(at),
        "today": dialect.to_day(today),
        "counted_today": counted_today,
        "working_today": int(calendar.is_working_day(today)),
        "first_day": dialect.to_day(calendar.first_day),
        "last_day": dialect.to_day(calendar.last_day),
    }
    # Due soon: 0 <= working days from today to the deadline <= the rules' limit, which
    # holds for the deadlines of one stretch of days (the counts never go down).
    soon_from, soon_until = _due_soon_days(calendar, today, counted_today, rules)
    named["due_soon_from"], named["due_soon_until"] = map(dialect.to_day, (soon_from, soon_until))
    current = _current(by, query, names, named, dialect.to_day, postgres=postgres)
    figures = _figures(count_basically_satisfied=count_basically_satisfied)
    sums = ", ".join(
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)" for condition in figures.values()
    )
    # One pass: grouped by row key and by the four spans of days, so that each group's
    # problems share their durations; few groups, as durations take few values.
    text, params = _positional(
        f"{current}, spans AS (SELECT current.*, "
        f"CASE WHEN {_COUNTED} AND first_assigned_on IS NOT NULL "
        "THEN ca.counted - cr.counted END AS response_working, "
        f"CASE WHEN {_COUNTED} AND first_assigned_on IS NOT NULL "
        "THEN ca.serial - cr.serial END AS response_days, "
        f"CASE WHEN {_COUNTED} AND settled_on IS NOT NULL "
        "THEN cz.counted - cr.counted END AS resolution_working, "
        f"CASE WHEN {_COUNTED} AND settled_on IS NOT NULL "
        "THEN cz.serial - cr.serial END AS resolution_days "
        f"FROM current LEFT JOIN {_CALENDAR} cr ON cr.day = registered_on "
        f"LEFT JOIN {_CALENDAR} ca ON ca.day = first_assigned_on "
        f"LEFT JOIN {_CALENDAR} cz ON cz.day = settled_on) "
        "SELECT key, response_working, response_days, resolution_working, resolution_days, "
        f"count(*), SUM(CASE WHEN {_UNCOVERED} THEN 1 ELSE 0 END), {sums} FROM spans "
        "GROUP BY key, response_working, response_days, resolution_working, resolution_days",
        named,
        table,
    )
    rows = session.rows(text, params)
    if any(row[6] for row in rows):
        return None
    raw: dict[Any, Tally] = {}
    for key, *spans, number, _uncovered in (row[:7] for row in rows):
        tally = raw.setdefault(key, Tally())
        for histogram, days in zip(
            (
                tally.response_working,
                tally.response_calendar,
                tally.resolution_working,
                tally.resolution_calendar,
            ),
            spans,
            strict=True,
        ):
            if days is not None:
                histogram[int(days)] += int(number)
    for row in rows:
        tally = raw[row[0]]
        for name, value in zip(figures, row[7:], strict=True):
            if value:
                tally.bump(name, int(value))
    return _rows(raw, by, names)


def _current(
    by: Dimension | None,
    query: Query,
    names: Names,
    named: dict[str, Any],
    to_day: Callable[[dt.date], Any],
    *,
    postgres: bool,
) -> str:
    """``WITH current AS (...)``; adds the filters' values to ``named``."""
    if postgres:
        latest = (
            f"SELECT DISTINCT ON (problem_id) {_STANDING} FROM transitions "
            "WHERE at <= :at ORDER BY problem_id, sequence DESC"
        )
    else:
        # SQLite takes the bare columns from the row that holds max(sequence).
        latest = (
            f"SELECT {_STANDING}, max(sequence) FROM transitions "
            "WHERE at <= :at GROUP BY problem_id"
        )
    conditions = _filters(query, names, named, to_day)
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    key = "NULL" if by is None else _KEY_COLUMNS[by]
    return (
        f"WITH current AS (SELECT {key} AS key, {_CURRENT} "
        f"FROM ({latest}) s JOIN problems p ON p.id = s.problem_id{where})"
    )


def _filters(
    query: Query, names: Names, named: dict[str, Any], to_day: Callable[[dt.date], Any]
) -> list[str]:
    """The query as conditions on ``p`` and ``s``, as :func:`~jinjiecu.metrics.problems.matches`."""
    conditions = []
    for field, value in query.given().items():
        if field == "region_id":
            below = sorted(
                region
                for region in {str(value), *names.region_parents}
                if str(value) in names.region_chain(region)
            )
            marks = []
            for i, region in enumerate(below):
                named[f"region_{i}"] = region
                marks.append(f":region_{i}")
            conditions.append(f"p.region_id IN ({', '.join(marks)})")
        elif field in ("since", "until"):
            named[field] = to_day(value)
            conditions.append(f"p.registered_on {'>=' if field == 'since' else '<='} :{field}")
        else:
            named[field] = value.value if isinstance(value, enum.Enum) else str(value)
            conditions.append(f"{_FILTER_COLUMNS[field]} = :{field}")
    return conditions


_NAMED = re.compile(r":([a-z_0-9]+)")


def _positional(text: str, named: dict[str, Any], table: str) -> tuple[str, list[Any]]:
    """``text`` with each ``:name`` turned into ``?``, and the values in order.

    The calendar's name in the text becomes ``table``, this calendar's table.
    """
    params: list[Any] = []
    text = text.replace(_CALENDAR, table)

    def mark(match: re.Match[str]) -> str:
        params.append(named[match[1]])
        return "?"

    return _NAMED.sub(mark, text), params


def _due_soon_days(
    calendar: WorkingCalendar, today: dt.date, counted_today: int, rules: ProblemRules
) -> tuple[dt.date, dt.date]:
    """The first and last deadline that are due soon ``today``."""
    first = calendar.first_day if counted_today == 0 else calendar.previous_working_day(today)
    try:
        after = calendar.add_working_days(today, rules.due_soon_working_days + 1)
    except CalendarCoverageError:
        return first, calendar.last_day
    return first, after - dt.timedelta(days=1)


def _build_calendar(session: SQLSession, calendar: WorkingCalendar) -> str:
    """The name of a temporary calendar table of ``calendar``, filled if it was not yet.

    Temporary tables live as long as the connection, so each connection fills
    one table per calendar once; the name carries a digest of the calendar.
    """
    rows = _calendar_rows(calendar)
    digest = hashlib.blake2b(digest_size=8)
    digest.update(calendar.first_day.isoformat().encode())
    digest.update(bytes(working for _day, working, _counted, _serial in rows))
    name = f"{_CALENDAR}_{digest.hexdigest()}"
    day_type = session.dialect.day.split()[0]
    session.change(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} (day {day_type} PRIMARY KEY, "
        "working INTEGER NOT NULL, counted INTEGER NOT NULL, serial INTEGER NOT NULL)"
        + session.dialect.clustered
    )
    if not session.rows(f"SELECT 1 FROM {name} LIMIT 1"):
        to_day = session.dialect.to_day
        session.load(
            name,
            ("day", "working", "counted", "serial"),
            ((to_day(day), working, counted, serial) for day, working, counted, serial in rows),
            bulk=True,
        )
    return name


def _counted_on(calendar: WorkingCalendar, day: dt.date) -> int:
    """Working days from the calendar's first day up to and including ``day``."""
    return _calendar_rows(calendar)[day.toordinal() - calendar.first_day.toordinal()][2]


@functools.lru_cache(maxsize=4)
def _calendar_rows(calendar: WorkingCalendar) -> list[tuple[dt.date, int, int, int]]:
    """Every covered day: (day, working 0/1, working days up to and including it, ordinal)."""
    rows = []
    counted = 0
    day = calendar.first_day
    while day <= calendar.last_day:
        working = int(calendar.is_working_day(day))
        counted += working
        rows.append((day, working, counted, day.toordinal()))
        day += dt.timedelta(days=1)
    return rows


def _rows(raw: dict[Any, Tally], by: Dimension | None, names: Names) -> dict[Any, Tally]:
    """Row keys as the reference engine makes them: days into periods, regions rolled up."""
    total = Tally()
    for tally in raw.values():
        total.merge(tally)
    keyed = [(_row_key(key, by), tally) for key, tally in raw.items()]
    tallies: dict[Any, Tally] = group_rows(names, by, keyed, Tally.merge, Tally) if by else {}
    tallies["__total__"] = total
    return tallies


def _row_key(key: Any, by: Dimension | None) -> str | None:
    """The reference engine's row key for a key the database grouped by."""
    if key is None:
        return None
    if by in PERIODS:
        day = key if isinstance(key, dt.date) else dt.date.fromisoformat(key)
        return period_key(day, by)
    return str(key)
