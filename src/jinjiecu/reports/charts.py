"""Charts of a campaign (the ``charts`` extra): progress, resolution rates, overdue problems.

- :func:`progress_chart`: problems identified, in progress and solved, day by
  day, over a period (by default the campaign's, up to today).
- :func:`resolution_rate_chart`: the resolution rate (解决率) of each work
  group as of a moment; a group with no problems reads "无数据" (no data),
  never 0 %.
- :func:`overdue_chart`: overdue problems per lead department (牵头部门).

Each writes a PNG or an SVG file, chosen by the path's suffix, and returns the
path. The figures come from :mod:`jinjiecu.metrics` (:func:`progress_series`
gives the progress figures as data). SVG files draw their text as paths, so
they look the same everywhere and need no font.

matplotlib is imported only when a chart is drawn (``pip install
'jinjiecu[charts]'``; without it, :class:`~jinjiecu.errors.ConfigurationError`
says so). Charts are drawn on matplotlib's Agg canvas through its
object-oriented API: no pyplot, no window, no change to the caller's
matplotlib settings.

**Chinese text needs a Chinese font.** :func:`cjk_font` looks among the fonts
matplotlib knows for one with Chinese glyphs (Noto Sans CJK, Source Han Sans,
WenQuanYi, Microsoft YaHei, SimHei, PingFang ... or any other that has
them). When there is none, a chart asked for in Chinese is labelled in English
instead, and rows whose names cannot be drawn (Chinese names of groups and
departments) are labelled by their ids: the chart never shows empty boxes and
matplotlib never warns about missing glyphs. Install a Chinese font (for
example the ``fonts-noto-cjk`` package on Debian and Ubuntu) and, if
matplotlib has already cached its font list, register the file with
``matplotlib.font_manager.fontManager.addfont(path)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import end_of_day, local_date, now
from jinjiecu.domain.ids import CampaignId
from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.domain.validation import (
    a_date,
    an_aware_datetime,
    check,
    check_argument,
    is_id,
    is_instance,
    optional,
)
from jinjiecu.errors import ConfigurationError, NotFoundError
from jinjiecu.metrics import Dimension, Rate, figures_of, problem_summary
from jinjiecu.storage.base import CAMPAIGNS, WORK_GROUPS, Query

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from jinjiecu.domain.campaign import Campaign
    from jinjiecu.domain.problem import Problem
    from jinjiecu.storage.base import Session, Store

__all__ = [
    "CHART_SUFFIXES",
    "KNOWN_CJK_FONTS",
    "ChartBar",
    "ProgressPoint",
    "chart_language",
    "cjk_font",
    "draw_overdue",
    "draw_progress",
    "draw_rates",
    "overdue_chart",
    "progress_chart",
    "progress_series",
    "resolution_rate_chart",
]

CHART_SUFFIXES = (".png", ".svg")
"""The file types a chart can be written as, by the path's suffix."""

_MAX_POINTS = 200
"""A progress chart samples at most this many days (always the first and the last)."""

KNOWN_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "SimHei",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)
"""Fonts with Chinese glyphs tried first, in this order; any other font that has them follows."""

_NOT_REAL_GLYPHS = frozenset({"Last Resort High-Efficiency", "LastResort", "Last Resort"})
"""Fonts that map every character to a placeholder box, with no real glyphs."""

_PROBE = (
    "进企业解难题促发展工作组梳理问题正在办理已帮助解决完成"
    "超期率截至各牵头部门县市区日期个无数据（）"
)
"""Characters a font must have to label a chart in Chinese."""

_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "progress": "问题办理进度",
        "progress_period": "问题办理进度（{start}至{end}）",
        "identified": "梳理问题",
        "in_progress": "正在办理",
        "solved": "已帮助解决完成",
        "date": "日期",
        "problems": "问题（个）",
        "rates": "各工作组问题解决率（截至{date}）",
        "rate_axis": "解决率（%）",
        "overdue": "各牵头部门超期问题（截至{date}）",
        "overdue_axis": "超期问题（个）",
        "no_data": "无数据",
        "no_overdue": "无超期问题",
        "no_rows": "无数据",
        "unknown": "（未指定）",
        "date_format": "{month}月{day}日",
    },
    "en": {
        "progress": "Problems over time",
        "progress_period": "Problems over time ({start} to {end})",
        "identified": "identified",
        "in_progress": "in progress",
        "solved": "solved",
        "date": "Date",
        "problems": "Problems",
        "rates": "Resolution rate by work group (as of {date})",
        "rate_axis": "Resolution rate (%)",
        "overdue": "Overdue problems by lead department (as of {date})",
        "overdue_axis": "Overdue problems",
        "no_data": "no data",
        "no_overdue": "No problem is overdue",
        "no_rows": "no data",
        "unknown": "(not given)",
        "date_format": "{year}-{month:02d}-{day:02d}",
    },
}


