"""The words offices use: header, category and state synonyms, user files, did-you-mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import example, given, strategies as st

from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import ValidationError
from jinjiecu.reports.vocabulary import (
    CATEGORY_SYNONYMS,
    FINANCE_HEADER_SYNONYMS,
    HEADER_SYNONYMS,
    LEDGER_KINDS,
    STATE_SYNONYMS,
    UnknownWordError,
    Vocabulary,
    header_unit,
    word_key,
)

if TYPE_CHECKING:
    from pathlib import Path

WORDS = Vocabulary.default()


# ---------------------------------------------------------------- the tables


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("提报时间", "registered_on"),
        ("反映时间", "registered_on"),
        ("登记时间", "registered_on"),
        ("收集时间", "registered_on"),
        ("办结时间", "settled_on"),
        ("解决时间", "settled_on"),
        ("完成时间", "settled_on"),
        ("责任单位", "lead_department"),
        ("承办单位", "lead_department"),
        ("牵头单位", "lead_department"),
        ("责任部门", "lead_department"),
        ("包联领导", "leader"),
        ("联系领导", "leader"),
        ("办理时限", "deadline"),
        ("时限要求", "deadline"),
        ("办理状态", "state"),
        ("目前状态", "state"),
        ("所属镇街", "place"),
        ("Registered on", "registered_on"),
        (" *提报 时间： ", "registered_on"),  # a required-mark, spaces and a colon
    ],
)
def test_the_headers_county_and_city_ledgers_use(header: str, field: str) -> None:
    reading = WORDS.read_header(header)
    assert reading.field == field
    assert reading.rule  # says which rule matched


def test_a_synonym_says_which_header_it_stands_for() -> None:
    assert "登记日期" in WORDS.read_header("提报时间").rule
    assert WORDS.read_header("登记日期").rule.startswith("标准表头")
    assert WORDS.read_header("备注").field is None


def test_the_ambiguous_handling_column_is_left_to_the_cells() -> None:
    assert WORDS.read_header("办理情况").field is None
    assert WORDS.ambiguous_fields("办理情况") == ("state", "progress")


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("用地", "land_use"),
        ("环保", "environmental_governance"),
        ("用工", "talent_labour"),
        ("土地使用", "land_use"),
        ("land use", "land_use"),  # the English label
        ("financing", "financing"),  # the code
        ("水电气暖", "infrastructure"),
    ],
)
def test_categories_short_and_long(word: str, code: str) -> None:
    assert WORDS.category(word) == code


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("已向企业解释", ProblemState.EXPLAINED),
        ("已解释说明", ProblemState.EXPLAINED),
        ("已完成", ProblemState.RESOLVED),
        ("已办结", ProblemState.CLOSED),
        ("办理中", ProblemState.IN_PROGRESS),
        ("in progress", ProblemState.IN_PROGRESS),
        ("In_Progress", ProblemState.IN_PROGRESS),
    ],
)
def test_states_short_and_long(word: str, state: ProblemState) -> None:
    assert WORDS.state(word) is state


def test_every_synonym_reads_back_to_its_own_entry() -> None:
    for field, words in HEADER_SYNONYMS.items():
        for word in words:
            assert WORDS.read_header(word).field == field, word
    for kind, table in FINANCE_HEADER_SYNONYMS.items():
        for field, words in table.items():
            for word in words:
                assert WORDS.read_header(word, kind).field == field, (kind, word)
    for code, words in CATEGORY_SYNONYMS.items():
        for word in words:
            assert WORDS.category(word) == code, word
    for code, words in STATE_SYNONYMS.items():
        for word in words:
            assert WORDS.state(word).value == code, word


def test_each_kind_of_ledger_reads_its_own_headers() -> None:
    assert WORDS.read_header("续贷金额（万元）", "renewals").field == "amount"
    assert WORDS.read_header("续贷金额（万元）", "renewals").unit == "万元"
    assert WORDS.read_header("续贷金额", "problems").field is None
    assert WORDS.read_header("债权银行", "debt").field == "creditors"
    with pytest.raises(ValidationError, match="kind"):
        WORDS.read_header("金额", "loans")
    assert set(LEDGER_KINDS) == {"problems", *FINANCE_HEADER_SYNONYMS}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("金额（万元）", ("金额", "万元")),
        ("金额(亿元)", ("金额", "亿元")),
        ("金额【元】", ("金额", "元")),
        ("续贷期限（月）", ("续贷期限（月）", None)),  # not a unit of money
        ("问题标题", ("问题标题", None)),
    ],
)
def test_a_headers_unit(header: str, expected: tuple[str, str | None]) -> None:
    assert header_unit(header) == expected


@given(st.text(max_size=20))
@example("A\u00af")  # a spacing macron: NFKC makes it a space and a combining mark
def test_word_keys_are_idempotent(text: str) -> None:
    assert word_key(word_key(text)) == word_key(text)


# ---------------------------------------------------------------- did you mean


def test_an_unknown_category_names_the_nearest_ones() -> None:
    with pytest.raises(UnknownWordError) as caught:
        WORDS.category("用低")
    # One word per meaning: 用电 stands for 用水 and 用气 too (all 基础设施).
    assert caught.value.suggestions == ("用电", "用工", "用地")
    assert "用低" in str(caught.value)
    assert caught.value.field == "categories"


def test_an_unknown_state_names_the_nearest_ones() -> None:
    with pytest.raises(UnknownWordError) as caught:
        WORDS.state("已解绝")
    assert "已解决" in caught.value.suggestions


def test_a_word_nothing_is_near_lists_what_is_known() -> None:
    with pytest.raises(UnknownWordError) as caught:
        WORDS.category("zzzzzzzzzz")
    assert caught.value.suggestions == ()
    assert all(category.label in str(caught.value) for category in DEFAULT_TAXONOMY)


# ---------------------------------------------------------------- a user's words


def test_a_users_file_adds_words_and_says_so(tmp_path: Path) -> None:
    file = tmp_path / "词表.toml"
    file.write_text(
        '[headers]\n"问题提报时间" = "registered_on"\n"贷款行" = "bank"\n'
        '[categories]\n"要素保障" = "land_use"\n[states]\n"已反馈企业" = "explained"\n',
        encoding="utf-8",
    )
    words = WORDS.extended_from(file)
    reading = words.read_header("问题提报时间")
    assert reading.field == "registered_on"
    assert "用户词表" in reading.rule
    assert words.read_header("贷款行", "renewals").field == "bank"
    assert words.category("要素保障") == "land_use"
    assert words.state("已反馈企业") is ProblemState.EXPLAINED
    assert words.files == (str(file),)
    assert WORDS.read_header("问题提报时间").field is None  # the default is unchanged


def test_a_users_file_may_name_categories_and_states_by_their_labels(tmp_path: Path) -> None:
    file = tmp_path / "词表.toml"
    file.write_text(
        '[categories]\n"用电" = "基础设施"\n[states]\n"已答复" = "已解释"\n', encoding="utf-8"
    )
    words = WORDS.extended_from(file)
    assert words.category("用电") == "infrastructure"
    assert words.state("已答复") is ProblemState.EXPLAINED


def test_a_users_json_file_works_too(tmp_path: Path) -> None:
    file = tmp_path / "words.json"
    file.write_text('{"states": {"搞定了": "resolved"}}', encoding="utf-8")
    assert WORDS.extended_from(file).state("搞定了") is ProblemState.RESOLVED


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[headers]\n"提报" = "when"\n', "headers.提报"),
        ('[states]\n"好了" = "done"\n', "states.好了"),
        ("[colours]\nred = 1\n", "colours"),
        ('[headers]\n"x" = 1\n', "headers"),
        ("headers = [", "vocabulary"),
        ('[categories]\n"用电" = "nonsense_code"\n', "categories.用电"),
        ('[categorys]\n"用电" = "infrastructure"\n', "did you mean categories"),
        ('[headers]\n"提报" = "registerd_on"\n', "did you mean registered_on"),
    ],
)
def test_a_bad_file_names_the_file_and_the_entry(tmp_path: Path, text: str, field: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        WORDS.extended_from(file)
    assert str(file) in str(caught.value)
    assert field in str(caught.value)


def test_the_mapping_file_reads_back_as_it_was_written(tmp_path: Path) -> None:
    readings = [
        WORDS.read_header(header) for header in ("提报时间", "责任单位", "备注", "金额（万元）")
    ]
    file = tmp_path / "表头.toml"
    file.write_text(WORDS.headers_toml(readings), encoding="utf-8")
    again = WORDS.extended_from(file)
    for reading in readings:
        assert again.read_header(reading.header).field == reading.field
    assert '# "备注"' in file.read_text(encoding="utf-8")  # not read: left as a comment
