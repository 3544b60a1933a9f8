"""Problem figures on SQLite and PostgreSQL: jinjiecu against SQL by hand, pandas and memory.

Builds N problems (default 1,000,000) with about five transitions each
(register, assign, start, then resolve, explain or suspend, and for some a
follow-up and close) in an SQLite file, then copies them into a PostgreSQL
schema. On each database, two summaries are computed:

- **by group**: the figures by work group as of the end of the history (the
  current figures, as in a weekly report);
- **as of**: the whole drive's figures as of the middle of the history (last
  year's report re-run).

Each contender runs in a process of its own, so that its peak memory is its
own. What a running application has made once (the calendar: the holiday
data for jinjiecu, the calendar rows for the SQL by hand) is made before the
clock starts; the calendar tables each query reads are filled inside it.

- **jinjiecu**: ``problem_summary(store, as_of=..., by=...)``: every figure of
  the definitions (counts, overdue, due soon, on time, reopened, follow-up,
  response and resolution times in working and calendar days);
- **SQL by hand over a current table** (the baseline of the current figures):
  the same figures from a table of where each problem stands now, one row per
  problem, such as an application would keep up to date itself (built before
  the clock starts);
- **SQL by hand, same figures** (the baseline over the history): the same
  figures from one hand-written statement over the same tables, with a calendar table for
  working days, in two strategies: *one pass* (each problem joined to the
  calendar, then grouped by row and spans) and *grouped first* (problems that
  share state, flags and days grouped before the calendar is joined, which is
  the strategy jinjiecu's SQL uses). The faster of the two is the baseline;
- **SQL by hand, headline only**: registered, identified, in progress,
  resolved, explained and closed counts alone; far less work than the
  figures, printed for scale;
- **pandas**: ``read_sql`` of the same rows and columns the figures need, the
  last transition per problem, and only the headline counts (so its time is
  a lower bound);
- **memory store**: ``problem_summary`` on the memory store, for a smaller N
  (``--memory-rows``, default 100,000), since it holds every problem in
  memory; loading is not timed.

The script checks that every figure of the hand-written SQL equals
jinjiecu's, and that the headline counts of the others do, then prints each
time, the ratios (the current figures: jinjiecu / SQL by hand over a current
table, target at most 1.2, and under a second; a past date: jinjiecu / the
headline SQL over the history, target at most 1.5; jinjiecu / best SQL by
hand over the history; pandas / jinjiecu, target at least 3) and each
process's peak resident set size (target under 200 MB for jinjiecu). Nothing
here asserts a time: the figures depend on the machine.

Run: ``python benchmarks/bench_metrics.py [--rows N] [--quick] [--db PATH]
[--url URL] [--pg-schema NAME] [--no-postgres]`` (``--quick``: 6,000 problems
and 2,000 in memory; ``--db`` keeps the SQLite file and reuses it when it
already holds N problems, ``--pg-schema`` the same for PostgreSQL, whose copy
is otherwise dropped at the end; the URL defaults to
``JINJIECU_TEST_POSTGRES_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``;
without a reachable server the PostgreSQL part is skipped, with the reason).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from _process import peak_mb, run_alone

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.clock import CHINA_TZ, local_date
from jinjiecu.domain.events import (
    Assign,
    Close,
    Explain,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    Register,
    Resolve,
    Satisfaction,
    Scope,
    Start,
    Suspend,
)
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId, WorkGroupId
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, Problem
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.metrics import Dimension, DurationStats, ProblemFigures, problem_summary
from jinjiecu.storage import mask_url, open_store
from jinjiecu.storage.sqlite import _SORTER_THREADS as SORTER_THREADS

FULL_ROWS = 1_000_000
QUICK_ROWS = 6_000
MEMORY_ROWS = 100_000
QUICK_MEMORY_ROWS = 2_000
BATCH = 20_000
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
GROUPS = 27
START = dt.datetime(2019, 1, 7, 0, tzinfo=CHINA_TZ)
SPREAD = dt.timedelta(seconds=29)
"""Between one registration and the next: the templates span a day."""
CLERK = Actor(kind=ActorKind.CLERK, id="clerk-bench", name="王芳")
CATEGORIES = sorted(category.code for category in DEFAULT_TAXONOMY)
HEADLINE = ("registered", "identified", "in_progress", "resolved", "explained", "closed")
FOLLOW_UP = FollowUp(
    method=FollowUpMethod.PHONE,
    outcome=FollowUpOutcome.SOLVED,
    satisfaction=Satisfaction.SATISFIED,
)


def make_problem(number: int) -> Problem:
    """Problem ``number``: registered, assigned, started, then settled, suspended or left."""
    week, rest = divmod(number, TEMPLATES)
    moment = START + dt.timedelta(weeks=week) + rest * SPREAD
    problem = Problem.register(
        Register(
            title=f"企业诉求{number}",
            category=CATEGORIES[number % len(CATEGORIES)],
            region_id=RegionId(f"3714{number % 13 + 1:02d}"),
            enterprise_id=EnterpriseId(f"e-{number % 50_000:05d}"),
            work_group_id=WorkGroupId(f"wg-{number % GROUPS + 1:02d}"),
            scope=Scope.INDIVIDUAL,
            level=HandlingLevel.COUNTY,
        ),
        at=moment,
        actor=CLERK,
        id=ProblemId(f"p-{number:07d}"),
    )
    lead = DepartmentId(f"dept-{number % 66 + 1:02d}")
    steps: list[Any] = [Assign(lead_department_id=lead), Start()]
    outcome = number % 10
    if outcome < 5:
        steps += [Resolve(summary="已协调解决"), FOLLOW_UP, Close()][: 1 + (outcome % 3)]
    elif outcome < 7:
        steps.append(Explain(explanation="已向企业解释政策"))
    elif outcome == 7:  # one in ten is suspended
        steps.append(Suspend(reason="等待上级批复"))
    for day, data in enumerate(steps, start=1):
        problem = problem.apply(data, at=moment + dt.timedelta(days=2 * day), actor=CLERK)
    return problem


TEMPLATES = 2_970
"""Problems built through the domain API; the rest are copies of them, a week later each time."""
WEEK_US = 7 * 24 * 3600 * 10**6
INSTANT_COLUMNS = ("registered_at", "at", "last_at")
DAY_COLUMNS = (
    "registered_on",
    "deadline",
    "on_day",
    "suspended_on",
    "settled_on",
    "first_assigned_on",
)


def build(path: Path, rows: int) -> float:
    """Load ``rows`` problems into a new SQLite file; return the seconds it took.

    The first :data:`TEMPLATES` go in through ``add_many``. Building a million
    histories through the domain API takes long, so the others are copies of
    those rows, renamed and moved on by whole weeks (week w holds copies w),
    written with plain ``executemany``. The copies' JSON event data keep the
    template's dates and a copy's working-day deadline is not recomputed for
    its new dates: the benchmark only reads the indexed columns, which all
    contenders read alike.
    """
    began = time.perf_counter()
    templates = [make_problem(n) for n in range(min(TEMPLATES, rows))]
    with open_store(f"sqlite:///{path}") as store:
        store.problems.add_many(templates)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        problem_rows = connection.execute("SELECT * FROM problems ORDER BY id").fetchall()
        problem_columns = [d[0] for d in connection.execute("SELECT * FROM problems").description]
        history = connection.execute(
            "SELECT * FROM transitions ORDER BY problem_id, sequence"
        ).fetchall()
        transition_columns = [
            d[0] for d in connection.execute("SELECT * FROM transitions").description
        ]
        for week in range(1, -(-rows // TEMPLATES)):
            first = week * TEMPLATES
            last = min(first + TEMPLATES, rows)
            names = {row[0]: f"p-{first + i:07d}" for i, row in enumerate(problem_rows)}
            problems = [
                _moved(row, problem_columns, week, names) for row in problem_rows[: last - first]
            ]
            transitions = [
                _moved(row, transition_columns, week, names)
                for row in history
                if row[0] in names and int(names[row[0]][2:]) < last
            ]
            connection.execute("BEGIN")
            connection.executemany(_insert("problems", problem_columns), problems)
            connection.executemany(_insert("transitions", transition_columns), transitions)
            connection.execute("COMMIT")
        connection.execute("ANALYZE")
    finally:
        connection.close()
    return time.perf_counter() - began


def _insert(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _moved(
    row: tuple[Any, ...], columns: list[str], week: int, names: dict[str, str]
) -> tuple[Any, ...]:
    """A copy of a stored row under its new id, ``week`` weeks later."""
    moved = list(row)
    moved[0] = names[row[0]]
    for i, column in enumerate(columns):
        value = row[i]
        if value is None:
            continue
        if column in INSTANT_COLUMNS:
            moved[i] = value + week * WEEK_US
        elif column in DAY_COLUMNS:
            moved[i] = (dt.date.fromisoformat(value) + dt.timedelta(weeks=week)).isoformat()
        elif column == "at_text":
            moved[i] = (dt.datetime.fromisoformat(value) + dt.timedelta(weeks=week)).isoformat()
    return tuple(moved)


def middle_moment(rows: int) -> dt.datetime:
    """The middle of the history: half the problems registered, most of them settled."""
    weeks, rest = divmod(rows // 2, TEMPLATES)
    return START + dt.timedelta(weeks=weeks) + rest * SPREAD


def end_moment(rows: int) -> dt.datetime:
    """A month after the last registration: after every transition (the current figures)."""
    weeks, rest = divmod(rows - 1, TEMPLATES)
    return START + dt.timedelta(weeks=weeks, days=30) + rest * SPREAD


@attrs.frozen(kw_only=True)
class Case:
    """One summary the contenders compute."""

    title: str
    by: Dimension | None
    moment: Callable[[int], dt.datetime]


CASES = {
    "by-group": Case(
        title=f"by work group ({GROUPS} groups), as of the end of the history (current figures)",
        by=Dimension.WORK_GROUP,
        moment=end_moment,
    ),
    "as-of": Case(
        title="the whole drive, as of the middle of the history (an old report re-run)",
        by=None,
        moment=middle_moment,
    ),
}


# ---------------------------------------------------------------------- the databases


@attrs.frozen(kw_only=True)
class Target:
    """Where the problems are: an SQLite file, or a PostgreSQL schema."""

    backend: str
    """``sqlite`` or ``postgresql``."""
    place: str
    """The SQLite file's path, or the PostgreSQL server's URL."""
    schema: str = ""

    @property
    def store_url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.place}"
        return f"{self.place}?schema={self.schema}"

    def connect(self) -> Any:
        """A DB-API connection (``execute`` returns a cursor, as in both drivers).

        On SQLite, large sorts may use helper threads, as jinjiecu's store lets
        them. On PostgreSQL, grouping hashes rather than sorts and nothing is
        compiled, as jinjiecu asks too: the planner overestimates the groups and
        would sort every problem, and compiling (JIT) costs more than it saves.
        """
        if self.backend == "sqlite":
            database = sqlite3.connect(self.place)
            database.execute(f"PRAGMA threads = {SORTER_THREADS}")
            return database
        import psycopg  # noqa: PLC0415 - optional dependency

        connection = psycopg.connect(self.place, autocommit=True)
        set_path = psycopg.sql.SQL("SET search_path TO {}").format(
            psycopg.sql.Identifier(self.schema)
        )
        connection.execute(set_path)
        connection.execute("SET enable_sort = off")
        connection.execute("SET jit = off")
        return connection

    def instant(self, moment: dt.datetime) -> str:
        """``moment`` as an SQL literal of the ``at`` column's type."""
        if self.backend == "sqlite":
            return str(_microseconds(moment))
        return f"TIMESTAMPTZ '{moment.isoformat()}'"

    def day(self, day: dt.date) -> str:
        """``day`` as an SQL literal of the date columns' type."""
        return f"'{day.isoformat()}'" if self.backend == "sqlite" else f"DATE '{day.isoformat()}'"


