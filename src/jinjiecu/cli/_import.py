"""``jinjiecu import``: problem ledgers and finance ledgers, with a dry run and a header mapping."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinjiecu.cli._app import json_option, moment_type
from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._filters import resolve
from jinjiecu.cli._progress import Progress
from jinjiecu.cli._store import actor_of, opened
from jinjiecu.cli._text import fail

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

    from jinjiecu.cli._app import _Commands
    from jinjiecu.cli._text import Ui
    from jinjiecu.reports.finance_ledger import FinanceImportReport
    from jinjiecu.reports.ledger import ImportReport, LedgerHeaders, RowError
    from jinjiecu.reports.vocabulary import Vocabulary
    from jinjiecu.storage.base import Store

    Report = ImportReport | FinanceImportReport

_KINDS = ("problems", "renewals", "bridge-funds", "debt", "whitelist")
_SHOWN = 20
"""How many errors a dry run prints."""


def add_command(commands: _Commands) -> None:
    """Add ``import`` to the parser."""
    ledger_import = commands.add(
        "import",
        "导入台账（xlsx 或 CSV）：问题台账，或无还本续贷、过桥资金、债务化解、白名单台账。"
        "有任何一行出错则全部不写入，并列出每行的错误。",
        "Import a ledger (xlsx or CSV): problems, or a finance ledger of renewals, bridge-fund "
        "draws, debt resolutions or whitelist changes. If any row is bad nothing is written, "
        "and every bad row is listed with its column and reason.",
        run_import,
        epilog="例 examples:\n"
        "  jinjiecu import 工作台账.xlsx --create-missing --dry-run   # 先看如何读取 / see first\n"
        "  jinjiecu import 工作台账.xlsx --create-missing --region 乐陵市\n"
        "  jinjiecu import 续贷台账.csv --kind renewals --create-missing\n"
        "  jinjiecu import 工作台账.xlsx --write-mapping 表头.toml   # 改后用 --headers 表头.toml\n"
        "  jinjiecu import ledger.csv --on-error reject   # 导入正确行，错误行另存 / "
        "good rows in, bad rows to a rejects file",
    )
    ledger_import.add_argument("ledger", metavar="LEDGER", help="台账文件 / the ledger file")
    ledger_import.add_argument(
        "--kind",
        choices=_KINDS,
        default="problems",
        help="台账种类 / what the ledger lists: problems 问题（默认 default）, "
        "renewals 无还本续贷, bridge-funds 过桥资金, debt 债务化解, whitelist 白名单",
    )
    ledger_import.add_argument(
        "--create-missing",
        action="store_true",
        help="库中没有的企业、责任单位、包联领导、镇街、银行按台账创建 / create the enterprises, "
        "departments, leaders, places and banks the ledger names and the store lacks",
    )
    ledger_import.add_argument(
        "--region",
        metavar="REGION",
        help="本单位所在地（名称、代码或编号），新建企业默认属于此地 / the office's region (name, "
        "code or id): where new enterprises are when the ledger does not say "
        "(默认 default: 表头上方的填报单位 the 填报单位 above the header)",
    )
    ledger_import.add_argument(
        "--region-name",
        metavar="NAME",
        help="--region 为新代码时的名称 / the name of a region --region creates by code",
    )
    ledger_import.add_argument(
        "--dry-run",
        action="store_true",
        help="只检查不写入：打印各列如何读取、将新建和修改多少、前几条错误 / check only: print "
        "how each column was read, what would be created or changed, and the first errors",
    )
    ledger_import.add_argument(
        "--write-mapping",
        metavar="FILE.toml",
        help="把表头的读法存为可编辑的文件，再用 --headers 传回 / save how the headers were "
        "read as a file to edit and pass back with --headers",
    )
    ledger_import.add_argument(
        "--headers",
        metavar="zh|en|FILE",
        help="表头：zh 中文（默认）、en English，或映射文件（.toml 词表或 .json 字段到表头）/ "
        "column headers: zh (default), en, a .toml mapping (as --write-mapping writes) or a "
        ".json file of field to header",
    )
    ledger_import.add_argument(
        "--vocabulary",
        metavar="FILE.toml",
        action="append",
        default=[],
        help="补充词表：表头、问题类别、办理状态的同义词（可多次）/ more words for headers, "
        "categories and states (TOML or JSON; may repeat)",
    )
    ledger_import.add_argument("--campaign", metavar="ID", help="集中行动 / campaign (id or name)")
    ledger_import.add_argument(
        "--on-error",
        choices=("abort", "reject"),
        default="abort",
        help="abort: 有错全不写入 nothing written if any row is bad (默认 default); "
        "reject: 写入正确行，错误行存入旁边的文件 good rows in, bad rows to a rejects file "
        "(问题台账 problem ledgers only)",
    )
    ledger_import.add_argument(
        "--actor",
        help="经办人，记入办理记录 / who imports, recorded on the steps (默认 default: "
        "工作台账导入 the ledger-import system actor; 问题台账 problem ledgers only)",
    )
    ledger_import.add_argument(
        "--actor-kind",
        metavar="KIND",
        default="clerk",
        help="经办人类型，与 --actor 同用 / what the --actor is (clerk ...)",
    )
    ledger_import.add_argument(
        "--at",
        metavar="TIME",
        type=moment_type,
        help="台账未注明日期的变化记在此时 / when changes the ledger gives no date for happened "
        "(默认 default: now)",
    )
    ledger_import.add_argument("--sheet", metavar="NAME", help="工作表 / the xlsx sheet to read")
    json_option(ledger_import)


def _vocabulary(args: argparse.Namespace) -> tuple[Vocabulary, LedgerHeaders | None]:
    """The vocabulary (with the files given) and the problem headers ``--headers`` gives."""
    from jinjiecu.cli._files import headers_option_value  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415
    from jinjiecu.reports.vocabulary import Vocabulary  # noqa: PLC0415

    words = Vocabulary.default()
    files = list(args.vocabulary)
    headers = None
    if args.headers is not None and Path(args.headers).suffix.lower() == ".toml":
        files.append(args.headers)
    elif args.headers is not None:
        if args.kind != "problems":
            fail(
                "财务台账的 --headers 应为 .toml 映射文件",
                "for a finance ledger, --headers takes a .toml mapping file",
                code=ExitCode.USAGE,
            )
        headers = headers_option_value(args.headers)
    for file in files:
        if not Path(file).is_file():
            fail(f"找不到文件：{file}", f"no such file: {file}", code=ExitCode.FILE)
        try:
            words = words.extended_from(file)
        except ValidationError as error:
            fail(f"词表文件有误：{error}", f"bad vocabulary file: {error}", code=ExitCode.DATA)
    return words, headers


def run_import(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu import LEDGER``: all or nothing (or bad rows set aside), or a dry run."""
    if not Path(args.ledger).is_file():
        fail(f"找不到文件：{args.ledger}", f"no such file: {args.ledger}", code=ExitCode.FILE)
    finance = args.kind != "problems"
    if finance and args.on_error != "abort":
        fail(
            "财务台账只能整体导入（--on-error abort）",
            "a finance ledger is imported all or nothing (--on-error abort only)",
            code=ExitCode.USAGE,
        )
    problem_only = [
        option
        for option, value in (
            ("--campaign", args.campaign),
            ("--at", args.at),
            ("--actor", args.actor),
        )
        if value is not None
    ]
    if finance and problem_only:
        options = ", ".join(problem_only)
        fail(
            f"{options} 只用于问题台账",
            f"{options} apply to problem ledgers only, not --kind {args.kind}",
            code=ExitCode.USAGE,
        )
    from jinjiecu.reports.ledger import ImportReport, LedgerImportError  # noqa: PLC0415

    words, headers = _vocabulary(args)
    with opened(args, ui) as store:
        try:
            if args.write_mapping is not None:
                trial = _run(store, args, ui, words, headers, dry_run=True)
                _write_mapping(args, ui, words, trial)
            report = _run(store, args, ui, words, headers, dry_run=args.dry_run)
        except LedgerImportError as error:
            if not ui.json:
                raise
            # A script asking for JSON gets the errors as JSON too, nothing imported.
            ui.dump(
                {
                    "ledger": args.ledger,
                    "kind": args.kind,
                    "imported": False,
                    "errors": [_row_json(e) for e in error.errors],
                }
            )
            return ExitCode.DATA
    rejected = report.rejected if isinstance(report, ImportReport) else 0
    if ui.json:
        ui.dump(_report_json(args, report))
        return ExitCode.DATA if report.errors or rejected else 0
    if report.dry_run:
        return _print_dry_run(args, report, ui)
    _print_done(args, report, ui)
    return ExitCode.DATA if rejected else 0


