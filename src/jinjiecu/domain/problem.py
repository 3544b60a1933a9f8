"""Problems (问题 / 诉求) and their history: registration, routing, deadlines, follow-up.

A :class:`Problem` is its history. Every change is an appended, immutable
:class:`Transition` (who, when, from which state to which, why, and the event's
data); the problem's state, level, owners and deadline are folded from them.
Nothing is ever changed in place: :meth:`Problem.apply` returns a new problem
with one more transition and ``version + 1``.

>>> import datetime as dt
>>> from jinjiecu.domain.clock import at
>>> clerk = Actor(kind=ActorKind.CLERK, id="clerk-01", name="王芳")
>>> problem = Problem.register(
...     Register(title="新厂区用地指标不足", category="land_use",
...              region_id=RegionId("371481"), enterprise_id=EnterpriseId("e-1")),
...     at=at(dt.date(2019, 9, 27)), actor=clerk, id=ProblemId("p-1"),
... )
>>> problem = problem.apply(
...     Assign(lead_department_id=DepartmentId("zrzyj"), working_days=5),
...     at=at(dt.date(2019, 9, 30)), actor=clerk,
... )
>>> problem.state.label, problem.version, problem.deadline  # National Day week skipped
('已交办', 2, datetime.date(2019, 10, 12))
>>> [e.value for e in allowed_events(problem)]  # doctest: +NORMALIZE_WHITESPACE
['reassign', 'start', 'escalate', 'extend_deadline', 'resolve', 'explain',
 'reject', 'withdraw', 'merge_into']
>>> from jinjiecu.domain.events import Close
>>> problem.apply(Close(), at=at(dt.date(2019, 10, 8)), actor=clerk)
Traceback (most recent call last):
...
jinjiecu.errors.IllegalTransitionError: problem p-1: event 'close' is not allowed in state ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from jinjiecu.domain.calendar import WorkingCalendar, china_calendar
from jinjiecu.domain.clock import is_aware, local_date
from jinjiecu.domain.events import (
    EVENT_DATA,
    Assign,
    Escalate,
    EventData,
    ExtendDeadline,
    FollowUp,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Reassign,
    RecountDeadline,
    Register,
    Resume,
    Satisfaction,
    Scope,
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
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from jinjiecu.domain.validation import (
    an_aware_datetime,
    as_tuple,
    check,
    free_text,
    int_in,
    is_enum,
    is_id,
    is_instance,
    name_text,
    optional,
)
from jinjiecu.domain.workflow import (
    ACTIVE_STATES,
    EXCLUDED_STATES,
    SYSTEM_EVENTS,
    TRANSITIONS,
    Event,
    ProblemState,
    events_from,
    target_of,
)
from jinjiecu.errors import HistoryError, IllegalTransitionError, ValidationError

__all__ = [
    "DEFAULT_RULES",
    "Actor",
    "ActorKind",
    "DeadlinePolicy",
    "Problem",
    "ProblemRules",
    "Standing",
    "Transition",
    "allowed_events",
]


class ActorKind(LabelledEnum):
    """Who acts on a problem."""

    LEADER = "leader", "领导"
    DEPARTMENT = "department", "部门"
    WORK_GROUP = "work_group", "工作组"
    OFFICE = "office", "领导小组办公室"
    CLERK = "clerk", "工作人员"
    ENTERPRISE = "enterprise", "企业"
    SYSTEM = "system", "系统"


@attrs.frozen(kw_only=True)
class Actor:
    """The person or body behind a transition.

    ``id`` is the leader's, department's, group's, office's or enterprise's id,
    or a clerk's user name in the calling app; ``name`` is for people to read.
    """

    kind: ActorKind = attrs.field(validator=is_enum(ActorKind))
    id: str = attrs.field(validator=name_text(128))
    name: str = attrs.field(default="", validator=free_text(200))


@attrs.frozen(kw_only=True)
class Transition:
    """One appended, immutable step in a problem's history.

    ``sequence`` counts from 1 with no gaps; ``from_state`` is ``None`` for the
    registration; ``data`` is the event's data class, with anything computed
    when it was applied filled in.
    """

    problem_id: ProblemId = attrs.field(validator=is_id(ProblemId))
    sequence: int = attrs.field(validator=int_in(1))
    event: Event = attrs.field(validator=is_enum(Event))
    from_state: ProblemState | None = attrs.field(validator=optional(is_enum(ProblemState)))
    to_state: ProblemState = attrs.field(validator=is_enum(ProblemState))
    at: dt.datetime = attrs.field(validator=an_aware_datetime)
    actor: Actor = attrs.field(validator=is_instance(Actor, "an Actor"))
    data: EventData = attrs.field()
    note: str = attrs.field(default="", validator=free_text())

    @data.validator
    def _data_matches_event(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        # The event field is validated first (attrs runs validators in order).
        data_class = EVENT_DATA[self.event]
        check(
            isinstance(value, data_class),
            field=attribute.name,
            expected=f"the data of a {self.event.value} event ({data_class.__name__})",
            received=value,
        )


def _days_table(value: Mapping[Any, int] | None) -> Mapping[Any, int]:
    """Attrs converter: freeze a mapping of working-day limits (the validator checks it)."""
    if isinstance(value, Mapping):
        return MappingProxyType(dict(value))
    return value  # type: ignore[return-value]  # the validator names the bad value


def _positive_days(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check(
        isinstance(value, Mapping)
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value.values()),
        field=attribute.name,
        expected="a mapping to whole numbers of working days, at least 1",
        received=value,
    )


@attrs.frozen(kw_only=True)
class DeadlinePolicy:
    """How many working days a problem gets when it is assigned (办理时限).

    The most specific rule wins. Starting from the problem's category and
    going up to its root: the (category, level) pair in
    ``by_category_and_level``, then the category in ``by_category``. Failing
    those, the level in ``by_level``, then ``default_working_days``. So a
    sub-category's own rule beats its parent's. Out of the box every problem
    gets a flat 15 working days; offices set their own rules.
    """

    default_working_days: int = attrs.field(default=15, validator=int_in(1, 3650))
    by_level: Mapping[HandlingLevel, int] = attrs.field(
        factory=dict, converter=_days_table, validator=_positive_days, hash=False
    )
    by_category: Mapping[str, int] = attrs.field(
        factory=dict, converter=_days_table, validator=_positive_days, hash=False
    )
    by_category_and_level: Mapping[tuple[str, HandlingLevel], int] = attrs.field(
        factory=dict, converter=_days_table, validator=_positive_days, hash=False
    )

    def working_days(self, category: str, level: HandlingLevel, taxonomy: Taxonomy) -> int:
        """The limit for a problem of ``category`` handled at ``level``.

        The category's own rules come first, then its parent's, and so on up.
        """
        for category_ in taxonomy.ancestors(category):
            code = category_.code
            if (code, level) in self.by_category_and_level:
                return self.by_category_and_level[code, level]
            if code in self.by_category:
                return self.by_category[code]
        return self.by_level.get(level, self.default_working_days)


@attrs.frozen(kw_only=True)
class ProblemRules:
    """The office's settings that events are applied under.

    ``calendar`` defaults to the official calendar
    (:func:`~jinjiecu.domain.calendar.china_calendar`).
    A problem is *due soon* when its deadline is at most
    ``due_soon_working_days`` working days away.
    """

    taxonomy: Taxonomy = attrs.field(
        default=DEFAULT_TAXONOMY, validator=is_instance(Taxonomy, "a Taxonomy")
    )
    deadlines: DeadlinePolicy = attrs.field(
        factory=DeadlinePolicy, validator=is_instance(DeadlinePolicy, "a DeadlinePolicy")
    )
    calendar: WorkingCalendar | None = attrs.field(
        default=None, validator=optional(is_instance(WorkingCalendar, "a WorkingCalendar"))
    )
    due_soon_working_days: int = attrs.field(default=3, validator=int_in(0, 365))

    @property
    def working_calendar(self) -> WorkingCalendar:
        """The calendar deadlines are counted on."""
        return self.calendar if self.calendar is not None else china_calendar()


DEFAULT_RULES = ProblemRules()
"""The default taxonomy, deadline policy and the official calendar."""


_HELD = (ProblemState.ASSIGNED, ProblemState.IN_PROGRESS, ProblemState.SUSPENDED)
"""States in which the deadline clock matters."""
_SETTLED = (ProblemState.RESOLVED, ProblemState.EXPLAINED, ProblemState.CLOSED)
"""States in which a settlement (resolve or explain) stands."""


@attrs.frozen(kw_only=True, eq=True)
class Problem:
    """A problem an enterprise raised, folded from its history.

    Build one with :meth:`register`, change it with :meth:`apply`, and rebuild
    it from stored transitions with ``Problem(transitions=...)`` (same as
    :meth:`from_history`), which checks the history and refuses a broken one.
    Every other attribute is derived from the transitions and cannot disagree
    with them.
    """

    transitions: tuple[Transition, ...] = attrs.field(converter=as_tuple)
    id: ProblemId = attrs.field(init=False)
    state: ProblemState = attrs.field(init=False)
    title: str = attrs.field(init=False)
    description: str = attrs.field(init=False)
    category: str = attrs.field(init=False)
    scope: Scope = attrs.field(init=False)
    level: HandlingLevel = attrs.field(init=False)
    region_id: RegionId = attrs.field(init=False)
    enterprise_id: EnterpriseId | None = attrs.field(init=False)
    project_id: ProjectId | None = attrs.field(init=False)
    visit_id: VisitId | None = attrs.field(init=False)
    campaign_id: CampaignId | None = attrs.field(init=False)
    work_group_id: WorkGroupId | None = attrs.field(init=False)
    leader_id: LeaderId | None = attrs.field(init=False)
    lead_department_id: DepartmentId | None = attrs.field(init=False)
    co_department_ids: tuple[DepartmentId, ...] = attrs.field(init=False)
    registered_at: dt.datetime = attrs.field(init=False)
    deadline: dt.date | None = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        history = self.transitions
        if not (
            isinstance(history, tuple)
            and history
            and all(isinstance(t, Transition) for t in history)
        ):
            raise ValidationError(
                field="transitions",
                expected="a non-empty sequence of Transition records, registration first",
                received=history,
            )
        state: dict[str, Any] = {}
        problem_id = history[0].problem_id
        for transition in history:
            reason = _replay_error(state, transition, problem_id)
            if reason:
                raise HistoryError(
                    problem_id=problem_id, sequence=transition.sequence, reason=reason
                )
            _fold(state, transition)
        _set_fields(self, state)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_history(cls, transitions: Iterable[Transition]) -> Problem:
        """Rebuild a problem from its stored transitions, checking every step.

        Raises:
            HistoryError: a gap or repeat in the sequence, transitions out of
                time order, a transition that was illegal from its from-state,
                or one that does not lead where the table says.
        """
        return cls(transitions=tuple(transitions))

    @classmethod
    def register(
        cls,
        details: Register,
        *,
        at: dt.datetime,
        actor: Actor,
        id: ProblemId | None = None,  # noqa: A002 - the problem's id
        note: str = "",
        rules: ProblemRules = DEFAULT_RULES,
    ) -> Problem:
        """Register (登记) a new problem; its id is generated unless given."""
        check(
            isinstance(details, Register),
            field="details",
            expected="a Register event",
            received=details,
        )
        rules.taxonomy.get(details.category)
        transition = Transition(
            problem_id=id if id is not None else ProblemId.new(),
            sequence=1,
            event=Event.REGISTER,
            from_state=None,
            to_state=ProblemState.REGISTERED,
            at=at,
            actor=actor,
            data=details,
            note=note,
        )
        return _extend(None, transition)

    def apply(
        self,
        data: EventData,
        *,
        at: dt.datetime,
        actor: Actor,
        note: str = "",
        rules: ProblemRules = DEFAULT_RULES,
    ) -> Problem:
        """Apply an event and return the new problem (``version + 1``); this one is unchanged.

        Raises:
            IllegalTransitionError: the event is not allowed now (with the
                events that are).
            ValidationError: the event's data does not fit the problem (an
                earlier deadline, a lower level, a time before the last step).
        """
        event = getattr(data, "event", None)
        if not isinstance(event, Event) or event is Event.REGISTER:
            raise ValidationError(
                field="data",
                expected="the data of an event other than register (Assign, Start, ...)",
                received=data,
            )
        reason = (
            "it is recorded by the store when the working-day calendar changes"
            if event in SYSTEM_EVENTS
            else _refusal(self, event)
        )
        if reason is not None:
            raise IllegalTransitionError(
                problem_id=self.id,
                state=self.state.value,
                event=event.value,
                allowed=[e.value for e in allowed_events(self)],
                reason=reason,
            )
        _require_aware(at, "at")
        last = self.transitions[-1].at
        check(
            at >= last,
            field="at",
            expected=f"a moment at or after the last transition ({last.isoformat()})",
            received=at,
        )
        recorded = _PREPARE.get(event, _as_is)(self, data, at, rules)
        transition = Transition(
            problem_id=self.id,
            sequence=self.version + 1,
            event=event,
            from_state=self.state,
            to_state=target_of(event, self.state),
            at=at,
            actor=actor,
            data=recorded,
            note=note,
        )
        return _extend(self, transition)

    # ------------------------------------------------------------------ reading

    @property
    def version(self) -> int:
        """How many transitions the problem has; stores use it to detect stale writes."""
        return len(self.transitions)

    @property
    def is_active(self) -> bool:
        """Whether it is still being handled (registered, assigned, in progress or suspended)."""
        return self.state in ACTIVE_STATES

    @property
    def suspended_on(self) -> dt.date | None:
        """The local date the problem was suspended, while it is suspended."""
        if self.state is not ProblemState.SUSPENDED:
            return None
        last = next(t for t in reversed(self.transitions) if t.event is Event.SUSPEND)
        return local_date(last.at)

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When it was last resolved or explained, if that still stands."""
        if self.state not in _SETTLED:
            return None
        return _last_settlement(self).at

    @property
    def settlement(self) -> Event | None:
        """How the problem was last settled (resolve or explain), while that stands.

        ``None`` unless the problem is resolved, explained or closed; a closed
        problem keeps the settlement it was closed on.
        """
        if self.state not in _SETTLED:
            return None
        return _last_settlement(self).event

    @property
    def settled_on(self) -> dt.date | None:
        """The local date of :attr:`resolved_at` (China Standard Time)."""
        moment = self.resolved_at
        return None if moment is None else local_date(moment)

    @property
    def settled_on_time(self) -> bool | None:
        """Whether the standing settlement came on or before the deadline.

        ``None`` when the problem is not settled or never had a deadline. Only
        a recount (a holiday notice changed the days the deadline was counted
        over) changes the deadline while a problem is settled, and then the
        recounted one is the one it is measured against.
        """
        day = self.settled_on
        if day is None or self.deadline is None:
            return None
        return day <= self.deadline

    @property
    def ever_settled(self) -> bool:
        """Whether the problem has been resolved or explained at least once."""
        return any(t.event in (Event.RESOLVE, Event.EXPLAIN) for t in self.transitions)

    @property
    def ever_reopened(self) -> bool:
        """Whether the problem has been reopened (重办) at least once."""
        return any(t.event is Event.REOPEN for t in self.transitions)

    @property
    def first_assigned_at(self) -> dt.datetime | None:
        """When the problem was first assigned (交办), if it was."""
        return next((t.at for t in self.transitions if t.event is Event.ASSIGN), None)

    @property
    def last_follow_up(self) -> FollowUp | None:
        """The latest follow-up since the problem was last resolved or explained."""
        return _last_follow_up(self)

    def prefixes(self) -> Iterator[Problem]:
        """The problem as it stood after each of its transitions, oldest first."""
        state: dict[str, Any] = {}
        for transition in self.transitions:
            _fold(state, transition)
            yield _snapshot(state)

    def standings(self) -> Iterator[Standing]:
        """Where the problem stood after each of its transitions, oldest first.

        Equal to :meth:`Standing.of` of each of :meth:`prefixes` (a property
        test holds the two together), folded in one pass because stores call
        this for every transition they write.
        """
        level = self.level
        lead: DepartmentId | None = None
        deadline: dt.date | None = None
        suspended_on: dt.date | None = None
        settlement: Event | None = None
        settled_on: dt.date | None = None
        first_assigned_on: dt.date | None = None
        ever_settled = ever_reopened = False
        follow_up: FollowUp | None = None
        for transition in self.transitions:
            data, event = transition.data, transition.event
            if isinstance(data, Register):
                level = data.level
            elif isinstance(data, Assign):
                lead, deadline = data.lead_department_id, data.deadline
                first_assigned_on = first_assigned_on or local_date(transition.at)
            elif isinstance(data, Reassign):
                lead = data.lead_department_id
            elif isinstance(data, Escalate):
                level = data.to_level or level  # filled in when applied
            elif isinstance(data, ExtendDeadline | Resume | RecountDeadline):
                deadline = data.new_deadline
            elif isinstance(data, FollowUp):
                follow_up = data
            if event is Event.SUSPEND:
                suspended_on = local_date(transition.at)
            elif event in (Event.RESOLVE, Event.EXPLAIN):
                settlement, settled_on, ever_settled = event, local_date(transition.at), True
                follow_up = None
            elif event is Event.REOPEN:
                ever_reopened, follow_up = True, None
            state = transition.to_state
            settled = state in _SETTLED
            yield Standing(
                sequence=transition.sequence,
                state=state,
                level=level,
                lead_department_id=lead,
                deadline=deadline,
                suspended_on=suspended_on if state is ProblemState.SUSPENDED else None,
                settlement=settlement if settled else None,
                settled_on=settled_on if settled else None,
                first_assigned_on=first_assigned_on,
                ever_settled=ever_settled,
                ever_reopened=ever_reopened,
                follow_up_outcome=follow_up.outcome if settled and follow_up else None,
                follow_up_satisfaction=follow_up.satisfaction if settled and follow_up else None,
            )

    def as_of(self, moment: dt.datetime) -> Problem | None:
        """The problem as its history stood at ``moment``; ``None`` if not yet registered.

        The state at ``moment`` is the one after the last transition at or
        before it; later transitions are ignored.
        """
        _require_aware(moment, "moment")
        count = sum(1 for t in self.transitions if t.at <= moment)
        if count == len(self.transitions):
            return self
        return None if count == 0 else _rebuild(self.transitions[:count])

    def recounted_deadline(self, calendar: WorkingCalendar) -> dt.date | None:
        """The deadline this history gives when every counted step is counted on ``calendar``.

        The assignment's working days, extensions by working days and the
        pauses of suspensions are counted again; dates typed in as dates
        (a deadline given on assignment, an extension to a given day) stay as
        they were, and earlier recounts are results, not inputs. On the
        calendar the history was counted on, this is :attr:`deadline`.
        """
        check(
            isinstance(calendar, WorkingCalendar),
            field="calendar",
            expected="a WorkingCalendar",
            received=calendar,
        )
        deadline: dt.date | None = None
        suspended_on: dt.date | None = None
        for transition in self.transitions:
            data, day = transition.data, local_date(transition.at)
            if isinstance(data, Assign):
                deadline = (
                    calendar.add_working_days(day, data.working_days)
                    if data.working_days is not None
                    else data.deadline
                )
            elif isinstance(data, ExtendDeadline):
                base = deadline if deadline is not None else day
                deadline = (
                    calendar.add_working_days(base, data.working_days)
                    if data.working_days is not None
                    else data.new_deadline
                )
            elif transition.event is Event.SUSPEND:
                suspended_on = day
            elif isinstance(data, Resume) and deadline is not None and suspended_on is not None:
                paused = max(0, calendar.working_days_between(suspended_on, day))
                deadline = calendar.add_working_days(deadline, paused)
        return deadline

    def recount_deadline(
        self, calendar: WorkingCalendar, *, at: dt.datetime, actor: Actor, reason: str
    ) -> Problem:
        """This problem with a :class:`~jinjiecu.domain.events.RecountDeadline` step, if needed.

        When :meth:`recounted_deadline` on ``calendar`` differs from the
        deadline in force, the new problem (``version + 1``) records the move;
        otherwise this problem is returned unchanged. Problems that were
        rejected, withdrawn or merged are left as they are: their deadline no
        longer counts. Stores call this when a holiday notice is added
        (:mod:`jinjiecu.storage.notices`); apps do not.
        """
        if self.deadline is None or self.state in EXCLUDED_STATES:
            return self
        new = self.recounted_deadline(calendar)
        if new is None or new == self.deadline:
            return self
        _require_aware(at, "at")
        last = self.transitions[-1].at
        check(
            at >= last,
            field="at",
            expected=f"a moment at or after the last transition ({last.isoformat()})",
            received=at,
        )
        transition = Transition(
            problem_id=self.id,
            sequence=self.version + 1,
            event=Event.RECOUNT_DEADLINE,
            from_state=self.state,
            to_state=self.state,
            at=at,
            actor=actor,
            data=RecountDeadline(previous_deadline=self.deadline, new_deadline=new, reason=reason),
        )
        return _extend(self, transition)

    def effective_deadline(
        self, on: dt.date, rules: ProblemRules = DEFAULT_RULES
    ) -> dt.date | None:
        """The deadline as it stands on ``on``: while suspended, the clock is paused.

        During a suspension, every working day since the suspension pushes the
        deadline one working day later, as resuming that day would.
        """
        if self.deadline is None or self.state is not ProblemState.SUSPENDED:
            return self.deadline
        since = self.suspended_on
        if since is None:  # pragma: no cover - a suspended problem always has a suspend step
            return self.deadline
        calendar = rules.working_calendar
        paused = max(0, calendar.working_days_between(since, on))
        return calendar.add_working_days(self.deadline, paused)

    def is_overdue(self, at: dt.datetime, rules: ProblemRules = DEFAULT_RULES) -> bool:
        """Whether the problem, as it stood at ``at``, was past its deadline and unsettled.

        Overdue means assigned, in progress or suspended, with the day of
        ``at`` (China Standard Time) after the effective deadline; the deadline
        day itself is still on time.
        """
        then = self.as_of(at)
        if then is None or then.state not in _HELD:
            return False
        today = local_date(at)
        deadline = then.effective_deadline(today, rules)
        return deadline is not None and today > deadline

    def due_soon(
        self, at: dt.datetime, within: int | None = None, rules: ProblemRules = DEFAULT_RULES
    ) -> bool:
        """Whether, at ``at``, the deadline was at most ``within`` working days away and not passed.

        ``within`` defaults to the rules' ``due_soon_working_days``. Suspended
        problems are never due soon: their clock is paused.
        """
        then = self.as_of(at)
        if then is None or then.state not in (ProblemState.ASSIGNED, ProblemState.IN_PROGRESS):
            return False
        if then.deadline is None:
            return False
        today = local_date(at)
        left = rules.working_calendar.working_days_between(today, then.deadline)
        limit = rules.due_soon_working_days if within is None else within
        return 0 <= left <= limit


