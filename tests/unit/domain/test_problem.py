from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.clock import at
from jinjiecu.domain.events import (
    Assign,
    Close,
    ConsultationKind,
    Escalate,
    EventData,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Reassign,
    RecountDeadline,
    Register,
    Reject,
    Reopen,
    Resolve,
    Resume,
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
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    DeadlinePolicy,
    Problem,
    ProblemRules,
    Transition,
    allowed_events,
)
from jinjiecu.domain.taxonomy import Taxonomy
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import HistoryError, IllegalTransitionError, ValidationError
from jinjiecu.serialization import structure, unstructure

if TYPE_CHECKING:
    from collections.abc import Callable

S = ProblemState
L = HandlingLevel
CLERK = Actor(kind=ActorKind.CLERK, id="clerk-1")
LEADER = Actor(kind=ActorKind.LEADER, id="leader-7", name="李明")
PID = ProblemId("p-1")
LAND = DepartmentId("zrzyj")  # 自然资源和规划局
DRC = DepartmentId("fgw")  # 发展和改革委员会
FINANCE = DepartmentId("czj")  # 财政局
REGION = RegionId("371481")
ENTERPRISE = EnterpriseId("e-1")
CAL = china_calendar()
SATISFIED = FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED)
DISSATISFIED = FollowUp(outcome=FollowUpOutcome.NOT_SOLVED, satisfaction=Satisfaction.DISSATISFIED)


def d(month: int, day: int) -> dt.date:
    """A date in 2019, the year of the National Day holiday these tests cross."""
    return dt.date(2019, month, day)


SEP_27 = d(9, 27)  # Friday before the holiday
SEP_29 = d(9, 29)  # Sunday, a make-up workday
DEC_2 = d(12, 2)


def details(category: str = "land_use", level: HandlingLevel = L.LOCAL) -> Register:
    return Register(
        title="新厂区用地指标不足",
        category=category,
        region_id=REGION,
        enterprise_id=ENTERPRISE,
        level=level,
    )


def registered(
    on: dt.date = SEP_27,
    *,
    category: str = "land_use",
    level: HandlingLevel = L.LOCAL,
    rules: ProblemRules = DEFAULT_RULES,
) -> Problem:
    return Problem.register(
        details(category, level), at=at(on, 9), actor=CLERK, id=PID, rules=rules
    )


def step(
    problem: Problem,
    data: EventData,
    on: dt.date,
    hour: int = 10,
    *,
    rules: ProblemRules = DEFAULT_RULES,
) -> Problem:
    return problem.apply(data, at=at(on, hour), actor=CLERK, rules=rules)


def assigned(on: dt.date = SEP_27, working_days: int | None = 10) -> Problem:
    """Assigned on ``on``; 10 working days from 27 September is 16 October."""
    assign = Assign(lead_department_id=LAND, co_department_ids=[DRC], working_days=working_days)
    return step(registered(on), assign, on)


def in_progress() -> Problem:
    """Assigned 27 September (deadline 16 October), started on the make-up Sunday 29 September."""
    return step(assigned(), Start(), d(9, 29))


def suspended(on: dt.date = SEP_29, hour: int = 16) -> Problem:
    return step(in_progress(), Suspend(reason="等待规划调整批复"), on, hour)


def resolved() -> Problem:
    return step(in_progress(), Resolve(summary="协调追加用地指标"), d(10, 10))


def explained() -> Problem:
    return step(in_progress(), Explain(explanation="指标年内已用完，明年优先安排"), d(10, 10))


def closed() -> Problem:
    return step(step(resolved(), SATISFIED, d(10, 11)), Close(), d(10, 12))


def rejected() -> Problem:
    return step(registered(), Reject(reason="不属于帮扶范围"), d(9, 27))


def merged() -> Problem:
    return step(registered(), MergeInto(duplicate_of=ProblemId("p-0")), d(9, 27))


def last(problem: Problem) -> Transition:
    return problem.transitions[-1]


def assert_illegal(
    problem: Problem, data: EventData, on: dt.date = DEC_2
) -> IllegalTransitionError:
    """Apply ``data``, expect a refusal, and check the error and that nothing changed."""
    before = Problem.from_history(problem.transitions)
    with pytest.raises(IllegalTransitionError) as caught:
        step(problem, data, on)
    error = caught.value
    assert error.problem_id == problem.id
    assert error.state == problem.state.value
    assert error.event == data.event.value
    assert error.allowed == tuple(event.value for event in allowed_events(problem))
    assert data.event not in allowed_events(problem)
    assert problem == before
    assert problem.version == before.version
    return error


def refused(problem: Problem, data: EventData, on: dt.date, hour: int = 10) -> ValidationError:
    """Apply ``data``, expect a ValidationError, and check that nothing changed."""
    before = Problem.from_history(problem.transitions)
    with pytest.raises(ValidationError) as caught:
        step(problem, data, on, hour)
    assert problem == before
    return caught.value


# ================================================================ register


def test_register_records_the_first_transition() -> None:
    problem = Problem.register(
        details(), at=at(d(9, 27), 9), actor=CLERK, id=PID, note="第一批走访发现"
    )
    assert problem.state is S.REGISTERED
    assert problem.version == 1
    assert problem.id == PID
    (first,) = problem.transitions
    assert first == Transition(
        problem_id=PID,
        sequence=1,
        event=Event.REGISTER,
        from_state=None,
        to_state=S.REGISTERED,
        at=at(d(9, 27), 9),
        actor=CLERK,
        data=details(),
        note="第一批走访发现",
    )


def test_register_folds_the_details_into_the_problem() -> None:
    data = Register(
        title="环评批复滞后",
        description="项目环评已提交两个月",
        category="environmental_governance",
        region_id=REGION,
        project_id=ProjectId("proj-9"),
        visit_id=VisitId("v-3"),
        campaign_id=CampaignId("c-2019"),
        work_group_id=WorkGroupId("g-12"),
        scope=Scope.COMMON,
        level=L.COUNTY,
    )
    problem = Problem.register(data, at=at(d(10, 10)), actor=CLERK, id=PID)
    assert (problem.title, problem.description) == ("环评批复滞后", "项目环评已提交两个月")
    assert problem.category == "environmental_governance"
    assert problem.scope is Scope.COMMON
    assert problem.level is L.COUNTY
    assert problem.region_id == REGION
    assert problem.enterprise_id is None
    assert problem.project_id == ProjectId("proj-9")
    assert problem.visit_id == VisitId("v-3")
    assert problem.campaign_id == CampaignId("c-2019")
    assert problem.work_group_id == WorkGroupId("g-12")
    assert problem.registered_at == at(d(10, 10))
    assert problem.deadline is None
    assert problem.lead_department_id is None
    assert problem.co_department_ids == ()
    assert problem.is_active


def test_register_generates_an_id_when_none_is_given() -> None:
    first = Problem.register(details(), at=at(d(9, 27)), actor=CLERK)
    second = Problem.register(details(), at=at(d(9, 27)), actor=CLERK)
    assert isinstance(first.id, ProblemId)
    assert len(first.id) == 36
    assert first.id < second.id


def test_a_problem_is_frozen() -> None:
    problem = registered()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        problem.state = S.CLOSED  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        problem.deadline = d(10, 1)  # type: ignore[misc]


def test_register_allows_assign_escalate_resolve_reject_withdraw_and_merge() -> None:
    assert allowed_events(registered()) == (
        Event.ASSIGN,
        Event.ESCALATE,
        Event.RESOLVE,
        Event.REJECT,
        Event.WITHDRAW,
        Event.MERGE_INTO,
    )


def test_register_cannot_be_applied_to_an_existing_problem() -> None:
    error = refused(registered(), details(), d(9, 28))
    assert error.field == "data"


def test_apply_refuses_something_that_is_not_event_data() -> None:
    error = refused(registered(), "start", d(9, 28))  # type: ignore[arg-type]
    assert error.field == "data"


def test_register_refuses_an_unknown_category() -> None:
    with pytest.raises(ValidationError) as caught:
        registered(category="water")
    assert caught.value.field == "category"
    assert caught.value.received == "water"
    assert "land_use" in caught.value.expected


def test_register_checks_the_category_against_a_custom_taxonomy() -> None:
    rules = ProblemRules(taxonomy=Taxonomy.from_mapping(FINANCE_TREE))
    assert registered(category="loan_renewal", rules=rules).category == "loan_renewal"
    with pytest.raises(ValidationError) as caught:
        registered(category="loan_renewal")
    assert caught.value.field == "category"
    with pytest.raises(ValidationError) as caught:
        registered(category="land_use", rules=rules)
    assert caught.value.field == "category"
    assert caught.value.received == "land_use"


