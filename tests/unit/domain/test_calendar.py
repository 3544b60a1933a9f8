from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import holidays
import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.calendar import WorkingCalendar, china_calendar
from jinjiecu.errors import CalendarCoverageError, ValidationError
from jinjiecu.testing.strategies import covered_dates, working_dates

if TYPE_CHECKING:
    from collections.abc import Callable

CAL = china_calendar()
DAY = timedelta(days=1)
BEFORE_DATA = date(2000, 12, 31)
AFTER_DATA = CAL.last_day + DAY  # 2029-01-01 with holidays 0.109: 2027 and 2028 are provisional


# ---- a naive, day-by-day reference built straight from the holidays data ----

_CN = holidays.country_holidays("CN", years=CAL.official_years)
# The statutory holidays of the provisional years, typed from the national rule as
# amended in 2024 and the lunar calendar, independently of the holidays package.
_STATUTORY = {
    2027: [
        date(2027, 1, 1),
        *(date(2027, 2, 5) + timedelta(days=i) for i in range(4)),  # 除夕, 正月初一至初三
        date(2027, 4, 5),
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 6, 9),
        date(2027, 9, 15),
        *(date(2027, 10, i) for i in (1, 2, 3)),
    ],
    2028: [
        date(2028, 1, 1),
        *(date(2028, 1, 25) + timedelta(days=i) for i in range(4)),
        date(2028, 4, 4),
        date(2028, 5, 1),
        date(2028, 5, 2),
        date(2028, 5, 28),
        *(date(2028, 10, i) for i in (1, 2, 3)),  # Mid-Autumn falls on 3 October
    ],
}


def naive_is_working(
    day: date,
    extra_holidays: frozenset[date] = frozenset(),
    extra_workdays: frozenset[date] = frozenset(),
) -> bool:
    if day in extra_workdays:
        return True
    if day in extra_holidays:
        return False
    if day.year in CAL.provisional_years:
        return day.weekday() < 5 and day not in _STATUTORY[day.year]
    if day.weekday() >= 5:
        return day in _CN.weekend_workdays
    return day not in _CN


def naive_between(start: date, end: date, **extras: frozenset[date]) -> int:
    low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
    count, day = 0, low + DAY
    while day <= high:
        count += naive_is_working(day, **extras)
        day += DAY
    return sign * count


def naive_add(day: date, n: int, **extras: frozenset[date]) -> date:
    step = DAY if n > 0 else -DAY
    left = abs(n)
    while left:
        day += step
        left -= naive_is_working(day, **extras)
    return day


