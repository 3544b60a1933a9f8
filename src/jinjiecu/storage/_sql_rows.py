"""The rows the SQL stores write and read: columns, and records, problems and transitions as rows.

Private to :mod:`jinjiecu.storage.sql`, which re-exports what other modules
use. The functions that build a problem's and a transition's row run once
per problem and per transition in bulk loads, so they are written out by hand.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.problem import Problem, Standing, Transition
from jinjiecu.errors import StorageError
from jinjiecu.serialization import structure, unstructure
from jinjiecu.storage.integrity import data_text

if TYPE_CHECKING:
    import datetime as dt
    import enum
    from collections.abc import Iterator, Sequence

    from jinjiecu.storage._sql_schema import Dialect
    from jinjiecu.storage.base import RecordKind

__all__ = [
    "PROBLEM_COLUMNS",
    "RECORD_COLUMNS",
    "REWRITE_PROBLEM",
    "STANDING_COLUMNS",
    "TRANSITION_COLUMNS",
    "TRANSITION_READ",
    "UPDATE_PROBLEM",
    "from_json",
    "json_text",
    "problem_row",
    "read_transition",
    "record_row",
    "rows_of",
    "text_or_none",
    "transition_row",
    "transition_rows",
]

RECORD_COLUMNS = (
    "kind",
    "id",
    "version",
    "region_id",
    "campaign_id",
    "work_group_id",
    "enterprise_id",
    "day",
    "unique_key",
    "data",
)
PROBLEM_COLUMNS = (
    "id",
    "version",
    "state",
    "category",
    "scope",
    "level",
    "region_id",
    "campaign_id",
    "work_group_id",
    "enterprise_id",
    "project_id",
    "visit_id",
    "lead_department_id",
    "registered_at",
    "registered_on",
    "deadline",
    # The read model (schema version 3): where the problem stands now.
    "suspended_on",
    "settlement",
    "settled_on",
    "first_assigned_on",
    "ever_settled",
    "ever_reopened",
    "follow_up_outcome",
    "follow_up_satisfaction",
    "last_at",
)
"""The columns of a ``problems`` row: the registration's fields, and where the problem
stands now (the read model), as its last transition's standing says."""
STANDING_COLUMNS = (
    "level",
    "lead_department_id",
    "deadline",
    "suspended_on",
    "settlement",
    "settled_on",
    "first_assigned_on",
    "ever_settled",
    "ever_reopened",
    "follow_up_outcome",
    "follow_up_satisfaction",
)
"""The columns of a transition row that say where the problem stood after it."""
TRANSITION_COLUMNS = (
    "problem_id",
    "sequence",
    "event",
    "from_state",
    "to_state",
    "at",
    "at_text",
    "on_day",
    "actor_kind",
    "actor_id",
    "actor_name",
    "note",
    "data",
    *STANDING_COLUMNS,
)
# A problem's row rewritten from its history (the read model rebuilt) ...
REWRITE_PROBLEM = (
    "UPDATE problems SET "
    + ", ".join(f"{column} = ?" for column in PROBLEM_COLUMNS[1:])
    + " WHERE id = ?"
)
# ... and, on a write, with the version check in the same statement.
UPDATE_PROBLEM = REWRITE_PROBLEM + " AND version = ?"
TRANSITION_READ = (
    "t.problem_id, t.sequence, t.event, t.from_state, t.to_state, t.at_text, "
    "t.actor_kind, t.actor_id, t.actor_name, t.note, t.data"
)

# One encoder, built once: json.dumps with these options would build one per call.
json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def text_or_none(value: str | None) -> str | None:
    # Plain str: sqlite3 binds a str subclass (a typed id) several times slower.
    return None if value is None else str(value)


def record_row(kind: RecordKind[Any, Any], record: Any, dialect: Dialect) -> tuple[Any, ...]:
    """The ``records`` row of a new record (version 1)."""
    index = kind.index(record)
    return (
        kind.name,
        str(kind.id_of(record)),
        1,
        text_or_none(index.region_id),
        text_or_none(index.campaign_id),
        text_or_none(index.work_group_id),
        text_or_none(index.enterprise_id),
        None if index.day is None else dialect.to_day(index.day),
        index.unique_key,
        json_text(unstructure(record)),
    )


# The two functions below run once per problem and per transition in bulk loads,
# so they are written out by hand: exact str for ids, ``_value_`` (the enum
# member's stored value, without the ``value`` property's overhead), and the
# local date taken directly (the domain already checked the moments are aware).


