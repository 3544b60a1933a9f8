"""The store contract: typed collections, units of work, optimistic concurrency.

Every adapter (memory, SQLite, PostgreSQL, or your own) implements one class,
:class:`Session`: the primitive reads and writes of one transaction. Its core,
:class:`SessionCore`, is four methods on versioned records of a kind
(``insert``, ``fetch``, ``replace``, ``scan``); every other method belongs to
a group with default implementations written on the core
(:class:`ProblemStorage`, :class:`IdempotencyStorage`, :class:`NoticeStorage`,
:class:`IntegrityStorage`), which an adapter overrides only to be faster.
Everything a caller touches is built on the session here, once, so adapters
cannot differ in behaviour:

- :class:`Store`: ``with store.transaction() as tx:`` commits when the block
  ends normally and rolls back on any exception. Outside a transaction, every
  call on ``store.<collection>`` runs in a transaction of its own.
- :class:`Records`: ``add``, ``add_many`` (all or nothing), ``get``,
  ``get_versioned``, ``update`` (optimistic: a stale ``expected_version``
  raises :class:`~jinjiecu.errors.ConflictError` and writes nothing),
  ``list`` and ``count`` with a :class:`Query` and pagination.
- :class:`ProblemRecords`: problems with their transitions, which are only
  ever appended: ``save(problem, expected_version=...)`` appends the new ones;
  an ``idempotency_key`` makes a retried save record nothing twice.

A missing id raises :class:`~jinjiecu.errors.NotFoundError` naming the kind and
the id; a duplicate id raises :class:`~jinjiecu.errors.DuplicateError`. Driver
errors never escape: adapters map them to
:class:`~jinjiecu.errors.StorageError` subclasses.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Self, TypeVar

import attrs

from jinjiecu.domain.clock import now
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CampaignId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    DepartmentId,
    EnterpriseId,
    EntityId,
    GuaranteeLinkId,
    LeaderId,
    LoanRenewalId,
    OfficeId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WhitelistId,
    WorkGroupId,
)
from jinjiecu.domain.policy import ALLOW_ALL, AllowAll, AuditEntry, AuditOutcome, Policy
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    Problem,
    ProblemRules,
)
from jinjiecu.domain.validation import (
    check,
    check_argument,
    int_in,
    is_id,
    name_text,
)
from jinjiecu.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    ValidationError,
)
from jinjiecu.serialization import unstructure
from jinjiecu.storage import _contract, _kinds, integrity

# Record kinds and queries (_kinds) and the adapter contract (_contract) are defined in
# private modules and exported here. Names other modules import from here that are not
# in __all__ are imported "as" themselves, which marks them re-exported for type checkers.
# ruff: noqa: PLC0414
from jinjiecu.storage._contract import (
    AuditRecord,
    ChainHeadRecord,
    ChainLinkRecord,
    IdempotencyRecord,
    IdempotencyStorage,
    IntegrityStorage,
    NoticeRecord,
    NoticeStorage,
    ProblemHistory,
    ProblemStorage,
    RecordVersion,
    Session,
    SessionCore,
)
from jinjiecu.storage._kinds import (
    ASSET_DISPOSALS as ASSET_DISPOSALS,
    BRIDGE_FUNDS as BRIDGE_FUNDS,
    CAMPAIGNS as CAMPAIGNS,
    COORDINATED_FINANCINGS as COORDINATED_FINANCINGS,
    CREDITOR_COMMITTEES as CREDITOR_COMMITTEES,
    DEBT_RESOLUTIONS as DEBT_RESOLUTIONS,
    DEPARTMENTS as DEPARTMENTS,
    ENTERPRISES as ENTERPRISES,
    GUARANTEE_LINKS as GUARANTEE_LINKS,
    LEADERS as LEADERS,
    LOAN_RENEWALS as LOAN_RENEWALS,
    OFFICES as OFFICES,
    PROBLEM_FILTERS as PROBLEM_FILTERS,
    PROJECTS as PROJECTS,
    REGIONS as REGIONS,
    VISITS as VISITS,
    WHITELISTS as WHITELISTS,
    WORK_GROUPS as WORK_GROUPS,
    IndexValues,
    Query,
    RecordKind,
    Versioned,
    index_matches as index_matches,
    problem_matches as problem_matches,
)
from jinjiecu.storage.integrity import (
    RECORD,
    Checkpoint,
    PendingAudit,
    canonical,
    record_key,
    sharing_data_texts,
    transition_audits,
    transition_entries,
)
from jinjiecu.storage.notices import HolidayNotices, counting_rules

if TYPE_CHECKING:
    import datetime as dt

    from jinjiecu.domain.campaign import Campaign
    from jinjiecu.domain.enterprise import Enterprise, Project
    from jinjiecu.domain.events import EventData
    from jinjiecu.domain.finance import (
        AssetDisposal,
        BridgeFund,
        CoordinatedFinancing,
        CreditorCommittee,
        DebtResolution,
        LoanRenewal,
        Whitelist,
    )
    from jinjiecu.domain.guarantees import GuaranteeLink
    from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
    from jinjiecu.domain.visit import Visit

__all__ = [
    "AUDIT_ENTRIES",
    "CHAIN_HEADS",
    "CHAIN_LINKS",
    "FINANCE_KINDS",
    "HOLIDAY_NOTICES",
    "IDEMPOTENCY_KEYS",
    "INTERNAL_KINDS",
    "KINDS",
    "MAX_PAGE",
    "PROBLEM_HISTORIES",
    "RECORD_VERSIONS",
    "UNNAMED_ACTOR",
    "AuditRecord",
    "AuditTrail",
    "ChainHeadRecord",
    "ChainLinkRecord",
    "IdempotencyRecord",
    "IdempotencyStorage",
    "IndexValues",
    "IntegrityStorage",
    "NoticeRecord",
    "NoticeStorage",
    "ProblemHistory",
    "ProblemRecords",
    "ProblemStorage",
    "Query",
    "RecordKind",
    "RecordVersion",
    "Records",
    "Session",
    "SessionCore",
    "Store",
    "Transaction",
    "Versioned",
    "WriteContext",
]

T = TypeVar("T")
I = TypeVar("I", bound=EntityId)  # noqa: E741 - the conventional name for an id type variable

# The constants of the kinds and of the contract, bound again here so that the
# reference documentation (built from this module) shows what each one is.

MAX_PAGE = _kinds.MAX_PAGE
"""The most records one ``list`` call returns; page through more with ``offset``."""

KINDS: tuple[RecordKind[Any, Any], ...] = _kinds.KINDS
"""Every kind of record besides problems, in the order stores create them."""

FINANCE_KINDS: frozenset[str] = _kinds.FINANCE_KINDS
"""Names of the finance record kinds (金融纾困), whose every version is kept and
hash-chained (see :mod:`jinjiecu.storage.integrity`)."""

PROBLEM_HISTORIES = _contract.PROBLEM_HISTORIES
"""Problems kept by the default :class:`ProblemStorage`, one :class:`ProblemHistory` each."""
IDEMPOTENCY_KEYS = _contract.IDEMPOTENCY_KEYS
"""Idempotency keys kept by the default :class:`IdempotencyStorage`."""
CHAIN_LINKS = _contract.CHAIN_LINKS
"""Links of the hash chain kept by the default :class:`IntegrityStorage`."""
CHAIN_HEADS = _contract.CHAIN_HEADS
"""The chain's head (one record, id ``"head"``) kept by the default :class:`IntegrityStorage`."""
AUDIT_ENTRIES = _contract.AUDIT_ENTRIES
"""Audit entries kept by the default :class:`IntegrityStorage`."""
HOLIDAY_NOTICES = _contract.HOLIDAY_NOTICES
"""Every version of every year's holiday notice, kept by the default :class:`NoticeStorage`."""
RECORD_VERSIONS = _contract.RECORD_VERSIONS
"""Every version of every finance record, kept by the default :class:`IntegrityStorage`."""

