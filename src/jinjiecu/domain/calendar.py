"""Working days (工作日) on the official Chinese calendar.

Deadlines in a campaign are counted in working days: "approval within 45
working days", "reply within 5 working days". Chinese working days follow the
State Council's yearly holiday notice (国务院办公厅关于部分节假日安排的通知):
public holidays are days off, and some Saturdays and Sundays become make-up
workdays (调休).

Where each year comes from
    - **Package years** (:attr:`DaySource.PACKAGE`): the contiguous run of
      years, ending with the newest, for which the installed ``holidays``
      package has a State Council notice (recognised by the make-up workdays
      it lists for that year). A newer release extends them.
    - **Notice years** (:attr:`DaySource.NOTICE`): the years right after
      those, from a :class:`HolidayNotice` typed from the State Council's
      notice. A store keeps its notices, so every reader of one store counts
      alike (see :mod:`jinjiecu.storage.notices`).
    - **Provisional years** (:attr:`DaySource.PROVISIONAL`): the
      :data:`PROVISIONAL_YEARS` years after the last official one. Until its
      notice is known, such a year counts weekends and the statutory holidays
      of the national rule (:func:`statutory_holidays`) as days off, with no
      make-up workdays. Everything counted on such a day says so
      (:meth:`WorkingCalendar.is_provisional`), and a store recounts the
      deadlines when the notice comes.

    Any date outside these years, whether given or computed, raises
    :class:`~jinjiecu.errors.CalendarCoverageError` naming the covered years.

Counting rule
    A working day is counted *after* the day you count from; that day itself
    never counts, whether or not it is a working day.

    - ``add_working_days(day, n)`` is the n-th working day strictly after
      ``day`` (n > 0), ``day`` itself (n == 0), or the (-n)-th working day
      strictly before ``day`` (n < 0).
    - ``working_days_between(start, end)`` is the number of working days d with
      ``start < d <= end``; when ``end < start`` it is minus the number with
      ``end < d <= start``. It is antisymmetric and additive:
      ``between(a, b) + between(b, c) == between(a, c)``.

    The two undo each other on working days: for a working day ``d``,
    ``working_days_between(d, add_working_days(d, n)) == n`` for every n, and
    ``add_working_days(d, working_days_between(d, e)) == e`` for every working
    day ``e``. The first also holds for any ``d`` when n >= 0, the second for
    any ``d`` before ``e``. Counting backwards from a day off is the one
    asymmetric case: Friday is the working day before Saturday, yet no working
    day lies in (Friday, Saturday].

Examples from 2019 (National Day: 1–7 October off; Sunday 29 September and
Saturday 12 October worked):

>>> from datetime import date
>>> cal = china_calendar()
>>> cal.is_working_day(date(2019, 9, 29))  # Sunday, make-up workday
True
>>> cal.is_working_day(date(2019, 10, 1))
False
>>> cal.add_working_days(date(2019, 9, 30), 1)
datetime.date(2019, 10, 8)
>>> cal.add_working_days(date(2019, 10, 11), 1)  # Saturday 12 October is worked
datetime.date(2019, 10, 12)
>>> cal.working_days_between(date(2019, 9, 27), date(2019, 10, 14))
8
>>> cal.add_working_days(date(2019, 9, 28), -1)  # Saturday back to Friday
datetime.date(2019, 9, 27)
>>> cal.working_days_between(date(2019, 9, 28), date(2019, 9, 27))
0
>>> cal.is_working_day(date(2000, 12, 31))
Traceback (most recent call last):
...
jinjiecu.errors.CalendarCoverageError: date: expected a date in 2001–..., received ...

A year without its notice is provisional, not a cliff:

>>> year = cal.provisional_years[0]
>>> cal.source_of(date(year, 5, 3)).value
'provisional'
>>> cal.is_working_day(date(year, 1, 1))  # New Year's Day, a statutory holiday
False

A city's own days off and make-up workdays are added on top:

>>> local = cal.with_local_days(holidays=[date(2019, 10, 8)])
>>> local.add_working_days(date(2019, 9, 30), 1)
datetime.date(2019, 10, 9)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.validation import as_tuple
from jinjiecu.errors import CalendarCoverageError, ConfigurationError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping

__all__ = [
    "PROVISIONAL_YEARS",
    "STATUTORY_HOLIDAY_NAMES",
    "DaySource",
    "HolidayNotice",
    "WorkingCalendar",
    "china_calendar",
    "statutory_holidays",
]

_A_DATE = "a date (datetime.date, without a time)"
_A_DATE_SET = "a list, tuple or set of dates (datetime.date, without a time)"

PROVISIONAL_YEARS = 2
"""How many years after the last official one the calendar counts provisionally.

