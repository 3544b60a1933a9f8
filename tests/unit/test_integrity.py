"""The hash chain: canonical texts, checkpoints, and verify() on the memory store."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.finance import BridgeFund
from jinjiecu.domain.ids import BridgeFundId, DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.money import Money
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import IntegrityError, ValidationError
from jinjiecu.serialization import unstructure
from jinjiecu.storage import MemoryStore
from jinjiecu.storage.integrity import (
    GENESIS,
    Checkpoint,
    canonical,
    chain_digest,
    data_text,
    transition_content,
    transition_text,
    transition_value,
    verify,
)
from jinjiecu.testing import strategies

T0 = dt.datetime(2019, 10, 11, 9, 0, tzinfo=CHINA_TZ)
CLERK = Actor(kind=ActorKind.CLERK, id="wang", name="王科员")


def problem(problem_id: str = "p-1") -> Problem:
    details = Register(
        title="厂区道路积水",
        category="financing",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
    )
    registered = Problem.register(details, at=T0, actor=CLERK, id=ProblemId(problem_id))
    return registered.apply(
        Assign(lead_department_id=DepartmentId("d-1")), at=T0 + dt.timedelta(hours=1), actor=CLERK
    )


def fund(number: int = 1, days: int = 90) -> BridgeFund:
    return BridgeFund(
        id=BridgeFundId(f"fund-{number}"),
        name="过桥资金池",
        operator="德州市财金投资集团",
        pool_size=Money.yuan(100_000_000),
        max_days=days,
        daily_fee_rate=Decimal("0.0002"),
    )


@pytest.fixture
def store() -> Any:
    with MemoryStore() as store:
        store.problems.add(problem())
        store.bridge_funds.add(fund())
        store.bridge_funds.update(fund(days=120), expected_version=1)
        yield store


# ---------------------------------------------------------------------- canonical texts


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems(max_steps=8))
def test_a_transitions_canonical_text_is_sorted_json_of_its_unstructured_form(
    drawn: Problem,
) -> None:
    for transition in drawn.transitions:
        key, text = transition_content(transition)
        assert key == f"{drawn.id}#{transition.sequence}"
        parsed = json.loads(text)
        assert parsed == {"key": key, "kind": "transition", "value": unstructure(transition)}
        assert list(parsed) == sorted(parsed)
        assert list(parsed["value"]) == sorted(parsed["value"])
        assert transition_value(transition) == unstructure(transition)
        value = transition_value(transition)
        actor = value["actor"]
        assert text == transition_text(
            value["problem_id"],
            value["sequence"],
            value["event"],
            value["from_state"],
            value["to_state"],
            value["at"],
            (actor["kind"], actor["id"], actor["name"]),
            value["note"],
            data_text(transition.data),
        )


def test_canonical_texts_and_digests_are_fixed() -> None:
    text = canonical("record", "bridge_fund/f-1#1", {"b": 1, "a": "过桥"})
    assert text == '{"key":"bridge_fund/f-1#1","kind":"record","value":{"a":"过桥","b":1}}'
    # SHA-256 of the previous digest (hex text) followed by the canonical text, UTF-8.
    assert chain_digest(GENESIS, "过桥") == hashlib.sha256((GENESIS + "过桥").encode()).hexdigest()
    assert chain_digest(GENESIS, "x") != chain_digest(GENESIS, "y")
    assert chain_digest(GENESIS, "x") != chain_digest("1" * 64, "x")


def test_a_checkpoint_round_trips_as_json_and_bad_ones_are_refused() -> None:
    point = Checkpoint(seq=12, digest="ab" * 32)
    assert Checkpoint.from_json(point.to_json()) == point
    assert json.loads(point.to_json()) == {"seq": 12, "digest": "ab" * 32}
    for bad in (
        "",
        "{}",
        '{"seq": -1, "digest": "' + "a" * 64 + '"}',
        '{"seq": 1, "digest": "xyz"}',
    ):
        with pytest.raises(ValidationError):
            Checkpoint.from_json(bad)


# ---------------------------------------------------------------------- verify


def test_an_intact_history_verifies_against_its_head(store: MemoryStore) -> None:
    head = store.head()
    # 2 transitions and their 2 audit entries, 2 fund versions and their 2 audit entries.
    assert head.seq == 8
    report = verify(store, head)
    assert report.ok
    assert report.head == head
    assert report.entries == 8
    report.raise_if_bad()


def test_a_changed_transition_is_named(store: MemoryStore) -> None:
    stored = store._problems["p-1"]
    changed = attrs.evolve(stored.transitions[1], note="改过")
    store._problems["p-1"] = Problem.from_history([stored.transitions[0], changed])
    finding = verify(store).finding
    assert finding is not None
    assert (finding.seq, finding.kind, finding.key) == (2, "transition", "p-1#2")
    with pytest.raises(IntegrityError) as raised:
        verify(store).raise_if_bad()
    assert (raised.value.seq, raised.value.key) == (2, "p-1#2")
    assert "历史记录校验失败" in str(raised.value)


def test_a_removed_version_a_changed_current_record_and_a_changed_audit_entry_are_named(
    store: MemoryStore,
) -> None:
    versions = store._versions
    first = versions.pop(("bridge_fund", "fund-1", 1))
    finding = verify(store).finding
    assert finding is not None
    assert (finding.seq, finding.key) == (5, "bridge_fund/fund-1#1")
    versions["bridge_fund", "fund-1", 1] = first
    record, version, index = store._records["bridge_fund"]["fund-1"]
    store._records["bridge_fund"]["fund-1"] = (fund(days=365), version, index)
    finding = verify(store).finding
    assert finding is not None
    assert finding.key == "bridge_fund/fund-1#2"
    assert "current record" in finding.reason
    store._records["bridge_fund"]["fund-1"] = (record, version, index)
    assert verify(store).ok
    entry = store._audit[3]
    store._audit[3] = attrs.evolve(entry, actor=Actor(kind=ActorKind.CLERK, id="li"))
    finding = verify(store).finding
    assert finding is not None
    assert (finding.seq, finding.kind, finding.key) == (3, "audit", "3")


def test_a_cut_chain_is_found_against_a_checkpoint_only(store: MemoryStore) -> None:
    head = store.head()
    del store._chain[8]
    del store._audit[8]
    store._head["head"] = Checkpoint(seq=7, digest=store._chain[7].digest)
    assert verify(store).ok  # consistent without the checkpoint: keep checkpoints elsewhere
    finding = verify(store, head).finding
    assert finding is not None
    assert (finding.seq, finding.kind) == (8, "checkpoint")


def test_every_finding_lists_each_change(store: MemoryStore) -> None:
    store.problems.add(problem("p-2"))
    stored = store._problems["p-1"]
    store._problems["p-1"] = Problem.from_history(
        [stored.transitions[0], attrs.evolve(stored.transitions[1], note="改")]
    )
    other = store._problems["p-2"]
    store._problems["p-2"] = Problem.from_history(
        [attrs.evolve(other.transitions[0], note="也改"), other.transitions[1]]
    )
    report = verify(store, every_finding=True)
    assert [(f.seq, f.key) for f in report.findings] == [(2, "p-1#2"), (9, "p-2#1")]
    assert verify(store).findings == report.findings[:1]


def test_a_checkpoint_that_is_not_a_checkpoint_is_refused(store: MemoryStore) -> None:
    with pytest.raises(ValidationError) as refused:
        verify(store, '{"seq": 1}')  # type: ignore[arg-type]
    assert refused.value.field == "checkpoint"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(strategies.problems(max_steps=5), min_size=1, max_size=4, unique_by=lambda p: p.id))
def test_any_generated_history_verifies_and_its_head_counts_every_entry(
    drawn: list[Problem],
) -> None:
    with MemoryStore() as store:
        store.problems.add_many(drawn)
        head = store.head()
        assert head.seq == sum(p.version for p in drawn) + 1
        assert verify(store, head).ok
