"""A new office's first import: names created with create_missing, matched as ledgers write them.

Also: a dry run writes nothing, the office's region comes from the title
rows, and a failed import leaves the store byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from typing import TYPE_CHECKING

import openpyxl
import pytest

from jinjiecu.cli import main
from jinjiecu.domain.codes import credit_code_check_character
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.ids import EnterpriseId, RegionId
from jinjiecu.domain.org import Region
from jinjiecu.errors import ValidationError
from jinjiecu.reports.ledger import LedgerImportError, export_ledger, import_ledger
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from jinjiecu.storage.base import Store

HEADER = ["序号", "企业名称", "统一社会信用代码", "所属镇街", "问题类型", "问题描述", "提报时间"]
HEADER += ["责任单位", "包联领导", "办理情况", "解决时间"]


def code(number: int) -> str:
    first17 = f"91371481{number:09d}"
    return first17 + credit_code_check_character(first17)


def row(number: int, **changes: str) -> list[str]:
    values = {
        "序号": str(number),
        "企业名称": f"乐陵市第{number % 5}机械有限公司",
        "统一社会信用代码": code(number % 5),
        "所属镇街": ("杨安镇", "朱集镇")[number % 2],
        "问题类型": ("用地", "环保", "用工")[number % 3],
        "问题描述": f"第{number}个问题",
        "提报时间": "2019年10月10日",
        "责任单位": ("乐陵市自然资源局", "乐陵市人社局")[number % 2],
        "包联领导": ("王建国", "李明")[number % 2],
        "办理情况": "办理中",
        "解决时间": "",
    }
    values.update(changes)
    return [values[h] for h in HEADER]


def ledger(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    header: Sequence[str] = HEADER,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title is not None:
        writer.writerow([title])
        writer.writerow(["填报单位：乐陵市进解促工作专班"])
    writer.writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


# ====================================================================== creating what is missing


def test_a_missing_name_is_an_error_naming_the_option(store: Store, tmp_path: Path) -> None:
    store.regions.add(
        Region(id=RegionId("371481"), name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY)
    )
    file = ledger(tmp_path / "台账.csv", [row(1)])
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, file)
    columns = {error.column: error.reason for error in caught.value.errors}
    assert set(columns) == {"企业名称", "所属镇街", "责任单位", "包联领导"}
    for reason in columns.values():
        assert "--create-missing" in reason
    assert store.problems.count() == 0


def test_create_missing_creates_every_name_in_the_same_transaction(
    store: Store, tmp_path: Path
) -> None:
    file = ledger(tmp_path / "台账.csv", [row(n) for n in range(10)], title="乐陵市问题台账")
    report = import_ledger(store, file, create_missing=True)
    assert report.created == 10
    assert report.new_records == {"enterprises": 5, "departments": 2, "leaders": 2, "regions": 3}
    assert store.regions.get(RegionId("371481")).name == "乐陵市"  # from the title rows
    towns = [r for r in store.regions.list() if r.kind is DivisionKind.TOWN]
    assert sorted(t.name for t in towns) == ["朱集镇", "杨安镇"]
    assert {t.parent_id for t in towns} == {"371481"}
    enterprise = store.enterprises.get(EnterpriseId(code(0)))  # its credit code is its id
    assert enterprise.name == "乐陵市第0机械有限公司"
    assert enterprise.region_id in {t.id for t in towns}
    problem = store.problems.list()[0]
    assert problem.leader_id is not None
    assert problem.region_id in {t.id for t in towns}


def test_the_new_records_get_the_same_ids_in_every_store(tmp_path: Path) -> None:
    file = ledger(tmp_path / "台账.csv", [row(n) for n in range(6)], title="乐陵市问题台账")
    listings = []
    for name in ("a", "b"):
        with open_store(f"sqlite:///{tmp_path / name}.db") as opened:
            import_ledger(opened, file, create_missing=True)
            listings.append(
                (
                    sorted(d.id for d in opened.departments.list()),
                    sorted(x.id for x in opened.leaders.list()),
                    sorted(p.id for p in opened.problems.list()),
                )
            )
    assert listings[0] == listings[1]


def test_names_match_as_ledgers_write_them(store: Store, tmp_path: Path) -> None:
    rows = [
        row(1, 企业名称=" 乐陵市第1机械有限公司 "),
        row(2, 企业名称="乐陵市第1\u3000机械有限公司", 统一社会信用代码=""),
        row(3, 企业名称="山东乐陵（集团）食品有限公司", 统一社会信用代码=""),
        row(4, 企业名称="山东乐陵(集团)食品有限公司", 统一社会信用代码=""),
    ]
    rows[0][2] = code(1)
    file = ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账")
    report = import_ledger(store, file, create_missing=True)
    assert report.new_records["enterprises"] == 2
    assert store.enterprises.count() == 2


def test_a_legal_form_written_the_other_way_is_offered_not_merged(
    store: Store, tmp_path: Path
) -> None:
    store.regions.add(
        Region(id=RegionId("371481"), name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY)
    )
    store.enterprises.add(
        Enterprise(
            id=EnterpriseId("e-1"), name="乐陵市恒丰机械有限责任公司", region_id=RegionId("371481")
        )
    )
    file = ledger(
        tmp_path / "台账.csv", [row(1, 企业名称="乐陵市恒丰机械有限公司", 统一社会信用代码="")]
    )
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, file, create_missing=True)
    (error,) = [e for e in caught.value.errors if e.column == "企业名称"]
    assert "乐陵市恒丰机械有限责任公司" in error.reason
    assert store.enterprises.count() == 1


def test_a_credit_code_of_another_enterprise_is_refused(store: Store, tmp_path: Path) -> None:
    rows = [row(1), row(2, 企业名称="乐陵市另一家有限公司", 统一社会信用代码=code(1))]
    file = ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账")
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, file, create_missing=True)
    assert [(e.row, e.column) for e in caught.value.errors] == [(5, "企业名称")]


def test_the_region_option_creates_a_region_the_reference_data_lacks(
    store: Store, tmp_path: Path
) -> None:
    file = ledger(tmp_path / "台账.csv", [row(1)])
    with pytest.raises(ValidationError, match="region"):
        import_ledger(store, file, region="130102")
    with pytest.raises(ValidationError, match="region"):
        import_ledger(store, file, region="130102", create_missing=True)
    report = import_ledger(store, file, region="130102", region_name="长安区", create_missing=True)
    assert report.created == 1
    assert store.regions.get(RegionId("130102")).name == "长安区"


def test_a_new_enterprise_needs_a_region(store: Store, tmp_path: Path) -> None:
    file = ledger(tmp_path / "台账.csv", [row(1, 所属镇街="")])
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, file, create_missing=True)
    assert any("--region" in e.reason for e in caught.value.errors)


# ====================================================================== see before you write


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do(
    tmp_path: Path, dump: Callable[[Path], tuple[str, str]]
) -> None:
    path = tmp_path / "office.db"
    with open_store(f"sqlite:///{path}"):
        pass
    before = dump(path)
    file = ledger(
        tmp_path / "台账.csv",
        [row(1), row(2, 问题类型="用低"), ["合计", "2个", "", "", "", "", "", "", "", "", ""]],
        title="乐陵市问题台账",
    )
    with open_store(f"sqlite:///{path}") as opened:
        report = import_ledger(opened, file, create_missing=True, dry_run=True)
    assert report.dry_run
    assert report.created == 1
    assert report.new_records["enterprises"] == 1
    assert [(e.row, e.column) for e in report.errors] == [(5, "问题类型")]
    assert "用地" in report.errors[0].reason  # did you mean
    assert [s.row for s in report.skipped] == [6]
    assert report.encoding == "GBK"
    assert report.header_row == 3
    assert {c.header: c.field for c in report.columns}["提报时间"] == "registered_on"
    assert dump(path) == before


def test_the_cli_dry_run_and_mapping_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    assert main(["init", "--store", url, "--quiet"]) == 0
    rows = [row(n) for n in range(3)]
    odd = [h if h != "提报时间" else "诉求提出日" for h in HEADER]  # a header no table knows
    file = tmp_path / "台账.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["乐陵市问题台账"], odd, *rows])
    file.write_bytes(buffer.getvalue().encode("gbk"))
    mapping = tmp_path / "表头.toml"
    code_ = main(
        [
            "import",
            str(file),
            "--store",
            url,
            "--create-missing",
            "--dry-run",
            "--write-mapping",
            str(mapping),
            "--lang",
            "en",
        ]
    )
    out = capsys.readouterr().out
    assert code_ == 1  # the registration date is missing on every row
    assert "Dry run (nothing written)" in out
    assert "诉求提出日 → (not read)" in out
    text = mapping.read_text(encoding="utf-8")
    assert '# "诉求提出日" = ""' in text
    mapping.write_text(
        text.replace('# "诉求提出日" = ""', '"诉求提出日" = "registered_on"'), encoding="utf-8"
    )
    code_ = main(
        [
            "import",
            str(file),
            "--store",
            url,
            "--create-missing",
            "--headers",
            str(mapping),
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code_ == 0
    assert report["created"] == 3
    reading = {c["header"]: c for c in report["columns"]}["诉求提出日"]
    assert reading["field"] == "registered_on"
    assert "用户词表" in reading["rule"]


# ====================================================================== nothing half-written

DEFECTS = [
    ("提报时间", {"提报时间": "2019年13月1日"}),
    ("提报时间", {"提报时间": "明天"}),
    ("问题类型", {"问题类型": "用低"}),
    ("办理情况", {"办理情况": "快好了"}),
    ("统一社会信用代码", {"统一社会信用代码": "91371481000000000X"}),
    ("解决时间", {"办理情况": "已完成"}),  # settled: needs its date
    ("解决时间", {"解决时间": "2019-02-30"}),
    ("问题描述", {"问题描述": "=1+1"}),
    ("企业名称", {"企业名称": "", "统一社会信用代码": ""}),
]


def test_ten_thousand_malformed_rows_with_create_missing_leave_the_file_as_it_was(
    tmp_path: Path, dump: Callable[[Path], tuple[str, str]]
) -> None:
    path = tmp_path / "office.db"
    with open_store(f"sqlite:///{path}") as opened:
        import_ledger(
            opened,
            ledger(tmp_path / "first.csv", [row(1)], title="乐陵市问题台账"),
            create_missing=True,
        )
    before = dump(path)
    rng = random.Random(15)
    rows, expected = [], {}
    for number in range(10_000):
        column, change = DEFECTS[number % len(DEFECTS)]
        made = row(number + 100, **change)
        if column != "企业名称":  # every other row names an enterprise to create
            made[1] = f"乐陵市新{rng.randrange(10**6)}号企业有限公司"
            made[2] = change.get("统一社会信用代码", "")
        rows.append(made)
        expected[number + 4] = column  # a title, the 填报单位 row, the header
    file = ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账")
    with open_store(f"sqlite:///{path}") as opened, pytest.raises(LedgerImportError) as caught:
        import_ledger(opened, file, create_missing=True)
    assert {e.row: e.column for e in caught.value.errors} == expected
    assert dump(path) == before


def test_export_masks_phone_numbers_in_texts_never_in_ids(store: Store, tmp_path: Path) -> None:
    # A hex id can hold a run that looks like a mobile number; masked, it names nothing.
    made = row(1, 序号="p-13800138000", 问题描述="联系人手机13800138000")
    file = ledger(tmp_path / "台账.csv", [made], header=["问题编号", *HEADER[1:]])
    import_ledger(store, file, create_missing=True, region="乐陵市")
    target = tmp_path / "导出.csv"
    export_ledger(store, target, history=True)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        (exported,) = csv.DictReader(stream)
    assert exported["问题编号"] == "p-13800138000"
    assert exported["问题描述"] == "联系人手机138****8000"
    history = json.loads(exported["办理记录"])
    assert {step["problem_id"] for step in history} == {"p-13800138000"}
    assert "138****8000" in exported["办理记录"]
    again = import_ledger(store, target)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


# ====================================================================== what offices do


def test_towns_of_one_name_under_two_counties_are_two_towns(store: Store, tmp_path: Path) -> None:
    header = ["县市区", *HEADER[1:]]
    rows = [
        row(1, 序号="乐陵市", 所属镇街="经济开发区"),
        row(2, 序号="宁津县", 所属镇街="经济开发区", 企业名称="宁津县甲公司", 统一社会信用代码=""),
    ]
    file = ledger(tmp_path / "台账.csv", rows, header=header)
    import_ledger(store, file, create_missing=True)
    towns = {r.id: r for r in store.regions.list() if r.kind is DivisionKind.TOWN}
    assert sorted(towns) == ["371422-经济开发区", "371481-经济开发区"]
    assert {str(t.parent_id) for t in towns.values()} == {"371422", "371481"}
    assert store.regions.get(RegionId("371422")).name == "宁津县"  # created, named in the row


def test_a_title_naming_the_city_and_the_county_means_the_county(
    store: Store, tmp_path: Path
) -> None:
    file = ledger(tmp_path / "台账.csv", [row(1)], title="德州市乐陵市问题台账")
    import_ledger(store, file, create_missing=True)
    assert [r.name for r in store.regions.list() if r.kind is not DivisionKind.TOWN] == ["乐陵市"]


def test_names_are_kept_as_typed(store: Store, tmp_path: Path) -> None:
    rows = [
        row(
            1,
            企业名称="山东乐陵（集团）食品有限公司",
            统一社会信用代码="",
            责任单位="乐陵市 自然资源局",
        )
    ]
    import_ledger(
        store, ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账"), create_missing=True
    )
    assert [e.name for e in store.enterprises.list()] == ["山东乐陵（集团）食品有限公司"]
    assert [d.name for d in store.departments.list()] == ["乐陵市自然资源局"]


def test_a_new_row_with_a_lead_department_and_no_state_is_assigned(
    store: Store, tmp_path: Path
) -> None:
    rows = [row(1, 办理情况=""), row(2, 办理情况="", 责任单位="")]
    rows[1][HEADER.index("责任单位")] = ""
    file = ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账")
    report = import_ledger(store, file, create_missing=True)
    states = sorted(p.state.value for p in store.problems.list())
    assert (report.created, states) == (2, ["assigned", "registered"])


def test_repeated_headers_and_footers_are_skipped(store: Store, tmp_path: Path) -> None:
    footer = [
        "填表人：刘晓东",
        "审核人：王军",
        "联系电话：0534-6211234",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    rows = [row(1), HEADER, row(2), footer]
    report = import_ledger(
        store, ledger(tmp_path / "台账.csv", rows, title="乐陵市问题台账"), create_missing=True
    )
    assert report.created == 2
    assert [(s.row, s.reason.split(" / ")[0]) for s in report.skipped] == [
        (5, "重复的表头行，已跳过"),
        (7, "表尾说明行，已跳过"),
    ]


def test_cells_merged_down_and_two_row_headers_are_read(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "乐陵市问题台账"
    sheet.merge_cells("A1:G1")
    for column, header in enumerate(("企业名称", "问题类别", "问题描述", "登记日期"), start=1):
        sheet.cell(row=2, column=column, value=header)
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    sheet["E2"] = "办理情况"
    sheet.merge_cells("E2:F2")
    sheet["E3"], sheet["F3"] = "办理状态", "办结日期"
    sheet["G2"] = "牵头部门"
    sheet.merge_cells("G2:G3")
    problems = [
        ("乐陵市甲公司", "用地", "问题一", "2019-10-01", "办理中", None, "乐陵市自然资源局"),
        (None, "环保", "问题二", "2019-10-02", "已解决", "2019-10-09", "乐陵市生态环境分局"),
        (None, "用工", "问题三", "2019-10-03", "办理中", None, "乐陵市人社局"),
    ]
    for offset, values in enumerate(problems):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=4 + offset, column=column, value=value)
    sheet.merge_cells("A4:A6")  # one firm, three problems
    book.save(tmp_path / "台账.xlsx")
    report = import_ledger(store, tmp_path / "台账.xlsx", create_missing=True)
    assert (report.header_row, report.created, report.errors) == (3, 3, ())
    assert {c.header: c.field for c in report.columns}["办结日期"] == "settled_on"
    assert len({p.enterprise_id for p in store.problems.list()}) == 1


def test_a_formula_is_read_by_the_value_excel_saved(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in (HEADER, row(1)):
        sheet.append(values)
    sheet["G2"] = '=TEXT(DATE(2019,10,10),"yyyy-mm-dd")'
    path = tmp_path / "台账.xlsx"
    book.save(path)
    # openpyxl writes no value; Excel would save the one it computed.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_part = "xl/worksheets/sheet1.xml"
    parts[sheet_part] = (
        parts[sheet_part]
        .replace(b"<v />", b"<v>2019-10-10</v>", 1)
        .replace(b'<c r="G2">', b'<c r="G2" t="str">', 1)
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    report = import_ledger(store, path, create_missing=True, region="乐陵市")
    assert report.created == 1
    assert store.problems.list()[0].registered_at.date().isoformat() == "2019-10-10"


def test_a_finance_ledger_imported_as_problems_says_to_give_its_kind(
    store: Store, tmp_path: Path
) -> None:
    file = tmp_path / "续贷.csv"
    file.write_text("借款人,贷款银行,续贷日期,续贷金额\n甲公司,农商银行,2019-10-08,500\n", "utf-8")
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, file)
    assert "--kind renewals" in caught.value.errors[0].reason


def test_import_json_reports_the_errors_of_a_failed_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    assert main(["init", "--store", url, "--quiet"]) == 0
    capsys.readouterr()
    file = ledger(tmp_path / "台账.csv", [row(1, 提报时间="明天")])
    assert main(["import", str(file), "--store", url, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] is False
    assert {e["column"] for e in report["errors"]} >= {"提报时间", "企业名称"}
