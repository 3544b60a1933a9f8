"""Every day from 2019 to 2026 against an independent record of the official calendar.

The ``chinesecalendar`` package (a test-only dependency) keeps its own copy of
the State Council's notices, typed independently of the ``holidays`` package
the library reads. The two must agree on every day the campaigns counted on;
a disagreement would have to be settled by the notice itself and explained
in the docs (:doc:`/howto/working-days`). There is none.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from jinjiecu.domain.calendar import china_calendar

FIRST, LAST = dt.date(2019, 1, 1), dt.date(2026, 12, 31)


@pytest.mark.parametrize("year", range(FIRST.year, LAST.year + 1))
def test_every_day_agrees_with_an_independent_record_of_the_notices(year: int) -> None:
    calendar = china_calendar()
    day = dt.date(year, 1, 1)
    disagreements = []
    while day.year == year:
        if chinese_calendar.is_workday(day) is not calendar.is_working_day(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


def test_the_independent_record_says_something_else_than_weekends() -> None:
    # Guards the check above against a record that would agree by knowing nothing.
    assert chinese_calendar.is_workday(dt.date(2019, 10, 12))  # a Saturday worked (调休)
    assert not chinese_calendar.is_workday(dt.date(2026, 2, 17))  # Spring Festival, a Tuesday
