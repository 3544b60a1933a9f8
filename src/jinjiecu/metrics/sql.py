"""The problem figures counted in SQL, on the SQLite and PostgreSQL stores.

The reference engine (:func:`jinjiecu.metrics.problems.python_engine`)
replays every problem in Python. This one asks the database instead, so that
memory stays flat however many problems there are:

1. Every problem's row holds where it stands now (the read model: its
   :class:`~jinjiecu.domain.problem.Standing` after its last transition, and
   that transition's moment ``last_at``), and every transition row where the
   problem stood after it, all written in one transaction. A problem whose
   last transition is at or before ``t`` stood at ``t`` as its row says; only
   the problems changed since ``t`` are looked up in ``transitions`` (their
   last transition at or before ``t``), found through the index on
   ``last_at``. As of now none are: the figures read one row per problem.
   The two sets are counted by two statements and added up in Python.
2. Working days come from a temporary calendar table built from the rules'
   :class:`~jinjiecu.domain.calendar.WorkingCalendar` (once per connection
   and calendar): for each day, how many working days there are up to and
   including it. A span in working days is a difference of two such counts,
   exactly as
   :meth:`~jinjiecu.domain.calendar.WorkingCalendar.working_days_between`
   counts it.
3. One query per set of problems, two groupings. Per problem, a few
   comparisons (deadline passed, due soon, settled by the deadline, ever
   reopened, ...) are packed into one integer of flags. Problems that share
   row key, state, flags, follow-up and the three days a span starts or ends
   on (registered, first assigned, settled) are grouped, suspended ones also
   by their day of suspension and deadline; each such group looks its days
   up in the calendar once, and the groups are grouped again by their spans.
   Spans take few values, so few rows come back, and from their counts (a
   histogram per row) mean, median and 90th percentile are exact. Python
   turns each row's state and flags into the figures it counts in, once per
   row, by the same rules as the reference engine.

Region rows are rolled up the division tree and days bucketed into weeks and
months in Python. On PostgreSQL the query hashes its groups in memory rather
than sorting a million problems, and is not compiled (see ``_count``). The
conformance suite checks that this engine and the reference one agree on
every store; ``benchmarks/bench_metrics.py`` times it against SQL written by
hand for the same figures.
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
    "problem_id, to_state AS state, deadline, suspended_on, settlement, settled_on, "
    "first_assigned_on, ever_settled, ever_reopened, follow_up_outcome, follow_up_satisfaction"
)
# Standing columns read only when a row key or a filter needs them: every column
# read costs time on each of the millions of transitions.
_STANDING_ON_DEMAND = ("level", "lead_department_id")
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


def _when(condition: str, bit: int) -> str:
    return f"CASE WHEN {condition} THEN {int(bit)} ELSE 0 END"


class _Flag(enum.IntFlag):
    """What one problem's standing says beyond its state, packed into one SQL integer.

    Each bit is a cheap comparison made once per problem; the figures are
    then decided in Python once per group of problems that share them.
    """

    DEADLINE = 1
    PAST_DEADLINE = 2
    """The deadline is before today."""
    DUE_SOON = 4
    """The deadline is in the stretch of days that are due soon today."""
    SETTLED_BY_DEADLINE = 8
    DEADLINE_UNCOVERED = 16
    """The deadline is outside the calendar."""
    EVER_SETTLED = 32
    EVER_REOPENED = 64
    SETTLED_BY_RESOLVING = 128
    SUSPENDED_OVERDUE = 256
    """Suspended, and past the deadline moved on by the pause."""
    SUSPENDED_UNCOVERED = 512
    """Suspended on a day outside the calendar."""


_REACH_SHIFT = 10
"""Bits of the packed integer above the flags: how many provisional years the problem reaches."""
_FLAG_MASK = (1 << _REACH_SHIFT) - 1


# While suspended, the deadline moves one working day later per working day of the pause
# (Problem.effective_deadline); a deadline n > 0 working days on is passed once today's
# count exceeds the deadline's count plus n, or equals it on a day off. This is decided
# after the first grouping, where a suspended problem's days of suspension and deadline
# (``paused_on``, ``paused_deadline``) are looked up in the calendar once per group
# (``cs``, ``cd``): looked up per problem, from inside the first grouping, they kept
# PostgreSQL from reading the problems in parallel (half the time, measured).
_PAUSED = "(CASE WHEN :counted_today > cs.counted THEN :counted_today - cs.counted ELSE 0 END)"
_SUSPENDED_OVERDUE = (
    "paused_deadline IS NOT NULL AND ("
    f"({_PAUSED} = 0 AND paused_deadline < :today) OR "
    f"({_PAUSED} > 0 AND ("
    f":counted_today > cd.counted + {_PAUSED} OR "
    f"(:counted_today = cd.counted + {_PAUSED} AND :working_today = 0))))"
)
_SUSPENDED = f"state = '{S.SUSPENDED.value}'"
_PAUSED_DAYS = (
    f"CASE WHEN {_SUSPENDED} THEN suspended_on END AS paused_on, "
    f"CASE WHEN {_SUSPENDED} THEN deadline END AS paused_deadline"
)


def _outside(day: str) -> str:
    return f"({day} < :first_day OR {day} > :last_day)"


_DEADLINE_FLAGS = " + ".join(
    _when(condition, flag)
    for condition, flag in (
        ("deadline < :today", _Flag.PAST_DEADLINE),
        ("deadline BETWEEN :due_soon_from AND :due_soon_until", _Flag.DUE_SOON),
        ("settled_on <= deadline", _Flag.SETTLED_BY_DEADLINE),
        (_outside("deadline"), _Flag.DEADLINE_UNCOVERED),
    )
)
_RESOLVING = f"settlement = '{Event.RESOLVE.value}'"
_SUSPENDED_UNCOVERED = f"{_SUSPENDED} AND {_outside('suspended_on')}"
_FLAGS = (
    f"(CASE WHEN deadline IS NULL THEN 0 ELSE {int(_Flag.DEADLINE)} + {_DEADLINE_FLAGS} END"
    f" + {_when('ever_settled = 1', _Flag.EVER_SETTLED)}"
    f" + {_when('ever_reopened = 1', _Flag.EVER_REOPENED)}"
    f" + {_when(_RESOLVING, _Flag.SETTLED_BY_RESOLVING)}"
    f" + {_when(_SUSPENDED_UNCOVERED, _Flag.SUSPENDED_UNCOVERED)})"
)
# A span's first day is not in the calendar (its join found no row). Only the day of
# registration can be: the moment is in the calendar (or the reference engine counts),
# and a problem is assigned and settled between its registration and the moment.
_MISSING = (
    "CASE WHEN cr.day IS NULL AND (first_assigned_on IS NOT NULL OR settled_on IS NOT NULL) "
    "THEN 1 ELSE 0 END"
)
_SETTLED_STATES = frozenset((S.RESOLVED, S.EXPLAINED, S.CLOSED))
_HELD_STATES = frozenset((S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED))
_EXCLUDED_NAMES = {S.REJECTED: "rejected", S.WITHDRAWN: "withdrawn", S.MERGED: "merged"}


def _names(
    state: ProblemState,
    flags: _Flag,
    outcome: str | None,
    satisfaction: str | None,
    satisfied: frozenset[str],
) -> tuple[str, ...] | None:
    """The figures a problem with this standing counts in; ``None`` if the calendar lacks a day.

    The same decisions as the reference engine's, made on the flags.
    """
    if state in EXCLUDED_STATES:
        return ("registered", _EXCLUDED_NAMES[state])
    if (state in _HELD_STATES and _Flag.DEADLINE_UNCOVERED in flags) or (
        state is S.SUSPENDED and _Flag.SUSPENDED_UNCOVERED in flags
    ):
        return None
    names = ["registered", "identified", _state_name(state, flags)]
    if _Flag.DEADLINE in flags:
        names += _deadline_names(state, flags)
    if _Flag.EVER_SETTLED in flags:
        names.append("settled_ever")
    if _Flag.EVER_REOPENED in flags:
        names.append("reopened_ever")
    if state in _SETTLED_STATES and outcome is not None:
        names.append("followed_up")
        if outcome == FollowUpOutcome.SOLVED.value:
            names.append("follow_up_solved")
        if satisfaction in satisfied:
            names.append("follow_up_satisfied")
    return tuple(names)


def _state_name(state: ProblemState, flags: _Flag) -> str:
    if state in ACTIVE_STATES:
        return "in_progress"
    if state is S.CLOSED:
        return "closed_resolved" if _Flag.SETTLED_BY_RESOLVING in flags else "closed_explained"
    return str(state.value)  # resolved or explained


def _deadline_names(state: ProblemState, flags: _Flag) -> list[str]:
    """The deadline figures of a problem that has a deadline."""
    settled = state in _SETTLED_STATES
    if state is S.SUSPENDED:
        overdue = _Flag.SUSPENDED_OVERDUE in flags
    else:
        overdue = state in _HELD_STATES and _Flag.PAST_DEADLINE in flags
    names = ["overdue"] if overdue else []
    if state in (S.ASSIGNED, S.IN_PROGRESS) and _Flag.DUE_SOON in flags:
        names.append("due_soon")
    if settled or overdue:
        names.append("due")
    if settled and _Flag.SETTLED_BY_DEADLINE in flags:
        names.append("settled_on_time")
    return names


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
    reach = _reach(calendar, today, named, dialect.to_day)
    sources = _sources(by, query, names, named, dialect.to_day, postgres=postgres)
    if postgres:
        # PostgreSQL guesses the number of groups by multiplying each column's distinct
        # values, expects a million, and sorts every problem to group them; hashing the
        # few thousand groups there really are takes a third less time (see the metrics
        # benchmark); incremental sorts along an index are sorts too, and were measured
        # 2.5 times slower here. The groups of a million problems take about 11 MB: with
        # the default 4 MB of working memory the hash spills to disk. Compiling the query
        # (JIT) costs more than it saves here. SET LOCAL ends with this read's transaction.
        session.change("SET LOCAL enable_sort = off")
        session.change("SET LOCAL enable_incremental_sort = off")
        session.change("SET LOCAL work_mem = '64MB'")
        session.change("SET LOCAL jit = off")
    # Two passes. First the problems are grouped by row key, state, flags, follow-up, the
    # three days the spans start and end on, and a suspended problem's day of suspension
    # and deadline: one comparison per flag per problem, and no calendar lookups (which
    # lets PostgreSQL read the problems in parallel). Then each such group looks its days
    # up in the calendar once, and the groups are grouped again by their spans, so that
    # few rows come back: spans take few values, and from their counts (a histogram per
    # row) mean, median and 90th percentile are exact. The query runs once per source
    # (the problems unchanged since the moment, then the changed ones) and Python adds
    # the rows up: one UNION ALL of the two was measured a third slower on SQLite, which
    # then copies every row.
    statements = [
        _positional(
            f"WITH current AS ({source}), standings AS (SELECT key, state, {_FLAGS}{reach} "
            "AS flags, follow_up_outcome AS outcome, follow_up_satisfaction AS satisfaction, "
            f"registered_on, first_assigned_on, settled_on, {_PAUSED_DAYS}, "
            "count(*) AS problems FROM current GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) "
            f"SELECT key, state, flags + {_when(_SUSPENDED_OVERDUE, _Flag.SUSPENDED_OVERDUE)}, "
            "outcome, satisfaction, "
            "ca.counted - cr.counted, ca.serial - cr.serial, "
            "cz.counted - cr.counted, cz.serial - cr.serial, "
            f"{_MISSING}, SUM(problems) FROM standings "
            f"LEFT JOIN {_CALENDAR} cr ON cr.day = registered_on "
            f"LEFT JOIN {_CALENDAR} ca ON ca.day = first_assigned_on "
            f"LEFT JOIN {_CALENDAR} cz ON cz.day = settled_on "
            f"LEFT JOIN {_CALENDAR} cs ON cs.day = paused_on "
            f"LEFT JOIN {_CALENDAR} cd ON cd.day = paused_deadline "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            named,
            table,
        )
        for source in sources
    ]
    satisfied = {Satisfaction.SATISFIED.value}
    if count_basically_satisfied:
        satisfied.add(Satisfaction.BASICALLY_SATISFIED.value)
    classify = functools.lru_cache(maxsize=None)(
        functools.partial(_names, satisfied=frozenset(satisfied))
    )
    raw: dict[Any, Tally] = {}
    found = (row for text, params in statements for row in session.rows(text, params))
    for key, state_value, flags, outcome, satisfaction, *spans, missing, summed in found:
        state = ProblemState(state_value)
        counted_names = classify(state, _Flag(flags & _FLAG_MASK), outcome, satisfaction)
        if counted_names is None or (missing and state not in EXCLUDED_STATES):
            return None
        tally = raw.setdefault(key, Tally())
        number = int(summed)
        for name in counted_names:
            tally.bump(name, number)
        if state in EXCLUDED_STATES:
            continue
        tally.provisional.update(calendar.provisional_years[: flags >> _REACH_SHIFT])
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
                histogram[int(days)] += number
    return _rows(raw, by, names)


def _reach(
    calendar: WorkingCalendar,
    today: dt.date,
    named: dict[str, Any],
    to_day: Callable[[dt.date], Any],
) -> str:
    """SQL to add to the flags: how many provisional years a problem's counts reach.

    As :func:`~jinjiecu.metrics.problems.provisional_reach`: the latest of the
    days assigned and settled, the deadline, and the moment for a suspended
    problem, against 1 January of each provisional year. The years follow one
    another, so a problem that reaches a year reaches the ones before it: each
    year's test is made only for the problems that reach the year before,
    which for most problems means one test, not one per year.
    """
    reach = "0"
    for index, year in reversed(list(enumerate(calendar.provisional_years))):
        first = dt.date(year, 1, 1)
        mark = f":provisional_{index}"
        named[mark[1:]] = to_day(first)
        tests = [f"first_assigned_on >= {mark}", f"settled_on >= {mark}", f"deadline >= {mark}"]
        if today >= first:  # a suspended problem's deadline moves on until today
            tests.append(f"(state = '{S.SUSPENDED.value}' AND deadline IS NOT NULL)")
        reach = f"CASE WHEN {' OR '.join(tests)} THEN {1 << _REACH_SHIFT} + {reach} ELSE 0 END"
    return "" if reach == "0" else f" + {reach}"


def _sources(
    by: Dimension | None,
    query: Query,
    names: Names,
    named: dict[str, Any],
    to_day: Callable[[dt.date], Any],
    *,
    postgres: bool,
) -> tuple[str, str]:
    """Two ``SELECT`` statements of each problem as it stood at the moment; fills ``named``.

    The first reads the problems whose last transition is at or before the
    moment: they stood then as they stand now, and their rows say so (the
    read model); their transitions are not read. The second reads the
    problems changed since the moment (none, for the figures as of now):
    their last transition at or before the moment, found through the index on
    ``last_at``. Both give the same columns: ``key`` and :data:`_CURRENT`.
    """
    conditions = _filters(query, names, named, to_day)
    key = "NULL" if by is None else _KEY_COLUMNS[by]
    unchanged = " AND ".join(["p.last_at <= :at", *conditions])
    used = {key, *(_FILTER_COLUMNS.get(field) for field in query.given())}
    standing = ", ".join(
        [_STANDING, *(column for column in _STANDING_ON_DEMAND if f"s.{column}" in used)]
    )
    changed = "p.last_at > :at AND p.registered_at <= :at"
    if postgres:
        # Each changed problem (found through the index on last_at) looks up its last
        # transition at or before the moment through the primary key, read backwards.
        # Written as a join, PostgreSQL was measured reading the whole history instead.
        latest = (
            f"SELECT {standing} FROM transitions t WHERE t.problem_id = p.id AND t.at <= :at "
            "ORDER BY t.sequence DESC LIMIT 1"
        )
        where = " AND ".join([changed, *conditions])
        changed_rows = f"problems p CROSS JOIN LATERAL ({latest}) s WHERE {where}"
    else:
        # SQLite takes the bare columns from the row that holds max(sequence).
        latest = (
            f"SELECT {standing}, max(sequence) FROM transitions "
            f"WHERE problem_id IN (SELECT id FROM problems p WHERE {changed}) AND at <= :at "
            "GROUP BY problem_id"
        )
        condition = (" WHERE " + " AND ".join(conditions)) if conditions else ""
        changed_rows = f"({latest}) s JOIN problems p ON p.id = s.problem_id{condition}"
    # Most problems are unchanged since the moment: SQLite would look each up through
    # the index on last_at, where reading the table through is far quicker.
    rows = "problems p" if postgres else "problems p NOT INDEXED"
    unchanged_rows = f"{rows} WHERE {_on_row(unchanged)}"
    return (
        f"SELECT {_on_row(key)} AS key, {_on_row(_CURRENT)} FROM {unchanged_rows}",
        f"SELECT {key} AS key, {_CURRENT} FROM {changed_rows}",
    )


_STANDING_REFERENCE = re.compile(r"\bs\.")


def _on_row(text: str) -> str:
    """SQL that reads the standing (``s.state`` ...) from the problem's row (``p.state``)."""
    return _STANDING_REFERENCE.sub("p.", text)


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
    first = calendar.first_day.toordinal()
    for serial in range(first, calendar.last_day.toordinal() + 1):
        day = dt.date.fromordinal(serial)
        working = int(calendar.is_working_day(day))
        counted += working
        rows.append((day, working, counted, serial))
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
