"""Strategies for problems and their histories, and for the data of each event.

Private to :mod:`jinjiecu.testing.strategies`, which exports :func:`actors`,
:func:`register_details`, :func:`event_data` and :func:`problems`. A history
is built the way an app builds it, through ``Problem.register`` and
``Problem.apply``: a random walk over the allowed events, then a shortest
path through the workflow's state graph to the state asked for, kept inside
the calendar's data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.clock import CHINA_TZ, local_date
from jinjiecu.domain.events import (
    Assign,
    Close,
    ConsultationKind,
    Escalate,
    EventData,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Reassign,
    RecountDeadline,
    Register,
    Reject,
    Reopen,
    Resolve,
    Resume,
    Satisfaction,
    Scope,
    Start,
    Suspend,
    Withdraw,
)
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    Problem,
    ProblemRules,
    allowed_events,
)
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from jinjiecu.domain.workflow import Event, ProblemState, events_from, target_of
from jinjiecu.testing.strategies._values import IdT, free_texts, id_tuples, ids, names

if TYPE_CHECKING:
    from jinjiecu.domain.calendar import WorkingCalendar

__all__ = ["actors", "event_data", "problems", "register_details"]


# ---- problems (jinjiecu.domain.problem) ----

# Deadlines are kept at least this far before the calendar's last covered day, so
# that resuming, checking for overdue and so on never step outside its data.
_DEADLINE_MARGIN = dt.timedelta(days=30)
# Moments in a generated history stay at least this far before the last covered day.
_MOMENT_MARGIN = dt.timedelta(days=92)
# A generated history never reaches further than this past ``max_start``.
_LONGEST_HISTORY = dt.timedelta(days=183)
_MINUTE = dt.timedelta(minutes=1)

_GAPS = st.one_of(
    st.integers(min_value=1, max_value=59).map(lambda n: dt.timedelta(minutes=n)),
    st.integers(min_value=1, max_value=23).map(lambda n: dt.timedelta(hours=n)),
    st.integers(min_value=1, max_value=13).map(lambda n: dt.timedelta(days=n)),
    st.integers(min_value=2, max_value=4).map(lambda n: dt.timedelta(weeks=n)),
)
"""Time between two steps of a history: minutes to weeks, shrinking to one minute."""

_ZONES = st.sampled_from([CHINA_TZ, dt.UTC])
_FINANCE_IDS = st.lists(st.integers(min_value=1, max_value=999), max_size=2, unique=True).map(
    lambda numbers: tuple(f"finance-{n}" for n in numbers)
)
_NOTES = st.just("") | free_texts(60)


_REQUIRED_TEXTS = names(40) | st.builds(str.__add__, names(10), free_texts(40))
"""Non-blank text for required reasons and summaries, mostly a readable name."""
_OPTIONAL_TEXTS = st.just("") | free_texts(60)
# Strategies are built once: building them is much slower than drawing from them.
_TITLES = names()
_DESCRIPTIONS = st.just("") | free_texts()
_ACTOR_NAMES = st.just("") | names(10)
_PROBLEM_IDS = ids(ProblemId)
_LEAD_DEPARTMENTS = ids(DepartmentId)
_CO_DEPARTMENTS = id_tuples(DepartmentId, max_size=3)
_LEADERS = id_tuples(LeaderId, max_size=3)


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    """Actors of any kind, with readable ids such as ``clerk-3``; they shrink to a leader."""
    kind = draw(st.sampled_from(ActorKind))
    number = draw(st.integers(min_value=1, max_value=999))
    return Actor(
        kind=kind,
        id=f"{kind.value.replace('_', '-')}-{number}",
        name=draw(_ACTOR_NAMES),
    )


_ACTORS = actors()


def _fixed_or(value: IdT | None, id_cls: type[IdT]) -> st.SearchStrategy[IdT | None]:
    """Always ``value`` if it is given, else none or a random id of ``id_cls``."""
    return st.just(value) if value is not None else st.none() | ids(id_cls)


_RAISERS = st.sampled_from(["enterprise", "project", "both"])
_REGIONS = ids(RegionId)
_ENTERPRISES = ids(EnterpriseId)
_PROJECTS = ids(ProjectId)
_VISITS = st.none() | ids(VisitId)


@st.composite
def _register_details(
    draw: st.DrawFn,
    categories: st.SearchStrategy[str],
    regions: st.SearchStrategy[RegionId],
    campaigns: st.SearchStrategy[CampaignId | None],
    work_groups: st.SearchStrategy[WorkGroupId | None],
) -> Register:
    """Registration data drawn from the strategies given for its fields."""
    raised_by = draw(_RAISERS)
    return Register(
        title=draw(_TITLES),
        category=draw(categories),
        region_id=draw(regions),
        description=draw(_DESCRIPTIONS),
        enterprise_id=draw(_ENTERPRISES) if raised_by != "project" else None,
        project_id=draw(_PROJECTS) if raised_by != "enterprise" else None,
        visit_id=draw(_VISITS),
        campaign_id=draw(campaigns),
        work_group_id=draw(work_groups),
        scope=draw(st.sampled_from(Scope)),
        level=draw(st.sampled_from(HandlingLevel)),
    )


def register_details(
    taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    region_id: RegionId | None = None,
    campaign_id: CampaignId | None = None,
    work_group_id: WorkGroupId | None = None,
) -> st.SearchStrategy[Register]:
    """Registration data (登记) for a problem of a category in ``taxonomy``.

    The problem was raised by an enterprise, a project or both, at any handling
    level. ``region_id`` fixes the region (else a random one); ``campaign_id``
    and ``work_group_id`` fix the campaign and work group (else none or a
    random one).
    """
    return _register_details(
        categories=st.sampled_from([category.code for category in taxonomy]),
        regions=st.just(region_id) if region_id is not None else _REGIONS,
        campaigns=_fixed_or(campaign_id, CampaignId),
        work_groups=_fixed_or(work_group_id, WorkGroupId),
    )


def _deadline_ceiling(calendar: WorkingCalendar) -> dt.date:
    """The latest deadline (effective deadline, while suspended) a drawn event may produce."""
    return calendar.last_day - _DEADLINE_MARGIN


def _departments(draw: st.DrawFn) -> tuple[DepartmentId, tuple[DepartmentId, ...]]:
    """A lead department and co-handling ones (never the lead itself)."""
    lead = draw(_LEAD_DEPARTMENTS)
    co = draw(_CO_DEPARTMENTS)
    return lead, tuple(department for department in co if department != lead)


def _assign(draw: st.DrawFn, problem: Problem, day: dt.date, rules: ProblemRules) -> Assign:
    """An assignment on ``day`` whose deadline stays under the calendar's ceiling."""
    calendar = rules.working_calendar
    ceiling = max(day, _deadline_ceiling(calendar))
    lead, co = _departments(draw)
    how = draw(st.sampled_from(["rules", "working_days", "deadline"]))
    if how == "rules":
        days = rules.deadlines.working_days(problem.category, problem.level, rules.taxonomy)
        if calendar.working_days_between(day, ceiling) >= days:
            return Assign(lead_department_id=lead, co_department_ids=co)
        how = "working_days"  # the office's limit would run past the calendar's data
    if how == "working_days":
        room = max(1, calendar.working_days_between(day, ceiling))
        days = draw(st.integers(min_value=1, max_value=min(30, room)))
        return Assign(lead_department_id=lead, co_department_ids=co, working_days=days)
    latest = min(60, (ceiling - day).days)
    deadline = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=latest)))
    return Assign(lead_department_id=lead, co_department_ids=co, deadline=deadline)


