"""Money: exact amounts of yuan (元), read and written the way reports write them.

An amount is a :class:`~decimal.Decimal` number of yuan kept to the fen
(分, two decimal places); floats are refused everywhere. Reports and ledgers
write large amounts in 万元 (10^4 yuan) and 亿元 (10^8 yuan), and "8000多万元"
or "3000余万元" for "over 80 (30) million": such an amount is *approximate*, a
lower bound, and stays marked as one.

>>> Money.parse("19.77亿元")
Money(amount=Decimal('1977000000.00'), approximate=False)
>>> print(Money.parse("8000多万元"))
8000多万元
>>> Money.parse("１，２００元") == Money.yuan(1200)
True
>>> Money.parse("6297万元").format(MoneyUnit.YUAN, grouping=True)
'62,970,000元'
>>> Money.yuan("1200000.50").in_unit(MoneyUnit.WAN)
Decimal('120.00005')
>>> combined = sum([Money.parse("2650万元"), Money.parse("1.71亿元")], Money.zero())
>>> str(combined)
'1.975亿元'
>>> Money.yuan(10) * Decimal("0.125")  # rounded to the fen, halves up (四舍五入)
Money(amount=Decimal('1.25'), approximate=False)
>>> Money.parse("1.2.3万")
Traceback (most recent call last):
...
jinjiecu.errors.ValidationError: amount: expected an amount such as ..., received '1.2.3万' (str)
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction
from typing import Any, NoReturn, overload

import attrs

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import is_bool
from jinjiecu.errors import ValidationError

__all__ = ["AMOUNT_LIMIT", "Money", "MoneyUnit", "non_negative_money"]

AMOUNT_LIMIT = Decimal("1E18")
"""Every amount is smaller than this many yuan in absolute value (100亿亿元).

Far beyond any real figure, it keeps every amount within 20 digits of fen, so
arithmetic stays exact and cheap.
"""

_FEN = Decimal("0.01")
_ONE = Decimal(1)

# Private decimal context: enough digits for any amount under the limit, and
# Inexact trapped, so a result is exact or an error, never silently rounded.
# Using it also keeps results independent of the caller's decimal context.
_EXACT = Context(prec=40, traps=[Inexact, InvalidOperation])

_WHOLE_FEN = (
    "whole fen (at most 2 decimal places of yuan), smaller than 10^18 yuan in absolute value"
)
_AMOUNT_EXPECTED = (
    f"an int or finite Decimal number of yuan in {_WHOLE_FEN}; floats and text are refused "
    "(use Money.parse or Money.yuan for text)"
)

# The marker format() writes for an approximate amount; parse() also reads 余.
_MARKER = "多"


class MoneyUnit(LabelledEnum):
    """The units reports write amounts in; the label is how they are written.

    >>> MoneyUnit.WAN.label, MoneyUnit.WAN.factor
    ('万元', Decimal('10000'))
    """

    YUAN = "yuan", "元"
    WAN = "wan", "万元"
    YI = "yi", "亿元"

    @property
    def factor(self) -> Decimal:
        """Return how many yuan one of this unit is (1, 10^4 or 10^8)."""
        return Decimal(10 ** _UNIT_EXPONENTS[self])


_UNIT_EXPONENTS = {MoneyUnit.YUAN: 0, MoneyUnit.WAN: 4, MoneyUnit.YI: 8}


def _to_amount(value: Decimal | int) -> Decimal:
    """Attrs converter: an int or whole-fen Decimal becomes a Decimal with exactly 2 places.

    Anything else (a float, text, NaN, sub-fen digits, an amount over the limit)
    is returned unchanged, so that the validator rejects it naming the field.
    """
    number: object = value
    if isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    if isinstance(number, Decimal) and number.is_finite() and number.copy_abs() < AMOUNT_LIMIT:
        try:
            fen = number.quantize(_FEN, context=_EXACT)
        except Inexact:
            pass  # sub-fen digits: left for the validator
        else:
            # -0.00 would print as "-0元".
            return fen.copy_abs() if fen.is_zero() else fen
    return value  # type: ignore[return-value]  # the validator names the bad value


def _whole_fen_amount(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require what the converter produces from a valid amount."""
    ok = isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2
    if not (ok and value.copy_abs() < AMOUNT_LIMIT):
        raise ValidationError(field=attribute.name, expected=_AMOUNT_EXPECTED, received=value)


