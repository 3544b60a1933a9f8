from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given

from jinjiecu.domain.codes import DivisionCode, DivisionLevel
from jinjiecu.domain.divisions import (
    DEZHOU,
    DEZHOU_DIVISIONS,
    REFERENCE_DIVISIONS,
    SHANDONG,
    Division,
    DivisionKind,
    division_by_code,
    division_by_name,
)
from jinjiecu.errors import ValidationError
from jinjiecu.testing.strategies import division_codes

# ---------------------------------------------------------------- the data

EXPECTED_DEZHOU = [
    ("371400", "德州市", DivisionKind.CITY),
    ("371402", "德城区", DivisionKind.DISTRICT),
    ("371403", "陵城区", DivisionKind.DISTRICT),
    ("371422", "宁津县", DivisionKind.COUNTY),
    ("371423", "庆云县", DivisionKind.COUNTY),
    ("371424", "临邑县", DivisionKind.COUNTY),
    ("371425", "齐河县", DivisionKind.COUNTY),
    ("371426", "平原县", DivisionKind.COUNTY),
    ("371427", "夏津县", DivisionKind.COUNTY),
    ("371428", "武城县", DivisionKind.COUNTY),
    ("371481", "乐陵市", DivisionKind.COUNTY_LEVEL_CITY),
    ("371482", "禹城市", DivisionKind.COUNTY_LEVEL_CITY),
    (None, "德州经济技术开发区", DivisionKind.DEVELOPMENT_ZONE),
    (None, "德州运河经济开发区", DivisionKind.DEVELOPMENT_ZONE),
    (None, "德州天衢新区", DivisionKind.DEVELOPMENT_ZONE),
]


def test_dezhou_divisions_are_pinned() -> None:
    assert [(d.code, d.name, d.kind) for d in DEZHOU_DIVISIONS] == EXPECTED_DEZHOU


def test_shandong_and_dezhou() -> None:
    assert SHANDONG.code == "370000"
    assert SHANDONG.name == "山东省"
    assert SHANDONG.kind is DivisionKind.PROVINCE
    assert SHANDONG.parent_code is None
    assert DEZHOU is DEZHOU_DIVISIONS[0]
    assert DEZHOU.parent_code == SHANDONG.code
    assert (SHANDONG, *DEZHOU_DIVISIONS) == REFERENCE_DIVISIONS


def test_everything_under_dezhou_hangs_from_it() -> None:
    for division in DEZHOU_DIVISIONS[1:]:
        assert division.parent_code == DEZHOU.code, division.name
        if division.code is not None:
            assert division.code.parent == DEZHOU.code


def test_codes_and_names_are_unique() -> None:
    codes = [d.code for d in REFERENCE_DIVISIONS if d.code is not None]
    names = [d.name for d in REFERENCE_DIVISIONS]
    english = [d.name_en for d in REFERENCE_DIVISIONS]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert len(set(english)) == len(english)


def test_only_development_zones_lack_a_code() -> None:
    for division in REFERENCE_DIVISIONS:
        assert (division.code is None) == (division.kind is DivisionKind.DEVELOPMENT_ZONE)


def test_kind_values_and_labels() -> None:
    assert {kind.value: kind.label for kind in DivisionKind} == {
        "province": "省",
        "city": "地级市",
        "district": "市辖区",
        "county": "县",
        "county_level_city": "县级市",
        "development_zone": "开发区",
        "town": "乡镇街道",
    }
    assert DivisionKind.parse("县级市") is DivisionKind.COUNTY_LEVEL_CITY
    assert str(DivisionKind.DISTRICT) == "市辖区"


# ---------------------------------------------------------------- look-ups


@pytest.mark.parametrize("division", REFERENCE_DIVISIONS[:13])
def test_division_by_code_finds_every_coded_division(division: Division) -> None:
    assert division.code is not None
    assert division_by_code(division.code) is division
    assert division_by_code(str(division.code)) is division


