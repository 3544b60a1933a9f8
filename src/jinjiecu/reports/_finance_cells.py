"""Reading a finance ledger's cells: the row, and the values banks and offices type.

Private to :mod:`jinjiecu.reports.finance_ledger`. A :class:`Row` reads each
cell with a parser and records a bad one as the row's error, naming its
column. The parsers read names, credit codes, terms (12个月, 1年), days, annual
rates (4.35, 4.35% or 0.0435), daily fee rates (0.0002, 0.02%, 万分之二), yes
or no, and the problem ids a row links to.
"""

from __future__ import annotations

import hashlib
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.finance import Criterion
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.validation import name_text
from jinjiecu.errors import ValidationError
from jinjiecu.reports._finance_columns import header_for
from jinjiecu.reports._ledger_cells import (
    CellError,
    ErrorValue,
    Formula,
    bilingual,
    clean_name,
    enum_key,
    is_blank,
    raw_text,
    split_list,
)
from jinjiecu.reports._ledger_results import RowError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from jinjiecu.reports import _ledger_io as io

__all__ = [
    "Row",
    "digest",
    "id_parser",
    "parse_credit_code",
    "parse_days",
    "parse_fee_rate",
    "parse_name",
    "parse_problem_ids",
    "parse_rate",
    "parse_term",
    "parse_yes_no",
]


_CHINESE_DIGITS: Final = "零一二三四五六七八九"
_YES: Final = frozenset(("是", "已", "yes", "y", "true", "√", "✓", "1"))
_NO: Final = frozenset(("否", "未", "no", "n", "false", "×", "✗", "0"))


class Row:
    """One data row: its cells by field, and the errors found in them."""

    def __init__(self, number: int, cells: list[object], table: io.Table, kind: str) -> None:
        self.number = number
        self.cells = cells
        self.table = table
        self.kind = kind
        self.errors: dict[str, str] = {}

    def has(self, field: str) -> bool:
        return field in self.table.columns

    def raw(self, field: str) -> object | None:
        """The cell of ``field``; ``None`` when blank or there is no such column."""
        index = self.table.columns.get(field)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return None if is_blank(value) else value

    def blank(self) -> bool:
        return all(self.raw(field) is None for field in self.table.columns if field != "number")

    def read(self, field: str, parse: Callable[[object], Any]) -> Any:
        """The cell of ``field`` read by ``parse`` (``None`` if blank); a bad cell is recorded."""
        value = self.raw(field)
        if value is None:
            return None
        try:
            if isinstance(value, Formula):
                raise CellError(
                    bilingual(
                        "单元格是未计算的公式：请在 Excel 中打开并保存，或“选择性粘贴→数值”",
                        "the cell holds a formula with no value saved: open and save it in "
                        "Excel, or paste it as values",
                    )
                )
            if isinstance(value, ErrorValue):
                raise CellError(bilingual(f"单元格是错误值 {value}", f"the cell holds {value}"))
            return parse(value)
        except CellError as error:
            self.fail(error.field or field, error.reason)
            return None

    def text(self, field: str) -> str:
        """A free-text cell as typed, spaces trimmed (``""`` when blank)."""
        value = self.read(field, lambda v: raw_text(v).strip())
        return "" if value is None else str(value)

    def need(self, field: str, value: object) -> None:
        """Record that a required ``field`` is missing when ``value`` is ``None``."""
        if value is None and field not in self.errors:
            header = header_for(self.kind, field)
            english = header_for(self.kind, field, english=True)
            self.fail(field, bilingual(f"缺少{header}", f"the {english} is required"))

    def fail(self, field: str, reason: str) -> None:
        self.errors.setdefault(field, reason)

    def row_errors(self) -> list[RowError]:
        return [
            RowError(row=self.number, column=self.column(field), reason=reason)
            for field, reason in self.errors.items()
        ]

    def column(self, field: str) -> str:
        index = self.table.columns.get(field)
        return self.table.headers[index] if index is not None else header_for(self.kind, field)


