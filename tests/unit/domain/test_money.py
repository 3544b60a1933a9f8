"""Tests for jinjiecu.domain.money."""

from __future__ import annotations

import operator
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, cast

import attrs
import pytest
from hypothesis import given, strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.money import AMOUNT_LIMIT, Money, MoneyUnit, non_negative_money
from jinjiecu.errors import ValidationError
from jinjiecu.testing.strategies import money, money_texts

if TYPE_CHECKING:
    from collections.abc import Callable


def yuan(text: str, *, approximate: bool = False) -> Money:
    return Money(amount=Decimal(text), approximate=approximate)


def bad(value: object) -> Any:
    """Hide a deliberately wrong operand from the type checker."""
    return cast("Any", value)


# ---------------------------------------------------------------- MoneyUnit


def test_units_are_labelled_in_chinese_with_their_factors() -> None:
    assert [(u.value, u.label, u.factor) for u in MoneyUnit] == [
        ("yuan", "元", Decimal(1)),
        ("wan", "万元", Decimal(10_000)),
        ("yi", "亿元", Decimal(100_000_000)),
    ]
    assert MoneyUnit.parse("万元") is MoneyUnit.WAN


# ---------------------------------------------------------------- constructing


@pytest.mark.parametrize(
    ("given_amount", "stored"),
    [
        (1200, "1200.00"),
        (-5, "-5.00"),
        (0, "0.00"),
        (Decimal("1200000.5"), "1200000.50"),
        (Decimal("1.000"), "1.00"),  # more places, but only zeros: still whole fen
        (Decimal("1E+3"), "1000.00"),
        (Decimal("-0"), "0.00"),  # no negative zero, which would print as "-0元"
        (Decimal("999999999999999999.99"), "999999999999999999.99"),
    ],
)
def test_amount_is_stored_quantized_to_the_fen(given_amount: int | Decimal, stored: str) -> None:
    value = Money(amount=given_amount)
    assert str(value.amount) == stored
    assert value.amount.as_tuple().exponent == -2
    assert value.approximate is False


def test_equal_amounts_compare_and_hash_equal() -> None:
    forms = [Money(amount=5), Money(amount=Decimal(5)), Money(amount=Decimal("5.000"))]
    assert len(set(forms)) == 1
    assert all(str(m.amount) == "5.00" for m in forms)


def test_equality_includes_the_approximate_flag() -> None:
    assert Money(amount=5) != Money(amount=5, approximate=True)
    assert Money(amount=5) != bad(5)


