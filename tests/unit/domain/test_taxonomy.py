from __future__ import annotations

from typing import Any

import pytest

from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY, Category, Taxonomy
from jinjiecu.errors import ValidationError

TREE: dict[str, Any] = {
    "financing": {
        "label": "融资问题",
        "label_en": "financing",
        "children": {
            "loan_renewal": {"label": "续贷"},
            "guarantee_chain": {
                "label": "担保链",
                "children": {"mutual_guarantee": {"label": "相互联保"}},
            },
        },
    },
    "land": {"label": "用地问题"},
}


def codes(categories: tuple[Category, ...]) -> list[str]:
    return [category.code for category in categories]


def refused(categories: list[Category]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Taxonomy(categories=categories)
    return caught.value


def refused_mapping(tree: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Taxonomy.from_mapping(tree)
    return caught.value


# ---------------------------------------------------------------- the default


def test_the_default_taxonomy_has_the_twelve_categories_of_practice() -> None:
    assert len(DEFAULT_TAXONOMY) == 12
    assert [category.label for category in DEFAULT_TAXONOMY] == [
        "生产经营",
        "项目建设",
        "环保治理",
        "融资",
        "土地使用",
        "政策兑现",
        "规划调整",
        "审批手续",
        "资源整合盘活",
        "人才用工",
        "基础设施",
        "其他",
    ]


def test_the_default_categories_are_all_top_level_with_english_labels() -> None:
    assert all(category.parent is None for category in DEFAULT_TAXONOMY)
    assert all(category.label_en for category in DEFAULT_TAXONOMY)
    assert DEFAULT_TAXONOMY.children(None) == DEFAULT_TAXONOMY.categories
    assert DEFAULT_TAXONOMY.get("land_use").label == "土地使用"
    assert "policy_fulfilment" in DEFAULT_TAXONOMY
    assert "loan_renewal" not in DEFAULT_TAXONOMY


# ---------------------------------------------------------------- parse


def test_parse_finds_a_category_by_code() -> None:
    assert DEFAULT_TAXONOMY.parse("financing").label == "融资"


def test_parse_finds_a_category_by_chinese_label() -> None:
    assert DEFAULT_TAXONOMY.parse("资源整合盘活").code == "resource_integration"


def test_parse_tolerates_full_width_characters() -> None:
    assert DEFAULT_TAXONOMY.parse("ｌａｎｄ＿ｕｓｅ").code == "land_use"


def test_parse_tolerates_surrounding_spaces_including_ideographic_ones() -> None:
    assert DEFAULT_TAXONOMY.parse("  融资 ").code == "financing"
    assert DEFAULT_TAXONOMY.parse("\u3000政策兑现\u3000").code == "policy_fulfilment"
    assert DEFAULT_TAXONOMY.parse("\tother\n").code == "other"


def test_parse_finds_nested_categories_of_a_custom_taxonomy() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert own.parse("相互联保").code == "mutual_guarantee"
    assert own.parse(" loan_renewal ").label == "续贷"


def test_parse_refuses_unknown_text_listing_the_labels() -> None:
    with pytest.raises(ValidationError) as caught:
        DEFAULT_TAXONOMY.parse("外汇")
    assert caught.value.field == "category"
    assert caught.value.received == "外汇"
    assert "融资" in caught.value.expected
    assert "其他" in caught.value.expected


def test_parse_is_exact_about_letter_case() -> None:
    with pytest.raises(ValidationError) as caught:
        DEFAULT_TAXONOMY.parse("Financing")
    assert caught.value.field == "category"


def test_parse_refuses_something_that_is_not_text() -> None:
    with pytest.raises(ValidationError) as caught:
        DEFAULT_TAXONOMY.parse(7)  # type: ignore[arg-type]
    assert caught.value.field == "category"
    assert caught.value.received == 7


def test_get_refuses_an_unknown_code_listing_the_codes() -> None:
    with pytest.raises(ValidationError) as caught:
        DEFAULT_TAXONOMY.get("融资")  # a label, not a code
    assert caught.value.field == "category"
    assert "financing" in caught.value.expected


# ---------------------------------------------------------------- from_mapping and the tree


def test_from_mapping_builds_every_level_in_depth_first_order() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert [(c.code, c.label, c.parent) for c in own] == [
        ("financing", "融资问题", None),
        ("loan_renewal", "续贷", "financing"),
        ("guarantee_chain", "担保链", "financing"),
        ("mutual_guarantee", "相互联保", "guarantee_chain"),
        ("land", "用地问题", None),
    ]
    assert own.get("financing").label_en == "financing"
    assert own.get("land").label_en == ""


def test_ancestors_run_from_the_category_up_to_its_root() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert codes(own.ancestors("mutual_guarantee")) == [
        "mutual_guarantee",
        "guarantee_chain",
        "financing",
    ]
    assert codes(own.ancestors("land")) == ["land"]


def test_root_is_the_top_level_category() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert own.root("mutual_guarantee").code == "financing"
    assert own.root("loan_renewal").code == "financing"
    assert own.root("land").code == "land"


def test_children_are_the_direct_children_only() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert codes(own.children(None)) == ["financing", "land"]
    assert codes(own.children("financing")) == ["loan_renewal", "guarantee_chain"]
    assert codes(own.children("guarantee_chain")) == ["mutual_guarantee"]
    assert own.children("land") == ()


def test_tree_queries_refuse_an_unknown_code() -> None:
    own = Taxonomy.from_mapping(TREE)
    for query in (own.ancestors, own.root, own.children):
        with pytest.raises(ValidationError) as caught:
            query("water")
        assert caught.value.field == "category"
        assert caught.value.received == "water"


def test_categories_may_be_listed_children_first() -> None:
    own = Taxonomy(
        categories=[
            Category(code="loan_renewal", label="续贷", parent="financing"),
            Category(code="financing", label="融资"),
        ]
    )
    assert own.root("loan_renewal").code == "financing"


def test_a_taxonomy_is_iterable_sized_and_answers_membership() -> None:
    own = Taxonomy.from_mapping(TREE)
    assert len(own) == 5
    assert "guarantee_chain" in own
    assert "担保链" not in own  # membership is by code
    assert list(own) == list(own.categories)


# ---------------------------------------------------------------- refusals


def test_a_duplicate_code_is_refused() -> None:
    error = refused([Category(code="land", label="用地"), Category(code="land", label="土地")])
    assert error.field == "categories"
    assert error.expected == "unique codes"
    assert error.received == "land"


def test_a_duplicate_label_is_refused() -> None:
    error = refused([Category(code="land", label="用地"), Category(code="soil", label="用地")])
    assert error.field == "categories"
    assert error.expected == "unique labels"
    assert error.received == "用地"


def test_a_missing_parent_is_refused() -> None:
    error = refused([Category(code="loan_renewal", label="续贷", parent="financing")])
    assert error.field == "categories"
    assert "loan_renewal" in error.expected
    assert error.received == "financing"


def test_a_cycle_is_refused() -> None:
    error = refused(
        [
            Category(code="a", label="甲", parent="b"),
            Category(code="b", label="乙", parent="a"),
        ]
    )
    assert error.field == "categories"
    assert error.expected == "a tree without cycles"


def test_a_category_that_is_its_own_parent_is_a_cycle() -> None:
    error = refused([Category(code="a", label="甲", parent="a")])
    assert error.expected == "a tree without cycles"
    assert error.received == "a"


def test_an_empty_taxonomy_is_refused() -> None:
    error = refused([])
    assert error.field == "categories"
    assert "at least 1" in error.expected


def test_items_that_are_not_categories_are_refused() -> None:
    error = refused(["financing"])  # type: ignore[list-item]
    assert error.field == "categories[0]"


@pytest.mark.parametrize(
    "code",
    ["Financing", "融资", "", "land use", "_land", "land/use", "a" * 65, "land\n"],
)
def test_a_code_with_bad_characters_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Category(code=code, label="用地")
    assert caught.value.field == "code"
    assert caught.value.received == code


@pytest.mark.parametrize("code", ["land", "a", "land_use", "v2.loan-renewal", "9", "a" * 64])
def test_codes_of_lowercase_letters_digits_and_punctuation_are_accepted(code: str) -> None:
    assert Category(code=code, label="用地").code == code


def test_a_bad_parent_code_is_refused_naming_parent() -> None:
    with pytest.raises(ValidationError) as caught:
        Category(code="land", label="用地", parent="土地")
    assert caught.value.field == "parent"


@pytest.mark.parametrize("label", ["", "   ", "两行\n文字", "长" * 51])
def test_a_blank_multiline_or_overlong_label_is_refused(label: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Category(code="land", label=label)
    assert caught.value.field == "label"


def test_an_english_label_must_be_text() -> None:
    with pytest.raises(ValidationError) as caught:
        Category(code="land", label="用地", label_en=5)  # type: ignore[arg-type]
    assert caught.value.field == "label_en"


def test_from_mapping_refuses_a_top_level_that_is_not_a_mapping() -> None:
    error = refused_mapping([{"land": {"label": "用地"}}])
    assert error.field == "children"


def test_from_mapping_refuses_a_category_that_is_not_a_mapping() -> None:
    error = refused_mapping({"land": "用地"})
    assert error.field == "land"
    assert "label" in error.expected


def test_from_mapping_refuses_a_category_without_a_label() -> None:
    error = refused_mapping({"financing": {"children": {"loan": {"label": "续贷"}}}})
    assert error.field == "financing"


def test_from_mapping_refuses_children_that_are_not_a_mapping() -> None:
    error = refused_mapping({"financing": {"label": "融资", "children": ["loan"]}})
    assert error.field == "children"
    assert error.received == ["loan"]


def test_from_mapping_refuses_a_nested_category_without_a_label() -> None:
    error = refused_mapping({"financing": {"label": "融资", "children": {"loan": {}}}})
    assert error.field == "loan"


def test_from_mapping_refuses_a_bad_code() -> None:
    error = refused_mapping({"Land Use": {"label": "用地"}})
    assert error.field == "code"


def test_from_mapping_refuses_a_label_used_at_two_levels() -> None:
    error = refused_mapping({"land": {"label": "用地", "children": {"plots": {"label": "用地"}}}})
    assert error.field == "categories"
    assert error.expected == "unique labels"


def test_from_mapping_refuses_a_code_used_at_two_levels() -> None:
    error = refused_mapping({"land": {"label": "用地", "children": {"land": {"label": "地块"}}}})
    assert error.field == "categories"
    assert error.expected == "unique codes"
