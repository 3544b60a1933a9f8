"""The commands that write files: ``export`` and ``report`` (``import`` is in ``_import``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinjiecu.cli._app import as_of_type, filter_options, json_option, positive_int
from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._filters import build_query, resolve
from jinjiecu.cli._progress import Progress
from jinjiecu.cli._store import actor_of, opened
from jinjiecu.cli._text import fail

if TYPE_CHECKING:
    import argparse

    from jinjiecu.cli._app import _Commands
    from jinjiecu.cli._text import Ui


def add_commands(commands: _Commands) -> None:
    """Add ``export`` and ``report`` to the parser."""
    export = commands.add(
        "export",
        "导出工作台账（.xlsx 或 .csv，按扩展名）。",
        "Export the ledger (.xlsx or .csv, by the file's extension).",
        run_export,
        epilog="例 examples:\n  jinjiecu export 工作台账.xlsx --as-of 2019-11-13\n"
        "  jinjiecu export ledger.csv --headers en --group 市级第一工作组（德州经济技术开发区）",
    )
    export.add_argument("path", metavar="PATH", help="输出文件 / the file to write")
    export.add_argument(
        "--kind",
        choices=("problems", "renewals", "bridge-funds", "debt", "whitelist"),
        default="problems",
        help="台账种类 / what to export: problems 问题（默认 default）, renewals 无还本续贷, "
        "bridge-funds 过桥资金, debt 债务化解, whitelist 白名单 (金额以万元计 amounts in 万元)",
    )
    export.add_argument(
        "--as-of", metavar="DATE", type=as_of_type, help="截至 / as of the end of this day"
    )
    _headers_option(export)
    export.add_argument(
        "--history",
        action="store_true",
        help="加“办理记录”列，可在另一数据库完整还原 / add the history column, so importing "
        "into another store gives equal problems",
    )
    export.add_argument(
        "--unmasked",
        action="store_true",
        help="手机号、身份证号不打码（记入审计记录）/ write phone and ID numbers as typed "
        "(recorded in the audit trail; default: masked, 138****5678)",
    )
    export.add_argument("--actor", help="导出人 / who exports (默认 default: your user name)")
    export.add_argument(
        "--actor-kind",
        metavar="KIND",
        default="clerk",
        help="导出人类型 / what the actor is (clerk ...)",
    )
    filter_options(export)
    json_option(export)

    report = commands.add(
        "report",
        "打印工作通报；--html 另存为带图表的网页。",
        "Print the briefing; --html also writes a self-contained HTML report with charts.",
        run_report,
        epilog="例 examples:\n  jinjiecu report --as-of 2019-11-13\n"
        "  jinjiecu report --as-of 2019-11-13 --html 通报.html --lang zh",
    )
    report.add_argument(
        "--as-of", metavar="DATE", type=as_of_type, help="截至 / as of the end of this day"
    )
    report.add_argument("--campaign", metavar="ID", help="集中行动 / campaign (id or name)")
    report.add_argument("--html", metavar="PATH", help="另存网页报告 / write an HTML report here")
    report.add_argument(
        "--no-charts",
        action="store_true",
        help="网页不含图表（无需 matplotlib）/ no charts in the HTML (no matplotlib needed)",
    )
    report.add_argument(
        "--chart-format",
        choices=("svg", "png"),
        default="svg",
        help="图表格式 / chart format inside the HTML (svg)",
    )
    report.add_argument(
        "--templates",
        metavar="FILE.json",
        help="自定义措辞：句名到模板的 JSON / your own phrasing: JSON of sentence name to template",
    )
    report.add_argument(
        "--min-sample",
        metavar="N",
        type=positive_int,
        default=5,
        help="参与排名的最少问题数 / fewest problems a row needs to be ranked (5)",
    )
    json_option(report)


def _headers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--headers",
        metavar="zh|en|FILE.json",
        help="表头：zh 中文（默认）、en English，或 JSON 映射文件 / column headers: zh "
        "(default), en, or a JSON file mapping fields to headers",
    )


def _progress(ui: Ui, zh: str, en: str) -> Progress:
    return Progress(ui.text(zh, en), ui.err, enabled=not ui.quiet)


def headers_option_value(text: str | None) -> Any:
    """``--headers``: ``zh``, ``en`` or a JSON file of field to header (overriding the Chinese)."""
    from jinjiecu.reports.ledger import LedgerHeaders  # noqa: PLC0415

    if text is None:
        return None
    key = text.strip().lower()
    if key in ("zh", "cn", "chinese", "中文"):
        return LedgerHeaders.chinese()
    if key in ("en", "english", "英文"):
        return LedgerHeaders.english()
    mapping = _json_object(text, "表头文件", "headers file")
    return LedgerHeaders.chinese().with_overrides(mapping)


def _json_object(path: str, zh: str, en: str, *, flags: bool = False) -> dict[str, str]:
    """A JSON file holding an object of text to text (and with ``flags``, to true or false)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        fail(
            f"{zh}不是有效的 JSON：{path}（第{error.lineno}行）",
            f"the {en} is not valid JSON: {path} (line {error.lineno}: {error.msg})",
            code=ExitCode.DATA,
        )
    except UnicodeDecodeError:
        fail(f"{zh}应为 UTF-8 编码：{path}", f"the {en} must be UTF-8: {path}", code=ExitCode.DATA)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (isinstance(v, str) or (flags and isinstance(v, bool)))
        for k, v in data.items()
    ):
        fail(
            f"{zh}应为“名称: 文本”的 JSON 对象：{path}",
            f"the {en} must be a JSON object of name to text: {path}",
            code=ExitCode.DATA,
        )
    return data


