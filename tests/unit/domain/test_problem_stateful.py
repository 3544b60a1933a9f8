"""A state machine that drives one problem at a time through legal and illegal events.

Each step either applies an allowed event with valid data (it must succeed),
tries any event with random data at a random moment (it succeeds only if the
event is allowed and the data and moment fit; otherwise it raises and changes
nothing), checks that the allowed events are exactly those that apply, or
starts a fresh problem. After every step the problem must still replay from its
history and keep the workflow's invariants.
"""

from __future__ import annotations

import copy
import datetime as dt

import hypothesis
import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from jinjiecu.domain import clock
from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.clock import CHINA_TZ, local_date
from jinjiecu.domain.events import (
    Assign,
    Escalate,
    EventData,
    ExtendDeadline,
    FollowUp,
    HandlingLevel,
    MergeInto,
    Reassign,
    Register,
    Resume,
    Satisfaction,
)
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, Problem, allowed_events
from jinjiecu.domain.workflow import (
    EXCLUDED_STATES,
    SYSTEM_EVENTS,
    Event,
    ProblemState,
    events_from,
    target_of,
)
from jinjiecu.errors import CalendarCoverageError, IllegalTransitionError, ValidationError
from jinjiecu.testing.strategies import (
    actors,
    aware_datetimes,
    event_data,
    free_texts,
    ids,
    names,
    problems,
    register_details,
)

CAL = china_calendar()
RULES = DEFAULT_RULES
S = ProblemState
NO_EXIT = frozenset({S.REJECTED, S.WITHDRAWN, S.MERGED})
# Events that carry a problem along its usual course, drawn more often than the others.
ONWARDS = frozenset(
    {
        Event.ASSIGN,
        Event.START,
        Event.SUSPEND,
        Event.RESUME,
        Event.RESOLVE,
        Event.EXPLAIN,
        Event.FOLLOW_UP,
        Event.CLOSE,
        Event.REOPEN,
    }
)

# Problems start early enough that a whole run stays well inside the calendar's data.
STARTS_END = dt.date(2021, 12, 31)
STARTS = st.dates(min_value=dt.date(2019, 1, 1), max_value=STARTS_END)
GAPS = st.one_of(
    st.integers(min_value=0, max_value=59).map(lambda n: dt.timedelta(minutes=n)),
    st.integers(min_value=1, max_value=23).map(lambda n: dt.timedelta(hours=n)),
    st.integers(min_value=1, max_value=10).map(lambda n: dt.timedelta(days=n)),
    st.integers(min_value=1, max_value=3).map(lambda n: dt.timedelta(days=n)),
)
RANDOM_MOMENTS = aware_datetimes(dt.datetime(2019, 1, 1), dt.datetime(2023, 12, 31))  # noqa: DTZ001
RANDOM_DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2024, 12, 31))
SOME_WORKING_DAYS = st.integers(min_value=1, max_value=20)
FRESH_PROBLEMS = st.sampled_from([None, *ProblemState]).flatmap(
    lambda state: problems(state, max_start=STARTS_END, max_steps=6, rules=RULES)
)
LEADS = ids(DepartmentId)
# A city's own days off, for recounts on a calendar other than the one the history used.
LOCAL_DAYS = st.sets(RANDOM_DATES, max_size=40)
CO_DEPARTMENTS = st.lists(ids(DepartmentId, "co-department"), max_size=2, unique=True)


