"""A store written by the release before notices opens, gains the notices table and loses nothing.

``tests/data/store-v1.sqlite.gz`` was written by that release (schema version
1); ``tests/data/store-v1.json`` holds what it saw in it (see
``tests/data/make_store_v1.py``). PostgreSQL is taken back to version 1 by
hand: the notices table dropped and the version set back, as the old release
left its databases.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.calendar import HolidayNotice, china_calendar
from jinjiecu.domain.clock import CHINA_TZ, end_of_day
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.serialization import unstructure
from jinjiecu.storage import sql
from jinjiecu.storage.integrity import Checkpoint, verify
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinjiecu.storage.base import Store

DATA = Path(__file__).resolve().parents[2] / "data"
FACTS = json.loads((DATA / "store-v1.json").read_text(encoding="utf-8"))
TEST_NOTICE = HolidayNotice.from_toml((DATA / "notice-2027-test.toml").read_text(encoding="utf-8"))
CLERK = Actor(kind=ActorKind.CLERK, id="wang", name="王芳")
needs_2027 = pytest.mark.skipif(
    china_calendar().official_years[-1] != 2026,
    reason="the test notice is for 2027; the holidays package now covers it",
)


def _clock() -> dt.datetime:
    return dt.datetime(2027, 1, 25, 17, 0, tzinfo=CHINA_TZ)


def _old_database(tmp_path: Path) -> Path:
    target = tmp_path / "store-v1.sqlite"
    with gzip.open(DATA / "store-v1.sqlite.gz") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    return target


def _without_provisional(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name != "provisional_years"}


def _holds_what_the_old_release_wrote(store: Store) -> None:
    assert verify(store).ok
    assert store.head() == Checkpoint(**FACTS["head"])
    assert store.problems.count() == FACTS["problem_count"]
    problems = json.dumps(
        unstructure(store.problems.list(limit=10_000)), sort_keys=True, ensure_ascii=False
    )
    assert hashlib.sha256(problems.encode()).hexdigest() == FACTS["problems"]
    as_of_2019 = dt.datetime(2019, 11, 13, 23, 59, 59, 999999, tzinfo=CHINA_TZ)
    total_2019 = problem_summary(store, as_of=as_of_2019, by=Dimension.WORK_GROUP).total
    assert _without_provisional(unstructure(total_2019)) == FACTS["summary_2019"]
    total_2026 = problem_summary(store, as_of=end_of_day(dt.date(2026, 12, 20))).total
    assert _without_provisional(unstructure(total_2026)) == FACTS["summary_2026"]
    assert store.audit.count() == FACTS["audit_entries"]


def _counts_across_the_new_year(store: Store) -> None:
    """A deadline counted into 2027 on the upgraded store, then the test notice moving it."""
    details = Register(
        title="春节前问题",
        category="land_use",
        region_id=RegionId("371400"),
        enterprise_id=EnterpriseId("e-upgrade"),
    )
    at = dt.datetime(2027, 1, 25, 9, tzinfo=CHINA_TZ)
    store.problems.add(Problem.register(details, at=at, actor=CLERK, id=ProblemId("p-upgrade")))
    assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
    assigned = store.problems.apply(ProblemId("p-upgrade"), assign, at=at, actor=CLERK)
    assert assigned.deadline == dt.date(2027, 2, 17)
    change = store.holiday_notices.add(TEST_NOTICE, actor=CLERK)
    assert [(m.problem_id, m.new_deadline) for m in change.moved] == [
        ("p-upgrade", dt.date(2027, 2, 20))
    ]
    assert verify(store).ok


@needs_2027
def test_a_sqlite_store_of_the_previous_release_opens_and_gains_the_notices_table(
    tmp_path: Path,
) -> None:
    path = _old_database(tmp_path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT value FROM meta").fetchall() == [("1",)]
    with SQLiteStore(path, clock=_clock) as store:
        _holds_what_the_old_release_wrote(store)
        assert store.holiday_notices.list() == []
        _counts_across_the_new_year(store)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT value FROM meta").fetchall() == [
            (str(sql.SCHEMA_VERSION),)
        ]
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'holiday_notices'"
        ).fetchall()
        assert tables == [("holiday_notices",)]
    with SQLiteStore(path) as reopened:  # opening again changes nothing
        assert reopened.holiday_notices.current()[2027].notice == TEST_NOTICE
        assert verify(reopened).ok


@needs_2027
@pytest.mark.postgres
def test_a_postgres_store_at_version_1_gains_the_notices_table(
    postgres_url: str, postgres_schemas: Callable[[], str]
) -> None:
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

    psycopg = pytest.importorskip("psycopg")
    schema = postgres_schemas()
    with PostgresStore(postgres_url, schema=schema, max_size=2) as store:
        details = Register(
            title="旧版本登记的问题",
            category="land_use",
            region_id=RegionId("371400"),
            enterprise_id=EnterpriseId("e-old"),
        )
        moment = dt.datetime(2026, 12, 1, 9, tzinfo=CHINA_TZ)
        old = Problem.register(details, at=moment, actor=CLERK, id=ProblemId("p-old"))
        store.problems.add(old)
        head = store.head()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(
            psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema))
        )
        # What version 1 had: no notices table (2), no read model (3).
        connection.execute("DROP TABLE holiday_notices")
        connection.execute("DROP INDEX problems_last_at")
        for column in sql.PROBLEM_COLUMNS[sql.PROBLEM_COLUMNS.index("suspended_on") :]:
            connection.execute(
                psycopg.sql.SQL("ALTER TABLE problems DROP COLUMN {}").format(
                    psycopg.sql.Identifier(column)
                )
            )
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with PostgresStore(postgres_url, schema=schema, max_size=2, clock=_clock) as store:
        assert store.head() == head
        assert store.problems.get(ProblemId("p-old")) == old
        assert verify(store).ok
        _counts_across_the_new_year(store)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(
            psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema))
        )
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        assert version.fetchall() == [(str(sql.SCHEMA_VERSION),)]