@attrs.frozen(kw_only=True)
class Standing:
    """What a problem's history had established just after one of its transitions.

    The facts the figures of :mod:`jinjiecu.metrics` need, folded once. SQL
    stores keep one beside every transition, so that a figure as of any moment
    is a lookup of the last transition at or before it rather than a replay.
    Every field equals the property of the same name of the problem as it
    stood then (:meth:`Problem.standings` builds them from those properties),
    so there is one definition of each. Derived, never typed in: no validators.
    """

    sequence: int
    state: ProblemState
    level: HandlingLevel
    lead_department_id: DepartmentId | None
    deadline: dt.date | None
    suspended_on: dt.date | None
    settlement: Event | None
    settled_on: dt.date | None
    first_assigned_on: dt.date | None
    ever_settled: bool
    ever_reopened: bool
    follow_up_outcome: FollowUpOutcome | None
    """Of the latest follow-up since the standing settlement (``None`` unless settled)."""
    follow_up_satisfaction: Satisfaction | None

    @classmethod
    def of(cls, problem: Problem) -> Standing:
        """Where ``problem`` stands now."""
        follow_up = problem.last_follow_up if problem.state in _SETTLED else None
        assigned_at = problem.first_assigned_at
        return cls(
            sequence=len(problem.transitions),
            state=problem.state,
            level=problem.level,
            lead_department_id=problem.lead_department_id,
            deadline=problem.deadline,
            suspended_on=problem.suspended_on,
            settlement=problem.settlement,
            settled_on=problem.settled_on,
            first_assigned_on=None if assigned_at is None else local_date(assigned_at),
            ever_settled=problem.ever_settled,
            ever_reopened=problem.ever_reopened,
            follow_up_outcome=None if follow_up is None else follow_up.outcome,
            follow_up_satisfaction=None if follow_up is None else follow_up.satisfaction,
        )


