"""Campaigns: time-boxed drives (集中行动) and standing practice (常态化).

>>> import datetime as dt
>>> drive = Campaign.drive(
...     id=CampaignId("dezhou-2019"),
...     name="进企业、解难题、促发展集中行动",
...     region_id=RegionId("371400"),
...     start=dt.date(2019, 10, 10),
...     days=50,
...     targets=CampaignTargets(
...         backbone_enterprises=100, key_projects=111, renovation_projects=150
...     ),
... )
>>> drive.end, drive.days
(datetime.date(2019, 11, 28), 50)
>>> drive.is_active(dt.date(2019, 11, 13))
True
"""

from __future__ import annotations

import datetime as dt

import attrs

from jinjiecu.domain.ids import CampaignId, DepartmentId, OfficeId, RegionId
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import (
    a_date,
    as_tuple,
    check,
    int_in,
    is_enum,
    is_id,
    is_instance,
    name_text,
    optional,
    tuple_of,
    unique_items,
)
from jinjiecu.errors import ValidationError

__all__ = ["Campaign", "CampaignKind", "CampaignTargets"]


class CampaignKind(LabelledEnum):
    """A time-boxed drive, or a standing practice with no planned end."""

    DRIVE = "drive", "集中行动"
    STANDING = "standing", "常态化"


@attrs.frozen(kw_only=True)
class CampaignTargets:
    """How many enterprises and projects a campaign sets out to help.

    Dezhou's 2019 drive targeted 100 backbone enterprises (骨干企业), 111
    city-level key projects (市级重点项目) and 150 industrial technical-renovation
    projects (重点工业技改项目). ``None`` for urban construction means "part of
    them", with no number set.
    """

    backbone_enterprises: int = attrs.field(default=0, validator=int_in(0))
    key_projects: int = attrs.field(default=0, validator=int_in(0))
    renovation_projects: int = attrs.field(default=0, validator=int_in(0))
    urban_construction_projects: int | None = attrs.field(
        default=None, validator=optional(int_in(0))
    )


@attrs.frozen(kw_only=True)
class Campaign:
    """A campaign run by a region's leading group.

    A drive has an ``end`` (inclusive); a standing practice may have none.
    ``department_ids`` are the departments and units taking part (66 in
    Dezhou); work groups point to their campaign through
    :attr:`~jinjiecu.domain.org.WorkGroup.campaign_id`.
    """

    id: CampaignId = attrs.field(validator=is_id(CampaignId))
    name: str = attrs.field(validator=name_text())
    kind: CampaignKind = attrs.field(validator=is_enum(CampaignKind))
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    start: dt.date = attrs.field(validator=a_date)
    end: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    targets: CampaignTargets = attrs.field(
        factory=CampaignTargets, validator=is_instance(CampaignTargets, "CampaignTargets")
    )
    office_id: OfficeId | None = attrs.field(default=None, validator=optional(is_id(OfficeId)))
    department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(DepartmentId)), unique_items]
    )

    def __attrs_post_init__(self) -> None:
        if self.kind is CampaignKind.DRIVE:
            check(
                self.end is not None,
                field="end",
                expected="an end date for a drive (集中行动)",
                received=self.end,
            )
        if self.end is not None:
            check(
                self.end >= self.start,
                field="end",
                expected=f"a date on or after the start {self.start.isoformat()}",
                received=self.end,
            )

    @classmethod
    def drive(
        cls,
        *,
        id: CampaignId,  # noqa: A002 - the field's name
        name: str,
        region_id: RegionId,
        start: dt.date,
        days: int,
        targets: CampaignTargets | None = None,
        office_id: OfficeId | None = None,
        department_ids: tuple[DepartmentId, ...] = (),
    ) -> Campaign:
        """Make a drive of ``days`` calendar days from ``start`` (the start day is day 1)."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValidationError(
                field="days", expected="a whole number of days, at least 1", received=days
            )
        a_date(None, attrs.fields(cls).start, start)
        return cls(
            id=id,
            name=name,
            kind=CampaignKind.DRIVE,
            region_id=region_id,
            start=start,
            end=start + dt.timedelta(days=days - 1),
            targets=targets or CampaignTargets(),
            office_id=office_id,
            department_ids=department_ids,
        )

    @property
    def days(self) -> int | None:
        """Length in calendar days, both ends included; ``None`` with no end."""
        return None if self.end is None else (self.end - self.start).days + 1

    def is_active(self, on: dt.date) -> bool:
        """Whether the campaign runs on ``on`` (start and end days included)."""
        return self.start <= on and (self.end is None or on <= self.end)
