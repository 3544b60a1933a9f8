"""What the SQL stores share: the schema, its migrations, rows, queries and the session.

The SQLite and PostgreSQL stores differ only in how they connect, how they
load many rows at once and which driver errors they translate; everything
else is here, once, so the two cannot drift apart.

The schema (metrics query these tables directly; names and meanings are stable):

- ``meta(key, value)``: ``schema_version`` and anything else about the database.
- ``records``: every record kind but problems, one row per record, keyed by
  ``(kind, id)``, with the record as JSON in ``data`` and its index values
  (region, campaign, work group, enterprise, ``day``, ``unique_key``) beside it.
- ``problems``: one row per problem with its current, folded fields
  (``state``, ``level``, ``lead_department_id``, ``deadline`` ...),
  ``registered_at`` (UTC instant) and ``registered_on`` (local date, China
  Standard Time). The row is a cache of the history; the history is the truth.
- ``transitions``: the append-only history, keyed by ``(problem_id,
  sequence)``; ``at`` is the UTC instant (sortable), ``at_text`` the ISO 8601
  text with its original offset, ``on_day`` the local date, ``data`` the
  event's data as JSON. Beside each, where the problem stood after it
  (:class:`~jinjiecu.domain.problem.Standing`: ``to_state``, ``level``,
  ``lead_department_id``, ``deadline``, ``settled_on`` ...), so that the
  metrics find a problem as of any moment in its last row at or before it.
  SQLite stores the table in key order (``WITHOUT ROWID``), so a history, or
  every history, reads in one pass.
- ``idempotency(key, problem_id, version)``: saves already made.
- ``record_versions(kind, id, version, data)``: every version of every
  finance record, appended on add and on each update.
- ``chain(seq, kind, key, digest)`` and ``chain_head(id, seq, digest)``: the
  store's hash chain and its head (one row, locked by writers in
  PostgreSQL); see :mod:`jinjiecu.storage.integrity`.
- ``audit(seq, at, at_text, actor_kind, actor_id, actor_name, action,
  object_kind, object_id, outcome, detail)``: the audit trail; ``seq`` is the
  entry's number in the chain.
- ``holiday_notices(year, version, entered_at, data)`` (schema version 2):
  every version of every year's holiday notice
  (:class:`~jinjiecu.storage.notices.NoticeEntry` as JSON in ``data``).

Instants are INTEGER microseconds since the Unix epoch in SQLite and
TIMESTAMPTZ in PostgreSQL; dates are ISO 8601 text in SQLite and DATE in
PostgreSQL. Identifiers and codes use the "C" collation in PostgreSQL, so
rows sort by code point exactly as Python sorts text (and as SQLite does).

SQL text is built only from the library's own identifiers; every value is a
parameter. Statements are written with ``?`` placeholders and the dialect
turns them into its own.
"""

# Names of the private modules that benchmarks and tests use are re-exported as
# "name as name", which mypy reads as an explicit re-export.
# ruff: noqa: PLC0414

from __future__ import annotations

import datetime as dt
import enum
import functools
import itertools
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from jinjiecu.domain.policy import AuditEntry
from jinjiecu.domain.problem import Problem, Transition
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    SchemaVersionError,
    StorageError,
)
from jinjiecu.serialization import structure, unstructure
from jinjiecu.storage import _sql_schema
from jinjiecu.storage._sql_rows import (
    PROBLEM_COLUMNS as PROBLEM_COLUMNS,
    RECORD_COLUMNS as RECORD_COLUMNS,
    REWRITE_PROBLEM,
    TRANSITION_COLUMNS as TRANSITION_COLUMNS,
    TRANSITION_READ,
    UPDATE_PROBLEM,
    from_json as from_json,
    json_text,
    problem_row as problem_row,
    read_transition,
    record_row,
    rows_of,
    transition_row,
    transition_rows as transition_rows,
)
from jinjiecu.storage._sql_schema import POSTGRES, SQLITE, Dialect, Migration
from jinjiecu.storage.base import (
    FINANCE_KINDS,
    KINDS,
    MAX_PAGE,
    Query,
    RecordKind,
    Session,
    Versioned,
)
from jinjiecu.storage.integrity import (
    AUDIT,
    NOTICE,
    RECORD,
    TRANSITION,
    ChainLink,
    Checkpoint,
    StoredEntry,
    audit_key,
    canonical,
    notice_key,
    readable,
    record_key,
    row_fault,
    transition_key,
    transition_text,
)
from jinjiecu.storage.notices import NoticeEntry

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

