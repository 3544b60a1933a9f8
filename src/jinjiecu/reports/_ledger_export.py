"""The export: :func:`~jinjiecu.reports.ledger.export_ledger`, the store's problems as a ledger.

Private to :mod:`jinjiecu.reports.ledger`, which exports and documents
:func:`~jinjiecu.reports.ledger.export_ledger`. Each problem's cells come
from :func:`~jinjiecu.reports._ledger_rows.cells_of`; mobile and resident ID
numbers in text cells are masked unless an audited, unmasked export is asked
for.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Final

from jinjiecu.domain.clock import end_of_day, is_aware
from jinjiecu.domain.personal import mask_text
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, Problem, ProblemRules
from jinjiecu.domain.validation import check
from jinjiecu.errors import ValidationError
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._ledger_columns import (
    EXPORT_COLUMNS,
    LEDGER_COLUMNS,
    LedgerHeaders,
    headers_of,
)
from jinjiecu.reports._ledger_names import Directory
from jinjiecu.reports._ledger_rows import cells_of, history_json, region_and_place
from jinjiecu.storage.base import MAX_PAGE, PROBLEM_FILTERS, Query

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path

    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.storage.base import Session, Store

__all__ = ["export_ledger"]


_WIDTHS: Final = {
    "number": 6,
    "problem_id": 16,
    "enterprise": 28,
    "credit_code": 22,
    "project": 28,
    "region": 14,
    "category": 12,
    "title": 28,
    "description": 40,
    "work_group": 24,
    "lead_department": 24,
    "co_departments": 30,
    "registered_on": 12,
    "deadline": 12,
    "deadline_provisional": 8,
    "progress": 36,
    "settled_on": 12,
}


def _export_fields(columns: Sequence[str] | None, *, history: bool) -> list[str]:
    fields = list(EXPORT_COLUMNS if columns is None else columns)
    if history and "history" not in fields:
        fields.append("history")
    unknown = [f for f in fields if f not in LEDGER_COLUMNS]
    check(
        not unknown and len(set(fields)) == len(fields) and bool(fields),
        field="columns",
        expected=f"distinct fields of a ledger: {', '.join(LEDGER_COLUMNS)}",
        received=fields,
    )
    return fields


def _problem_query(query: Query | None) -> Query:
    wanted = query or Query()
    check(isinstance(wanted, Query), field="query", expected="a Query", received=query)
    wanted.check_for("problem", PROBLEM_FILTERS)
    return wanted


def _check_unmasked(unmasked: object, actor: object) -> None:
    check(isinstance(unmasked, bool), field="unmasked", expected="True or False", received=unmasked)
    check(
        not unmasked or isinstance(actor, Actor),
        field="actor",
        expected="the Actor who asks for an unmasked export (it is audited)",
        received=actor,
    )


def _add_needed_columns(
    fields: list[str], problems: Sequence[Problem], names: Directory, calendar: WorkingCalendar
) -> None:
    """Add 所属镇街, 包联领导 and 时限暂定 where they belong when an exported problem has one."""
    needed = {
        "place": any(region_and_place(p, names)[1] is not None for p in problems),
        "leader": any(p.leader_id is not None for p in problems),
        "deadline_provisional": any(
            p.deadline is not None and calendar.is_provisional(p.deadline) for p in problems
        ),
    }
    order = [field for field in LEDGER_COLUMNS if field in fields or needed.get(field, False)]
    fields[:] = order


def _moment(as_of: object) -> dt.datetime | None:
    if isinstance(as_of, dt.datetime):
        check(is_aware(as_of), field="as_of", expected="a timezone-aware datetime", received=as_of)
        return as_of
    if isinstance(as_of, dt.date):
        return end_of_day(as_of)
    if as_of is None:
        return None
    raise ValidationError(field="as_of", expected="a datetime or a date", received=as_of)


def export_ledger(
    store: Store,
    path: str | Path,
    *,
    as_of: dt.datetime | dt.date | None = None,
    query: Query | None = None,
    headers: LedgerHeaders | Mapping[str, str] | None = None,
    progress: Callable[[int, int], object] | None = None,
    columns: Sequence[str] | None = None,
    history: bool = False,
    rules: ProblemRules = DEFAULT_RULES,
    unmasked: bool = False,
    actor: Actor | None = None,
) -> int:
    """Write the problems in ``store`` as a ledger (.xlsx or .csv, by the suffix); return the rows.

    Args:
        store: the store.
        path: the file to write; it is replaced only once the new one is complete.
        as_of: show each problem as it stood then (a date means the end of
            that day, China Standard Time); problems registered later are left out.
        query: which problems (a :class:`~jinjiecu.storage.base.Query` of
            problem filters), as they stand now; default all.
        headers: the headers (default Chinese); a mapping overrides the Chinese ones.
        progress: called with (rows written, rows in all).
        columns: the fields to write, in order (default :data:`EXPORT_COLUMNS`).
        history: add the ``history`` column (办理记录), which makes importing
            the ledger into another store give equal problems.
        rules: the taxonomy whose labels are written; deadlines are marked
            provisional on the store's calendar.
        unmasked: write mobile and resident ID numbers as they are. By default
            every text cell goes through
            :func:`~jinjiecu.domain.personal.mask_text` (138****5678), so a
            ledger can be passed on; an unmasked export needs ``actor`` and is
            recorded in the store's audit trail (action ``export_unmasked``).
        actor: who exports; required with ``unmasked``.

    Rows are ordered by registration time, then id. Names are written where
    they name one record; otherwise the id is.

    Raises:
        ValidationError: a bad argument; or, for xlsx, a cell over 32,767
            characters (export to CSV instead); nothing is written.
        ConfigurationError: xlsx needs the ``excel`` extra (openpyxl).
    """
    target = io.check_path(path, reading=False)
    _check_unmasked(unmasked, actor)
    header_set = headers_of(headers) or LedgerHeaders.chinese()
    fields = _export_fields(columns, history=history)
    moment = _moment(as_of)
    rules = store.counting_rules(rules)
    wanted = _problem_query(query)

    def load(session: Session) -> tuple[list[Problem], Directory]:
        problems: list[Problem] = []
        offset = 0
        while page := session.select_problems(wanted, MAX_PAGE, offset):
            problems.extend(page)
            offset += len(page)
        return problems, Directory.load(session)

    problems, names = store.read(load)
    if moment is not None:
        problems = [p for p in (problem.as_of(moment) for problem in problems) if p is not None]
    problems.sort(key=lambda p: (p.registered_at, p.id))
    if columns is None:
        _add_needed_columns(fields, problems, names, rules.working_calendar)
    total = len(problems)
    done = 0
    step = max(1, total // 100)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)

    def rows() -> Iterable[list[object]]:
        for number, problem in enumerate(problems, start=1):
            cells = cells_of(problem, names, rules)
            cells["number"] = number
            if "history" in fields:
                cells["history"] = history_json(problem, masked=not unmasked)
            # Phone and ID numbers typed into any text are masked unless asked otherwise;
            # ids and codes never are (a hex id may hold what looks like a phone number).
            yield [
                cells[f] if unmasked or f in _NEVER_MASKED else _masked(cells[f]) for f in fields
            ]

    header = [header_set.header(field) for field in fields]
    english = header_set == LedgerHeaders.english()
    try:
        if target.suffix.lower() == ".xlsx":
            count = io.write_xlsx(
                target,
                header,
                rows(),
                sheet="Ledger" if english else "工作台账",
                widths=[_WIDTHS.get(field, 12) for field in fields],
                on_row=tick,
            )
        else:
            count = io.write_csv(target, header, rows(), on_row=tick)
    except io.CellTooLongError as error:
        problem = problems[error.row]
        raise ValidationError(
            field=fields[error.column],
            expected=f"at most {io.XLSX_CELL_LIMIT:,} characters in an xlsx cell "
            "(export to .csv instead)",
            received=f"problem {problem.id}: {error.length:,} characters",
        ) from None
    if progress is not None and total == 0:
        progress(0, 0)
    if unmasked and actor is not None:
        _audit_unmasked(store, target, actor, count)
    return count


def _audit_unmasked(store: Store, target: Path, actor: Actor, count: int) -> None:
    """Record an unmasked export in the audit trail; without that record, no file."""
    try:
        store.audit.record(
            actor=actor,
            action="export_unmasked",
            object_kind="ledger",
            object_id=str(target),
            detail=f"{count} rows with personal data unmasked",
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


_NEVER_MASKED: Final = frozenset(("problem_id", "merged_into", "credit_code", "history"))
"""Fields export writes as they are: ids and codes, and the history (masked field by field)."""

_ANY_DIGIT: Final = re.compile("[0-9０-９]")
"""The digits :func:`~jinjiecu.domain.personal.mask_text` looks at; text without one is kept."""


def _masked(value: object) -> object:
    """``value`` with mobile and ID numbers masked, if it is text."""
    if isinstance(value, str) and _ANY_DIGIT.search(value) is not None:
        return mask_text(value)
    return value