@attrs.frozen(kw_only=True)
class Money:
    """An amount of yuan, exact to the fen; possibly a lower bound.

    Attributes:
        amount: yuan, as a :class:`~decimal.Decimal` with exactly two decimal
            places (an ``int`` or whole-fen ``Decimal`` is accepted and
            converted). Negative amounts are allowed (differences); records
            that need a non-negative amount use :func:`non_negative_money`.
        approximate: ``True`` when the amount is a lower bound, as in
            "3000余万元" or "8000多万元" (over 30, 80 million yuan). Arithmetic
            keeps the flag where the result is still a lower bound and refuses
            to compute anything else; it is never silently dropped (only
            multiplying by 0 gives an exact 0, which it is).

    Equality compares both fields, so ``8000万元`` and ``8000多万元`` differ.
    Ordering (``<`` ...) compares amounts only: an approximate amount is
    ordered by its lower bound.

    Arithmetic: ``+`` and ``-`` between Money (``0 + m`` and ``m + 0`` are
    allowed, so the built-in ``sum`` works); ``*`` and ``/`` by an ``int`` or ``Decimal``
    round the result to the fen, halves away from zero (ROUND_HALF_UP, 四舍五入);
    ``Money / Money`` is a Decimal ratio. Results never depend on the caller's
    decimal context, except the ratio, which is computed in it. A float, or any
    other operand, raises :class:`~jinjiecu.errors.ValidationError`.

    >>> Money(amount=1200)
    Money(amount=Decimal('1200.00'), approximate=False)
    >>> Money(amount=Decimal("0.001"))
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: amount: expected an int or finite Decimal ...
    """

    amount: Decimal = attrs.field(converter=_to_amount, validator=_whole_fen_amount)
    approximate: bool = attrs.field(default=False, validator=is_bool)

    # ---------------------------------------------------------------- making

    @classmethod
    def yuan(cls, value: int | Decimal | str) -> Money:
        """Return an exact amount of ``value`` yuan; text is a plain decimal number.

        Text may have a leading ``-`` and a fraction in whole fen, nothing else
        (no separators, no units: use :meth:`parse` for those).

        >>> Money.yuan("1200000.50")
        Money(amount=Decimal('1200000.50'), approximate=False)
        """
        if isinstance(value, str):
            if not _PLAIN_NUMBER.fullmatch(value.strip()):
                raise ValidationError(
                    field="amount",
                    expected="a plain decimal number of yuan such as 1200000.50",
                    received=value,
                )
            return _with_text_as_received(value, Decimal(value.strip()), approximate=False)
        return cls(amount=value)

    @classmethod
    def zero(cls) -> Money:
        """Return exactly 0 yuan.

        >>> str(Money.zero())
        '0元'
        """
        return cls(amount=0)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read an amount the way reports and ledgers write it.

        Accepted, after Unicode NFKC normalisation (so full-width digits,
        "，", "．", "－", "￥" and the ideographic space work) and trimming:

        - an optional ``-`` (or ``−``), an optional ``¥`` (before or after the sign);
        - a number: digits with an optional fraction; thousands may be
          grouped by commas, in threes ("1,200,000.5");
        - an optional unit: ``万`` (10^4), ``亿`` (10^8), or ``万亿`` (10^12,
          as national statistics write trillions), each optionally followed by
          ``元``; or ``元`` alone; no unit means yuan;
        - optionally ``余`` or ``多`` (approximate: "over"), either right after
          the number ("8000多万元", "100多元") or right after 万/亿 ("3000万余元",
          "1.2亿多元"), not both.

        Spaces may separate the parts. Not accepted: exponents ("1e5"), a
        leading ``+``, Chinese numerals, other units (千万, 百万, 亿亿). The
        result must be whole fen ("0.001元" is refused) and under
        :data:`AMOUNT_LIMIT`.

        Raises:
            ValidationError: ``field="amount"``, ``received`` the original text.

        >>> Money.parse(" 2650 万元 ")
        Money(amount=Decimal('26500000.00'), approximate=False)
        >>> Money.parse("3000余万元").approximate
        True
        """
        if not _is_text(text):
            raise ValidationError(field="amount", expected="text", received=text)
        normal = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
        match = _PATTERN.fullmatch(normal)
        if (
            match is None
            or (match["sign"] and match["sign_after_yen"])
            or (match["marker"] and match["unit_marker"])
        ):
            raise ValidationError(field="amount", expected=_PARSE_EXPECTED, received=text)
        sign = "-" if match["sign"] or match["sign_after_yen"] else ""
        number = match["number"].replace(",", "")
        exponent = _PARSE_EXPONENTS[match["unit"] or ""]
        # Built from text, so exact however many digits it has.
        amount = Decimal(f"{sign}{number}E{exponent}")
        approximate = bool(match["marker"] or match["unit_marker"])
        return _with_text_as_received(text, amount, approximate=approximate)

    # ---------------------------------------------------------------- reading

    def in_unit(self, unit: MoneyUnit) -> Decimal:
        """Return the exact amount in ``unit``, without trailing zeros or a positive exponent.

        >>> Money.yuan(26500000).in_unit(MoneyUnit.WAN)
        Decimal('2650')
        >>> Money.yuan(1977000000).in_unit(MoneyUnit.YI)
        Decimal('19.77')
        """
        # scaleb only moves the exponent: exact.
        shifted = self.amount.scaleb(-_UNIT_EXPONENTS[unit], context=_EXACT)
        if shifted == shifted.to_integral_value():
            return shifted.quantize(_ONE, context=_EXACT)  # 2650, not 2.65E+3
        return shifted.normalize(context=_EXACT)

    def format(self, unit: MoneyUnit | None = None, *, grouping: bool = False) -> str:
        """Write the amount as reports do: exact digits, no trailing zeros, no exponent.

        ``unit=None`` picks the largest unit the absolute amount reaches (1亿
        and more in 亿元, 1万 and more in 万元, else 元). ``grouping=True``
        separates thousands in the integer part. An approximate amount gets
        the marker 多 after a whole number ("8000多万元") and, as reports write
        it, after 万/亿 when the number has a fraction ("1.2亿多元").
        :meth:`parse` reads every result back to an equal Money.

        >>> Money.yuan(171000000).format()
        '1.71亿元'
        >>> Money.yuan("1200000.5").format(MoneyUnit.YUAN, grouping=True)
        '1,200,000.5元'
        >>> Money(amount=80000000, approximate=True).format()
        '8000多万元'
        """
        if unit is None:
            unit = self._natural_unit()
        number = self.in_unit(unit)
        digits = f"{number:,f}" if grouping else f"{number:f}"
        if not self.approximate:
            return f"{digits}{unit.label}"
        if unit is not MoneyUnit.YUAN and number != number.to_integral_value():
            return f"{digits}{unit.label[0]}{_MARKER}元"  # "1.2亿多元", not "1.2多亿元"
        return f"{digits}{_MARKER}{unit.label}"

    def __str__(self) -> str:
        return self.format()

    def _natural_unit(self) -> MoneyUnit:
        size = self.amount.copy_abs()
        for unit in (MoneyUnit.YI, MoneyUnit.WAN):
            if size >= unit.factor:
                return unit
        return MoneyUnit.YUAN

    # ---------------------------------------------------------------- arithmetic

    def __add__(self, other: Money | int) -> Money:
        if _is_int_zero(other):
            return self
        addend = _money_operand(other, _ADD_EXPECTED)
        return Money(
            amount=_EXACT.add(self.amount, addend.amount),
            approximate=self.approximate or addend.approximate,
        )

    def __radd__(self, other: Money | int) -> Money:
        return self + other

    def __sub__(self, other: Money) -> Money:
        subtrahend = _money_operand(other, "a Money; floats are refused")
        if subtrahend.approximate:
            raise ValidationError(
                field="other",
                expected="an exact Money: subtracting a lower bound (多/余) "
                "would give an upper bound, which a Money cannot express",
                received=other,
            )
        return Money(
            amount=_EXACT.subtract(self.amount, subtrahend.amount),
            approximate=self.approximate,
        )

    def __rsub__(self, other: object) -> NoReturn:
        raise _bad_operand(other, "a Money on both sides of -")

    def __mul__(self, other: int | Decimal) -> Money:
        factor = _number_operand(other)
        if factor < 0:
            self._require_exact("multiplying a lower bound by a negative number")
        if factor == 0:
            return Money.zero()  # a lower bound times 0 is exactly 0
        return self._times(factor)

    def __rmul__(self, other: int | Decimal) -> Money:
        return self * other

    @overload
    def __truediv__(self, other: Money) -> Decimal: ...
    @overload
    def __truediv__(self, other: int | Decimal) -> Money: ...
    def __truediv__(self, other: Money | int | Decimal) -> Money | Decimal:
        if isinstance(other, Money):
            return self._ratio(other)
        divisor = _number_operand(other)
        if divisor == 0:
            raise ValidationError(field="other", expected="a non-zero divisor", received=other)
        if divisor < 0:
            self._require_exact("dividing a lower bound by a negative number")
        return self._times(1 / divisor)

    def __rtruediv__(self, other: object) -> NoReturn:
        raise _bad_operand(other, "a Money as the dividend of /")

    def __neg__(self) -> Money:
        self._require_exact("negating a lower bound")
        return Money(amount=self.amount.copy_negate())

    def __abs__(self) -> Money:
        if self.amount < 0:
            self._require_exact("the absolute value of a negative lower bound")
        return Money(amount=self.amount.copy_abs(), approximate=self.approximate)

    def _times(self, factor: Fraction) -> Money:
        # Exact fractions, then one rounding to the fen.
        fen = _round_half_up(Fraction(self.amount) * 100 * factor)
        return Money(amount=_from_fen(fen), approximate=self.approximate)

    def _ratio(self, other: Money) -> Decimal:
        if self.approximate or other.approximate:
            raise ValidationError(
                field="other",
                expected="two exact amounts: a ratio of lower bounds (多/余) is not a number; "
                "divide the .amount values to use the bounds anyway",
                received=other if other.approximate else self,
            )
        if other.amount.is_zero():
            raise ValidationError(field="other", expected="a non-zero divisor", received=other)
        return self.amount / other.amount

    def _require_exact(self, what: str) -> None:
        if self.approximate:
            raise ValidationError(
                field="amount",
                expected=f"an exact amount: {what} would give an upper bound, "
                "which a Money cannot express",
                received=self,
            )

    # ---------------------------------------------------------------- ordering

    def __lt__(self, other: Money) -> bool:
        return self.amount < _money_operand(other, _COMPARE_EXPECTED).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= _money_operand(other, _COMPARE_EXPECTED).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > _money_operand(other, _COMPARE_EXPECTED).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= _money_operand(other, _COMPARE_EXPECTED).amount


def non_negative_money(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: require a :class:`Money` of at least 0 yuan (approximate or not).

    >>> @attrs.frozen
    ... class Loan:
    ...     principal: Money = attrs.field(validator=non_negative_money)
    >>> Loan(Money.yuan(-1))
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: principal: expected a Money of at least 0元, received ...
    """
    if not (isinstance(value, Money) and value.amount >= 0):
        raise ValidationError(
            field=attribute.name, expected="a Money of at least 0元", received=value
        )


