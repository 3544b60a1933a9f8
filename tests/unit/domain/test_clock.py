from __future__ import annotations

import datetime as dt

import pytest

from jinjiecu.domain.clock import CHINA_TZ, at, local_date, now, start_of_day
from jinjiecu.errors import ValidationError


def test_now_is_aware_and_in_china_time() -> None:
    moment = now()
    assert moment.tzinfo is CHINA_TZ
    assert moment.utcoffset() == dt.timedelta(hours=8)


def test_local_date_is_taken_in_china_time() -> None:
    assert local_date(dt.datetime(2019, 11, 12, 15, 59, tzinfo=dt.UTC)) == dt.date(2019, 11, 12)
    assert local_date(dt.datetime(2019, 11, 12, 16, 0, tzinfo=dt.UTC)) == dt.date(2019, 11, 13)


def test_local_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValidationError) as caught:
        local_date(dt.datetime(2019, 11, 12))  # noqa: DTZ001 - the point of the test
    assert caught.value.field == "moment"


def test_start_of_day_and_at() -> None:
    assert start_of_day(dt.date(2019, 10, 10)).isoformat() == "2019-10-10T00:00:00+08:00"
    assert at(dt.date(2019, 10, 10), 14, 5).isoformat() == "2019-10-10T14:05:00+08:00"
