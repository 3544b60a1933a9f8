"""From what a ledger row says to the transitions that make a problem say it.

Private to :mod:`jinjiecu.reports.ledger`. A row is a snapshot; the store
keeps histories. :func:`plan` finds the events that take a problem from where
it stands to where the row says it stands, applies them with
:meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>` (so the domain
decides what is legal), and reports anything that cannot be done as
``(field, reason)`` pairs.

The path between two states follows the usual course of a problem: 交办
(needs the lead department), 开始办理, then 解决 or 解释 on the 办结日期, 回访
(needs the follow-up columns) before 办结 or 重办. Changes of level, lead
department and deadline are made as soon as the workflow allows them along
the way. A value behind the one recorded (an earlier deadline, a lower level)
is taken for a stale ledger and only warned about: deadlines only move later
and levels only go up.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import attrs

from jinjiecu.domain.clock import at as moment_on, local_date
from jinjiecu.domain.events import (
    Assign,
    Close,
    Escalate,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Reassign,
    Reject,
    Reopen,
    Resolve,
    Resume,
    Satisfaction,
    Start,
    Suspend,
    Withdraw,
)
from jinjiecu.domain.ids import DepartmentId, ProblemId
from jinjiecu.domain.problem import Actor, Problem, ProblemRules
from jinjiecu.domain.workflow import TRANSITIONS, Event, ProblemState
from jinjiecu.errors import JinjiecuError
from jinjiecu.reports._ledger_cells import bilingual

if TYPE_CHECKING:
    from jinjiecu.domain.events import EventData

__all__ = [
    "AMOUNT_PREFIX",
    "DEFAULT_TEXTS",
    "Plan",
    "PlanError",
    "Wanted",
    "join_note",
    "plan",
    "progress_of",
    "split_note",
]

S = ProblemState
SETTLED: Final = frozenset({S.RESOLVED, S.EXPLAINED, S.CLOSED})
AMOUNT_PREFIX: Final = "涉及金额："
"""A registration note that starts with this line records the amount involved (涉及金额)."""

DEFAULT_TEXTS: Final = {
    Event.RESOLVE: "已解决",
    Event.EXPLAIN: "已向企业解释说明",
    Event.SUSPEND: "暂缓办理",
    Event.REOPEN: "企业回访不满意，重新办理",
    Event.REJECT: "不予受理",
    Event.WITHDRAW: "",
}
"""The text a step gets when the row's 办理进展 is blank (the fields are required)."""

EXTENSION_APPROVAL: Final = "按工作台账调整办理时限"
"""The approval recorded with a deadline moved by a ledger."""

_TEXT_FIELD: Final = {
    Event.RESOLVE: "summary",
    Event.EXPLAIN: "explanation",
    Event.SUSPEND: "reason",
    Event.REOPEN: "reason",
    Event.REJECT: "reason",
    Event.WITHDRAW: "reason",
    Event.FOLLOW_UP: "comment",
    Event.ESCALATE: "summary",
    Event.EXTEND_DEADLINE: "approval",
}
"""The text each event carries, read back as 办理进展."""

_RANK: Final = {level: rank for rank, level in enumerate(HandlingLevel)}
"""Each level's position from the bottom (as HandlingLevel.rank, looked up once)."""

_TEXT_STEPS: Final = frozenset(
    {Event.RESOLVE, Event.EXPLAIN, Event.SUSPEND, Event.REOPEN, Event.REJECT, Event.WITHDRAW}
)
"""State steps whose own text takes the row's 办理进展."""

_COLUMN_OF_EVENT: Final = {
    Event.ASSIGN: "lead_department",
    Event.REASSIGN: "lead_department",
    Event.ESCALATE: "level",
    Event.EXTEND_DEADLINE: "deadline",
    Event.FOLLOW_UP: "satisfaction",
    Event.MERGE_INTO: "merged_into",
}