def allowed_events(problem: Problem) -> tuple[Event, ...]:
    """The events that can happen to ``problem`` now, in table order, guards included.

    Events the store records itself (:data:`~jinjiecu.domain.workflow.SYSTEM_EVENTS`)
    are not among them.
    """
    return tuple(
        e
        for e in events_from(problem.state)
        if e not in SYSTEM_EVENTS and _refusal(problem, e) is None
    )


# ---------------------------------------------------------------------- internals


def _require_aware(value: object, field: str) -> None:
    check(is_aware(value), field=field, expected="a timezone-aware datetime", received=value)


def _last_settlement(problem: Problem) -> Transition:
    return next(
        t for t in reversed(problem.transitions) if t.event in (Event.RESOLVE, Event.EXPLAIN)
    )


def _last_follow_up(problem: Problem) -> FollowUp | None:
    for transition in reversed(problem.transitions):
        if transition.event in (Event.RESOLVE, Event.EXPLAIN, Event.REOPEN):
            return None
        if isinstance(transition.data, FollowUp):
            return transition.data
    return None


def _refusal(problem: Problem, event: Event) -> str | None:
    """Why ``event`` cannot happen to ``problem`` now, or ``None`` if it can."""
    if problem.state not in TRANSITIONS[event].sources:
        return ""
    follow_up = _last_follow_up(problem) if event in (Event.CLOSE, Event.REOPEN) else None
    if event is Event.CLOSE and (
        follow_up is None or follow_up.satisfaction is Satisfaction.DISSATISFIED
    ):
        return "closing needs a follow-up (回访) since the resolution that was not dissatisfied"
    if event is Event.REOPEN and (
        follow_up is None or follow_up.satisfaction is not Satisfaction.DISSATISFIED
    ):
        return "reopening needs a dissatisfied follow-up (回访) since the resolution"
    if event is Event.ESCALATE and problem.level.next_up() is None:
        return f"the problem is already at the top level ({problem.level.label})"
    return None


