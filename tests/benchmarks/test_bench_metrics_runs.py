"""The metrics benchmark runs to the end in quick mode and prints its figures.

Nothing here is timed: the figures depend on the machine. The script itself
checks that jinjiecu, the SQL written by hand and pandas agree on the
headline figures, and exits non-zero if they do not.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_metrics.py"


def test_the_metrics_benchmark_prints_times_ratios_and_memory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()

    def printed(pattern: str) -> bool:
        return any(re.fullmatch(pattern, line) for line in lines)

    assert printed(r"figures by work group \(27 groups\) .*: 6,000 problems, [\d,]+ transitions")
    for name in ("SQL by hand", "jinjiecu problem_summary", "pandas", "memory store"):
        assert printed(rf"{re.escape(name)}.* \d+\.\d\d s  peak RSS [\d,]+ MB")
    assert printed(r"ratio \(jinjiecu / SQL by hand, target <= 1\.5\): \d+\.\d\d")
    assert printed(r"ratio \(pandas / jinjiecu, target >= 3\): \d+\.\d\d")
    assert printed(r"jinjiecu peak memory \(target < 200 MB\): [\d,]+ MB;.*")
