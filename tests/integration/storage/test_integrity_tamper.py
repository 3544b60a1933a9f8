"""Tampering with a 10,000-entry history, directly in SQL: every change is found and named.

The history (the Dezhou 2019 sample, about 1,900 synthetic problems from the
province sample, finance records updated to second versions, audit entries)
is built once per database. Each tampering runs in a transaction of its own
on a raw connection, with :func:`~jinjiecu.storage.integrity.verify_session`
on the same connection, and is rolled back afterwards, so the history stays
intact for the next.

Cases: a single changed byte (one character, one bit, one day or one
microsecond) in every column of ``transitions``, ``problems``, the finance
rows of ``records``, ``record_versions``, ``audit``, ``chain`` and
``chain_head``, in rows spread over the history; deletions; swaps
(reordering); insertions; a tail cut short, and a tail rewritten with
recomputed digests, checked against a checkpoint. Cases on different entries
are checked together (every finding listed) and each must be found with the
entry it touched; the first finding of each batch (the default, first-only
walk) must be the earliest tampered entry.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from jinjiecu.domain.problem import Actor, ActorKind
from jinjiecu.errors import StorageError
from jinjiecu.sample import dezhou_2019, province
from jinjiecu.storage.base import FINANCE_KINDS, Store
from jinjiecu.storage.integrity import (
    Checkpoint,
    Finding,
    VerifyReport,
    canonical,
    chain_digest,
    verify,
    verify_session,
)
from jinjiecu.storage.sql import (
    AUDIT_COLUMNS,
    PROBLEM_COLUMNS,
    RECORD_COLUMNS,
    SQLITE,
    TRANSITION_COLUMNS,
    Dialect,
    SQLSession,
    from_json,
)
from jinjiecu.storage.sqlite import SQLiteStore

from .conftest import drop_schema

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow

_AUDITOR = Actor(kind=ActorKind.CLERK, id="auditor", name="审计员")


def build_history(store: Store) -> Checkpoint:
    """Load a history of at least 10,000 chained entries into ``store``; return its head."""
    sample = dezhou_2019()
    sample.load_into(store)
    for batch in province(enterprises=300, problems=1_900, batch_size=1_000):
        if batch.problems:
            store.problems.add_many(batch.problems)
    for renewal in sample.loan_renewals:
        store.loan_renewals.update(
            attrs.evolve(renewal, note="续贷已办结 (renewed)"), expected_version=1, actor=_AUDITOR
        )
    for disposal in sample.asset_disposals:
        store.asset_disposals.update(
            attrs.evolve(disposal, note="已复核"), expected_version=1, actor=_AUDITOR
        )
    for number in range(8):
        store.audit.record(
            actor=_AUDITOR, action="export", object_kind="ledger", object_id=f"周报-{number}"
        )
    head = store.head()
    assert head.seq >= 10_000
    report = verify(store, head)
    assert report.ok, report.finding
    return head


# ---------------------------------------------------------------------- raw access


@attrs.define
class Raw:
    """A raw connection in an open transaction, the dialect, and a session over it."""

    execute: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
    session: SQLSession
    dialect: Dialect

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.execute(sql, params)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.execute(sql, params)


Opener = Callable[[], Any]  # a context manager yielding Raw


def _translate(error: Exception) -> StorageError:
    return StorageError(str(error))


@contextmanager
def sqlite_raw(path: Path) -> Iterator[Raw]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        cursor = connection.cursor()

        def execute(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        session = SQLSession(connection.cursor(), SQLITE, sqlite3.Error, _translate)
        yield Raw(execute=execute, session=session, dialect=SQLITE)
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextmanager
def postgres_raw(url: str, schema: str) -> Iterator[Raw]:
    import psycopg  # noqa: PLC0415 - optional dependency
    from psycopg.types.string import TextLoader  # noqa: PLC0415

    from jinjiecu.storage.postgres import _PostgresSession  # noqa: PLC0415
    from jinjiecu.storage.sql import POSTGRES  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as connection:
        connection.adapters.register_loader("json", TextLoader)
        connection.execute(f'SET search_path TO "{schema}"')
        with connection.transaction(force_rollback=True):
            # What someone with the database's password can do: switch off the foreign keys.
            connection.execute("SET LOCAL session_replication_role = replica")
            cursor = connection.cursor()

            def execute(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
                cursor.execute(POSTGRES.prepare(sql), params)
                return cursor.fetchall() if cursor.description else []

            session = _PostgresSession(connection, _translate)
            yield Raw(execute=execute, session=session, dialect=POSTGRES)


# ---------------------------------------------------------------------- changes


def one_byte(value: Any, salt: int) -> Any:
    """``value`` changed by one character, one bit, one day or one microsecond."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value ^ (1 << 24)
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(microseconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    assert isinstance(value, str), value
    places = [i for i, c in enumerate(value) if c.isascii() and c.isalnum()]
    if not places:
        if value == "{}":  # empty event data: still JSON after the change
            return "[]"
        return chr(ord(value[0]) + 1) + value[1:] if value else "x"
    i = places[salt % len(places)]
    c = value[i]
    if c.isdigit():
        new = str(int(c) + 1) if c != "9" else "8"
    elif c in "zZ":
        new = chr(ord(c) - 1)
    else:
        new = chr(ord(c) + 1)
    return value[:i] + new + value[i + 1 :]


@attrs.frozen
class Case:
    """One tampering: what it does, and the finding that must name it."""

    name: str
    apply: Callable[[Raw], None]
    seq: int | None
    """The chain entry the finding must name (``None``: an entry not in the chain)."""
    key: str | None = None
    """The entry's key (``None``: not checked, for changes to the chain itself)."""
    allowed: frozenset[tuple[int | None, str | None]] = frozenset()
    """Other findings the change may cause besides its own (an entry cut out of the chain)."""
    kind: str | None = None
    """The finding's kind, when it names no entry (``"head"``)."""
    past_head: int | None = None
    """Changes to the chain's own rows: findings beyond this head are theirs too."""
    obj: str | None = None
    """The problem, record (``kind/id``) or audit entry changed: its other entries may be named."""
    moves: bool = False
    """A key column changed: the row now looks like an entry not in the chain."""

    def matches(self, finding: Finding) -> bool:
        if self.kind is not None:
            return finding.kind == self.kind
        return finding.seq == self.seq and (self.key is None or finding.key == self.key)

    def explains(self, finding: Finding) -> bool:
        if self.matches(finding) or (finding.seq, finding.key) in self.allowed:
            return True
        if (finding.seq, None) in self.allowed:
            return True
        if self.obj is not None and _object(finding.key) == self.obj:
            return True
        if self.moves and finding.seq is None:
            return True
        return self.past_head is not None and (
            finding.kind == "head" or (finding.seq is not None and finding.seq > self.past_head)
        )


def _object(key: str) -> str:
    """The problem, record or audit entry an entry's key belongs to."""
    return key.rpartition("#")[0] if "#" in key else key


def _order(case: Case) -> tuple[int, int]:
    if case.kind == "head":
        return (2, 0)
    return (0, case.seq) if case.seq is not None else (1, 0)


@attrs.frozen
class History:
    """What the cases are built from: the chain's entries by key, the head, the opener."""

    open: Opener
    head: Checkpoint
    seq_of: dict[tuple[str, str], int]


def _update(
    table: str, column: str, where: Sequence[str], key: Sequence[Any], value: Any
) -> Callable[[Raw], None]:
    condition = " AND ".join(f"{name} = ?" for name in where)

    def apply(raw: Raw) -> None:
        raw.run(f"UPDATE {table} SET {column} = ? WHERE {condition}", [value, *key])

    return apply


def _sample(rows: Sequence[tuple[Any, ...]], salt: int, count: int) -> list[tuple[Any, ...]]:
    """``count`` rows spread over ``rows`` (which must not be empty)."""
    step = max(1, len(rows) // (count + 1))
    return [rows[(salt * 7919 + step * (n + 1)) % len(rows)] for n in range(count)]


def byte_cases(history: History, raw: Raw, per_column: int) -> list[Case]:
    """A one-byte change in every column of every chained table, ``per_column`` rows each."""
    seq_of = history.seq_of
    cases: list[Case] = []
    last_of: dict[str, int] = {}
    for pid, sequence in raw.rows("SELECT problem_id, sequence FROM transitions"):
        last_of[pid] = max(sequence, last_of.get(pid, 0))

    def add(
        table: str,
        columns: Sequence[str],
        pk: Sequence[str],
        where: str,
        expected: Callable[[tuple[Any, ...]], tuple[int | None, str | None]],
    ) -> None:
        select = ", ".join(columns)
        for salt, column in enumerate(columns):
            order = ", ".join(pk)
            rows = raw.rows(
                f"SELECT {select} FROM {table} WHERE {column} IS NOT NULL{where} ORDER BY {order}"
            )
            if not rows:  # a column empty in every row: give it a value
                rows = raw.rows(
                    f"SELECT {select} FROM {table} WHERE 1 = 1{where} ORDER BY {', '.join(pk)}"
                )
            for row in _sample(rows, salt, per_column):
                named = dict(zip(columns, row, strict=True))
                old = named[column]
                new = one_byte(old, salt) if old is not None else _filler(column)
                seq, key = expected(row)
                extra: dict[str, Any] = {}
                if key is not None:
                    extra = {"obj": _object(key), "moves": column in _KEY_COLUMNS[table]}
                if table == "chain" and seq is not None:
                    # The next entry is checked against a changed digest; the entry whose
                    # link changed is left over; a moved link lands past the head.
                    extra = {
                        "allowed": frozenset({(seq + 1, None), (None, links[seq])}),
                        "past_head": history.head.seq,
                    }
                cases.append(
                    Case(
                        name=f"{table}.{column} {old!r:.40} -> {new!r:.40}",
                        apply=_update(table, column, pk, [named[k] for k in pk], new),
                        seq=seq,
                        key=key,
                        **extra,
                    )
                )

    def transition(row: tuple[Any, ...]) -> tuple[int, str]:
        key = f"{row[0]}#{row[1]}"
        return seq_of["transition", key], key

    def problem(row: tuple[Any, ...]) -> tuple[int, str]:
        key = f"{row[0]}#{last_of[row[0]]}"
        return seq_of["transition", key], key

    finance = ", ".join(f"'{name}'" for name in sorted(FINANCE_KINDS))
    latest: dict[tuple[str, str], int] = {}
    for kind, rid, version in raw.rows("SELECT kind, id, version FROM record_versions"):
        latest[kind, rid] = max(version, latest.get((kind, rid), 0))

    def record(row: tuple[Any, ...]) -> tuple[int, str]:
        key = f"{row[0]}/{row[1]}#{latest[row[0], row[1]]}"
        return seq_of["record", key], key

    def record_version(row: tuple[Any, ...]) -> tuple[int, str]:
        key = f"{row[0]}/{row[1]}#{row[2]}"
        return seq_of["record", key], key

    def audit(row: tuple[Any, ...]) -> tuple[int, str]:
        return int(row[0]), str(row[0])

    def chain(row: tuple[Any, ...]) -> tuple[int, None]:
        return int(row[0]), None

    links = {int(seq): key for seq, key in raw.rows("SELECT seq, key FROM chain")}

    add("transitions", TRANSITION_COLUMNS, ("problem_id", "sequence"), "", transition)
    add("problems", PROBLEM_COLUMNS, ("id",), "", problem)
    add("records", RECORD_COLUMNS, ("kind", "id"), f" AND kind IN ({finance})", record)
    add(
        "record_versions",
        ("kind", "id", "version", "data"),
        ("kind", "id", "version"),
        "",
        record_version,
    )
    add("audit", AUDIT_COLUMNS, ("seq",), "", audit)
    add("chain", ("seq", "kind", "key", "digest"), ("seq",), "", chain)
    for column in ("seq", "digest"):
        old = raw.rows(f"SELECT {column} FROM chain_head")[0][0]
        cases.append(
            Case(
                name=f"chain_head.{column}",
                apply=_update("chain_head", column, ("id",), [1], one_byte(old, 3)),
                seq=None,
                key=None,
                kind="head",
            )
        )
    # A head digest that is no digest at all (a letter past "f"): named, not a crash.
    cases.append(
        Case(
            name="chain_head.digest not hexadecimal",
            apply=_update("chain_head", "digest", ("id",), [1], "g" * 64),
            seq=None,
            key=None,
            kind="head",
        )
    )
    return cases


_KEY_COLUMNS = {
    "transitions": {"problem_id", "sequence"},
    "problems": {"id"},
    "records": {"kind", "id"},
    "record_versions": {"kind", "id", "version"},
    "audit": {"seq"},
}


def _sql(statement: str, params: Sequence[Any]) -> Callable[[Raw], None]:
    def apply(raw: Raw) -> None:
        raw.run(statement, params)

    return apply


def _filler(_column: str) -> Any:
    return "x"


def structural_cases(history: History, raw: Raw) -> list[Case]:
    """Deletions, swaps and insertions, each somewhere else in the history."""
    seq_of = history.seq_of
    head = history.head
    cases: list[Case] = []
    transitions = raw.rows(
        "SELECT problem_id, max(sequence) FROM transitions GROUP BY problem_id "
        "HAVING max(sequence) >= 4 ORDER BY problem_id"
    )
    pick = iter(_sample(transitions, 1, 6))

    # Deletions.
    pid, last = next(pick)
    key = f"{pid}#2"
    cases.append(
        Case(
            name=f"delete transition {key}",
            apply=_sql("DELETE FROM transitions WHERE problem_id = ? AND sequence = 2", [pid]),
            seq=seq_of["transition", key],
            key=key,
        )
    )
    pid, last = next(pick)
    key = f"{pid}#{last}"
    cases.append(
        Case(
            name=f"delete problems row {pid}",
            apply=_sql("DELETE FROM problems WHERE id = ?", [pid]),
            seq=seq_of["transition", key],
            key=key,
        )
    )
    versions = raw.rows(
        "SELECT kind, id, version FROM record_versions WHERE version = 2 ORDER BY kind, id"
    )
    kind, rid, _ = versions[0]
    key = f"{kind}/{rid}#1"
    cases.append(
        Case(
            name=f"delete version {key}",
            apply=_sql(
                "DELETE FROM record_versions WHERE kind = ? AND id = ? AND version = 1", [kind, rid]
            ),
            seq=seq_of["record", key],
            key=key,
        )
    )
    kind, rid, _ = versions[1]
    key = f"{kind}/{rid}#2"
    cases.append(
        Case(
            name=f"delete current record {kind}/{rid}",
            apply=_sql("DELETE FROM records WHERE kind = ? AND id = ?", [kind, rid]),
            seq=seq_of["record", key],
            key=key,
        )
    )
    audit_seq = raw.rows("SELECT seq FROM audit ORDER BY seq")[3][0]
    cases.append(
        Case(
            name=f"delete audit {audit_seq}",
            apply=_sql("DELETE FROM audit WHERE seq = ?", [audit_seq]),
            seq=audit_seq,
            key=str(audit_seq),
        )
    )
    gone = head.seq // 3
    gone_link = raw.rows("SELECT kind, key FROM chain WHERE seq = ?", [gone])[0]
    cases.append(
        Case(
            name=f"delete chain entry {gone}",
            apply=_sql("DELETE FROM chain WHERE seq = ?", [gone]),
            seq=gone,
            key=None,
            allowed=frozenset({(None, gone_link[1])}),
        )
    )
    del gone_link

    # Swaps (reordering).
    pid, last = next(pick)
    key = f"{pid}#2"

    def swap_transitions(raw: Raw, pid: str = pid) -> None:
        raw.run("UPDATE transitions SET sequence = -1 WHERE problem_id = ? AND sequence = 2", [pid])
        raw.run("UPDATE transitions SET sequence = 2 WHERE problem_id = ? AND sequence = 3", [pid])
        raw.run("UPDATE transitions SET sequence = 3 WHERE problem_id = ? AND sequence = -1", [pid])

    cases.append(
        Case(
            name=f"swap {pid} #2 and #3",
            apply=swap_transitions,
            seq=seq_of["transition", key],
            key=key,
            allowed=frozenset({(seq_of["transition", f"{pid}#3"], f"{pid}#3")}),
        )
    )
    a, b = head.seq // 2, head.seq // 2 + 7

    def swap_chain(raw: Raw, a: int = a, b: int = b) -> None:
        raw.run("UPDATE chain SET seq = -1 WHERE seq = ?", [a])
        raw.run("UPDATE chain SET seq = ? WHERE seq = ?", [a, b])
        raw.run("UPDATE chain SET seq = ? WHERE seq = -1", [b])

    cases.append(
        Case(
            name=f"swap chain entries {a} and {b}",
            apply=swap_chain,
            seq=a,
            key=None,
            allowed=frozenset({(b, None), (a + 1, None), (b + 1, None)}),
        )
    )
    audits = [row[0] for row in raw.rows("SELECT seq FROM audit ORDER BY seq")]
    x, y = audits[6], audits[7]

    def swap_audit(raw: Raw, x: int = x, y: int = y) -> None:
        raw.run("UPDATE audit SET seq = -1 WHERE seq = ?", [x])
        raw.run("UPDATE audit SET seq = ? WHERE seq = ?", [x, y])
        raw.run("UPDATE audit SET seq = ? WHERE seq = -1", [y])

    cases.append(
        Case(
            name=f"swap audit {x} and {y}",
            apply=swap_audit,
            seq=x,
            key=str(x),
            allowed=frozenset({(y, str(y))}),
        )
    )
    kind, rid, _ = versions[2]

    def swap_versions(raw: Raw, kind: str = kind, rid: str = rid) -> None:
        one, two = (
            raw.rows(
                "SELECT data FROM record_versions WHERE kind = ? AND id = ? AND version = ?",
                [kind, rid, v],
            )[0][0]
            for v in (1, 2)
        )
        raw.run(
            "UPDATE record_versions SET data = ? WHERE kind = ? AND id = ? AND version = 1",
            [two, kind, rid],
        )
        raw.run(
            "UPDATE record_versions SET data = ? WHERE kind = ? AND id = ? AND version = 2",
            [one, kind, rid],
        )

    key = f"{kind}/{rid}#1"
    cases.append(
        Case(
            name=f"swap versions of {kind}/{rid}",
            apply=swap_versions,
            seq=seq_of["record", key],
            key=key,
            allowed=frozenset({(seq_of["record", f"{kind}/{rid}#2"], f"{kind}/{rid}#2")}),
        )
    )

    # Insertions.
    pid, last = next(pick)
    new_key = f"{pid}#{last + 1}"
    columns = ", ".join(TRANSITION_COLUMNS)

    def insert_transition(raw: Raw, pid: str = pid, last: int = last) -> None:
        row = list(
            raw.rows(
                f"SELECT {columns} FROM transitions WHERE problem_id = ? AND sequence = ?",
                [pid, last],
            )[0]
        )
        row[1] = last + 1
        marks = ", ".join("?" * len(row))
        raw.run(f"INSERT INTO transitions ({columns}) VALUES ({marks})", row)

    cases.append(
        Case(
            name=f"insert transition {new_key}",
            apply=insert_transition,
            seq=None,
            key=new_key,
            allowed=frozenset({(seq_of["transition", f"{pid}#{last}"], f"{pid}#{last}")}),
        )
    )
    kind, rid, _ = versions[3]
    fake = f"{rid}-fake"

    def insert_record(raw: Raw, kind: str = kind, rid: str = rid) -> None:
        rcols = ", ".join(RECORD_COLUMNS)
        row = list(
            raw.rows(f"SELECT {rcols} FROM records WHERE kind = ? AND id = ?", [kind, rid])[0]
        )
        row[1], row[2] = fake, 1
        data = from_json(row[-1])
        data["id"] = fake
        import json  # noqa: PLC0415

        row[-1] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        raw.run(f"INSERT INTO records ({rcols}) VALUES ({', '.join('?' * len(row))})", row)
        raw.run(
            "INSERT INTO record_versions (kind, id, version, data) VALUES (?, ?, 1, ?)",
            [kind, fake, row[-1]],
        )

    cases.append(
        Case(
            name=f"insert finance record {kind}/{fake}",
            apply=insert_record,
            seq=None,
            key=f"{kind}/{fake}#1",
        )
    )
    acols = ", ".join(AUDIT_COLUMNS)
    extra_seq = head.seq + 50

    def insert_audit(raw: Raw) -> None:
        row = list(raw.rows(f"SELECT {acols} FROM audit ORDER BY seq LIMIT 1")[0])
        row[0] = extra_seq
        raw.run(f"INSERT INTO audit ({acols}) VALUES ({', '.join('?' * len(row))})", row)

    cases.append(
        Case(name=f"insert audit {extra_seq}", apply=insert_audit, seq=None, key=str(extra_seq))
    )
    pid, last = next(pick)
    ghost = f"{pid}-ghost"
    pcols = ", ".join(PROBLEM_COLUMNS)

    def insert_problem(raw: Raw, pid: str = pid) -> None:
        row = list(raw.rows(f"SELECT {pcols} FROM problems WHERE id = ?", [pid])[0])
        row[0] = ghost
        raw.run(f"INSERT INTO problems ({pcols}) VALUES ({', '.join('?' * len(row))})", row)

    cases.append(
        Case(name=f"insert problem row {ghost}", apply=insert_problem, seq=None, key=ghost)
    )
    return cases


def truncation_cases(history: History) -> list[tuple[str, Callable[[Raw], None], int]]:
    """Tails changed consistently (chain and head rewritten): only a checkpoint finds them.

    Each gives its name, the change and the chain entry the finding must name.
    """
    head = history.head
    cut = head.seq - 5

    def truncate(raw: Raw) -> None:
        digest = raw.rows("SELECT digest FROM chain WHERE seq = ?", [cut])[0][0]
        raw.run("DELETE FROM audit WHERE seq > ?", [cut])
        raw.run("DELETE FROM chain WHERE seq > ?", [cut])
        raw.run("UPDATE chain_head SET seq = ?, digest = ? WHERE id = 1", [cut, digest])

    rewrite_at = head.seq - 3

    def rewrite(raw: Raw) -> None:
        # Change an audit entry, then recompute every digest from there on, and the head.
        raw.run("UPDATE audit SET detail = ? WHERE seq = ?", ["改过", rewrite_at])
        previous = raw.rows("SELECT digest FROM chain WHERE seq = ?", [rewrite_at - 1])[0][0]
        acols = ", ".join(AUDIT_COLUMNS)
        for row in raw.rows(f"SELECT {acols} FROM audit WHERE seq >= ? ORDER BY seq", [rewrite_at]):
            from jinjiecu.storage.sql import _audit_value  # noqa: PLC0415

            previous = chain_digest(previous, canonical("audit", str(row[0]), _audit_value(row)))
            raw.run("UPDATE chain SET digest = ? WHERE seq = ?", [previous, row[0]])
        raw.run("UPDATE chain_head SET digest = ? WHERE id = 1", [previous])

    return [("cut the last 5 entries", truncate, cut + 1), ("rewrite the tail", rewrite, head.seq)]


# ---------------------------------------------------------------------- running


def run_batch(history: History, cases: Sequence[Case]) -> list[str]:
    """Apply ``cases`` together; return what went wrong (empty: all found and named)."""
    problems: list[str] = []
    with history.open() as raw:
        for case in cases:
            case.apply(raw)
        every = verify_session(raw.session, history.head, every_finding=True)
    problems.extend(
        f"not found: {case.name} (expected entry {case.seq} {case.key})"
        for case in cases
        if not any(case.matches(f) for f in every.findings)
    )
    problems.extend(
        f"unexplained finding: {finding}"
        for finding in every.findings
        if not any(case.explains(finding) for case in cases)
    )
    # The walk is the same up to its first finding with or without every_finding, so the
    # first finding here is what verify() reports: it must be the earliest change's entry.
    earliest = min(cases, key=_order)
    first = every.finding
    if first is None or not (earliest.matches(first) or earliest.explains(first)):
        problems.append(f"first finding {first} is not the earliest case {earliest.name}")
    return problems


def run_alone(history: History, case: Case) -> VerifyReport:
    with history.open() as raw:
        case.apply(raw)
        return verify_session(raw.session, history.head)


def _batches(cases: Sequence[Case], size: int) -> Iterator[list[Case]]:
    """Cases in batches that touch different entries (one per chain entry and key)."""
    pending = list(cases)
    while pending:
        batch: list[Case] = []
        used: set[Any] = set()
        rest: list[Case] = []
        for case in pending:
            marks: set[Any] = {case.key, case.obj, *(key for _, key in case.allowed)}
            for seq in (case.seq, *(seq for seq, _ in case.allowed)):
                if seq is not None:
                    marks |= {seq - 1, seq, seq + 1}
            marks.discard(None)
            # Changes to the head, or that move links past it, cannot share a batch.
            alone = case.kind == "head" or case.past_head is not None
            if len(batch) < size and not (marks & used) and not (alone and "alone" in used):
                batch.append(case)
                used |= marks | ({"alone"} if alone else set())
            else:
                rest.append(case)
        if not batch:
            batch, rest = [rest[0]], rest[1:]
        yield batch
        pending = rest


def check_everything(history: History, per_column: int) -> None:
    with history.open() as raw:
        byte = byte_cases(history, raw, per_column)
        structural = structural_cases(history, raw)
    tails = truncation_cases(history)
    assert len(byte) >= per_column * (len(TRANSITION_COLUMNS) + len(RECORD_COLUMNS))
    failures: list[str] = []
    for batch in _batches(byte, size=40):
        failures.extend(run_batch(history, batch))
    # Each structural case alone (they read rows others change): its entry is named first.
    for case in structural:
        report = run_alone(history, case)
        if report.finding is None or not case.matches(report.finding):
            failures.append(f"alone: {case.name}: first finding {report.finding}")
    for name, change, seq in tails:
        with history.open() as raw:
            change(raw)
            without = verify_session(raw.session)
            against = verify_session(raw.session, history.head)
        # Without a checkpoint the rewritten chain is consistent: that is what checkpoints are for.
        if not without.ok:
            failures.append(f"{name}: found without a checkpoint? {without.finding}")
        if against.finding is None or against.finding.seq != seq:
            failures.append(f"{name}: against the checkpoint, first finding {against.finding}")
    total = len(byte) + len(structural) + 2 * len(tails)
    assert not failures, (
        f"{len(failures)} of {total} tamperings not detected and named:\n" + "\n".join(failures)
    )


def _seq_of(open_: Opener) -> dict[tuple[str, str], int]:
    with open_() as raw:
        return {
            (kind, key): int(seq) for seq, kind, key in raw.rows("SELECT seq, kind, key FROM chain")
        }


# ---------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def sqlite_history(tmp_path_factory: pytest.TempPathFactory) -> History:
    path = tmp_path_factory.mktemp("tamper") / "history.db"
    with SQLiteStore(path, synchronous="NORMAL") as store:
        head = build_history(store)
    opener = lambda: sqlite_raw(path)  # noqa: E731
    return History(open=opener, head=head, seq_of=_seq_of(opener))


def test_every_tampering_of_an_sqlite_history_is_found_and_named(sqlite_history: History) -> None:
    check_everything(sqlite_history, per_column=3)


def test_a_head_that_is_no_digest_is_named_not_a_crash(sqlite_history: History) -> None:
    with sqlite_history.open() as raw:
        raw.run("UPDATE chain_head SET digest = ? WHERE id = 1", ["affg" + "0" * 60])
        report = verify_session(raw.session, sqlite_history.head)
    assert report.finding is not None
    assert report.finding.kind == "head"
    assert report.finding.reason.startswith("the stored head is damaged: digest: expected")


def test_an_sqlite_backup_restores_to_the_same_head(
    sqlite_history: History, tmp_path: Path
) -> None:
    with sqlite_history.open() as raw:
        del raw  # the history is there; the store opens the file itself
    source = tmp_path / "source.db"
    import shutil  # noqa: PLC0415

    # The module's history file, opened as a store, backed up while open, and the copy verified.
    with sqlite_history.open() as raw:
        path = raw.rows("PRAGMA database_list")[0][2]
    shutil.copy(path, source)
    with SQLiteStore(source) as store:
        head = store.head()
        assert head == sqlite_history.head
        store.backup(tmp_path / "copy.db")
    with SQLiteStore(tmp_path / "copy.db") as copy:
        assert copy.head() == head
        report = verify(copy, head)
        assert report.ok, report.finding


@pytest.fixture(scope="module")
def postgres_history(postgres_url: str) -> Iterator[History]:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

    schema = f"jinjiecu_tamper_{uuid.uuid4().hex[:10]}"
    try:
        with PostgresStore(postgres_url, schema=schema, max_size=2) as store:
            head = build_history(store)
        opener = lambda: postgres_raw(postgres_url, schema)  # noqa: E731
        yield History(open=opener, head=head, seq_of=_seq_of(opener))
    finally:
        drop_schema(postgres_url, schema)


@pytest.mark.postgres
def test_every_tampering_of_a_postgres_history_is_found_and_named(
    postgres_history: History,
) -> None:
    check_everything(postgres_history, per_column=3)
