"""The organisation that runs a campaign: regions, departments, leaders, work groups, the office.

- :class:`Region` (县市区 / 开发区): an administrative division or a development
  zone, with its parent; a county's figures roll up into its city's.
- :class:`Department` (市直部门 and others): government departments, and the
  financial institutions, intermediaries and platform companies that join
  consultations.
- :class:`Leader`: a leading official, with the leadership body they belong to
  (市委 / 市政府 / 市人大 / 市政协 at city level).
- :class:`WorkGroup` (工作组): leaders and member departments assigned to help
  a set of enterprises and projects.
- :class:`CampaignOffice` (领导小组办公室): coordinates and dispatches (调度).

>>> from jinjiecu.domain.divisions import DEZHOU_DIVISIONS
>>> regions = regions_from_divisions(DEZHOU_DIVISIONS)
>>> leling = next(r for r in regions if r.name == "乐陵市")
>>> leling.id, leling.kind.label, leling.parent_id
(RegionId('371481'), '县级市', RegionId('371400'))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.codes import DivisionCode
from jinjiecu.domain.divisions import Division, DivisionKind
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    OfficeId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.personal import Contact, valid_contacts
from jinjiecu.domain.validation import (
    as_tuple,
    check,
    is_enum,
    is_id,
    is_instance,
    name_text,
    optional,
    tuple_of,
    unique_items,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CampaignOffice",
    "Department",
    "DepartmentKind",
    "Leader",
    "LeadershipBody",
    "OrgLevel",
    "Region",
    "WorkGroup",
    "regions_from_divisions",
]


class OrgLevel(LabelledEnum):
    """The administrative level a department or work group works at."""

    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    """Counties, county-level cities, districts and development zones."""


class DepartmentKind(LabelledEnum):
    """What kind of body a :class:`Department` is."""

    GOVERNMENT = "government", "政府部门"
    PARTY = "party", "党委部门"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    FINANCIAL_INSTITUTION = "financial_institution", "金融机构"
    INTERMEDIARY = "intermediary", "中介机构"
    PLATFORM_COMPANY = "platform_company", "投融资平台"
    OTHER = "other", "其他"


class LeadershipBody(LabelledEnum):
    """The four leadership bodies (四套班子) whose members lead work groups.

    Labels are level-neutral; :meth:`label_at` gives the form used at a level,
    e.g. 市委 for the city party committee.
    """

    PARTY_COMMITTEE = "party_committee", "党委"
    GOVERNMENT = "government", "政府"
    PEOPLES_CONGRESS = "peoples_congress", "人大"
    CPPCC = "cppcc", "政协"

    def label_at(self, level: OrgLevel) -> str:
        """Name the body as it is called at ``level``: 市委, 市政府, 市人大, 市政协; 县委 ...

        >>> LeadershipBody.PARTY_COMMITTEE.label_at(OrgLevel.CITY)
        '市委'
        >>> LeadershipBody.CPPCC.label_at(OrgLevel.COUNTY)
        '县政协'
        """
        prefix = {OrgLevel.PROVINCE: "省", OrgLevel.CITY: "市", OrgLevel.COUNTY: "县"}[level]
        short = "委" if self is LeadershipBody.PARTY_COMMITTEE else self.label
        return prefix + short


@attrs.frozen(kw_only=True)
class Region:
    """An administrative division or development zone (县市区 / 开发区).

    ``division_code`` is the GB/T 2260 code when the region has one
    (development zones usually do not). ``parent_id`` links a county to its
    city, so figures roll up the hierarchy.
    """

    id: RegionId = attrs.field(validator=is_id(RegionId))
    name: str = attrs.field(validator=name_text())
    kind: DivisionKind = attrs.field(validator=is_enum(DivisionKind))
    division_code: DivisionCode | None = attrs.field(
        default=None, validator=optional(is_instance(DivisionCode, "a DivisionCode"))
    )
    parent_id: RegionId | None = attrs.field(default=None, validator=optional(is_id(RegionId)))

    def __attrs_post_init__(self) -> None:
        check(
            self.parent_id != self.id,
            field="parent_id",
            expected="a different region than the region itself",
            received=self.parent_id,
        )


def regions_from_divisions(divisions: Iterable[Division]) -> tuple[Region, ...]:
    """Turn reference divisions into :class:`Region` records with stable ids.

    A region's id is its division code; a development zone without a code gets
    its parent's code and its English name, e.g. ``371400-canal-zone``.
    """
    regions = []
    for division in divisions:
        if division.code is not None:
            region_id = RegionId(str(division.code))
        else:
            slug = "-".join(division.name_en.lower().replace("-", " ").split())
            region_id = RegionId(f"{division.parent_code}-{slug}")
        regions.append(
            Region(
                id=region_id,
                name=division.name,
                kind=division.kind,
                division_code=division.code,
                parent_id=RegionId(str(division.parent_code)) if division.parent_code else None,
            )
        )
    return tuple(regions)


@attrs.frozen(kw_only=True)
class Department:
    """A department or unit taking part (市直部门), or a partner institution.

    ``region_id`` is the region whose government the department belongs to
    (the city for 市直部门). ``contacts`` are its liaisons (联络员) for the
    campaign, masked in ``repr`` (see :mod:`jinjiecu.domain.personal`).
    """

    id: DepartmentId = attrs.field(validator=is_id(DepartmentId))
    name: str = attrs.field(validator=name_text())
    level: OrgLevel = attrs.field(validator=is_enum(OrgLevel))
    kind: DepartmentKind = attrs.field(
        default=DepartmentKind.GOVERNMENT, validator=is_enum(DepartmentKind)
    )
    region_id: RegionId | None = attrs.field(default=None, validator=optional(is_id(RegionId)))
    contacts: tuple[Contact, ...] = attrs.field(
        default=(), converter=as_tuple, validator=valid_contacts
    )


@attrs.frozen(kw_only=True)
class Leader:
    """A leading official who takes part in visits and leads work groups.

    ``body`` is the leadership body the leader belongs to (市委 / 市政府 /
    市人大 / 市政协), or ``None`` for a department head; ``department_id`` is the
    department a department head leads. ``contacts`` are the people the
    office reaches the leader through (a secretary, a liaison, or the
    leader's own mobile), masked in ``repr``.
    """

    id: LeaderId = attrs.field(validator=is_id(LeaderId))
    name: str = attrs.field(validator=name_text(50))
    post: str = attrs.field(validator=name_text())
    body: LeadershipBody | None = attrs.field(
        default=None, validator=optional(is_enum(LeadershipBody))
    )
    region_id: RegionId | None = attrs.field(default=None, validator=optional(is_id(RegionId)))
    department_id: DepartmentId | None = attrs.field(
        default=None, validator=optional(is_id(DepartmentId))
    )
    contacts: tuple[Contact, ...] = attrs.field(
        default=(), converter=as_tuple, validator=valid_contacts
    )


@attrs.frozen(kw_only=True)
class WorkGroup:
    """A work group (工作组): leaders and departments assigned to help enterprises and projects.

    At least one leader leads the group; the first in ``leader_ids`` is the
    group leader (组长). The enterprises and projects assigned to the group
    (帮扶对象) are the ones it is expected to visit.
    """

    id: WorkGroupId = attrs.field(validator=is_id(WorkGroupId))
    name: str = attrs.field(validator=name_text())
    campaign_id: CampaignId = attrs.field(validator=is_id(CampaignId))
    level: OrgLevel = attrs.field(validator=is_enum(OrgLevel))
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    leader_ids: tuple[LeaderId, ...] = attrs.field(
        converter=as_tuple,
        validator=[tuple_of(is_id(LeaderId), min_length=1), unique_items],
    )
    department_ids: tuple[DepartmentId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(DepartmentId)), unique_items]
    )
    enterprise_ids: tuple[EnterpriseId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(EnterpriseId)), unique_items]
    )
    project_ids: tuple[ProjectId, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[tuple_of(is_id(ProjectId)), unique_items]
    )

    def assign(
        self,
        *,
        enterprises: Iterable[EnterpriseId] = (),
        projects: Iterable[ProjectId] = (),
    ) -> WorkGroup:
        """Return the group with more enterprises and projects assigned; repeats are kept once."""
        new_enterprises = [e for e in dict.fromkeys(enterprises) if e not in self.enterprise_ids]
        new_projects = [p for p in dict.fromkeys(projects) if p not in self.project_ids]
        return attrs.evolve(
            self,
            enterprise_ids=self.enterprise_ids + tuple(new_enterprises),
            project_ids=self.project_ids + tuple(new_projects),
        )


@attrs.frozen(kw_only=True)
class CampaignOffice:
    """The leading group's office (领导小组办公室) that coordinates and dispatches.

    In Dezhou the city's industry and IT bureau (市工信局) hosts it:
    ``host_department_id``.
    """

    id: OfficeId = attrs.field(validator=is_id(OfficeId))
    name: str = attrs.field(validator=name_text())
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    host_department_id: DepartmentId | None = attrs.field(
        default=None, validator=optional(is_id(DepartmentId))
    )
