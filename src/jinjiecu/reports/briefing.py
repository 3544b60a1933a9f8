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

import datetime as dt
import re
import string
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.campaign import Campaign
from jinjiecu.domain.clock import local_date, now
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.ids import CampaignId
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import OrgLevel, Region, WorkGroup
from jinjiecu.domain.personal import mask_text
from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.domain.validation import (
    an_aware_datetime,
    check,
    check_argument,
    int_in,
    is_id,
    is_instance,
    optional,
)
from jinjiecu.errors import NotFoundError, ValidationError
from jinjiecu.metrics import (
    RATES,
    Dimension,
    FinanceFigures,
    ProblemFigures,
    Ranking,
    Rate,
    Row,
    Summary,
    TargetCoverage,
    VisitFigures,
    finance_summary,
    problem_summary,
    provisional_reach,
    rank,
    target_coverage,
    visit_summary,
)
from jinjiecu.storage.base import (
    CAMPAIGNS,
    DEPARTMENTS,
    ENTERPRISES,
    PROJECTS,
    REGIONS,
    WORK_GROUPS,
    Query,
)

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem
    from jinjiecu.domain.validation import Validator
    from jinjiecu.storage.base import Session, Store

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

LANGUAGES = ("zh", "en")
"""The languages a briefing can be written in, Chinese (``zh``) and English (``en``)."""

