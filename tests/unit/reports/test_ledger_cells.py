"""Ledger cells: tolerant reading of what clerks type, and safe writing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.events import HandlingLevel, Satisfaction
from jinjiecu.domain.money import Money
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.reports._ledger_cells import (
    CellError,
    neutralise,
    normal,
    parse_amount,
    parse_date,
    parse_enum,
    raw_text,
    restore,
    split_list,
    xlsx_decode,
    xlsx_encode,
)

OCTOBER_10 = dt.date(2019, 10, 10)


@pytest.mark.parametrize(
    "typed",
    [
        "2019年10月10日",
        "2019年10月10",
        " 2019 年 10 月 10 日 ",
        "２０１９年１０月１０日",
        "2019.10.10",
        "2019/10/10",
        "2019-10-10",
        "2019-10-10 00:00:00",
        "2019/10/10 14:30",
        "２０１９．１０．１０",
        "20191010",
        20191010,
        43748,  # Excel's serial number of 2019-10-10
        43748.0,
        Decimal(43748),
        dt.date(2019, 10, 10),
        dt.datetime(2019, 10, 10, 0, 0),  # noqa: DTZ001 - a spreadsheet date cell has no zone
    ],
)
def test_dates_are_read_the_ways_offices_type_them(typed: object) -> None:
    assert parse_date(typed) == OCTOBER_10


def test_single_digit_months_and_days_are_read() -> None:
    assert parse_date("2019/1/5") == dt.date(2019, 1, 5)
    assert parse_date("2019年1月5日") == dt.date(2019, 1, 5)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2019-02-30", "日期不存在"),
        ("2019年13月1日", "日期不存在"),
        ("2019-10/10", "应为日期"),
        ("19.10.10", "应为日期"),
        ("10月10日", "应为日期"),
        ("明天", "应为日期"),
        ("1899-12-31", "年份不合理"),
        ("2190-01-01", "年份不合理"),
        (43748.5, "应为日期"),
        (True, "应为日期"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(typed: object, words: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(typed)
    assert words in caught.value.reason
    assert " / " in caught.value.reason  # Chinese, then English


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("8000万元", 80_000_000),
        ("1.2亿元", 120_000_000),
        ("1,200,000元", 1_200_000),
        ("１２００元", 1200),
        (" 2650 万 ", 26_500_000),
        (1200, 1200),
        (Decimal("1200.50"), Decimal("1200.50")),
        (1200.5, Decimal("1200.50")),
        ("0", 0),
    ],
)
def test_amounts_in_yuan_wan_and_yi(typed: object, yuan: int | Decimal) -> None:
    assert parse_amount(typed).amount == Decimal(yuan)


def test_approximate_amounts_stay_approximate() -> None:
    assert parse_amount("8000多万元") == Money(amount=80_000_000, approximate=True)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("-5万元", "不能为负"),
        (-1, "不能为负"),
        ("2万亿元", "金额过大"),
        ("1.2.3万", "应为金额"),
        ("很多", "应为金额"),
        (True, "应为金额"),
        ("0.001元", "应为金额"),
    ],
)
def test_negative_absurd_and_garbled_amounts_are_refused(typed: object, words: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_amount(typed)
    assert words in caught.value.reason


def test_labelled_values_by_label_code_or_name_in_any_width() -> None:
    assert parse_enum(ProblemState, "正在办理") is ProblemState.IN_PROGRESS
    assert parse_enum(ProblemState, " in_progress ") is ProblemState.IN_PROGRESS
    assert parse_enum(ProblemState, "IN_PROGRESS") is ProblemState.IN_PROGRESS
    assert parse_enum(HandlingLevel, "市 直 部 门") is HandlingLevel.CITY_DEPARTMENT
    assert parse_enum(Satisfaction, "ｓａｔｉｓｆｉｅｄ") is Satisfaction.SATISFIED


def test_an_unknown_label_lists_the_accepted_ones() -> None:
    with pytest.raises(CellError) as caught:
        parse_enum(ProblemState, "快好了")
    assert "正在办理" in caught.value.reason
    assert "'快好了'" in caught.value.reason


def test_list_cells_split_at_the_separators_offices_use() -> None:
    assert split_list("市财政局、市税务局，市发改委;市商务局／市人社局") == [
        "市财政局",
        "市税务局",
        "市发改委",
        "市商务局",
        "市人社局",
    ]
    assert split_list("  ") == []


def test_structured_text_is_normalised_and_free_text_kept() -> None:
    assert normal("  ９１３７\u3000１４００ ") == "9137 1400"
    assert raw_text(" 原样 ") == " 原样 "
    assert raw_text(12.0) == "12"
    assert raw_text(Decimal("1.50")) == "1.50"
    assert raw_text(dt.datetime(2019, 10, 10)) == "2019-10-10"  # noqa: DTZ001


@pytest.mark.parametrize("text", ["=1+2", "+86", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_are_guarded_by_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["", "'", "'abc", "abc", "公式=1"])
def test_harmless_text_is_written_as_it_is(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    assert not written or written[0] not in "=+-@\t\r"


@given(st.text(st.sampled_from("_x0123456789ABCDEFabcdef5F\x01\r\n\x1f a")))
def test_xlsx_escapes_round_trip(text: str) -> None:
    encoded = xlsx_encode(text)
    assert xlsx_decode(encoded) == text
    assert not any(0 < ord(ch) < 32 and ch not in "\t\n" for ch in encoded)


def test_xlsx_escapes_are_excels() -> None:
    assert xlsx_encode("a\rb\x01") == "a_x000D_b_x0001_"
    assert xlsx_encode("_x000D_") == "_x005F_x000D_"
    assert xlsx_decode("_x000d_") == "\r"
    assert xlsx_decode("_x0041_") == "_x0041_"  # only the escapes we write are decoded
