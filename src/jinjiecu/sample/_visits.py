"""Visits (进厂入企): each work group's visits to its targets, before and after the report.

Private to :mod:`jinjiecu.sample`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from jinjiecu.domain.clock import at
from jinjiecu.domain.ids import VisitId
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.sample._allocation import allocate
from jinjiecu.sample._drive import DRIVE_START, REPORT_DAY, VISITS

if TYPE_CHECKING:
    from jinjiecu.sample._drive import Drive, Group, Target

__all__ = ["build_visits"]

_PACE_AFTER_REPORT = Fraction(3, 5)
"""Visits after the report, per working day, as a share of the pace before it."""

_VISIT_NOTES = {
    VisitKind.VISIT: ("了解企业生产经营和项目建设情况", "听取企业意见建议", "调研项目建设进展"),
    VisitKind.ONSITE_OFFICE: ("现场办公，研究解决企业诉求", "召开现场办公会，协调推进项目建设"),
}
"""What a visit's notes say, by kind of visit."""


def build_visits(drive: Drive) -> None:
    """439 visits by the report, split over groups by their targets; more until the end."""
    rng = drive.rng
    before = list(drive.calendar.working_days(DRIVE_START, REPORT_DAY))
    after = list(drive.calendar.working_days(REPORT_DAY + dt.timedelta(days=1), drive.end))
    per_group = allocate(VISITS, [len(g.targets) for g in drive.groups])
    later_total = round(VISITS * Fraction(len(after), len(before)) * _PACE_AFTER_REPORT)
    later = allocate(later_total, per_group)
    made: list[tuple[dt.datetime, int, Group, Target, VisitKind]] = []
    for group, count, extra in zip(drive.groups, per_group, later, strict=True):
        cases = [t for t in group.targets if t.enterprise and t.enterprise.id in drive.cases]
        others = [t for t in group.targets if t not in cases]
        rng.shuffle(others)
        order = cases + others  # the article's cases were among the first visited
        first_round = min(count, len(order))
        chosen = order[:first_round] + _revisits(drive, group, count - first_round)
        unvisited = order[first_round:]
        then = unvisited[:extra] + _revisits(drive, group, extra - len(unvisited[:extra]))
        for days, targets in ((before, chosen), (after, then)):
            slots = sorted(rng.sample([(d, half) for d in days for half in (0, 1)], len(targets)))
            seen: set[int] = set()
            for (day, half), target in zip(slots, targets, strict=True):
                minute = rng.randrange(0, 150, 5)
                moment = at(day, 8, 30) if half == 0 else at(day, 14, 0)
                moment += dt.timedelta(minutes=minute)
                onsite = rng.random() < (0.3 if id(target) in seen else 0.15)
                seen.add(id(target))
                kind = VisitKind.ONSITE_OFFICE if onsite else VisitKind.VISIT
                made.append((moment, group.number, group, target, kind))
    made.sort(key=lambda item: (item[0], item[1]))
    drive.visits = []
    drive.visit_target = {}
    for number, (moment, _, group, target, kind) in enumerate(made, start=1):
        heads = rng.sample(group.heads, k=min(len(group.heads), rng.randint(1, 2)))
        leaders = ([group.leader] if rng.random() < 0.85 else []) + heads
        visit = Visit(
            id=VisitId(f"dz2019-v-{number:04d}"),
            campaign_id=drive.campaign_id,
            at=moment,
            kind=kind,
            work_group_id=group.work_group.id,
            leader_ids=tuple(leader.id for leader in leaders),
            department_ids=tuple(h.department_id for h in heads if h.department_id),
            enterprise_id=target.enterprise_id,
            project_id=target.project_id,
            notes=rng.choice(_VISIT_NOTES[kind]),
        )
        drive.visits.append(visit)
        drive.visit_target[visit.id] = target
        group.visits.append(visit)


def _revisits(drive: Drive, group: Group, count: int) -> list[Target]:
    """``count`` targets of ``group`` to visit again, enterprises likelier than projects."""
    if count <= 0:
        return []
    weights = [t.revisit_weight for t in group.targets]
    return drive.rng.choices(group.targets, weights, k=count)