def _as_is(_problem: Problem, data: EventData, _at: dt.datetime, _rules: ProblemRules) -> EventData:
    return data


def _prepare_assign(problem: Problem, data: Assign, at: dt.datetime, rules: ProblemRules) -> Assign:
    day = local_date(at)
    calendar = rules.working_calendar
    check(
        data.deadline is None or data.working_days is None,
        field="deadline",
        expected="a deadline or a number of working days, not both",
        received=(data.deadline, data.working_days),
    )
    if data.deadline is not None:
        check(
            data.deadline >= day,
            field="deadline",
            expected=f"a date on or after the assignment day {day.isoformat()}",
            received=data.deadline,
        )
        calendar.is_working_day(data.deadline)  # inside the calendar's years, or a clear error
        return data
    days = data.working_days or rules.deadlines.working_days(
        problem.category, problem.level, rules.taxonomy
    )
    return attrs.evolve(data, deadline=calendar.add_working_days(day, days), working_days=days)


def _prepare_escalate(
    problem: Problem, data: Escalate, _at: dt.datetime, _rules: ProblemRules
) -> Escalate:
    target = data.to_level or problem.level.next_up()
    check(
        target is not None and target.rank > problem.level.rank,
        field="to_level",
        expected=f"a level above the current one ({problem.level.label})",
        received=data.to_level,
    )
    return attrs.evolve(data, to_level=target)


