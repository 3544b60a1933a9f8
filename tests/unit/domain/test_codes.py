from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.codes import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    PROVINCE_PREFIXES,
    CreditCode,
    CreditCodeError,
    DivisionCode,
    DivisionLevel,
    credit_code_check_character,
    is_valid_credit_code,
)
from jinjiecu.errors import ValidationError
from jinjiecu.testing.strategies import credit_codes, division_codes

# Codes built from the algorithm for these tests; none belongs to a real company.
VALID_CODES = [
    "91371400MA3C00000A",
    "91371400MA3C123455",
    "000000000000000000",
    "12371400004000000K",
    "91371400000000000M",
    "91371400000000003Y",
    "9137140000000000Q0",
]


# ---------------------------------------------------------------- the algorithm


def test_alphabet_and_weights_are_those_of_gb_32100() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)
    assert CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_check_character_worked_by_hand() -> None:
    # 9·1 + 1·3 + 3·9 + 7·27 + 1·19 + 4·26 = 351; 351 mod 31 = 10; 31 − 10 = 21 → 'M'.
    assert credit_code_check_character("91371400000000000") == "M"
    # Adding Q (24) · 28 = 672 gives 1023 = 33 · 31: the check value is (31 − 0) mod 31 = 0.
    assert credit_code_check_character("9137140000000000Q") == "0"
    # Adding 3 · 28 = 84 gives 435 ≡ 1: the check value is 30, the last character.
    assert credit_code_check_character("91371400000000003") == "Y"


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_codes_are_accepted(code: str) -> None:
    credit_code = CreditCode(code)
    assert credit_code == code
    assert isinstance(credit_code, str)
    assert is_valid_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("text", ["", "ABC", "91371400MA3C00000", "91371400MA3C00000A0"])
def test_wrong_length_is_rejected(text: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode(text)
    error = caught.value
    assert error.field == "credit_code"
    assert error.rule == "length"
    assert error.received == text
    assert error.position is None
    assert error.expected_check is None


def test_length_message() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode("ABC")
    assert str(caught.value) == "credit_code: expected 18 characters, received 'ABC' (3 characters)"


def test_very_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(CreditCodeError, match=r"\.\.\. \(500 characters\)$") as caught:
        CreditCode("9" * 500)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("code", "position", "character"),
    [
        ("9137I400MA3C00000A", 5, "I"),
        ("O1371400MA3C00000A", 1, "O"),
        ("91371400MA3C0000ZA", 17, "Z"),
        ("91371400MA3C00000S", 18, "S"),
        ("91371400MV3C00000A", 10, "V"),
        ("91371400ma3c00000a", 9, "m"),  # the strict constructor does not upper-case
        ("9137１400MA3C00000A", 5, "１"),  # nor turn full-width into ASCII
        ("91371400-A3C00000A", 9, "-"),
    ],
)
def test_bad_character_is_rejected_with_its_position(
    code: str, position: int, character: str
) -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode(code)
    error = caught.value
    assert error.field == "credit_code"
    assert error.rule == "character"
    assert error.position == position
    assert error.character == character
    assert error.received == code


def test_bad_character_message() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode("9137I400MA3C00000A")
    assert str(caught.value) == (
        "credit_code: character 'I' at position 5 is not allowed "
        "(alphabet 0-9 and ABCDEFGHJKLMNPQRTUWXY)"
    )


def test_the_first_bad_character_is_reported() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode("91I71400MA3C0000OZ")
    assert (caught.value.position, caught.value.character) == (3, "I")


def test_wrong_check_character_is_rejected() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode("91371400MA3C00000B")
    error = caught.value
    assert error.field == "credit_code"
    assert error.rule == "check"
    assert error.expected_check == "A"
    assert error.found_check == "B"
    assert error.position is None
    assert str(error) == "credit_code: check character should be 'A', found 'B'"


@pytest.mark.parametrize("value", [None, 913714000000000003, b"91371400MA3C00000A", ["9"] * 18])
def test_non_text_is_rejected(value: object) -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode(value)  # type: ignore[arg-type]
    assert caught.value.rule == "type"
    assert caught.value.field == "credit_code"
    assert not is_valid_credit_code(value)  # type: ignore[arg-type]


def test_error_is_a_validation_error_and_a_value_error() -> None:
    with pytest.raises(ValidationError):
        CreditCode("ABC")
    with pytest.raises(ValueError, match="credit_code"):
        CreditCode("ABC")