def _microseconds(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def stored_problems(target: Target) -> int:
    """How many problems ``target`` holds (0 if it has no tables yet)."""
    if target.backend == "sqlite" and not Path(target.place).exists():
        return 0
    connection = target.connect()
    try:
        number: int = connection.execute("SELECT count(*) FROM problems").fetchone()[0]
    except (sqlite3.Error, ImportError):
        return 0
    except Exception as error:  # psycopg's UndefinedTable: the schema is new
        if type(error).__module__.startswith("psycopg"):
            return 0
        raise
    finally:
        connection.close()
    return number


def copy_to_postgres(path: Path, target: Target) -> float:
    """Copy the SQLite file's problems and transitions into a new schema; the seconds it took.

    The store makes the schema (tables and indexes); the rows go in with
    ``COPY``, converted from SQLite's microseconds and ISO dates.
    """
    import psycopg  # noqa: PLC0415

    began = time.perf_counter()
    drop_schema(target)
    open_store(target.store_url).close()
    source = sqlite3.connect(path)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    try:
        with target.connect() as connection:
            for table in ("problems", "transitions"):
                cursor = source.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
                instants = [i for i, c in enumerate(columns) if c in INSTANT_COLUMNS]
                days = [i for i, c in enumerate(columns) if c in DAY_COLUMNS]
                statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
                    psycopg.sql.Identifier(table),
                    psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns)),
                )
                with connection.cursor().copy(statement) as copy:
                    for row in cursor:
                        values = list(row)
                        for i in instants:
                            values[i] = epoch + dt.timedelta(microseconds=values[i])
                        for i in days:
                            if values[i] is not None:
                                values[i] = dt.date.fromisoformat(values[i])
                        copy.write_row(values)
            connection.execute("ANALYZE")
    finally:
        source.close()
    return time.perf_counter() - began


