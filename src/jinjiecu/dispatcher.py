"""The office's day in a few calls: :class:`Dispatcher`, the campaign office's dispatching (调度).

Every day the leading-group office (领导小组办公室) registers (登记) the problems
the work groups bring back from their visits (进厂入企), assigns (交办) them to
departments, chases them until they are resolved (解决) or explained (解释),
follows them up with the enterprise (回访), and reports the figures upwards
(调度数据, 工作通报). A :class:`Dispatcher` does those tasks by the names clerks
use (an enterprise's name or credit code, a department's name, a category's
word), and builds the ids, events and actors itself.

It holds no rules of its own. Each call finds records, builds what the layers
below take, and calls them:

- :meth:`Dispatcher.register` is :meth:`Problem.register
  <jinjiecu.domain.problem.Problem.register>` saved with
  :meth:`store.problems.save <jinjiecu.storage.base.ProblemRecords.save>`
  (``expected_version=0``);
- :meth:`~Dispatcher.assign`, :meth:`~Dispatcher.start`,
  :meth:`~Dispatcher.resolve`, :meth:`~Dispatcher.explain`,
  :meth:`~Dispatcher.follow_up`, :meth:`~Dispatcher.close_problem` and
  :meth:`~Dispatcher.apply` are :meth:`store.problems.apply
  <jinjiecu.storage.base.ProblemRecords.apply>` with the event they name:
  the domain decides what is allowed, the store counts deadlines on its own
  calendar, and a problem given as a :class:`~jinjiecu.domain.problem.Problem`
  is written only if the store still holds that version (a stale copy raises
  :class:`~jinjiecu.errors.ConflictError` and writes nothing);
- :meth:`~Dispatcher.figures` is :func:`~jinjiecu.metrics.problems.problem_summary`,
  :meth:`~Dispatcher.briefing` is :func:`~jinjiecu.reports.briefing.briefing`,
  and :meth:`~Dispatcher.overdue` and :meth:`~Dispatcher.due_soon` select the
  problems :meth:`Problem.is_overdue <jinjiecu.domain.problem.Problem.is_overdue>`
  and :meth:`Problem.due_soon <jinjiecu.domain.problem.Problem.due_soon>` say
  are, counted on the store's calendar, as the figures count them.

The store stays in reach (:attr:`Dispatcher.store`), and every call takes and
returns the domain's own records. A name no record has raises
:class:`UnknownNameError`, naming the name and offering the nearest ones.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from jinjiecu.domain.clock import at as moment_on, end_of_day, local_date, now
from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.events import (
    Assign,
    Close,
    EventData,
    Explain,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    Register,
    Resolve,
    Satisfaction,
    Scope,
    Start,
)
from jinjiecu.domain.ids import (
    EnterpriseId,
    ProblemId,
    ProjectId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.policy import ALLOW_ALL
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, Problem, ProblemRules
from jinjiecu.domain.validation import (
    an_aware_datetime,
    check,
    check_argument,
    int_in,
    is_instance,
    optional,
)
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.errors import ValidationError
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.reports._ledger_cells import CellError
from jinjiecu.reports._ledger_names import Index, near_names
from jinjiecu.reports.briefing import briefing as write_briefing
from jinjiecu.reports.vocabulary import Vocabulary
from jinjiecu.storage import open_store
from jinjiecu.storage.base import (
    CAMPAIGNS,
    DEPARTMENTS,
    ENTERPRISES,
    LEADERS,
    MAX_PAGE,
    OFFICES,
    PROJECTS,
    REGIONS,
    WORK_GROUPS,
    Query,
    RecordKind,
    Session,
    Store,
)

if TYPE_CHECKING:
    from jinjiecu.domain.campaign import Campaign
    from jinjiecu.domain.enterprise import Enterprise, Project
    from jinjiecu.domain.labels import LabelledEnum
    from jinjiecu.domain.org import Department, Leader, Region, WorkGroup
    from jinjiecu.domain.policy import Policy
    from jinjiecu.metrics import ProblemSummary

__all__ = ["Dispatcher", "UnknownNameError"]


class UnknownNameError(ValidationError):
    """A name (or id, or credit code) that no record of its kind in the store has.

    库中没有该名称的记录。``kind`` is the kind of record looked for
    (``"enterprise"``, ``"department"`` ...), ``name`` the text given and
    ``suggestions`` the names "did you mean" offers, nearest first (empty
    when none is near). The message says it in Chinese and English.
    """

    def __init__(self, message: str, *, kind: str, name: str, suggestions: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = tuple(suggestions)
        super().__init__(
            message,
            field=kind.replace(" ", "_"),
            expected=f"the name or id of a {kind} in the store",
            received=name,
        )


class _Named(Protocol):
    """A record with an id and a name (enterprises, departments, work groups ...)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)
