"""Personal data: contacts' mobile numbers and resident ID numbers, validated and masked.

An office keeps people's names, mobile numbers and sometimes resident identity
numbers (联系人, 联络员). They live in their own typed fields, are validated
when they are made, and are *masked by default* wherever they are shown:
``repr``, ``str``, error messages, and, through :func:`mask_text`, free text.
The real value is one explicit call away: :meth:`MobileNumber.unmasked`,
:meth:`ResidentId.unmasked`.

Masks (脱敏规则)
================

- A mobile number keeps its first 3 and last 4 digits: ``138****5678``
  (the form used across Chinese services).
- A resident ID number keeps its first 4 and last 4 characters:
  ``3714**********123X``; the county and the birth date are hidden.
- A name keeps its first character and hides every other one, one ``*`` per
  character: ``张*``, ``欧阳**`` becomes ``欧***``. Compound surnames are not
  guessed (a list of them would still miss some); spaces and the middle dot
  of transcribed names are kept: ``阿卜杜·热合曼`` becomes ``阿**·***``.

Masking is idempotent: a masked value masks to itself.

>>> mobile = MobileNumber("+86 138-0013-8000")
>>> mobile
MobileNumber('138****8000')
>>> print(mobile, mobile.unmasked())
138****8000 13800138000
>>> person = Contact(name="张三", mobile="13800138000", title="财务总监")
>>> person
Contact(name='张*', mobile=MobileNumber('138****8000'), id_number=None, title='财务总监')
>>> mask_text("请联系张经理，电话13800138000；统一社会信用代码91371400MA3C00000A")
'请联系张经理，电话138****8000；统一社会信用代码91371400MA3C00000A'

公民身份号码 (GB 11643-1999)
============================

18 characters: a 6-digit region code (GB/T 2260, where the number was first
issued), the birth date ``YYYYMMDD``, a 3-digit sequence number (odd for men,
even for women) and a check character computed with ISO 7064 MOD 11-2:
each of the first 17 digits is weighted by 2^(18-i) mod 11, the sum is taken
mod 11, and ``"10X98765432"[sum % 11]`` is the check character (``X`` stands
for 10).

>>> resident_id_check_character("11010519491231002")
'X'
>>> ResidentId("11010519491231002x")
ResidentId('1101**********002X')
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeAlias

import attrs

from jinjiecu.domain.codes import DivisionCode, is_valid_credit_code
from jinjiecu.domain.validation import Validator, name_text, optional
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FIRST_BIRTH_YEAR",
    "LAST_BIRTH_YEAR",
    "RESIDENT_ID_WEIGHTS",
    "Contact",
    "MobileNumber",
    "ResidentId",
    "ResidentIdError",
    "ResidentIdRule",
    "is_valid_mobile",
    "is_valid_resident_id",
    "mask_id",
    "mask_mobile",
    "mask_name",
    "mask_text",
    "resident_id_check_character",
    "valid_contacts",
]

_MASK = "*"
_DIGITS = "0123456789０１２３４５６７８９"
_CHECK_X = "XxＸｘ"


def _is_digit(character: str) -> bool:
    return character in _DIGITS


def _conceal(text: str, *, head: int, tail: int, counted: str = _DIGITS) -> str:
    """Hide the digits of ``text`` a clerk typed into a personal field, for an error message.

    With at least ``head + tail + 4`` digits, the first ``head`` and last
    ``tail`` digits stay visible; with fewer, every digit is hidden. Letters and
    punctuation stay, so a message still shows what kind of text was given.
    """
    count = sum(1 for character in text if character in counted)
    if count < head + tail + 4:
        head = tail = 0
    return _mask_digits(text, head, tail, counted)


def _masked_received(value: object, *, head: int, tail: int, counted: str = _DIGITS) -> object:
    """What a :class:`~jinjiecu.errors.ValidationError` may carry as ``received``.

    Text is concealed (:func:`_conceal`), and so is a number long enough to
    be a phone or ID number (7 digits or more); any other value (a wrong
    type, a small number, text without digits) is carried as it is.
    """
    if isinstance(value, str):
        concealed = _conceal(value, head=head, tail=tail, counted=counted)
        return value if concealed == value else concealed
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        if sum(1 for c in text if c.isdigit()) >= 7:
            return _conceal(text, head=head, tail=tail, counted=counted)
    return value


def _refuse(value: object, *, field: str, expected: str, head: int, tail: int) -> NoReturn:
    """Raise a ValidationError that names ``field`` and shows ``value`` concealed."""
    shown = _masked_received(value, head=head, tail=tail)
    text = repr(shown)
    if len(text) > 80:
        text = text[:77] + "..."
    message = f"{field}: expected {expected}, received {text} ({type(value).__name__})"
    raise ValidationError(message, field=field, expected=expected, received=shown)


# ---------------------------------------------------------------- mobile numbers

_MOBILE_EXPECTED = (
    "an 11-digit mainland mobile number starting 13-19, such as 138 0013 8000 "
    "(spaces, dashes and a +86 prefix are allowed)"
)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIX = re.compile(r"^(?:\(\+?86\)|\+86|0086|86)(?=[0-9]{11}$)")
_MOBILE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]")


def _normalise_mobile(value: object) -> str | None:
    """Return the 11 digits ``value`` names, or ``None`` if it names no mobile number."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    text = _MOBILE_PREFIX.sub("", text)
    return text if _MOBILE.fullmatch(text) else None