def _prepare_extend(
    problem: Problem, data: ExtendDeadline, at: dt.datetime, rules: ProblemRules
) -> ExtendDeadline:
    # Without a deadline yet (a problem settled on the spot, then reopened),
    # the extension sets the first one, counted from the day it is approved.
    today = local_date(at)
    base = problem.deadline if problem.deadline is not None else today
    check(
        data.new_deadline is None or data.working_days is None,
        field="new_deadline",
        expected="either a new deadline or a number of working days to add (one of them)",
        received=(data.new_deadline, data.working_days),
    )
    if data.working_days is not None:
        # The record holds the date, so replaying never needs the calendar, and the
        # working days, so a recount on a changed calendar can count them again.
        new_deadline = rules.working_calendar.add_working_days(base, data.working_days)
        return attrs.evolve(data, new_deadline=new_deadline)
    new = data.new_deadline
    if problem.deadline is not None:
        ok = new is not None and new > problem.deadline
        expected = f"a date after the current deadline {problem.deadline.isoformat()}"
    else:
        ok = new is not None and new >= today
        expected = f"a date on or after the day of the extension {today.isoformat()}"
    check(ok, field="new_deadline", expected=expected, received=new)
    if new is not None:
        rules.working_calendar.is_working_day(new)  # inside the calendar's years, or a clear error
    return data


