"""Notices and provisional years: the calendar past the holidays package's last year."""

from __future__ import annotations

import pickle
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.calendar import (
    DaySource,
    HolidayNotice,
    WorkingCalendar,
    china_calendar,
    statutory_holidays,
)
from jinjiecu.errors import CalendarCoverageError, ValidationError
from jinjiecu.testing.strategies import covered_dates, holiday_notices

ROOT = Path(__file__).resolve().parents[3]
LAST = china_calendar().official_years[-1]
NEXT = LAST + 1
"""The first year the installed holidays package does not cover (2027 with holidays 0.109)."""
TEST_NOTICE = HolidayNotice.from_toml(
    (ROOT / "tests" / "data" / "notice-2027-test.toml").read_text(encoding="utf-8")
)
pytestmark = pytest.mark.skipif(
    NEXT != 2027, reason="the test notice is for 2027; the holidays package now covers it"
)


def year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def extended() -> WorkingCalendar:
    return china_calendar().with_notice(TEST_NOTICE)


# ---- provisional years ----


def test_the_two_years_after_the_package_are_provisional() -> None:
    calendar = china_calendar()
    assert calendar.provisional_years == range(NEXT, NEXT + 2)
    assert calendar.covered_years.stop == NEXT + 2
    assert calendar.first_provisional_day == date(NEXT, 1, 1)
    assert calendar.is_provisional(date(NEXT, 6, 1))
    assert not calendar.is_provisional(date(LAST, 12, 31))
    assert not calendar.is_provisional(date(NEXT + 2, 1, 1))  # not covered at all
    assert calendar.source_of(date(NEXT + 1, 3, 1)) is DaySource.PROVISIONAL
    assert calendar.source_of(date(LAST, 3, 1)) is DaySource.PACKAGE
    with pytest.raises(CalendarCoverageError) as caught:
        calendar.is_working_day(date(NEXT + 2, 1, 4))
    assert caught.value.last_year == NEXT + 1
    assert f"{NEXT + 1}" in str(caught.value)


@pytest.mark.parametrize("year", [NEXT, NEXT + 1])
def test_a_provisional_year_has_exactly_the_statutory_days_off_beyond_weekends(year: int) -> None:
    calendar = china_calendar()
    statutory = statutory_holidays(year)
    assert len(statutory) + sum(name.count("、") for name in statutory.values()) == 13
    off_weekdays = {
        d for d in year_days(year) if d.weekday() < 5 and not calendar.is_working_day(d)
    }
    assert off_weekdays == {d for d in statutory if d.weekday() < 5}
    worked_weekends = {
        d for d in year_days(year) if d.weekday() >= 5 and calendar.is_working_day(d)
    }
    assert worked_weekends == set()  # make-up workdays are only known from a notice


def test_the_statutory_holidays_follow_the_2024_rule() -> None:
    days = statutory_holidays(2027)
    assert [days[d] for d in sorted(days)] == [
        "元旦",
        "农历除夕",
        "春节",
        "春节",
        "春节",
        "清明节",
        "劳动节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "国庆节",
        "国庆节",
    ]
    assert statutory_holidays(2028)[date(2028, 10, 3)] == "中秋节、国庆节"
    with pytest.raises(ValidationError) as caught:
        statutory_holidays("2027")
    assert caught.value.field == "year"


def test_no_provisional_years_when_turned_off() -> None:
    strict = WorkingCalendar(provisional_horizon=0)
    assert strict.provisional_years == range(0)
    assert strict.first_provisional_day is None
    with pytest.raises(CalendarCoverageError):
        strict.add_working_days(date(LAST, 12, 20), 15)
    with pytest.raises(ValidationError) as caught:
        WorkingCalendar(provisional_horizon=-1)
    assert caught.value.field == "provisional_horizon"


# ---- a notice ----


def test_the_notice_year_is_counted_with_its_days_off_and_workdays() -> None:
    calendar = extended()
    assert calendar.official_years[-1] == NEXT
    assert calendar.provisional_years == range(NEXT + 1, NEXT + 3)
    assert calendar.source_of(date(NEXT, 3, 1)) is DaySource.NOTICE
    for day in TEST_NOTICE.days_off:
        assert not calendar.is_working_day(day)
    for day in TEST_NOTICE.workdays:
        assert calendar.is_working_day(day)
    listed = TEST_NOTICE.days_off | TEST_NOTICE.workdays
    for day in year_days(NEXT):
        if day not in listed:
            assert calendar.is_working_day(day) is (day.weekday() < 5), day


def test_the_notice_moves_a_deadline_exactly_as_it_says() -> None:
    assigned = date(NEXT, 1, 25)
    # Provisionally: 除夕 and 初三 (Monday) are off, nothing else.
    assert china_calendar().add_working_days(assigned, 15) == date(NEXT, 2, 17)
    # The notice also gives 9–11 February off and has Saturday 20 February worked.
    assert extended().add_working_days(assigned, 15) == date(NEXT, 2, 20)