def is_valid_mobile(text: str | int) -> bool:
    """Tell whether :class:`MobileNumber` accepts ``text``; never raises.

    >>> is_valid_mobile("+86 138 0013 8000"), is_valid_mobile("12800138000")
    (True, False)
    """
    return _normalise_mobile(text) is not None


class MobileNumber:
    """A mainland China mobile number (手机号码): 11 digits starting 13 to 19.

    The constructor reads what clerks type: spaces and dashes anywhere,
    full-width digits, a ``+86``, ``0086``, ``86`` or ``(+86)`` prefix, and an
    ``int`` (spreadsheets often hold numbers as numbers). It keeps the 11
    digits. Anything else raises :class:`~jinjiecu.errors.ValidationError`
    (``field`` ``"mobile"``) whose message and ``received`` show the input
    with its middle digits hidden.

    ``repr`` and ``str`` are masked (``138****5678``);
    :meth:`unmasked` returns the digits. Two numbers are equal when their
    digits are. It is deliberately not a ``str``: it cannot be concatenated,
    formatted or written to a file unmasked by accident.

    >>> MobileNumber("１３８００１３８０００") == MobileNumber(13800138000)
    True
    >>> f"电话：{MobileNumber('13800138000')}"
    '电话：138****8000'
    >>> MobileNumber("1380013800")
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: mobile: expected an 11-digit ..., received '**********' (str)
    """

    __slots__ = ("_digits",)
    _digits: str

    def __init__(self, text: MobileNumber | str | int) -> None:
        if isinstance(text, MobileNumber):
            digits: str | None = text.unmasked()
        else:
            digits = _normalise_mobile(text)
        if digits is None:
            _refuse(text, field="mobile", expected=_MOBILE_EXPECTED, head=3, tail=4)
        object.__setattr__(self, "_digits", digits)

    def unmasked(self) -> str:
        """Return the 11 digits, unmasked: only for a caller entitled to see them."""
        return self._digits

    def masked(self) -> str:
        """Return the masked form, ``138****5678``; the same as ``str(number)``."""
        return self._digits[:3] + _MASK * 4 + self._digits[7:]

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MobileNumber):
            return self._digits == other._digits
        return NotImplemented

    def __hash__(self) -> int:
        return hash((MobileNumber, self._digits))

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[Callable[[str], MobileNumber], tuple[str]]:
        return (type(self), (self._digits,))