# ---------------------------------------------------------------------- matplotlib and fonts


def _matplotlib() -> ModuleType:
    """Import matplotlib, or say which extra to install."""
    try:
        import matplotlib as mpl  # noqa: PLC0415 - an optional dependency, imported when needed
    except ImportError:
        message = (
            "charts need matplotlib, which is not installed; "
            "install it with: pip install 'jinjiecu[charts]'"
        )
        raise ConfigurationError(message) from None
    return mpl


@functools.cache
def _has_glyphs(path: str, text: str) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    from matplotlib import font_manager  # noqa: PLC0415

    try:
        font = font_manager.get_font(path)
    except (OSError, RuntimeError, ValueError):  # an unreadable font file: not usable
        return False
    return all(font.get_char_index(ord(char)) for char in text if not char.isspace())


def cjk_font() -> str | None:
    """The family name of a font matplotlib can use for Chinese text, or ``None``.

    The fonts in :data:`KNOWN_CJK_FONTS` are tried first, then every other
    font matplotlib knows; the first whose glyphs cover the charts' Chinese
    labels wins. Fonts that only draw placeholder boxes are skipped.
    """
    _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    order = {name: index for index, name in enumerate(KNOWN_CJK_FONTS)}
    entries = sorted(
        (e for e in font_manager.fontManager.ttflist if e.name not in _NOT_REAL_GLYPHS),
        key=lambda e: (order.get(e.name, len(order)), e.name, e.weight != 400, e.fname),
    )
    tried: set[str] = set()
    for entry in entries:
        if entry.name in tried:
            continue
        tried.add(entry.name)
        if _has_glyphs(entry.fname, _PROBE):
            return str(entry.name)
    return None


@attrs.frozen
class _Fonts:
    """The font families a chart is drawn with, and what they can draw."""

    families: tuple[str, ...]
    paths: tuple[str, ...]
    chinese: bool

    @classmethod
    def find(cls) -> _Fonts:
        from matplotlib import font_manager  # noqa: PLC0415

        chinese = cjk_font()
        families = (*(() if chinese is None else (chinese,)), "DejaVu Sans")
        paths = tuple(
            font_manager.findfont(font_manager.FontProperties(family=family)) for family in families
        )
        return cls(families=families, paths=paths, chinese=chinese is not None)

    def can_draw(self, text: str) -> bool:
        """Whether every character of ``text`` has a glyph in one of the families."""
        from matplotlib import font_manager  # noqa: PLC0415

        fonts = [font_manager.get_font(path) for path in self.paths]
        return all(
            any(font.get_char_index(ord(char)) for font in fonts)
            for char in text
            if not char.isspace()
        )


def chart_language(language: str = "zh") -> str:
    """The language charts asked for in ``language`` are labelled in.

    ``"en"`` stays English; ``"zh"`` is Chinese when :func:`cjk_font` finds
    a font for it, and English otherwise.
    """
    _check_language(language)
    _matplotlib()
    if language == "en":
        return "en"
    fonts = _Fonts.find()
    labels = "".join(_LABELS["zh"].values())
    return "zh" if fonts.chinese and fonts.can_draw(labels) else "en"


def _check_language(language: object) -> None:
    check(
        language in ("zh", "en"),
        field="language",
        expected="one of 'zh', 'en'",
        received=language,
    )


def _chart_path(path: object) -> Path:
    check(
        isinstance(path, (str, Path)) and Path(path).suffix.lower() in CHART_SUFFIXES,
        field="path",
        expected="a path ending in .png or .svg",
        received=path,
    )
    return Path(str(path))