__all__ = [
    "MIGRATIONS",
    "POSTGRES",
    "SCHEMA_VERSION",
    "SQLITE",
    "Cursor",
    "Dialect",
    "Migration",
    "SQLSession",
    "UniqueKeyError",
    "check_schema",
    "migrate",
    "schema_version",
]


# ---------------------------------------------------------------------- schema and migrations
#
# The dialects and the DDL of each migration are data in _sql_schema. MIGRATIONS is bound
# again here, and migrate and check_schema read this module's MIGRATIONS when called.

MIGRATIONS: tuple[Migration, ...] = _sql_schema.MIGRATIONS
"""Every schema change, in order; a store applies the ones its database lacks when it opens."""

SCHEMA_VERSION = _sql_schema.SCHEMA_VERSION
"""The schema version this code writes."""


def schema_version(session: SQLSession) -> int:
    """The database's schema version; 0 for a database jinjiecu never wrote to."""
    if not session.rows(session.dialect.meta_exists):
        return 0
    found = session.rows("SELECT value FROM meta WHERE key = 'schema_version'")
    if not found:
        return 0
    try:
        return int(found[0][0])
    except ValueError:
        message = f"the meta table records a schema version that is not a number: {found[0][0]!r}"
        raise StorageError(message) from None


def check_schema(session: SQLSession, url: str) -> int:
    """The database's schema version; :class:`~jinjiecu.errors.SchemaVersionError` if too new."""
    current = schema_version(session)
    # MIGRATIONS is read when called, so a test can add a step.
    if current > len(MIGRATIONS):
        raise SchemaVersionError(found=current, supported=len(MIGRATIONS), url=url)
    return current


def migrate(session: SQLSession, url: str) -> int:
    """Bring the database up to this code's schema, in the caller's transaction.

    Returns the version reached. A database written by a newer version raises
    :class:`~jinjiecu.errors.SchemaVersionError` before anything is written.
    """
    current = check_schema(session, url)
    for migration in MIGRATIONS[current:]:
        for statement in migration.statements(session.dialect):
            session.change(statement)
        if migration.version == 1:
            session.change("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        else:
            session.change(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(migration.version)]
            )
    return len(MIGRATIONS)


# ---------------------------------------------------------------------- integrity

_VERSION_COLUMNS = ("kind", "id", "version", "data")
AUDIT_COLUMNS = (
    "seq",
    "at",
    "at_text",
    "actor_kind",
    "actor_id",
    "actor_name",
    "action",
    "object_kind",
    "object_id",
    "outcome",
    "detail",
)
_KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def _transition_value(row: Sequence[Any]) -> dict[str, Any]:
    """The unstructured transition a full ``transitions`` row holds (its own columns only)."""
    return {
        "problem_id": row[0],
        "sequence": row[1],
        "event": row[2],
        "from_state": row[3],
        "to_state": row[4],
        "at": row[6],
        "actor": {"kind": row[8], "id": row[9], "name": row[10]},
        "note": row[11],
        "data": from_json(row[12]),
    }


def _audit_value(row: Sequence[Any]) -> dict[str, Any]:
    """The unstructured audit entry an ``audit`` row holds (``at`` is the text)."""
    seq, _at, at_text, kind, actor_id, name, action, object_kind, object_id, outcome, detail = row
    return {
        "seq": int(seq),
        "at": at_text,
        "actor": {"kind": kind, "id": actor_id, "name": name},
        "action": action,
        "object_kind": object_kind,
        "object_id": object_id,
        "outcome": outcome,
        "detail": detail,
    }


