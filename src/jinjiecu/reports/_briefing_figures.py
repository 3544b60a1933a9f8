"""The figures of a briefing, read from a store once into :class:`BriefingFigures`.

Every figure comes from :mod:`jinjiecu.metrics` as of one moment: the
totals, a row per work group and per county, district and zone, the rankings
by resolution rate, the lead departments with overdue problems and the
overdue problems one by one. Nothing here phrases a figure; the rendering in
:mod:`jinjiecu.reports.briefing`, which re-exports these names, does.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.campaign import Campaign
from jinjiecu.domain.clock import local_date, now
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.ids import CampaignId
from jinjiecu.domain.org import OrgLevel, Region, WorkGroup
from jinjiecu.domain.personal import mask_text
from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.domain.validation import (
    an_aware_datetime,
    check_argument,
    int_in,
    is_id,
    is_instance,
    optional,
)
from jinjiecu.errors import NotFoundError
from jinjiecu.metrics import (
    Dimension,
    FinanceFigures,
    ProblemFigures,
    Ranking,
    Row,
    Summary,
    TargetCoverage,
    VisitFigures,
    finance_summary,
    problem_summary,
    provisional_reach,
    rank,
    target_coverage,
    visit_summary,
)
from jinjiecu.storage.base import (
    CAMPAIGNS,
    DEPARTMENTS,
    ENTERPRISES,
    PROJECTS,
    REGIONS,
    WORK_GROUPS,
    Query,
)

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem
    from jinjiecu.storage.base import Session, Store


@attrs.frozen(kw_only=True)
class BriefingRow:
    """One work group, region or department: its key, name, visits and problem figures.

    ``key`` is ``None`` for problems that name no group (or department); its
    ``name`` is then the metrics' placeholder, and renderings print their own.
    """

    key: str | None
    name: str
    visits: VisitFigures
    problems: ProblemFigures


@attrs.frozen(kw_only=True)
class OverdueProblem:
    """An unsettled problem past its (effective) deadline at the briefing's moment."""

    problem_id: str
    title: str
    place: str | None
    """The enterprise's name, or the project's when the problem is a project's."""
    department_id: str | None
    department: str | None
    work_group_id: str | None
    work_group: str | None
    region: str | None
    registered_on: dt.date
    deadline: dt.date
    """The deadline as it stood at the briefing's moment (suspensions pause it)."""
    working_days_overdue: int
    """Working days after the deadline, up to and including the briefing's day; 0 while
    only days off have passed since the deadline (a deadline just before a holiday)."""


@attrs.frozen(kw_only=True)
class BriefingFigures:
    """Everything a briefing says, read from a store as of one moment.

    ``groups`` are the work groups (of the campaign, or all of them), in id
    order, followed by a row for problems that name a group outside them or
    none; ``regions`` are the counties, districts and zones directly under the
    campaign's region (counties first, zones last); ``departments`` are the
    lead departments with overdue problems, most overdue first. ``overdue``
    lists every overdue problem, longest overdue first. ``finance`` is
    ``None`` when the store records no finance relief by then, ``coverage``
    when no campaign is known.
    """

    as_of: dt.datetime
    campaign: Campaign | None
    work_group_count: int
    group_level: OrgLevel | None
    visits: VisitFigures
    problems: ProblemFigures
    coverage: TargetCoverage | None
    finance: FinanceFigures | None
    groups: tuple[BriefingRow, ...]
    regions: tuple[BriefingRow, ...]
    group_ranking: Ranking
    region_ranking: Ranking
    departments: tuple[BriefingRow, ...]
    overdue: tuple[OverdueProblem, ...]
    min_sample: int
    due_soon_days: int
    provisional_years: tuple[int, ...] = ()
    """The provisional years the figures were counted on (no holiday notice yet)."""


@attrs.frozen
class _Records:
    """The names and organisation a briefing needs, read in one transaction."""

    campaigns: list[Campaign]
    groups: list[WorkGroup]
    regions: list[Region]
    departments: dict[str, str]
    places: dict[str, str]


def _read_records(session: Session) -> _Records:
    places = {str(e.id): e.name for e in session.scan(ENTERPRISES)}
    places |= {str(p.id): p.name for p in session.scan(PROJECTS)}
    return _Records(
        campaigns=list(session.scan(CAMPAIGNS)),
        groups=list(session.scan(WORK_GROUPS)),
        regions=list(session.scan(REGIONS)),
        departments={str(d.id): d.name for d in session.scan(DEPARTMENTS)},
        places=places,
    )