def _prepare_resume(problem: Problem, data: Resume, at: dt.datetime, rules: ProblemRules) -> Resume:
    check(
        data.new_deadline is None,
        field="new_deadline",
        expected="nothing: the new deadline is worked out from the time suspended",
        received=data.new_deadline,
    )
    return Resume(new_deadline=problem.effective_deadline(local_date(at), rules))


def _prepare_merge(
    problem: Problem, data: MergeInto, _at: dt.datetime, _rules: ProblemRules
) -> MergeInto:
    check(
        data.duplicate_of != problem.id,
        field="duplicate_of",
        expected="another problem's id",
        received=data.duplicate_of,
    )
    return data


_PREPARE: dict[Event, Callable[[Problem, Any, dt.datetime, ProblemRules], EventData]] = {
    Event.ASSIGN: _prepare_assign,
    Event.ESCALATE: _prepare_escalate,
    Event.EXTEND_DEADLINE: _prepare_extend,
    Event.RESUME: _prepare_resume,
    Event.MERGE_INTO: _prepare_merge,
}
"""Events whose recorded data is completed when they are applied."""


def _replay_error(state: Mapping[str, Any], transition: Transition, problem_id: ProblemId) -> str:
    """Why a stored transition could not have been applied where it stands ("" if it could)."""
    done = state.get("transitions", ())
    current = state.get("state")
    rule = TRANSITIONS[transition.event]
    expected_target = rule.target or current
    if transition.problem_id != problem_id:
        return f"belongs to problem {transition.problem_id!r}"
    if transition.sequence != len(done) + 1:
        return f"expected sequence number {len(done) + 1} (a gap, repeat or reordering)"
    if done and transition.at < done[-1].at:
        return "is earlier than the transition before it"
    if current not in rule.sources:
        return f"{transition.event.value} is not allowed from {_code(current)}"
    if transition.from_state is not current:
        found = _code(transition.from_state)
        return f"records from-state {found} but the problem was {_code(current)}"
    if transition.to_state is not expected_target:
        found = _code(transition.to_state)
        return f"records to-state {found}, the table says {_code(expected_target)}"
    if current is None:
        return ""
    problem = _snapshot(state)
    return _refusal(problem, transition.event) or _recorded_data_error(problem, transition.data)