@pytest.mark.parametrize(
    "amount",
    [
        1.5,
        0.0,
        "12",
        True,
        None,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("0.001"),
        Decimal("12.345"),
        AMOUNT_LIMIT,
        -AMOUNT_LIMIT,
        10**30,
    ],
)
def test_bad_amounts_are_refused_naming_the_field(amount: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(amount=bad(amount))
    assert caught.value.field == "amount"
    assert caught.value.received is amount
    assert repr(amount) in str(caught.value)
    assert "whole fen" in caught.value.expected


def test_approximate_must_be_a_bool() -> None:
    with pytest.raises(ValidationError) as caught:
        Money(amount=1, approximate=bad(1))
    assert caught.value.field == "approximate"


@pytest.mark.parametrize(
    ("value", "stored"),
    [(12, "12.00"), (Decimal("0.5"), "0.50"), ("1200000.50", "1200000.50"), (" -3 ", "-3.00")],
)
def test_yuan_accepts_ints_decimals_and_plain_number_text(
    value: int | Decimal | str, stored: str
) -> None:
    made = Money.yuan(value)
    assert made == Money(amount=Decimal(stored))
    assert made.approximate is False


@pytest.mark.parametrize("text", ["1,200", "12元", "abc", "1.2.3", "", "1e5", "1.", "0.001"])
def test_yuan_refuses_text_that_is_not_a_plain_number_of_fen(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.yuan(text)
    assert caught.value.field == "amount"
    assert caught.value.received == text
    assert repr(text) in str(caught.value)


def test_yuan_refuses_floats() -> None:
    with pytest.raises(ValidationError) as caught:
        Money.yuan(bad(12.5))
    assert caught.value.field == "amount"
    assert "12.5" in str(caught.value)


def test_zero_is_exact_zero_yuan() -> None:
    assert Money.zero() == Money(amount=0)
    assert str(Money.zero()) == "0元"


# ---------------------------------------------------------------- parsing

PARSED = [
    ("19.77亿元", "1977000000", False),
    ("6297万元", "62970000", False),
    ("2650万", "26500000", False),
    ("1,200,000元", "1200000", False),
    ("1.2亿", "120000000", False),
    ("3000余万元", "30000000", True),
    ("8000多万元", "80000000", True),
    ("1200000", "1200000", False),
    ("¥1,200.50", "1200.50", False),
    ("  2650 万元 ", "26500000", False),
    ("２６５０万元", "26500000", False),
    ("１，２００元", "1200", False),
    ("１２００．５元", "1200.5", False),
    ("￥１，２００", "1200", False),
    ("\u30002650万元\u3000", "26500000", False),
    ("-5元", "-5", False),
    ("－５元", "-5", False),
    ("\u22125元", "-5", False),
    ("-¥1,200.50", "-1200.50", False),
    ("¥-1,200.50", "-1200.50", False),
    ("1.2亿多元", "120000000", True),
    ("1.2多亿元", "120000000", True),
    ("3000万余元", "30000000", True),
    ("3000万余", "30000000", True),
    ("100多元", "100", True),
    ("100多", "100", True),
    ("-3000余万元", "-30000000", True),
    ("0.000001万元", "0.01", False),
    ("2650.00万元", "26500000", False),
    ("007元", "7", False),
    ("-0元", "0", False),
    ("12万亿元", "12000000000000", False),
    ("1.5万亿", "1500000000000", False),
    ("0元", "0", False),
]


@pytest.mark.parametrize(("text", "amount", "approximate"), PARSED)
def test_parse_reads_amounts_as_reports_write_them(
    text: str, amount: str, approximate: bool
) -> None:
    assert Money.parse(text) == yuan(amount, approximate=approximate)


UNPARSEABLE = [
    "",
    "   ",
    "abc",
    "1.2.3万",
    "万元",
    "元",
    "1e5",
    "1E5元",
    "+5元",
    "1,2000元",
    "12,00元",
    "1.",
    ".5元",
    "5元元",
    "5万万元",
    "5亿亿元",
    "5千万元",
    "5百万元",
    "一千元",
    "5元多",
    "3000余万多元",
    "多万元",
    "-¥-5",
    "--5",
    "5-",
    "NaN",
    "Infinity",
    "5 美元",
    "USD 5",
    "٣元",  # Arabic-Indic digit three: not a digit reports use
]


@pytest.mark.parametrize("text", UNPARSEABLE)
def test_parse_refuses_unreadable_text_quoting_it(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.parse(text)
    assert caught.value.field == "amount"
    assert caught.value.received == text
    assert repr(text) in str(caught.value)
    assert "19.77亿元" in caught.value.expected  # describes the accepted forms


@pytest.mark.parametrize(
    "text", ["0.001元", "0.0000001万元", "1.23456789012亿元", "10000000000亿元", "1" * 40]
)
def test_parse_refuses_amounts_finer_than_a_fen_or_over_the_limit(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.parse(text)
    assert caught.value.field == "amount"
    assert caught.value.received == text
    assert repr(text) in str(caught.value)
    assert "whole fen" in caught.value.expected


@pytest.mark.parametrize("value", [1200, 12.5, None, b"12"])
def test_parse_refuses_anything_but_text(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.parse(bad(value))
    assert caught.value.field == "amount"
    assert caught.value.received is value


# ---------------------------------------------------------------- reading and writing


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("1977000000", MoneyUnit.YI, Decimal("19.77")),
        ("26500000", MoneyUnit.WAN, Decimal(2650)),
        ("1200000.5", MoneyUnit.WAN, Decimal("120.00005")),
        ("1200000.5", MoneyUnit.YUAN, Decimal("1200000.5")),
        ("0.01", MoneyUnit.YI, Decimal("0.0000000001")),
        ("0", MoneyUnit.YI, Decimal(0)),
        ("-62970000", MoneyUnit.WAN, Decimal(-6297)),
    ],
)
def test_in_unit_is_exact_without_trailing_zeros(
    amount: str, unit: MoneyUnit, expected: Decimal
) -> None:
    result = yuan(amount).in_unit(unit)
    assert result == expected
    # Same digits and exponent: no trailing zeros, and no positive exponent (2.65E+3).
    assert result.as_tuple() == expected.as_tuple()


def test_in_unit_does_not_depend_on_the_callers_decimal_context() -> None:
    value = yuan("123456789012345678.91")
    with localcontext() as context:
        context.prec = 3
        assert str(value.in_unit(MoneyUnit.WAN)) == "12345678901234.567891"


@pytest.mark.parametrize(
    ("amount", "approximate", "unit", "grouping", "text"),
    [
        ("1977000000", False, None, False, "19.77亿元"),
        ("62970000", False, None, False, "6297万元"),
        ("26500000", False, None, False, "2650万元"),
        ("171000000", False, None, False, "1.71亿元"),
        ("199000000", False, None, False, "1.99亿元"),
        ("1200000.5", False, MoneyUnit.YUAN, False, "1200000.5元"),
        ("1200000", False, MoneyUnit.YUAN, True, "1,200,000元"),
        ("1200000.5", False, MoneyUnit.YUAN, True, "1,200,000.5元"),
        ("-1200000.5", False, MoneyUnit.YUAN, True, "-1,200,000.5元"),
        ("1977000000", False, MoneyUnit.WAN, True, "197,700万元"),
        ("80000000", True, None, False, "8000多万元"),
        ("80000000", True, None, True, "8,000多万元"),
        ("120000000", True, None, False, "1.2亿多元"),
        ("125000", True, None, False, "12.5万多元"),
        ("100", True, None, False, "100多元"),
        ("100.5", True, None, False, "100.5多元"),
        ("-30000000", True, None, False, "-3000多万元"),
        ("0", False, None, False, "0元"),
        ("0.01", False, MoneyUnit.YI, False, "0.0000000001亿元"),
        ("9999.99", False, None, False, "9999.99元"),
        ("10000", False, None, False, "1万元"),
        ("-10000", False, None, False, "-1万元"),
        ("99999999.99", False, None, False, "9999.999999万元"),
        ("100000000", False, None, False, "1亿元"),
        ("999999999999999999.99", False, None, True, "9,999,999,999.9999999999亿元"),
    ],
)
def test_format_writes_amounts_as_reports_do(
    amount: str, approximate: bool, unit: MoneyUnit | None, grouping: bool, text: str
) -> None:
    value = yuan(amount, approximate=approximate)
    assert value.format(unit, grouping=grouping) == text
    assert Money.parse(text) == value


def test_str_is_format() -> None:
    value = yuan("1977000000")
    assert str(value) == value.format() == "19.77亿元"
    assert f"{value}" == "19.77亿元"


def test_repr_shows_the_fields() -> None:
    assert repr(yuan("5", approximate=True)) == "Money(amount=Decimal('5.00'), approximate=True)"


# ---------------------------------------------------------------- arithmetic


def test_addition_and_subtraction() -> None:
    assert yuan("26500000") + yuan("171000000") == yuan("197500000")
    assert yuan("80000000") - yuan("26500000") == yuan("53500000")
    assert yuan("5") - yuan("7.5") == yuan("-2.5")


def test_sum_works_with_and_without_a_start() -> None:
    amounts = [yuan("1.1"), yuan("2.2"), yuan("3.3")]
    assert sum(amounts) == yuan("6.6")
    assert sum(amounts, Money.zero()) == yuan("6.6")
    assert sum([], Money.zero()) == Money.zero()
    assert yuan("5") + 0 == 0 + yuan("5") == yuan("5")


def test_addition_keeps_a_lower_bound_a_lower_bound() -> None:
    over = yuan("80000000", approximate=True)
    assert over + yuan("1") == yuan("80000001", approximate=True)
    assert yuan("1") + over == yuan("80000001", approximate=True)
    assert over - yuan("1") == yuan("79999999", approximate=True)
    assert sum([yuan("1"), over], Money.zero()).approximate is True


def test_subtracting_a_lower_bound_is_refused() -> None:
    over = yuan("80000000", approximate=True)
    with pytest.raises(ValidationError) as caught:
        yuan("100000000") - over
    assert caught.value.field == "other"
    assert caught.value.received is over
    assert "upper bound" in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "factor", "expected"),
    [
        ("10", 3, "30"),
        ("10", Decimal("0.125"), "1.25"),
        ("0.01", Decimal("0.5"), "0.01"),  # half a fen rounds up (四舍五入)
        ("0.01", Decimal("0.4999"), "0"),
        ("-0.01", Decimal("0.5"), "-0.01"),  # halves round away from zero
        ("0.05", Decimal("0.5"), "0.03"),  # banker's rounding would give 0.02
        ("1200000.5", -2, "-2400001"),
        ("19.99", Decimal("1.000000000000000000000000000000001"), "19.99"),
    ],
)
def test_multiplication_rounds_to_the_fen_half_up(
    amount: str, factor: int | Decimal, expected: str
) -> None:
    assert yuan(amount) * factor == yuan(expected)
    assert factor * yuan(amount) == yuan(expected)


@pytest.mark.parametrize(
    ("amount", "divisor", "expected"),
    [
        ("10", 3, "3.33"),
        ("20", 3, "6.67"),
        ("-20", 3, "-6.67"),
        ("0.05", 2, "0.03"),
        ("0.05", -2, "-0.03"),
        ("1", Decimal("0.25"), "4"),
        ("1977000000", 291, "6793814.43"),
    ],
)
def test_division_by_a_number_rounds_to_the_fen_half_up(
    amount: str, divisor: int | Decimal, expected: str
) -> None:
    assert yuan(amount) / divisor == yuan(expected)


def test_money_divided_by_money_is_a_ratio() -> None:
    ratio = yuan("26500000") / yuan("80000000")
    assert isinstance(ratio, Decimal)
    assert ratio == Decimal("0.33125")


def test_arithmetic_does_not_depend_on_the_callers_decimal_context() -> None:
    big = yuan("123456789012345678.91")
    with localcontext() as context:
        context.prec = 3
        assert (big + yuan("0.01")).amount == Decimal("123456789012345678.92")
        assert (big - yuan("0.01")).amount == Decimal("123456789012345678.90")
        assert (big / 7).amount == Decimal("17636684144620811.27")
        assert (big * Decimal("0.5")).amount == Decimal("61728394506172839.46")


def test_negation_and_absolute_value() -> None:
    assert -yuan("5") == yuan("-5")
    assert abs(yuan("-5")) == yuan("5")
    assert abs(yuan("5", approximate=True)) == yuan("5", approximate=True)
    assert -Money.zero() == Money.zero()
    assert str(-Money.zero()) == "0元"


def test_scaling_by_a_positive_number_keeps_the_flag() -> None:
    over = yuan("80000000", approximate=True)
    assert over * 2 == yuan("160000000", approximate=True)
    assert over / 4 == yuan("20000000", approximate=True)
    assert over * 0 == Money.zero()  # a lower bound times 0 is exactly 0


@pytest.mark.parametrize(
    "operation",
    [
        operator.neg,
        lambda m: m * -1,
        lambda m: m * Decimal("-0.5"),
        lambda m: m / -2,
        lambda m: abs(m - yuan("100000000")),
    ],
)
def test_operations_turning_a_lower_bound_into_an_upper_bound_are_refused(
    operation: Callable[[Money], Money],
) -> None:
    over = yuan("80000000", approximate=True)
    with pytest.raises(ValidationError) as caught:
        operation(over)
    assert "upper bound" in str(caught.value)


@pytest.mark.parametrize(
    "operation",
    [
        lambda: yuan("8", approximate=True) / yuan("2"),
        lambda: yuan("8") / yuan("2", approximate=True),
    ],
)
def test_a_ratio_of_lower_bounds_is_refused(operation: Callable[[], Decimal]) -> None:
    with pytest.raises(ValidationError) as caught:
        operation()
    assert caught.value.field == "other"
    assert ".amount" in str(caught.value)


@pytest.mark.parametrize("divisor", [0, Decimal(0), Decimal("-0.00"), Money.zero()])
def test_division_by_zero_is_a_validation_error(divisor: int | Decimal | Money) -> None:
    with pytest.raises(ValidationError) as caught:
        yuan("5") / divisor
    assert caught.value.field == "other"
    assert "non-zero" in caught.value.expected


def test_results_over_the_limit_are_refused() -> None:
    big = yuan("999999999999999999.99")
    operations: list[Callable[[], Money]] = [
        lambda: big + yuan("0.01"),
        lambda: big * 2,
        lambda: big / Decimal("0.5"),
    ]
    for operation in operations:
        with pytest.raises(ValidationError) as caught:
            operation()
        assert caught.value.field == "amount"


BINARY_OPERATIONS: list[Callable[[Money, Any], object]] = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    lambda m, x: x + m,
    lambda m, x: x - m,
    lambda m, x: x * m,
    lambda m, x: x / m,
    lambda m, x: x < m,
    lambda m, x: x >= m,
]