def drop_schema(target: Target) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(target.place, autocommit=True) as connection:
        statement = psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
        connection.execute(statement.format(psycopg.sql.Identifier(target.schema)))


def postgres_unreachable(url: str) -> str:
    """Why the server at ``url`` cannot be used ("" if it can)."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError as error:
        return f"psycopg is not installed ({error}); pip install 'jinjiecu[postgres]'"
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__
    return ""


# ---------------------------------------------------------------------- the contenders


def run_library(target: Target, rows: int, case: Case) -> dict[str, Any]:
    with open_store(target.store_url) as store:
        # Once per process, before the clock, as the SQL by hand gets its calendar rows:
        # the store's calendar (the holiday data, about 0.4 s the first time).
        store.counting_rules()
        began = time.perf_counter()
        summary = problem_summary(store, as_of=case.moment(rows), by=case.by)
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "figures": summary_figures(summary)}


def summary_figures(summary: Any) -> dict[str, dict[str, Any]]:
    """Every figure of every row (the total when ungrouped), as plain values."""
    if summary.dimension is None:
        return {"total": figure_values(summary.total)}
    return {str(row.key): figure_values(row.figures) for row in summary.rows}


def figure_values(figures: ProblemFigures) -> dict[str, Any]:
    return attrs.asdict(
        figures, value_serializer=lambda _i, _f, v: str(v) if isinstance(v, Decimal) else v
    )


def headline_of(figures: dict[str, dict[str, Any]]) -> dict[str, list[int]]:
    """The headline counts of every row."""
    return {
        key: [
            values["registered"],
            values["identified"],
            values["in_progress"],
            values["resolved"],
            values["explained"],
            values["closed_resolved"] + values["closed_explained"],
        ]
        for key, values in figures.items()
    }


# The SQL written by hand. Every query runs on both databases: the moment and the
# days are inlined as literals of the right type, and only the latest-transition
# subquery differs (SQLite's bare columns with max(), PostgreSQL's DISTINCT ON).
STANDING = (
    "problem_id, to_state AS state, deadline, suspended_on, settlement, settled_on, "
    "first_assigned_on, ever_settled, ever_reopened, follow_up_outcome, follow_up_satisfaction"
)
EXCLUDED = "('rejected', 'withdrawn', 'merged')"
SETTLED = "('resolved', 'explained', 'closed')"


def latest(target: Target, columns: str, at: str) -> str:
    """Each problem's last transition at or before ``at``."""
    if target.backend == "sqlite":
        return (
            f"SELECT {columns}, max(sequence) FROM transitions WHERE at <= {at} GROUP BY problem_id"
        )
    return (
        f"SELECT DISTINCT ON (problem_id) {columns} FROM transitions WHERE at <= {at} "
        "ORDER BY problem_id DESC, sequence DESC"  # the primary key read backwards: no sort
    )


