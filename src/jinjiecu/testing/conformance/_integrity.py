"""Integrity: the hash chain and the audit trail every write extends.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import strategies as st

from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.policy import AuditOutcome
from jinjiecu.errors import DuplicateError
from jinjiecu.storage.base import FINANCE_KINDS, KINDS, Store
from jinjiecu.storage.integrity import GENESIS, Checkpoint, verify
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    _T0,
    ConformanceArea,
    _assign,
    _Fresh,
    _race,
    _region,
    _registered,
    _rolled_back,
    _then,
    fresh_bridge_fund,
)
from jinjiecu.testing.stateful import record_strategy, records_of


class IntegrityConformance(ConformanceArea):
    """Every write is chained and audited; the chain verifies, whatever rolls back or races."""

    # ---------------------------------------------------------- the hash chain and audit trail

    def test_every_write_is_chained_audited_and_verifies(self, store: Store) -> None:
        finance = [kind for kind in KINDS if kind.name in FINANCE_KINDS]
        assert verify(store).ok
        assert store.head() == Checkpoint(seq=0, digest=GENESIS)
        fresh = _Fresh("chain")
        problem = _registered("p-chain")
        store.problems.add(problem)  # 1 transition + 1 audit entry
        store.problems.apply(problem.id, _assign(), at=_T0 + _HOUR, actor=_CLERK)  # 1 + 1
        store.problems.add_many([_registered("p-chain-2"), _registered("p-chain-3")])  # 2 + 1
        expected = 7
        drawn = st.tuples(*(record_strategy(kind) for kind in finance))

        def check(values: tuple[Any, ...]) -> None:
            nonlocal expected
            for kind, value in zip(finance, values, strict=True):
                record = fresh.record(kind, value)
                records = records_of(store, kind)
                records.add(record)
                records.update(record, expected_version=1)
                expected += 4  # two versions, two audit entries

        self._check(check, drawn)
        store.regions.add(_region("r-chain"))  # not a finance record: its audit entry only
        expected += 1
        head = store.head()
        assert head.seq == expected
        report = verify(store)
        assert report.ok, report.finding
        assert report.head == head
        assert verify(store, head).ok
        assert store.audit.count() == 3 + (expected - 7 - 1) // 2 + 1
        first = store.audit.list(limit=1)[0]
        assert (first.actor, first.action, first.object_id) == (_CLERK, "register", "p-chain")
        assert first.outcome is AuditOutcome.OK
        assert Checkpoint.from_json(head.to_json()) == head

    def test_the_chain_lists_entries_in_the_order_they_were_written(self, store: Store) -> None:
        problem = _then(_registered("p-order"), _assign())
        store.problems.add(problem)
        links = store.read(lambda session: list(session.chain_links()))
        assert [(link.seq, link.kind, link.key) for link in links] == [
            (1, "transition", "p-order#1"),
            (2, "transition", "p-order#2"),
            (3, "audit", "3"),
            (4, "audit", "4"),
        ]
        assert links[-1].digest == store.head().digest

    def test_a_rolled_back_write_leaves_chain_and_audit_as_they_were(self, store: Store) -> None:
        store.problems.add(_registered("p-kept"))
        before, entries = store.head(), store.audit.count()
        with _rolled_back(store) as tx:
            tx.problems.add(_registered("p-gone"))
            tx.bridge_funds.add(fresh_bridge_fund())
            assert tx.audit.count() == entries + 2
        with pytest.raises(DuplicateError):
            store.problems.add(_registered("p-kept"))
        assert store.head() == before
        assert store.audit.count() == entries
        assert verify(store, before).ok

    def test_a_checkpoint_taken_earlier_still_verifies_later(self, store: Store) -> None:
        store.problems.add(_registered("p-early"))
        early = store.checkpoint()
        store.problems.apply(ProblemId("p-early"), _assign(), at=_T0 + _HOUR, actor=_CLERK)
        assert verify(store, early).ok
        assert verify(store, store.checkpoint()).ok
        later = Checkpoint(seq=store.head().seq + 1, digest=GENESIS)
        finding = verify(store, later).finding
        assert finding is not None
        assert finding.seq == later.seq
        forged = Checkpoint(seq=early.seq, digest="f" * 64)
        finding = verify(store, forged).finding
        assert finding is not None
        assert finding.seq == early.seq

    def test_racing_writers_keep_one_unbroken_chain(self, store: Store) -> None:
        problems = [_registered(f"p-race-{n}") for n in range(4)]
        store.problems.add_many(problems)
        changed = [_then(problem, _assign()) for problem in problems]
        funds = [fresh_bridge_fund() for _ in range(4)]
        results = _race(
            [functools.partial(store.problems.save, p, expected_version=1) for p in changed]
            + [functools.partial(store.bridge_funds.add, fund) for fund in funds]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        report = verify(store)
        assert report.ok, report.finding
        assert report.entries == 4 + 1 + 4 * 2 + 4 * 2
