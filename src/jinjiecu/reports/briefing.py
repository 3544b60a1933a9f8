"""The written briefing (工作通报): the figures an office sends upwards, in its own phrasing.

:func:`briefing` prints, as of a moment, what a leading-group office reports
up the line: the headline sentence ("截至11月13日，27个市级工作组共计进厂入企
439次，共梳理问题153个，正在办理139个，已帮助解决完成14个。"), the rates, the
targets visited and the money moved, then a section per work group, a section
per county, district and zone (县市区), the rankings by resolution rate (with a
minimum sample, so one problem solved out of one cannot top the table) and the
overdue problems, by lead department and one by one.

Every figure comes from :mod:`jinjiecu.metrics` and follows its written
definitions; "已帮助解决完成" is the ``solved`` figure (resolved, closed or not).
A rate with nothing to divide by reads "无数据" ("no data"), never 0 %.

The phrasing is data: :class:`BriefingTemplates` holds one ``str.format``
template per sentence, in Chinese (:meth:`BriefingTemplates.chinese`, the
default) or English (:meth:`BriefingTemplates.english`). Override any of them
with :func:`attrs.evolve`; a template naming a field that does not exist is
refused when the templates are built, with the field names it may use.

The work is split in two steps that can be used apart:
:func:`briefing_figures` reads the store once into :class:`BriefingFigures`,
and :func:`render_briefing` phrases them (:func:`briefing` does both). The
HTML report (:mod:`jinjiecu.reports.html`) renders the same figures.

>>> t = BriefingTemplates.chinese()
>>> t.headline.startswith("截至{date}，{work_groups}共计进厂入企{visits}次")
True
>>> import attrs
>>> attrs.evolve(t, headline="截至{date}，共梳理问题{identified}个。").headline
'截至{date}，共梳理问题{identified}个。'
>>> attrs.evolve(t, headline="截至{day_of_week}")
Traceback (most recent call last):
...
jinjiecu.errors.ValidationError: headline: expected a str.format template using only ...
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.money import Money
from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.domain.validation import check_argument, int_in, is_instance, optional
from jinjiecu.metrics import RATES, FinanceFigures, ProblemFigures, Rate, VisitFigures
from jinjiecu.reports import _briefing_templates
from jinjiecu.reports._briefing_figures import (
    BriefingFigures,
    BriefingRow,
    OverdueProblem,
    briefing_figures,
)
from jinjiecu.reports._briefing_templates import BriefingTemplates, check_language

if TYPE_CHECKING:
    import datetime as dt

    from jinjiecu.domain.ids import CampaignId
    from jinjiecu.domain.org import OrgLevel
    from jinjiecu.storage.base import Store

__all__ = [
    "LANGUAGES",
    "BriefingBlock",
    "BriefingFigures",
    "BriefingRow",
    "BriefingSection",
    "BriefingTemplates",
    "OverdueProblem",
    "RenderedBriefing",
    "briefing",
    "briefing_figures",
    "headline_sentence",
    "render_briefing",
]

LANGUAGES = _briefing_templates.LANGUAGES
"""The languages a briefing can be written in, Chinese (``zh``) and English (``en``)."""


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """一 ... 九十九, as section headings number them."""
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if units == 0 else _DIGITS[units])


@attrs.frozen(kw_only=True)
class BriefingBlock:
    """Lines under one optional sub-heading."""

    heading: str | None
    lines: tuple[str, ...]


@attrs.frozen(kw_only=True)
class BriefingSection:
    """A numbered section ("一、分工作组情况"); the overview has no heading."""

    heading: str | None
    blocks: tuple[BriefingBlock, ...]


@attrs.frozen(kw_only=True)
class RenderedBriefing:
    """A briefing phrased and laid out: title, subtitle and sections.

    ``str()`` gives the plain text: title and subtitle, then each section
    after a blank line, sub-headings on lines of their own.
    """

    title: str
    subtitle: str
    sections: tuple[BriefingSection, ...]

    @property
    def headline(self) -> str:
        """The headline sentence (the overview's first line)."""
        return self.sections[0].blocks[0].lines[0]

    def __str__(self) -> str:
        out = [self.title, self.subtitle]
        for section in self.sections:
            out.append("")
            if section.heading is not None:
                out.append(section.heading)
            for block in section.blocks:
                if block.heading is not None:
                    out.append(block.heading)
                out.extend(block.lines)
        return "\n".join(out) + "\n"


def _english_amount(money: Money) -> str:
    amount = money.amount
    for factor, word in ((Decimal(10) ** 9, " billion"), (Decimal(10) ** 6, " million")):
        if abs(amount) >= factor:
            number, unit = amount / factor, word
            break
    else:
        number, unit = amount, ""
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    text = f"{number:,f}{unit} yuan"
    return f"over {text}" if money.approximate else text


class _Phraser:
    """Fills templates with the figures, in one language."""

    def __init__(self, templates: BriefingTemplates, figures: BriefingFigures) -> None:
        self.t = templates
        self.figures = figures

    def full_date(self, day: dt.date) -> str:
        return self.t.format_date(day)

    def rate(self, rate: Rate) -> str:
        return _rate_text(self.t, rate)

    def figure_fields(self, problems: ProblemFigures, visits: VisitFigures) -> dict[str, Any]:
        return _figure_fields(self.t, problems, visits, self.figures.due_soon_days)

    def name(self, row_key: str | None, name: str | None) -> str:
        return self.t.unknown if row_key is None or name is None else name

    def number(self, n: int) -> str:
        return _chinese_number(n) if self.t.chinese_numerals else str(n)


def render_briefing(
    figures: BriefingFigures,
    *,
    language: str = "zh",
    templates: BriefingTemplates | None = None,
    overdue_limit: int | None = 50,
) -> RenderedBriefing:
    """Phrase ``figures`` with ``templates`` (by default those of ``language``).

    Sections with nothing to say are left out (no work groups, no regions);
    the overdue list stops after ``overdue_limit`` problems (``None``: no
    limit) and says how many more there are.
    """
    check_language(language)
    check_argument(is_instance(BriefingFigures, "BriefingFigures"), "figures", figures)
    check_argument(
        optional(is_instance(BriefingTemplates, "BriefingTemplates")), "templates", templates
    )
    check_argument(optional(int_in(0)), "overdue_limit", overdue_limit)
    t = templates or BriefingTemplates.for_language(language)
    p = _Phraser(t, figures)
    today = local_date(figures.as_of)
    date = t.format_date(today, "date")
    full_date = p.full_date(today)
    campaign = t.no_campaign if figures.campaign is None else figures.campaign.name
    overview = _overview(p)
    if figures.provisional_years:
        joined = ("、" if language == "zh" else " and ").join(map(str, figures.provisional_years))
        note = t.fill("provisional", years=joined)
        overview = attrs.evolve(overview, lines=(*overview.lines, note))
    sections = [BriefingSection(heading=None, blocks=(overview,))]
    numbered: list[tuple[str, tuple[BriefingBlock, ...]]] = []
    if figures.groups:
        numbered.append((t.section_groups, (_rows(p, figures.groups, "group_line"),)))
    if figures.regions:
        numbered.append((t.section_regions, (_rows(p, figures.regions, "region_line"),)))
    if figures.groups or figures.regions:
        numbered.append((t.section_rankings, _rankings(p)))
    numbered.append((t.section_overdue, _overdue_blocks(p, overdue_limit)))
    for index, (title, blocks) in enumerate(numbered, start=1):
        heading = t.fill("heading", number=p.number(index), title=title)
        sections.append(BriefingSection(heading=heading, blocks=blocks))
    return RenderedBriefing(
        title=t.fill("title", campaign=campaign),
        subtitle=t.fill("subtitle", date=date, full_date=full_date),
        sections=tuple(sections),
    )


def _overview_fields(
    t: BriefingTemplates,
    problems: ProblemFigures,
    visits: VisitFigures,
    *,
    day: dt.date,
    count: int,
    group_level: OrgLevel | None,
    due_soon_days: int,
) -> dict[str, Any]:
    """The fields of the headline and the rates: the totals, the day and the groups, worded."""
    if group_level is None:
        work_groups = t.fill("work_groups_any_level", count=count)
    else:
        level = t.fill("level", label=group_level.label, value=group_level.value)
        work_groups = t.fill("work_groups", count=count, level=level)
    return _figure_fields(t, problems, visits, due_soon_days) | {
        "date": t.format_date(day, "date"),
        "full_date": t.format_date(day),
        "work_groups": work_groups,
        "groups": count,
        "level": "" if group_level is None else group_level.label,
    }


def _figure_fields(
    t: BriefingTemplates, problems: ProblemFigures, visits: VisitFigures, due_soon_days: int
) -> dict[str, Any]:
    """The figure template fields of one row: counts, rates (or "no data") and visits."""
    fields: dict[str, Any] = dict(problems.counts())
    fields["settled"] = problems.settled
    fields |= {name: _rate_text(t, getattr(problems, name)) for name in RATES}
    fields |= attrs.asdict(visits)
    fields["due_soon_days"] = due_soon_days
    return fields


def _rate_text(t: BriefingTemplates, rate: Rate) -> str:
    """A rate as a percentage, or the templates' "no data" when nothing was due."""
    return t.no_data if rate.denominator == 0 else rate.percent


def headline_sentence(
    problems: ProblemFigures,
    visits: VisitFigures,
    *,
    as_of: dt.datetime,
    work_groups: int,
    group_level: OrgLevel | None,
    language: str = "zh",
    templates: BriefingTemplates | None = None,
    due_soon_days: int = DEFAULT_RULES.due_soon_working_days,
) -> str:
    """The briefing's headline sentence from the totals alone, without the rest of the briefing.

    The same words as :attr:`RenderedBriefing.headline` for the same figures:
    "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，…".
    """
    check_language(language)
    t = templates or BriefingTemplates.for_language(language)
    fields = _overview_fields(
        t,
        problems,
        visits,
        day=local_date(as_of),
        count=work_groups,
        group_level=group_level,
        due_soon_days=due_soon_days,
    )
    return t.fill("headline", **fields)


def _overview(p: _Phraser) -> BriefingBlock:
    t, figures = p.t, p.figures
    fields = _overview_fields(
        t,
        figures.problems,
        figures.visits,
        day=local_date(figures.as_of),
        count=figures.work_group_count,
        group_level=figures.group_level,
        due_soon_days=figures.due_soon_days,
    )
    lines = [t.fill("headline", **fields), t.fill("rates", **fields)]
    coverage = figures.coverage
    if coverage is not None:
        values: dict[str, Any] = {}
        for target, name in (
            ("backbone", "backbone"),
            ("key_projects", "key_projects"),
            ("renovation", "renovation"),
        ):
            values[f"{target}_target"] = getattr(coverage, f"{name}_target")
            values[f"{target}_assigned"] = len(getattr(coverage, f"{name}_assigned"))
            values[f"{target}_visited"] = len(getattr(coverage, f"{name}_visited"))
            values[f"{target}_not_visited"] = len(getattr(coverage, f"{name}_not_visited"))
        lines.append(t.fill("coverage", **values))
    finance = figures.finance
    if finance is not None:
        amounts = {
            f.name: (
                getattr(finance, f.name).format()
                if t.chinese_amounts
                else _english_amount(getattr(finance, f.name))
            )
            if isinstance(getattr(finance, f.name), Money)
            else getattr(finance, f.name)
            for f in attrs.fields(FinanceFigures)
        }
        lines.append(t.fill("finance", **amounts))
    return BriefingBlock(heading=None, lines=tuple(lines))


def _rows(p: _Phraser, rows: tuple[BriefingRow, ...], template: str) -> BriefingBlock:
    lines = tuple(
        p.t.fill(
            template,
            number=index,
            name=p.name(row.key, row.name),
            key="" if row.key is None else row.key,
            **p.figure_fields(row.problems, row.visits),
        )
        for index, row in enumerate(rows, start=1)
    )
    return BriefingBlock(heading=None, lines=lines)


def _rankings(p: _Phraser) -> tuple[BriefingBlock, ...]:
    t, figures = p.t, p.figures
    wanted = []
    if figures.groups:
        wanted.append(("ranking_groups", figures.group_ranking))
    if figures.regions:
        wanted.append(("ranking_regions", figures.region_ranking))
    blocks = []
    for index, (template, ranking) in enumerate(wanted, start=1):
        lines = [
            t.fill(
                "ranked_line",
                position=row.position,
                name=p.name(row.key, row.label),
                key=row.key or "",
                rate=p.rate(row.rate),
                numerator=row.rate.numerator,
                denominator=row.rate.denominator,
            )
            for row in ranking.ranked
        ]
        if not ranking.ranked:
            lines.append(t.fill("nothing_ranked", min_sample=ranking.min_sample))
        items = [
            t.fill(
                "unranked_no_data" if row.rate.denominator == 0 else "unranked_small_sample",
                name=p.name(row.key, row.label),
                key=row.key or "",
                count=row.rate.denominator,
                min_sample=ranking.min_sample,
            )
            for row in ranking.unranked
        ]
        if items:
            lines.append(t.fill("unranked", items=t.separator.join(items), count=len(items)))
        title = t.fill(template, min_sample=ranking.min_sample)
        heading = t.fill("subheading", number=p.number(index), title=title)
        blocks.append(BriefingBlock(heading=heading, lines=tuple(lines)))
    return tuple(blocks)


def _overdue_blocks(p: _Phraser, limit: int | None) -> tuple[BriefingBlock, ...]:
    t, figures = p.t, p.figures
    if not figures.overdue:
        return (BriefingBlock(heading=None, lines=(t.fill("no_overdue"),)),)
    by_department = tuple(
        t.fill(
            "overdue_department_line",
            number=index,
            name=p.name(row.key, row.name),
            key=row.key or "",
            overdue=row.problems.overdue,
            identified=row.problems.identified,
        )
        for index, row in enumerate(figures.departments, start=1)
    )
    shown = figures.overdue if limit is None else figures.overdue[:limit]
    items = [
        t.fill(
            "overdue_item",
            number=index,
            problem_id=item.problem_id,
            title=item.title,
            place=p.name(item.place, item.place),
            department=p.name(item.department_id, item.department),
            work_group=p.name(item.work_group_id, item.work_group),
            region=p.name(item.region, item.region),
            registered=p.full_date(item.registered_on),
            deadline=p.full_date(item.deadline),
            days=item.working_days_overdue,
        )
        for index, item in enumerate(shown, start=1)
    ]
    if len(shown) < len(figures.overdue):
        items.append(t.fill("overdue_more", count=len(figures.overdue) - len(shown)))
    return (
        BriefingBlock(
            heading=t.fill("subheading", number=p.number(1), title=t.overdue_by_department),
            lines=by_department,
        ),
        BriefingBlock(
            heading=t.fill("subheading", number=p.number(2), title=t.overdue_list),
            lines=tuple(items),
        ),
    )


def briefing(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    language: str = "zh",
    templates: BriefingTemplates | None = None,
    min_sample: int = 5,
    overdue_limit: int | None = 50,
    rules: ProblemRules = DEFAULT_RULES,
) -> str:
    """The briefing as plain text, as the records stood at ``as_of`` (default: now).

    ``language`` is ``"zh"`` (the default) or ``"en"``; ``templates``
    overrides the phrasing (see :class:`BriefingTemplates`). See
    :func:`briefing_figures` for ``campaign_id``, ``min_sample`` and
    ``rules``, and :func:`render_briefing` for ``overdue_limit``.
    """
    check_language(language)
    figures = briefing_figures(
        store, as_of=as_of, campaign_id=campaign_id, min_sample=min_sample, rules=rules
    )
    return str(
        render_briefing(
            figures, language=language, templates=templates, overdue_limit=overdue_limit
        )
    )
