"""The Dezhou drive's problems before their histories: where each is found and how it fares.

Private to :mod:`jinjiecu.sample`. :func:`make_plans` decides which visits
find problems (153 genuine ones by the report, split over groups by their
visits; more after it; two registered late; a rejected one; two duplicates)
and :func:`decide_fates` which settle when, are suspended, explained,
reopened or withdrawn, so that the report's figures come out exactly.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.clock import at, local_date
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.visit import VisitKind
from jinjiecu.sample._allocation import allocate
from jinjiecu.sample._drive import IDENTIFIED, MERGED, REPORT_DAY, RESOLVED, VISITS, Plan
from jinjiecu.sample._problems import CATEGORIES, CATEGORY_WEIGHTS, CODES, HARD

if TYPE_CHECKING:
    from jinjiecu.domain.ids import EnterpriseId, ProjectId
    from jinjiecu.domain.visit import Visit
    from jinjiecu.sample._drive import Drive, Group

__all__ = ["decide_fates", "make_plans"]

_LATE_REGISTRATIONS = 2
_SUSPENDED_AT_REPORT = 4
_REOPENED = 2
_EXPLAINED_SHARE = Fraction(1, 8)

_ON_SPOT_SHARE = 0.25
"""The share of easy and medium problems an on-site office session settles on the spot."""


# ====================================================================== where problems are found


def make_plans(drive: Drive) -> list[Plan]:
    """Every problem of the drive, planned and numbered in registration order."""
    rng = drive.rng
    plans: list[Plan] = []
    by_report = {g.number: [v for v in g.visits if v.at <= drive.as_of] for g in drive.groups}
    later = {g.number: [v for v in g.visits if v.at > drive.as_of] for g in drive.groups}
    planted = {
        g.number: [
            next(v for v in by_report[g.number] if v.enterprise_id == firm and not v.project_id)
            for firm in drive.cases
            if any(t.enterprise and t.enterprise.id == firm for t in g.targets)
        ]
        for g in drive.groups
    }
    # Problems by the report: 153 genuine ones, split over groups by their visits.
    counts = allocate(
        IDENTIFIED,
        [len(by_report[g.number]) for g in drive.groups],
        [len(planted[g.number]) for g in drive.groups],
    )
    for group, count in zip(drive.groups, counts, strict=True):
        visits = planted[group.number] + _problem_visits(
            drive, by_report[group.number], count - len(planted[group.number])
        )
        for visit in visits:
            firm = visit.enterprise_id
            case = drive.cases.get(firm) if firm and visit in planted[group.number] else None
            plans.append(_plan(drive, group, visit, by_report=True, case=case))
    # After the report: problems at the same rate per visit, and two registered late.
    total_later = sum(len(v) for v in later.values())
    later_counts = allocate(
        round(total_later * Fraction(IDENTIFIED, VISITS)),
        [len(later[g.number]) for g in drive.groups],
    )
    for group, count in zip(drive.groups, later_counts, strict=True):
        visits = _problem_visits(drive, later[group.number], count)
        plans.extend(_plan(drive, group, visit, by_report=False) for visit in visits)
    last_day = max(local_date(v.at) for v in drive.visits if v.at <= drive.as_of)
    late_visits = [v for v in drive.visits if local_date(v.at) == last_day]
    next_day = drive.wd(REPORT_DAY, 1)
    for visit in rng.sample(late_visits, _LATE_REGISTRATIONS):
        group = _group_of(drive, visit)
        plan = _plan(drive, group, visit, by_report=False)
        plan.registered_at = at(next_day, 9) + dt.timedelta(minutes=rng.randrange(0, 240, 5))
        plan.natural = max(plan.natural, next_day)
        plans.append(plan)
    # A rejected problem, and two duplicates merged into earlier ones.
    plans.sort(key=lambda p: (p.registered_at, p.visit.id))
    genuine = [p for p in plans if p.by_report]
    early = [v for v in drive.visits if local_date(v.at) <= drive.wd(REPORT_DAY, -3)]
    rejected = _plan(drive, _group_of(drive, v := rng.choice(early)), v, by_report=True)
    rejected.kind, rejected.category = "rejected", "other"
    rejected.title = "企业与供应商合同纠纷，请求协调"
    plans.append(rejected)
    plans.extend(_duplicate(drive, original) for original in _duplicated(drive, genuine))
    plans.sort(key=lambda p: (p.registered_at, p.visit.id))
    for number, plan in enumerate(plans, start=1):
        plan.problem_id = ProblemId(f"dz2019-p-{number:04d}")
    return plans


def _problem_visits(drive: Drive, visits: list[Visit], count: int) -> list[Visit]:
    """``count`` visits (repeats allowed), first visits and on-site sessions likelier."""
    if count <= 0:
        return []
    seen: set[tuple[EnterpriseId | None, ProjectId | None]] = set()
    weights = []
    for visit in visits:
        key = (visit.enterprise_id, visit.project_id)
        weight = 1.5 if key not in seen else 0.8
        if visit.kind is VisitKind.ONSITE_OFFICE:
            weight *= 2
        seen.add(key)
        weights.append(weight)
    return drive.rng.choices(visits, weights, k=count)


def _group_of(drive: Drive, visit: Visit) -> Group:
    """The group that made ``visit``."""
    return next(g for g in drive.groups if g.work_group.id == visit.work_group_id)


def _plan(
    drive: Drive, group: Group, visit: Visit, *, by_report: bool, case: str | None = None
) -> Plan:
    """A problem found on ``visit``: its category, title, registration and natural day."""
    rng = drive.rng
    target = drive.visit_target[visit.id]
    weights = CATEGORY_WEIGHTS[target.kind]
    category = "financing" if case else rng.choices(CODES, weights)[0]
    title = rng.choice(CATEGORIES[category].titles)
    if case is not None:
        title = {
            "debt": "债务负担重，企业间互保担保链风险突出",
            "rescue": "资金周转困难，面临银行抽贷压贷",
            "loan": "流动资金不足，需协调银行贷款",
        }[case]
    visit_day = local_date(visit.at)
    if rng.random() < 0.6 or (by_report and visit_day == REPORT_DAY):
        registered = visit.at + dt.timedelta(minutes=rng.randrange(60, 180, 5))
    else:
        day = drive.wd(visit_day, rng.randint(1, 2))
        day = min(day, REPORT_DAY) if by_report else min(day, drive.end)
        registered = at(day, 9) + dt.timedelta(minutes=rng.randrange(0, 420, 5))
        # Capped at the drive's last day, that may be the visit's own day: never before it.
        registered = max(registered, visit.at + dt.timedelta(minutes=60))
    difficulty = CATEGORIES[category].difficulty
    low, high = ((8, 30), (15, 45), (25, 70))[difficulty]
    duration = rng.randint(low, high)
    same_day = local_date(registered) == visit_day
    if visit.kind is VisitKind.ONSITE_OFFICE and same_day and difficulty < 2:
        duration = 0 if rng.random() < _ON_SPOT_SHARE else duration
    plan = Plan(
        group=group,
        visit=visit,
        target=target,
        category=category,
        title=title,
        registered_at=registered,
        by_report=by_report,
        natural=drive.wd(local_date(registered), duration) if duration else local_date(registered),
    )
    if case is not None:
        plan.case = case
        plan.finance_ids = {
            "debt": ("dz2019-debt-01", "dz2019-asset-01"),
            "rescue": (
                "dz2019-financing-01",
                "dz2019-financing-02",
                "dz2019-financing-03",
                "dz2019-committee-01",
                "dz2019-renewal-01",
                "dz2019-asset-02",
                "dz2019-asset-03",
            ),
            "loan": ("dz2019-financing-04",),
        }[case]
        plan.resolution = {
            "debt": "协调金融机构将老厂区闲置不良资产打包处置，8000多万元债务化解为2650万元，"
            "解开企业间互保担保链",
            "rescue": "协调市县投融资平台、银行和民营企业提供资金1.99亿元，"
            "召开债权人委员会5次，办理无还本续贷，盘活处置闲置车间、冷库等资产6297万元",
            "loan": "协调银行贷款3000余万元",
        }[case]
    return plan


def _duplicated(drive: Drive, genuine: list[Plan]) -> list[Plan]:
    """The problems raised twice: the earliest whose target was visited again by the report."""
    found: list[Plan] = []
    for plan in genuine:
        again = [
            v
            for v in plan.group.visits
            if v.at > plan.registered_at
            and v.at <= drive.as_of
            and local_date(v.at) < REPORT_DAY
            and drive.visit_target[v.id] is plan.target
        ]
        if again and plan.target not in [p.target for p in found]:
            found.append(plan)
        if len(found) == MERGED:
            break
    return found


def _duplicate(drive: Drive, original: Plan) -> Plan:
    """The same problem registered again on the next visit to its target."""
    rng = drive.rng
    visit = next(
        v
        for v in original.group.visits
        if v.at > original.registered_at and drive.visit_target[v.id] is original.target
    )
    plan = attrs.evolve(
        original,
        visit=visit,
        registered_at=visit.at + dt.timedelta(minutes=rng.randrange(60, 180, 5)),
        kind="duplicate",
        case=None,
        finance_ids=(),
        resolution="",
    )
    plan.duplicate_of = original
    return plan


# ====================================================================== how they fare


def decide_fates(drive: Drive, plans: list[Plan]) -> None:
    """Decide by rule which problems settle when, so the report's figures come out exactly.

    By the report: the article's three finance cases and then the problems
    with the earliest natural settlement day, 14 in all, are resolved;
    every other problem is still open then. After it, a problem settles on
    its natural day if that falls in the drive; the hardest of those
    (1 in 8) are explained rather than resolved.
    """
    genuine = [p for p in plans if p.kind == "genuine"]
    by_report = [p for p in genuine if p.by_report]
    resolved = _settle_by_report(drive, by_report)
    for plan in genuine:
        if plan not in resolved:
            day = plan.natural
            if day <= REPORT_DAY:  # not among the earliest: settled after the report
                day = drive.wd(drive.wd(REPORT_DAY, 1), drive.rng.randint(0, 4))
            if day <= drive.end:
                plan.settle, plan.settle_day = "resolve", day
    open_at_report = [p for p in by_report if p not in resolved]
    _suspend(drive, open_at_report)
    _explain(drive, genuine)
    _reopen(drive, genuine)
    _withdraw(drive, open_at_report)
    _zone_consultations(drive, genuine)


def _settle_by_report(drive: Drive, by_report: list[Plan]) -> list[Plan]:
    """The 14 resolved by the report: the finance cases, then the earliest natural days."""
    rng = drive.rng
    cases = [p for p in by_report if p.finance_ids]
    ranked = sorted(
        (p for p in by_report if not p.finance_ids), key=lambda p: (p.natural, p.registered_at)
    )
    resolved = cases + ranked[: RESOLVED - len(cases)]
    for plan in resolved:
        plan.settle = "resolve"
        on_spot = plan.natural == plan.registered_on
        earliest = drive.wd(plan.registered_on, 0 if on_spot else 8 if plan.finance_ids else 1)
        if earliest <= plan.natural <= REPORT_DAY:
            plan.settle_day = plan.natural
        else:
            latest = drive.wd(REPORT_DAY, -rng.randint(0, 3))
            plan.settle_day = min(max(earliest, latest), REPORT_DAY)
    return resolved


def _suspend(drive: Drive, open_at_report: list[Plan]) -> None:
    """Four problems waiting on plans or approvals are suspended (暂缓) by the report.

    Two resume after it; two are still suspended at the end of the drive.
    """
    waiting = [
        p
        for p in open_at_report
        if p.category in ("planning_adjustment", "land_use", "approval_procedures")
        and p.registered_on <= drive.wd(REPORT_DAY, -8)
    ]
    drive.rng.shuffle(waiting)
    resumed = drive.wd(REPORT_DAY, 3)
    for index, plan in enumerate(waiting[:_SUSPENDED_AT_REPORT]):
        plan.suspend = "resume" if index % 2 == 0 else "hold"
        if plan.suspend == "hold":
            plan.settle = plan.settle_day = None
        elif plan.settle_day is not None and plan.settle_day < resumed:
            plan.settle_day = resumed


def _explain(drive: Drive, genuine: list[Plan]) -> None:
    """One in eight settled after the report (at least 3), hardest first, are explained."""
    rng = drive.rng
    after = [p for p in genuine if p.settle_day is not None and p.settle_day > REPORT_DAY]
    count = max(3, round(len(after) * _EXPLAINED_SHARE))
    after.sort(key=lambda p: (p.category not in HARD, p.natural == p.registered_on, rng.random()))
    for plan in after[:count]:
        if plan.natural != plan.registered_on:  # settled on the spot means solved
            plan.settle = "explain"


def _reopen(drive: Drive, genuine: list[Plan]) -> None:
    """Two resolved after the report, early enough, get a dissatisfied follow-up and reopen."""
    room = drive.wd(drive.end, -6)
    candidates = [
        p
        for p in genuine
        if p.settle == "resolve"
        and p.settle_day is not None
        and REPORT_DAY < p.settle_day <= room
        and not p.suspend
        and p.natural != p.registered_on
    ]
    for plan in drive.rng.sample(candidates, min(_REOPENED, len(candidates))):
        plan.reopen = True


def _withdraw(drive: Drive, open_at_report: list[Plan]) -> None:
    """One problem open at the end is withdrawn (撤回) by its enterprise after the report."""
    still_open = [p for p in open_at_report if p.settle is None and not p.suspend]
    if still_open:
        withdrawn = min(still_open, key=lambda p: (p.category != "production_operation", p.natural))
        withdrawn.withdraw_day = drive.wd(REPORT_DAY, drive.rng.randint(3, 6))


def _zone_consultations(drive: Drive, genuine: list[Plan]) -> None:
    """Two consultations, one report (两会商一报告) for hard problems in the zones.

    The canal zone's first such problem always goes through it; others half the time.
    """
    zones = sorted(
        (
            p
            for p in genuine
            if p.target.region.kind is DivisionKind.DEVELOPMENT_ZONE
            and p.category in HARD
            and not p.suspend
            and p.natural != p.registered_on
        ),
        key=lambda p: (p.target.region.name != "德州运河经济开发区", p.registered_at),
    )
    for index, plan in enumerate(zones):
        plan.two_consultations = index == 0 or drive.rng.random() < 0.5
