"""Bulk load into PostgreSQL: jinjiecu's ``add_many`` against raw ``COPY`` with psycopg.

Builds N problems, each with its registration transition (the same problems
as ``bench_bulk_load_sqlite.py``), then loads them

- with the library: ``store.problems.add_many(batch)`` into a fresh schema made
  by the store (one transaction a batch; the store streams them with ``COPY``),
  timing only the ``add_many`` calls;
- raw (the baseline): into another fresh schema with the same tables and
  indexes (made by the library, then closed), one transaction a batch with
  ``COPY problems ... FROM STDIN`` and ``COPY transitions ... FROM STDIN`` of the
  same row tuples (built before the clock starts, with the library's own row
  functions), written with psycopg's ``Copy.write_row``;

and prints rows per second for both and the ratio (library / raw; the target
is at least 0.5). Both run on the same server with its settings (printed).
Each load runs in a process of its own; the peak memory printed is that
process's peak resident set size (``resource.getrusage(...).ru_maxrss``).
The schemas are dropped afterwards.

Run: ``python benchmarks/bench_bulk_load_postgres.py [--rows N] [--quick] [--url URL]``
(N defaults to 1,000,000; ``--quick`` loads 20,000; the URL defaults to
``JINJIECU_TEST_POSTGRES_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import uuid
from typing import TYPE_CHECKING, Any

from _process import peak_mb, run_alone
from bench_bulk_load_sqlite import (
    BATCH,
    FULL_ROWS,
    QUICK_ROWS,
    batches,
    chain_rows,
    make_problems,
    templates,
)

from jinjiecu.storage import mask_url, sql

if TYPE_CHECKING:
    from collections.abc import Callable

    import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def connect(url: str, schema: str | None = None) -> psycopg.Connection[Any]:
    import psycopg  # noqa: PLC0415 - optional dependency, checked in main()

    connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
    if schema is not None:
        set_path = psycopg.sql.SQL("SET search_path TO {}")
        connection.execute(set_path.format(psycopg.sql.Identifier(schema)))
    return connection


def unreachable(url: str) -> str:
    """Why the server at ``url`` cannot be used ("" if it can)."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError as error:
        return f"psycopg is not installed ({error}); pip install 'jinjiecu[postgres]'"
    try:
        connect(url).close()
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__
    return ""


def counts(url: str, schema: str) -> tuple[int, int]:
    with connect(url, schema) as connection:
        problems: int = connection.execute("SELECT count(*) FROM problems").fetchall()[0][0]
        transitions: int = connection.execute("SELECT count(*) FROM transitions").fetchall()[0][0]
    return problems, transitions


def drop(url: str, schema: str) -> None:
    import psycopg  # noqa: PLC0415

    with connect(url) as connection:
        statement = psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
        connection.execute(statement.format(psycopg.sql.Identifier(schema)))


def server_settings(url: str) -> dict[str, str]:
    names = ("server_version", "synchronous_commit", "fsync", "shared_buffers", "wal_level")
    with connect(url) as connection:
        found = {}
        for name in names:
            row = connection.execute(f"SHOW {name}").fetchone()
            found[name] = "?" if row is None else str(row[0])
    return found


# ---------------------------------------------------------------------- the two loads


def load_library(url: str, schema: str, rows: int, batch: int) -> dict[str, Any]:
    """``add_many`` a batch at a time into a store in a fresh schema; time only ``add_many``."""
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

    details = templates()
    generating = loading = 0.0
    with PostgresStore(url, schema=schema, max_size=1) as store:
        for start, stop in batches(rows, batch):
            began = time.perf_counter()
            problems = make_problems(start, stop, details)
            generating += time.perf_counter() - began
            began = time.perf_counter()
            store.problems.add_many(problems)
            loading += time.perf_counter() - began
            del problems
    return {"load": loading, "generate": generating}


