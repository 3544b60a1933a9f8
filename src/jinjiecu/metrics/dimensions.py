"""What figures can be grouped by, and how periods are named.

>>> import datetime as dt
>>> day = dt.date(2019, 11, 13)
>>> period_key(day, Dimension.WEEK), period_key(day, Dimension.MONTH)
('2019-W46', '2019-11')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinjiecu.domain.labels import LabelledEnum

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["PERIODS", "Dimension", "period_key"]


class Dimension(LabelledEnum):
    """A way of grouping rows."""

    CAMPAIGN = "campaign", "集中行动"
    WORK_GROUP = "work_group", "工作组"
    REGION = "region", "县市区"
    DEPARTMENT = "department", "牵头部门"
    CATEGORY = "category", "问题类别"
    SCOPE = "scope", "问题性质"
    LEVEL = "level", "办理层级"
    ENTERPRISE = "enterprise", "企业"
    DAY = "day", "日"
    WEEK = "week", "周"
    MONTH = "month", "月"


PERIODS = frozenset({Dimension.DAY, Dimension.WEEK, Dimension.MONTH})
"""The dimensions that group by a date."""


def period_key(day: dt.date, dimension: Dimension) -> str:
    """Name the period ``day`` falls in: ``2019-11-13``, ``2019-W46`` (ISO week) or ``2019-11``."""
    if dimension is Dimension.DAY:
        return day.isoformat()
    if dimension is Dimension.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if dimension is Dimension.MONTH:
        return f"{day.year}-{day.month:02d}"
    message = f"{dimension} is not a period"
    raise ValueError(message)