def parse_name(value: object) -> str:
    """A name (enterprise, bank, fund, list) as typed, trimmed; see ``clean_name``."""
    text = clean_name(value)
    try:
        name_text()(None, attrs.fields(Criterion).description, text)
    except ValidationError as error:
        raise CellError(bilingual("名称应为单行文字", str(error))) from None
    return text


def parse_credit_code(value: object) -> CreditCode:
    try:
        return CreditCode.parse(raw_text(value))
    except ValidationError as error:
        raise CellError(bilingual("统一社会信用代码无效", str(error))) from None


def _whole(value: object, *, units: Mapping[str, int], what: str) -> int:
    """A whole number, optionally followed by a unit of ``units`` (12个月, 1年)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    for unit, size in units.items():
        if text.endswith(unit) and text[: -len(unit)].strip().isdigit():
            return int(text[: -len(unit)].strip()) * size
    if text.isdigit():
        return int(text)
    raise _expected(what, value)


def _expected(what: str, value: object) -> CellError:
    """A cell that is not ``what`` (``"中文 / English"``), saying what it holds."""
    chinese, _, english = what.partition(" / ")
    typed = raw_text(value)
    return CellError(
        bilingual(f"应为{chinese}，实为 {typed!r}", f"expected {english}, not {typed!r}")
    )


def parse_term(value: object) -> int:
    return _whole(
        value,
        units={"个月": 1, "月": 1, "年": 12},
        what="月数，如 12 或 12个月 / a number of months, such as 12 or 12个月",
    )


def parse_days(value: object) -> int:
    return _whole(
        value, units={"天": 1, "日": 1}, what="天数，如 90 或 90天 / a number of days, such as 90"
    )


def _decimal(value: object, what: str) -> Decimal:
    """A decimal number; ``what`` (``"中文 / English"``) says what was expected."""
    if isinstance(value, bool):
        raise _expected(what, value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _expected(what, value) from None
    if not number.is_finite():
        raise _expected(what, value)
    return number


_RATE: Final = "年利率（%），如 4.35 / an annual rate in percent, such as 4.35"
_FEE: Final = "日费率，如 0.0002 或 万分之二 / a daily fee rate, such as 0.0002 or 万分之二"


def parse_rate(value: object) -> Decimal:
    """An annual rate in percent: 4.35, 4.35% or a percent-formatted cell (0.0435)."""
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    if text.endswith("%"):
        return _decimal(text[:-1], _RATE)
    number = _decimal(value, _RATE)
    # A cell formatted as a percentage holds the fraction (0.0435 for 4.35%):
    # no loan is lent at under 1% a year, so a rate below 1 is taken as one.
    return number * 100 if 0 < number < 1 else number


def parse_fee_rate(value: object) -> Decimal:
    """A daily fee rate: 0.0002, 0.02% or 万分之二 / 万分之2."""
    text = unicodedata.normalize("NFKC", raw_text(value)).strip()
    for prefix, size in (("万分之", Decimal(10_000)), ("千分之", Decimal(1000))):
        if text.startswith(prefix):
            digits = text[len(prefix) :]
            if len(digits) == 1 and digits in _CHINESE_DIGITS:
                digits = str(_CHINESE_DIGITS.index(digits))
            return _decimal(digits, _FEE) / size
    if text.endswith("%"):
        return _decimal(text[:-1], _FEE) / 100
    return _decimal(value, _FEE)


def parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = enum_key(raw_text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(bilingual(f"应为 是 或 否，实为 {raw_text(value)!r}", "expected 是 or 否"))


def parse_problem_ids(value: object) -> tuple[ProblemId, ...]:
    try:
        return tuple(dict.fromkeys(ProblemId(part) for part in split_list(value)))
    except ValidationError as error:
        raise CellError(bilingual("问题编号格式不正确", str(error))) from None


def id_parser(kind: type[Any]) -> Callable[[object], Any]:
    def parse(value: object) -> Any:
        try:
            return kind(raw_text(value).strip())
        except ValidationError as error:
            raise CellError(bilingual("编号格式不正确", str(error))) from None

    return parse


def digest(prefix: str, *parts: object) -> str:
    text = "|".join(str(part) for part in parts)
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
