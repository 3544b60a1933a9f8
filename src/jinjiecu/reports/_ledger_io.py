"""Ledger files: find the header row, read the cells, write CSV and xlsx safely.

Private to :mod:`jinjiecu.reports.ledger`. Reading gives a :class:`Table`:
the header row found, which column holds which field, and the data rows with
every text cell restored (xlsx escapes decoded, formula guards removed).
Writing takes rows of cells (text, dates, numbers, ``None``), neutralises
formula triggers, and replaces the target file only once the new one is
complete.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import secrets
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.errors import ConfigurationError, ValidationError
from jinjiecu.reports._ledger_cells import (
    FORMULA_TRIGGERS,
    Formula,
    bilingual,
    is_blank,
    neutralise,
    normal,
    raw_text,
    restore,
    xlsx_decode,
    xlsx_encode,
)
from jinjiecu.reports._ledger_xlsx import XlsxError, open_workbook
from jinjiecu.reports.vocabulary import header_unit, word_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from jinjiecu.reports.vocabulary import HeaderReading, Vocabulary

__all__ = [
    "XLSX_CELL_LIMIT",
    "CellTooLongError",
    "HeaderError",
    "Table",
    "check_path",
    "data_rows",
    "header_key",
    "preamble_unit",
    "read_columns",
    "read_table",
    "read_text",
    "skipped_reason",
    "write_csv",
    "write_xlsx",
]

XLSX_CELL_LIMIT: Final = 32_767
"""The most characters an xlsx cell holds."""

HEADER_SEARCH_ROWS: Final = 20
"""How many non-empty rows at the top are searched for the header row."""

_BOM: Final = b"\xef\xbb\xbf"


class HeaderError(Exception):
    """The file cannot be read as a ledger: ``row`` and ``reason`` say where and why."""

    def __init__(self, row: int, column: str, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.column = column
        self.reason = reason


class CellTooLongError(Exception):
    """A cell longer than an xlsx cell can hold; ``row`` and ``column`` are 0-based."""

    def __init__(self, row: int, column: int, length: int) -> None:
        super().__init__(f"cell ({row}, {column}) has {length} characters")
        self.row = row
        self.column = column
        self.length = length


@attrs.frozen(kw_only=True)
class Table:
    """A ledger as read: the header row, the field of each column, the data rows.

    ``preamble`` holds the rows above the header (a title, 填报单位 ...);
    ``encoding`` the text encoding a CSV file was read in (``None`` for xlsx).
    """

    header_row: int
    headers: tuple[str, ...]
    columns: dict[str, int]
    ignored: tuple[str, ...]
    english: bool
    rows: list[tuple[int, list[object]]]
    sheet: str | None
    preamble: tuple[tuple[object, ...], ...] = ()
    encoding: str | None = None


_PROBLEM_HEADERS: Final = bilingual(
    "问题编号、企业名称、登记日期、办理状态", "Problem ID, Enterprise, Registered on, State"
)


def header_key(text: object) -> str:
    """How headers are compared: :func:`~jinjiecu.reports.vocabulary.word_key`, unit left out."""
    return word_key(header_unit(restore(raw_text(text)))[0])


# ---------------------------------------------------------------------- reading


def check_path(path: object, *, reading: bool) -> Path:
    """``path`` as a ledger file's: .xlsx or .csv, existing (reading) or in a folder (writing)."""
    if not isinstance(path, str | Path):
        raise ValidationError(field="path", expected="a file path", received=path)
    result = Path(path)
    if result.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError(
            field="path", expected="a ledger file ending in .xlsx or .csv", received=str(path)
        )
    if reading and not result.is_file():
        raise ValidationError(
            field="path", expected="an existing ledger file (.xlsx or .csv)", received=str(path)
        )
    if not reading and not result.parent.is_dir():
        raise ValidationError(
            field="path", expected="a path in an existing folder", received=str(path)
        )
    return result


