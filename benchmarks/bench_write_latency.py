"""One problem event, its own transaction: jinjiecu's ``apply`` against raw single-row SQLite.

Each contender writes N events one by one, each committed on its own (what a
clerk's click does), into a file of its own with the library's settings (WAL,
synchronous=FULL, foreign keys on); the contenders take turns event by event,
so that the machine's drift hits all alike. The median and 90th percentile
latency are printed:

- **raw insert** (the baseline): ``BEGIN IMMEDIATE``, one ``INSERT`` of a
  prepared transition row, ``COMMIT``;
- **raw, problem row as in version 2** and **with read model**: the same, and
  the ``UPDATE`` of the problem's row that checks its version, with the
  columns it had before the read model and with the read model's too; the
  difference is what keeping the read model adds to a write (target: at most
  0.3 of the raw insert);
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


_BEFORE_READ_MODEL = sql.PROBLEM_COLUMNS[: sql.PROBLEM_COLUMNS.index("suspended_on")]
"""The problem row's columns before the read model (schema version 2)."""


class Raw:
    """One raw contender: its own file, its statements, its prepared rows."""

    def __init__(self, path: Path, problems: list[Problem], columns: tuple[str, ...]) -> None:
        with open_store(f"sqlite:///{path}") as store:
            store.problems.add_many(problems)
        self.columns = columns
        self.steps: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
        for problem in problems:
            current = problem
            for event, moment in events_of(int(problem.id[2:])):
                current = current.apply(event, at=moment, actor=CLERK)
                rows = list(sql.transition_rows(current, sql.SQLITE, after=current.version - 1))
                self.steps.append((rows[0], sql.problem_row(current, sql.SQLITE)))
        self.insert = (
            f"INSERT INTO transitions ({', '.join(sql.TRANSITION_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(sql.TRANSITION_COLUMNS))})"
        )
        self.update = (
            "UPDATE problems SET "
            + ", ".join(f"{column} = ?" for column in columns[1:])
            + " WHERE id = ? AND version = ?"
        )
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA foreign_keys = ON")
        self.connection.execute("PRAGMA synchronous = FULL")

    def write(self, index: int) -> float:
        transition_row, problem_row = self.steps[index]
        values = problem_row[1 : len(self.columns)]
        began = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute(self.insert, transition_row)
        if len(self.columns) > 1:
            self.connection.execute(self.update, [*values, problem_row[0], problem_row[1] - 1])
        self.connection.execute("COMMIT")
        return time.perf_counter() - began


def measure(folder: Path, count: int) -> dict[str, list[float]]:
    """Every contender's latencies, event by event in turn, so that drift hits all alike."""
    problems = [registered(n) for n in range(-(-count // 3))]
    raws = {
        "raw insert": Raw(folder / "raw.db", problems, ("id",)),
        "raw, problem row as in version 2": Raw(folder / "v2.db", problems, _BEFORE_READ_MODEL),
        "raw, problem row with read model": Raw(folder / "v3.db", problems, sql.PROBLEM_COLUMNS),
    }
    events = [
        (problem.id, event, moment)
        for problem in problems
        for event, moment in events_of(int(problem.id[2:]))
    ][:count]
    latencies: dict[str, list[float]] = {name: [] for name in (*raws, "jinjiecu apply")}
    with open_store(f"sqlite:///{folder / 'library.db'}") as store:
        store.problems.add_many(problems)
        for index, (problem_id, event, moment) in enumerate(events):
            for name, raw in raws.items():
                latencies[name].append(raw.write(index))
            began = time.perf_counter()
            store.problems.apply(problem_id, event, at=moment, actor=CLERK)
            latencies["jinjiecu apply"].append(time.perf_counter() - began)
    for raw in raws.values():
        raw.connection.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS, help="events to write")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EVENTS} events")
    args = parser.parse_args()
    count = QUICK_EVENTS if args.quick else args.events
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-") as folder:
        results = measure(Path(folder), count)
    print(f"{count:,} events, each its own transaction (WAL, synchronous=FULL)")
    print(f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}")
    medians = {}
    for name, latencies in results.items():
        if len(latencies) != count:
            sys.exit(f"{name} wrote {len(latencies)} events, not {count}")
        median, p90 = percentiles(latencies)
        medians[name] = median
        print(f"  {name:<34} median {median:7.3f} ms   90th percentile {p90:7.3f} ms")
    raw = medians["raw insert"]
    added = (
        medians["raw, problem row with read model"] - medians["raw, problem row as in version 2"]
    )
    print(f"read model's share of a raw insert (target <= 0.30): {added / raw:.2f}")
    print(f"ratio (jinjiecu apply / raw insert): {medians['jinjiecu apply'] / raw:.2f}")


if __name__ == "__main__":
    main()