def moments_after(last: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    return GAPS.map(lambda gap: last + gap)


def any_moment(last: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    """The last moment, a later one, an earlier one, or any moment at all."""
    return st.one_of(
        st.just(last),
        moments_after(last),
        GAPS.map(lambda gap: last - gap - dt.timedelta(microseconds=1)),
        RANDOM_MOMENTS,
    )


ACTORS = actors()
NOTES = free_texts(20)
DETAILS = register_details()
PROBLEM_IDS = ids(ProblemId)
LOOSE: dict[Event, st.SearchStrategy[EventData]] = {
    # Dates in the past, both a date and a number of days, any level...
    Event.ASSIGN: st.builds(
        Assign,
        lead_department_id=LEADS,
        co_department_ids=CO_DEPARTMENTS,
        deadline=st.none() | RANDOM_DATES,
        working_days=st.none() | SOME_WORKING_DAYS,
    ),
    Event.REASSIGN: st.builds(Reassign, lead_department_id=LEADS, co_department_ids=CO_DEPARTMENTS),
    Event.ESCALATE: st.builds(Escalate, to_level=st.none() | st.sampled_from(HandlingLevel)),
    Event.EXTEND_DEADLINE: st.builds(ExtendDeadline, approval=names(), new_deadline=RANDOM_DATES)
    | st.builds(ExtendDeadline, approval=names(), working_days=SOME_WORKING_DAYS),
    Event.RESUME: st.builds(Resume, new_deadline=st.none() | RANDOM_DATES),
}


def loose_data(problem: Problem, event: Event, at: dt.datetime) -> st.SearchStrategy[EventData]:
    """Well-formed data for ``event``, whether or not it fits the problem or is allowed now."""
    if event is Event.REGISTER:
        return DETAILS
    valid = event_data(problem, event, at=at, rules=RULES)
    if event is Event.MERGE_INTO:  # ...or a merge into itself
        return valid | st.builds(MergeInto, duplicate_of=st.just(problem.id) | PROBLEM_IDS)
    return (valid | LOOSE[event]) if event in LOOSE else valid


def snapshot(problem: Problem) -> Problem:
    # Every field holds immutable values, so a shallow copy keeps the state as it was.
    return copy.copy(problem)


def assert_unchanged(problem: Problem, before: Problem) -> None:
    assert problem == before
    assert problem.transitions == before.transitions
    assert problem.version == before.version


def expected_resume_deadline(before: Problem, day: dt.date) -> dt.date | None:
    """Working days spent suspended, added to the deadline (may raise CalendarCoverageError)."""
    if before.deadline is None:
        return None
    since = before.suspended_on
    assert since is not None
    return CAL.add_working_days(before.deadline, max(0, CAL.working_days_between(since, day)))


def model_allowed(problem: Problem) -> set[Event]:
    """The allowed events as the workflow documents them: the table, then the guards."""
    follow_up = None  # the latest follow-up since the last resolve, explain or reopen
    for transition in reversed(problem.transitions):
        if transition.event in (Event.RESOLVE, Event.EXPLAIN, Event.REOPEN):
            break
        if isinstance(transition.data, FollowUp):
            follow_up = transition.data
            break
    dissatisfied = follow_up is not None and follow_up.satisfaction is Satisfaction.DISSATISFIED
    guards = {
        Event.CLOSE: follow_up is not None and not dissatisfied,
        Event.REOPEN: dissatisfied,
        Event.ESCALATE: problem.level is not HandlingLevel.PROVINCE,
    }
    return {e for e in events_from(problem.state) if e not in SYSTEM_EVENTS and guards.get(e, True)}


def attempt(
    before: Problem, payload: EventData, *, at: dt.datetime, actor: Actor, note: str
) -> Problem | IllegalTransitionError | ValidationError:
    """The new problem, or the error that refused the event."""
    try:
        return before.apply(payload, at=at, actor=actor, note=note, rules=RULES)
    except (IllegalTransitionError, ValidationError) as error:
        return error


def registration(problem: Problem) -> tuple[object, ...]:
    """What registration fixed, which no later event changes."""
    return (
        problem.id,
        problem.title,
        problem.description,
        problem.category,
        problem.scope,
        problem.region_id,
        problem.enterprise_id,
        problem.project_id,
        problem.visit_id,
        problem.campaign_id,
        problem.work_group_id,
        problem.registered_at,
    )


def check_step(before: Problem, after: Problem, data: EventData, at: dt.datetime) -> None:
    """Everything a successful apply must have done, and nothing else."""
    event = data.event
    last = after.transitions[-1]
    assert after.version == before.version + 1
    assert after.transitions[:-1] == before.transitions
    assert (last.sequence, last.event, last.from_state, last.to_state, last.at) == (
        before.version + 1,
        event,
        before.state,
        target_of(event, before.state),
        at,
    )
    assert after.state is last.to_state
    assert registration(after) == registration(before)
    if before.state is S.CLOSED and event is Event.FOLLOW_UP:
        assert after.state is S.CLOSED
    if event is Event.MERGE_INTO:
        assert isinstance(data, MergeInto)
        assert data.duplicate_of != before.id
    check_deadline(before, after, data, local_date(at))
    check_routing(before, after, data)


def check_deadline(before: Problem, after: Problem, data: EventData, day: dt.date) -> None:
    """The deadline is set by assign (or by the first extension of a problem settled on
    the spot and reopened), and moved only by extend_deadline and resume.
    """
    if isinstance(data, Assign):
        assert before.deadline is None
        if data.deadline is not None:
            expected = data.deadline
        else:
            days = data.working_days or RULES.deadlines.working_days(
                before.category, before.level, RULES.taxonomy
            )
            expected = CAL.add_working_days(day, days)
        assert after.deadline == expected
        assert after.deadline >= day
    elif isinstance(data, ExtendDeadline):
        base = before.deadline if before.deadline is not None else day
        if data.working_days is not None:
            assert after.deadline == CAL.add_working_days(base, data.working_days)
        else:
            assert after.deadline == data.new_deadline
        assert after.deadline is not None
        if before.deadline is not None:
            assert after.deadline > before.deadline
        else:
            assert after.deadline >= day
    elif isinstance(data, Resume):
        # Moved by exactly the working days between the suspend day and the resume day.
        assert after.deadline == expected_resume_deadline(before, day)
        recorded = after.transitions[-1].data
        assert isinstance(recorded, Resume)
        assert recorded.new_deadline == after.deadline
    else:
        assert after.deadline == before.deadline


def check_routing(before: Problem, after: Problem, data: EventData) -> None:
    """Departments change by assign and reassign only, the level by escalate only (upwards)."""
    if isinstance(data, Assign | Reassign):
        assert after.lead_department_id == data.lead_department_id
        assert after.co_department_ids == data.co_department_ids
    else:
        assert after.lead_department_id == before.lead_department_id
        assert after.co_department_ids == before.co_department_ids
    if isinstance(data, Escalate):
        assert after.level.rank > before.level.rank
        assert after.level is (data.to_level or before.level.next_up())
    else:
        assert after.level is before.level


def apply_valid(
    before: Problem, payload: EventData, *, at: dt.datetime, actor: Actor, note: str
) -> Problem | None:
    """Apply an allowed event with valid data: it succeeds, and leaves ``before`` as it was.

    The one exception is a resume whose paused deadline would run past the
    calendar's data: it must be refused with a CalendarCoverageError (``None``).
    """
    kept = snapshot(before)
    if payload.event is Event.RESUME:
        try:
            expected_resume_deadline(before, local_date(at))
        except CalendarCoverageError:
            with pytest.raises(CalendarCoverageError):
                before.apply(payload, at=at, actor=actor, rules=RULES)
            assert_unchanged(before, kept)
            return None
    after = before.apply(payload, at=at, actor=actor, note=note, rules=RULES)
    assert_unchanged(before, kept)
    check_step(before, after, payload, at)
    hypothesis.event("applied", payload.event.value)
    return after


class ProblemMachine(RuleBasedStateMachine):
    """One problem at a time; ``self.problem`` only ever changes by a successful apply."""

    def __init__(self) -> None:
        super().__init__()
        self.problem: Problem | None = None
        self.steps_on_it = 0  # steps taken on the current problem
        # Whether the whole history was counted on CAL (a recount on another calendar
        # ends that until a recount on CAL brings the deadline back to CAL's count).
        self.counted_on_cal = True

    @property
    def current(self) -> Problem:
        assert self.problem is not None
        return self.problem

    # ------------------------------------------------------------ steps

    @initialize(data=st.data())
    def register_a_problem(self, data: st.DataObject) -> None:
        day = data.draw(STARTS, label="day")
        minute = data.draw(st.integers(min_value=0, max_value=24 * 60 - 1), label="minute")
        at = dt.datetime.combine(day, dt.time(0), tzinfo=CHINA_TZ) + dt.timedelta(minutes=minute)
        problem = Problem.register(
            data.draw(DETAILS, label="details"),
            at=at,
            actor=data.draw(ACTORS, label="actor"),
            id=data.draw(PROBLEM_IDS, label="id"),
            rules=RULES,
        )
        assert (problem.state, problem.version, problem.deadline) == (S.REGISTERED, 1, None)
        self.problem = problem

    @precondition(lambda self: self.steps_on_it >= 3 or not allowed_events(self.current))
    @rule(problem=FRESH_PROBLEMS)
    def start_a_fresh_problem(self, problem: Problem) -> None:
        # Deep states (suspended, closed...) are rare on a walk from registration;
        # a fresh problem from the public strategy may start in any of them.
        self.problem = problem
        self.steps_on_it = 0
        self.counted_on_cal = True

    @rule(data=st.data(), count=st.integers(min_value=1, max_value=4))
    def apply_allowed_events(self, data: st.DataObject, count: int) -> None:
        self.steps_on_it += 1
        # A few steps at a time, so that runs reach deep states (suspended, closed...).
        for _ in range(count):
            allowed = allowed_events(self.current)
            if not allowed:
                return
            onwards = [e for e in allowed if e in ONWARDS]
            prefer_onwards = data.draw(st.booleans(), label="onwards")
            if onwards and prefer_onwards:
                allowed = tuple(onwards)
            event = data.draw(st.sampled_from(allowed), label="event")
            at = data.draw(moments_after(self.current.transitions[-1].at), label="at")
            payload = data.draw(event_data(self.current, event, at=at, rules=RULES), label="data")
            actor, note = data.draw(ACTORS, label="actor"), data.draw(NOTES, label="note")
            after = apply_valid(self.current, payload, at=at, actor=actor, note=note)
            if after is not None:
                self.problem = after

    @rule(data=st.data())
    def try_any_event(self, data: st.DataObject) -> None:
        self.steps_on_it += 1
        before = self.current
        kept = snapshot(before)
        allowed = allowed_events(before)
        # Any event at all; half the time one that is allowed, so that bad data
        # and earlier moments are tried where only they can cause a refusal.
        prefer_allowed = data.draw(st.booleans(), label="an allowed one")
        if allowed and prefer_allowed:
            event = data.draw(st.sampled_from(allowed), label="event")
        else:
            event = data.draw(st.sampled_from(Event), label="event")
        last = before.transitions[-1].at
        at = data.draw(any_moment(last), label="at")
        payload = data.draw(loose_data(before, event, at), label="data")
        outcome = attempt(
            before,
            payload,
            at=at,
            actor=data.draw(ACTORS, label="actor"),
            note=data.draw(NOTES, label="note"),
        )
        if isinstance(outcome, Problem):
            assert event in allowed
            assert at >= last
            check_step(before, outcome, payload, at)
            self.problem = outcome
            return
        if isinstance(outcome, IllegalTransitionError):
            assert event not in allowed
            assert outcome.event == event.value
            assert outcome.state == before.state.value
            assert list(outcome.allowed) == [e.value for e in allowed]
        else:
            # Bad data or an earlier moment; an event that is not allowed is refused first.
            assert event in allowed or event is Event.REGISTER
        assert self.problem is before
        assert_unchanged(before, kept)

    @rule(data=st.data(), days=LOCAL_DAYS, back_on_cal=st.booleans())
    def recount_on_another_calendar(
        self, data: st.DataObject, days: set[dt.date], back_on_cal: bool
    ) -> None:
        self.steps_on_it += 1
        before = self.current
        kept = snapshot(before)
        calendar = CAL if back_on_cal else CAL.with_local_days(holidays=days)
        at = data.draw(moments_after(before.transitions[-1].at), label="at")
        actor = Actor(kind=ActorKind.SYSTEM, id="calendar")
        after = before.recount_deadline(calendar, at=at, actor=actor, reason="日历变更")
        assert_unchanged(before, kept)
        if before.deadline is None or before.state in EXCLUDED_STATES:
            assert after is before
            return
        if after is before:
            assert before.recounted_deadline(calendar) == before.deadline
        else:
            recorded = after.transitions[-1]
            assert (recorded.event, recorded.from_state, recorded.to_state, recorded.at) == (
                Event.RECOUNT_DEADLINE,
                before.state,
                before.state,
                at,
            )
            assert after.version == before.version + 1
            assert after.deadline == before.recounted_deadline(calendar) != before.deadline
            assert registration(after) == registration(before)
            assert allowed_events(after) == allowed_events(before)
            # Counted again on the same calendar, nothing moves.
            again = after.recount_deadline(calendar, at=at, actor=actor, reason="日历变更")
            assert again is after
            self.problem = after
            self.counted_on_cal = back_on_cal

    @rule(data=st.data())
    def check_allowed_events_are_exactly_those_that_apply(self, data: st.DataObject) -> None:
        self.steps_on_it += 1
        problem = self.current
        kept = snapshot(problem)
        allowed = set(allowed_events(problem))
        at = data.draw(moments_after(problem.transitions[-1].at), label="at")
        actor = data.draw(ACTORS, label="actor")
        for event in Event:
            if event is Event.REGISTER:
                continue
            if event in allowed:
                payload = data.draw(event_data(problem, event, at=at, rules=RULES))
                apply_valid(problem, payload, at=at, actor=actor, note="")
            else:
                payload = data.draw(loose_data(problem, event, at))
                with pytest.raises(IllegalTransitionError):
                    problem.apply(payload, at=at, actor=actor, rules=RULES)
        assert self.problem is problem
        assert_unchanged(problem, kept)

    # ------------------------------------------------------------ invariants

    @invariant()
    def versions_count_the_transitions(self) -> None:
        problem = self.current
        assert problem.version == len(problem.transitions)
        assert [t.sequence for t in problem.transitions] == list(range(1, problem.version + 1))
        assert all(t.problem_id == problem.id for t in problem.transitions)

    @invariant()
    def replaying_the_history_gives_the_same_problem(self) -> None:
        problem = self.current
        assert Problem.from_history(problem.transitions) == problem
        assert problem.transitions[-1].to_state is problem.state

    @invariant()
    def the_deadline_is_the_one_its_calendar_counts(self) -> None:
        problem = self.current
        if self.counted_on_cal:
            assert problem.recounted_deadline(CAL) == problem.deadline

    @invariant()
    def a_deadline_is_set_by_assigning_or_extending(self) -> None:
        problem = self.current
        set_by = {Event.ASSIGN, Event.EXTEND_DEADLINE}
        assert (problem.deadline is not None) == any(t.event in set_by for t in problem.transitions)

    @invariant()
    def allowed_events_follow_the_table_and_the_guards(self) -> None:
        assert set(allowed_events(self.current)) == model_allowed(self.current)

    @invariant()
    def final_states_allow_what_the_workflow_says(self) -> None:
        problem = self.current
        allowed = allowed_events(problem)
        if problem.state in NO_EXIT:
            assert allowed == ()
        if problem.state is S.CLOSED:
            leaving = {e for e in allowed if target_of(e, S.CLOSED) is not S.CLOSED}
            assert leaving <= {Event.REOPEN}
            assert Event.FOLLOW_UP in allowed
            follow_up = problem.last_follow_up
            dissatisfied = (
                follow_up is not None and follow_up.satisfaction is Satisfaction.DISSATISFIED
            )
            assert (Event.REOPEN in allowed) == dissatisfied


# The profile chosen by HYPOTHESIS_PROFILE (tests/conftest.py), capped: a run of 30
# steps costs about as much as 30 examples of a plain property (dev ~5 s, ci ~30 s).
ProblemMachine.TestCase.settings = settings(
    settings(),
    max_examples=min(settings().max_examples, 200),
    stateful_step_count=30,
)
TestProblemMachine = ProblemMachine.TestCase


# ------------------------------------------------------------ deadlines the calendar can count


def test_an_extension_past_the_calendar_is_refused_as_an_assignment_is() -> None:
    # An assignment refuses a deadline the calendar has no data for; an extension
    # should too, or resuming and overdue checks fail on that problem later.
    clerk = Actor(kind=ActorKind.CLERK, id="clerk-1")
    problem = Problem.register(
        Register(
            title="厂房续建审批",
            category="approval_procedures",
            region_id=RegionId("371400"),
            enterprise_id=EnterpriseId("e-1"),
        ),
        at=clock.at(dt.date(2026, 6, 1)),
        actor=clerk,
    )
    beyond = CAL.last_day + dt.timedelta(days=60)
    with pytest.raises(CalendarCoverageError):
        problem.apply(
            Assign(lead_department_id=DepartmentId("d-1"), deadline=beyond),
            at=clock.at(dt.date(2026, 6, 2)),
            actor=clerk,
        )
    assigned = problem.apply(
        Assign(lead_department_id=DepartmentId("d-1"), working_days=10),
        at=clock.at(dt.date(2026, 6, 2)),
        actor=clerk,
    )
    with pytest.raises(CalendarCoverageError):
        assigned.apply(
            ExtendDeadline(approval="市政府批准延期", new_deadline=beyond),
            at=clock.at(dt.date(2026, 6, 3)),
            actor=clerk,
        )
