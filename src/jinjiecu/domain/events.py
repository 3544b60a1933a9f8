"""What each event carries: the command a caller gives, and what the transition records.

One class per :class:`~jinjiecu.domain.workflow.Event`. A caller builds one and
passes it to :meth:`~jinjiecu.domain.problem.Problem.apply`; the recorded
transition holds the same object, with anything computed at that moment filled
in (a deadline worked out from the calendar, the level an escalation reached),
so replaying the history never depends on today's settings.

>>> Suspend(reason="等待规划调整批复").event.label
'暂缓'
>>> Suspend(reason="  ")
Traceback (most recent call last):
...
jinjiecu.errors.ValidationError: reason: expected non-blank text ...
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, TypeAlias

import attrs

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
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import (
    a_date,
    as_tuple,
    check,
    free_text,
    int_in,
    is_bool,
    is_enum,
    is_id,
    name_text,
    optional,
    tuple_of,
    unique_items,
)
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import WorkflowDefinitionError

__all__ = [
    "EVENT_DATA",
    "Assign",
    "Close",
    "ConsultationKind",
    "Escalate",
    "EventData",
    "Explain",
    "ExtendDeadline",
    "FollowUp",
    "FollowUpMethod",
    "FollowUpOutcome",
    "HandlingLevel",
    "MergeInto",
    "Reassign",
    "RecountDeadline",
    "Register",
    "Reject",
    "Reopen",
    "Resolve",
    "Resume",
    "Satisfaction",
    "Scope",
    "Start",
    "Suspend",
    "Withdraw",
]


class Scope(LabelledEnum):
    """Common problems are handled at county level, individual ones by one department."""

    COMMON = "common", "共性问题"
    INDIVIDUAL = "individual", "个性问题"


class HandlingLevel(LabelledEnum):
    """Where a problem is being handled, lowest first; escalation moves it up.

    Problems are first tried locally (属地解决) in the county or zone, then at
    county level, then by city departments, then by the city leadership, then
    at the province.
    """

    LOCAL = "local", "属地解决"
    COUNTY = "county", "县级协调"
    CITY_DEPARTMENT = "city_department", "市直部门"
    CITY_LEADERSHIP = "city_leadership", "市委市政府"
    PROVINCE = "province", "省级"

    @property
    def rank(self) -> int:
        """Position from the bottom (``LOCAL`` is 0)."""
        return list(HandlingLevel).index(self)

    def next_up(self) -> HandlingLevel | None:
        """The level above this one, or ``None`` at the top."""
        levels = list(HandlingLevel)
        return levels[self.rank + 1] if self.rank + 1 < len(levels) else None


class ConsultationKind(LabelledEnum):
    """The consultations of "two consultations, one report" (两会商一报告), and others."""

    ZONE = "zone", "园区会商"
    """Consultation inside the zone, 2 zone leaders + 2 offices + N departments ("2+2+N")."""
    CITY = "city", "市级会商"
    """Consultation with city departments and financial and intermediary institutions."""
    REPORT = "report", "报告市委市政府"
    """Reported to the city party committee and government."""
    OTHER = "other", "其他协调"


class FollowUpOutcome(LabelledEnum):
    """What the enterprise says about the problem on follow-up (回访)."""

    SOLVED = "solved", "已解决"
    PARTLY_SOLVED = "partly_solved", "部分解决"
    NOT_SOLVED = "not_solved", "未解决"


class Satisfaction(LabelledEnum):
    """How satisfied the enterprise is with the handling."""

    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class FollowUpMethod(LabelledEnum):
    """How the follow-up was made."""

    PHONE = "phone", "电话回访"
    VISIT = "visit", "实地回访"
    OTHER = "other", "其他方式"


_required_text = free_text(allow_empty=False)


def _lead_not_among_co(lead: DepartmentId, co: tuple[DepartmentId, ...]) -> None:
    check(
        lead not in co,
        field="co_department_ids",
        expected="departments other than the lead department",
        received=lead,
    )


_departments = [tuple_of(is_id(DepartmentId)), unique_items]


@attrs.frozen(kw_only=True)
class Register:
    """登记: a problem an enterprise raised, with everything known when it is written down.

    At least one of ``enterprise_id`` and ``project_id`` is given. ``region_id``
    is where the problem is (the enterprise's county or zone, or a town under
    it); figures roll up from there. ``category`` is a code of the rules'
    taxonomy. ``leader_id`` is the leader in charge of the enterprise (包联领导),
    when the office names one.
    """

    event: ClassVar[Event] = Event.REGISTER
    title: str = attrs.field(validator=name_text())
    category: str = attrs.field(validator=name_text(64))
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    description: str = attrs.field(default="", validator=free_text())
    enterprise_id: EnterpriseId | None = attrs.field(
        default=None, validator=optional(is_id(EnterpriseId))
    )
    project_id: ProjectId | None = attrs.field(default=None, validator=optional(is_id(ProjectId)))
    visit_id: VisitId | None = attrs.field(default=None, validator=optional(is_id(VisitId)))
    campaign_id: CampaignId | None = attrs.field(
        default=None, validator=optional(is_id(CampaignId))
    )
    work_group_id: WorkGroupId | None = attrs.field(
        default=None, validator=optional(is_id(WorkGroupId))
    )
    scope: Scope = attrs.field(default=Scope.INDIVIDUAL, validator=is_enum(Scope))
    level: HandlingLevel = attrs.field(
        default=HandlingLevel.LOCAL, validator=is_enum(HandlingLevel)
    )
    leader_id: LeaderId | None = attrs.field(default=None, validator=optional(is_id(LeaderId)))

    def __attrs_post_init__(self) -> None:
        check(
            self.enterprise_id is not None or self.project_id is not None,
            field="enterprise_id",
            expected="the enterprise or the project that raised the problem (at least one)",
            received=None,
        )


@attrs.frozen(kw_only=True)
class Assign:
    """交办: give the problem to a lead department (主办), with co-handling ones (协办).

    The deadline (办理时限) is set here: ``deadline`` if given, else
    ``working_days`` after the assignment day, else the rules' default for the
    problem's category and level (give one of the two at most). The recorded
    event holds the date, and the number of working days when it was counted.
    """

    event: ClassVar[Event] = Event.ASSIGN
    lead_department_id: DepartmentId = attrs.field(validator=is_id(DepartmentId))
    co_department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_departments
    )
    deadline: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    working_days: int | None = attrs.field(default=None, validator=optional(int_in(1, 3650)))

    def __attrs_post_init__(self) -> None:
        _lead_not_among_co(self.lead_department_id, self.co_department_ids)


@attrs.frozen(kw_only=True)
class Reassign:
    """改派: change the lead and co-handling departments; the deadline stays (extend it apart)."""

    event: ClassVar[Event] = Event.REASSIGN
    lead_department_id: DepartmentId = attrs.field(validator=is_id(DepartmentId))
    co_department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_departments
    )

    def __attrs_post_init__(self) -> None:
        _lead_not_among_co(self.lead_department_id, self.co_department_ids)


@attrs.frozen(kw_only=True)
class Start:
    """开始办理: the lead department starts work."""

    event: ClassVar[Event] = Event.START


@attrs.frozen(kw_only=True)
class Escalate:
    """提级协调: move the problem up a handling level, recording the consultation held.

    ``to_level`` defaults to the next level up; the recorded event holds the
    level reached. The state does not change.
    """

    event: ClassVar[Event] = Event.ESCALATE
    to_level: HandlingLevel | None = attrs.field(
        default=None, validator=optional(is_enum(HandlingLevel))
    )
    consultation: ConsultationKind = attrs.field(
        default=ConsultationKind.OTHER, validator=is_enum(ConsultationKind)
    )
    summary: str = attrs.field(default="", validator=free_text())
    department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_departments
    )
    leader_ids: tuple[LeaderId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(LeaderId)), unique_items]
    )


@attrs.frozen(kw_only=True)
class ExtendDeadline:
    """延期: move the deadline later, with the approval that allows it.

    Give either ``new_deadline`` or ``working_days`` to add to the current
    deadline (not both). The recorded event holds the new date, and the
    number of working days when it was counted, so that the store can count
    it again if the calendar changes (:class:`RecountDeadline`). A problem
    without a deadline (settled on the spot, then reopened) gets its first
    one this way, counted from the day of the extension.
    """

    event: ClassVar[Event] = Event.EXTEND_DEADLINE
    approval: str = attrs.field(validator=_required_text)
    new_deadline: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    working_days: int | None = attrs.field(default=None, validator=optional(int_in(1, 3650)))

    def __attrs_post_init__(self) -> None:
        check(
            self.new_deadline is not None or self.working_days is not None,
            field="new_deadline",
            expected="either a new deadline or a number of working days to add (one of them)",
            received=(self.new_deadline, self.working_days),
        )


@attrs.frozen(kw_only=True)
class Suspend:
    """暂缓: pause the problem and its deadline clock; the reason is required."""

    event: ClassVar[Event] = Event.SUSPEND
    reason: str = attrs.field(validator=_required_text)


@attrs.frozen(kw_only=True)
class Resume:
    """恢复办理: restart work; the deadline moves by the working days spent suspended.

    ``new_deadline`` is filled in when the event is applied; leave it out.
    """

    event: ClassVar[Event] = Event.RESUME
    new_deadline: dt.date | None = attrs.field(default=None, validator=optional(a_date))


@attrs.frozen(kw_only=True)
class RecountDeadline:
    """时限重算: the deadline counted again because the working-day calendar changed.

    Recorded by the store, never applied by hand: when a year's holiday
    notice is added or corrected (:mod:`jinjiecu.storage.notices`), each
    problem whose deadline was counted over that year and now falls on
    another day gets one, with the deadline before and after and the reason.
    """

    event: ClassVar[Event] = Event.RECOUNT_DEADLINE
    previous_deadline: dt.date = attrs.field(validator=a_date)
    new_deadline: dt.date = attrs.field(validator=a_date)
    reason: str = attrs.field(validator=_required_text)

    def __attrs_post_init__(self) -> None:
        check(
            self.new_deadline != self.previous_deadline,
            field="new_deadline",
            expected=f"a day other than the previous deadline {self.previous_deadline.isoformat()}",
            received=self.new_deadline,
        )


@attrs.frozen(kw_only=True)
class Resolve:
    """解决: the problem is solved; ``finance_record_ids`` link the relief that solved it."""

    event: ClassVar[Event] = Event.RESOLVE
    summary: str = attrs.field(validator=_required_text)
    finance_record_ids: tuple[str, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=[tuple_of(name_text(128)), unique_items],
    )


@attrs.frozen(kw_only=True)
class Explain:
    """解释: the problem cannot be solved for now and was explained to the enterprise.

    ``accepted`` records whether the enterprise accepted the explanation; a
    follow-up decides whether the problem is closed or reopened.
    """

    event: ClassVar[Event] = Event.EXPLAIN
    explanation: str = attrs.field(validator=_required_text)
    accepted: bool = attrs.field(default=True, validator=is_bool)


@attrs.frozen(kw_only=True)
class FollowUp:
    """回访: ask the enterprise whether the problem is solved and how satisfied it is."""

    event: ClassVar[Event] = Event.FOLLOW_UP
    outcome: FollowUpOutcome = attrs.field(validator=is_enum(FollowUpOutcome))
    satisfaction: Satisfaction = attrs.field(validator=is_enum(Satisfaction))
    method: FollowUpMethod = attrs.field(
        default=FollowUpMethod.PHONE, validator=is_enum(FollowUpMethod)
    )
    comment: str = attrs.field(default="", validator=free_text())


@attrs.frozen(kw_only=True)
class Close:
    """办结: close a resolved or explained problem after a follow-up that was not dissatisfied."""

    event: ClassVar[Event] = Event.CLOSE


@attrs.frozen(kw_only=True)
class Reopen:
    """重办: handle the problem again after a dissatisfied follow-up; the reason is required."""

    event: ClassVar[Event] = Event.REOPEN
    reason: str = attrs.field(validator=_required_text)


@attrs.frozen(kw_only=True)
class Reject:
    """不予受理: the problem will not be taken up; the reason is required."""

    event: ClassVar[Event] = Event.REJECT
    reason: str = attrs.field(validator=_required_text)


@attrs.frozen(kw_only=True)
class Withdraw:
    """撤回: the enterprise withdrew the problem."""

    event: ClassVar[Event] = Event.WITHDRAW
    reason: str = attrs.field(default="", validator=free_text())


@attrs.frozen(kw_only=True)
class MergeInto:
    """合并: the problem duplicates another one, which carries on."""

    event: ClassVar[Event] = Event.MERGE_INTO
    duplicate_of: ProblemId = attrs.field(validator=is_id(ProblemId))


EventData: TypeAlias = (
    Register
    | Assign
    | Reassign
    | Start
    | Escalate
    | ExtendDeadline
    | Suspend
    | Resume
    | RecountDeadline
    | Resolve
    | Explain
    | FollowUp
    | Close
    | Reopen
    | Reject
    | Withdraw
    | MergeInto
)
"""Any event's data."""

EVENT_DATA: dict[Event, type[EventData]] = {
    cls.event: cls
    for cls in (
        Register,
        Assign,
        Reassign,
        Start,
        Escalate,
        ExtendDeadline,
        Suspend,
        Resume,
        RecountDeadline,
        Resolve,
        Explain,
        FollowUp,
        Close,
        Reopen,
        Reject,
        Withdraw,
        MergeInto,
    )
}
"""The data class of each event."""

if set(EVENT_DATA) != set(Event):  # pragma: no cover - guards the table against drift
    _missing = ", ".join(sorted(e.value for e in set(Event) - set(EVENT_DATA)))
    _message = f"events without a data class: {_missing}"
    raise WorkflowDefinitionError(_message)
