"""Strategies for jinjiecu's values: money, codes, dates, ids, names, texts and moments.

Private to :mod:`jinjiecu.testing.strategies`, which exports the public ones.
The other strategy modules build records from these.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.calendar import (
    HolidayNotice,
    WorkingCalendar,
    china_calendar,
    statutory_holidays,
)
from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.codes import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_PREFIXES,
    CreditCode,
    DivisionCode,
    DivisionLevel,
    credit_code_check_character,
)
from jinjiecu.domain.ids import EnterpriseId, EntityId
from jinjiecu.domain.money import AMOUNT_LIMIT, Money, MoneyUnit

__all__ = [
    "BANKS",
    "FULL_WIDTH",
    "LARGEST_AMOUNT",
    "IdT",
    "aware_datetimes",
    "covered_dates",
    "credit_codes",
    "division_codes",
    "enterprise_pool",
    "free_texts",
    "holiday_notices",
    "id_tuples",
    "ids",
    "money",
    "money_texts",
    "names",
    "working_dates",
]


# ---- money (jinjiecu.domain.money) ----

_LARGEST_FEN = int(AMOUNT_LIMIT) * 100 - 1


def _fen_bound(value: object, name: str, *, default: int, round_up: bool) -> int:
    """Turn a bound in yuan into whole fen, rounding inwards; refuse floats."""
    if value is None:
        return default
    if not (
        isinstance(value, int | Decimal)
        and not isinstance(value, bool)
        and Decimal(value).is_finite()
    ):
        msg = f"{name} must be an int or finite Decimal number of yuan, not {value!r}"
        raise InvalidArgument(msg)
    fen = Fraction(value) * 100
    bound = math.ceil(fen) if round_up else math.floor(fen)
    if abs(bound) > _LARGEST_FEN:
        msg = f"{name} must be smaller than {AMOUNT_LIMIT} yuan in absolute value, not {value!r}"
        raise InvalidArgument(msg)
    return bound


def _from_fen(fen: int, approximate: bool) -> Money:  # noqa: FBT001 - a builds() target
    """``fen`` hundredths of a yuan as Money (a lower bound if ``approximate``)."""
    return Money(amount=Decimal(fen).scaleb(-2), approximate=approximate)


def money(
    *,
    min_value: int | Decimal | None = None,
    max_value: int | Decimal | None = None,
    allow_approximate: bool = True,
) -> st.SearchStrategy[Money]:
    """Amounts from ``min_value`` to ``max_value`` yuan (inclusive), shrinking towards 0元.

    Bounds default to the whole valid range, negative amounts included; pass
    ``min_value=0`` for records that need a non-negative amount. Whole 万元 and
    亿元 amounts, as reports write them, are drawn often. With
    ``allow_approximate`` some amounts are lower bounds ("8000多万元").
    """
    low = _fen_bound(min_value, "min_value", default=-_LARGEST_FEN, round_up=True)
    high = _fen_bound(max_value, "max_value", default=_LARGEST_FEN, round_up=False)
    if low > high:
        msg = f"no amount in whole fen from {min_value} to {max_value} yuan"
        raise InvalidArgument(msg)
    fen = [st.integers(min_value=low, max_value=high)]
    for step in (10**6, 10**10):  # whole 万元, whole 亿元
        first, last = -(-low // step), high // step
        if first <= last:
            fen.append(st.integers(min_value=first, max_value=last).map(step.__mul__))
    approximate = st.booleans() if allow_approximate else st.just(value=False)
    return st.builds(_from_fen, st.one_of(fen), approximate)


FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")
"""Full-width digits and signs, as some input methods type them (money and personal texts).

