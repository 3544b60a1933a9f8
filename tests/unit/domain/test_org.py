from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from jinjiecu.domain.codes import DivisionCode
from jinjiecu.domain.divisions import DEZHOU_DIVISIONS, DivisionKind
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.org import (
    Department,
    Leader,
    LeadershipBody,
    OrgLevel,
    Region,
    WorkGroup,
    regions_from_divisions,
)
from jinjiecu.errors import ValidationError
from jinjiecu.testing import strategies as js


def group(**changes: object) -> WorkGroup:
    fields: dict[str, object] = {
        "id": WorkGroupId("g-1"),
        "name": "第一工作组",
        "campaign_id": CampaignId("c-1"),
        "level": OrgLevel.CITY,
        "region_id": RegionId("371400"),
        "leader_ids": [LeaderId("l-1")],
    }
    fields.update(changes)
    return WorkGroup(**fields)  # type: ignore[arg-type]


def test_dezhou_regions_form_one_tree_under_the_city() -> None:
    regions = regions_from_divisions(DEZHOU_DIVISIONS)
    by_id = {region.id: region for region in regions}
    city = by_id[RegionId("371400")]
    assert city.name == "德州市"
    assert city.kind is DivisionKind.CITY
    assert city.division_code == DivisionCode("371400")
    counties = [r for r in regions if r.parent_id == city.id]
    assert {r.name for r in counties} >= {
        "乐陵市",
        "禹城市",
        "武城县",
        "陵城区",
        "德州运河经济开发区",
    }
    assert len({r.id for r in regions}) == len(regions)


def test_zones_without_a_code_get_a_stable_readable_id() -> None:
    regions = regions_from_divisions(DEZHOU_DIVISIONS)
    zones = [r for r in regions if r.kind is DivisionKind.DEVELOPMENT_ZONE]
    assert zones
    for zone in zones:
        assert zone.division_code is None
        assert zone.id.startswith("371400-")
        assert " " not in zone.id
    assert regions_from_divisions(DEZHOU_DIVISIONS) == regions


def test_a_region_cannot_be_its_own_parent() -> None:
    with pytest.raises(ValidationError) as caught:
        Region(id=RegionId("r"), name="x", kind=DivisionKind.COUNTY, parent_id=RegionId("r"))
    assert caught.value.field == "parent_id"


def test_a_work_group_needs_a_leader() -> None:
    with pytest.raises(ValidationError) as caught:
        group(leader_ids=[])
    assert caught.value.field == "leader_ids"
    assert "at least 1" in caught.value.expected


def test_ids_in_a_group_are_typed_and_listed_once() -> None:
    with pytest.raises(ValidationError) as caught:
        group(leader_ids=["l-1"])
    assert caught.value.field == "leader_ids[0]"
    assert "LeaderId" in caught.value.expected
    with pytest.raises(ValidationError) as caught:
        group(department_ids=[DepartmentId("d"), DepartmentId("d")])
    assert caught.value.field == "department_ids"


def test_lists_become_tuples_but_sets_are_refused() -> None:
    assert group(leader_ids=[LeaderId("a"), LeaderId("b")]).leader_ids == ("a", "b")
    with pytest.raises(ValidationError) as caught:
        group(leader_ids={LeaderId("a")})
    assert caught.value.field == "leader_ids"


def test_assign_adds_new_enterprises_and_projects_once() -> None:
    g = group(enterprise_ids=[EnterpriseId("e1")])
    g2 = g.assign(
        enterprises=[EnterpriseId("e1"), EnterpriseId("e2"), EnterpriseId("e2")],
        projects=[ProjectId("p1")],
    )
    assert g2.enterprise_ids == ("e1", "e2")
    assert g2.project_ids == ("p1",)
    assert g.enterprise_ids == ("e1",)


def test_leadership_bodies_at_each_level() -> None:
    assert [body.label_at(OrgLevel.CITY) for body in LeadershipBody] == [
        "市委",
        "市政府",
        "市人大",
        "市政协",
    ]
    assert LeadershipBody.GOVERNMENT.label_at(OrgLevel.COUNTY) == "县政府"


def test_names_must_be_single_line_and_not_blank() -> None:
    for bad in ["", "   ", "工信局\n", "x" * 201]:
        with pytest.raises(ValidationError) as caught:
            Department(id=DepartmentId("d"), name=bad, level=OrgLevel.CITY)
        assert caught.value.field == "name"
    with pytest.raises(ValidationError) as caught:
        Leader(id=LeaderId("l"), name="张三", post="")
    assert caught.value.field == "post"


@given(js.work_groups())
def test_generated_groups_are_valid_and_rebuild_equal(g: WorkGroup) -> None:
    assert attrs.evolve(g) == g
    assert len(set(g.leader_ids)) == len(g.leader_ids) >= 1