def test_register_needs_register_data() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem.register(Start(), at=at(d(9, 27)), actor=CLERK)  # type: ignore[arg-type]
    assert caught.value.field == "details"


def test_register_needs_an_aware_moment() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem.register(details(), at=dt.datetime(2019, 9, 27, 9), actor=CLERK)  # noqa: DTZ001
    assert caught.value.field == "at"


# ================================================================ assign


def test_assign_sets_departments_and_the_default_deadline_over_the_holiday() -> None:
    before = registered()
    problem = step(before, Assign(lead_department_id=LAND, co_department_ids=[DRC]), d(9, 27))
    assert problem.state is S.ASSIGNED
    assert problem.version == 2
    assert problem.lead_department_id == LAND
    assert problem.co_department_ids == (DRC,)
    # The default 15 working days from Friday 27 September. Sunday 29 September
    # and Saturday 12 October are worked, 1-7 October are not.
    assert problem.deadline == d(10, 23)
    record = last(problem)
    assert (record.sequence, record.event) == (2, Event.ASSIGN)
    assert (record.from_state, record.to_state) == (S.REGISTERED, S.ASSIGNED)
    assert record.data == Assign(
        lead_department_id=LAND, co_department_ids=[DRC], deadline=d(10, 23), working_days=15
    )
    assert before.version == 1
    assert before.state is S.REGISTERED
    assert before.deadline is None


def test_assign_with_an_explicit_deadline_records_it_as_given() -> None:
    problem = step(registered(), Assign(lead_department_id=LAND, deadline=d(10, 31)), d(9, 27))
    assert problem.deadline == d(10, 31)
    assert last(problem).data == Assign(lead_department_id=LAND, deadline=d(10, 31))


def test_assign_may_set_the_deadline_on_the_assignment_day_itself() -> None:
    problem = step(registered(), Assign(lead_department_id=LAND, deadline=d(9, 27)), d(9, 27))
    assert problem.deadline == d(9, 27)


def test_assign_refuses_a_deadline_before_the_assignment_day() -> None:
    error = refused(registered(), Assign(lead_department_id=LAND, deadline=d(9, 26)), d(9, 27))
    assert error.field == "deadline"
    assert "2019-09-27" in error.expected


def test_assign_refuses_both_a_deadline_and_working_days() -> None:
    assign = Assign(lead_department_id=LAND, deadline=d(10, 31), working_days=5)
    error = refused(registered(), assign, d(9, 27))
    assert error.field == "deadline"


def test_assign_refuses_a_deadline_outside_the_calendar_years() -> None:
    beyond = CAL.last_day + dt.timedelta(days=1)
    error = refused(registered(), Assign(lead_department_id=LAND, deadline=beyond), d(9, 27))
    assert error.received == beyond


def test_assign_twice_is_illegal() -> None:
    error = assert_illegal(assigned(), Assign(lead_department_id=DRC))
    assert error.state == "assigned"
    assert error.reason == ""


# ================================================================ reassign


def test_reassign_changes_the_departments_but_not_the_deadline() -> None:
    problem = step(
        assigned(), Reassign(lead_department_id=DRC, co_department_ids=[LAND, FINANCE]), d(9, 29)
    )
    assert problem.state is S.ASSIGNED
    assert problem.version == 3
    assert problem.lead_department_id == DRC
    assert problem.co_department_ids == (LAND, FINANCE)
    assert problem.deadline == d(10, 16)
    assert (last(problem).from_state, last(problem).to_state) == (S.ASSIGNED, S.ASSIGNED)


def test_reassign_while_in_progress_keeps_it_in_progress() -> None:
    problem = step(in_progress(), Reassign(lead_department_id=FINANCE), d(9, 30))
    assert problem.state is S.IN_PROGRESS
    assert problem.lead_department_id == FINANCE
    assert problem.co_department_ids == ()


def test_reassign_before_assignment_is_illegal() -> None:
    assert_illegal(registered(), Reassign(lead_department_id=DRC))


# ================================================================ start


def test_start_moves_an_assigned_problem_in_progress() -> None:
    problem = step(assigned(), Start(), d(9, 29))
    assert problem.state is S.IN_PROGRESS
    assert problem.version == 3
    assert last(problem).data == Start()
    assert (last(problem).from_state, last(problem).to_state) == (S.ASSIGNED, S.IN_PROGRESS)
    assert problem.deadline == d(10, 16)


def test_start_before_assignment_is_illegal() -> None:
    assert_illegal(registered(), Start())


def test_start_twice_is_illegal() -> None:
    assert_illegal(in_progress(), Start())


# ================================================================ escalate


def test_escalate_moves_up_one_level_and_keeps_the_state() -> None:
    problem = step(
        registered(), Escalate(consultation=ConsultationKind.ZONE, summary="2+2+N会商"), d(9, 27)
    )
    assert problem.state is S.REGISTERED
    assert problem.level is L.COUNTY
    assert problem.version == 2
    assert last(problem).data == Escalate(
        to_level=L.COUNTY, consultation=ConsultationKind.ZONE, summary="2+2+N会商"
    )
    assert (last(problem).from_state, last(problem).to_state) == (S.REGISTERED, S.REGISTERED)


def test_two_consultations_and_one_report_reach_the_city_leadership() -> None:
    problem = step(in_progress(), Escalate(consultation=ConsultationKind.ZONE), d(9, 30))
    problem = step(problem, Escalate(consultation=ConsultationKind.CITY), d(10, 8))
    problem = step(problem, Escalate(consultation=ConsultationKind.REPORT), d(10, 9))
    assert problem.level is L.CITY_LEADERSHIP
    assert problem.state is S.IN_PROGRESS
    recorded = [t.data for t in problem.transitions if isinstance(t.data, Escalate)]
    assert [(e.consultation, e.to_level) for e in recorded] == [
        (ConsultationKind.ZONE, L.COUNTY),
        (ConsultationKind.CITY, L.CITY_DEPARTMENT),
        (ConsultationKind.REPORT, L.CITY_LEADERSHIP),
    ]


def test_escalate_may_skip_levels() -> None:
    problem = step(assigned(), Escalate(to_level=L.PROVINCE), d(9, 30))
    assert problem.level is L.PROVINCE
    assert problem.state is S.ASSIGNED


def test_escalate_does_not_move_an_existing_deadline() -> None:
    problem = step(assigned(), Escalate(to_level=L.CITY_LEADERSHIP), d(9, 30))
    assert problem.deadline == d(10, 16)


def test_escalate_before_assignment_sets_the_level_the_default_deadline_uses() -> None:
    problem = step(registered(), Escalate(), d(9, 27), 9)
    problem = step(problem, Assign(lead_department_id=LAND), d(9, 27))
    # County level: 15 working days from 27 September.
    assert problem.deadline == d(10, 23)
    assert last(problem).data == Assign(
        lead_department_id=LAND, deadline=d(10, 23), working_days=15
    )


def test_escalate_at_the_province_is_illegal() -> None:
    problem = registered(level=L.PROVINCE)
    error = assert_illegal(problem, Escalate())
    assert "省级" in error.reason
    assert Event.ESCALATE not in allowed_events(problem)
    assert Event.ASSIGN in allowed_events(problem)


def test_escalate_after_resolution_is_illegal() -> None:
    assert_illegal(resolved(), Escalate())


@pytest.mark.parametrize("to_level", [L.LOCAL, L.COUNTY])
def test_escalate_refuses_a_level_not_above_the_current_one(to_level: HandlingLevel) -> None:
    error = refused(registered(level=L.COUNTY), Escalate(to_level=to_level), d(9, 28))
    assert error.field == "to_level"
    assert error.received is to_level


# ================================================================ extend_deadline


def test_extend_deadline_to_a_new_date() -> None:
    extend = ExtendDeadline(approval="分管副市长批准延期", new_deadline=d(10, 31))
    problem = step(in_progress(), extend, d(10, 15))
    assert problem.deadline == d(10, 31)
    assert problem.state is S.IN_PROGRESS
    assert problem.version == 4
    assert last(problem).data == extend


def test_extend_deadline_by_working_days_records_the_new_date_and_the_days() -> None:
    problem = step(in_progress(), ExtendDeadline(approval="办公室批准", working_days=5), d(10, 15))
    # Five working days after 16 October: 17, 18, 21, 22, 23.
    assert problem.deadline == d(10, 23)
    assert last(problem).data == ExtendDeadline(
        approval="办公室批准", new_deadline=d(10, 23), working_days=5
    )