def _run(
    store: Store,
    args: argparse.Namespace,
    ui: Ui,
    words: Vocabulary,
    headers: LedgerHeaders | None,
    *,
    dry_run: bool,
) -> Report:
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.reports.finance_ledger import import_finance_ledger  # noqa: PLC0415
    from jinjiecu.reports.ledger import import_ledger  # noqa: PLC0415

    if args.kind != "problems":
        return import_finance_ledger(
            store,
            args.ledger,
            kind=args.kind,
            vocabulary=words,
            create_missing=args.create_missing,
            region=args.region,
            region_name=args.region_name,
            dry_run=dry_run,
            sheet=args.sheet,
        )
    campaign = (
        None if args.campaign is None else CampaignId(resolve(store, "campaigns", args.campaign))
    )
    quiet = dry_run or ui.quiet
    with Progress(ui.text("导入", "importing"), ui.err, enabled=not quiet) as progress:
        return import_ledger(
            store,
            args.ledger,
            campaign_id=campaign,
            headers=headers,
            on_error=args.on_error,
            actor=actor_of(args) if args.actor else None,
            progress=progress,
            at=args.at,
            sheet=args.sheet,
            vocabulary=words,
            create_missing=args.create_missing,
            region=args.region,
            region_name=args.region_name,
            dry_run=dry_run,
        )