# Rebuilding every problem is most of a verification's cost. The result depends on the
# rows alone, so a store verified again (a periodic check) rebuilds only the problems
# whose rows changed; the cache is bounded.
@functools.lru_cache(maxsize=4096)
def _history_faults(
    rows: tuple[tuple[Any, ...], ...],
    problem: tuple[Any, ...] | None,
    dialect: Dialect,
) -> tuple[str, ...]:
    """For each transition row, what its derived columns get wrong ("" if nothing).

    The problem is rebuilt from the rows' own columns; the row each transition
    and its standing imply is compared with the stored one, and the
    ``problems`` row with the rebuilt problem (a fault there is reported on
    the last transition). A history that cannot be rebuilt is left to the
    chain, which finds the transition whose own columns changed.
    """
    faults = [""] * len(rows)
    try:
        transitions = [structure(_transition_value(row), Transition) for row in rows]
        rebuilt = Problem.from_history(transitions)
        standings = rebuilt.standings()
    except Exception:  # noqa: BLE001 - any failure: the chain names the changed row
        return tuple(faults)
    for position, (row, transition, standing) in enumerate(
        zip(rows, transitions, standings, strict=True)
    ):
        faults[position] = row_fault(
            TRANSITION_COLUMNS, tuple(row), transition_row(transition, standing, dialect)
        )
    if problem is None:
        faults[-1] = faults[-1] or "the problem's row in the problems table is missing"
    else:
        fault = row_fault(PROBLEM_COLUMNS, tuple(problem), problem_row(rebuilt, dialect))
        if fault:
            faults[-1] = faults[-1] or f"problems row: {fault}"
    return tuple(faults)


def _current_fault(
    kind_name: str, value: Any, version: int, row: Sequence[Any] | None, dialect: Dialect
) -> str:
    """What the ``records`` row of a finance record gets wrong against its latest version."""
    if row is None:
        return "the record's current row in the records table is missing"
    try:
        kind = _KINDS_BY_NAME[kind_name]
        expected = list(record_row(kind, structure(value, kind.cls), dialect))
    except Exception as error:  # noqa: BLE001 - a version that cannot be rebuilt
        return f"the stored version cannot be read: {readable(error)}"
    expected[2] = version
    return row_fault(RECORD_COLUMNS, tuple(row), tuple(expected))


def _notice_entry(data: str) -> NoticeEntry:
    """A stored notice version; damaged JSON raises :class:`~jinjiecu.errors.StorageError`."""
    return structure(from_json(data), NoticeEntry)


# ---------------------------------------------------------------------- queries

_RECORD_FILTERS = {
    "region_id": "region_id",
    "campaign_id": "campaign_id",
    "work_group_id": "work_group_id",
    "enterprise_id": "enterprise_id",
}
_PROBLEM_FILTERS = {
    "region_id": "region_id",
    "campaign_id": "campaign_id",
    "work_group_id": "work_group_id",
    "enterprise_id": "enterprise_id",
    "state": "state",
    "category": "category",
    "scope": "scope",
    "level": "level",
    "department_id": "lead_department_id",
}


def where(
    query: Query,
    columns: Mapping[str, str],
    day_column: str,
    dialect: Dialect,
    *,
    kind: str | None = None,
) -> tuple[str, list[Any]]:
    """A ``WHERE`` clause (or ``""``) and its parameters, for ``kind`` and ``query``'s fields."""
    parts = [] if kind is None else ["kind = ?"]
    values: list[Any] = [] if kind is None else [kind]
    for name, value in query.given().items():
        if name == "since":
            parts.append(f"{day_column} >= ?")
            values.append(dialect.to_day(value))
        elif name == "until":
            parts.append(f"{day_column} <= ?")
            values.append(dialect.to_day(value))
        else:
            parts.append(f"{columns[name]} = ?")
            values.append(value.value if isinstance(value, enum.Enum) else str(value))
    return (" WHERE " + " AND ".join(parts) if parts else ""), values


# ---------------------------------------------------------------------- the session


class UniqueKeyError(StorageError):
    """A unique key was violated; the session names the duplicate (internal)."""


class Cursor(Protocol):
    """The part of a DB-API cursor the session uses (sqlite3 and psycopg both fit)."""

    @property
    def rowcount(self) -> int: ...  # noqa: D102 - the DB-API's

    def execute(self, sql: str, params: Sequence[Any], /) -> Any: ...  # noqa: D102

    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> Any: ...  # noqa: D102

    def fetchall(self) -> list[Any]: ...  # noqa: D102


_CHUNK = 500
"""Values per ``IN (...)`` list when looking for duplicates (below every driver's limit)."""

_SMALL = 20
"""Chain links written by one ordinary (non-bulk) insert at most."""


