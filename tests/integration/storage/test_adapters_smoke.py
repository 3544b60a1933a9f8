"""A quick pass over every store operation on each adapter (memory, SQLite, PostgreSQL).

The shared conformance suite checks the contract in depth; this smoke makes
sure each adapter's every Session method works and that the SQL stores answer
queries as the in-memory reference does.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.clock import CHINA_TZ, at, local_date
from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import Assign, Register, Reject, Start
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from jinjiecu.storage import MemoryStore, Query, Store
from jinjiecu.storage.base import KINDS, RecordKind, Records, Versioned
from jinjiecu.testing import strategies, strategies as finance

if TYPE_CHECKING:
    from collections.abc import Callable

RECORD_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "campaign": strategies.campaigns(),
    "region": strategies.regions(),
    "department": strategies.departments(),
    "leader": strategies.leaders(),
    "work_group": strategies.work_groups(),
    "office": strategies.campaign_offices(),
    "enterprise": strategies.enterprises(),
    "project": strategies.projects(),
    "visit": strategies.visits(),
    "debt_resolution": finance.debt_resolutions(),
    "asset_disposal": finance.asset_disposals(),
    "creditor_committee": finance.creditor_committees(),
    "loan_renewal": finance.loan_renewals(),
    "whitelist": finance.whitelists(),
    "bridge_fund": finance.bridge_funds(),
    "coordinated_financing": finance.coordinated_financings(),
    "guarantee_link": finance.guarantee_links(),
}

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-01", name="王芳")

SMOKE = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def collection(store: Store, kind: RecordKind[Any, Any]) -> Records[Any, Any]:
    records: Records[Any, Any] = getattr(store, f"{kind.name}s")
    return records


def matching_queries(kind: RecordKind[Any, Any], record: Any) -> list[Query]:
    """Queries on each of the kind's filters that ``record`` matches."""
    index = kind.index(record)
    queries = []
    for name in sorted(kind.filters):
        value: Any = index.day if name in ("since", "until") else getattr(index, name)
        if value is not None:
            queries.append(Query(**{name: value}))
    return queries


def registered(problem_id: str, day: dt.date = dt.date(2019, 9, 27), **details: Any) -> Problem:
    register = Register(
        title=details.pop("title", "新厂区用地指标不足"),
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
        **details,
    )
    return Problem.register(register, at=at(day), actor=CLERK, id=ProblemId(problem_id))


def test_every_kind_was_given_a_strategy() -> None:
    assert set(RECORD_STRATEGIES) == {kind.name for kind in KINDS}


@SMOKE
@given(records=st.fixed_dictionaries(RECORD_STRATEGIES))
def test_every_record_kind_is_added_read_updated_and_listed(
    new_store: Callable[[], Store], records: dict[str, Any]
) -> None:
    store = new_store()
    for kind in KINDS:
        record = records[kind.name]
        records_of_kind = collection(store, kind)
        record_id = kind.id_of(record)
        records_of_kind.add(record)
        assert records_of_kind.get(record_id) == record
        assert record_id in records_of_kind
        with pytest.raises(DuplicateError):
            records_of_kind.add(record)
        assert records_of_kind.update(record, expected_version=1) == 2
        with pytest.raises(ConflictError) as stale:
            records_of_kind.update(record, expected_version=1)
        assert (stale.value.expected_version, stale.value.actual_version) == (1, 2)
        assert records_of_kind.get_versioned(record_id) == Versioned(record, 2)
        missing = attrs.evolve(record, id=kind.id_type(f"{record_id}-missing"))
        with pytest.raises(NotFoundError):
            records_of_kind.update(missing, expected_version=1)
        assert records_of_kind.list() == [record]
        assert records_of_kind.count() == 1
        for query in matching_queries(kind, record):
            assert records_of_kind.list(query) == [record], query
            assert records_of_kind.count(query) == 1, query
        day = kind.index(record).day
        if day is not None:
            assert records_of_kind.count(Query(since=day + dt.timedelta(days=1))) == 0