def _must_exist(path: str) -> None:
    if not Path(path).is_file():
        fail(f"找不到文件：{path}", f"no such file: {path}", code=ExitCode.FILE)


def run_export(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu export PATH``: the ledger as .xlsx or .csv."""
    from jinjiecu.reports.ledger import export_ledger  # noqa: PLC0415

    target = Path(args.path)
    if not target.parent.is_dir():
        folder = target.parent
        fail(f"文件夹不存在：{folder}", f"no such folder: {folder}", code=ExitCode.FILE)
    if args.kind != "problems":
        return _export_finance(args, ui, target)
    headers = headers_option_value(args.headers)
    with opened(args, ui) as store:
        query = build_query(store, args)
        with _progress(ui, "导出", "exporting") as progress:
            rows = export_ledger(
                store,
                target,
                as_of=args.as_of,
                query=query,
                headers=headers,
                progress=progress,
                history=args.history,
                unmasked=args.unmasked,
                actor=actor_of(args) if args.unmasked else None,
            )
    if ui.json:
        ui.dump({"path": str(target), "rows": rows})
        return 0
    ui.say(f"已导出 {rows} 行到 {target}", f"Exported {rows} rows to {target}")
    return 0


def _export_finance(args: argparse.Namespace, ui: Ui, target: Path) -> int:
    """``jinjiecu export PATH --kind renewals`` ...: a finance ledger, amounts in 万元."""
    from jinjiecu.reports.finance_ledger import export_finance_ledger  # noqa: PLC0415

    key = (args.headers or "zh").strip().lower()
    if key not in ("zh", "en"):
        fail(
            "财务台账的 --headers 只能是 zh 或 en",
            "a finance ledger's --headers is zh or en",
            code=ExitCode.USAGE,
        )
    with opened(args, ui) as store:
        if build_query(store, args).given():
            fail(
                "财务台账不支持筛选条件，只支持 --as-of",
                "a finance ledger takes no filters, only --as-of",
                code=ExitCode.USAGE,
            )
        rows = export_finance_ledger(
            store, target, kind=args.kind, as_of=args.as_of, english=key == "en"
        )
    if ui.json:
        ui.dump({"path": str(target), "kind": args.kind, "rows": rows})
        return 0
    ui.say(f"已导出 {rows} 行到 {target}", f"Exported {rows} rows to {target}")
    return 0


def run_report(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu report``: the briefing as text, and with ``--html`` as a web page with charts."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.reports.briefing import briefing_figures, render_briefing  # noqa: PLC0415

    languages = ["zh", "en"] if ui.lang == "both" else [ui.lang]
    moment = args.as_of or now()
    written = None
    with opened(args, ui) as store:
        campaign = (
            None
            if args.campaign is None
            else CampaignId(resolve(store, "campaigns", args.campaign))
        )
        templates = {language: _templates(args.templates, language) for language in languages}
        texts: dict[str, str] = {}
        if ui.json or args.html is None:
            figures = briefing_figures(
                store,
                as_of=moment,
                campaign_id=campaign,
                min_sample=args.min_sample,
            )
            texts = {
                language: str(
                    render_briefing(figures, language=language, templates=templates[language])
                )
                for language in languages
            }
        if args.html is not None:
            from jinjiecu.errors import ConfigurationError  # noqa: PLC0415
            from jinjiecu.reports.html import html_report  # noqa: PLC0415

            try:
                written = html_report(
                    store,
                    args.html,
                    as_of=moment,
                    campaign_id=campaign,
                    language=languages[0],
                    charts=not args.no_charts,
                    templates=templates[languages[0]],
                    min_sample=args.min_sample,
                    chart_format=args.chart_format,
                )
            except ConfigurationError as error:
                if "pip install" not in str(error):
                    raise
                fail(
                    f"{error}；或加 --no-charts 生成不含图表的网页",
                    f"{error}; or add --no-charts for a page without charts",
                    code=ExitCode.DEPENDENCY,
                )
    if ui.json:
        ui.dump(
            {
                "as_of": moment,
                "campaign_id": campaign,
                "briefing": texts,
                "html": None if written is None else str(written),
            }
        )
        return 0
    if written is not None:
        ui.say(f"已写入网页报告：{written}", f"Wrote the HTML report: {written}")
        return 0
    ui.print("\n\n".join(text.rstrip("\n") for text in texts.values()))
    return 0


def _templates(path: str | None, language: str) -> Any:
    """The briefing templates of ``language``, with the overrides a JSON file gives."""
    import attrs  # noqa: PLC0415

    from jinjiecu.reports.briefing import BriefingTemplates  # noqa: PLC0415

    base = BriefingTemplates.for_language(language)
    if path is None:
        return base
    overrides: dict[str, Any] = dict(_json_object(path, "模板文件", "templates file", flags=True))
    names = {field.name for field in attrs.fields(BriefingTemplates)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        fail(
            f"模板文件中有未知的句名：{', '.join(unknown)}",
            f"unknown sentence names in {path}: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(names))})",
            code=ExitCode.DATA,
        )
    return attrs.evolve(base, **overrides)
