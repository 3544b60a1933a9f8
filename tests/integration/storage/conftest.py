"""Fixtures for the SQL stores: a fresh SQLite file, a fresh PostgreSQL schema.

PostgreSQL tests use the server of the ``postgres_url`` fixture (in the
top-level ``conftest.py``). Each test gets a schema of its own, dropped
afterwards.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from jinjiecu.storage import MemoryStore, Store
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from jinjiecu.storage.postgres import PostgresStore


def drop_schema(url: str, schema: str) -> None:
    """Drop ``schema`` and everything in it."""
    import psycopg  # noqa: PLC0415 - optional dependency
    from psycopg import sql  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


@pytest.fixture
def postgres_schemas(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Make fresh, uniquely named schema names; every one is dropped after the test."""
    made: list[str] = []

    def new() -> str:
        made.append(f"jinjiecu_test_{uuid.uuid4().hex[:12]}")
        return made[-1]

    yield new
    for schema in made:
        drop_schema(postgres_url, schema)


@pytest.fixture
def postgres_store(
    postgres_url: str, postgres_schemas: Callable[[], str]
) -> Iterator[PostgresStore]:
    """A PostgreSQL store in a fresh schema of its own."""
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

    store = PostgresStore(postgres_url, schema=postgres_schemas(), max_size=4)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """An SQLite store in a fresh file."""
    store = SQLiteStore(tmp_path / "store.db")
    yield store
    store.close()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Make fresh, empty stores of one kind (each adapter in turn); all closed afterwards."""
    opened: list[Store] = []
    if request.param == "postgres":
        # Asked for before any store opens, so the schemas are dropped after the stores close.
        url = request.getfixturevalue("postgres_url")
        schemas = request.getfixturevalue("postgres_schemas")

    def memory() -> Store:
        return MemoryStore()

    def sqlite() -> Store:
        return SQLiteStore(tmp_path / f"store-{len(opened)}.db")

    def postgres() -> Store:
        from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

        return PostgresStore(url, schema=schemas(), max_size=4)

    makers = {"memory": memory, "sqlite": sqlite, "postgres": postgres}

    def new() -> Store:
        opened.append(makers[request.param]())
        return opened[-1]

    yield new
    for store in opened:
        store.close()
