"""The problem workflow as data: states, events and the transition table.

A problem's state is never set directly. Each event moves it along one row of
:data:`TRANSITIONS`, and the table is checked when this module is imported:
exactly one initial state, every state reachable from it, and no way out of a
final state except reopening. A broken table fails at import with a
:class:`~jinjiecu.errors.WorkflowDefinitionError`.

>>> TRANSITIONS[Event.START].sources
frozenset({<ProblemState.ASSIGNED: 'assigned'>})
>>> TRANSITIONS[Event.ESCALATE].target is None  # keeps the state
True
>>> sorted(event.value for event in events_from(ProblemState.RESOLVED))
['close', 'follow_up', 'recount_deadline', 'reopen']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.errors import WorkflowDefinitionError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "ACTIVE_STATES",
    "EXCLUDED_STATES",
    "FINAL_STATES",
    "INITIAL_STATE",
    "SYSTEM_EVENTS",
    "TRANSITIONS",
    "Event",
    "ProblemState",
    "TransitionRule",
    "check_table",
    "events_from",
    "target_of",
]


class ProblemState(LabelledEnum):
    """Where a problem stands. The labels are the ones ledgers use."""

    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "正在办理"
    SUSPENDED = "suspended", "暂缓"
    RESOLVED = "resolved", "已解决"
    EXPLAINED = "explained", "已解释"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    WITHDRAWN = "withdrawn", "已撤回"
    MERGED = "merged", "已合并"


class Event(LabelledEnum):
    """What can happen to a problem."""

    REGISTER = "register", "登记"
    ASSIGN = "assign", "交办"
    REASSIGN = "reassign", "改派"
    START = "start", "开始办理"
    ESCALATE = "escalate", "提级协调"
    EXTEND_DEADLINE = "extend_deadline", "延期"
    SUSPEND = "suspend", "暂缓"
    RESUME = "resume", "恢复办理"
    RECOUNT_DEADLINE = "recount_deadline", "时限重算"
    RESOLVE = "resolve", "解决"
    EXPLAIN = "explain", "解释"
    FOLLOW_UP = "follow_up", "回访"
    CLOSE = "close", "办结"
    REOPEN = "reopen", "重办"
    REJECT = "reject", "不予受理"
    WITHDRAW = "withdraw", "撤回"
    MERGE_INTO = "merge_into", "合并"


@attrs.frozen(kw_only=True)
class TransitionRule:
    """One row of the table: the states an event may start from, and where it leads.

    ``None`` among the sources means "no problem yet" (registration);
    a ``target`` of ``None`` means the event keeps the current state.
    """

    sources: frozenset[ProblemState | None]
    target: ProblemState | None


S = ProblemState
_OPEN = frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED})


def _rule(sources: Iterable[ProblemState | None], target: ProblemState | None) -> TransitionRule:
    return TransitionRule(sources=frozenset(sources), target=target)


TRANSITIONS: Mapping[Event, TransitionRule] = {
    Event.REGISTER: _rule([None], S.REGISTERED),
    Event.ASSIGN: _rule([S.REGISTERED], S.ASSIGNED),
    Event.REASSIGN: _rule([S.ASSIGNED, S.IN_PROGRESS], None),
    Event.START: _rule([S.ASSIGNED], S.IN_PROGRESS),
    Event.ESCALATE: _rule([S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS], None),
    Event.EXTEND_DEADLINE: _rule([S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED], None),
    Event.SUSPEND: _rule([S.IN_PROGRESS], S.SUSPENDED),
    Event.RESUME: _rule([S.SUSPENDED], S.IN_PROGRESS),
    # Recorded by the store when a holiday notice moves a deadline counted over its year.
    Event.RECOUNT_DEADLINE: _rule(
        [S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED, S.RESOLVED, S.EXPLAINED, S.CLOSED], None
    ),
    # On-site office sessions (现场办公) settle some problems the day they are raised.
    Event.RESOLVE: _rule([S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS], S.RESOLVED),
    Event.EXPLAIN: _rule([S.ASSIGNED, S.IN_PROGRESS], S.EXPLAINED),
    Event.FOLLOW_UP: _rule([S.RESOLVED, S.EXPLAINED, S.CLOSED], None),
    Event.CLOSE: _rule([S.RESOLVED, S.EXPLAINED], S.CLOSED),
    Event.REOPEN: _rule([S.RESOLVED, S.EXPLAINED, S.CLOSED], S.IN_PROGRESS),
    Event.REJECT: _rule([S.REGISTERED, S.ASSIGNED], S.REJECTED),
    Event.WITHDRAW: _rule(_OPEN, S.WITHDRAWN),
    Event.MERGE_INTO: _rule(_OPEN, S.MERGED),
}
"""For each event, the states it may start from and the state it leads to."""

INITIAL_STATE = S.REGISTERED
"""The state every problem starts in."""

FINAL_STATES = frozenset({S.CLOSED, S.REJECTED, S.WITHDRAWN, S.MERGED})
"""States a problem normally ends in; only :attr:`Event.REOPEN` leaves one (closed)."""

EXCLUDED_STATES = frozenset({S.REJECTED, S.WITHDRAWN, S.MERGED})
"""Final states that do not count as problems handled (rejected, withdrawn, duplicates)."""

ACTIVE_STATES = frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED})
"""States in which a problem is still being handled (正在办理, in the broad sense)."""

SYSTEM_EVENTS = frozenset({Event.RECOUNT_DEADLINE})
"""Events the store records itself (a deadline recounted on a new calendar), never by hand."""


def target_of(event: Event, state: ProblemState) -> ProblemState:
    """The state ``event`` leads to from ``state`` (the table must allow it)."""
    target = TRANSITIONS[event].target
    return state if target is None else target


def events_from(state: ProblemState | None) -> tuple[Event, ...]:
    """The events the table allows from ``state``, in declaration order (guards aside)."""
    return tuple(event for event, rule in TRANSITIONS.items() if state in rule.sources)


def check_table(
    table: Mapping[Event, TransitionRule],
    *,
    final_states: frozenset[ProblemState],
    reopen_events: frozenset[Event],
) -> ProblemState:
    """Check that a transition table is well formed and return its initial state.

    Rules: exactly one state is entered from nothing (the initial state); every
    state is reachable from it; an event leaving a final state for another
    state must be one of ``reopen_events``; every event has a row.

    Raises:
        WorkflowDefinitionError: naming the rule that is broken.
    """
    missing = [event.value for event in Event if event not in table]
    if missing:
        msg = f"transition table has no row for: {', '.join(missing)}"
        raise WorkflowDefinitionError(msg)
    initial = {rule.target for rule in table.values() if None in rule.sources}
    start = next(iter(initial)) if len(initial) == 1 else None
    if start is None:
        names = sorted(s.value if s else "(keeps no state)" for s in initial)
        msg = f"transition table must enter exactly one initial state from nothing, found {names}"
        raise WorkflowDefinitionError(msg)
    reached = {start}
    frontier = [start]
    while frontier:
        state = frontier.pop()
        for rule in table.values():
            if state in rule.sources:
                target = state if rule.target is None else rule.target
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    unreachable = sorted(s.value for s in ProblemState if s not in reached)
    if unreachable:
        msg = f"states not reachable from {start.value}: {', '.join(unreachable)}"
        raise WorkflowDefinitionError(msg)
    for event, rule in table.items():
        for source in rule.sources:
            leaves = rule.target is not None and rule.target != source
            if source in final_states and leaves and event not in reopen_events:
                allowed = ", ".join(sorted(e.value for e in reopen_events))
                msg = (
                    f"final state {source.value} has an exit by {event.value}; "
                    f"only {allowed} may leave one"
                )
                raise WorkflowDefinitionError(msg)
    return start


# Checked once, at import: a broken table never reaches a running office.
if (
    check_table(TRANSITIONS, final_states=FINAL_STATES, reopen_events=frozenset({Event.REOPEN}))
    is not INITIAL_STATE
):
    _message = "the table's initial state is not INITIAL_STATE"
    raise WorkflowDefinitionError(_message)