def read_table(
    path: Path,
    lookup: Mapping[str, str],
    english_keys: frozenset[str],
    *,
    sheet: str | None = None,
    skip: frozenset[str] = frozenset(),
    expected: str | None = None,
) -> Table:
    """Read ``path`` (.csv or .xlsx): find the header row by ``lookup`` (header key -> field).

    ``expected`` names a few headers, in both languages, for the error when
    none is found (default: a problem ledger's).

    Raises:
        HeaderError: the file cannot be decoded or opened, or no header row
            is found, or two columns name the same field.
    """
    encoding: str | None = None
    if path.suffix.lower() == ".xlsx":
        rows, sheet_name = _xlsx_rows(path, lookup, sheet)
    else:
        (rows, encoding), sheet_name = _csv_rows(path), None
    found = _find_header(rows, lookup)
    if found is None:
        zh, _, en = (expected or _PROBLEM_HEADERS).partition(" / ")
        raise HeaderError(
            1,
            "",
            bilingual(
                f"前{HEADER_SEARCH_ROWS}行中找不到表头行（应包含如 {zh} 等列中的至少两列）",
                f"no header row in the first {HEADER_SEARCH_ROWS} rows: expected at least two "
                f"headers such as {en}",
            ),
        )
    position, header_cells = found
    header_row = rows[position][0]
    headers = tuple(_restore_text(cell) for cell in header_cells)
    columns: dict[str, int] = {}
    ignored: list[str] = []
    english_hits = chinese_hits = 0
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        field = lookup.get(key)
        if field is None:
            if key not in skip:
                ignored.append(header)
            continue
        if field in columns:
            first = headers[columns[field]]
            raise HeaderError(
                header_row,
                header,
                bilingual(
                    f"“{header}”与“{first}”是同一列（{field}），请删除其一",
                    f"columns {first!r} and {header!r} both give the field {field}; keep one",
                ),
            )
        columns[field] = index
        if key in english_keys:
            english_hits += 1
        else:
            chinese_hits += 1
    data = [(number, cells) for number, cells in rows[position + 1 :]]
    return Table(
        header_row=header_row,
        headers=headers,
        columns=columns,
        ignored=tuple(ignored),
        english=english_hits > chinese_hits,
        rows=data,
        sheet=sheet_name,
        preamble=tuple(tuple(cells) for _number, cells in rows[:position]),
        encoding=encoding,
    )


_TOTALS: Final = ("合计", "小计", "总计", "共计", "累计", "总合计")
# A note row under the table holds a line or two of text starting with one of these.
_NOTES: Final = (
    *("注:", "备注:", "说明:"),
    *("填表人", "填报人", "审核人", "制表", "联系人", "联系电话"),
)
_NOTE_WORDS: Final = frozenset(("注", "备注", "说明"))
_SHORT_LABEL: Final = 12
"""The longest cell read as a label such as 德城区小计 (a longer one is a problem's text)."""


def skipped_reason(cells: Sequence[object]) -> str | None:
    """Why a row is no record (a totals row, a note under the table), or ``None``."""
    texts = [raw_text(cell).strip() for cell in cells if not is_blank(cell)]
    if not texts:
        return None
    for text in texts[:3]:
        key = word_key(text)
        # 合计, 小计：… or a county's own 德城区小计
        if key.startswith(_TOTALS) or (len(key) <= _SHORT_LABEL and key.endswith(_TOTALS)):
            return bilingual(f"合计行（{text}），已跳过", f"a totals row ({text}), skipped")
    first = word_key(texts[0])
    noted = [word_key(text).startswith(_NOTES) for text in texts]
    # 注：… alone or with one more cell; or a row of 填表人：… 审核人：… 联系电话：…
    if (len(texts) <= 2 and (first in _NOTE_WORDS or noted[0])) or all(noted):
        return bilingual("表尾说明行，已跳过", "a note under the table, skipped")
    return None


def _repeats_header(cells: Sequence[object], headers: Sequence[str]) -> bool:
    """Whether a data row is the header again (two sheets pasted one under the other)."""
    filled = [
        (index, cell)
        for index, cell in enumerate(cells)
        if not is_blank(cell) and index < len(headers)
    ]
    same = sum(
        1
        for index, cell in filled
        if header_key(cell) and header_key(cell) == header_key(headers[index])
    )
    return same >= 2 and same * 2 >= len(filled)


def data_rows(
    table: Table,
) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str]]]:
    """The table's rows that may be records, and the (row, reason) of those skipped."""
    rows: list[tuple[int, list[object]]] = []
    skipped: list[tuple[int, str]] = []
    for number, cells in table.rows:
        reason = skipped_reason(cells)
        if reason is None and _repeats_header(cells, table.headers):
            reason = bilingual("重复的表头行，已跳过", "the header again, skipped")
        if reason is None:
            rows.append((number, cells))
        else:
            skipped.append((number, reason))
    return rows, skipped


_PREAMBLE_UNIT: Final = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>元|万元|亿元)")


def preamble_unit(table: Table) -> str | None:
    """The unit of money the rows above the header give (单位：万元), if one."""
    units = {
        match["unit"]
        for cells in table.preamble
        for cell in cells
        if isinstance(cell, str) and (match := _PREAMBLE_UNIT.search(normal(cell))) is not None
    }
    return next(iter(units)) if len(units) == 1 else None