_MONTHS = (
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

# ---------------------------------------------------------------------- template fields

_DATE_FIELDS = ("year", "month", "day", "month_name")
_COUNT_FIELDS = (
    *(f.name for f in attrs.fields(ProblemFigures) if f.type in ("int", int)),
    "closed",
    "excluded",
    "solved",
    "settled",
)
_VISIT_FIELDS = ("visits", "onsite_sessions", "enterprises_visited", "projects_visited")
_FIGURE_FIELDS = (*_COUNT_FIELDS, *RATES, *_VISIT_FIELDS, "due_soon_days")
_OVERVIEW_FIELDS = (*_FIGURE_FIELDS, "date", "full_date", "work_groups", "groups", "level")
_ROW_FIELDS = (*_FIGURE_FIELDS, "number", "name", "key")
_COVERAGE_FIELDS = tuple(
    f"{target}_{what}"
    for target in ("backbone", "key_projects", "renovation")
    for what in ("target", "assigned", "visited", "not_visited")
)
_FINANCE_FIELDS = tuple(f.name for f in attrs.fields(FinanceFigures))
_OVERDUE_FIELDS = (
    "number",
    "problem_id",
    "title",
    "place",
    "department",
    "work_group",
    "region",
    "registered",
    "deadline",
    "days",
)

_FIELD = re.compile(r"[.\[]")


def _template(*names: str) -> Validator:
    """Require a ``str.format`` template whose fields are all among ``names``."""
    allowed = frozenset(names)
    expected = "a str.format template using only " + (
        ", ".join("{" + name + "}" for name in names) if names else "no {fields}"
    )

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check(isinstance(value, str), field=attribute.name, expected=expected, received=value)
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError:
            parsed = None
        fields = [] if parsed is None else [field for _, field, _, _ in parsed if field is not None]
        roots = {_FIELD.split(field, maxsplit=1)[0] for field in fields}
        check(
            parsed is not None and roots <= allowed,
            field=attribute.name,
            expected=expected,
            received=value,
        )

    return validate


def _text(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check(isinstance(value, str), field=attribute.name, expected="a str", received=value)


def _t(*names: str) -> Any:
    """A template field: a ``str.format`` template that may use ``names``."""
    return attrs.field(validator=_template(*names))


@attrs.frozen(kw_only=True)
class BriefingTemplates:
    """The phrasing of a briefing: one ``str.format`` template per sentence or heading.

    Start from :meth:`chinese` or :meth:`english` and override what your office
    words differently with :func:`attrs.evolve`. Each template may use only
    the fields listed for it (a misspelt field is refused when the templates
    are built). Figure templates (``headline``, ``rates``, ``group_line``,
    ``region_line``) may use every count of
    :class:`~jinjiecu.metrics.results.ProblemFigures` (``identified``,
    ``in_progress``, ``solved``, ``overdue`` ...), its rates, already worded
    (``resolution_rate`` reads "9.2%" or :attr:`no_data`), the visit figures
    (``visits``, ``onsite_sessions``, ...) and ``due_soon_days``. Counts are
    ``int``, so ``{visits:,}`` groups thousands.
    """

    date: str = _t(*_DATE_FIELDS)
    """The day of the headline ("11月13日"), from ``year``, ``month``, ``day``, ``month_name``."""
    full_date: str = _t(*_DATE_FIELDS)
    """A full date ("2019年11月13日"), for the subtitle and deadlines; same fields as ``date``."""
    title: str = _t("campaign")
    """The first line; ``campaign`` is the campaign's name (or :attr:`no_campaign`)."""
    no_campaign: str = attrs.field(validator=_text)
    """What stands for the campaign's name when the briefing covers several or none."""
    subtitle: str = _t("date", "full_date")
    """The second line, "（截至2019年11月13日）"."""
    work_groups: str = _t("count", "level")
    """The groups in the headline ("27个市级工作组"), from ``count`` and ``level`` ("市级")."""
    work_groups_any_level: str = _t("count")
    """The groups in the headline when they work at different levels."""
    level: str = _t("label", "value")
    """How a level reads; ``label`` is Chinese ("市级"), ``value`` English ("city")."""
    headline: str = _t(*_OVERVIEW_FIELDS)
    """The headline sentence; also ``date``, ``full_date``, ``work_groups`` (worded), ``groups``."""
    rates: str = _t(*_OVERVIEW_FIELDS)
    """The sentence of rates, overdue and due-soon problems that follows the headline."""
    coverage: str = _t(*_COVERAGE_FIELDS)
    """Targets visited, only with a campaign (``backbone_assigned``, ``backbone_visited`` ...)."""
    finance: str = _t(*_FINANCE_FIELDS)
    """Money moved, only when there is any (the counts and worded amounts of FinanceFigures)."""
    heading: str = _t("number", "title")
    """A section heading, "一、分工作组情况"."""
    subheading: str = _t("number", "title")
    """A heading inside a section, "（一）按牵头部门统计"."""
    chinese_numerals: bool = attrs.field(validator=is_instance(bool, "True or False"), default=True)
    """Number headings 一、二、三 (``True``) or 1, 2, 3 (``False``)."""
    section_groups: str = _t()
    """The title of the section per work group."""
    section_regions: str = _t()
    """The title of the section per county, district and zone."""
    section_rankings: str = _t()
    """The title of the rankings section."""
    section_overdue: str = _t()
    """The title of the overdue section."""
    group_line: str = _t(*_ROW_FIELDS)
    """One work group, from ``number``, ``name``, ``key`` and the figure fields."""
    region_line: str = _t(*_ROW_FIELDS)
    """One county, district or zone, with the fields of ``group_line``."""
    ranking_groups: str = _t("min_sample")
    """The heading of the ranking of work groups."""
    ranking_regions: str = _t("min_sample")
    """The heading of the ranking of counties, districts and zones."""
    ranked_line: str = _t("position", "name", "key", "rate", "numerator", "denominator")
    """One ranked row; equal rates share a ``position``."""
    unranked: str = _t("items", "count")
    """The rows left out of a ranking, ``items`` joined by :attr:`separator`."""
    unranked_small_sample: str = _t("name", "key", "count", "min_sample")
    """A row left out because fewer than ``min_sample`` problems were identified."""
    unranked_no_data: str = _t("name", "key")
    """A row left out because it has no problems at all."""
    nothing_ranked: str = _t("min_sample")
    """Said when no row has a large enough sample."""
    overdue_by_department: str = _t()
    """The sub-heading of overdue counts per lead department."""
    overdue_department_line: str = _t("number", "name", "key", "overdue", "identified")
    """One lead department and its overdue problems."""
    overdue_list: str = _t()
    """The sub-heading of the list of overdue problems."""
    overdue_item: str = _t(*_OVERDUE_FIELDS)
    """One overdue problem; ``days`` is working days past the deadline."""
    overdue_more: str = _t("count")
    """Said when the list is cut short, with the ``count`` of problems not listed."""
    no_overdue: str = _t()
    """Said when no problem is overdue."""
    no_data: str = _t()
    """How a rate with nothing to divide by reads."""
    unknown: str = _t()
    """How a missing group, department or place reads."""
    separator: str = attrs.field(validator=_text)
    """Joins the items of a list inside a sentence."""
    chinese_amounts: bool = attrs.field(validator=is_instance(bool, "True or False"), default=True)
    """Write money as Chinese reports do ("1.71亿元", ``True``) or in yuan ("171 million yuan")."""
    provisional: str = attrs.field(
        default=(
            "注：{years}年尚无国务院放假通知，涉及该年的工作日按法定节假日暂计（不含调休），"
            "录入通知（jinjiecu calendar add-notice）后办理时限自动重算。"
        ),
        validator=_template("years"),
    )
    """The note that ends the overview when figures were counted on a provisional year."""

    @classmethod
    def chinese(cls) -> BriefingTemplates:
        """The phrasing Chinese offices use (the default)."""
        return cls(
            date="{month}月{day}日",
            full_date="{year}年{month}月{day}日",
            title="{campaign}工作通报",
            no_campaign="“进企业、解难题、促发展”",
            subtitle="（截至{full_date}）",
            work_groups="{count}个{level}工作组",
            work_groups_any_level="{count}个工作组",
            level="{label}",
            headline=(
                "截至{date}，{work_groups}共计进厂入企{visits}次，共梳理问题{identified}个，"
                "正在办理{in_progress}个，已帮助解决完成{solved}个。"
            ),
            rates=(
                "问题解决率{resolution_rate}，办结率{settled_rate}；超期未办结问题{overdue}个，"
                "{due_soon_days}个工作日内到期问题{due_soon}个。"
            ),
            coverage=(
                "帮扶骨干企业{backbone_assigned}家，已走访{backbone_visited}家；"
                "市级重点项目{key_projects_assigned}个，已走访{key_projects_visited}个；"
                "重点工业技改项目{renovation_assigned}个，已走访{renovation_visited}个。"
            ),
            finance=(
                "金融帮扶：化解债务{debt_resolutions}笔、{debt_resolved}，"
                "盘活处置闲置资产{asset_disposals}宗、{assets_book_value}，"
                "无还本续贷{loan_renewals}笔、{renewal_amount}，"
                "过桥资金{bridge_draws}笔、{bridge_amount}，"
                "协调融资{coordinated}笔、{coordinated_amount}。"
            ),
            heading="{number}、{title}",
            subheading="（{number}）{title}",
            chinese_numerals=True,
            section_groups="分工作组情况",
            section_regions="分县市区情况",
            section_rankings="排名情况",
            section_overdue="超期问题",
            group_line=(
                "{number}. {name}：进厂入企{visits}次，梳理问题{identified}个，"
                "正在办理{in_progress}个，已帮助解决完成{solved}个，"
                "解决率{resolution_rate}，超期{overdue}个。"
            ),
            region_line=(
                "{number}. {name}：进厂入企{visits}次，梳理问题{identified}个，"
                "正在办理{in_progress}个，已帮助解决完成{solved}个，"
                "解决率{resolution_rate}，超期{overdue}个。"
            ),
            ranking_groups="工作组问题解决率排名（梳理问题不少于{min_sample}个的参与排名）",
            ranking_regions="县市区问题解决率排名（梳理问题不少于{min_sample}个的参与排名）",
            ranked_line="{position}. {name}：{rate}（{numerator}/{denominator}）",
            unranked="未参与排名：{items}。",
            unranked_small_sample="{name}（梳理问题{count}个，少于{min_sample}个）",
            unranked_no_data="{name}（无数据）",
            nothing_ranked="暂无梳理问题不少于{min_sample}个的单位，不予排名。",
            overdue_by_department="按牵头部门统计",
            overdue_department_line="{number}. {name}：超期{overdue}个",
            overdue_list="超期问题清单",
            overdue_item=(
                "{number}. {place}：{title}（牵头部门：{department}；"
                "办理时限：{deadline}；已超期{days}个工作日）"
            ),
            overdue_more="另有{count}个超期问题未列出。",
            no_overdue="无超期未办结问题。",
            no_data="无数据",
            unknown="（未指定）",
            separator="；",
        )

    @classmethod
    def english(cls) -> BriefingTemplates:
        """An English rendering of the same briefing (names stay as recorded)."""
        row = (
            "{number}. {name}: visits {visits}, problems identified {identified}, "
            "in progress {in_progress}, solved {solved}, resolution rate {resolution_rate}, "
            "overdue {overdue}."
        )
        ranked = "(ranked when at least {min_sample} problems were identified)"
        return cls(
            date="{day} {month_name} {year}",
            full_date="{day} {month_name} {year}",
            title="Briefing: {campaign}",
            no_campaign="enterprise assistance (进企业、解难题、促发展)",
            subtitle="(as of {full_date})",
            work_groups="the {count} {level} work groups",
            work_groups_any_level="the {count} work groups",
            level="{value}-level",
            headline=(
                "As of {date}, {work_groups} had made {visits} visits to enterprises and "
                "identified {identified} problems in all: {in_progress} are in progress and "
                "{solved} have been solved."
            ),
            rates=(
                "Resolution rate {resolution_rate}, settled rate {settled_rate}; "
                "{overdue} problems are overdue and {due_soon} fall due within "
                "{due_soon_days} working days."
            ),
            coverage=(
                "Visited so far: {backbone_visited} of {backbone_assigned} backbone enterprises, "
                "{key_projects_visited} of {key_projects_assigned} city key projects and "
                "{renovation_visited} of {renovation_assigned} technical-renovation projects."
            ),
            finance=(
                "Finance relief: debts resolved {debt_resolutions} ({debt_resolved}); "
                "idle assets disposed of {asset_disposals} ({assets_book_value}); "
                "loans renewed without repaying principal {loan_renewals} ({renewal_amount}); "
                "bridge-fund draws {bridge_draws} ({bridge_amount}); "
                "financings coordinated {coordinated} ({coordinated_amount})."
            ),
            heading="{number}. {title}",
            subheading="({number}) {title}",
            chinese_numerals=False,
            section_groups="By work group",
            section_regions="By county, district and zone",
            section_rankings="Rankings",
            section_overdue="Overdue problems",
            group_line=row,
            region_line=row,
            ranking_groups="Work groups by resolution rate " + ranked,
            ranking_regions="Counties, districts and zones by resolution rate " + ranked,
            ranked_line="{position}. {name}: {rate} ({numerator}/{denominator})",
            unranked="Not ranked: {items}.",
            unranked_small_sample="{name} (problems identified: {count}, fewer than {min_sample})",
            unranked_no_data="{name} (no data)",
            nothing_ranked="Nothing is ranked: no row has {min_sample} problems or more.",
            overdue_by_department="By lead department",
            overdue_department_line="{number}. {name}: overdue {overdue}",
            overdue_list="Overdue problems, one by one",
            overdue_item=(
                "{number}. {place}: {title} (lead department: {department}; "
                "deadline {deadline}; working days overdue: {days})"
            ),
            overdue_more="{count} more overdue problems are not listed.",
            no_overdue="No problem is overdue.",
            no_data="no data",
            unknown="(not given)",
            separator="; ",
            chinese_amounts=False,
            provisional=(
                "Note: {years} has no State Council holiday notice yet; its working days are "
                "counted provisionally (statutory holidays, no make-up workdays), and deadlines "
                "are recounted once the notice is added (jinjiecu calendar add-notice)."
            ),
        )

    @classmethod
    def for_language(cls, language: str) -> BriefingTemplates:
        """The templates of ``language`` (``"zh"`` or ``"en"``)."""
        _check_language(language)
        return cls.chinese() if language == "zh" else cls.english()

    def format_date(self, day: dt.date, name: str = "full_date") -> str:
        """Write ``day`` with the date template ``name`` (``"full_date"`` or ``"date"``)."""
        check(
            name in ("date", "full_date"),
            field="name",
            expected="'date' or 'full_date'",
            received=name,
        )
        return self.fill(
            name,
            year=day.year,
            month=day.month,
            day=day.day,
            month_name=_MONTHS[day.month - 1],
        )

    def fill(self, name: str, /, **fields: Any) -> str:
        """Fill the template ``name`` with ``fields``; a bad format spec is a ValidationError."""
        template: str = getattr(self, name)
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:
            raise ValidationError(
                field=name,
                expected=f"a template that formats its fields ({type(error).__name__}: {error})",
                received=template,
            ) from None


def _check_language(language: object) -> None:
    check(
        language in LANGUAGES,
        field="language",
        expected="one of " + ", ".join(repr(code) for code in LANGUAGES),
        received=language,
    )


# ---------------------------------------------------------------------- the figures


@attrs.frozen(kw_only=True)
class BriefingRow:
    """One work group, region or department: its key, name, visits and problem figures.

    ``key`` is ``None`` for problems that name no group (or department); its
    ``name`` is then the metrics' placeholder, and renderings print their own.
    """

    key: str | None
    name: str
    visits: VisitFigures
    problems: ProblemFigures


@attrs.frozen(kw_only=True)
class OverdueProblem:
    """An unsettled problem past its (effective) deadline at the briefing's moment."""

    problem_id: str
    title: str
    place: str | None
    """The enterprise's name, or the project's when the problem is a project's."""
    department_id: str | None
    department: str | None
    work_group_id: str | None
    work_group: str | None
    region: str | None
    registered_on: dt.date
    deadline: dt.date
    """The deadline as it stood at the briefing's moment (suspensions pause it)."""
    working_days_overdue: int
    """Working days after the deadline, up to and including the briefing's day; 0 while
    only days off have passed since the deadline (a deadline just before a holiday)."""


@attrs.frozen(kw_only=True)
class BriefingFigures:
    """Everything a briefing says, read from a store as of one moment.

    ``groups`` are the work groups (of the campaign, or all of them), in id
    order, followed by a row for problems that name a group outside them or
    none; ``regions`` are the counties, districts and zones directly under the
    campaign's region (counties first, zones last); ``departments`` are the
    lead departments with overdue problems, most overdue first. ``overdue``
    lists every overdue problem, longest overdue first. ``finance`` is
    ``None`` when the store records no finance relief by then, ``coverage``
    when no campaign is known.
    """

    as_of: dt.datetime
    campaign: Campaign | None
    work_group_count: int
    group_level: OrgLevel | None
    visits: VisitFigures
    problems: ProblemFigures
    coverage: TargetCoverage | None
    finance: FinanceFigures | None
    groups: tuple[BriefingRow, ...]
    regions: tuple[BriefingRow, ...]
    group_ranking: Ranking
    region_ranking: Ranking
    departments: tuple[BriefingRow, ...]
    overdue: tuple[OverdueProblem, ...]
    min_sample: int
    due_soon_days: int
    provisional_years: tuple[int, ...] = ()
    """The provisional years the figures were counted on (no holiday notice yet)."""


@attrs.frozen
class _Records:
    """The names and organisation a briefing needs, read in one transaction."""

    campaigns: list[Campaign]
    groups: list[WorkGroup]
    regions: list[Region]
    departments: dict[str, str]
    places: dict[str, str]


def _read_records(session: Session) -> _Records:
    places = {str(e.id): e.name for e in session.scan(ENTERPRISES)}
    places |= {str(p.id): p.name for p in session.scan(PROJECTS)}
    return _Records(
        campaigns=list(session.scan(CAMPAIGNS)),
        groups=list(session.scan(WORK_GROUPS)),
        regions=list(session.scan(REGIONS)),
        departments={str(d.id): d.name for d in session.scan(DEPARTMENTS)},
        places=places,
    )


def _choose_campaign(records: _Records, campaign_id: CampaignId | None) -> Campaign | None:
    if campaign_id is None:
        return records.campaigns[0] if len(records.campaigns) == 1 else None
    for campaign in records.campaigns:
        if campaign.id == campaign_id:
            return campaign
    raise NotFoundError(kind="campaign", id=campaign_id)


def _county_regions(records: _Records, campaign: Campaign | None) -> list[Region]:
    """The regions one level under the campaign's (or the store's only top) region."""
    known = {str(r.id) for r in records.regions}
    tops = [r for r in records.regions if r.parent_id is None or str(r.parent_id) not in known]
    home: str | None
    if campaign is not None:
        home = str(campaign.region_id)
    elif len(tops) == 1:
        home = str(tops[0].id)
    else:
        home = None
    chosen = (
        tops
        if home is None
        else [r for r in records.regions if r.parent_id is not None and str(r.parent_id) == home]
    )
    return sorted(chosen, key=lambda r: (r.kind is DivisionKind.DEVELOPMENT_ZONE, str(r.id)))


def briefing_figures(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    campaign_id: CampaignId | None = None,
    min_sample: int = 5,
    rules: ProblemRules = DEFAULT_RULES,
) -> BriefingFigures:
    """Read the figures of a briefing from ``store`` as the records stood at ``as_of``.

    ``as_of`` defaults to now. With ``campaign_id``, only that campaign's
    problems, visits and work groups count; without it, every record counts,
    and a store holding a single campaign takes its name, region and targets.
    ``min_sample`` is the fewest problems a group or region needs to be
    ranked. Finance relief is not tied to a campaign: it counts every finance
    record dated on or before the day of ``as_of``.
    """
    moment = now() if as_of is None else as_of
    check_argument(an_aware_datetime, "as_of", moment)
    check_argument(optional(is_id(CampaignId)), "campaign_id", campaign_id)
    check_argument(int_in(1), "min_sample", min_sample)
    check_argument(is_instance(ProblemRules, "a ProblemRules"), "rules", rules)
    rules = store.counting_rules(rules)
    records = store.read(_read_records)
    campaign = _choose_campaign(records, campaign_id)
    query = Query(campaign_id=campaign_id) if campaign_id is not None else Query()

    def problems_by(dimension: Dimension) -> Summary[ProblemFigures]:
        return problem_summary(store, as_of=moment, by=dimension, query=query, rules=rules)

    by_group = problems_by(Dimension.WORK_GROUP)
    total = by_group.total  # every selected problem, whatever its group
    by_region = problems_by(Dimension.REGION)
    by_department = problems_by(Dimension.DEPARTMENT)
    visits_by_group = visit_summary(
        store, as_of=moment, by=Dimension.WORK_GROUP, campaign_id=campaign_id
    )
    visits_total = visits_by_group.total  # every visit, whatever its group
    visits_by_region = visit_summary(
        store, as_of=moment, by=Dimension.REGION, campaign_id=campaign_id
    )

    groups = sorted(
        (g for g in records.groups if campaign_id is None or g.campaign_id == campaign_id),
        key=lambda g: str(g.id),
    )
    levels = {g.level for g in groups}
    problem_rows = {row.key: row for row in by_group}
    visit_rows = {row.key: row.figures for row in visits_by_group}
    group_rows = [
        BriefingRow(
            key=str(g.id),
            name=g.name,
            visits=visit_rows.get(str(g.id), VisitFigures()),
            problems=problem_rows[str(g.id)].figures
            if str(g.id) in problem_rows
            else ProblemFigures(),
        )
        for g in groups
    ]
    ranked_groups = list(group_rows)
    # Problems or visits of groups outside the campaign's, or of none, get rows of their own.
    labels = {row.key: row.label for row in (*by_group, *visits_by_group)}
    known = {row.key for row in group_rows}
    group_rows += [
        BriefingRow(
            key=key,
            name=labels[key],
            visits=visit_rows.get(key, VisitFigures()),
            problems=problem_rows[key].figures if key in problem_rows else ProblemFigures(),
        )
        for key in sorted(labels.keys() - known, key=lambda key: (key is None, key or ""))
    ]

    region_problems = {row.key: row.figures for row in by_region}
    region_visits = {row.key: row.figures for row in visits_by_region}
    region_rows = [
        BriefingRow(
            key=str(r.id),
            name=r.name,
            visits=region_visits.get(str(r.id), VisitFigures()),
            problems=region_problems.get(str(r.id), ProblemFigures()),
        )
        for r in _county_regions(records, campaign)
    ]
    departments = sorted(
        (
            BriefingRow(key=row.key, name=row.label, visits=VisitFigures(), problems=row.figures)
            for row in by_department
            if row.figures.overdue
        ),
        key=lambda row: (-row.problems.overdue, row.key is None, row.key or ""),
    )
    overdue = _overdue(store, moment, campaign_id, records, rules)
    provisional = set(total.provisional_years)
    if overdue:  # each overdue problem's working days are counted up to the moment
        provisional.update(provisional_reach(rules.working_calendar, [local_date(moment)]))
    finance = finance_summary(store, as_of=moment).total
    has_finance = any(
        getattr(finance, f.name) for f in attrs.fields(FinanceFigures) if f.type in ("int", int)
    )
    return BriefingFigures(
        as_of=moment,
        campaign=campaign,
        work_group_count=len(groups),
        group_level=next(iter(levels)) if len(levels) == 1 else None,
        visits=visits_total,
        problems=total,
        coverage=None if campaign is None else target_coverage(store, campaign.id, as_of=moment),
        finance=finance if has_finance else None,
        groups=tuple(group_rows),
        regions=tuple(region_rows),
        group_ranking=_rank(ranked_groups, moment, min_sample),
        region_ranking=_rank(region_rows, moment, min_sample),
        departments=tuple(departments),
        overdue=overdue,
        min_sample=min_sample,
        due_soon_days=rules.due_soon_working_days,
        provisional_years=tuple(sorted(provisional)),
    )


def _rank(rows: list[BriefingRow], moment: dt.datetime, min_sample: int) -> Ranking:
    """Rank ``rows`` by resolution rate."""
    table: Summary[ProblemFigures] = Summary(
        as_of=moment,
        dimension=None,
        rows=tuple(Row(key=row.key, label=row.name, figures=row.problems) for row in rows),
        total=ProblemFigures(),
        definitions=("resolution_rate",),
    )
    return rank(table, "resolution_rate", min_sample=min_sample)


def _overdue(
    store: Store,
    moment: dt.datetime,
    campaign_id: CampaignId | None,
    records: _Records,
    rules: ProblemRules,
) -> tuple[OverdueProblem, ...]:
    def read(session: Session) -> list[Problem]:
        return list(session.scan_problems())

    today = local_date(moment)
    calendar = rules.working_calendar
    group_names = {str(g.id): g.name for g in records.groups}
    region_names = {str(r.id): r.name for r in records.regions}
    found: list[OverdueProblem] = []
    for problem in store.read(read):
        then = problem.as_of(moment)
        if then is None or (campaign_id is not None and then.campaign_id != campaign_id):
            continue
        if not then.is_overdue(moment, rules):
            continue
        deadline = then.effective_deadline(today, rules)
        if deadline is None:  # pragma: no cover - an overdue problem has a deadline
            continue
        place_id = then.enterprise_id or then.project_id
        department_id = None if then.lead_department_id is None else str(then.lead_department_id)
        group_id = None if then.work_group_id is None else str(then.work_group_id)
        found.append(
            OverdueProblem(
                problem_id=str(then.id),
                title=mask_text(then.title),  # reports never show phone or ID numbers
                place=None if place_id is None else records.places.get(str(place_id)),
                department_id=department_id,
                department=None
                if department_id is None
                else records.departments.get(department_id, department_id),
                work_group_id=group_id,
                work_group=None if group_id is None else group_names.get(group_id, group_id),
                region=region_names.get(str(then.region_id), str(then.region_id)),
                registered_on=local_date(then.registered_at),
                deadline=deadline,
                working_days_overdue=calendar.working_days_between(deadline, today),
            )
        )
    found.sort(key=lambda p: (-p.working_days_overdue, p.deadline, p.problem_id))
    return tuple(found)


# ---------------------------------------------------------------------- rendering

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
    _check_language(language)
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
    _check_language(language)
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
    _check_language(language)
    figures = briefing_figures(
        store, as_of=as_of, campaign_id=campaign_id, min_sample=min_sample, rules=rules
    )
    return str(
        render_briefing(
            figures, language=language, templates=templates, overdue_limit=overdue_limit
        )
    )