def mask_mobile(number: MobileNumber | str | int) -> str:
    """Return a mobile number masked, ``138****5678``; text is read as by :class:`MobileNumber`.

    Text that is no mobile number raises :class:`~jinjiecu.errors.ValidationError`;
    use :func:`mask_text` for text that may hold anything.

    >>> mask_mobile("138 0013 8000")
    '138****8000'
    """
    return MobileNumber(number).masked()


# ---------------------------------------------------------------- resident ID numbers

RESIDENT_ID_WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
"""Weights of positions 1 to 17 in the GB 11643 check sum (ISO 7064 MOD 11-2), 2^(18-i) mod 11."""

_CHECK_CHARACTERS = "10X98765432"

FIRST_BIRTH_YEAR = 1900
"""The earliest birth year a :class:`ResidentId` accepts."""

LAST_BIRTH_YEAR = 2099
"""The latest birth year a :class:`ResidentId` accepts.

The check does not compare with today, so a number never turns valid or
invalid with the clock; a caller that needs "born before today" compares
:attr:`ResidentId.birth_date` itself.
"""

# Residence permits for residents of Hong Kong, Macao and Taiwan (港澳台居民居住证)
# follow GB 11643 with the region codes 810000, 820000 and 830000; 83 is no
# province prefix of GB/T 2260, so it is listed here.
_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})

ResidentIdRule: TypeAlias = Literal["type", "length", "character", "region", "birth_date", "check"]
"""Names of the rules a resident ID number can break."""

_RULE_EXPECTED: dict[ResidentIdRule, str] = {
    "type": "text of 18 characters (a GB 11643 resident identity number)",
    "length": "18 characters (a GB 11643 resident identity number)",
    "character": "17 digits followed by a digit or X",
    "region": "a GB/T 2260 region code in positions 1-6",
    "birth_date": (
        f"a real birth date YYYYMMDD from {FIRST_BIRTH_YEAR} to {LAST_BIRTH_YEAR} in positions 7-14"
    ),
    "check": "the check character of ISO 7064 MOD 11-2 in position 18",
}


class ResidentIdError(ValidationError):
    """A resident identity number that breaks a rule of GB 11643-1999.

    ``field`` is always ``"id_number"``. Neither the message nor ``received``
    holds the number itself: ``received`` shows the input with all but its
    first 4 and last 4 digits hidden (all hidden when it is short).

    Attributes:
        rule: which rule failed: ``"type"``, ``"length"``, ``"character"``,
            ``"region"``, ``"birth_date"`` or ``"check"``.
        position: for ``"character"``, the 1-based position of the first bad
            character; ``None`` otherwise.
        expected_check: for ``"check"``, the check character the first 17
            digits call for; ``None`` otherwise.

    >>> try:
    ...     ResidentId("110105194912310021")
    ... except ResidentIdError as error:
    ...     print(error.rule, error.expected_check)
    ...     print(error)
    check X
    id_number: check character should be 'X', found '1', received '1101**********0021' (str)
    """

    def __init__(
        self,
        *,
        rule: ResidentIdRule,
        received: object,
        position: int | None = None,
        expected_check: str | None = None,
        location: str | None = None,
    ) -> None:
        self.rule: ResidentIdRule = rule
        self.position = position
        self.expected_check = expected_check
        shown = _masked_received(received, head=4, tail=4, counted=_DIGITS + _CHECK_X)
        expected = _RULE_EXPECTED[rule]
        if rule == "check" and isinstance(received, str):
            what = f"check character should be {expected_check!r}, found {received[-1:]!r}"
        elif rule == "character":
            what = f"expected {expected} (position {position} is not)"
        else:
            what = f"expected {expected}"
        message = f"id_number: {what}, received {shown!r} ({type(received).__name__})"
        super().__init__(
            message, field="id_number", expected=expected, received=shown, location=location
        )


