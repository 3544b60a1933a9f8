"""A streaming reader of xlsx worksheets, cell values only, on the standard library.

Private to :mod:`jinjiecu.reports.ledger`. openpyxl writes the ledgers; this
reads them, several times faster than openpyxl's read-only mode, because a
ledger import needs values only: no styles, no comments, no charts. It reads
what Excel, WPS and openpyxl write:

- shared strings (plain and rich text, phonetic runs left out), inline strings
  and formula string results;
- numbers (kept exact: ``int`` or :class:`~decimal.Decimal`), booleans, error
  values (:class:`~jinjiecu.reports._ledger_cells.ErrorValue`) and ISO dates
  (``t="d"``);
- numbers shown with a date format (built-in, the Chinese-locale ones, or a
  custom one) as :class:`~datetime.datetime`, in the 1900 or the 1904 date
  system;
- formula cells as :class:`~jinjiecu.reports._ledger_cells.Formula`, so the
  ledger can refuse them by name rather than read a stale cached value;
- the transitional and the strict Office Open XML namespaces.

Cell text is returned as stored, with Excel's ``_xHHHH_`` escapes still in
it; the ledger decodes them (:func:`~jinjiecu.reports._ledger_cells.xlsx_decode`).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Final
from xml.etree.ElementTree import Element, ParseError, iterparse

import attrs

from jinjiecu.reports._ledger_cells import ErrorValue, Formula

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["Workbook", "XlsxError", "open_workbook"]

_REL_NS: Final = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_MAIN_NS: Final = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_PACKAGE_RELS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

# Built-in number formats that show dates or times: the international ones and
# those Excel and WPS use in a Chinese locale (27-36, 50-58).
_DATE_FORMAT_IDS: Final = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)]
)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_LETTERS = re.compile(r"[dmyhsDMYHSeE]|[年月日]")

_SAFE_XML: Final = (
    "Workbook parts come from users. ElementTree never fetches external entities, and "
    "the expat it runs on (2.4.1 and later) limits entity expansion (billion laughs)."
)

_EPOCH_1900: Final = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - spreadsheet dates have no zone
_EPOCH_1904: Final = dt.datetime(1904, 1, 1)  # noqa: DTZ001


class XlsxError(Exception):
    """The file is not a readable xlsx workbook; ``reason`` says why (bilingual)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_date_format(code: str) -> bool:
    stripped = _QUOTED.sub("", code)
    return stripped.lower() != "general" and _DATE_LETTERS.search(stripped) is not None


@attrs.frozen
class _Sheet:
    name: str
    part: str