With the package covering 2026 and no notice, 2027 and 2028 are provisional
and a date in 2029 raises :class:`~jinjiecu.errors.CalendarCoverageError`.
"""

STATUTORY_HOLIDAY_NAMES = (
    "元旦",
    "农历除夕",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
)
"""The statutory holidays (法定节假日) as the ``holidays`` package names them in Chinese."""

_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class DaySource(LabelledEnum):
    """Where the calendar's answer for a day comes from."""

    PACKAGE = "package", "国务院通知（holidays 数据包）"
    """The State Council's notice, as the installed ``holidays`` package has it."""
    NOTICE = "notice", "国务院通知（已录入）"
    """The State Council's notice, typed in as a :class:`HolidayNotice`."""
    PROVISIONAL = "provisional", "暂定（法定节假日，无调休）"
    """Without a notice yet, so weekends and statutory holidays off and no make-up workdays."""
    LOCAL = "local", "本地调整"
    """A local day off or make-up workday added with :meth:`WorkingCalendar.with_local_days`."""


@attrs.frozen
class _OfficialData:
    """The package's official calendar over its covered years, one flag per day."""

    first_year: int
    last_year: int
    working: bytes  # 1 for a working day, from 1 January of first_year


@functools.cache
def _official_data() -> _OfficialData:
    """Read the covered years and official working days from ``holidays`` once."""
    # Imported here: it takes tens of milliseconds and `import jinjiecu` stays fast.
    import holidays  # noqa: PLC0415

    # An empty instance first, to learn which years the package can compute at all.
    bounds = holidays.country_holidays("CN")
    china = holidays.country_holidays("CN", years=range(bounds.start_year, bounds.end_year + 1))
    # Only a year with an official notice has make-up workdays; older or future
    # years are computed by rule and would be guesses.
    years = {day.year for day in china.weekend_workdays}
    if not years:
        msg = "the installed holidays package has no official Chinese calendar (调休) data"
        raise ConfigurationError(msg)
    last_year = max(years)
    first_year = last_year
    while first_year - 1 in years:
        first_year -= 1
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    working = bytes(
        china.is_working_day(dt.date.fromordinal(ordinal)) for ordinal in range(start, end + 1)
    )
    return _OfficialData(first_year=first_year, last_year=last_year, working=working)


@functools.cache
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """The statutory holidays (法定节假日) of ``year`` by the national rule, with their names.

    The rule as amended in 2024 (from 2025): New Year's Day 1 day; Spring
    Festival 4 days (New Year's Eve and days 1–3 of the lunar year);
    Qingming 1; Labour Day 2 (1–2 May); Dragon Boat 1; Mid-Autumn 1; National
    Day 3 (1–3 October): 13 days, on 12 dates when Mid-Autumn falls on 1–3
    October. Lunar and solar-term dates come from the ``holidays`` package;
    earlier years follow the rule in force then. Days off that a notice adds
    (调休) are not statutory and are not here.

    >>> from datetime import date
    >>> days = statutory_holidays(2027)
    >>> len(days), days[date(2027, 2, 5)]
    (13, '农历除夕')
    """
    _check_year("year", year)
    import holidays  # noqa: PLC0415 - see _official_data

    found = holidays.country_holidays("CN", years=year, observed=False, language="zh_CN")
    named: dict[dt.date, str] = {}
    for day, name in sorted(found.items()):
        parts = [part.strip() for part in name.split(";")]
        statutory = [part for part in parts if part in STATUTORY_HOLIDAY_NAMES]
        if statutory:
            named[day] = "、".join(statutory)
    return named