# ---- pinned examples: National Day 2019 ----


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2019, 9, 27), True),  # Friday
        (date(2019, 9, 28), False),  # ordinary Saturday
        (date(2019, 9, 29), True),  # Sunday, make-up workday (调休)
        (date(2019, 9, 30), True),
        *[(date(2019, 10, d), False) for d in range(1, 8)],  # National Day week
        (date(2019, 10, 8), True),
        (date(2019, 10, 12), True),  # Saturday, make-up workday
        (date(2019, 10, 13), False),  # ordinary Sunday
    ],
)
def test_national_day_2019(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2019, 9, 30), 1, date(2019, 10, 8)),
        (date(2019, 9, 29), 2, date(2019, 10, 8)),
        (date(2019, 9, 28), 1, date(2019, 9, 29)),  # from a day off: the Sunday make-up day
        (date(2019, 10, 3), 1, date(2019, 10, 8)),  # from inside the holiday
        (date(2019, 10, 11), 1, date(2019, 10, 12)),  # Saturday 12 October is worked
        (date(2019, 10, 11), 2, date(2019, 10, 14)),  # Sunday 13 October is not
        (date(2019, 10, 10), 3, date(2019, 10, 14)),
        (date(2019, 10, 8), -1, date(2019, 9, 30)),
        (date(2019, 10, 14), -2, date(2019, 10, 11)),
        (date(2019, 10, 5), -1, date(2019, 9, 30)),
        (date(2019, 9, 28), -1, date(2019, 9, 27)),
        (date(2019, 10, 3), 0, date(2019, 10, 3)),  # n == 0 keeps even a day off
        (date(2019, 9, 27), 0, date(2019, 9, 27)),
    ],
)
def test_add_working_days_2019(day: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 29 Sep, 30 Sep, 8–11 Oct, 12 Oct (Saturday), 14 Oct.
        (date(2019, 9, 27), date(2019, 10, 14), 8),
        (date(2019, 10, 14), date(2019, 9, 27), -8),
        (date(2019, 9, 30), date(2019, 10, 7), 0),
        (date(2019, 9, 30), date(2019, 10, 8), 1),
        (date(2019, 10, 11), date(2019, 10, 13), 1),
        (date(2019, 10, 8), date(2019, 10, 8), 0),
        (date(2019, 9, 28), date(2019, 9, 27), 0),  # nothing in (27 Sep, 28 Sep]
    ],
)
def test_working_days_between_2019(start: date, end: date, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_next_and_previous_working_day() -> None:
    assert CAL.next_working_day(date(2019, 10, 1)) == date(2019, 10, 8)
    assert CAL.next_working_day(date(2019, 9, 28)) == date(2019, 9, 29)
    assert CAL.next_working_day(date(2019, 10, 12)) == date(2019, 10, 12)
    assert CAL.previous_working_day(date(2019, 10, 7)) == date(2019, 9, 30)
    assert CAL.previous_working_day(date(2019, 10, 13)) == date(2019, 10, 12)
    assert CAL.previous_working_day(date(2019, 9, 29)) == date(2019, 9, 29)


def test_working_days_is_inclusive_and_ordered() -> None:
    days = list(CAL.working_days(date(2019, 9, 27), date(2019, 10, 14)))
    assert days == [
        date(2019, 9, 27),
        date(2019, 9, 29),
        date(2019, 9, 30),
        *[date(2019, 10, d) for d in range(8, 13)],
        date(2019, 10, 14),
    ]
    assert list(CAL.working_days(date(2019, 10, 1), date(2019, 10, 7))) == []
    assert list(CAL.working_days(date(2019, 10, 9), date(2019, 10, 8))) == []


def test_working_days_checks_arguments_when_called() -> None:
    with pytest.raises(CalendarCoverageError):
        CAL.working_days(date(2026, 12, 1), AFTER_DATA)


# ---- local days ----


def test_extra_holiday_and_workday_change_answers() -> None:
    local = WorkingCalendar(extra_holidays=[date(2019, 10, 8)], extra_workdays=(date(2019, 10, 5),))
    assert not local.is_working_day(date(2019, 10, 8))
    assert local.is_working_day(date(2019, 10, 5))
    assert local.add_working_days(date(2019, 9, 30), 1) == date(2019, 10, 5)
    assert local.add_working_days(date(2019, 9, 30), 2) == date(2019, 10, 9)
    assert local.working_days_between(date(2019, 9, 27), date(2019, 10, 14)) == 8
    assert local.next_working_day(date(2019, 10, 1)) == date(2019, 10, 5)
    # The official calendar is untouched.
    assert CAL.add_working_days(date(2019, 9, 30), 1) == date(2019, 10, 8)


def test_with_local_days_returns_a_new_calendar() -> None:
    local = CAL.with_local_days(holidays=[date(2019, 10, 8)])
    both = local.with_local_days(workdays={date(2019, 10, 5)})
    assert local.extra_holidays == frozenset({date(2019, 10, 8)})
    assert both.extra_holidays == local.extra_holidays
    assert both.extra_workdays == frozenset({date(2019, 10, 5)})
    assert CAL.extra_holidays == frozenset()
    assert both.working_days_between(date(2019, 9, 30), date(2019, 10, 9)) == 2


def test_calendars_compare_by_their_local_days() -> None:
    assert WorkingCalendar() == CAL
    assert hash(WorkingCalendar(extra_holidays=[date(2019, 1, 2)])) == hash(
        WorkingCalendar(extra_holidays={date(2019, 1, 2)})
    )
    assert WorkingCalendar(extra_holidays=[date(2019, 1, 2)]) != CAL


def test_calendar_is_frozen_and_picklable() -> None:
    local = WorkingCalendar(extra_holidays=[date(2019, 10, 8)])
    with pytest.raises(AttributeError):
        local.extra_holidays = frozenset()  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(local))  # noqa: S301 - our own data
    assert copy == local
    assert not copy.is_working_day(date(2019, 10, 8))


def test_china_calendar_is_made_once() -> None:
    assert china_calendar() is china_calendar()


# ---- validation ----


