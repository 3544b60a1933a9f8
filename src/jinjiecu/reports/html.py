"""A self-contained HTML report: the briefing, its tables and its charts in one file.

:func:`html_report` writes one ``.html`` file that opens in any browser with
no network: the style sheet is inline, the charts are inline SVG (or PNG
images as ``data:`` URIs with ``chart_format="png"``), and nothing is fetched
from anywhere (no scripts, no web fonts, no links to other files). Every
piece of text, names and problem titles included, is escaped with
``html.escape``, so a name typed with ``<`` or ``&`` in the ledger shows
as typed and cannot inject markup.

The report holds:

1. the briefing (:mod:`jinjiecu.reports.briefing`), section by section;
2. tables: per work group, per county, district and zone, overdue problems
   per lead department and one by one;
3. the charts (:mod:`jinjiecu.reports.charts`, the ``charts`` extra): progress
   since the campaign began, resolution rate per work group, overdue problems
   per lead department. ``charts=False`` leaves them out, and needs no
   matplotlib.
"""

from __future__ import annotations

import base64
import itertools
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.domain.validation import check, check_argument, is_bool, is_instance, optional
from jinjiecu.errors import ConfigurationError
from jinjiecu.reports.briefing import (
    LANGUAGES,
    BriefingFigures,
    BriefingRow,
    BriefingTemplates,
    RenderedBriefing,
    briefing_figures,
    render_briefing,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from jinjiecu.domain.ids import CampaignId
    from jinjiecu.metrics import Rate
    from jinjiecu.storage.base import Store

__all__ = ["CHART_FORMATS", "html_report", "render_html"]

CHART_FORMATS = ("svg", "png")
"""How charts are embedded, inline SVG (the default) or PNG as a ``data:`` URI."""

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "lang": "zh-CN",
        "tables": "数据表",
        "charts": "图表",
        "number": "序号",
        "group": "工作组",
        "region": "县市区",
        "department": "牵头部门",
        "visits": "进厂入企（次）",
        "identified": "梳理问题（个）",
        "in_progress": "正在办理（个）",
        "solved": "已帮助解决完成（个）",
        "rate": "解决率",
        "overdue": "超期（个）",
        "place": "企业或项目",
        "problem": "问题",
        "deadline": "办理时限",
        "days": "超期工作日",
        "progress": "问题办理进度",
        "rates": "各工作组问题解决率",
        "overdue_chart": "各牵头部门超期问题",
        "footer": "数据截至 {moment}（北京时间），由 jinjiecu 根据台账记录计算；"
        "各项指标口径见 jinjiecu.metrics 的指标定义。",
    },
    "en": {
        "lang": "en",
        "tables": "Tables",
        "charts": "Charts",
        "number": "No.",
        "group": "Work group",
        "region": "County, district or zone",
        "department": "Lead department",
        "visits": "Visits",
        "identified": "Identified",
        "in_progress": "In progress",
        "solved": "Solved",
        "rate": "Resolution rate",
        "overdue": "Overdue",
        "place": "Enterprise or project",
        "problem": "Problem",
        "deadline": "Deadline",
        "days": "Working days overdue",
        "progress": "Problems over time",
        "rates": "Resolution rate by work group",
        "overdue_chart": "Overdue problems by lead department",
        "footer": "Figures as of {moment} (China Standard Time), computed by jinjiecu from "
        "the records; every figure follows the definitions in jinjiecu.metrics.",
    },
}

_CSS = """
body { margin: 0; background: #f4f5f7; color: #1f2328;
  font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; line-height: 1.7; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 2.5rem; background: #fff; }
h1 { font-size: 1.6rem; text-align: center; margin: 0.5rem 0 0; color: #b22222; }
.subtitle { text-align: center; margin: 0 0 1.5rem; color: #555; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #b22222; padding-bottom: 0.2rem;
  margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 0.3rem; }
.briefing p { margin: 0.25rem 0; text-indent: 2em; }
.briefing .headline { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid #c9ccd1; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #eef0f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 2rem; }
figure svg, figure img { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { text-align: center; color: #555; font-size: 0.9rem; }
footer { margin-top: 2rem; color: #777; font-size: 0.8rem; }
@media print { body { background: #fff; } main { padding: 0; } }
""".strip()


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# ---------------------------------------------------------------------- pieces


