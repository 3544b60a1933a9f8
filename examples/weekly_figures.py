"""Print the weekly figures of the 2019 Dezhou drive, this week's and last week's (每周调度数据).

Run it with ``python examples/weekly_figures.py``. It loads the sample drive
(:func:`jinjiecu.sample.dezhou_2019`) into ``weekly_figures.db``, an SQLite
file in the working directory, unless it is there already, and prints, in
Chinese and English:

- the city-level row the office reports upwards, as of the end of
  13 November 2019 and as of a week before, with the change;
- the work groups with the most problems identified;
- the work groups ranked by resolution rate, leaving out groups with fewer
  than five problems.

Every figure is computed as the records stood at the moment asked, so the
week-old figures are the ones the office reported that week.
"""

from __future__ import annotations

import datetime as dt

from jinjiecu import (
    Dimension,
    Query,
    Store,
    dezhou_2019,
    end_of_day,
    open_store,
    problem_summary,
    rank,
    visit_summary,
)

STORE_URL = "sqlite:///weekly_figures.db"
REPORT_DAY = dt.date(2019, 11, 13)
TOP = 5
MIN_SAMPLE = 5


def headline(store: Store, day: dt.date, campaign: Query) -> tuple[int, int, int, int, int]:
    """Groups, visits, problems identified, in progress and solved, as of the end of ``day``."""
    moment = end_of_day(day)
    problems = problem_summary(store, as_of=moment, query=campaign).total
    visits = visit_summary(store, as_of=moment, campaign_id=campaign.campaign_id).total
    groups = store.work_groups.count(campaign)
    return groups, visits.visits, problems.identified, problems.in_progress, problems.solved


def print_headline(day: dt.date, figures: tuple[int, int, int, int, int]) -> None:
    """The office's sentence, then the same in English."""
    groups, visits, identified, in_progress, solved = figures
    print(
        f"截至{day.isoformat()}，{groups}个市级工作组共计进厂入企{visits}次，"
        f"共梳理问题{identified}个，正在办理{in_progress}个，已帮助解决完成{solved}个。"
    )
    print(
        f"  As of {day:%d %B %Y}: {groups} city work groups, {visits} visits, "
        f"{identified} problems identified, {in_progress} in progress, {solved} solved."
    )


def main() -> None:
    """Load the drive if needed, then print this week's and last week's figures."""
    drive = dezhou_2019()
    campaign = Query(campaign_id=drive.campaign_id)
    with open_store(STORE_URL) as store:
        if drive.campaign_id not in store.campaigns:
            drive.load_into(store)
        last_week = REPORT_DAY - dt.timedelta(days=7)

        print("== 本周调度 (this week's figures) ==")
        this_week_figures = headline(store, REPORT_DAY, campaign)
        print_headline(REPORT_DAY, this_week_figures)
        print("== 上周调度 (last week's figures, re-run today) ==")
        last_week_figures = headline(store, last_week, campaign)
        print_headline(last_week, last_week_figures)
        change = [
            now - then for now, then in zip(this_week_figures, last_week_figures, strict=True)
        ]
        print(
            f"本周新增: 进厂入企{change[1]:+d}次, 梳理问题{change[2]:+d}个, 解决{change[4]:+d}个 "
            f"(this week: {change[1]:+d} visits, {change[2]:+d} problems, {change[4]:+d} solved)"
        )

        moment = end_of_day(REPORT_DAY)
        by_group = problem_summary(store, as_of=moment, by=Dimension.WORK_GROUP, query=campaign)
        visits = visit_summary(
            store, as_of=moment, by=Dimension.WORK_GROUP, campaign_id=drive.campaign_id
        )
        print(f"== 梳理问题最多的工作组 (the {TOP} groups with most problems identified) ==")
        busiest = sorted(by_group, key=lambda row: (-row.figures.identified, row.key or ""))
        for row in busiest[:TOP]:
            figures = row.figures
            print(
                f"  {row.label}: 进厂入企{visits.row(row.key).figures.visits}次, "
                f"梳理问题{figures.identified}个, 正在办理{figures.in_progress}个, "
                f"已解决{figures.solved}个 (resolution rate {figures.resolution_rate})"
            )

        ranking = rank(by_group, "resolution_rate", min_sample=MIN_SAMPLE)
        print(
            f"== 解决率排名 (ranked by resolution rate, groups with at least "
            f"{MIN_SAMPLE} problems) =="
        )
        for ranked in ranking.ranked[:TOP]:
            rate = ranked.rate
            print(
                f"  {ranked.position}. {ranked.label}: {rate} ({rate.numerator}/{rate.denominator})"
            )
        print(
            f"  未排名 (not ranked): {len(ranking.unranked)} 个工作组, "
            f"问题少于{MIN_SAMPLE}个 (fewer than {MIN_SAMPLE} problems)"
        )


if __name__ == "__main__":
    main()
