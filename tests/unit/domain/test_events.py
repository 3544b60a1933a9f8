from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import (
    EVENT_DATA,
    Assign,
    Close,
    ConsultationKind,
    Escalate,
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
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import ValidationError

LEAD = DepartmentId("zrzyj")
CO = DepartmentId("fgw")
REGION = RegionId("371481")
ENTERPRISE = EnterpriseId("e-1")
OCT_15 = dt.date(2019, 10, 15)


def field_of(make: Any, **kwargs: Any) -> str:
    """Build with ``kwargs`` and return the field the ValidationError names."""
    with pytest.raises(ValidationError) as caught:
        make(**kwargs)
    return caught.value.field


def register(**changes: Any) -> Register:
    fields: dict[str, Any] = {
        "title": "新厂区用地指标不足",
        "category": "land_use",
        "region_id": REGION,
        "enterprise_id": ENTERPRISE,
    }
    fields.update(changes)
    return Register(**fields)


# ---------------------------------------------------------------- the event classes


def test_every_event_has_exactly_one_data_class_that_names_it() -> None:
    assert set(EVENT_DATA) == set(Event)
    for event, cls in EVENT_DATA.items():
        assert cls.event is event


def test_event_data_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Suspend(reason="等待批复").reason = "改了"  # type: ignore[misc]


def test_the_event_of_the_data_carries_its_chinese_label() -> None:
    assert Suspend(reason="等待规划调整批复").event.label == "暂缓"
    assert FollowUp(
        outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED
    ).event.label == ("回访")


def test_enums_carry_chinese_labels() -> None:
    assert Scope.COMMON.label == "共性问题"
    assert Scope.INDIVIDUAL.label == "个性问题"
    assert [level.label for level in HandlingLevel] == [
        "属地解决",
        "县级协调",
        "市直部门",
        "市委市政府",
        "省级",
    ]
    assert ConsultationKind.ZONE.label == "园区会商"
    assert ConsultationKind.CITY.label == "市级会商"
    assert ConsultationKind.REPORT.label == "报告市委市政府"
    assert [o.label for o in FollowUpOutcome] == ["已解决", "部分解决", "未解决"]
    assert [s.label for s in Satisfaction] == ["满意", "基本满意", "不满意"]
    assert FollowUpMethod.VISIT.label == "实地回访"


def test_handling_levels_rank_from_local_up_to_province() -> None:
    assert [level.rank for level in HandlingLevel] == [0, 1, 2, 3, 4]
    assert HandlingLevel.LOCAL.next_up() is HandlingLevel.COUNTY
    assert HandlingLevel.COUNTY.next_up() is HandlingLevel.CITY_DEPARTMENT
    assert HandlingLevel.CITY_DEPARTMENT.next_up() is HandlingLevel.CITY_LEADERSHIP
    assert HandlingLevel.CITY_LEADERSHIP.next_up() is HandlingLevel.PROVINCE
    assert HandlingLevel.PROVINCE.next_up() is None


# ---------------------------------------------------------------- Register


def test_register_defaults_to_an_individual_problem_handled_locally() -> None:
    data = register()
    assert data.scope is Scope.INDIVIDUAL
    assert data.level is HandlingLevel.LOCAL
    assert data.description == ""
    assert data.project_id is None


def test_register_accepts_a_project_without_an_enterprise() -> None:
    data = register(enterprise_id=None, project_id=ProjectId("proj-1"))
    assert data.project_id == ProjectId("proj-1")


def test_register_keeps_the_visit_campaign_and_work_group() -> None:
    data = register(
        visit_id=VisitId("v-1"),
        campaign_id=CampaignId("c-1"),
        work_group_id=WorkGroupId("g-1"),
        scope=Scope.COMMON,
        level=HandlingLevel.COUNTY,
    )
    assert (data.visit_id, data.campaign_id, data.work_group_id) == ("v-1", "c-1", "g-1")
    assert data.scope is Scope.COMMON


def test_register_needs_an_enterprise_or_a_project() -> None:
    assert field_of(register, enterprise_id=None) == "enterprise_id"


@pytest.mark.parametrize("title", ["", "  ", "第一行\n第二行"])
def test_register_needs_a_single_line_title(title: str) -> None:
    assert field_of(register, title=title) == "title"


def test_register_needs_a_category() -> None:
    assert field_of(register, category=" ") == "category"
    assert field_of(register, category="c" * 65) == "category"


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("region_id", "371481"),
        ("enterprise_id", "e-1"),
        ("project_id", "proj-1"),
        ("visit_id", "v-1"),
        ("campaign_id", "c-1"),
        ("work_group_id", "g-1"),
    ],
)
def test_register_ids_must_be_typed_ids(name: str, plain: str) -> None:
    assert field_of(register, **{name: plain}) == name