def read_columns(
    table: Table,
    vocabulary: Vocabulary,
    kind: str,
    *,
    own: frozenset[str] = frozenset(),
    skip: frozenset[str] = frozenset(),
    amounts: frozenset[str] = frozenset(),
) -> tuple[tuple[HeaderReading, ...], dict[str, str]]:
    """How each header of ``table`` was read (field and rule), and the unit of each field.

    ``own`` are the keys of headers the caller gave; ``skip`` those of the
    columns read over on purpose (a rejects file's 错误原因). The ``amounts``
    fields whose header gives no unit take the one the rows above the
    header give (单位：万元), if any.
    """
    readings: list[HeaderReading] = []
    above = preamble_unit(table)
    units: dict[str, str] = {f: above for f in amounts if f in table.columns and above}
    by_index = {index: field for field, index in table.columns.items()}
    for index, header in enumerate(table.headers):
        key = header_key(header)
        if not key:
            continue
        reading = vocabulary.read_header(header, kind)
        field = by_index.get(index)
        if field is not None and reading.unit is not None:
            units[field] = reading.unit
        elif field is not None and field in units:
            reading = attrs.evolve(reading, unit=units[field])
        if field is None:
            rule = "已忽略 / ignored" if key in skip else reading.rule
            readings.append(attrs.evolve(reading, field=None, rule=rule))
        elif key in own:
            readings.append(attrs.evolve(reading, field=field, rule="指定表头 / the headers given"))
        elif reading.field != field:
            rule = f"按内容判断 / by its cells ({field})"
            readings.append(attrs.evolve(reading, field=field, rule=rule))
        else:
            readings.append(reading)
    return tuple(readings), units


def _restore_text(cell: object) -> str:
    return restore(raw_text(cell)).strip()


def _find_header(
    rows: Sequence[tuple[int, list[object]]], lookup: Mapping[str, str]
) -> tuple[int, list[object]] | None:
    """The row among the first ones that names the most fields (at least two), earliest first.

    Title rows, a 填报单位 row and blank rows above the header name none or
    one, so the header is found below them.
    """
    best: tuple[int, list[object]] | None = None
    most = 1
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {lookup.get(header_key(cell)) for cell in cells}
        fields.discard(None)
        fields.discard("number")  # 序号 heads every kind of table
        if len(fields) > most:
            best, most = (position, cells), len(fields)
    return best


