"""The ``jinjiecu`` command: the parser, the exit codes and the one place errors become messages."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any, NoReturn

from jinjiecu import __version__
from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._text import LANGS, CliError, Lang, Ui, parse_day, parse_moment, wrap

if TYPE_CHECKING:
    from collections.abc import Sequence

LANG_ENV = "JINJIECU_LANG"
"""The environment variable that sets the default ``--lang``."""


# ---------------------------------------------------------------------- the parser


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks both languages and exits with 2 on a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        wants_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数 / arguments"
        self._optionals.title = "选项 / options"
        if wants_help:
            self.add_argument(
                "-h", "--help", action="help", help="显示本帮助 / show this help and exit"
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: 用法错误 / usage error: {message}\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help that wraps by terminal columns, so lines with Chinese text do not overflow."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(" ".join(text.split()), width)


_BRIEF = {
    "init": "创建或升级数据库 / create or upgrade the store",
    "demo": "载入2019德州样例并打印数字 / load the 2019 Dezhou sample, print its figures",
    "stats": "截至某日的统计 / figures as of a date, by a dimension",
    "problem": "问题查询、登记、办理 / list, show, register and transition problems",
    "import": "导入工作台账 / import a ledger (xlsx, CSV)",
    "export": "导出工作台账 / export the ledger (xlsx, CSV)",
    "report": "工作通报（文本、网页）/ the briefing (text, HTML)",
    "calendar": "工作日历与放假通知 / the working-day calendar and holiday notices",
    "verify": "核对哈希链与当前状态 / check the chain and where problems stand",
    "rebuild": "按办理记录重建当前状态 / rebuild where problems stand from their histories",
}


def _date(text: str) -> Any:
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def as_of_type(text: str) -> Any:
    try:
        return parse_moment(text, end_of_day_if_date=True)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def moment_type(text: str) -> Any:
    try:
        return parse_moment(text, end_of_day_if_date=False)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        message = f"应为正整数 / expected a positive whole number: {text!r}"
        raise argparse.ArgumentTypeError(message)
    return value


def _common(*, top: bool) -> _Parser:
    """The options every command takes, before or after its name.

    On the subcommands they default to "not given", so that a value given
    before the command name is not overwritten by the subcommand's default.
    """
    unset: Any = None if top else argparse.SUPPRESS
    common = _Parser(add_help=False)
    group = common.add_argument_group("通用选项 / common options")
    group.add_argument(
        "--store",
        metavar="URL",
        default=unset,
        help="数据库 / the store: sqlite:///file.db, a file path, memory://, postgresql://... "
        "(默认 default: $JINJIECU_STORE, else jinjiecu.db here)",
    )
    group.add_argument(
        "--lang",
        choices=LANGS,
        default=unset,
        help="输出语言 / output language: zh 中文, en English, both 双语 "
        "(默认 default: $JINJIECU_LANG, else both)",
    )
    group.add_argument(
        "--holiday-notice",
        metavar="FILE",
        action="append",
        default=unset,
        help="放假通知 / add a year's holiday notice (TOML) to the store first, as "
        "`jinjiecu calendar add-notice` does; repeat for more years "
        "(默认 default: $JINJIECU_HOLIDAY_NOTICES, files separated by the path separator)",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="不显示进度和提示 / no progress bars or notes",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="出错时显示完整调用栈 / show the traceback on errors",
    )
    return common


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="输出 JSON，供脚本使用 / print JSON for scripts (exact decimals, as strings)",
    )


def filter_options(parser: argparse.ArgumentParser, *, with_state: bool = True) -> None:
    group = parser.add_argument_group("筛选 / filters (id 或名称 id or name)")
    group.add_argument("--campaign", metavar="ID", help="集中行动 / campaign")
    group.add_argument("--group", metavar="ID", help="工作组 / work group")
    group.add_argument(
        "--region",
        metavar="ID",
        help="县市区（stats 含下级）/ region (stats: with the regions below it)",
    )
    group.add_argument("--department", metavar="ID", help="牵头部门 / lead department")
    group.add_argument("--enterprise", metavar="ID", help="企业（名称或信用代码）/ enterprise")
    group.add_argument("--category", metavar="类别", help="问题类别 / problem category")
    if with_state:
        group.add_argument(
            "--state", metavar="状态", help="办理状态 / state (正在办理, resolved, ...)"
        )
    group.add_argument("--scope", metavar="性质", help="问题性质 / scope (共性问题, individual)")
    group.add_argument(
        "--level", metavar="层级", help="办理层级 / handling level (县级协调, city_department)"
    )
    group.add_argument(
        "--since", metavar="DATE", type=_date, help="登记日期起 / registered on or after"
    )
    group.add_argument(
        "--until", metavar="DATE", type=_date, help="登记日期止 / registered on or before"
    )


class _Commands:
    """Makes subcommands that share the common options, help formatter and brief help."""

    def __init__(
        self, parent: argparse.ArgumentParser, title: str, dest: str, metavar: str
    ) -> None:
        self.subparsers = parent.add_subparsers(
            title=title, dest=dest, metavar=metavar, parser_class=_Parser
        )
        self.common = _common(top=False)

    def add(
        self, name: str, zh: str, en: str, run: Any, *, brief: str = "", epilog: str = ""
    ) -> argparse.ArgumentParser:
        """A subcommand ``name`` described in both languages, running ``run(args, ui)``."""
        sub: argparse.ArgumentParser = self.subparsers.add_parser(
            name,
            help=brief or _BRIEF.get(name) or f"{zh} / {en}",
            description=f"{zh}\n{en}",
            epilog=epilog or None,
            formatter_class=_Formatter,
            parents=[self.common],
        )
        sub.set_defaults(run=run)
        return sub


def build_parser() -> argparse.ArgumentParser:
    """The ``jinjiecu`` argument parser, with every subcommand."""
    from jinjiecu.cli import (  # noqa: PLC0415 - keeps `import jinjiecu.cli` light
        _calendar,
        _demo,
        _files,
        _import,
        _maintenance,
        _store,
    )

    parser = _Parser(
        prog="jinjiecu",
        description="进企业、解难题、促发展：台账、统计、通报 / "
        "enterprise-assistance campaigns: ledgers, figures, briefings.\n\n"
        "先试试 / try first:  jinjiecu demo",
        epilog="退出码 / exit codes:\n"
        "  0 成功 ok · 1 数据有误 bad data · 2 用法错误 usage · 3 数据库问题 store\n"
        "  4 文件问题 file · 5 缺少组件 missing extra · 70 内部错误 bug · 130 中断 interrupted\n\n"
        "每个命令的帮助 / help on a command:  jinjiecu COMMAND --help",
        formatter_class=_Formatter,
        parents=[_common(top=True)],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"jinjiecu {__version__}",
        help="显示版本 / show the version and exit",
    )
    commands = _Commands(parser, "命令 / commands", "command", "COMMAND")
    init = commands.add(
        "init",
        "创建数据库或升级其结构。",
        "Create the store, or upgrade its schema to this version.",
        _store.run_init,
    )
    json_option(init)
    demo = commands.add(
        "demo",
        "把2019年德州市集中行动样例写入数据库（已有则不重复），并打印截至11月13日的主要数字。",
        "Load the sample 2019 Dezhou drive into the store (once) and print its headline "
        "figures as of 13 November 2019.",
        _demo.run_demo,
        epilog="例 example:\n  jinjiecu demo\n  jinjiecu demo --store sqlite:///demo.db --lang en",
    )
    demo.add_argument(
        "--full",
        action="store_true",
        help="打印完整通报而非首句 / print the whole briefing, not just its headline",
    )
    json_option(demo)
    _add_stats(commands)
    _add_problem(commands)
    _import.add_command(commands)
    _files.add_commands(commands)
    _calendar.add_commands(commands)
    _maintenance.add_commands(commands)
    return parser


def _add_stats(commands: _Commands) -> None:
    from jinjiecu.cli import _stats  # noqa: PLC0415

    stats = commands.add(
        "stats",
        "统计：截至某日的问题办理和进厂入企数字，可按维度分组。",
        "Figures as of a date: problems identified, in progress, solved, rates, overdue; "
        "visits; grouped by a dimension.",
        _stats.run_stats,
        epilog="维度 dimensions (--by): " + _stats.DIMENSIONS_HELP + "\n\n例 examples:\n"
        "  jinjiecu stats --as-of 2019-11-13\n"
        "  jinjiecu stats --as-of 2019年11月13日 --by 工作组\n"
        "  jinjiecu stats --by region --category 融资 --json",
    )
    stats.add_argument(
        "--as-of",
        metavar="DATE",
        type=as_of_type,
        help="截至（含当日）/ as of the end of this day, or a date and time (默认 default: now)",
    )
    stats.add_argument(
        "--by", metavar="DIMENSION", help="分组维度 / group rows by (English value or 中文)"
    )
    stats.add_argument(
        "--visits",
        action="store_true",
        help="列出进厂入企数字而非问题 / tabulate visits instead of problems",
    )
    filter_options(stats)
    json_option(stats)


def _add_problem(commands: _Commands) -> None:
    from jinjiecu.cli import _problems  # noqa: PLC0415

    problem = commands.add(
        "problem",
        "问题：查询、登记、办理。",
        "Problems: list, show, register and move them through the workflow.",
        _problems.run_problem_help,
    )
    actions = _Commands(problem, "操作 / actions", "action", "ACTION")

    listing = actions.add(
        "list",
        "按条件列出问题（当前状态）。",
        "List problems (as they stand now).",
        _problems.run_problem_list,
    )
    filter_options(listing)
    listing.add_argument(
        "--limit", metavar="N", type=positive_int, default=50, help="最多列出 / at most (50)"
    )
    listing.add_argument(
        "--offset", metavar="N", type=int, default=0, help="跳过前若干条 / skip this many first (0)"
    )
    json_option(listing)

    show = actions.add(
        "show",
        "显示一个问题及其全部办理记录。",
        "Show a problem with its whole history and the events allowed now.",
        _problems.run_problem_show,
    )
    show.add_argument("id", metavar="ID", help="问题编号 / problem id")
    show.add_argument(
        "--as-of", metavar="DATE", type=as_of_type, help="显示当时的状态 / as it stood then"
    )
    json_option(show)

    register = actions.add(
        "register",
        "登记一个新问题。",
        "Register a new problem.",
        _problems.run_problem_register,
        epilog="例 example:\n"
        "  jinjiecu problem register --title 项目用地指标不足 --category 土地使用 "
        "--region 乐陵市 --enterprise dz2019-e-001",
    )
    register.add_argument("--title", metavar="TEXT", required=True, help="问题标题 / title")
    register.add_argument(
        "--category", metavar="类别", required=True, help="问题类别 / category (融资, land ...)"
    )
    register.add_argument(
        "--region", metavar="ID", required=True, help="所属县市区 / region (id or name)"
    )
    register.add_argument(
        "--description", metavar="TEXT", default="", help="问题描述 / description"
    )
    register.add_argument(
        "--enterprise", metavar="ID", help="企业 / enterprise (id, name or credit code)"
    )
    register.add_argument("--project", metavar="ID", help="项目编号 / project id")
    register.add_argument("--campaign", metavar="ID", help="集中行动 / campaign (id or name)")
    register.add_argument("--group", metavar="ID", help="帮扶工作组 / work group (id or name)")
    register.add_argument(
        "--scope", metavar="性质", help="问题性质 / scope (共性问题 common, 个性问题 individual)"
    )
    register.add_argument(
        "--level", metavar="层级", help="办理层级 / handling level (属地解决 local, ...)"
    )
    register.add_argument(
        "--id", metavar="ID", help="问题编号（默认自动生成）/ problem id (default: generated)"
    )
    _actor_options(register)
    json_option(register)

    apply = actions.add(
        "apply",
        "对一个问题执行办理事件（交办、开始办理、解决、回访、办结……）。",
        "Apply a workflow event to a problem (assign, start, resolve, follow up, close ...).",
        _problems.run_problem_apply,
        epilog=_problems.event_help(),
    )
    apply.add_argument("id", metavar="ID", help="问题编号 / problem id")
    apply.add_argument("event", metavar="EVENT", help="事件 / event (English or 中文)")
    apply.add_argument(
        "fields",
        metavar="FIELD=VALUE",
        nargs="*",
        help="事件数据 / event data, e.g. lead_department_id=住建局 deadline=2019-11-30",
    )
    apply.add_argument(
        "--expected-version",
        metavar="N",
        type=int,
        help="你看到的版本；已被他人修改则拒绝 / the version you saw; refused if changed since",
    )
    _actor_options(apply)
    json_option(apply)


def _actor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at",
        metavar="TIME",
        type=moment_type,
        help="发生时间 / when it happened (默认 default: now; a date alone means 09:00)",
    )
    parser.add_argument(
        "--actor", metavar="NAME", help="经办人 / who did it (默认 default: your user name)"
    )
    parser.add_argument(
        "--actor-kind",
        metavar="KIND",
        default="clerk",
        help="经办人类型 / what the actor is: clerk 工作人员, department 部门, office, leader ...",
    )
    parser.add_argument(
        "--note", metavar="TEXT", default="", help="备注 / a note kept with the record"
    )


# ---------------------------------------------------------------------- running


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jinjiecu`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises for a user's mistake: every error becomes a message on
    standard error and an :class:`ExitCode`. ``--debug`` adds the traceback.
    """
    _tolerate_narrow_encodings()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version and usage errors end here
        return _exit_status(done.code)
    lang: Lang = args.lang or _env_lang()
    ui = Ui(
        lang=lang,
        out=sys.stdout,
        err=sys.stderr,
        quiet=args.quiet,
        json=getattr(args, "json", False),
        debug=args.debug,
    )
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return int(run(args, ui))
    except BrokenPipeError:
        # The reader went away (`jinjiecu problem list | head`): stop quietly.
        _silence_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        print(_line(ui, "已中断", "interrupted"), file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the one place errors become messages
        return report(error, ui)


def _tolerate_narrow_encodings() -> None:
    # A terminal or pipe whose encoding has no Chinese (cp1252, ASCII) must not turn
    # every message into a UnicodeEncodeError: unprintable characters become "?".
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        reconfigure = getattr(stream, "reconfigure", None)
        try:
            "进解促".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            if callable(reconfigure):
                reconfigure(errors="replace")


def _exit_status(code: object) -> int:
    if code is None:
        return ExitCode.OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return ExitCode.USAGE


def _env_lang() -> Lang:
    value = os.environ.get(LANG_ENV, "").strip().lower()
    for lang in LANGS:
        if value == lang:
            return lang
    return "both"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def _line(ui: Ui, zh: str, en: str, detail: str = "") -> str:
    head = {"zh": zh, "en": en, "both": f"{zh} / {en}"}[ui.lang]
    colon = "：" if ui.lang == "zh" else ": "
    return f"jinjiecu: {head}{colon}{detail}" if detail else f"jinjiecu: {head}"


def report(error: BaseException, ui: Ui) -> int:
    """Print ``error`` for a person (one line, plus one per bad row) and return its exit code."""
    from jinjiecu import errors as e  # noqa: PLC0415

    if ui.debug:
        traceback.print_exception(error, file=ui.err)
    if isinstance(error, CliError):
        text = {"zh": error.zh, "en": error.en, "both": f"{error.zh} / {error.en}"}[ui.lang]
        print(f"jinjiecu: {text}", file=ui.err)
        return error.code
    kinds: list[tuple[type[BaseException], str, str, ExitCode]] = [
        (
            e.CalendarCoverageError,
            "日历不含该年（超出暂定年份），请先录入此前各年的放假通知",
            (
                "the calendar does not reach that year (beyond the provisional years); add "
                "the notices of the years before it with `jinjiecu calendar add-notice`"
            ),
            ExitCode.DATA,
        ),
        (e.IllegalTransitionError, "不允许的操作", "not allowed", ExitCode.DATA),
        (e.HistoryError, "办理记录无法复原", "broken history", ExitCode.DATA),
        (e.WorkflowError, "流程错误", "workflow error", ExitCode.DATA),
        (e.NotFoundError, "未找到", "not found", ExitCode.DATA),
        (e.DuplicateError, "记录已存在", "already exists", ExitCode.DATA),
        (e.ConflictError, "已被他人修改，未写入", "conflict", ExitCode.STORE),
        (e.SchemaVersionError, "数据库版本过新", "database too new", ExitCode.STORE),
        (e.StoreUnavailableError, "数据库无法使用", "store unavailable", ExitCode.STORE),
        (e.StorageError, "数据库错误", "storage error", ExitCode.STORE),
        (e.ConfigurationError, "配置有误", "configuration error", ExitCode.STORE),
        (e.ValidationError, "输入有误", "invalid input", ExitCode.DATA),
    ]
    rows = getattr(error, "errors", None)
    if isinstance(error, e.JinjiecuError) and isinstance(rows, tuple | list) and rows:
        where = getattr(error, "path", "")
        count = len({getattr(row, "row", None) for row in rows})
        print(
            _line(
                ui,
                f"台账有 {count} 行错误，未导入任何数据",
                f"{len(rows)} error{'s' * (len(rows) != 1)} in {count} "
                f"row{'s' * (count != 1)}, nothing was imported",
                str(where),
            ),
            file=ui.err,
        )
        _print_row_errors(rows, ui)
        return ExitCode.DATA
    if isinstance(error, e.ConfigurationError | ImportError) and "pip install" in str(error):
        print(_line(ui, "缺少可选组件", "missing optional dependency", str(error)), file=ui.err)
        return ExitCode.DEPENDENCY
    for kind, zh, en, code in kinds:
        if isinstance(error, kind):
            print(_line(ui, zh, en, str(error)), file=ui.err)
            return code
    if isinstance(error, e.JinjiecuError):
        print(_line(ui, "数据有误", "bad data", str(error)), file=ui.err)
        return ExitCode.DATA
    if isinstance(error, OSError):
        name = error.filename if error.filename is not None else ""
        why = error.strerror or str(error)
        detail = f"{name}: {why}" if name else why
        print(_line(ui, "文件无法读写", "cannot read or write a file", detail), file=ui.err)
        return ExitCode.FILE
    if isinstance(error, ImportError) and (
        "pip install" in str(error) or isinstance(error, ModuleNotFoundError)
    ):
        detail = str(error)
        missing = getattr(error, "name", None)
        extra = _EXTRAS.get((missing or "").partition(".")[0])
        if extra is not None:
            detail = f"{missing}: pip install 'jinjiecu[{extra}]'"
        print(_line(ui, "缺少可选组件", "missing optional dependency", detail), file=ui.err)
        return ExitCode.DEPENDENCY
    detail = f"{type(error).__name__}: {error}"
    print(_line(ui, "内部错误", "internal error", detail), file=ui.err)
    if not ui.debug:
        print(
            _line(
                ui,
                "请加 --debug 重试并报告调用栈",
                "run again with --debug and report the traceback",
            ),
            file=ui.err,
        )
    return ExitCode.INTERNAL


_EXTRAS = {
    "openpyxl": "excel",
    "matplotlib": "charts",
    "pandas": "dataframe",
    "psycopg": "postgres",
    "psycopg_pool": "postgres",
}

_MAX_ROWS_SHOWN = 50


def _print_row_errors(rows: Sequence[Any], ui: Ui) -> None:
    for row_error in rows[:_MAX_ROWS_SHOWN]:
        row = getattr(row_error, "row", "?")
        column = getattr(row_error, "column", "") or ""
        reason = ui.reason(getattr(row_error, "reason", str(row_error)))
        where = ui.text(f"第{row}行", f"row {row}")
        print(f"  {where}" + (f" [{column}]" if column else "") + f": {reason}", file=ui.err)
    if len(rows) > _MAX_ROWS_SHOWN:
        more = len(rows) - _MAX_ROWS_SHOWN
        print("  " + ui.text(f"另有 {more} 处错误", f"... and {more} more errors"), file=ui.err)
