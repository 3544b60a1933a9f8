"""How long ``import jinjiecu`` takes, and what the first use of a heavy name costs.

Each contender runs in a fresh interpreter (``python -X importtime`` is not
used: it slows every import down). The baseline is the bare interpreter in
the same run, so the figure printed is what the import adds. The public names
are imported on first use, so ``import jinjiecu`` should add well under the
150 ms target; the rows after it show what touching a name of each layer
costs the first time (the domain, the stores, the figures, the reports).

Run ``python benchmarks/bench_import.py`` (``--runs N`` to change the number
of runs, ``--quick`` for two; the best of them is printed, as ``timeit``
does).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

TARGET_MS = 150.0

CONTENDERS: list[tuple[str, str]] = [
    ("python (no import)", "pass"),
    ("import sqlite3 (for scale)", "import sqlite3"),
    ("import jinjiecu", "import jinjiecu"),
    ("jinjiecu.Problem (the domain)", "import jinjiecu; jinjiecu.Problem"),
    ("jinjiecu.open_store (the stores)", "import jinjiecu; jinjiecu.open_store"),
    ("jinjiecu.problem_summary (figures)", "import jinjiecu; jinjiecu.problem_summary"),
    ("jinjiecu.briefing (reports)", "import jinjiecu; jinjiecu.briefing"),
]


def best_seconds(code: str, runs: int) -> float:
    """The fastest of ``runs`` fresh interpreters running ``code``."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Measure each contender and print the table, the import's cost and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh interpreters per contender")
    parser.add_argument("--quick", action="store_true", help="2 runs per contender")
    arguments = parser.parse_args()
    runs = 2 if arguments.quick else arguments.runs
    print(f"import time, best of {runs} fresh interpreters, Python {sys.version.split()[0]}")
    bare = best_seconds("pass", runs)
    package = bare
    for label, code in CONTENDERS:
        seconds = bare if code == "pass" else best_seconds(code, runs)
        if code == "import jinjiecu":
            package = seconds
        added = (seconds - bare) * 1000
        print(f"{label:<38} {seconds * 1000:8.1f} ms   adds {added:7.1f} ms")
    added_ms = (package - bare) * 1000
    verdict = "met" if added_ms < TARGET_MS else "NOT met"
    print(f"import jinjiecu adds (target < {TARGET_MS:.0f} ms): {added_ms:.1f} ms, {verdict}")


if __name__ == "__main__":
    main()