@pytest.mark.parametrize("operation", BINARY_OPERATIONS)
@pytest.mark.parametrize("operand", [1.5, 0.0, "5", None, True, Decimal("NaN"), Decimal("Inf")])
def test_unsupported_operands_raise_validation_errors(
    operation: Callable[[Money, Any], object], operand: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        operation(yuan("5"), operand)
    assert caught.value.field == "other"
    assert caught.value.received is operand


def test_the_operand_error_says_floats_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        yuan("5") * bad(1.5)
    assert str(caught.value) == (
        "other: expected a Money, int or Decimal; floats are refused, received 1.5 (float)"
    )


@pytest.mark.parametrize(
    "operation",
    [
        lambda m: m + 1,  # only 0 may be added, for sum()
        lambda m: m + Decimal(0),
        lambda m: m - 0,
        lambda m: 5 - m,
        lambda m: m < 5,
        lambda m: operator.lt(5, m),
        lambda m: m * m,
        lambda m: 2 / m,
    ],
)
def test_numbers_where_a_money_is_needed_are_refused(operation: Callable[[Any], object]) -> None:
    with pytest.raises(ValidationError) as caught:
        operation(yuan("5"))
    assert caught.value.field == "other"


def test_ordering_compares_amounts() -> None:
    assert yuan("1") < yuan("2") <= yuan("2") < yuan("10")
    assert yuan("10") > yuan("-10") >= yuan("-10")
    assert max([yuan("19.77"), yuan("1.71"), yuan("62.97")]) == yuan("62.97")
    # An approximate amount is ordered by its lower bound.
    assert yuan("5", approximate=True) <= yuan("5") <= yuan("5", approximate=True)
    assert not yuan("5", approximate=True) < yuan("5")


# ---------------------------------------------------------------- non_negative_money


@attrs.frozen
class _Loan:
    principal: Money = attrs.field(validator=non_negative_money)


def test_non_negative_money_accepts_zero_and_more() -> None:
    assert _Loan(Money.zero()).principal == Money.zero()
    assert _Loan(yuan("80000000", approximate=True)).principal.approximate is True


@pytest.mark.parametrize("value", [yuan("-0.01"), yuan("-5", approximate=True), 5, Decimal(5)])
def test_non_negative_money_refuses_negatives_and_non_money(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _Loan(bad(value))
    assert caught.value.field == "principal"
    assert caught.value.received is value
    assert "at least 0元" in str(caught.value)


# ---------------------------------------------------------------- strategies


def test_money_strategy_refuses_bad_bounds() -> None:
    cases: list[dict[str, Any]] = [
        {"min_value": 1.5},
        {"max_value": True},
        {"min_value": Decimal("NaN")},
        {"min_value": 10, "max_value": 5},
        {"min_value": Decimal("0.001"), "max_value": Decimal("0.009")},
        {"max_value": AMOUNT_LIMIT},
    ]
    for kwargs in cases:
        with pytest.raises(InvalidArgument):
            money(**kwargs)


@given(money(min_value=Decimal("-0.5"), max_value=Decimal("2.005"), allow_approximate=False))
def test_money_strategy_respects_its_bounds(value: Money) -> None:
    assert Decimal("-0.5") <= value.amount <= Decimal("2.00")
    assert value.approximate is False


# ---------------------------------------------------------------- properties


@given(money(), st.sampled_from([None, *MoneyUnit]), st.booleans())
def test_format_then_parse_is_identity(
    value: Money, unit: MoneyUnit | None, grouping: bool
) -> None:
    text = value.format(unit, grouping=grouping)
    assert Money.parse(text) == value
    assert "E" not in text
    assert "e" not in text


@given(money())
def test_str_then_parse_is_identity(value: Money) -> None:
    assert Money.parse(str(value)) == value


@given(money_texts())
def test_texts_as_clerks_type_them_parse_to_their_money(pair: tuple[str, Money]) -> None:
    text, value = pair
    assert Money.parse(text) == value


@given(money(), st.sampled_from(MoneyUnit))
def test_in_unit_times_factor_is_the_amount(value: Money, unit: MoneyUnit) -> None:
    assert value.in_unit(unit) * unit.factor == value.amount


bounded = money(min_value=-(10**15), max_value=10**15)


@given(bounded, bounded, bounded)
def test_addition_is_associative_and_commutative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a


@given(st.lists(bounded, max_size=10))
def test_sum_equals_the_decimal_sum(values: list[Money]) -> None:
    total = sum(values, Money.zero())
    assert total.amount == sum((v.amount for v in values), Decimal(0))
    assert total.approximate == any(v.approximate for v in values)


@given(money(allow_approximate=False), bounded)
def test_subtraction_undoes_addition(a: Money, b: Money) -> None:
    if abs(a.amount + b.amount) < AMOUNT_LIMIT:
        assert (b + a) - a == b


@given(money(min_value=-(10**14), max_value=10**14), st.integers(-1000, 1000))
def test_multiplying_by_an_int_is_exact(value: Money, factor: int) -> None:
    if factor < 0 and value.approximate:
        return
    assert (value * factor).amount == value.amount * factor


@given(bounded, st.integers(1, 1000))
def test_division_rounds_to_within_half_a_fen(value: Money, divisor: int) -> None:
    result = value / divisor
    assert abs(result.amount * divisor - value.amount) <= Decimal("0.005") * divisor


@given(money(), money())
def test_ordering_agrees_with_amounts(a: Money, b: Money) -> None:
    assert (a < b) == (a.amount < b.amount)
    assert (a >= b) == (a.amount >= b.amount)


@given(
    money(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(BINARY_OPERATIONS),
)
def test_floats_are_always_refused(
    value: Money, number: float, operation: Callable[[Money, Any], object]
) -> None:
    with pytest.raises(ValidationError):
        operation(value, number)
    with pytest.raises(ValidationError):
        Money(amount=bad(number))
    with pytest.raises(ValidationError):
        Money.yuan(bad(number))
    with pytest.raises(ValidationError):
        Money.parse(bad(number))
