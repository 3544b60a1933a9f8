"""What is particular to the SQLite store: the file, its settings, versions, backups, errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import (
    ConfigurationError,
    ConflictError,
    HistoryError,
    SchemaVersionError,
    StorageError,
    StoreUnavailableError,
)
from jinjiecu.storage import open_store, sql
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from pathlib import Path

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-01", name="王芳")


def registered(problem_id: str, moment: dt.datetime | None = None) -> Problem:
    register = Register(
        title="新厂区用地指标不足",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
    )
    return Problem.register(
        register, at=moment or at(dt.date(2019, 9, 27)), actor=CLERK, id=ProblemId(problem_id)
    )


def assigned(problem: Problem) -> Problem:
    return problem.apply(
        Assign(lead_department_id=DepartmentId("zrzyj"), working_days=5),
        at=at(dt.date(2019, 9, 30)),
        actor=CLERK,
    )


def raw(path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run one statement on the file with plain sqlite3, committed."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            return connection.execute(statement, params).fetchall()
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------- the file and its settings


def test_settings_are_in_effect_on_every_connection(sqlite_store: SQLiteStore) -> None:
    seen: list[tuple[Any, ...]] = []

    def settings() -> None:
        connection = sqlite_store._connection()  # this thread's own
        seen.append(
            tuple(
                connection.execute(f"PRAGMA {name}").fetchone()[0]
                for name in (
                    "journal_mode",
                    "foreign_keys",
                    "synchronous",
                    "busy_timeout",
                    "threads",
                )
            )
        )

    settings()
    worker = threading.Thread(target=settings)
    worker.start()
    worker.join()
    # synchronous 2 is FULL; the busy timeout is 30 s; the sorter's helper threads are
    # one per core, up to four.
    expected = ("wal", 1, 2, 30_000, min(os.cpu_count() or 1, 4))
    assert seen == [expected, expected]


def test_synchronous_normal_can_be_chosen_and_nothing_else(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "a.db", synchronous="NORMAL") as store:
        assert store._connection().execute("PRAGMA synchronous").fetchone()[0] == 1
    with pytest.raises(ConfigurationError, match="synchronous"):
        SQLiteStore(tmp_path / "b.db", synchronous="OFF")  # type: ignore[arg-type]


def test_the_file_is_in_wal_mode_with_its_log_beside_it(sqlite_store: SQLiteStore) -> None:
    sqlite_store.problems.add(registered("p-1"))
    assert sqlite_store.path.with_name("store.db-wal").exists()
    assert raw(sqlite_store.path, "PRAGMA journal_mode") == [("wal",)]


def test_every_metric_filter_has_an_index(sqlite_store: SQLiteStore) -> None:
    indexed = {
        (table, column)
        for table in ("records", "problems", "transitions")
        for (index,) in raw(
            sqlite_store.path,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
            (table,),
        )
        for (_seq, _cid, column) in raw(sqlite_store.path, f"PRAGMA index_info('{index}')")
    }
    for column in (
        "state",
        "category",
        "scope",
        "level",
        "region_id",
        "campaign_id",
        "work_group_id",
        "enterprise_id",
        "lead_department_id",
        "registered_on",
    ):
        assert ("problems", column) in indexed
    assert ("transitions", "at") in indexed
    assert {("records", c) for c in ("region_id", "day", "enterprise_id")} <= indexed


def test_moments_are_stored_as_utc_microseconds_and_local_days(sqlite_store: SQLiteStore) -> None:
    moment = dt.datetime(2019, 11, 12, 17, 0, 0, 250, tzinfo=dt.UTC)  # 01:00 on the 13th in China
    sqlite_store.problems.add(registered("p-1", moment))
    row = raw(
        sqlite_store.path,
        "SELECT p.registered_at, p.registered_on, t.at, t.at_text, t.on_day "
        "FROM problems p JOIN transitions t ON t.problem_id = p.id",
    )
    micros = int(moment.timestamp()) * 1_000_000 + 250
    assert row == [(micros, "2019-11-13", micros, "2019-11-12T17:00:00.000250+00:00", "2019-11-13")]


# ---------------------------------------------------------------------- schema versions


def test_the_schema_version_is_recorded(sqlite_store: SQLiteStore) -> None:
    found = raw(sqlite_store.path, "SELECT value FROM meta WHERE key = 'schema_version'")
    assert found == [(str(sql.SCHEMA_VERSION),)]


def test_a_newer_database_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with SQLiteStore(path) as store:
        store.problems.add(registered("p-1"))
    newer = sql.SCHEMA_VERSION + 1
    raw(path, "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(newer),))
    before = digest(path)
    with pytest.raises(SchemaVersionError) as refused:
        open_store(f"sqlite:///{path}")
    error = refused.value
    assert (error.found, error.supported, error.url) == (
        newer,
        sql.SCHEMA_VERSION,
        f"sqlite:///{path}",
    )
    assert "upgrade jinjiecu" in error.message
    assert digest(path) == before
    assert not path.with_name("newer.db-wal").exists()


def test_a_newer_database_in_another_journal_mode_is_not_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    SQLiteStore(path).close()
    raw(path, "UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    raw(path, "PRAGMA journal_mode = DELETE")
    before = digest(path)
    with pytest.raises(SchemaVersionError):
        SQLiteStore(path)
    assert digest(path) == before


def test_a_file_jinjiecu_never_wrote_is_migrated_and_its_tables_kept(tmp_path: Path) -> None:
    path = tmp_path / "legacy.db"
    raw(path, "CREATE TABLE notes (text TEXT)")
    raw(path, "INSERT INTO notes VALUES ('旧台账')")
    with SQLiteStore(path) as store:
        store.problems.add(registered("p-1"))
    assert raw(path, "SELECT text FROM notes") == [("旧台账",)]
    assert raw(path, "SELECT value FROM meta") == [(str(sql.SCHEMA_VERSION),)]


def test_an_older_database_migrates_forward_keeping_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "older.db"
    with SQLiteStore(path) as store:
        store.problems.add(registered("p-1"))
    added = sql.Migration(
        sql.SCHEMA_VERSION + 1,
        "problems get a priority",
        lambda _dialect: ["ALTER TABLE problems ADD COLUMN priority INTEGER NOT NULL DEFAULT 0"],
    )
    monkeypatch.setattr(sql, "MIGRATIONS", (*sql.MIGRATIONS, added))
    with SQLiteStore(path) as store:
        assert store.problems.get(ProblemId("p-1")) == registered("p-1")
    assert raw(path, "SELECT value FROM meta") == [(str(sql.SCHEMA_VERSION + 1),)]
    assert raw(path, "SELECT id, priority FROM problems") == [("p-1", 0)]


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "older.db"
    SQLiteStore(path).close()
    broken = sql.Migration(
        sql.SCHEMA_VERSION + 1,
        "half a migration",
        lambda _dialect: [
            "ALTER TABLE problems ADD COLUMN priority INTEGER",
            "ALTER TABLE no_such_table ADD COLUMN x INTEGER",
        ],
    )
    monkeypatch.setattr(sql, "MIGRATIONS", (*sql.MIGRATIONS, broken))
    with pytest.raises(StorageError, match="no_such_table") as failed:
        SQLiteStore(path)
    assert not isinstance(failed.value, sqlite3.Error)
    assert raw(path, "SELECT value FROM meta") == [(str(sql.SCHEMA_VERSION),)]
    columns = [row[1] for row in raw(path, "PRAGMA table_info(problems)")]
    assert "priority" not in columns


# ---------------------------------------------------------------------- backup


def test_a_backup_is_a_complete_store(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    problem = assigned(registered("p-1"))
    sqlite_store.problems.add(problem)
    target = tmp_path / "backup" / "copy.db"
    target.parent.mkdir()
    with sqlite_store.transaction() as tx:
        tx.problems.add(registered("p-2"))  # not committed when the backup is taken
        sqlite_store.backup(target)
    with SQLiteStore(target) as copy:
        assert copy.problems.list() == [problem]
    assert raw(target, "SELECT value FROM meta") == [(str(sql.SCHEMA_VERSION),)]


def test_a_backup_to_a_missing_folder_raises_a_storage_error(
    sqlite_store: SQLiteStore, tmp_path: Path
) -> None:
    with pytest.raises(StoreUnavailableError, match="unable to open"):
        sqlite_store.backup(tmp_path / "missing" / "copy.db")


# ---------------------------------------------------------------------- errors


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"\xe5\xb7\xa5\xe4\xbd\x9c\xe5\x8f\xb0\xe8\xb4\xa6 not sqlite" * 100)
    before = digest(path)
    with pytest.raises(StoreUnavailableError, match="not a database") as refused:
        SQLiteStore(path)
    assert not isinstance(refused.value, sqlite3.Error)
    assert str(path) in refused.value.message
    assert digest(path) == before


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="unable to open database file"):
        open_store(f"sqlite:///{tmp_path}/missing/ledger.db")


def test_a_writer_that_waits_too_long_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    SQLiteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with (
            SQLiteStore(path, timeout=0.2) as store,
            pytest.raises(StoreUnavailableError, match="locked"),
        ):
            store.problems.add(registered("p-1"))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_tampered_history_is_refused_on_reading(sqlite_store: SQLiteStore) -> None:
    sqlite_store.problems.add(assigned(registered("p-1")))
    raw(sqlite_store.path, "UPDATE transitions SET to_state = 'closed' WHERE sequence = 2")
    with pytest.raises(HistoryError) as broken:
        sqlite_store.problems.get(ProblemId("p-1"))
    assert (broken.value.problem_id, broken.value.sequence) == ("p-1", 2)


def test_damaged_json_is_a_storage_error(sqlite_store: SQLiteStore) -> None:
    sqlite_store.problems.add(registered("p-1"))
    raw(sqlite_store.path, "UPDATE transitions SET data = '{\"title\": '")
    with pytest.raises(StorageError, match="damaged"):
        sqlite_store.problems.get(ProblemId("p-1"))


def test_transitions_are_never_rewritten(sqlite_store: SQLiteStore) -> None:
    sqlite_store.problems.add(registered("p-1"))
    # A second row for the same (problem_id, sequence) is refused by the schema itself.
    row = raw(sqlite_store.path, "SELECT * FROM transitions")[0]
    with pytest.raises(sqlite3.IntegrityError):
        raw(sqlite_store.path, f"INSERT INTO transitions VALUES ({', '.join('?' * len(row))})", row)


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "closed.db")
    store.close()
    with pytest.raises(StorageError, match="closed"):
        store.problems.count()
    with pytest.raises(StorageError, match="closed"):
        store.backup(tmp_path / "copy.db")


# ---------------------------------------------------------------------- concurrency


def test_threads_sharing_a_store_lose_no_update(sqlite_store: SQLiteStore) -> None:
    sqlite_store.problems.add(registered("p-1"))
    outcomes: list[str] = []

    def save() -> None:
        try:
            sqlite_store.problems.save(assigned(registered("p-1")), expected_version=1)
            outcomes.append("saved")
        except ConflictError as error:
            outcomes.append(f"conflict {error.expected_version}->{error.actual_version}")

    workers = [threading.Thread(target=save) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["conflict 1->2"] * 7 + ["saved"]
    assert sqlite_store.problems.get(ProblemId("p-1")).version == 2


def test_a_second_writer_waits_for_the_first_then_sees_its_write(
    sqlite_store: SQLiteStore,
) -> None:
    sqlite_store.problems.add(registered("p-1"))
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with sqlite_store.transaction() as tx:
            tx.problems.save(assigned(registered("p-1")), expected_version=1)
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=first)
    writer.start()
    assert holding.wait(10)
    threading.Timer(0.3, release.set).start()
    with pytest.raises(ConflictError) as conflict:  # BEGIN IMMEDIATE queues it behind the first
        sqlite_store.problems.save(assigned(registered("p-1")), expected_version=1)
    writer.join()
    assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)


WORKER = """
import datetime as dt, sys
from jinjiecu.domain.clock import at
from jinjiecu.domain.events import Register, Start
from jinjiecu.domain.ids import EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import ConflictError
from jinjiecu.storage import open_store

