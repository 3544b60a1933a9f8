"""The Dezhou drive's problem histories, built step by step through ``Problem.apply``.

Private to :mod:`jinjiecu.sample`. :func:`build_history` registers a planned
problem and takes it through the steps its plan decided: assignment (交办),
start, consultations (会商), suspension (暂缓) and extension (延期),
settlement, follow-up (回访), closing (办结) or reopening (重办).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.events import (
    Assign,
    ConsultationKind,
    Escalate,
    ExtendDeadline,
    HandlingLevel,
    MergeInto,
    Register,
    Resolve,
    Scope,
)
from jinjiecu.domain.ids import DepartmentId
from jinjiecu.domain.org import DepartmentKind
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.visit import VisitKind
from jinjiecu.sample._allocation import Clock
from jinjiecu.sample._drive import REPORT_DAY
from jinjiecu.sample._problems import (
    BAD_FOLLOW_UP,
    CATEGORIES,
    CLOSE,
    CONSULTATIONS,
    EXPLAINED_FOLLOW_UP,
    EXTENSIONS,
    GOOD_FOLLOW_UPS,
    HARD,
    REJECTION,
    REOPEN,
    RESUME,
    START,
    SUSPENSIONS,
    WITHDRAWAL,
    Steps,
    explanation_for,
    resolution_for,
)

if TYPE_CHECKING:
    import datetime as dt

    from jinjiecu.domain.org import Department
    from jinjiecu.sample._drive import Drive, Plan

__all__ = ["build_history"]


@attrs.frozen
class _Who:
    """Who handles one problem: the lead and co-handling units, and the actors of its steps."""

    lead: DepartmentId
    co: tuple[DepartmentId, ...]
    department: Actor
    office: Actor
    leader: Actor


def build_history(drive: Drive, plan: Plan) -> Problem:
    """The problem ``plan`` describes, registered and taken through its steps."""
    rng = drive.rng
    group = plan.group.work_group
    office = drive.actors.get(ActorKind.OFFICE, drive.office.id, drive.office.name)
    category = CATEGORIES[plan.category]
    level = HandlingLevel.LOCAL
    if plan.target.region.kind is not DivisionKind.DEVELOPMENT_ZONE:
        level = rng.choices(
            (HandlingLevel.LOCAL, HandlingLevel.COUNTY, HandlingLevel.CITY_DEPARTMENT),
            (7, 2, 1),
        )[0]
    description = f"{plan.target.name}反映：{plan.title}。"
    if plan.kind == "duplicate":
        description += "（重复登记）"
    steps = Steps(
        Problem.register(
            Register(
                title=plan.title,
                category=plan.category,
                region_id=plan.target.region.id,
                description=description,
                enterprise_id=plan.target.enterprise_id,
                project_id=plan.target.project_id,
                visit_id=plan.visit.id,
                campaign_id=drive.campaign_id,
                work_group_id=group.id,
                scope=Scope.COMMON if rng.random() < category.common_share else Scope.INDIVIDUAL,
                level=level,
            ),
            at=plan.registered_at,
            actor=drive.actors.get(ActorKind.WORK_GROUP, group.id, group.name),
            id=plan.problem_id,
        ),
        Clock(rng, plan.registered_at),
    )
    day = plan.registered_on
    if plan.kind == "rejected":
        steps(REJECTION, drive.wd(day, 1), office)
        return steps.problem
    if plan.duplicate_of is not None:
        merge = MergeInto(duplicate_of=plan.duplicate_of.problem_id)
        steps(
            merge,
            min(drive.wd(day, 1), max(day, REPORT_DAY)),
            office,
            "与已登记问题重复，合并办理",
        )
        return steps.problem
    lead, co = _handlers(drive, plan)
    who = _Who(
        lead=lead.id,
        co=co,
        department=drive.actors.get(ActorKind.DEPARTMENT, lead.id, lead.name),
        office=office,
        leader=drive.actors.get(ActorKind.LEADER, plan.group.leader.id, plan.group.leader.name),
    )
    on_spot = plan.settle == "resolve" and plan.natural == day and plan.settle_day == day
    if on_spot and plan.visit.kind is VisitKind.ONSITE_OFFICE:
        steps(_resolve(drive, plan), day, who.leader, "现场办公，当场解决")
    elif not _handle(drive, plan, steps, who):
        return steps.problem
    _follow_up(drive, plan, steps, office)
    return steps.problem


def _handle(drive: Drive, plan: Plan, steps: Steps, who: _Who) -> bool:
    """Assign, start, consult, suspend, extend and settle; whether the problem was settled."""
    limit = plan.settle_day or plan.withdraw_day or drive.end
    _assign(drive, plan, steps, who, limit)
    _pause_or_extend(drive, plan, steps, who, limit)
    if plan.withdraw_day is not None:
        enterprise = plan.target.enterprise_id
        actor = (
            drive.actors.get(ActorKind.ENTERPRISE, enterprise, plan.target.name)
            if enterprise is not None
            else who.office
        )
        steps(WITHDRAWAL, plan.withdraw_day, actor)
        return False
    if plan.settle_day is None or plan.settle is None:
        return False
    if plan.settle == "explain":
        steps(explanation_for(plan.category, drive.rng), plan.settle_day, who.department)
    else:
        steps(_resolve(drive, plan), plan.settle_day, who.department)
    return True


def _assign(drive: Drive, plan: Plan, steps: Steps, who: _Who, limit: dt.date) -> None:
    """Assign (交办) and start (开始办理), with the consultations held on the way."""
    rng = drive.rng
    assign = Assign(lead_department_id=who.lead, co_department_ids=who.co)
    steps(assign, min(drive.wd(plan.registered_on, rng.choice((0, 1, 1, 2))), limit), who.office)
    if plan.two_consultations:
        _consult(
            drive,
            plan,
            steps,
            kind=ConsultationKind.ZONE,
            level=HandlingLevel.COUNTY,
            limit=limit,
            gap=1,
        )
    steps(START, min(drive.wd(steps.day, rng.randint(0, 2)), limit), who.department)
    if plan.two_consultations:
        _consult(
            drive,
            plan,
            steps,
            kind=ConsultationKind.CITY,
            level=HandlingLevel.CITY_DEPARTMENT,
            limit=limit,
            gap=3,
        )
        if rng.random() < 0.6:
            _consult(
                drive,
                plan,
                steps,
                kind=ConsultationKind.REPORT,
                level=HandlingLevel.CITY_LEADERSHIP,
                limit=limit,
                gap=2,
            )
    elif plan.category in HARD and not plan.suspend and rng.random() < 0.25:
        if steps.problem.level.rank < HandlingLevel.CITY_DEPARTMENT.rank:
            kind, level = ConsultationKind.CITY, HandlingLevel.CITY_DEPARTMENT
        else:
            kind, level = ConsultationKind.REPORT, HandlingLevel.CITY_LEADERSHIP
        _consult(drive, plan, steps, kind=kind, level=level, limit=limit, gap=3)


def _pause_or_extend(drive: Drive, plan: Plan, steps: Steps, who: _Who, limit: dt.date) -> None:
    """Suspend (暂缓) and resume the problems chosen for it; extend (延期) some deadlines."""
    rng = drive.rng
    if plan.suspend:
        suspend_day = drive.wd(plan.registered_on, rng.randint(3, 6))
        steps(
            rng.choice(SUSPENSIONS),
            min(max(steps.day, suspend_day), REPORT_DAY),
            who.department,
        )
        if plan.suspend == "resume":
            resume_day = drive.wd(REPORT_DAY, rng.randint(1, 3))
            steps(RESUME, min(resume_day, limit), who.department)
    deadline = steps.problem.deadline
    if plan.suspend == "hold" or deadline is None or deadline >= limit:
        return
    if rng.random() < 0.45:
        extend_day = max(steps.day, drive.wd(deadline, -1))
        if extend_day <= limit:
            steps(EXTENSIONS[rng.choice((5, 10, 15))], extend_day, who.office)


def _handlers(drive: Drive, plan: Plan) -> tuple[Department, tuple[DepartmentId, ...]]:
    """The lead department (主办) and co-handling ones (协办) for a problem.

    The lead is the first unit for the category found in the problem's group,
    else the first unit for the category; the article's finance cases are led
    by the finance bureau, the textile group's by the organisation department.
    """
    rng = drive.rng
    if plan.case == "loan":
        return drive.unit["zzb"], (drive.unit["jrj"].id, drive.unit["gh"].id)
    if plan.case is not None:
        return drive.unit["jrj"], (drive.unit["rh"].id, drive.unit["zh"].id)
    units = [drive.unit[slug] for slug in CATEGORIES[plan.category].departments]
    in_group = [u for u in units if u in plan.group.departments]
    lead = in_group[0] if in_group else units[0]
    others = [u for u in units if u is not lead]
    co = rng.sample(others, k=min(len(others), rng.randint(0, 2)))
    return lead, tuple(u.id for u in co)


def _resolve(drive: Drive, plan: Plan) -> Resolve:
    """The resolution: a finance case's own text and records, else its category's."""
    if plan.resolution:
        return Resolve(summary=plan.resolution, finance_record_ids=plan.finance_ids)
    return resolution_for(plan.category, drive.rng)


def _consult(
    drive: Drive,
    plan: Plan,
    steps: Steps,
    *,
    kind: ConsultationKind,
    level: HandlingLevel | None,
    limit: dt.date,
    gap: int,
) -> None:
    """An escalation with the consultation held (会商), a few working days after the last."""
    rng = drive.rng
    departments = [d.id for d in plan.group.departments[:2]]
    if kind is ConsultationKind.CITY:
        banks = [d.id for d in drive.departments if d.kind is DepartmentKind.FINANCIAL_INSTITUTION]
        departments += [b for b in rng.sample(banks, 2) if b not in departments]
    leader = plan.group.leader
    steps(
        Escalate(
            to_level=level,
            consultation=kind,
            summary=CONSULTATIONS[kind],
            department_ids=tuple(departments),
            leader_ids=(leader.id,),
        ),
        min(drive.wd(steps.day, rng.randint(1, gap)), limit),
        drive.actors.get(ActorKind.LEADER, leader.id, leader.name),
    )


def _follow_up(drive: Drive, plan: Plan, steps: Steps, office: Actor) -> None:
    """Follow up (回访) a few working days after settling; close (办结) or reopen (重办)."""
    rng = drive.rng
    if plan.settle_day is None:
        return
    follow_day = drive.wd(plan.settle_day, 2 if plan.reopen else rng.randint(2, 5))
    if follow_day > drive.end:
        return
    if plan.reopen:
        steps(BAD_FOLLOW_UP, follow_day, office)
        reopen_day = drive.wd(follow_day, 1)
        steps(REOPEN, reopen_day, office)
        new_deadline = drive.wd(reopen_day, 10)
        current = steps.problem.deadline
        if current is None or new_deadline > current:
            extension = ExtendDeadline(
                approval="重办，经领导小组办公室批准重新确定办理时限", new_deadline=new_deadline
            )
            steps(extension, reopen_day, office)
        return
    if plan.settle == "explain":
        steps(EXPLAINED_FOLLOW_UP, follow_day, office)
    else:
        steps(rng.choice(GOOD_FOLLOW_UPS), follow_day, office)
    if rng.random() < 0.85:
        close_day = drive.wd(follow_day, rng.choice((0, 0, 1)))
        if close_day <= drive.end:
            steps(CLOSE, close_day, office)