def _extension_room(problem: Problem, day: dt.date, rules: ProblemRules) -> int:
    """How many working days an extension on ``day`` may add and stay under the ceiling.

    An extension counts from the current deadline, or from ``day`` for a
    problem without one (its first deadline); while suspended, the effective
    deadline is further on by the working days paused so far.
    """
    calendar = rules.working_calendar
    since = problem.suspended_on
    paused = 0 if since is None else max(0, calendar.working_days_between(since, day))
    base = problem.deadline if problem.deadline is not None else day
    return calendar.working_days_between(base, _deadline_ceiling(calendar)) - paused


def _extend(draw: st.DrawFn, problem: Problem, day: dt.date, rules: ProblemRules) -> ExtendDeadline:
    """An extension on ``day``, by date or by working days, under the ceiling."""
    calendar = rules.working_calendar
    approval = draw(_REQUIRED_TEXTS)
    room = _extension_room(problem, day, rules)
    days = draw(st.integers(min_value=1, max_value=max(1, min(20, room))))
    if draw(st.booleans()):
        return ExtendDeadline(approval=approval, working_days=days)
    # A date after the current deadline (on or after the day, for a first
    # deadline), and up to ``days`` working days after it.
    current = problem.deadline
    first = day if current is None else current + dt.timedelta(days=1)
    furthest = calendar.add_working_days(day if current is None else current, days)
    later = draw(st.integers(min_value=0, max_value=(furthest - first).days))
    return ExtendDeadline(approval=approval, new_deadline=first + dt.timedelta(days=later))