def test_register_refuses_an_id_of_the_wrong_kind() -> None:
    assert field_of(register, enterprise_id=ProjectId("e-1")) == "enterprise_id"


def test_register_scope_and_level_must_be_members_not_labels() -> None:
    assert field_of(register, scope="共性问题") == "scope"
    assert field_of(register, level="county") == "level"


def test_register_description_is_free_text_without_nul() -> None:
    assert register(description="第一行\n第二行").description == "第一行\n第二行"
    assert field_of(register, description="nul\x00") == "description"


# ---------------------------------------------------------------- Assign and Reassign


def test_assign_keeps_lead_and_co_departments_as_a_tuple() -> None:
    data = Assign(lead_department_id=LEAD, co_department_ids=[CO, DepartmentId("czj")])
    assert data.co_department_ids == (CO, DepartmentId("czj"))
    assert data.deadline is None
    assert data.working_days is None


def test_assign_lead_department_must_not_also_be_a_co_department() -> None:
    with pytest.raises(ValidationError) as caught:
        Assign(lead_department_id=LEAD, co_department_ids=[CO, LEAD])
    assert caught.value.field == "co_department_ids"
    assert caught.value.received == LEAD


def test_assign_co_departments_must_not_repeat() -> None:
    assert field_of(Assign, lead_department_id=LEAD, co_department_ids=[CO, CO]) == (
        "co_department_ids"
    )


def test_assign_departments_must_be_typed_ids() -> None:
    assert field_of(Assign, lead_department_id="zrzyj") == "lead_department_id"
    assert field_of(Assign, lead_department_id=LEAD, co_department_ids=[CO, "czj"]) == (
        "co_department_ids[1]"
    )
    assert field_of(Assign, lead_department_id=LEAD, co_department_ids={CO}) == (
        "co_department_ids"
    )


def test_assign_deadline_is_a_date_not_a_datetime() -> None:
    assert Assign(lead_department_id=LEAD, deadline=OCT_15).deadline == OCT_15
    assert field_of(Assign, lead_department_id=LEAD, deadline=at(OCT_15)) == "deadline"
    assert field_of(Assign, lead_department_id=LEAD, deadline="2019-10-15") == "deadline"


@pytest.mark.parametrize("days", [0, -1, 3651, True, 2.0])
def test_assign_working_days_is_a_whole_number_from_1_to_3650(days: object) -> None:
    assert field_of(Assign, lead_department_id=LEAD, working_days=days) == "working_days"


def test_assign_accepts_a_number_of_working_days() -> None:
    assert Assign(lead_department_id=LEAD, working_days=3650).working_days == 3650


def test_reassign_has_the_same_department_rules_as_assign() -> None:
    data = Reassign(lead_department_id=CO, co_department_ids=[LEAD])
    assert data.co_department_ids == (LEAD,)
    assert field_of(Reassign, lead_department_id=CO, co_department_ids=[CO]) == (
        "co_department_ids"
    )
    assert field_of(Reassign, lead_department_id="fgw") == "lead_department_id"
    assert field_of(Reassign, lead_department_id=CO, co_department_ids=[LEAD, LEAD]) == (
        "co_department_ids"
    )


def test_reassign_carries_no_deadline() -> None:
    assert not hasattr(Reassign(lead_department_id=CO), "deadline")


# ---------------------------------------------------------------- Start, Escalate


def test_start_and_close_carry_no_data() -> None:
    assert attrs.fields(Start) == ()
    assert attrs.fields(Close) == ()
    assert Start() == Start()


def test_escalate_defaults_to_the_next_level_and_another_kind_of_consultation() -> None:
    data = Escalate()
    assert data.to_level is None
    assert data.consultation is ConsultationKind.OTHER
    assert data.department_ids == ()
    assert data.leader_ids == ()


