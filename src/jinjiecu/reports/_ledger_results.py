"""What an import says: RowError, LedgerImportError and ImportReport.

Private to :mod:`jinjiecu.reports.ledger`, which exports and documents them;
:mod:`jinjiecu.reports.finance_ledger` reports its rows' errors with them too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from jinjiecu.errors import ValidationError
from jinjiecu.reports.vocabulary import HeaderReading

__all__ = ["ImportReport", "LedgerImportError", "RowError"]


@attrs.frozen(kw_only=True)
class RowError:
    """One problem with one row: its sheet row number (1-based), the column's header, why.

    ``column`` is empty for a problem with the file or the row as a whole.
    ``reason`` is in Chinese and English.
    """

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}: {self.reason}"


class LedgerImportError(ValidationError):
    """A ledger that cannot be imported; nothing was written.

    ``errors`` holds every :class:`RowError` found (each bad row, each bad
    cell), ``path`` the ledger. It is a
    :class:`~jinjiecu.errors.ValidationError` with ``field="ledger"``.
    """

    def __init__(self, errors: Sequence[RowError], *, path: str) -> None:
        self.errors = tuple(errors)
        self.path = path
        rows = len({error.row for error in self.errors})
        shown = "; ".join(str(error) for error in self.errors[:3])
        more = len(self.errors) - 3
        if more > 0:
            shown += f"; … (+{more})"
        message = (
            f"{path}: {rows} 行有错误，未导入任何数据 / {_count(len(self.errors), 'error')} in "
            f"{_count(rows, 'row')}, nothing was imported: {shown}"
        )
        super().__init__(
            message,
            field="ledger",
            expected="a ledger whose every row can be imported",
            received=path,
        )


def _count(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``: an English count."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import did.

    ``created`` problems were registered; ``updated`` existing ones got new
    transitions (``transitions`` in all, registrations included);
    ``unchanged`` rows changed nothing. ``rejected`` rows had errors (listed
    in ``errors``) and were written to ``rejects_path`` (``None`` when none
    were). ``warnings`` are what was read but not recorded (a stale deadline,
    a progress text alone); ``ignored_columns`` the headers not recognised.

    ``columns`` says how each header was read (the field and the rule that
    matched); ``skipped`` lists the rows that are no problems (totals rows,
    notes under the table); ``new_records`` counts the enterprises,
    departments, leaders and regions created (or that would be, in a dry
    run); ``encoding`` is a CSV file's text encoding; ``header_row`` the
    sheet row the header was found on. A ``dry_run`` report wrote nothing.
    """

    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    transitions: int
    rejects_path: Path | None
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    columns: tuple[HeaderReading, ...] = ()
    skipped: tuple[RowError, ...] = ()
    new_records: Mapping[str, int] = attrs.field(factory=dict)
    encoding: str | None = None
    header_row: int = 0
    dry_run: bool = False
