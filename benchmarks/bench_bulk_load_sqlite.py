"""Bulk load into SQLite: jinjiecu's ``add_many`` against raw ``sqlite3`` ``executemany``.

Builds N problems, each with its registration transition, then loads them

- with the library: ``store.problems.add_many(batch)`` into a fresh file made by
  ``open_store`` (one transaction a batch), timing only the ``add_many`` calls;
- raw (the baseline): into a fresh file with the same schema and indexes (made
  by the library, then closed), ``BEGIN IMMEDIATE``, ``executemany`` of the same
  ``problems``, ``transitions`` and hash-chain rows (built before the clock
  starts, with the library's own row functions and canonical text), ``COMMIT``,
  batch by batch;

and prints rows per second for both and the ratio (library / raw; the target
is at least 0.8). Both files use the library's settings: WAL, synchronous=FULL,
foreign keys on, SQLite's default cache; the script prints them as read back.

Each load runs in a process of its own, so the peak memory printed for it is
that process's peak resident set size (``resource.getrusage(...).ru_maxrss``),
including the problems it generated.

Run: ``python benchmarks/bench_bulk_load_sqlite.py [--rows N] [--quick] [--batch B]``
(N defaults to 1,000,000; ``--quick`` loads 20,000).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _process import peak_mb, run_alone

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import HandlingLevel, Register, Scope
from jinjiecu.domain.ids import (
    CampaignId,
    EnterpriseId,
    ProblemId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.storage import integrity, open_store, sql
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

FULL_ROWS = 1_000_000
QUICK_ROWS = 20_000
BATCH = 50_000
TEMPLATES = 997
"""Distinct registrations the problems are made from (ids and moments differ for each)."""

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-bench", name="王芳")
TITLES = (
    "新厂区用地指标不足",
    "项目环评审批进度慢",
    "流动资金贷款续贷困难",
    "高层次人才子女入学",
    "园区道路配套未完善",
    "用电增容审批周期长",
)
START = at(dt.date(2023, 1, 3))


def templates(count: int = TEMPLATES, seed: int = 2019) -> list[Register]:
    """Registrations varied like a county's ledger: regions, categories, links, levels."""
    rng = random.Random(seed)
    categories = sorted(category.code for category in DEFAULT_TAXONOMY)
    made = []
    for number in range(count):
        project = rng.random() < 0.3
        made.append(
            Register(
                title=f"{rng.choice(TITLES)}（{number}）",
                category=rng.choice(categories),
                region_id=RegionId(f"3714{rng.randrange(1, 30):02d}"),
                description="企业反映：" + rng.choice(TITLES) * rng.randrange(1, 4),
                enterprise_id=EnterpriseId(f"e-{rng.randrange(5000):05d}"),
                project_id=ProjectId(f"prj-{rng.randrange(800):04d}") if project else None,
                campaign_id=CampaignId("c-2023") if rng.random() < 0.8 else None,
                work_group_id=WorkGroupId(f"wg-{rng.randrange(40):02d}"),
                scope=rng.choice(list(Scope)),
                level=rng.choice(list(HandlingLevel)),
            )
        )
    return made


def make_problems(start: int, stop: int, details: list[Register]) -> list[Problem]:
    """Problems ``start`` to ``stop - 1``: each registered from a template, with its own id."""
    return [
        Problem.register(
            details[number % len(details)],
            at=START + dt.timedelta(seconds=37 * number),
            actor=CLERK,
            id=ProblemId(f"p-{number:07d}"),
        )
        for number in range(start, stop)
    ]


def chain_rows(
    problems: list[Problem], seq: int, previous: str
) -> tuple[list[tuple[int, str, str, str]], int, str]:
    """The hash-chain rows the library writes for these transitions, after ``seq``/``previous``.

    Built with the library's own canonical text, before the clock starts, like the
    other rows: the baseline writes the same rows, it does not compute them.
    """
    made = []
    for problem in problems:
        for transition in problem.transitions:
            key, content = integrity.transition_content(transition)
            seq += 1
            previous = hashlib.sha256((previous + content).encode()).hexdigest()
            made.append((seq, integrity.TRANSITION, key, previous))
    return made, seq, previous


def batches(rows: int, batch: int) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, batch):
        yield start, min(start + batch, rows)


def pragmas(connection: sqlite3.Connection) -> dict[str, Any]:
    names = ("journal_mode", "synchronous", "foreign_keys", "cache_size", "page_size")
    return {name: connection.execute(f"PRAGMA {name}").fetchone()[0] for name in names}


def counts(path: Path) -> tuple[int, int]:
    connection = sqlite3.connect(path)
    try:
        problems = connection.execute("SELECT count(*) FROM problems").fetchone()[0]
        transitions = connection.execute("SELECT count(*) FROM transitions").fetchone()[0]
    finally:
        connection.close()
    return problems, transitions


# ---------------------------------------------------------------------- the two loads


