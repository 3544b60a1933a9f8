"""Personal data: mobile numbers, resident ID numbers, contacts, and masking."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import re
import unicodedata
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import assume, given, strategies as st

from jinjiecu.domain.codes import credit_code_check_character, is_valid_credit_code
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, LeaderId, RegionId
from jinjiecu.domain.org import Department, Leader, OrgLevel
from jinjiecu.domain.personal import (
    RESIDENT_ID_WEIGHTS,
    Contact,
    MobileNumber,
    ResidentId,
    ResidentIdError,
    is_valid_mobile,
    is_valid_resident_id,
    mask_id,
    mask_mobile,
    mask_name,
    mask_text,
    resident_id_check_character,
)
from jinjiecu.errors import ValidationError
from jinjiecu.serialization import structure, unstructure
from jinjiecu.storage import open_store
from jinjiecu.testing import strategies as js

if TYPE_CHECKING:
    from pathlib import Path

# The example number printed in GB 11643-1999 itself; the others are built by
# computing the check character and belong to nobody known.
STANDARD_EXAMPLE = "11010519491231002X"
MOBILE = "13800138000"


def independent_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 as the standard states it: (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + independent_check(first17)


# ---------------------------------------------------------------- the check character


def test_weights_are_those_of_gb_11643() -> None:
    assert RESIDENT_ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def test_check_character_worked_by_hand() -> None:
    # 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10
    # + 1·5 + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2; "10X98765432"[2] = X.
    assert resident_id_check_character(STANDARD_EXAMPLE[:17]) == "X"
    assert is_valid_resident_id(STANDARD_EXAMPLE)


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_character_agrees_with_the_standard_formula(first17: str) -> None:
    assert resident_id_check_character(first17) == independent_check(first17)


@pytest.mark.parametrize("bad", ["1101051949123100", "1101051949123100X", "1101051949123100２"])
def test_check_character_needs_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ResidentIdError) as caught:
        resident_id_check_character(bad)
    assert caught.value.rule in ("length", "character")


# ---------------------------------------------------------------- resident IDs: valid


@pytest.mark.parametrize(
    "first17",
    [
        "37140219900307123",  # 德州市德城区
        "37148119851231004",  # 乐陵市
        "11010519491231002",
        "44030520000229123",  # a leap day
        "81000019901010001",  # residence permit, Hong Kong
        "83000020000101002",  # residence permit, Taiwan
    ],
)
def test_numbers_with_the_computed_check_character_are_accepted(first17: str) -> None:
    number = ResidentId(with_check(first17))
    assert number.unmasked() == with_check(first17)
    assert number.region_code == first17[:6]
    assert number.birth_date == dt.datetime.strptime(first17[6:14], "%Y%m%d").date()  # noqa: DTZ007


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        "110105 19491231 002X",
        " 11010519491231002X ",
        "１１０１０５１９４９１２３１００２ｘ",
    ],
)
def test_resident_ids_are_read_as_clerks_type_them(typed: str) -> None:
    assert ResidentId(typed) == ResidentId(STANDARD_EXAMPLE)
    assert ResidentId(typed).unmasked() == STANDARD_EXAMPLE


@given(js.resident_ids())
def test_generated_resident_ids_validate(number: ResidentId) -> None:
    text = number.unmasked()
    assert len(text) == 18
    assert text[17] == independent_check(text[:17])
    assert is_valid_resident_id(text)
    assert ResidentId(text) == number
    assert ResidentId(text.lower()) == number


@given(js.resident_ids(min_birth=dt.date(2000, 2, 29), max_birth=dt.date(2000, 2, 29)))
def test_resident_id_strategy_keeps_to_its_bounds(number: ResidentId) -> None:
    assert number.birth_date == dt.date(2000, 2, 29)


# ---------------------------------------------------------------- resident IDs: invalid


def test_a_wrong_check_character_is_refused_and_named() -> None:
    for wrong in "0123456789":
        with pytest.raises(ResidentIdError) as caught:
            ResidentId(STANDARD_EXAMPLE[:17] + wrong)
        assert caught.value.rule == "check"
        assert caught.value.expected_check == "X"
        assert caught.value.field == "id_number"


@pytest.mark.parametrize(
    ("birth", "why"),
    [
        ("19900230", "30 February"),
        ("19901301", "month 13"),
        ("19900000", "day 0"),
        ("19000229", "1900 was no leap year"),
        ("18991231", "before 1900"),
        ("21000101", "after 2099"),
    ],
)
def test_an_impossible_birth_date_is_refused(birth: str, why: str) -> None:
    with pytest.raises(ResidentIdError) as caught:
        ResidentId(with_check("371402" + birth + "123"))
    assert caught.value.rule == "birth_date", why


@pytest.mark.parametrize("region", ["000000", "990000", "370012", "840000", "830001"])
def test_an_invalid_region_code_is_refused(region: str) -> None:
    first17 = region + "19900307123"
    with pytest.raises(ResidentIdError) as caught:
        ResidentId(with_check(first17))
    assert caught.value.rule == "region"


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        ("11010519491231002", "length"),
        ("11010519491231002XX", "length"),
        ("", "length"),
        ("1101051949123100XX", "character"),
        ("A1010519491231002X", "character"),
        ("11010519491231002Y", "character"),
        (None, "type"),
        (11010519491231002, "type"),
    ],
)
def test_malformed_numbers_name_the_rule(bad: Any, rule: str) -> None:
    with pytest.raises(ResidentIdError) as caught:
        ResidentId(bad)
    assert caught.value.rule == rule
    assert isinstance(caught.value, ValidationError)
    assert str(caught.value).startswith("id_number: ")


def test_character_errors_give_the_position() -> None:
    with pytest.raises(ResidentIdError) as caught:
        ResidentId("1101051949A231002X")
    assert caught.value.position == 11


@given(js.resident_ids(), st.data())
def test_errors_never_show_the_number(number: ResidentId, data: st.DataObject) -> None:
    text = number.unmasked()
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from("0123456789XA"))
    broken = text[:position] + replacement + text[position + 1 :]
    assume(not is_valid_resident_id(broken))
    with pytest.raises(ResidentIdError) as caught:
        ResidentId(broken)
    shown = str(caught.value) + repr(caught.value.received) + caught.value.expected
    assert broken not in shown
    assert broken[4:14] not in shown  # the county and the birth date stay hidden


# ---------------------------------------------------------------- mobile numbers


@pytest.mark.parametrize(
    "typed",
    [
        MOBILE,
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "8613800138000",
        "0086 13800138000",
        "(+86)13800138000",
        "１３８００１３８０００",
        "＋８６ １３８－００１３－８０００",
        13800138000,
    ],
)
def test_mobile_numbers_are_read_as_clerks_type_them(typed: str | int) -> None:
    number = MobileNumber(typed)
    assert number.unmasked() == MOBILE
    assert is_valid_mobile(typed)


@given(js.mobile_texts())
def test_every_typed_form_reads_back(pair: tuple[str, MobileNumber]) -> None:
    text, number = pair
    assert MobileNumber(text) == number
    assert mask_mobile(text) == number.masked()


@pytest.mark.parametrize(
    "bad",
    [
        "12800138000",  # no mobile prefix starts 12
        "10800138000",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "+1 13800138000",
        "138 0013 800O",  # a letter O
        "",
        True,
        1.38e10,
        None,
    ],
)
def test_invalid_mobile_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        MobileNumber(bad)
    assert caught.value.field == "mobile"
    assert not is_valid_mobile(bad)


@given(js.mobile_numbers(), st.integers(min_value=1, max_value=3))
def test_mobile_errors_never_show_the_number(number: MobileNumber, extra: int) -> None:
    digits = number.unmasked()
    typed = digits + "9" * extra
    with pytest.raises(ValidationError) as caught:
        MobileNumber(typed)
    assert caught.value.received == typed[:3] + "*" * (len(typed) - 7) + typed[-4:]
    assert digits not in str(caught.value)
    assert typed not in str(caught.value)


# ---------------------------------------------------------------- repr, str, unmasking


def test_repr_and_str_are_masked_and_unmasked_is_explicit() -> None:
    mobile = MobileNumber(MOBILE)
    number = ResidentId(STANDARD_EXAMPLE)
    assert repr(mobile) == "MobileNumber('138****8000')"
    assert str(mobile) == f"{mobile}" == "%s" % mobile == "138****8000"  # noqa: UP031
    assert repr(number) == "ResidentId('1101**********002X')"
    assert str(number) == f"{number}" == "1101**********002X"
    assert mobile.unmasked() == MOBILE
    assert number.unmasked() == STANDARD_EXAMPLE
    assert MOBILE not in repr([mobile, number]) + str({"m": mobile})


def test_the_values_are_not_strings_and_cannot_leak_by_concatenation() -> None:
    mobile = MobileNumber(MOBILE)
    assert not isinstance(mobile, str)
    with pytest.raises(TypeError):
        _ = "tel: " + mobile  # type: ignore[operator]
    with pytest.raises(TypeError):
        json.dumps(mobile)


def test_equality_hashing_freezing_and_pickling() -> None:
    mobile = MobileNumber(MOBILE)
    number = ResidentId(STANDARD_EXAMPLE)
    assert mobile == MobileNumber("138 0013 8000")
    assert mobile != MobileNumber("13900139000")
    assert mobile != MOBILE  # a value type, not text
    assert len({mobile, MobileNumber(13800138000), number, ResidentId(STANDARD_EXAMPLE)}) == 2
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        mobile._digits = "13900139000"
    for value in (mobile, number, Contact(name="张三", mobile=mobile, id_number=number)):
        assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own data
        assert copy.deepcopy(value) == value
    assert MobileNumber(mobile) == mobile
    assert ResidentId(number) == number


# ---------------------------------------------------------------- mask functions


def test_mask_examples() -> None:
    assert mask_mobile("138-0013-8000") == "138****8000"
    assert mask_mobile(MobileNumber(MOBILE)) == "138****8000"
    assert mask_id("110105 19491231 002x") == "1101**********002X"
    assert mask_id(ResidentId(STANDARD_EXAMPLE)) == "1101**********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("阿卜杜·热合曼") == "阿**·***"
    assert mask_name("John Smith") == "J*** *****"
    assert mask_name("王") == "*"
    assert mask_name(" 李四 ") == "李*"


def test_mask_functions_refuse_what_they_cannot_read() -> None:
    with pytest.raises(ValidationError):
        mask_mobile("12345")
    with pytest.raises(ResidentIdError):
        mask_id("110105194912310021")
    with pytest.raises(ValidationError):
        mask_name(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        mask_text(13800138000)  # type: ignore[arg-type]


@given(js.names(20))
def test_mask_name_keeps_the_first_character_and_is_idempotent(name: str) -> None:
    masked = mask_name(name)
    assert mask_name(masked) == masked
    assert len(masked) == len(name)
    if len(name) > 1:
        assert masked[0] == name[0]
        assert all(c in "* \u3000·•・." for c in masked[1:])


# ---------------------------------------------------------------- mask_text: examples

EXAMPLES = [
    ("电话13800138000", "电话138****8000"),
    ("Tel13800138000.", "Tel138****8000."),
    ("13800138000,13900139000", "138****8000,139****9000"),
    ("手机 138 0013 8000 或 138-0013-8000", "手机 138 **** 8000 或 138-****-8000"),
    ("1380 0138 000 / 1380-0138000", "138* ***8 000 / 138*-***8000"),
    ("+86 13800138000；0086-138-0013-8000", "+86 138****8000；0086-138-****-8000"),
    ("8613800138000 (+86)13800138000", "86138****8000 (+86)138****8000"),
    ("（＋８６）１３８００１３８０００", "（＋８６）１３８****８０００"),
    ("身份证11010519491231002X。", "身份证1101**********002X。"),
    ("身份证 110105 19491231 002x", "身份证 1101** ******** 002x"),
    ("号码１１０１０５１９４９１２３１００２Ｘ", "号码１１０１**********００２Ｘ"),
    # a mistyped ID number (wrong check character) is still masked
    ("110105194912310021", "1101**********0021"),
    # an ID number right before a mobile number: both masked
    ("11010519491231002X13800138000", "1101**********002X138****8000"),
]

UNTOUCHED = [
    "统一社会信用代码91371400MA3C00000A",
    "账号6222021380013800012",  # a bank account: 19 digits
    "编号 138001380001",  # 12 digits
    "1380013800",  # 10 digits
    "贷款13800138000.50元",  # an amount
    "0.13800138000",
    "13,800,138,000元",
    "12800138000",  # no mobile prefix 12
    "138 00 138 000",  # not a grouping phone numbers are written in
    "文号201911130000000001",  # 18 digits, no region code
    "371402199002301235",  # 18 digits, 30 February
    "暂无联系方式",
    "",
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_mask_text_examples(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_mask_text_leaves_codes_amounts_and_long_numbers(text: str) -> None:
    assert mask_text(text) == text


def test_digits_inside_a_credit_code_are_not_taken_for_a_mobile() -> None:
    first17 = "9A13800138000ABCD"  # positions 3-13 look like a mobile number
    code = first17 + credit_code_check_character(first17)
    assert is_valid_credit_code(code)
    assert mask_text(f"代码{code}。") == f"代码{code}。"
    assert mask_text(f"代码 {code.lower()} ") == f"代码 {code.lower()} "
    # The same word with a wrong check character is no credit code: masked.
    wrong = first17 + ("0" if code[17] != "0" else "1")
    assert mask_text(wrong) == "9A138****8000ABCD" + wrong[17]


def test_an_id_shaped_credit_code_is_kept_but_a_valid_id_is_masked() -> None:
    # All digits, region and birth date valid: shaped like an ID number.
    first17 = "11010519491231002"
    for last in "0123456789":
        text = first17 + last
        if is_valid_credit_code(text):
            assert mask_text(text) == text  # a credit code with a wrong ID check character
        else:
            assert mask_text(text) == "1101**********002" + last
    assert mask_text(STANDARD_EXAMPLE) == "1101**********002X"


# ---------------------------------------------------------------- mask_text: properties


@given(js.personal_texts(max_numbers=5))
def test_mask_text_leaves_no_placed_number_visible(
    pair: tuple[str, tuple[MobileNumber | ResidentId, ...]],
) -> None:
    text, placed = pair
    masked = mask_text(text)
    # Only digits (and an ID's X) change, each to one '*': the layout is kept.
    assert len(masked) == len(text)
    assert all(
        a == b or (b == "*" and a in "0123456789０１２３４５６７８９XxＸｘ")
        for a, b in zip(text, masked, strict=True)
    )
    # Every placed number lost its middle: 4 digits of a mobile, 10 characters of an ID.
    hidden = sum(4 if isinstance(number, MobileNumber) else 10 for number in placed)
    assert masked.count("*") - text.count("*") == hidden
    # An independent look: no mobile or ID number stands in the output as a whole.
    ascii_text = unicodedata.normalize("NFKC", masked).upper()
    for number in placed:
        assert number.unmasked() not in ascii_text
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", ascii_text, re.ASCII)
    assert not re.search(r"(?<!\d)\d{17}[\dX]", ascii_text, re.ASCII)


@given(js.personal_texts())
def test_masking_is_idempotent_on_personal_texts(
    pair: tuple[str, tuple[MobileNumber | ResidentId, ...]],
) -> None:
    once = mask_text(pair[0])
    assert mask_text(once) == once


SEGMENTS = st.one_of(
    js.free_texts(20),
    st.text("0123456789０８６ -.+X", max_size=25),
    js.mobile_texts().map(lambda pair: pair[0]),
    js.resident_ids().map(ResidentId.unmasked),
    js.credit_codes().map(str),
)


def test_a_number_masked_in_4_4_3_groups_is_not_masked_again() -> None:
    # Found by Hypothesis: the masked stars of "1300 0001300" are split "*" and "***" by
    # the group's space, and the digits after them once read as a new mobile number.
    once = mask_text("1300 0001300 0000000")
    assert once == "130* ***1300 0000000"
    assert mask_text(once) == once
    # A star or a bullet before a number is no masked number: the number is still masked.
    assert mask_text("* 13000000000 ") == "* 130****0000 "
    assert mask_text("*13000000000") == "*130****0000"


@given(st.lists(SEGMENTS, max_size=6).map("".join))
def test_masking_is_idempotent_on_any_text(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once
    assert len(once) == len(text)


CREDIT_CODE_NEIGHBOURS = st.sampled_from([" ", "，", "：", "代码", "\n", "(", ")", "；"])
AMOUNTS = st.tuples(
    st.text("0123456789", min_size=1, max_size=20), st.text("0123456789", min_size=1, max_size=2)
).map(lambda parts: f"{parts[0]}.{parts[1]}")
LONG_NUMBERS = (
    st.integers(min_value=12, max_value=30)
    .filter(lambda n: n not in (13, 15, 18))
    .flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
)


@given(
    st.lists(st.one_of(js.credit_codes().map(str), AMOUNTS, LONG_NUMBERS), min_size=1, max_size=5),
    st.data(),
)
def test_credit_codes_amounts_and_long_numbers_are_untouched(
    items: list[str], data: st.DataObject
) -> None:
    # A valid resident ID number is masked even if it also passes the credit-code check.
    assume(not any(is_valid_resident_id(item) for item in items))
    text = "".join(item + data.draw(CREDIT_CODE_NEIGHBOURS) for item in items)
    assert mask_text(text) == text


# ---------------------------------------------------------------- contacts


def test_contact_reads_text_and_masks_its_repr() -> None:
    person = Contact(name="张三", mobile="138 0013 8000", id_number="11010519491231002x")
    assert person.mobile == MobileNumber(MOBILE)
    assert person.id_number == ResidentId(STANDARD_EXAMPLE)
    assert repr(person) == (
        "Contact(name='张*', mobile=MobileNumber('138****8000'), "
        "id_number=ResidentId('1101**********002X'), title=None)"
    )
    assert str(person) == "张* 138****8000 1101**********002X"
    assert person.display(unmasked=True) == f"张三 {MOBILE} {STANDARD_EXAMPLE}"
    titled = attrs.evolve(person, title="财务总监", id_number=None)
    assert str(titled) == "张*（财务总监） 138****8000"


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("name", ""),
        ("name", "张三\n13800138000"),
        ("mobile", "1380013800"),
        ("mobile", None),
        ("id_number", "110105194912310021"),
        ("id_number", 11010519491231002),
        ("title", ""),
    ],
)
def test_contact_errors_name_the_field_and_hide_numbers(field: str, bad: Any) -> None:
    valid = {"name": "张三", "mobile": MOBILE}
    with pytest.raises(ValidationError) as caught:
        Contact(**{**valid, field: bad})
    assert caught.value.field == field
    assert "13800138000" not in str(caught.value)
    assert "1101051949123100" not in str(caught.value)
    assert "张三" not in str(caught.value)


@given(js.contacts(), st.data())
def test_a_wrong_value_in_any_contact_field_is_named(contact: Contact, data: st.DataObject) -> None:
    field: attrs.Attribute[Any] = data.draw(st.sampled_from(list(attrs.fields(Contact))))
    bad: Any = data.draw(st.sampled_from([object(), 1.5, b"bytes", {"a": 1}]))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(contact, **{field.name: bad})
    assert caught.value.field == field.name
    assert caught.value.received is bad


@given(js.contacts())
def test_contact_repr_never_shows_the_numbers(contact: Contact) -> None:
    shown = repr(contact) + str(contact)
    assert contact.mobile.unmasked() not in shown
    if contact.id_number is not None:
        assert contact.id_number.unmasked() not in shown
    assert contact.display(unmasked=True).startswith(contact.name)


# ---------------------------------------------------------------- contacts on entities


def sample_contacts() -> tuple[Contact, ...]:
    return (
        Contact(name="张三", mobile=MOBILE, id_number=STANDARD_EXAMPLE, title="总经理"),
        Contact(name="李四", mobile="13900139000", title="联络员"),
    )


def entities_with_contacts() -> list[Any]:
    people = sample_contacts()
    return [
        Enterprise(
            id=EnterpriseId("e-1"), name="某制药公司", region_id=RegionId("371481"), contacts=people
        ),
        Department(
            id=DepartmentId("d-1"), name="市工信局", level=OrgLevel.CITY, contacts=list(people)
        ),
        Leader(id=LeaderId("l-1"), name="王五", post="副市长", contacts=people[1:]),
    ]


def test_entities_default_to_no_contacts_and_take_lists() -> None:
    firm = Enterprise(id=EnterpriseId("e-1"), name="某公司", region_id=RegionId("371400"))
    assert firm.contacts == ()
    department = entities_with_contacts()[1]
    assert department.contacts == sample_contacts()


def test_entity_reprs_mask_their_contacts() -> None:
    for entity in entities_with_contacts():
        shown = repr(entity)
        assert MOBILE not in shown
        assert "13900139000" not in shown
        assert STANDARD_EXAMPLE not in shown
        assert "张三" not in shown
        assert "李*" in shown


@pytest.mark.parametrize(
    ("contacts", "field"),
    [
        ((Contact(name="张三", mobile=MOBILE), MOBILE), "contacts[1]"),
        ((Contact(name="张三", mobile=MOBILE),) * 2, "contacts[1]"),
        ("13800138000", "contacts"),
    ],
)
def test_bad_contacts_are_named_without_showing_numbers(contacts: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Enterprise(
            id=EnterpriseId("e-1"), name="某公司", region_id=RegionId("371400"), contacts=contacts
        )
    assert caught.value.field == field
    assert MOBILE not in str(caught.value)
    assert MOBILE not in repr(caught.value.received)


@pytest.mark.parametrize("entity", entities_with_contacts(), ids=lambda e: type(e).__name__)
def test_entities_with_contacts_round_trip_through_json(entity: Any) -> None:
    data = unstructure(entity)
    assert data["contacts"][0]["mobile"] in (MOBILE, "13900139000")  # stored unmasked
    back = structure(json.loads(json.dumps(data, ensure_ascii=False)), type(entity))
    assert back == entity
    assert all(type(c.mobile) is MobileNumber for c in back.contacts)


@given(st.lists(js.contacts(), max_size=3, unique=True), js.enterprises())
def test_generated_contacts_round_trip(contacts: list[Contact], firm: Enterprise) -> None:
    firm = attrs.evolve(firm, contacts=contacts)
    back = structure(json.loads(json.dumps(unstructure(firm))), Enterprise)
    assert back == firm


def test_records_stored_before_contacts_existed_still_load() -> None:
    firm = entities_with_contacts()[0]
    data = unstructure(firm)
    del data["contacts"]
    assert structure(data, Enterprise) == attrs.evolve(firm, contacts=())


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ((0, "mobile"), "1380013800", "contacts[0].mobile"),
        ((0, "mobile"), 13800138000, "contacts[0].mobile"),
        ((0, "id_number"), "110105194912310021", "contacts[0].id_number"),
    ],
)
def test_reading_a_bad_number_names_the_path_and_hides_the_number(
    path: tuple[int, str], value: object, field: str
) -> None:
    data = unstructure(entities_with_contacts()[0])
    data["contacts"][path[0]][path[1]] = value
    with pytest.raises(ValidationError) as caught:
        structure(data, Enterprise)
    assert caught.value.field == field
    assert "13800138000" not in str(caught.value)
    assert "110105194912310021" not in str(caught.value)


@pytest.mark.parametrize("url", ["memory://", "sqlite"])
def test_contacts_survive_the_stores(url: str, tmp_path: Path) -> None:
    if url == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    firm, department, leader = entities_with_contacts()
    with open_store(url) as store:
        store.enterprises.add(firm)
        store.departments.add(department)
        store.leaders.add(leader)
        assert store.enterprises.get(firm.id) == firm
    if url.startswith("sqlite"):
        with open_store(url) as store:  # read back from the file, through JSON
            assert store.enterprises.get(firm.id) == firm
            assert store.departments.get(department.id) == department
            assert store.leaders.get(leader.id) == leader