def group_column(case: Case) -> str:
    return "p.work_group_id" if case.by is Dimension.WORK_GROUP else "'total'"


def run_headline(target: Target, rows: int, case: Case) -> dict[str, Any]:
    """The headline counts only: registered, identified, in progress, resolved, ..."""
    at = target.instant(case.moment(rows))
    query = f"""
        SELECT {group_column(case)},
               count(*),
               SUM(CASE WHEN t.state NOT IN {EXCLUDED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.state IN ('registered', 'assigned', 'in_progress', 'suspended')
                   THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.state = 'resolved' THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.state = 'explained' THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.state = 'closed' THEN 1 ELSE 0 END)
        FROM ({latest(target, "problem_id, to_state AS state", at)}) t
        JOIN problems p ON p.id = t.problem_id
        GROUP BY 1
    """
    connection = target.connect()
    try:
        began = time.perf_counter()
        found = connection.execute(query).fetchall()
        seconds = time.perf_counter() - began
    finally:
        connection.close()
    return {"seconds": seconds, "headline": {row[0]: [int(n) for n in row[1:]] for row in found}}


# Each figure's condition on one problem's ``marked`` row (see by_hand_query).
BY_HAND_FIGURES = {
    "registered": "1 = 1",
    "identified": f"state NOT IN {EXCLUDED}",
    "in_progress": "state IN ('registered', 'assigned', 'in_progress', 'suspended')",
    "resolved": "state = 'resolved'",
    "explained": "state = 'explained'",
    "closed_resolved": "state = 'closed' AND by_resolving = 1",
    "closed_explained": "state = 'closed' AND by_resolving = 0",
    "rejected": "state = 'rejected'",
    "withdrawn": "state = 'withdrawn'",
    "merged": "state = 'merged'",
    "overdue": "overdue = 1",
    "due_soon": "due_soon = 1",
    "due": f"has_deadline = 1 AND (state IN {SETTLED} OR overdue = 1)",
    "settled_on_time": f"state IN {SETTLED} AND by_deadline = 1",
    "settled_ever": f"state NOT IN {EXCLUDED} AND ever_settled = 1",
    "reopened_ever": f"state NOT IN {EXCLUDED} AND ever_reopened = 1",
    "followed_up": f"state IN {SETTLED} AND outcome IS NOT NULL",
    "follow_up_solved": f"state IN {SETTLED} AND outcome = 'solved'",
    "follow_up_satisfied": (
        f"state IN {SETTLED} AND satisfaction IN ('satisfied', 'basically_satisfied')"
    ),
}
MARKS = (
    "grp, state, overdue, due_soon, has_deadline, by_deadline, ever_settled, ever_reopened, "
    "by_resolving, outcome, satisfaction, registered_on, first_assigned_on, settled_on"
)


