"""Transactions: commit, roll back, savepoints, no nesting.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import pytest

from jinjiecu.domain.events import Close, Reject, Start
from jinjiecu.domain.ids import EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import (
    ConflictError,
    DuplicateError,
    IllegalTransitionError,
    StorageError,
    ValidationError,
)
from jinjiecu.storage.base import Query, Store
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    _T0,
    ConformanceArea,
    _assert_same,
    _assign,
    _credit_code,
    _enterprise,
    _region,
    _registered,
    _RollBack,
    _then,
)


class TransactionsConformance(ConformanceArea):
    """A transaction commits whole or rolls back whole; a failed write inside leaves nothing."""

    # ---------------------------------------------------------- transactions

    def test_a_transaction_commits_when_the_block_succeeds(self, store: Store) -> None:
        store.regions.add(_region("r-0"))
        problem = _registered("p-1")
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            tx.enterprises.add(_enterprise("e-1", credit_code=_credit_code(1)))
            tx.regions.update(_region("r-0", name="改名"), expected_version=1)
            tx.problems.save(problem, expected_version=0, idempotency_key="k-1")
            tx.problems.apply(problem.id, _assign(), at=_T0 + _HOUR, actor=_CLERK)
            # Reads inside the transaction see its own writes.
            assert RegionId("r-1") in tx.regions
            assert tx.regions.count() == 2
            assert tx.problems.get(problem.id).version == 2
            assert [p.id for p in tx.problems.list(Query(state=ProblemState.ASSIGNED))] == ["p-1"]
        assert store.regions.get(RegionId("r-0")).name == "改名"
        assert store.regions.get_versioned(RegionId("r-0")).version == 2
        assert RegionId("r-1") in store.regions
        assert EnterpriseId("e-1") in store.enterprises
        assert store.problems.get(problem.id).version == 2
        # The key was kept: its retry writes nothing and returns the stored problem.
        retried = store.problems.save(problem, expected_version=0, idempotency_key="k-1")
        assert retried.version == 2

    @pytest.mark.parametrize(
        "failure",
        ["exception", "base exception", "storage error", "validation error"],
    )
    def test_a_transaction_rolls_back_everything_on_any_exception(
        self, store: Store, failure: str
    ) -> None:
        store.regions.add(_region("r-0"))
        stored = _registered("p-0")
        store.problems.add(stored)
        before = _then(stored, _assign())
        new_problem = _registered("p-1")

        class Failure(BaseException):
            pass

        raised: type[BaseException] = {
            "exception": RuntimeError,
            "base exception": Failure,
            "storage error": DuplicateError,
            "validation error": ValidationError,
        }[failure]
        with pytest.raises(raised), store.transaction() as tx:  # noqa: PT012
            tx.regions.add(_region("r-1"))
            tx.regions.update(_region("r-0", name="改名"), expected_version=1)
            tx.enterprises.add_many([_enterprise("e-1", credit_code=_credit_code(1))])
            tx.problems.add(new_problem)
            tx.problems.save(before, expected_version=1, idempotency_key="k-1")
            tx.problems.apply(stored.id, Start(), at=_T0 + 3 * _HOUR, actor=_CLERK)
            if failure == "exception":
                raise RuntimeError
            if failure == "base exception":
                raise Failure
            if failure == "storage error":
                tx.regions.add(_region("r-0"))  # a duplicate: the store itself raises
            tx.regions.list(limit=0)  # a bad page: the collection raises
        assert RegionId("r-1") not in store.regions
        _assert_same(store.regions.get(RegionId("r-0")), _region("r-0"))
        assert store.regions.get_versioned(RegionId("r-0")).version == 1
        assert EnterpriseId("e-1") not in store.enterprises
        assert store.enterprises.count() == 0
        # The credit code was released with the rolled-back enterprise.
        store.enterprises.add(_enterprise("e-2", credit_code=_credit_code(1)))
        assert new_problem.id not in store.problems
        _assert_same(store.problems.get(stored.id), stored)
        # The key was forgotten: its retry writes.
        _assert_same(store.problems.save(before, expected_version=1, idempotency_key="k-1"), before)
        _assert_same(store.problems.get(stored.id), before)
        # The store is usable after a rollback.
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
        assert RegionId("r-1") in store.regions

    def test_a_batch_in_a_transaction_is_rolled_back_with_it(self, store: Store) -> None:
        with pytest.raises(DuplicateError), store.transaction() as tx:  # noqa: PT012
            tx.regions.add_many([_region("r-1"), _region("r-2")])
            tx.problems.add_many([_registered("p-1"), _registered("p-2")])
            tx.problems.add_many([_registered("p-3"), _registered("p-1")])
        assert store.regions.count() == 0
        assert store.problems.count() == 0

    def test_a_write_that_fails_in_a_transaction_leaves_nothing_and_it_goes_on(
        self, store: Store
    ) -> None:
        code = _credit_code(1)
        store.regions.add(_region("r-0"))
        registered = _registered("p-0")
        store.problems.add(registered)
        assigned = _then(registered, _assign())
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            with pytest.raises(DuplicateError):
                tx.regions.add_many([_region("r-2"), _region("r-0")])
            assert RegionId("r-2") not in tx.regions
            with pytest.raises(ConflictError):
                tx.regions.update(_region("r-0", name="改名"), expected_version=2)
            with pytest.raises(DuplicateError):
                tx.enterprises.add_many(
                    [_enterprise("e-1", credit_code=code), _enterprise("e-2", credit_code=code)]
                )
            assert tx.enterprises.count() == 0
            tx.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            with pytest.raises(ConflictError):
                tx.problems.save(_then(registered, Reject(reason="重复")), expected_version=1)
            with pytest.raises(IllegalTransitionError):
                tx.problems.apply(registered.id, Close(), at=_T0 + 3 * _HOUR, actor=_CLERK)
            with pytest.raises(DuplicateError):
                tx.problems.add_many([_registered("p-1"), _registered("p-0")])
            assert ProblemId("p-1") not in tx.problems
            tx.regions.add(_region("r-3"))
            tx.enterprises.add(_enterprise("e-3", credit_code=code))  # the code is still free
        assert [r.id for r in store.regions.list()] == ["r-0", "r-1", "r-3"]
        _assert_same(store.regions.get(RegionId("r-0")), _region("r-0"))
        assert store.regions.get_versioned(RegionId("r-0")).version == 1
        assert [e.id for e in store.enterprises.list()] == ["e-3"]
        _assert_same(store.problems.get(registered.id), assigned)
        assert [p.id for p in store.problems.list()] == ["p-0"]
        # The save's key was kept with it.
        _assert_same(
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1"), assigned
        )

    def test_a_nested_transaction_is_refused(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            with pytest.raises(StorageError), store.transaction():
                pass  # pragma: no cover - refused before the block runs
            with pytest.raises(StorageError):
                store.regions.add(_region("r-2"))  # the store's own collections open one too
            tx.regions.add(_region("r-3"))
        assert [r.id for r in store.regions.list()] == ["r-1", "r-3"]

    def test_the_store_collections_commit_call_by_call(self, store: Store) -> None:
        store.regions.add(_region("r-1"))
        with pytest.raises(DuplicateError):
            store.regions.add_many([_region("r-2"), _region("r-1")])
        store.problems.add(_registered("p-1"))
        with store.transaction() as tx:
            assert [r.id for r in tx.regions.list()] == ["r-1"]
            assert ProblemId("p-1") in tx.problems
        with pytest.raises(_RollBack), store.transaction() as tx:  # noqa: PT012
            tx.regions.add(_region("r-3"))
            raise _RollBack
        assert [r.id for r in store.regions.list()] == ["r-1"]
