"""The bulk-load benchmarks run to the end in quick mode and print their figures.

Nothing here is timed: the figures depend on the machine. The PostgreSQL
benchmark needs the server at ``JINJIECU_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``); without one it is skipped,
saying why, unless ``JINJIECU_REQUIRE_POSTGRES=1`` makes that a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jinjiecu.storage import mask_url

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
RATIO = re.compile(
    r"^ratio \(library / raw rows per second, target >= 0\.5\): \d+\.\d+$", re.MULTILINE
)
FIGURES = re.compile(r"^jinjiecu add_many .* rows/s .* peak RSS [\d,]+ MB$", re.MULTILINE)


def run(script: str, *arguments: str, folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def postgres_url() -> str:
    """The test server's URL; skips, or fails when PostgreSQL is required, if unreachable."""
    url = os.environ.get("JINJIECU_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    try:
        import psycopg  # noqa: PLC0415 - optional dependency

        with psycopg.connect(url, connect_timeout=5):
            return url
    except ImportError as error:
        reason = f"psycopg is not installed ({error})"
    except psycopg.Error as error:
        reason = " ".join(str(error).split()) or type(error).__name__
    where = f"PostgreSQL not reachable at {mask_url(url)}: {reason}"
    if os.environ.get("JINJIECU_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{where} (JINJIECU_REQUIRE_POSTGRES=1)")
    pytest.skip(f"{where}; set JINJIECU_REQUIRE_POSTGRES=1 to make this a failure")


def test_the_sqlite_bulk_load_benchmark_runs_and_prints_its_ratio(tmp_path: Path) -> None:
    out = run("bench_bulk_load_sqlite.py", folder=tmp_path)
    assert RATIO.search(out), out
    assert FIGURES.search(out), out
    assert "bulk load of 20,000 problems" in out


@pytest.mark.postgres
def test_the_postgres_bulk_load_benchmark_runs_and_prints_its_ratio(tmp_path: Path) -> None:
    out = run("bench_bulk_load_postgres.py", "--url", postgres_url(), folder=tmp_path)
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