def _escalate(draw: st.DrawFn, problem: Problem) -> Escalate:
    """An escalation to a higher level (or none), with a consultation."""
    above = [level for level in HandlingLevel if level.rank > problem.level.rank]
    return Escalate(
        to_level=draw(st.none() | st.sampled_from(above)) if above else None,
        consultation=draw(st.sampled_from(ConsultationKind)),
        summary=draw(_OPTIONAL_TEXTS),
        department_ids=draw(_CO_DEPARTMENTS),
        leader_ids=draw(_LEADERS),
    )


def _follow_ups(
    satisfactions: tuple[Satisfaction, ...] = tuple(Satisfaction),
) -> st.SearchStrategy[FollowUp]:
    """Follow-ups with any outcome and method and one of ``satisfactions``."""
    return st.builds(
        FollowUp,
        outcome=st.sampled_from(FollowUpOutcome),
        satisfaction=st.sampled_from(satisfactions),
        method=st.sampled_from(FollowUpMethod),
        comment=_OPTIONAL_TEXTS,
    )


_PLAIN: dict[Event, st.SearchStrategy[EventData]] = {
    Event.START: st.just(Start()),
    Event.SUSPEND: st.builds(Suspend, reason=_REQUIRED_TEXTS),
    Event.RESUME: st.just(Resume()),
    Event.RESOLVE: st.builds(Resolve, summary=_REQUIRED_TEXTS, finance_record_ids=_FINANCE_IDS),
    Event.EXPLAIN: st.builds(Explain, explanation=_REQUIRED_TEXTS, accepted=st.booleans()),
    Event.FOLLOW_UP: _follow_ups(),
    Event.CLOSE: st.just(Close()),
    Event.REOPEN: st.builds(Reopen, reason=_REQUIRED_TEXTS),
    Event.REJECT: st.builds(Reject, reason=_REQUIRED_TEXTS),
    Event.WITHDRAW: st.builds(Withdraw, reason=_OPTIONAL_TEXTS),
}
"""Data for the events whose data does not depend on the problem."""

_SATISFIED_FOLLOW_UPS = _follow_ups((Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED))
_DISSATISFIED_FOLLOW_UPS = _follow_ups((Satisfaction.DISSATISFIED,))