@attrs.define
class Workbook:
    """An open xlsx file: its sheets' names, and their rows on demand."""

    _zip: zipfile.ZipFile
    _sheets: list[_Sheet]
    _main: str
    _strings: list[str] | None = None
    _string_part: str | None = None
    _dates: frozenset[int] = frozenset()
    _epoch: dt.datetime = _EPOCH_1900

    @property
    def sheet_names(self) -> list[str]:
        """The worksheets' names, in workbook order."""
        return [sheet.name for sheet in self._sheets]

    def close(self) -> None:
        """Close the file."""
        self._zip.close()

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        """The sheet's non-empty rows as (1-based row number, cell values), streamed."""
        sheet = next(s for s in self._sheets if s.name == name)
        strings = self._shared_strings()
        ns = "{" + self._main + "}"
        row_tag, cell_tag = ns + "row", ns + "c"
        read = _CellReader(
            strings=strings,
            dates=self._dates,
            epoch=self._epoch,
            value_tag=ns + "v",
            formula_tag=ns + "f",
            inline_tag=ns + "is",
            text_tag=ns + "t",
            run_tag=ns + "r",
        )
        columns: dict[str, int] = {}
        number = 0
        with self._open(sheet.part) as stream:
            try:
                for element in _row_elements(stream, row_tag):
                    given = element.get("r")
                    number = int(given) if given else number + 1
                    values: list[object] = []
                    for cell in element:
                        if cell.tag != cell_tag:
                            continue
                        ref = cell.get("r")
                        if ref:
                            letters = ref.rstrip("0123456789")
                            index = columns.get(letters)
                            if index is None:
                                index = columns[letters] = _column_index(letters)
                            if index > len(values):
                                values.extend([None] * (index - len(values)))
                        values.append(read(cell))
                    if any(v is not None for v in values):
                        yield number, values
            except (ParseError, zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise XlsxError(_damaged(f"{sheet.part}: {error}")) from None

    def merged_down(self, name: str) -> list[tuple[int, int, int]]:
        """The sheet's cells merged down several rows: (0-based column, first row, last row).

        A merged cell keeps its value in its top-left cell only; the reader
        copies it down the rows below (one firm over several problems, a
        header over two header rows). Merges across columns only (a title)
        are not copied sideways.
        """
        sheet = next(s for s in self._sheets if s.name == name)
        found: list[tuple[int, int, int]] = []
        tail = b""
        with self._open(sheet.part) as stream:
            while chunk := stream.read(1 << 20):
                text = tail + chunk
                found += [
                    (_column_index(m[1].decode()), int(m[2]), int(m[4]))
                    for m in _MERGE.finditer(text)
                    if int(m[4]) > int(m[2])
                ]
                # A reference cut at the chunk's end is read whole with the next chunk.
                cut = text.rfind(b"<")
                tail = text[cut:] if cut >= 0 and b">" not in text[cut:] else b""
        return found

    # ------------------------------------------------------------------ parts

    def _open(self, part: str) -> IO[bytes]:
        try:
            return self._zip.open(part)
        except KeyError:
            raise XlsxError(_damaged(f"missing part {part}")) from None

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._string_part is not None:
                self._strings = _read_strings(self._open(self._string_part), self._main)
        return self._strings


def open_workbook(path: Path) -> Workbook:
    """Open an xlsx file and read its workbook, relationships and styles (not the rows)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        reason = (
            "不是有效的 xlsx 文件（无法按 zip 打开） / not an xlsx workbook "
            f"(it does not open as a zip archive: {error})"
        )
        raise XlsxError(reason) from None
    try:
        return _read_workbook(archive)
    except (KeyError, ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        archive.close()
        raise XlsxError(_damaged(str(error))) from None
    except XlsxError:
        archive.close()
        raise


def _damaged(detail: str) -> str:
    return f"xlsx 文件已损坏或格式不支持 / the xlsx file is damaged or unsupported ({detail})"


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, target part) for ``part``."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    try:
        stream = archive.open(rels_part)
    except KeyError:
        return found
    with stream:
        for _event, element in iterparse(stream):  # noqa: S314 - see _SAFE_XML
            if element.tag == _PACKAGE_RELS:
                target = element.get("Target", "")
                if element.get("TargetMode") == "External":
                    continue
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
                kind = element.get("Type", "").rsplit("/", 1)[-1]
                found[element.get("Id", "")] = (kind, resolved)
    return found


def _read_workbook(archive: zipfile.ZipFile) -> Workbook:
    package = _relationships(archive, "")
    workbook_part = next(
        (target for kind, target in package.values() if kind == "officeDocument"),
        "xl/workbook.xml",
    )
    rels = _relationships(archive, workbook_part)
    with archive.open(workbook_part) as stream:
        root = _parse(stream)
    main = root.tag[1:].partition("}")[0]
    if main not in _MAIN_NS:
        raise XlsxError(_damaged(f"unknown workbook namespace {main}"))
    ns = "{" + main + "}"
    sheets: list[_Sheet] = []
    for element in root.iter(ns + "sheet"):
        rel_id = next(
            (element.get(f"{{{rel}}}id") for rel in _REL_NS if element.get(f"{{{rel}}}id")), None
        )
        if rel_id in rels and rels[rel_id][0] == "worksheet":
            sheets.append(_Sheet(name=element.get("name", ""), part=rels[rel_id][1]))
    properties = root.find(ns + "workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    by_kind = dict(rels.values())
    book = Workbook(
        zip=archive,
        sheets=sheets,
        main=main,
        string_part=by_kind.get("sharedStrings"),
        epoch=_EPOCH_1904 if date1904 else _EPOCH_1900,
    )
    styles = by_kind.get("styles")
    if styles is not None:
        with archive.open(styles) as stream:
            book._dates = _date_styles(_parse(stream), ns)
    return book


def _parse(stream: IO[bytes]) -> Element:
    return ET.parse(stream).getroot()  # noqa: S314 - see _SAFE_XML


def _date_styles(root: Element, ns: str) -> frozenset[int]:
    custom = {
        int(element.get("numFmtId", "-1")): element.get("formatCode", "")
        for element in root.iter(ns + "numFmt")
    }
    cell_formats = root.find(ns + "cellXfs")
    dates: set[int] = set()
    if cell_formats is None:
        return frozenset()
    for index, xf in enumerate(cell_formats.findall(ns + "xf")):
        fmt = int(xf.get("numFmtId", "0"))
        if fmt in custom:
            if _is_date_format(custom[fmt]):
                dates.add(index)
        elif fmt in _DATE_FORMAT_IDS:
            dates.add(index)
    return frozenset(dates)


def _read_strings(stream: IO[bytes], main: str) -> list[str]:
    ns = "{" + main + "}"
    item, text, run = ns + "si", ns + "t", ns + "r"
    strings: list[str] = []
    with stream:
        for _event, element in iterparse(stream):  # noqa: S314 - see _SAFE_XML
            if element.tag == item:
                strings.append(_text_of(element, text, run))
                element.clear()
    return strings


def _text_of(element: Element, text_tag: str, run_tag: str) -> str:
    """The text of a string item: its own ``t``, or its runs' ``t`` (not phonetic runs)."""
    if len(element) == 1 and element[0].tag == text_tag:  # the usual case: one plain text
        return element[0].text or ""
    parts: list[str] = []
    for child in element:
        if child.tag == text_tag:
            parts.append(child.text or "")
        elif child.tag == run_tag:
            parts.extend(t.text or "" for t in child if t.tag == text_tag)
    return "".join(parts)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter.upper()) - 64)
    return index - 1


