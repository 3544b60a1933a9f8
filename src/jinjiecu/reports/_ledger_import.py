"""The import: :func:`~jinjiecu.reports.ledger.import_ledger`, all or nothing, or with rejects.

Private to :mod:`jinjiecu.reports.ledger`, which exports and documents
:func:`~jinjiecu.reports.ledger.import_ledger`,
:func:`~jinjiecu.reports.ledger.rejects_path_for` and
:data:`~jinjiecu.reports.ledger.LEDGER_ACTOR`. The import reads the ledger
(:mod:`~jinjiecu.reports._ledger_reader`), works out every row's changes
(:mod:`~jinjiecu.reports._ledger_importer`), and only then writes them, with
the records the rows name, in one transaction.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import attrs

from jinjiecu.domain.clock import is_aware, now
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, Problem, ProblemRules
from jinjiecu.domain.validation import check
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._ledger_cells import bilingual
from jinjiecu.reports._ledger_columns import REJECT_HEADERS, LedgerHeaders
from jinjiecu.reports._ledger_importer import Importer
from jinjiecu.reports._ledger_names import Directory, needed_records, write_new_records
from jinjiecu.reports._ledger_reader import Reader, Row, RowFailedError, read_ledger
from jinjiecu.reports._ledger_results import ImportReport, LedgerImportError
from jinjiecu.reports._ledger_rows import last_merge
from jinjiecu.reports.vocabulary import Vocabulary

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping

    from jinjiecu.domain.ids import CampaignId, ProblemId
    from jinjiecu.storage.base import Session, Store

__all__ = ["LEDGER_ACTOR", "import_ledger", "rejects_path_for"]


# Documented in jinjiecu.reports.ledger, which exports it.
LEDGER_ACTOR: Final = Actor(kind=ActorKind.SYSTEM, id="ledger-import", name="工作台账导入")


def rejects_path_for(path: str | Path) -> Path:
    """Where the rejects of ``path`` go: ``台账.xlsx`` -> ``台账.rejects.xlsx`` beside it."""
    given = Path(path)
    return given.with_name(f"{given.stem}.rejects{given.suffix}")


def import_ledger(
    store: Store,
    path: str | Path,
    *,
    campaign_id: CampaignId | None = None,
    headers: LedgerHeaders | Mapping[str, str] | None = None,
    on_error: Literal["abort", "reject"] = "abort",
    actor: Actor | None = None,
    progress: Callable[[int, int], object] | None = None,
    at: dt.datetime | None = None,
    rules: ProblemRules = DEFAULT_RULES,
    sheet: str | None = None,
    vocabulary: Vocabulary | None = None,
    create_missing: bool = False,
    region: str | None = None,
    region_name: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a ledger (.xlsx or .csv) into ``store``: new rows registered, changes recorded.

    Args:
        store: the store.
        path: the ledger file.
        campaign_id: the campaign new problems belong to (default: their work
            group's), and the one work-group names are looked up in.
        headers: the headers to read (default: Chinese, English and the
            vocabulary's synonyms); a mapping overrides the Chinese ones.
        on_error: ``"abort"`` (nothing is written if any row has an error) or
            ``"reject"`` (the good rows are imported, the bad ones written
            to :func:`rejects_path_for` the ledger).
        actor: who the recorded transitions are by (default :data:`LEDGER_ACTOR`).
        progress: called with (rows done, rows in all) as the import goes.
        at: the moment of changes the ledger gives no date for (default now).
        rules: the taxonomy and deadline policy the changes are applied
            under, counting on the store's calendar.
        sheet: the xlsx sheet to read (default: the first with a header row).
        vocabulary: the words headers, categories and states are read with
            (default :meth:`Vocabulary.default
            <jinjiecu.reports.vocabulary.Vocabulary.default>`).
        create_missing: create the enterprises, departments (责任单位), leaders
            (包联领导) and places (所属镇街) the ledger names and the store
            lacks, in the same transaction (without it, such a name is a row
            error that says this option exists).
        region: the office's own region (id, division code or name): where
            new enterprises, places and problems are when the ledger does not
            say. Default: a region the rows above the header name (填报单位).
            With ``create_missing``, one the reference divisions know is
            created, or one given by code with ``region_name``.
        region_name: the name of a region ``region`` creates.
        dry_run: work everything out, write nothing, and return the report
            with the rows' errors rather than raising them (a file whose
            header cannot be found still raises).

    Raises:
        LedgerImportError: a row (or the file) has errors; nothing was written.
        ValidationError: a bad argument, or a path that is not a ledger file.
        ConflictError: a problem changed in the store while the ledger was
            being read; nothing was written, import again.
        DuplicateError: someone registered one of the new problems meanwhile;
            nothing was written, import again.
    """
    ledger = io.check_path(path, reading=True)
    check(
        on_error in ("abort", "reject"),
        field="on_error",
        expected="'abort' or 'reject'",
        received=on_error,
    )
    undated = now() if at is None else at
    check(is_aware(undated), field="at", expected="a timezone-aware datetime", received=at)
    if actor is not None:
        check(isinstance(actor, Actor), field="actor", expected="an Actor", received=actor)
    for name, flag in (("create_missing", create_missing), ("dry_run", dry_run)):
        check(isinstance(flag, bool), field=name, expected="True or False", received=flag)
    words = Vocabulary.default() if vocabulary is None else vocabulary
    check(
        isinstance(words, Vocabulary), field="vocabulary", expected="a Vocabulary", received=words
    )
    rules = store.counting_rules(rules)
    names = store.read(Directory.load)
    names.creating = create_missing
    if campaign_id is not None:
        check(
            campaign_id in names.campaigns,
            field="campaign_id",
            expected="the id of a campaign in the store",
            received=campaign_id,
        )
    read = read_ledger(ledger, headers, sheet, words)
    table = read.table
    office = names.office(region, name=region_name) if region is not None else None
    if office is None:
        names.office_region = names.region_named_in(table.preamble)
    reader = Reader(
        table=table,
        names=names,
        rules=rules,
        campaign_id=campaign_id,
        vocabulary=words,
        units=read.units,
    )
    importer = Importer(reader=reader, actor=actor or LEDGER_ACTOR, undated=undated, rules=rules)
    rows = [Row(number, cells, reader) for number, cells in read.rows]
    rows = [row for row in rows if not row.blank()]
    total = len(rows)
    failed = sorted(_take_rows(store, importer, rows, progress), key=lambda row: row.number)
    errors = [error for row in failed for error in row.row_errors()]
    if errors and on_error == "abort" and not dry_run:
        raise LedgerImportError(errors, path=str(ledger))
    created = [p for p, version, _merged in importer.outcomes.values() if version == 0]
    updated = [(p, v) for p, v, _merged in importer.outcomes.values() if 0 < v < p.version]
    needed = needed_records(names, [p for p, _v, _m in importer.outcomes.values()])
    report = ImportReport(
        rows=total,
        created=len(created),
        updated=len(updated),
        unchanged=len(importer.outcomes) - len(created) - len(updated),
        rejected=len(failed),
        transitions=sum(p.version - v for p, v, _merged in importer.outcomes.values()),
        rejects_path=None,
        errors=tuple(errors),
        warnings=tuple(importer.warnings),
        ignored_columns=table.ignored,
        columns=read.readings,
        skipped=read.skipped,
        new_records=names.new.counts(needed),
        encoding=table.encoding,
        header_row=table.header_row,
        dry_run=dry_run,
    )
    if dry_run:
        return report
    rejects = _write_rejects(ledger, table, failed) if failed else None
    try:
        with store.transaction() as tx:
            write_new_records(tx, names, needed)
            if created:
                tx.problems.add_many(created)
            for problem, version in updated:
                tx.problems.save(problem, expected_version=version)
    except BaseException:
        if rejects is not None:
            rejects.unlink(missing_ok=True)
        raise
    return attrs.evolve(report, rejects_path=rejects)