def by_hand_query(
    target: Target, rows: int, case: Case, *, group_first: bool, current: bool = False
) -> str:
    """Every figure in one statement, grouped by row and by the four spans of days.

    ``marked`` holds one row per problem: its state and what its deadline,
    settlement and follow-up say, as 0/1 columns. The spans come from a
    calendar table (``cal``: working days counted up to each day). With
    ``group_first``, problems sharing all of that are grouped before the
    calendar is joined, so the calendar is looked up once per group instead
    of three times per problem. With ``current``, each problem's standing is
    read from :data:`CURRENT_TABLE`, a table of where each problem stands now
    that an application would keep up to date itself, rather than from its
    last transition (only right when no transition is later than the moment).
    """
    moment = case.moment(rows)
    today = local_date(moment)
    calendar = china_calendar()
    counted_today = calendar_rows()[today][0]
    working_today = int(calendar.is_working_day(today))
    soon_until = calendar.add_working_days(today, DEFAULT_RULES.due_soon_working_days + 1)
    soon_from = calendar.previous_working_day(today)
    day = target.day
    # While suspended, the deadline moves on one working day per working day of the
    # pause; once the pause has begun, that leaves the problem overdue exactly when it
    # was suspended after the deadline (or on it, and today is a day off).
    overdue = f"""CASE
        WHEN t.deadline IS NULL THEN 0
        WHEN t.state IN ('assigned', 'in_progress') THEN
            CASE WHEN t.deadline < {day(today)} THEN 1 ELSE 0 END
        WHEN t.state = 'suspended' THEN
            CASE
            WHEN (SELECT counted FROM cal WHERE day = t.suspended_on) >= {counted_today} THEN
                CASE WHEN t.deadline < {day(today)} THEN 1 ELSE 0 END
            WHEN (SELECT counted FROM cal WHERE day = t.suspended_on)
                 > (SELECT counted FROM cal WHERE day = t.deadline) THEN 1
            WHEN (SELECT counted FROM cal WHERE day = t.suspended_on)
                 = (SELECT counted FROM cal WHERE day = t.deadline) AND {working_today} = 0 THEN 1
            ELSE 0 END
        ELSE 0 END"""
    marked = f"""
        SELECT {group_column(case)} AS grp, t.state, p.registered_on, t.first_assigned_on,
               t.settled_on, {overdue} AS overdue,
               CASE WHEN t.state IN ('assigned', 'in_progress')
                    AND t.deadline BETWEEN {day(soon_from)} AND {day(soon_until - ONE_DAY)}
                    THEN 1 ELSE 0 END AS due_soon,
               CASE WHEN t.deadline IS NULL THEN 0 ELSE 1 END AS has_deadline,
               CASE WHEN t.settled_on <= t.deadline THEN 1 ELSE 0 END AS by_deadline,
               t.ever_settled, t.ever_reopened,
               CASE WHEN t.settlement = 'resolve' THEN 1 ELSE 0 END AS by_resolving,
               t.follow_up_outcome AS outcome, t.follow_up_satisfaction AS satisfaction
        FROM ({latest(target, STANDING, target.instant(moment))}) t
        JOIN problems p ON p.id = t.problem_id
    """
    if current:  # one row per problem, nothing to join
        marked = marked.replace("p.", "t.").split("FROM (")[0] + f"FROM {CURRENT_TABLE} t"
    counted = f"state NOT IN {EXCLUDED}"
    spans = f"""
        CASE WHEN {counted} AND first_assigned_on IS NOT NULL
             THEN ca.counted - cr.counted END,
        CASE WHEN {counted} AND first_assigned_on IS NOT NULL
             THEN ca.serial - cr.serial END,
        CASE WHEN {counted} AND settled_on IS NOT NULL THEN cz.counted - cr.counted END,
        CASE WHEN {counted} AND settled_on IS NOT NULL THEN cz.serial - cr.serial END
    """
    joins = """
        LEFT JOIN cal cr ON cr.day = registered_on
        LEFT JOIN cal ca ON ca.day = first_assigned_on
        LEFT JOIN cal cz ON cz.day = settled_on
    """
    if group_first:
        source = f"(SELECT {MARKS}, count(*) AS n FROM ({marked}) m GROUP BY {MARKS}) g"
        weight = "n"
    else:
        source = f"({marked}) m"
        weight = "1"
    sums = ", ".join(
        f"SUM(CASE WHEN {condition} THEN {weight} ELSE 0 END)"
        for condition in BY_HAND_FIGURES.values()
    )
    return f"SELECT grp, {spans}, {sums} FROM {source} {joins} GROUP BY 1, 2, 3, 4, 5"