class SQLSession(Session):
    """One SQL transaction: the whole store contract over a DB-API cursor.

    An adapter gives the cursor, the driver's error class and a function that
    turns its errors into the library's (a unique-key violation into
    :class:`UniqueKeyError`), and may override :meth:`load` for a faster bulk
    path. Each write runs under a savepoint, so a write that fails leaves the
    transaction as it was and usable.
    """

    def __init__(
        self,
        cursor: Cursor,
        dialect: Dialect,
        driver_error: type[Exception],
        translate: Callable[[Exception], StorageError],
    ) -> None:
        self.cursor = cursor
        self.dialect = dialect
        self._driver_error = driver_error
        self._translate = translate

    # ------------------------------------------------------------------ primitives

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        try:
            self.cursor.execute(self.dialect.prepare(sql), params)
            return self.cursor.fetchall()
        except self._driver_error as error:
            raise self._translate(error) from error

    def change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement and return how many rows it changed."""
        try:
            self.cursor.execute(self.dialect.prepare(sql), params)
        except self._driver_error as error:
            raise self._translate(error) from error
        return self.cursor.rowcount

    def load(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        bulk: bool,  # noqa: ARG002 - adapters with a faster bulk path use it
    ) -> None:
        """Insert ``rows``; ``bulk`` says there are many."""
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        try:
            self.cursor.executemany(self.dialect.prepare(sql), rows)
        except self._driver_error as error:
            raise self._translate(error) from error

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint: on any error, undo what the block wrote and re-raise."""
        self.change("SAVEPOINT jinjiecu_write")
        try:
            yield
        except BaseException:
            # If the database already rolled everything back, there is nothing left to undo.
            with suppress(StorageError):
                self.change("ROLLBACK TO SAVEPOINT jinjiecu_write")
                self.change("RELEASE SAVEPOINT jinjiecu_write")
            raise
        self.change("RELEASE SAVEPOINT jinjiecu_write")

    def _stored(self, sql: str, prefix: Sequence[Any], values: Iterable[str | None]) -> set[str]:
        """Those of ``values`` already stored; ``sql`` selects them among an ``IN ({})`` list."""
        wanted = sorted({value for value in values if value is not None})
        stored: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found = self.rows(sql.format(", ".join("?" * len(chunk))), [*prefix, *chunk])
            stored.update(row[0] for row in found)
        return stored

    def _rows_in(self, sql: str, values: Sequence[str]) -> list[Sequence[Any]]:
        """The rows ``sql`` selects among an ``IN ({})`` list of ``values``, chunk by chunk."""
        found: list[Sequence[Any]] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            found += self.rows(sql.format(", ".join("?" * len(chunk))), list(chunk))
        return found

    # ------------------------------------------------------------------ records

    def insert(self, kind: RecordKind[Any, Any], records: Sequence[Any]) -> None:
        """Insert new records, all or none (and a finance record's first version)."""
        bulk = len(records) > 1
        try:
            with self.atomic():
                if kind.name in FINANCE_KINDS:
                    rows = [record_row(kind, record, self.dialect) for record in records]
                    self.load("records", RECORD_COLUMNS, rows, bulk=bulk)
                    versions = ((row[0], row[1], 1, row[-1]) for row in rows)
                    self.load("record_versions", _VERSION_COLUMNS, versions, bulk=bulk)
                else:
                    rows_ = (record_row(kind, record, self.dialect) for record in records)
                    self.load("records", RECORD_COLUMNS, rows_, bulk=bulk)
        except UniqueKeyError as error:
            raise self._duplicate_record(kind, records) from error

    def _duplicate_record(self, kind: RecordKind[Any, Any], records: Sequence[Any]) -> StorageError:
        """The error naming the first record, in batch order, whose id or unique key is taken."""
        keys = [(str(kind.id_of(r)), kind.index(r).unique_key) for r in records]
        taken_ids = self._stored(
            "SELECT id FROM records WHERE kind = ? AND id IN ({})",
            [kind.name],
            (record_id for record_id, _ in keys),
        )
        taken_keys = self._stored(
            "SELECT unique_key FROM records WHERE kind = ? AND unique_key IN ({})",
            [kind.name],
            (key for _, key in keys),
        )
        # As if the records were added one by one: each one's id, then its key.
        for record_id, key in keys:
            if record_id in taken_ids:
                return DuplicateError(kind=kind.name, id=record_id)
            taken_ids.add(record_id)
            if key is not None:
                if key in taken_keys:
                    return DuplicateError(kind=kind.name, id=key)
                taken_keys.add(key)
        return StorageError(f"adding {kind.name} records violated a unique key")  # pragma: no cover

    def fetch(self, kind: RecordKind[Any, Any], record_id: str) -> Versioned[Any] | None:
        """The record and its version, or ``None``."""
        found = self.rows(
            "SELECT version, data FROM records WHERE kind = ? AND id = ?", [kind.name, record_id]
        )
        if not found:
            return None
        version, data = found[0]
        return Versioned(structure(from_json(data), kind.cls), version)

    def replace(self, kind: RecordKind[Any, Any], record: Any, expected_version: int) -> int:
        """Replace the record if it is at ``expected_version``; return the new version."""
        record_id = str(kind.id_of(record))
        index = kind.index(record)
        day = None if index.day is None else self.dialect.to_day(index.day)
        data = json_text(unstructure(record))
        try:
            with self.atomic():
                changed = self.change(
                    "UPDATE records SET version = ?, region_id = ?, campaign_id = ?, "
                    "work_group_id = ?, enterprise_id = ?, day = ?, unique_key = ?, data = ? "
                    "WHERE kind = ? AND id = ? AND version = ?",
                    [
                        expected_version + 1,
                        index.region_id,
                        index.campaign_id,
                        index.work_group_id,
                        index.enterprise_id,
                        day,
                        index.unique_key,
                        data,
                        kind.name,
                        record_id,
                        expected_version,
                    ],
                )
                if changed and kind.name in FINANCE_KINDS:
                    self.change(
                        "INSERT INTO record_versions (kind, id, version, data) VALUES (?, ?, ?, ?)",
                        [kind.name, record_id, expected_version + 1, data],
                    )
        except UniqueKeyError as error:
            raise DuplicateError(kind=kind.name, id=index.unique_key or record_id) from error
        if changed == 0:
            found = self.rows(
                "SELECT version FROM records WHERE kind = ? AND id = ?", [kind.name, record_id]
            )
            if not found:
                raise NotFoundError(kind=kind.name, id=record_id)
            raise ConflictError(
                kind=kind.name,
                id=record_id,
                expected_version=expected_version,
                actual_version=found[0][0],
            )
        return expected_version + 1

    def select(
        self, kind: RecordKind[Any, Any], query: Query, limit: int, offset: int
    ) -> list[Any]:
        """Records matching ``query``, ordered by id."""
        clause, params = where(query, _RECORD_FILTERS, "day", self.dialect, kind=kind.name)
        found = self.rows(
            f"SELECT data FROM records{clause} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [structure(from_json(data), kind.cls) for (data,) in found]

    def count(self, kind: RecordKind[Any, Any], query: Query) -> int:
        """How many records match ``query``."""
        clause, params = where(query, _RECORD_FILTERS, "day", self.dialect, kind=kind.name)
        number: int = self.rows(f"SELECT count(*) FROM records{clause}", params)[0][0]
        return number

    def scan(self, kind: RecordKind[Any, Any]) -> Iterator[Any]:
        """Every record of ``kind``, ordered by id (pages through :meth:`select`)."""
        offset = 0
        while page := self.select(kind, Query(), MAX_PAGE, offset):
            yield from page
            offset += len(page)

    # ------------------------------------------------------------------ problems

    def insert_problems(self, problems: Sequence[Problem]) -> None:
        """Insert new problems and their transitions, all or none.

        Each history is folded once: its standings give the transitions' rows
        and, the last one, the problem's row (where it stands now). Building
        rows in a worker thread while the database writes was measured and
        is slower: the worker holds the GIL the writer needs between rows.
        """
        try:
            with self.atomic():
                problem_rows, history_rows = rows_of(problems, self.dialect)
                bulk = len(problems) > 1
                # Problems first: each transition refers to its problem's row.
                self.load("problems", PROBLEM_COLUMNS, problem_rows, bulk=bulk)
                self.load("transitions", TRANSITION_COLUMNS, history_rows, bulk=bulk)
        except UniqueKeyError as error:
            ids = [str(problem.id) for problem in problems]
            taken = self._stored("SELECT id FROM problems WHERE id IN ({})", [], ids)
            for problem_id in ids:
                if problem_id in taken:
                    raise DuplicateError(kind="problem", id=problem_id) from error
                taken.add(problem_id)
            # Not reached: a unique violation always has a culprit.
            message = "adding problems violated a unique key"
            raise StorageError(message) from error

    def fetch_problem(self, problem_id: str) -> Problem | None:
        """The problem rebuilt (and checked) from its stored transitions, or ``None``."""
        found = self.rows(
            f"SELECT {TRANSITION_READ} FROM transitions t WHERE t.problem_id = ? "
            "ORDER BY t.sequence",
            [problem_id],
        )
        if not found:
            return None
        return Problem.from_history(read_transition(row) for row in found)

    def problem_version(self, problem_id: str) -> int | None:
        """The stored version, or ``None``."""
        found = self.rows("SELECT version FROM problems WHERE id = ?", [problem_id])
        return found[0][0] if found else None

    def append(self, problem: Problem, expected_version: int) -> None:
        """Append the transitions after ``expected_version`` and update the problem's row."""
        standings = list(problem.standings())  # folded once: the new rows, and the read model
        row = problem_row(problem, self.dialect, standings[-1])
        new = [
            transition_row(transition, standing, self.dialect)
            for transition, standing in zip(problem.transitions, standings, strict=True)
            if transition.sequence > expected_version
        ]
        try:
            with self.atomic():
                # The conditional update is the version check; in PostgreSQL it
                # also locks the row, so a concurrent writer waits, then finds 0 rows.
                changed = self.change(UPDATE_PROBLEM, [*row[1:], str(problem.id), expected_version])
                if changed == 0:
                    raise self._stale(problem.id, expected_version)
                self.load("transitions", TRANSITION_COLUMNS, new, bulk=False)
        except UniqueKeyError as error:
            # The (problem_id, sequence) key is the backstop against a lost update.
            raise self._stale(problem.id, expected_version) from error

    def _stale(self, problem_id: str, expected_version: int) -> StorageError:
        actual_version = self.problem_version(problem_id)
        if actual_version is None:
            return NotFoundError(kind="problem", id=problem_id)
        return ConflictError(
            kind="problem",
            id=problem_id,
            expected_version=expected_version,
            actual_version=actual_version,
        )

    def select_problems(self, query: Query, limit: int, offset: int) -> list[Problem]:
        """Problems matching ``query``, ordered by id, rebuilt from their transitions."""
        clause, params = where(query, _PROBLEM_FILTERS, "registered_on", self.dialect)
        found = self.rows(
            f"SELECT {TRANSITION_READ} FROM transitions t "
            f"JOIN (SELECT id FROM problems{clause} ORDER BY id LIMIT ? OFFSET ?) p "
            "ON t.problem_id = p.id ORDER BY t.problem_id, t.sequence",
            [*params, limit, offset],
        )
        return [
            Problem.from_history(read_transition(row) for row in history)
            for _id, history in itertools.groupby(found, key=lambda row: row[0])
        ]

    def count_problems(self, query: Query) -> int:
        """How many problems match ``query``."""
        clause, params = where(query, _PROBLEM_FILTERS, "registered_on", self.dialect)
        number: int = self.rows(f"SELECT count(*) FROM problems{clause}", params)[0][0]
        return number

    def scan_problems(self) -> Iterator[Problem]:
        """Every problem, ordered by id (pages through :meth:`select_problems`)."""
        offset = 0
        while page := self.select_problems(Query(), MAX_PAGE, offset):
            yield from page
            offset += len(page)

    def rebuild_read_model(self) -> int:
        """Rewrite each problem's row that differs from a replay of its history; how many."""
        fixed = 0
        offset = 0
        while page := self.select_problems(Query(), MAX_PAGE, offset):
            offset += len(page)
            ids = [str(problem.id) for problem in page]
            stored = {
                row[0]: tuple(row)
                for row in self._rows_in(
                    f"SELECT {', '.join(PROBLEM_COLUMNS)} FROM problems WHERE id IN ({{}})", ids
                )
            }
            for problem in page:
                row = problem_row(problem, self.dialect)
                if stored.get(str(problem.id)) != row:
                    self.change(REWRITE_PROBLEM, [*row[1:], str(problem.id)])
                    fixed += 1
        return fixed

    def idempotency_result(self, key: str) -> tuple[str, int] | None:
        """The (problem id, version) the save with ``key`` produced, or ``None``."""
        found = self.rows("SELECT problem_id, version FROM idempotency WHERE key = ?", [key])
        return (found[0][0], found[0][1]) if found else None

    def remember(self, key: str, problem_id: str, version: int) -> None:
        """Record the result of the save with ``key``."""
        try:
            with self.atomic():
                self.change(
                    "INSERT INTO idempotency (key, problem_id, version) VALUES (?, ?, ?)",
                    [key, problem_id, version],
                )
        except UniqueKeyError as error:
            raise DuplicateError(kind="idempotency key", id=key) from error

    # ------------------------------------------------------------------ chain and audit

    def chain_head(self) -> Checkpoint:
        """The stored head; in PostgreSQL the row stays locked until the transaction ends."""
        found = self.rows(f"SELECT seq, digest FROM chain_head WHERE id = 1{self.dialect.lock}")
        if not found:
            message = "the chain_head table has no row: the history's head was removed"
            raise StorageError(message)
        seq, digest = found[0]
        return Checkpoint(seq=int(seq), digest=digest)

    def write_chain(self, links: Sequence[ChainLink]) -> None:
        """Append the links and move the head."""
        rows = links  # each link is its row: (seq, kind, key, digest)
        with self.atomic():
            bulk = len(rows) > _SMALL
            self.load("chain", ("seq", "kind", "key", "digest"), rows, bulk=bulk)
            last = links[-1]
            self.change(
                "UPDATE chain_head SET seq = ?, digest = ? WHERE id = 1", [last.seq, last.digest]
            )

    def keep_versions(self, kind: RecordKind[Any, Any], versions: Sequence[Versioned[Any]]) -> None:
        """Nothing to do: :meth:`insert` and :meth:`replace` keep every finance-record version."""

    def chain_links(self) -> Iterator[ChainLink]:
        """Every link, in order."""
        for seq, kind, key, digest in self.rows(
            "SELECT seq, kind, key, digest FROM chain ORDER BY seq"
        ):
            yield ChainLink(seq=int(seq), kind=kind, key=key, digest=digest)

    def insert_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Store audit entries."""
        to_instant = self.dialect.to_instant
        rows = [
            (
                entry.seq,
                to_instant(entry.at),
                entry.at.isoformat(),
                entry.actor.kind.value,
                entry.actor.id,
                entry.actor.name,
                entry.action,
                entry.object_kind,
                entry.object_id,
                entry.outcome.value,
                entry.detail,
            )
            for entry in entries
        ]
        with self.atomic():
            self.load("audit", AUDIT_COLUMNS, rows, bulk=len(rows) > 1)

    def select_audit(self, limit: int, offset: int) -> list[AuditEntry]:
        """Audit entries in order."""
        found = self.rows(
            f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY seq LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return [structure(_audit_value(row), AuditEntry) for row in found]

    def count_audit(self) -> int:
        """How many audit entries there are."""
        number: int = self.rows("SELECT count(*) FROM audit")[0][0]
        return number

    def insert_notice(self, entry: NoticeEntry) -> None:
        """Store one version of a year's notice."""
        try:
            with self.atomic():
                self.change(
                    "INSERT INTO holiday_notices (year, version, entered_at, data) "
                    "VALUES (?, ?, ?, ?)",
                    [
                        entry.year,
                        entry.version,
                        self.dialect.to_instant(entry.entered_at),
                        json_text(unstructure(entry)),
                    ],
                )
        except UniqueKeyError as error:
            found = self.rows(
                "SELECT max(version) FROM holiday_notices WHERE year = ?", [entry.year]
            )
            raise ConflictError(
                kind="holiday notice",
                id=str(entry.year),
                expected_version=entry.version - 1,
                actual_version=int(found[0][0]),
            ) from error

    def select_notices(self) -> list[NoticeEntry]:
        """Every version of every notice."""
        found = self.rows("SELECT data FROM holiday_notices ORDER BY year, version")
        return [_notice_entry(data) for (data,) in found]

    def problems_counted_from(self, day: dt.date) -> Iterator[Problem]:
        """Problems whose deadline was counted over days from ``day`` on, ordered by id."""
        first = self.dialect.to_day(day)
        found = self.rows(
            f"SELECT {TRANSITION_READ} FROM transitions t "
            "JOIN problems p ON t.problem_id = p.id WHERE p.deadline IS NOT NULL AND ("
            "p.deadline >= ? OR EXISTS (SELECT 1 FROM transitions r WHERE "
            f"r.problem_id = p.id AND r.event = '{Event.RESUME.value}' AND r.on_day >= ?)) "
            "ORDER BY t.problem_id, t.sequence",
            [first, first],
        )
        return iter(
            [
                Problem.from_history(read_transition(row) for row in history)
                for _id, history in itertools.groupby(found, key=lambda row: row[0])
            ]
        )

    def stored_entries(self) -> Iterator[StoredEntry]:
        """Every chained entry read back from the tables, with faults in the rows beside it."""
        yield from self._stored_transitions()
        yield from self._stored_records()
        yield from self._stored_notices()
        yield from self._stored_audit()

    def _stored_notices(self) -> Iterator[StoredEntry]:
        dialect = self.dialect
        for year, version, entered_at, data in self.rows(
            "SELECT year, version, entered_at, data FROM holiday_notices"
        ):
            key = notice_key(year, version)
            try:
                value = from_json(data)
            except StorageError as error:
                yield StoredEntry(kind=NOTICE, key=key, content=None, fault=readable(error))
                continue
            fault = ""
            try:
                entry = structure(value, NoticeEntry)
                if (entry.year, entry.version, dialect.to_instant(entry.entered_at)) != (
                    year,
                    version,
                    entered_at,
                ):
                    fault = "column(s) year, version or entered_at do not match the entry"
            except Exception as error:  # noqa: BLE001 - a stored version that cannot be rebuilt
                fault = f"the stored notice cannot be read: {readable(error)}"
            yield StoredEntry(
                kind=NOTICE, key=key, content=canonical(NOTICE, key, value), fault=fault
            )

    def _stored_transitions(self) -> Iterator[StoredEntry]:
        dialect = self.dialect
        problems = {
            row[0]: row for row in self.rows(f"SELECT {', '.join(PROBLEM_COLUMNS)} FROM problems")
        }
        found = self.rows(
            f"SELECT {', '.join(TRANSITION_COLUMNS)} FROM transitions ORDER BY problem_id, sequence"
        )
        for problem_id, group in itertools.groupby(found, key=lambda row: row[0]):
            rows = list(group)
            entries: list[StoredEntry] = []
            for row in rows:
                key = transition_key(row[0], row[1])
                content = transition_text(
                    row[0], row[1], row[2], row[3], row[4], row[6], row[8:11], row[11], row[12]
                )
                entries.append(StoredEntry(kind=TRANSITION, key=key, content=content))
            problem = problems.pop(problem_id, None)
            faults = _history_faults(tuple(map(tuple, rows)), problem, dialect)
            for entry, fault in zip(entries, faults, strict=True):
                yield entry if not fault or entry.fault else attrs.evolve(entry, fault=fault)
        for problem_id in sorted(problems):
            # A problem row with no history at all: not in the chain.
            yield StoredEntry(kind="problem", key=str(problem_id), content=None)

    def _stored_records(self) -> Iterator[StoredEntry]:
        dialect = self.dialect
        finance = sorted(FINANCE_KINDS)
        marks = ", ".join("?" * len(finance))
        current = {
            (row[0], row[1]): row
            for row in self.rows(
                f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE kind IN ({marks})", finance
            )
        }
        found = self.rows(
            "SELECT kind, id, version, data FROM record_versions ORDER BY kind, id, version"
        )
        for (kind_name, record_id), group in itertools.groupby(found, key=lambda r: r[:2]):
            versions = list(group)
            for position, (_kind, _id, version, data) in enumerate(versions):
                key = record_key(kind_name, record_id, version)
                try:
                    value = from_json(data)
                except StorageError as error:
                    yield StoredEntry(kind=RECORD, key=key, content=None, fault=readable(error))
                    continue
                fault = ""
                if position == len(versions) - 1:
                    fault = _current_fault(
                        kind_name,
                        value,
                        version,
                        current.pop((kind_name, record_id), None),
                        dialect,
                    )
                yield StoredEntry(
                    kind=RECORD, key=key, content=canonical(RECORD, key, value), fault=fault
                )
        for kind_name, record_id in sorted(current):
            row = current[kind_name, record_id]
            # A finance record with no stored version: not in the chain.
            yield StoredEntry(
                kind=RECORD, key=record_key(kind_name, record_id, row[2]), content=None
            )

    def _stored_audit(self) -> Iterator[StoredEntry]:
        dialect = self.dialect
        for row in self.rows(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit"):
            key = audit_key(row[0])
            value = _audit_value(row)
            fault = ""
            try:
                moment = dt.datetime.fromisoformat(row[2])
                if dialect.to_instant(moment) != row[1]:
                    fault = "column(s) at do not match the entry"
            except (TypeError, ValueError) as error:
                fault = f"at_text is not a moment: {error}"
            yield StoredEntry(
                kind=AUDIT, key=key, content=canonical(AUDIT, key, value), fault=fault
            )
