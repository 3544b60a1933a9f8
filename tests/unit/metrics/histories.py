"""A small hand-built world for the metrics tests: regions, groups, enterprises, problems.

Regions form a tree: 山东省 > 德州市 > 乐陵市, 武城县 and a development zone.
Two work groups of one drive share four enterprises and three projects.
Problems are built through ``Problem.register`` and ``Problem.apply``, one
step a day at 10:00 unless said otherwise, in November 2019 (no holidays:
every weekday is a working day, and Mondays are the 4th, 11th, 18th and 25th).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from jinjiecu.domain.campaign import Campaign, CampaignKind, CampaignTargets
from jinjiecu.domain.clock import at, end_of_day
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind
from jinjiecu.domain.events import (
    Assign,
    Close,
    Explain,
    FollowUp,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Register,
    Reject,
    Reopen,
    Resolve,
    Satisfaction,
    Scope,
    Start,
    Suspend,
    Withdraw,
)
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import Department, OrgLevel, Region, WorkGroup
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from jinjiecu.domain.events import EventData
    from jinjiecu.storage.base import Store

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-1", name="王芳")

PROVINCE = RegionId("370000")
CITY = RegionId("371400")
LELING = RegionId("371481")
WUCHENG = RegionId("371428")
ZONE = RegionId("371400-canal-zone")

CAMPAIGN = CampaignId("dezhou-2019")
STANDING = CampaignId("leling-standing")
G1 = WorkGroupId("g-01")
G2 = WorkGroupId("g-02")
LAND = DepartmentId("zrzyj")
DRC = DepartmentId("fgw")
E1 = EnterpriseId("e-1")
E2 = EnterpriseId("e-2")
E3 = EnterpriseId("e-3")
E4 = EnterpriseId("e-4")
KEY_PROJECT = ProjectId("p-key")
RENOVATION = ProjectId("p-renovation")
URBAN = ProjectId("p-urban")

REGIONS = (
    Region(id=PROVINCE, name="山东省", kind=DivisionKind.PROVINCE),
    Region(id=CITY, name="德州市", kind=DivisionKind.CITY, parent_id=PROVINCE),
    Region(id=LELING, name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY, parent_id=CITY),
    Region(id=WUCHENG, name="武城县", kind=DivisionKind.COUNTY, parent_id=CITY),
    Region(id=ZONE, name="德州运河经济开发区", kind=DivisionKind.DEVELOPMENT_ZONE, parent_id=CITY),
)
DEPARTMENTS = (
    Department(id=LAND, name="德州市自然资源和规划局", level=OrgLevel.CITY, region_id=CITY),
    Department(id=DRC, name="德州市发展和改革委员会", level=OrgLevel.CITY, region_id=CITY),
)
ENTERPRISES = (
    Enterprise(id=E1, name="乐陵甲公司", region_id=LELING, backbone=True),
    Enterprise(id=E2, name="乐陵乙公司", region_id=LELING, backbone=True),
    Enterprise(id=E3, name="武城丙公司", region_id=WUCHENG, backbone=True),
    Enterprise(id=E4, name="武城丁公司", region_id=WUCHENG),
)
PROJECTS = (
    Project(id=KEY_PROJECT, name="乐陵重点项目", kind=ProjectKind.CITY_KEY, region_id=LELING),
    Project(
        id=RENOVATION, name="武城技改项目", kind=ProjectKind.TECH_RENOVATION, region_id=WUCHENG
    ),
    Project(id=URBAN, name="中心城区城建项目", kind=ProjectKind.URBAN_CONSTRUCTION, region_id=ZONE),
)
DRIVE = Campaign.drive(
    id=CAMPAIGN,
    name="进企业、解难题、促发展集中行动",
    region_id=CITY,
    start=dt.date(2019, 10, 10),
    days=50,
    targets=CampaignTargets(backbone_enterprises=3, key_projects=1, renovation_projects=1),
)
PRACTICE = Campaign(
    id=STANDING,
    name="乐陵市常态化进解促",
    kind=CampaignKind.STANDING,
    region_id=LELING,
    start=dt.date(2019, 3, 1),
)
GROUPS = (
    WorkGroup(
        id=G1,
        name="第一工作组",
        campaign_id=CAMPAIGN,
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=[LeaderId("l-1")],
        enterprise_ids=[E1, E2],
        project_ids=[KEY_PROJECT],
    ),
    WorkGroup(
        id=G2,
        name="第二工作组",
        campaign_id=CAMPAIGN,
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=[LeaderId("l-2")],
        enterprise_ids=[E3, E4, E1],
        project_ids=[RENOVATION],
    ),
)

# Event data used again and again.
ASSIGN = Assign(lead_department_id=LAND, working_days=5)
START = Start()
RESOLVE = Resolve(summary="已协调解决")
EXPLAIN = Explain(explanation="不符合政策，已向企业解释清楚")
SUSPEND = Suspend(reason="等待省级批复")
CLOSE = Close()
REOPEN = Reopen(reason="回访不满意")
REJECT = Reject(reason="民事纠纷，不予受理")
WITHDRAW = Withdraw(reason="企业已自行解决")
SATISFIED = FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED)
BASICALLY = FollowUp(
    outcome=FollowUpOutcome.PARTLY_SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED
)
DISSATISFIED = FollowUp(outcome=FollowUpOutcome.NOT_SOLVED, satisfaction=Satisfaction.DISSATISFIED)


def merge_into(original: str) -> MergeInto:
    """Merge into the problem with id ``original``."""
    return MergeInto(duplicate_of=ProblemId(original))


def nov(day: int) -> dt.date:
    """A day of November 2019."""
    return dt.date(2019, 11, day)


def end_of(day: int) -> dt.datetime:
    """The end of a day of November 2019, China Standard Time ("截至11月N日")."""
    return end_of_day(nov(day))


def register(
    problem_id: str,
    on: dt.date,
    *,
    hour: int = 9,
    region: RegionId = LELING,
    enterprise: EnterpriseId | None = E1,
    group: WorkGroupId | None = G1,
    campaign: CampaignId | None = CAMPAIGN,
    category: str = "land_use",
    scope: Scope = Scope.INDIVIDUAL,
    level: HandlingLevel = HandlingLevel.LOCAL,
) -> Problem:
    """Register a problem on ``on`` at ``hour``."""
    return Problem.register(
        Register(
            title="用地指标不足",
            category=category,
            region_id=region,
            enterprise_id=enterprise,
            project_id=None if enterprise is not None else KEY_PROJECT,
            campaign_id=campaign,
            work_group_id=group,
            scope=scope,
            level=level,
        ),
        at=at(on, hour),
        actor=CLERK,
        id=ProblemId(problem_id),
    )


def then(problem: Problem, *steps: tuple[EventData, dt.date]) -> Problem:
    """Apply each (event data, day) step at 10:00 of its day."""
    for data, on in steps:
        problem = problem.apply(data, at=at(on, 10), actor=CLERK)
    return problem


def store_with(*problems: Problem, url: str = "memory://") -> Store:
    """A store holding the world and ``problems``; the caller closes it."""
    store = open_store(url)
    with store.transaction() as tx:
        tx.regions.add_many(REGIONS)
        tx.departments.add_many(DEPARTMENTS)
        tx.campaigns.add_many([DRIVE, PRACTICE])
        tx.work_groups.add_many(GROUPS)
        tx.enterprises.add_many(ENTERPRISES)
        tx.projects.add_many(PROJECTS)
        if problems:
            tx.problems.add_many(problems)
    return store


def visit(
    visit_id: str,
    on: dt.date,
    *,
    group: WorkGroupId | None = G1,
    enterprise: EnterpriseId | None = E1,
    project: ProjectId | None = None,
    campaign: CampaignId = CAMPAIGN,
    onsite: bool = False,
    hour: int = 9,
) -> Visit:
    """A visit on ``on`` at ``hour``."""
    return Visit(
        id=VisitId(visit_id),
        campaign_id=campaign,
        at=at(on, hour),
        kind=VisitKind.ONSITE_OFFICE if onsite else VisitKind.VISIT,
        work_group_id=group,
        leader_ids=() if group is not None else (LeaderId("l-9"),),
        enterprise_id=enterprise,
        project_id=project,
    )


def wan(amount: int) -> Money:
    """``amount`` 万元."""
    return Money.yuan(Decimal(amount) * 10_000)
