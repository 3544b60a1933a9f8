"""Property: a ledger in any supported layout, imported, exported, imported: the same store.

A layout is what varies between offices: xlsx or CSV in GBK or UTF-8 (with
or without a BOM), title and 填报单位 rows above the header, the header
words (any synonym), a totals row under the table, the way dates are
written, the unit amounts are counted in (in the header, above the table,
or in the cell). For problem ledgers and each kind of finance ledger:

1. importing the office's ledger into a new store (creating the names),
2. exporting the store, and importing the export into the same store
   changes nothing, and
3. importing the export into another new store gives the same records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.reports.finance_ledger import export_finance_ledger, import_finance_ledger
from jinjiecu.reports.ledger import export_ledger, import_ledger
from jinjiecu.reports.vocabulary import (
    CATEGORY_SYNONYMS,
    FINANCE_HEADER_SYNONYMS,
    HEADER_SYNONYMS,
    STATE_SYNONYMS,
)
from jinjiecu.storage import open_store
from jinjiecu.storage.base import KINDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jinjiecu.storage.base import Session, Store

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
AT = dt.datetime(2019, 11, 13, 18, 0, tzinfo=CHINA_TZ)
"""When the undated steps of every import happen (the same in both stores)."""

ENCODINGS = ("xlsx", "gbk", "utf-8", "utf-8-sig")


def snapshot(store: Store) -> dict[str, Any]:
    """Everything in the store, kind by kind (problems with their whole history)."""

    def read(session: Session) -> dict[str, Any]:
        found: dict[str, Any] = {kind.name: list(session.scan(kind)) for kind in KINDS}
        found["problems"] = list(session.scan_problems())
        return found

    return store.read(read)


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    """How an office lays its ledger out."""
    return {
        "encoding": draw(st.sampled_from(ENCODINGS)),
        "title": draw(st.integers(0, 2)),  # no title; a title; a title and 填报单位
        "totals": draw(st.booleans()),
        "date_style": draw(st.integers(0, 4)),
    }


def date_text(day: dt.date, style: int) -> object:
    return [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day:%Y%m%d}",
        day,
    ][style]


def write(path: Path, layout: dict[str, Any], header: list[str], rows: list[list[object]]) -> Path:
    """The ledger as the office keeps it, in ``layout``."""
    above: list[list[object]] = []
    if layout["title"] >= 1:
        above.append(["乐陵市企业台账"])
    if layout["title"] == 2:
        above.append(["填报单位：乐陵市进解促工作专班", "", "单位：万元"])
    below: list[list[object]] = [["合计", f"{len(rows)}项"]] if layout["totals"] else []
    table: list[Sequence[object]] = [*above, header, *rows, *below]
    if layout["encoding"] == "xlsx":
        target = path.with_suffix(".xlsx")
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for values in table:
            sheet.append(values)
        book.save(target)
        return target
    target = path.with_suffix(".csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in table:
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    target.write_bytes(buffer.getvalue().encode(layout["encoding"]))
    return target


def word(draw: st.DrawFn, words: Sequence[str]) -> str:
    return draw(st.sampled_from([w for w in words if not w.isascii()] or list(words)))


# ====================================================================== problem ledgers

FIELDS = (
    "enterprise",
    "place",
    "category",
    "description",
    "registered_on",
    "lead_department",
    "leader",
    "state",
    "settled_on",
)
SETTLED = ("resolved", "explained")


@st.composite
def problem_ledgers(draw: st.DrawFn) -> tuple[dict[str, Any], list[str], list[list[object]]]:
    layout = draw(layouts())
    header = [word(draw, HEADER_SYNONYMS[field]) for field in FIELDS]
    count = draw(st.integers(1, 8))
    rows: list[list[object]] = []
    for index in range(count):
        state = draw(st.sampled_from(("in_progress", *SETTLED)))
        registered = dt.date(2019, 9, 2) + dt.timedelta(days=draw(st.integers(0, 50)))
        settled = registered + dt.timedelta(days=draw(st.integers(1, 10)))
        firm = draw(st.integers(0, 3))  # an enterprise is in one town
        rows.append(
            [
                f"乐陵市{'恒泰金鼎'[firm]}机械有限公司",
                ("杨安镇", "朱集镇")[firm % 2],
                draw(st.sampled_from(sorted({w for ws in CATEGORY_SYNONYMS.values() for w in ws}))),
                f"第{index + 1}个问题：" + draw(st.sampled_from(("用地指标", "贷款续贷", "用工"))),
                date_text(registered, layout["date_style"]),
                draw(st.sampled_from(("乐陵市自然资源局", "乐陵市人社局"))),
                draw(st.sampled_from(("王建国", "李明"))),
                word(draw, STATE_SYNONYMS[state]),
                date_text(settled, layout["date_style"]) if state in SETTLED else "",
            ]
        )
    return layout, header, rows


def import_problems(store: Store, path: Path) -> Any:
    return import_ledger(store, path, create_missing=True, region="乐陵市", at=AT)


@SLOW
@given(problem_ledgers(), st.sampled_from((".xlsx", ".csv")))
def test_a_problem_ledger_round_trips_into_the_same_store(
    ledger: tuple[dict[str, Any], list[str], list[list[object]]], export_suffix: str
) -> None:
    layout, header, rows = ledger
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        office = write(base / "台账", layout, header, rows)
        first = open_store("memory://")
        report = import_problems(first, office)
        assert report.created + report.unchanged == len(rows)  # a row may repeat another
        assert len(report.skipped) == int(layout["totals"])
        before = snapshot(first)

        exported = base / f"导出{export_suffix}"
        export_ledger(first, exported)
        again = import_problems(first, exported)
        assert (again.created, again.updated) == (0, 0)
        assert snapshot(first) == before

        second = open_store("memory://")
        import_problems(second, exported)
        assert snapshot(second) == before


# ====================================================================== finance ledgers

BANKS = ("禹城农商银行", "中国工商银行禹城支行")
FIRMS = ("禹城市甲食品有限公司", "禹城市乙纺织有限公司", "禹城市丙机械有限公司")


def amount_cell(draw: st.DrawFn, wan: Decimal, unit_style: int) -> object:
    """An amount of ``wan`` 万元 as the layout writes it."""
    if unit_style == 0:  # the header says 万元
        return str(wan)
    if unit_style == 1:  # the cell says it
        return draw(st.sampled_from((f"{wan}万元", f"{wan * 10000}元")))
    return str(wan * 10000)  # in yuan, the header saying 元


def unit_header(base: str, unit_style: int) -> str:
    return {0: f"{base}（万元）", 1: base, 2: f"{base}（元）"}[unit_style]


@st.composite
def finance_ledgers(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str], list[list[object]]]:
    kind = draw(st.sampled_from(("renewals", "debt", "bridge-funds", "whitelist")))
    layout = draw(layouts())
    layout["title"] = min(layout["title"], 1)  # 单位：万元 above would change unit_style 1 and 2
    unit_style = draw(st.integers(0, 2))
    table = FINANCE_HEADER_SYNONYMS[kind]
    style = layout["date_style"]
    count = draw(st.integers(1, 6))
    rows: list[list[object]] = []
    if kind == "renewals":
        header = [word(draw, table[f]) for f in ("enterprise", "bank", "renewed_on")]
        header.append(unit_header(word(draw, table["amount"]), unit_style))
        header.append(word(draw, table["rate"]))
        for index in range(count):
            day = dt.date(2019, 3, 1) + dt.timedelta(days=index * 11 + draw(st.integers(0, 10)))
            wan = Decimal(draw(st.integers(1, 5000))) / draw(st.sampled_from((1, 2, 4)))
            rows.append(
                [
                    draw(st.sampled_from(FIRMS)),
                    draw(st.sampled_from(BANKS)),
                    date_text(day, style),
                    amount_cell(draw, wan, unit_style),
                    draw(st.sampled_from(("4.35%", "5.22", ""))),
                ]
            )
    elif kind == "debt":
        header = [word(draw, table[f]) for f in ("enterprise", "creditors")]
        header += [
            unit_header(word(draw, table[f]), unit_style) for f in ("debt_before", "debt_after")
        ]
        header += [word(draw, table["method"]), word(draw, table["resolved_on"])]
        for index in range(count):
            before = Decimal(draw(st.integers(100, 9000)))
            after = before - Decimal(draw(st.integers(0, int(before))))
            rows.append(
                [
                    draw(st.sampled_from(FIRMS)),
                    "、".join(draw(st.lists(st.sampled_from(BANKS), min_size=1, unique=True))),
                    amount_cell(draw, before, unit_style),
                    amount_cell(draw, after, unit_style),
                    draw(st.sampled_from(("打包处置", "债务重组", "展期", ""))),
                    date_text(dt.date(2019, 8, 1) + dt.timedelta(days=index * 3), style),
                ]
            )
    elif kind == "bridge-funds":
        header = [word(draw, table[f]) for f in ("fund", "enterprise")]
        header.append(unit_header(word(draw, table["amount"]), unit_style))
        header += [word(draw, table[f]) for f in ("drawn_on", "repaid_on", "reference")]
        for index in range(count):
            day = dt.date(2019, 6, 3) + dt.timedelta(days=index * 5)
            repaid = day + dt.timedelta(days=draw(st.integers(0, 20)))
            rows.append(
                [
                    draw(st.sampled_from(("三航计划", "", "转贷基金"))),
                    draw(st.sampled_from(FIRMS)),
                    amount_cell(draw, Decimal(draw(st.integers(50, 900))), unit_style),
                    date_text(day, style),
                    date_text(repaid, style) if draw(st.booleans()) else "",
                    f"GQ-{index + 1}",
                ]
            )
    else:
        header = [
            word(draw, table[f]) for f in ("enterprise", "change", "on", "criteria", "reason")
        ]
        members: set[str] = set()
        for index in range(count):
            firm = draw(st.sampled_from(FIRMS))
            listed_on = date_text(dt.date(2019, 4, 1) + dt.timedelta(days=index * 9), style)
            if firm in members:
                rows.append([firm, "移出", listed_on, "", "贷款逾期"])
                members.discard(firm)
            else:
                criteria = draw(
                    st.lists(st.sampled_from(("纳税信用A级", "高新技术企业")), unique=True)
                )
                rows.append([firm, "纳入", listed_on, "、".join(criteria), ""])
                members.add(firm)
    return kind, layout, header, rows


def import_finance(store: Store, path: Path, kind: str) -> Any:
    return import_finance_ledger(store, path, kind=kind, create_missing=True, region="禹城市")


@SLOW
@given(finance_ledgers(), st.sampled_from((".xlsx", ".csv")))
def test_a_finance_ledger_round_trips_into_the_same_store(
    ledger: tuple[str, dict[str, Any], list[str], list[list[object]]], export_suffix: str
) -> None:
    kind, layout, header, rows = ledger
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        office = write(base / "台账", layout, header, rows)
        first = open_store("memory://")
        report = import_finance(first, office, kind)
        assert report.rows == len(rows)
        before = snapshot(first)

        exported = base / f"导出{export_suffix}"
        export_finance_ledger(first, exported, kind=kind)
        again = import_finance(first, exported, kind)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
        assert snapshot(first) == before

        second = open_store("memory://")
        import_finance(second, exported, kind)
        assert snapshot(second) == before
