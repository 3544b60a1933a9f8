"""Conflicts and idempotency: retried writes, and writers racing one another.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pytest

from jinjiecu.domain.events import Escalate, Reassign, Start
from jinjiecu.domain.ids import DepartmentId, RegionId
from jinjiecu.domain.problem import Problem
from jinjiecu.errors import ConflictError, ValidationError
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    _T0,
    ConformanceArea,
    _assert_same,
    _assign,
    _race,
    _region,
    _registered,
    _RollBack,
    _then,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinjiecu.storage.base import Store


class ConflictsConformance(ConformanceArea):
    """A retry with an idempotency key writes nothing; of racing writers, one wins."""

    # ---------------------------------------------------------- idempotency and races

    def test_an_idempotency_key_makes_a_retry_write_nothing(self, store: Store) -> None:
        registered = _registered("p-1")
        for _ in range(2):  # the first save and its retry
            _assert_same(
                store.problems.save(registered, expected_version=0, idempotency_key="k-0"),
                registered,
            )
        assigned = _then(registered, _assign())
        for _ in range(2):
            saved = store.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            _assert_same(saved, assigned)
        at = assigned.transitions[-1].at + _HOUR
        started = store.problems.apply(
            registered.id, Start(), at=at, actor=_CLERK, idempotency_key="k-2"
        )
        retried = store.problems.apply(
            registered.id, Start(), at=at, actor=_CLERK, idempotency_key="k-2"
        )
        _assert_same(retried, started)
        assert store.problems.get(registered.id).version == 3
        # A retry after the problem moved on returns the problem as stored, writing nothing.
        _assert_same(
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1"), started
        )
        _assert_same(store.problems.get(registered.id), started)
        for key in ("'; DROP TABLE idempotency; --", "键\\'\"😀\u200d", "k" * 200):
            changed = _then(store.problems.get(registered.id), Escalate())
            current = changed.version - 1
            for _ in range(2):
                saved = store.problems.save(changed, expected_version=current, idempotency_key=key)
                _assert_same(saved, changed)
            assert store.problems.get(registered.id).version == changed.version

    def test_an_idempotency_key_belongs_to_one_problem(self, store: Store) -> None:
        first, second = _registered("p-1"), _registered("p-2")
        store.problems.save(first, expected_version=0, idempotency_key="k-1")
        store.problems.add(second)
        writes: list[Callable[[], object]] = [
            lambda: store.problems.save(
                _then(second, _assign()), expected_version=1, idempotency_key="k-1"
            ),
            lambda: store.problems.apply(
                second.id, _assign(), at=_T0 + _HOUR, actor=_CLERK, idempotency_key="k-1"
            ),
        ]
        for write in writes:
            with pytest.raises(ValidationError) as raised:
                write()
            assert raised.value.field == "idempotency_key"
            _assert_same(store.problems.get(second.id), second)

    def test_a_rolled_back_save_forgets_its_idempotency_key(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)
        assigned = _then(registered, _assign())
        with pytest.raises(_RollBack), store.transaction() as tx:  # noqa: PT012
            tx.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            raise _RollBack
        _assert_same(store.problems.get(registered.id), registered)
        # The retry after the failure does the work, once.
        for _ in range(2):
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1")
        _assert_same(store.problems.get(registered.id), assigned)

    def test_one_of_two_racing_saves_wins_and_the_other_conflicts(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)
        variants = [_then(registered, _assign(f"d-{n}")) for n in range(4)]
        results = _race(
            [functools.partial(store.problems.save, v, expected_version=1) for v in variants]
        )
        winners = [r for r in results if isinstance(r, Problem)]
        losers = [r for r in results if not isinstance(r, Problem)]
        assert len(winners) == 1, f"one save must win, got {results!r}"
        for loser in losers:
            assert isinstance(loser, ConflictError), f"expected a ConflictError, got {loser!r}"
            assert (loser.id, loser.expected_version, loser.actual_version) == ("p-1", 1, 2)
        _assert_same(store.problems.get(registered.id), winners[0])

    def test_one_of_two_racing_updates_wins_and_the_other_conflicts(self, store: Store) -> None:
        store.regions.add(_region("r-1"))
        variants = [_region("r-1", name=f"名称{n}") for n in range(4)]
        results = _race(
            [functools.partial(store.regions.update, v, expected_version=1) for v in variants]
        )
        assert results.count(2) == 1, f"one update must win, got {results!r}"
        winner = variants[results.index(2)]
        for loser in (r for r in results if r != 2):
            assert isinstance(loser, ConflictError), f"expected a ConflictError, got {loser!r}"
            assert (loser.expected_version, loser.actual_version) == (1, 2)
        _assert_same(store.regions.get(RegionId("r-1")), winner)
        assert store.regions.get_versioned(RegionId("r-1")).version == 2

    def test_racing_saves_of_different_problems_all_succeed(self, store: Store) -> None:
        problems = [_registered(f"p-{n}") for n in range(4)]
        store.problems.add_many(problems)
        changed = [_then(problem, _assign()) for problem in problems]
        results = _race(
            [functools.partial(store.problems.save, p, expected_version=1) for p in changed]
        )
        assert all(isinstance(result, Problem) for result in results), results
        for problem in changed:
            _assert_same(store.problems.get(problem.id), problem)

    def test_racing_applies_never_repeat_a_sequence_number(self, store: Store) -> None:
        assigned = _then(_registered("p-1"), _assign())
        store.problems.add(assigned)
        at = assigned.transitions[-1].at + _HOUR
        results = _race(
            [
                functools.partial(
                    store.problems.apply,
                    assigned.id,
                    Reassign(lead_department_id=DepartmentId(f"d-{n}")),
                    at=at,
                    actor=_CLERK,
                )
                for n in range(2, 6)
            ]
        )
        done = [r for r in results if isinstance(r, Problem)]
        assert all(isinstance(r, Problem | ConflictError) for r in results), results
        stored = store.problems.get(assigned.id)
        assert stored.version == assigned.version + len(done)
        assert [t.sequence for t in stored.transitions] == list(range(1, stored.version + 1))