def test_a_date_in_both_local_sets_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkingCalendar(extra_holidays=[date(2019, 1, 2)], extra_workdays=[date(2019, 1, 2)])
    assert caught.value.field == "extra_workdays"
    assert caught.value.received == date(2019, 1, 2)
    with pytest.raises(ValidationError):
        WorkingCalendar(extra_holidays=[date(2019, 1, 2)]).with_local_days(
            workdays=[date(2019, 1, 2)]
        )


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "2019-10-01",
        date(2019, 10, 1),
        [datetime(2019, 10, 1, 9, 0)],  # noqa: DTZ001 - a datetime is the mistake under test
        ["2019-10-01"],
        [[2019, 10, 1]],  # unhashable: the converter must not raise
    ],
)
@pytest.mark.parametrize("field", ["extra_holidays", "extra_workdays"])
def test_bad_local_days_name_the_field(field: str, bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkingCalendar(**{field: bad})  # type: ignore[arg-type]
    assert type(caught.value) is ValidationError
    assert caught.value.field == field


@pytest.mark.parametrize("day", [BEFORE_DATA, AFTER_DATA])
def test_local_days_outside_the_data_are_coverage_errors(day: date) -> None:
    with pytest.raises(CalendarCoverageError) as caught:
        WorkingCalendar(extra_holidays=[day])
    assert caught.value.received == day
    assert caught.value.message.startswith("extra_holidays: ")


def test_with_local_days_names_its_argument() -> None:
    with pytest.raises(ValidationError) as caught:
        CAL.with_local_days(holidays=date(2019, 10, 1))  # type: ignore[arg-type]
    assert caught.value.field == "holidays"
    with pytest.raises(ValidationError) as caught:
        CAL.with_local_days(workdays=[datetime(2019, 10, 5)])  # noqa: DTZ001
    assert caught.value.field == "workdays"


def test_local_days_accept_lists_tuples_and_sets() -> None:
    day = date(2019, 10, 8)
    calendars = {
        WorkingCalendar(extra_holidays=kind([day])) for kind in (list, tuple, set, frozenset)
    }
    assert len(calendars) == 1


NOON = datetime(2019, 10, 8, 12, 0)  # noqa: DTZ001 - a datetime is the mistake under test


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: CAL.is_working_day(NOON), "day"),
        (lambda: CAL.add_working_days(NOON, 1), "day"),
        (lambda: CAL.next_working_day(NOON), "day"),
        (lambda: CAL.previous_working_day(NOON), "day"),
        (lambda: CAL.working_days_between(NOON, date(2019, 10, 9)), "start"),
        (lambda: CAL.working_days_between(date(2019, 10, 9), NOON), "end"),
        (lambda: CAL.working_days(NOON, date(2019, 10, 9)), "start"),
        (lambda: CAL.working_days(date(2019, 10, 9), NOON), "end"),
        (lambda: CAL.is_working_day("2019-10-08"), "day"),  # type: ignore[arg-type]
        (lambda: CAL.add_working_days(date(2019, 10, 8), True), "n"),
        (lambda: CAL.add_working_days(date(2019, 10, 8), 1.0), "n"),  # type: ignore[arg-type]
        (lambda: CAL.add_working_days(date(2019, 10, 8), "1"), "n"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_name_the_argument(call: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert type(caught.value) is ValidationError
    assert caught.value.field == field


# ---- coverage ----


def test_every_covered_day_matches_the_naive_reference() -> None:
    day = CAL.first_day
    while day <= CAL.last_day:
        assert CAL.is_working_day(day) is naive_is_working(day), day
        day += DAY


def test_covered_years_come_from_the_official_data() -> None:
    years = CAL.official_years
    assert years == CAL.package_years
    assert years.start == 2001  # holidays 0.109: State Council notices for 2001–2026
    assert years.stop >= 2027
    assert CAL.provisional_years == range(years.stop, years.stop + 2)
    assert CAL.covered_years == range(years.start, years.stop + 2)
    assert CAL.first_day == date(years[0], 1, 1)
    assert CAL.last_day == date(years.stop + 1, 12, 31)
    # Every covered year lists its own make-up workdays; the next year does not yet.
    for year in [*years, years.stop]:
        in_year = {
            d
            for d in holidays.country_holidays("CN", years=year).weekend_workdays
            if d.year == year
        }
        assert bool(in_year) is (year in years)


@pytest.mark.parametrize("day", [BEFORE_DATA, AFTER_DATA])
def test_dates_outside_the_data_raise(day: date) -> None:
    inside = date(2019, 10, 8)
    calls: list[Callable[[], object]] = [
        lambda: CAL.is_working_day(day),
        lambda: CAL.add_working_days(day, 0),
        lambda: CAL.add_working_days(day, 1),
        lambda: CAL.next_working_day(day),
        lambda: CAL.previous_working_day(day),
        lambda: CAL.working_days_between(day, inside),
        lambda: CAL.working_days_between(inside, day),
        lambda: CAL.working_days(day, inside),
        lambda: CAL.working_days(inside, day),
    ]
    for call in calls:
        with pytest.raises(CalendarCoverageError) as caught:
            call()
        assert caught.value.received == day
        assert (caught.value.first_year, caught.value.last_year) == (2001, CAL.covered_years[-1])


def test_results_outside_the_data_raise() -> None:
    last = CAL.previous_working_day(CAL.last_day)  # 2026-12-31, a Thursday
    assert CAL.add_working_days(last, 0) == last
    assert CAL.add_working_days(CAL.add_working_days(last, -5), 5) == last
    for day, n in [(last, 1), (CAL.add_working_days(last, -5), 6), (CAL.last_day, 1)]:
        with pytest.raises(CalendarCoverageError) as caught:
            CAL.add_working_days(day, n)
        assert caught.value.received == AFTER_DATA
    first = CAL.next_working_day(CAL.first_day)  # 2001-01-02: New Year's Day is off
    assert first == date(2001, 1, 2)
    before_first: list[Callable[[], object]] = [
        lambda: CAL.add_working_days(first, -1),
        lambda: CAL.add_working_days(date(2001, 1, 10), -20),
        lambda: CAL.previous_working_day(CAL.first_day),
    ]
    for call in before_first:
        with pytest.raises(CalendarCoverageError) as caught:
            call()
        assert caught.value.received == BEFORE_DATA


def test_importing_the_module_does_not_load_holidays() -> None:
    code = "import sys, jinjiecu.domain.calendar; print('holidays' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# ---- strategies ----


def test_strategies_refuse_ranges_they_cannot_serve() -> None:
    with pytest.raises(CalendarCoverageError):
        covered_dates(max_value=AFTER_DATA)
    with pytest.raises(ValueError, match="no working day"):
        working_dates(date(2019, 10, 1), date(2019, 10, 7))


@given(working_dates(date(2019, 9, 28), date(2019, 10, 13)))
def test_working_dates_draws_only_working_days(day: date) -> None:
    assert CAL.is_working_day(day)
    assert date(2019, 9, 29) <= day <= date(2019, 10, 12)


# ---- properties ----

shifts = st.integers(min_value=-240, max_value=240)  # about a year of working days either way
middle_dates = covered_dates(date(2020, 1, 1), date(2025, 12, 31))  # room for a year's shift


@given(middle_dates, shifts)
def test_add_then_count_is_identity(day: date, n: int) -> None:
    counted = CAL.working_days_between(day, CAL.add_working_days(day, n))
    if n >= 0 or CAL.is_working_day(day):
        assert counted == n
    else:
        # Counting back from a day off: the first working day before it lies
        # outside (result, day], so one fewer is counted.
        assert counted == n + 1


@given(working_dates(), working_dates())
def test_count_then_add_is_identity_on_working_days(start: date, end: date) -> None:
    assert CAL.add_working_days(start, CAL.working_days_between(start, end)) == end


@given(covered_dates(), working_dates())
def test_count_then_add_reaches_a_later_working_day(start: date, end: date) -> None:
    if start < end:
        assert CAL.add_working_days(start, CAL.working_days_between(start, end)) == end


@given(covered_dates(), covered_dates(), covered_dates())
def test_between_is_antisymmetric_and_additive(a: date, b: date, c: date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == (
        CAL.working_days_between(a, c)
    )


@given(covered_dates(), covered_dates())
def test_between_matches_the_naive_count(start: date, end: date) -> None:
    assert CAL.working_days_between(start, end) == naive_between(start, end)


@given(middle_dates, shifts)
def test_add_matches_the_naive_walk(day: date, n: int) -> None:
    assert CAL.add_working_days(day, n) == naive_add(day, n)


@given(covered_dates(), st.integers(min_value=0, max_value=60))
def test_day_by_day_answers_match_the_naive_ones(start: date, length: int) -> None:
    end = min(start + timedelta(days=length), date(2026, 12, 31))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    expected = [d for d in days if naive_is_working(d)]
    assert [d for d in days if CAL.is_working_day(d)] == expected
    assert list(CAL.working_days(start, end)) == expected
    if expected:
        assert CAL.next_working_day(start) == expected[0]
        assert CAL.previous_working_day(end) == expected[-1]


local_days = st.sets(covered_dates(date(2019, 9, 1), date(2019, 11, 30)), max_size=6)


@given(local_days, local_days, covered_dates(date(2019, 8, 1), date(2019, 12, 31)), shifts)
def test_local_days_match_the_naive_reference(
    off: set[date], worked: set[date], day: date, n: int
) -> None:
    extras = {"extra_holidays": frozenset(off - worked), "extra_workdays": frozenset(worked - off)}
    local = WorkingCalendar(
        extra_holidays=extras["extra_holidays"], extra_workdays=extras["extra_workdays"]
    )
    assert local.is_working_day(day) is naive_is_working(day, **extras)
    assert local.add_working_days(day, n) == naive_add(day, n, **extras)
    other = date(2019, 10, 15)
    assert local.working_days_between(day, other) == naive_between(day, other, **extras)