@st.composite
def _event_data(
    draw: st.DrawFn, problem: Problem, event: Event, at: dt.datetime, rules: ProblemRules
) -> EventData:
    """Data for ``event`` on ``problem`` at ``at`` (see :func:`event_data`)."""
    if event in _PLAIN:
        return draw(_PLAIN[event])
    day = local_date(at)
    match event:
        case Event.ASSIGN:
            return _assign(draw, problem, day, rules)
        case Event.REASSIGN:
            lead, co = _departments(draw)
            return Reassign(lead_department_id=lead, co_department_ids=co)
        case Event.ESCALATE:
            return _escalate(draw, problem)
        case Event.EXTEND_DEADLINE:
            return _extend(draw, problem, day, rules)
        case Event.MERGE_INTO:
            other = draw(_PROBLEM_IDS)
            if other == problem.id:  # a filter would often give up on the shrunk ids
                other = ProblemId(f"{other}-original")
            return MergeInto(duplicate_of=other)
        case Event.RECOUNT_DEADLINE:
            # Well formed, and always refused by apply: the store records recounts itself.
            previous = problem.deadline or day
            shift = draw(st.integers(min_value=1, max_value=10))
            return RecountDeadline(
                previous_deadline=previous,
                new_deadline=previous + dt.timedelta(days=shift),
                reason=draw(_REQUIRED_TEXTS),
            )
        case _:  # Event.REGISTER: refused by event_data() before drawing
            msg = "register is not applied to a problem; draw register_details() instead"
            raise InvalidArgument(msg)


def event_data(
    problem: Problem,
    event: Event | None = None,
    *,
    at: dt.datetime | None = None,
    rules: ProblemRules = DEFAULT_RULES,
) -> st.SearchStrategy[EventData]:
    """Data for ``event`` that ``problem.apply(data, at=at, rules=rules)`` accepts.

    ``event`` defaults to any of :func:`~jinjiecu.domain.problem.allowed_events`
    (``InvalidArgument`` if there is none); ``at`` defaults to the moment of the
    problem's last transition, and the data stays valid for any later moment on
    the same day. The data varies what the event allows: an assignment with a
    deadline, a number of working days or the rules' limit; an escalation to
    the next level or any higher one; an extension by date or by working days
    (the first deadline, for a problem settled on the spot and reopened);
    follow-ups with any outcome and satisfaction; a merge into another id.
    Deadlines stay at least 30 days before the calendar's last covered day.

    An event that is not allowed now still gets well-formed data (a test can
    check that it is refused), and so does ``recount_deadline``, which the
    store records and ``apply`` always refuses; ``register`` raises
    ``InvalidArgument`` (use :func:`register_details`).
    """
    if event is Event.REGISTER:
        msg = "register is not applied to a problem; draw register_details() instead"
        raise InvalidArgument(msg)
    moment = problem.transitions[-1].at if at is None else at
    if event is not None:
        return _event_data(problem, event, moment, rules)
    allowed = allowed_events(problem)
    if not allowed:
        msg = f"no event is allowed for a problem in state {problem.state.value}"
        raise InvalidArgument(msg)
    return st.sampled_from(allowed).flatmap(
        lambda chosen: _event_data(problem, chosen, moment, rules)
    )


def _state_graph() -> dict[ProblemState, dict[Event, ProblemState]]:
    """For each state, the events that leave it and where they lead (guards aside)."""
    return {
        state: {
            event: target_of(event, state)
            for event in events_from(state)
            if target_of(event, state) is not state
        }
        for state in ProblemState
    }


_GRAPH = _state_graph()


def _reaching(target: ProblemState) -> frozenset[ProblemState]:
    """The states from which ``target`` can be reached (``target`` included)."""
    found = {target}
    grew = True
    while grew:
        grew = False
        for state, moves in _GRAPH.items():
            if state not in found and found.intersection(moves.values()):
                found.add(state)
                grew = True
    return frozenset(found)


_REACHING = {state: _reaching(state) for state in ProblemState}