@given(holiday_notices(), covered_dates())
def test_a_notice_never_changes_any_other_year(notice: HolidayNotice, day: date) -> None:
    assert china_calendar().with_notice(notice).is_working_day(day) is (
        china_calendar().is_working_day(day)
    )


@given(holiday_notices(), st.dates(date(NEXT + 1, 1, 1), date(NEXT + 1, 12, 31)))
def test_a_notice_keeps_the_next_year_provisional_as_before(
    notice: HolidayNotice, day: date
) -> None:
    calendar = china_calendar().with_notice(notice)
    assert calendar.is_provisional(day)
    assert calendar.is_working_day(day) is china_calendar().is_working_day(day)


@given(holiday_notices())
def test_every_generated_notice_passes_the_statutory_check(notice: HolidayNotice) -> None:
    notice.check_statutory()
    calendar = china_calendar().with_notice(notice)
    for day in notice.days_off:
        assert not calendar.is_working_day(day)
    for day in notice.workdays:
        assert calendar.is_working_day(day)


def test_a_corrected_notice_replaces_the_first() -> None:
    corrected = HolidayNotice(
        year=NEXT, days_off=TEST_NOTICE.days_off - {date(NEXT, 2, 11)}, workdays=[]
    )
    calendar = extended().with_notice(corrected)
    assert calendar.notices == (corrected,)
    assert calendar.is_working_day(date(NEXT, 2, 11))
    assert not calendar.is_working_day(date(NEXT, 2, 20))


def test_notices_chain_year_after_year() -> None:
    second = HolidayNotice(year=NEXT + 1, days_off=statutory_holidays(NEXT + 1), workdays=[])
    two = extended().with_notice(second)
    assert two.official_years[-1] == NEXT + 1
    assert [notice.year for notice in two.notices] == [NEXT, NEXT + 1]
    assert two.notice_for(NEXT + 1) is second
    assert two.notice_for(NEXT + 5) is None


def test_with_notices_leaves_out_a_year_the_package_covers() -> None:
    stale = HolidayNotice(year=LAST, days_off=statutory_holidays(LAST), workdays=[])
    calendar = china_calendar().with_notices([TEST_NOTICE, stale])
    assert calendar.notices == (TEST_NOTICE,)


def test_local_days_keep_the_notice_and_may_fall_in_provisional_years() -> None:
    city_day = next(
        d for d in (date(NEXT, 3, 1) + timedelta(i) for i in range(7)) if d.weekday() < 5
    )
    local = extended().with_local_days(holidays=[city_day])
    assert local.notices == extended().notices
    assert not local.is_working_day(city_day)
    assert local.source_of(city_day) is DaySource.LOCAL
    assert extended().is_working_day(city_day)
    provisional = china_calendar().with_local_days(holidays=[date(NEXT + 1, 3, 1)])
    assert not provisional.is_working_day(date(NEXT + 1, 3, 1))
    with pytest.raises(CalendarCoverageError):
        china_calendar().with_local_days(holidays=[date(NEXT + 2, 3, 1)])


def test_calendars_with_the_same_notice_are_equal_and_picklable() -> None:
    assert extended() == extended()
    assert hash(extended()) == hash(extended())
    assert extended() != china_calendar()
    copy = pickle.loads(pickle.dumps(extended()))  # noqa: S301 - our own bytes
    assert copy == extended()
    assert copy.is_working_day(date(NEXT, 2, 11)) is False


def test_only_the_next_year_or_a_year_with_a_notice_is_accepted() -> None:
    for year in (LAST, NEXT + 1):
        notice = HolidayNotice(year=year, days_off=statutory_holidays(year), workdays=[])
        with pytest.raises(ValidationError) as caught:
            china_calendar().with_notice(notice)
        assert caught.value.field == "notices"
        assert caught.value.received == year
        assert f"the notice for {NEXT}" in str(caught.value)
        assert f"covers up to {LAST}" in str(caught.value)


def test_with_official_year_still_adds_a_year() -> None:
    calendar = china_calendar().with_official_year(
        NEXT, days_off=TEST_NOTICE.days_off, workdays=TEST_NOTICE.workdays
    )
    assert calendar.add_working_days(date(NEXT, 1, 25), 15) == date(NEXT, 2, 20)


# ---- the statutory rule ----


def test_a_statutory_holiday_that_is_not_off_is_named() -> None:
    notice = HolidayNotice(
        year=NEXT, days_off=TEST_NOTICE.days_off - {date(NEXT, 6, 9)}, workdays=[]
    )
    with pytest.raises(ValidationError) as caught:
        china_calendar().with_notice(notice)
    assert caught.value.field == "days_off"
    assert caught.value.received == date(NEXT, 6, 9)
    assert "2027-06-09 (端午节, 星期三) is a statutory holiday but not a day off" in str(
        caught.value
    )
    assert str(caught.value).startswith("the notice for 2027: ")


