"""Count into the next year before its holiday notice is out, then add the notice (放假通知).

Run it with ``python examples/next_years_notice.py``. In ``next_year.db``, an
SQLite file in the working directory (made anew each run), it:

1. registers a problem in late January of the first year the ``holidays``
   package has no notice for, and assigns it for 15 working days: the
   deadline is counted provisionally (statutory holidays, no 调休);
2. prints the figures as of the first of March, which say they are provisional;
3. adds that year's notice (here a made-up one: the Spring Festival week
   made longer, two weekend days worked) and prints how the deadline moved,
   and the problem's history, which records the recount (时限重算).

Offices do the same from the command line: ``jinjiecu calendar add-notice 2027.toml``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinjiecu import (
    CHINA_TZ,
    Actor,
    ActorKind,
    Assign,
    DepartmentId,
    EnterpriseId,
    HolidayNotice,
    Problem,
    ProblemId,
    RegionId,
    Register,
    china_calendar,
    end_of_day,
    open_store,
    problem_summary,
    statutory_holidays,
)

STORE = Path("next_year.db")
CLERK = Actor(kind=ActorKind.CLERK, id="wang", name="王芳")


def made_up_notice(year: int) -> HolidayNotice:
    """The statutory holidays, three more weekdays off after the Spring Festival, two made up."""
    statutory = statutory_holidays(year)
    festival = max(day for day, name in statutory.items() if "春节" in name)
    after = [festival + dt.timedelta(days=n) for n in range(1, 15)]
    extra = [day for day in after if day.weekday() < 5 and day not in statutory][:3]
    worked = [day for day in after if day.weekday() >= 5 and day > extra[-1]][:2]
    return HolidayNotice(
        year=year,
        days_off=[*statutory, *extra],
        workdays=worked,
        source="示例，非真实通知 (an example, not the real notice)",
    )


def main() -> None:
    """Run the three steps and print what each shows."""
    year = china_calendar().provisional_years[0]
    STORE.unlink(missing_ok=True)
    with open_store(f"sqlite:///{STORE}") as store:
        moment = dt.datetime(year, 1, 25, 9, tzinfo=CHINA_TZ)
        details = Register(
            title="春节前项目用地手续",
            category="land_use",
            region_id=RegionId("371481"),
            enterprise_id=EnterpriseId("e-1"),
        )
        problem = Problem.register(details, at=moment, actor=CLERK, id=ProblemId("p-1"))
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("zrzyj"), working_days=15)
        assigned = store.problems.apply(problem.id, assign, at=moment, actor=CLERK)
        calendar = store.holiday_notices.calendar()
        print(f"办理时限 deadline: {assigned.deadline}", end="")
        if assigned.deadline is not None and calendar.is_provisional(assigned.deadline):
            print(f"（暂定 provisional: {year}年尚无放假通知 no notice yet）")

        as_of = end_of_day(dt.date(year, 3, 1))
        summary = problem_summary(store, as_of=as_of)
        print(
            f"截至{year}-03-01 超期 overdue: {summary.total.overdue}, "
            f"暂定年份 provisional years: {list(summary.provisional_years)}"
        )

        change = store.holiday_notices.add(made_up_notice(year), actor=CLERK)
        for move in change.moved:
            moved = f"{move.previous_deadline} → {move.new_deadline}"
            print(f"时限重算 recounted {move.problem_id}: {moved}")
        summary = problem_summary(store, as_of=as_of)
        print(f"录入通知后 after the notice, provisional years: {list(summary.provisional_years)}")
        for step in store.problems.get(problem.id).transitions:
            event = f"{step.event.label} ({step.event.value})"
            print(f"  {step.sequence}. {step.at:%Y-%m-%d %H:%M} {event}")


if __name__ == "__main__":
    main()
