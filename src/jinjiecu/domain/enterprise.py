"""Enterprises (企业) and projects (项目) that work groups help.

>>> from jinjiecu.domain.codes import credit_code_check_character
>>> code = "91371481MA3C00001"
>>> firm = Enterprise(
...     id=EnterpriseId("e-1"),
...     name="乐陵某制药有限公司",
...     credit_code=CreditCode(code + credit_code_check_character(code)),
...     region_id=RegionId("371481"),
...     industry="医药制造",
...     size=SizeClass.LARGE,
...     backbone=True,
... )
>>> firm.size.label
'大型'
"""

from __future__ import annotations

import attrs

from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.ids import EnterpriseId, ProjectId, RegionId
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.money import Money, non_negative_money
from jinjiecu.domain.personal import Contact, valid_contacts
from jinjiecu.domain.validation import (
    as_tuple,
    is_bool,
    is_enum,
    is_id,
    is_instance,
    name_text,
    optional,
)

__all__ = ["Enterprise", "Project", "ProjectKind", "ProjectPhase", "SizeClass"]


class SizeClass(LabelledEnum):
    """Enterprise size class (大中小微) under the national classification rules."""

    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


@attrs.frozen(kw_only=True)
class Enterprise:
    """An enterprise that work groups visit and help.

    ``credit_code`` is the unified social credit code; a ledger may lack it for
    some firms, so it is optional, but a store keeps it unique when present.
    ``backbone`` marks the backbone enterprises (骨干企业) a campaign targets.
    ``contacts`` are the people the office reaches the enterprise through
    (联系人: the owner, the finance director ...); their names, mobile and ID
    numbers are masked in ``repr`` (see :mod:`jinjiecu.domain.personal`).
    """

    id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    name: str = attrs.field(validator=name_text())
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    credit_code: CreditCode | None = attrs.field(
        default=None, validator=optional(is_instance(CreditCode, "a CreditCode"))
    )
    industry: str = attrs.field(default="其他", validator=name_text(100))
    size: SizeClass = attrs.field(default=SizeClass.SMALL, validator=is_enum(SizeClass))
    backbone: bool = attrs.field(default=False, validator=is_bool)
    contacts: tuple[Contact, ...] = attrs.field(
        default=(), converter=as_tuple, validator=valid_contacts
    )


class ProjectKind(LabelledEnum):
    """The project lists a campaign targets."""

    CITY_KEY = "city_key", "市级重点项目"
    TECH_RENOVATION = "tech_renovation", "重点工业技改项目"
    URBAN_CONSTRUCTION = "urban_construction", "城建项目"
    OTHER = "other", "其他项目"


class ProjectPhase(LabelledEnum):
    """Where a project stands, from preparation to operation."""

    PREPARATION = "preparation", "前期"
    APPROVAL = "approval", "审批"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    COMPLETED = "completed", "竣工"
    IN_OPERATION = "in_operation", "投产"


@attrs.frozen(kw_only=True)
class Project:
    """A project (项目): a key project, a technical renovation or an urban-construction one.

    ``owner_id`` is the enterprise that builds it, if any; ``planned_investment``
    is the total planned investment (计划总投资).
    """

    id: ProjectId = attrs.field(validator=is_id(ProjectId))
    name: str = attrs.field(validator=name_text())
    kind: ProjectKind = attrs.field(validator=is_enum(ProjectKind))
    region_id: RegionId = attrs.field(validator=is_id(RegionId))
    owner_id: EnterpriseId | None = attrs.field(
        default=None, validator=optional(is_id(EnterpriseId))
    )
    planned_investment: Money = attrs.field(factory=Money.zero, validator=non_negative_money)
    phase: ProjectPhase = attrs.field(
        default=ProjectPhase.UNDER_CONSTRUCTION, validator=is_enum(ProjectPhase)
    )