def test_error_located_in_a_ledger_keeps_its_rule() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode("91371400MA3C00000B")
    located = caught.value.at("row 12, column 统一社会信用代码")
    assert isinstance(located, CreditCodeError)
    assert located.rule == "check"
    assert located.found_check == "B"
    assert str(located).startswith("row 12, column 统一社会信用代码: credit_code: check character")


@pytest.mark.parametrize(
    ("first17", "rule"),
    [("9137", "length"), ("91371400MA3C000000", "length"), ("91371400MA3C0000I", "character")],
)
def test_check_character_validates_its_input(first17: str, rule: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        credit_code_check_character(first17)
    assert caught.value.rule == rule


def test_check_character_length_message_says_17() -> None:
    with pytest.raises(CreditCodeError, match="expected 17 characters"):
        credit_code_check_character("9137")


@pytest.mark.parametrize("text", ["", "ABC", "91371400ma3c00000a", " 91371400MA3C00000A", "x" * 18])
def test_is_valid_is_strict_and_never_raises(text: str) -> None:
    assert is_valid_credit_code(text) is False


# ---------------------------------------------------------------- parts and parse


def test_parts() -> None:
    code = CreditCode("91371400MA3C123455")
    assert code.registration_authority == "9"
    assert code.organization_type == "1"
    assert code.division_code == DivisionCode("371400")
    assert isinstance(code.division_code, DivisionCode)
    assert code.organization_code == "MA3C12345"
    assert code.check_character == "5"
    assert repr(code) == "CreditCode('91371400MA3C123455')"


@pytest.mark.parametrize("division_part", ["ABCDEF", "990000", "370001", "000000"])
def test_odd_division_part_leaves_the_code_valid(division_part: str) -> None:
    first17 = "91" + division_part + "MA3C00000"
    code = CreditCode(first17 + credit_code_check_character(first17))
    assert code.division_code is None


def test_constructing_from_a_credit_code_returns_it() -> None:
    code = CreditCode("91371400MA3C00000A")
    assert CreditCode(code) is code


@pytest.mark.parametrize(
    "typed",
    [
        "91371400ma3c00000a",
        "  91371400MA3C00000A\n",
        "9137 1400 MA3C 0000 0A",
        "９１３７１４００ＭＡ３Ｃ０００００Ａ",  # full-width, as typed with a Chinese input method
        "９１３７１４００ｍａ３ｃ００００　０ａ",  # full-width lower case and an ideographic space
        "91371400\tMA3C00000A",
    ],
)
def test_parse_accepts_what_clerks_type(typed: str) -> None:
    code = CreditCode.parse(typed)
    assert code == "91371400MA3C00000A"
    assert type(code) is CreditCode


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("91371400MA3C00000B", "check"),
        ("9137 1400 MA3C 0000", "length"),
        ("91371400MO3C00000A", "character"),  # an O is not read as a zero
        ("9137-1400MA3C00000A", "length"),  # dashes are not removed
        ("9137 1400 MA3C0000-A", "character"),
    ],
)
def test_parse_still_validates_strictly(typed: str, rule: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode.parse(typed)
    assert caught.value.rule == rule


def test_parse_errors_count_positions_in_the_code_without_spaces() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode.parse("9137 1400 MI3C 0000 0A")
    assert (caught.value.position, caught.value.character) == (10, "I")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(CreditCodeError) as caught:
        CreditCode.parse(None)  # type: ignore[arg-type]
    assert caught.value.rule == "type"


# ---------------------------------------------------------------- credit code properties


@given(credit_codes())
def test_generated_codes_are_valid(code: CreditCode) -> None:
    assert type(code) is CreditCode
    assert is_valid_credit_code(code)
    assert CreditCode(str(code)) == code
    assert CreditCode.parse(str(code)) == code


@given(division_codes(), st.data())
def test_generated_codes_carry_the_division_asked_for(
    division: DivisionCode, data: st.DataObject
) -> None:
    code = data.draw(credit_codes(division))
    assert code.division_code == division


@given(credit_codes())
def test_every_single_substitution_is_rejected(code: CreditCode) -> None:
    for index, original in enumerate(code):
        for replacement in CREDIT_CODE_ALPHABET:
            if replacement == original:
                continue
            mistyped = code[:index] + replacement + code[index + 1 :]
            with pytest.raises(CreditCodeError) as caught:
                CreditCode(mistyped)
            assert caught.value.rule == "check"


@given(credit_codes())
def test_every_adjacent_transposition_is_rejected(code: CreditCode) -> None:
    for index in range(17):  # swaps positions index+1 and index+2, up to 17 ↔ 18
        first, second = code[index], code[index + 1]
        if first == second:
            continue
        swapped = code[:index] + second + first + code[index + 2 :]
        assert not is_valid_credit_code(swapped), (code, index + 1)


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17), st.data())
def test_exactly_one_check_character_fits(first17: str, data: st.DataObject) -> None:
    check = data.draw(st.sampled_from(CREDIT_CODE_ALPHABET))
    assert is_valid_credit_code(first17 + check) == (check == credit_code_check_character(first17))


