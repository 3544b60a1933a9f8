from __future__ import annotations

import importlib

import pytest

from jinjiecu.domain.campaign import CampaignKind
from jinjiecu.domain.enterprise import SizeClass
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.errors import ValidationError


def test_value_is_english_and_label_is_chinese() -> None:
    assert SizeClass.MICRO.value == "micro"
    assert SizeClass.MICRO.label == "微型"
    assert str(SizeClass.MICRO) == "微型"
    assert SizeClass("micro") is SizeClass.MICRO


@pytest.mark.parametrize("text", ["集中行动", "drive", "DRIVE", " 集中行动 "])
def test_parse_accepts_label_value_and_name(text: str) -> None:
    assert CampaignKind.parse(text) is CampaignKind.DRIVE


def test_parse_refuses_unknown_text_listing_the_labels() -> None:
    with pytest.raises(ValidationError) as caught:
        SizeClass.parse("巨型", field="size")
    assert caught.value.field == "size"
    assert "大型 (large)" in caught.value.expected
    assert caught.value.received == "巨型"


def test_parse_names_the_enum_when_no_field_is_given() -> None:
    with pytest.raises(ValidationError) as caught:
        CampaignKind.parse("x")
    assert caught.value.field == "campaign_kind"


DOMAIN_MODULES = ["campaign", "codes", "divisions", "enterprise", "money", "org", "visit"]


def test_every_domain_enum_has_a_label_and_unique_values() -> None:
    enums = [
        obj
        for name in DOMAIN_MODULES
        for obj in vars(importlib.import_module(f"jinjiecu.domain.{name}")).values()
        if isinstance(obj, type) and issubclass(obj, LabelledEnum) and obj is not LabelledEnum
    ]
    assert len(enums) >= 10
    for enum_cls in enums:
        members = list(enum_cls)
        labels = [member.label for member in members]
        values = [member.value for member in members]
        assert all(labels), enum_cls
        assert len(set(labels)) == len(labels), enum_cls
        assert all(value.isascii() and value == value.lower() for value in values), enum_cls