When the strategies were one module, this table (defined for personal texts)
replaced an earlier one for money texts that also made "," and "." full-width;
money texts have always been drawn with this one, and still are.
"""


@st.composite
def _money_texts(draw: st.DrawFn, amounts: st.SearchStrategy[Money]) -> tuple[str, Money]:
    """An amount of ``amounts`` written as a clerk might type it, and the amount."""
    value = draw(amounts)
    unit = draw(st.sampled_from(MoneyUnit))
    number = abs(value.in_unit(unit))
    digits = f"{number:,f}" if draw(st.booleans()) else f"{number:f}"
    zeros = draw(st.integers(min_value=0, max_value=2))  # "2650.00万元"
    if zeros:
        digits += ("" if "." in digits else ".") + "0" * zeros
    yen = "¥" if unit is MoneyUnit.YUAN and draw(st.booleans()) else ""
    sign = "-" if value.amount < 0 else ""
    head = draw(st.sampled_from([sign + yen, yen + sign]))
    marker = draw(st.sampled_from("多余")) if value.approximate else ""
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    yuan = draw(st.sampled_from(["元", ""]))
    if unit is MoneyUnit.YUAN:
        tail = f"{marker}{yuan}"
    elif draw(st.booleans()):
        tail = f"{marker}{unit.label[0]}{yuan}"  # 8000多万元
    else:
        tail = f"{unit.label[0]}{marker}{yuan}"  # 3000万余元
    text = f"{space}{head}{digits}{space}{tail}{space}"
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text, value


def money_texts(
    *,
    min_value: int | Decimal | None = None,
    max_value: int | Decimal | None = None,
    allow_approximate: bool = True,
) -> st.SearchStrategy[tuple[str, Money]]:
    """Pairs of an amount as a clerk might type it and the Money it means.

    Texts vary the unit (元, 万, 万元, 亿, 亿元), thousands separators, trailing
    zeros, ¥, 多/余 in either place, spaces and full-width characters; every
    one is accepted by :meth:`Money.parse <jinjiecu.domain.money.Money.parse>`.
    Bounds are as for :func:`money`.
    """
    amounts = money(min_value=min_value, max_value=max_value, allow_approximate=allow_approximate)
    return _money_texts(amounts)


# ---- codes (jinjiecu.domain.codes) ----

_TWO_DIGITS = st.integers(min_value=1, max_value=99).map("{:02d}".format)


def division_codes(level: DivisionLevel | None = None) -> st.SearchStrategy[DivisionCode]:
    """Generate division codes of the given level (else any); they shrink to ``110000``.

    Codes have the GB/T 2260 shape under a real province prefix; most name no
    actual place.
    """
    provinces = st.sampled_from(PROVINCE_PREFIXES)
    by_level = {
        DivisionLevel.PROVINCE: provinces.map(lambda p: DivisionCode(p + "0000")),
        DivisionLevel.CITY: st.tuples(provinces, _TWO_DIGITS).map(
            lambda parts: DivisionCode(parts[0] + parts[1] + "00")
        ),
        DivisionLevel.COUNTY: st.tuples(provinces, _TWO_DIGITS, _TWO_DIGITS).map(
            lambda parts: DivisionCode("".join(parts))
        ),
    }
    return by_level[level] if level is not None else st.one_of(*by_level.values())


def _credit_chars(size: int) -> st.SearchStrategy[str]:
    """``size`` characters of the credit-code alphabet."""
    return st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=size, max_size=size)


def _with_check_character(first17: str) -> CreditCode:
    """The credit code ``first17`` and its check character make."""
    return CreditCode(first17 + credit_code_check_character(first17))


def credit_codes(division: DivisionCode | None = None) -> st.SearchStrategy[CreditCode]:
    """Generate valid unified social credit codes; they shrink to ``00110000000000000T``.

    ``division`` fixes positions 3-8. Otherwise they hold a well-formed
    division code or, now and then, six arbitrary characters, as some issued
    codes do.
    """
    division_part = (
        st.just(str(DivisionCode(division)))
        if division is not None
        else division_codes().map(str) | _credit_chars(6)
    )
    return st.tuples(_credit_chars(2), division_part, _credit_chars(9)).map(
        lambda parts: _with_check_character("".join(parts))
    )


# ---- calendar (jinjiecu.domain.calendar) ----

_FIRST_TEST_DAY = dt.date(2019, 1, 1)
_LAST_TEST_DAY = dt.date(2026, 12, 31)


def covered_dates(
    min_value: dt.date = _FIRST_TEST_DAY, max_value: dt.date = _LAST_TEST_DAY
) -> st.SearchStrategy[dt.date]:
    """Dates from ``min_value`` to ``max_value`` (inclusive), all with official calendar data.

    Bounds outside the covered years raise
    :class:`~jinjiecu.errors.CalendarCoverageError` at once.
    """
    # Checked here so a test never draws a date the calendar would refuse.
    china_calendar().is_working_day(min_value)
    china_calendar().is_working_day(max_value)
    return st.dates(min_value=min_value, max_value=max_value)


def working_dates(
    min_value: dt.date = _FIRST_TEST_DAY,
    max_value: dt.date = _LAST_TEST_DAY,
    *,
    calendar: WorkingCalendar | None = None,
) -> st.SearchStrategy[dt.date]:
    """Working days from ``min_value`` to ``max_value`` (inclusive) on ``calendar``.

    ``calendar`` defaults to :func:`~jinjiecu.domain.calendar.china_calendar`.
    Raises ``ValueError`` if the range holds no working day.
    """
    chosen = china_calendar() if calendar is None else calendar
    days = list(chosen.working_days(min_value, max_value))
    if not days:
        msg = f"no working day from {min_value} to {max_value}"
        raise ValueError(msg)
    return st.sampled_from(days)


def holiday_notices(year: int | None = None) -> st.SearchStrategy[HolidayNotice]:
    """Valid State Council notices for ``year`` (default: the first provisional year).

    Every statutory holiday is off; some other weekdays are off too, and some
    Saturdays and Sundays are worked (调休), as real notices arrange them.
    Each notice passes :meth:`~jinjiecu.domain.calendar.HolidayNotice.check_statutory`.
    """
    chosen = china_calendar().provisional_years[0] if year is None else year
    statutory = statutory_holidays(chosen)
    first = dt.date(chosen, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((dt.date(chosen + 1, 1, 1) - first).days)]
    weekdays = [day for day in days if day.weekday() < 5 and day not in statutory]
    weekends = [day for day in days if day.weekday() >= 5 and day not in statutory]
    return st.builds(
        lambda extra_off, workdays: HolidayNotice(
            year=chosen, days_off=set(statutory) | extra_off, workdays=workdays
        ),
        st.sets(st.sampled_from(weekdays), max_size=8),
        st.sets(st.sampled_from(weekends), max_size=8),
    )


# ---- ids, names, texts and moments ----

IdT = TypeVar("IdT", bound=EntityId)

_NAME_CHARS = st.characters(categories=("L", "N"), exclude_characters="\x85") | st.sampled_from(
    "（）·-、"
)


def ids(id_cls: type[IdT], prefix: str | None = None) -> st.SearchStrategy[IdT]:
    """Short, readable ids of kind ``id_cls`` such as ``ProblemId('problem-3')``."""
    stem = prefix or id_cls.field.removesuffix("_id").replace("_", "-")
    return st.integers(min_value=1, max_value=999_999).map(lambda n: id_cls(f"{stem}-{n}"))


def names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Single-line names (Chinese, Latin, digits and the punctuation names use)."""
    return st.text(_NAME_CHARS, min_size=1, max_size=max_size).filter(lambda s: s == s.strip())


