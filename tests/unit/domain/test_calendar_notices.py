"""Adding a year's official notice to the working-day calendar (with_official_year)."""

from __future__ import annotations

import pickle
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jinjiecu.domain.calendar import HolidayNotice, WorkingCalendar, china_calendar
from jinjiecu.errors import CalendarCoverageError, ValidationError
from jinjiecu.testing.strategies import covered_dates

LAST = china_calendar().covered_years[-1]
NEXT = LAST + 1
"""The first year the installed holidays package does not cover."""
# A made-up notice in the shape of a real one: New Year's Day off, a Spring
# Festival week off with two weekend days worked, National Day week off.
DAYS_OFF = [
    date(NEXT, 1, 1),
    *(date(NEXT, 2, 5) + timedelta(days=i) for i in range(8)),
    *(date(NEXT, 10, 1) + timedelta(days=i) for i in range(7)),
]
WORKDAYS = [
    day
    for day in (date(NEXT, 2, 3), date(NEXT, 2, 4), date(NEXT, 9, 26), date(NEXT, 10, 9))
    if day.weekday() >= 5 and day not in DAYS_OFF
]


def extended() -> WorkingCalendar:
    return china_calendar().with_official_year(NEXT, days_off=DAYS_OFF, workdays=WORKDAYS)


def test_the_new_year_is_covered_with_its_days_off_and_workdays() -> None:
    assert WORKDAYS  # the example has make-up workdays to check
    calendar = extended()
    assert calendar.covered_years == range(china_calendar().covered_years[0], NEXT + 1)
    assert calendar.last_day == date(NEXT, 12, 31)
    for day in DAYS_OFF:
        assert not calendar.is_working_day(day)
    for day in WORKDAYS:
        assert calendar.is_working_day(day)
    listed = set(DAYS_OFF) | set(WORKDAYS)
    day = date(NEXT, 1, 1)
    while day.year == NEXT:
        if day not in listed:
            assert calendar.is_working_day(day) is (day.weekday() < 5), day
        day += timedelta(days=1)


def test_deadlines_cross_into_the_new_year() -> None:
    # Without the notice a deadline set in late December cannot be computed.
    start = date(LAST, 12, 20)
    with pytest.raises(CalendarCoverageError):
        china_calendar().add_working_days(start, 10)
    deadline = extended().add_working_days(start, 10)
    assert deadline.year == NEXT
    assert extended().working_days_between(start, deadline) == 10


@given(covered_dates())
def test_the_covered_years_are_unchanged(day: date) -> None:
    assert extended().is_working_day(day) is china_calendar().is_working_day(day)


def test_the_year_after_the_notice_is_still_refused() -> None:
    with pytest.raises(CalendarCoverageError) as caught:
        extended().is_working_day(date(NEXT + 1, 1, 4))
    assert caught.value.last_year == NEXT


def test_notices_chain_year_after_year() -> None:
    two = extended().with_official_year(NEXT + 1, days_off=[date(NEXT + 1, 1, 1)], workdays=[])
    assert two.covered_years[-1] == NEXT + 1
    assert [notice.year for notice in two.notices] == [NEXT, NEXT + 1]
    assert not two.is_working_day(date(NEXT + 1, 1, 1)) or date(NEXT + 1, 1, 1).weekday() >= 5


def test_local_days_keep_the_notice_and_may_fall_in_its_year() -> None:
    city_day = next(
        d for d in (date(NEXT, 3, 1) + timedelta(i) for i in range(7)) if d.weekday() < 5
    )
    local = extended().with_local_days(holidays=[city_day])
    assert local.notices == extended().notices
    assert not local.is_working_day(city_day)
    assert extended().is_working_day(city_day)
    with pytest.raises(CalendarCoverageError):
        china_calendar().with_local_days(holidays=[city_day])


def test_calendars_with_the_same_notice_are_equal_and_picklable() -> None:
    assert extended() == extended()
    assert hash(extended()) == hash(extended())
    assert extended() != china_calendar()
    copy = pickle.loads(pickle.dumps(extended()))  # noqa: S301 - our own bytes
    assert copy == extended()
    assert copy.is_working_day(DAYS_OFF[0]) is False


def test_only_the_year_after_the_covered_ones_is_accepted() -> None:
    for year in (LAST, NEXT + 1):
        with pytest.raises(ValidationError) as caught:
            china_calendar().with_official_year(year, days_off=[], workdays=[])
        assert caught.value.field == "notices"
        assert caught.value.received == year
        assert f"the notice for {NEXT}" in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"days_off": [date(LAST, 12, 31)], "workdays": []}, "days_off"),
        ({"days_off": [], "workdays": [date(NEXT + 1, 1, 2)]}, "workdays"),
        ({"days_off": ["2027-01-01"], "workdays": []}, "days_off"),
        ({"days_off": date(NEXT, 1, 1), "workdays": []}, "days_off"),
        ({"days_off": [date(NEXT, 1, 1)], "workdays": [date(NEXT, 1, 1)]}, "workdays"),
    ],
)
def test_bad_notices_name_the_field(arguments: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        china_calendar().with_official_year(NEXT, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("year", [True, "2027", 1800, 2027.0])
def test_a_notice_needs_a_year(year: object) -> None:
    with pytest.raises(ValidationError) as caught:
        HolidayNotice(year=year, days_off=[], workdays=[])  # type: ignore[arg-type]
    assert caught.value.field == "year"


@given(st.sets(st.dates(date(NEXT, 1, 1), date(NEXT, 12, 31)), max_size=30))
def test_a_notice_turns_exactly_its_days(days_off: set[date]) -> None:
    notice = HolidayNotice(year=NEXT, days_off=days_off, workdays=[])
    flags = notice.working_flags()
    assert len(flags) == (date(NEXT + 1, 1, 1) - date(NEXT, 1, 1)).days
    for index, flag in enumerate(flags):
        day = date(NEXT, 1, 1) + timedelta(days=index)
        assert flag == int(day.weekday() < 5 and day not in days_off)


def test_the_notice_in_the_command_line_guide_reads() -> None:
    guide = Path(__file__).resolve().parents[3] / "docs" / "howto" / "command-line.md"
    blocks = re.findall(r"```toml\n(.*?)```", guide.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    notice = HolidayNotice.from_toml(blocks[0])
    assert notice.year == 2027
    assert date(2027, 9, 26) in notice.workdays


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("year = 2027\ndays_off = 2027-01-01\nworkdays = []", "days_off"),
        ("year = 2027\ndays_off = [2027-01-01T08:00:00]\nworkdays = []", "days_off[0]"),
        ("year = 2027\ndays_off = []\nworkdays = ['2027-13-01']", "workdays[0]"),
        ("year = '2027'\ndays_off = []\nworkdays = []", "year"),
        ("days_off = []\nworkdays = []", "year"),
        ("year = 2027\ndays_off = []\nworkdays = []\nnote = 'x'", "note"),
        ("year = ", "notice"),
    ],
)
def test_a_typed_notice_names_what_is_wrong(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        HolidayNotice.from_toml(text)
    assert caught.value.field == field