@attrs.frozen
class _CellReader:
    """Reads one ``c`` element's value (the tags are the sheet's, namespace included)."""

    strings: list[str]
    dates: frozenset[int]
    epoch: dt.datetime
    value_tag: str
    formula_tag: str
    inline_tag: str
    text_tag: str
    run_tag: str

    def __call__(self, cell: Element) -> object:  # noqa: PLR0912 - one branch per type
        kind = cell.get("t")
        raw: str | None = None
        formula: str | None = None
        inline: Element | None = None
        for child in cell:
            tag = child.tag
            if tag == self.value_tag:
                raw = child.text
            elif tag == self.formula_tag:
                formula = child.text or ""
            elif tag == self.inline_tag:
                inline = child
        if formula is not None and raw is None:
            # A formula saved without its value (written by a program, not Excel):
            # there is nothing to read. With the value Excel saved, the value is read.
            return Formula("=" + formula)
        if kind == "inlineStr":
            return None if inline is None else _text_of(inline, self.text_tag, self.run_tag)
        if raw is None:
            return None
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise XlsxError(_damaged(f"shared string {raw!r} does not exist")) from None
        if kind is None or kind == "n":
            return _number(raw, cell, self.dates, self.epoch)
        if kind == "str":
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return ErrorValue(raw)
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                return raw
        return raw


def _row_elements(stream: IO[bytes], row_tag: str) -> Iterator[Element]:
    """The sheet's ``row`` elements, each cleared once the caller has read it."""
    for _event, element in iterparse(stream):  # noqa: S314 - see _SAFE_XML
        if element.tag == row_tag:
            yield element
            element.clear()


def _number(raw: str, cell: Element, dates: frozenset[int], epoch: dt.datetime) -> object:
    style = cell.get("s")
    if raw.isdigit() and (style is None or int(style) not in dates):
        return int(raw)  # the usual case: a whole number
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        return raw
    if not number.is_finite():
        return raw
    if style is not None and int(style) in dates:
        days = float(number)
        if epoch is _EPOCH_1900 and days < 60:
            days += 1
        try:
            moment = epoch + dt.timedelta(days=days)
        except OverflowError:
            return number
        # Round to the second, as spreadsheets show it.
        return moment.replace(microsecond=0) + dt.timedelta(
            seconds=round(moment.microsecond / 1_000_000)
        )
    if number == number.to_integral_value() and "E" not in raw.upper():
        return int(number)
    return number
