"""The bulk-load benchmarks run to the end in quick mode and print their figures.

Nothing here is timed: the figures depend on the machine. The PostgreSQL
benchmark needs the server (the ``postgres_url`` fixture, in ``conftest.py``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
RATIO = re.compile(
    r"^ratio \(library / raw rows per second, target >= 0\.[58]\): \d+\.\d+$", re.MULTILINE
)
FIGURES = re.compile(r"^jinjiecu add_many .* rows/s .* peak RSS [\d,]+ MB$", re.MULTILINE)


def test_the_sqlite_bulk_load_benchmark_runs_and_prints_its_ratio(
    run_benchmark: Callable[..., str],
) -> None:
    out = run_benchmark("bench_bulk_load_sqlite.py")
    assert RATIO.search(out), out
    assert FIGURES.search(out), out
    assert "bulk load of 20,000 problems" in out


@pytest.mark.postgres
def test_the_postgres_bulk_load_benchmark_runs_and_prints_its_ratio(
    run_benchmark: Callable[..., str], postgres_url: str
) -> None:
    out = run_benchmark("bench_bulk_load_postgres.py", "--url", postgres_url)
    assert RATIO.search(out), out
    assert FIGURES.search(out), out
    assert "bulk load of 20,000 problems" in out


def test_the_postgres_benchmark_says_clearly_when_the_server_is_unreachable(
    tmp_path: Path,
) -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://clerk:s3cret@127.0.0.1:1/test?connect_timeout=3"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_bulk_load_postgres.py"), "--quick", "--url", url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "PostgreSQL is not reachable at postgresql://clerk:***@127.0.0.1:1/test" in done.stderr
    assert "s3cret" not in done.stderr


def test_the_write_latency_benchmark_runs_and_prints_its_ratios(
    run_benchmark: Callable[..., str],
) -> None:
    out = run_benchmark("bench_write_latency.py")
    assert "200 events, each its own transaction" in out
    assert re.search(
        r"^read model's share of a raw insert \(target <= 0\.30\): -?\d+\.\d+$",
        out,
        re.MULTILINE,
    ), out
    assert re.search(r"^ratio \(jinjiecu apply / raw insert\): \d+\.\d+$", out, re.MULTILINE), out


def test_the_import_benchmark_runs_and_prints_what_import_jinjiecu_adds(
    run_benchmark: Callable[..., str],
) -> None:
    out = run_benchmark("bench_import.py")
    assert re.search(
        r"^import jinjiecu adds \(target < 150 ms\): \d+\.\d ms, (met|NOT met)$", out, re.MULTILINE
    ), out
    assert re.search(r"^jinjiecu\.open_store \(the stores\) +\d+\.\d ms", out, re.MULTILINE), out