ONE_DAY = dt.timedelta(days=1)
EVER = dt.datetime(9000, 1, 1, tzinfo=CHINA_TZ)
CURRENT_TABLE = "bench_current"
"""The hand-maintained table of where each problem stands now (the baseline of the read model)."""


def make_current_table(target: Target) -> None:
    """Fill :data:`CURRENT_TABLE` from each problem's last transition (not timed).

    What an application that kept such a table by hand would have: one row per
    problem, its work group, registration day and standing.
    """
    connection = target.connect()
    try:
        connection.execute(f"DROP TABLE IF EXISTS {CURRENT_TABLE}")
        connection.execute(
            f"CREATE TABLE {CURRENT_TABLE} AS SELECT p.work_group_id, p.registered_on, t.* "
            f"FROM ({latest(target, STANDING, target.instant(EVER))}) t "
            "JOIN problems p ON p.id = t.problem_id"
        )
        if target.backend == "sqlite":
            connection.commit()
        connection.execute(f"ANALYZE {CURRENT_TABLE}")
        if target.backend == "sqlite":
            connection.commit()
    finally:
        connection.close()


@functools.cache
def calendar_rows() -> dict[dt.date, tuple[int, int]]:
    """Every covered day: (working days up to and including it, its ordinal)."""
    calendar = china_calendar()
    rows = {}
    counted = 0
    day = calendar.first_day
    while day <= calendar.last_day:
        counted += calendar.is_working_day(day)
        rows[day] = (counted, day.toordinal())
        day += ONE_DAY
    return rows


def make_calendar(connection: Any, target: Target) -> None:
    """The temporary ``cal`` table the hand-written SQL looks working days up in."""
    day_type = "TEXT" if target.backend == "sqlite" else "DATE"
    clustered = " WITHOUT ROWID" if target.backend == "sqlite" else ""
    connection.execute(
        f"CREATE TEMPORARY TABLE cal (day {day_type} PRIMARY KEY, "
        f"counted INTEGER NOT NULL, serial INTEGER NOT NULL){clustered}"
    )
    values = [
        (day.isoformat() if target.backend == "sqlite" else day, counted, serial)
        for day, (counted, serial) in calendar_rows().items()
    ]
    marks = "?, ?, ?" if target.backend == "sqlite" else "%s, %s, %s"
    connection.cursor().executemany(f"INSERT INTO cal VALUES ({marks})", values)


def run_by_hand(
    target: Target, rows: int, case: Case, *, group_first: bool, current: bool = False
) -> dict[str, Any]:
    """Every figure from hand-written SQL; mean, median and 90th percentile from histograms."""
    query = by_hand_query(target, rows, case, group_first=group_first, current=current)
    connection = target.connect()
    try:
        began = time.perf_counter()
        make_calendar(connection, target)
        found = connection.execute(query).fetchall()
        counts: dict[str, Counter[str]] = {}
        durations: dict[str, list[Counter[int]]] = {}
        for group, *values in found:
            spans, sums = values[:4], values[4:]
            counts.setdefault(group, Counter()).update(
                {name: int(n) for name, n in zip(BY_HAND_FIGURES, sums, strict=True)}
            )
            histograms = durations.setdefault(group, [Counter() for _ in range(4)])
            for histogram, days in zip(histograms, spans, strict=True):
                if days is not None:
                    histogram[int(days)] += int(sums[0])  # the problems of this span
        figures = {
            group: ProblemFigures(
                **_as_counts(counts[group]),
                response_working_days=DurationStats.from_counts(durations[group][0]),
                response_calendar_days=DurationStats.from_counts(durations[group][1]),
                resolution_working_days=DurationStats.from_counts(durations[group][2]),
                resolution_calendar_days=DurationStats.from_counts(durations[group][3]),
            )
            for group in counts
        }
        seconds = time.perf_counter() - began
    finally:
        connection.close()
    return {
        "seconds": seconds,
        "figures": {group: figure_values(values) for group, values in figures.items()},
    }