def _coverage_error(day: object, years: range) -> CalendarCoverageError:
    return CalendarCoverageError(day=day, first_year=years[0], last_year=years[-1])


def _is_date(value: object) -> TypeGuard[dt.date]:
    # A datetime is a date subclass, but a time of day has no place in day counting.
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _as_date_set(value: Collection[dt.date]) -> frozenset[dt.date]:
    """Turn a list, tuple or set of dates into a frozenset; leave anything else to the validator."""
    received: object = value  # callers may pass anything at run time
    if not isinstance(received, str | bytes):  # text is iterable but is no set of dates
        try:
            return frozenset(value)
        except TypeError:  # not iterable, or unhashable items
            pass
    return value  # type: ignore[return-value]  # the validator names the bad value


def _checked_date_set(field: str, value: object, years: range) -> frozenset[dt.date]:
    """Require a frozenset of dates in ``years``, naming ``field`` otherwise."""
    if not isinstance(value, frozenset):
        raise ValidationError(field=field, expected=_A_DATE_SET, received=value)
    for day in value:
        if not _is_date(day):
            raise ValidationError(field=field, expected=_A_DATE, received=day)
    for day in sorted(value):
        if day.year not in years:
            raise _coverage_error(day, years).at(field)
    return value


def _validate_date_set(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _checked_date_set(attribute.name, value, instance.covered_years)


def _not_also_a_holiday(instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
    both = value & instance.extra_holidays
    if both:
        raise ValidationError(
            field="extra_workdays",
            expected="no date that is also in extra_holidays",
            received=min(both),
        )


def _check_n(n: object) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise ValidationError(field="n", expected="an integer number of working days", received=n)


def _check_year(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2200:
        raise ValidationError(field=field, expected="a year, e.g. 2027", received=value)


def _validate_year(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_year(attribute.name, value)


def _validate_notice_days(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset):
        raise ValidationError(field=attribute.name, expected=_A_DATE_SET, received=value)
    for day in sorted(value, key=repr):
        if not _is_date(day) or day.year != instance.year:
            expected = f"a date in {instance.year}, the notice's year"
            raise ValidationError(field=attribute.name, expected=expected, received=day)


def _not_also_off(instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
    both = value & instance.days_off
    if both:
        raise ValidationError(
            field="workdays", expected="no date that is also in days_off", received=min(both)
        )


def _short_text(limit: int) -> Any:
    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or len(value) > limit or "\n" in value:
            expected = f"one line of text, at most {limit} characters"
            raise ValidationError(field=attribute.name, expected=expected, received=value)

    return validate


def _optional_date(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not _is_date(value):
        raise ValidationError(field=attribute.name, expected=_A_DATE, received=value)


def _default_title(notice: HolidayNotice) -> str:
    return f"国务院办公厅关于{notice.year}年部分节假日安排的通知"


@attrs.frozen(kw_only=True)
class HolidayNotice:
    """One year's official holidays and make-up workdays, as the State Council's notice gives them.

    The notice (国务院办公厅关于某年部分节假日安排的通知) is published late in the
    year before. Add it to a store (:mod:`jinjiecu.storage.notices`, or
    ``jinjiecu calendar add-notice FILE``) for a year the installed
    ``holidays`` package does not cover yet; until then the year is
    provisional.

    Attributes:
        year: the year the notice is for.
        days_off: the holiday days off (放假). Weekend days may be listed too;
            they are off anyway.
        workdays: the Saturdays and Sundays worked instead (调休上班).
        title: the notice's title (by default the usual one for the year).
        source: where it was published: the document number, a web address.
        published_on: the day it was published, if known.

    Every other weekday is a working day and every other Saturday and Sunday
    a day off. A calendar checks a notice against the statutory rule when it
    takes it (every statutory holiday off, make-up workdays on weekends only).

    >>> from datetime import date
    >>> HolidayNotice(year=2027, days_off=[date(2027, 1, 1)], workdays=[date(2026, 12, 27)])
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: workdays: expected a date in 2027, the notice's year, ...
    """

    year: int = attrs.field(validator=_validate_year)
    days_off: frozenset[dt.date] = attrs.field(
        converter=_as_date_set, validator=_validate_notice_days
    )
    workdays: frozenset[dt.date] = attrs.field(
        converter=_as_date_set, validator=[_validate_notice_days, _not_also_off]
    )
    title: str = attrs.field(
        default=attrs.Factory(_default_title, takes_self=True), validator=_short_text(200)
    )
    source: str = attrs.field(default="", validator=_short_text(500))
    published_on: dt.date | None = attrs.field(default=None, validator=_optional_date)

    @classmethod
    def from_toml(cls, text: str) -> HolidayNotice:
        r"""Read a notice typed as TOML.

        Keys: ``year``, ``days_off`` and ``workdays`` (required), ``title``,
        ``source`` and ``published_on`` (optional). Dates may be TOML dates
        (``2027-01-01``) or text (``"2027-01-01"``). Errors name the key, and
        the position in a list (``days_off[2]``).

        >>> notice = HolidayNotice.from_toml(
        ...     "year = 2027\ndays_off = [2027-01-01, '2027-10-01']\nworkdays = []"
        ... )
        >>> sorted(notice.days_off)
        [datetime.date(2027, 1, 1), datetime.date(2027, 10, 1)]
        >>> HolidayNotice.from_toml(notice.to_toml()) == notice
        True
        """
        import tomllib  # noqa: PLC0415 - only notices typed as files need it

        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValidationError(
                field="notice", expected="TOML text", received=str(error)
            ) from None
        required = ("year", "days_off", "workdays")
        optional = ("title", "source", "published_on")
        for key in table:
            if key not in required + optional:
                expected = "only the keys " + ", ".join(required + optional)
                raise ValidationError(field=key, expected=expected, received=table[key])
        for key in required:
            if key not in table:
                raise ValidationError(field=key, expected="a value", received=None)
        extra: dict[str, Any] = {key: table[key] for key in ("title", "source") if key in table}
        if "published_on" in table:
            extra["published_on"] = _notice_dates("published_on", [table["published_on"]])[0]
        return cls(
            year=table["year"],
            days_off=_notice_dates("days_off", table["days_off"]),
            workdays=_notice_dates("workdays", table["workdays"]),
            **extra,
        )

    def to_toml(self) -> str:
        """The notice as TOML text that :meth:`from_toml` reads back (dates in order)."""

        def text(value: str) -> str:
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

        def dates(days: Iterable[dt.date]) -> str:
            return "[" + ", ".join(day.isoformat() for day in sorted(days)) + "]"

        lines = [
            f"year = {self.year}",
            f"title = {text(self.title)}",
            f"source = {text(self.source)}",
        ]
        if self.published_on is not None:
            lines.append(f"published_on = {self.published_on.isoformat()}")
        lines += [f"days_off = {dates(self.days_off)}", f"workdays = {dates(self.workdays)}"]
        return "\n".join(lines) + "\n"

    def working_flags(self) -> bytes:
        """One flag per day of the year from 1 January: 1 for a working day, 0 for a day off."""
        day = dt.date(self.year, 1, 1)
        flags = bytearray()
        while day.year == self.year:
            weekday = day.weekday() < 5  # Monday to Friday
            flags.append(int(day in self.workdays or (weekday and day not in self.days_off)))
            day += dt.timedelta(days=1)
        return bytes(flags)

    def check_statutory(self) -> None:
        """Check the notice against the national rule; the error names the date and the reason.

        Every statutory holiday (:func:`statutory_holidays`) must be off, and
        every make-up workday must be a Saturday or Sunday that is not a
        statutory holiday.

        >>> from datetime import date
        >>> HolidayNotice(year=2027, days_off=[], workdays=[]).check_statutory()
        Traceback (most recent call last):
        ...
        jinjiecu.errors.ValidationError: days_off: 2027-01-01 (元旦, 星期五) is a statutory ...
        """
        statutory = statutory_holidays(self.year)
        for day, name in statutory.items():
            off = day in self.days_off or (day.weekday() >= 5 and day not in self.workdays)
            if not off:
                msg = (
                    f"days_off: {day.isoformat()} ({name}, {_WEEKDAY_NAMES[day.weekday()]}) "
                    "is a statutory holiday but not a day off (法定节假日须放假)"
                )
                raise ValidationError(
                    msg,
                    field="days_off",
                    expected="every statutory holiday off",
                    received=day,
                )
        for day in sorted(self.workdays):
            weekday = _WEEKDAY_NAMES[day.weekday()]
            if day.weekday() < 5:
                msg = (
                    f"workdays: {day.isoformat()} is a {weekday}, already a working day; "
                    "make-up workdays (调休上班) are Saturdays and Sundays"
                )
                raise ValidationError(
                    msg,
                    field="workdays",
                    expected="Saturdays and Sundays only",
                    received=day,
                )
            if day in statutory:
                msg = (
                    f"workdays: {day.isoformat()} ({statutory[day]}, {weekday}) is a statutory "
                    "holiday and cannot be a make-up workday"
                )
                raise ValidationError(
                    msg,
                    field="workdays",
                    expected="no statutory holiday",
                    received=day,
                )


def _notice_dates(key: str, value: object) -> list[dt.date]:
    """A notice's list of dates, read from TOML dates or ISO text."""
    if not isinstance(value, list):
        raise ValidationError(field=key, expected="a list of dates", received=value)
    days = []
    for index, item in enumerate(value):
        day = item
        if isinstance(item, str):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(item)
        if not _is_date(day):
            expected = "a date such as 2027-01-01"
            name = key if key == "published_on" else f"{key}[{index}]"
            raise ValidationError(field=name, expected=expected, received=item)
        days.append(day)
    return days


def _validate_notices(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(n, HolidayNotice) for n in value):
        raise ValidationError(
            field=attribute.name, expected="a tuple of HolidayNotice", received=value
        )
    covered = _official_data().last_year
    expected = covered + 1
    for notice in value:
        if notice.year != expected:
            # After an upgrade of holidays covers the year, its notice must go.
            raise ValidationError(
                field=attribute.name,
                expected=(
                    f"the notice for {expected}, the year after the last covered one "
                    f"(the installed holidays package covers up to {covered})"
                ),
                received=notice.year,
            )
        try:
            notice.check_statutory()
        except ValidationError as error:
            msg = f"the notice for {notice.year}"
            raise error.at(msg) from None
        expected += 1


def _validate_horizon(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
        raise ValidationError(
            field=attribute.name, expected="a whole number of years from 0 to 10", received=value
        )


def _provisional_flags(year: int) -> bytes:
    """Working flags of a year without its notice: weekdays minus the statutory holidays."""
    return HolidayNotice(year=year, days_off=statutory_holidays(year), workdays=()).working_flags()


@attrs.frozen(kw_only=True)
class WorkingCalendar:
    """The working days (工作日) of the official Chinese calendar, plus local changes.

    Attributes:
        extra_holidays: local days off on top of the official ones, e.g. a
            city's own holiday. Given as a list, tuple or set of dates.
        extra_workdays: local make-up workdays on top of the official ones.
        notices: official notices for the years after those the ``holidays``
            package covers, in order (see :meth:`with_notice`).
        provisional_horizon: how many years after the last official one are
            counted provisionally (:data:`PROVISIONAL_YEARS`; 0 turns
            provisional counting off, so those years raise instead).

    A date cannot be in both local sets. Dates already off (or already
    worked) are accepted and change nothing. Every date must lie in
    :attr:`covered_years`.

    Each calendar counts its working days once, when made; afterwards every
    question is answered by indexing, not by walking day by day.

    >>> from datetime import date
    >>> cal = WorkingCalendar(extra_workdays=[date(2019, 10, 5)])
    >>> cal.is_working_day(date(2019, 10, 5))
    True
    >>> WorkingCalendar(extra_holidays=[date(2019, 10, 8)], extra_workdays={date(2019, 10, 8)})
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: extra_workdays: expected no date that is also in ...
    """

    extra_holidays: frozenset[dt.date] = attrs.field(
        default=frozenset(), converter=_as_date_set, validator=_validate_date_set
    )
    extra_workdays: frozenset[dt.date] = attrs.field(
        default=frozenset(),
        converter=_as_date_set,
        validator=[_validate_date_set, _not_also_a_holiday],
    )
    notices: tuple[HolidayNotice, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_validate_notices
    )
    provisional_horizon: int = attrs.field(default=PROVISIONAL_YEARS, validator=_validate_horizon)
    # Ordinal of the first covered day (1 January of the first covered year).
    _first_ordinal: int = attrs.field(init=False, repr=False, eq=False)
    # _counts[i] is the number of working days before covered day i; one extra
    # entry at the end, so _counts[i + 1] counts up to and including day i.
    _counts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)
    # The ordinals of all working days, ascending: _working[k] is the (k+1)-th.
    _working: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        data = _official_data()
        first = dt.date(data.first_year, 1, 1).toordinal()
        flags = bytearray(data.working)
        for notice in self.notices:
            flags += notice.working_flags()
        for year in self.provisional_years:
            flags += _provisional_flags(year)
        for day in self.extra_holidays:
            flags[day.toordinal() - first] = 0
        for day in self.extra_workdays:
            flags[day.toordinal() - first] = 1
        # The class is frozen; these caches are set once, here.
        object.__setattr__(self, "_first_ordinal", first)
        object.__setattr__(self, "_counts", tuple(itertools.accumulate(flags, initial=0)))
        working = tuple(first + index for index, flag in enumerate(flags) if flag)
        object.__setattr__(self, "_working", working)

    @property
    def package_years(self) -> range:
        """The years the installed ``holidays`` package has official data for."""
        data = _official_data()
        return range(data.first_year, data.last_year + 1)

    @property
    def official_years(self) -> range:
        """The years with official data, the package's and one more per notice."""
        package = self.package_years
        return range(package.start, package.stop + len(self.notices))

    @property
    def provisional_years(self) -> range:
        """The years counted provisionally, right after the official ones (may be empty)."""
        stop = self.official_years.stop
        return range(stop, stop + self.provisional_horizon)

    @property
    def covered_years(self) -> range:
        """Every year the calendar answers for, official then provisional (2001–2028)."""
        return range(self.official_years.start, self.provisional_years.stop)

    @property
    def first_day(self) -> dt.date:
        """Return 1 January of the first covered year, the first covered day."""
        return dt.date(self.covered_years[0], 1, 1)

    @property
    def last_day(self) -> dt.date:
        """Return 31 December of the last covered year, the last covered day."""
        return dt.date(self.covered_years[-1], 12, 31)

    @property
    def first_provisional_day(self) -> dt.date | None:
        """Return 1 January of the first provisional year, or ``None`` if none is provisional."""
        years = self.provisional_years
        return dt.date(years[0], 1, 1) if years else None

    def is_provisional(self, day: dt.date) -> bool:
        """Tell whether ``day`` lies in a provisional year (its notice is not known yet).

        Never raises for a year outside the calendar: such a day is not provisional, just
        not covered.

        >>> from datetime import date
        >>> cal = china_calendar()
        >>> cal.is_provisional(date(cal.official_years[-1], 12, 31))
        False
        >>> cal.is_provisional(date(cal.official_years[-1] + 1, 1, 1))
        True
        """
        if not _is_date(day):
            raise ValidationError(field="day", expected=_A_DATE, received=day)
        return day.year in self.provisional_years

    def source_of(self, day: dt.date) -> DaySource:
        """Where the answer for ``day`` comes from: package, notice, provisional or local.

        >>> from datetime import date
        >>> china_calendar().source_of(date(2019, 10, 1)).label
        '国务院通知（holidays 数据包）'
        """
        self._index(day, "day")
        if day in self.extra_holidays or day in self.extra_workdays:
            return DaySource.LOCAL
        if day.year in self.package_years:
            return DaySource.PACKAGE
        if day.year in self.official_years:
            return DaySource.NOTICE
        return DaySource.PROVISIONAL

    def notice_for(self, year: int) -> HolidayNotice | None:
        """The notice this calendar counts ``year`` with, if it has one."""
        return next((notice for notice in self.notices if notice.year == year), None)

    def _index(self, day: object, name: str) -> int:
        """Position of ``day`` among the covered days; errors name the argument ``name``."""
        if not _is_date(day):
            raise ValidationError(field=name, expected=_A_DATE, received=day)
        index = day.toordinal() - self._first_ordinal
        if not 0 <= index < len(self._counts) - 1:
            raise _coverage_error(day, self.covered_years)
        return index

    def _nth_working_day(self, k: int, *, forward: bool) -> dt.date:
        """Return the (k+1)-th working day of the covered range, or raise a coverage error."""
        if not 0 <= k < len(self._working):
            # The answer lies in a year without data; name the first such day.
            beyond = (
                self.last_day + dt.timedelta(1) if forward else self.first_day - dt.timedelta(1)
            )
            raise _coverage_error(beyond, self.covered_years)
        return dt.date.fromordinal(self._working[k])

    def is_working_day(self, day: dt.date) -> bool:
        """Tell whether ``day`` is a working day (a make-up Saturday or Sunday is one).

        >>> from datetime import date
        >>> china_calendar().is_working_day(date(2019, 9, 28))  # an ordinary Saturday
        False
        """
        index = self._index(day, "day")
        return self._counts[index + 1] > self._counts[index]

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """Return the n-th working day after ``day`` (before it if n < 0); ``day`` never counts.

        ``n == 0`` returns ``day`` unchanged, working day or not. Raises
        :class:`~jinjiecu.errors.CalendarCoverageError` if the answer would
        fall outside the covered years; the error names the first day beyond them.

        >>> from datetime import date
        >>> china_calendar().add_working_days(date(2019, 10, 8), -1)
        datetime.date(2019, 9, 30)
        """
        index = self._index(day, "day")
        _check_n(n)
        if n == 0:
            return day
        if n > 0:
            return self._nth_working_day(self._counts[index + 1] + n - 1, forward=True)
        return self._nth_working_day(self._counts[index] + n, forward=False)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the working days d with ``start < d <= end``; negative if ``end < start``.

        >>> from datetime import date
        >>> china_calendar().working_days_between(date(2019, 10, 14), date(2019, 9, 27))
        -8
        """
        first = self._index(start, "start")
        last = self._index(end, "end")
        return self._counts[last + 1] - self._counts[first + 1]

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return ``day`` if it is a working day, else the first working day after it.

        >>> from datetime import date
        >>> china_calendar().next_working_day(date(2019, 10, 1))
        datetime.date(2019, 10, 8)
        """
        index = self._index(day, "day")
        if self._counts[index + 1] > self._counts[index]:
            return day
        return self._nth_working_day(self._counts[index], forward=True)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """Return ``day`` if it is a working day, else the last working day before it.

        >>> from datetime import date
        >>> china_calendar().previous_working_day(date(2019, 10, 7))
        datetime.date(2019, 9, 30)
        """
        index = self._index(day, "day")
        if self._counts[index + 1] > self._counts[index]:
            return day
        return self._nth_working_day(self._counts[index] - 1, forward=False)

    def working_days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        """Iterate over the working days from ``start`` to ``end``, both included, in order.

        Empty when ``end < start``. Both dates are checked when called, not
        when the iterator is first advanced.

        >>> from datetime import date
        >>> list(china_calendar().working_days(date(2019, 10, 5), date(2019, 10, 9)))
        [datetime.date(2019, 10, 8), datetime.date(2019, 10, 9)]
        """
        first = self._index(start, "start")
        last = self._index(end, "end")
        return map(dt.date.fromordinal, self._working[self._counts[first] : self._counts[last + 1]])

    def with_local_days(
        self, *, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()
    ) -> WorkingCalendar:
        """Return a new calendar with these local days off and make-up workdays added.

        >>> from datetime import date
        >>> cal = china_calendar().with_local_days(workdays=[date(2019, 10, 7)])
        >>> cal.previous_working_day(date(2019, 10, 7))
        datetime.date(2019, 10, 7)
        """
        years = self.covered_years
        added_holidays = _checked_date_set("holidays", _as_date_set(holidays), years)
        added_workdays = _checked_date_set("workdays", _as_date_set(workdays), years)
        return attrs.evolve(
            self,
            extra_holidays=self.extra_holidays | added_holidays,
            extra_workdays=self.extra_workdays | added_workdays,
        )

    def with_notice(self, notice: HolidayNotice) -> WorkingCalendar:
        """Return a new calendar that counts ``notice.year`` with ``notice``.

        The year must be one this calendar already has a notice for (the
        notice replaces it: a correction) or the year right after the last
        official one (the notice adds it). The notice is checked against the
        statutory rule (:meth:`HolidayNotice.check_statutory`). Local days are
        kept; a local day in a year that stops being covered is refused.

        >>> from datetime import date
        >>> cal = china_calendar()
        >>> year = cal.provisional_years[0]
        >>> notice = HolidayNotice(year=year, days_off=statutory_holidays(year), workdays=[])
        >>> cal.with_notice(notice).source_of(date(year, 3, 1)).value
        'notice'
        """
        if not isinstance(notice, HolidayNotice):
            raise ValidationError(field="notice", expected="a HolidayNotice", received=notice)
        kept = tuple(n for n in self.notices if n.year != notice.year)
        notices = tuple(sorted((*kept, notice), key=lambda n: n.year))
        return attrs.evolve(self, notices=notices)

    def with_notices(self, notices: Iterable[HolidayNotice]) -> WorkingCalendar:
        """Return a new calendar with each of ``notices`` added or replaced, in year order.

        A notice for a year the installed ``holidays`` package covers is left
        out: the package's data wins (see :mod:`jinjiecu.storage.notices` for
        how a store reports that).
        """
        calendar = self
        covered = self.package_years
        for notice in sorted(notices, key=lambda n: n.year):
            if notice.year not in covered:
                calendar = calendar.with_notice(notice)
        return calendar

    def with_official_year(
        self, year: int, *, days_off: Collection[dt.date], workdays: Collection[dt.date]
    ) -> WorkingCalendar:
        """Return a new calendar that also covers ``year`` officially, from its notice's days.

        The same as :meth:`with_notice` with a :class:`HolidayNotice` of these
        days; ``year`` must be the year right after the last official one.
        Keep notices in the store instead (:mod:`jinjiecu.storage.notices`),
        so every reader of the store counts with them.

        >>> from datetime import date
        >>> last = china_calendar().official_years[-1]
        >>> extended = china_calendar().with_official_year(
        ...     last + 1, days_off=statutory_holidays(last + 1), workdays=[]
        ... )
        >>> extended.official_years[-1] == last + 1
        True
        >>> extended.is_working_day(date(last + 1, 1, 1))
        False
        """
        notice = HolidayNotice(year=year, days_off=days_off, workdays=workdays)
        return attrs.evolve(self, notices=(*self.notices, notice))


@functools.cache
def china_calendar() -> WorkingCalendar:
    """Return the official Chinese working-day calendar, without local changes (made once).

    Its years are the package's, then :data:`PROVISIONAL_YEARS` provisional
    ones; a store's calendar adds the notices it keeps.

    >>> china_calendar().covered_years[0]
    2001
    """
    return WorkingCalendar()
