"""What is particular to the PostgreSQL store: schemas, versions, COPY, locks, errors.

Tests that need the server are marked ``postgres``; they skip, saying why,
without one (unless ``JINJIECU_REQUIRE_POSTGRES=1``). The tests of an
unreachable server and of a missing driver need no server.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import (
    ConfigurationError,
    ConflictError,
    DuplicateError,
    HistoryError,
    SchemaVersionError,
    StorageError,
    StoreUnavailableError,
)
from jinjiecu.storage import open_store, sql

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jinjiecu.storage.postgres import PostgresStore

psycopg = pytest.importorskip("psycopg")
postgres = pytest.mark.postgres

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-01", name="王芳")


def registered(problem_id: str) -> Problem:
    register = Register(
        title="新厂区用地指标不足",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
    )
    return Problem.register(
        register, at=at(dt.date(2019, 9, 27)), actor=CLERK, id=ProblemId(problem_id)
    )


def assigned(problem: Problem) -> Problem:
    return problem.apply(
        Assign(lead_department_id=DepartmentId("zrzyj"), working_days=5),
        at=at(dt.date(2019, 9, 30)),
        actor=CLERK,
    )


def raw(url: str, schema: str, statement: str, params: Sequence[Any] = ()) -> list[Any]:
    """Run one statement in ``schema`` with plain psycopg, committed."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema))
        )
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def schema_of(store: PostgresStore) -> str:
    assert store.schema is not None
    return store.schema


# ---------------------------------------------------------------------- no server needed


def test_an_unreachable_server_is_a_configuration_error_with_the_password_masked() -> None:
    url = "postgresql://clerk:s3cret-pw@127.0.0.1:1/ledger?connect_timeout=3"
    with pytest.raises(ConfigurationError) as unreachable:
        open_store(url)
    message = unreachable.value.message
    assert "postgresql://clerk:***@127.0.0.1:1/ledger" in message
    assert "s3cret-pw" not in message
    assert unreachable.value.__cause__ is None  # the driver's error, which may quote it, is dropped
    assert not isinstance(unreachable.value, psycopg.Error)


def test_a_malformed_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"postgresql://u:\*\*\*@"):
        open_store("postgresql://u:pw@host:notaport/db")


def test_without_psycopg_a_postgres_url_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # the import now fails
    with pytest.raises(ConfigurationError, match=r"pip install 'jinjiecu\[postgres\]'"):
        open_store("postgresql://postgres@127.0.0.1:5432/test")


def test_pool_sizes_are_checked() -> None:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

    with pytest.raises(ConfigurationError, match="min_size"):
        PostgresStore("postgresql://postgres@127.0.0.1/test", min_size=5, max_size=2)
    with pytest.raises(ConfigurationError, match="schema name is empty"):
        PostgresStore("postgresql://postgres@127.0.0.1/test?schema=")


# ---------------------------------------------------------------------- schemas and versions