# -------------------------------------------------------------------- parsing

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# [0-9], not \d: \d would also match digits of other scripts.
_PATTERN = re.compile(
    r"""
    (?P<sign>-)?\s*
    (?:¥\s*)?
    (?P<sign_after_yen>-)?\s*
    (?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*
    (?P<marker>[余多])?\s*
    (?:(?P<unit>万亿|万|亿)\s*(?P<unit_marker>[余多])?\s*)?
    元?
    """,
    re.VERBOSE,
)

_PARSE_EXPONENTS = {"": 0, "万": 4, "亿": 8, "万亿": 12}

_PARSE_EXPECTED = (
    "an amount such as 19.77亿元, 6297万元, 2650万, 1,200,000元, ¥1,200.50, 1200000, "
    "3000余万元 or 8000多万元 (units 元, 万, 万元, 亿, 亿元, 万亿; "
    "余/多 after the number or after 万/亿; no exponent)"
)


def _with_text_as_received(text: str, amount: Decimal, *, approximate: bool) -> Money:
    """Make a Money from parsed text; an error quotes the text, not the Decimal."""
    try:
        return Money(amount=amount, approximate=approximate)
    except ValidationError:
        expected = f"an amount in {_WHOLE_FEN}"
        raise ValidationError(field="amount", expected=expected, received=text) from None