def load_library(path: Path, rows: int, batch: int) -> dict[str, Any]:
    """``add_many`` a batch at a time into a store ``open_store`` made; time only ``add_many``."""
    details = templates()
    generating = loading = 0.0
    with open_store(f"sqlite:///{path}") as store:
        if not isinstance(store, SQLiteStore):
            sys.exit(f"open_store gave {store!r}, not an SQLite store")
        settings = pragmas(store._connection())  # read back what the store set
        for start, stop in batches(rows, batch):
            began = time.perf_counter()
            problems = make_problems(start, stop, details)
            generating += time.perf_counter() - began
            began = time.perf_counter()
            store.problems.add_many(problems)
            loading += time.perf_counter() - began
            del problems
    return {"load": loading, "generate": generating, "settings": settings}


def load_raw(path: Path, rows: int, batch: int) -> dict[str, Any]:
    """The same rows with raw ``executemany``, into a file whose schema the library made."""
    open_store(f"sqlite:///{path}").close()
    details = templates()
    problem_insert = insert_sql("problems", sql.PROBLEM_COLUMNS)
    transition_insert = insert_sql("transitions", sql.TRANSITION_COLUMNS)
    chain_insert = insert_sql("chain", ("seq", "kind", "key", "digest"))
    generating = loading = 0.0
    connection = sqlite3.connect(path, isolation_level=None)
    seq, previous = connection.execute("SELECT seq, digest FROM chain_head").fetchone()
    try:
        connection.execute("PRAGMA foreign_keys = ON")  # as the store sets them
        connection.execute("PRAGMA synchronous = FULL")
        settings = pragmas(connection)
        for start, stop in batches(rows, batch):
            began = time.perf_counter()
            problems = make_problems(start, stop, details)
            problem_rows = [sql.problem_row(p, sql.SQLITE) for p in problems]
            transition_rows = [row for p in problems for row in sql.transition_rows(p, sql.SQLITE)]
            links, seq, previous = chain_rows(problems, seq, previous)
            del problems
            generating += time.perf_counter() - began
            began = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(problem_insert, problem_rows)
            connection.executemany(transition_insert, transition_rows)
            connection.executemany(chain_insert, links)
            connection.execute("UPDATE chain_head SET seq = ?, digest = ?", [seq, previous])
            connection.execute("COMMIT")
            loading += time.perf_counter() - began
            del problem_rows, transition_rows
    finally:
        connection.close()
    return {"load": loading, "generate": generating, "settings": settings}


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


PHASES: dict[str, Callable[[Path, int, int], dict[str, Any]]] = {
    "library": load_library,
    "raw": load_raw,
}


def run_phase(phase: str, path: Path, rows: int, batch: int) -> dict[str, Any]:
    """Run one load in a fresh process; what it measured."""
    arguments = ["--phase", phase, "--path", str(path), "--rows", str(rows), "--batch", str(batch)]
    return run_alone(__file__, arguments, f"the {phase} load")


def report(rows: int, batch: int, raw: dict[str, Any], library: dict[str, Any]) -> float:
    """Print the figures; return the ratio."""
    print(f"bulk load of {rows:,} problems, each with its registration transition")
    print(f"  = {2 * rows:,} rows (problems + transitions), {batch:,} problems a transaction")
    print(f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}")
    print(f"settings, library: {library['settings']}")
    print(f"settings, raw:     {raw['settings']}")
    print(f"generating the problems (not timed): {library['generate']:.1f} s (library run)")
    for name, figures in (("raw sqlite3 executemany", raw), ("jinjiecu add_many", library)):
        per_second = 2 * rows / figures["load"]
        print(
            f"{name:<26} {figures['load']:>8.2f} s {per_second:>12,.0f} rows/s "
            f"{rows / figures['load']:>12,.0f} problems/s  peak RSS {figures['peak_mb']:,.0f} MB"
        )
    ratio: float = raw["load"] / library["load"]
    print(f"ratio (library / raw rows per second, target >= 0.8): {ratio:.2f}")
    print("peak memory is each load process's peak resident set size (getrusage ru_maxrss)")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="problems to load")
    parser.add_argument("--quick", action="store_true", help=f"load {QUICK_ROWS:,} problems")
    parser.add_argument("--batch", type=int, default=BATCH, help="problems a transaction")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = QUICK_ROWS if args.quick else args.rows
    if args.phase:  # one load, in this process: print what it measured
        figures = PHASES[args.phase](args.path, rows, args.batch)
        figures["peak_mb"] = peak_mb()
        figures["counts"] = counts(args.path)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-") as folder:
        raw = run_phase("raw", Path(folder) / "raw.db", rows, args.batch)
        library = run_phase("library", Path(folder) / "library.db", rows, args.batch)
    for figures in (raw, library):
        if figures["counts"] != [rows, rows]:
            sys.exit(f"a load is incomplete: {figures['counts']} rows, expected {rows} each")
    report(rows, args.batch, raw, library)


if __name__ == "__main__":
    main()
