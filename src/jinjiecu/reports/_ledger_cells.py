"""Ledger cells: what clerks type, read tolerantly; what the library writes, written safely.

Private helpers of :mod:`jinjiecu.reports.ledger`. Every reader returns the
parsed value or raises :class:`CellError` with a bilingual reason; the ledger
module turns that into a :class:`~jinjiecu.reports.ledger.RowError` naming the
row and the column.

>>> parse_date("2019年10月10日") == parse_date("２０１９.１０.１０") == dt.date(2019, 10, 10)
True
>>> neutralise("=SUM(A1:A9)")
"'=SUM(A1:A9)"
>>> restore(neutralise("-5")) == "-5"
True
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final, TypeVar

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError

__all__ = [
    "AMOUNT_CEILING",
    "FIRST_YEAR",
    "FORMULA_TRIGGERS",
    "LAST_YEAR",
    "CellError",
    "ErrorValue",
    "Formula",
    "clean_name",
    "is_blank",
    "neutralise",
    "normal",
    "parse_amount",
    "parse_date",
    "parse_enum",
    "raw_text",
    "restore",
    "split_list",
    "xlsx_decode",
    "xlsx_encode",
]

E = TypeVar("E", bound=LabelledEnum)

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (or may, in some programs)."""

FIRST_YEAR: Final = 1990
LAST_YEAR: Final = 2099
"""Ledger dates outside these years are refused as implausible (a mistyped year)."""

AMOUNT_CEILING: Final = Money.yuan(10**12)
"""The largest amount a ledger may give (1万亿元); more is refused as absurd."""


class CellError(Exception):
    """One cell that cannot be read: ``reason`` says why, in Chinese and English.

    ``field`` names the column to blame when a reading of several cells knows it.
    """

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


class Formula(str):
    """A spreadsheet formula cell as read from an xlsx file (the formula's text)."""

    __slots__ = ()


class ErrorValue(str):
    """A spreadsheet error value (``#N/A``, ``#DIV/0!`` ...) as read from an xlsx file."""

    __slots__ = ()


Cell = object
"""A cell as read: text, a number, a date or datetime, a bool, ``None``, a formula or an error."""


def bilingual(chinese: str, english: str) -> str:
    """One reason in both languages: Chinese first, as the ledgers' readers speak it."""
    return f"{chinese} / {english}"


# ---------------------------------------------------------------------- injection


