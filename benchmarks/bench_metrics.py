"""Problem figures by work group as of a date: jinjiecu on SQLite against SQL by hand and pandas.

Builds N problems (default 1,000,000) with about five transitions each
(register, assign, start, then resolve, explain or suspend, and for some a
follow-up and close), through the domain API, and loads them into an SQLite
file with ``add_many``. Then, each in a process of its own so that its peak
memory is its own, it computes the figures by work group as of a moment in
the middle of the history:

- **jinjiecu**: ``problem_summary(store, as_of=..., by=Dimension.WORK_GROUP)``,
  every figure of the definitions (counts, overdue, due soon, follow-up
  rates, response and resolution times in working and calendar days);
- **SQL by hand** (the baseline): one query a developer would write over the
  same tables for the headline figures (registered, identified, in progress,
  resolved, explained, closed, excluded) per group: the last transition at
  or before the moment, joined to the problem, counted by state;
- **pandas**: the same headline figures from ``read_sql`` of the two tables,
  the last transition per problem and a cross-tabulation;
- **memory store**: ``problem_summary`` on the memory store, for a smaller N
  (``--memory-rows``, default 100,000), since it holds every problem in memory;
  loading is not timed.

It checks that the three headline tables agree, then prints each time, the
ratios (jinjiecu / SQL by hand, target at most 1.5; pandas / jinjiecu, target
at least 3) and each process's peak resident set size (target under 200 MB
for jinjiecu). Nothing here asserts a time: the figures depend on the machine.

Run: ``python benchmarks/bench_metrics.py [--rows N] [--quick] [--db PATH]``
(``--quick``: 6,000 problems and 2,000 in memory; ``--db`` keeps the built file
and reuses it when it already holds N problems).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jinjiecu.domain.clock import CHINA_TZ
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
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.storage import open_store

FULL_ROWS = 1_000_000
QUICK_ROWS = 6_000
MEMORY_ROWS = 100_000
QUICK_MEMORY_ROWS = 2_000
BATCH = 20_000
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
INSTANT_COLUMNS = ("registered_at", "at")
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


def moment_for(rows: int) -> dt.datetime:
    """The middle of the history: half the problems registered, most of them settled."""
    weeks, rest = divmod(rows // 2, TEMPLATES)
    return START + dt.timedelta(weeks=weeks) + rest * SPREAD


# ---------------------------------------------------------------------- the contenders


def run_library(path: Path, rows: int) -> dict[str, Any]:
    with open_store(f"sqlite:///{path}") as store:
        began = time.perf_counter()
        summary = problem_summary(store, as_of=moment_for(rows), by=Dimension.WORK_GROUP)
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "headline": _library_headline(summary)}


def _library_headline(summary: Any) -> dict[str, list[int]]:
    return {
        str(row.key): [
            row.figures.registered,
            row.figures.identified,
            row.figures.in_progress,
            row.figures.resolved,
            row.figures.explained,
            row.figures.closed,
        ]
        for row in summary.rows
    }


BY_HAND = """
SELECT p.work_group_id,
       count(*),
       SUM(CASE WHEN t.to_state NOT IN ('rejected', 'withdrawn', 'merged') THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.to_state IN ('registered', 'assigned', 'in_progress', 'suspended')
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.to_state = 'resolved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.to_state = 'explained' THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.to_state = 'closed' THEN 1 ELSE 0 END)
FROM (SELECT problem_id, to_state, max(sequence) FROM transitions
      WHERE at <= ? GROUP BY problem_id) t
JOIN problems p ON p.id = t.problem_id
GROUP BY p.work_group_id
"""


def _microseconds(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def run_by_hand(path: Path, rows: int) -> dict[str, Any]:
    connection = sqlite3.connect(path)
    try:
        began = time.perf_counter()
        found = connection.execute(BY_HAND, [_microseconds(moment_for(rows))]).fetchall()
        seconds = time.perf_counter() - began
    finally:
        connection.close()
    return {"seconds": seconds, "headline": {row[0]: list(row[1:]) for row in found}}


def run_pandas(path: Path, rows: int) -> dict[str, Any]:
    import pandas as pd  # noqa: PLC0415 - only this contender needs it

    connection = sqlite3.connect(path)
    try:
        began = time.perf_counter()
        problems = pd.read_sql_query("SELECT id, work_group_id FROM problems", connection)
        history = pd.read_sql_query(
            "SELECT problem_id, sequence, at, to_state FROM transitions", connection
        )
        history = history[history["at"] <= _microseconds(moment_for(rows))]
        last = history.sort_values(["problem_id", "sequence"]).groupby("problem_id").tail(1)
        table = last.merge(problems, left_on="problem_id", right_on="id")
        counts = pd.crosstab(table["work_group_id"], table["to_state"])
        seconds = time.perf_counter() - began
    finally:
        connection.close()
    active = [s for s in ("registered", "assigned", "in_progress", "suspended") if s in counts]
    excluded = [s for s in ("rejected", "withdrawn", "merged") if s in counts]
    headline = {}
    for group, row in counts.iterrows():
        total = int(row.sum())
        headline[str(group)] = [
            total,
            total - int(row[excluded].sum()),
            int(row[active].sum()),
            *(int(row[state]) if state in counts else 0 for state in HEADLINE[3:]),
        ]
    return {"seconds": seconds, "headline": headline}


def run_memory(_path: Path, rows: int) -> dict[str, Any]:
    with open_store("memory://") as store:
        for start in range(0, rows, BATCH):
            store.problems.add_many(
                [make_problem(n) for n in range(start, min(start + BATCH, rows))]
            )
        began = time.perf_counter()
        summary = problem_summary(store, as_of=moment_for(rows), by=Dimension.WORK_GROUP)
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "headline": _library_headline(summary)}


PHASES = {
    "jinjiecu": run_library,
    "by-hand": run_by_hand,
    "pandas": run_pandas,
    "memory": run_memory,
}


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if platform.system() != "Darwin" else peak / 1024 / 1024


def run_phase(phase: str, path: Path, rows: int) -> dict[str, Any]:
    """Run one contender in a fresh process; what it measured."""
    command = [sys.executable, __file__, "--phase", phase, "--db", str(path), "--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the {phase} run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def stored_problems(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(path)
    try:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'problems'"
        ).fetchone()
        if not found[0]:
            return 0
        number: int = connection.execute("SELECT count(*) FROM problems").fetchone()[0]
        return number
    finally:
        connection.close()


def compare(path: Path, rows: int, memory_rows: int) -> None:
    if stored_problems(path) != rows:
        path.unlink(missing_ok=True)
        seconds = build(path, rows)
        print(f"built {rows:,} problems in {seconds:.0f} s (not part of the comparison)")
    transitions = sqlite3.connect(path).execute("SELECT count(*) FROM transitions").fetchone()[0]
    results = {phase: run_phase(phase, path, rows) for phase in ("by-hand", "jinjiecu", "pandas")}
    memory = run_phase("memory", path, memory_rows)
    for phase in ("jinjiecu", "pandas"):
        if results[phase]["headline"] != results["by-hand"]["headline"]:
            sys.exit(f"{phase} and the SQL by hand disagree on the headline figures")
    print(
        f"figures by work group ({GROUPS} groups) as of {moment_for(rows).isoformat()}: "
        f"{rows:,} problems, {transitions:,} transitions"
    )
    print(f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}")
    names = {
        "by-hand": "SQL by hand (headline)",
        "jinjiecu": "jinjiecu problem_summary",
        "pandas": "pandas read_sql + groupby",
    }
    for phase, name in names.items():
        figures = results[phase]
        print(f"{name:<30} {figures['seconds']:>8.2f} s  peak RSS {figures['peak_mb']:,.0f} MB")
    print(
        f"{'memory store (' + format(memory_rows, ',') + ' problems)':<30} "
        f"{memory['seconds']:>8.2f} s  peak RSS {memory['peak_mb']:,.0f} MB"
    )
    library = results["jinjiecu"]["seconds"]
    print(
        "ratio (jinjiecu / SQL by hand, target <= 1.5): "
        f"{library / results['by-hand']['seconds']:.2f}"
    )
    print(f"ratio (pandas / jinjiecu, target >= 3): {results['pandas']['seconds'] / library:.2f}")
    print(
        f"jinjiecu peak memory (target < 200 MB): {results['jinjiecu']['peak_mb']:,.0f} MB; "
        "peak memory is each process's peak resident set size (getrusage ru_maxrss)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="problems in the store")
    parser.add_argument("--memory-rows", type=int, default=MEMORY_ROWS, help="in the memory run")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} problems")
    parser.add_argument("--db", type=Path, help="keep the SQLite file here and reuse it")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = QUICK_ROWS if args.quick else args.rows
    memory_rows = QUICK_MEMORY_ROWS if args.quick else args.memory_rows
    if args.phase:  # one contender, in this process: print what it measured
        figures = PHASES[args.phase](args.db, args.rows)
        figures["peak_mb"] = peak_mb()
        print(json.dumps(figures))
        return
    if args.db is not None:
        compare(args.db, rows, memory_rows)
        return
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-") as folder:
        compare(Path(folder) / "metrics.db", rows, memory_rows)


if __name__ == "__main__":
    main()
