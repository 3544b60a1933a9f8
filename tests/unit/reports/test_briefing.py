from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.campaign import Campaign, CampaignKind
from jinjiecu.domain.clock import at, end_of_day, local_date
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.ids import CampaignId, LeaderId, RegionId, WorkGroupId
from jinjiecu.domain.org import OrgLevel, Region, WorkGroup
from jinjiecu.errors import NotFoundError, ValidationError
from jinjiecu.metrics import Dimension, problem_summary, visit_summary
from jinjiecu.reports.briefing import (
    BriefingTemplates,
    briefing,
    briefing_figures,
    headline_sentence,
    render_briefing,
)
from jinjiecu.sample import SampleData, dezhou_2019
from jinjiecu.storage import open_store
from jinjiecu.storage.base import Query
from jinjiecu.testing import strategies as js

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jinjiecu.domain.problem import Problem
    from jinjiecu.reports.briefing import BriefingFigures
    from jinjiecu.storage.base import Store

HEADLINE = (
    "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，"
    "正在办理139个，已帮助解决完成14个。"
)
HEADLINE_EN = (
    "As of 13 November 2019, the 27 city-level work groups had made 439 visits to "
    "enterprises and identified 153 problems in all: 139 are in progress and 14 have "
    "been solved."
)


@pytest.fixture(scope="module")
def drive() -> SampleData:
    return dezhou_2019()


@pytest.fixture(scope="module")
def store(drive: SampleData) -> Iterator[Store]:
    with open_store("memory://") as store:
        drive.load_into(store)
        yield store


@pytest.fixture(scope="module")
def figures(store: Store, drive: SampleData) -> BriefingFigures:
    return briefing_figures(store, as_of=drive.as_of, campaign_id=drive.campaign_id)


@pytest.fixture(scope="module")
def text(store: Store, drive: SampleData) -> str:
    return briefing(store, as_of=drive.as_of, campaign_id=drive.campaign_id)