def run_pandas(target: Target, rows: int, case: Case) -> dict[str, Any]:
    """Load the same rows into pandas, then only the headline counts (a lower bound)."""
    import warnings  # noqa: PLC0415

    import pandas as pd  # noqa: PLC0415 - only this contender needs it

    moment = case.moment(rows)
    cutoff: Any = _microseconds(moment) if target.backend == "sqlite" else pd.Timestamp(moment)
    connection = target.connect()
    try:
        with warnings.catch_warnings():  # pandas prefers SQLAlchemy to a psycopg connection
            warnings.simplefilter("ignore", UserWarning)
            began = time.perf_counter()
            problems = pd.read_sql_query(
                "SELECT id, work_group_id, registered_on FROM problems", connection
            )
            history = pd.read_sql_query(
                f"SELECT sequence, at, {STANDING} FROM transitions",
                connection,
            )
            history = history[history["at"] <= cutoff]
            last = history.sort_values(["problem_id", "sequence"]).groupby("problem_id").tail(1)
            table = last.merge(problems, left_on="problem_id", right_on="id")
            if case.by is Dimension.WORK_GROUP:
                counts = pd.crosstab(table["work_group_id"], table["state"])
            else:
                counts = table.groupby(lambda _row: "total")["state"].value_counts().unstack()
            seconds = time.perf_counter() - began
    finally:
        connection.close()
    active = [s for s in ("registered", "assigned", "in_progress", "suspended") if s in counts]
    excluded = [s for s in ("rejected", "withdrawn", "merged") if s in counts]
    headline = {}
    for group, row in counts.fillna(0).iterrows():
        total = int(row.sum())
        headline[str(group)] = [
            total,
            total - int(row[excluded].sum()),
            int(row[active].sum()),
            *(int(row[state]) if state in counts else 0 for state in HEADLINE[3:]),
        ]
    return {"seconds": seconds, "headline": headline}


def run_memory(_target: Target, rows: int, case: Case) -> dict[str, Any]:
    with open_store("memory://") as store:
        for start in range(0, rows, BATCH):
            store.problems.add_many(
                [make_problem(n) for n in range(start, min(start + BATCH, rows))]
            )
        began = time.perf_counter()
        summary = problem_summary(store, as_of=case.moment(rows), by=case.by)
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "figures": summary_figures(summary)}


PHASES: dict[str, Callable[[Target, int, Case], dict[str, Any]]] = {
    "jinjiecu": run_library,
    "by-hand-two-stage": functools.partial(run_by_hand, group_first=True),
    "by-hand-one-query": functools.partial(run_by_hand, group_first=False),
    "by-hand-current": functools.partial(run_by_hand, group_first=True, current=True),
    "headline": run_headline,
    "pandas": run_pandas,
    "memory": run_memory,
}
NAMES = {
    "jinjiecu": "jinjiecu problem_summary",
    "by-hand-current": "SQL by hand, current table",
    "by-hand-two-stage": "SQL by hand, grouped first",
    "by-hand-one-query": "SQL by hand, one pass",
    "headline": "SQL by hand, headline only",
    "pandas": "pandas, same rows, headline",
}
NOW_ONLY = frozenset({"by-hand-current"})
"""Contenders that only count the current figures (a table of where problems stand now)."""


def run_phase(phase: str, target: Target, rows: int, case: str) -> dict[str, Any]:
    """Run one contender in a fresh process; what it measured."""
    arguments = ["--phase", phase, "--backend", target.backend, "--place", target.place]
    arguments += ["--schema", target.schema, "--rows", str(rows), "--case", case]
    return run_alone(__file__, arguments, f"the {phase} run ({target.backend}, {case})")