def _choose_campaign(records: _Records, campaign_id: CampaignId | None) -> Campaign | None:
    if campaign_id is None:
        return records.campaigns[0] if len(records.campaigns) == 1 else None
    for campaign in records.campaigns:
        if campaign.id == campaign_id:
            return campaign
    raise NotFoundError(kind="campaign", id=campaign_id)


def _county_regions(records: _Records, campaign: Campaign | None) -> list[Region]:
    """The regions one level under the campaign's (or the store's only top) region."""
    known = {str(r.id) for r in records.regions}
    tops = [r for r in records.regions if r.parent_id is None or str(r.parent_id) not in known]
    home: str | None
    if campaign is not None:
        home = str(campaign.region_id)
    elif len(tops) == 1:
        home = str(tops[0].id)
    else:
        home = None
    chosen = (
        tops
        if home is None
        else [r for r in records.regions if r.parent_id is not None and str(r.parent_id) == home]
    )
    return sorted(chosen, key=lambda r: (r.kind is DivisionKind.DEVELOPMENT_ZONE, str(r.id)))


def briefing_figures(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    min_sample: int = 5,
    rules: ProblemRules = DEFAULT_RULES,
) -> BriefingFigures:
    """Read the figures of a briefing from ``store`` as the records stood at ``as_of``.

    ``as_of`` defaults to now. With ``campaign_id``, only that campaign's
    problems, visits and work groups count; without it, every record counts,
    and a store holding a single campaign takes its name, region and targets.
    ``min_sample`` is the fewest problems a group or region needs to be
    ranked. Finance relief is not tied to a campaign: it counts every finance
    record dated on or before the day of ``as_of``.
    """
    moment = now() if as_of is None else as_of
    check_argument(an_aware_datetime, "as_of", moment)
    check_argument(optional(is_id(CampaignId)), "campaign_id", campaign_id)
    check_argument(int_in(1), "min_sample", min_sample)
    check_argument(is_instance(ProblemRules, "a ProblemRules"), "rules", rules)
    rules = store.counting_rules(rules)
    records = store.read(_read_records)
    campaign = _choose_campaign(records, campaign_id)
    query = Query(campaign_id=campaign_id) if campaign_id is not None else Query()

    def problems_by(dimension: Dimension) -> Summary[ProblemFigures]:
        return problem_summary(store, as_of=moment, by=dimension, query=query, rules=rules)

    by_group = problems_by(Dimension.WORK_GROUP)
    total = by_group.total  # every selected problem, whatever its group
    by_region = problems_by(Dimension.REGION)
    by_department = problems_by(Dimension.DEPARTMENT)
    visits_by_group = visit_summary(
        store, as_of=moment, by=Dimension.WORK_GROUP, campaign_id=campaign_id
    )
    visits_total = visits_by_group.total  # every visit, whatever its group
    visits_by_region = visit_summary(
        store, as_of=moment, by=Dimension.REGION, campaign_id=campaign_id
    )

    groups = sorted(
        (g for g in records.groups if campaign_id is None or g.campaign_id == campaign_id),
        key=lambda g: str(g.id),
    )
    levels = {g.level for g in groups}
    problem_rows = {row.key: row for row in by_group}
    visit_rows = {row.key: row.figures for row in visits_by_group}
    group_rows = [
        BriefingRow(
            key=str(g.id),
            name=g.name,
            visits=visit_rows.get(str(g.id), VisitFigures()),
            problems=problem_rows[str(g.id)].figures
            if str(g.id) in problem_rows
            else ProblemFigures(),
        )
        for g in groups
    ]
    ranked_groups = list(group_rows)
    # Problems or visits of groups outside the campaign's, or of none, get rows of their own.
    labels = {row.key: row.label for row in (*by_group, *visits_by_group)}
    known = {row.key for row in group_rows}
    group_rows += [
        BriefingRow(
            key=key,
            name=labels[key],
            visits=visit_rows.get(key, VisitFigures()),
            problems=problem_rows[key].figures if key in problem_rows else ProblemFigures(),
        )
        for key in sorted(labels.keys() - known, key=lambda key: (key is None, key or ""))
    ]

    region_problems = {row.key: row.figures for row in by_region}
    region_visits = {row.key: row.figures for row in visits_by_region}
    region_rows = [
        BriefingRow(
            key=str(r.id),
            name=r.name,
            visits=region_visits.get(str(r.id), VisitFigures()),
            problems=region_problems.get(str(r.id), ProblemFigures()),
        )
        for r in _county_regions(records, campaign)
    ]
    departments = sorted(
        (
            BriefingRow(key=row.key, name=row.label, visits=VisitFigures(), problems=row.figures)
            for row in by_department
            if row.figures.overdue
        ),
        key=lambda row: (-row.problems.overdue, row.key is None, row.key or ""),
    )
    overdue = _overdue(store, moment, campaign_id, records, rules)
    provisional = set(total.provisional_years)
    if overdue:  # each overdue problem's working days are counted up to the moment
        provisional.update(provisional_reach(rules.working_calendar, [local_date(moment)]))
    finance = finance_summary(store, as_of=moment).total
    has_finance = any(
        getattr(finance, f.name) for f in attrs.fields(FinanceFigures) if f.type in ("int", int)
    )
    return BriefingFigures(
        as_of=moment,
        campaign=campaign,
        work_group_count=len(groups),
        group_level=next(iter(levels)) if len(levels) == 1 else None,
        visits=visits_total,
        problems=total,
        coverage=None if campaign is None else target_coverage(store, campaign.id, as_of=moment),
        finance=finance if has_finance else None,
        groups=tuple(group_rows),
        regions=tuple(region_rows),
        group_ranking=_rank(ranked_groups, moment, min_sample),
        region_ranking=_rank(region_rows, moment, min_sample),
        departments=tuple(departments),
        overdue=overdue,
        min_sample=min_sample,
        due_soon_days=rules.due_soon_working_days,
        provisional_years=tuple(sorted(provisional)),
    )