def _briefing_html(rendered: RenderedBriefing) -> list[str]:
    out = ['<section class="briefing">']
    for section in rendered.sections:
        if section.heading is not None:
            out.append(f"<h2>{_e(section.heading)}</h2>")
        for block in section.blocks:
            if block.heading is not None:
                out.append(f"<h3>{_e(block.heading)}</h3>")
            for line in block.lines:
                css = ' class="headline"' if line == rendered.headline else ""
                out.append(f"<p{css}>{_e(line)}</p>")
    out.append("</section>")
    return out


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["<table>", f"<caption>{_e(caption)}</caption>", "<thead><tr>"]
    out += [f'<th scope="col">{_e(cell)}</th>' for cell in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = []
        for cell in row:
            css = ' class="n"' if isinstance(cell, int) else ""
            cells.append(f"<td{css}>{_e(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


def _tables_html(
    figures: BriefingFigures, templates: BriefingTemplates, words: dict[str, str]
) -> list[str]:
    def rate(value: Rate) -> str:
        return templates.no_data if value.denominator == 0 else value.percent

    def name(row: BriefingRow) -> str:
        return templates.unknown if row.key is None else row.name

    def figure_rows(rows: Sequence[BriefingRow]) -> list[list[object]]:
        return [
            [
                index,
                name(row),
                row.visits.visits,
                row.problems.identified,
                row.problems.in_progress,
                row.problems.solved,
                rate(row.problems.resolution_rate),
                row.problems.overdue,
            ]
            for index, row in enumerate(rows, start=1)
        ]

    def header(first: str) -> list[str]:
        return [
            words["number"],
            first,
            words["visits"],
            words["identified"],
            words["in_progress"],
            words["solved"],
            words["rate"],
            words["overdue"],
        ]

    out = ['<section class="tables">', f"<h2>{_e(words['tables'])}</h2>"]
    if figures.groups:
        out += _table(templates.section_groups, header(words["group"]), figure_rows(figures.groups))
    if figures.regions:
        out += _table(
            templates.section_regions, header(words["region"]), figure_rows(figures.regions)
        )
    if figures.overdue:
        out += _table(
            templates.overdue_by_department,
            [words["number"], words["department"], words["overdue"], words["identified"]],
            [
                [index, name(row), row.problems.overdue, row.problems.identified]
                for index, row in enumerate(figures.departments, start=1)
            ],
        )
        out += _table(
            templates.overdue_list,
            [
                words["number"],
                words["place"],
                words["problem"],
                words["department"],
                words["group"],
                words["deadline"],
                words["days"],
            ],
            [
                [
                    index,
                    item.place or templates.unknown,
                    item.title,
                    item.department or templates.unknown,
                    item.work_group or templates.unknown,
                    templates.format_date(item.deadline),
                    item.working_days_overdue,
                ]
                for index, item in enumerate(figures.overdue, start=1)
            ],
        )
    out.append("</section>")
    return out


_XML_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')


def _inline_svg(svg: bytes, prefix: str, label: str) -> str:
    """An SVG file made fit to sit inside HTML: no prologue, no metadata, ids made unique."""
    text = svg.decode("utf-8")
    text = _XML_PROLOGUE.sub("", text, count=1)
    text = _METADATA.sub("", text, count=1)
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{_e(label)}" ', 1)


def _charts_html(
    figures: BriefingFigures,
    store: Store,
    *,
    language: str,
    chart_format: str,
    words: dict[str, str],
    rules: ProblemRules,
) -> list[str]:
    from jinjiecu.reports import charts  # noqa: PLC0415 - matplotlib is imported on use

    try:
        charts.chart_language(language)
    except ConfigurationError as error:
        message = f"{error.message}; or pass charts=False for a report without charts"
        raise ConfigurationError(message) from None
    end = local_date(figures.as_of)
    campaign = figures.campaign
    start = None if campaign is None else min(campaign.start, end)
    points = charts.progress_series(
        store,
        campaign_id=None if campaign is None else campaign.id,
        start=start,
        end=end,
        rules=rules,
    )
    suffix = "." + chart_format
    group_bars = [
        charts.ChartBar(key=row.key, name=row.name, value=row.problems.resolution_rate)
        for row in figures.groups
    ]
    department_bars = [
        charts.ChartBar(key=row.key, name=row.name, value=row.problems.overdue)
        for row in figures.departments
    ]
    drawn = [
        (words["progress"], charts.draw_progress(points, suffix, language=language)),
        (
            words["rates"],
            charts.draw_rates(group_bars, suffix, as_of=figures.as_of, language=language),
        ),
        (
            words["overdue_chart"],
            charts.draw_overdue(department_bars, suffix, as_of=figures.as_of, language=language),
        ),
    ]
    out = ['<section class="charts">', f"<h2>{_e(words['charts'])}</h2>"]
    for number, (caption, content) in enumerate(drawn, start=1):
        if chart_format == "svg":
            body = _inline_svg(content, f"chart{number}", caption)
        else:
            data = base64.b64encode(content).decode("ascii")
            body = f'<img src="data:image/png;base64,{data}" alt="{_e(caption)}">'
        out += ["<figure>", body, f"<figcaption>{_e(caption)}</figcaption>", "</figure>"]
    out.append("</section>")
    return out


# ---------------------------------------------------------------------- the report


def _check_choices(language: object, chart_format: object) -> None:
    check(
        language in LANGUAGES,
        field="language",
        expected="one of " + ", ".join(repr(code) for code in LANGUAGES),
        received=language,
    )
    check(
        chart_format in CHART_FORMATS,
        field="chart_format",
        expected="one of " + ", ".join(repr(code) for code in CHART_FORMATS),
        received=chart_format,
    )


def render_html(
    figures: BriefingFigures,
    *,
    language: str = "zh",
    templates: BriefingTemplates | None = None,
    overdue_limit: int | None = 50,
    charts_of: Store | None = None,
    chart_format: str = "svg",
    rules: ProblemRules = DEFAULT_RULES,
) -> str:
    """The HTML document of ``figures``: briefing, tables and, given ``charts_of``, charts.

    ``charts_of`` is the store the figures were read from (the progress
    chart reads the problems' histories again); ``None`` leaves charts out.
    """
    _check_choices(language, chart_format)
    check_argument(
        optional(is_instance(BriefingTemplates, "BriefingTemplates")), "templates", templates
    )
    words = _WORDS[language]
    t = templates or BriefingTemplates.for_language(language)
    rendered = render_briefing(figures, templates=t, overdue_limit=overdue_limit)
    body = list(
        itertools.chain(
            ["<header>", f"<h1>{_e(rendered.title)}</h1>"],
            [f'<p class="subtitle">{_e(rendered.subtitle)}</p>', "</header>"],
            _briefing_html(rendered),
            _tables_html(figures, t, words),
            []
            if charts_of is None
            else _charts_html(
                figures,
                charts_of,
                language=language,
                chart_format=chart_format,
                words=words,
                rules=rules,
            ),
        )
    )
    moment = figures.as_of.isoformat(timespec="seconds")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{words["lang"]}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(rendered.title)}</title>",
            f"<style>\n{_CSS}\n</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            f"<footer>{_e(words['footer'].format(moment=moment))}</footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def html_report(
    store: Store,
    path: str | Path,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    language: str = "zh",
    charts: bool = True,
    templates: BriefingTemplates | None = None,
    min_sample: int = 5,
    overdue_limit: int | None = 50,
    chart_format: str = "svg",
    rules: ProblemRules = DEFAULT_RULES,
) -> Path:
    """Write the HTML report as the records stood at ``as_of`` (default: now) to ``path``.

    The arguments are those of :func:`~jinjiecu.reports.briefing.briefing`,
    plus ``charts`` (``False``: no charts, no matplotlib needed) and
    ``chart_format`` (``"svg"`` inline, or ``"png"`` as ``data:`` URIs).
    The file is UTF-8; its parent folder must exist. Returns the path.
    """
    check(
        isinstance(path, (str, Path)) and str(path) != "",
        field="path",
        expected="a file path",
        received=path,
    )
    check_argument(is_bool, "charts", charts)
    _check_choices(language, chart_format)
    figures = briefing_figures(
        store, as_of=as_of, campaign_id=campaign_id, min_sample=min_sample, rules=rules
    )
    document = render_html(
        figures,
        language=language,
        templates=templates,
        overdue_limit=overdue_limit,
        charts_of=store if charts else None,
        chart_format=chart_format,
        rules=rules,
    )
    target = Path(path)
    target.write_text(document, encoding="utf-8")
    return target
