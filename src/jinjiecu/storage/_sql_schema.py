"""The SQL stores' dialects and their schema, as data: the DDL of each migration, in order.

:class:`Dialect` says how one database spells the schema's types and receives
its values (:data:`SQLITE`, :data:`POSTGRES`); :data:`MIGRATIONS` lists every
schema change, each a :class:`Migration` whose statements are written for a
dialect.

Private to :mod:`jinjiecu.storage`: :mod:`jinjiecu.storage.sql` exports (and
documents) every name here, describes the tables, and applies the migrations
(``migrate``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from jinjiecu.storage.integrity import GENESIS

__all__ = ["MIGRATIONS", "POSTGRES", "SCHEMA_VERSION", "SQLITE", "Dialect", "Migration"]


# ---------------------------------------------------------------------- dialects


def _identity(value: Any) -> Any:
    return value


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _microseconds(moment: dt.datetime) -> int:
    """Microseconds since the Unix epoch, exact (no float), of an aware datetime."""
    return (moment - _EPOCH) // _MICROSECOND


@attrs.frozen
class Dialect:
    """How one database spells the schema's types and receives its values."""

    name: str
    code: str
    """Column type of ids and codes."""
    day: str
    """Column type of dates."""
    instant: str
    """Column type of UTC instants."""
    json: str
    """Column type of JSON documents."""
    clustered: str
    """What makes a table stored in primary-key order (read back in that order, in one pass)."""
    meta_exists: str
    """A query that returns a row if the ``meta`` table exists."""
    placeholder: str
    to_day: Callable[[dt.date], Any]
    to_instant: Callable[[dt.datetime], Any]
    lock: str = ""
    """What a ``SELECT`` ends with to lock the rows it reads until the transaction ends."""
    sequence: str = "BIGINT"
    """Column type of chain sequence numbers (INTEGER in SQLite, so the key is the rowid)."""

    def prepare(self, sql: str) -> str:
        """The statement with this dialect's placeholders (the library's SQL has no other ``?``)."""
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)


SQLITE = Dialect(
    name="sqlite",
    code="TEXT",
    day="TEXT",
    instant="INTEGER",
    json="TEXT",
    clustered=" WITHOUT ROWID",
    meta_exists="SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
    placeholder="?",
    to_day=dt.date.isoformat,
    to_instant=_microseconds,
    sequence="INTEGER",
)

POSTGRES = Dialect(
    name="postgresql",
    code='TEXT COLLATE "C"',
    day="DATE",
    instant="TIMESTAMPTZ",
    json="JSON",  # JSON, not JSONB: the text is kept exactly as written
    clustered="",  # a heap; histories are read through the primary key's index
    meta_exists=(
        "SELECT 1 FROM pg_catalog.pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'meta'"
    ),
    placeholder="%s",
    to_day=_identity,
    to_instant=_identity,
    lock=" FOR UPDATE",
)


# ---------------------------------------------------------------------- schema and migrations

_SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE records (
    kind {code} NOT NULL,
    id {code} NOT NULL,
    version INTEGER NOT NULL,
    region_id {code},
    campaign_id {code},
    work_group_id {code},
    enterprise_id {code},
    day {day},
    unique_key {code},
    data {json} NOT NULL,
    PRIMARY KEY (kind, id),
    UNIQUE (kind, unique_key)
);
CREATE INDEX records_region ON records (kind, region_id, id);
CREATE INDEX records_campaign ON records (kind, campaign_id, id);
CREATE INDEX records_work_group ON records (kind, work_group_id, id);
CREATE INDEX records_enterprise ON records (kind, enterprise_id, id);
CREATE INDEX records_day ON records (kind, day);
CREATE TABLE problems (
    id {code} PRIMARY KEY,
    version INTEGER NOT NULL,
    state {code} NOT NULL,
    category {code} NOT NULL,
    scope {code} NOT NULL,
    level {code} NOT NULL,
    region_id {code} NOT NULL,
    campaign_id {code},
    work_group_id {code},
    enterprise_id {code},
    project_id {code},
    visit_id {code},
    lead_department_id {code},
    registered_at {instant} NOT NULL,
    registered_on {day} NOT NULL,
    deadline {day}
);
CREATE INDEX problems_state ON problems (state);
CREATE INDEX problems_category ON problems (category);
CREATE INDEX problems_scope ON problems (scope);
CREATE INDEX problems_level ON problems (level);
CREATE INDEX problems_region ON problems (region_id);
CREATE INDEX problems_campaign ON problems (campaign_id);
CREATE INDEX problems_work_group ON problems (work_group_id);
CREATE INDEX problems_enterprise ON problems (enterprise_id);
CREATE INDEX problems_lead_department ON problems (lead_department_id);
CREATE INDEX problems_registered_on ON problems (registered_on);
CREATE TABLE transitions (
    problem_id {code} NOT NULL REFERENCES problems (id),
    sequence INTEGER NOT NULL,
    event {code} NOT NULL,
    from_state {code},
    to_state {code} NOT NULL,
    at {instant} NOT NULL,
    at_text TEXT NOT NULL,
    on_day {day} NOT NULL,
    actor_kind {code} NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    note TEXT NOT NULL,
    data {json} NOT NULL,
    level {code} NOT NULL,
    lead_department_id {code},
    deadline {day},
    suspended_on {day},
    settlement {code},
    settled_on {day},
    first_assigned_on {day},
    ever_settled INTEGER NOT NULL,
    ever_reopened INTEGER NOT NULL,
    follow_up_outcome {code},
    follow_up_satisfaction {code},
    PRIMARY KEY (problem_id, sequence)
){clustered};
CREATE INDEX transitions_at ON transitions (at);
CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    problem_id {code} NOT NULL REFERENCES problems (id),
    version INTEGER NOT NULL
);
CREATE TABLE record_versions (
    kind {code} NOT NULL,
    id {code} NOT NULL,
    version INTEGER NOT NULL,
    data {json} NOT NULL,
    PRIMARY KEY (kind, id, version)
){clustered};
CREATE TABLE chain (
    seq {sequence} PRIMARY KEY,
    kind {code} NOT NULL,
    key TEXT NOT NULL,
    digest {code} NOT NULL
);
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY,
    seq {sequence} NOT NULL,
    digest {code} NOT NULL
);
INSERT INTO chain_head (id, seq, digest) VALUES (1, 0, '{genesis}');
CREATE TABLE audit (
    seq {sequence} PRIMARY KEY,
    at {instant} NOT NULL,
    at_text TEXT NOT NULL,
    actor_kind {code} NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action {code} NOT NULL,
    object_kind {code} NOT NULL,
    object_id TEXT NOT NULL,
    outcome {code} NOT NULL,
    detail TEXT NOT NULL
)
"""


def _statements(script: str, dialect: Dialect) -> list[str]:
    text = script.format(
        code=dialect.code,
        day=dialect.day,
        instant=dialect.instant,
        json=dialect.json,
        clustered=dialect.clustered,
        genesis=GENESIS,
        sequence=dialect.sequence,
    )
    return [statement.strip() for statement in text.split(";") if statement.strip()]


@attrs.frozen
class Migration:
    """One step of the schema: it takes a database from ``version - 1`` to ``version``."""

    version: int
    description: str
    statements: Callable[[Dialect], list[str]]


_SCHEMA_V2 = """
CREATE TABLE holiday_notices (
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    entered_at {instant} NOT NULL,
    data {json} NOT NULL,
    PRIMARY KEY (year, version)
)
"""

# The read model: each problem's row also holds where it stands now (the standing
# of its last transition) and when that transition happened, so that figures as of
# now read one row per problem. Filled from each problem's last transition, which
# holds the same standing (written by the same fold).
_READ_MODEL_COLUMNS = (
    ("suspended_on", "{day}"),
    ("settlement", "{code}"),
    ("settled_on", "{day}"),
    ("first_assigned_on", "{day}"),
    ("ever_settled", "INTEGER NOT NULL DEFAULT 0"),
    ("ever_reopened", "INTEGER NOT NULL DEFAULT 0"),
    ("follow_up_outcome", "{code}"),
    ("follow_up_satisfaction", "{code}"),
    ("last_at", "{instant}"),
)
_SCHEMA_V3 = (
    ";".join(f"ALTER TABLE problems ADD COLUMN {name} {kind}" for name, kind in _READ_MODEL_COLUMNS)
    + """;
UPDATE problems SET (
    suspended_on, settlement, settled_on, first_assigned_on, ever_settled, ever_reopened,
    follow_up_outcome, follow_up_satisfaction, last_at
) = (
    SELECT t.suspended_on, t.settlement, t.settled_on, t.first_assigned_on, t.ever_settled,
        t.ever_reopened, t.follow_up_outcome, t.follow_up_satisfaction, t.at
    FROM transitions t WHERE t.problem_id = problems.id AND t.sequence = problems.version
);
CREATE INDEX problems_last_at ON problems (last_at, registered_at, id)
"""
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "records, problems, transitions, idempotency", lambda d: _statements(_SCHEMA_V1, d)
    ),
    Migration(2, "holiday notices kept in the store", lambda d: _statements(_SCHEMA_V2, d)),
    Migration(
        3,
        "the read model: where each problem stands now, in its row",
        lambda d: _statements(_SCHEMA_V3, d),
    ),
)
# MIGRATIONS and SCHEMA_VERSION are documented in jinjiecu.storage.sql, which binds them
# again with their documentation; the stores read its MIGRATIONS when they open.

SCHEMA_VERSION = len(MIGRATIONS)