clerk = Actor(kind=ActorKind.CLERK, id="clerk", name="")
url, number = sys.argv[1], int(sys.argv[2])
with open_store(url) as store:
    for n in range(20):
        register = Register(title="t", category="land_use", region_id=RegionId("r"),
                            enterprise_id=EnterpriseId("e"))
        problem = Problem.register(register, at=at(dt.date(2019, 9, 27)), actor=clerk,
                                   id=ProblemId(f"w{number}-{n}"))
        store.problems.add(problem)
"""


def test_several_processes_write_one_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    url = f"sqlite:///{path}"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, str(number)]) for number in range(4)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    with SQLiteStore(path) as store:
        assert store.problems.count() == 80


KILLED_WRITER = """
import datetime as dt, sys
from jinjiecu.domain.clock import at
from jinjiecu.domain.events import Register
from jinjiecu.domain.ids import EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.storage import open_store

clerk = Actor(kind=ActorKind.CLERK, id="clerk", name="")
store = open_store(sys.argv[1])
for n in range(100_000):
    register = Register(title="t", category="land_use", region_id=RegionId("r"),
                        enterprise_id=EnterpriseId("e"))
    store.problems.add(Problem.register(register, at=at(dt.date(2019, 9, 27)), actor=clerk,
                                        id=ProblemId(f"p-{n:06d}")))
    print(n, flush=True)  # acknowledged: the commit has returned
