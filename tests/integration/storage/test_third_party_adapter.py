"""An adapter written against the core of the store contract only passes the whole suite.

:class:`DictStore` is what a third party would write: records as JSON text in
plain dictionaries, one transaction at a time, undone by putting back a copy
of the tables taken when the transaction began. Its session implements the
four core methods (:data:`~jinjiecu.testing.conformance.CORE_METHODS`) and
nothing else, so every problem, idempotency key, chain link, audit entry,
holiday notice and finance-record version goes through the defaults of
:class:`~jinjiecu.storage.base.Session`, written on those four. It shares no
code with the memory store, and it writes every record through the
serialisation converter as a store on disk would.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import ConflictError, DuplicateError, NotFoundError, StorageError
from jinjiecu.serialization import structure, unstructure
from jinjiecu.storage.base import RecordKind, Session, SessionCore, Store, Versioned
from jinjiecu.storage.integrity import verify
from jinjiecu.testing.conformance import CORE_METHODS, StoreConformance, fresh_bridge_fund
from jinjiecu.testing.stateful import run_against_model

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

T = TypeVar("T")

Table = dict[str, tuple[str, int, str | None]]
"""One kind's records: id -> (JSON text, version, unique key)."""


class DictStore(Store):
    """Records as JSON text in dictionaries; transactions one at a time."""

    url = "dict://"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self._tables: dict[str, Table] | None = {}

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._lock:
            if self._tables is None:
                message = "the dict store is closed"
                raise StorageError(message)
            saved = {name: dict(table) for name, table in self._tables.items()}
            try:
                yield DictSession(self._tables)
            except BaseException:
                self._tables = saved
                raise

    def close(self) -> None:
        with self._lock:
            self._tables = None


def _dump(record: Any) -> str:
    return json.dumps(unstructure(record))


def _load(kind: RecordKind[T, Any], text: str) -> T:
    loaded: T = structure(json.loads(text), kind.cls)
    return loaded