def _rank(rows: list[BriefingRow], moment: dt.datetime, min_sample: int) -> Ranking:
    """Rank ``rows`` by resolution rate."""
    table: Summary[ProblemFigures] = Summary(
        as_of=moment,
        dimension=None,
        rows=tuple(Row(key=row.key, label=row.name, figures=row.problems) for row in rows),
        total=ProblemFigures(),
        definitions=("resolution_rate",),
    )
    return rank(table, "resolution_rate", min_sample=min_sample)


def _overdue(
    store: Store,
    moment: dt.datetime,
    campaign_id: CampaignId | None,
    records: _Records,
    rules: ProblemRules,
) -> tuple[OverdueProblem, ...]:
    def read(session: Session) -> list[Problem]:
        return list(session.scan_problems())

    today = local_date(moment)
    calendar = rules.working_calendar
    group_names = {str(g.id): g.name for g in records.groups}
    region_names = {str(r.id): r.name for r in records.regions}
    found: list[OverdueProblem] = []
    for problem in store.read(read):
        then = problem.as_of(moment)
        if then is None or (campaign_id is not None and then.campaign_id != campaign_id):
            continue
        if not then.is_overdue(moment, rules):
            continue
        deadline = then.effective_deadline(today, rules)
        if deadline is None:  # pragma: no cover - an overdue problem has a deadline
            continue
        place_id = then.enterprise_id or then.project_id
        department_id = None if then.lead_department_id is None else str(then.lead_department_id)
        group_id = None if then.work_group_id is None else str(then.work_group_id)
        found.append(
            OverdueProblem(
                problem_id=str(then.id),
                title=mask_text(then.title),  # reports never show phone or ID numbers
                place=None if place_id is None else records.places.get(str(place_id)),
                department_id=department_id,
                department=None
                if department_id is None
                else records.departments.get(department_id, department_id),
                work_group_id=group_id,
                work_group=None if group_id is None else group_names.get(group_id, group_id),
                region=region_names.get(str(then.region_id), str(then.region_id)),
                registered_on=local_date(then.registered_at),
                deadline=deadline,
                working_days_overdue=calendar.working_days_between(deadline, today),
            )
        )
    found.sort(key=lambda p: (-p.working_days_overdue, p.deadline, p.problem_id))
    return tuple(found)
