"""Typed identifiers, one kind per entity.

An id is a ``str`` subclass, so it stores, prints and compares as text, while
the type checker keeps a :class:`ProblemId` from being passed where an
:class:`EnterpriseId` is expected.

Ids generated here follow the UUIDv7 layout (RFC 9562): a 48-bit Unix
timestamp in milliseconds, then random bits, with a counter so that ids made in
one process sort in creation order even within the same millisecond. Ids from
a caller's own system (a ledger's 序号, a work-order number) are accepted as
they are, as long as they are plain printable text.

>>> a, b = ProblemId.new(), ProblemId.new()
>>> a < b and len(a) == 36
True
>>> EnterpriseId("DZ-2019-0001")
EnterpriseId('DZ-2019-0001')
>>> EnterpriseId(" padded ")
Traceback (most recent call last):
...
jinjiecu.errors.ValidationError: enterprise_id: expected ...
"""

from __future__ import annotations

import os
import threading
import time
from typing import ClassVar, Self

from jinjiecu.errors import ValidationError

__all__ = [
    "MAX_ID_LENGTH",
    "AssetDisposalId",
    "BridgeFundId",
    "CampaignId",
    "CoordinatedFinancingId",
    "CreditorCommitteeId",
    "DebtResolutionId",
    "DepartmentId",
    "EnterpriseId",
    "EntityId",
    "GuaranteeLinkId",
    "LeaderId",
    "LoanRenewalId",
    "OfficeId",
    "ProblemId",
    "ProjectId",
    "RegionId",
    "VisitId",
    "WhitelistId",
    "WorkGroupId",
    "new_uuid7",
]

MAX_ID_LENGTH = 128
"""The longest id accepted from a caller's own system."""

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_BITS = 12


def new_uuid7() -> str:
    """Return a new UUIDv7-layout id as 36 lowercase hex characters with dashes.

    Ids made by one process are strictly increasing, as text and as numbers.
    """
    global _last_ms, _counter  # noqa: PLW0603 - one monotonic clock per process, guarded by a lock
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # Start the counter low, keeping headroom for ids in the same millisecond.
            _counter = int.from_bytes(os.urandom(2)) >> 6
        else:
            _counter += 1
            if _counter >= 1 << _COUNTER_BITS:
                _last_ms += 1  # borrow the next millisecond rather than repeat or go back
                _counter = 0
        ms, counter = _last_ms, _counter
    rand_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class EntityId(str):
    """Base of every typed id: non-empty printable text without surrounding spaces."""

    __slots__ = ()
    field: ClassVar[str] = "id"

    def __new__(cls, value: str) -> Self:
        """Check ``value`` and wrap it, or raise :class:`~jinjiecu.errors.ValidationError`."""
        if isinstance(value, EntityId) and type(value) is cls:
            return value
        if (
            not isinstance(value, str)
            or not value
            or len(value) > MAX_ID_LENGTH
            or value != value.strip()
            or not value.isprintable()
        ):
            raise ValidationError(
                field=cls.field,
                expected=f"non-empty printable text of at most {MAX_ID_LENGTH} characters "
                "without leading or trailing spaces",
                received=value,
            )
        return super().__new__(cls, value)

    @classmethod
    def new(cls) -> Self:
        """Generate a new id that sorts after every id this process made before."""
        return cls(new_uuid7())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"


class CampaignId(EntityId):
    """Id of a :class:`~jinjiecu.domain.campaign.Campaign` (集中行动)."""

    __slots__ = ()
    field = "campaign_id"


class RegionId(EntityId):
    """Id of a :class:`~jinjiecu.domain.org.Region` (县市区 / 开发区)."""

    __slots__ = ()
    field = "region_id"


class DepartmentId(EntityId):
    """Id of a :class:`~jinjiecu.domain.org.Department` (部门)."""

    __slots__ = ()
    field = "department_id"


class LeaderId(EntityId):
    """Id of a :class:`~jinjiecu.domain.org.Leader` (领导)."""

    __slots__ = ()
    field = "leader_id"


class WorkGroupId(EntityId):
    """Id of a :class:`~jinjiecu.domain.org.WorkGroup` (工作组)."""

    __slots__ = ()
    field = "work_group_id"


class OfficeId(EntityId):
    """Id of a :class:`~jinjiecu.domain.org.CampaignOffice` (领导小组办公室)."""

    __slots__ = ()
    field = "office_id"


class EnterpriseId(EntityId):
    """Id of an :class:`~jinjiecu.domain.enterprise.Enterprise` (企业)."""

    __slots__ = ()
    field = "enterprise_id"


class ProjectId(EntityId):
    """Id of a :class:`~jinjiecu.domain.enterprise.Project` (项目)."""

    __slots__ = ()
    field = "project_id"


class VisitId(EntityId):
    """Id of a :class:`~jinjiecu.domain.visit.Visit` (进厂入企)."""

    __slots__ = ()
    field = "visit_id"


class ProblemId(EntityId):
    """Id of a problem (问题 / 诉求)."""

    __slots__ = ()
    field = "problem_id"


class DebtResolutionId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.DebtResolution` (债务化解)."""

    __slots__ = ()
    field = "debt_resolution_id"


class AssetDisposalId(EntityId):
    """Id of an :class:`~jinjiecu.domain.finance.AssetDisposal` (盘活 / 处置闲置资产)."""

    __slots__ = ()
    field = "asset_disposal_id"


class CreditorCommitteeId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.CreditorCommittee` (债委会)."""

    __slots__ = ()
    field = "creditor_committee_id"


class LoanRenewalId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.LoanRenewal` (无还本续贷)."""

    __slots__ = ()
    field = "loan_renewal_id"


class WhitelistId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.Whitelist` (优质小微企业名单库)."""

    __slots__ = ()
    field = "whitelist_id"


class BridgeFundId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.BridgeFund` programme (过桥资金)."""

    __slots__ = ()
    field = "bridge_fund_id"


class CoordinatedFinancingId(EntityId):
    """Id of a :class:`~jinjiecu.domain.finance.CoordinatedFinancing` record (协调融资)."""

    __slots__ = ()
    field = "coordinated_financing_id"


class GuaranteeLinkId(EntityId):
    """Id of a :class:`~jinjiecu.domain.guarantees.GuaranteeLink` (担保关系)."""

    __slots__ = ()
    field = "guarantee_link_id"