def lines_under(text: str, heading: str) -> list[str]:
    """The lines of the section that starts with ``heading``, up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def numbers(pattern: str, lines: list[str]) -> list[float]:
    """The number ``pattern`` captures in each line (every line must have one)."""
    found = []
    for line in lines:
        match = re.search(pattern, line)
        assert match is not None, line
        found.append(float(match[1]))
    return found


# ---------------------------------------------------------------------- the headline


def test_the_headline_is_the_offices_sentence_for_the_sample(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == "领导干部“进企业、解难题、促发展”集中行动工作通报"
    assert lines[1] == "（截至2019年11月13日）"
    assert lines[2] == ""
    assert lines[3] == HEADLINE


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("level", [OrgLevel.CITY, OrgLevel.PROVINCE, None])
def test_the_headline_alone_has_the_briefings_words(
    figures: BriefingFigures, language: str, level: OrgLevel | None
) -> None:
    shown = attrs.evolve(figures, group_level=level)
    alone = headline_sentence(
        shown.problems,
        shown.visits,
        as_of=shown.as_of,
        work_groups=shown.work_group_count,
        group_level=level,
        language=language,
    )
    assert alone == render_briefing(shown, language=language).headline
    assert str(shown.problems.identified) in alone


def test_without_a_campaign_the_stores_only_campaign_gives_the_same_briefing(
    store: Store, drive: SampleData, text: str
) -> None:
    assert briefing(store, as_of=drive.as_of) == text


def test_the_english_briefing_says_the_same_figures(store: Store, drive: SampleData) -> None:
    english = briefing(store, as_of=drive.as_of, language="en")
    lines = english.splitlines()
    assert lines[0] == "Briefing: 领导干部“进企业、解难题、促发展”集中行动"
    assert lines[1] == "(as of 13 November 2019)"
    assert lines[3] == HEADLINE_EN
    assert "1. By work group" in lines
    assert "4. Overdue problems" in lines
    assert "无数据" not in english


def test_the_overview_gives_rates_targets_and_money(text: str) -> None:
    overview = lines_under(text, HEADLINE)
    assert overview[0] == (
        "问题解决率9.2%，办结率9.2%；超期未办结问题24个，3个工作日内到期问题22个。"
    )
    assert overview[1].startswith("帮扶骨干企业100家，已走访100家；市级重点项目111个")
    assert overview[2].startswith("金融帮扶：化解债务1笔、5350多万元，")
    assert "过桥资金6笔、1.71亿元" in overview[2]


# ---------------------------------------------------------------------- sections


def test_every_section_is_there_in_order(text: str) -> None:
    headings = [line for line in text.splitlines() if re.match(r"^[一二三四五六七八九十]+、", line)]
    assert headings == ["一、分工作组情况", "二、分县市区情况", "三、排名情况", "四、超期问题"]


def test_each_work_group_has_its_line_with_the_metrics_figures(
    store: Store, drive: SampleData, text: str
) -> None:
    lines = lines_under(text, "一、分工作组情况")
    assert len(lines) == 27
    query = Query(campaign_id=drive.campaign_id)
    problems = problem_summary(store, as_of=drive.as_of, by=Dimension.WORK_GROUP, query=query)
    visits = visit_summary(
        store, as_of=drive.as_of, by=Dimension.WORK_GROUP, campaign_id=drive.campaign_id
    )
    for number, (line, group) in enumerate(zip(lines, drive.work_groups, strict=True), start=1):
        p = problems.row(str(group.id)).figures
        v = visits.row(str(group.id)).figures
        assert line == (
            f"{number}. {group.name}：进厂入企{v.visits}次，梳理问题{p.identified}个，"
            f"正在办理{p.in_progress}个，已帮助解决完成{p.solved}个，"
            f"解决率{p.resolution_rate.percent}，超期{p.overdue}个。"
        )
    assert sum(numbers(r"进厂入企(\d+)次", lines)) == 439


def test_the_county_section_lists_the_counties_then_the_zones(text: str) -> None:
    lines = lines_under(text, "二、分县市区情况")
    names = [line.split(". ", 1)[1].split("：", 1)[0] for line in lines]
    assert names[:11] == [
        "德城区",
        "陵城区",
        "宁津县",
        "庆云县",
        "临邑县",
        "齐河县",
        "平原县",
        "夏津县",
        "武城县",
        "乐陵市",
        "禹城市",
    ]
    assert set(names[11:]) == {"德州运河经济开发区", "德州经济技术开发区", "德州天衢新区"}
    assert "9. 武城县：进厂入企29次，梳理问题12个，正在办理7个，已帮助解决完成5个，" in (
        "\n".join(lines)
    )
    assert sum(numbers(r"梳理问题(\d+)个", lines)) == 153


def test_rankings_leave_out_groups_below_the_minimum_sample(text: str) -> None:
    lines = lines_under(text, "三、排名情况")
    assert lines[0] == "（一）工作组问题解决率排名（梳理问题不少于5个的参与排名）"
    assert lines[1] == "1. 市级第二十七工作组（武城县）：57.1%（4/7）"
    unranked = next(line for line in lines if line.startswith("未参与排名："))
    assert unranked.count("少于5个") == 4
    assert "市级第十七工作组（德州天衢新区）（梳理问题4个，少于5个）" in unranked
    group_lines = lines[1 : lines.index(unranked)]
    assert len(group_lines) == 23
    rates = numbers(r"：([\d.]+)%", group_lines)
    assert rates == sorted(rates, reverse=True)
    assert "（二）县市区问题解决率排名（梳理问题不少于5个的参与排名）" in lines


def test_a_smaller_minimum_sample_ranks_every_group(store: Store, drive: SampleData) -> None:
    figures = briefing_figures(store, as_of=drive.as_of, min_sample=1)
    assert len(figures.group_ranking.ranked) == 27
    assert figures.group_ranking.unranked == ()
    assert "未参与排名" not in str(render_briefing(figures))


def test_the_overdue_lists_match_the_overdue_figure(figures: BriefingFigures, text: str) -> None:
    assert figures.problems.overdue == 24
    assert len(figures.overdue) == 24
    assert sum(row.problems.overdue for row in figures.departments) == 24
    by_department = lines_under(text, "（一）按牵头部门统计")
    assert by_department[0] == "1. 德州市自然资源和规划局：超期7个"
    listed = [line for line in text.splitlines() if "已超期" in line]
    assert len(listed) == 24
    days = numbers(r"已超期(\d+)个工作日", listed)
    assert days == sorted(days, reverse=True)
    assert listed[0].startswith("1. ")
    assert "办理时限：2019年11月1日；已超期8个工作日）" in listed[0]


def test_the_overdue_list_can_be_cut_short(figures: BriefingFigures) -> None:
    text = str(render_briefing(figures, overdue_limit=5))
    assert len([line for line in text.splitlines() if "已超期" in line]) == 5
    assert "另有19个超期问题未列出。" in text


# ---------------------------------------------------------------------- no data


def test_rates_with_nothing_to_divide_by_read_no_data(store: Store, drive: SampleData) -> None:
    before = at(drive.campaigns[0].start, 0, 1)  # the drive has begun, nothing is registered
    text = briefing(store, as_of=before)
    assert "截至10月10日，27个市级工作组共计进厂入企0次，共梳理问题0个" in text
    assert "问题解决率无数据，办结率无数据；" in text
    group_lines = lines_under(text, "一、分工作组情况")
    assert all(line.endswith("解决率无数据，超期0个。") for line in group_lines)
    assert "0.0%" not in text
    assert "暂无梳理问题不少于5个的单位，不予排名。" in text
    assert "无超期未办结问题。" in text
    english = briefing(store, as_of=before, language="en")
    assert "Resolution rate no data, settled rate no data;" in english
    assert "No problem is overdue." in english


def tiny_store(group_name: str) -> Store:
    """A city, a campaign and one work group, with no visits and no problems."""
    store = open_store("memory://")
    city = RegionId("371400")
    campaign = CampaignId("c1")
    with store.transaction() as tx:
        tx.regions.add(Region(id=city, name="德州市", kind=DivisionKind.CITY))
        tx.regions.add(
            Region(id=RegionId("371428"), name="武城县", kind=DivisionKind.COUNTY, parent_id=city)
        )
        tx.campaigns.add(
            Campaign(
                id=campaign,
                name="集中行动",
                kind=CampaignKind.DRIVE,
                region_id=city,
                start=dt.date(2019, 10, 10),
                end=dt.date(2019, 11, 28),
            )
        )
        tx.work_groups.add(
            WorkGroup(
                id=WorkGroupId("g1"),
                name=group_name,
                campaign_id=campaign,
                level=OrgLevel.COUNTY,
                region_id=city,
                leader_ids=[LeaderId("l1")],
            )
        )
    return store


def test_a_store_with_nothing_recorded_yet_still_briefs() -> None:
    store = tiny_store("第一工作组")
    text = briefing(store, as_of=end_of_day(dt.date(2019, 10, 20)))
    assert "截至10月20日，1个县级工作组共计进厂入企0次" in text
    assert "1. 第一工作组：进厂入企0次，梳理问题0个，正在办理0个，已帮助解决完成0个，" in text
    assert "1. 武城县：进厂入企0次" in text
    assert "第一工作组（无数据）" in text
    empty = open_store("memory://")
    blank = briefing(empty, as_of=end_of_day(dt.date(2019, 10, 20)))
    assert blank.splitlines()[0] == "“进企业、解难题、促发展”工作通报"
    assert "截至10月20日，0个工作组共计进厂入企0次" in blank
    assert "一、超期问题" in blank


# ---------------------------------------------------------------------- templates


def test_a_template_can_be_overridden(store: Store, drive: SampleData) -> None:
    templates = attrs.evolve(
        BriefingTemplates.chinese(),
        headline="截至{full_date}，{groups}个工作组已解决{solved}个问题（共{identified:,}个）。",
        heading="【{title}】",
    )
    text = briefing(store, as_of=drive.as_of, templates=templates)
    assert text.splitlines()[3] == "截至2019年11月13日，27个工作组已解决14个问题（共153个）。"
    assert "【分工作组情况】" in text
    assert HEADLINE not in text


def test_a_template_naming_an_unknown_field_is_refused_when_built() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(BriefingTemplates.english(), group_line="{name}: {visit_count}")
    assert caught.value.field == "group_line"
    assert "{visits}" in caught.value.expected
    with pytest.raises(ValidationError) as positional:
        BriefingTemplates.chinese().__class__(
            **attrs.asdict(BriefingTemplates.chinese()) | {"title": "{0}"}
        )
    assert positional.value.field == "title"
    with pytest.raises(ValidationError):
        attrs.evolve(BriefingTemplates.chinese(), subtitle="（截至{full_date")


def test_a_bad_format_spec_fails_with_the_templates_name(figures: BriefingFigures) -> None:
    templates = attrs.evolve(BriefingTemplates.chinese(), headline="{date:d}")
    with pytest.raises(ValidationError) as caught:
        render_briefing(figures, templates=templates)
    assert caught.value.field == "headline"


@given(text=js.names())
def test_any_text_without_fields_is_a_template_printed_as_written(
    figures: BriefingFigures, text: str
) -> None:
    literal = text.replace("{", "{{").replace("}", "}}")
    templates = attrs.evolve(BriefingTemplates.english(), headline=literal)
    assert render_briefing(figures, templates=templates).headline == text


@given(name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
def test_only_the_listed_fields_are_accepted(name: str) -> None:
    allowed = {"date", "full_date"}

    def build() -> BriefingTemplates:
        return attrs.evolve(BriefingTemplates.chinese(), subtitle="{" + name + "}")

    if name in allowed:
        assert build().subtitle == "{" + name + "}"
    else:
        with pytest.raises(ValidationError):
            build()


# ---------------------------------------------------------------------- arguments


def test_bad_arguments_are_refused_with_the_field(store: Store, drive: SampleData) -> None:
    with pytest.raises(ValidationError) as language:
        briefing(store, as_of=drive.as_of, language="fr")
    assert language.value.field == "language"
    with pytest.raises(ValidationError) as naive:
        briefing(store, as_of=dt.datetime(2019, 11, 13))  # noqa: DTZ001 - the point of the test
    assert naive.value.field == "as_of"
    with pytest.raises(ValidationError) as plain:
        briefing(store, as_of=drive.as_of, campaign_id="dz2019")  # type: ignore[arg-type]
    assert plain.value.field == "campaign_id"
    with pytest.raises(ValidationError) as sample:
        briefing(store, as_of=drive.as_of, min_sample=0)
    assert sample.value.field == "min_sample"
    with pytest.raises(NotFoundError):
        briefing(store, as_of=drive.as_of, campaign_id=CampaignId("nope"))


# ---------------------------------------------------------------------- invariants


@given(
    problems=st.lists(
        js.problems(min_start=dt.date(2019, 10, 1), max_start=dt.date(2019, 12, 31), max_steps=6),
        max_size=4,
        unique_by=lambda p: p.id,
    ),
    as_of=js.aware_datetimes(dt.datetime(2019, 10, 1), dt.datetime(2020, 6, 30)),  # noqa: DTZ001
)
def test_the_briefing_agrees_with_the_metrics_for_any_history(
    problems: list[Problem], as_of: dt.datetime
) -> None:
    store = open_store("memory://")
    with store.transaction() as tx:
        tx.problems.add_many(problems)
    figures = briefing_figures(store, as_of=as_of)
    total = problem_summary(store, as_of=as_of).total
    assert figures.problems == total
    assert len(figures.overdue) == total.overdue
    assert sum(row.problems.overdue for row in figures.departments) == total.overdue
    # Working days since the deadline: at least one on a working day, and none yet
    # when only days off have passed (a deadline just before a holiday).
    calendar = china_calendar()
    today = local_date(as_of)
    for item in figures.overdue:
        assert item.working_days_overdue == calendar.working_days_between(item.deadline, today)
        assert item.working_days_overdue >= int(calendar.is_working_day(today))
    assert sum(row.problems.identified for row in figures.groups) == total.identified
    for language in ("zh", "en"):
        rendered = render_briefing(figures, language=language)
        assert str(rendered).count("\n") > 4
    headline = render_briefing(figures).headline
    assert f"共梳理问题{total.identified}个，正在办理{total.in_progress}个" in headline
    assert f"已帮助解决完成{total.solved}个。" in headline
    rates = str(render_briefing(figures)).splitlines()[4]
    assert ("问题解决率无数据" in rates) == (total.identified == 0)


def test_phone_numbers_in_problem_titles_are_masked_in_the_briefing(drive: SampleData) -> None:
    from jinjiecu.domain.events import Assign, Register  # noqa: PLC0415 - this test only
    from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId  # noqa: PLC0415
    from jinjiecu.domain.problem import Actor, ActorKind, Problem  # noqa: PLC0415

    clerk = Actor(kind=ActorKind.CLERK, id="clerk")
    firm = drive.enterprises[0]
    overdue = Problem.register(
        Register(
            title="请联系王经理13800138000、身份证110101199003070012协调",
            category="other",
            region_id=firm.region_id,
            enterprise_id=EnterpriseId(str(firm.id)),
            campaign_id=drive.campaign_id,
        ),
        at=at(dt.date(2019, 10, 14)),
        actor=clerk,
        id=ProblemId("masked-1"),
    ).apply(
        Assign(lead_department_id=DepartmentId(str(drive.departments[0].id)), working_days=3),
        at=at(dt.date(2019, 10, 15)),
        actor=clerk,
    )
    with open_store("memory://") as store:
        drive.load_into(store)
        store.problems.add(overdue)
        text = briefing(store, as_of=drive.as_of, overdue_limit=None)
    assert "138****8000" in text
    assert "13800138000" not in text
    assert "110101199003070012" not in text
