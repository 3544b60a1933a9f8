"""``jinjiecu stats``: problem (or visit) figures as of a moment, grouped by a dimension.

The figures are printed as a table, or as JSON with ``--json``
(:func:`figures_json`, :func:`rate_json`, :func:`finance_json`: exact decimals
as strings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._filters import build_query, query_json
from jinjiecu.cli._store import opened, provisional_note
from jinjiecu.cli._text import Ui, clip, fail, table

if TYPE_CHECKING:
    import argparse
    import datetime as dt

    from jinjiecu.metrics.dimensions import Dimension
    from jinjiecu.metrics.results import (
        FinanceFigures,
        ProblemFigures,
        Rate,
        Summary,
        VisitFigures,
    )
    from jinjiecu.storage.base import Query, Store


DIMENSIONS_HELP = (
    "campaign 集中行动, work_group 工作组, region 县市区, department 牵头部门, "
    "category 问题类别, scope 问题性质, level 办理层级, enterprise 企业, day 日, week 周, month 月"
)
"""The dimensions ``--by`` takes, for the help text (written out: ``--help`` stays quick).

A test checks it against :class:`~jinjiecu.metrics.dimensions.Dimension`.
"""


_COUNT_ROWS = (
    "registered",
    "excluded",
    "identified",
    "in_progress",
    "resolved",
    "explained",
    "closed",
    "solved",
    "settled",
    "overdue",
    "due_soon",
)
_TABLE_COLUMNS = ("identified", "in_progress", "solved", "resolution_rate", "overdue", "due_soon")
_DURATIONS = {
    "response_working_days": (
        "响应工作日 平均/中位/P90",
        "response, working days: mean / median / p90",
    ),
    "resolution_working_days": (
        "办理工作日 平均/中位/P90",
        "to resolution, working days: mean / median / p90",
    ),
}


_VISIT_FILTERS = {"campaign_id", "work_group_id", "region_id", "enterprise_id"}


def _describe_moment(moment: dt.datetime) -> tuple[str, str]:
    from jinjiecu.domain.clock import CHINA_TZ, end_of_day, local_date  # noqa: PLC0415

    day = local_date(moment)
    if moment == end_of_day(day):
        return f"{day:%Y年%m月%d日}（当日止）", f"the end of {day.isoformat()}"
    local = moment.astimezone(CHINA_TZ)
    return f"{local:%Y年%m月%d日 %H:%M}", f"{local:%Y-%m-%d %H:%M} (China time)"


def _label(code: str) -> tuple[str, str]:
    from jinjiecu.metrics import DEFINITIONS  # noqa: PLC0415

    definition = DEFINITIONS.get(code)
    if definition is None:
        return code, code.replace("_", " ")
    return definition.label, definition.label_en


def rate_json(rate: Rate) -> dict[str, Any]:
    """A rate for JSON: numerator, denominator, exact value (a string) and percentage."""
    value = rate.value
    return {
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "value": None if value is None else str(value),
        "percent": None if value is None else rate.percent,
    }


def figures_json(figures: ProblemFigures) -> dict[str, Any]:
    """Problem figures for JSON: every count, every rate, the duration statistics."""
    from jinjiecu.metrics.results import RATES  # noqa: PLC0415 - figures have loaded it

    durations = {}
    for field in attrs.fields(type(figures)):
        stats = getattr(figures, field.name)
        if hasattr(stats, "p90"):
            durations[field.name] = {
                "count": stats.count,
                "mean": None if stats.mean is None else str(stats.mean),
                "median": None if stats.median is None else str(stats.median),
                "p90": stats.p90,
            }
    return {
        **figures.counts(),
        "rates": {name: rate_json(getattr(figures, name)) for name in RATES},
        "durations": durations,
        "provisional_years": list(figures.provisional_years),
    }


def _rate_cell(rate: Rate, ui: Ui) -> str:
    if rate.value is None:
        return ui.text("无数据", "no data")
    return f"{rate.percent} ({rate.numerator}/{rate.denominator})"


def run_stats(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu stats``: problem (or visit) figures as of a moment, grouped by a dimension."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.metrics import Dimension, problem_summary, visit_summary  # noqa: PLC0415
    from jinjiecu.metrics.finance import finance_summary  # noqa: PLC0415

    by = None if args.by is None else Dimension.parse(args.by, field="by")
    moment = args.as_of or now()
    with opened(args, ui) as store:
        query = build_query(store, args)
        given = set(query.given())
        if args.visits:
            extra = given - {"campaign_id"}
            if extra:
                fail(
                    "--visits 只能按 --campaign 筛选",
                    f"--visits takes only the --campaign filter, not {', '.join(sorted(extra))}",
                    code=ExitCode.USAGE,
                )
            visits = visit_summary(store, as_of=moment, by=by, campaign_id=query.campaign_id)
            return _print_visits(visits, query, ui)
        problems = problem_summary(store, as_of=moment, by=by, query=query)
        visit_rows, visit_total = _visits_beside(store, query, by, moment)
        # Finance records belong to no campaign or group: shown for the whole store only.
        finance = None if given else finance_summary(store, as_of=moment).total
    if ui.json:
        data = _stats_json(problems, query, visit_rows, visit_total)
        data["finance"] = None if finance is None else finance_json(finance)
        ui.dump(data)
        return 0
    zh, en = _describe_moment(problems.as_of)
    ui.say(f"截至 {zh}", f"As of {en}")
    _print_filters(query, store_label=None, ui=ui)
    if by is None:
        _print_total(problems.total, visit_total, ui)
        _print_finance(finance, ui)
        provisional_note(ui, problems.provisional_years)
        return 0
    columns = [_label(code) for code in _TABLE_COLUMNS]
    with_visits = visit_rows is not None
    headers = ui.headers(
        [
            (by.label, by.value.replace("_", " ")),
            *([_label("visits")] if with_visits else []),
            *columns,
        ]
    )

    def cells(label: str, key: str | None, figures: ProblemFigures) -> list[object]:
        out: list[object] = [clip(label, 40)]
        if visit_rows is not None:
            visits = _visit_row(visit_rows, key)
            out.append(0 if visits is None else visits.visits)
        for code in _TABLE_COLUMNS:
            value = getattr(figures, code)
            out.append(value.percent if hasattr(value, "percent") else value)
        return out

    body = [cells(row.label, row.key, row.figures) for row in problems.rows]
    total_cells = cells(ui.text("合计", "total"), None, problems.total)
    if visit_rows is not None:
        total_cells[1] = visit_total.visits if visit_total is not None else "-"
    right = [False, *([True] * (len(columns) + with_visits))]
    ui.print(table(headers, body, right=right, footer=[total_cells]))
    provisional_note(ui, problems.provisional_years)
    if by is Dimension.REGION:
        ui.note("县市区各行含其下级区域。", "Each region's row includes the regions below it.")
    return 0


def _visits_beside(
    store: Store, query: Query, by: Dimension | None, moment: dt.datetime
) -> tuple[Summary[VisitFigures] | None, VisitFigures | None]:
    """The visit figures that go with problem figures under ``query``: rows and total, if any."""
    from jinjiecu.metrics import visit_summary  # noqa: PLC0415
    from jinjiecu.metrics.visits import VISIT_DIMENSIONS  # noqa: PLC0415

    given = set(query.given())
    visit_rows: Summary[VisitFigures] | None = None
    visit_total: VisitFigures | None = None
    if given <= {"campaign_id"}:
        if by is not None and by in VISIT_DIMENSIONS:
            visit_rows = visit_summary(store, as_of=moment, by=by, campaign_id=query.campaign_id)
        visit_total = visit_summary(store, as_of=moment, campaign_id=query.campaign_id).total
    elif given - {"campaign_id"} <= _VISIT_FILTERS and len(given - {"campaign_id"}) == 1:
        visit_total = _visits_of_one(store, query, moment)
    return visit_rows, visit_total


_FINANCE_LINES = (
    ("loan_renewals", "renewal_amount", "无还本续贷", "loan renewals"),
    ("bridge_draws", "bridge_amount", "过桥资金使用", "bridge-fund draws"),
    ("debt_resolutions", "debt_resolved", "债务化解", "debt resolutions"),
    ("asset_disposals", "assets_book_value", "资产盘活处置", "asset disposals"),
    ("coordinated", "coordinated_amount", "协调融资", "coordinated financing"),
)


def finance_json(figures: FinanceFigures) -> dict[str, Any]:
    """Finance totals as JSON: each count, and each amount in yuan as exact text."""
    data: dict[str, Any] = {}
    for count, amount, _zh, _en in _FINANCE_LINES:
        money = getattr(figures, amount)
        data[count] = getattr(figures, count)
        data[amount] = str(money.amount)
        if money.approximate:
            data[f"{amount}_approximate"] = True
    return data


def _print_finance(figures: FinanceFigures | None, ui: Ui) -> None:
    """The finance totals under the problem figures, when there are any."""
    if figures is None:
        return
    lines = [
        (zh, en, getattr(figures, count), getattr(figures, amount).format())
        for count, amount, zh, en in _FINANCE_LINES
        if getattr(figures, count)
    ]
    for zh, en, count, amount in lines:
        ui.say(f"{zh}：{count} 笔，{amount}", f"{en}: {count}, {amount}")


def _stats_json(
    problems: Summary[ProblemFigures],
    query: Query,
    visit_rows: Summary[VisitFigures] | None,
    visit_total: VisitFigures | None,
) -> dict[str, Any]:
    rows = []
    for row in problems.rows:
        item: dict[str, Any] = {
            "key": row.key,
            "label": row.label,
            "figures": figures_json(row.figures),
        }
        if visit_rows is not None:
            item["visits"] = _visit_json(_visit_row(visit_rows, row.key))
        rows.append(item)
    return {
        "as_of": problems.as_of,
        "by": None if problems.dimension is None else problems.dimension.value,
        "filters": query_json(query),
        "definitions": list(problems.definitions),
        "total": figures_json(problems.total),
        "provisional_years": list(problems.provisional_years),
        "visits": None if visit_total is None else _visit_json(visit_total),
        "rows": rows,
    }


def _visits_of_one(store: Store, query: Query, moment: dt.datetime) -> VisitFigures:
    from jinjiecu.metrics import Dimension, visit_summary  # noqa: PLC0415
    from jinjiecu.metrics.results import VisitFigures  # noqa: PLC0415

    given = query.given()
    for name, dimension in (
        ("work_group_id", Dimension.WORK_GROUP),
        ("region_id", Dimension.REGION),
        ("enterprise_id", Dimension.ENTERPRISE),
    ):
        if name in given:
            summary = visit_summary(
                store, as_of=moment, by=dimension, campaign_id=query.campaign_id
            )
            found = _visit_row(summary, str(given[name]))
            return found if found is not None else VisitFigures()
    return VisitFigures()  # pragma: no cover - called with one of the three filters


def _visit_row(summary: Summary[VisitFigures], key: str | None) -> VisitFigures | None:
    if key is None:
        return summary.total
    try:
        return summary.row(key).figures
    except KeyError:
        return None


def _visit_json(figures: VisitFigures | None) -> dict[str, int] | None:
    return None if figures is None else attrs.asdict(figures)


_VISIT_COLUMNS = (
    ("visits", "进厂入企", "visits"),
    ("onsite_sessions", "现场办公", "on-site sessions"),
    ("enterprises_visited", "走访企业", "enterprises visited"),
    ("projects_visited", "走访项目", "projects visited"),
)


def _print_visits(summary: Summary[VisitFigures], query: Query, ui: Ui) -> int:
    if ui.json:
        ui.dump(
            {
                "as_of": summary.as_of,
                "by": None if summary.dimension is None else summary.dimension.value,
                "filters": query_json(query),
                "total": _visit_json(summary.total),
                "rows": [
                    {"key": row.key, "label": row.label, "figures": _visit_json(row.figures)}
                    for row in summary.rows
                ],
            }
        )
        return 0
    zh, en = _describe_moment(summary.as_of)
    ui.say(f"截至 {zh}", f"As of {en}")
    _print_filters(query, store_label=None, ui=ui)
    columns = [(zh_name, en_name) for _, zh_name, en_name in _VISIT_COLUMNS]
    if summary.dimension is None:
        rows = [
            [ui.text(zh_name, en_name), getattr(summary.total, name)]
            for name, zh_name, en_name in _VISIT_COLUMNS
        ]
        ui.print(
            table(ui.headers([("指标", "figure"), ("数值", "value")]), rows, right=[False, True])
        )
        return 0
    dimension = summary.dimension
    headers = ui.headers([(dimension.label, dimension.value.replace("_", " ")), *columns])
    body = [
        [clip(row.label, 40), *(getattr(row.figures, name) for name, _, _ in _VISIT_COLUMNS)]
        for row in summary.rows
    ]
    total = [ui.text("合计", "total"), *(getattr(summary.total, n) for n, _, _ in _VISIT_COLUMNS)]
    right = [False, *([True] * len(columns))]
    ui.print(table(headers, body, right=right, footer=[total]))
    return 0


def _print_filters(query: Query, *, store_label: str | None, ui: Ui) -> None:
    given = query_json(query)
    if given:
        text = ", ".join(f"{name}={value}" for name, value in given.items())
        ui.say(f"筛选：{text}", f"Filters: {text}")
    if store_label:
        ui.say(store_label, store_label)


def _print_total(figures: ProblemFigures, visits: VisitFigures | None, ui: Ui) -> None:
    from jinjiecu.metrics.results import RATES  # noqa: PLC0415 - figures have loaded it

    rows: list[list[object]] = []
    if visits is not None:
        rows.append([ui.text(*_label("visits")), visits.visits])
    rows.extend([ui.text(*_label(code)), getattr(figures, code)] for code in _COUNT_ROWS)
    rows.extend([ui.text(*_label(name)), _rate_cell(getattr(figures, name), ui)] for name in RATES)
    for field, (zh, en) in _DURATIONS.items():
        stats = getattr(figures, field)
        value = (
            f"{stats.mean} / {stats.median} / {stats.p90}"
            if stats.count
            else ui.text("无数据", "no data")
        )
        rows.append([ui.text(zh, en), value])
    ui.print(table(ui.headers([("指标", "figure"), ("数值", "value")]), rows, right=[False, True]))
