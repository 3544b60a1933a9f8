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
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, NoReturn, Self, TypeVar, cast

import attrs

from jinjiecu.domain.campaign import Campaign
from jinjiecu.domain.clock import local_date, now
from jinjiecu.domain.enterprise import Enterprise, Project
from jinjiecu.domain.events import EventData, HandlingLevel, Scope
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
from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
from jinjiecu.domain.policy import ALLOW_ALL, AllowAll, AuditEntry, AuditOutcome, Policy
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    Problem,
    ProblemRules,
    Transition,
)
from jinjiecu.domain.validation import (
    a_date,
    as_tuple,
    check,
    check_argument,
    int_in,
    is_enum,
    is_id,
    name_text,
    optional,
)
from jinjiecu.domain.visit import Visit
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    ValidationError,
)
from jinjiecu.serialization import unstructure
from jinjiecu.storage import integrity
from jinjiecu.storage.integrity import (
    AUDIT,
    GENESIS,
    NOTICE,
    RECORD,
    TRANSITION,
    ChainLink,
    Checkpoint,
    PendingAudit,
    StoredEntry,
    audit_key,
    audit_value,
    canonical,
    record_key,
    sharing_data_texts,
    transition_audits,
    transition_content,
    transition_entries,
)
from jinjiecu.storage.notices import HolidayNotices, NoticeEntry, counting_rules

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

MAX_PAGE = 10_000
"""The most records one ``list`` call returns; page through more with ``offset``."""


@attrs.frozen(kw_only=True)
class IndexValues:
    """The values a store keeps beside a record so that queries can find it.

    ``unique_key`` is a second key that must be unique within the kind when
    present (an enterprise's credit code). ``day`` is the record's own date
    (a visit's local date, a finance record's date).
    """

    region_id: str | None = None
    campaign_id: str | None = None
    work_group_id: str | None = None
    enterprise_id: str | None = None
    day: dt.date | None = None
    unique_key: str | None = None


@attrs.frozen(kw_only=True)
class RecordKind(Generic[T, I]):
    """One kind of record a store keeps: its name, class, id type and index values."""

    name: str
    cls: type[T]
    id_type: type[I]
    index: Callable[[T], IndexValues]
    filters: frozenset[str]
    """The :class:`Query` fields that mean something for this kind."""

    def id_of(self, record: T) -> I:
        """The record's id."""
        value: I = getattr(record, "id")  # noqa: B009 - every record kind has an id
        return value


def _kind(
    name: str,
    cls: type[T],
    id_type: type[I],
    index: Callable[[T], IndexValues],
    *filters: str,
) -> RecordKind[T, I]:
    return RecordKind(name=name, cls=cls, id_type=id_type, index=index, filters=frozenset(filters))


CAMPAIGNS = _kind(
    "campaign",
    Campaign,
    CampaignId,
    lambda c: IndexValues(region_id=c.region_id, day=c.start),
    "region_id",
    "since",
    "until",
)
REGIONS = _kind(
    "region", Region, RegionId, lambda r: IndexValues(region_id=r.parent_id), "region_id"
)
DEPARTMENTS = _kind(
    "department",
    Department,
    DepartmentId,
    lambda d: IndexValues(region_id=d.region_id),
    "region_id",
)
LEADERS = _kind(
    "leader", Leader, LeaderId, lambda x: IndexValues(region_id=x.region_id), "region_id"
)
WORK_GROUPS = _kind(
    "work_group",
    WorkGroup,
    WorkGroupId,
    lambda g: IndexValues(region_id=g.region_id, campaign_id=g.campaign_id),
    "region_id",
    "campaign_id",
)
OFFICES = _kind(
    "office", CampaignOffice, OfficeId, lambda o: IndexValues(region_id=o.region_id), "region_id"
)
ENTERPRISES = _kind(
    "enterprise",
    Enterprise,
    EnterpriseId,
    lambda e: IndexValues(
        region_id=e.region_id,
        unique_key=None if e.credit_code is None else str(e.credit_code),
    ),
    "region_id",
)
PROJECTS = _kind(
    "project",
    Project,
    ProjectId,
    lambda p: IndexValues(region_id=p.region_id, enterprise_id=p.owner_id),
    "region_id",
    "enterprise_id",
)
VISITS = _kind(
    "visit",
    Visit,
    VisitId,
    lambda v: IndexValues(
        campaign_id=v.campaign_id,
        work_group_id=v.work_group_id,
        enterprise_id=v.enterprise_id,
        day=local_date(v.at),
    ),
    "campaign_id",
    "work_group_id",
    "enterprise_id",
    "since",
    "until",
)


def _finance(
    name: str, cls: type[T], id_type: type[I], day: Callable[[T], dt.date]
) -> RecordKind[T, I]:
    def index(record: T) -> IndexValues:
        return IndexValues(enterprise_id=getattr(record, "enterprise_id", None), day=day(record))

    return _kind(name, cls, id_type, index, "enterprise_id", "since", "until")