def _normalise_id(text: str) -> str:
    """Full-width to ASCII, spaces removed, a lower-case ``x`` made upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _check_of(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _valid_region(code: str) -> bool:
    if code in _PERMIT_REGIONS:
        return True
    try:
        DivisionCode(code)
    except ValidationError:
        return False
    return True


def _birth_date(digits: str) -> dt.date | None:
    """The date ``YYYYMMDD`` names if it is real and within the accepted years, else ``None``."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not FIRST_BIRTH_YEAR <= year <= LAST_BIRTH_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _id_shaped(number: str) -> bool:
    """18 characters with a valid region and birth date; the check character is not checked."""
    return _valid_region(number[:6]) and _birth_date(number[6:14]) is not None


def _validate_id(value: object) -> str:
    """Return the normalised number, or raise :class:`ResidentIdError` naming the rule broken."""
    if not isinstance(value, str):
        raise ResidentIdError(rule="type", received=value)
    number = _normalise_id(value)
    if len(number) != 18:
        raise ResidentIdError(rule="length", received=value)
    for position, character in enumerate(number, start=1):
        allowed = "0123456789X" if position == 18 else "0123456789"
        if character not in allowed:
            raise ResidentIdError(rule="character", received=value, position=position)
    if not _valid_region(number[:6]):
        raise ResidentIdError(rule="region", received=value)
    if _birth_date(number[6:14]) is None:
        raise ResidentIdError(rule="birth_date", received=value)
    expected = _check_of(number[:17])
    if number[17] != expected:
        raise ResidentIdError(rule="check", received=number, expected_check=expected)
    return number


def resident_id_check_character(first17: str) -> str:
    """Return the check character (position 18) for the first 17 digits of a resident ID number.

    ``first17`` must be 17 ASCII digits; anything else raises
    :class:`ResidentIdError` with rule ``"length"`` or ``"character"``.

    >>> resident_id_check_character("37140219900307123")
    '5'
    """
    if not isinstance(first17, str):
        raise ResidentIdError(rule="type", received=first17)
    if len(first17) != 17:
        raise ResidentIdError(rule="length", received=first17)
    for position, character in enumerate(first17, start=1):
        if character not in "0123456789":
            raise ResidentIdError(rule="character", received=first17, position=position)
    return _check_of(first17)


def is_valid_resident_id(text: str) -> bool:
    """Tell whether :class:`ResidentId` accepts ``text``; never raises.

    >>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("110105194912310021")
    (True, False)
    """
    try:
        _validate_id(text)
    except ResidentIdError:
        return False
    return True


class ResidentId:
    """A resident identity number 公民身份号码 (GB 11643-1999), as on the 居民身份证.

    The constructor accepts full-width characters, spaces and a lower-case
    ``x``, and checks every rule: 18 characters, 17 digits then a digit or
    ``X``, a region code of GB/T 2260 form in positions 1-6 (or the 810000 /
    820000 / 830000 of residence permits), a real birth date from
    :data:`FIRST_BIRTH_YEAR` to :data:`LAST_BIRTH_YEAR`, and the ISO 7064
    MOD 11-2 check character. A broken rule raises :class:`ResidentIdError`
    (a :class:`~jinjiecu.errors.ValidationError`, ``field`` ``"id_number"``)
    that names the rule without showing the number.

    ``repr`` and ``str`` are masked (``3714**********123X``); :meth:`unmasked`
    returns the number. Like :class:`MobileNumber`, it is not a ``str``.

    >>> number = ResidentId("371402 19900307 1235")
    >>> number
    ResidentId('3714**********1235')
    >>> number.birth_date, number.region_code
    (datetime.date(1990, 3, 7), '371402')
    >>> ResidentId("371402199002301235")
    Traceback (most recent call last):
    ...
    jinjiecu.domain.personal.ResidentIdError: id_number: expected a real birth date ...
    """

    __slots__ = ("_number",)
    _number: str

    def __init__(self, text: ResidentId | str) -> None:
        number = text.unmasked() if isinstance(text, ResidentId) else _validate_id(text)
        object.__setattr__(self, "_number", number)

    def unmasked(self) -> str:
        """Return the 18 characters, unmasked: only for a caller entitled to see them."""
        return self._number

    def masked(self) -> str:
        """Return the masked form, ``3714**********123X``; the same as ``str(number)``."""
        return self._number[:4] + _MASK * 10 + self._number[14:]

    @property
    def region_code(self) -> str:
        """The region code of positions 1-6, where the number was first issued."""
        return self._number[:6]

    @property
    def birth_date(self) -> dt.date:
        """The birth date of positions 7-14."""
        birth = _birth_date(self._number[6:14])
        assert birth is not None  # noqa: S101 - checked when the number was made
        return birth

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ResidentId):
            return self._number == other._number
        return NotImplemented

    def __hash__(self) -> int:
        return hash((ResidentId, self._number))

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[Callable[[str], ResidentId], tuple[str]]:
        return (type(self), (self._number,))


