from __future__ import annotations

from decimal import Decimal

import pytest

from jinjiecu.domain.codes import CreditCode, credit_code_check_character
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.ids import EnterpriseId, ProjectId, RegionId
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError


def valid_code() -> CreditCode:
    first17 = "91371428MA3C0000" + "1"
    return CreditCode(first17 + credit_code_check_character(first17))


def test_an_enterprise_with_defaults() -> None:
    firm = Enterprise(id=EnterpriseId("e"), name="武城某集团", region_id=RegionId("371428"))
    assert firm.credit_code is None
    assert firm.size is SizeClass.SMALL
    assert firm.backbone is False


def test_the_credit_code_must_be_a_validated_code() -> None:
    firm = Enterprise(
        id=EnterpriseId("e"), name="x", region_id=RegionId("r"), credit_code=valid_code()
    )
    assert firm.credit_code == valid_code()
    with pytest.raises(ValidationError) as caught:
        Enterprise(
            id=EnterpriseId("e"),
            name="x",
            region_id=RegionId("r"),
            credit_code=str(valid_code()),  # type: ignore[arg-type]
        )
    assert caught.value.field == "credit_code"


def test_backbone_is_a_real_bool() -> None:
    with pytest.raises(ValidationError) as caught:
        Enterprise(id=EnterpriseId("e"), name="x", region_id=RegionId("r"), backbone=1)  # type: ignore[arg-type]
    assert caught.value.field == "backbone"


def test_a_project_with_its_planned_investment() -> None:
    project = Project(
        id=ProjectId("p"),
        name="三期项目",
        kind=ProjectKind.CITY_KEY,
        region_id=RegionId("371481"),
        planned_investment=Money.parse("24亿元"),
        phase=ProjectPhase.APPROVAL,
    )
    assert project.planned_investment.amount == Decimal(2400000000)
    assert project.kind.label == "市级重点项目"


def test_planned_investment_cannot_be_negative() -> None:
    with pytest.raises(ValidationError) as caught:
        Project(
            id=ProjectId("p"),
            name="x",
            kind=ProjectKind.OTHER,
            region_id=RegionId("r"),
            planned_investment=Money.yuan(-1),
        )
    assert caught.value.field == "planned_investment"