def _take_rows(
    store: Store,
    importer: Importer,
    rows: list[Row],
    progress: Callable[[int, int], object] | None,
) -> list[Row]:
    """Work out every row's changes (nothing is written); return the rows with errors."""
    identities = _identify(importer, rows)
    stored, known = store.read(lambda session: _fetch(session, identities, rows))
    failed: list[Row] = []
    total = len(rows)
    step = max(1, total // 100)
    for done, row in enumerate(rows, start=1):
        problem_id = identities.get(row.number)
        if not row.errors and problem_id is not None:
            with contextlib.suppress(RowFailedError):  # its errors are recorded on the row
                importer.take(row, problem_id, stored.get(problem_id), known)
        if row.errors:
            failed.append(row)
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    return failed + _orphaned_merges(importer, rows, failed, identities)


def _orphaned_merges(
    importer: Importer, rows: list[Row], failed: list[Row], identities: Mapping[int, ProblemId]
) -> list[Row]:
    """Rows merging into a problem whose own row failed fail too (until none is left)."""
    lost = {identities[row.number] for row in failed if row.number in identities}
    by_number = {row.number: row for row in rows}
    orphans: list[Row] = []
    while True:
        found = [
            number
            for number, (problem, _version, merged) in importer.outcomes.items()
            if merged and last_merge(problem) in lost
        ]
        if not found:
            return orphans
        for number in found:
            row = by_number[number]
            target = last_merge(importer.outcomes.pop(number)[0])
            row.fail(
                "merged_into",
                bilingual(
                    f"合并至的问题 {target} 所在行有错误，未导入",
                    f"the problem {target} it is merged into has errors in its own row",
                ),
            )
            lost.add(identities[number])
            orphans.append(row)


def _identify(importer: Importer, rows: list[Row]) -> dict[int, ProblemId]:
    identities: dict[int, ProblemId] = {}
    first: dict[ProblemId, int] = {}
    for row in rows:
        problem_id = importer.identify(row)
        if problem_id is None or row.errors:
            importer.wanted(row, None, check=False)  # the rest of the row's bad cells too
            continue
        if problem_id in first:
            field = "problem_id" if row.has("problem_id") else "registered_on"
            row.fail(
                field,
                bilingual(
                    f"与第{first[problem_id]}行是同一问题（{problem_id}），重复",
                    f"the same problem ({problem_id}) as row {first[problem_id]}",
                ),
            )
            continue
        first[problem_id] = row.number
        identities[row.number] = problem_id
    return identities


def _fetch(
    session: Session, identities: Mapping[int, ProblemId], rows: list[Row]
) -> tuple[dict[str, Problem], set[str]]:
    """The ledger's problems already in the store, and the merge targets the store has."""
    found: dict[str, Problem] = {}
    for problem_id in identities.values():
        problem = session.fetch_problem(problem_id)
        if problem is not None:
            found[problem_id] = problem
    in_ledger = {str(p) for p in identities.values()}
    targets = {
        str(target)
        for row in rows
        if row.has("merged_into") and (target := row.get("merged_into")) is not None
    }
    existing = {t for t in targets - in_ledger if session.problem_version(t) is not None}
    return found, existing | in_ledger


def _write_rejects(ledger: Path, table: io.Table, failed: list[Row]) -> Path:
    target = rejects_path_for(ledger)
    header = [*table.headers, REJECT_HEADERS[table.english]]
    width = len(table.headers)
    rows = []
    for row in failed:
        cells = [*row.cells[:width], *([None] * (width - len(row.cells)))]
        reasons = "；".join(
            f"{error.column}：{error.reason}" if error.column else error.reason
            for error in row.row_errors()
        )
        rows.append([*cells, reasons])
    if target.suffix.lower() == ".xlsx":
        io.write_xlsx(target, header, rows, sheet=table.sheet or "Sheet1")
    else:
        io.write_csv(target, header, rows)
    return target
