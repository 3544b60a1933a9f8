"""Visit figures (进厂入企) and coverage of a campaign's targets, as of any moment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.enterprise import ProjectKind
from jinjiecu.domain.ids import CampaignId
from jinjiecu.domain.validation import check_argument, is_id
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.errors import NotFoundError, ValidationError
from jinjiecu.metrics._context import Names, summarise
from jinjiecu.metrics.dimensions import PERIODS, Dimension, period_key
from jinjiecu.metrics.problems import check_summary_arguments
from jinjiecu.metrics.results import Summary, TargetCoverage, VisitFigures
from jinjiecu.storage.base import (
    CAMPAIGNS,
    ENTERPRISES,
    PROJECTS,
    VISITS,
    WORK_GROUPS,
    Query,
)

if TYPE_CHECKING:
    import datetime as dt

    from jinjiecu.storage.base import Session, Store

__all__ = ["VISIT_DIMENSIONS", "VisitSummary", "target_coverage", "visit_summary"]

VisitSummary = Summary[VisitFigures]
"""A table of :class:`~jinjiecu.metrics.results.VisitFigures`."""

VISIT_DIMENSIONS = frozenset(
    {Dimension.CAMPAIGN, Dimension.WORK_GROUP, Dimension.REGION, Dimension.ENTERPRISE} | PERIODS
)
"""What visits can be grouped by."""


@attrs.define
class _VisitTally:
    visits: int = 0
    onsite: int = 0
    enterprises: set[str] = attrs.field(factory=set)
    projects: set[str] = attrs.field(factory=set)

    def add(self, visit: Visit) -> None:
        self.visits += 1
        self.onsite += visit.kind is VisitKind.ONSITE_OFFICE
        if visit.enterprise_id is not None:
            self.enterprises.add(visit.enterprise_id)
        if visit.project_id is not None:
            self.projects.add(visit.project_id)

    def figures(self) -> VisitFigures:
        return VisitFigures(
            visits=self.visits,
            onsite_sessions=self.onsite,
            enterprises_visited=len(self.enterprises),
            projects_visited=len(self.projects),
        )


def visit_summary(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    by: Dimension | None = None,
    campaign_id: CampaignId | None = None,
) -> VisitSummary:
    """Visits made by ``as_of`` (default: now), optionally of one campaign, grouped ``by``.

    A visit counts for the region of the enterprise visited (or else the
    project); grouped by region, a region's row includes the regions below it.
    """
    moment, _ = check_summary_arguments(as_of, by, None)
    if by is not None and by not in VISIT_DIMENSIONS:
        raise ValidationError(
            field="by",
            expected="one of " + ", ".join(sorted(d.value for d in VISIT_DIMENSIONS)),
            received=by,
        )
    check_argument(_optional_campaign, "campaign_id", campaign_id)
    names = Names.load(store)

    def read(session: Session) -> tuple[list[Visit], dict[str, str], dict[str, str]]:
        query = Query(campaign_id=campaign_id) if campaign_id else Query()
        visits = (
            session.select(VISITS, query, 10**9, 0) if campaign_id else list(session.scan(VISITS))
        )
        enterprise_regions = {str(e.id): str(e.region_id) for e in session.scan(ENTERPRISES)}
        project_regions = {str(p.id): str(p.region_id) for p in session.scan(PROJECTS)}
        return visits, enterprise_regions, project_regions

    visits, enterprise_regions, project_regions = store.read(read)
    taken = [visit for visit in visits if visit.at <= moment]

    def key(visit: Visit) -> str | None:
        if by is None:
            return None
        if by in PERIODS:
            return period_key(local_date(visit.at), by)
        if by is Dimension.REGION:
            place = enterprise_regions.get(visit.enterprise_id or "") or project_regions.get(
                visit.project_id or ""
            )
            return None if place is None else str(place)
        value: Any = {
            Dimension.CAMPAIGN: visit.campaign_id,
            Dimension.WORK_GROUP: visit.work_group_id,
            Dimension.ENTERPRISE: visit.enterprise_id,
        }[by]
        return None if value is None else str(value)

    return summarise(
        names,
        by,
        [(key(visit), visit) for visit in taken],
        _VisitTally,
        _VisitTally.add,
        as_of=moment,
        definitions=("as_of", "visits"),
    )


def _optional_campaign(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        is_id(CampaignId)(instance, attribute, value)


def target_coverage(
    store: Store, campaign_id: CampaignId, *, as_of: dt.datetime | None = None
) -> TargetCoverage:
    """Which of a campaign's targets its work groups visited at least once by ``as_of``.

    The targets are the backbone enterprises, city key projects and
    technical-renovation projects assigned to the campaign's work groups.
    """
    moment, _ = check_summary_arguments(as_of, None, None)
    check_argument(is_id(CampaignId), "campaign_id", campaign_id)

    def read(session: Session) -> TargetCoverage:
        found = session.fetch(CAMPAIGNS, campaign_id)
        if found is None:
            raise NotFoundError(kind="campaign", id=campaign_id)
        campaign = found.record
        groups = session.select(WORK_GROUPS, Query(campaign_id=campaign_id), 10**9, 0)
        enterprise_ids = {e for g in groups for e in g.enterprise_ids}
        project_ids = {p for g in groups for p in g.project_ids}
        backbone = sorted(
            e.id for e in session.scan(ENTERPRISES) if e.id in enterprise_ids and e.backbone
        )
        projects = [p for p in session.scan(PROJECTS) if p.id in project_ids]
        key = sorted(p.id for p in projects if p.kind is ProjectKind.CITY_KEY)
        renovation = sorted(p.id for p in projects if p.kind is ProjectKind.TECH_RENOVATION)
        visits = session.select(VISITS, Query(campaign_id=campaign_id), 10**9, 0)
        seen = {v.enterprise_id for v in visits if v.at <= moment} | {
            v.project_id for v in visits if v.at <= moment
        }
        return TargetCoverage(
            as_of=moment,
            campaign_id=campaign_id,
            backbone_target=campaign.targets.backbone_enterprises,
            backbone_assigned=tuple(backbone),
            backbone_visited=tuple(e for e in backbone if e in seen),
            key_projects_target=campaign.targets.key_projects,
            key_projects_assigned=tuple(key),
            key_projects_visited=tuple(p for p in key if p in seen),
            renovation_target=campaign.targets.renovation_projects,
            renovation_assigned=tuple(renovation),
            renovation_visited=tuple(p for p in renovation if p in seen),
        )

    return store.read(read)