def load_raw(url: str, schema: str, rows: int, batch: int) -> dict[str, Any]:
    """The same rows with raw ``COPY``, into a schema whose tables the library made."""
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

    PostgresStore(url, schema=schema, max_size=1).close()
    details = templates()
    copy_problems = copy_sql("problems", sql.PROBLEM_COLUMNS)
    copy_transitions = copy_sql("transitions", sql.TRANSITION_COLUMNS)
    copy_chain = copy_sql("chain", ("seq", "kind", "key", "digest"))
    generating = loading = 0.0
    with connect(url, schema) as connection:
        cursor = connection.cursor()
        head = cursor.execute("SELECT seq, digest FROM chain_head").fetchone()
        if head is None:
            sys.exit("the library made no chain head")
        seq, previous = head
        for start, stop in batches(rows, batch):
            began = time.perf_counter()
            problems = make_problems(start, stop, details)
            problem_rows = [sql.problem_row(p, sql.POSTGRES) for p in problems]
            transition_rows = [
                row for p in problems for row in sql.transition_rows(p, sql.POSTGRES)
            ]
            links, seq, previous = chain_rows(problems, seq, previous)
            del problems
            generating += time.perf_counter() - began
            began = time.perf_counter()
            with connection.transaction():
                with cursor.copy(copy_problems) as copy:
                    for row in problem_rows:
                        copy.write_row(row)
                with cursor.copy(copy_transitions) as copy:
                    for row in transition_rows:
                        copy.write_row(row)
                with cursor.copy(copy_chain) as copy:
                    for link in links:
                        copy.write_row(link)
                cursor.execute("UPDATE chain_head SET seq = %s, digest = %s", [seq, previous])
            loading += time.perf_counter() - began
            del problem_rows, transition_rows
    return {"load": loading, "generate": generating}


def copy_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN"


PHASES: dict[str, Callable[[str, str, int, int], dict[str, Any]]] = {
    "library": load_library,
    "raw": load_raw,
}


def run_phase(phase: str, url: str, schema: str, rows: int, batch: int) -> dict[str, Any]:
    """Run one load in a fresh process; what it measured."""
    arguments = ["--phase", phase, "--url", url, "--schema", schema]
    arguments += ["--rows", str(rows), "--batch", str(batch)]
    return run_alone(__file__, arguments, f"the {phase} load")


def report(rows: int, batch: int, settings: dict[str, str], raw: Any, library: Any) -> float:
    """Print the figures; return the ratio."""
    import psycopg  # noqa: PLC0415

    print(f"bulk load of {rows:,} problems, each with its registration transition")
    print(f"  = {2 * rows:,} rows (problems + transitions), {batch:,} problems a transaction")
    print(f"PostgreSQL {settings.pop('server_version')}, psycopg {psycopg.__version__} ", end="")
    print(f"({psycopg.pq.__impl__} implementation), Python {platform.python_version()}")
    print(f"server settings (both loads): {settings}")
    print(f"generating the problems (not timed): {library['generate']:.1f} s (library run)")
    for name, figures in (("raw COPY (psycopg)", raw), ("jinjiecu add_many", library)):
        per_second = 2 * rows / figures["load"]
        print(
            f"{name:<26} {figures['load']:>8.2f} s {per_second:>12,.0f} rows/s "
            f"{rows / figures['load']:>12,.0f} problems/s  peak RSS {figures['peak_mb']:,.0f} MB"
        )
    ratio: float = raw["load"] / library["load"]
    print(f"ratio (library / raw rows per second, target >= 0.5): {ratio:.2f}")
    print("peak memory is each load process's peak resident set size (getrusage ru_maxrss)")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="problems to load")
    parser.add_argument("--quick", action="store_true", help=f"load {QUICK_ROWS:,} problems")
    parser.add_argument("--batch", type=int, default=BATCH, help="problems a transaction")
    parser.add_argument(
        "--url",
        default=os.environ.get("JINJIECU_TEST_POSTGRES_URL") or DEFAULT_URL,
        help="the server (a database the benchmark may create schemas in)",
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = QUICK_ROWS if args.quick else args.rows
    if args.phase:  # one load, in this process: print what it measured
        figures = PHASES[args.phase](args.url, args.schema, rows, args.batch)
        figures["peak_mb"] = peak_mb()
        figures["counts"] = counts(args.url, args.schema)
        print(json.dumps(figures))
        return
    reason = unreachable(args.url)
    if reason:
        sys.exit(f"PostgreSQL is not reachable at {mask_url(args.url)}: {reason}")
    run = uuid.uuid4().hex[:8]
    schemas = {"raw": f"jinjiecu_bench_raw_{run}", "library": f"jinjiecu_bench_lib_{run}"}
    try:
        raw = run_phase("raw", args.url, schemas["raw"], rows, args.batch)
        library = run_phase("library", args.url, schemas["library"], rows, args.batch)
    finally:
        for schema in schemas.values():
            drop(args.url, schema)
    for figures in (raw, library):
        if figures["counts"] != [rows, rows]:
            sys.exit(f"a load is incomplete: {figures['counts']} rows, expected {rows} each")
    report(rows, args.batch, server_settings(args.url), raw, library)


if __name__ == "__main__":
    main()