class _Canvas:
    """Draws one chart in one language with fonts that can draw its text."""

    def __init__(self, language: str) -> None:
        _check_language(language)
        self.mpl = _matplotlib()
        self.fonts = _Fonts.find()
        labels = "".join(_LABELS["zh"].values())
        chinese = language == "zh" and self.fonts.chinese and self.fonts.can_draw(labels)
        self.language = "zh" if chinese else "en"
        self.labels = _LABELS[self.language]

    def rc(self) -> dict[str, Any]:
        return {
            "font.family": list(self.fonts.families),
            "svg.fonttype": "path",
            "svg.hashsalt": "jinjiecu",
            "text.parse_math": False,
            "text.usetex": False,
            "axes.unicode_minus": False,
        }

    def name(self, key: str | None, name: str | None, index: int) -> str:
        """A row's label: its name if the fonts can draw it, else its id, else its number."""
        if key is None:
            unknown = self.labels["unknown"]
            return unknown if self.fonts.can_draw(unknown) else "(not given)"
        for text in (name, key):
            if text and self.fonts.can_draw(text):
                return text
        return f"#{index}"

    def date(self, day: dt.date) -> str:
        return self.labels["date_format"].format(year=day.year, month=day.month, day=day.day)

    def figure(self, width: float, height: float) -> Figure:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415

        figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        return figure

    def render(self, draw: Any, suffix: str, title: str) -> bytes:
        """Run ``draw()`` (which returns a figure) under the chart's settings; return the file."""
        with self.mpl.rc_context(self.rc()):
            figure = draw()
            buffer = io.BytesIO()
            fmt = suffix.lstrip(".").lower()
            metadata: dict[str, Any] = (
                {"Title": title, "Date": None, "Creator": "jinjiecu"}
                if fmt == "svg"
                else {"Title": title, "Software": "jinjiecu"}
            )
            figure.savefig(buffer, format=fmt, metadata=metadata)
        return buffer.getvalue()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------------- the data


@attrs.frozen(kw_only=True)
class ProgressPoint:
    """The problem figures at the end of one day."""

    day: dt.date
    identified: int
    in_progress: int
    solved: int


@attrs.frozen(kw_only=True)
class ChartBar:
    """One bar of a bar chart: the row's key (``None``: not given), name and value."""

    key: str | None
    name: str
    value: Rate | int


def _campaign(session: Session, campaign_id: CampaignId | None) -> Campaign | None:
    if campaign_id is not None:
        found = session.fetch(CAMPAIGNS, campaign_id)
        if found is None:
            raise NotFoundError(kind="campaign", id=campaign_id)
        return found.record
    campaigns = list(session.scan(CAMPAIGNS))
    return campaigns[0] if len(campaigns) == 1 else None


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    span = (end - start).days
    step = max(1, math.ceil(span / (_MAX_POINTS - 1))) if span else 1
    days = [start + dt.timedelta(days=offset) for offset in range(0, span + 1, step)]
    if days[-1] != end:
        days.append(end)
    return days


def progress_series(
    store: Store,
    *,
    campaign_id: CampaignId | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    rules: ProblemRules = DEFAULT_RULES,
) -> tuple[ProgressPoint, ...]:
    """Problems identified, in progress and solved at the end of each day from ``start`` to ``end``.

    ``start`` defaults to the campaign's first day (``campaign_id``, or the
    store's only campaign), else to the first registration; ``end`` to the
    campaign's last day or today, whichever is earlier. Long periods are
    sampled: at most 200 days, evenly spaced, the first and last always in.
    """
    check_argument(optional(is_id(CampaignId)), "campaign_id", campaign_id)
    check_argument(optional(a_date), "start", start)
    check_argument(optional(a_date), "end", end)
    check_argument(is_instance(ProblemRules, "a ProblemRules"), "rules", rules)
    rules = store.counting_rules(rules)

    def read(session: Session) -> tuple[Campaign | None, list[Problem]]:
        campaign = _campaign(session, campaign_id)
        problems = [
            p
            for p in session.scan_problems()
            if campaign_id is None or p.campaign_id == campaign_id
        ]
        return campaign, problems

    campaign, problems = store.read(read)
    today = local_date(now())
    if start is None:
        first = min((local_date(p.registered_at) for p in problems), default=today)
        start = campaign.start if campaign is not None else first
    if end is None:
        last = campaign.end if campaign is not None and campaign.end is not None else today
        end = max(start, min(last, today))
    check(
        start <= end,
        field="end",
        expected=f"a day on or after the start, {start.isoformat()}",
        received=end,
    )
    points = []
    for day in _days(start, end):
        figures = figures_of(problems, end_of_day(day), rules=rules)
        points.append(
            ProgressPoint(
                day=day,
                identified=figures.identified,
                in_progress=figures.in_progress,
                solved=figures.solved,
            )
        )
    return tuple(points)