def _path(source: ProblemState, target: ProblemState) -> list[Event]:
    """A shortest list of state-changing events from ``source`` to ``target`` (guards aside)."""
    paths: dict[ProblemState, list[Event]] = {source: []}
    frontier = [source]
    while frontier and target not in paths:
        following = []
        for state in frontier:
            for event, reached in _GRAPH[state].items():
                if reached not in paths:
                    paths[reached] = [*paths[state], event]
                    following.append(reached)
        frontier = following
    return paths[target]


@attrs.frozen
class _Limits:
    """What a generated history is built under, and what keeps it inside the calendar's data."""

    rules: ProblemRules
    latest: dt.datetime  # no moment after this
    cast: st.SearchStrategy[Actor]  # the few people who act on this problem

    def latest_moment(self, problem: Problem) -> dt.datetime:
        """The latest moment for the next step.

        While suspended, the effective deadline grows with every working day;
        it must stay under the ceiling for the problem to be resumed.
        """
        if problem.state is not ProblemState.SUSPENDED or problem.deadline is None:
            return self.latest
        calendar = self.rules.working_calendar
        since = problem.suspended_on
        if since is None:  # pragma: no cover - a suspended problem has a suspend step
            return self.latest
        room = max(0, calendar.working_days_between(problem.deadline, _deadline_ceiling(calendar)))
        if calendar.working_days_between(since, local_date(self.latest)) <= room:
            return self.latest
        last_day = calendar.add_working_days(since, room + 1) - dt.timedelta(days=1)
        return min(self.latest, _end_of_day(last_day))


