"""Ledger export and import: jinjiecu against openpyxl and the csv module on the same cells.

Builds N problems over the 2019 Dezhou sample's organisation (in progress,
resolved, closed ..., each with its history), then measures, each in a
process of its own so that the peak memory printed is that step's:

- export: ``export_ledger`` of a memory store to .xlsx and .csv, against
  openpyxl's write-only mode (xlsx) and ``csv.writer`` (CSV) writing the same
  cells (the same Python values: text, numbers, dates), read back from the
  library's file before the clock starts;
- import: ``import_ledger`` of those files into a store holding the
  organisation only (every row registers a problem and builds its history),
  against openpyxl's read-only iteration (``iter_rows(values_only=True)``)
  and ``csv.reader`` over the same file;
- re-import: the same xlsx into the store it came from (every row unchanged).

It prints wall-clock and CPU seconds, rows per second and peak RSS for each,
and the ratios library / baseline of CPU time (steady on a busy machine;
wall-clock ratios follow in brackets). The issue's targets: importing xlsx within 1.5x of
openpyxl's read-only iteration and exporting within 1.5x of its write-only
mode. The csv module does no work beyond splitting text, so the CSV ratios
show what the ledger's parsing and the workflow cost; they have no target.

Run: ``python benchmarks/bench_ledger.py [--rows N] [--quick]`` (N defaults
to 100,000; ``--quick`` uses 500).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import pickle
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _process import peak_mb, run_alone

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.clock import at
from jinjiecu.domain.events import (
    Assign,
    Close,
    FollowUp,
    FollowUpOutcome,
    Register,
    Resolve,
    Satisfaction,
    Start,
)
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.reports.ledger import export_ledger, import_ledger
from jinjiecu.sample import SampleBatch, SampleData, dezhou_2019
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinjiecu.storage.base import Store

FULL_ROWS = 100_000
QUICK_ROWS = 500
TARGET = 1.5
MIDNIGHT = dt.time(0)
CLERK = Actor(kind=ActorKind.OFFICE, id="dz2019-office", name="领导小组办公室")
TITLES = (
    "新厂区用地指标不足",
    "项目环评审批进度慢",
    "流动资金贷款续贷困难",
    "高层次人才子女入学",
    "园区道路配套未完善",
    "用电增容审批周期长",
)
PROGRESS = ("已协调银行续贷", "已约谈相关部门", "正在办理审批手续", "已现场办公")


def make_problems(data: SampleData, rows: int, seed: int = 2019) -> list[Problem]:
    """``rows`` problems over the sample's organisation, histories built through the workflow."""
    rng = random.Random(seed)
    calendar = china_calendar()
    days = [
        d
        for d in (dt.date(2019, 10, 8) + dt.timedelta(days=n) for n in range(240))
        if calendar.is_working_day(d)
    ]
    categories = [c.code for c in DEFAULT_TAXONOMY]
    made = []
    for number in range(rows):
        enterprise = rng.choice(data.enterprises)
        group = rng.choice(data.work_groups)
        lead, co = rng.sample(data.departments, 2)
        start = rng.randrange(len(days) - 40)
        title = rng.choice(TITLES)
        problem = Problem.register(
            Register(
                title=title,
                category=rng.choice(categories),
                region_id=enterprise.region_id,
                description=f"{enterprise.name}反映：{title}。",
                enterprise_id=enterprise.id,
                campaign_id=group.campaign_id,
                work_group_id=group.id,
            ),
            at=at(days[start]),
            actor=CLERK,
            id=ProblemId(f"bench-{number:07d}"),
        )
        problem = problem.apply(
            Assign(
                lead_department_id=lead.id, co_department_ids=(co.id,), deadline=days[start + 15]
            ),
            at=at(days[start + 1]),
            actor=CLERK,
        )
        problem = problem.apply(
            Start(), at=at(days[start + 2]), actor=CLERK, note=rng.choice(PROGRESS)
        )
        fate = rng.random()
        if fate < 0.4:
            problem = problem.apply(
                Resolve(summary=rng.choice(PROGRESS)), at=at(days[start + 10]), actor=CLERK
            )
        if fate < 0.3:
            problem = problem.apply(
                FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED),
                at=at(days[start + 12]),
                actor=CLERK,
            )
            problem = problem.apply(Close(), at=at(days[start + 12]), actor=CLERK)
        made.append(problem)
    return made


