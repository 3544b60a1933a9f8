"""Working-day arithmetic: jinjiecu's calendar against the holidays package, in one run.

Prints operations per second for counting working days between two dates and
adding working days, and the ratio to the baseline (the holidays package's own
``get_working_days_count`` / ``get_nth_working_day`` on the same inputs).

Run: ``python benchmarks/bench_calendar.py``
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import TYPE_CHECKING

import holidays

from jinjiecu.domain.calendar import china_calendar

if TYPE_CHECKING:
    from collections.abc import Callable

PAIRS = 20_000


def rate(label: str, work: Callable[[], object], count: int) -> float:
    """Time ``work`` once and print and return operations per second."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    per_second = count / seconds
    print(f"{label:<48} {per_second:>14,.0f} ops/s")
    return per_second


def main() -> None:
    rng = random.Random(2019)
    first = dt.date(2019, 1, 1).toordinal()
    last = dt.date(2025, 12, 1).toordinal()
    starts = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(PAIRS)]
    ends = [start + dt.timedelta(days=rng.randint(0, 60)) for start in starts]
    steps = [rng.randint(0, 45) for _ in range(PAIRS)]

    calendar = china_calendar()
    official = holidays.country_holidays("CN", years=range(2019, 2027))

    print(f"{PAIRS:,} random date pairs in 2019-2025\n")
    ours = rate(
        "jinjiecu working_days_between",
        lambda: [calendar.working_days_between(s, e) for s, e in zip(starts, ends, strict=True)],
        PAIRS,
    )
    theirs = rate(
        "holidays get_working_days_count (baseline)",
        lambda: [official.get_working_days_count(s, e) for s, e in zip(starts, ends, strict=True)],
        PAIRS,
    )
    print(f"{'ratio (higher is better)':<48} {ours / theirs:>14.1f}x\n")

    ours = rate(
        "jinjiecu add_working_days",
        lambda: [calendar.add_working_days(s, n) for s, n in zip(starts, steps, strict=True)],
        PAIRS,
    )
    theirs = rate(
        "holidays get_nth_working_day (baseline)",
        lambda: [official.get_nth_working_day(s, n) for s, n in zip(starts, steps, strict=True)],
        PAIRS,
    )
    print(f"{'ratio (higher is better)':<48} {ours / theirs:>14.1f}x")


if __name__ == "__main__":
    main()