def test_extend_deadline_refuses_both_a_date_and_working_days() -> None:
    both = ExtendDeadline(approval="办公室批准", new_deadline=d(10, 25), working_days=5)
    with pytest.raises(ValidationError) as caught:
        step(in_progress(), both, d(10, 15))
    assert caught.value.field == "new_deadline"
    assert caught.value.received == (d(10, 25), 5)


def test_extend_deadline_by_working_days_counts_the_make_up_saturday() -> None:
    problem = step(
        assigned(working_days=5), ExtendDeadline(approval="批准", working_days=2), d(10, 8)
    )
    # Assigned 27 September for 5 days: 10 October; two more: 11 and Saturday 12 October.
    assert problem.deadline == d(10, 12)


def test_extend_deadline_while_assigned_keeps_the_state() -> None:
    problem = step(assigned(), ExtendDeadline(approval="批准", new_deadline=d(10, 18)), d(9, 30))
    assert problem.state is S.ASSIGNED
    assert problem.deadline == d(10, 18)


@pytest.mark.parametrize("new_deadline", [d(10, 15), d(10, 16)])
def test_extend_deadline_refuses_a_date_not_after_the_current_deadline(
    new_deadline: dt.date,
) -> None:
    extend = ExtendDeadline(approval="批准", new_deadline=new_deadline)
    error = refused(in_progress(), extend, d(10, 10))
    assert error.field == "new_deadline"
    assert "2019-10-16" in error.expected


def test_extend_deadline_before_assignment_is_illegal() -> None:
    error = assert_illegal(registered(), ExtendDeadline(approval="批准", working_days=5))
    assert error.state == "registered"


def test_extend_deadline_sets_the_first_deadline_of_a_reopened_on_the_spot_problem() -> None:
    # Settled at registration (现场办公), found unsolved on follow-up, reopened:
    # the problem never had a deadline, and an extension gives it its first.
    settled = step(registered(), Resolve(summary="现场解决"), SEP_27)
    unhappy = FollowUp(outcome=FollowUpOutcome.NOT_SOLVED, satisfaction=Satisfaction.DISSATISFIED)
    reopened = step(step(settled, unhappy, d(9, 30)), Reopen(reason="企业不满意"), d(9, 30), 11)
    assert reopened.state is S.IN_PROGRESS
    assert reopened.deadline is None
    given = step(reopened, ExtendDeadline(approval="批准", working_days=5), d(9, 30), 12)
    assert given.deadline == d(10, 12)  # five working days after 30 September
    assert last(given).data == ExtendDeadline(
        approval="批准", new_deadline=d(10, 12), working_days=5
    )
    with pytest.raises(ValidationError) as caught:
        step(reopened, ExtendDeadline(approval="批准", new_deadline=d(9, 29)), d(9, 30), 12)
    assert caught.value.field == "new_deadline"
    assert "2019-09-30" in caught.value.expected


def test_a_stored_assignment_without_its_deadline_is_not_a_history() -> None:
    start = registered()
    bare = Transition(
        problem_id=PID,
        sequence=2,
        event=Event.ASSIGN,
        from_state=S.REGISTERED,
        to_state=S.ASSIGNED,
        at=at(d(9, 27), 10),
        actor=CLERK,
        data=Assign(lead_department_id=LAND),
    )
    with pytest.raises(HistoryError) as caught:
        Problem.from_history([*start.transitions, bare])
    assert caught.value.sequence == 2
    assert "deadline" in caught.value.reason


# ================================================================ suspend and resume


def test_suspend_pauses_the_problem_with_its_reason() -> None:
    problem = suspended()
    assert problem.state is S.SUSPENDED
    assert problem.version == 4
    assert problem.suspended_on == d(9, 29)
    assert problem.is_active
    assert last(problem).data == Suspend(reason="等待规划调整批复")
    assert (last(problem).from_state, last(problem).to_state) == (S.IN_PROGRESS, S.SUSPENDED)
    assert problem.deadline == d(10, 16)  # the stored deadline moves only on resume


def test_suspend_before_work_starts_is_illegal() -> None:
    assert_illegal(assigned(), Suspend(reason="等待批复"))


def test_suspend_twice_is_illegal() -> None:
    assert_illegal(suspended(), Suspend(reason="等待批复"))


def test_resume_records_the_deadline_moved_by_the_working_days_suspended() -> None:
    # Suspended on the make-up Sunday 29 September, resumed on the make-up
    # Saturday 12 October: 30 September and 8-12 October are the six working
    # days paused; the holiday week pauses nothing.
    problem = step(suspended(), Resume(), d(10, 12))
    assert problem.state is S.IN_PROGRESS
    assert problem.version == 5
    assert last(problem).data == Resume(new_deadline=d(10, 24))
    assert problem.deadline == d(10, 24)
    assert problem.suspended_on is None
    assert (last(problem).from_state, last(problem).to_state) == (S.SUSPENDED, S.IN_PROGRESS)


def test_a_suspension_over_the_holiday_week_alone_pauses_nothing() -> None:
    problem = step(suspended(d(9, 30), 18), Resume(), d(10, 7), 17)
    assert last(problem).data == Resume(new_deadline=d(10, 16))


def test_resuming_the_day_of_suspension_pauses_nothing() -> None:
    problem = step(suspended(d(10, 9), 9), Resume(), d(10, 9), 17)
    assert problem.deadline == d(10, 16)


def test_resume_refuses_a_deadline_from_the_caller() -> None:
    problem = suspended(d(9, 30), 11)
    with pytest.raises(ValidationError) as caught:
        step(problem, Resume(new_deadline=d(12, 31)), d(10, 8))
    assert caught.value.field == "new_deadline"
    assert step(problem, Resume(), d(10, 8)) == step(problem, Resume(), d(10, 8))


def test_the_effective_deadline_moves_day_by_day_while_suspended() -> None:
    problem = suspended()  # on 29 September; deadline 16 October
    assert problem.effective_deadline(d(9, 29)) == d(10, 16)
    assert problem.effective_deadline(d(9, 30)) == d(10, 17)
    assert problem.effective_deadline(d(10, 7)) == d(10, 17)  # holidays pause nothing
    assert problem.effective_deadline(d(10, 8)) == d(10, 18)
    assert problem.effective_deadline(d(10, 12)) == d(10, 24)
    assert problem.effective_deadline(d(10, 13)) == d(10, 24)  # an ordinary Sunday


def test_the_effective_deadline_is_the_deadline_when_not_suspended() -> None:
    assert in_progress().effective_deadline(d(12, 31)) == d(10, 16)
    assert registered().effective_deadline(d(12, 31)) is None


def test_extend_while_suspended_then_resume_adds_the_pause_to_the_new_date() -> None:
    problem = step(
        suspended(d(9, 30), 16), ExtendDeadline(approval="批准", working_days=5), d(10, 8)
    )
    assert problem.state is S.SUSPENDED
    assert problem.deadline == d(10, 23)
    problem = step(problem, Resume(), d(10, 10))
    # Paused 8, 9 and 10 October: three working days after 23 October.
    assert problem.deadline == d(10, 28)


def test_resume_when_not_suspended_is_illegal() -> None:
    assert_illegal(in_progress(), Resume())


# ================================================================ resolve


def test_resolve_records_the_summary_and_finance_links() -> None:
    resolve = Resolve(summary="协调银行续贷3000万元", finance_record_ids=["loan-1", "debt-2"])
    problem = step(in_progress(), resolve, d(10, 10))
    assert problem.state is S.RESOLVED
    assert problem.version == 4
    assert last(problem).data == resolve
    assert last(problem).data.finance_record_ids == ("loan-1", "debt-2")  # type: ignore[union-attr]
    assert problem.resolved_at == at(d(10, 10), 10)
    assert not problem.is_active
    assert problem.last_follow_up is None
    assert allowed_events(problem) == (Event.FOLLOW_UP,)


def test_an_on_site_office_session_resolves_a_problem_the_day_it_is_raised() -> None:
    problem = step(registered(), Resolve(summary="现场办公解决"), d(9, 27), 11)
    assert problem.state is S.RESOLVED
    assert (last(problem).from_state, last(problem).to_state) == (S.REGISTERED, S.RESOLVED)
    assert problem.deadline is None


