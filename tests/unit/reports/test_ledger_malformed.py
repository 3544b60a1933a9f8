"""10,000 malformed rows: each one rejected with its row, column and reason; nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
import unicodedata
from typing import TYPE_CHECKING

import openpyxl
import pytest

from jinjiecu.domain.codes import CREDIT_CODE_ALPHABET, credit_code_check_character
from jinjiecu.reports._ledger_cells import xlsx_encode
from jinjiecu.reports.ledger import ZH_HEADERS, LedgerImportError, import_ledger
from jinjiecu.sample import SampleBatch, SampleData, dezhou_2019
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jinjiecu.storage.base import Store

FIELDS = (
    "problem_id",
    "enterprise",
    "credit_code",
    "category",
    "description",
    "work_group",
    "level",
    "lead_department",
    "co_departments",
    "registered_on",
    "deadline",
    "state",
    "settled_on",
    "satisfaction",
    "amount",
)
HEADER = [ZH_HEADERS[field] for field in FIELDS]
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@functools.cache
def drive() -> SampleData:
    return dezhou_2019()


def organisation() -> Store:
    data = drive()
    store = open_store("memory://")
    SampleBatch(
        regions=data.regions,
        campaigns=data.campaigns,
        departments=data.departments,
        work_groups=data.work_groups,
        enterprises=data.enterprises,
    ).load_into(store)
    return store


def typed_date(rng: random.Random, day: dt.date) -> str:
    """A good date, in one of the ways clerks type them."""
    forms = (
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y.%m.%d}",
        f"{day.year}/{day.month}/{day.day}",
        f" {day:%Y-%m-%d} ",
        f"{day:%Y-%m-%d}".translate(FULL_WIDTH),
    )
    return rng.choice(forms)


def good_row(rng: random.Random, number: int) -> dict[str, str]:
    data = drive()
    enterprise = rng.choice(data.enterprises)
    lead, co = rng.sample(data.departments, 2)
    registered = dt.date(2019, 10, 10) + dt.timedelta(days=rng.randrange(30))
    code = str(enterprise.credit_code)
    return {
        "problem_id": f"m-{number:05d}",
        "enterprise": f"  {enterprise.name} " if rng.random() < 0.3 else enterprise.name,
        "credit_code": code.translate(FULL_WIDTH) if rng.random() < 0.3 else code,
        "category": rng.choice(["融资", "土地使用", "financing", "环保治理"]),
        "description": rng.choice(["流动资金贷款续贷困难", "-项目环评审批慢", "+86热线反映"]),
        "work_group": rng.choice(data.work_groups).name,
        "level": rng.choice(["属地解决", "县级协调", ""]),
        "lead_department": lead.name,
        "co_departments": co.name,
        "registered_on": typed_date(rng, registered),
        "deadline": typed_date(rng, registered + dt.timedelta(days=20)),
        "state": rng.choice(["正在办理", "在办", "已交办"]),
        "settled_on": "",
        "satisfaction": "",
        "amount": rng.choice(["", "3000万元", "１２００元", "8000多万元"]),
    }


def _other_code(rng: random.Random) -> str:
    first17 = "913714" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(11))
    return first17 + credit_code_check_character(first17)


def _bad_check(row: dict[str, str]) -> str:
    code = unicodedata.normalize("NFKC", row["credit_code"])
    return code[:-1] + CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(code[-1]) + 1) % 31]


DEFECTS: list[tuple[str, Callable[[random.Random, dict[str, str]], dict[str, str]]]] = [
    ("credit_code", lambda _r, row: {"credit_code": _bad_check(row)}),
    ("credit_code", lambda _r, row: {"credit_code": row["credit_code"][:-1]}),
    ("credit_code", lambda _r, row: {"credit_code": "I" + row["credit_code"][1:]}),
    ("credit_code", lambda r, _row: {"credit_code": _other_code(r)}),
    ("registered_on", lambda r, _row: {"registered_on": r.choice(["2019-02-30", "2019年13月1日"])}),
    (
        "registered_on",
        lambda r, _row: {"registered_on": r.choice(["明天", "19.10.10", "2190-01-01"])},
    ),
    ("deadline", lambda r, _row: {"deadline": r.choice(["2019-11-31", "2019/00/10", "下周"])}),
    ("deadline", lambda _r, _row: {"deadline": "2019-09-01"}),  # before it was registered
    ("amount", lambda r, _row: {"amount": r.choice(["-5万元", "－3000元", "-0.01"])}),
    ("amount", lambda r, _row: {"amount": r.choice(["2万亿元", "99999999999999元"])}),
    ("amount", lambda r, _row: {"amount": r.choice(["1.2.3万", "很多", "3000万美元"])}),
    ("category", lambda r, _row: {"category": r.choice(["未知类别", "科技创新", "lawsuit"])}),
    ("work_group", lambda _r, _row: {"work_group": "市级第九十九工作组"}),
    ("state", lambda r, _row: {"state": r.choice(["快好了", "办完了", "resolvedd"])}),
    ("lead_department", lambda _r, _row: {"lead_department": "德州市不存在局"}),
    ("co_departments", lambda _r, row: {"co_departments": row["co_departments"] + "、子虚局"}),
    ("level", lambda _r, _row: {"level": "区级"}),
    ("satisfaction", lambda _r, _row: {"satisfaction": "还行吧"}),
    ("description", lambda r, _row: {"description": r.choice(["=1+1", "=cmd|' /C calc'!A0"])}),
    ("enterprise", lambda _r, _row: {"enterprise": "子虚乌有有限公司"}),
    ("problem_id", lambda _r, row: {"problem_id": row["problem_id"] + "\x01"}),
    ("settled_on", lambda _r, _row: {"settled_on": "2019-02-29"}),
    # The workflow refuses: 已办结 needs a follow-up (the ledger has the column, left blank).
    ("satisfaction", lambda _r, _row: {"state": "已办结", "settled_on": "2019-11-20"}),
    # 已解决 needs the date it was settled.
    ("settled_on", lambda _r, _row: {"state": "已解决"}),
]


def malformed(count: int, seed: int) -> tuple[list[list[str]], dict[int, str]]:
    """``count`` rows, each with one defect; and the column each row must be rejected in."""
    rng = random.Random(seed)
    rows: list[list[str]] = [HEADER]
    expected: dict[int, str] = {}
    for number in range(count):
        row = good_row(rng, number)
        field, spoil = DEFECTS[number % len(DEFECTS)]
        row.update(spoil(rng, row))
        rows.append([row[f] for f in FIELDS])
        expected[number + 2] = ZH_HEADERS[field]  # row 1 is the header
    return rows, expected


def as_csv(rows: list[list[str]], encoding: str) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def test_the_rows_are_good_before_they_are_spoilt(tmp_path: Path) -> None:
    rng = random.Random(7)
    made = [good_row(rng, n) for n in range(len(DEFECTS) * 10)]
    rows = [HEADER] + [[row[f] for f in FIELDS] for row in made]
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(as_csv(rows, "gbk"))
    store = organisation()
    report = import_ledger(store, ledger)
    assert report.created == store.problems.count() == len(rows) - 1
    assert report.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_ten_thousand_malformed_rows_each_rejected_precisely(tmp_path: Path, encoding: str) -> None:
    rows, expected = malformed(10_000, seed=2019)
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(as_csv(rows, encoding))
    store = organisation()
    before = store.problems.count()

    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, ledger)

    errors = caught.value.errors
    assert len(errors) == 10_000
    assert {error.row: error.column for error in errors} == expected
    for error in errors:
        chinese, _, english = error.reason.partition(" / ")
        assert chinese
        assert english
    assert store.problems.count() == before == 0
    assert "10000 行有错误" in str(caught.value)


def test_malformed_rows_in_an_xlsx_with_formulas_and_error_cells(tmp_path: Path) -> None:
    rows, expected = malformed(len(DEFECTS) * 4, seed=11)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append([xlsx_encode(v) for v in values])  # as Excel stores control characters
    last = len(rows)
    # A real formula and an error value on two more rows.
    rng = random.Random(3)
    for extra, (column, header) in enumerate(((10, "登记日期"), (12, "办理状态")), start=1):
        good = good_row(rng, 90_000 + extra)
        sheet.append([good[f] for f in FIELDS])
        cell = sheet.cell(row=last + extra, column=column)
        if extra == 1:
            cell.value = "=TODAY()"
        else:
            cell.value = "#N/A"
            cell.data_type = "e"
        expected[last + extra] = header
    ledger = tmp_path / "台账.xlsx"
    book.save(ledger)
    store = organisation()
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, ledger)
    assert {e.row: e.column for e in caught.value.errors} == expected
    reasons = {e.row: e.reason for e in caught.value.errors}
    assert "formula" in reasons[last + 1]
    assert "#N/A" in reasons[last + 2]
    assert store.problems.count() == 0
