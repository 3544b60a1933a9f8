"""The commands that work on the store itself: ``init``, ``demo``, ``stats`` and ``problem``."""

from __future__ import annotations

import functools
import getpass
import os
import re
import typing
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.cli._text import Ui, clip, fail, parse_day, table

if TYPE_CHECKING:
    import argparse
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from jinjiecu.domain.calendar import HolidayNotice, WorkingCalendar
    from jinjiecu.domain.problem import Actor, Problem
    from jinjiecu.metrics.dimensions import Dimension
    from jinjiecu.metrics.results import (
        FinanceFigures,
        ProblemFigures,
        Rate,
        Summary,
        VisitFigures,
    )
    from jinjiecu.sample import SampleData
    from jinjiecu.storage.base import Query, Store

# Exit codes, as in jinjiecu.cli.ExitCode (kept as numbers so this module needs no import cycle).
_DATA, _USAGE, _STORE = 1, 2, 3


# ====================================================================== the store


def store_url(args: argparse.Namespace) -> str:
    """The store the command works on: ``--store``, else ``$JINJIECU_STORE``, else ``jinjiecu.db``.

    A plain file path (no ``://``) means an SQLite file.
    """
    from jinjiecu.storage import DEFAULT_STORE_URL, STORE_ENV  # noqa: PLC0415

    given = (getattr(args, "store", None) or "").strip()
    url = given or os.environ.get(STORE_ENV, "").strip() or DEFAULT_STORE_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


NOTICES_ENV = "JINJIECU_HOLIDAY_NOTICES"
"""Environment variable: notice files to add to the store, separated like ``PATH``."""


def read_notice(path: str | Path) -> HolidayNotice:
    """A holiday notice typed as TOML in ``path``; errors name the file."""
    from jinjiecu.domain.calendar import HolidayNotice  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        return HolidayNotice.from_toml(text)
    except ValidationError as error:
        raise error.at(str(path)) from None


def add_notice_options(args: argparse.Namespace, store: Store, ui: Ui) -> None:
    """Add the notices of ``--holiday-notice`` (or ``$JINJIECU_HOLIDAY_NOTICES``) to the store.

    A file is added only for a year the store has no notice for, so a file
    left in the environment after a correction changes nothing: the store's
    notice stands, and a note says the file differs from it. A year the
    ``holidays`` package covers is left to the package, with a note.
    """
    paths = getattr(args, "holiday_notice", None) or [
        part for part in os.environ.get(NOTICES_ENV, "").split(os.pathsep) if part.strip()
    ]
    if not paths:
        return
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    notices = sorted(((read_notice(path), path) for path in paths), key=lambda pair: pair[0].year)
    calendar = store.holiday_notices.calendar()
    current = store.holiday_notices.current()
    for notice, path in notices:
        year = notice.year
        if year in calendar.package_years:
            ui.note(
                f"{year}年已有 holidays 数据包中的官方日历，未使用 {path}",
                f"{year} is covered by the holidays package; {path} is not used",
            )
            continue
        entry = current.get(year)
        if entry is not None:
            if entry.notice != notice:
                ui.note(
                    f"{path} 与数据库中的{year}年放假通知（第{entry.version}版）不同，"
                    f"按数据库中的计算；如需更正：jinjiecu calendar add-notice {path} --replace",
                    f"{path} differs from the store's {year} notice (version {entry.version}), "
                    f"which is used; to correct it: jinjiecu calendar add-notice {path} --replace",
                )
            continue
        try:
            store.holiday_notices.add(notice, actor=notice_actor(args))
        except ValidationError as error:
            raise error.at(str(path)) from None
        ui.note(
            f"已将{year}年放假通知写入数据库（{path}），此后无需再指定。",
            f"Added the {year} holiday notice ({path}) to the store; every command "
            "now counts with it without the option.",
        )


