from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pytest

from jinjiecu.domain.workflow import (
    ACTIVE_STATES,
    EXCLUDED_STATES,
    FINAL_STATES,
    INITIAL_STATE,
    SYSTEM_EVENTS,
    TRANSITIONS,
    Event,
    ProblemState,
    TransitionRule,
    check_table,
    events_from,
    target_of,
)
from jinjiecu.errors import WorkflowDefinitionError, WorkflowError

if TYPE_CHECKING:
    from collections.abc import Iterable

S = ProblemState
E = Event
REOPEN_ONLY = frozenset({Event.REOPEN})
OPEN = frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED})


def rule(sources: Iterable[ProblemState | None], target: ProblemState | None) -> TransitionRule:
    return TransitionRule(sources=frozenset(sources), target=target)


def check(table: dict[Event, TransitionRule]) -> ProblemState:
    return check_table(table, final_states=FINAL_STATES, reopen_events=REOPEN_ONLY)


def refusal(table: dict[Event, TransitionRule]) -> str:
    with pytest.raises(WorkflowDefinitionError) as caught:
        check(table)
    assert isinstance(caught.value, WorkflowError)
    return str(caught.value)


# ---------------------------------------------------------------- labels


def test_states_carry_the_ledger_labels() -> None:
    assert {state.value: state.label for state in ProblemState} == {
        "registered": "已登记",
        "assigned": "已交办",
        "in_progress": "正在办理",
        "suspended": "暂缓",
        "resolved": "已解决",
        "explained": "已解释",
        "closed": "已办结",
        "rejected": "不予受理",
        "withdrawn": "已撤回",
        "merged": "已合并",
    }


def test_events_carry_chinese_labels() -> None:
    assert {event.value: event.label for event in Event} == {
        "register": "登记",
        "assign": "交办",
        "reassign": "改派",
        "start": "开始办理",
        "escalate": "提级协调",
        "extend_deadline": "延期",
        "suspend": "暂缓",
        "resume": "恢复办理",
        "recount_deadline": "时限重算",
        "resolve": "解决",
        "explain": "解释",
        "follow_up": "回访",
        "close": "办结",
        "reopen": "重办",
        "reject": "不予受理",
        "withdraw": "撤回",
        "merge_into": "合并",
    }


def test_a_state_parses_from_its_label_as_typed_in_a_ledger() -> None:
    assert ProblemState.parse(" 正在办理 ") is ProblemState.IN_PROGRESS
    assert Event.parse("重办") is Event.REOPEN
    assert str(ProblemState.CLOSED) == "已办结"


# ---------------------------------------------------------------- the table


def test_the_table_has_a_row_for_every_event() -> None:
    assert set(TRANSITIONS) == set(Event)


def test_the_real_table_passes_its_own_check_and_starts_at_registered() -> None:
    assert INITIAL_STATE is ProblemState.REGISTERED
    assert check(dict(TRANSITIONS)) is ProblemState.REGISTERED


def test_only_registration_starts_from_nothing() -> None:
    assert events_from(None) == (Event.REGISTER,)
    assert TRANSITIONS[Event.REGISTER].target is ProblemState.REGISTERED


def test_every_state_is_reachable_from_registered_by_the_allowed_events() -> None:
    reached = {INITIAL_STATE}
    frontier = [INITIAL_STATE]
    while frontier:
        state = frontier.pop()
        for event in events_from(state):
            target = target_of(event, state)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(ProblemState)


def test_events_from_lists_the_table_in_declaration_order() -> None:
    assert events_from(S.REGISTERED) == (
        E.ASSIGN,
        E.ESCALATE,
        E.RESOLVE,
        E.REJECT,
        E.WITHDRAW,
        E.MERGE_INTO,
    )
    assert events_from(S.ASSIGNED) == (
        E.REASSIGN,
        E.START,
        E.ESCALATE,
        E.EXTEND_DEADLINE,
        E.RECOUNT_DEADLINE,
        E.RESOLVE,
        E.EXPLAIN,
        E.REJECT,
        E.WITHDRAW,
        E.MERGE_INTO,
    )
    assert events_from(S.IN_PROGRESS) == (
        E.REASSIGN,
        E.ESCALATE,
        E.EXTEND_DEADLINE,
        E.SUSPEND,
        E.RECOUNT_DEADLINE,
        E.RESOLVE,
        E.EXPLAIN,
        E.WITHDRAW,
        E.MERGE_INTO,
    )
    assert events_from(S.SUSPENDED) == (
        E.EXTEND_DEADLINE,
        E.RESUME,
        E.RECOUNT_DEADLINE,
        E.WITHDRAW,
        E.MERGE_INTO,
    )
    assert events_from(S.RESOLVED) == (E.RECOUNT_DEADLINE, E.FOLLOW_UP, E.CLOSE, E.REOPEN)
    assert events_from(S.EXPLAINED) == (E.RECOUNT_DEADLINE, E.FOLLOW_UP, E.CLOSE, E.REOPEN)
    assert events_from(S.CLOSED) == (E.RECOUNT_DEADLINE, E.FOLLOW_UP, E.REOPEN)


def test_the_store_records_deadline_recounts_in_every_state_with_a_deadline() -> None:
    assert {E.RECOUNT_DEADLINE} == SYSTEM_EVENTS
    assert TRANSITIONS[E.RECOUNT_DEADLINE].target is None  # keeps the state
    assert TRANSITIONS[E.RECOUNT_DEADLINE].sources == {
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.SUSPENDED,
        S.RESOLVED,
        S.EXPLAINED,
        S.CLOSED,
    }


