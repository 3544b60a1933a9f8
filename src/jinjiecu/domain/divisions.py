"""Reference data: 山东省, 德州市 and the county-level divisions and development zones under it.

The campaign in the source article ran in 德州市 (Dezhou, Shandong). Its
counties, county-level cities, districts and development zones (县市区、开发区)
each ran their own office and work groups, so apps need their names and codes.
The data is shipped with the package and does not change at run time.

Codes are the GB/T 2260 administrative division codes. Development zones are
not administrative divisions and have no GB/T 2260 code, so their ``code`` is
``None``; they sit under 德州市.

>>> division_by_code("371481").name
'乐陵市'
>>> division_by_name("乐陵").code
DivisionCode('371481')
>>> division_by_name("运河经济开发区").name
'德州运河经济开发区'
>>> [d.name for d in DEZHOU_DIVISIONS if d.kind is DivisionKind.DISTRICT]
['德城区', '陵城区']
"""

from __future__ import annotations

from typing import Any

import attrs

from jinjiecu.domain.codes import DivisionCode, DivisionLevel
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import check, is_enum, is_instance, name_text, optional
from jinjiecu.errors import ValidationError

__all__ = [
    "DEZHOU",
    "DEZHOU_DIVISIONS",
    "REFERENCE_DIVISIONS",
    "SHANDONG",
    "Division",
    "DivisionKind",
    "division_by_code",
    "division_by_name",
]


class DivisionKind(LabelledEnum):
    """What kind of division a :class:`Division` is; ``label`` is the Chinese term."""

    PROVINCE = "province", "省"
    CITY = "city", "地级市"
    """A prefecture-level city."""
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    COUNTY_LEVEL_CITY = "county_level_city", "县级市"
    DEVELOPMENT_ZONE = "development_zone", "开发区"
    """A development zone or new area (开发区 or 新区), not an administrative division."""
    TOWN = "town", "乡镇街道"
    """A town, township or subdistrict (镇、乡、街道) under a county, a ledger's 所属镇街."""


# The code level each kind must have; a development zone's code, if any, is not checked.
_LEVEL_OF_KIND = {
    DivisionKind.PROVINCE: DivisionLevel.PROVINCE,
    DivisionKind.CITY: DivisionLevel.CITY,
    DivisionKind.DISTRICT: DivisionLevel.COUNTY,
    DivisionKind.COUNTY: DivisionLevel.COUNTY,
    DivisionKind.COUNTY_LEVEL_CITY: DivisionLevel.COUNTY,
}

_A_DIVISION_CODE = "a DivisionCode (wrap text as DivisionCode('371400'))"


def _code_fits_kind(instance: Division, _attribute: attrs.Attribute[Any], kind: Any) -> None:
    """Require a code for every kind but a development zone, at the level the kind implies.

    It runs on ``kind`` once the kind itself is known to be valid, but names
    ``code`` in the error, since a code of the wrong level is the likelier slip.
    """
    level = _LEVEL_OF_KIND.get(kind)
    if level is None:  # a development zone: a code is optional and unchecked
        return
    code: DivisionCode | None = instance.code
    check(
        code is not None and code.level is level,
        field="code",
        expected=f"a {level.label} ({level.name}) division code for a {kind.label}",
        received=code,
    )