def notice_actor(args: argparse.Namespace) -> Actor:
    """Who adds a notice: ``--actor`` where the command has it, else the login name."""
    from jinjiecu.domain.problem import Actor, ActorKind  # noqa: PLC0415

    name = getattr(args, "actor", None) or _login_name()
    kind = ActorKind.parse(getattr(args, "actor_kind", None) or "clerk", field="actor_kind")
    return Actor(kind=kind, id=name, name=name)


def provisional_note(ui: Ui, years: Sequence[int]) -> None:
    """One line naming the provisional years counted on, and how to add their notices."""
    if not years:
        return
    shown = "、".join(f"{year}年" for year in years)
    english = ", ".join(str(year) for year in years)
    ui.say(
        f"注：{shown}尚无放假通知，涉及的工作日按法定节假日暂计（不含调休）；"
        "通知发布后运行 jinjiecu calendar add-notice 通知.toml，时限将自动重算。",
        f"Note: {english} has no holiday notice yet, so its working days are provisional "
        "(statutory holidays, no make-up workdays); once the notice is out, run "
        "`jinjiecu calendar add-notice notice.toml` and deadlines are recounted.",
    )


def _sqlite_file(url: str) -> str | None:
    scheme, _, rest = url.partition("://")
    if scheme.lower() != "sqlite" or not rest.startswith("/") or len(rest) < 2:
        return None
    return rest[1:]


@contextmanager
def opened(args: argparse.Namespace, ui: Ui, *, create: bool = False) -> Iterator[Store]:
    """Open the command's store; refuse an SQLite file that does not exist unless ``create``.

    Reading commands never create an empty database by accident (a typo in
    ``--store`` would otherwise give figures of zero). Notices given with
    ``--holiday-notice`` are added to the store first (:func:`add_notice_options`).
    """
    from jinjiecu.storage import open_store  # noqa: PLC0415

    url = store_url(args)
    path = _sqlite_file(url)
    if not create and path is not None and not Path(path).exists():
        fail(
            f"找不到数据库 {path}，请检查 --store，或先运行 jinjiecu init（或 jinjiecu demo）",
            f"no store at {path}: check --store, or run `jinjiecu init` (or `jinjiecu demo`) first",
            code=_STORE,
        )
    with open_store(url) as store:
        add_notice_options(args, store, ui)
        yield store


# ====================================================================== init