def test_resolve_while_suspended_is_illegal() -> None:
    assert_illegal(suspended(), Resolve(summary="解决"))


# ================================================================ explain


def test_explain_records_the_explanation_and_whether_it_was_accepted() -> None:
    explain = Explain(explanation="受政策限制暂不能解决，已解释清楚", accepted=False)
    problem = step(in_progress(), explain, d(10, 10))
    assert problem.state is S.EXPLAINED
    assert last(problem).data == explain
    assert problem.resolved_at == at(d(10, 10), 10)
    assert allowed_events(problem) == (Event.FOLLOW_UP,)


def test_explain_before_assignment_is_illegal() -> None:
    assert_illegal(registered(), Explain(explanation="已解释"))


# ================================================================ follow_up


def test_follow_up_keeps_the_state_and_is_remembered() -> None:
    follow_up = FollowUp(
        outcome=FollowUpOutcome.PARTLY_SOLVED,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        method=FollowUpMethod.VISIT,
        comment="用地已解决，规划许可待办",
    )
    problem = step(resolved(), follow_up, d(10, 14))
    assert problem.state is S.RESOLVED
    assert problem.version == 5
    assert last(problem).data == follow_up
    assert problem.last_follow_up == follow_up
    assert allowed_events(problem) == (Event.FOLLOW_UP, Event.CLOSE)


def test_follow_up_after_closing_keeps_it_closed() -> None:
    problem = step(closed(), DISSATISFIED, d(11, 1))
    assert problem.state is S.CLOSED
    assert problem.last_follow_up == DISSATISFIED
    assert allowed_events(problem) == (Event.FOLLOW_UP, Event.REOPEN)


def test_follow_up_while_in_progress_is_illegal() -> None:
    assert_illegal(in_progress(), SATISFIED)


# ================================================================ close


def test_close_after_a_satisfied_follow_up() -> None:
    problem = closed()
    assert problem.state is S.CLOSED
    assert problem.version == 6
    assert last(problem).data == Close()
    assert (last(problem).from_state, last(problem).to_state) == (S.RESOLVED, S.CLOSED)
    assert problem.resolved_at == at(d(10, 10), 10)
    assert allowed_events(problem) == (Event.FOLLOW_UP,)


def test_close_an_explained_problem_after_a_basically_satisfied_follow_up() -> None:
    follow_up = FollowUp(
        outcome=FollowUpOutcome.NOT_SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED
    )
    problem = step(step(explained(), follow_up, d(10, 11)), Close(), d(10, 12))
    assert problem.state is S.CLOSED
    assert (last(problem).from_state, last(problem).to_state) == (S.EXPLAINED, S.CLOSED)


def test_close_without_a_follow_up_is_refused() -> None:
    error = assert_illegal(resolved(), Close())
    assert "follow-up" in error.reason
    assert error.allowed == ("follow_up",)


def test_close_after_a_dissatisfied_follow_up_is_refused() -> None:
    problem = step(resolved(), DISSATISFIED, d(10, 11))
    error = assert_illegal(problem, Close())
    assert "follow-up" in error.reason
    assert error.allowed == ("follow_up", "reopen")


def test_the_latest_follow_up_decides() -> None:
    unhappy_then_happy = step(step(resolved(), DISSATISFIED, d(10, 11)), SATISFIED, d(10, 14))
    assert step(unhappy_then_happy, Close(), d(10, 15)).state is S.CLOSED
    happy_then_unhappy = step(step(resolved(), SATISFIED, d(10, 11)), DISSATISFIED, d(10, 14))
    assert_illegal(happy_then_unhappy, Close())


def test_a_follow_up_before_reopening_does_not_count_for_the_next_close() -> None:
    problem = step(resolved(), DISSATISFIED, d(10, 11))
    problem = step(problem, Reopen(reason="企业不满意"), d(10, 12))
    problem = step(problem, Resolve(summary="再次协调解决"), d(10, 18))
    assert problem.last_follow_up is None
    assert_illegal(problem, Close())


def test_close_while_in_progress_is_illegal() -> None:
    error = assert_illegal(in_progress(), Close())
    assert error.reason == ""


# ================================================================ reopen


def test_reopen_after_a_dissatisfied_follow_up() -> None:
    problem = step(
        step(resolved(), DISSATISFIED, d(10, 11)), Reopen(reason="企业不满意"), d(10, 12)
    )
    assert problem.state is S.IN_PROGRESS
    assert problem.version == 6
    assert last(problem).data == Reopen(reason="企业不满意")
    assert (last(problem).from_state, last(problem).to_state) == (S.RESOLVED, S.IN_PROGRESS)
    assert problem.resolved_at is None
    assert problem.last_follow_up is None
    assert problem.is_active
    assert problem.deadline == d(10, 16)


def test_reopen_an_explained_problem() -> None:
    problem = step(
        step(explained(), DISSATISFIED, d(10, 11)), Reopen(reason="解释未被接受"), d(10, 12)
    )
    assert problem.state is S.IN_PROGRESS
    assert last(problem).from_state is S.EXPLAINED


def test_reopen_a_closed_problem_after_a_later_dissatisfied_follow_up() -> None:
    problem = step(step(closed(), DISSATISFIED, d(11, 1)), Reopen(reason="问题反弹"), d(11, 4))
    assert problem.state is S.IN_PROGRESS
    assert (last(problem).from_state, last(problem).to_state) == (S.CLOSED, S.IN_PROGRESS)


def test_reopen_without_a_follow_up_is_refused() -> None:
    error = assert_illegal(resolved(), Reopen(reason="重办"))
    assert "dissatisfied" in error.reason


def test_reopen_after_a_satisfied_follow_up_is_refused() -> None:
    assert_illegal(step(resolved(), SATISFIED, d(10, 11)), Reopen(reason="重办"))


def test_reopen_a_closed_problem_without_a_new_follow_up_is_refused() -> None:
    assert_illegal(closed(), Reopen(reason="重办"))


def test_reopen_while_in_progress_is_illegal() -> None:
    assert_illegal(in_progress(), Reopen(reason="重办"))


# ================================================================ reject, withdraw, merge


def test_reject_a_registered_problem() -> None:
    problem = rejected()
    assert problem.state is S.REJECTED
    assert last(problem).data == Reject(reason="不属于帮扶范围")
    assert not problem.is_active
    assert allowed_events(problem) == ()


def test_reject_an_assigned_problem() -> None:
    problem = step(assigned(), Reject(reason="属于司法程序"), d(9, 30))
    assert problem.state is S.REJECTED
    assert (last(problem).from_state, last(problem).to_state) == (S.ASSIGNED, S.REJECTED)


def test_reject_once_in_progress_is_illegal() -> None:
    assert_illegal(in_progress(), Reject(reason="不予受理"))


def test_nothing_is_allowed_after_rejection() -> None:
    error = assert_illegal(rejected(), Assign(lead_department_id=LAND))
    assert error.allowed == ()


@pytest.mark.parametrize("builder", [registered, assigned, in_progress, suspended])
def test_withdraw_from_any_open_state(builder: Callable[[], Problem]) -> None:
    before = builder()
    problem = step(before, Withdraw(reason="企业自行解决"), d(10, 8))
    assert problem.state is S.WITHDRAWN
    assert problem.version == before.version + 1
    assert (last(problem).from_state, last(problem).to_state) == (before.state, S.WITHDRAWN)
    assert last(problem).data == Withdraw(reason="企业自行解决")
    assert allowed_events(problem) == ()


def test_withdraw_after_resolution_is_illegal() -> None:
    assert_illegal(resolved(), Withdraw())


def test_merge_into_another_problem() -> None:
    problem = step(in_progress(), MergeInto(duplicate_of=ProblemId("p-0")), d(10, 8))
    assert problem.state is S.MERGED
    assert last(problem).data == MergeInto(duplicate_of=ProblemId("p-0"))
    assert allowed_events(problem) == ()


def test_merge_into_itself_is_refused() -> None:
    error = refused(registered(), MergeInto(duplicate_of=PID), d(9, 28))
    assert error.field == "duplicate_of"
    assert error.received == PID


def test_merge_after_closing_is_illegal() -> None:
    assert_illegal(closed(), MergeInto(duplicate_of=ProblemId("p-0")))


def test_nothing_is_allowed_after_merging() -> None:
    error = assert_illegal(merged(), Withdraw())
    assert error.allowed == ()


# ================================================================ illegal events in general


