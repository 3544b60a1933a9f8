"""The ledger benchmark runs to the end in quick mode and prints its figures and ratios.

Nothing here is timed: the figures depend on the machine.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

STEPS = (
    "jinjiecu export .xlsx",
    "openpyxl write-only",
    "jinjiecu export .csv",
    "csv.writer",
    "jinjiecu import .xlsx",
    "openpyxl read-only",
    "jinjiecu import .csv",
    "csv.reader",
    "jinjiecu re-import .xlsx",
)
FIGURES = re.compile(
    r"^(?P<name>.+?) +\d+\.\d\d s +\d+\.\d\d s CPU +[\d,]+ rows/s  peak RSS [\d,]+ MB$",
    re.MULTILINE,
)
RATIO = re.compile(
    r"^ratio (?P<what>(?:ex|im)port \.(?:xlsx|csv)) \(library / baseline CPU time, "
    r"(?P<target>target <= 1\.5|no target)\): \d+\.\d\d \(wall time: \d+\.\d\d\)$",
    re.MULTILINE,
)


@pytest.mark.slow
def test_the_ledger_benchmark_runs_and_prints_its_figures_and_ratios(
    run_benchmark: Callable[..., str], tmp_path: Path
) -> None:
    out = run_benchmark("bench_ledger.py")
    assert out.startswith("ledger of 500 problems"), out
    assert [m["name"] for m in FIGURES.finditer(out)] == list(STEPS), out
    ratios = {m["what"]: m["target"] for m in RATIO.finditer(out)}
    assert ratios == {
        "export .xlsx": "target <= 1.5",
        "import .xlsx": "target <= 1.5",
        "export .csv": "no target",
        "import .csv": "no target",
    }, out
    assert "peak resident set size" in out
    assert not list(tmp_path.iterdir())  # the benchmark cleans up after itself