def test_many_records_are_added_all_or_nothing(new_store: Callable[[], Store]) -> None:
    store = new_store()
    firms = [
        Enterprise(id=EnterpriseId(f"e-{n:03d}"), name=f"企业{n}", region_id=RegionId("371481"))
        for n in range(30)
    ]
    store.enterprises.add(firms[17])
    with pytest.raises(DuplicateError) as duplicate:
        store.enterprises.add_many(firms)
    assert duplicate.value.id == "e-017"
    assert store.enterprises.count() == 1
    store.enterprises.add_many(firms[:17])
    assert store.enterprises.list(limit=5, offset=10) == firms[10:15]


def test_a_unique_key_is_kept_unique(new_store: Callable[[], Store]) -> None:
    store = new_store()
    code = CreditCode("91371400MA3C00000A")
    first = Enterprise(id=EnterpriseId("e-1"), name="甲", region_id=RegionId("1"), credit_code=code)
    store.enterprises.add(first)
    second = attrs.evolve(first, id=EnterpriseId("e-2"))
    with pytest.raises(DuplicateError) as duplicate:
        store.enterprises.add(second)
    assert (duplicate.value.kind, duplicate.value.id) == ("enterprise", str(code))
    store.enterprises.add(attrs.evolve(second, credit_code=None))
    with pytest.raises(DuplicateError):
        store.enterprises.update(second, expected_version=1)
    assert store.enterprises.get(EnterpriseId("e-2")).credit_code is None


@SMOKE
@given(
    problems=st.lists(
        strategies.problems(max_steps=4), min_size=1, max_size=4, unique_by=lambda p: p.id
    )
)
def test_problems_are_added_read_and_listed_as_the_memory_store_does(
    new_store: Callable[[], Store], problems: list[Problem]
) -> None:
    store = new_store()
    reference = MemoryStore()
    assert store.problems.add_many(problems) == len(problems)
    reference.problems.add_many(problems)
    for problem in problems:
        assert store.problems.get(problem.id) == problem
        assert problem.id in store.problems
    assert store.problems.list() == sorted(problems, key=lambda p: p.id)
    first = problems[0]
    day = local_date(first.registered_at)
    queries = [
        Query(),
        Query(state=first.state),
        Query(category=first.category),
        Query(scope=first.scope),
        Query(level=first.level),
        Query(region_id=first.region_id),
        Query(since=day),
        Query(until=day),
        Query(since=day, until=day, state=first.state),
        Query(campaign_id=first.campaign_id),
        Query(work_group_id=first.work_group_id),
        Query(enterprise_id=first.enterprise_id),
        Query(department_id=first.lead_department_id),
    ]
    for query in queries:
        expected = reference.problems.list(query)
        assert first in expected
        assert store.problems.list(query) == expected, query
        assert store.problems.count(query) == len(expected), query
    with pytest.raises(DuplicateError):
        store.problems.add(first)


def test_saves_append_detect_conflicts_and_are_idempotent(new_store: Callable[[], Store]) -> None:
    store = new_store()
    problem = registered("p-1")
    store.problems.save(problem, expected_version=0, idempotency_key="req-1")
    assert store.problems.save(problem, expected_version=0, idempotency_key="req-1") == problem
    assigned = problem.apply(
        Assign(lead_department_id=DepartmentId("zrzyj"), working_days=5),
        at=at(dt.date(2019, 9, 30)),
        actor=CLERK,
    )
    store.problems.save(assigned, expected_version=1, idempotency_key="req-2")
    assert store.problems.get(ProblemId("p-1")) == assigned
    # A retry records nothing twice.
    assert store.problems.save(assigned, expected_version=1, idempotency_key="req-2") == assigned
    assert store.problems.get(ProblemId("p-1")).version == 2
    stale = problem.apply(Reject(reason="不属于受理范围"), at=at(dt.date(2019, 9, 30)), actor=CLERK)
    with pytest.raises(ConflictError) as conflict:
        store.problems.save(stale, expected_version=1)
    assert (conflict.value.id, conflict.value.expected_version) == ("p-1", 1)
    assert conflict.value.actual_version == 2
    assert store.problems.get(ProblemId("p-1")) == assigned
    assert store.problems.list(Query(department_id=DepartmentId("zrzyj"))) == [assigned]

    started = store.problems.apply(
        ProblemId("p-1"), Start(), at=at(dt.date(2019, 10, 8)), actor=CLERK, idempotency_key="r3"
    )
    assert started.version == 3
    assert store.problems.get(ProblemId("p-1")) == started
    with pytest.raises(ConflictError):
        store.problems.apply(
            ProblemId("p-1"), Start(), at=at(dt.date(2019, 10, 8)), actor=CLERK, expected_version=2
        )
    with pytest.raises(NotFoundError):
        store.problems.apply(ProblemId("p-9"), Start(), at=at(dt.date(2019, 10, 8)), actor=CLERK)
    with pytest.raises(NotFoundError):
        store.problems.save(
            registered("p-9").apply(
                Assign(lead_department_id=DepartmentId("d"), working_days=5),
                at=at(dt.date(2019, 9, 30)),
                actor=CLERK,
            ),
            expected_version=1,
        )
    with pytest.raises(ValidationError):
        store.problems.save(registered("p-2"), expected_version=0, idempotency_key="req-1")
    assert ProblemId("p-2") not in store.problems