DEBT_RESOLUTIONS = _finance(
    "debt_resolution", DebtResolution, DebtResolutionId, lambda r: r.resolved_on
)
ASSET_DISPOSALS = _finance(
    "asset_disposal", AssetDisposal, AssetDisposalId, lambda r: r.disposed_on
)
CREDITOR_COMMITTEES = _finance(
    "creditor_committee", CreditorCommittee, CreditorCommitteeId, lambda r: r.established_on
)
LOAN_RENEWALS = _kind(
    "loan_renewal",
    LoanRenewal,
    LoanRenewalId,
    lambda r: IndexValues(enterprise_id=r.borrower_id, day=r.renewed_on),
    "enterprise_id",
    "since",
    "until",
)
WHITELISTS = _kind(
    "whitelist", Whitelist, WhitelistId, lambda w: IndexValues(region_id=w.region_id), "region_id"
)
BRIDGE_FUNDS = _kind("bridge_fund", BridgeFund, BridgeFundId, lambda _fund: IndexValues())
COORDINATED_FINANCINGS = _finance(
    "coordinated_financing", CoordinatedFinancing, CoordinatedFinancingId, lambda r: r.arranged_on
)
GUARANTEE_LINKS = _kind(
    "guarantee_link",
    GuaranteeLink,
    GuaranteeLinkId,
    lambda g: IndexValues(enterprise_id=g.guarantor_id, day=g.start),
    "enterprise_id",
    "since",
    "until",
)

KINDS: tuple[RecordKind[Any, Any], ...] = (
    CAMPAIGNS,
    REGIONS,
    DEPARTMENTS,
    LEADERS,
    WORK_GROUPS,
    OFFICES,
    ENTERPRISES,
    PROJECTS,
    VISITS,
    DEBT_RESOLUTIONS,
    ASSET_DISPOSALS,
    CREDITOR_COMMITTEES,
    LOAN_RENEWALS,
    WHITELISTS,
    BRIDGE_FUNDS,
    COORDINATED_FINANCINGS,
    GUARANTEE_LINKS,
)
"""Every kind of record besides problems, in the order stores create them."""

FINANCE_KINDS: frozenset[str] = frozenset(
    kind.name
    for kind in (
        DEBT_RESOLUTIONS,
        ASSET_DISPOSALS,
        CREDITOR_COMMITTEES,
        LOAN_RENEWALS,
        WHITELISTS,
        BRIDGE_FUNDS,
        COORDINATED_FINANCINGS,
        GUARANTEE_LINKS,
    )
)
"""Names of the finance record kinds (金融纾困), whose every version is kept and
hash-chained (see :mod:`jinjiecu.storage.integrity`)."""

UNNAMED_ACTOR = Actor(kind=ActorKind.SYSTEM, id="unnamed", name="未署名 (unnamed)")
"""The actor audit entries name when a record write names none."""

PROBLEM_FILTERS = frozenset(
    {
        "region_id",
        "campaign_id",
        "work_group_id",
        "enterprise_id",
        "since",
        "until",
        "state",
        "category",
        "scope",
        "level",
        "department_id",
    }
)


@attrs.frozen(kw_only=True)
class Query:
    """What to list: every field given must match (``None`` means any).

    ``since`` and ``until`` bound the record's own date, both ends included
    (a problem's registration day, a visit's day, a finance record's date).
    ``department_id`` matches a problem's lead department. ``region_id``
    matches the record's own region exactly; figures that roll up the region
    tree are the metrics module's job. A field that means nothing for the kind
    being listed is refused, so a typo cannot silently match everything.
    """

    region_id: RegionId | None = attrs.field(default=None, validator=optional(is_id(RegionId)))
    campaign_id: CampaignId | None = attrs.field(
        default=None, validator=optional(is_id(CampaignId))
    )
    work_group_id: WorkGroupId | None = attrs.field(
        default=None, validator=optional(is_id(WorkGroupId))
    )
    enterprise_id: EnterpriseId | None = attrs.field(
        default=None, validator=optional(is_id(EnterpriseId))
    )
    since: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    until: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    state: ProblemState | None = attrs.field(
        default=None, validator=optional(is_enum(ProblemState))
    )
    category: str | None = attrs.field(default=None, validator=optional(name_text(64)))
    scope: Scope | None = attrs.field(default=None, validator=optional(is_enum(Scope)))
    level: HandlingLevel | None = attrs.field(
        default=None, validator=optional(is_enum(HandlingLevel))
    )
    department_id: DepartmentId | None = attrs.field(
        default=None, validator=optional(is_id(DepartmentId))
    )

    def given(self) -> dict[str, Any]:
        """The fields that were set."""
        return {k: v for k, v in attrs.asdict(self, recurse=False).items() if v is not None}

    def check_for(self, kind: str, allowed: frozenset[str]) -> None:
        """Refuse fields that mean nothing for ``kind``."""
        extra = sorted(set(self.given()) - allowed)
        usable = ", ".join(sorted(allowed)) or "none"
        check(
            not extra,
            field="query",
            expected=f"filters that apply to {kind} records: {usable}",
            received=extra,
        )