@postgres
def test_the_tables_live_in_the_store_schema_with_its_version(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    postgres_store.problems.add(registered("p-1"))
    schema = schema_of(postgres_store)
    tables = raw(
        postgres_url,
        schema,
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
        [schema],
    )
    assert tables == [
        ("audit",),
        ("chain",),
        ("chain_head",),
        ("holiday_notices",),
        ("idempotency",),
        ("meta",),
        ("problems",),
        ("record_versions",),
        ("records",),
        ("transitions",),
    ]
    version = raw(postgres_url, schema, "SELECT value FROM meta WHERE key = 'schema_version'")
    assert version == [(str(sql.SCHEMA_VERSION),)]
    assert raw(postgres_url, schema, "SELECT id FROM problems") == [("p-1",)]


@postgres
def test_the_schema_can_come_from_the_url(
    postgres_url: str, postgres_schemas: Callable[[], str]
) -> None:
    schema = postgres_schemas()
    with open_store(f"{postgres_url}?schema={schema}") as store:
        assert store.url.endswith(f"?schema={schema}")
        store.problems.add(registered("p-1"))
    assert raw(postgres_url, schema, "SELECT id FROM problems") == [("p-1",)]
    short = postgres_url.replace("postgresql://", "postgres://", 1)
    with open_store(f"{short}?schema={schema}") as store:
        assert store.problems.count() == 1


@postgres
def test_moments_and_days_have_their_own_types(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    moment = dt.datetime(2019, 11, 12, 17, 0, 0, 250, tzinfo=dt.UTC)
    problem = Problem.register(
        registered("p-1").transitions[0].data,  # type: ignore[arg-type]
        at=moment,
        actor=CLERK,
        id=ProblemId("p-1"),
    )
    postgres_store.problems.add(problem)
    row = raw(
        postgres_url,
        schema_of(postgres_store),
        "SELECT p.registered_at, p.registered_on, t.at, t.at_text, t.on_day "
        "FROM problems p JOIN transitions t ON t.problem_id = p.id",
    )
    day = dt.date(2019, 11, 13)  # 01:00 on the 13th in China
    assert row == [(moment, day, moment, "2019-11-12T17:00:00.000250+00:00", day)]


@postgres
def test_a_newer_schema_is_refused_and_left_as_it_was(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

    postgres_store.problems.add(registered("p-1"))
    postgres_store.close()
    schema = schema_of(postgres_store)
    newer = sql.SCHEMA_VERSION + 1
    raw(postgres_url, schema, "UPDATE meta SET value = %s", [str(newer)])
    with pytest.raises(SchemaVersionError) as refused:
        PostgresStore(postgres_url, schema=schema)
    assert (refused.value.found, refused.value.supported) == (newer, sql.SCHEMA_VERSION)
    assert raw(postgres_url, schema, "SELECT value FROM meta") == [(str(newer),)]
    assert raw(postgres_url, schema, "SELECT id, version FROM problems") == [("p-1", 1)]


@postgres
def test_an_older_schema_migrates_forward_keeping_its_data(
    postgres_store: PostgresStore, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

    postgres_store.problems.add(registered("p-1"))
    postgres_store.close()
    added = sql.Migration(
        sql.SCHEMA_VERSION + 1,
        "problems get a priority",
        lambda _dialect: ["ALTER TABLE problems ADD COLUMN priority INTEGER NOT NULL DEFAULT 0"],
    )
    monkeypatch.setattr(sql, "MIGRATIONS", (*sql.MIGRATIONS, added))
    schema = schema_of(postgres_store)
    with PostgresStore(postgres_url, schema=schema) as store:
        assert store.problems.get(ProblemId("p-1")) == registered("p-1")
    assert raw(postgres_url, schema, "SELECT value FROM meta") == [(str(sql.SCHEMA_VERSION + 1),)]
    assert raw(postgres_url, schema, "SELECT id, priority FROM problems") == [("p-1", 0)]


# ---------------------------------------------------------------------- COPY


@postgres
def test_bulk_loads_go_through_copy(
    postgres_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jinjiecu.storage.postgres import _PostgresSession  # noqa: PLC0415

    copied: list[str] = []
    real_copy = _PostgresSession.copy

    def spy(self: _PostgresSession, table: str, *args: Any) -> None:
        copied.append(table)
        real_copy(self, table, *args)

    monkeypatch.setattr(_PostgresSession, "copy", spy)
    problems = [assigned(registered(f"p-{n:03d}")) for n in range(50)]
    postgres_store.problems.add_many(problems)
    assert copied == ["problems", "transitions", "chain"]
    assert postgres_store.problems.list(limit=1000) == problems
    firms = [
        Enterprise(id=EnterpriseId(f"e-{n}"), name="企业", region_id=RegionId("r"))
        for n in range(20)
    ]
    postgres_store.enterprises.add_many(firms)
    assert copied[-1] == "records"
    copied.clear()
    postgres_store.problems.add(registered("p-single"))
    postgres_store.enterprises.add(
        Enterprise(id=EnterpriseId("one"), name="一", region_id=RegionId("r"))
    )
    assert copied == []


@postgres
def test_a_duplicate_in_a_copy_is_named_and_nothing_is_written(
    postgres_store: PostgresStore,
) -> None:
    postgres_store.problems.add(registered("p-007"))
    batch = [registered(f"p-{n:03d}") for n in range(20)]
    with pytest.raises(DuplicateError) as duplicate:
        postgres_store.problems.add_many(batch)
    assert (duplicate.value.kind, duplicate.value.id) == ("problem", "p-007")
    assert postgres_store.problems.count() == 1
    with pytest.raises(DuplicateError) as repeated:
        postgres_store.problems.add_many([registered("p-100"), registered("p-100")])
    assert repeated.value.id == "p-100"


# ---------------------------------------------------------------------- concurrency


@postgres
def test_a_second_writer_waits_on_the_row_lock_then_gets_a_conflict(
    postgres_store: PostgresStore,
) -> None:
    postgres_store.problems.add(registered("p-1"))
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with postgres_store.transaction() as tx:
            tx.problems.save(assigned(registered("p-1")), expected_version=1)
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=first)
    writer.start()
    assert holding.wait(10)
    threading.Timer(0.3, release.set).start()
    with pytest.raises(ConflictError) as conflict:
        postgres_store.problems.save(assigned(registered("p-1")), expected_version=1)
    writer.join()
    assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)
    assert postgres_store.problems.get(ProblemId("p-1")).version == 2


@postgres
def test_threads_sharing_a_store_lose_no_update(postgres_store: PostgresStore) -> None:
    postgres_store.problems.add(registered("p-1"))
    outcomes: list[str] = []

    def save() -> None:
        try:
            postgres_store.problems.save(assigned(registered("p-1")), expected_version=1)
            outcomes.append("saved")
        except ConflictError as error:
            outcomes.append(f"conflict {error.expected_version}->{error.actual_version}")

    workers = [threading.Thread(target=save) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["conflict 1->2"] * 7 + ["saved"]


# ---------------------------------------------------------------------- errors


@postgres
def test_driver_errors_come_out_as_storage_errors(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    raw(postgres_url, schema_of(postgres_store), "DROP TABLE records")
    with pytest.raises(StorageError, match="records") as failed:
        postgres_store.enterprises.count()
    assert not isinstance(failed.value, psycopg.Error)
    assert isinstance(failed.value.__cause__, psycopg.errors.UndefinedTable)


@postgres
def test_a_lost_connection_is_store_unavailable(
    postgres_url: str, postgres_schemas: Callable[[], str]
) -> None:
    schema = postgres_schemas()
    name = f"lost-{schema}"
    with open_store(f"{postgres_url}?schema={schema}&application_name={name}") as store:
        store.problems.add(registered("p-1"))
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [name],
            ).fetchall()
        assert killed == [(True,)]
        with pytest.raises(StoreUnavailableError) as lost:
            store.problems.count()
        assert not isinstance(lost.value, psycopg.Error)
        # The pool replaces the broken connection.
        assert store.problems.count() == 1


@postgres
def test_a_tampered_history_is_refused_on_reading(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    postgres_store.problems.add(assigned(registered("p-1")))
    raw(
        postgres_url,
        schema_of(postgres_store),
        "UPDATE transitions SET to_state = 'closed' WHERE sequence = 2",
    )
    with pytest.raises(HistoryError):
        postgres_store.problems.get(ProblemId("p-1"))


@postgres
def test_a_closed_store_says_so(postgres_store: PostgresStore) -> None:
    postgres_store.close()
    with pytest.raises(StorageError, match="closed"):
        postgres_store.problems.count()
