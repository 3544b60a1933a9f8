"""The in-memory store: the reference implementation of the store contract.

It keeps the records themselves in dictionaries. Transactions take one lock,
so they run one at a time and are safe under threads; a transaction that fails
is undone from a journal of what it changed. Nothing survives the process:
use it for tests, examples and one-off analyses.

>>> from jinjiecu.domain.ids import RegionId
>>> from jinjiecu.domain.divisions import DivisionKind
>>> from jinjiecu.domain.org import Region
>>> store = MemoryStore()
>>> leling = Region(id=RegionId("371481"), name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY)
>>> store.regions.add(leling)
>>> store.regions.get(RegionId("371481")).name
'乐陵市'
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from jinjiecu.domain.clock import now
from jinjiecu.domain.policy import ALLOW_ALL
from jinjiecu.errors import ConflictError, DuplicateError, NotFoundError, StorageError
from jinjiecu.serialization import unstructure
from jinjiecu.storage.base import (
    FINANCE_KINDS,
    KINDS,
    IndexValues,
    Query,
    RecordKind,
    Session,
    Store,
    Versioned,
    index_matches,
    problem_matches,
)
from jinjiecu.storage.integrity import (
    AUDIT,
    GENESIS,
    NOTICE,
    RECORD,
    TRANSITION,
    ChainLink,
    Checkpoint,
    StoredEntry,
    audit_key,
    audit_value,
    canonical,
    record_key,
    transition_content,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator, Sequence

    from jinjiecu.domain.policy import AuditEntry, Policy
    from jinjiecu.domain.problem import Problem
    from jinjiecu.storage.notices import NoticeEntry

__all__ = ["MemoryStore"]

T = TypeVar("T")

_MISSING = object()


class MemoryStore(Store):
    """Records in memory, for tests, examples and one-off analyses (``memory://``)."""

    url = "memory://"

    def __init__(
        self, *, policy: Policy = ALLOW_ALL, clock: Callable[[], dt.datetime] = now
    ) -> None:
        super().__init__(policy=policy, clock=clock)
        self._lock = threading.RLock()
        self._closed = False
        # kind name -> id -> (record, version, index values)
        self._records: dict[str, dict[str, tuple[Any, int, IndexValues]]] = {
            kind.name: {} for kind in KINDS
        }
        # kind name -> unique key -> id
        self._unique: dict[str, dict[str, str]] = {kind.name: {} for kind in KINDS}
        self._problems: dict[str, Problem] = {}
        self._idempotency: dict[str, tuple[str, int]] = {}
        # The hash chain by sequence number, its head, audit entries by number, and every
        # version of each finance record: (kind name, id, version) -> record.
        self._chain: dict[int, ChainLink] = {}
        self._head: dict[str, Checkpoint] = {"head": Checkpoint(seq=0, digest=GENESIS)}
        self._audit: dict[int, AuditEntry] = {}
        self._versions: dict[tuple[str, str, int], Any] = {}
        # Every version of every year's holiday notice: (year, version) -> entry.
        self._notices: dict[tuple[int, int], NoticeEntry] = {}

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._lock:
            if self._closed:
                message = "the memory store is closed"
                raise StorageError(message)
            session = _MemorySession(self)
            try:
                yield session
            except BaseException:
                session.undo()
                raise

    def close(self) -> None:
        """Forget everything; the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            self._records.clear()
            self._problems.clear()
            self._idempotency.clear()
            self._chain.clear()
            self._audit.clear()
            self._versions.clear()
            self._notices.clear()


class _MemorySession(Session):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._journal: list[tuple[dict[Any, Any], Any, Any]] = []

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._journal.append((table, key, table.get(key, _MISSING)))
        table[key] = value

    def undo(self, mark: int = 0) -> None:
        """Undo the changes journalled after ``mark`` (all of them by default)."""
        while len(self._journal) > mark:
            table, key, previous = self._journal.pop()
            if previous is _MISSING:
                table.pop(key, None)
            else:
                table[key] = previous

    @contextmanager
    def _one_write(self) -> Iterator[None]:
        # Like the SQL stores' savepoints: a write that fails leaves nothing
        # behind, even inside a transaction that goes on.
        mark = len(self._journal)
        try:
            yield
        except BaseException:
            self.undo(mark)
            raise

    # ------------------------------------------------------------------ records

    def insert(self, kind: RecordKind[Any, Any], records: Sequence[Any]) -> None:
        with self._one_write():
            table = self._store._records[kind.name]  # the session is the store's own
            unique = self._store._unique[kind.name]
            for record in records:
                record_id = str(kind.id_of(record))
                if record_id in table:
                    raise DuplicateError(kind=kind.name, id=record_id)
                index = kind.index(record)
                if index.unique_key is not None:
                    if index.unique_key in unique:
                        raise DuplicateError(kind=kind.name, id=index.unique_key)
                    self._set(unique, index.unique_key, record_id)
                self._set(table, record_id, (record, 1, index))
                if kind.name in FINANCE_KINDS:
                    self._set(self._store._versions, (kind.name, record_id, 1), record)

    def fetch(self, kind: RecordKind[T, Any], record_id: str) -> Versioned[T] | None:
        found = self._store._records[kind.name].get(record_id)
        return None if found is None else Versioned(found[0], found[1])

    def replace(self, kind: RecordKind[Any, Any], record: Any, expected_version: int) -> int:
        with self._one_write():
            table = self._store._records[kind.name]
            unique = self._store._unique[kind.name]
            record_id = str(kind.id_of(record))
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
            index = kind.index(record)
            old_key = found[2].unique_key
            if index.unique_key != old_key:
                if index.unique_key is not None and index.unique_key in unique:
                    raise DuplicateError(kind=kind.name, id=index.unique_key)
                if old_key is not None:
                    self._journal.append((unique, old_key, unique[old_key]))
                    del unique[old_key]
                if index.unique_key is not None:
                    self._set(unique, index.unique_key, record_id)
            self._set(table, record_id, (record, expected_version + 1, index))
            if kind.name in FINANCE_KINDS:
                key = (kind.name, record_id, expected_version + 1)
                self._set(self._store._versions, key, record)
            return expected_version + 1

    def select(self, kind: RecordKind[T, Any], query: Query, limit: int, offset: int) -> list[T]:
        return [record for _, record in self._matching(kind, query)][offset : offset + limit]

    def count(self, kind: RecordKind[Any, Any], query: Query) -> int:
        return len(self._matching(kind, query))

    def _matching(self, kind: RecordKind[Any, Any], query: Query) -> list[tuple[str, Any]]:
        wanted = query.given()
        table = self._store._records[kind.name]
        found = [
            (record_id, record)
            for record_id, (record, _version, index) in table.items()
            if index_matches(index, wanted)
        ]
        return sorted(found, key=lambda item: item[0])

    # ------------------------------------------------------------------ problems

    def insert_problems(self, problems: Sequence[Problem]) -> None:
        with self._one_write():
            table = self._store._problems
            for problem in problems:
                if problem.id in table:
                    raise DuplicateError(kind="problem", id=problem.id)
                self._set(table, str(problem.id), problem)

    def fetch_problem(self, problem_id: str) -> Problem | None:
        return self._store._problems.get(problem_id)

    def problem_version(self, problem_id: str) -> int | None:
        found = self._store._problems.get(problem_id)
        return None if found is None else found.version

    def append(self, problem: Problem, expected_version: int) -> None:
        with self._one_write():
            table = self._store._problems
            stored = table.get(problem.id)
            if stored is None:
                raise NotFoundError(kind="problem", id=problem.id)
            if stored.version != expected_version:
                raise ConflictError(
                    kind="problem",
                    id=problem.id,
                    expected_version=expected_version,
                    actual_version=stored.version,
                )
            self._set(table, str(problem.id), problem)

    def select_problems(self, query: Query, limit: int, offset: int) -> list[Problem]:
        return self._matching_problems(query)[offset : offset + limit]

    def count_problems(self, query: Query) -> int:
        return len(self._matching_problems(query))

    def _matching_problems(self, query: Query) -> list[Problem]:
        wanted = query.given()
        found = [p for p in self._store._problems.values() if problem_matches(p, wanted)]
        return sorted(found, key=lambda problem: problem.id)

    def scan(self, kind: RecordKind[T, Any]) -> Iterator[T]:
        table = self._store._records[kind.name]
        return iter([table[key][0] for key in sorted(table)])

    def scan_problems(self) -> Iterator[Problem]:
        problems = self._store._problems
        return iter([problems[key] for key in sorted(problems)])

    def idempotency_result(self, key: str) -> tuple[str, int] | None:
        return self._store._idempotency.get(key)

    def remember(self, key: str, problem_id: str, version: int) -> None:
        self._set(self._store._idempotency, key, (problem_id, version))

    # ------------------------------------------------------------------ chain and audit

    def chain_head(self) -> Checkpoint:
        return self._store._head["head"]

    def write_chain(self, links: Sequence[ChainLink]) -> None:
        with self._one_write():
            chain = self._store._chain
            for link in links:
                if link.seq in chain:  # pragma: no cover - the lock serialises writers
                    raise DuplicateError(kind="chain entry", id=str(link.seq))
                self._set(chain, link.seq, link)
            last = links[-1]
            self._set(self._store._head, "head", Checkpoint(seq=last.seq, digest=last.digest))

    def keep_versions(self, kind: RecordKind[Any, Any], versions: Sequence[Versioned[Any]]) -> None:
        """Nothing to do: ``insert`` and ``replace`` keep every version of a finance record."""

    def chain_links(self) -> Iterator[ChainLink]:
        chain = self._store._chain
        return iter([chain[seq] for seq in sorted(chain)])

    def stored_entries(self) -> Iterator[StoredEntry]:
        store = self._store
        for problem in store._problems.values():
            for transition in problem.transitions:
                key, content = transition_content(transition)
                yield StoredEntry(kind=TRANSITION, key=key, content=content)
        latest: dict[tuple[str, str], int] = {}
        for kind_name, record_id, version in store._versions:
            slot = (kind_name, record_id)
            latest[slot] = max(version, latest.get(slot, 0))
        for (kind_name, record_id, version), record in store._versions.items():
            key = record_key(kind_name, record_id, version)
            fault = ""
            if latest[kind_name, record_id] == version:
                current = store._records[kind_name].get(record_id)
                if current is None or current[1] != version or current[0] != record:
                    fault = "the current record does not match its latest version"
            yield StoredEntry(
                kind=RECORD,
                key=key,
                content=canonical(RECORD, key, unstructure(record)),
                fault=fault,
            )
        for notice in store._notices.values():
            yield StoredEntry(kind=NOTICE, key=notice.key, content=notice.chain_content())
        for seq, entry in store._audit.items():
            key = audit_key(seq)
            yield StoredEntry(
                kind=AUDIT, key=key, content=canonical(AUDIT, key, audit_value(entry))
            )

    def insert_notice(self, entry: NoticeEntry) -> None:
        with self._one_write():
            notices = self._store._notices
            if (entry.year, entry.version) in notices:
                found = max(version for year, version in notices if year == entry.year)
                raise ConflictError(
                    kind="holiday notice",
                    id=str(entry.year),
                    expected_version=entry.version - 1,
                    actual_version=found,
                )
            self._set(notices, (entry.year, entry.version), entry)

    def select_notices(self) -> list[NoticeEntry]:
        return list(self._store._notices.values())

    def insert_audit(self, entries: Sequence[AuditEntry]) -> None:
        with self._one_write():
            for entry in entries:
                self._set(self._store._audit, entry.seq, entry)

    def select_audit(self, limit: int, offset: int) -> list[AuditEntry]:
        audit = self._store._audit
        return [audit[seq] for seq in sorted(audit)][offset : offset + limit]

    def count_audit(self) -> int:
        return len(self._store._audit)