def _csv_rows(path: Path) -> tuple[list[tuple[int, list[object]]], str]:
    data = path.read_bytes()
    text, encoding = _decode(data)
    # The header may sit below title lines: count over the top of the file.
    top = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = max((",", "\t", ";"), key=top.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                rows.append((number, [read_text(cell) for cell in record]))
    except csv.Error as error:
        raise HeaderError(
            reader.line_num,
            "",
            bilingual(f"CSV 格式错误：{error}", f"malformed CSV: {error}"),
        ) from None
    return rows, encoding


def _decode(data: bytes) -> tuple[str, str]:
    """The text, and its encoding: UTF-8 (with or without a BOM), else GBK or GB 18030.

    GB 18030 is GBK's superset: text that GBK decodes reads the same, and is
    reported as GBK.
    """
    if data.startswith(_BOM):
        return _strict(data[len(_BOM) :], "utf-8", ("UTF-8", "UTF-8")), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk"), "GBK"
    except UnicodeDecodeError:
        pass
    return _strict(data, "gb18030", ("UTF-8、GBK 或 GB18030", "UTF-8, GBK or GB18030")), "GB18030"


def _strict(data: bytes, codec: str, names: tuple[str, str]) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise HeaderError(
            line,
            "",
            bilingual(
                f"第{line}行无法按 {names[0]} 解码（字节位置 {error.start}）；"
                "请另存为 UTF-8 或 GBK 编码的 CSV",
                f"line {line} does not decode as {names[1]} (byte {error.start}); "
                "save the file as CSV in UTF-8 or GBK",
            ),
        ) from None


def _xlsx_rows(
    path: Path, lookup: Mapping[str, str], sheet: str | None
) -> tuple[list[tuple[int, list[object]]], str]:
    try:
        book = open_workbook(path)
    except XlsxError as error:
        raise HeaderError(1, "", error.reason) from None
    try:
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise HeaderError(
                1,
                "",
                bilingual(
                    f"工作簿中没有名为“{sheet}”的工作表（现有：{'、'.join(names)}）",
                    f"no sheet named {sheet!r}; the workbook has {', '.join(names)}",
                ),
            )
        candidates = [sheet] if sheet is not None else names
        chosen: str | None = None
        rows: list[tuple[int, list[object]]] = []
        for name in candidates:
            rows = []
            try:
                fill = _MergedDown(book.merged_down(name))
                for number, cells in book.rows(name):
                    rows.append((number, fill([_decode_xlsx(cell) for cell in cells], number)))
                    if len(rows) == HEADER_SEARCH_ROWS and _find_header(rows, lookup) is None:
                        break
            except XlsxError as error:
                raise HeaderError(1, "", error.reason) from None
            if _find_header(rows, lookup) is not None:
                chosen = name
                break
        if chosen is None:
            chosen = candidates[0] if candidates else ""
        return rows, chosen
    finally:
        book.close()


class _MergedDown:
    """Copies each cell merged down several rows into the rows below it, as rows stream by."""

    def __init__(self, ranges: Sequence[tuple[int, int, int]]) -> None:
        self._starts: dict[int, list[tuple[int, int]]] = {}
        for column, first, last in ranges:
            self._starts.setdefault(first, []).append((column, last))
        self._active: list[tuple[int, int, object]] = []
        """(column, last row, value) of the merges the coming rows are inside."""

    def __call__(self, cells: list[object], number: int) -> list[object]:
        self._active = [merge for merge in self._active if merge[1] >= number]
        for column, _last, value in self._active:
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            if cells[column] is None:
                cells[column] = value
        for column, last in self._starts.pop(number, ()):
            if column < len(cells) and cells[column] is not None:
                self._active.append((column, last, cells[column]))
        return cells


def _decode_xlsx(cell: object) -> object:
    if type(cell) is str:
        return read_text(xlsx_decode(cell))
    return cell


def read_text(text: str) -> str:
    """A text cell as read: unguarded formula text is marked, a guarding quote removed."""
    if text.startswith("="):
        return Formula(text)
    return restore(text)


# ---------------------------------------------------------------------- writing


def _csv_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    return raw_text(cell)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write a CSV in UTF-8 with a BOM (so that Excel reads it right); return the data rows."""
    count = 0
    with _replacing(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([_csv_text(cell) for cell in row])
            count += 1
            if on_row is not None:
                on_row()
    return count


def _openpyxl() -> Any:
    try:
        import openpyxl  # noqa: PLC0415 - optional dependency, imported when used
    except ImportError as error:
        message = (
            "writing an .xlsx ledger needs openpyxl: install the excel extra, "
            "pip install 'jinjiecu[excel]' (or write a .csv ledger); "
            f"写 xlsx 台账需要安装 jinjiecu[excel] ({error})"
        )
        raise ConfigurationError(message) from None
    return openpyxl


_GUARDED: Final = frozenset((*FORMULA_TRIGGERS, "'"))


def _xlsx_cell(value: object, row: int, column: int) -> object:
    if value is None:
        return None
    if isinstance(value, str):  # also ids, formulas and error values, written as plain text
        text = value if type(value) is str else str.__str__(value)
        text = neutralise(text) if text and text[0] in _GUARDED else text
        text = xlsx_encode(text)
        if len(text) > XLSX_CELL_LIMIT:
            raise CellTooLongError(row, column, len(text))
        return text
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, bool | int | Decimal | dt.date):
        return value
    return _xlsx_cell(raw_text(value), row, column)


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet: str,
    widths: Sequence[int] = (),
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write a one-sheet xlsx with openpyxl's write-only mode; return the data rows.

    The header is bold and frozen; dates are date cells shown as yyyy-mm-dd.

    Raises:
        CellTooLongError: a cell is longer than an xlsx cell can hold (nothing is written).
        ConfigurationError: openpyxl (the ``excel`` extra) is not installed.
    """
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - optional dependency
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center")
    cells = []
    for text in header:
        cell = WriteOnlyCell(worksheet, value=xlsx_encode(neutralise(text)))
        cell.font, cell.alignment = bold, centred
        cells.append(cell)
    worksheet.append(cells)
    count = 0
    try:
        for row in rows:
            # openpyxl shows a date value as yyyy-mm-dd by itself.
            worksheet.append([_xlsx_cell(value, count, column) for column, value in enumerate(row)])
            count += 1
            if on_row is not None:
                on_row()
    except BaseException:
        _abandon(worksheet)
        raise
    with _replacing(path, "wb") as stream:
        book.save(stream)
    return count


def _abandon(worksheet: Any) -> None:
    """Close a write-only sheet whose workbook will not be saved, and remove its temporary file."""
    with contextlib.suppress(Exception):
        worksheet.close()
    writer: Any = getattr(worksheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


@contextlib.contextmanager
def _replacing(path: Path, mode: str, **options: Any) -> Any:
    """Write to a temporary file beside ``path``; replace ``path`` only if writing succeeds."""
    # Opened with "x", so the file gets the usual permissions (mkstemp's are private).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    try:
        with temporary.open(mode.replace("w", "x"), **options) as stream:
            yield stream
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