def mask_id(number: ResidentId | str) -> str:
    """Return a resident ID number masked, ``3714**********123X``.

    Text is validated as :class:`ResidentId` validates it (an invalid number
    raises :class:`ResidentIdError`); use :func:`mask_text` for text that may
    hold anything.

    >>> mask_id("11010519491231002x")
    '1101**********002X'
    """
    return ResidentId(number).masked()


# ---------------------------------------------------------------- names


_NAME_KEPT = frozenset(" \u3000·•・.")


def mask_name(name: str) -> str:
    """Return a person's name with every character after the first hidden.

    One ``*`` stands for each hidden character; spaces and the dots between
    the parts of a transcribed name are kept. A one-character name becomes
    ``*``. Masking a masked name changes nothing.

    >>> mask_name("张三"), mask_name("欧阳娜娜"), mask_name("阿卜杜·热合曼"), mask_name("王")
    ('张*', '欧***', '阿**·***', '*')
    """
    if not isinstance(name, str):
        raise ValidationError(field="name", expected="a name as text", received=name)
    stripped = name.strip()
    if len(stripped) <= 1:
        return _MASK * len(stripped)
    return stripped[0] + "".join(c if c in _NAME_KEPT else _MASK for c in stripped[1:])


# ---------------------------------------------------------------- free text

_D = "[0-9０-９]"
_SEP = "[ \u00a0\u3000\\-－]"
# A masked number (138****5678; 130* ***1300 when grouped 4-4-3) still counts as a number
# next to the digits around it, so that masking twice changes nothing.
_NOT_AFTER_NUMBER = (
    rf"(?<!{_D})(?<!{_D}[.．])(?<![*＊]{{4}})(?<![*＊]{{4}}{_SEP})(?<![*＊]{_SEP}[*＊]{{3}})"
)
_NOT_BEFORE_NUMBER = rf"(?!{_D})(?![.．]{_D})(?![*＊]+{_SEP}?{_D})"

_MOBILE_IN_TEXT = re.compile(
    _NOT_AFTER_NUMBER
    + rf"(?:[(（]?(?:[+＋]|00|００)?(?:86|８６)[)）]?{_SEP}?)?"
    + rf"(?P<number>[1１][3-9３-９]{_D}"
    + rf"(?:{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}|{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{3}}))"
    + _NOT_BEFORE_NUMBER
)

_ID_IN_TEXT = re.compile(
    _NOT_AFTER_NUMBER
    + rf"(?P<number>{_D}{{6}}[ \u3000]?{_D}{{8}}[ \u3000]?{_D}{{3}}(?:{_D}(?!{_D})|[{_CHECK_X}]))"
    + rf"(?![.．]{_D})"
)

_CODE_CHARACTERS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
)


