"""Visits (进厂入企): a work group or its leaders going into an enterprise or project.

>>> import datetime as dt
>>> from jinjiecu.domain.clock import at
>>> visit = Visit(
...     id=VisitId("v-1"),
...     campaign_id=CampaignId("dezhou-2019"),
...     work_group_id=WorkGroupId("g-01"),
...     leader_ids=[LeaderId("l-01")],
...     enterprise_id=EnterpriseId("e-1"),
...     at=at(dt.date(2019, 10, 15), 9, 30),
...     kind=VisitKind.ONSITE_OFFICE,
... )
>>> visit.kind.label
'现场办公'
"""

from __future__ import annotations

import datetime as dt

import attrs

from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProjectId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import (
    an_aware_datetime,
    as_tuple,
    check,
    free_text,
    is_enum,
    is_id,
    optional,
    tuple_of,
    unique_items,
)

__all__ = ["Visit", "VisitKind"]


class VisitKind(LabelledEnum):
    """A plain visit, or an on-site office session where problems are settled there and then."""

    VISIT = "visit", "进厂入企"
    ONSITE_OFFICE = "onsite_office", "现场办公"


@attrs.frozen(kw_only=True)
class Visit:
    """One visit to an enterprise or a project (or both: a project at its owner's site).

    A visit is made by a work group, by leaders, or both: at least one of
    ``work_group_id`` and ``leader_ids`` is given. County leaders in standing
    practice visit without a group. Problems found in a visit link back to it.
    """

    id: VisitId = attrs.field(validator=is_id(VisitId))
    campaign_id: CampaignId = attrs.field(validator=is_id(CampaignId))
    at: dt.datetime = attrs.field(validator=an_aware_datetime)
    kind: VisitKind = attrs.field(default=VisitKind.VISIT, validator=is_enum(VisitKind))
    work_group_id: WorkGroupId | None = attrs.field(
        default=None, validator=optional(is_id(WorkGroupId))
    )
    leader_ids: tuple[LeaderId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(LeaderId)), unique_items]
    )
    department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(DepartmentId)), unique_items]
    )
    enterprise_id: EnterpriseId | None = attrs.field(
        default=None, validator=optional(is_id(EnterpriseId))
    )
    project_id: ProjectId | None = attrs.field(default=None, validator=optional(is_id(ProjectId)))
    notes: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        check(
            self.enterprise_id is not None or self.project_id is not None,
            field="enterprise_id",
            expected="an enterprise or a project visited (at least one)",
            received=None,
        )
        check(
            self.work_group_id is not None or bool(self.leader_ids),
            field="work_group_id",
            expected="the visiting work group or at least one leader",
            received=None,
        )