ILLEGAL: list[tuple[Event, Callable[[], Problem], EventData]] = [
    (Event.ASSIGN, in_progress, Assign(lead_department_id=LAND)),
    (Event.REASSIGN, resolved, Reassign(lead_department_id=DRC)),
    (Event.START, suspended, Start()),
    (Event.ESCALATE, closed, Escalate()),
    (Event.EXTEND_DEADLINE, resolved, ExtendDeadline(approval="批准", working_days=1)),
    (Event.SUSPEND, registered, Suspend(reason="等待")),
    (Event.RESUME, assigned, Resume()),
    (
        Event.RECOUNT_DEADLINE,
        registered,
        RecountDeadline(previous_deadline=d(10, 15), new_deadline=d(10, 16), reason="重算"),
    ),
    (Event.RESOLVE, explained, Resolve(summary="解决")),
    (Event.EXPLAIN, suspended, Explain(explanation="解释")),
    (Event.FOLLOW_UP, registered, SATISFIED),
    (Event.CLOSE, assigned, Close()),
    (Event.REOPEN, rejected, Reopen(reason="重办")),
    (Event.REJECT, suspended, Reject(reason="不予受理")),
    (Event.WITHDRAW, merged, Withdraw()),
    (Event.MERGE_INTO, explained, MergeInto(duplicate_of=ProblemId("p-0"))),
]


def test_the_illegal_examples_cover_every_event_but_register() -> None:
    assert {event for event, _, _ in ILLEGAL} == set(Event) - {Event.REGISTER}


@pytest.mark.parametrize(
    ("event", "builder", "data"), ILLEGAL, ids=[event.value for event, _, _ in ILLEGAL]
)
def test_an_illegal_event_raises_and_leaves_the_problem_unchanged(
    event: Event, builder: Callable[[], Problem], data: EventData
) -> None:
    problem = builder()
    error = assert_illegal(problem, data)
    assert error.event == event.value
    assert f"event {event.value!r} is not allowed in state {problem.state.value!r}" in str(error)


def test_the_error_lists_the_events_allowed_now() -> None:
    error = assert_illegal(assigned(), Close())
    assert error.allowed == (
        "reassign",
        "start",
        "escalate",
        "extend_deadline",
        "resolve",
        "explain",
        "reject",
        "withdraw",
        "merge_into",
    )
    assert "allowed now: reassign, start" in str(error)


def test_an_illegal_event_is_refused_before_its_time_is_checked() -> None:
    with pytest.raises(IllegalTransitionError):
        registered().apply(Start(), at=at(d(1, 1)), actor=CLERK)


# ================================================================ time of a transition


def test_a_transition_earlier_than_the_last_one_is_refused() -> None:
    error = refused(in_progress(), Suspend(reason="等待"), d(9, 29), 9)
    assert error.field == "at"
    assert "2019-09-29T10:00:00+08:00" in error.expected


def test_a_transition_at_the_same_moment_as_the_last_is_accepted() -> None:
    problem = step(in_progress(), Suspend(reason="等待"), d(9, 29), 10)
    assert problem.state is S.SUSPENDED


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        in_progress().apply(
            Suspend(reason="等待"),
            at=dt.datetime(2019, 10, 8, 9),  # noqa: DTZ001 - the point of the test
            actor=CLERK,
        )
    assert caught.value.field == "at"


def test_the_actor_and_note_are_recorded() -> None:
    problem = in_progress().apply(
        Escalate(consultation=ConsultationKind.CITY),
        at=at(d(10, 8)),
        actor=LEADER,
        note="市级会商",
    )
    assert last(problem).actor == LEADER
    assert last(problem).note == "市级会商"


# ================================================================ deadlines across National Day


@pytest.mark.parametrize(
    ("working_days", "deadline"),
    [
        (1, d(9, 29)),  # the make-up Sunday
        (2, d(9, 30)),
        (3, d(10, 8)),  # 1-7 October skipped
        (6, d(10, 11)),
        (7, d(10, 12)),  # the make-up Saturday
        (8, d(10, 14)),  # the ordinary Sunday 13 October skipped
        (10, d(10, 16)),
    ],
)
def test_a_deadline_from_friday_27_september(working_days: int, deadline: dt.date) -> None:
    assert assigned(d(9, 27), working_days).deadline == deadline


@pytest.mark.parametrize(
    ("working_days", "deadline"),
    [(1, d(10, 8)), (5, d(10, 12)), (6, d(10, 14)), (10, d(10, 18))],
)
def test_a_deadline_from_monday_30_september(working_days: int, deadline: dt.date) -> None:
    assert assigned(d(9, 30), working_days).deadline == deadline


def test_a_deadline_counted_from_a_holiday_starts_after_it() -> None:
    problem = step(registered(d(10, 3)), Assign(lead_department_id=LAND, working_days=1), d(10, 3))
    assert problem.deadline == d(10, 8)


def test_the_assignment_day_is_the_date_in_china() -> None:
    # 17:00 UTC on 29 September is 01:00 on 30 September in China.
    moment = dt.datetime(2019, 9, 29, 17, 0, tzinfo=dt.UTC)
    problem = registered(d(9, 29)).apply(
        Assign(lead_department_id=LAND, working_days=1), at=moment, actor=CLERK
    )
    assert problem.deadline == d(10, 8)  # not 30 September


@pytest.mark.parametrize(
    ("level", "deadline"),
    [
        (L.LOCAL, d(10, 18)),  # 10 working days
        (L.COUNTY, d(10, 25)),  # 15
        (L.CITY_DEPARTMENT, d(11, 1)),  # 20
        (L.CITY_LEADERSHIP, d(11, 15)),  # 30
        (L.PROVINCE, d(12, 6)),  # 45
    ],
)
def test_limits_by_handling_level_as_an_office_may_set_them(
    level: HandlingLevel, deadline: dt.date
) -> None:
    by_level = {
        L.LOCAL: 10,
        L.COUNTY: 15,
        L.CITY_DEPARTMENT: 20,
        L.CITY_LEADERSHIP: 30,
        L.PROVINCE: 45,
    }
    rules = ProblemRules(deadlines=DeadlinePolicy(by_level=by_level))
    problem = registered(d(9, 30), level=level, rules=rules)
    assigned_ = step(problem, Assign(lead_department_id=LAND), d(9, 30), rules=rules)
    assert assigned_.deadline == deadline


@pytest.mark.parametrize("level", list(HandlingLevel))
def test_out_of_the_box_every_level_gets_fifteen_working_days(level: HandlingLevel) -> None:
    problem = step(registered(d(9, 30), level=level), Assign(lead_department_id=LAND), d(9, 30))
    assert problem.deadline == d(10, 25)


FINANCE_TREE: dict[str, Any] = {
    "financing": {
        "label": "融资",
        "children": {
            "loan_renewal": {"label": "续贷"},
            "guarantee_chain": {"label": "担保链"},
        },
    },
    "land": {"label": "用地"},
}
POLICY = DeadlinePolicy(
    default_working_days=20,
    by_level={L.LOCAL: 9, L.COUNTY: 12},
    by_category={"financing": 6, "guarantee_chain": 3},
    by_category_and_level={("financing", L.COUNTY): 2, ("guarantee_chain", L.CITY_LEADERSHIP): 1},
)
CUSTOM = ProblemRules(taxonomy=Taxonomy.from_mapping(FINANCE_TREE), deadlines=POLICY)


@pytest.mark.parametrize(
    ("category", "level", "days"),
    [
        ("financing", L.COUNTY, 2),  # category and level beat category and level alone
        ("financing", L.LOCAL, 6),  # category beats level
        ("loan_renewal", L.LOCAL, 6),  # a sub-category uses its parent's rule
        ("loan_renewal", L.COUNTY, 2),  # ... and its parent's category-and-level rule
        ("guarantee_chain", L.LOCAL, 3),  # its own rule beats its parent's
        ("guarantee_chain", L.CITY_LEADERSHIP, 1),
        ("land", L.LOCAL, 9),  # the level
        ("land", L.COUNTY, 12),
        ("land", L.CITY_DEPARTMENT, 20),  # the default
    ],
)
def test_the_most_specific_deadline_rule_wins(
    category: str, level: HandlingLevel, days: int
) -> None:
    assert POLICY.working_days(category, level, CUSTOM.taxonomy) == days


