"""Time conventions: every moment is timezone-aware; dates that are dates stay dates.

The default zone is Asia/Shanghai (China Standard Time, UTC+8, no daylight
saving). A moment's *local date*, the date an office would write in its ledger,
is taken in that zone.

>>> import datetime as dt
>>> local_date(dt.datetime(2019, 11, 12, 17, 0, tzinfo=dt.UTC))
datetime.date(2019, 11, 13)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from jinjiecu.errors import ValidationError

__all__ = [
    "CHINA_TZ",
    "MONTHS_EN",
    "at",
    "end_of_day",
    "is_aware",
    "local_date",
    "now",
    "start_of_day",
]

CHINA_TZ = ZoneInfo("Asia/Shanghai")
"""China Standard Time, the zone ledgers and reports are written in."""

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""The months' English names, January first, for English text (not the machine's locale)."""


def now() -> dt.datetime:
    """Return the current moment in China Standard Time."""
    return dt.datetime.now(CHINA_TZ)


def local_date(moment: dt.datetime) -> dt.date:
    """Return the date of ``moment`` in China Standard Time (``moment`` must be aware)."""
    _require_aware(moment, "moment")
    return moment.astimezone(CHINA_TZ).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Return midnight at the start of ``day`` in China Standard Time."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=CHINA_TZ)


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the last moment of ``day`` in China Standard Time: "截至11月13日" is this moment.

    >>> end_of_day(dt.date(2019, 11, 13)).isoformat()
    '2019-11-13T23:59:59.999999+08:00'
    """
    return dt.datetime.combine(day, dt.time.max, tzinfo=CHINA_TZ)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """Return a moment on ``day`` in China Standard Time (default 09:00), for examples and tests.

    >>> at(dt.date(2019, 10, 10)).isoformat()
    '2019-10-10T09:00:00+08:00'
    """
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHINA_TZ)


def is_aware(value: object) -> bool:
    """Whether ``value`` is a timezone-aware :class:`~datetime.datetime`."""
    return (
        isinstance(value, dt.datetime)
        and value.tzinfo is not None
        and value.tzinfo.utcoffset(value) is not None
    )


def _require_aware(moment: object, field: str) -> None:
    if not is_aware(moment):
        raise ValidationError(field=field, expected="a timezone-aware datetime", received=moment)