class DictSession(Session):
    """The core only: every other method is the contract's default."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self._tables = tables

    def insert(self, kind: RecordKind[Any, Any], records: Sequence[Any]) -> None:
        table = self._tables.setdefault(kind.name, {})
        keys = {key for _, _, key in table.values() if key is not None}
        new: Table = {}
        for record in records:  # check everything first: all or nothing
            record_id, key = str(kind.id_of(record)), kind.index(record).unique_key
            if record_id in table or record_id in new:
                raise DuplicateError(kind=kind.name, id=record_id)
            if key is not None:
                if key in keys:
                    raise DuplicateError(kind=kind.name, id=key)
                keys.add(key)
            new[record_id] = (_dump(record), 1, key)
        table.update(new)

    def fetch(self, kind: RecordKind[T, Any], record_id: str) -> Versioned[T] | None:
        found = self._tables.get(kind.name, {}).get(record_id)
        return None if found is None else Versioned(_load(kind, found[0]), found[1])

    def replace(self, kind: RecordKind[Any, Any], record: Any, expected_version: int) -> int:
        table = self._tables.setdefault(kind.name, {})
        record_id, key = str(kind.id_of(record)), kind.index(record).unique_key
        found = table.get(record_id)
        if found is None:
            raise NotFoundError(kind=kind.name, id=record_id)
        if found[1] != expected_version:
            raise ConflictError(
                kind=kind.name,
                id=record_id,
                expected_version=expected_version,
                actual_version=found[1],
            )
        if key is not None and any(k == key and i != record_id for i, (_, _, k) in table.items()):
            raise DuplicateError(kind=kind.name, id=key)
        table[record_id] = (_dump(record), expected_version + 1, key)
        return expected_version + 1

    def scan(self, kind: RecordKind[T, Any]) -> Iterator[T]:
        table = self._tables.get(kind.name, {})
        return iter([_load(kind, table[record_id][0]) for record_id in sorted(table)])


def test_the_session_overrides_nothing_but_the_core() -> None:
    assert frozenset(CORE_METHODS) == SessionCore.__abstractmethods__
    own = {
        name
        for name, value in vars(DictSession).items()
        if callable(value) and not name.startswith("__")
    }
    assert own == set(CORE_METHODS)
    # Everything else of the contract is the library's own default, not the adapter's.
    contract = {
        name
        for name in dir(Session)
        if callable(getattr(Session, name)) and not name.startswith("__")
    }
    assert len(contract) > 25
    for name in contract - set(CORE_METHODS):
        assert getattr(DictSession, name) is getattr(Session, name), name


class TestDictStore(StoreConformance):
    @pytest.fixture
    def store(self) -> Iterator[DictStore]:
        with DictStore() as store:
            yield store


def test_the_dict_store_agrees_with_the_memory_store() -> None:
    run_against_model(DictStore)


def test_a_closed_dict_store_refuses_work() -> None:
    store = DictStore()
    store.close()
    with pytest.raises(StorageError, match="closed"):
        store.problems.count()


def test_the_defaults_keep_what_they_store_as_records_of_the_internal_kinds() -> None:
    at = dt.datetime(2020, 3, 2, 9, 0, tzinfo=CHINA_TZ)
    clerk = Actor(kind=ActorKind.CLERK, id="clerk-1", name="王科员")
    register = Register(
        title="厂区道路积水",
        category="financing",
        region_id=RegionId("r-1"),
        enterprise_id=EnterpriseId("e-1"),
    )
    with DictStore() as store:
        problem = Problem.register(register, at=at, actor=clerk, id=ProblemId("p-1"))
        store.problems.add(problem)
        store.problems.apply(
            problem.id,
            Assign(lead_department_id=DepartmentId("d-1")),
            at=at + dt.timedelta(hours=1),
            actor=clerk,
            idempotency_key="request-1",
        )
        fund = fresh_bridge_fund()
        store.bridge_funds.add(fund)
        store.bridge_funds.update(fund, expected_version=1)
        tables = store._tables  # the test's own adapter
        assert tables is not None
        assert {name: len(table) for name, table in tables.items()} == {
            "problem": 1,  # one record per problem: its history, replaced as it grows
            "idempotency_key": 1,
            "chain_head": 1,
            "chain_link": 2 + 2 + 4,  # transitions, fund versions, audit entries
            "audit_entry": 4,
            "bridge_fund": 1,
            "record_version": 2,  # every version of a finance record
        }
        history, version, _key = tables["problem"]["p-1"]
        assert version == 2
        assert len(json.loads(history)["transitions"]) == 2
        assert store.problems.get(ProblemId("p-1")).version == 2
        assert list(tables["chain_link"]) == sorted(tables["chain_link"])
        head = store.head()
        assert tables["chain_head"]["head"][1] == 4  # inserted by the first write, then replaced
        assert verify(store, head).ok


def test_verify_finds_what_was_changed_behind_the_defaults_back() -> None:
    fund = fresh_bridge_fund()
    with DictStore() as store:
        store.bridge_funds.add(fund)
        store.bridge_funds.update(fund, expected_version=1)
        tables = store._tables  # the test's own adapter
        assert tables is not None
        assert verify(store).ok
        text, version, key = tables["bridge_fund"][str(fund.id)]
        tables["bridge_fund"][str(fund.id)] = (text, version + 1, key)  # a version made up
        finding = verify(store).finding
        assert finding is not None
        assert finding.key == f"bridge_fund/{fund.id}#2"
        assert "current record" in finding.reason
        tables["bridge_fund"][str(fund.id)] = (text, version, key)
        for record_id, (text, version, key) in tables["audit_entry"].items():
            changed = text.replace('"add"', '"delete"')
            tables["audit_entry"][record_id] = (changed, version, key)
        finding = verify(store).finding
        assert finding is not None
        assert (finding.kind, finding.reason) == (
            "audit",
            "content or order does not match the chain",
        )
