"""Identification codes: the unified social credit code and the administrative division code.

统一社会信用代码 (GB 32100-2015)
================================

Every enterprise has an 18-character unified social credit code::

    9 1 371400 MA3C00000 A
    | | |      |         `-- position 18: check character
    | | |      `------------ positions 9-17: organisation code (组织机构代码)
    | | `-------------------- positions 3-8: administrative division code (GB/T 2260)
    | `---------------------- position 2: organisation type (机构类别)
    `------------------------ position 1: registration authority (登记管理部门)

The characters come from a 31-character alphabet, ``0-9`` then
``ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z, which are easily misread). Each
character's value is its index in that alphabet: ``0`` is 0, ``A`` is 10,
``Y`` is 30.

The check character is computed from the first 17:

1. position *i* (1 to 17) has the weight 3^(i-1) mod 31, that is
   1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28;
2. add up value × weight over the 17 positions;
3. the check character's value is (31 − sum mod 31) mod 31, so that the
   weighted sum of all 18 characters (the check character weighing 1) is a
   multiple of 31.

Because 31 is prime and no weight is 0 mod 31, changing any one character
changes the sum by a non-multiple of 31: every single mistyped character is
caught. Each weight is three times the previous one, so swapping two adjacent,
different characters changes the sum by 2 × weight × difference, also never a
multiple of 31; swapping positions 17 and 18 changes it by (28 − 1) ×
difference. Every adjacent transposition is caught too.

>>> credit_code_check_character("91371400MA3C00000")
'A'
>>> code = CreditCode("91371400MA3C00000A")
>>> code.division_code
DivisionCode('371400')
>>> CreditCode.parse(" 91371400ma3c00000a ") == code
True
>>> is_valid_credit_code("91371400MA3C00000B")
False

行政区划代码 (GB/T 2260)
========================

A division code has six digits: two for the province, two for the
prefecture-level city, two for the county-level division. ``370000`` is
山东省, ``371400`` 德州市, ``371481`` 乐陵市.

>>> DivisionCode("371481").parent
DivisionCode('371400')
>>> DivisionCode("371481").level.label
'县级'
"""

from __future__ import annotations

import unicodedata
from typing import Literal, Self, TypeAlias

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.errors import ValidationError

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "CREDIT_CODE_WEIGHTS",
    "PROVINCE_PREFIXES",
    "CreditCode",
    "CreditCodeError",
    "CreditCodeRule",
    "DivisionCode",
    "DivisionLevel",
    "credit_code_check_character",
    "is_valid_credit_code",
]

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a credit code may contain; a character's value is its index."""

CREDIT_CODE_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
"""Weights of positions 1 to 17 in the check-character sum, 3^(i-1) mod 31."""

_VALUES = {character: value for value, character in enumerate(CREDIT_CODE_ALPHABET)}
_ALPHABET_IN_WORDS = "0-9 and ABCDEFGHJKLMNPQRTUWXY"

CreditCodeRule: TypeAlias = Literal["type", "length", "character", "check"]
"""Names of the rules a credit code can break (not text, length, character, check)."""


class CreditCodeError(ValidationError):
    """A unified social credit code that breaks one of the rules of GB 32100-2015.

    Besides the fields of :class:`~jinjiecu.errors.ValidationError` (``field``
    is always ``"credit_code"``), it says which rule failed.

    Attributes:
        rule: which rule failed: ``"length"``, ``"character"``, ``"check"``, or
            ``"type"`` when the value is not text at all.
        position: for ``"character"``, the 1-based position of the first bad
            character; ``None`` otherwise.
        character: for ``"character"``, that character; ``None`` otherwise.
        expected_check: for ``"check"``, the check character the first 17
            characters call for; ``None`` otherwise.
        found_check: for ``"check"``, the check character that was given.

    >>> try:
    ...     CreditCode("91371400MA3C00000B")
    ... except CreditCodeError as error:
    ...     print(error.rule, error.expected_check, error.found_check)
    ...     print(error)
    check A B
    credit_code: check character should be 'A', found 'B'
    """

    def __init__(
        self,
        message: str,
        *,
        rule: CreditCodeRule,
        expected: str,
        received: object,
        position: int | None = None,
        character: str | None = None,
        expected_check: str | None = None,
        found_check: str | None = None,
        location: str | None = None,
    ) -> None:
        self.rule: CreditCodeRule = rule
        self.position = position
        self.character = character
        self.expected_check = expected_check
        self.found_check = found_check
        super().__init__(
            message, field="credit_code", expected=expected, received=received, location=location
        )


def _quote(value: object) -> str:
    """Quote a value for a message, shortened if very long (a pasted paragraph, say)."""
    quoted = repr(value)
    return quoted if len(quoted) <= 80 else quoted[:77] + "..."