def _write_mapping(args: argparse.Namespace, ui: Ui, words: Vocabulary, report: Report) -> None:
    target = Path(args.write_mapping)
    if not target.parent.is_dir():
        fail(
            f"文件夹不存在：{target.parent}", f"no such folder: {target.parent}", code=ExitCode.FILE
        )
    target.write_text(words.headers_toml(report.columns, args.kind), encoding="utf-8")
    ui.note(
        f"表头读法已存入 {target}；修改后用 --headers {target} 再次导入",
        f"The header reading is in {target}; edit it and import with --headers {target}",
    )


_RECORD_NAMES = {
    "enterprises": ("企业", "enterprises"),
    "departments": ("部门（单位、银行）", "departments (and banks)"),
    "leaders": ("领导", "leaders"),
    "regions": ("地区（镇街）", "regions (and places)"),
    "funds": ("过桥资金", "bridge funds"),
    "whitelists": ("名单库", "whitelists"),
}


def _new_records_text(counts: Mapping[str, int]) -> tuple[str, str]:
    """What was (or would be) created, in Chinese and in English."""
    shown = [(key, number) for key, number in counts.items() if number]
    zh = "、".join(f"{_RECORD_NAMES[k][0]} {n}" for k, n in shown) or "无"
    en = ", ".join(f"{n} {_RECORD_NAMES[k][1]}" for k, n in shown) or "none"
    return zh, en


def _print_columns(report: Report, ui: Ui) -> None:
    encoding = report.encoding
    ui.say(
        f"表头在第{report.header_row}行" + (f"；编码 {encoding}" if encoding else ""),
        f"Header on row {report.header_row}" + (f"; encoding {encoding}" if encoding else ""),
    )
    for reading in report.columns:
        unit = f"（{reading.unit}）" if reading.unit else ""
        field = reading.field or ui.text("（不读取）", "(not read)")
        header = " ".join(reading.header.split())  # a header typed on two lines, on one
        ui.print(f"  {header} → {field}{unit}  [{reading.rule}]")


def _print_dry_run(args: argparse.Namespace, report: Report, ui: Ui) -> int:
    ui.say(
        f"试导入（未写入任何数据）：{args.ledger}",
        f"Dry run (nothing written): {args.ledger}",
    )
    _print_columns(report, ui)
    _print_counts(report, ui, would=True)
    for row in report.skipped:
        ui.print("  " + _where(row, ui) + f": {ui.reason(row.reason)}")
    if report.errors:
        count, shown = len(report.errors), min(len(report.errors), _SHOWN)
        ui.say(
            f"{count} 处错误（导入时将全部不写入）"
            + (f"，前 {shown} 条：" if count > shown else "："),
            f"{count} error{'s' * (count != 1)} (an import would write nothing)"
            + (f"; the first {shown}:" if count > shown else ":"),
        )
        for row in report.errors[:_SHOWN]:
            ui.print("  " + _where(row, ui) + f": {ui.reason(row.reason)}")
        return ExitCode.DATA
    if report.rows == 0:
        ui.say("表头以下没有数据行。", "No rows under the header: nothing to import.")
        return 0
    ui.say("没有错误，可以导入。", "No errors: the ledger can be imported.")
    return 0