def test_a_problem_built_apart_from_the_stored_history_is_refused(
    new_store: Callable[[], Store],
) -> None:
    store = new_store()
    stored = registered("p-1")
    store.problems.add(stored)
    diverging = registered("p-1", title="另一个标题").apply(
        Assign(lead_department_id=DepartmentId("d-9"), working_days=5),
        at=at(dt.date(2019, 9, 30)),
        actor=CLERK,
    )
    with pytest.raises(ValidationError, match="stored history"):
        store.problems.save(diverging, expected_version=1)
    assert store.problems.get(stored.id) == stored
    assert store.problems.count(Query(department_id=DepartmentId("d-9"))) == 0


def test_a_failed_transaction_writes_nothing(new_store: Callable[[], Store]) -> None:
    store = new_store()
    store.problems.add(registered("p-1"))

    def add_then_fail() -> None:
        with store.transaction() as tx:
            tx.problems.add(registered("p-2"))
            tx.enterprises.add(
                Enterprise(id=EnterpriseId("e-1"), name="甲", region_id=RegionId("1"))
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert ProblemId("p-2") not in store.problems
    assert store.enterprises.count() == 0


def test_a_failed_write_caught_inside_a_transaction_leaves_nothing_behind(
    new_store: Callable[[], Store],
) -> None:
    store = new_store()
    store.problems.add(registered("p-1"))
    with store.transaction() as tx:
        tx.problems.add(registered("p-3"))
        with pytest.raises(DuplicateError):
            tx.problems.add_many([registered("p-4"), registered("p-1")])
        tx.problems.add(registered("p-5"))
    assert [p.id for p in store.problems.list()] == ["p-1", "p-3", "p-5"]


NASTY = (
    "'; DROP TABLE problems; --\"\\\\n\\x00 %s %(x)s ? $1 \t\r\n\x01\x1b\x7f\u2028\u2029"
    "\ufeff 😀 𠀀 e\u0301 \U0010fffd"
)


def test_text_and_moments_round_trip_exactly(new_store: Callable[[], Store]) -> None:
    store = new_store()
    long_text = "长" * 90_000 + NASTY
    moment = dt.datetime(
        2019, 9, 27, 3, 4, 5, 678901, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45))
    )
    register = Register(
        title="'引号' \"双引号\" \\反斜杠 😀 %s ?",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-'\"\\😀"),
        description=long_text,
    )
    actor = Actor(kind=ActorKind.ENTERPRISE, id="企业-'\"\\", name=NASTY)
    problem = Problem.register(
        register, at=moment, actor=actor, id=ProblemId("p-😀'\"\\"), note=NASTY
    )
    store.problems.add(problem)
    back = store.problems.get(problem.id)
    assert back == problem
    assert back.description == long_text
    assert back.transitions[0].note == NASTY
    assert back.transitions[0].actor == actor
    assert back.registered_at.isoformat() == moment.isoformat()
    assert back.registered_at.utcoffset() == moment.utcoffset()
    utc = moment.astimezone(dt.UTC)
    assert store.problems.count(Query(since=utc.astimezone(CHINA_TZ).date())) == 1
    firm = Enterprise(id=EnterpriseId("e-'\"\\😀"), name=register.title, region_id=RegionId("r"))
    store.enterprises.add(firm)
    assert store.enterprises.get(firm.id) == firm
