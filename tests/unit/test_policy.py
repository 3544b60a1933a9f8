"""Who may do what: the default policy's rules, refusals, and the audit trail they leave."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.events import Assign, Explain, Register, Reject, Resolve
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    OfficeId,
    ProblemId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.org import CampaignOffice, Department, OrgLevel, Region, WorkGroup
from jinjiecu.domain.policy import (
    ALLOW_ALL,
    AuditOutcome,
    Decision,
    DefaultPolicy,
    Policy,
)
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import PermissionDeniedError, ValidationError
from jinjiecu.storage import MemoryStore
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.sqlite import SQLiteStore
from jinjiecu.testing import strategies

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store

T0 = dt.datetime(2019, 10, 11, 9, 0, tzinfo=CHINA_TZ)
HOUR = dt.timedelta(hours=1)
CITY, LELING, YUCHENG = RegionId("371400"), RegionId("371481"), RegionId("371482")

REGIONS = [
    Region(id=CITY, name="德州市", kind=DivisionKind.CITY),
    Region(id=LELING, name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY, parent_id=CITY),
    Region(id=YUCHENG, name="禹城市", kind=DivisionKind.COUNTY_LEVEL_CITY, parent_id=CITY),
]
OFFICES = [
    CampaignOffice(id=OfficeId("office-city"), name="市办公室", region_id=CITY),
    CampaignOffice(id=OfficeId("office-leling"), name="乐陵办公室", region_id=LELING),
]
DEPARTMENTS = [
    Department(id=DepartmentId("d-lead"), name="市自然资源局", level=OrgLevel.CITY, region_id=CITY),
    Department(id=DepartmentId("d-other"), name="市商务局", level=OrgLevel.CITY, region_id=CITY),
]
GROUPS = [
    WorkGroup(
        id=WorkGroupId("wg-lead"),
        name="第一工作组",
        campaign_id=CampaignId("c-1"),
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=(LeaderId("leader-1"),),
        department_ids=(DepartmentId("d-lead"),),
    ),
    WorkGroup(
        id=WorkGroupId("wg-other"),
        name="第二工作组",
        campaign_id=CampaignId("c-1"),
        level=OrgLevel.CITY,
        region_id=CITY,
        leader_ids=(LeaderId("leader-2"),),
    ),
]
POLICY = DefaultPolicy(
    regions=REGIONS, offices=OFFICES, departments=DEPARTMENTS, work_groups=GROUPS
)

CITY_OFFICE = Actor(kind=ActorKind.OFFICE, id="office-city", name="市办公室")
LELING_OFFICE = Actor(kind=ActorKind.OFFICE, id="office-leling")
LEAD = Actor(kind=ActorKind.DEPARTMENT, id="d-lead")
OTHER = Actor(kind=ActorKind.DEPARTMENT, id="d-other")
LEAD_GROUP = Actor(kind=ActorKind.WORK_GROUP, id="wg-lead")
OTHER_GROUP = Actor(kind=ActorKind.WORK_GROUP, id="wg-other")
CLERK = Actor(kind=ActorKind.CLERK, id="wang")
FIRM = Actor(kind=ActorKind.ENTERPRISE, id="e-1")


def registered(problem_id: str = "p-1", region: RegionId = LELING) -> Problem:
    details = Register(
        title="厂区道路积水",
        category="financing",
        region_id=region,
        enterprise_id=EnterpriseId("e-1"),
    )
    return Problem.register(details, at=T0, actor=CITY_OFFICE, id=ProblemId(problem_id))


def assigned(problem_id: str = "p-1", region: RegionId = LELING) -> Problem:
    problem = registered(problem_id, region)
    return problem.apply(
        Assign(lead_department_id=DepartmentId("d-lead")), at=T0 + HOUR, actor=CITY_OFFICE
    )


def decide(actor: Actor, event: Event, problem: Problem) -> Decision:
    return POLICY.decide(actor, event, problem)


# ---------------------------------------------------------------------- the rules


def test_only_the_lead_department_or_its_work_group_may_resolve_or_explain() -> None:
    problem = assigned()
    for event in (Event.RESOLVE, Event.EXPLAIN):
        assert decide(LEAD, event, problem).allowed
        assert decide(LEAD_GROUP, event, problem).allowed
        for actor in (OTHER, OTHER_GROUP, CITY_OFFICE):
            decision = decide(actor, event, problem)
            assert not decision.allowed
            assert "牵头部门" in decision.reason


def test_the_problems_own_work_group_may_resolve() -> None:
    details = Register(
        title="用地指标",
        category="land_use",
        region_id=LELING,
        enterprise_id=EnterpriseId("e-1"),
        work_group_id=WorkGroupId("wg-other"),
    )
    problem = Problem.register(details, at=T0, actor=CITY_OFFICE, id=ProblemId("p-2"))
    assert decide(OTHER_GROUP, Event.RESOLVE, problem).allowed
    assert not decide(OTHER, Event.RESOLVE, problem).allowed


def test_only_the_campaign_office_may_close_or_reject() -> None:
    problem = assigned()
    for event in (Event.CLOSE, Event.REJECT):
        assert decide(CITY_OFFICE, event, problem).allowed
        assert decide(LELING_OFFICE, event, problem).allowed
        for actor in (LEAD, LEAD_GROUP, OTHER):
            decision = decide(actor, event, problem)
            assert not decision.allowed
            assert "领导小组办公室" in decision.reason


def test_a_county_office_acts_only_on_its_county_and_below() -> None:
    in_leling, in_yucheng, in_city = assigned(), assigned("p-2", YUCHENG), assigned("p-3", CITY)
    assert decide(LELING_OFFICE, Event.ASSIGN, in_leling).allowed
    for problem in (in_yucheng, in_city):
        decision = decide(LELING_OFFICE, Event.CLOSE, problem)
        assert not decision.allowed
        assert "本辖区" in decision.reason
    for problem in (in_leling, in_yucheng, in_city):
        assert decide(CITY_OFFICE, Event.CLOSE, problem).allowed


def test_clerks_unknown_actors_and_other_enterprises_are_refused() -> None:
    problem = assigned()
    assert not decide(CLERK, Event.START, problem).allowed
    assert not decide(Actor(kind=ActorKind.SYSTEM, id="cron"), Event.START, problem).allowed
    stranger = Actor(kind=ActorKind.DEPARTMENT, id="d-nowhere")
    assert "unknown" in decide(stranger, Event.START, problem).reason
    assert decide(FIRM, Event.WITHDRAW, problem).allowed
    assert not decide(FIRM, Event.CLOSE, problem).allowed
    assert not decide(Actor(kind=ActorKind.ENTERPRISE, id="e-2"), Event.WITHDRAW, problem).allowed


def test_allow_all_allows_everything_and_both_are_policies() -> None:
    assert ALLOW_ALL.decide(CLERK, Event.CLOSE, assigned()).allowed
    assert isinstance(ALLOW_ALL, Policy)
    assert isinstance(POLICY, Policy)
    with pytest.raises(ValidationError) as refused:
        MemoryStore(policy="everyone")  # type: ignore[arg-type]
    assert refused.value.field == "policy"


# ---------------------------------------------------------------------- the stores


@pytest.fixture(params=["memory", "sqlite"])
def policed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store: Store
    if request.param == "memory":
        store = MemoryStore(policy=POLICY)
    else:
        store = SQLiteStore(tmp_path / "policed.db", policy=POLICY)
    with store:
        store.problems.add(assigned())
        yield store


def test_a_refusal_names_actor_action_and_object_writes_nothing_and_is_audited(
    policed: Store,
) -> None:
    before, head = policed.problems.get(ProblemId("p-1")), policed.head()
    with pytest.raises(PermissionDeniedError) as refused:
        policed.problems.apply(
            ProblemId("p-1"), Reject(reason="不属于帮扶范围"), at=T0 + 2 * HOUR, actor=LEAD
        )
    error = refused.value
    assert (error.actor, error.action, error.object) == (LEAD, "reject", "problem p-1")
    assert "department d-lead may not reject problem p-1" in str(error)
    assert policed.problems.get(ProblemId("p-1")) == before
    entries = policed.audit.list()
    last = entries[-1]
    assert (last.actor, last.action, last.object_kind, last.object_id) == (
        LEAD,
        "reject",
        "problem",
        "p-1",
    )
    assert last.outcome is AuditOutcome.REFUSED
    assert last.seq == head.seq + 1
    assert [e.outcome for e in entries[:-1]] == [AuditOutcome.OK] * (len(entries) - 1)
    report = verify(policed)
    assert report.ok, report.finding


def test_an_allowed_write_is_audited_ok(policed: Store) -> None:
    resolved = policed.problems.apply(
        ProblemId("p-1"), Resolve(summary="已协调解决"), at=T0 + 2 * HOUR, actor=LEAD
    )
    last = policed.audit.list(offset=policed.audit.count() - 1)[0]
    assert (last.actor, last.action, last.outcome) == (LEAD, "resolve", AuditOutcome.OK)
    assert last.detail == f"transition {resolved.version}"


def test_a_refusal_is_audited_even_when_its_transaction_rolls_back(policed: Store) -> None:
    count = policed.audit.count()

    def work() -> None:
        with policed.transaction() as tx:
            tx.problems.add(registered("p-9"))
            tx.problems.apply(
                ProblemId("p-1"), Explain(explanation="政策不允许"), at=T0 + 2 * HOUR, actor=OTHER
            )

    with pytest.raises(PermissionDeniedError):
        work()
    assert ProblemId("p-9") not in policed.problems
    entries = policed.audit.list(offset=count)
    assert [(e.action, e.outcome) for e in entries] == [("explain", AuditOutcome.REFUSED)]
    assert verify(policed).ok


def test_a_refusal_caught_inside_a_transaction_is_audited_once(policed: Store) -> None:
    count = policed.audit.count()
    with policed.transaction() as tx:
        with pytest.raises(PermissionDeniedError):
            tx.problems.apply(
                ProblemId("p-1"),
                Reject(reason="不属于帮扶范围"),
                at=T0 + 2 * HOUR,
                actor=LEAD_GROUP,
            )
        tx.problems.add(registered("p-8"))
    assert ProblemId("p-8") in policed.problems
    entries = policed.audit.list(offset=count)
    assert [(e.action, e.outcome) for e in entries] == [
        ("register", AuditOutcome.OK),
        ("reject", AuditOutcome.REFUSED),
    ]
    assert verify(policed).ok


def test_the_default_store_policy_allows_everything() -> None:
    with MemoryStore() as store:
        assert store.policy is ALLOW_ALL
        store.problems.add(assigned())
        store.problems.apply(
            ProblemId("p-1"), Reject(reason="不属于帮扶范围"), at=T0 + 2 * HOUR, actor=CLERK
        )
        assert store.audit.list()[-1].outcome is AuditOutcome.OK


# ---------------------------------------------------------------------- the property


@attrs.frozen
class TablePolicy:
    """A drawn policy: refuses the (actor kind, event) pairs it lists."""

    refused: frozenset[tuple[ActorKind, Event]]

    def decide(self, actor: Actor, action: Event, problem: Problem | None) -> Decision:  # noqa: ARG002
        if (actor.kind, action) in self.refused:
            return Decision.refuse(f"{actor.kind.value} may not {action.value}")
        return Decision.allow()


@attrs.define
class Switch:
    """Allows everything until switched on, then asks the drawn policy."""

    policy: Any = ALLOW_ALL
    on: bool = False

    def decide(self, actor: Actor, action: Event, problem: Problem | None) -> Decision:
        return (self.policy if self.on else ALLOW_ALL).decide(actor, action, problem)


ACTORS = st.sampled_from(
    [CITY_OFFICE, LELING_OFFICE, LEAD, OTHER, LEAD_GROUP, OTHER_GROUP, CLERK, FIRM]
) | st.builds(Actor, kind=st.sampled_from(list(ActorKind)), id=st.sampled_from(["x", "e-1"]))
POLICIES = st.one_of(
    st.just(POLICY),
    st.builds(
        TablePolicy,
        st.frozensets(st.tuples(st.sampled_from(list(ActorKind)), st.sampled_from(list(Event)))),
    ),
)


def _snapshot(store: Store) -> tuple[Any, ...]:
    """Everything but the audit trail: problems, records and the chain's non-audit links."""

    def read(session: Any) -> tuple[Any, ...]:
        links = [
            (link.seq, link.kind, link.key, link.digest)
            for link in session.chain_links()
            if link.kind != "audit"
        ]
        return list(session.scan_problems()), links

    return store.read(read)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=strategies.problems(max_steps=6, region_id=LELING),
    keep=st.integers(min_value=1, max_value=6),
    actors=st.lists(ACTORS, min_size=6, max_size=6),
    policy=POLICIES,
)
def test_a_refused_action_changes_nothing_but_the_audit_trail(
    history: Problem, keep: int, actors: list[Actor], policy: Policy
) -> None:
    keep = min(keep, history.version - 1)
    if keep < 1:
        return
    transitions = list(history.transitions)
    # The new transitions are done by the drawn actors.
    for n in range(keep, len(transitions)):
        transitions[n] = attrs.evolve(transitions[n], actor=actors[n % len(actors)])
    problem = Problem.from_history(transitions)
    # Which transition the policy refuses first, asked here on its own.
    refused = next(
        (
            t
            for t in transitions[keep:]
            if not policy.decide(
                t.actor, t.event, Problem.from_history(transitions[: t.sequence - 1])
            ).allowed
        ),
        None,
    )
    switch = Switch(policy=policy)
    with MemoryStore(policy=switch) as store:
        store.problems.add(Problem.from_history(transitions[:keep]))
        switch.on = True
        before, entries = _snapshot(store), store.audit.count()
        if refused is None:
            store.problems.save(problem, expected_version=keep)
            new = store.audit.list(offset=entries)
            assert [e.outcome for e in new] == [AuditOutcome.OK] * (problem.version - keep)
            assert _snapshot(store) != before
        else:
            with pytest.raises(PermissionDeniedError) as error:
                store.problems.save(problem, expected_version=keep)
            assert (error.value.actor, error.value.action) == (refused.actor, refused.event.value)
            assert error.value.object == f"problem {problem.id}"
            assert _snapshot(store) == before
            new = store.audit.list(offset=entries)
            assert [(e.actor, e.action, e.outcome) for e in new] == [
                (refused.actor, refused.event.value, AuditOutcome.REFUSED)
            ]
        assert verify(store).ok