def neutralise(text: str) -> str:
    """Prefix ``text`` with a single quote if a spreadsheet could read it as a formula.

    Text that already starts with a quote followed by a trigger (or another
    quote) is prefixed too, so that :func:`restore` gives back exactly what
    was written.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_TRIGGERS or (
        first == "'" and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == "'")
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading quote that guards a trigger or a quote."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


# ---------------------------------------------------------------------- xlsx text

# XML 1.0 cannot hold these control characters, and XML parsers turn a carriage
# return into a line feed, so xlsx files write them as _xHHHH_ (as Excel does).
_ESCAPED: Final = frozenset(
    [*range(0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20)],
)
_DECODABLE: Final = _ESCAPED | {0x5F}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NEEDS_ENCODING = re.compile(r"[\x00-\x08\x0b-\x0d\x0e-\x1f]|_x[0-9A-Fa-f]{4}_")


def xlsx_encode(text: str) -> str:
    """Write ``text`` for an xlsx cell: control characters and carriage returns as ``_xHHHH_``.

    A literal ``_xHHHH_`` that would be read back as an escape has its
    underscore escaped (``_x005F_``), as the Office Open XML standard says.
    """
    if _NEEDS_ENCODING.search(text) is None:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ord(ch) in _ESCAPED:
            out.append(f"_x{ord(ch):04X}_")
        elif ch == "_" and (match := _ESCAPE.match(text, i)) and int(match[1], 16) in _DECODABLE:
            out.append("_x005F_")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def xlsx_decode(text: str) -> str:
    """Undo :func:`xlsx_encode` (and Excel's own escapes of the same characters)."""
    if "_x" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        code = int(match[1], 16)
        return chr(code) if code in _DECODABLE else match[0]

    return _ESCAPE.sub(one, text)


# ---------------------------------------------------------------------- reading


def is_blank(value: Cell) -> bool:
    """Whether a cell holds nothing (``None``, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def raw_text(value: Cell) -> str:
    """A cell as text, exactly as typed: numbers in plain digits, dates in ISO form.

    Free text (descriptions, progress) keeps every character; only numbers
    and dates that a spreadsheet stored as such are turned into text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def normal(value: Cell) -> str:
    """A cell as text for structured fields: NFKC (full-width to half-width), trimmed.

    Inner runs of spaces become one space.
    """
    text = unicodedata.normalize("NFKC", raw_text(value))
    return " ".join(text.split())


_FULL_DATE = re.compile(
    r"(?P<y>\d{4})\s*(?:"
    r"年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-./。])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})"
    r")"
    r"(?:\s*T?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")

_DATE_EXPECTED = bilingual(
    "日期，如 2019年10月10日、2019.10.10、2019/10/10 或 2019-10-10",
    "a date such as 2019年10月10日, 2019.10.10, 2019/10/10 or 2019-10-10",
)


def _checked_date(year: int, month: int, day: int, given: object) -> dt.date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(
            bilingual(
                f"年份不合理（{FIRST_YEAR}–{LAST_YEAR}）：{raw_text(given)!r}",
                f"implausible year, expected {FIRST_YEAR}–{LAST_YEAR}: {raw_text(given)!r}",
            )
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            bilingual(
                f"日期不存在：{raw_text(given)!r}",
                f"no such date: {raw_text(given)!r}",
            )
        ) from None


_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_BY_SUFFIXES: Final = ("之前", "以前", "前")


def parse_date(value: Cell) -> dt.date:
    """Read a ledger date: typed text in the usual forms, an Excel date cell or serial number.

    Accepted text (after NFKC, so full-width digits work): ``2019年10月10日``
    (the 日 may be left out), ``2019.10.10``, ``2019/10/10``, ``2019-10-10``
    (one separator throughout, months and days with one or two digits),
    ``20191010``, each optionally followed by a time of day, which is ignored,
    or by 前 / 之前 / 以前 ("by": a deadline such as ``2019年11月30日前``).
    A number is read as ``YYYYMMDD`` when it has eight digits, else as an Excel
    serial date (days since 1899-12-30).
    """
    if isinstance(value, dt.datetime):
        return _checked_date(value.year, value.month, value.day, value)
    if isinstance(value, dt.date):
        return _checked_date(value.year, value.month, value.day, value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _number_date(value)
    if not isinstance(value, str):
        raise CellError(bilingual(f"应为{_DATE_EXPECTED}", f"expected {_DATE_EXPECTED}"))
    text = normal(value)
    for suffix in _BY_SUFFIXES:  # 2019年11月30日前: by that day
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)].strip()
            break
    match = _FULL_DATE.fullmatch(text)
    if match is not None:
        month = match["m1"] or match["m2"]
        day = match["d1"] or match["d2"]
        return _checked_date(int(match["y"]), int(month), int(day), value)
    match = _COMPACT_DATE.fullmatch(text)
    if match is not None:
        return _checked_date(int(match["y"]), int(match["m"]), int(match["d"]), value)
    raise CellError(_not_a(_DATE_EXPECTED, value))