def _print_counts(report: Report, ui: Ui, *, would: bool) -> None:
    from jinjiecu.reports.ledger import ImportReport  # noqa: PLC0415

    verb_zh = "将" if would else "已"
    if isinstance(report, ImportReport):
        ui.say(
            f"共 {report.rows} 行：{verb_zh}新登记问题 {report.created} 个，更新 {report.updated} "
            f"个（办理记录 {report.transitions} 条），无变化 {report.unchanged} 个。",
            f"{report.rows} rows: {report.created} problems "
            f"{'would be ' if would else ''}registered, {report.updated} updated "
            f"({report.transitions} transitions), {report.unchanged} unchanged.",
        )
    else:
        # A whitelist lists enterprises, not amounts.
        amount = "" if report.kind == "whitelist" else report.amount.format()
        ui.say(
            f"共 {report.rows} 行"
            + (f"，合计金额 {amount}" if amount else "")
            + f"：{verb_zh}新增 {report.created} 条，"
            f"更新 {report.updated} 条，无变化 {report.unchanged} 条。",
            f"{report.rows} rows"
            + (f", amounting to {amount}" if amount else "")
            + f": {report.created} {'would be ' if would else ''}added, {report.updated} "
            f"updated, {report.unchanged} unchanged.",
        )
    if would or any(report.new_records.values()):
        zh, en = _new_records_text(report.new_records)
        ui.say(f"{verb_zh}新建：{zh}", f"{'Would create' if would else 'Created'}: {en}")


def _print_done(args: argparse.Namespace, report: Report, ui: Ui) -> None:
    from jinjiecu.reports.ledger import ImportReport  # noqa: PLC0415

    ui.say(f"已导入 {args.ledger}", f"Imported {args.ledger}")
    _print_counts(report, ui, would=False)
    if isinstance(report, ImportReport) and report.rejected:
        ui.say(f"拒绝 {report.rejected} 行。", f"{report.rejected} rows rejected.")
    if isinstance(report, ImportReport) and report.rejects_path is not None:
        ui.say(
            f"有错误的行已另存为：{report.rejects_path}",
            f"The rejected rows are in {report.rejects_path}",
        )
    if report.encoding:
        ui.note(f"文件编码：{report.encoding}", f"File encoding: {report.encoding}")
    if report.ignored_columns:
        columns = "、".join(report.ignored_columns)
        ui.note(f"未识别的列（已忽略）：{columns}", f"Columns not recognised (ignored): {columns}")
    for row in (*report.skipped, *report.errors, *report.warnings):
        print(f"  {_where(row, ui)}: {ui.reason(row.reason)}", file=ui.err)


def _where(row: RowError, ui: Ui) -> str:
    place = ui.text(f"第{row.row}行", f"row {row.row}")
    return place + (f" [{row.column}]" if row.column else "")


def _row_json(row: RowError) -> dict[str, Any]:
    return {"row": row.row, "column": row.column, "reason": row.reason}


def _report_json(args: argparse.Namespace, report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ledger": args.ledger,
        "kind": args.kind,
        "dry_run": report.dry_run,
        "encoding": report.encoding,
        "header_row": report.header_row,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "new_records": dict(report.new_records),
        "columns": [
            {"header": c.header, "field": c.field, "rule": c.rule, "unit": c.unit}
            for c in report.columns
        ],
        "skipped": [_row_json(s) for s in report.skipped],
        "errors": [_row_json(e) for e in report.errors],
        "warnings": [_row_json(w) for w in report.warnings],
        "ignored_columns": list(report.ignored_columns),
    }
    from jinjiecu.reports.ledger import ImportReport  # noqa: PLC0415

    if isinstance(report, ImportReport):
        data["rejected"] = report.rejected
        data["transitions"] = report.transitions
        data["rejects_path"] = None if report.rejects_path is None else str(report.rejects_path)
    else:
        data["amount"] = str(report.amount.amount)
        data["amount_approximate"] = report.amount.approximate
    return data