E = TypeVar("E", bound="LabelledEnum")


class _Words:
    """How a kind of record is called, in Chinese and English, for lookups and messages."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en


_ACTOR_RECORDS: dict[ActorKind, tuple[RecordKind[Any, Any], _Words]] = {
    ActorKind.DEPARTMENT: (DEPARTMENTS, _Words("部门", "department")),
    ActorKind.LEADER: (LEADERS, _Words("领导", "leader")),
    ActorKind.WORK_GROUP: (WORK_GROUPS, _Words("工作组", "work group")),
    ActorKind.ENTERPRISE: (ENTERPRISES, _Words("企业", "enterprise")),
    ActorKind.OFFICE: (OFFICES, _Words("领导小组办公室", "office")),
}
"""The kinds of actor that are records of the store, found by name or id."""


class Dispatcher:
    """The campaign office's daily tasks (调度) over a store: register, assign, chase, count.

    Build one over a store you hold, ``Dispatcher(store, campaign=..., actor=...)``,
    or let it open one, ``with Dispatcher.open(url, ...) as office:`` (the URL as
    :func:`~jinjiecu.storage.open_store` takes it; it closes the store it
    opened).

    ``campaign`` (集中行动) is the drive the office works for: a
    :class:`~jinjiecu.domain.campaign.Campaign`, or its id or name in the
    store. Problems it registers and visits it records belong to it, and its
    figures, briefing and overdue lists count its problems only. ``None``
    (the default) is no campaign: problems are registered without one (or
    with their visit's), and every record of the store counts.

    ``actor`` is who acts (recorded with every step): an
    :class:`~jinjiecu.domain.problem.Actor`, or a name with ``actor_kind``
    (a clerk, 工作人员, by default). A department, leader, work group,
    enterprise or office is found in the store by name or id, and acts
    under its own id and name; a clerk's or the system's name is its id.
    :meth:`acting_as` gives a dispatcher for someone else.

    ``rules`` are the office's taxonomy, deadline policy and due-soon window
    (:class:`~jinjiecu.domain.problem.ProblemRules`); the store counts them on
    its own calendar. ``clock`` gives "now", the moment a step is taken and
    figures are counted when none is given. ``vocabulary`` holds the words
    categories are given by (:class:`~jinjiecu.reports.vocabulary.Vocabulary`,
    the built-in one by default).
    """

    def __init__(
        self,
        store: Store,
        *,
        actor: Actor | str,
        actor_kind: ActorKind | str = ActorKind.CLERK,
        campaign: Campaign | str | None = None,
        rules: ProblemRules = DEFAULT_RULES,
        clock: Callable[[], dt.datetime] = now,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        check_argument(
            is_instance(Store, "a Store (see jinjiecu.storage.open_store)"), "store", store
        )
        check_argument(is_instance(ProblemRules, "a ProblemRules"), "rules", rules)
        check(callable(clock), field="clock", expected="a function giving now", received=clock)
        words = Vocabulary.default() if vocabulary is None else vocabulary
        check_argument(is_instance(Vocabulary, "a Vocabulary"), "vocabulary", words)
        self._store = store
        self._rules = rules
        self._clock = clock
        self._vocabulary = words
        self._owns_store = False
        self._campaign = None if campaign is None else self._find_campaign(campaign)
        self._actor = self._find_actor(actor, actor_kind)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        actor: Actor | str,
        actor_kind: ActorKind | str = ActorKind.CLERK,
        campaign: Campaign | str | None = None,
        rules: ProblemRules = DEFAULT_RULES,
        clock: Callable[[], dt.datetime] = now,
        vocabulary: Vocabulary | None = None,
        policy: Policy = ALLOW_ALL,
    ) -> Self:
        """Open the store ``url`` names and a dispatcher over it, which closes it when done.

        ``url`` and ``policy`` are as :func:`~jinjiecu.storage.open_store`
        takes them: without a URL, the ``JINJIECU_STORE`` variable, else the
        embedded default (SQLite, ``jinjiecu.db`` in the working directory).
        The other arguments are the constructor's. Use it in a ``with`` block,
        or call :meth:`close`.
        """
        store = open_store(url, policy=policy)
        try:
            dispatcher = cls(
                store,
                actor=actor,
                actor_kind=actor_kind,
                campaign=campaign,
                rules=rules,
                clock=clock,
                vocabulary=vocabulary,
            )
        except BaseException:
            store.close()
            raise
        dispatcher._owns_store = True
        return dispatcher

    def acting_as(self, actor: Actor | str, *, kind: ActorKind | str = ActorKind.CLERK) -> Self:
        """A dispatcher like this one (store, campaign, rules, clock) for another actor.

        ``actor`` and ``kind`` are as the constructor's ``actor`` and
        ``actor_kind``: ``office.acting_as("德州市自然资源和规划局",
        kind="department")`` acts as that department. It shares the store
        and never closes it.
        """
        return type(self)(
            self._store,
            actor=actor,
            actor_kind=kind,
            campaign=self._campaign,
            rules=self._rules,
            clock=self._clock,
            vocabulary=self._vocabulary,
        )

    # ------------------------------------------------------------------ what it holds

    @property
    def store(self) -> Store:
        """The store it reads and writes (存储), for everything it does not do itself."""
        return self._store

    @property
    def campaign(self) -> Campaign | None:
        """The campaign (集中行动) it works for, or ``None`` for none."""
        return self._campaign

    @property
    def actor(self) -> Actor:
        """Who acts (recorded with every step it takes)."""
        return self._actor

    @property
    def rules(self) -> ProblemRules:
        """The office's rules it passes to the layers below."""
        return self._rules

    def close(self) -> None:
        """Close the store if this dispatcher opened it (:meth:`open`); else leave it open."""
        if self._owns_store:
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        campaign = "none" if self._campaign is None else str(self._campaign.id)
        actor = f"{self._actor.kind.value} {self._actor.id}"
        return f"<Dispatcher {self._store.url} campaign={campaign} actor={actor}>"

    # ------------------------------------------------------------------ on the ground

    def record_visit(
        self,
        enterprise: Enterprise | str | None = None,
        *,
        project: Project | str | None = None,
        work_group: WorkGroup | str | None = None,
        leaders: Iterable[Leader | str] = (),
        departments: Iterable[Department | str] = (),
        kind: VisitKind | str = VisitKind.VISIT,
        at: dt.datetime | dt.date | None = None,
        notes: str = "",
    ) -> Visit:
        """Record a visit (进厂入企) of the campaign to an enterprise or project; return it.

        The enterprise is given by name, credit code or id (or the record),
        the project, work group, leaders and departments by name or id.
        ``kind`` is a plain visit (进厂入企) or an on-site office session
        (现场办公), by member or label. The visit gets a new id and is added
        with ``store.visits.add``; it needs the dispatcher's campaign.
        """
        campaign = self._campaign
        if campaign is None:
            raise ValidationError(
                field="campaign",
                expected="a dispatcher for a campaign (a visit belongs to one)",
                received=None,
            )
        visit = Visit(
            id=VisitId.new(),
            campaign_id=campaign.id,
            at=self._moment(at),
            kind=_member(VisitKind, kind, "kind"),
            work_group_id=None if work_group is None else self._work_group(work_group).id,
            leader_ids=tuple(self._leader(x).id for x in _many(leaders, "leaders")),
            department_ids=tuple(self._department(d).id for d in _many(departments, "departments")),
            enterprise_id=None if enterprise is None else self._enterprise(enterprise).id,
            project_id=None if project is None else self._project(project).id,
            notes=notes,
        )
        self._store.visits.add(visit, actor=self._actor)
        return visit

    def register(
        self,
        enterprise: Enterprise | str | None = None,
        *,
        title: str,
        category: str,
        description: str = "",
        visit: Visit | str | None = None,
        project: Project | str | None = None,
        work_group: WorkGroup | str | None = None,
        leader: Leader | str | None = None,
        region: Region | str | None = None,
        scope: Scope | str = Scope.INDIVIDUAL,
        level: HandlingLevel | str = HandlingLevel.LOCAL,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
        id: ProblemId | str | None = None,  # noqa: A002 - the problem's id, as Problem.register names it
    ) -> Problem:
        """Register (登记) a problem an enterprise raised; return it as stored (version 1).

        ``enterprise`` is its name, unified social credit code (统一社会信用代码)
        or id, or the record; ``project`` likewise for a project's problem.
        ``visit`` (a :class:`~jinjiecu.domain.visit.Visit` or its id) is the
        visit that found it: with neither enterprise nor project given, the
        visit's are taken, and without a ``work_group``, the visit's group.
        ``category`` is a category's code or label or one of the
        vocabulary's words for it (用地 for 土地使用). ``region`` (where the
        problem is) defaults to the enterprise's (or the project's) region.
        ``leader`` is the leader in charge (包联领导); ``scope`` (问题性质) and
        ``level`` (办理层级) take a member or its label. ``at`` defaults to now
        (a day means 09:00 of it); ``id`` to a new one. The campaign is the
        dispatcher's, or the visit's when the dispatcher has none.

        Raises :class:`UnknownNameError` for a name the store does not have,
        :class:`~jinjiecu.reports.vocabulary.UnknownWordError` for a category
        word the vocabulary does not know, and the domain's
        :class:`~jinjiecu.errors.ValidationError` for the rest.
        """
        found_visit = None if visit is None else self._visit(visit)
        firm = None if enterprise is None else self._enterprise(enterprise)
        site = None if project is None else self._project(project)
        enterprise_id: EnterpriseId | None = None if firm is None else firm.id
        project_id: ProjectId | None = None if site is None else site.id
        if firm is None and site is None and found_visit is not None:
            enterprise_id, project_id = found_visit.enterprise_id, found_visit.project_id
        if region is not None:
            region_id = self._region(region).id
        elif enterprise_id is not None:
            region_id = (self._enterprise(enterprise_id) if firm is None else firm).region_id
        elif project_id is not None:
            region_id = (self._project(project_id) if site is None else site).region_id
        else:
            raise ValidationError(
                field="enterprise",
                expected="the enterprise or the project that raised the problem (at least one)",
                received=None,
            )
        group_id: WorkGroupId | None = None
        if work_group is not None:
            group_id = self._work_group(work_group).id
        elif found_visit is not None:
            group_id = found_visit.work_group_id
        campaign_id = self._campaign.id if self._campaign is not None else None
        if campaign_id is None and found_visit is not None:
            campaign_id = found_visit.campaign_id
        details = Register(
            title=title,
            category=self._category(category),
            region_id=region_id,
            description=description,
            enterprise_id=enterprise_id,
            project_id=project_id,
            visit_id=None if found_visit is None else found_visit.id,
            campaign_id=campaign_id,
            work_group_id=group_id,
            scope=_member(Scope, scope, "scope"),
            level=_member(HandlingLevel, level, "level"),
            leader_id=None if leader is None else self._leader(leader).id,
        )
        problem = Problem.register(
            details,
            at=self._moment(at),
            actor=self._actor,
            id=None if id is None else ProblemId(id),
            note=note,
            rules=self._rules,
        )
        return self._store.problems.save(problem, expected_version=0)

    # ------------------------------------------------------------------ the problem's life

    def apply(
        self,
        problem: Problem | ProblemId | str,
        data: EventData,
        *,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Apply any event (``Escalate``, ``Suspend``, ``ExtendDeadline`` ...) to a stored problem.

        What every step below does: :meth:`store.problems.apply
        <jinjiecu.storage.base.ProblemRecords.apply>` with the dispatcher's
        actor and rules, at ``at`` (default now; a day means 09:00 of it).
        Given a :class:`~jinjiecu.domain.problem.Problem`, the store must
        still hold its version, else :class:`~jinjiecu.errors.ConflictError`
        and nothing is written (reload it and decide again); given an id,
        the event is applied to the problem as stored. An event the
        workflow does not allow now raises
        :class:`~jinjiecu.errors.IllegalTransitionError` with the events that
        are. Returns the problem as saved.
        """
        problem_id, version = _target(problem)
        return self._store.problems.apply(
            problem_id,
            data,
            at=self._moment(at),
            actor=self._actor,
            note=note,
            rules=self._rules,
            expected_version=version,
        )

    def assign(
        self,
        problem: Problem | ProblemId | str,
        department: Department | str,
        *,
        co_departments: Iterable[Department | str] = (),
        deadline: dt.date | None = None,
        working_days: int | None = None,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Assign (交办) the problem to a lead department (主办), with co-handling ones (协办).

        Departments are given by name or id (or the record). The deadline
        (办理时限) is ``deadline``, or ``working_days`` after the day of
        ``at``, or, with neither, the rules' limit for the problem's category
        and level, counted by the store on its calendar
        (:class:`~jinjiecu.domain.events.Assign`). See :meth:`apply`.
        """
        lead = self._department(department).id
        co = tuple(self._department(d).id for d in _many(co_departments, "co_departments"))
        event = Assign(
            lead_department_id=lead,
            co_department_ids=co,
            deadline=deadline,
            working_days=working_days,
        )
        return self.apply(problem, event, at=at, note=note)

    def start(
        self,
        problem: Problem | ProblemId | str,
        *,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """The lead department starts work (开始办理). See :meth:`apply`."""
        return self.apply(problem, Start(), at=at, note=note)

    def resolve(
        self,
        problem: Problem | ProblemId | str,
        summary: str,
        *,
        finance_record_ids: Iterable[str] = (),
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Record the problem solved (解决), with how; ``finance_record_ids`` link the relief.

        See :class:`~jinjiecu.domain.events.Resolve` and :meth:`apply`.
        """
        event = Resolve(summary=summary, finance_record_ids=tuple(finance_record_ids))
        return self.apply(problem, event, at=at, note=note)

    def explain(
        self,
        problem: Problem | ProblemId | str,
        explanation: str,
        *,
        accepted: bool = True,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Record the problem explained to the enterprise (解释清楚), which ``accepted`` it or not.

        See :class:`~jinjiecu.domain.events.Explain` and :meth:`apply`.
        """
        return self.apply(
            problem, Explain(explanation=explanation, accepted=accepted), at=at, note=note
        )

    def follow_up(
        self,
        problem: Problem | ProblemId | str,
        *,
        outcome: FollowUpOutcome | str,
        satisfaction: Satisfaction | str,
        method: FollowUpMethod | str = FollowUpMethod.PHONE,
        comment: str = "",
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Record a follow-up (回访): what the enterprise says of the outcome, how satisfied it is.

        ``outcome`` (已解决, 部分解决, 未解决), ``satisfaction`` (满意, 基本满意,
        不满意) and ``method`` (电话回访 by default, 实地回访 ...) take a member,
        its label or its value. See :class:`~jinjiecu.domain.events.FollowUp`
        and :meth:`apply`.
        """
        event = FollowUp(
            outcome=_member(FollowUpOutcome, outcome, "outcome"),
            satisfaction=_member(Satisfaction, satisfaction, "satisfaction"),
            method=_member(FollowUpMethod, method, "method"),
            comment=comment,
        )
        return self.apply(problem, event, at=at, note=note)

    def close_problem(
        self,
        problem: Problem | ProblemId | str,
        *,
        at: dt.datetime | dt.date | None = None,
        note: str = "",
    ) -> Problem:
        """Close (办结) a resolved or explained problem after a follow-up that was not dissatisfied.

        See :class:`~jinjiecu.domain.events.Close` and :meth:`apply`.
        (:meth:`close` closes the dispatcher.)
        """
        return self.apply(problem, Close(), at=at, note=note)

    # ------------------------------------------------------------------ figures

    def figures(
        self, *, by: Dimension | str | None = None, as_of: dt.datetime | dt.date | None = None
    ) -> ProblemSummary:
        """The problem figures (调度数据) as the records stood at ``as_of``, grouped ``by``.

        Exactly :func:`~jinjiecu.metrics.problems.problem_summary` of the
        store with the dispatcher's rules, selecting the campaign's problems
        (``Query(campaign_id=...)``) when it has one. ``by`` is a
        :class:`~jinjiecu.metrics.dimensions.Dimension`, its value or its
        label (``"work_group"``, ``"工作组"``); ``as_of`` defaults to now, and a
        day means its end ("截至11月13日").
        """
        dimension = None if by is None else _member(Dimension, by, "by")
        return problem_summary(
            self._store,
            as_of=self._as_of(as_of),
            by=dimension,
            query=self._query(),
            rules=self._rules,
        )

    def briefing(self, *, as_of: dt.datetime | dt.date | None = None, language: str = "zh") -> str:
        """The written briefing (工作通报) as the records stood at ``as_of``, as plain text.

        Exactly :func:`~jinjiecu.reports.briefing.briefing` of the store for
        the dispatcher's campaign and rules; ``language`` is ``"zh"`` or
        ``"en"``; ``as_of`` as in :meth:`figures`.
        """
        return write_briefing(
            self._store,
            as_of=self._as_of(as_of),
            campaign_id=None if self._campaign is None else self._campaign.id,
            language=language,
            rules=self._rules,
        )

    def overdue(self, *, as_of: dt.datetime | dt.date | None = None) -> tuple[Problem, ...]:
        """The problems overdue (超期) at ``as_of``, as they stood then, earliest deadline first.

        Those :meth:`Problem.is_overdue
        <jinjiecu.domain.problem.Problem.is_overdue>` says are, on the store's
        calendar: as many as ``figures(as_of=...).total.overdue``, in the
        order of the briefing's overdue list (longest overdue first).
        """
        moment = self._as_of(as_of)
        rules = self._store.counting_rules(self._rules)
        today = local_date(moment)
        found = [p for p in self._standing(moment) if p.is_overdue(moment, rules)]
        return tuple(
            sorted(found, key=lambda p: (p.effective_deadline(today, rules) or today, p.id))
        )

    def due_soon(
        self, *, as_of: dt.datetime | dt.date | None = None, within: int | None = None
    ) -> tuple[Problem, ...]:
        """The problems due soon (即将到期) at ``as_of``, as they stood then, earliest first.

        Those :meth:`Problem.due_soon <jinjiecu.domain.problem.Problem.due_soon>`
        says are, on the store's calendar: at most ``within`` working days
        left (the rules' ``due_soon_working_days`` by default, as the
        figures count them).
        """
        check_argument(optional(int_in(0, 365)), "within", within)
        moment = self._as_of(as_of)
        rules = self._store.counting_rules(self._rules)
        found = [p for p in self._standing(moment) if p.due_soon(moment, within, rules)]
        return tuple(sorted(found, key=lambda p: (p.deadline or dt.date.max, p.id)))

    # ------------------------------------------------------------------ internals

    def _moment(self, value: dt.datetime | dt.date | None, field: str = "at") -> dt.datetime:
        """The moment a step is taken: now, the datetime given, or 09:00 of the day given."""
        if value is None:
            moment = self._clock()
        elif isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = moment_on(value)
        else:
            raise ValidationError(
                field=field, expected="a timezone-aware datetime or a date", received=value
            )
        check_argument(an_aware_datetime, field, moment)
        return moment

    def _as_of(self, value: dt.datetime | dt.date | None) -> dt.datetime:
        """The moment figures are counted at: now, the datetime given, or the end of the day."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return end_of_day(value)
        return self._moment(value, "as_of")

    def _query(self) -> Query:
        return Query() if self._campaign is None else Query(campaign_id=self._campaign.id)

    def _standing(self, moment: dt.datetime) -> list[Problem]:
        """The campaign's problems as they stood at ``moment`` (registered by then), by id."""
        query = self._query()

        def read(session: Session) -> list[Problem]:
            found: list[Problem] = []
            while page := session.select_problems(query, MAX_PAGE, len(found)):
                found.extend(page)
            return found

        then = (problem.as_of(moment) for problem in self._store.read(read))
        return [problem for problem in then if problem is not None]

    def _category(self, word: str) -> str:
        check(
            isinstance(word, str) and bool(word.strip()),
            field="category",
            expected="a category's code, label or word",
            received=word,
        )
        return self._vocabulary.category(word, self._rules.taxonomy)

    def _find_campaign(self, campaign: Campaign | str) -> Campaign:
        return _find(self._store, CAMPAIGNS, campaign, _Words("集中行动", "campaign"))

    def _find_actor(self, actor: Actor | str, kind: ActorKind | str) -> Actor:
        if isinstance(actor, Actor):
            return actor
        actor_kind = _member(ActorKind, kind, "actor_kind")
        check(
            isinstance(actor, str) and bool(actor.strip()),
            field="actor",
            expected="an Actor, or the name of who acts",
            received=actor,
        )
        entry = _ACTOR_RECORDS.get(actor_kind)
        if entry is None:  # a clerk or the system: the name is the id
            name = actor.strip()
            return Actor(kind=actor_kind, id=name, name=name)
        kind_of_record, words = entry
        record: _Named = _find(self._store, kind_of_record, actor, words)
        return Actor(kind=actor_kind, id=str(record.id), name=record.name)

    def _enterprise(self, given: Enterprise | str) -> Enterprise:
        return _find(self._store, ENTERPRISES, given, _Words("企业", "enterprise"), codes=True)

    def _project(self, given: Project | str) -> Project:
        return _find(self._store, PROJECTS, given, _Words("项目", "project"))

    def _department(self, given: Department | str) -> Department:
        return _find(self._store, DEPARTMENTS, given, _Words("部门", "department"))

    def _work_group(self, given: WorkGroup | str) -> WorkGroup:
        return _find(self._store, WORK_GROUPS, given, _Words("工作组", "work group"))

    def _leader(self, given: Leader | str) -> Leader:
        return _find(self._store, LEADERS, given, _Words("领导", "leader"))

    def _region(self, given: Region | str) -> Region:
        return _find(self._store, REGIONS, given, _Words("县市区", "region"))

    def _visit(self, given: Visit | str) -> Visit:
        if isinstance(given, Visit):
            return given
        return self._store.visits.get(VisitId(given))


def _member(enum_cls: type[E], value: E | str, field: str) -> E:
    """The member ``value`` is or names (its label, value or name), as ``parse`` reads it."""
    if isinstance(value, enum_cls):
        return value
    text: Any = value  # parse names a value that is not text in its error
    return enum_cls.parse(text, field=field)


def _target(problem: object) -> tuple[ProblemId, int | None]:
    """The problem's id, and the version to expect when a record was given."""
    if isinstance(problem, Problem):
        return problem.id, problem.version
    if isinstance(problem, str):
        return ProblemId(problem), None
    raise ValidationError(field="problem", expected="a Problem or a problem id", received=problem)


def _many(values: Iterable[Any], field: str) -> list[Any]:
    """A list of names or records; a lone name is refused rather than read letter by letter."""
    check(
        not isinstance(values, str | bytes) and isinstance(values, Iterable),
        field=field,
        expected="a list of names, ids or records",
        received=values,
    )
    return list(values)


def _find(
    store: Store,
    kind: RecordKind[N, Any],
    given: N | str,
    words: _Words,
    *,
    codes: bool = False,
) -> N:
    """The record ``given`` names: the record itself, its id, its name (or credit code).

    Names are matched as ledgers are (:class:`~jinjiecu.reports._ledger_names.Index`):
    full-width forms, spaces and case do not matter. A name no record has
    raises :class:`UnknownNameError` with the nearest names; a name several
    records have asks for the id.
    """
    field = words.en.replace(" ", "_")
    if isinstance(given, kind.cls):
        return given
    if not isinstance(given, str) or not given.strip():
        raise ValidationError(
            field=field, expected=f"the {words.en}'s record, name or id", received=given
        )
    text = given.strip()
    try:
        wanted = str(kind.id_type(text))
    except ValidationError:
        pass
    else:  # an id is found without reading every name
        stored = store.read(lambda session: session.fetch(kind, wanted))
        if stored is not None:
            found: N = stored.record
            return found
    code = _credit_code(text) if codes else None

    def read(session: Session) -> tuple[Index, dict[str, N]]:
        records: dict[str, N] = {str(r.id): r for r in session.scan(kind)}
        index = Index(words.zh, words.en, ((key, r.name) for key, r in records.items()))
        return index, records

    index, records = store.read(read)
    if isinstance(code, CreditCode):
        for record in records.values():
            if getattr(record, "credit_code", None) == code:
                return record
        message = (
            f"库中没有统一社会信用代码为 {code} 的{words.zh} / "
            f"no {words.en} has the credit code {code}"
        )
        raise UnknownNameError(
            message,
            kind=words.en,
            name=text,
            suggestions=(),
        )
    try:
        record_key = index.lookup(text)
    except CellError as error:  # several records of the name
        raise ValidationError(
            error.reason,
            field=field,
            expected=f"a name only one {words.en} has, or its id",
            received=text,
        ) from None
    if record_key is not None:
        return records[record_key]
    if isinstance(code, ValidationError):  # not a name, and a mistyped credit code: say why
        raise code
    variant = index.variant(text)
    suggestions = [variant] if variant is not None else near_names(text, index.names.values())
    raise UnknownNameError(
        index.missing(text, creating=True).reason,
        kind=words.en,
        name=text,
        suggestions=suggestions,
    )


def _credit_code(text: str) -> CreditCode | ValidationError | None:
    """The credit code ``text`` is; the error if it looks like one but is not; else ``None``."""
    try:
        return CreditCode.parse(text)
    except ValidationError as error:
        compact = "".join(unicodedata.normalize("NFKC", text).split())
        looks_like_a_code = len(compact) == 18 and compact.isascii() and compact.isalnum()
        return error if looks_like_a_code else None
