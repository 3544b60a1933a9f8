"""The 2019 Dezhou drive: :func:`dezhou_2019`, the steps in order, and the figures' check.

Private to :mod:`jinjiecu.sample`, which exports :func:`dezhou_2019`.
"""

from __future__ import annotations

from jinjiecu.domain.org import OrgLevel
from jinjiecu.domain.workflow import EXCLUDED_STATES, ProblemState
from jinjiecu.sample._allocation import check_seed
from jinjiecu.sample._drive import (
    GROUPS,
    IDENTIFIED,
    MERGED,
    REJECTED,
    RESOLVED,
    VISITS,
    Drive,
)
from jinjiecu.sample._enterprises import build_enterprises_and_projects
from jinjiecu.sample._finance import build_finance, choose_cases
from jinjiecu.sample._histories import build_history
from jinjiecu.sample._org import (
    build_departments,
    build_groups,
    build_leaders,
    build_office_and_campaign,
    build_regions,
)
from jinjiecu.sample._plans import decide_fates, make_plans
from jinjiecu.sample._records import SampleData
from jinjiecu.sample._visits import build_visits

__all__ = ["dezhou_2019"]


def dezhou_2019(seed: int = 2019) -> SampleData:
    """The 2019 Dezhou drive (德州市"进解促"集中行动), built by rule from ``seed``.

    Whatever the seed, the figures as of :attr:`SampleData.as_of` (the end of
    2019-11-13, China Standard Time) are the article's: 27 city-level groups,
    439 visits, 153 problems identified (156 registered: 2 merged duplicates
    and 1 rejected), 139 in progress, 14 resolved, none explained. The seed
    changes the names, codes, dates and histories. The records are:

    - regions: 德州市 and its districts, counties, county-level cities and zones
      (:data:`~jinjiecu.domain.divisions.DEZHOU_DIVISIONS`);
    - 66 city departments and units, 27 group leaders from 市委, 市政府, 市人大 and
      市政协 and a head for every unit, the office (hosted by 市工信局), the drive;
    - 27 work groups, each assigned the targets of one county or zone (groups
      split over counties and zones by their targets, largest remainders);
    - 100 backbone enterprises, 111 key and 150 renovation projects, 12 urban-
      construction projects, the firms that own projects, and Yucheng's small
      firms on the whitelist; every enterprise has a valid credit code whose
      positions 3-8 are its county's division code (the city's, in a zone);
    - visits: 439 by the report, split over groups by their targets, first
      round to every target, then revisits; more, at a slower pace, until
      2019-11-28;
    - problems, each found on a visit of its group to an assigned target, with
      histories to 2019-11-28;
    - finance records of the Wucheng and Yucheng cases, linked to problems.
    """
    check_seed(seed)
    return _build(Drive(seed))


def _build(drive: Drive) -> SampleData:
    """Take every step on ``drive`` in turn (they share one random stream), then check."""
    build_regions(drive)
    build_departments(drive)
    build_leaders(drive)
    build_enterprises_and_projects(drive)
    build_groups(drive)
    build_office_and_campaign(drive)
    choose_cases(drive)
    build_visits(drive)
    plans = make_plans(drive)
    decide_fates(drive, plans)
    problems = [build_history(drive, plan) for plan in plans]
    finance = build_finance(drive, plans)
    data = SampleData(
        campaign_id=drive.campaign_id,
        as_of=drive.as_of,
        regions=drive.regions,
        departments=drive.departments,
        leaders=[*drive.body_leaders, *drive.heads],
        offices=[drive.office],
        campaigns=[drive.campaign],
        work_groups=[g.work_group for g in drive.groups],
        enterprises=drive.enterprises,
        projects=drive.projects,
        visits=drive.visits,
        problems=problems,
        **finance,
    )
    _check_dezhou_figures(data)
    return data


def _figures(data: SampleData) -> dict[str, int]:
    """The report's figures, counted as the metrics define them, at ``data.as_of``."""
    t = data.as_of
    figures = dict.fromkeys(("registered", "excluded", "in_progress", "resolved", "explained"), 0)
    for problem in data.problems:
        then = problem.as_of(t)
        if then is None:
            continue
        figures["registered"] += 1
        state = then.state
        if state in EXCLUDED_STATES:
            figures["excluded"] += 1
        elif state in (
            ProblemState.REGISTERED,
            ProblemState.ASSIGNED,
            ProblemState.IN_PROGRESS,
            ProblemState.SUSPENDED,
        ):
            figures["in_progress"] += 1
        else:
            settled = next(
                tr.event.value
                for tr in reversed(then.transitions)
                if tr.event.value in ("resolve", "explain")
            )
            figures["resolved" if settled == "resolve" else "explained"] += 1
    figures["identified"] = figures["registered"] - figures["excluded"]
    groups = {
        g.id
        for g in data.work_groups
        if g.campaign_id == data.campaign_id and g.level is OrgLevel.CITY
    }
    figures["visits"] = sum(1 for v in data.visits if v.at <= t and v.work_group_id in groups)
    figures["groups"] = len(groups)
    return figures


def _check_dezhou_figures(data: SampleData) -> None:
    """Refuse to return a drive whose figures are not the article's (a broken rule)."""
    figures = _figures(data)
    expected = {
        "registered": IDENTIFIED + MERGED + REJECTED,
        "excluded": MERGED + REJECTED,
        "identified": IDENTIFIED,
        "in_progress": IDENTIFIED - RESOLVED,
        "resolved": RESOLVED,
        "explained": 0,
        "visits": VISITS,
        "groups": GROUPS,
    }
    wrong = {k: (figures[k], v) for k, v in expected.items() if figures[k] != v}
    if wrong:  # pragma: no cover - guards the rules against drift
        message = f"the sample's figures at the report moment are off (got, expected): {wrong}"
        raise AssertionError(message)