def _in_credit_code(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a word of letters and digits that is a credit code."""
    while start > 0 and text[start - 1] in _CODE_CHARACTERS:
        start -= 1
    while end < len(text) and text[end] in _CODE_CHARACTERS:
        end += 1
    word = unicodedata.normalize("NFKC", text[start:end]).upper()
    return len(word) == 18 and is_valid_credit_code(word)


def _mask_digits(text: str, keep_head: int, keep_tail: int, counted: str) -> str:
    """Replace the ``counted`` characters of ``text`` with ``*``, but the first and last ones."""
    count = sum(1 for c in text if c in counted)
    out = []
    seen = 0
    for character in text:
        if character in counted:
            seen += 1
            if keep_head < seen <= count - keep_tail:
                out.append(_MASK)
                continue
        out.append(character)
    return "".join(out)


def _mask_id_match(match: re.Match[str]) -> str:
    found = match.group("number")
    number = _normalise_id(found)
    if is_valid_resident_id(number) or (
        _id_shaped(number) and not _in_credit_code(match.string, *match.span("number"))
    ):
        return _mask_digits(found, 4, 4, _DIGITS + _CHECK_X)
    return found


def _mask_mobile_match(match: re.Match[str]) -> str:
    found = match.group("number")
    start, end = match.span()
    if match.group(0) == found and _in_credit_code(match.string, start, end):
        return found
    head = match.group(0)[: match.start("number") - start]
    return head + _mask_digits(found, 3, 4, _DIGITS)


def mask_text(text: str) -> str:
    """Return ``text`` with every mobile number and resident ID number in it masked.

    What is masked:

    - mainland mobile numbers, 11 digits starting 13-19, also written in
      groups of 3-4-4 or 4-4-3 (``138 0013 8000``, ``1380-0138-000``), with a
      ``+86``, ``0086``, ``86`` or ``(+86)`` prefix (so a 13-digit run
      ``8613800138000`` is a mobile number with its country code), or in
      full-width digits: the middle four digits become ``****``, the rest of
      the text keeps its layout;
    - resident ID numbers, 18 characters (also grouped 6-8-4): every one that
      is valid, and every one with a real region and birth date whose check
      character is wrong (a mistyped number still identifies a person). All
      but the first 4 and last 4 characters become ``*``.

    What is left alone:

    - a number that is part of a longer run of digits (a bank account, a
      serial number) or of a decimal number (``13800138000.5``);
    - a valid unified social credit code (统一社会信用代码), even when
      digits inside it look like a mobile number, or when the whole code is
      shaped like an ID number with a wrong check character. A valid resident
      ID number is masked even if it also happens to pass the credit-code check.

    Names in free text are not recognised: mask them where they are stored in
    their own fields (:func:`mask_name`, :class:`Contact`). 15-digit
    first-generation ID numbers are not recognised either (old 15-digit
    business registration numbers look the same).

    Masking is idempotent: ``mask_text(mask_text(t)) == mask_text(t)``.

    >>> mask_text("王经理 (+86) 138-0013-8000，身份证 11010519491231002X，贷款 13800138000.00 元")
    '王经理 (+86) 138-****-8000，身份证 1101**********002X，贷款 13800138000.00 元'
    >>> mask_text("账号 6222021380013800012")
    '账号 6222021380013800012'
    """
    if not isinstance(text, str):
        raise ValidationError(
            field="text", expected="text", received=_masked_received(text, head=3, tail=4)
        )
    if not any(_is_digit(c) for c in text):
        return text
    return _MOBILE_IN_TEXT.sub(_mask_mobile_match, _ID_IN_TEXT.sub(_mask_id_match, text))


# ---------------------------------------------------------------- contacts


def _to_mobile(value: MobileNumber | str | int) -> MobileNumber:
    """Attrs converter: text or an int becomes a :class:`MobileNumber` (errors name ``mobile``)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return MobileNumber(value)
    return value  # type: ignore[return-value]  # the validator names the bad value


def _to_resident_id(value: ResidentId | str | None) -> ResidentId | None:
    """Attrs converter: text becomes a :class:`ResidentId` (or raises naming ``id_number``)."""
    if isinstance(value, str):
        return ResidentId(value)
    return value


def _personal_instance(cls: type, expected: str) -> Validator:
    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            _refuse(value, field=attribute.name, expected=expected, head=3, tail=4)

    return validate


_NAME_TEXT = name_text(50)


def _person_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a single-line name of at most 50 characters; an error shows it masked."""
    try:
        _NAME_TEXT(instance, attribute, value)
    except ValidationError as error:
        shown = mask_name(value) if isinstance(value, str) else value
        raise ValidationError(
            field=attribute.name, expected=error.expected, received=shown
        ) from None


@attrs.frozen(kw_only=True, repr=False)
class Contact:
    """A person an office keeps in touch with: a contact (联系人) or liaison (联络员).

    Attributes:
        name: the person's name (50 characters at most, on one line).
        mobile: the mobile number; text or an ``int`` is read as
            :class:`MobileNumber` reads it.
        id_number: the resident ID number, if the office needs it at all
            (usually it does not: keep personal data to what is needed);
            text is read as :class:`ResidentId` reads it.
        title: the person's post or role, such as 财务总监 or 联络员; not masked.

    ``repr`` and ``str`` mask the name, the mobile and the ID number; the
    attributes themselves hold the real values (``contact.name``,
    ``contact.mobile.unmasked()``).

    >>> c = Contact(name="欧阳娜娜", mobile="139 0531 0000", id_number="11010519491231002X")
    >>> str(c)
    '欧*** 139****0000 1101**********002X'
    >>> c.display(unmasked=True)
    '欧阳娜娜 13905310000 11010519491231002X'
    """

    name: str = attrs.field(validator=_person_name)
    mobile: MobileNumber = attrs.field(
        converter=_to_mobile, validator=_personal_instance(MobileNumber, _MOBILE_EXPECTED)
    )
    id_number: ResidentId | None = attrs.field(
        default=None,
        converter=_to_resident_id,
        validator=optional(_personal_instance(ResidentId, "a ResidentId or its text")),
    )
    title: str | None = attrs.field(default=None, validator=optional(name_text(50)))

    def display(self, *, unmasked: bool = False) -> str:
        """Return one line for a report: name, title (in brackets), mobile and ID number.

        Masked unless ``unmasked`` is true; only pass ``unmasked=True`` for a
        reader entitled to the real values.
        """
        if unmasked:
            parts = [self.name, self.mobile.unmasked()]
            if self.id_number is not None:
                parts.append(self.id_number.unmasked())
        else:
            parts = [mask_name(self.name), self.mobile.masked()]
            if self.id_number is not None:
                parts.append(self.id_number.masked())
        if self.title is not None:
            parts[0] += f"（{self.title}）"
        return " ".join(parts)

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        return (
            f"Contact(name={mask_name(self.name)!r}, mobile={self.mobile!r}, "
            f"id_number={self.id_number!r}, title={self.title!r})"
        )


def valid_contacts(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator for a ``contacts`` field: a tuple of distinct :class:`Contact` records.

    Use it with the :func:`~jinjiecu.domain.validation.as_tuple` converter.
    Errors name the index (``contacts[1]``) and never show a number unmasked.
    """
    if not isinstance(value, tuple):
        _refuse(value, field=attribute.name, expected="a list or tuple of Contact", head=3, tail=4)
    seen: set[Contact] = set()
    for index, element in enumerate(value):
        field = f"{attribute.name}[{index}]"
        if not isinstance(element, Contact):
            _refuse(element, field=field, expected="a Contact", head=3, tail=4)
        if element in seen:
            raise ValidationError(field=field, expected="no contact listed twice", received=element)
        seen.add(element)