def test_a_statutory_holiday_on_a_weekend_need_not_be_listed() -> None:
    # 6 February 2027 (春节) is a Saturday: off anyway, unless the notice works it.
    weekend = date(NEXT, 2, 6)
    notice = HolidayNotice(year=NEXT, days_off=TEST_NOTICE.days_off - {weekend}, workdays=[])
    notice.check_statutory()
    worked = HolidayNotice(year=NEXT, days_off=TEST_NOTICE.days_off - {weekend}, workdays=[weekend])
    with pytest.raises(ValidationError) as caught:
        worked.check_statutory()
    assert caught.value.field == "days_off"


def test_a_workday_that_is_already_a_working_day_is_named() -> None:
    notice = HolidayNotice(year=NEXT, days_off=TEST_NOTICE.days_off, workdays=[date(NEXT, 3, 3)])
    with pytest.raises(ValidationError) as caught:
        notice.check_statutory()
    assert caught.value.field == "workdays"
    assert caught.value.received == date(NEXT, 3, 3)
    assert "2027-03-03 is a 星期三, already a working day" in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"days_off": [date(LAST, 12, 31)], "workdays": []}, "days_off"),
        ({"days_off": [], "workdays": [date(NEXT + 1, 1, 2)]}, "workdays"),
        ({"days_off": ["2027-01-01"], "workdays": []}, "days_off"),
        ({"days_off": date(NEXT, 1, 1), "workdays": []}, "days_off"),
        ({"days_off": [date(NEXT, 1, 1)], "workdays": [date(NEXT, 1, 1)]}, "workdays"),
        ({"days_off": [], "workdays": [], "title": "两行\n标题"}, "title"),
        ({"days_off": [], "workdays": [], "source": 7}, "source"),
        ({"days_off": [], "workdays": [], "published_on": "2026-11-12"}, "published_on"),
    ],
)
def test_bad_notices_name_the_field(arguments: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        HolidayNotice(year=NEXT, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("year", [True, "2027", 1800, 2027.0])
def test_a_notice_needs_a_year(year: object) -> None:
    with pytest.raises(ValidationError) as caught:
        HolidayNotice(year=year, days_off=[], workdays=[])  # type: ignore[arg-type]
    assert caught.value.field == "year"


def test_a_notice_has_its_usual_title_by_default() -> None:
    notice = HolidayNotice(year=NEXT, days_off=[], workdays=[])
    assert notice.title == "国务院办公厅关于2027年部分节假日安排的通知"
    assert TEST_NOTICE.published_on == date(2026, 11, 12)


@given(st.sets(st.dates(date(NEXT, 1, 1), date(NEXT, 12, 31)), max_size=30))
def test_a_notice_turns_exactly_its_days(days_off: set[date]) -> None:
    notice = HolidayNotice(year=NEXT, days_off=days_off, workdays=[])
    flags = notice.working_flags()
    assert len(flags) == (date(NEXT + 1, 1, 1) - date(NEXT, 1, 1)).days
    for index, flag in enumerate(flags):
        day = date(NEXT, 1, 1) + timedelta(days=index)
        assert flag == int(day.weekday() < 5 and day not in days_off)


# ---- notices typed as TOML ----


@given(holiday_notices())
def test_a_notice_reads_back_from_its_toml(notice: HolidayNotice) -> None:
    assert HolidayNotice.from_toml(notice.to_toml()) == notice


def test_the_test_notice_reads_with_every_field() -> None:
    assert TEST_NOTICE.title.endswith("（测试用）")
    assert "test data" in TEST_NOTICE.source
    assert HolidayNotice.from_toml(TEST_NOTICE.to_toml()) == TEST_NOTICE


def test_the_notice_in_the_command_line_guide_reads() -> None:
    guide = ROOT / "docs" / "howto" / "command-line.md"
    blocks = re.findall(r"```toml\n(.*?)```", guide.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    notice = HolidayNotice.from_toml(blocks[0])
    assert notice.year == 2027
    notice.check_statutory()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("year = 2027\ndays_off = 2027-01-01\nworkdays = []", "days_off"),
        ("year = 2027\ndays_off = [2027-01-01T08:00:00]\nworkdays = []", "days_off[0]"),
        ("year = 2027\ndays_off = []\nworkdays = ['2027-13-01']", "workdays[0]"),
        ("year = '2027'\ndays_off = []\nworkdays = []", "year"),
        ("days_off = []\nworkdays = []", "year"),
        ("year = 2027\ndays_off = []\nworkdays = []\nnote = 'x'", "note"),
        ("year = 2027\ndays_off = []\nworkdays = []\npublished_on = 'soon'", "published_on"),
        ("year = ", "notice"),
    ],
)
def test_a_typed_notice_names_what_is_wrong(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        HolidayNotice.from_toml(text)
    assert caught.value.field == field