class PlanError(Exception):
    """The row asks for something the workflow cannot record."""

    def __init__(self, *, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@attrs.frozen(kw_only=True)
class Wanted:
    """What a row asks of a problem's workflow; ``None`` means no change asked."""

    state: ProblemState | None = None
    level: HandlingLevel | None = None
    lead: DepartmentId | None = None
    co: tuple[DepartmentId, ...] | None = None
    deadline: dt.date | None = None
    settled_on: dt.date | None = None
    settlement: Event | None = None
    outcome: FollowUpOutcome | None = None
    satisfaction: Satisfaction | None = None
    merged_into: ProblemId | None = None
    progress: str = ""
    progress_changed: bool = False
    follow_up_columns: bool = True
    """Whether the ledger has a follow-up column at all (回访结果 or 企业满意度)."""


@attrs.frozen(kw_only=True)
class Plan:
    """The problem with the row's changes applied, and what was only warned about."""

    problem: Problem
    added: int
    warnings: tuple[tuple[str, str], ...]


def split_note(note: str) -> tuple[str, str]:
    """A registration note as (amount text, the rest)."""
    if note.startswith(AMOUNT_PREFIX):
        first, _, rest = note.partition("\n")
        return first[len(AMOUNT_PREFIX) :], rest
    return "", note


def join_note(amount: str, rest: str) -> str:
    """A registration note holding the amount involved (may be "") and other text."""
    if not amount and not rest.startswith(AMOUNT_PREFIX):
        return rest
    return f"{AMOUNT_PREFIX}{amount}\n{rest}" if rest else f"{AMOUNT_PREFIX}{amount}"


def progress_of(problem: Problem) -> str:
    """办理进展: the latest text in the history (an event's own text, else its note)."""
    for transition in reversed(problem.transitions):
        field = _TEXT_FIELD.get(transition.event)
        text = getattr(transition.data, field) if field else ""
        if text:
            return str(text)
        note = transition.note
        if transition.event is Event.REGISTER:
            note = split_note(note)[1]
        if note:
            return note
    return ""


# ---------------------------------------------------------------------- paths


def _no_way(current: ProblemState, target: ProblemState) -> PlanError:
    return PlanError(
        field="state",
        reason=bilingual(
            f"办理状态不能从“{current.label}”改为“{target.label}”",
            f"the workflow has no way from {current.value} to {target.value}",
        ),
    )


def _path(problem: Problem, target: ProblemState, wanted: Wanted) -> list[Event]:
    current = problem.state
    if current is target:
        return []
    if target is S.ASSIGNED and current is S.REGISTERED:
        return [Event.ASSIGN]
    if target is S.IN_PROGRESS:
        steps = {
            S.REGISTERED: [Event.ASSIGN, Event.START],
            S.ASSIGNED: [Event.START],
            S.SUSPENDED: [Event.RESUME],
        }.get(current)
        if steps is not None:
            return steps
        if current in SETTLED:
            return [Event.REOPEN]
    if target is S.SUSPENDED:
        return [*_path(problem, S.IN_PROGRESS, wanted), Event.SUSPEND]
    if target in (S.RESOLVED, S.EXPLAINED):
        return _settling(problem, target, wanted)
    if target is S.CLOSED:
        settle = wanted.settlement or problem.settlement or Event.RESOLVE
        settled = S.EXPLAINED if settle is Event.EXPLAIN else S.RESOLVED
        if current in (S.RESOLVED, S.EXPLAINED) and current is not settled:
            raise _settlement_changed(problem)
        return [*_path(problem, settled, wanted), Event.CLOSE]
    final = {S.REJECTED: Event.REJECT, S.WITHDRAWN: Event.WITHDRAW, S.MERGED: Event.MERGE_INTO}
    if target in final:
        lead_given = wanted.lead is not None and problem.lead_department_id is None
        before = [Event.ASSIGN] if current is S.REGISTERED and lead_given else []
        return [*before, final[target]]
    raise _no_way(current, target)


def _settling(problem: Problem, target: ProblemState, wanted: Wanted) -> list[Event]:
    current = problem.state
    settle = Event.RESOLVE if target is S.RESOLVED else Event.EXPLAIN
    if current is S.REGISTERED:
        lead = wanted.lead or problem.lead_department_id
        # Settled on the spot (现场办公) unless the row names a lead department.
        before = [Event.ASSIGN, Event.START] if lead is not None or settle is Event.EXPLAIN else []
        return [*before, settle]
    before_by_state = {S.ASSIGNED: [Event.START], S.IN_PROGRESS: [], S.SUSPENDED: [Event.RESUME]}
    if current in before_by_state:
        return [*before_by_state[current], settle]
    if current in (S.RESOLVED, S.EXPLAINED):
        raise _settlement_changed(problem)
    raise _no_way(current, target)


def _settlement_changed(problem: Problem) -> PlanError:
    return PlanError(
        field="settlement",
        reason=bilingual(
            f"问题已按“{problem.state.label}”办结，不能直接改为另一种办结方式；请先重办",
            f"the problem is already {problem.state.value}; reopen it before settling it "
            "another way",
        ),
    )


# ---------------------------------------------------------------------- plan


@attrs.define
class _Run:
    problem: Problem
    wanted: Wanted
    actor: Actor
    rules: ProblemRules
    undated: dt.datetime | None
    settle_at: dt.datetime | None
    registered: bool = False
    added: int = 0
    texts_used: bool = False
    note_pending: bool = False
    warnings: list[tuple[str, str]] = attrs.Factory(list)

    def carried_note(self) -> str:
        """The row's 办理进展 as a step's note, once, if no step carries it as text."""
        if not self.note_pending or self.texts_used:
            return ""
        self.note_pending = False
        self.texts_used = True
        return self.wanted.progress

    def resumption(self, default: dt.datetime) -> dt.datetime:
        """When a suspended problem resumed: the day that moves its deadline to the row's.

        Resuming pushes the deadline by the working days spent suspended, so a
        ledger that shows the new deadline tells the day work resumed. Without
        one (or if no day fits), ``default``.
        """
        wanted, problem = self.wanted.deadline, self.problem
        since, old = problem.suspended_on, problem.deadline
        if wanted is None or since is None or old is None or wanted < old:
            return default
        calendar = self.rules.working_calendar
        try:
            paused = calendar.working_days_between(old, wanted)
            day = calendar.add_working_days(since, paused)
        except JinjiecuError:
            return default
        last = problem.transitions[-1].at
        when = max(last, moment_on(day))
        latest = default if self.undated is not None else None
        fits = problem.effective_deadline(local_date(when), self.rules) == wanted
        if not fits or (latest is not None and when > latest):
            return default
        return when

    def moment(self, dated: bool, before_settlement: bool) -> dt.datetime:  # noqa: FBT001
        last = self.problem.transitions[-1].at
        if dated and self.settle_at is not None:
            return max(last, self.settle_at)
        if before_settlement or self.undated is None:
            return last
        return max(last, self.undated)

    def apply(
        self,
        data: EventData,
        *,
        dated: bool = False,
        before_settlement: bool = False,
        note: str = "",
    ) -> None:
        when = self.moment(dated, before_settlement)
        if isinstance(data, Resume):
            when = self.resumption(when)
        if isinstance(data, Assign) and data.deadline is not None:
            data = self._by_rule(data, when, note)
        try:
            self.problem = self.problem.apply(
                data, at=when, actor=self.actor, note=note, rules=self.rules
            )
        except JinjiecuError as error:
            column = _COLUMN_OF_EVENT.get(data.event, "state")
            if getattr(error, "field", None) in ("deadline", "new_deadline"):
                column = "deadline"
            raise PlanError(
                field=column,
                reason=bilingual(
                    f"无法记录“{data.event.label}”", f"cannot record {data.event.value}: {error}"
                ),
            ) from None
        self.added += 1

    def _by_rule(self, data: Assign, when: dt.datetime, note: str) -> Assign:
        """The assignment without its deadline when the rules give that deadline anyway.

        A ledger writes every deadline out; recorded as the rule's (with its
        working days), an exported and re-imported ledger gives the same history.
        """
        by_rule = attrs.evolve(data, deadline=None)
        try:
            counted = self.problem.apply(
                by_rule, at=when, actor=self.actor, note=note, rules=self.rules
            )
        except JinjiecuError:
            return data
        return by_rule if counted.deadline == data.deadline else data


def plan(
    problem: Problem,
    wanted: Wanted,
    *,
    actor: Actor,
    rules: ProblemRules,
    undated: dt.datetime | None,
    registered: bool = False,
) -> Plan:
    """Apply the row's changes to ``problem``.

    ``undated`` is the moment for steps the row gives no date for, after any
    settlement; ``None`` puts them right after the step before (a problem new
    to the store, whose history the ledger is the only witness of).
    ``registered`` says that ``problem`` was registered from the row just now,
    so that its registration may still take the row's 办理进展 as its note.

    Raises:
        PlanError: the first thing that cannot be recorded.
    """
    target = wanted.state or problem.state
    warnings: list[tuple[str, str]] = []
    if target is S.CLOSED and _no_follow_up(problem, wanted):
        # 已办结 in a ledger with no follow-up (回访) to close on: recorded as settled.
        settled = (
            S.EXPLAINED
            if (wanted.settlement or problem.settlement) is Event.EXPLAIN
            else S.RESOLVED
        )
        if problem.state is not settled:
            warnings.append(
                (
                    "state",
                    bilingual(
                        f"已办结但无回访记录，按“{settled.label}”记录（办结需先回访：请填写回访结果和企业满意度）",
                        f"closed without a follow-up: recorded as {settled.value} (closing needs a "
                        "follow-up: fill in the follow-up outcome and the satisfaction)",
                    ),
                )
            )
        target = settled
    path = _path(problem, target, wanted)
    settle_at = None
    if Event.RESOLVE in path or Event.EXPLAIN in path:
        settle_at = _settlement_moment(problem, wanted)
    run = _Run(
        problem=problem,
        wanted=wanted,
        actor=actor,
        rules=rules,
        undated=undated,
        settle_at=settle_at,
        registered=registered,
        warnings=warnings,
    )
    settle_index = next(
        (i for i, e in enumerate(path) if e in (Event.RESOLVE, Event.EXPLAIN)), len(path)
    )
    # A changed 办理进展 goes with the steps that carry text; else it is the last step's note.
    run.note_pending = (
        wanted.progress_changed
        and bool(wanted.progress.strip())
        and not any(event in _TEXT_STEPS for event in path)
    )
    for index, event in enumerate(path):
        # Steps before a dated settlement come as early as they can, so that
        # the settlement date stays the ledger's.
        before = settle_at is not None and index < settle_index
        _pending(run, before_settlement=settle_at is not None and index <= settle_index)
        if event in (Event.CLOSE, Event.REOPEN):
            _ensure_follow_up(run, event)
        data, uses_text = _data(run, event)
        note = run.carried_note() if index == len(path) - 1 else ""
        run.apply(
            data,
            dated=event in (Event.RESOLVE, Event.EXPLAIN),
            before_settlement=before,
            note=note,
        )
        run.texts_used = run.texts_used or uses_text
    _pending(run, before_settlement=False)
    if target in SETTLED:
        _new_follow_up(run)
    _check_unmet(run)
    _place_progress(run)
    return Plan(problem=run.problem, added=run.added, warnings=tuple(run.warnings))


def _no_follow_up(problem: Problem, wanted: Wanted) -> bool:
    """Whether the ledger has no follow-up columns and the history no follow-up to close on."""
    return (
        not wanted.follow_up_columns
        and problem.state is not S.CLOSED
        and wanted.outcome is None
        and wanted.satisfaction is None
        and problem.last_follow_up is None
    )


def _settlement_moment(problem: Problem, wanted: Wanted) -> dt.datetime:
    day = wanted.settled_on
    if day is None:
        raise PlanError(
            field="settled_on",
            reason=bilingual(
                "办结日期必填（办理状态为已解决、已解释或已办结时）", "a settlement date is needed"
            ),
        )
    last = problem.transitions[-1].at
    if day < local_date(last):
        raise PlanError(
            field="settled_on",
            reason=bilingual(
                f"办结日期 {day.isoformat()} 早于该问题最近一次办理"
                f"（{local_date(last).isoformat()}）",
                f"the settlement date {day.isoformat()} is before the problem's last recorded "
                f"step on {local_date(last).isoformat()}",
            ),
        )
    return max(last, moment_on(day))


def _text(wanted: Wanted, event: Event) -> str:
    return wanted.progress if wanted.progress.strip() else DEFAULT_TEXTS.get(event, "")


def _data(run: _Run, event: Event) -> tuple[EventData, bool]:
    """The data of a state step, and whether it carries the row's 办理进展."""
    wanted, problem = run.wanted, run.problem
    text = _text(wanted, event)
    uses = bool(wanted.progress.strip())
    if event is Event.ASSIGN:
        lead = wanted.lead or problem.lead_department_id
        if lead is None:
            raise PlanError(
                field="lead_department",
                reason=bilingual(
                    "需要填写牵头部门才能交办", "a lead department is needed to assign"
                ),
            )
        return Assign(
            lead_department_id=lead, co_department_ids=wanted.co or (), deadline=wanted.deadline
        ), False
    simple: dict[Event, EventData] = {
        Event.START: Start(),
        Event.RESUME: Resume(),
        Event.CLOSE: Close(),
    }
    if event in simple:
        return simple[event], False
    if event is Event.RESOLVE:
        return Resolve(summary=text), uses
    if event is Event.EXPLAIN:
        return Explain(explanation=text), uses
    if event is Event.SUSPEND:
        return Suspend(reason=text), uses
    if event is Event.REOPEN:
        return Reopen(reason=text), uses
    if event is Event.REJECT:
        return Reject(reason=text), uses
    if event is Event.WITHDRAW:
        return Withdraw(reason=text), uses
    if event is Event.MERGE_INTO:
        if wanted.merged_into is None:
            raise PlanError(
                field="merged_into",
                reason=bilingual(
                    "已合并的问题需填写合并至的问题编号",
                    "a merged problem needs the problem it was merged into",
                ),
            )
        return MergeInto(duplicate_of=wanted.merged_into), False
    raise _no_way(problem.state, wanted.state or problem.state)  # pragma: no cover


def _pending(run: _Run, *, before_settlement: bool) -> None:
    """Make the level, department and deadline changes the current state allows."""
    wanted = run.wanted
    level = wanted.level
    text = wanted.progress if wanted.progress.strip() else ""
    if level is not None and _RANK[level] > _RANK[run.problem.level] and _can(run, Event.ESCALATE):
        run.apply(Escalate(to_level=level, summary=text), before_settlement=before_settlement)
        run.texts_used = run.texts_used or bool(text)
    problem = run.problem
    if problem.lead_department_id is not None and _can(run, Event.REASSIGN):
        lead = wanted.lead or problem.lead_department_id
        co = problem.co_department_ids if wanted.co is None else wanted.co
        if (lead, co) != (problem.lead_department_id, problem.co_department_ids):
            run.apply(
                Reassign(lead_department_id=lead, co_department_ids=co),
                before_settlement=before_settlement,
                note=run.carried_note(),
            )
    problem = run.problem
    deadline = wanted.deadline
    # A resumption still to come moves the deadline itself: extend after it.
    resuming = problem.state is S.SUSPENDED and (wanted.state or S.SUSPENDED) is not S.SUSPENDED
    if (
        deadline is not None
        and (problem.deadline is None or deadline > problem.deadline)
        and _can(run, Event.EXTEND_DEADLINE)
        and not resuming
    ):
        run.apply(
            ExtendDeadline(approval=text or EXTENSION_APPROVAL, new_deadline=deadline),
            before_settlement=before_settlement,
        )
        run.texts_used = run.texts_used or bool(text)


def _can(run: _Run, event: Event) -> bool:
    """Whether the table lets ``event`` happen now (these events have no other guard)."""
    return run.problem.state in TRANSITIONS[event].sources


def _follow_up_wanted(run: _Run) -> FollowUp | None:
    wanted = run.wanted
    last = run.problem.last_follow_up
    if wanted.outcome is None and wanted.satisfaction is None:
        return None
    satisfaction = wanted.satisfaction or (last.satisfaction if last else None)
    if satisfaction is None:
        raise PlanError(
            field="satisfaction",
            reason=bilingual(
                "回访需填写企业满意度", "a follow-up needs the enterprise's satisfaction"
            ),
        )
    outcome = wanted.outcome or (last.outcome if last else None)
    if outcome is None:
        unsolved = satisfaction is Satisfaction.DISSATISFIED or run.problem.state is S.EXPLAINED
        outcome = FollowUpOutcome.NOT_SOLVED if unsolved else FollowUpOutcome.SOLVED
    return FollowUp(outcome=outcome, satisfaction=satisfaction)


def _same_follow_up(a: FollowUp | None, b: FollowUp | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.outcome, a.satisfaction) == (b.outcome, b.satisfaction)


def _ensure_follow_up(run: _Run, event: Event) -> None:
    """Record the row's follow-up before closing or reopening, unless the last one stands."""
    new = _follow_up_wanted(run)
    last = run.problem.last_follow_up
    if new is not None and not _same_follow_up(new, last):
        run.apply(new)
    elif last is None:
        raise PlanError(
            field="satisfaction",
            reason=bilingual(
                f"“{event.label}”前需要回访：请填写回访结果和企业满意度",
                f"{event.value} needs a follow-up first: fill in the follow-up outcome "
                "and the satisfaction",
            ),
        )


def _new_follow_up(run: _Run) -> None:
    new = _follow_up_wanted(run)
    if new is not None and not _same_follow_up(new, run.problem.last_follow_up):
        run.apply(new)


def _check_unmet(run: _Run) -> None:
    """Whatever the row asks that the walk did not record is an error, or a stale value."""
    wanted, problem = run.wanted, run.problem
    state = problem.state.label
    if wanted.level is not None and wanted.level is not problem.level:
        if _RANK[wanted.level] < _RANK[problem.level]:
            run.warnings.append(
                (
                    "level",
                    bilingual(
                        f"办理层级“{wanted.level.label}”低于已记录的“{problem.level.label}”，层级只升不降，未改动",
                        f"level {wanted.level.value} is below the recorded {problem.level.value}; "
                        "levels only go up, kept",
                    ),
                )
            )
        else:
            raise _not_now(problem, "level", "不能提级", "the level cannot rise")
    if wanted.lead is not None and wanted.lead != problem.lead_department_id:
        raise _not_now(
            problem,
            "lead_department",
            "不能交办或改派牵头部门",
            "the lead department cannot be set",
        )
    if wanted.co is not None and wanted.co != problem.co_department_ids:
        raise _not_now(
            problem,
            "co_departments",
            "不能改派配合部门",
            "the co-handling departments cannot change",
        )
    if wanted.deadline is not None and wanted.deadline != problem.deadline:
        if problem.deadline is not None and wanted.deadline < problem.deadline:
            run.warnings.append(
                (
                    "deadline",
                    bilingual(
                        f"办理时限 {wanted.deadline.isoformat()} 早于已记录的 "
                        f"{problem.deadline.isoformat()}，时限只能延后，未改动",
                        f"deadline {wanted.deadline.isoformat()} is before the recorded "
                        f"{problem.deadline.isoformat()}; deadlines only move later, kept",
                    ),
                )
            )
        else:
            raise _not_now(
                problem, "deadline", "不能设置或延长办理时限", "the deadline cannot be set"
            )
    if wanted.settled_on is not None and wanted.settled_on != problem.settled_on:
        raise PlanError(
            field="settled_on",
            reason=bilingual(
                f"办结日期与记录不符（问题处于“{state}”，办结日期为 {problem.settled_on or '无'}）",
                f"the settlement date does not match the record ({problem.state.value}, "
                f"settled on {problem.settled_on or 'nothing'})",
            ),
        )
    settled = problem.state in SETTLED
    if wanted.settlement is not None and settled and wanted.settlement is not problem.settlement:
        raise _settlement_changed(problem)
    if wanted.merged_into is not None and wanted.merged_into != _merged_into(problem):
        raise PlanError(
            field="merged_into",
            reason=bilingual(
                "只有已合并的问题才填写合并至", "only a merged problem has a merged-into id"
            ),
        )


def _not_now(problem: Problem, field: str, zh: str, en: str) -> PlanError:
    """A change the row asks for that the problem's present state does not allow."""
    return PlanError(
        field=field,
        reason=bilingual(
            f"问题处于“{problem.state.label}”，{zh}", f"{en} while {problem.state.value}"
        ),
    )


def _merged_into(problem: Problem) -> ProblemId | None:
    if problem.state is not S.MERGED:
        return None
    data = problem.transitions[-1].data
    return data.duplicate_of if isinstance(data, MergeInto) else None


def _place_progress(run: _Run) -> None:
    """Keep a changed 办理进展 with the changes, as their note, when no step carried it."""
    wanted = run.wanted
    if not wanted.progress_changed or run.texts_used or not wanted.progress.strip():
        return
    if progress_of(run.problem) == wanted.progress:
        return
    if run.added == 0 and run.registered:
        # A problem new to the store: the registration itself keeps the text.
        first = run.problem.transitions[0]
        amount, _rest = split_note(first.note)
        rebuilt = attrs.evolve(first, note=join_note(amount, wanted.progress))
        run.problem = type(run.problem).from_history((rebuilt, *run.problem.transitions[1:]))
        return
    if run.added == 0:
        run.warnings.append(
            (
                "progress",
                bilingual(
                    "办理进展有更新，但办理状态等未变：工作流程没有单独记录进展的环节，未记录",
                    "the progress text changed with nothing else: the workflow has no step that "
                    "records progress alone, so it was not recorded",
                ),
            )
        )
        return
    last = run.problem.transitions[-1]
    rebuilt = attrs.evolve(last, note=wanted.progress)
    run.problem = type(run.problem).from_history((*run.problem.transitions[:-1], rebuilt))


def moment_for_day(day: dt.date) -> dt.datetime:
    """The moment a ledger date stands for: 09:00 China Standard Time that day."""
    return moment_on(day)