def _end_of_day(day: dt.date) -> dt.datetime:
    """The last minute of ``day`` in China Standard Time."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=CHINA_TZ)


def _next_moment(draw: st.DrawFn, problem: Problem, limits: _Limits) -> dt.datetime:
    """The moment of the next step: a gap after the last one, within the limits."""
    last = problem.transitions[-1].at
    moment = last + draw(_GAPS)
    latest = limits.latest_moment(problem)
    if moment > latest:
        moment = max(latest, last + _MINUTE)
    return moment.astimezone(draw(_ZONES))


def _apply(
    draw: st.DrawFn,
    problem: Problem,
    event: Event,
    limits: _Limits,
    *,
    moment: dt.datetime | None = None,
    data: EventData | None = None,
) -> Problem:
    """``problem`` after ``event``, at a drawn (or the given) moment with drawn data."""
    if moment is None:
        moment = _next_moment(draw, problem, limits)
    if data is None:
        data = draw(_event_data(problem, event, moment, limits.rules))
    return problem.apply(
        data, at=moment, actor=draw(limits.cast), note=draw(_NOTES), rules=limits.rules
    )


def _fits(problem: Problem, event: Event, moment: dt.datetime, limits: _Limits) -> bool:
    """Whether a random walk may take ``event`` at ``moment`` and stay inside the calendar."""
    if event is not Event.EXTEND_DEADLINE:
        return True
    return _extension_room(problem, local_date(moment), limits.rules) >= 1


def _walk_to(draw: st.DrawFn, problem: Problem, target: ProblemState, limits: _Limits) -> Problem:
    """Take a shortest path to ``target``, with the follow-ups its guards need."""
    for event in _path(problem.state, target):
        if event not in allowed_events(problem) and event in (Event.CLOSE, Event.REOPEN):
            needed = _DISSATISFIED_FOLLOW_UPS if event is Event.REOPEN else _SATISFIED_FOLLOW_UPS
            follow_up = draw(needed)
            problem = _apply(draw, problem, Event.FOLLOW_UP, limits, data=follow_up)
        problem = _apply(draw, problem, event, limits)
    return problem


@st.composite
def _problems(
    draw: st.DrawFn,
    *,
    state: ProblemState | None,
    min_start: dt.date,
    max_start: dt.date,
    max_steps: int,
    rules: ProblemRules,
    details: st.SearchStrategy[Register],
) -> Problem:
    """A problem registered in the range and walked as :func:`problems` describes."""
    calendar = rules.working_calendar
    latest = min(max_start + _LONGEST_HISTORY, calendar.last_day - _MOMENT_MARGIN)
    cast = draw(st.lists(_ACTORS, min_size=1, max_size=3))
    limits = _Limits(rules=rules, latest=_end_of_day(latest), cast=st.sampled_from(cast))
    day = draw(st.dates(min_value=min_start, max_value=max_start))
    start = dt.datetime.combine(
        day,
        dt.time(draw(st.integers(min_value=0, max_value=23)), draw(st.integers(0, 59))),
        tzinfo=CHINA_TZ,
    )
    problem = Problem.register(
        draw(details),
        at=start.astimezone(draw(_ZONES)),
        actor=cast[0],
        id=draw(_PROBLEM_IDS),
        note=draw(_NOTES),
        rules=rules,
    )
    # Without a state, a pure random walk mostly ends early (rejected, withdrawn,
    # merged); aiming at a random state half the time makes longer histories.
    target = state if state is not None else draw(st.none() | st.sampled_from(ProblemState))
    reachable = _REACHING[target] if target is not None else frozenset(ProblemState)
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        moment = _next_moment(draw, problem, limits)
        choices = [
            event
            for event in allowed_events(problem)
            if target_of(event, problem.state) in reachable
            and _fits(problem, event, moment, limits)
        ]
        if not choices:
            break
        event = draw(st.sampled_from(choices))
        problem = _apply(draw, problem, event, limits, moment=moment)
    return problem if target is None else _walk_to(draw, problem, target, limits)


def problems(
    state: ProblemState | None = None,
    *,
    min_start: dt.date = dt.date(2019, 1, 1),
    max_start: dt.date = dt.date(2026, 6, 30),
    max_steps: int = 10,
    rules: ProblemRules = DEFAULT_RULES,
    region_id: RegionId | None = None,
    campaign_id: CampaignId | None = None,
    work_group_id: WorkGroupId | None = None,
) -> st.SearchStrategy[Problem]:
    """Problems with a consistent history, built only through the public API.

    Each one is registered on a day from ``min_start`` to ``max_start`` and
    then walks at random through up to ``max_steps`` allowed events, each
    minutes to weeks after the one before (times strictly increase; some are
    given in UTC, most in China Standard Time). With a ``state``, the walk
    only passes through states from which ``state`` can still be reached,
    then takes a shortest path there (a few more steps), adding the follow-up
    (回访) that closing or reopening needs: the problem ends in exactly that
    state. Without one, it ends wherever the walk leads. Histories shrink
    towards a bare registration, or the shortest path to ``state``.

    The history stays inside the calendar's data: moments go no further than
    183 days after ``max_start``, nor than 92 days before the calendar's last
    covered day (``max_start`` may be no later than that); past that bound,
    steps come a minute apart. No deadline (effective deadline, while
    suspended) comes within 30 days of the last covered day. ``rules`` are
    used for every step (their taxonomy gives the categories);
    ``region_id``, ``campaign_id`` and ``work_group_id`` are as for
    :func:`register_details`. Raises ``InvalidArgument`` for bounds outside
    the calendar's data or a negative ``max_steps``.
    """
    calendar = rules.working_calendar
    if not calendar.first_day <= min_start <= max_start <= calendar.last_day - _MOMENT_MARGIN:
        msg = (
            f"need {calendar.first_day} <= min_start <= max_start <= "
            f"{calendar.last_day - _MOMENT_MARGIN}, got {min_start} and {max_start}"
        )
        raise InvalidArgument(msg)
    if max_steps < 0:
        msg = f"max_steps must be at least 0, not {max_steps}"
        raise InvalidArgument(msg)
    details = register_details(
        rules.taxonomy,
        region_id=region_id,
        campaign_id=campaign_id,
        work_group_id=work_group_id,
    )
    return _problems(
        state=state,
        min_start=min_start,
        max_start=max_start,
        max_steps=max_steps,
        rules=rules,
        details=details,
    )
