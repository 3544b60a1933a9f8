"""The import: :func:`~jinjiecu.reports.finance_ledger.import_finance_ledger`, all or nothing.

Private to :mod:`jinjiecu.reports.finance_ledger`, which exports and documents
:func:`~jinjiecu.reports.finance_ledger.import_finance_ledger` and
:class:`~jinjiecu.reports.finance_ledger.FinanceImportReport`. The import
reads the table, turns every row into a record
(:mod:`~jinjiecu.reports._finance_kinds`), plans the writes
(:mod:`~jinjiecu.reports._finance_plan`), checks the problems the rows link
to, and writes only if no row has an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.domain.finance import total
from jinjiecu.domain.money import Money
from jinjiecu.domain.validation import check
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._finance_cells import Row, parse_problem_ids
from jinjiecu.reports._finance_columns import AMOUNT_FIELDS, check_kind
from jinjiecu.reports._finance_kinds import (
    Context,
    FundRows,
    ListRows,
    read_debt,
    read_draw,
    read_listing,
    read_renewal,
)
from jinjiecu.reports._finance_plan import (
    RECORD_KINDS,
    Plan,
    plan_funds,
    plan_lists,
    plan_records,
    stored_containers,
    stored_versions,
)
from jinjiecu.reports._ledger_cells import bilingual
from jinjiecu.reports._ledger_names import (
    Directory,
    Index,
    needed_records,
    write_new_records,
)
from jinjiecu.reports._ledger_results import LedgerImportError, RowError
from jinjiecu.reports.vocabulary import (
    FINANCE_HEADER_SYNONYMS,
    HeaderReading,
    Vocabulary,
)

if TYPE_CHECKING:
    from pathlib import Path

    from jinjiecu.storage.base import Session, Store, Transaction

__all__ = ["FinanceImportReport", "import_finance_ledger"]


@attrs.frozen(kw_only=True)
class FinanceImportReport:
    """What a finance ledger import did (or would do, in a dry run).

    ``created``, ``updated`` and ``unchanged`` count rows: each row is one
    renewal, draw, debt resolution or whitelist change. ``amount`` adds up
    the rows' amounts (renewed, drawn, resolved; zero for a whitelist), to
    check against the ledger's own 合计 row. ``new_records`` counts the
    enterprises, departments (banks) and regions created, and the funds or
    whitelists. The rest is as in
    :class:`~jinjiecu.reports.ledger.ImportReport`.
    """

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    amount: Money
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    columns: tuple[HeaderReading, ...] = ()
    skipped: tuple[RowError, ...] = ()
    new_records: Mapping[str, int] = attrs.field(factory=dict)
    encoding: str | None = None
    header_row: int = 0
    dry_run: bool = False


def _lookup(vocabulary: Vocabulary, kind: str) -> tuple[dict[str, str], frozenset[str]]:
    """Header key -> field for ``kind``: a user's words first; and the English keys."""
    table = vocabulary.header_table(kind)
    lookup = {key: table[key] for key in vocabulary.user_headers if key in table}
    for key, field in table.items():
        lookup.setdefault(key, field)
    english = frozenset(
        io.header_key(words[-1]) for words in FINANCE_HEADER_SYNONYMS[kind].values()
    )
    return lookup, english