def compare(target: Target, rows: int, memory: dict[str, dict[str, Any]]) -> None:
    """Run every contender on ``target`` for each case, check they agree, print the figures."""
    connection = target.connect()
    try:
        transitions = connection.execute("SELECT count(*) FROM transitions").fetchone()[0]
    finally:
        connection.close()
    make_current_table(target)
    print(f"\n{describe(target)}: {rows:,} problems, {transitions:,} transitions")
    for key, case in CASES.items():
        now = key == "by-group"  # as of the end of the history: the current figures
        phases = [phase for phase in NAMES if now or phase not in NOW_ONLY]
        results = {phase: run_phase(phase, target, rows, key) for phase in phases}
        library = results["jinjiecu"]
        for phase in ("by-hand-two-stage", "by-hand-one-query", *(NOW_ONLY if now else ())):
            if results[phase]["figures"] != library["figures"]:
                sys.exit(f"{phase} and jinjiecu disagree ({target.backend}, {key})")
        for phase in ("headline", "pandas"):
            if results[phase]["headline"] != headline_of(library["figures"]):
                sys.exit(f"{phase} and jinjiecu disagree on the headline ({target.backend}, {key})")
        path = (
            "each problem's row"
            if now
            else "the rows of the problems unchanged since, the history of the others"
        )
        print(f"{case.title}, {case.moment(rows).isoformat()} (jinjiecu reads {path}):")
        for phase in phases:
            figures = results[phase]
            print(
                f"  {NAMES[phase]:<30} {figures['seconds']:>8.2f} s  "
                f"peak RSS {figures['peak_mb']:,.0f} MB"
            )
        print(
            f"  {'memory store (' + format(memory[key]['rows'], ',') + ' problems)':<30} "
            f"{memory[key]['seconds']:>8.2f} s  peak RSS {memory[key]['peak_mb']:,.0f} MB"
        )
        seconds = library["seconds"]
        best = min(results[p]["seconds"] for p in ("by-hand-two-stage", "by-hand-one-query"))
        pandas = results["pandas"]["seconds"]
        headline = results["headline"]["seconds"]
        if now:
            current = results["by-hand-current"]["seconds"]
            print(
                "  ratio (jinjiecu / SQL by hand over a current table, target <= 1.2): "
                f"{seconds / current:.2f}"
            )
            print(f"  jinjiecu seconds (target < 1 s at 1,000,000 problems): {seconds:.2f}")
        print(f"  ratio (jinjiecu / best SQL by hand over the history): {seconds / best:.2f}")
        print(f"  ratio (pandas / jinjiecu, target >= 3): {pandas / seconds:.2f}")
        target_note = "" if now else ", target <= 1.5"
        print(
            f"  ratio (jinjiecu / SQL by hand over the history, headline only{target_note}): "
            f"{seconds / headline:.2f}"
        )
        print(f"  jinjiecu peak memory (target < 200 MB): {library['peak_mb']:,.0f} MB")


def describe(target: Target) -> str:
    if target.backend == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}"
    connection = target.connect()
    try:
        version = connection.execute("SHOW server_version").fetchone()[0]
    finally:
        connection.close()
    return f"PostgreSQL {version} ({mask_url(target.place)}, schema {target.schema})"


def run_memory_cases(rows: int) -> dict[str, dict[str, Any]]:
    target = Target(backend="memory", place="")
    results = {}
    for key in CASES:
        results[key] = run_phase("memory", target, rows, key)
        results[key]["rows"] = rows
    return results


def _as_counts(counted: Counter[str]) -> dict[str, Any]:
    """Keyword arguments of ProblemFigures: the counts, by name."""
    return {name: int(n) for name, n in counted.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="problems in the stores")
    parser.add_argument("--memory-rows", type=int, default=MEMORY_ROWS, help="in the memory run")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} problems")
    parser.add_argument("--db", type=Path, help="keep the SQLite file here and reuse it")
    parser.add_argument(
        "--url",
        default=os.environ.get("JINJIECU_TEST_POSTGRES_URL", DEFAULT_URL),
        help="the PostgreSQL server (a database the benchmark may create a schema in)",
    )
    parser.add_argument("--pg-schema", help="keep the PostgreSQL copy in this schema and reuse it")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--place", help=argparse.SUPPRESS)
    parser.add_argument("--schema", default="", help=argparse.SUPPRESS)
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # one contender, in this process: print what it measured
        target = Target(backend=args.backend, place=args.place, schema=args.schema)
        figures = PHASES[args.phase](target, args.rows, CASES[args.case])
        figures["peak_mb"] = peak_mb()
        print(json.dumps(figures))
        return
    rows = QUICK_ROWS if args.quick else args.rows
    memory_rows = QUICK_MEMORY_ROWS if args.quick else args.memory_rows
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-") as folder:
        path = args.db if args.db is not None else Path(folder) / "metrics.db"
        sqlite = Target(backend="sqlite", place=str(path))
        if stored_problems(sqlite) != rows:
            path.unlink(missing_ok=True)
            seconds = build(path, rows)
            print(f"built {rows:,} problems in SQLite in {seconds:.0f} s (not timed below)")
        memory = run_memory_cases(memory_rows)
        compare(sqlite, rows, memory)
        if args.no_postgres:
            return
        reason = postgres_unreachable(args.url)
        if reason:
            print(f"\nPostgreSQL skipped ({mask_url(args.url)}): {reason}")
            return
        schema = args.pg_schema or f"jinjiecu_bench_metrics_{uuid.uuid4().hex[:8]}"
        postgres = Target(backend="postgresql", place=args.url, schema=schema)
        try:
            if stored_problems(postgres) != rows:
                seconds = copy_to_postgres(path, postgres)
                print(f"\ncopied them into PostgreSQL in {seconds:.0f} s (not timed below)")
            compare(postgres, rows, memory)
        finally:
            if args.pg_schema is None:
                drop_schema(postgres)


if __name__ == "__main__":
    main()