def _code(state: ProblemState | None) -> str:
    return "nothing" if state is None else state.value


def _recorded_data_error(problem: Problem, data: EventData) -> str:
    """Why recorded event data could not have come out of :meth:`Problem.apply` ("" if it could).

    Apply fills in computed values (deadlines, the level reached); a stored
    record without them, or with values apply would refuse, is not a history.
    """
    if isinstance(data, Assign) and data.deadline is None:
        return "an assignment without the deadline it set"
    if isinstance(data, Escalate) and (
        data.to_level is None or data.to_level.rank <= problem.level.rank
    ):
        return f"an escalation that does not go above {problem.level.value}"
    if isinstance(data, ExtendDeadline) and (
        data.new_deadline is None
        or (problem.deadline is not None and data.new_deadline <= problem.deadline)
    ):
        return "an extension that does not move the deadline later"
    if isinstance(data, Resume):
        before, after = problem.deadline, data.new_deadline
        if (before is None) != (after is None) or (before and after and after < before):
            return "a resumption that does not carry the deadline forward"
    if isinstance(data, MergeInto) and data.duplicate_of == problem.id:
        return "a merge of the problem into itself"
    if isinstance(data, RecountDeadline) and data.previous_deadline != problem.deadline:
        return "a recount that does not start from the deadline then in force"
    return ""


