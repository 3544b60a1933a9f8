"""The phrasing of a briefing: :class:`BriefingTemplates`, one template per sentence.

Each field is a ``str.format`` template checked when the templates are built:
a template may name only the fields listed for it, so a misspelt field is
refused at once with the names it may use. :meth:`BriefingTemplates.chinese`
and :meth:`BriefingTemplates.english` are the two phrasings the library
ships; :mod:`jinjiecu.reports.briefing` re-exports the class, and the
rendering there fills the templates with the figures.

>>> import datetime as dt
>>> t = BriefingTemplates.english()
>>> t.format_date(dt.date(2019, 11, 13))
'13 November 2019'
>>> t.fill("ranked_line", position=1, name="乐陵市", key="r1", rate="25.0%", numerator=2,
...        denominator=8)
'1. 乐陵市: 25.0% (2/8)'
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import MONTHS_EN
from jinjiecu.domain.validation import check, is_instance
from jinjiecu.errors import ValidationError
from jinjiecu.metrics import RATES, FinanceFigures, ProblemFigures

if TYPE_CHECKING:
    import datetime as dt

    from jinjiecu.domain.validation import Validator


LANGUAGES = ("zh", "en")
"""The languages a briefing can be written in, Chinese (``zh``) and English (``en``)."""

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
        check_language(language)
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
            month_name=MONTHS_EN[day.month - 1],
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


def check_language(language: object) -> None:
    check(
        language in LANGUAGES,
        field="language",
        expected="one of " + ", ".join(repr(code) for code in LANGUAGES),
        received=language,
    )