INTERNAL_KINDS: tuple[RecordKind[Any, Any], ...] = _contract.INTERNAL_KINDS
"""The kinds the default implementations store through the core, besides :data:`KINDS`.

Named ``problem``, ``idempotency_key``, ``chain_link``, ``chain_head``,
``audit_entry``, ``holiday_notice`` and ``record_version``; their records are
attrs classes the serialisation converter reads and writes
(:class:`ProblemHistory`, :class:`IdempotencyRecord`, :class:`ChainLinkRecord`,
:class:`ChainHeadRecord`, :class:`AuditRecord`, :class:`NoticeRecord`,
:class:`RecordVersion`), with no index values. An adapter that relies on a
default keeps these kinds as it keeps the others, whatever their name.
"""

UNNAMED_ACTOR = Actor(kind=ActorKind.SYSTEM, id="unnamed", name="未署名 (unnamed)")
"""The actor audit entries name when a record write names none."""


Runner = Callable[[Callable[[Session], Any]], Any]
"""Runs a function with a session: the transaction's own, or a new one per call."""


class WriteContext:
    """What a store's collections share: its policy, clock and the refusals to record.

    Made by :class:`Store`; adapters never see it.
    """

    def __init__(
        self,
        policy: Policy,
        clock: Callable[[], dt.datetime],
        refused: Callable[[PendingAudit], None],
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.refused = refused

    def log(
        self,
        session: Session,
        entries: Iterable[tuple[str, str, str]],
        audits: Sequence[PendingAudit],
    ) -> None:
        """Chain ``entries`` and write the audit entries, in the session's transaction."""
        integrity.extend_chain(session, entries, audits, at=self.clock())

    def refuse(self, actor: Actor, action: str, problem_id: str, reason: str) -> NoReturn:
        """Queue the refusal's audit entry and raise the permission error."""
        self.refused(
            PendingAudit(
                actor=actor,
                action=action,
                object_kind="problem",
                object_id=problem_id,
                outcome=AuditOutcome.REFUSED,
                detail=reason,
            )
        )
        raise PermissionDeniedError(
            actor=actor, action=action, object=f"problem {problem_id}", reason=reason
        )

    def check(self, problem: Problem, after: int, before: Problem | None = None) -> None:
        """Ask the policy about each of ``problem``'s transitions after the first ``after``.

        ``before`` is the problem as stored (at version ``after``), if known.
        """
        if isinstance(self.policy, AllowAll):
            return
        transitions = problem.transitions
        for transition in transitions[after:]:
            seq = transition.sequence
            if seq == 1:
                subject = Problem.from_history(transitions[:1])
            elif before is not None and before.version == seq - 1:
                subject = before
            else:
                subject = Problem.from_history(transitions[: seq - 1])
            decision = self.policy.decide(transition.actor, transition.event, subject)
            if not decision.allowed:
                self.refuse(transition.actor, transition.event.value, problem.id, decision.reason)


_DEFAULT_CONTEXT = WriteContext(ALLOW_ALL, now, lambda _audit: None)


def _record_entries(
    kind: RecordKind[Any, Any], versions: Iterable[tuple[Any, int]]
) -> Iterator[tuple[str, str, str]]:
    """Chain entries of record versions (finance kinds only; none for the others)."""
    if kind.name not in FINANCE_KINDS:
        return
    for record, version in versions:
        key = record_key(kind.name, str(kind.id_of(record)), version)
        yield RECORD, key, canonical(RECORD, key, unstructure(record))


def _actor(actor: Actor | None) -> Actor:
    if actor is None:
        return UNNAMED_ACTOR
    check(isinstance(actor, Actor), field="actor", expected="an Actor", received=actor)
    return actor


def _check_page(limit: int, offset: int) -> None:
    check_argument(int_in(1, MAX_PAGE), "limit", limit)
    check_argument(int_in(0), "offset", offset)


class Records(Generic[T, I]):
    """A typed collection of one kind of record (enterprises, visits, ...)."""

    def __init__(
        self, kind: RecordKind[T, I], run: Runner, context: WriteContext = _DEFAULT_CONTEXT
    ) -> None:
        self.kind = kind
        self._run = run
        self._context = context

    def __repr__(self) -> str:
        return f"<Records of {self.kind.name}>"

    def _check_record(self, record: object) -> None:
        check(
            isinstance(record, self.kind.cls),
            field="record",
            expected=f"a {self.kind.cls.__name__}",
            received=record,
        )

    def _check_id(self, record_id: object) -> None:
        check_argument(is_id(self.kind.id_type), "id", record_id)

    def add(self, record: T, *, actor: Actor | None = None) -> None:
        """Add a new record; an existing id raises :class:`~jinjiecu.errors.DuplicateError`.

        ``actor`` is who adds it, for the audit trail (:data:`UNNAMED_ACTOR` if not given).
        """
        self._check_record(record)
        who = _actor(actor)
        kind = self.kind

        def write(session: Session) -> None:
            session.insert(kind, [record])
            if kind.name in FINANCE_KINDS:
                session.keep_versions(kind, [Versioned(record, 1)])
            audit = PendingAudit(
                actor=who, action="add", object_kind=kind.name, object_id=str(kind.id_of(record))
            )
            self._context.log(session, _record_entries(kind, [(record, 1)]), [audit])

        self._run(write)

    def add_many(self, records: Iterable[T], *, actor: Actor | None = None) -> int:
        """Add many new records in one transaction, all or nothing; return how many.

        The audit trail gets one entry for the whole batch.
        """
        batch = list(records)
        for record in batch:
            self._check_record(record)
        who = _actor(actor)
        kind = self.kind

        def write(session: Session) -> None:
            session.insert(kind, batch)
            if kind.name in FINANCE_KINDS:
                session.keep_versions(kind, [Versioned(record, 1) for record in batch])
            audit = PendingAudit(
                actor=who,
                action="add_many",
                object_kind=kind.name,
                object_id="*",
                detail=f"{len(batch)} records",
            )
            self._context.log(session, _record_entries(kind, ((r, 1) for r in batch)), [audit])

        if batch:
            self._run(write)
        return len(batch)

    def get(self, record_id: I) -> T:
        """The record with ``record_id``; raises :class:`~jinjiecu.errors.NotFoundError`."""
        return self.get_versioned(record_id).record

    def get_versioned(self, record_id: I) -> Versioned[T]:
        """The record with the version to pass back to :meth:`update`."""
        self._check_id(record_id)
        found: Versioned[T] | None = self._run(lambda session: session.fetch(self.kind, record_id))
        if found is None:
            raise NotFoundError(kind=self.kind.name, id=record_id)
        return found

    def __contains__(self, record_id: object) -> bool:
        self._check_id(record_id)
        return self._run(lambda session: session.fetch(self.kind, str(record_id))) is not None

    def update(self, record: T, *, expected_version: int, actor: Actor | None = None) -> int:
        """Replace the stored record; return its new version.

        Raises :class:`~jinjiecu.errors.ConflictError` (nothing written) if the
        stored version is not ``expected_version``, and
        :class:`~jinjiecu.errors.NotFoundError` if there is no such record.
        A finance record keeps every version (in its hash chain).
        """
        self._check_record(record)
        check_argument(int_in(1), "expected_version", expected_version)
        who = _actor(actor)
        kind = self.kind

        def write(session: Session) -> int:
            version = session.replace(kind, record, expected_version)
            if kind.name in FINANCE_KINDS:
                session.keep_versions(kind, [Versioned(record, version)])
            audit = PendingAudit(
                actor=who,
                action="update",
                object_kind=kind.name,
                object_id=str(kind.id_of(record)),
                detail=f"version {version}",
            )
            self._context.log(session, _record_entries(kind, [(record, version)]), [audit])
            return version

        new_version: int = self._run(write)
        return new_version

    def list(self, query: Query | None = None, *, limit: int = 100, offset: int = 0) -> list[T]:
        """Records matching ``query``, ordered by id, ``limit`` at a time from ``offset``."""
        query = query or Query()
        query.check_for(self.kind.name, self.kind.filters)
        _check_page(limit, offset)
        found: list[T] = self._run(lambda session: session.select(self.kind, query, limit, offset))
        return found

    def count(self, query: Query | None = None) -> int:
        """How many records match ``query``."""
        query = query or Query()
        query.check_for(self.kind.name, self.kind.filters)
        number: int = self._run(lambda session: session.count(self.kind, query))
        return number


class ProblemRecords:
    """Problems and their append-only histories."""

    kind_name = "problem"

    def __init__(self, run: Runner, context: WriteContext = _DEFAULT_CONTEXT) -> None:
        self._run = run
        self._context = context

    def __repr__(self) -> str:
        return "<ProblemRecords>"

    @staticmethod
    def _check_problem(problem: object) -> None:
        check(isinstance(problem, Problem), field="problem", expected="a Problem", received=problem)

    def add(self, problem: Problem) -> None:
        """Add a new problem with its whole history so far.

        The store's policy is asked about every transition; a refusal raises
        :class:`~jinjiecu.errors.PermissionDeniedError` and writes nothing but
        its audit entry.
        """
        self._check_problem(problem)
        context = self._context

        def write(session: Session) -> None:
            context.check(problem, 0)
            with sharing_data_texts():
                session.insert_problems([problem])
                context.log(session, transition_entries(problem), transition_audits(problem))

        self._run(write)

    def add_many(self, problems: Iterable[Problem], *, actor: Actor | None = None) -> int:
        """Add many new problems in one transaction, all or nothing; return how many.

        The policy is asked about every transition; the audit trail gets one
        entry for the batch, naming ``actor`` (who loads it).
        """
        batch = list(problems)
        for problem in batch:
            self._check_problem(problem)
        who = _actor(actor)
        context = self._context

        def write(session: Session) -> None:
            for problem in batch:
                context.check(problem, 0)
            transitions = sum(len(problem.transitions) for problem in batch)
            audit = PendingAudit(
                actor=who,
                action="add_many",
                object_kind=self.kind_name,
                object_id="*",
                detail=f"{len(batch)} problems, {transitions} transitions",
            )
            with sharing_data_texts():
                session.insert_problems(batch)
                entries = (entry for problem in batch for entry in transition_entries(problem))
                context.log(session, entries, [audit])

        if batch:
            self._run(write)
        return len(batch)

    def get(self, problem_id: ProblemId) -> Problem:
        """The problem rebuilt from its stored history (checked on the way in)."""
        check_argument(is_id(ProblemId), "id", problem_id)
        found: Problem | None = self._run(lambda session: session.fetch_problem(problem_id))
        if found is None:
            raise NotFoundError(kind=self.kind_name, id=problem_id)
        return found

    def __contains__(self, problem_id: object) -> bool:
        check_argument(is_id(ProblemId), "id", problem_id)
        return self._run(lambda session: session.problem_version(str(problem_id))) is not None

    def save(
        self, problem: Problem, *, expected_version: int, idempotency_key: str | None = None
    ) -> Problem:
        """Append the transitions ``problem`` has beyond ``expected_version``.

        ``expected_version`` is the version the problem had when it was loaded.
        If the store holds another version, someone else changed the problem:
        :class:`~jinjiecu.errors.ConflictError` is raised and nothing is
        written; reload, re-apply and save again.

        With an ``idempotency_key`` (any text unique to this change, such as a
        request id), a save that already succeeded is not repeated: a retry
        after a timeout or crash returns the problem as stored.
        """
        self._check_problem(problem)
        check_argument(int_in(0), "expected_version", expected_version)
        check(
            problem.version > expected_version,
            field="expected_version",
            expected=f"a version below the problem's own ({problem.version}): nothing new to save",
            received=expected_version,
        )
        if idempotency_key is not None:
            check_argument(name_text(200), "idempotency_key", idempotency_key)

        context = self._context

        def write(session: Session) -> Problem:
            # The chain's head before the problem's row, in the order every writer that
            # changes a stored problem takes them (see apply), so that none waits in a cycle.
            session.chain_head()
            if idempotency_key is not None:
                done = session.idempotency_result(idempotency_key)
                if done is not None:
                    return _already_saved(session, done, problem.id, idempotency_key)
            if expected_version == 0:
                context.check(problem, 0)
                session.insert_problems([problem])
            else:
                stored = _check_extends_stored(session, problem, expected_version)
                context.check(problem, expected_version, stored)
                session.append(problem, expected_version)
            if idempotency_key is not None:
                session.remember(idempotency_key, problem.id, problem.version)
            context.log(
                session,
                transition_entries(problem, expected_version),
                transition_audits(problem, expected_version),
            )
            return problem

        saved: Problem = self._run(write)
        return saved

    def apply(
        self,
        problem_id: ProblemId,
        data: EventData,
        *,
        at: dt.datetime,
        actor: Actor,
        note: str = "",
        rules: ProblemRules = DEFAULT_RULES,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Problem:
        """Load a problem, apply one event and save it, in one transaction.

        With ``expected_version`` (the version the caller last saw), a problem
        changed since raises :class:`~jinjiecu.errors.ConflictError`. The
        ``idempotency_key`` works as in :meth:`save`. Deadlines are counted
        on the store's calendar (:meth:`Transaction.counting_rules`).
        """

        def work(session: Session) -> Problem:
            # The chain's head first (where writers run at once, this locks it): a
            # holiday notice added meanwhile, which takes it first too, is then either
            # counted with here or recounts this problem after this transaction.
            session.chain_head()
            if idempotency_key is not None:
                done = session.idempotency_result(idempotency_key)
                if done is not None:
                    return _already_saved(session, done, problem_id, idempotency_key)
            current = session.fetch_problem(problem_id)
            if current is None:
                raise NotFoundError(kind=self.kind_name, id=problem_id)
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(
                    kind=self.kind_name,
                    id=problem_id,
                    expected_version=expected_version,
                    actual_version=current.version,
                )
            counted = counting_rules(session, rules)
            changed = current.apply(data, at=at, actor=actor, note=note, rules=counted)
            context.check(changed, current.version, current)
            session.append(changed, current.version)
            if idempotency_key is not None:
                session.remember(idempotency_key, changed.id, changed.version)
            context.log(
                session,
                transition_entries(changed, current.version),
                transition_audits(changed, current.version),
            )
            return changed

        context = self._context

        check_argument(is_id(ProblemId), "id", problem_id)
        if idempotency_key is not None:
            check_argument(name_text(200), "idempotency_key", idempotency_key)
        result: Problem = self._run(work)
        return result

    def list(
        self, query: Query | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[Problem]:
        """Problems matching ``query``, ordered by id, ``limit`` at a time from ``offset``."""
        query = query or Query()
        query.check_for(self.kind_name, PROBLEM_FILTERS)
        _check_page(limit, offset)
        found: list[Problem] = self._run(
            lambda session: session.select_problems(query, limit, offset)
        )
        return found

    def count(self, query: Query | None = None) -> int:
        """How many problems match ``query``."""
        query = query or Query()
        query.check_for(self.kind_name, PROBLEM_FILTERS)
        number: int = self._run(lambda session: session.count_problems(query))
        return number


def _check_extends_stored(session: Session, problem: Problem, expected_version: int) -> Problem:
    """Refuse a problem that was not built on the stored history: history is never rewritten."""
    stored = session.fetch_problem(problem.id)
    if stored is None:
        raise NotFoundError(kind="problem", id=problem.id)
    if stored.version != expected_version:
        raise ConflictError(
            kind="problem",
            id=problem.id,
            expected_version=expected_version,
            actual_version=stored.version,
        )
    if stored.transitions != problem.transitions[:expected_version]:
        raise ValidationError(
            field="problem",
            expected=f"a problem built on the stored history (its first {expected_version} "
            "transitions as stored); history is never rewritten",
            received=problem.id,
        )
    return stored


def _already_saved(session: Session, done: tuple[str, int], problem_id: str, key: str) -> Problem:
    saved_id, _version = done
    if saved_id != problem_id:
        raise ValidationError(
            field="idempotency_key",
            expected=f"a key not already used for another problem ({saved_id})",
            received=key,
        )
    current = session.fetch_problem(problem_id)
    if current is None:  # pragma: no cover - a remembered key always has its problem
        raise NotFoundError(kind="problem", id=problem_id)
    return current


class AuditTrail:
    """The audit trail (审计记录): every write and every refusal, in order, hash-chained.

    Entries are only ever appended: there is no way to change or remove one.
    """

    def __init__(self, run: Runner, context: WriteContext = _DEFAULT_CONTEXT) -> None:
        self._run = run
        self._context = context

    def __repr__(self) -> str:
        return "<AuditTrail>"

    def list(self, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        """Entries in the order they were written, ``limit`` at a time from ``offset``."""
        _check_page(limit, offset)
        found: list[AuditEntry] = self._run(lambda session: session.select_audit(limit, offset))
        return found

    def count(self) -> int:
        """How many entries there are."""
        number: int = self._run(lambda session: session.count_audit())
        return number

    def record(
        self,
        *,
        actor: Actor,
        action: str,
        object_kind: str,
        object_id: str,
        outcome: AuditOutcome = AuditOutcome.OK,
        detail: str = "",
    ) -> None:
        """Append an entry for an action the store does not see (an unmasked export ...)."""
        pending = PendingAudit(
            actor=_actor(actor),
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            outcome=AuditOutcome.parse(outcome) if isinstance(outcome, str) else outcome,
            detail=detail,
        )
        # Validated now (a placeholder number): a bad entry raises before anything is written.
        AuditEntry(seq=1, at=self._context.clock(), **attrs.asdict(pending, recurse=False))
        self._run(lambda session: self._context.log(session, (), [pending]))


class Transaction:
    """The collections of one unit of work; get one from :meth:`Store.transaction`."""

    def __init__(self, run: Runner, context: WriteContext = _DEFAULT_CONTEXT) -> None:
        self.campaigns: Records[Campaign, CampaignId] = Records(CAMPAIGNS, run, context)
        self.regions: Records[Region, RegionId] = Records(REGIONS, run, context)
        self.departments: Records[Department, DepartmentId] = Records(DEPARTMENTS, run, context)
        self.leaders: Records[Leader, LeaderId] = Records(LEADERS, run, context)
        self.work_groups: Records[WorkGroup, WorkGroupId] = Records(WORK_GROUPS, run, context)
        self.offices: Records[CampaignOffice, OfficeId] = Records(OFFICES, run, context)
        self.enterprises: Records[Enterprise, EnterpriseId] = Records(ENTERPRISES, run, context)
        self.projects: Records[Project, ProjectId] = Records(PROJECTS, run, context)
        self.visits: Records[Visit, VisitId] = Records(VISITS, run, context)
        self.debt_resolutions: Records[DebtResolution, DebtResolutionId] = Records(
            DEBT_RESOLUTIONS, run, context
        )
        self.asset_disposals: Records[AssetDisposal, AssetDisposalId] = Records(
            ASSET_DISPOSALS, run, context
        )
        self.creditor_committees: Records[CreditorCommittee, CreditorCommitteeId] = Records(
            CREDITOR_COMMITTEES, run, context
        )
        self.loan_renewals: Records[LoanRenewal, LoanRenewalId] = Records(
            LOAN_RENEWALS, run, context
        )
        self.whitelists: Records[Whitelist, WhitelistId] = Records(WHITELISTS, run, context)
        self.bridge_funds: Records[BridgeFund, BridgeFundId] = Records(BRIDGE_FUNDS, run, context)
        self.coordinated_financings: Records[CoordinatedFinancing, CoordinatedFinancingId] = (
            Records(COORDINATED_FINANCINGS, run, context)
        )
        self.guarantee_links: Records[GuaranteeLink, GuaranteeLinkId] = Records(
            GUARANTEE_LINKS, run, context
        )
        self.problems = ProblemRecords(run, context)
        self.audit = AuditTrail(run, context)
        self.holiday_notices = HolidayNotices(run, context)
        self._run_work = run

    def counting_rules(self, rules: ProblemRules = DEFAULT_RULES) -> ProblemRules:
        """``rules`` counting working days on this store's calendar (its holiday notices).

        Every reader of the store counts with it: pass the result wherever
        rules are taken, or let the library's own functions do it for you
        (they all do). See :func:`~jinjiecu.storage.notices.counting_rules`.
        """
        check(
            isinstance(rules, ProblemRules),
            field="rules",
            expected="a ProblemRules",
            received=rules,
        )
        resolved: ProblemRules = self._run_work(lambda session: counting_rules(session, rules))
        return resolved


class Store(Transaction, abc.ABC):
    """A place records live: memory, an SQLite file or a PostgreSQL database.

    Use ``with store.transaction() as tx:`` to group writes; it commits when
    the block ends normally and rolls back on any exception. The collections
    on the store itself (``store.problems``, ``store.enterprises`` ...) run each
    call in a transaction of its own. A store is a context manager that closes
    itself.
    """

    url: str
    """Where the store is, with any password masked."""

    def __init__(
        self, *, policy: Policy = ALLOW_ALL, clock: Callable[[], dt.datetime] = now
    ) -> None:
        check(
            isinstance(policy, Policy),
            field="policy",
            expected="a Policy (an object with a decide(actor, action, problem) method)",
            received=policy,
        )
        self.policy = policy
        """Who may do what (:data:`~jinjiecu.domain.policy.ALLOW_ALL` by default)."""
        self._local = threading.local()
        self._context = WriteContext(policy, clock, self._queue_refusal)
        super().__init__(self._run_alone, self._context)

    def _queue_refusal(self, audit: PendingAudit) -> None:
        pending: list[PendingAudit] = self._local.__dict__.setdefault("refusals", [])
        pending.append(audit)

    def _flush_refusals(self) -> None:
        """Write queued refusals' audit entries in a transaction of their own.

        Called when a transaction ends, committed or rolled back, so a refusal
        is recorded even when the exception it raised rolled its transaction back.
        """
        pending: list[PendingAudit] = self._local.__dict__.get("refusals", [])
        if not pending:
            return
        self._local.refusals = []
        with self._session() as session:
            self._context.log(session, (), pending)

    def head(self) -> Checkpoint:
        """The chain's head: how many entries the history holds and the last digest."""
        return self._run_alone(lambda session: session.chain_head())  # type: ignore[no-any-return]

    def checkpoint(self) -> Checkpoint:
        """The head as a checkpoint, to export and keep elsewhere.

        :func:`~jinjiecu.storage.integrity.verify` checks the store against it;
        export it with :meth:`~jinjiecu.storage.integrity.Checkpoint.to_json`.
        """
        return self.head()

    def rebuild_read_model(self, *, actor: Actor | None = None) -> int:
        """Rewrite every problem's row of where it stands now from its history; how many changed.

        History is the source of truth: the rows the figures as of now read
        (the read model) can always be rebuilt from it, in one transaction.
        ``verify`` reports any row that differs; the schema upgrade that
        added them filled them this way. The rebuild is audited.
        """
        who = _actor(actor)

        def rebuild(session: Session) -> int:
            fixed = session.rebuild_read_model()
            audit = PendingAudit(
                actor=who,
                action="rebuild_read_model",
                object_kind="store",
                object_id=self.url,
                detail=f"{fixed} problem rows rewritten",
            )
            self._context.log(session, (), [audit])
            return fixed

        count: int = self._run_alone(rebuild)
        return count

    @abc.abstractmethod
    def _session(self) -> AbstractContextManager[Session]:
        """A session in a new write transaction: commit if the body succeeds, else roll back."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections and files; the store cannot be used afterwards."""

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: commit when the block succeeds, roll back on any exception."""
        with self._open() as session:
            yield Transaction(lambda work: work(session), self._context)

    @contextmanager
    def _open(self) -> Iterator[Session]:
        # One transaction per thread at a time: a nested one would not be atomic with its parent.
        if getattr(self._local, "active", False):
            message = "a transaction is already open in this thread; use its collections instead"
            raise StorageError(message)
        self._local.active = True
        try:
            with self._session() as session:
                yield session
        finally:
            self._local.active = False
            self._flush_refusals()

    def _run_alone(self, work: Callable[[Session], Any]) -> Any:
        with self._open() as session:
            return work(session)

    def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` with a session in one transaction and return its result.

        For modules built on the store (metrics, ledgers) that read in bulk;
        everyday code uses the typed collections.
        """
        result: T = self._run_alone(work)
        return result

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"
