"""Strategies for the organisation's records, campaigns, enterprises, projects and visits.

Private to :mod:`jinjiecu.testing.strategies`, which exports them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from jinjiecu.domain.campaign import Campaign, CampaignKind, CampaignTargets
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    OfficeId,
    ProjectId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.org import (
    CampaignOffice,
    Department,
    DepartmentKind,
    Leader,
    LeadershipBody,
    OrgLevel,
    Region,
    WorkGroup,
)
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.testing.strategies._values import (
    aware_datetimes,
    credit_codes,
    division_codes,
    free_texts,
    id_tuples,
    ids,
    money,
    names,
)

__all__ = [
    "campaign_offices",
    "campaign_targets",
    "campaigns",
    "departments",
    "enterprises",
    "leaders",
    "projects",
    "regions",
    "visits",
    "work_groups",
]


def regions(parent_id: RegionId | None = None) -> st.SearchStrategy[Region]:
    """Regions of any kind; ``parent_id`` fixes the parent (else none or a random one)."""
    return st.builds(
        Region,
        id=ids(RegionId),
        name=names(),
        kind=st.sampled_from(DivisionKind),
        division_code=st.none() | division_codes(),
        parent_id=st.just(parent_id) if parent_id else st.none() | ids(RegionId, "parent-region"),
    )


def departments() -> st.SearchStrategy[Department]:
    """Departments of any level and kind."""
    return st.builds(
        Department,
        id=ids(DepartmentId),
        name=names(),
        level=st.sampled_from(OrgLevel),
        kind=st.sampled_from(DepartmentKind),
        region_id=st.none() | ids(RegionId),
    )


def leaders() -> st.SearchStrategy[Leader]:
    """Leaders, with or without a leadership body."""
    return st.builds(
        Leader,
        id=ids(LeaderId),
        name=names(10),
        post=names(),
        body=st.none() | st.sampled_from(LeadershipBody),
        region_id=st.none() | ids(RegionId),
        department_id=st.none() | ids(DepartmentId),
    )


def work_groups(campaign_id: CampaignId | None = None) -> st.SearchStrategy[WorkGroup]:
    """Work groups with one to three leaders and some assigned enterprises and projects."""
    return st.builds(
        WorkGroup,
        id=ids(WorkGroupId),
        name=names(),
        campaign_id=st.just(campaign_id) if campaign_id else ids(CampaignId),
        level=st.sampled_from(OrgLevel),
        region_id=ids(RegionId),
        leader_ids=id_tuples(LeaderId, min_size=1, max_size=3),
        department_ids=id_tuples(DepartmentId),
        enterprise_ids=id_tuples(EnterpriseId),
        project_ids=id_tuples(ProjectId),
    )


def campaign_offices() -> st.SearchStrategy[CampaignOffice]:
    """Leading-group offices."""
    return st.builds(
        CampaignOffice,
        id=ids(OfficeId),
        name=names(),
        region_id=ids(RegionId),
        host_department_id=st.none() | ids(DepartmentId),
    )


def campaign_targets() -> st.SearchStrategy[CampaignTargets]:
    """Campaign targets with small counts."""
    counts = st.integers(min_value=0, max_value=500)
    return st.builds(
        CampaignTargets,
        backbone_enterprises=counts,
        key_projects=counts,
        renovation_projects=counts,
        urban_construction_projects=st.none() | counts,
    )


@st.composite
def campaigns(
    draw: st.DrawFn,
    kind: CampaignKind | None = None,
    min_start: dt.date = dt.date(2019, 1, 1),
    max_start: dt.date = dt.date(2026, 6, 30),
) -> Campaign:
    """Drives (with an end) and standing practices (end or not), starting in the range given."""
    chosen = kind or draw(st.sampled_from(CampaignKind))
    start = draw(st.dates(min_value=min_start, max_value=max_start))
    length = st.integers(min_value=0, max_value=365).map(lambda n: start + dt.timedelta(days=n))
    end = draw(length if chosen is CampaignKind.DRIVE else st.none() | length)
    return Campaign(
        id=draw(ids(CampaignId)),
        name=draw(names()),
        kind=chosen,
        region_id=draw(ids(RegionId)),
        start=start,
        end=end,
        targets=draw(campaign_targets()),
        office_id=draw(st.none() | ids(OfficeId)),
        department_ids=draw(id_tuples(DepartmentId)),
    )


def enterprises(
    region_id: RegionId | None = None, *, backbone: bool | None = None
) -> st.SearchStrategy[Enterprise]:
    """Enterprises with valid credit codes (or none); fix the region or backbone flag if needed."""
    return st.builds(
        Enterprise,
        id=ids(EnterpriseId),
        name=names(),
        region_id=st.just(region_id) if region_id else ids(RegionId),
        credit_code=st.none() | credit_codes(),
        industry=names(10),
        size=st.sampled_from(SizeClass),
        backbone=st.booleans() if backbone is None else st.just(backbone),
    )


def projects(kind: ProjectKind | None = None) -> st.SearchStrategy[Project]:
    """Projects of any (or the given) kind, with a non-negative planned investment."""
    return st.builds(
        Project,
        id=ids(ProjectId),
        name=names(),
        kind=st.just(kind) if kind else st.sampled_from(ProjectKind),
        region_id=ids(RegionId),
        owner_id=st.none() | ids(EnterpriseId),
        planned_investment=money(min_value=Decimal(0), allow_approximate=False),
        phase=st.sampled_from(ProjectPhase),
    )


@st.composite
def visits(draw: st.DrawFn, campaign_id: CampaignId | None = None) -> Visit:
    """Visits to an enterprise, a project or both, by a group, leaders or both."""
    target = draw(st.sampled_from(["enterprise", "project", "both"]))
    by = draw(st.sampled_from(["group", "leaders", "both"]))
    return Visit(
        id=draw(ids(VisitId)),
        campaign_id=campaign_id or draw(ids(CampaignId)),
        at=draw(aware_datetimes()),
        kind=draw(st.sampled_from(VisitKind)),
        work_group_id=draw(ids(WorkGroupId)) if by != "leaders" else None,
        leader_ids=draw(id_tuples(LeaderId, min_size=1 if by != "group" else 0)),
        department_ids=draw(id_tuples(DepartmentId)),
        enterprise_id=draw(ids(EnterpriseId)) if target != "project" else None,
        project_id=draw(ids(ProjectId)) if target != "enterprise" else None,
        notes=draw(free_texts()),
    )
