"""``jinjiecu verify`` and ``jinjiecu rebuild``: check the store against its history, and repair."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinjiecu.cli._app import json_option
from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._store import actor_of, opened

if TYPE_CHECKING:
    import argparse

    from jinjiecu.cli._app import _Commands
    from jinjiecu.cli._text import Ui


def add_commands(commands: _Commands) -> None:
    """Add ``verify`` and ``rebuild`` to the parser."""
    verify = commands.add(
        "verify",
        "核对数据库：重新计算哈希链，并核对每个问题的当前状态行与其办理记录是否一致。",
        "Check the store: walk the hash chain again, and check every problem's row of where "
        "it stands now against a replay of its history.",
        run_verify,
        epilog="例 example:\n  jinjiecu verify --store 乐陵.db",
    )
    verify.add_argument(
        "--all",
        action="store_true",
        help="列出全部问题而非第一个 / list every finding, not only the first",
    )
    json_option(verify)
    rebuild = commands.add(
        "rebuild",
        "按办理记录重建每个问题的当前状态行（统计“截至现在”时读取的行）；记入审计记录。",
        "Rebuild every problem's row of where it stands now (what figures as of now read) "
        "from its history; audited.",
        run_rebuild,
        epilog="例 example:\n  jinjiecu rebuild --store 乐陵.db",
    )
    rebuild.add_argument("--actor", help="操作人 / who rebuilds (默认 default: the system)")
    rebuild.add_argument(
        "--actor-kind",
        metavar="KIND",
        default="clerk",
        help="操作人类型，与 --actor 同用 / what the --actor is (clerk ...)",
    )
    json_option(rebuild)


def run_verify(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu verify``: the chain and the read model against the history."""
    from jinjiecu.storage.integrity import verify  # noqa: PLC0415

    with opened(args, ui) as store:
        report = verify(store, every_finding=args.all)
    findings = [
        {"seq": f.seq, "kind": f.kind, "key": f.key, "reason": f.reason} for f in report.findings
    ]
    if ui.json:
        ui.dump({"ok": report.ok, "entries": report.entries, "findings": findings})
        return 0 if report.ok else ExitCode.DATA
    if report.ok:
        ui.say(
            f"核对无误：{report.entries} 条记录与哈希链一致，各问题当前状态与办理记录一致。",
            f"All good: {report.entries} entries match the chain, and every problem's row "
            "matches its history.",
        )
        return 0
    ui.say(
        f"发现 {len(findings)} 处不一致（第一处如下）：",
        f"{len(findings)} finding{'s' * (len(findings) != 1)} (the first below):",
    )
    for finding in report.findings:
        where = "" if finding.seq is None else f" #{finding.seq}"
        ui.print(f"  {finding.kind} {finding.key}{where}: {finding.reason}")
    ui.note(
        "问题当前状态行有误时，可运行 jinjiecu rebuild 按办理记录重建",
        "Where a problem's row is wrong, `jinjiecu rebuild` rewrites it from the history",
    )
    return ExitCode.DATA


def run_rebuild(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu rebuild``: rewrite the read model from the history."""
    with opened(args, ui) as store:
        fixed = store.rebuild_read_model(actor=actor_of(args) if args.actor else None)
    if ui.json:
        ui.dump({"rewritten": fixed})
        return 0
    ui.say(
        f"已按办理记录重建：{fixed} 个问题的当前状态行有误，已改写。",
        f"Rebuilt from the history: {fixed} problem row{'s' * (fixed != 1)} were wrong and "
        "were rewritten.",
    )
    return 0