@pytest.mark.parametrize(
    ("category", "level", "deadline"),
    [
        ("loan_renewal", L.COUNTY, d(10, 9)),  # 2 working days from 30 September
        ("guarantee_chain", L.LOCAL, d(10, 10)),  # 3
        ("financing", L.LOCAL, d(10, 14)),  # 6
        ("land", L.LOCAL, d(10, 17)),  # 9
        ("land", L.CITY_DEPARTMENT, d(11, 1)),  # 20
    ],
)
def test_assign_uses_the_rules_deadline_policy(
    category: str, level: HandlingLevel, deadline: dt.date
) -> None:
    problem = registered(d(9, 30), category=category, level=level, rules=CUSTOM)
    problem = step(problem, Assign(lead_department_id=LAND), d(9, 30), rules=CUSTOM)
    assert problem.deadline == deadline
    assert last(problem).data.working_days == POLICY.working_days(  # type: ignore[union-attr]
        category, level, CUSTOM.taxonomy
    )


def test_the_callers_working_days_beat_the_policy() -> None:
    problem = registered(d(9, 30), category="financing", rules=CUSTOM)
    assign = Assign(lead_department_id=LAND, working_days=10)
    assert step(problem, assign, d(9, 30), rules=CUSTOM).deadline == d(10, 18)


def test_the_default_policy_limits() -> None:
    policy = DeadlinePolicy()
    assert policy.default_working_days == 15
    assert dict(policy.by_level) == {}
    assert dict(policy.by_category) == {}
    assert DeadlinePolicy(by_level={}).working_days("land", L.PROVINCE, CUSTOM.taxonomy) == 15


def test_a_policy_refuses_limits_that_are_not_positive_whole_numbers() -> None:
    cases: list[tuple[str, Any]] = [
        ("by_level", {L.LOCAL: 0}),
        ("by_category", {"land": 2.5}),
        ("by_category_and_level", {("land", L.LOCAL): True}),
        ("by_level", [10, 15]),
    ]
    for field, value in cases:
        with pytest.raises(ValidationError) as caught:
            DeadlinePolicy(**{field: value})
        assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        DeadlinePolicy(default_working_days=0)
    assert caught.value.field == "default_working_days"


def test_a_policy_keeps_a_frozen_copy_of_its_tables() -> None:
    table = {"land": 4}
    policy = DeadlinePolicy(by_category=table)
    table["land"] = 40
    assert policy.by_category["land"] == 4
    with pytest.raises(TypeError):
        policy.by_category["land"] = 5  # type: ignore[index]


def test_a_local_holiday_moves_the_deadline() -> None:
    rules = ProblemRules(calendar=CAL.with_local_days(holidays=[d(10, 8)]))
    problem = step(
        registered(d(9, 30)), Assign(lead_department_id=LAND, working_days=5), d(9, 30), rules=rules
    )
    assert problem.deadline == d(10, 14)  # 9, 10, 11, 12 and 14 October
    assert assigned(d(9, 30), 5).deadline == d(10, 12)


def test_a_local_make_up_workday_moves_the_deadline_earlier() -> None:
    rules = ProblemRules(calendar=CAL.with_local_days(workdays=[d(10, 7)]))
    problem = step(
        registered(d(9, 30)), Assign(lead_department_id=LAND, working_days=1), d(9, 30), rules=rules
    )
    assert problem.deadline == d(10, 7)


def test_a_local_holiday_lengthens_a_suspension_pause_by_nothing() -> None:
    rules = ProblemRules(calendar=CAL.with_local_days(holidays=[d(10, 8)]))
    problem = step(suspended(d(9, 30), 11), Resume(), d(10, 9), rules=rules)
    # Only 9 October is a working day paused (8 October is off locally),
    # and the day after 16 October is 17 October.
    assert problem.deadline == d(10, 17)
    assert suspended(d(9, 30), 11).effective_deadline(d(10, 9), rules) == d(10, 17)
    assert suspended(d(9, 30), 11).effective_deadline(d(10, 9)) == d(10, 18)


# ================================================================ overdue and due soon


def test_the_deadline_day_itself_is_not_overdue() -> None:
    problem = in_progress()  # deadline 16 October
    assert not problem.is_overdue(at(d(10, 16), 9))
    assert not problem.is_overdue(at(d(10, 16), 23, 59))


def test_the_next_working_day_is_overdue() -> None:
    assert in_progress().is_overdue(at(d(10, 17), 0))


def test_the_make_up_saturday_after_a_friday_deadline_is_overdue() -> None:
    problem = assigned(d(9, 27), 6)
    assert problem.deadline == d(10, 11)
    assert problem.is_overdue(at(d(10, 12)))


def test_the_calendar_day_after_a_deadline_is_overdue_even_if_not_worked() -> None:
    problem = assigned(d(9, 27), 7)
    assert problem.deadline == d(10, 12)
    assert problem.is_overdue(at(d(10, 13)))  # an ordinary Sunday


def test_a_utc_moment_late_on_the_deadline_day_is_already_the_next_day_in_china() -> None:
    problem = in_progress()  # deadline 16 October
    assert problem.is_overdue(dt.datetime(2019, 10, 16, 16, 30, tzinfo=dt.UTC))
    assert not problem.is_overdue(dt.datetime(2019, 10, 16, 15, 30, tzinfo=dt.UTC))


def test_a_registered_problem_is_never_overdue() -> None:
    assert not registered().is_overdue(at(d(12, 31)))
    assert not registered().due_soon(at(d(12, 31)))


def test_a_settled_problem_is_not_overdue() -> None:
    for problem in (resolved(), explained(), closed(), rejected(), merged()):
        assert not problem.is_overdue(at(d(12, 31))), problem.state
        assert not problem.due_soon(at(d(10, 15))), problem.state


def test_overdue_as_of_a_moment_ignores_later_transitions() -> None:
    late = step(in_progress(), Resolve(summary="逾期解决"), d(10, 21))
    assert late.is_overdue(at(d(10, 18)))
    assert not late.is_overdue(at(d(10, 21), 11))
    assert not late.is_overdue(at(d(9, 1)))  # before registration


def test_a_suspended_problem_is_overdue_only_after_its_paused_deadline() -> None:
    problem = step(in_progress(), Suspend(reason="等待"), d(10, 15))
    # Suspended 15 October, deadline 16 October: on 18 October three working
    # days were paused, so the effective deadline is 21 October.
    assert problem.effective_deadline(d(10, 18)) == d(10, 21)
    assert not problem.is_overdue(at(d(10, 18)))
    assert not problem.is_overdue(at(d(12, 31)))


def test_a_problem_suspended_after_its_deadline_stays_overdue() -> None:
    problem = step(in_progress(), Suspend(reason="等待"), d(10, 18))
    assert problem.is_overdue(at(d(10, 21)))


def test_a_suspended_problem_is_never_due_soon() -> None:
    problem = step(in_progress(), Suspend(reason="等待"), d(10, 15))
    assert not problem.due_soon(at(d(10, 16)))
    assert not problem.due_soon(at(d(10, 16)), within=100)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (d(10, 11), False),  # 4 working days left: 12, 14, 15, 16
        (d(10, 12), True),  # 3 left, on the make-up Saturday
        (d(10, 13), True),  # still 3 on the ordinary Sunday
        (d(10, 16), True),  # the deadline day
        (d(10, 17), False),  # overdue, not due soon
    ],
)
def test_due_soon_within_three_working_days(on: dt.date, *, expected: bool) -> None:
    assert in_progress().due_soon(at(on)) is expected


def test_due_soon_across_the_holiday_week() -> None:
    problem = assigned(d(9, 27), 5)  # deadline 10 October
    assert problem.deadline == d(10, 10)
    assert not problem.due_soon(at(d(9, 29), 11))  # 30 Sep, 8, 9, 10 Oct: 4 left
    assert problem.due_soon(at(d(9, 30)))
    assert problem.due_soon(at(d(10, 3)))  # the holiday counts for nothing


def test_due_soon_takes_its_window_from_the_argument_or_the_rules() -> None:
    problem = in_progress()  # 5 working days left on 10 October: 11, 12, 14, 15, 16
    assert not problem.due_soon(at(d(10, 10)))
    assert problem.due_soon(at(d(10, 10)), within=5)
    assert not problem.due_soon(at(d(10, 10)), within=4)
    assert problem.due_soon(at(d(10, 10)), rules=ProblemRules(due_soon_working_days=5))
    assert problem.due_soon(at(d(10, 16)), within=0)
    assert not problem.due_soon(at(d(10, 15)), within=0)


def test_due_soon_as_of_a_moment_before_assignment_is_false() -> None:
    assert not in_progress().due_soon(at(d(9, 27), 9, 30))