def _number_date(value: int | float | Decimal) -> dt.date:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_not_a(_DATE_EXPECTED, value))
    whole = int(number)
    if 10_000_000 <= whole <= 99_999_999:
        return _checked_date(whole // 10_000, whole // 100 % 100, whole % 100, value)
    if 1 <= whole <= 2_958_465:  # Excel's last date is 9999-12-31
        day = _EXCEL_EPOCH + dt.timedelta(days=whole)
        return _checked_date(day.year, day.month, day.day, value)
    raise CellError(_not_a(_DATE_EXPECTED, value))


def _not_a(expected: str, value: Cell) -> str:
    chinese, _, english = expected.partition(" / ")
    return bilingual(f"应为{chinese}，实为 {raw_text(value)!r}", f"expected {english}")


_AMOUNT_EXPECTED = bilingual(
    "金额，如 8000万元、1.2亿元、1,200,000元", "an amount such as 8000万元, 1.2亿元 or 1,200,000元"
)


_UNIT_SIZES: Final = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def parse_amount(value: Cell, *, unit: str | None = None) -> Money:
    """Read an amount in 元, 万元 or 亿元 (or a number); at least 0, at most 1万亿元.

    ``unit`` is the unit the column's header gives (``金额（万元）``): a bare
    number is counted in it; a cell that writes its own unit keeps that.

    >>> parse_amount("8000", unit="万元").format(), parse_amount("1.2亿元", unit="万元").format()
    ('8000万元', '1.2亿元')
    """
    size = Decimal(_UNIT_SIZES.get(unit or "元", 1))
    try:
        if isinstance(value, bool):
            raise CellError(_not_a(_AMOUNT_EXPECTED, value))
        if isinstance(value, int):
            money = Money.yuan(value * size)
        elif isinstance(value, float | Decimal):
            number = Decimal(str(value)) if isinstance(value, float) else value
            money = Money.yuan(number * size)
        elif isinstance(value, str):
            money = _text_amount(value, size)
        else:
            raise CellError(_not_a(_AMOUNT_EXPECTED, value))
    except (ValidationError, InvalidOperation):
        raise CellError(_not_a(_AMOUNT_EXPECTED, value)) from None
    if money.amount < 0:
        raise CellError(
            bilingual(
                f"金额不能为负：{raw_text(value)!r}",
                f"an amount cannot be negative: {raw_text(value)!r}",
            )
        )
    if money > AMOUNT_CEILING:
        raise CellError(
            bilingual(
                f"金额过大（超过1万亿元），请核对单位：{raw_text(value)!r}",
                f"an absurd amount (over 10^12 yuan); check the unit: {raw_text(value)!r}",
            )
        )
    return money


def _text_amount(text: str, size: Decimal) -> Money:
    """An amount typed as text: with its own unit, or a number in the column's unit.

    In a column of 万元, ``8000`` is 8000万元 and ``8000多`` (or ``8000余``) is
    at least that.
    """
    plain = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if size != 1:
        approximate = plain.endswith(("多", "余"))
        digits = plain[:-1].strip() if approximate else plain
        try:
            number = Decimal(digits)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                money = Money.yuan(number * size)
                return Money(amount=money.amount, approximate=True) if approximate else money
    return Money.parse(text)


_ENUM_KEYS: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {}


def _enum_keys(cls: type[E]) -> dict[str, E]:
    keys = _ENUM_KEYS.get(cls)
    if keys is None:
        keys = {}
        for member in cls:
            for key in (member.label, member.value, member.name):
                keys[_key(key)] = member
        _ENUM_KEYS[cls] = keys
    return keys  # type: ignore[return-value]  # built from cls's own members


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def parse_enum(cls: type[E], value: Cell, aliases: dict[str, E] | None = None) -> E:
    """Read a labelled value by its Chinese label, its English code or its name."""
    key = _key(raw_text(value))
    found = _enum_keys(cls).get(key) or (aliases or {}).get(key)
    if found is not None:
        return found
    accepted = "、".join(member.label for member in cls)
    codes = ", ".join(member.value for member in cls)
    raise CellError(
        bilingual(
            f"应为 {accepted} 之一，实为 {raw_text(value)!r}",
            f"expected one of {codes} (or their Chinese labels)",
        )
    )


def enum_key(text: str) -> str:
    """The key :func:`parse_enum` matches on (for building alias tables)."""
    return _key(text)


_LIST_SEPARATORS = re.compile(r"\s*[、,，;；/／\n]\s*")


def split_list(value: Cell) -> list[str]:
    """Split a list cell (配合部门) at 、 , ; / or line breaks (full-width forms too).

    Each part is kept as :func:`clean_name` writes it (full-width brackets stay).
    """
    text = raw_text(value).strip()
    if not text:
        return []
    return [clean_name(part) for part in _LIST_SEPARATORS.split(text) if part.strip()]


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def clean_name(value: Cell) -> str:
    """A name as a record keeps it: trimmed, no spaces between Chinese characters.

    Other runs of spaces (full-width ones too) become one space, so English
    names keep theirs; the characters are kept as typed (山东乐陵（集团）
    keeps its full-width brackets). Names are matched on a normalised key,
    so 山东乐陵(集团) still finds it.
    """
    text = " ".join(raw_text(value).replace("\u3000", " ").split())
    return _CJK_GAP.sub("", text)
