"""The ``calendar`` command: the working-day calendar a store counts with, and its notices."""

from __future__ import annotations

import calendar as month_grid
import datetime as dt
from typing import TYPE_CHECKING, Any

from jinjiecu.cli._app import _date, json_option
from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._store import notice_actor, opened, read_notice
from jinjiecu.cli._text import fail, table
from jinjiecu.domain.calendar import DaySource
from jinjiecu.domain.clock import MONTHS_EN
from jinjiecu.errors import ConflictError, ValidationError

if TYPE_CHECKING:
    import argparse

    from jinjiecu.cli._app import _Commands
    from jinjiecu.cli._text import Ui
    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.storage.notices import CalendarChange, NoticeEntry

_MOVES_SHOWN = 20


def add_commands(commands: _Commands) -> None:
    """Add ``calendar`` and its actions to the parser."""
    calendar = commands.add(
        "calendar",
        "工作日历：查看某年的放假与调休、录入国务院放假通知、重算办理时限。",
        "The working-day calendar: a year's days off and make-up workdays, the State "
        "Council's holiday notices kept in the store, and recounting deadlines.",
        run_calendar_help,
        brief="工作日历与放假通知 / the working-day calendar and holiday notices",
    )
    from jinjiecu.cli._app import _Commands  # noqa: PLC0415 - a cycle at module level

    actions = _Commands(calendar, "操作 / actions", "action", "ACTION")
    show = actions.add(
        "show",
        "按月显示一年的日历：休=放假，班=调休上班；并说明数据来源（数据包、已录入通知、暂定）。",
        "Show a year month by month: 休 a day off, 班 a make-up workday; and where the year "
        "comes from (the holidays package, a notice in the store, or provisional).",
        run_calendar_show,
        epilog="例 example:\n  jinjiecu calendar show 2027",
    )
    show.add_argument("year", metavar="YEAR", type=int, help="年份 / the year")
    json_option(show)
    listing = actions.add(
        "list",
        "列出日历各年的来源，以及数据库中每一版放假通知（录入人、录入时间）。",
        "List where each year of the calendar comes from, and every version of every notice "
        "in the store (who entered it, and when).",
        run_calendar_list,
    )
    json_option(listing)
    add = actions.add(
        "add-notice",
        "把一年的国务院放假通知（TOML 文件）写入数据库，并重算受影响的办理时限。",
        "Add a year's State Council holiday notice (a TOML file) to the store, and recount "
        "the deadlines it moves.",
        run_calendar_add_notice,
        epilog="例 example:\n  jinjiecu calendar add-notice 2027.toml\n"
        "  jinjiecu calendar add-notice 2027-更正.toml --replace   # 更正已录入的通知 / "
        "correct the notice in the store",
    )
    add.add_argument("file", metavar="FILE", help="通知文件（TOML）/ the notice, typed as TOML")
    add.add_argument(
        "--replace",
        action="store_true",
        help="更正该年已录入的通知（旧版本保留在记录中）/ correct the year's notice in the "
        "store (the old version is kept in the history)",
    )
    _actor_options(add)
    json_option(add)
    recount = actions.add(
        "recount",
        "按当前日历重算全部办理时限（升级 holidays 数据包后使用）。",
        "Recount every deadline on the store's current calendar (after an upgrade of the "
        "holidays package covers a year counted provisionally).",
        run_calendar_recount,
    )
    recount.add_argument(
        "--since",
        metavar="DATE",
        type=_date,
        help="只重算此日以后计算的时限 / only deadlines counted over days from this one on "
        "(默认 default: every deadline)",
    )
    _actor_options(recount)
    json_option(recount)


def _actor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", help="经办人 / who does it (默认 default: your user name)")
    parser.add_argument(
        "--actor-kind",
        metavar="KIND",
        default="clerk",
        help="经办人类型 / what the actor is (clerk 工作人员, office ...)",
    )