@attrs.frozen
class Versioned(Generic[T]):
    """A record with the version it has in the store (1 when first added)."""

    record: T
    version: int


# ====================================================================== the adapter contract
#
# A session is the core (SessionCore: versioned records of a kind) plus four groups of
# methods (ProblemStorage, IdempotencyStorage, NoticeStorage, IntegrityStorage) whose
# default implementations are written on the core, storing what they keep as records of
# the internal kinds below. An adapter implements the core and overrides what it does
# faster or natively; the built-in stores override every group.


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
    return _kind(name, cls, id_type, lambda _record: IndexValues())


PROBLEM_HISTORIES = _internal("problem", ProblemHistory, ProblemId)
"""Problems kept by the default :class:`ProblemStorage`, one :class:`ProblemHistory` each."""
IDEMPOTENCY_KEYS = _internal("idempotency_key", IdempotencyRecord, EntityId)
"""Idempotency keys kept by the default :class:`IdempotencyStorage`."""
CHAIN_LINKS = _internal("chain_link", ChainLinkRecord, EntityId)
"""Links of the hash chain kept by the default :class:`IntegrityStorage`."""
CHAIN_HEADS = _internal("chain_head", ChainHeadRecord, EntityId)
"""The chain's head (one record, id ``"head"``) kept by the default :class:`IntegrityStorage`."""
AUDIT_ENTRIES = _internal("audit_entry", AuditRecord, EntityId)
"""Audit entries kept by the default :class:`IntegrityStorage`."""
HOLIDAY_NOTICES = _internal("holiday_notice", NoticeRecord, EntityId)
"""Every version of every year's holiday notice, kept by the default :class:`NoticeStorage`."""
RECORD_VERSIONS = _internal("record_version", RecordVersion, EntityId)
"""Every version of every finance record, kept by the default :class:`IntegrityStorage`."""

INTERNAL_KINDS: tuple[RecordKind[Any, Any], ...] = (
    PROBLEM_HISTORIES,
    IDEMPOTENCY_KEYS,
    CHAIN_LINKS,
    CHAIN_HEADS,
    AUDIT_ENTRIES,
    HOLIDAY_NOTICES,
    RECORD_VERSIONS,
)
"""The kinds the default implementations store through the core, besides :data:`KINDS`.

Named ``problem``, ``idempotency_key``, ``chain_link``, ``chain_head``,
``audit_entry``, ``holiday_notice`` and ``record_version``; their records are
attrs classes the serialisation converter reads and writes
(:class:`ProblemHistory`, :class:`IdempotencyRecord`, :class:`ChainLinkRecord`,
:class:`ChainHeadRecord`, :class:`AuditRecord`, :class:`NoticeRecord`,
:class:`RecordVersion`), with no index values. An adapter that relies on a
default keeps these kinds as it keeps the others, whatever their name.
"""

_HEAD = "head"


def _seq_id(seq: int) -> str:
    """A chain sequence number as an id that sorts in sequence order."""
    return f"{seq:020d}"


def index_matches(index: IndexValues, wanted: dict[str, Any]) -> bool:
    """Whether a record's index values match the given :class:`Query` fields (``given()``)."""
    for name, value in wanted.items():
        if name == "since":
            if index.day is None or index.day < value:
                return False
        elif name == "until":
            if index.day is None or index.day > value:
                return False
        elif getattr(index, name) != value:
            return False
    return True


_PROBLEM_FIELDS: dict[str, Callable[[Problem], Any]] = {
    "region_id": lambda p: p.region_id,
    "campaign_id": lambda p: p.campaign_id,
    "work_group_id": lambda p: p.work_group_id,
    "enterprise_id": lambda p: p.enterprise_id,
    "state": lambda p: p.state,
    "category": lambda p: p.category,
    "scope": lambda p: p.scope,
    "level": lambda p: p.level,
    "department_id": lambda p: p.lead_department_id,
}


def problem_matches(problem: Problem, wanted: dict[str, Any]) -> bool:
    """Whether a problem matches the given :class:`Query` fields (``given()``)."""
    for name, value in wanted.items():
        if name in ("since", "until"):
            day = local_date(problem.registered_at)
            if (name == "since" and day < value) or (name == "until" and day > value):
                return False
        elif _PROBLEM_FIELDS[name](problem) != value:
            return False
    return True


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