@pytest.mark.parametrize("state", [S.REJECTED, S.WITHDRAWN, S.MERGED])
def test_rejected_withdrawn_and_merged_problems_allow_nothing(state: ProblemState) -> None:
    assert events_from(state) == ()


@pytest.mark.parametrize(
    ("event", "state", "expected"),
    [
        (E.ASSIGN, S.REGISTERED, S.ASSIGNED),
        (E.START, S.ASSIGNED, S.IN_PROGRESS),
        (E.SUSPEND, S.IN_PROGRESS, S.SUSPENDED),
        (E.RESUME, S.SUSPENDED, S.IN_PROGRESS),
        (E.RESOLVE, S.REGISTERED, S.RESOLVED),
        (E.EXPLAIN, S.IN_PROGRESS, S.EXPLAINED),
        (E.CLOSE, S.EXPLAINED, S.CLOSED),
        (E.REOPEN, S.CLOSED, S.IN_PROGRESS),
        (E.REJECT, S.ASSIGNED, S.REJECTED),
        (E.WITHDRAW, S.SUSPENDED, S.WITHDRAWN),
        (E.MERGE_INTO, S.REGISTERED, S.MERGED),
    ],
)
def test_target_of_gives_the_state_an_event_leads_to(
    event: Event, state: ProblemState, expected: ProblemState
) -> None:
    assert target_of(event, state) is expected


@pytest.mark.parametrize(
    ("event", "state"),
    [
        (E.ESCALATE, S.REGISTERED),
        (E.ESCALATE, S.IN_PROGRESS),
        (E.REASSIGN, S.ASSIGNED),
        (E.EXTEND_DEADLINE, S.SUSPENDED),
        (E.FOLLOW_UP, S.RESOLVED),
        (E.FOLLOW_UP, S.CLOSED),
    ],
)
def test_events_without_a_target_keep_the_state(event: Event, state: ProblemState) -> None:
    assert TRANSITIONS[event].target is None
    assert target_of(event, state) is state


def test_only_reopen_leaves_a_final_state() -> None:
    for event, row in TRANSITIONS.items():
        for source in FINAL_STATES & row.sources:
            leaves = target_of(event, source) is not source
            assert not leaves or event is Event.REOPEN, (event, source)
    assert TRANSITIONS[Event.REOPEN].sources & FINAL_STATES == {S.CLOSED}


def test_state_groups_partition_sensibly() -> None:
    assert {S.CLOSED, S.REJECTED, S.WITHDRAWN, S.MERGED} == FINAL_STATES
    assert {S.REJECTED, S.WITHDRAWN, S.MERGED} == EXCLUDED_STATES
    assert EXCLUDED_STATES < FINAL_STATES
    assert ACTIVE_STATES == OPEN
    assert not ACTIVE_STATES & FINAL_STATES
    assert INITIAL_STATE in ACTIVE_STATES


def test_a_rule_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        TRANSITIONS[Event.START].target = S.CLOSED  # type: ignore[misc]


# ---------------------------------------------------------------- broken tables


def test_a_table_without_a_row_for_an_event_is_refused() -> None:
    table = dict(TRANSITIONS)
    del table[Event.MERGE_INTO]
    del table[Event.FOLLOW_UP]
    message = refusal(table)
    assert "no row for" in message
    assert "follow_up" in message
    assert "merge_into" in message


def test_a_table_with_two_initial_states_is_refused() -> None:
    table = dict(TRANSITIONS)
    table[Event.ASSIGN] = rule({None, S.REGISTERED}, S.ASSIGNED)
    message = refusal(table)
    assert "exactly one initial state" in message
    assert "'assigned'" in message
    assert "'registered'" in message


def test_a_table_with_no_initial_state_is_refused() -> None:
    table = dict(TRANSITIONS)
    table[Event.REGISTER] = rule({S.REGISTERED}, S.REGISTERED)
    message = refusal(table)
    assert "exactly one initial state" in message
    assert "found []" in message


def test_a_table_with_an_unreachable_state_is_refused() -> None:
    table = dict(TRANSITIONS)
    table[Event.MERGE_INTO] = rule(OPEN, S.WITHDRAWN)  # nothing leads to merged any more
    message = refusal(table)
    assert message == "states not reachable from registered: merged"


def test_a_table_with_several_unreachable_states_names_them_all() -> None:
    table = dict(TRANSITIONS)
    table[Event.CLOSE] = rule({S.RESOLVED, S.EXPLAINED}, S.RESOLVED)
    table[Event.REJECT] = rule({S.REGISTERED, S.ASSIGNED}, S.WITHDRAWN)
    assert refusal(table) == "states not reachable from registered: closed, rejected"


def test_an_exit_from_a_final_state_other_than_reopen_is_refused() -> None:
    table = dict(TRANSITIONS)
    table[Event.WITHDRAW] = rule(OPEN | {S.CLOSED}, S.WITHDRAWN)
    message = refusal(table)
    assert "final state" in message
    assert "by withdraw" in message
    assert "only reopen may leave" in message


def test_an_exit_from_rejected_is_refused_too() -> None:
    table = dict(TRANSITIONS)
    table[Event.START] = rule({S.ASSIGNED, S.REJECTED}, S.IN_PROGRESS)
    message = refusal(table)
    assert "by start" in message


def test_reopen_itself_is_an_exit_when_not_declared_as_one() -> None:
    with pytest.raises(WorkflowDefinitionError, match="exit by reopen"):
        check_table(TRANSITIONS, final_states=FINAL_STATES, reopen_events=frozenset())


def test_an_event_that_keeps_a_final_state_is_no_exit() -> None:
    table = dict(TRANSITIONS)
    table[Event.ESCALATE] = rule({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.CLOSED}, None)
    assert check(table) is S.REGISTERED