def import_finance_ledger(
    store: Store,
    path: str | Path,
    *,
    kind: str,
    vocabulary: Vocabulary | None = None,
    create_missing: bool = False,
    region: str | None = None,
    region_name: str | None = None,
    dry_run: bool = False,
    sheet: str | None = None,
) -> FinanceImportReport:
    """Import a finance ledger (.xlsx or .csv) of ``kind`` into ``store``, all or nothing.

    Args:
        store: the store.
        path: the ledger file.
        kind: one of :data:`FINANCE_KINDS`.
        vocabulary: the words headers are read with (default
            :meth:`Vocabulary.default <jinjiecu.reports.vocabulary.Vocabulary.default>`).
        create_missing: create the enterprises, banks and places the ledger
            names and the store lacks, in the same transaction.
        region: the office's region (id, code or name), for new enterprises
            and whitelists (default: one the rows above the header name).
        region_name: the name of a region ``region`` creates.
        dry_run: work everything out, write nothing, return the report with
            the rows' errors rather than raising them (a file whose header
            cannot be found still raises).
        sheet: the xlsx sheet to read (default: the first with a header row).

    Raises:
        LedgerImportError: a row (or the file) has errors; nothing was written.
        ValidationError: a bad argument, or a path that is not a ledger file.
        ConflictError: a record changed in the store meanwhile; nothing was
            written, import again.
    """
    ledger = io.check_path(path, reading=True)
    check_kind(kind)
    for name, flag in (("create_missing", create_missing), ("dry_run", dry_run)):
        check(isinstance(flag, bool), field=name, expected="True or False", received=flag)
    words = Vocabulary.default() if vocabulary is None else vocabulary
    check(
        isinstance(words, Vocabulary), field="vocabulary", expected="a Vocabulary", received=words
    )
    lookup, english = _lookup(words, kind)
    try:
        table = io.read_table(ledger, lookup, english, sheet=sheet, expected=_EXPECTED[kind])
    except io.HeaderError as problem:
        error = RowError(row=problem.row, column=problem.column, reason=problem.reason)
        raise LedgerImportError([error], path=str(ledger)) from None
    data, skipped_rows = io.data_rows(table)
    readings, units = io.read_columns(table, words, kind, amounts=AMOUNT_FIELDS)

    def load(session: Session) -> tuple[Directory, dict[str, Any]]:
        return Directory.load(session), stored_containers(session, kind)

    names, stored = store.read(load)
    names.creating = create_missing
    office = names.office(region, name=region_name) if region is not None else None
    if office is None:
        names.office_region = names.region_named_in(table.preamble)
    context = Context(
        kind=kind,
        names=names,
        units=units,
        containers=Index(
            "过桥资金" if kind == "bridge-funds" else "名单库",
            "bridge fund" if kind == "bridge-funds" else "whitelist",
            ((key, v.record.name) for key, v in stored.items())
            if kind in ("bridge-funds", "whitelist")
            else (),
        ),
    )
    rows = [Row(number, cells, table, kind) for number, cells in data]
    rows = [row for row in rows if not row.blank()]
    plan = _read_rows(store, context, rows, stored)
    _check_problems(store, rows)
    errors = sorted(
        (error for row in rows for error in row.row_errors()), key=lambda e: (e.row, e.column)
    )
    needed = needed_records(names, [*plan.added, *(r for r, _v in plan.updated)], context.banks)
    counts = names.new.counts(needed)
    if kind in ("bridge-funds", "whitelist"):
        counts["funds" if kind == "bridge-funds" else "whitelists"] = plan.containers
    report = FinanceImportReport(
        kind=kind,
        rows=len(rows),
        created=plan.created,
        updated=plan.changed,
        unchanged=plan.unchanged,
        amount=total(context.amounts),
        errors=tuple(errors),
        warnings=tuple(context.warnings),
        ignored_columns=table.ignored,
        columns=readings,
        skipped=tuple(RowError(row=n, column="", reason=r) for n, r in skipped_rows),
        new_records=counts,
        encoding=table.encoding,
        header_row=table.header_row,
        dry_run=dry_run,
    )
    if dry_run:
        return report
    if errors:
        raise LedgerImportError(errors, path=str(ledger))
    if plan.added or plan.updated:
        with store.transaction() as tx:
            write_new_records(tx, names, needed)
            _write(tx, kind, plan)
    return report


_EXPECTED: Final = {
    "renewals": bilingual(
        "企业名称、贷款银行、续贷日期、续贷金额", "Enterprise, Bank, Renewed on, Amount"
    ),
    "bridge-funds": bilingual("企业名称、使用金额、使用日期", "Enterprise, Amount, Drawn on"),
    "debt": bilingual(
        "企业名称、债权人、化解前债务、化解日期", "Enterprise, Creditors, Debt before"
    ),
    "whitelist": bilingual("企业名称、变动类型、纳入日期", "Enterprise, Change, On"),
}


def _read_rows(store: Store, context: Context, rows: list[Row], stored: Mapping[str, Any]) -> Plan:
    """Read every row into records and plan the writes (rows with errors are left out)."""
    kind = context.kind
    if kind in ("renewals", "debt"):
        build: Callable[[Context, Row], Any] = read_renewal if kind == "renewals" else read_debt
        records = [(row, record) for row in rows if (record := build(context, row)) is not None]
        record_kind = RECORD_KINDS[kind]
        ids = (str(record_kind.id_of(record)) for _row, record in records)
        return plan_records(records, stored_versions(store, record_kind, ids), record_kind)
    if kind == "bridge-funds":
        funds: dict[str, FundRows] = {}
        for row in rows:
            read_draw(context, row, funds)
        return plan_funds(context, funds, stored)
    lists: dict[str, ListRows] = {}
    plain = {key: versioned.record for key, versioned in stored.items()}
    for row in rows:
        read_listing(context, row, lists, plain)
    return plan_lists(context, lists, stored)


def _check_problems(store: Store, rows: list[Row]) -> None:
    """Every problem a row links must be in the store."""
    wanted = {
        row.number: row.read("problems", parse_problem_ids) or ()
        for row in rows
        if row.raw("problems") is not None and "problems" not in row.errors
    }
    ids = {str(p) for links in wanted.values() for p in links}
    if not ids:
        return

    def unknown_of(session: Session) -> set[str]:
        return {pid for pid in ids if session.problem_version(pid) is None}

    unknown = store.read(unknown_of)
    by_number = {row.number: row for row in rows}
    for number, links in wanted.items():
        missing = [str(p) for p in links if str(p) in unknown]
        if missing:
            by_number[number].fail(
                "problems",
                bilingual(f"库中没有问题 {'、'.join(missing)}", f"no problem {', '.join(missing)}"),
            )


_COLLECTIONS: Final = {
    "renewals": "loan_renewals",
    "bridge-funds": "bridge_funds",
    "debt": "debt_resolutions",
    "whitelist": "whitelists",
}


def _write(tx: Transaction, kind: str, plan: Plan) -> None:
    records = getattr(tx, _COLLECTIONS[kind])
    if plan.added:
        records.add_many(plan.added)
    for record, version in plan.updated:
        records.update(record, expected_version=version)
