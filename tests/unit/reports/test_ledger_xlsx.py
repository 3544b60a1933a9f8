"""The streaming xlsx reader reads what Excel, WPS and openpyxl write."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from jinjiecu.reports._ledger_cells import ErrorValue, Formula
from jinjiecu.reports._ledger_xlsx import XlsxError, open_workbook

if TYPE_CHECKING:
    from pathlib import Path


def read(path: Path, sheet: str | None = None) -> list[tuple[int, list[object]]]:
    book = open_workbook(path)
    try:
        return list(book.rows(sheet or book.sheet_names[0]))
    finally:
        book.close()


def test_cells_of_every_kind_from_a_normal_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    sheet["A1"] = "企业名称"
    sheet["B1"] = 12
    sheet["C1"] = 12.5
    sheet["D1"] = dt.date(2019, 10, 10)
    sheet["E1"] = dt.datetime(2019, 10, 10, 14, 30)  # noqa: DTZ001 - spreadsheet cells have no zone
    sheet["F1"] = "=SUM(B1:C1)"
    sheet["G1"] = True
    sheet["H1"] = "#N/A"
    sheet["H1"].data_type = "e"
    sheet["I1"] = " 前后有空格 "
    sheet["J1"] = CellRichText([TextBlock(InlineFont(b=True), "加粗"), "普通"])
    sheet["A3"] = "第三行"  # row 2 is empty and skipped
    sheet["C3"] = 43748
    sheet["C3"].number_format = 'yyyy"年"m"月"d"日"'
    path = tmp_path / "kinds.xlsx"
    book.save(path)

    rows = read(path)

    assert [number for number, _cells in rows] == [1, 3]
    first = rows[0][1]
    assert first[:5] == [
        "企业名称",
        12,
        Decimal("12.5"),
        dt.datetime(2019, 10, 10),  # noqa: DTZ001
        dt.datetime(2019, 10, 10, 14, 30),  # noqa: DTZ001
    ]
    assert isinstance(first[5], Formula)
    assert first[5] == "=SUM(B1:C1)"
    assert first[6] is True
    assert isinstance(first[7], ErrorValue)
    assert first[8:] == [" 前后有空格 ", "加粗普通"]
    assert rows[1][1] == ["第三行", None, dt.datetime(2019, 10, 10)]  # noqa: DTZ001


def test_write_only_workbooks_with_inline_strings(tmp_path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("工作台账")
    sheet.append(["序号", "问题编号"])
    sheet.append([1, "p-1"])
    path = tmp_path / "inline.xlsx"
    book.save(path)
    assert read(path) == [(1, ["序号", "问题编号"]), (2, [1, "p-1"])]


def test_sheets_by_name_and_the_1904_date_system(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.MAC_EPOCH
    cover = book.active
    assert cover is not None
    cover.title = "说明"
    cover["A1"] = "填表说明"
    data = book.create_sheet("数据")
    data["A1"] = dt.date(2019, 10, 10)
    path = tmp_path / "mac.xlsx"
    book.save(path)
    opened = open_workbook(path)
    try:
        assert opened.sheet_names == ["说明", "数据"]
    finally:
        opened.close()
    assert read(path, "数据") == [(1, [dt.datetime(2019, 10, 10)])]  # noqa: DTZ001


def test_a_file_that_is_not_a_workbook_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("序号,问题编号\n", encoding="utf-8")
    with pytest.raises(XlsxError, match="not an xlsx workbook"):
        open_workbook(path)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(XlsxError, match="damaged"):
        open_workbook(broken)


_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def test_strict_open_xml_and_shared_strings_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="r1" '
            f'Type="{_STRICT_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_STRICT}" xmlns:r="{_STRICT_REL}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="s1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PACKAGE}">'
            f'<Relationship Id="s1" Type="{_STRICT_REL}/worksheet" Target="worksheets/a.xml"/>'
            f'<Relationship Id="s2" Type="{_STRICT_REL}/sharedStrings" Target="/xl/strings.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/strings.xml",
            f'<sst xmlns="{_STRICT}"><si><t>办理状态</t></si>'
            "<si><r><t>正在</t></r><r><t>办理</t></r><rPh><t>ｾｲ</t></rPh></si></sst>",
        )
        archive.writestr(
            "xl/worksheets/a.xml",
            f'<worksheet xmlns="{_STRICT}"><sheetData>'
            '<row r="2"><c r="B2" t="s"><v>0</v></c></row>'
            '<row r="3"><c r="B3" t="s"><v>1</v></c><c r="D3" t="inlineStr"><is><t>_x000D_</t>'
            '</is></c><c r="E3" t="d"><v>2019-10-10T00:00:00</v></c></row>'
            "</sheetData></worksheet>",
        )
    assert read(path) == [
        (2, [None, "办理状态"]),
        (3, [None, "正在办理", None, "_x000D_", dt.datetime(2019, 10, 10)]),  # noqa: DTZ001
    ]
