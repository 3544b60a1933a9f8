"""The SQLite and PostgreSQL stores agree with the memory store, step by random step.

The state machine of :mod:`jinjiecu.testing.stateful` runs the same random
operations on a memory store (the model) and the stores under test, and
compares every result. The PostgreSQL run is skipped, saying why, without a
reachable server unless JINJIECU_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

from jinjiecu.storage.memory import MemoryStore
from jinjiecu.storage.sqlite import SQLiteStore
from jinjiecu.testing.stateful import StoresAgree, run_against_model, run_stores_agree

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jinjiecu.storage.base import Store


def sqlite_factory(directory: Path) -> Callable[[], Store]:
    """Make a new SQLite store in a new file of ``directory`` each time it is called."""
    numbers = itertools.count()
    return lambda: SQLiteStore(directory / f"agree-{next(numbers)}.db")


def test_the_sqlite_store_agrees_with_the_model(tmp_path: Path) -> None:
    run_against_model(sqlite_factory(tmp_path))


@pytest.mark.postgres
def test_the_sqlite_and_postgres_stores_agree_with_the_model(
    tmp_path: Path, postgres_url: str, postgres_schemas: Callable[[], str]
) -> None:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

    def postgres() -> Store:
        return PostgresStore(postgres_url, schema=postgres_schemas(), max_size=2)

    run_stores_agree({"sqlite": sqlite_factory(tmp_path), "postgres": postgres})


def test_the_model_agrees_with_itself() -> None:
    # The machine's own check: two memory stores never disagree.
    run_against_model(MemoryStore)


def test_a_machine_needs_a_store_to_check() -> None:
    with pytest.raises(ValueError, match="at least one store"):
        StoresAgree.with_stores()
