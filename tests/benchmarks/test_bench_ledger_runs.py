"""The ledger benchmark runs to the end in quick mode and prints its figures and ratios.

Nothing here is timed: the figures depend on the machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
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
def test_the_ledger_benchmark_runs_and_prints_its_figures_and_ratios(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_ledger.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
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
