"""The written definition of every figure the metrics module computes.

Each result names the definitions it was computed by (``definition`` codes), and
the documentation prints this table, so a figure in a report can always be
traced to its formula, exclusions and edge cases.

>>> DEFINITIONS["identified"].label
'梳理问题'
"""

from __future__ import annotations

import attrs

__all__ = ["DEFINITIONS", "Definition"]


@attrs.frozen(kw_only=True)
class Definition:
    """How one figure is computed."""

    code: str
    label: str
    """The Chinese name reports use."""
    label_en: str
    formula: str
    notes: str = ""


def _d(code: str, label: str, label_en: str, formula: str, notes: str = "") -> Definition:
    return Definition(code=code, label=label, label_en=label_en, formula=formula, notes=notes)


_ALL = [
    _d(
        "as_of",
        "截至",
        "as of",
        "Every figure is computed from the history as it stood at the moment t: a "
        "problem's state at t is the one after its last transition at or before t.",
        "Transitions after t are ignored, so a report re-run later gives the same figures; "
        "only working days counted on a year that was provisional then, and has its "
        "holiday notice now, are counted again on the notice (see provisional).",
    ),
    _d("registered", "登记问题", "registered", "Problems registered at or before t."),
    _d(
        "excluded",
        "不计入",
        "excluded",
        "Registered problems whose state at t is rejected (不予受理), withdrawn (已撤回) "
        "or merged into another (已合并).",
        "They count in no other figure.",
    ),
    _d(
        "identified",
        "梳理问题",
        "identified",
        "registered − excluded.",
        "identified = in progress + resolved + explained + closed.",
    ),
    _d(
        "in_progress",
        "正在办理",
        "in progress",
        "Identified problems whose state at t is registered, assigned, in progress or "
        "suspended: not yet settled, suspended ones included.",
    ),
    _d("resolved", "已解决", "resolved", "Problems whose state at t is resolved (not yet closed)."),
    _d(
        "explained",
        "已解释",
        "explained",
        "Problems whose state at t is explained (not yet closed).",
    ),
    _d(
        "closed",
        "已办结",
        "closed",
        "Problems whose state at t is closed (after follow-up).",
        "Split into closed after a resolution (closed_resolved) and after an explanation "
        "(closed_explained), by the settlement the problem was closed on.",
    ),
    _d(
        "solved",
        "已帮助解决",
        "solved",
        "resolved + closed_resolved: problems solved, whether closed yet or not.",
        "This is the briefing's 已帮助解决完成.",
    ),
    _d("settled", "已办结(含解释)", "settled", "resolved + explained + closed."),
    _d(
        "resolution_rate",
        "解决率",
        "resolution rate",
        "solved / identified.",
        "No data when nothing is identified.",
    ),
    _d(
        "settled_rate",
        "办结率",
        "settled rate",
        "settled / identified.",
        "No data when nothing is identified.",
    ),
    _d(
        "overdue",
        "超期",
        "overdue",
        "Problems assigned, in progress or suspended at t whose local date of t is after "
        "their effective deadline (a suspension pauses the clock).",
        "The deadline day itself is on time.",
    ),
    _d(
        "due_soon",
        "临期",
        "due soon",
        "Problems assigned or in progress at t, not overdue, with the deadline at most the "
        "rules' due_soon_working_days working days away.",
        "Suspended problems are never due soon.",
    ),
    _d(
        "on_time_rate",
        "按期办结率",
        "on-time rate",
        "settled on time / due. Due: problems with a deadline that are settled at t, or "
        "overdue at t. Settled on time: settled on or before the deadline.",
        "Problems without a deadline count in neither. No data when none are due.",
    ),
    _d(
        "reopen_rate",
        "重办率",
        "reopen rate",
        "problems reopened at least once by t / problems settled at least once by t.",
        "No data when none were ever settled.",
    ),
    _d(
        "solved_rate",
        "回访解决率",
        "follow-up solved rate",
        "followed-up problems whose latest follow-up says solved / followed-up problems. "
        "Followed up: settled at t, with a follow-up since the settlement.",
        "No data when none were followed up.",
    ),
    _d(
        "satisfaction_rate",
        "满意率",
        "satisfaction rate",
        "followed-up problems whose latest follow-up is satisfied (and, if the caller "
        "chooses, basically satisfied) / followed-up problems.",
        "The summary records whether 基本满意 counted. No data when none were followed up.",
    ),
    _d(
        "response_time",
        "响应时间",
        "response time",
        "From the local registration day to the local day of the first assignment, for "
        "problems assigned by t: working days (on the store's calendar) and calendar days.",
        "Mean (to 0.01), median and 90th percentile (nearest rank). No data when none.",
    ),
    _d(
        "resolution_time",
        "办理时间",
        "time to resolution",
        "From the local registration day to the local day of the settlement that stands "
        "at t, for problems settled at t: working days and calendar days.",
        "Mean (to 0.01), median and 90th percentile (nearest rank). No data when none.",
    ),
    _d(
        "provisional",
        "暂定",
        "provisional",
        "A row's figures are provisional for the years without a holiday notice yet that "
        "they were counted on: a problem of the row (not excluded) assigned or settled in "
        "such a year, with its deadline in one, or suspended with t in one. The row lists "
        "those years (provisional_years); none when every day counted is official.",
        "Provisional days follow the statutory holidays without make-up workdays; when the "
        "notice is added, deadlines are recounted and the mark goes.",
    ),
    _d(
        "visits",
        "进厂入企",
        "visits",
        "Visits made at or before t.",
        "A visit counts for the region of the enterprise (or else the project) visited.",
    ),
    _d(
        "coverage",
        "帮扶覆盖",
        "target coverage",
        "Of the backbone enterprises, key projects and technical-renovation projects "
        "assigned to a campaign's work groups, those visited at least once by t.",
    ),
    _d(
        "finance",
        "金融纾困",
        "finance relief",
        "Sums of the finance records dated at or before the report day: debt resolved "
        "(before − after), renewals (count and new amount), bridge-fund draws (count and "
        "amount), coordinated financing (count and amount), idle assets (book value).",
        "A record counts for its enterprise's region; amounts given as lower bounds keep "
        "their marker in the totals.",
    ),
    _d(
        "region_rollup",
        "逐级汇总",
        "region roll-up",
        "Grouped by region, a region's row counts the records of the region and of every "
        "region below it, so a county's figures add into its city's.",
        "Rows therefore overlap; the top-level rows add up to the total.",
    ),
    _d(
        "ranking",
        "排名",
        "ranking",
        "Rows ordered by a rate; rows whose rate has fewer than min_sample in its "
        "denominator, or no data, are listed as unranked. Equal rates share a position "
        "(1, 2, 2, 4).",
    ),
]

DEFINITIONS: dict[str, Definition] = {definition.code: definition for definition in _ALL}
"""Every definition, by code."""