def _fold(state: dict[str, Any], transition: Transition) -> None:
    """Apply one transition's effect to the field values in ``state``."""
    data = transition.data
    if isinstance(data, Register):
        state.update(
            id=transition.problem_id,
            title=data.title,
            description=data.description,
            category=data.category,
            scope=data.scope,
            level=data.level,
            region_id=data.region_id,
            enterprise_id=data.enterprise_id,
            project_id=data.project_id,
            visit_id=data.visit_id,
            campaign_id=data.campaign_id,
            work_group_id=data.work_group_id,
            leader_id=data.leader_id,
            lead_department_id=None,
            co_department_ids=(),
            registered_at=transition.at,
            deadline=None,
            transitions=(),
        )
    elif isinstance(data, Assign):
        state.update(
            lead_department_id=data.lead_department_id,
            co_department_ids=data.co_department_ids,
            deadline=data.deadline,
        )
    elif isinstance(data, Reassign):
        state.update(
            lead_department_id=data.lead_department_id, co_department_ids=data.co_department_ids
        )
    elif isinstance(data, Escalate):
        state["level"] = data.to_level
    elif isinstance(data, ExtendDeadline | Resume | RecountDeadline):
        state["deadline"] = data.new_deadline
    state["state"] = transition.to_state
    state["transitions"] = (*state["transitions"], transition)


_FIELDS = [a.name for a in attrs.fields(Problem)]


def _set_fields(problem: Problem, state: Mapping[str, Any]) -> None:
    for name in _FIELDS:
        object.__setattr__(problem, name, state[name])


def _snapshot(state: Mapping[str, Any]) -> Problem:
    """A problem from already-checked field values, without replaying (internal)."""
    problem = object.__new__(Problem)
    _set_fields(problem, state)
    return problem


def _fields_of(problem: Problem) -> dict[str, Any]:
    return {name: getattr(problem, name) for name in _FIELDS}


def _extend(problem: Problem | None, transition: Transition) -> Problem:
    """The problem with one more, already-checked transition folded in."""
    state = {} if problem is None else _fields_of(problem)
    _fold(state, transition)
    return _snapshot(state)


def _rebuild(transitions: tuple[Transition, ...]) -> Problem:
    """Fold a prefix of an already-checked history."""
    state: dict[str, Any] = {}
    for transition in transitions:
        _fold(state, transition)
    return _snapshot(state)