def free_texts(max_size: int = 200) -> st.SearchStrategy[str]:
    """Generate notes and descriptions: any storable text, control characters included."""
    return st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        max_size=max_size,
    )


def aware_datetimes(
    min_value: dt.datetime = dt.datetime(2019, 1, 1),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value: dt.datetime = dt.datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001 - and zones apart
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware moments (China Standard Time or UTC) between naive local bounds."""
    return st.datetimes(
        min_value=min_value, max_value=max_value, timezones=st.sampled_from([CHINA_TZ, dt.UTC])
    )


def id_tuples(
    id_cls: type[IdT], *, min_size: int = 0, max_size: int = 4
) -> st.SearchStrategy[tuple[IdT, ...]]:
    """Tuples of distinct ids of ``id_cls``, from ``min_size`` to ``max_size`` long."""
    return st.lists(ids(id_cls), min_size=min_size, max_size=max_size, unique=True).map(tuple)


# ---- what finance records and guarantee links share ----

LARGEST_AMOUNT = 10**9  # 10亿元: larger than any one guarantee an office meets
BANKS = ("中国银行", "中国工商银行", "中国农业银行", "中国建设银行", "德州银行", "武城农商银行")
"""Banks of Dezhou: the default lenders, creditors and banks of the finance strategies."""


def enterprise_pool(count: int) -> tuple[EnterpriseId, ...]:
    """The enterprise ids ``e-1`` to ``e-{count}``, the default enterprises."""
    return tuple(EnterpriseId(f"e-{n}") for n in range(1, count + 1))
