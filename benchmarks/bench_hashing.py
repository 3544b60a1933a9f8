"""What the hash chain costs a bulk load: ``add_many`` with hashing against without.

Generates problems with realistic histories (the province sample, about five
transitions each, built before the clock starts), then loads them with
``store.problems.add_many`` a batch at a time into fresh SQLite files (and,
with ``--postgres URL``, fresh PostgreSQL schemas):

- with hashing: as the library does it, every transition serialised
  canonically, hashed into the store's chain and the chain rows written;
- without hashing (the baseline): the same load with the chain switched off
  (:func:`jinjiecu.storage.integrity.extend_chain` replaced by a no-op for
  the run, so nothing is serialised, hashed or written for the chain).

The two alternate, ``--rounds`` times each, and the best time of each is
kept. It prints both, and the ratio (with / without; the target is at most
1.3), and the same ratio in this process's CPU time (steadier on a busy
machine; the database server's time is not in it). 哈希链对批量导入的开销。

Run: ``python benchmarks/bench_hashing.py [--problems N] [--rounds R] [--quick]
[--postgres URL]`` (N defaults to 20,000; ``--quick`` loads 1,500, 2 rounds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinjiecu.sample import province
from jinjiecu.storage import integrity
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jinjiecu.domain.problem import Problem
    from jinjiecu.storage.base import Store

FULL_PROBLEMS = 20_000
QUICK_PROBLEMS = 1_500
BATCH = 5_000
TARGET = 1.3


def problems(count: int) -> list[list[Problem]]:
    """``count`` problems with their histories, in batches of at most ``BATCH``."""
    return [
        list(batch.problems)
        for batch in province(enterprises=max(100, count // 5), problems=count, batch_size=BATCH)
        if batch.problems
    ]


@contextmanager
def hashing(on: bool) -> Iterator[None]:  # noqa: FBT001 - a switch
    """The chain as the library keeps it (``on``), or switched off for the baseline."""
    real = integrity.extend_chain
    if not on:

        def no_chain(*_args: Any, **_kwargs: Any) -> list[integrity.ChainLink]:
            return []

        integrity.extend_chain = no_chain
    try:
        yield
    finally:
        integrity.extend_chain = real


def load(
    open_store: Callable[[], Store],
    batches: list[list[Problem]],
    on: bool,  # noqa: FBT001
) -> tuple[float, float]:
    """Seconds (wall clock, and this process's CPU) to ``add_many`` every batch into a new store."""
    with open_store() as store, hashing(on):
        started, cpu = time.perf_counter(), time.process_time()
        for batch in batches:
            store.problems.add_many(batch)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if on and store.head().seq < sum(len(p.transitions) for b in batches for p in b):
            sys.exit("the chain is shorter than the history: hashing was not on")
        if not on and store.head().seq != 0:
            sys.exit("the chain grew with hashing switched off")
    return elapsed, cpu


def compare(
    name: str, makers: Callable[[], Callable[[], Store]], batches: list[list[Problem]], rounds: int
) -> float:
    with_times: list[tuple[float, float]] = []
    without_times: list[tuple[float, float]] = []
    for _ in range(rounds):
        without_times.append(load(makers(), batches, on=False))
        with_times.append(load(makers(), batches, on=True))
    best_with, best_without = min(t[0] for t in with_times), min(t[0] for t in without_times)
    cpu_with, cpu_without = min(t[1] for t in with_times), min(t[1] for t in without_times)
    transitions = sum(len(p.transitions) for b in batches for p in b)
    ratio = best_with / best_without
    for label, best in (("with hashing   ", best_with), ("without hashing", best_without)):
        print(f"{name}: {label} {best:8.3f} s  {transitions / best:12,.0f} transitions/s")
    print(f"{name}: ratio (with / without hashing, target <= {TARGET}): {ratio:.2f}")
    # On a busy machine the CPU time of this process is steadier than the wall clock.
    print(f"{name}: CPU-time ratio (this process): {cpu_with / cpu_without:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=FULL_PROBLEMS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a short run (tests use it)")
    parser.add_argument("--postgres", metavar="URL", help="also load into PostgreSQL at URL")
    arguments = parser.parse_args(argv)
    count, rounds = arguments.problems, arguments.rounds
    if arguments.quick:
        count, rounds = QUICK_PROBLEMS, 2
    batches = problems(count)
    loaded = sum(len(b) for b in batches)
    transitions = sum(len(p.transitions) for b in batches for p in b)
    print(
        f"hashing benchmark: {loaded:,} problems, {transitions:,} transitions, "
        f"batches of {BATCH:,}, best of {rounds}"
    )
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(1_000_000))

        def sqlite_maker() -> Callable[[], Store]:
            path = Path(folder) / f"load-{next(files)}.db"
            return lambda: SQLiteStore(path, synchronous="NORMAL")

        ratios = [compare("sqlite", sqlite_maker, batches, rounds)]
    if arguments.postgres:
        from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional

        made: list[str] = []

        def postgres_maker() -> Callable[[], Store]:
            made.append(f"jinjiecu_bench_{uuid.uuid4().hex[:10]}")
            schema = made[-1]
            return lambda: PostgresStore(arguments.postgres, schema=schema, max_size=2)

        try:
            ratios.append(compare("postgresql", postgres_maker, batches, rounds))
        finally:
            import psycopg  # noqa: PLC0415 - optional

            with psycopg.connect(arguments.postgres, autocommit=True) as connection:
                for schema in made:
                    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    worst = max(ratios)
    verdict = "within" if worst <= TARGET else "OVER"
    print(f"worst ratio {worst:.2f}: {verdict} the {TARGET} target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
