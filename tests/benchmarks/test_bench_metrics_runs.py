"""The metrics benchmark runs to the end in quick mode and prints its figures.

Nothing here is timed: the figures depend on the machine. The script itself
checks that every figure of the SQL written by hand equals jinjiecu's, and
that pandas agrees on the headline counts, and exits non-zero if not. The
PostgreSQL part needs the test server (the ``postgres_url`` fixture).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

CONTENDERS = (
    "jinjiecu problem_summary",
    "SQL by hand, current table",
    "SQL by hand, grouped first",
    "SQL by hand, one pass",
    "SQL by hand, headline only",
    "pandas, same rows, headline",
    "memory store (2,000 problems)",
)
NUMBER = r"[\d.]+"


def assert_section(lines: list[str], heading: str) -> None:
    """After ``heading``: both cases, each with its contenders, the ratios and the memory."""
    start = next(i for i, line in enumerate(lines) if re.fullmatch(heading, line))
    section = lines[start + 1 :]
    for case, now in (
        ("by work group (27 groups), as of the end", True),
        ("the whole drive, as of the middle", False),
    ):
        first = next(i for i, line in enumerate(section) if line.startswith(case))
        names = [n for n in CONTENDERS if now or n != "SQL by hand, current table"]
        block = section[first + 1 : first + 1 + len(names) + (6 if now else 4)]
        for name, line in zip(names, block, strict=False):
            assert re.fullmatch(rf"  {re.escape(name)} +\d+\.\d\d s  peak RSS [\d,]+ MB", line)
        ratios = block[len(names) :]
        if now:
            assert re.fullmatch(
                rf"  ratio \(jinjiecu / SQL by hand over a current table, target <= 1\.2\): "
                rf"{NUMBER}",
                ratios.pop(0),
            )
            assert ratios.pop(0).startswith("  jinjiecu seconds (target < 1 s")
        assert re.fullmatch(
            rf"  ratio \(jinjiecu / best SQL by hand over the history\): {NUMBER}", ratios[0]
        )
        assert re.fullmatch(rf"  ratio \(pandas / jinjiecu, target >= 3\): {NUMBER}", ratios[1])
        assert ratios[2].startswith("  ratio (jinjiecu / SQL by hand over the history, headline")
        assert re.fullmatch(r"  jinjiecu peak memory \(target < 200 MB\): [\d,]+ MB", ratios[3])


def test_the_metrics_benchmark_prints_times_ratios_and_memory_on_sqlite(
    run_benchmark: Callable[..., str],
) -> None:
    lines = run_benchmark("bench_metrics.py", "--no-postgres").splitlines()
    assert_section(lines, r"SQLite [\d.]+, Python [\d.]+: 6,000 problems, 25,200 transitions")
    assert not any(line.startswith("PostgreSQL") for line in lines)


@pytest.mark.postgres
def test_the_metrics_benchmark_runs_on_postgres_too(
    run_benchmark: Callable[..., str], postgres_url: str
) -> None:
    lines = run_benchmark("bench_metrics.py", "--url", postgres_url).splitlines()
    assert_section(lines, r"SQLite [\d.]+, Python [\d.]+: 6,000 problems, 25,200 transitions")
    assert_section(lines, r"PostgreSQL .*, schema jinjiecu_bench_metrics_\w+\): 6,000 problems.*")


def test_the_metrics_benchmark_says_why_it_skips_postgres(
    run_benchmark: Callable[..., str],
) -> None:
    url = "postgresql://clerk:s3cret@127.0.0.1:1/test?connect_timeout=3"
    lines = run_benchmark("bench_metrics.py", "--url", url).splitlines()
    skipped = [
        line
        for line in lines
        if line.startswith("PostgreSQL skipped (postgresql://clerk:***@127.0.0.1:1/test")
    ]
    assert len(skipped) == 1, lines
    assert "s3cret" not in "\n".join(lines)