def test_overdue_and_due_soon_need_an_aware_moment() -> None:
    naive = dt.datetime(2019, 10, 17, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValidationError):
        in_progress().is_overdue(naive)
    with pytest.raises(ValidationError):
        in_progress().due_soon(naive)


# ================================================================ replay


def long_history() -> Problem:
    """A problem that goes through most of the workflow, National Day included."""
    problem = Problem.register(
        Register(
            title="新厂区用地指标不足",
            description="二期项目需新增用地80亩",
            category="land_use",
            region_id=REGION,
            enterprise_id=ENTERPRISE,
            project_id=ProjectId("proj-2"),
            visit_id=VisitId("v-1"),
            campaign_id=CampaignId("c-2019"),
            work_group_id=WorkGroupId("g-3"),
        ),
        at=at(d(9, 27), 9),
        actor=Actor(kind=ActorKind.WORK_GROUP, id="g-3", name="第三工作组"),
        id=PID,
        note="进厂入企发现",
    )
    steps: list[tuple[EventData, dt.date, int]] = [
        (Escalate(consultation=ConsultationKind.ZONE, summary="2+2+N会商"), d(9, 27), 11),
        (Assign(lead_department_id=LAND, co_department_ids=[DRC]), d(9, 27), 14),
        (Reassign(lead_department_id=DRC, co_department_ids=[LAND, FINANCE]), d(9, 29), 9),
        (Start(), d(9, 29), 10),
        (Escalate(consultation=ConsultationKind.CITY, department_ids=[LAND, DRC]), d(9, 30), 9),
        (Suspend(reason="等待省里下达用地指标"), d(9, 30), 16),
        (ExtendDeadline(approval="分管副市长批准", working_days=5), d(10, 8), 9),
        (Resume(), d(10, 10), 9),
        (Escalate(consultation=ConsultationKind.REPORT), d(10, 14), 9),
        (Resolve(summary="调剂用地指标", finance_record_ids=["loan-7"]), d(10, 25), 15),
        (DISSATISFIED, d(10, 28), 10),
        (Reopen(reason="指标仍不足"), d(10, 29), 9),
        (Explain(explanation="年内指标已用完，明年优先保障"), d(11, 5), 9),
        (
            FollowUp(
                outcome=FollowUpOutcome.NOT_SOLVED,
                satisfaction=Satisfaction.BASICALLY_SATISFIED,
                method=FollowUpMethod.VISIT,
            ),
            d(11, 6),
            9,
        ),
        (Close(), d(11, 7), 9),
        (DISSATISFIED, d(11, 20), 9),
        (Reopen(reason="企业反映新问题"), d(11, 21), 9),
        (Resolve(summary="新增指标已下达"), d(11, 29), 9),
        (SATISFIED, d(12, 2), 9),
        (Close(), d(12, 3), 9),
    ]
    for data, on, hour in steps:
        problem = step(problem, data, on, hour)
    return problem


def test_the_long_history_ends_where_expected() -> None:
    problem = long_history()
    assert problem.version == 21
    assert problem.state is S.CLOSED
    assert problem.level is L.CITY_LEADERSHIP
    assert problem.lead_department_id == DRC
    assert problem.co_department_ids == (LAND, FINANCE)
    # County level at assignment: 15 working days from 27 September is
    # 23 October; extended by 5 to 30 October; resumed after 8, 9 and 10
    # October were paused: 4 November.
    deadlines = [
        t.data.deadline if isinstance(t.data, Assign) else t.data.new_deadline  # type: ignore[union-attr]
        for t in problem.transitions
        if t.event in (Event.ASSIGN, Event.EXTEND_DEADLINE, Event.RESUME)
    ]
    assert deadlines == [d(10, 23), d(10, 30), d(11, 4)]
    assert problem.deadline == d(11, 4)
    assert [t.sequence for t in problem.transitions] == list(range(1, 22))


def test_replaying_the_history_gives_the_same_problem() -> None:
    problem = long_history()
    assert Problem.from_history(problem.transitions) == problem
    assert Problem(transitions=list(problem.transitions)) == problem
    assert Problem.from_history(iter(problem.transitions)) == problem


def test_replaying_every_prefix_gives_the_problem_as_it_stood_then() -> None:
    problem = long_history()
    for count, transition in enumerate(problem.transitions, start=1):
        prefix = Problem.from_history(problem.transitions[:count])
        assert prefix.version == count
        assert prefix.state is transition.to_state
        assert prefix == problem.as_of(transition.at)


def test_a_problem_needs_at_least_one_transition() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem(transitions=[])
    assert caught.value.field == "transitions"
    with pytest.raises(ValidationError) as caught:
        Problem(transitions=["register"])
    assert caught.value.field == "transitions"


def history_error(transitions: list[Transition]) -> HistoryError:
    with pytest.raises(HistoryError) as caught:
        Problem.from_history(transitions)
    assert caught.value.problem_id == PID
    return caught.value


def test_a_history_with_a_gap_is_refused() -> None:
    history = list(long_history().transitions)
    del history[4]
    error = history_error(history)
    assert error.sequence == 6
    assert "expected sequence number 5" in error.reason
    assert "transition #6" in str(error)


def test_a_history_with_a_repeated_transition_is_refused() -> None:
    history = list(long_history().transitions)
    history.insert(3, history[2])
    error = history_error(history)
    assert error.sequence == 3
    assert "expected sequence number 4" in error.reason


def test_a_history_in_the_wrong_order_is_refused() -> None:
    history = list(long_history().transitions)
    history[3], history[4] = history[4], history[3]
    error = history_error(history)
    assert error.sequence == 5
    assert "expected sequence number 4" in error.reason


def test_a_history_mixing_two_problems_is_refused() -> None:
    history = list(long_history().transitions)
    history[5] = attrs.evolve(history[5], problem_id=ProblemId("p-2"))
    error = history_error(history)
    assert error.sequence == 6
    assert "p-2" in error.reason


def test_a_history_not_starting_with_registration_is_refused() -> None:
    history = list(long_history().transitions)
    first = attrs.evolve(history[1], sequence=1, from_state=None)
    error = history_error([first])
    assert error.sequence == 1
    assert error.reason == "escalate is not allowed from nothing"


def test_a_history_going_back_in_time_is_refused() -> None:
    history = list(long_history().transitions)
    history[3] = attrs.evolve(history[3], at=at(d(9, 27), 13))  # before the assignment at 14:00
    error = history_error(history)
    assert error.sequence == 4
    assert "earlier" in error.reason


def test_a_history_with_a_wrong_from_state_is_refused() -> None:
    history = list(long_history().transitions)
    history[4] = attrs.evolve(history[4], from_state=S.REGISTERED)  # start, really from assigned
    error = history_error(history)
    assert error.sequence == 5
    assert "from-state" in error.reason


def test_a_history_with_a_wrong_to_state_is_refused() -> None:
    history = list(long_history().transitions)
    history[4] = attrs.evolve(history[4], to_state=S.RESOLVED)
    error = history_error(history)
    assert error.sequence == 5
    assert "to-state" in error.reason


def test_a_history_with_an_event_illegal_from_its_from_state_is_refused() -> None:
    start = Transition(
        problem_id=PID,
        sequence=2,
        event=Event.START,
        from_state=S.REGISTERED,
        to_state=S.IN_PROGRESS,
        at=at(d(9, 28)),
        actor=CLERK,
        data=Start(),
    )
    error = history_error([*registered().transitions, start])
    assert error.sequence == 2
    assert error.reason.startswith("start is not allowed from")


def test_a_history_closing_without_a_follow_up_is_refused() -> None:
    problem = step(registered(), Resolve(summary="现场办公解决"), d(9, 27), 11)
    close = Transition(
        problem_id=PID,
        sequence=3,
        event=Event.CLOSE,
        from_state=S.RESOLVED,
        to_state=S.CLOSED,
        at=at(d(9, 28)),
        actor=CLERK,
        data=Close(),
    )
    error = history_error([*problem.transitions, close])
    assert error.sequence == 3
    assert "follow-up" in error.reason


def test_a_transition_must_carry_the_data_of_its_event() -> None:
    with pytest.raises(ValidationError) as caught:
        Transition(
            problem_id=PID,
            sequence=2,
            event=Event.START,
            from_state=S.ASSIGNED,
            to_state=S.IN_PROGRESS,
            at=at(d(9, 28)),
            actor=CLERK,
            data=Close(),
        )
    assert caught.value.field == "data"


