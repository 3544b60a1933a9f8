"""One problem event, its own transaction: jinjiecu's ``apply`` against raw single-row SQLite.

Each contender writes N events one by one, each committed on its own (what a
clerk's click does), into a file with the library's settings (WAL,
synchronous=FULL, foreign keys on), and the median and 90th percentile
latency are printed:

- **raw insert** (the baseline): ``BEGIN IMMEDIATE``, one ``INSERT`` of a
  prepared transition row, ``COMMIT``;
- **raw insert + read model**: the same, and the ``UPDATE`` of the problem's
  row (its version and where it stands now), as the library writes them;
  this is what keeping the read model costs a write (target: at most 1.3
  times the raw insert);
- **jinjiecu apply**: ``store.problems.apply(problem_id, event, ...)``: loading
  the problem, checking the event against the workflow, the version check,
  the transition and its problem's row, the hash chain and the audit entry.

Run: ``python benchmarks/bench_write_latency.py [--events N] [--quick]``
(``--quick``: 200 events). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import Assign, Escalate, Register, Start
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.storage import open_store, sql

EVENTS = 2_000
QUICK_EVENTS = 200
CLERK = Actor(kind=ActorKind.CLERK, id="clerk-bench", name="王芳")
START = at(dt.date(2023, 3, 6))


def registered(number: int) -> Problem:
    return Problem.register(
        Register(
            title=f"企业诉求{number}",
            category="financing",
            region_id=RegionId("371481"),
            enterprise_id=EnterpriseId(f"e-{number:05d}"),
        ),
        at=START + dt.timedelta(minutes=number),
        actor=CLERK,
        id=ProblemId(f"p-{number:05d}"),
    )


def events_of(number: int) -> list[tuple[Any, dt.datetime]]:
    """Three events for problem ``number``: assign, start, escalate."""
    moment = START + dt.timedelta(minutes=number, days=1)
    return [
        (Assign(lead_department_id=DepartmentId("d-1")), moment),
        (Start(), moment + dt.timedelta(hours=1)),
        (Escalate(), moment + dt.timedelta(hours=2)),
    ]


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds."""
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9)] * 1000


def library(path: Path, count: int) -> list[float]:
    problems = [registered(n) for n in range(-(-count // 3))]
    latencies: list[float] = []
    with open_store(f"sqlite:///{path}") as store:
        store.problems.add_many(problems)
        for problem in problems:
            for event, moment in events_of(int(problem.id[2:])):
                if len(latencies) == count:
                    return latencies
                began = time.perf_counter()
                store.problems.apply(problem.id, event, at=moment, actor=CLERK)
                latencies.append(time.perf_counter() - began)
    return latencies


def raw(path: Path, count: int, *, read_model: bool) -> list[float]:
    """The same transitions' rows, prepared before the clock starts, one committed insert each."""
    problems = [registered(n) for n in range(-(-count // 3))]
    open_store(f"sqlite:///{path}").close()
    with open_store(f"sqlite:///{path}") as store:
        store.problems.add_many(problems)
    steps: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    for problem in problems:
        current = problem
        for event, moment in events_of(int(problem.id[2:])):
            current = current.apply(event, at=moment, actor=CLERK)
            rows = list(sql.transition_rows(current, sql.SQLITE, after=current.version - 1))
            steps.append((rows[0], sql.problem_row(current, sql.SQLITE)))
    insert = (
        f"INSERT INTO transitions ({', '.join(sql.TRANSITION_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(sql.TRANSITION_COLUMNS))})"
    )
    update = (
        "UPDATE problems SET "
        + ", ".join(f"{column} = ?" for column in sql.PROBLEM_COLUMNS[1:])
        + " WHERE id = ? AND version = ?"
    )
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    latencies: list[float] = []
    try:
        for transition_row, problem_row in steps[:count]:
            began = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(insert, transition_row)
            if read_model:
                connection.execute(update, [*problem_row[1:], problem_row[0], problem_row[1] - 1])
            connection.execute("COMMIT")
            latencies.append(time.perf_counter() - began)
    finally:
        connection.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS, help="events to write")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EVENTS} events")
    args = parser.parse_args()
    count = QUICK_EVENTS if args.quick else args.events
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-") as folder:
        base = Path(folder)
        results = {
            "raw insert": raw(base / "raw.db", count, read_model=False),
            "raw insert + read model": raw(base / "raw-model.db", count, read_model=True),
            "jinjiecu apply": library(base / "library.db", count),
        }
    print(f"{count:,} events, each its own transaction (WAL, synchronous=FULL)")
    print(f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}")
    medians = {}
    for name, latencies in results.items():
        if len(latencies) != count:
            sys.exit(f"{name} wrote {len(latencies)} events, not {count}")
        median, p90 = percentiles(latencies)
        medians[name] = median
        print(f"  {name:<26} median {median:7.3f} ms   90th percentile {p90:7.3f} ms")
    model = medians["raw insert + read model"] / medians["raw insert"]
    library_ratio = medians["jinjiecu apply"] / medians["raw insert"]
    print(f"ratio (raw insert + read model / raw insert, target <= 1.3): {model:.2f}")
    print(f"ratio (jinjiecu apply / raw insert): {library_ratio:.2f}")


if __name__ == "__main__":
    main()