"""


def test_acknowledged_commits_survive_a_killed_process(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, f"sqlite:///{path}"],
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout is not None
        acknowledged = [int(writer.stdout.readline()) for _ in range(30)]
        writer.kill()  # SIGKILL: no clean-up, the WAL is left as it is
    with SQLiteStore(path) as store:
        stored = {problem.id for problem in store.problems.list(limit=10_000)}
    assert {f"p-{n:06d}" for n in acknowledged} <= stored


# ---------------------------------------------------------------------- URLs


def test_sqlite_urls_open_relative_and_absolute_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JINJIECU_STORE", raising=False)
    with open_store() as default:
        assert isinstance(default, SQLiteStore)
        assert default.url == "sqlite:///jinjiecu.db"
    assert (tmp_path / "jinjiecu.db").exists()
    (tmp_path / "data").mkdir()
    with open_store("sqlite:///data/ledger.db") as relative:
        assert relative.url == "sqlite:///data/ledger.db"
    assert (tmp_path / "data" / "ledger.db").exists()
    absolute = tmp_path / "abs.db"
    with open_store(f"sqlite:///{absolute}") as store:
        assert store.url == f"sqlite:///{absolute}"
        assert store.url.startswith("sqlite:////")
    assert absolute.exists()
    monkeypatch.setenv("JINJIECU_STORE", "sqlite:///from-env.db")
    with open_store() as from_env:
        assert from_env.url == "sqlite:///from-env.db"
    assert (tmp_path / "from-env.db").exists()
