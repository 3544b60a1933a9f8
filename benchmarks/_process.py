"""What the benchmarks share: each contender in a Python process of its own, and its memory.

A contender run alone has a peak resident set size that is its own, and no
cache warmed by another. The script runs itself with a phase argument; the
phase prints what it measured as JSON on its last line.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
from typing import Any


def peak_mb() -> float:
    """This process's peak resident set size in MB (``ru_maxrss`` is in KB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if platform.system() != "Darwin" else peak / 1024 / 1024


def run_alone(script: str, arguments: list[str], what: str) -> dict[str, Any]:
    """Run ``script`` with ``arguments`` in a fresh process; the JSON it printed last.

    If the run fails, the benchmark stops with ``what`` and the run's error output.
    """
    done = subprocess.run(
        [sys.executable, script, *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result
