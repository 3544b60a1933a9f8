"""The adapter contract: what a storage adapter implements, and the defaults written on it.

:class:`Session` is the whole contract: its core, :class:`SessionCore`, is
four methods on versioned records of a kind, and every other method belongs to
a group with defaults written on the core (:class:`ProblemStorage`,
:class:`IdempotencyStorage`, :class:`NoticeStorage`, :class:`IntegrityStorage`),
which keep what they store as records of the internal kinds here
(:data:`INTERNAL_KINDS`). An adapter implements the core and overrides what it
does faster or natively; the built-in stores override every group.

Private to :mod:`jinjiecu.storage`: :mod:`jinjiecu.storage.base` exports every
name here (and documents those in its ``__all__``); import them from there.
"""

from __future__ import annotations

import abc
import itertools
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.ids import EntityId, ProblemId
from jinjiecu.domain.policy import AuditEntry
from jinjiecu.domain.problem import Problem, Transition
from jinjiecu.domain.validation import as_tuple
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import ConflictError, DuplicateError, NotFoundError
from jinjiecu.serialization import unstructure
from jinjiecu.storage._kinds import (
    KINDS,
    MAX_PAGE,
    IndexValues,
    Query,
    RecordKind,
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
from jinjiecu.storage.notices import NoticeEntry

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

__all__ = [
    "AUDIT_ENTRIES",
    "CHAIN_HEADS",
    "CHAIN_LINKS",
    "HOLIDAY_NOTICES",
    "IDEMPOTENCY_KEYS",
    "INTERNAL_KINDS",
    "PROBLEM_HISTORIES",
    "RECORD_VERSIONS",
    "AuditRecord",
    "ChainHeadRecord",
    "ChainLinkRecord",
    "IdempotencyRecord",
    "IdempotencyStorage",
    "IntegrityStorage",
    "NoticeRecord",
    "NoticeStorage",
    "ProblemHistory",
    "ProblemStorage",
    "RecordVersion",
    "Session",
    "SessionCore",
]

T = TypeVar("T")
I = TypeVar("I", bound=EntityId)  # noqa: E741 - the conventional name for an id type variable


@attrs.frozen(kw_only=True)
class ProblemHistory:
    """A problem as the default :class:`ProblemStorage` keeps it: its id and its transitions.

    Nothing derived is stored: the problem is rebuilt with
    :meth:`~jinjiecu.domain.problem.Problem.from_history` whenever it is read.
    """

    id: ProblemId
    transitions: tuple[Transition, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True)
class IdempotencyRecord:
    """What the save with idempotency key ``id`` produced (default :class:`IdempotencyStorage`)."""

    id: str
    problem_id: str
    version: int


@attrs.frozen(kw_only=True)
class ChainLinkRecord:
    """One link of the hash chain (default :class:`IntegrityStorage`).

    ``id`` is ``seq`` written with 20 digits, so that ids in code point order
    are links in sequence order.
    """

    id: str
    seq: int
    kind: str
    key: str
    digest: str


@attrs.frozen(kw_only=True)
class ChainHeadRecord:
    """The chain's head, the one record of its kind (default :class:`IntegrityStorage`)."""

    id: str
    seq: int
    digest: str


@attrs.frozen(kw_only=True)
class AuditRecord:
    """One audit entry; ``id`` is its sequence number written with 20 digits."""

    id: str
    entry: AuditEntry


@attrs.frozen(kw_only=True)
class NoticeRecord:
    """One version of a year's holiday notice; ``id`` is its chain key (``"2027#1"``)."""

    id: str
    entry: NoticeEntry


@attrs.frozen(kw_only=True)
class RecordVersion:
    """One version of a finance record, kept for the hash chain (default :class:`IntegrityStorage`).

    ``id`` is the version's chain key (``"bridge_fund/f-1#2"``); ``value`` is
    the record as the serialisation converter unstructures it.
    """

    id: str
    kind: str
    record_id: str
    version: int
    value: dict[str, Any]


def _internal(name: str, cls: type[T], id_type: type[I]) -> RecordKind[T, I]:
    return RecordKind(
        name=name,
        cls=cls,
        id_type=id_type,
        index=lambda _record: IndexValues(),
        filters=frozenset(),
    )


# The internal kinds, and INTERNAL_KINDS, are documented in jinjiecu.storage.base, which
# binds them again with their documentation: the reference is built from that module.
PROBLEM_HISTORIES = _internal("problem", ProblemHistory, ProblemId)
IDEMPOTENCY_KEYS = _internal("idempotency_key", IdempotencyRecord, EntityId)
CHAIN_LINKS = _internal("chain_link", ChainLinkRecord, EntityId)
CHAIN_HEADS = _internal("chain_head", ChainHeadRecord, EntityId)
AUDIT_ENTRIES = _internal("audit_entry", AuditRecord, EntityId)
HOLIDAY_NOTICES = _internal("holiday_notice", NoticeRecord, EntityId)
RECORD_VERSIONS = _internal("record_version", RecordVersion, EntityId)

INTERNAL_KINDS: tuple[RecordKind[Any, Any], ...] = (
    PROBLEM_HISTORIES,
    IDEMPOTENCY_KEYS,
    CHAIN_LINKS,
    CHAIN_HEADS,
    AUDIT_ENTRIES,
    HOLIDAY_NOTICES,
    RECORD_VERSIONS,
)

_HEAD = "head"


def _seq_id(seq: int) -> str:
    """A chain sequence number as an id that sorts in sequence order."""
    return f"{seq:020d}"


class SessionCore(abc.ABC):
    """The core of the adapter contract: versioned records of a :class:`RecordKind`.

    **Core: every adapter implements** :meth:`insert`, :meth:`fetch`,
    :meth:`replace` and :meth:`scan` (the abstract methods; the conformance
    suite lists them as :data:`~jinjiecu.testing.conformance.CORE_METHODS`).
    :meth:`select` and :meth:`count` have defaults that filter :meth:`scan`;
    override them to ask your database.

    A session is one transaction. Records of every kind in :data:`KINDS` and
    :data:`INTERNAL_KINDS` come through these methods; keep each kind apart
    and each record whole (the serialisation converter,
    :mod:`jinjiecu.serialization`, reads and writes every one of them).
    The public collections validate arguments, so a session receives valid
    records, ids and queries. Methods raise the library's storage errors,
    never driver errors. Each write is atomic on its own: if it raises, it
    leaves nothing behind and the transaction can carry on.
    """

    @abc.abstractmethod
    def insert(self, kind: RecordKind[Any, Any], records: Sequence[Any]) -> None:
        """Core (must implement): insert new records at version 1, all or none.

        Raises :class:`~jinjiecu.errors.DuplicateError` (``kind`` the kind's
        name, ``id`` the record's id or its unique key) for an id already
        stored or repeated in ``records``, and for an
        :attr:`IndexValues.unique_key` another record of the kind has;
        checked in batch order, each record's id before its key.
        """

    @abc.abstractmethod
    def fetch(self, kind: RecordKind[T, Any], record_id: str) -> Versioned[T] | None:
        """Core (must implement): the record with its version, or ``None``."""

    @abc.abstractmethod
    def replace(self, kind: RecordKind[Any, Any], record: Any, expected_version: int) -> int:
        """Core (must implement): replace a record if it is at ``expected_version``.

        Returns the new version, ``expected_version + 1``. Raises
        :class:`~jinjiecu.errors.NotFoundError` if there is no such record,
        :class:`~jinjiecu.errors.ConflictError` (expected and actual version)
        if its version is another, and :class:`~jinjiecu.errors.DuplicateError`
        if its new unique key is another record's; checked and written
        atomically.
        """

    @abc.abstractmethod
    def scan(self, kind: RecordKind[T, Any]) -> Iterator[T]:
        """Core (must implement): every record of ``kind``, ordered by id in code point order.

        Python's ``sorted`` on the ids gives that order; a database collation
        may not (use ``COLLATE "C"`` or sort by the id's bytes in UTF-8).
        """

    def select(self, kind: RecordKind[T, Any], query: Query, limit: int, offset: int) -> list[T]:
        """Default (override for speed): records matching ``query``, ordered by id, one page.

        Filters :meth:`scan` by the records' index values (:class:`Query` says
        what each field matches).
        """
        wanted = query.given()
        found = (r for r in self.scan(kind) if index_matches(kind.index(r), wanted))
        return list(itertools.islice(found, offset, offset + limit))

    def count(self, kind: RecordKind[Any, Any], query: Query) -> int:
        """Default (override for speed): how many records match ``query`` (filters :meth:`scan`)."""
        wanted = query.given()
        return sum(1 for r in self.scan(kind) if index_matches(kind.index(r), wanted))


class ProblemStorage(SessionCore):
    """Problems and their append-only histories. Default: stored as :data:`PROBLEM_HISTORIES`.

    Every method has a default written on the core: a problem is one record
    of :class:`ProblemHistory` (its transitions), replaced optimistically
    when transitions are appended, and rebuilt with
    :meth:`~jinjiecu.domain.problem.Problem.from_history` when read. Override
    the group to keep problems your own way (then override all of it, and
    :meth:`IntegrityStorage.stored_entries` reads them through
    :meth:`scan_problems`).
    """

    def insert_problems(self, problems: Sequence[Problem]) -> None:
        """Default (override for speed): insert new problems with all their transitions.

        All or none; an existing problem raises
        :class:`~jinjiecu.errors.DuplicateError` (kind ``"problem"``).
        """
        self.insert(
            PROBLEM_HISTORIES,
            [ProblemHistory(id=p.id, transitions=p.transitions) for p in problems],
        )

    def fetch_problem(self, problem_id: str) -> Problem | None:
        """Default (override for speed): the problem, rebuilt from its stored transitions."""
        found = self.fetch(PROBLEM_HISTORIES, problem_id)
        return None if found is None else Problem.from_history(found.record.transitions)

    def problem_version(self, problem_id: str) -> int | None:
        """Default (override for speed): the stored version (number of transitions), or ``None``."""
        found = self.fetch(PROBLEM_HISTORIES, problem_id)
        return None if found is None else len(found.record.transitions)

    def append(self, problem: Problem, expected_version: int) -> None:
        """Default (override for speed): append the transitions after ``expected_version``.

        Raises :class:`~jinjiecu.errors.NotFoundError` for a problem not
        stored and :class:`~jinjiecu.errors.ConflictError` if the stored
        version is not ``expected_version``, checked and written atomically
        (the default replaces the history at the record version it read).
        """
        found = self.fetch(PROBLEM_HISTORIES, problem.id)
        if found is None:
            raise NotFoundError(kind="problem", id=problem.id)
        stored = found.record.transitions
        if len(stored) != expected_version:
            raise ConflictError(
                kind="problem",
                id=problem.id,
                expected_version=expected_version,
                actual_version=len(stored),
            )
        history = ProblemHistory(
            id=problem.id, transitions=stored + problem.transitions[expected_version:]
        )
        try:
            self.replace(PROBLEM_HISTORIES, history, found.version)
        except ConflictError:
            # Another transaction appended meanwhile: report the problem's versions.
            actual = self.problem_version(problem.id)
            raise ConflictError(
                kind="problem",
                id=problem.id,
                expected_version=expected_version,
                actual_version=expected_version if actual is None else actual,
            ) from None

    def select_problems(self, query: Query, limit: int, offset: int) -> list[Problem]:
        """Default (override for speed): problems matching ``query``, ordered by id, one page."""
        wanted = query.given()
        found = (p for p in self.scan_problems() if problem_matches(p, wanted))
        return list(itertools.islice(found, offset, offset + limit))

    def count_problems(self, query: Query) -> int:
        """Default (override for speed): how many problems match ``query``."""
        wanted = query.given()
        return sum(1 for p in self.scan_problems() if problem_matches(p, wanted))

    def scan_problems(self) -> Iterator[Problem]:
        """Default (override for speed): every problem, ordered by id."""
        for history in self.scan(PROBLEM_HISTORIES):
            yield Problem.from_history(history.transitions)

    def problems_counted_from(self, day: dt.date) -> Iterator[Problem]:
        """Default (override for speed): problems whose deadline was counted from ``day`` on.

        Those whose current deadline is on or after ``day``, and those resumed
        on or after it (a pause counted over those days moved their deadline,
        wherever it fell), ordered by id. Scans every problem; SQL stores ask
        the database.
        """
        found = []
        for problem in self.scan_problems():
            if problem.deadline is None:
                continue
            resumed = any(
                t.event is Event.RESUME and local_date(t.at) >= day for t in problem.transitions
            )
            if resumed or problem.deadline >= day:
                found.append(problem)
        return iter(found)

    def rebuild_read_model(self) -> int:
        """Default: rewrite where each problem stands now from a replay of its history.

        Returns how many problems' rows were wrong and rewritten. A store that
        keeps no such rows (the default, and the memory store, which holds its
        problems folded) has nothing to rebuild: 0. Override it if you keep
        rows derived from the histories.
        """
        return 0


class IdempotencyStorage(SessionCore):
    """Idempotency keys of problem saves. Default: stored as :data:`IDEMPOTENCY_KEYS`."""

    def idempotency_result(self, key: str) -> tuple[str, int] | None:
        """Default (override for speed): the (problem id, version) a save with ``key`` produced."""
        found = self.fetch(IDEMPOTENCY_KEYS, key)
        return None if found is None else (found.record.problem_id, found.record.version)

    def remember(self, key: str, problem_id: str, version: int) -> None:
        """Default (override for speed): record that the save with ``key`` produced ``version``.

        A key already remembered raises :class:`~jinjiecu.errors.DuplicateError`
        (kind ``"idempotency key"``); callers ask :meth:`idempotency_result` first.
        """
        record = IdempotencyRecord(id=key, problem_id=problem_id, version=version)
        try:
            self.insert(IDEMPOTENCY_KEYS, [record])
        except DuplicateError:
            raise DuplicateError(kind="idempotency key", id=key) from None


class NoticeStorage(SessionCore):
    """Holiday notices (see :mod:`jinjiecu.storage.notices`). Default: :data:`HOLIDAY_NOTICES`.

    Every version of every year's notice, appended; the chain entry is
    written by the caller.
    """

    def insert_notice(self, entry: NoticeEntry) -> None:
        """Default (override for speed): store one version of a year's notice.

        Raises :class:`~jinjiecu.errors.ConflictError` (kind ``"holiday
        notice"``) if the year already has that version (a concurrent writer
        got there first).
        """
        try:
            self.insert(HOLIDAY_NOTICES, [NoticeRecord(id=entry.key, entry=entry)])
        except DuplicateError:
            found = max(e.version for e in self.select_notices() if e.year == entry.year)
            raise ConflictError(
                kind="holiday notice",
                id=str(entry.year),
                expected_version=entry.version - 1,
                actual_version=found,
            ) from None

    def select_notices(self) -> list[NoticeEntry]:
        """Default (override for speed): every version of every year's notice, in any order."""
        return [record.entry for record in self.scan(HOLIDAY_NOTICES)]


class IntegrityStorage(SessionCore):
    """The hash chain, the audit trail and the entries they cover (tamper evidence).

    See :mod:`jinjiecu.storage.integrity`. Every method has a default
    written on the core: links are records of :data:`CHAIN_LINKS`; the head
    is one record of :data:`CHAIN_HEADS`, replaced optimistically, so two
    writers can never both extend the chain from the same head; audit
    entries are records of :data:`AUDIT_ENTRIES`; each version of a finance
    record is a record of :data:`RECORD_VERSIONS`. Where transactions run at
    once, serialise writers (as the memory store does) or override
    :meth:`chain_head` to lock the head until the transaction ends (as the
    PostgreSQL store does); otherwise a racing writer fails with
    :class:`~jinjiecu.errors.ConflictError`. The library computes every
    digest; the session only stores and returns them.
    """

    def chain_head(self) -> Checkpoint:
        """Default (override to lock): the chain's head as stored.

        ``seq`` 0 and the genesis digest when the chain is empty. A writer
        calls it before :meth:`write_chain`; where writers can run at once
        (PostgreSQL), an override locks the head until the transaction ends.
        """
        found = self.fetch(CHAIN_HEADS, _HEAD)
        if found is None:
            return Checkpoint(seq=0, digest=GENESIS)
        return Checkpoint(seq=found.record.seq, digest=found.record.digest)

    def write_chain(self, links: Sequence[ChainLink]) -> None:
        """Default (override for speed): append ``links`` and move the head to the last.

        The default moves the head first (at the record version it read, so a
        racing writer conflicts), then inserts the links; if that fails, it
        puts the head back, so nothing is left behind.
        """
        if not links:
            return
        last = links[-1]
        found = self.fetch(CHAIN_HEADS, _HEAD)
        head = ChainHeadRecord(id=_HEAD, seq=last.seq, digest=last.digest)
        if found is None:
            self.insert(CHAIN_HEADS, [head])
        else:
            self.replace(CHAIN_HEADS, head, found.version)
        rows = [
            ChainLinkRecord(
                id=_seq_id(link.seq), seq=link.seq, kind=link.kind, key=link.key, digest=link.digest
            )
            for link in links
        ]
        try:
            self.insert(CHAIN_LINKS, rows)
        except BaseException:
            before = (
                ChainHeadRecord(id=_HEAD, seq=0, digest=GENESIS) if found is None else found.record
            )
            moved = self.fetch(CHAIN_HEADS, _HEAD)
            if moved is not None:
                self.replace(CHAIN_HEADS, before, moved.version)
            raise

    def chain_links(self) -> Iterator[ChainLink]:
        """Default (override for speed): every chain link, in sequence order."""
        for record in self.scan(CHAIN_LINKS):
            yield ChainLink(seq=record.seq, kind=record.kind, key=record.key, digest=record.digest)

    def keep_versions(self, kind: RecordKind[Any, Any], versions: Sequence[Versioned[Any]]) -> None:
        """Default: keep these versions of finance records for :meth:`stored_entries`.

        Called after each :meth:`~SessionCore.insert` and
        :meth:`~SessionCore.replace` of a finance record
        (:data:`FINANCE_KINDS`), in the same transaction: the hash chain
        covers every version, so every version is kept. The default stores
        each as a :class:`RecordVersion`. A store that keeps versions inside
        its own ``insert`` and ``replace`` (the built-in ones) overrides this
        to do nothing, and :meth:`stored_entries` to read them.
        """
        self.insert(
            RECORD_VERSIONS,
            [
                RecordVersion(
                    id=record_key(kind.name, str(kind.id_of(v.record)), v.version),
                    kind=kind.name,
                    record_id=str(kind.id_of(v.record)),
                    version=v.version,
                    value=unstructure(v.record),
                )
                for v in versions
            ],
        )

    def insert_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Default (override for speed): store audit entries (already numbered and chained)."""
        self.insert(AUDIT_ENTRIES, [AuditRecord(id=_seq_id(e.seq), entry=e) for e in entries])

    def select_audit(self, limit: int, offset: int) -> list[AuditEntry]:
        """Default (override for speed): audit entries in sequence order, one page."""
        return [record.entry for record in self.select(AUDIT_ENTRIES, Query(), limit, offset)]

    def count_audit(self) -> int:
        """Default (override for speed): how many audit entries there are."""
        return self.count(AUDIT_ENTRIES, Query())

    def stored_entries(self) -> Iterator[StoredEntry]:
        """Default (override with your own reads): every chained entry as stored, in any order.

        Transitions, finance-record versions, holiday notices and audit
        entries, each with its canonical text
        (:func:`~jinjiecu.storage.integrity.canonical`) built from what is
        stored, and a ``fault`` when what is derived from it (a record's
        current version) does not match it. The default reads transitions
        through :meth:`ProblemStorage.scan_problems`, notices through
        :meth:`NoticeStorage.select_notices`, audit entries through
        :meth:`select_audit`, and finance-record versions from
        :data:`RECORD_VERSIONS` (what the default :meth:`keep_versions`
        writes: override the two together).
        """
        session = cast("Session", self)  # mixed into Session: reads the other groups
        for problem in session.scan_problems():
            for transition in problem.transitions:
                key, content = transition_content(transition)
                yield StoredEntry(kind=TRANSITION, key=key, content=content)
        yield from _stored_versions(self)
        for notice in session.select_notices():
            yield StoredEntry(kind=NOTICE, key=notice.key, content=notice.chain_content())
        offset = 0
        while page := self.select_audit(MAX_PAGE, offset):
            offset += len(page)
            for entry in page:
                key = audit_key(entry.seq)
                content = canonical(AUDIT, key, audit_value(entry))
                yield StoredEntry(kind=AUDIT, key=key, content=content)


def _stored_versions(session: SessionCore) -> Iterator[StoredEntry]:
    """Finance-record versions kept by the default :meth:`IntegrityStorage.keep_versions`."""
    versions = list(session.scan(RECORD_VERSIONS))
    latest: dict[tuple[str, str], int] = {}
    for v in versions:
        slot = (v.kind, v.record_id)
        latest[slot] = max(v.version, latest.get(slot, 0))
    kinds = {kind.name: kind for kind in KINDS}
    for v in versions:
        key = record_key(v.kind, v.record_id, v.version)
        content = canonical(RECORD, key, v.value)
        fault = ""
        if latest[v.kind, v.record_id] == v.version:
            kind = kinds.get(v.kind)
            current = None if kind is None else session.fetch(kind, v.record_id)
            if (
                current is None
                or current.version != v.version
                or canonical(RECORD, key, unstructure(current.record)) != content
            ):
                fault = "the current record does not match its latest version"
        yield StoredEntry(kind=RECORD, key=key, content=content, fault=fault)


class Session(ProblemStorage, IdempotencyStorage, NoticeStorage, IntegrityStorage):
    """One transaction's reads and writes: the whole adapter contract. Subclass it.

    It is :class:`SessionCore` (implement :meth:`~SessionCore.insert`,
    :meth:`~SessionCore.fetch`, :meth:`~SessionCore.replace` and
    :meth:`~SessionCore.scan`) plus the groups whose every method has a
    default written on the core: :class:`ProblemStorage`,
    :class:`IdempotencyStorage`, :class:`NoticeStorage` and
    :class:`IntegrityStorage`. Override any method to do it faster or
    natively; the memory and SQL stores override every method they do
    faster, keeping their own tables. New capabilities come as new methods
    with defaults, so an adapter written against the core keeps working.

    Rules every session keeps, defaults included: an existing id or unique
    key raises :class:`~jinjiecu.errors.DuplicateError`, a stale version
    :class:`~jinjiecu.errors.ConflictError`, never a driver error; each write
    method is atomic on its own (if it raises, it leaves nothing behind and
    the transaction carries on: the SQL stores use a savepoint per write,
    the memory store undoes it from its journal); problems are returned
    rebuilt with :meth:`~jinjiecu.domain.problem.Problem.from_history`.
    """