def _group_bars(
    store: Store, moment: dt.datetime, campaign_id: CampaignId | None
) -> list[ChartBar]:
    query = Query(campaign_id=campaign_id) if campaign_id is not None else Query()
    summary = problem_summary(store, as_of=moment, by=Dimension.WORK_GROUP, query=query)
    rows = {row.key: row for row in summary}

    def read(session: Session) -> list[tuple[str, str]]:
        if campaign_id is not None and session.fetch(CAMPAIGNS, campaign_id) is None:
            raise NotFoundError(kind="campaign", id=campaign_id)
        return sorted(
            (str(g.id), g.name)
            for g in session.scan(WORK_GROUPS)
            if campaign_id is None or g.campaign_id == campaign_id
        )

    groups = store.read(read)
    bars = [
        ChartBar(
            key=key,
            name=name,
            value=rows[key].figures.resolution_rate
            if key in rows
            else Rate(numerator=0, denominator=0, definition="resolution_rate"),
        )
        for key, name in groups
    ]
    known = {key for key, _ in groups}
    bars += [
        ChartBar(key=row.key, name=row.label, value=row.figures.resolution_rate)
        for row in summary
        if row.key not in known
    ]
    return bars


def _department_bars(
    store: Store, moment: dt.datetime, campaign_id: CampaignId | None
) -> list[ChartBar]:
    if campaign_id is not None:

        def exists(session: Session) -> bool:
            return session.fetch(CAMPAIGNS, campaign_id) is not None

        if not store.read(exists):
            raise NotFoundError(kind="campaign", id=campaign_id)
    query = Query(campaign_id=campaign_id) if campaign_id is not None else Query()
    summary = problem_summary(store, as_of=moment, by=Dimension.DEPARTMENT, query=query)
    rows = sorted(
        (row for row in summary if row.figures.overdue),
        key=lambda row: (-row.figures.overdue, row.key is None, row.key or ""),
    )
    return [ChartBar(key=row.key, name=row.label, value=row.figures.overdue) for row in rows]


# ---------------------------------------------------------------------- drawing


def draw_progress(points: Sequence[ProgressPoint], suffix: str, *, language: str = "zh") -> bytes:
    """The progress chart of ``points`` as the bytes of a ``.png`` or ``.svg`` file."""
    canvas = _Canvas(language)
    labels = canvas.labels
    title = (
        labels["progress_period"].format(
            start=canvas.date(points[0].day), end=canvas.date(points[-1].day)
        )
        if points
        else labels["progress"]
    )

    def draw() -> Figure:
        figure = canvas.figure(8, 4.5)
        axes = figure.add_subplot()
        first = points[0].day if points else dt.date.min
        offsets = [(p.day - first).days for p in points]
        for name, style in (("identified", "-"), ("in_progress", "--"), ("solved", "-.")):
            values = [getattr(p, name) for p in points]
            axes.plot(
                offsets, values, style, marker="o" if len(points) < 40 else "", label=labels[name]
            )
        axes.set_title(title)
        axes.set_xlabel(labels["date"])
        axes.set_ylabel(labels["problems"])
        axes.set_ylim(bottom=0)
        ticks = points[:: max(1, math.ceil(len(points) / 8))]
        several_years = bool(points) and points[0].day.year != points[-1].day.year
        axes.set_xticks(
            [(p.day - first).days for p in ticks],
            [p.day.isoformat() if several_years else p.day.strftime("%m-%d") for p in ticks],
        )
        axes.grid(visible=True, alpha=0.3)
        axes.legend(loc="upper left")
        if not points:
            _centred_note(axes, labels["no_rows"])
        return figure

    return canvas.render(draw, suffix, title)


def draw_rates(
    bars: Sequence[ChartBar], suffix: str, *, as_of: dt.datetime, language: str = "zh"
) -> bytes:
    """The resolution-rate chart of ``bars`` (their values are rates) as file bytes."""
    canvas = _Canvas(language)
    labels = canvas.labels
    title = labels["rates"].format(date=canvas.date(local_date(as_of)))
    widths = []
    texts = []
    for bar in bars:
        rate = bar.value
        value = rate.value if isinstance(rate, Rate) else None
        widths.append(0.0 if value is None else float(value * 100))
        texts.append(
            labels["no_data"]
            if not isinstance(rate, Rate) or rate.denominator == 0
            else f"{rate.percent} ({rate.numerator}/{rate.denominator})"
        )

    def draw() -> Figure:
        return _horizontal_bars(
            canvas,
            bars,
            widths,
            texts,
            color="#3b6ea8",
            pad=1,
            right=115,
            axis=labels["rate_axis"],
            title=title,
            empty=labels["no_rows"],
        )

    return canvas.render(draw, suffix, title)