def _check_characters(text: object, length: int) -> str:
    """Return ``text`` if it is ``length`` alphabet characters; raise CreditCodeError otherwise."""
    if not isinstance(text, str):
        message = (
            f"credit_code: expected text of {length} characters, "
            f"received {_quote(text)} ({type(text).__name__})"
        )
        raise CreditCodeError(
            message,
            rule="type",
            expected=f"text of {length} characters",
            received=text,
        )
    if len(text) != length:
        message = (
            f"credit_code: expected {length} characters, "
            f"received {_quote(text)} ({len(text)} characters)"
        )
        raise CreditCodeError(
            message,
            rule="length",
            expected=f"{length} characters",
            received=text,
        )
    for position, character in enumerate(text, start=1):
        if character not in _VALUES:
            message = (
                f"credit_code: character {character!r} at position {position} "
                f"is not allowed (alphabet {_ALPHABET_IN_WORDS})"
            )
            raise CreditCodeError(
                message,
                rule="character",
                expected=f"characters from {_ALPHABET_IN_WORDS}",
                received=text,
                position=position,
                character=character,
            )
    return text


def _check_character_of(first17: str) -> str:
    """Compute the check character of 17 characters already known to be valid."""
    total = sum(_VALUES[c] * weight for c, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_check_character(first17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a credit code.

    The input is checked strictly (17 characters of the alphabet, upper case);
    a bad input raises :class:`CreditCodeError` with rule ``"type"``,
    ``"length"`` or ``"character"``.

    >>> credit_code_check_character("91371400MA3C12345")
    '5'
    >>> credit_code_check_character("00000000000000000")
    '0'
    >>> credit_code_check_character("9137")
    Traceback (most recent call last):
    ...
    jinjiecu.domain.codes.CreditCodeError: credit_code: expected 17 characters, received '9137' ...
    """
    return _check_character_of(_check_characters(first17, 17))


def is_valid_credit_code(text: str) -> bool:
    """Tell whether ``text`` is a valid credit code exactly as written; never raises.

    This is strict, like :class:`CreditCode`: lower case and spaces make it
    invalid. Use :meth:`CreditCode.parse` to accept what clerks type.

    >>> is_valid_credit_code("91371400MA3C00000A")
    True
    >>> is_valid_credit_code("91371400ma3c00000a")
    False
    >>> is_valid_credit_code(None)  # type: ignore[arg-type]
    False
    """
    try:
        CreditCode(text)
    except CreditCodeError:
        return False
    return True


class CreditCode(str):
    """A unified social credit code 统一社会信用代码 (GB 32100-2015).

    ``CreditCode(text)`` is strict: exactly 18 characters of the alphabet, in
    upper case, with the right check character; anything else raises
    :class:`CreditCodeError`. Use :meth:`parse` for text typed by people.

    The code stays a ``str``: it stores, prints and compares as its text.

    >>> code = CreditCode("91371400MA3C12345" + "5")
    >>> code
    CreditCode('91371400MA3C123455')
    >>> code == "91371400MA3C123455"
    True
    >>> code.registration_authority, code.organization_type, code.organization_code
    ('9', '1', 'MA3C12345')
    >>> CreditCode("91371400MI3C123455")
    Traceback (most recent call last):
    ...
    jinjiecu.domain.codes.CreditCodeError: credit_code: character 'I' at position 10 is not ...
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Self:
        """Validate ``text`` strictly; raise :class:`CreditCodeError` naming the rule it breaks."""
        if type(text) is cls:
            return text
        code = _check_characters(text, 18)
        expected = _check_character_of(code[:17])
        if code[17] != expected:
            message = f"credit_code: check character should be {expected!r}, found {code[17]!r}"
            raise CreditCodeError(
                message,
                rule="check",
                expected=f"check character {expected!r} after {code[:17]!r}",
                received=text,
                expected_check=expected,
                found_check=code[17],
            )
        return super().__new__(cls, code)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read a credit code the way clerks type it, then validate it strictly.

        Spaces anywhere are removed (codes are often written in groups),
        full-width characters become ASCII (NFKC) and lower case becomes upper
        case. Nothing else is guessed: an ``O`` is not read as ``0``.

        An error describes the normalised text, so a ``position`` counts the
        characters of the code itself, not the spaces that were typed.

        >>> CreditCode.parse("９１３７１４００ＭＡ３Ｃ００００　０Ａ")
        CreditCode('91371400MA3C00000A')
        >>> CreditCode.parse("9137 1400 ma3c 1234 55")
        CreditCode('91371400MA3C123455')
        """
        given: object = text  # callers without a type checker may pass anything
        if not isinstance(given, str):
            return cls(text)  # the strict constructor reports the wrong type
        normalised = unicodedata.normalize("NFKC", text)
        normalised = "".join(normalised.split()).upper()
        return cls(normalised)

    @property
    def registration_authority(self) -> str:
        """Return position 1, the registration authority (登记管理部门), e.g. ``9`` for 市场监管."""
        return self[0]

    @property
    def organization_type(self) -> str:
        """Return position 2, the organisation type (机构类别), e.g. ``1`` for 企业."""
        return self[1]

    @property
    def division_code(self) -> DivisionCode | None:
        """Positions 3-8 as a :class:`DivisionCode`, or ``None`` if they are not a valid one.

        Codes are sometimes issued with unusual division parts; that does not
        make the credit code invalid, so no error is raised here.

        >>> print(CreditCode("91ABCDEF000000000D").division_code)
        None
        """
        try:
            return DivisionCode(self[2:8])
        except ValidationError:
            return None

    @property
    def organization_code(self) -> str:
        """Return positions 9 to 17, the organisation code (组织机构代码, GB 11714)."""
        return self[8:17]

    @property
    def check_character(self) -> str:
        """Return position 18, the check character."""
        return self[17]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"


# ---------------------------------------------------------------- division codes

PROVINCE_PREFIXES: tuple[str, ...] = (
    *("11", "12", "13", "14", "15"),  # 北京 天津 河北 山西 内蒙古
    *("21", "22", "23"),  # 辽宁 吉林 黑龙江
    *("31", "32", "33", "34", "35", "36", "37"),  # 上海 江苏 浙江 安徽 福建 江西 山东
    *("41", "42", "43", "44", "45", "46"),  # 河南 湖北 湖南 广东 广西 海南
    *("50", "51", "52", "53", "54"),  # 重庆 四川 贵州 云南 西藏
    *("61", "62", "63", "64", "65"),  # 陕西 甘肃 青海 宁夏 新疆
    *("71", "81", "82"),  # 台湾 香港 澳门
)
"""The first two digits of every province-level division in GB/T 2260."""

_PROVINCES = frozenset(PROVINCE_PREFIXES)


class DivisionLevel(LabelledEnum):
    """The level of an administrative division: 省级, 地级 or 县级 (its ``label``)."""

    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class DivisionCode(str):
    """An administrative division code 行政区划代码 (GB/T 2260): six ASCII digits.

    The first two digits must be a province-level code (see
    :data:`PROVINCE_PREFIXES`). The level follows from the zeros at the end:
    ``xx0000`` is a province, ``xxxx00`` a prefecture-level city, anything else
    a county-level division. A county part under a ``00`` city part
    (``370001``) is refused: GB/T 2260 has no such codes (a municipality's
    districts sit under ``xx01``, as in ``110101``), and it would have no city
    to be the parent of.

    Only the form is checked: whether a division with this code exists is a
    question for the reference data (:mod:`jinjiecu.domain.divisions`).

    >>> code = DivisionCode("371402")
    >>> code.province, code.city, code.parent
    (DivisionCode('370000'), DivisionCode('371400'), DivisionCode('371400'))
    >>> DivisionCode("370000").city is None
    True
    >>> DivisionCode("991400")
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: division_code: expected ...
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Self:
        """Validate ``text``; raise :class:`~jinjiecu.errors.ValidationError` if it is no code."""
        if type(text) is cls:
            return text
        given: object = text  # callers without a type checker may pass anything
        if not (isinstance(given, str) and len(text) == 6 and text.isascii() and text.isdigit()):
            expected = "6 digits (GB/T 2260), e.g. '371400'"
        elif text[:2] not in _PROVINCES:
            expected = "a code starting with a province-level code (11-82), e.g. '37' for 山东"
        elif text[2:4] == "00" and text[4:] != "00":
            expected = "a county-level code under a city part other than '00'"
        else:
            return super().__new__(cls, text)
        raise ValidationError(field="division_code", expected=expected, received=text)

    @property
    def level(self) -> DivisionLevel:
        """The level, read from the trailing zeros.

        >>> DivisionCode("371400").level
        <DivisionLevel.CITY: 'city'>
        """
        if self[2:] == "0000":
            return DivisionLevel.PROVINCE
        if self[4:] == "00":
            return DivisionLevel.CITY
        return DivisionLevel.COUNTY

    @property
    def province(self) -> DivisionCode:
        """The province-level code this division belongs to (itself for a province)."""
        return DivisionCode(self[:2] + "0000")

    @property
    def city(self) -> DivisionCode | None:
        """The prefecture-level code (itself for a city); ``None`` for a province."""
        if self.level is DivisionLevel.PROVINCE:
            return None
        return DivisionCode(self[:4] + "00")

    @property
    def parent(self) -> DivisionCode | None:
        """Return the code one level up (county to city, city to province; ``None`` above)."""
        level = self.level
        if level is DivisionLevel.COUNTY:
            return self.city
        if level is DivisionLevel.CITY:
            return self.province
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"