def problem_row(
    problem: Problem, dialect: Dialect, standing: Standing | None = None
) -> tuple[Any, ...]:
    """The ``problems`` row of ``problem``: its fields, and where it stands now.

    ``standing`` is the problem's standing now (:meth:`Standing.of
    <jinjiecu.domain.problem.Standing.of>`), given when the caller has it.
    """
    now = Standing.of(problem) if standing is None else standing
    registered_at = problem.registered_at
    campaign_id = problem.campaign_id
    work_group_id = problem.work_group_id
    enterprise_id = problem.enterprise_id
    project_id = problem.project_id
    visit_id = problem.visit_id
    return (
        str(problem.id),
        len(problem.transitions),
        now.state._value_,
        str(problem.category),
        problem.scope._value_,
        now.level._value_,
        str(problem.region_id),
        None if campaign_id is None else str(campaign_id),
        None if work_group_id is None else str(work_group_id),
        None if enterprise_id is None else str(enterprise_id),
        None if project_id is None else str(project_id),
        None if visit_id is None else str(visit_id),
        text_or_none(now.lead_department_id),
        dialect.to_instant(registered_at),
        dialect.to_day(registered_at.astimezone(CHINA_TZ).date()),
        _day_or_none(now.deadline, dialect),
        _day_or_none(now.suspended_on, dialect),
        _value_or_none(now.settlement),
        _day_or_none(now.settled_on, dialect),
        _day_or_none(now.first_assigned_on, dialect),
        int(now.ever_settled),
        int(now.ever_reopened),
        _value_or_none(now.follow_up_outcome),
        _value_or_none(now.follow_up_satisfaction),
        dialect.to_instant(problem.transitions[-1].at),
    )


def transition_rows(
    problem: Problem, dialect: Dialect, *, after: int = 0
) -> Iterator[tuple[Any, ...]]:
    """The ``transitions`` rows of ``problem``'s transitions after the first ``after``."""
    for transition, standing in zip(problem.transitions, problem.standings(), strict=True):
        if transition.sequence > after:
            yield transition_row(transition, standing, dialect)


def _day_or_none(day: dt.date | None, dialect: Dialect) -> Any:
    return None if day is None else dialect.to_day(day)


def _value_or_none(member: enum.Enum | None) -> str | None:
    return None if member is None else member._value_


def transition_row(transition: Transition, standing: Standing, dialect: Dialect) -> tuple[Any, ...]:
    """The ``transitions`` row of one transition and where the problem stood after it."""
    at = transition.at
    actor = transition.actor
    from_state = transition.from_state
    return (
        str(transition.problem_id),
        transition.sequence,
        transition.event._value_,
        None if from_state is None else from_state._value_,
        transition.to_state._value_,
        dialect.to_instant(at),
        at.isoformat(),
        dialect.to_day(at.astimezone(CHINA_TZ).date()),
        actor.kind._value_,
        actor.id,
        actor.name,
        transition.note,
        data_text(transition.data),
        standing.level._value_,
        text_or_none(standing.lead_department_id),
        _day_or_none(standing.deadline, dialect),
        _day_or_none(standing.suspended_on, dialect),
        _value_or_none(standing.settlement),
        _day_or_none(standing.settled_on, dialect),
        _day_or_none(standing.first_assigned_on, dialect),
        int(standing.ever_settled),
        int(standing.ever_reopened),
        _value_or_none(standing.follow_up_outcome),
        _value_or_none(standing.follow_up_satisfaction),
    )


def rows_of(
    problems: Sequence[Problem], dialect: Dialect
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The ``problems`` and ``transitions`` rows of ``problems``, each history folded once."""
    problem_rows: list[tuple[Any, ...]] = []
    history_rows: list[tuple[Any, ...]] = []
    for problem in problems:
        standing = None
        for transition, standing in zip(problem.transitions, problem.standings(), strict=True):
            history_rows.append(transition_row(transition, standing, dialect))
        problem_rows.append(problem_row(problem, dialect, standing))
    return problem_rows, history_rows


def from_json(text: str) -> Any:
    """Parse stored JSON; damaged text raises :class:`~jinjiecu.errors.StorageError`."""
    try:
        return json.loads(text)
    except ValueError as error:
        message = f"a stored record is damaged (not JSON: {error}): {text[:80]!r}"
        raise StorageError(message) from None


def read_transition(row: Sequence[Any]) -> Transition:
    """A transition from a row of ``TRANSITION_READ`` columns."""
    problem_id, sequence, event, from_state, to_state, at_text, kind, actor_id, name, note, data = (
        row
    )
    value = {
        "problem_id": problem_id,
        "sequence": sequence,
        "event": event,
        "from_state": from_state,
        "to_state": to_state,
        "at": at_text,
        "actor": {"kind": kind, "id": actor_id, "name": name},
        "data": from_json(data),
        "note": note,
    }
    return structure(value, Transition)
