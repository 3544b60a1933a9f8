"""What figures can be grouped by, and how periods are named."""

from __future__ import annotations

import datetime as dt

import pytest

from jinjiecu.metrics import Dimension, period_key
from jinjiecu.metrics.dimensions import PERIODS


@pytest.mark.parametrize(
    ("day", "dimension", "key"),
    [
        (dt.date(2019, 11, 13), Dimension.DAY, "2019-11-13"),
        (dt.date(2019, 11, 13), Dimension.WEEK, "2019-W46"),
        (dt.date(2019, 11, 13), Dimension.MONTH, "2019-11"),
        (dt.date(2019, 1, 7), Dimension.WEEK, "2019-W02"),  # two digits
        (dt.date(2019, 12, 30), Dimension.WEEK, "2020-W01"),  # ISO weeks cross the year
        (dt.date(2021, 1, 3), Dimension.WEEK, "2020-W53"),
        (dt.date(2019, 2, 1), Dimension.MONTH, "2019-02"),
    ],
)
def test_period_keys(day: dt.date, dimension: Dimension, key: str) -> None:
    assert period_key(day, dimension) == key


def test_period_keys_sort_in_time_order() -> None:
    days = [dt.date(2019, 9, 30), dt.date(2019, 10, 7), dt.date(2019, 12, 30), dt.date(2020, 3, 2)]
    for dimension in PERIODS:
        keys = [period_key(day, dimension) for day in days]
        assert keys == sorted(keys)


def test_only_periods_have_period_keys() -> None:
    with pytest.raises(ValueError, match="not a period"):
        period_key(dt.date(2019, 11, 13), Dimension.REGION)


def test_dimensions_are_labelled_and_parsed() -> None:
    assert {Dimension.DAY, Dimension.WEEK, Dimension.MONTH} == PERIODS
    assert Dimension.REGION.label == "县市区"
    assert Dimension.parse("work_group") is Dimension.WORK_GROUP
    assert Dimension.parse("工作组") is Dimension.WORK_GROUP