@pytest.mark.parametrize("code", ["371421", "371300", "110000"])
def test_division_by_code_rejects_codes_outside_the_data(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        division_by_code(code)
    assert caught.value.field == "division_code"
    assert caught.value.received == code


@pytest.mark.parametrize("code", ["3714", "991400", "乐陵市"])
def test_division_by_code_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        division_by_code(code)
    assert caught.value.field == "division_code"


@pytest.mark.parametrize("division", REFERENCE_DIVISIONS)
def test_division_by_name_finds_every_division_by_its_full_name(division: Division) -> None:
    assert division_by_name(division.name) is division
    assert division_by_name(f" {division.name}\u3000") is division


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("山东", "山东省"),
        ("德州", "德州市"),
        ("德城", "德城区"),
        ("陵城", "陵城区"),
        ("宁津", "宁津县"),
        ("庆云", "庆云县"),
        ("临邑", "临邑县"),
        ("齐河", "齐河县"),
        ("平原", "平原县"),
        ("夏津", "夏津县"),
        ("武城", "武城县"),
        ("乐陵", "乐陵市"),
        ("禹城", "禹城市"),
        ("经济技术开发区", "德州经济技术开发区"),
        ("德州经开区", "德州经济技术开发区"),
        ("经开区", "德州经济技术开发区"),
        ("运河经济开发区", "德州运河经济开发区"),  # as the source article writes it
        ("运河开发区", "德州运河经济开发区"),
        ("天衢新区", "德州天衢新区"),
    ],
)
def test_division_by_name_accepts_short_names(short: str, full: str) -> None:
    assert division_by_name(short).name == full


@pytest.mark.parametrize("name", ["", "德", "乐陵县", "临沂", "陵县", "德州经济开发区", "济南市"])
def test_division_by_name_rejects_other_names(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        division_by_name(name)
    assert caught.value.field == "division_name"
    assert caught.value.received == name


def test_division_by_name_rejects_non_text() -> None:
    with pytest.raises(ValidationError) as caught:
        division_by_name(None)  # type: ignore[arg-type]
    assert caught.value.field == "division_name"


# ---------------------------------------------------------------- validation


def _leling(**changes: Any) -> Division:
    fields: dict[str, Any] = {
        "code": DivisionCode("371481"),
        "name": "乐陵市",
        "name_en": "Leling",
        "kind": DivisionKind.COUNTY_LEVEL_CITY,
        "parent_code": DivisionCode("371400"),
    }
    return Division(**(fields | changes))


def test_a_well_formed_division_equals_the_reference_one() -> None:
    assert _leling() == division_by_code("371481")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "371481"}, "code"),  # text, not a DivisionCode
        ({"code": None}, "code"),  # only development zones lack a code
        ({"code": DivisionCode("371400")}, "code"),  # a city code for a county-level city
        ({"name": ""}, "name"),
        ({"name": "乐陵\n市"}, "name"),
        ({"name_en": "  "}, "name_en"),
        ({"name_en": None}, "name_en"),
        ({"kind": "县级市"}, "kind"),
        ({"kind": ["unhashable"]}, "kind"),
        ({"parent_code": "371400"}, "parent_code"),
        ({"parent_code": None}, "parent_code"),
        ({"parent_code": DivisionCode("371300")}, "parent_code"),  # not its city
        ({"parent_code": DivisionCode("371481")}, "parent_code"),  # itself
    ],
)
def test_bad_fields_are_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _leling(**changes)
    assert caught.value.field == field


def test_a_province_has_no_parent() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(SHANDONG, parent_code=DivisionCode("370000"))
    assert caught.value.field == "parent_code"


def test_a_city_hangs_under_its_province() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(DEZHOU, parent_code=DivisionCode("360000"))
    assert caught.value.field == "parent_code"


def test_a_county_may_hang_directly_under_its_province() -> None:
    # e.g. 济源市 (419001), administered directly by 河南省
    jiyuan = Division(
        code=DivisionCode("419001"),
        name="济源市",
        name_en="Jiyuan",
        kind=DivisionKind.COUNTY_LEVEL_CITY,
        parent_code=DivisionCode("410000"),
    )
    assert jiyuan.parent_code == DivisionCode("419001").province


def test_a_development_zone_needs_a_parent() -> None:
    zone = DEZHOU_DIVISIONS[-1]
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(zone, parent_code=None)
    assert caught.value.field == "parent_code"


def test_divisions_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        DEZHOU.name = "德州"  # type: ignore[misc]


@given(division_codes(DivisionLevel.COUNTY))
def test_any_county_code_makes_a_county_under_its_city(code: DivisionCode) -> None:
    county = Division(
        code=code,
        name="某县",
        name_en="Some County",
        kind=DivisionKind.COUNTY,
        parent_code=code.city,
    )
    assert county.parent_code == code.parent
