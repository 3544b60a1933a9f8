"""The office's dispatcher (调度): the daily tasks by name, exactly as the layers below do them."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from jinjiecu.dispatcher import Dispatcher, UnknownNameError
from jinjiecu.domain.campaign import Campaign, CampaignTargets
from jinjiecu.domain.clock import at, end_of_day
from jinjiecu.domain.codes import CreditCode, CreditCodeError, credit_code_check_character
from jinjiecu.domain.divisions import DEZHOU_DIVISIONS
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import (
    Assign,
    ConsultationKind,
    Escalate,
    FollowUp,
    FollowUpOutcome,
    HandlingLevel,
    Register,
    Resolve,
    Satisfaction,
    Start,
)
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    WorkGroupId,
)
from jinjiecu.domain.org import (
    Department,
    Leader,
    LeadershipBody,
    OrgLevel,
    WorkGroup,
    regions_from_divisions,
)
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import (
    ConflictError,
    IllegalTransitionError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.reports.briefing import briefing, briefing_figures
from jinjiecu.reports.vocabulary import UnknownWordError
from jinjiecu.sample import dezhou_2019
from jinjiecu.storage import open_store
from jinjiecu.storage.base import Query

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store

REGIONS = {region.name: region for region in regions_from_divisions(DEZHOU_DIVISIONS)}
CITY, WUCHENG, LELING = (REGIONS[name].id for name in ("德州市", "武城县", "乐陵市"))
CAMPAIGN = CampaignId("dz-2019")
CODE = CreditCode("91371428MA3C00001" + credit_code_check_character("91371428MA3C00001"))
TEXTILES = Enterprise(
    id=EnterpriseId("e-001"), name="武城某纺织集团有限公司", region_id=WUCHENG, credit_code=CODE
)
MACHINERY = Enterprise(id=EnterpriseId("e-002"), name="乐陵恒丰机械有限公司", region_id=LELING)
INDUSTRY = Department(
    id=DepartmentId("d-gxj"), name="德州市工业和信息化局", level=OrgLevel.CITY, region_id=CITY
)
LAND = Department(
    id=DepartmentId("d-zrzy"), name="德州市自然资源和规划局", level=OrgLevel.CITY, region_id=CITY
)
FINANCE = Department(
    id=DepartmentId("d-jrj"), name="德州市地方金融监督管理局", level=OrgLevel.CITY, region_id=CITY
)
LEADER = Leader(
    id=LeaderId("l-01"), name="张明", post="市委常委", body=LeadershipBody.PARTY_COMMITTEE
)
GROUPS = (
    WorkGroup(
        id=WorkGroupId("g-01"),
        name="第一工作组",
        campaign_id=CAMPAIGN,
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=[LEADER.id],
        department_ids=[INDUSTRY.id],
    ).assign(enterprises=[TEXTILES.id]),
    WorkGroup(
        id=WorkGroupId("g-02"),
        name="第二工作组",
        campaign_id=CAMPAIGN,
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=[LEADER.id],
    ).assign(enterprises=[MACHINERY.id]),
)
GROUP_OF = {TEXTILES.id: GROUPS[0].id, MACHINERY.id: GROUPS[1].id}
CLERK = Actor(kind=ActorKind.CLERK, id="王芳", name="王芳")
NOW = at(dt.date(2019, 11, 14), 10)


def organise(store: Store) -> None:
    """The regions, departments, a leader, the drive, two groups and two firms."""
    with store.transaction() as tx:
        tx.regions.add_many(REGIONS.values())
        tx.departments.add_many([INDUSTRY, LAND, FINANCE])
        tx.leaders.add(LEADER)
        tx.campaigns.add(
            Campaign.drive(
                id=CAMPAIGN,
                name="进企业、解难题、促发展集中行动",
                region_id=CITY,
                start=dt.date(2019, 10, 10),
                days=50,
                targets=CampaignTargets(backbone_enterprises=2),
            )
        )
        tx.enterprises.add_many([TEXTILES, MACHINERY])
        tx.work_groups.add_many(GROUPS)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_store(url) as opened:
        organise(opened)
        yield opened


def office_over(store: Store, **options: object) -> Dispatcher:
    settings: dict[str, object] = {"campaign": "dz-2019", "actor": "王芳", "clock": lambda: NOW}
    settings.update(options)
    return Dispatcher(store, **settings)  # type: ignore[arg-type]


@pytest.fixture
def office(store: Store) -> Dispatcher:
    return office_over(store)


# ---------------------------------------------------------------- the day's work


def test_a_problem_goes_from_registration_to_closure_by_names(
    office: Dispatcher, store: Store
) -> None:
    problem = office.register(
        "武城某纺织集团有限公司",
        title="新厂区用地指标不足",
        category="用地",
        work_group="第一工作组",
        at=at(dt.date(2019, 10, 15), 16),
    )
    assert (problem.state, problem.version, problem.category) == (
        ProblemState.REGISTERED,
        1,
        "land_use",
    )
    assert (problem.enterprise_id, problem.region_id, problem.campaign_id) == (
        TEXTILES.id,
        WUCHENG,
        CAMPAIGN,
    )
    assert problem.work_group_id == GROUPS[0].id
    problem = office.assign(
        problem, "德州市自然资源和规划局", co_departments=["d-gxj"], at=dt.date(2019, 10, 16)
    )
    assert problem.lead_department_id == LAND.id
    assert problem.co_department_ids == (INDUSTRY.id,)
    assert problem.deadline == dt.date(2019, 11, 6)  # the default 15 working days
    bureau = office.acting_as("德州市自然资源和规划局", kind="department")
    problem = bureau.start(problem, at=dt.date(2019, 10, 17))
    problem = bureau.resolve(problem, "协调新增用地指标50亩", at=dt.date(2019, 10, 25))
    problem = office.follow_up(
        problem, outcome="已解决", satisfaction="满意", at=dt.date(2019, 11, 1)
    )
    problem = office.close_problem(problem, at=dt.date(2019, 11, 4))
    assert (problem.state, problem.version) == (ProblemState.CLOSED, 6)
    assert [t.actor.kind for t in problem.transitions] == [
        ActorKind.CLERK,
        ActorKind.CLERK,
        ActorKind.DEPARTMENT,
        ActorKind.DEPARTMENT,
        ActorKind.CLERK,
        ActorKind.CLERK,
    ]
    assert problem.transitions[2].actor == Actor(
        kind=ActorKind.DEPARTMENT, id="d-zrzy", name="德州市自然资源和规划局"
    )
    assert store.problems.get(problem.id) == problem


def test_each_step_is_exactly_the_domain_and_the_store_doing_it(
    office: Dispatcher, store: Store
) -> None:
    registered = at(dt.date(2019, 10, 15), 16)
    problem = office.register(
        "e-001", title="流动资金贷款到期续贷困难", category="financing", at=registered, id="p-1"
    )
    by_hand = Problem.register(
        Register(
            title="流动资金贷款到期续贷困难",
            category="financing",
            region_id=WUCHENG,
            enterprise_id=TEXTILES.id,
            campaign_id=CAMPAIGN,
        ),
        at=registered,
        actor=CLERK,
        id=ProblemId("p-1"),
    )
    assert problem == by_hand
    rules = store.counting_rules()
    problem = office.assign(problem, "德州市地方金融监督管理局", working_days=5)
    by_hand = by_hand.apply(
        Assign(lead_department_id=FINANCE.id, working_days=5), at=NOW, actor=CLERK, rules=rules
    )
    assert problem == by_hand
    problem = office.start(problem)
    by_hand = by_hand.apply(Start(), at=NOW, actor=CLERK, rules=rules)
    problem = office.resolve(problem, "协调银行无还本续贷", finance_record_ids=["lr-001"])
    by_hand = by_hand.apply(
        Resolve(summary="协调银行无还本续贷", finance_record_ids=("lr-001",)),
        at=NOW,
        actor=CLERK,
        rules=rules,
    )
    problem = office.follow_up(
        problem, outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED
    )
    by_hand = by_hand.apply(
        FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED),
        at=NOW,
        actor=CLERK,
        rules=rules,
    )
    assert problem == by_hand
    assert store.problems.get(ProblemId("p-1")) == by_hand


def test_a_problem_found_on_a_visit_takes_the_visits_firm_group_and_campaign(
    office: Dispatcher, store: Store
) -> None:
    visit = office.record_visit(
        "乐陵恒丰机械有限公司",
        work_group="g-02",
        leaders=["张明"],
        departments=["德州市工业和信息化局"],
        kind="现场办公",
        at=at(dt.date(2019, 10, 18), 9, 30),
    )
    assert store.visits.get(visit.id) == visit
    assert (visit.campaign_id, visit.work_group_id, visit.leader_ids) == (
        CAMPAIGN,
        GROUPS[1].id,
        (LEADER.id,),
    )
    problem = office.register(
        visit=visit.id,
        title="用电增容审批周期长",
        category="用电",
        leader="l-01",
        level="县级协调",
        at=at(dt.date(2019, 10, 18), 15),
    )
    assert (problem.enterprise_id, problem.project_id, problem.visit_id) == (
        MACHINERY.id,
        None,
        visit.id,
    )
    assert (problem.work_group_id, problem.region_id, problem.leader_id) == (
        GROUPS[1].id,
        LELING,
        LEADER.id,
    )
    assert (problem.category, problem.level) == ("infrastructure", HandlingLevel.COUNTY)


def test_an_enterprise_is_found_by_its_credit_code_as_clerks_type_it(office: Dispatcher) -> None:
    spaced = " ".join([CODE[:6], CODE[6:12].lower(), CODE[12:]])
    problem = office.register(spaced, title="招工难", category="用工")
    assert problem.enterprise_id == TEXTILES.id


def test_any_event_goes_through_apply(office: Dispatcher) -> None:
    problem = office.register("e-002", title="项目规划调整", category="规划调整")
    problem = office.assign(problem, "d-zrzy")
    problem = office.apply(problem, Escalate(consultation=ConsultationKind.CITY))
    assert (problem.state, problem.level) == (
        ProblemState.ASSIGNED,
        HandlingLevel.COUNTY,
    )


# ---------------------------------------------------------------- stale copies and refusals


def test_two_dispatchers_acting_on_stale_copies_conflict_and_nothing_is_written(
    store: Store,
) -> None:
    clerk = office_over(store)
    colleague = office_over(store, actor="李强")
    problem = clerk.register("武城某纺织集团有限公司", title="用地", category="land_use")
    seen_by_colleague = store.problems.get(problem.id)
    clerk.assign(problem, "德州市自然资源和规划局")
    with pytest.raises(ConflictError) as caught:
        colleague.assign(seen_by_colleague, "德州市工业和信息化局")
    assert (caught.value.id, caught.value.expected_version, caught.value.actual_version) == (
        problem.id,
        1,
        2,
    )
    stored = store.problems.get(problem.id)
    assert (stored.version, stored.lead_department_id) == (2, LAND.id)
    with pytest.raises(ConflictError):
        clerk.start(problem)  # the clerk's own copy is stale too
    # By id, the event applies to the problem as stored now.
    assert colleague.start(problem.id).version == 3


def test_the_workflow_refuses_what_it_does_not_allow(office: Dispatcher, store: Store) -> None:
    problem = office.register("e-001", title="环评手续", category="环保")
    with pytest.raises(IllegalTransitionError) as caught:
        office.close_problem(problem)
    assert caught.value.event == "close"
    assert store.problems.get(problem.id).version == 1


def test_an_unknown_problem_id_is_not_found(office: Dispatcher) -> None:
    with pytest.raises(NotFoundError, match="no problem with id 'p-404'"):
        office.start("p-404")
    with pytest.raises(ValidationError, match="problem: expected a Problem or a problem id"):
        office.start(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------- names not found


def test_an_unknown_enterprise_names_the_value_and_offers_close_names(
    office: Dispatcher, store: Store
) -> None:
    with pytest.raises(UnknownNameError) as caught:
        office.register("武城纺织集团", title="x", category="用地")
    error = caught.value
    assert (error.kind, error.name, error.field) == ("enterprise", "武城纺织集团", "enterprise")
    assert error.suggestions[0] == "武城某纺织集团有限公司"
    assert "“武城纺织集团”" in str(error)
    assert "did you mean 武城某纺织集团有限公司" in str(error)
    assert isinstance(error, ValidationError)
    assert store.problems.count() == 0
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own error, round-tripped
    assert (copy.suggestions, str(copy)) == (error.suggestions, str(error))


def test_a_name_differing_only_in_its_legal_form_is_offered_not_taken(
    office: Dispatcher,
) -> None:
    with pytest.raises(UnknownNameError) as caught:
        office.register("武城某纺织集团有限责任公司", title="x", category="用地")
    assert caught.value.suggestions == ("武城某纺织集团有限公司",)
    assert "有限公司 and 有限责任公司 are not taken for each other" in str(caught.value)


def test_an_unknown_department_names_the_value_and_offers_close_names(
    office: Dispatcher, store: Store
) -> None:
    problem = office.register("e-001", title="用地", category="用地")
    with pytest.raises(UnknownNameError) as caught:
        office.assign(problem, "德州市自然资源局")
    assert (caught.value.kind, caught.value.name) == ("department", "德州市自然资源局")
    assert "德州市自然资源和规划局" in caught.value.suggestions
    assert store.problems.get(problem.id).version == 1
    with pytest.raises(UnknownNameError, match="工作组"):
        office.register("e-001", title="x", category="用地", work_group="第九工作组")


def test_credit_codes_unknown_or_mistyped(office: Dispatcher) -> None:
    other = "91371400MA3C00000A"
    with pytest.raises(UnknownNameError, match=f"no enterprise has the credit code {other}"):
        office.register(other, title="x", category="用地")
    mistyped = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    with pytest.raises(CreditCodeError) as caught:
        office.register(mistyped, title="x", category="用地")
    assert caught.value.rule == "check"


def test_a_name_several_records_have_asks_for_the_id(office: Dispatcher, store: Store) -> None:
    twin = Enterprise(id=EnterpriseId("e-003"), name=MACHINERY.name, region_id=LELING)
    store.enterprises.add(twin)
    with pytest.raises(ValidationError, match="give the id instead"):
        office.register(MACHINERY.name, title="x", category="用地")
    assert office.register("e-003", title="x", category="用地").enterprise_id == twin.id


def test_an_unknown_category_word_offers_the_vocabularys_words(office: Dispatcher) -> None:
    with pytest.raises(UnknownWordError) as caught:
        office.register("e-001", title="x", category="用低")
    assert "用地" in caught.value.suggestions


def test_bad_arguments_are_named(office: Dispatcher) -> None:
    with pytest.raises(ValidationError, match="at: expected a timezone-aware datetime"):
        office.register("e-001", title="x", category="用地", at=dt.datetime(2019, 10, 15))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="enterprise: expected the enterprise or the project"):
        office.register(title="x", category="用地")
    with pytest.raises(ValidationError, match="co_departments: expected a list"):
        office.assign("p-1", "d-gxj", co_departments="d-zrzy")
    with pytest.raises(ValidationError, match="by: expected one of"):
        office.figures(by="县区")
    with pytest.raises(ValidationError, match="satisfaction: expected one of"):
        office.follow_up("p-1", outcome="已解决", satisfaction="很满意")


# ---------------------------------------------------------------- who acts, which campaign


def test_the_actor_is_an_actor_a_clerks_name_or_a_record_found_by_name(store: Store) -> None:
    assert office_over(store).actor == CLERK
    leader = Actor(kind=ActorKind.LEADER, id="l-01", name="张明")
    assert office_over(store, actor=leader).actor == leader
    assert office_over(store, actor="张明", actor_kind="领导").actor == leader
    group = office_over(store, actor="g-01", actor_kind=ActorKind.WORK_GROUP).actor
    assert (group.id, group.name) == ("g-01", "第一工作组")
    with pytest.raises(UnknownNameError, match="部门"):
        office_over(store, actor="德州市财政局", actor_kind="department")
    with pytest.raises(ValidationError, match="actor: expected an Actor"):
        office_over(store, actor=" ")


def test_the_campaign_is_found_by_id_or_name_or_is_none(store: Store) -> None:
    by_name = office_over(store, campaign="进企业、解难题、促发展集中行动")
    assert by_name.campaign is not None
    assert by_name.campaign.id == CAMPAIGN
    with pytest.raises(UnknownNameError, match="集中行动"):
        office_over(store, campaign="dz-2020")
    unscoped = office_over(store, campaign=None)
    problem = unscoped.register("e-001", title="x", category="用地")
    assert problem.campaign_id is None
    with pytest.raises(ValidationError, match="campaign: expected a dispatcher for a campaign"):
        unscoped.record_visit("e-001", work_group="g-01")


def test_open_uses_open_stores_default_and_closes_what_it_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JINJIECU_STORE", raising=False)
    with Dispatcher.open(actor="王芳") as office:
        assert office.store.url == "sqlite:///jinjiecu.db"
        organise(office.store)
    assert (tmp_path / "jinjiecu.db").exists()
    with pytest.raises(StorageError, match="closed"):
        office.store.problems.count()
    with Dispatcher.open("sqlite:///jinjiecu.db", campaign="dz-2019", actor="王芳") as office:
        problem = office.register("e-002", title="融资难", category="融资", at=NOW)
    with open_store("sqlite:///jinjiecu.db") as store:
        assert store.problems.get(problem.id) == problem
    with pytest.raises(UnknownNameError):
        Dispatcher.open("memory://", campaign="dz-2019", actor="王芳")


def test_a_dispatcher_over_a_store_it_did_not_open_leaves_it_open(store: Store) -> None:
    with office_over(store) as office:
        office.register("e-001", title="x", category="用地")
    assert store.problems.count() == 1


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize("by", [None, *Dimension])
def test_figures_are_problem_summarys_for_the_campaign(
    office: Dispatcher, store: Store, by: Dimension | None
) -> None:
    first = office.register("e-001", title="用地", category="用地", at=dt.date(2019, 10, 15))
    office.assign(first, "d-zrzy", at=dt.date(2019, 10, 16))
    office_over(store, campaign=None).register("e-002", title="无关", category="其他")
    day = dt.date(2019, 11, 13)
    expected = problem_summary(
        store, as_of=end_of_day(day), by=by, query=Query(campaign_id=CAMPAIGN)
    )
    assert office.figures(by=by, as_of=day) == expected
    assert office.figures(by=by, as_of=end_of_day(day)) == expected
    assert office.figures(by=by) == problem_summary(
        store, as_of=NOW, by=by, query=Query(campaign_id=CAMPAIGN)
    )


def test_the_briefing_is_the_reports_briefing(office: Dispatcher, store: Store) -> None:
    office.register("e-001", title="用地", category="用地", at=dt.date(2019, 10, 15))
    day = dt.date(2019, 11, 13)
    for language in ("zh", "en"):
        assert office.briefing(as_of=day, language=language) == briefing(
            store, as_of=end_of_day(day), campaign_id=CAMPAIGN, language=language
        )
    assert "共梳理问题1个" in office.briefing(as_of=day)


@pytest.fixture(scope="module")
def drive_office() -> Iterator[Dispatcher]:
    drive = dezhou_2019()
    with open_store("memory://") as store:
        drive.load_into(store)
        yield Dispatcher(store, campaign=drive.campaign_id, actor="王芳")


def test_overdue_and_due_soon_are_the_figures_problems_in_the_briefings_order(
    drive_office: Dispatcher,
) -> None:
    day = dt.date(2019, 11, 13)
    assert drive_office.campaign is not None
    figures = drive_office.figures(as_of=day).total
    overdue = drive_office.overdue(as_of=day)
    due_soon = drive_office.due_soon(as_of=day)
    assert (len(overdue), len(due_soon)) == (figures.overdue, figures.due_soon) == (24, 22)
    listed = briefing_figures(
        drive_office.store, as_of=end_of_day(day), campaign_id=drive_office.campaign.id
    ).overdue
    assert [problem.id for problem in overdue] == [row.problem_id for row in listed]
    moment = end_of_day(day)
    assert all(problem.is_overdue(moment) for problem in overdue)
    assert all(problem.transitions[-1].at <= moment for problem in overdue)  # as they stood
    deadlines = [problem.deadline for problem in due_soon if problem.deadline is not None]
    assert deadlines == sorted(deadlines)
    assert len(deadlines) == len(due_soon)
    assert len(drive_office.due_soon(as_of=day, within=0)) <= len(due_soon)


# ---------------------------------------------------------------- a property

FATES = ("registered", "assigned", "in_progress", "resolved", "explained", "closed")


@given(
    st.lists(
        st.tuples(st.sampled_from([TEXTILES.id, MACHINERY.id]), st.sampled_from(FATES)),
        max_size=8,
    )
)
def test_figures_count_what_the_dispatcher_did(
    plans: list[tuple[EnterpriseId, str]],
) -> None:
    with open_store("memory://") as store:
        organise(store)
        office = office_over(store)
        for firm, fate in plans:
            problem = office.register(
                firm, title="问题", category="其他", work_group=GROUP_OF[firm]
            )
            if fate == "registered":
                continue
            problem = office.assign(problem, "d-gxj")
            if fate == "assigned":
                continue
            problem = office.start(problem)
            if fate == "explained":
                office.explain(problem, "已向企业解释政策")
            elif fate in ("resolved", "closed"):
                problem = office.resolve(problem, "已解决")
                if fate == "closed":
                    problem = office.follow_up(problem, outcome="solved", satisfaction="satisfied")
                    office.close_problem(problem)
        figures = office.figures(by=Dimension.WORK_GROUP)
        assert figures == problem_summary(
            store, as_of=NOW, by=Dimension.WORK_GROUP, query=Query(campaign_id=CAMPAIGN)
        )
        fates = [fate for _firm, fate in plans]
        total = figures.total
        assert total.identified == len(plans)
        assert total.in_progress == sum(f in FATES[:3] for f in fates)
        assert total.solved == sum(f in ("resolved", "closed") for f in fates)
        assert total.explained == fates.count("explained")
        for row in figures:
            assert row.figures.identified == sum(GROUP_OF[firm] == row.key for firm, _ in plans)