def test_escalate_records_two_consultations_and_a_report() -> None:
    data = Escalate(
        to_level=HandlingLevel.CITY_LEADERSHIP,
        consultation=ConsultationKind.REPORT,
        summary="园区会商、市级会商后报告市委市政府",
        department_ids=[LEAD, CO],
        leader_ids=[LeaderId("l-1")],
    )
    assert data.department_ids == (LEAD, CO)
    assert data.leader_ids == (LeaderId("l-1"),)


def test_escalate_validates_each_field() -> None:
    assert field_of(Escalate, to_level="county") == "to_level"
    assert field_of(Escalate, consultation="zone") == "consultation"
    assert field_of(Escalate, department_ids=[LEAD, LEAD]) == "department_ids"
    assert field_of(Escalate, leader_ids=["l-1"]) == "leader_ids[0]"
    assert field_of(Escalate, leader_ids=[LeaderId("l-1"), LeaderId("l-1")]) == "leader_ids"
    assert field_of(Escalate, summary="nul\x00") == "summary"


# ---------------------------------------------------------------- ExtendDeadline


def test_extend_deadline_takes_a_new_date() -> None:
    data = ExtendDeadline(approval="分管领导批准", new_deadline=OCT_15)
    assert data.new_deadline == OCT_15
    assert data.working_days is None


def test_extend_deadline_takes_a_number_of_working_days() -> None:
    data = ExtendDeadline(approval="分管领导批准", working_days=5)
    assert data.working_days == 5
    assert data.new_deadline is None


def test_extend_deadline_needs_one_of_date_or_working_days() -> None:
    with pytest.raises(ValidationError) as caught:
        ExtendDeadline(approval="分管领导批准")
    assert caught.value.field == "new_deadline"
    assert caught.value.received == (None, None)


def test_extend_deadline_needs_a_date_or_working_days() -> None:
    with pytest.raises(ValidationError) as caught:
        ExtendDeadline(approval="分管领导批准")
    assert caught.value.field == "new_deadline"
    assert caught.value.received == (None, None)
    # Both is what the recorded event holds: the date counted and the days it was counted from.
    both = ExtendDeadline(approval="分管领导批准", new_deadline=OCT_15, working_days=5)
    assert (both.new_deadline, both.working_days) == (OCT_15, 5)


def test_a_recount_moves_the_deadline_and_says_why() -> None:
    recount = RecountDeadline(
        previous_deadline=OCT_15, new_deadline=OCT_15 + dt.timedelta(3), reason="按通知重算"
    )
    assert recount.event.label == "时限重算"
    with pytest.raises(ValidationError) as caught:
        RecountDeadline(previous_deadline=OCT_15, new_deadline=OCT_15, reason="按通知重算")
    assert caught.value.field == "new_deadline"
    with pytest.raises(ValidationError) as caught:
        RecountDeadline(previous_deadline=OCT_15, new_deadline=OCT_15 + dt.timedelta(1), reason=" ")
    assert caught.value.field == "reason"


@pytest.mark.parametrize("approval", ["", "   ", "\n\t"])
def test_extend_deadline_needs_an_approval(approval: str) -> None:
    assert field_of(ExtendDeadline, approval=approval, working_days=5) == "approval"


def test_extend_deadline_validates_the_date_and_the_days() -> None:
    assert field_of(ExtendDeadline, approval="批准", new_deadline=at(OCT_15)) == "new_deadline"
    assert field_of(ExtendDeadline, approval="批准", working_days=0) == "working_days"


# ---------------------------------------------------------------- reasons and texts


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (Suspend, "reason"),
        (Reopen, "reason"),
        (Reject, "reason"),
        (Resolve, "summary"),
        (Explain, "explanation"),
    ],
)
@pytest.mark.parametrize("blank", ["", " ", "\u3000", "\n"])
def test_required_texts_must_not_be_blank(cls: Any, name: str, blank: str) -> None:
    assert field_of(cls, **{name: blank}) == name


@pytest.mark.parametrize(
    ("cls", "name"),
    [(Suspend, "reason"), (Reopen, "reason"), (Reject, "reason"), (Resolve, "summary")],
)
def test_required_texts_must_be_text(cls: Any, name: str) -> None:
    assert field_of(cls, **{name: None}) == name