def run_calendar_help(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu calendar`` without an action: say which actions there are."""
    del args, ui
    fail(
        "请指定操作：show、list、add-notice 或 recount（见 jinjiecu calendar --help）",
        "give an action: show, list, add-notice or recount (see jinjiecu calendar --help)",
        code=ExitCode.USAGE,
    )


# ---------------------------------------------------------------------- show


def run_calendar_show(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu calendar show YEAR``: a month grid, days off and 调休 marked, and the source."""
    with opened(args, ui) as store:
        calendar = store.holiday_notices.calendar()
        entries = store.holiday_notices.current()
    year: int = args.year
    if year not in calendar.covered_years:
        years = calendar.covered_years
        fail(
            f"日历不含 {year} 年：可查看 {years[0]}–{years[-1]} 年",
            f"the calendar does not cover {year}: it covers {years[0]}–{years[-1]}",
            code=ExitCode.DATA,
        )
    days = _year_days(year)
    off = [d for d in days if d.weekday() < 5 and not calendar.is_working_day(d)]
    worked = [d for d in days if d.weekday() >= 5 and calendar.is_working_day(d)]
    entry = entries.get(year)
    source = calendar.source_of(dt.date(year, 6, 1))
    if ui.json:
        ui.dump(
            {
                "year": year,
                "source": source.value,
                "provisional": calendar.is_provisional(dt.date(year, 1, 1)),
                "working_days": sum(calendar.is_working_day(d) for d in days),
                "weekdays_off": off,
                "weekend_workdays": worked,
                "local_days": [d for d in days if calendar.source_of(d) is DaySource.LOCAL],
                "notice": None if entry is None else _entry_json(entry),
            }
        )
        return 0
    ui.say(
        f"{year}年工作日历 · 来源：{source.label}",
        f"Working-day calendar for {year} · source: {source.value}",
    )
    if entry is not None and source is DaySource.NOTICE:
        ui.say(
            f"{entry.notice.title}（第{entry.version}版，{_who(entry)}录入于{_day(entry)}）",
            f"{entry.notice.title} (version {entry.version}, entered by {_who(entry)} "
            f"on {_day(entry)})",
        )
    ui.print()
    for month in range(1, 13):
        ui.print(_month(calendar, year, month, ui))
        ui.print()
    ui.say(
        "休 = 工作日放假；班 = 周末调休上班；六、日两列为周末。",
        "休 = a weekday off; 班 = a weekend day worked (调休); the last two columns are weekends.",
    )
    ui.say(
        f"全年工作日 {sum(calendar.is_working_day(d) for d in days)} 天；"
        f"工作日放假 {len(off)} 天；调休上班 {len(worked)} 天。",
        f"{sum(calendar.is_working_day(d) for d in days)} working days; {len(off)} weekdays "
        f"off; {len(worked)} weekend days worked.",
    )
    if calendar.is_provisional(dt.date(year, 1, 1)):
        ui.say(
            f"注：{year}年尚无放假通知，按法定节假日暂计（不含调休）；通知发布后运行 "
            "jinjiecu calendar add-notice 通知.toml。",
            f"Note: {year} has no holiday notice yet: statutory holidays only, no make-up "
            "workdays; once the notice is out, run `jinjiecu calendar add-notice notice.toml`.",
        )
    return 0


def _year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def _month(calendar: WorkingCalendar, year: int, month: int, ui: Ui) -> str:
    """One month as a grid, Monday first: 休 marks a weekday off, 班 a weekend day worked."""
    title = ui.text(f"{year}年{month}月", f"{MONTHS_EN[month - 1]} {year}")
    lines = [title, "  一   二   三   四   五   六   日"]
    for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append("    ")
                continue
            weekend = day.weekday() >= 5
            working = calendar.is_working_day(day)
            mark = (
                "休" if (not weekend and not working) else "班" if (weekend and working) else "  "
            )
            cells.append(f"{day.day:>2}{mark}")
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------- list


def run_calendar_list(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu calendar list``: where each year comes from, and every notice version."""
    from jinjiecu.storage.notices import in_force  # noqa: PLC0415 - keeps the parser light

    with opened(args, ui) as store:
        calendar = store.holiday_notices.calendar()
        entries = store.holiday_notices.list()
    package = calendar.package_years
    current = {year: entry.version for year, entry in in_force(entries).items()}
    if ui.json:
        ui.dump(
            {
                "package_years": [package[0], package[-1]],
                "official_years": [calendar.official_years[0], calendar.official_years[-1]],
                "provisional_years": list(calendar.provisional_years),
                "notices": [
                    _entry_json(entry) | {"status": _status(entry, current, calendar)[0]}
                    for entry in entries
                ],
            }
        )
        return 0
    ui.say(
        f"{package[0]}–{package[-1]} 年：国务院通知，来自 holidays 数据包",
        f"{package[0]}–{package[-1]}: the State Council's notices, from the holidays package",
    )
    if entries:
        headers = ui.headers(
            [
                ("年份", "year"),
                ("版本", "version"),
                ("状态", "status"),
                ("标题", "title"),
                ("来源", "published"),
                ("录入人", "entered by"),
                ("录入时间", "entered at"),
            ]
        )
        rows = [
            [
                entry.year,
                entry.version,
                ui.text(*_status(entry, current, calendar)[1:]),
                entry.notice.title,
                entry.notice.source or "-",
                _who(entry),
                f"{entry.entered_at:%Y-%m-%d %H:%M}",
            ]
            for entry in entries
        ]
        ui.print(table(headers, rows, right=[True, True, False, False, False, False, False]))
    else:
        ui.say("数据库中没有录入的放假通知。", "The store has no holiday notice.")
    years = calendar.provisional_years
    if years:
        shown = "、".join(str(year) for year in years)
        ui.say(
            f"{shown} 年：暂定（法定节假日，无调休），直到录入其放假通知。",
            f"{', '.join(map(str, years))}: provisional (statutory holidays, no make-up "
            "workdays) until its notice is added.",
        )
    return 0


def _status(
    entry: NoticeEntry, current: dict[int, int], calendar: WorkingCalendar
) -> tuple[str, str, str]:
    """A notice version's status: its code, then its Chinese and English words."""
    if entry.year in calendar.package_years:
        return "package", "数据包已覆盖，未使用", "superseded by the holidays package"
    if current[entry.year] != entry.version:
        return "corrected", "已被更正", "corrected by a later version"
    return "in_force", "使用中", "in force"


# ---------------------------------------------------------------------- add and recount


def run_calendar_add_notice(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu calendar add-notice FILE``: add or correct a notice; recount deadlines."""
    notice = read_notice(args.file)
    with opened(args, ui) as store:
        replaces = None
        if args.replace:
            entry = store.holiday_notices.current().get(notice.year)
            replaces = 0 if entry is None else entry.version
        try:
            change = store.holiday_notices.add(notice, actor=notice_actor(args), replaces=replaces)
        except ValidationError as error:
            raise error.at(str(args.file)) from None
        except ConflictError as error:
            if error.kind != "holiday notice":
                raise  # a problem changed while its deadline was recounted: add it again
            fail(
                f"数据库中已有另一份{notice.year}年放假通知；如需更正，请加 --replace",
                f"the store already has another {notice.year} holiday notice; add --replace "
                "to correct it (the old version stays in the history)",
                code=ExitCode.DATA,
            )
    if ui.json:
        ui.dump(_change_json(change))
        return 0
    if not change.written:
        ui.say(
            f"数据库中已有相同的{notice.year}年放假通知，未写入。",
            f"The store already has this {notice.year} notice; nothing was written.",
        )
        return 0
    version = change.entry.version if change.entry is not None else 0
    ui.say(
        f"已录入{notice.year}年放假通知（第{version}版）：{len(change.moved)}个问题的办理时限已重算。",
        f"Added the {notice.year} holiday notice (version {version}): "
        f"{len(change.moved)} deadlines recounted.",
    )
    _print_moves(change, ui)
    return 0


def run_calendar_recount(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu calendar recount``: recount every deadline on the store's current calendar."""
    with opened(args, ui) as store:
        change = store.holiday_notices.recount(actor=notice_actor(args), since=args.since)
    if ui.json:
        ui.dump(_change_json(change))
        return 0
    ui.say(
        f"已按当前日历重算：{len(change.moved)}个问题的办理时限有变化。",
        f"Recounted on the current calendar: {len(change.moved)} deadlines moved.",
    )
    _print_moves(change, ui)
    return 0


def _print_moves(change: CalendarChange, ui: Ui) -> None:
    if not change.moved:
        return
    headers = ui.headers([("问题编号", "problem"), ("原时限", "was"), ("新时限", "now")])
    rows = [
        [move.problem_id, move.previous_deadline, move.new_deadline]
        for move in change.moved[:_MOVES_SHOWN]
    ]
    ui.print(table(headers, rows))
    more = len(change.moved) - _MOVES_SHOWN
    if more > 0:
        ui.say(f"另有{more}个未列出。", f"... and {more} more.")


def _change_json(change: CalendarChange) -> dict[str, Any]:
    return {
        "written": change.written,
        "notice": None if change.entry is None else _entry_json(change.entry),
        "moved": [
            {
                "problem_id": move.problem_id,
                "previous_deadline": move.previous_deadline,
                "new_deadline": move.new_deadline,
            }
            for move in change.moved
        ],
    }


def _entry_json(entry: NoticeEntry) -> dict[str, Any]:
    from jinjiecu.serialization import unstructure  # noqa: PLC0415

    value: dict[str, Any] = unstructure(entry)
    return value


def _who(entry: NoticeEntry) -> str:
    return entry.entered_by.name or entry.entered_by.id


def _day(entry: NoticeEntry) -> str:
    return f"{entry.entered_at:%Y-%m-%d}"
