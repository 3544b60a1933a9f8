"""Record kinds and queries: what a store keeps, and how callers ask for it.

A :class:`RecordKind` names one kind of record (its class, id type and the
:class:`IndexValues` a store keeps beside each record so queries can find
it); :data:`KINDS` lists every kind but problems. A :class:`Query` says which
records to list, and :func:`index_matches` and :func:`problem_matches` say
what it matches; :class:`Versioned` is a record with its version.

Private to :mod:`jinjiecu.storage`: :mod:`jinjiecu.storage.base` exports every
name here (and documents those in its ``__all__``); import them from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from jinjiecu.domain.campaign import Campaign
from jinjiecu.domain.clock import local_date
from jinjiecu.domain.enterprise import Enterprise, Project
from jinjiecu.domain.events import HandlingLevel, Scope
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
    ProjectId,
    RegionId,
    VisitId,
    WhitelistId,
    WorkGroupId,
)
from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
from jinjiecu.domain.validation import (
    a_date,
    check,
    is_enum,
    is_id,
    name_text,
    optional,
)
from jinjiecu.domain.visit import Visit
from jinjiecu.domain.workflow import ProblemState

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem

__all__ = [
    "ASSET_DISPOSALS",
    "BRIDGE_FUNDS",
    "CAMPAIGNS",
    "COORDINATED_FINANCINGS",
    "CREDITOR_COMMITTEES",
    "DEBT_RESOLUTIONS",
    "DEPARTMENTS",
    "ENTERPRISES",
    "FINANCE_KINDS",
    "GUARANTEE_LINKS",
    "KINDS",
    "LEADERS",
    "LOAN_RENEWALS",
    "MAX_PAGE",
    "OFFICES",
    "PROBLEM_FILTERS",
    "PROJECTS",
    "REGIONS",
    "VISITS",
    "WHITELISTS",
    "WORK_GROUPS",
    "IndexValues",
    "Query",
    "RecordKind",
    "Versioned",
    "index_matches",
    "problem_matches",
]

T = TypeVar("T")
I = TypeVar("I", bound=EntityId)  # noqa: E741 - the conventional name for an id type variable

# The constants documented in jinjiecu.storage.base (MAX_PAGE, KINDS, FINANCE_KINDS) are
# bound again there, with their documentation: the reference is built from that module.

MAX_PAGE = 10_000


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
