"""The hashing benchmark runs to the end in quick mode and prints its figures and ratio.

Nothing here is timed: the figures depend on the machine.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

FIGURES = re.compile(
    r"^sqlite: (with hashing   |without hashing) +\d+\.\d{3} s +[\d,]+ transitions/s$", re.MULTILINE
)
RATIO = re.compile(
    r"^sqlite: ratio \(with / without hashing, target <= 1\.3\): \d+\.\d\d$", re.MULTILINE
)
CPU = re.compile(r"^sqlite: CPU-time ratio \(this process\): \d+\.\d\d$", re.MULTILINE)
VERDICT = re.compile(r"^worst ratio \d+\.\d\d: (within|OVER) the 1\.3 target$", re.MULTILINE)


def test_the_hashing_benchmark_runs_and_prints_its_ratio(
    run_benchmark: Callable[..., str],
) -> None:
    out = run_benchmark("bench_hashing.py")
    assert out.startswith("hashing benchmark: 1,500 problems, "), out
    assert len(FIGURES.findall(out)) == 2, out
    assert RATIO.search(out), out
    assert CPU.search(out), out
    assert VERDICT.search(out), out