def _parent_fits_code(instance: Division, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require the parent to be an ancestor of the code; a zone without a code needs a parent."""
    code: DivisionCode | None = instance.code
    if code is None:
        check(
            value is not None,
            field=attribute.name,
            expected="the code of the division a development zone sits under",
            received=value,
        )
        return
    # A county-level division hangs under its city or, for the few counties and
    # cities administered directly by a province, under the province.
    allowed: tuple[DivisionCode | None, ...]
    if code.level is DivisionLevel.PROVINCE:
        allowed = (None,)
    elif code.level is DivisionLevel.CITY:
        allowed = (code.province,)
    else:
        allowed = (code.city, code.province)
    check(
        value in allowed,
        field=attribute.name,
        expected=f"the code of the division {code} sits under: "
        + " or ".join(repr(a) if a is None else str(a) for a in allowed),
        received=value,
    )


@attrs.frozen(kw_only=True)
class Division:
    """An administrative division (行政区划) or a development zone, with its names and place.

    Attributes:
        code: the GB/T 2260 code; ``None`` for a development zone, which has none.
        name: the official Chinese name, e.g. ``"乐陵市"``.
        name_en: the name in pinyin or English, e.g. ``"Leling"``.
        kind: province, city, district, county, county-level city or development zone.
        parent_code: the division it sits under (``None`` for a province). For a
            county-level division this is its city or, where the province
            administers it directly, the province.

    >>> Division(
    ...     code=DivisionCode("371400"),
    ...     name="德州市",
    ...     name_en="Dezhou",
    ...     kind=DivisionKind.COUNTY,
    ...     parent_code=DivisionCode("370000"),
    ... )
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: code: expected a 县级 (COUNTY) division code for a 县, ...
    """

    code: DivisionCode | None = attrs.field(
        validator=optional(is_instance(DivisionCode, _A_DIVISION_CODE))
    )
    name: str = attrs.field(validator=name_text())
    name_en: str = attrs.field(validator=name_text())
    kind: DivisionKind = attrs.field(validator=[is_enum(DivisionKind), _code_fits_kind])
    parent_code: DivisionCode | None = attrs.field(
        validator=[optional(is_instance(DivisionCode, _A_DIVISION_CODE)), _parent_fits_code]
    )


def _division(
    code: str | None, name: str, name_en: str, kind: DivisionKind, parent: str | None
) -> Division:
    return Division(
        code=None if code is None else DivisionCode(code),
        name=name,
        name_en=name_en,
        kind=kind,
        parent_code=None if parent is None else DivisionCode(parent),
    )


SHANDONG = _division("370000", "山东省", "Shandong Province", DivisionKind.PROVINCE, None)
"""山东省, the province 德州市 belongs to."""

DEZHOU = _division("371400", "德州市", "Dezhou", DivisionKind.CITY, "370000")
"""德州市, the prefecture-level city of the source article."""

_D, _C, _CC, _Z = (
    DivisionKind.DISTRICT,
    DivisionKind.COUNTY,
    DivisionKind.COUNTY_LEVEL_CITY,
    DivisionKind.DEVELOPMENT_ZONE,
)

DEZHOU_DIVISIONS: tuple[Division, ...] = (
    DEZHOU,
    _division("371402", "德城区", "Decheng District", _D, "371400"),
    # 陵县 (371421) became 陵城区 in 2014.
    _division("371403", "陵城区", "Lingcheng District", _D, "371400"),
    _division("371422", "宁津县", "Ningjin County", _C, "371400"),
    _division("371423", "庆云县", "Qingyun County", _C, "371400"),
    # Not 临沂 (Linyi city, 3713); both are "Linyi" in pinyin.
    _division("371424", "临邑县", "Linyi County", _C, "371400"),
    _division("371425", "齐河县", "Qihe County", _C, "371400"),
    _division("371426", "平原县", "Pingyuan County", _C, "371400"),
    _division("371427", "夏津县", "Xiajin County", _C, "371400"),
    _division("371428", "武城县", "Wucheng County", _C, "371400"),
    _division("371481", "乐陵市", "Leling", _CC, "371400"),
    _division("371482", "禹城市", "Yucheng", _CC, "371400"),
    # The National Bureau of Statistics gives the first two zones statistical
    # codes (371471, 371472), but these are not GB/T 2260 codes.
    _division(
        None,
        "德州经济技术开发区",
        "Dezhou Economic and Technological Development Zone",
        _Z,
        "371400",
    ),
    _division(None, "德州运河经济开发区", "Dezhou Canal Economic Development Zone", _Z, "371400"),
    # Set up in 2019-2020 and integrating the two zones above; the article
    # (November 2019) still names them separately, so all three are kept.
    _division(None, "德州天衢新区", "Dezhou Tianqu New Area", _Z, "371400"),
)
"""德州市 itself, then its districts, counties, county-level cities and development zones."""

REFERENCE_DIVISIONS: tuple[Division, ...] = (SHANDONG, *DEZHOU_DIVISIONS)
"""Every division in the reference data."""

# Short names people write in ledgers, for division_by_name.
_ZONE_ALIASES = {
    "德州经济技术开发区": ("经济技术开发区", "德州经开区", "经开区"),
    "德州运河经济开发区": ("运河经济开发区", "运河开发区"),
    "德州天衢新区": ("天衢新区",),
}


def _names_of(division: Division) -> tuple[str, ...]:
    """Return the names :func:`division_by_name` accepts for ``division``."""
    if division.kind is DivisionKind.DEVELOPMENT_ZONE:
        return (division.name, *_ZONE_ALIASES.get(division.name, ()))
    # Drop the one-character suffix 省 / 市 / 区 / 县: 乐陵市 → 乐陵.
    return (division.name, division.name[:-1])


_BY_CODE = {division.code: division for division in REFERENCE_DIVISIONS if division.code}
_BY_NAME = {name: division for division in REFERENCE_DIVISIONS for name in _names_of(division)}


def division_by_code(code: DivisionCode | str) -> Division:
    """Return the division with this GB/T 2260 code from the reference data.

    Text is accepted and checked as a :class:`~jinjiecu.domain.codes.DivisionCode`.
    A well-formed code that is not in the reference data raises
    :class:`~jinjiecu.errors.ValidationError` with field ``"division_code"``.

    >>> division_by_code("371402").name_en
    'Decheng District'
    >>> division_by_code("371421")
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: division_code: expected a division code in ...
    """
    division = _BY_CODE.get(DivisionCode(code))
    if division is None:
        raise ValidationError(
            field="division_code",
            expected="a division code in jinjiecu's reference data (370000, 371400 and 3714xx)",
            received=code,
        )
    return division


def division_by_name(name: str) -> Division:
    """Return the division with this Chinese name from the reference data.

    Accepted, after removing surrounding spaces: the full name (``"乐陵市"``);
    the name without its one-character suffix 省 / 市 / 区 / 县 (``"乐陵"``,
    ``"德城"``, ``"德州"``, ``"山东"``); and, for development zones, the name
    without ``"德州"`` (``"天衢新区"``) and the common abbreviations
    ``"德州经开区"``, ``"经开区"``, ``"运河开发区"``. Every accepted name
    belongs to exactly one division. Anything else raises
    :class:`~jinjiecu.errors.ValidationError` with field ``"division_name"``.

    >>> division_by_name("德州").kind
    <DivisionKind.CITY: 'city'>
    >>> division_by_name("经开区").name
    '德州经济技术开发区'
    """
    given: object = name  # callers without a type checker may pass anything
    division = _BY_NAME.get(given.strip()) if isinstance(given, str) else None
    if division is None:
        raise ValidationError(
            field="division_name",
            expected="the Chinese name of 山东省, 德州市 or a county, district or zone under it",
            received=name,
        )
    return division