def draw_overdue(
    bars: Sequence[ChartBar], suffix: str, *, as_of: dt.datetime, language: str = "zh"
) -> bytes:
    """The overdue chart of ``bars`` (values are counts) as file bytes."""
    canvas = _Canvas(language)
    labels = canvas.labels
    title = labels["overdue"].format(date=canvas.date(local_date(as_of)))
    counts = [int(bar.value) if isinstance(bar.value, int) else 0 for bar in bars]

    def draw() -> Figure:
        return _horizontal_bars(
            canvas,
            bars,
            counts,
            [str(count) for count in counts],
            color="#c0504d",
            pad=0.1,
            right=max(counts, default=0) * 1.15 + 1,
            axis=labels["overdue_axis"],
            title=title,
            empty=labels["no_overdue"],
        )

    return canvas.render(draw, suffix, title)


def _horizontal_bars(
    canvas: _Canvas,
    bars: Sequence[ChartBar],
    lengths: Sequence[float],
    texts: Sequence[str],
    *,
    color: str,
    pad: float,
    right: float,
    axis: str,
    title: str,
    empty: str,
) -> Figure:
    """One bar per row, top down, each with its text just past its end; ``empty`` if none."""
    names = [canvas.name(bar.key, bar.name, index) for index, bar in enumerate(bars, start=1)]
    figure = canvas.figure(8, max(2.5, 0.32 * len(bars) + 1.3))
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    axes.barh(positions, lengths, color=color)
    for position, length, text in zip(positions, lengths, texts, strict=True):
        axes.text(length + pad, position, text, va="center", fontsize=8)
    axes.set_yticks(positions, names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, right)
    axes.set_xlabel(axis)
    axes.set_title(title)
    if not bars:
        axes.set_yticks([])
        _centred_note(axes, empty)
    return figure


def _centred_note(axes: Axes, text: str) -> None:
    """``text`` in the middle of an empty chart."""
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)


# ---------------------------------------------------------------------- the public charts


def progress_chart(
    store: Store,
    path: str | Path,
    *,
    campaign_id: CampaignId | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    language: str = "zh",
    rules: ProblemRules = DEFAULT_RULES,
) -> Path:
    """Draw problems identified, in progress and solved over time into ``path`` (.png or .svg).

    The figures are those of :func:`progress_series` (same arguments).
    """
    target = _chart_path(path)
    _check_language(language)
    _matplotlib()
    points = progress_series(store, campaign_id=campaign_id, start=start, end=end, rules=rules)
    return _write(target, draw_progress(points, target.suffix, language=language))


def resolution_rate_chart(
    store: Store,
    path: str | Path,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    language: str = "zh",
) -> Path:
    """Draw each work group's resolution rate as of ``as_of`` (default: now) into ``path``.

    Every work group of the campaign (or of the store) has a bar, in id
    order; one with no problems reads "无数据" (no data). Each bar is labelled
    with its rate and its count (4/7).
    """
    target = _chart_path(path)
    _check_language(language)
    moment = now() if as_of is None else as_of
    check_argument(an_aware_datetime, "as_of", moment)
    check_argument(optional(is_id(CampaignId)), "campaign_id", campaign_id)
    _matplotlib()
    bars = _group_bars(store, moment, campaign_id)
    return _write(target, draw_rates(bars, target.suffix, as_of=moment, language=language))


def overdue_chart(
    store: Store,
    path: str | Path,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    language: str = "zh",
) -> Path:
    """Draw the overdue problems of each lead department as of ``as_of`` into ``path``.

    Departments with overdue problems only, most overdue first; with none,
    the chart says that no problem is overdue.
    """
    target = _chart_path(path)
    _check_language(language)
    moment = now() if as_of is None else as_of
    check_argument(an_aware_datetime, "as_of", moment)
    check_argument(optional(is_id(CampaignId)), "campaign_id", campaign_id)
    _matplotlib()
    bars = _department_bars(store, moment, campaign_id)
    return _write(target, draw_overdue(bars, target.suffix, as_of=moment, language=language))
