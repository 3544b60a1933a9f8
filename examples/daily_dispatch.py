"""One day of the campaign office's dispatching (调度), by names, with the Dispatcher.

Run it with ``python examples/daily_dispatch.py``. It loads the sample 2019
Dezhou drive (:func:`jinjiecu.dezhou_2019`) into ``daily_dispatch.db``, an
SQLite file in the working directory, unless it is there already, then runs
Thursday 14 November 2019 at the leading-group office:

- a work group visits a firm it helps and brings back two problems, which the
  clerk registers (登记) by the firm's name and the words for their categories;
- the clerk assigns (交办) them to departments by name, the deadlines counted
  in working days on the store's calendar;
- a department starts on one and resolves it, and the office follows it up
  (回访) and closes it (办结) the days after;
- a misspelt department name is refused with the nearest names, and a
  colleague working from a stale copy gets a conflict, not a silent overwrite;
- the office prints the figures by work group, the overdue problems and the
  briefing's headline, as of the end of the day.

Every step is what the store, the metrics and the briefing do when called by
hand; the dispatcher only finds the records and builds the ids and events.
"""

from __future__ import annotations

import datetime as dt

from jinjiecu import (
    ConflictError,
    Dispatcher,
    ValidationError,
    at,
    dezhou_2019,
    end_of_day,
    open_store,
)

STORE_URL = "sqlite:///daily_dispatch.db"
DAY = dt.date(2019, 11, 14)
TOP = 5


def load_the_drive_if_needed() -> str:
    """Load the sample drive into the SQLite file unless it is there; the campaign's id."""
    drive = dezhou_2019()
    with open_store(STORE_URL) as store:
        if drive.campaign_id not in store.campaigns:
            drive.load_into(store)
    return drive.campaign_id


def main() -> None:
    """Run the office's day and print what it did and the figures."""
    campaign = load_the_drive_if_needed()
    with Dispatcher.open(
        STORE_URL, campaign=campaign, actor="王芳", clock=lambda: end_of_day(DAY)
    ) as office:
        group = office.store.work_groups.list()[0]
        firm = office.store.enterprises.get(group.enterprise_ids[0])
        print(f"== {DAY} 调度 ({office.actor.name}, {group.name}) ==")

        visit = office.record_visit(firm.name, work_group=group.name, at=at(DAY, 9, 30))
        land = office.register(
            visit=visit, title="新建车间用地指标不足", category="用地", at=at(DAY, 15)
        )
        power = office.register(
            visit=visit, title="新车间用电增容审批周期长", category="用电", at=at(DAY, 15, 10)
        )
        for problem in (land, power):
            print(f"登记 registered {problem.id}: {problem.title} [{problem.category}]")

        try:
            office.assign(land, "德州市自然资源局", at=at(DAY, 16))
        except ValidationError as error:  # a name the store does not have, with the nearest
            print(f"未找到 not found: {error}")
        land = office.assign(land, "德州市自然资源和规划局", at=at(DAY, 16))
        power = office.assign(
            power, "国网山东省电力公司德州供电公司", working_days=5, at=at(DAY, 16)
        )
        for problem in (land, power):
            print(f"交办 assigned {problem.title}: 办理时限 deadline {problem.deadline}")

        colleague = office.acting_as("李强")
        seen_by_colleague = land  # records are immutable: this copy stays at version 2
        bureau = office.acting_as("德州市自然资源和规划局", kind="department")
        land = bureau.start(land, at=at(DAY, 16, 30))
        try:
            colleague.start(seen_by_colleague, at=at(DAY, 16, 40))
        except ConflictError as error:
            print(f"冲突 conflict: {error}")

        land = bureau.resolve(land, "调剂新增建设用地指标30亩", at=at(DAY, 17))
        land = office.follow_up(land, outcome="已解决", satisfaction="满意", at=at(DAY, 17, 30))
        land = office.close_problem(land, at=at(DAY, 17, 45))
        steps = " → ".join(f"{t.event.label}({t.actor.name})" for t in land.transitions)
        print(f"办结 closed: {steps}")

        figures = office.figures(by="work_group")
        total = figures.total
        print(
            f"== 截至{DAY} as of the end of {DAY}: 梳理问题{total.identified}个, "
            f"正在办理{total.in_progress}个, 已解决{total.solved}个, 超期{total.overdue}个 =="
        )
        busiest = sorted(figures, key=lambda row: (-row.figures.identified, row.key or ""))
        for row in busiest[:TOP]:
            print(
                f"  {row.label}: 梳理问题{row.figures.identified}个, "
                f"已解决{row.figures.solved}个, 解决率 {row.figures.resolution_rate}"
            )

        overdue = office.overdue()
        assert len(overdue) == total.overdue
        print(f"== 超期问题 overdue: {len(overdue)} (earliest deadlines first) ==")
        for problem in overdue[:TOP]:
            print(f"  {problem.id} 时限 {problem.deadline}: {problem.title}")

        print(office.briefing().splitlines()[3])


if __name__ == "__main__":
    main()