_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@given(credit_codes(), st.data())
def test_parse_is_tolerant(code: CreditCode, data: st.DataObject) -> None:
    typed = ""
    for character in code:
        variant = data.draw(st.sampled_from([character, character.lower(), _FULL_WIDTH[character]]))
        space = data.draw(st.sampled_from(["", "", " ", "\u3000", "\t"]))
        typed += variant + space
    assert CreditCode.parse(typed) == code


# ---------------------------------------------------------------- division codes


@pytest.mark.parametrize(
    ("text", "level", "province", "city", "parent"),
    [
        ("370000", DivisionLevel.PROVINCE, "370000", None, None),
        ("371400", DivisionLevel.CITY, "370000", "371400", "370000"),
        ("371481", DivisionLevel.COUNTY, "370000", "371400", "371400"),
        ("110101", DivisionLevel.COUNTY, "110000", "110100", "110100"),
        ("820000", DivisionLevel.PROVINCE, "820000", None, None),
    ],
)
def test_division_code_derivations(
    text: str, level: DivisionLevel, province: str, city: str | None, parent: str | None
) -> None:
    code = DivisionCode(text)
    assert code.level is level
    assert code.province == province
    assert isinstance(code.province, DivisionCode)
    assert code.city == city
    assert code.parent == parent
    assert repr(code) == f"DivisionCode({text!r})"


def test_division_level_values_and_labels() -> None:
    assert [(level.value, level.label) for level in DivisionLevel] == [
        ("province", "省级"),
        ("city", "地级"),
        ("county", "县级"),
    ]
    assert DivisionLevel.parse("县级") is DivisionLevel.COUNTY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "37140",
        "3714000",
        "37140a",
        "３７１４００",  # full-width digits are digits to str.isdigit, not to GB/T 2260
        "٣٧١٤٠٠",  # Arabic-Indic digits
        " 371400",
        "991400",
        "000000",
        "160000",
        "370001",  # a county part under no city part
    ],
)
def test_bad_division_codes_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DivisionCode(text)
    assert caught.value.field == "division_code"
    assert caught.value.received == text


@pytest.mark.parametrize("value", [371400, None, b"371400"])
def test_non_text_division_codes_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        DivisionCode(value)  # type: ignore[arg-type]
    assert caught.value.field == "division_code"


def test_province_prefixes_are_exactly_the_listed_ones() -> None:
    accepted = [f"{n:02d}" for n in range(100) if _is_division_code(f"{n:02d}0000")]
    assert accepted == list(PROVINCE_PREFIXES)
    assert len(accepted) == 34


def _is_division_code(text: str) -> bool:
    try:
        DivisionCode(text)
    except ValidationError:
        return False
    return True


def test_constructing_from_a_division_code_returns_it() -> None:
    code = DivisionCode("371400")
    assert DivisionCode(code) is code


@pytest.mark.parametrize("level", list(DivisionLevel))
@given(data=st.data())
def test_generated_division_codes_have_the_level_asked_for(
    level: DivisionLevel, data: st.DataObject
) -> None:
    code = data.draw(division_codes(level))
    assert type(code) is DivisionCode
    assert code.level is level


@given(division_codes())
def test_division_derivations_are_consistent(code: DivisionCode) -> None:
    assert DivisionCode(str(code)) == code
    assert code.province.level is DivisionLevel.PROVINCE
    assert code.startswith(code.province[:2])
    parent = code.parent
    if code.level is DivisionLevel.PROVINCE:
        assert parent is None
        assert code.city is None
        assert code.province == code
        return
    assert code.city is not None
    assert code.city.level is DivisionLevel.CITY
    assert code.startswith(code.city[:4])
    assert parent is not None
    assert parent.province == code.province
    if code.level is DivisionLevel.CITY:
        assert code.city == code
        assert parent == code.province
    else:
        assert parent == code.city
        assert parent.parent == code.province