def test_required_texts_keep_several_lines() -> None:
    assert Suspend(reason="等待规划调整批复\n预计下月").reason == "等待规划调整批复\n预计下月"


def test_withdraw_reason_is_optional() -> None:
    assert Withdraw().reason == ""
    assert Withdraw(reason="企业自行解决").reason == "企业自行解决"
    assert field_of(Withdraw, reason="nul\x00") == "reason"


# ---------------------------------------------------------------- Resume


def test_resume_new_deadline_is_filled_in_later() -> None:
    assert Resume().new_deadline is None
    assert Resume(new_deadline=OCT_15).new_deadline == OCT_15
    assert field_of(Resume, new_deadline=at(OCT_15)) == "new_deadline"


# ---------------------------------------------------------------- Resolve, Explain


def test_resolve_links_finance_records() -> None:
    data = Resolve(summary="协调银行无还本续贷3000万元", finance_record_ids=["loan-1", "debt-2"])
    assert data.finance_record_ids == ("loan-1", "debt-2")
    assert Resolve(summary="现场办公解决").finance_record_ids == ()


def test_resolve_finance_record_ids_must_be_unique_single_line_text() -> None:
    assert field_of(Resolve, summary="解决", finance_record_ids=["a", "a"]) == (
        "finance_record_ids"
    )
    assert field_of(Resolve, summary="解决", finance_record_ids=["a", " "]) == (
        "finance_record_ids[1]"
    )
    assert field_of(Resolve, summary="解决", finance_record_ids=["a\nb"]) == (
        "finance_record_ids[0]"
    )
    assert field_of(Resolve, summary="解决", finance_record_ids="loan-1") == "finance_record_ids"


def test_explain_is_accepted_unless_said_otherwise() -> None:
    assert Explain(explanation="暂不具备条件，已解释清楚").accepted is True
    assert Explain(explanation="暂不具备条件", accepted=False).accepted is False


def test_explain_accepted_must_be_a_bool() -> None:
    assert field_of(Explain, explanation="暂不具备条件", accepted="yes") == "accepted"
    assert field_of(Explain, explanation="暂不具备条件", accepted=1) == "accepted"


# ---------------------------------------------------------------- FollowUp


def test_follow_up_defaults_to_a_phone_call() -> None:
    data = FollowUp(
        outcome=FollowUpOutcome.PARTLY_SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED
    )
    assert data.method is FollowUpMethod.PHONE
    assert data.comment == ""


def test_follow_up_fields_must_be_members() -> None:
    ok: dict[str, Any] = {
        "outcome": FollowUpOutcome.SOLVED,
        "satisfaction": Satisfaction.SATISFIED,
    }
    assert field_of(FollowUp, **{**ok, "outcome": "solved"}) == "outcome"
    assert field_of(FollowUp, **{**ok, "satisfaction": "满意"}) == "satisfaction"
    assert field_of(FollowUp, **{**ok, "satisfaction": FollowUpOutcome.SOLVED}) == "satisfaction"
    assert field_of(FollowUp, **{**ok, "method": "phone"}) == "method"
    assert field_of(FollowUp, **{**ok, "comment": "nul\x00"}) == "comment"


def test_follow_up_error_lists_the_accepted_members() -> None:
    with pytest.raises(ValidationError) as caught:
        FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction="ok")  # type: ignore[arg-type]
    assert "DISSATISFIED" in caught.value.expected


# ---------------------------------------------------------------- MergeInto


def test_merge_into_names_the_problem_that_carries_on() -> None:
    assert MergeInto(duplicate_of=ProblemId("p-2")).duplicate_of == ProblemId("p-2")


def test_merge_into_needs_a_problem_id() -> None:
    assert field_of(MergeInto, duplicate_of="p-2") == "duplicate_of"
    assert field_of(MergeInto, duplicate_of=EnterpriseId("p-2")) == "duplicate_of"


def test_error_messages_name_the_field_what_was_expected_and_received() -> None:
    with pytest.raises(ValidationError) as caught:
        Suspend(reason="  ")
    assert str(caught.value).startswith("reason: expected non-blank text")
    assert "received '  ' (str)" in str(caught.value)