def run_init(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu init``: create the store or bring its schema up to date."""
    url = store_url(args)
    path = _sqlite_file(url)
    existed = path is None or Path(path).exists()
    with opened(args, ui, create=True) as store:
        where = store.url
        version = _schema_version(store)
    if ui.json:
        ui.dump({"store": where, "created": not existed, "schema_version": version})
        return 0
    if existed:
        ui.say(
            f"数据库已就绪：{where}（结构版本 {version}）",
            f"Store ready: {where} (schema version {version})",
        )
    else:
        ui.say(
            f"已创建数据库：{where}（结构版本 {version}）",
            f"Created the store {where} (schema version {version})",
        )
    return 0


def _schema_version(store: Store) -> int | None:
    from jinjiecu.storage.memory import MemoryStore  # noqa: PLC0415

    if isinstance(store, MemoryStore):
        return None
    from jinjiecu.storage.sql import SCHEMA_VERSION  # noqa: PLC0415

    return SCHEMA_VERSION


# ====================================================================== demo


def run_demo(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu demo``: load the 2019 Dezhou sample (once) and print its headline figures."""
    from jinjiecu.cli._progress import Progress  # noqa: PLC0415

    sample = _sample()
    with opened(args, ui, create=True) as store:
        loaded = 0
        already = sample.campaign_id in store.campaigns
        if not already:
            label = ui.text("写入样例", "loading the sample")
            with Progress(label, ui.err, enabled=not ui.quiet) as progress:
                loaded = load_missing(store, sample, progress)
        figures, zh, en = headline(store, as_of=sample.as_of, campaign_id=sample.campaign_id)
        where = store.url
    if ui.json:
        ui.dump(
            {
                "store": where,
                "loaded": not already,
                "records_added": loaded,
                "campaign_id": sample.campaign_id,
                "as_of": sample.as_of,
                "figures": figures,
                "headline": {"zh": zh, "en": en},
            }
        )
        return 0
    if already:
        ui.note(
            f"样例已在数据库中，未重复写入：{where}",
            f"The sample is already in {where}; nothing was added.",
        )
    else:
        ui.note(
            f"已将2019年德州市集中行动样例写入 {where}（{loaded} 条记录）",
            f"Loaded the sample 2019 Dezhou drive into {where} ({loaded} records).",
        )
    if args.full:
        _print_briefing(args, ui, sample.as_of, sample.campaign_id)
        return 0
    ui.say(zh, en)
    ui.note(
        "接着试试：jinjiecu stats --as-of 2019-11-13 --by 工作组；"
        "完整通报：jinjiecu report --as-of 2019-11-13",
        "Next, try: jinjiecu stats --as-of 2019-11-13 --by work_group; "
        "the whole briefing: jinjiecu report --as-of 2019-11-13",
    )
    return 0


def _print_briefing(args: argparse.Namespace, ui: Ui, as_of: dt.datetime, campaign_id: str) -> None:
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.reports.briefing import briefing  # noqa: PLC0415

    languages = ["zh", "en"] if ui.lang == "both" else [ui.lang]
    with opened(args, ui) as store:
        texts = [
            briefing(store, as_of=as_of, campaign_id=CampaignId(campaign_id), language=language)
            for language in languages
        ]
    ui.print("\n\n".join(text.rstrip("\n") for text in texts))


@functools.cache
def _sample() -> SampleData:
    from jinjiecu.sample import dezhou_2019  # noqa: PLC0415

    return dezhou_2019()


def load_missing(store: Store, sample: SampleData, progress: Any) -> int:
    """Add the sample's records that the store does not hold yet, in one transaction.

    Records already there (the regions the ``dezhou_campaign`` example stores,
    say) are kept as they are. Returns how many records were added.
    """
    batches = [(kind, tuple(getattr(sample, kind))) for kind in sample.KINDS]
    total = sum(len(records) for _, records in batches)
    done = added = 0
    progress(0, total)
    with store.transaction() as tx:
        for kind, records in batches:
            collection = getattr(tx, kind)
            fresh = [record for record in records if record.id not in collection]
            added += collection.add_many(fresh)
            done += len(records)
            progress(done, total)
    return added


def headline(
    store: Store, *, as_of: dt.datetime, campaign_id: str | None
) -> tuple[dict[str, int], str, str]:
    """The briefing's headline: its figures, and its sentence in Chinese and in English.

    The figures are work groups, visits, identified, in progress and solved;
    the sentences are the briefing's own
    (:func:`~jinjiecu.reports.briefing.headline_sentence`), without reading
    the rest of the briefing.
    """
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.metrics import problem_summary, visit_summary  # noqa: PLC0415
    from jinjiecu.reports.briefing import headline_sentence  # noqa: PLC0415
    from jinjiecu.storage.base import MAX_PAGE, Query as StoreQuery  # noqa: PLC0415

    campaign = None if campaign_id is None else CampaignId(campaign_id)
    query = StoreQuery(campaign_id=campaign)
    groups = store.work_groups.list(query, limit=MAX_PAGE)
    levels = {group.level for group in groups}
    problems = problem_summary(store, as_of=as_of, query=query).total
    visits = visit_summary(store, as_of=as_of, campaign_id=campaign).total
    figures = {
        "work_groups": len(groups),
        "visits": visits.visits,
        "identified": problems.identified,
        "in_progress": problems.in_progress,
        "solved": problems.solved,
    }
    zh, en = (
        headline_sentence(
            problems,
            visits,
            as_of=as_of,
            work_groups=len(groups),
            group_level=next(iter(levels)) if len(levels) == 1 else None,
            language=language,
        )
        for language in ("zh", "en")
    )
    return figures, zh, en


# ====================================================================== names and filters


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def resolve(store: Store, kind: str, text: str) -> str:
    """The id of the ``kind`` record (``work_groups``, ``regions`` ...) named ``text``.

    ``text`` may be the id or the exact name (an enterprise also by its credit
    code). An unknown or ambiguous name is a :class:`CliError`.
    """
    from jinjiecu.storage.base import MAX_PAGE  # noqa: PLC0415

    collection = getattr(store, kind)
    key = _fold(text)
    try:
        candidate = collection.kind.id_type(key)
    except ValueError:
        candidate = None
    if candidate is not None and candidate in collection:
        return str(candidate)
    found: list[Any] = []
    offset = 0
    while page := collection.list(limit=MAX_PAGE, offset=offset):
        found.extend(
            record
            for record in page
            if _fold(record.name) == key or str(getattr(record, "credit_code", "")) == key.upper()
        )
        offset += len(page)
    what_zh, what_en = _KIND_NAMES[kind]
    if not found:
        fail(
            f"没有编号或名称为 {text!r} 的{what_zh}",
            f"no {what_en} with id or name {text!r}",
            code=_DATA,
        )
    if len(found) > 1:
        ids = ", ".join(str(record.id) for record in found[:10])
        fail(
            f"名称 {text!r} 对应多个{what_zh}，请改用编号：{ids}",
            f"{text!r} names several {what_en}s, give the id instead: {ids}",
            code=_DATA,
        )
    return str(found[0].id)


_KIND_NAMES = {
    "campaigns": ("集中行动", "campaign"),
    "work_groups": ("工作组", "work group"),
    "regions": ("县市区", "region"),
    "departments": ("部门", "department"),
    "enterprises": ("企业", "enterprise"),
    "leaders": ("领导", "leader"),
}

_VISIT_FILTERS = {"campaign_id", "work_group_id", "region_id", "enterprise_id"}


def build_query(store: Store, args: argparse.Namespace) -> Query:
    """The :class:`~jinjiecu.storage.base.Query` the filter options describe."""
    from jinjiecu.domain.events import HandlingLevel, Scope  # noqa: PLC0415
    from jinjiecu.domain.ids import (  # noqa: PLC0415
        CampaignId,
        DepartmentId,
        EnterpriseId,
        RegionId,
        WorkGroupId,
    )
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415
    from jinjiecu.domain.workflow import ProblemState  # noqa: PLC0415
    from jinjiecu.storage.base import Query as StoreQuery  # noqa: PLC0415

    def named(option: str, kind: str, id_type: Any) -> Any:
        text = getattr(args, option, None)
        return None if text is None else id_type(resolve(store, kind, text))

    def parsed(option: str, parse: Any) -> Any:
        text = getattr(args, option, None)
        return None if text is None else parse(text)

    return StoreQuery(
        campaign_id=named("campaign", "campaigns", CampaignId),
        work_group_id=named("group", "work_groups", WorkGroupId),
        region_id=named("region", "regions", RegionId),
        department_id=named("department", "departments", DepartmentId),
        enterprise_id=named("enterprise", "enterprises", EnterpriseId),
        category=parsed("category", lambda t: DEFAULT_TAXONOMY.parse(t).code),
        state=parsed("state", lambda t: ProblemState.parse(t, field="state")),
        scope=parsed("scope", lambda t: Scope.parse(t, field="scope")),
        level=parsed("level", lambda t: HandlingLevel.parse(t, field="level")),
        since=getattr(args, "since", None),
        until=getattr(args, "until", None),
    )


def _query_json(query: Query) -> dict[str, Any]:
    return {name: getattr(value, "value", value) for name, value in query.given().items()}


def _describe_moment(moment: dt.datetime) -> tuple[str, str]:
    from jinjiecu.domain.clock import CHINA_TZ, end_of_day, local_date  # noqa: PLC0415

    day = local_date(moment)
    if moment == end_of_day(day):
        return f"{day:%Y年%m月%d日}（当日止）", f"the end of {day.isoformat()}"
    local = moment.astimezone(CHINA_TZ)
    return f"{local:%Y年%m月%d日 %H:%M}", f"{local:%Y-%m-%d %H:%M} (China time)"


# ====================================================================== stats


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
                    code=_USAGE,
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
        "filters": _query_json(query),
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
                "filters": _query_json(query),
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
    given = _query_json(query)
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


# ====================================================================== problem


def _category_label(code: str) -> str:
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415

    try:
        return DEFAULT_TAXONOMY.get(code).label
    except ValueError:
        return code


def problem_json(
    problem: Problem, *, history: bool = False, calendar: WorkingCalendar | None = None
) -> dict[str, Any]:
    """A problem for JSON: its current fields, and with ``history`` every transition.

    With the store's ``calendar``, ``deadline_provisional`` says whether the
    deadline falls in a year counted provisionally.
    """
    from jinjiecu.domain.problem import allowed_events  # noqa: PLC0415
    from jinjiecu.serialization import unstructure  # noqa: PLC0415

    data: dict[str, Any] = {
        "id": problem.id,
        "version": problem.version,
        "state": problem.state.value,
        "state_label": problem.state.label,
        "title": problem.title,
        "description": problem.description,
        "category": problem.category,
        "category_label": _category_label(problem.category),
        "scope": problem.scope.value,
        "level": problem.level.value,
        "region_id": problem.region_id,
        "enterprise_id": problem.enterprise_id,
        "project_id": problem.project_id,
        "campaign_id": problem.campaign_id,
        "work_group_id": problem.work_group_id,
        "lead_department_id": problem.lead_department_id,
        "co_department_ids": list(problem.co_department_ids),
        "registered_at": problem.registered_at,
        "deadline": problem.deadline,
    }
    if calendar is not None:
        deadline = problem.deadline
        data["deadline_provisional"] = deadline is not None and calendar.is_provisional(deadline)
    if history:
        data["allowed_events"] = [event.value for event in allowed_events(problem)]
        data["transitions"] = unstructure(list(problem.transitions))
    return data


def run_problem_list(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem list``: problems matching the filters, as they stand now."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415

    with opened(args, ui) as store:
        query = build_query(store, args)
        total = store.problems.count(query)
        found = store.problems.list(
            query, limit=min(args.limit, 10_000), offset=max(0, args.offset)
        )
        rules = store.counting_rules()
    calendar = rules.working_calendar
    if ui.json:
        ui.dump(
            {
                "count": total,
                "offset": args.offset,
                "filters": _query_json(query),
                "problems": [problem_json(problem, calendar=calendar) for problem in found],
            }
        )
        return 0
    moment = now()
    headers = ui.headers(
        [
            ("编号", "id"),
            ("状态", "state"),
            ("类别", "category"),
            ("登记", "registered"),
            ("时限", "deadline"),
            ("超期", "overdue"),
            ("标题", "title"),
        ]
    )
    rows = [
        [
            problem.id,
            ui.text(problem.state.label, problem.state.value),
            clip(_category_label(problem.category), 12),
            _local_day(problem.registered_at),
            _deadline_cell(problem.deadline, calendar),
            problem.is_overdue(moment, rules),
            clip(problem.title, 36),
        ]
        for problem in found
    ]
    ui.print(table(headers, rows))
    provisional = sorted(
        {p.deadline.year for p in found if p.deadline and calendar.is_provisional(p.deadline)}
    )
    if provisional:
        ui.say("* 暂定时限", "* provisional deadline")
    provisional_note(ui, provisional)
    shown = len(found)
    first = args.offset + 1 if shown else 0
    ui.note(
        f"共 {total} 个问题，显示第 {first}–{args.offset + shown} 个。",
        f"{total} problems; showing {first}–{args.offset + shown}.",
    )
    return 0


def _deadline_cell(deadline: dt.date | None, calendar: WorkingCalendar) -> object:
    """A deadline for a table, with ``*`` when it falls in a provisional year."""
    if deadline is None:
        return None
    return f"{deadline}*" if calendar.is_provisional(deadline) else deadline


def _local_day(moment: dt.datetime) -> str:
    from jinjiecu.domain.clock import local_date  # noqa: PLC0415

    return local_date(moment).isoformat()


def _local_time(moment: dt.datetime) -> str:
    from jinjiecu.domain.clock import CHINA_TZ  # noqa: PLC0415

    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"


def _problem_id(text: str) -> Any:
    from jinjiecu.domain.ids import ProblemId  # noqa: PLC0415

    return ProblemId(_fold(text))


def run_problem_show(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem show ID``: a problem, its history and the events allowed now."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.domain.problem import allowed_events  # noqa: PLC0415

    with opened(args, ui) as store:
        problem = store.problems.get(_problem_id(args.id))
        names = _names_for(store, problem)
        rules = store.counting_rules()
    calendar = rules.working_calendar
    if args.as_of is not None:
        then = problem.as_of(args.as_of)
        if then is None:
            fail(
                f"问题 {problem.id} 在该时刻尚未登记",
                f"problem {problem.id} was not registered yet at {args.as_of.isoformat()}",
                code=_DATA,
            )
        problem = then
    if ui.json:
        ui.dump(problem_json(problem, history=True, calendar=calendar))
        return 0
    moment = args.as_of or now()
    overdue = problem.is_overdue(moment, rules)
    deadline_is_provisional = problem.deadline is not None and calendar.is_provisional(
        problem.deadline
    )

    def field(zh: str, en: str, value: object) -> list[object]:
        return [ui.text(zh, en), "-" if value in (None, "") else value]

    state = ui.text(problem.state.label, problem.state.value)
    deadline = problem.deadline
    deadline_text = (
        None
        if deadline is None
        else f"{deadline}"
        + (ui.text("（暂定）", " (provisional)") if deadline_is_provisional else "")
        + (ui.text("（已超期）", " (overdue)") if overdue else "")
    )
    rows = [
        field("编号", "id", f"{problem.id}（{ui.text('版本', 'version')} {problem.version}）"),
        field("标题", "title", problem.title),
        field("状态", "state", state),
        field("类别", "category", f"{_category_label(problem.category)} ({problem.category})"),
        field("性质", "scope", ui.text(problem.scope.label, problem.scope.value)),
        field("层级", "level", ui.text(problem.level.label, problem.level.value)),
        field("县市区", "region", names.get(problem.region_id)),
        field("企业", "enterprise", names.get(problem.enterprise_id)),
        field("项目", "project", problem.project_id),
        field("工作组", "work group", names.get(problem.work_group_id)),
        field("牵头部门", "lead department", names.get(problem.lead_department_id)),
        field(
            "配合部门",
            "co-departments",
            "、".join(str(names.get(d)) for d in problem.co_department_ids),
        ),
        field("登记时间", "registered", _local_time(problem.registered_at)),
        field("办理时限", "deadline", deadline_text),
        field(
            "可执行",
            "allowed now",
            ", ".join(ui.text(e.label, e.value) for e in allowed_events(problem)),
        ),
    ]
    ui.print(table(ui.headers([("项目", "field"), ("内容", "value")]), rows))
    if problem.description:
        ui.print()
        ui.print(problem.description)
    ui.print()
    history = [
        [
            t.sequence,
            _local_time(t.at),
            ui.text(t.event.label, t.event.value),
            ui.text(t.to_state.label, t.to_state.value),
            clip(t.actor.name or t.actor.id, 24),
            clip(_data_text(t.data, t.note), 60),
        ]
        for t in problem.transitions
    ]
    headers = ui.headers(
        [
            ("#", "#"),
            ("时间", "time"),
            ("事件", "event"),
            ("状态", "state"),
            ("经办", "actor"),
            ("内容", "details"),
        ]
    )
    ui.print(table(headers, history, right=[True, False, False, False, False, False]))
    if deadline_is_provisional and deadline is not None:
        provisional_note(ui, [deadline.year])
    return 0


def _names_for(store: Store, problem: Problem) -> dict[str | None, str]:
    from jinjiecu.errors import JinjiecuError  # noqa: PLC0415

    wanted: dict[str, list[str | None]] = {
        "regions": [problem.region_id],
        "enterprises": [problem.enterprise_id],
        "work_groups": [problem.work_group_id],
        "departments": [problem.lead_department_id, *problem.co_department_ids],
    }
    names: dict[str | None, str] = {}
    for kind, ids in wanted.items():
        collection = getattr(store, kind)
        for record_id in ids:
            if record_id is None:
                continue
            try:
                names[record_id] = f"{collection.get(record_id).name} ({record_id})"
            except JinjiecuError:  # a missing name must not hide the problem
                names[record_id] = str(record_id)
    return names


def _data_text(data: object, note: str) -> str:
    from jinjiecu.serialization import unstructure  # noqa: PLC0415

    values = unstructure(data)
    parts = [
        f"{name}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in values.items()
        if value not in (None, "", [], ())
    ]
    if note:
        parts.append(note)
    return "; ".join(parts)


# ---------------------------------------------------------------------- writing


def actor_of(args: argparse.Namespace) -> Actor:
    """The actor a writing command records: ``--actor`` (default: the user's login name)."""
    from jinjiecu.domain.problem import Actor, ActorKind  # noqa: PLC0415

    name = args.actor or _login_name()
    return Actor(kind=ActorKind.parse(args.actor_kind, field="actor_kind"), id=name, name=name)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        return "jinjiecu-cli"


def run_problem_register(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem register``: register a new problem."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.domain.events import HandlingLevel, Register, Scope  # noqa: PLC0415
    from jinjiecu.domain.ids import (  # noqa: PLC0415
        CampaignId,
        EnterpriseId,
        ProblemId,
        ProjectId,
        RegionId,
        WorkGroupId,
    )
    from jinjiecu.domain.problem import Problem  # noqa: PLC0415
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415

    with opened(args, ui) as store:

        def named(text: str | None, kind: str, id_type: Any) -> Any:
            return None if text is None else id_type(resolve(store, kind, text))

        optional: dict[str, Any] = {}
        if args.scope is not None:
            optional["scope"] = Scope.parse(args.scope, field="scope")
        if args.level is not None:
            optional["level"] = HandlingLevel.parse(args.level, field="level")
        details = Register(
            title=_fold(args.title),
            category=DEFAULT_TAXONOMY.parse(args.category).code,
            region_id=RegionId(resolve(store, "regions", args.region)),
            description=args.description,
            enterprise_id=named(args.enterprise, "enterprises", EnterpriseId),
            project_id=None if args.project is None else ProjectId(_fold(args.project)),
            campaign_id=named(args.campaign, "campaigns", CampaignId),
            work_group_id=named(args.group, "work_groups", WorkGroupId),
            **optional,
        )
        problem = Problem.register(
            details,
            at=args.at or now(),
            actor=actor_of(args),
            id=None if args.id is None else ProblemId(_fold(args.id)),
            note=args.note,
        )
        store.problems.add(problem)
    if ui.json:
        ui.dump(problem_json(problem, history=True))
        return 0
    ui.say(
        f"已登记问题 {problem.id}：{problem.title}（{problem.state.label}）",
        f"Registered problem {problem.id}: {problem.title} ({problem.state.value})",
    )
    return 0


def event_help() -> str:
    """The events ``problem apply`` takes and their fields, for the help text."""
    from jinjiecu.domain.events import EVENT_DATA  # noqa: PLC0415
    from jinjiecu.domain.workflow import Event  # noqa: PLC0415

    lines = ["事件及其字段（* 必填）/ events and their fields (* required):"]
    for event, cls in EVENT_DATA.items():
        if event is Event.REGISTER:
            continue
        fields = [f"{f.name}{'*' if f.default is attrs.NOTHING else ''}" for f in attrs.fields(cls)]
        lines.append(f"  {event.value} {event.label}: {', '.join(fields) or '-'}")
    lines += [
        "",
        "列表字段用逗号分隔；部门可写名称 / lists are comma-separated; departments by id or name.",
        "例 examples:",
        "  jinjiecu problem apply P-1 交办 lead_department_id=德州市住房和城乡建设局 deadline=2019-11-30",  # noqa: E501
        "  jinjiecu problem apply P-1 start",
        "  jinjiecu problem apply P-1 resolve summary=已协调接通施工用电",
        "  jinjiecu problem apply P-1 回访 outcome=已解决 satisfaction=满意",
    ]
    return "\n".join(lines)


_LIST_SPLIT = re.compile(r"[,，、;；]")
_TRUE = {"true", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "no", "n", "0", "否", "不"}


def event_data(store: Store, event_text: str, pairs: Sequence[str]) -> Any:
    """Build an event's data from ``FIELD=VALUE`` pairs typed on the command line."""
    from jinjiecu.domain.events import EVENT_DATA  # noqa: PLC0415
    from jinjiecu.domain.workflow import Event  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415
    from jinjiecu.serialization import structure  # noqa: PLC0415

    event = Event.parse(event_text, field="event")
    if event is Event.REGISTER:
        fail(
            "登记新问题请用 jinjiecu problem register",
            "use `jinjiecu problem register` to register a problem",
            code=_USAGE,
        )
    cls = EVENT_DATA[event]
    hints = typing.get_type_hints(cls)
    raw: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = _fold(name)
        if not equals or not name:
            fail(
                f"事件数据应写成 字段=值：{pair!r}",
                f"event data is FIELD=VALUE, got {pair!r}",
                code=_USAGE,
            )
        if name not in hints:
            known = ", ".join(f.name for f in attrs.fields(cls)) or "none"
            raise ValidationError(
                field=name, expected=f"a field of {event.value} ({known})", received=value
            )
        raw[name] = _convert(store, name, hints[name], value)
    return structure(raw, cls)


def _convert(store: Store, name: str, hint: Any, text: str) -> Any:
    import datetime as dt  # noqa: PLC0415

    from jinjiecu.domain.ids import DepartmentId, EntityId  # noqa: PLC0415
    from jinjiecu.domain.labels import LabelledEnum  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        return [
            _convert(store, name, args[0], part) for part in _LIST_SPLIT.split(text) if part.strip()
        ]
    if args and origin is not tuple:  # X | None
        return _convert(store, name, args[0], text)
    value = _fold(text)
    if hint is bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValidationError(field=name, expected="yes or no (是/否)", received=text)
    if hint is int:
        try:
            return int(value)
        except ValueError:
            raise ValidationError(field=name, expected="a whole number", received=text) from None
    if hint is dt.date:
        try:
            return parse_day(value).isoformat()
        except ValueError:
            raise ValidationError(
                field=name, expected="a date such as 2019-11-30", received=text
            ) from None
    if isinstance(hint, type) and issubclass(hint, LabelledEnum):
        return hint.parse(value, field=name).value
    if isinstance(hint, type) and issubclass(hint, DepartmentId):
        return resolve(store, "departments", value)
    if isinstance(hint, type) and issubclass(hint, EntityId):
        return value
    return text


def run_problem_apply(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem apply ID EVENT FIELD=VALUE ...``: one workflow step, saved at once."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415

    with opened(args, ui) as store:
        problem_id = _problem_id(args.id)
        before = store.problems.get(problem_id)
        data = event_data(store, args.event, args.fields)
        after = store.problems.apply(
            problem_id,
            data,
            at=args.at or now(),
            actor=actor_of(args),
            note=args.note,
            expected_version=args.expected_version,
        )
        calendar = store.holiday_notices.calendar()
    if ui.json:
        ui.dump(problem_json(after, history=True, calendar=calendar))
        return 0
    event = after.transitions[-1].event
    ui.say(
        f"问题 {after.id}：{event.label}，{before.state.label} → {after.state.label}"
        f"（版本 {after.version}）",
        f"Problem {after.id}: {event.value}, {before.state.value} → {after.state.value} "
        f"(version {after.version})",
    )
    return 0


def run_problem_help(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem`` without an action: say which actions there are."""
    del args, ui
    fail(
        "请指定操作：list、show、register 或 apply（见 jinjiecu problem --help）",
        "give an action: list, show, register or apply (see jinjiecu problem --help)",
        code=_USAGE,
    )