def _is_text(value: object) -> bool:
    # A function, so the type checker does not call parse()'s check unreachable:
    # callers without type checking may hand it a spreadsheet cell's number.
    return isinstance(value, str)


# -------------------------------------------------------------------- operands

_ADD_EXPECTED = "a Money (or 0, so that sum() works); floats are refused"
_COMPARE_EXPECTED = "a Money to compare with"


def _bad_operand(other: object, expected: str) -> ValidationError:
    return ValidationError(field="other", expected=expected, received=other)


def _is_int_zero(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def _money_operand(other: object, expected: str) -> Money:
    if not isinstance(other, Money):
        raise _bad_operand(other, expected)
    return other


def _number_operand(other: object) -> Fraction:
    """Return a multiplier or divisor as an exact fraction; refuse floats and the rest."""
    if isinstance(other, int) and not isinstance(other, bool):
        return Fraction(other)
    if isinstance(other, Decimal) and other.is_finite():
        return Fraction(other)
    raise _bad_operand(other, "a Money, int or Decimal; floats are refused")


def _from_fen(fen: int) -> Decimal:
    """Return ``fen / 100`` as a Decimal, exactly however large (the validator checks the limit)."""
    sign, digits, _ = Decimal(fen).as_tuple()
    return Decimal((sign, digits, -2))


def _round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (四舍五入)."""
    whole = math.floor(abs(value) + Fraction(1, 2))
    return whole if value >= 0 else -whole