def organisation(data: SampleData) -> SampleBatch:
    """What a ledger names: regions, campaigns, departments, work groups, enterprises."""
    return SampleBatch(
        regions=data.regions,
        campaigns=data.campaigns,
        departments=data.departments,
        work_groups=data.work_groups,
        enterprises=data.enterprises,
    )


def store_with(folder: Path, *, problems: bool) -> Store:
    """A memory store with the organisation, and the problems if asked (not timed)."""
    with (folder / "records.pickle").open("rb") as stream:
        org, made = pickle.load(stream)  # noqa: S301 - our own file, just written
    store = open_store("memory://")
    org.load_into(store)
    if problems:
        store.problems.add_many(made)
    return store


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds ``work`` took."""
    began, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - began, time.process_time() - cpu


# ---------------------------------------------------------------------- the steps


def warm_up(folder: Path) -> None:
    """Pay one-time costs before any clock starts, in every step alike.

    Modules loaded on first use (openpyxl's writer) and the calendar's data
    (read on the first deadline) are not what a ledger of N rows costs.
    """
    import openpyxl  # noqa: PLC0415 - the baselines use it directly

    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("warm").append(["warm", 1, dt.date(2019, 10, 10)])
    book.save(folder / "warm.xlsx")
    china_calendar().add_working_days(dt.date(2019, 10, 10), 1)


def export_step(folder: Path, suffix: str) -> tuple[float, float]:
    store = store_with(folder, problems=True)
    warm_up(folder)
    return timed(lambda: export_ledger(store, folder / f"ledger{suffix}"))


def import_step(folder: Path, suffix: str) -> tuple[float, float]:
    store = store_with(folder, problems=False)
    warm_up(folder)
    return timed(lambda: import_ledger(store, folder / f"ledger{suffix}"))


def reimport_step(folder: Path, suffix: str) -> tuple[float, float]:
    store = store_with(folder, problems=True)
    warm_up(folder)
    return timed(lambda: import_ledger(store, folder / f"ledger{suffix}"))


def xlsx_cells(path: Path) -> list[list[Any]]:
    import openpyxl  # noqa: PLC0415 - the baselines use it directly

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def openpyxl_write_step(folder: Path, _suffix: str) -> tuple[float, float]:
    import openpyxl  # noqa: PLC0415

    # The library's cells, read back before the clock: a date cell reads back as a
    # datetime at midnight, so it goes back to the date the library wrote.
    cells = [
        [v.date() if isinstance(v, dt.datetime) and v.time() == MIDNIGHT else v for v in row]
        for row in xlsx_cells(folder / "ledger.xlsx")
    ]
    warm_up(folder)

    def write() -> None:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("工作台账")
        for row in cells:
            sheet.append(row)
        book.save(folder / "raw.xlsx")

    return timed(write)


def openpyxl_read_step(folder: Path, _suffix: str) -> tuple[float, float]:
    warm_up(folder)
    return timed(lambda: xlsx_cells(folder / "ledger.xlsx"))


def csv_write_step(folder: Path, _suffix: str) -> tuple[float, float]:
    with (folder / "ledger.csv").open(encoding="utf-8-sig", newline="") as stream:
        cells = list(csv.reader(stream))

    def write() -> None:
        with (folder / "raw.csv").open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream).writerows(cells)

    return timed(write)


def csv_read_step(folder: Path, _suffix: str) -> tuple[float, float]:
    def read() -> None:
        with (folder / "ledger.csv").open(encoding="utf-8-sig", newline="") as stream:
            list(csv.reader(stream))

    return timed(read)


STEPS: dict[str, tuple[Callable[[Path, str], tuple[float, float]], str]] = {
    "export-xlsx": (export_step, ".xlsx"),
    "export-csv": (export_step, ".csv"),
    "openpyxl-write": (openpyxl_write_step, ".xlsx"),
    "csv-write": (csv_write_step, ".csv"),
    "import-xlsx": (import_step, ".xlsx"),
    "import-csv": (import_step, ".csv"),
    "reimport-xlsx": (reimport_step, ".xlsx"),
    "openpyxl-read": (openpyxl_read_step, ".xlsx"),
    "csv-read": (csv_read_step, ".csv"),
}


def run_step(step: str, folder: Path) -> dict[str, float]:
    """Run one step in a fresh process; what it measured."""
    result: dict[str, float] = run_alone(
        __file__, ["--step", step, "--folder", str(folder)], f"the step {step}"
    )
    return result


def report(rows: int, figures: dict[str, dict[str, float]], generating: float) -> None:
    print(
        f"ledger of {rows:,} problems (Dezhou 2019 organisation), generated in {generating:.1f} s"
    )
    print(f"Python {platform.python_version()}, {platform.machine()}")
    names = {
        "export-xlsx": "jinjiecu export .xlsx",
        "openpyxl-write": "openpyxl write-only",
        "export-csv": "jinjiecu export .csv",
        "csv-write": "csv.writer",
        "import-xlsx": "jinjiecu import .xlsx",
        "openpyxl-read": "openpyxl read-only",
        "import-csv": "jinjiecu import .csv",
        "csv-read": "csv.reader",
        "reimport-xlsx": "jinjiecu re-import .xlsx",
    }
    for step, name in names.items():
        wall, cpu = figures[step]["seconds"], figures[step]["cpu"]
        print(
            f"{name:<26} {wall:>9.2f} s {cpu:>9.2f} s CPU {rows / wall:>10,.0f} rows/s  "
            f"peak RSS {figures[step]['peak_mb']:,.0f} MB"
        )
    pairs = (
        ("export .xlsx", "export-xlsx", "openpyxl-write", f"target <= {TARGET}"),
        ("import .xlsx", "import-xlsx", "openpyxl-read", f"target <= {TARGET}"),
        ("export .csv", "export-csv", "csv-write", "no target"),
        ("import .csv", "import-csv", "csv-read", "no target"),
    )
    for label, mine, baseline, target in pairs:
        cpu_ratio = figures[mine]["cpu"] / figures[baseline]["cpu"]
        wall_ratio = figures[mine]["seconds"] / figures[baseline]["seconds"]
        print(
            f"ratio {label} (library / baseline CPU time, {target}): {cpu_ratio:.2f}"
            f" (wall time: {wall_ratio:.2f})"
        )
    print("peak memory is each step's process peak resident set size (getrusage ru_maxrss)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="problems in the ledger")
    parser.add_argument("--quick", action="store_true", help=f"use {QUICK_ROWS:,} problems")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # one step, in this process: print what it measured
        work, suffix = STEPS[args.step]
        seconds, cpu = work(args.folder, suffix)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb()}))
        return
    rows = QUICK_ROWS if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="jinjiecu-bench-ledger-") as name:
        folder = Path(name)
        data = dezhou_2019()
        began = time.perf_counter()
        problems = make_problems(data, rows)
        generating = time.perf_counter() - began
        with (folder / "records.pickle").open("wb") as stream:
            pickle.dump((organisation(data), problems), stream, protocol=pickle.HIGHEST_PROTOCOL)
        del problems, data
        figures = {step: run_step(step, folder) for step in STEPS}
    report(rows, figures, generating)


if __name__ == "__main__":
    main()