# ================================================================ as_of


def test_as_of_before_registration_is_none() -> None:
    assert long_history().as_of(at(d(9, 27), 8)) is None


def test_as_of_between_transitions_is_the_problem_as_it_stood() -> None:
    problem = long_history()
    then = problem.as_of(at(d(10, 1)))
    assert then is not None
    assert then.state is S.SUSPENDED
    assert then.version == 7
    assert then.level is L.CITY_DEPARTMENT
    assert then.deadline == d(10, 23)
    assert then == Problem.from_history(problem.transitions[:7])


def test_as_of_includes_a_transition_at_exactly_that_moment() -> None:
    then = long_history().as_of(at(d(9, 29), 10))
    assert then is not None
    assert then.state is S.IN_PROGRESS
    assert then.version == 5


def test_as_of_after_the_last_transition_is_the_problem_itself() -> None:
    problem = long_history()
    assert problem.as_of(at(d(12, 31))) is problem
    assert problem.as_of(at(d(12, 3), 9)) is problem


def test_as_of_a_utc_moment_uses_the_instant() -> None:
    # 02:00 UTC on 29 September is 10:00 in China: the start has happened.
    then = long_history().as_of(dt.datetime(2019, 9, 29, 2, 0, tzinfo=dt.UTC))
    assert then is not None
    assert then.state is S.IN_PROGRESS


# ================================================================ serialization


def test_a_full_history_survives_json() -> None:
    problem = long_history()
    text = json.dumps(unstructure(problem), ensure_ascii=False)
    assert structure(json.loads(text), Problem) == problem
    transitions = structure(json.loads(text)["transitions"], tuple[Transition, ...])
    assert Problem.from_history(transitions) == problem


def test_the_stored_form_uses_codes_and_iso_dates() -> None:
    data = unstructure(long_history())
    assert list(data) == ["transitions"]
    assign = data["transitions"][2]
    assert assign["event"] == "assign"
    assert (assign["from_state"], assign["to_state"]) == ("registered", "assigned")
    assert assign["at"] == "2019-09-27T14:00:00+08:00"
    assert assign["data"]["deadline"] == "2019-10-23"
    assert assign["data"]["working_days"] == 15
    assert assign["data"]["lead_department_id"] == "zrzyj"
    assert data["transitions"][0]["from_state"] is None
    assert data["transitions"][1]["data"]["to_level"] == "county"


def test_a_broken_stored_history_comes_back_as_a_history_error() -> None:
    data = json.loads(json.dumps(unstructure(long_history())))
    del data["transitions"][9]
    with pytest.raises(HistoryError) as caught:
        structure(data, Problem)
    assert caught.value.sequence == 11
    assert caught.value.problem_id == PID


def test_a_stored_history_with_a_swapped_state_comes_back_as_a_history_error() -> None:
    data = json.loads(json.dumps(unstructure(long_history())))
    data["transitions"][15]["to_state"] = "in_progress"  # close, recorded as leading elsewhere
    with pytest.raises(HistoryError) as caught:
        structure(data, Problem)
    assert caught.value.sequence == 16
    assert "to-state" in caught.value.reason


def test_stored_event_data_of_the_wrong_shape_is_a_validation_error() -> None:
    data = json.loads(json.dumps(unstructure(long_history())))
    data["transitions"][6]["data"]["reason"] = "   "
    with pytest.raises(ValidationError) as caught:
        structure(data, Problem)
    assert caught.value.field == "transitions[6].data.reason"


def test_a_sub_categorys_own_rule_beats_its_parents_level_rule() -> None:
    # guarantee_chain has its own 3 days; its parent financing has 2 at county level.
    assert POLICY.working_days("guarantee_chain", L.COUNTY, CUSTOM.taxonomy) == 3
    assert POLICY.working_days("loan_renewal", L.COUNTY, CUSTOM.taxonomy) == 2
    assert POLICY.working_days("loan_renewal", L.LOCAL, CUSTOM.taxonomy) == 6
    assert POLICY.working_days("land", L.CITY_DEPARTMENT, CUSTOM.taxonomy) == 20


# ---- recounting a deadline on a changed calendar ----

SYSTEM = Actor(kind=ActorKind.SYSTEM, id="calendar", name="日历")
# A city's own day off on 11 October moves every deadline counted across it by one working day.
CITY_DAY = CAL.with_local_days(holidays=[d(10, 11)])


OCT_20 = d(10, 20)


def recount(problem: Problem, on: dt.date = OCT_20) -> Problem:
    return problem.recount_deadline(CITY_DAY, at=at(on, 8), actor=SYSTEM, reason="本地放假")


def test_a_recount_records_the_old_and_the_new_deadline() -> None:
    before = in_progress()
    assert before.deadline == d(10, 16)
    after = recount(before)
    assert after.version == before.version + 1
    assert after.state is before.state
    assert after.deadline == d(10, 17)
    step_ = last(after)
    assert (step_.event, step_.from_state, step_.to_state) == (
        Event.RECOUNT_DEADLINE,
        S.IN_PROGRESS,
        S.IN_PROGRESS,
    )
    assert step_.data == RecountDeadline(
        previous_deadline=d(10, 16), new_deadline=d(10, 17), reason="本地放假"
    )
    assert Problem.from_history(after.transitions) == after
    assert recount(after) is after  # counted again on the same calendar: nothing moves


def test_the_calendar_the_history_was_counted_on_recounts_nothing() -> None:
    problem = step(suspended(), Resume(), d(10, 14))
    assert problem.recounted_deadline(CAL) == problem.deadline
    assert problem.recount_deadline(CAL, at=at(d(10, 20)), actor=SYSTEM, reason="x") is problem


def test_a_recount_counts_extensions_and_pauses_again() -> None:
    extended = step(in_progress(), ExtendDeadline(approval="批准", working_days=2), d(10, 9))
    assert extended.deadline == d(10, 18)
    assert extended.recounted_deadline(CITY_DAY) == d(10, 21)  # 17, then 18 and 21
    paused = step(step(in_progress(), Suspend(reason="等待"), d(10, 17)), Resume(), d(10, 25))
    # Paused 17–25 October: six working days (18, 21–25) push 16 October to 24 October.
    assert paused.deadline == d(10, 24)
    # With 25 October off, the pause is five working days: 16 October becomes 23 October.
    resume_day_off = CAL.with_local_days(holidays=[d(10, 25)])
    assert paused.recounted_deadline(resume_day_off) == d(10, 23)


def test_dates_typed_in_as_dates_are_kept() -> None:
    given_date = step(registered(), Assign(lead_department_id=LAND, deadline=d(10, 16)), SEP_27)
    assert given_date.recounted_deadline(CITY_DAY) == d(10, 16)
    assert recount(given_date) is given_date
    moved = step(in_progress(), ExtendDeadline(approval="批准", new_deadline=d(10, 25)), d(10, 9))
    assert moved.recounted_deadline(CITY_DAY) == d(10, 25)


def test_a_settled_problem_is_recounted_and_a_dropped_one_is_not() -> None:
    settled = recount(resolved())
    assert settled.state is S.RESOLVED
    assert settled.deadline == d(10, 17)
    assert settled.settled_on_time
    dropped = step(assigned(), Reject(reason="不予受理"), d(10, 8))
    assert recount(dropped) is dropped
    fresh = registered()
    assert recount(fresh) is fresh


def test_a_recount_cannot_be_applied_by_hand() -> None:
    problem = in_progress()
    data = RecountDeadline(previous_deadline=d(10, 16), new_deadline=d(10, 18), reason="手工")
    error = assert_illegal(problem, data)
    assert "recorded by the store" in str(error)
    assert Event.RECOUNT_DEADLINE not in allowed_events(problem)


def test_a_recount_before_the_last_step_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        recount(in_progress(), on=d(9, 1))
    assert caught.value.field == "at"


def test_a_stored_recount_must_start_from_the_deadline_in_force() -> None:
    problem = in_progress()
    forged = Transition(
        problem_id=PID,
        sequence=problem.version + 1,
        event=Event.RECOUNT_DEADLINE,
        from_state=S.IN_PROGRESS,
        to_state=S.IN_PROGRESS,
        at=at(d(10, 20)),
        actor=SYSTEM,
        data=RecountDeadline(previous_deadline=d(10, 15), new_deadline=d(10, 18), reason="重算"),
    )
    with pytest.raises(HistoryError) as caught:
        Problem.from_history([*problem.transitions, forged])
    assert "deadline then in force" in str(caught.value)
