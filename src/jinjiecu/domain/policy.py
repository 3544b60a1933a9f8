"""Who may do what: policies a store asks before it writes, and the audit trail. 权限与审计.

A :class:`Policy` decides whether an :class:`~jinjiecu.domain.problem.Actor`
may perform an event (an :class:`~jinjiecu.domain.workflow.Event`) on a
problem. A store built with ``policy=`` asks it for every transition it is
about to append; a refusal raises
:class:`~jinjiecu.errors.PermissionDeniedError` naming actor, action and
problem, writes nothing, and is itself recorded in the audit trail with
outcome "refused" (拒绝). Every write the store makes is recorded with
outcome "ok" (成功). Audit entries are chained like the history (see
:mod:`jinjiecu.storage.integrity`), so they cannot be changed unseen.

Two policies come with the library:

- :data:`ALLOW_ALL`: everyone may do everything; the default, for tests and
  single-user use.
- :class:`DefaultPolicy`: the practice of the campaigns (see the glossary),
  built from the store's organisation records.

>>> from jinjiecu.domain.problem import Actor, ActorKind
>>> from jinjiecu.domain.workflow import Event
>>> ALLOW_ALL.decide(Actor(kind=ActorKind.CLERK, id="wang"), Event.CLOSE, None).allowed
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
from jinjiecu.domain.problem import Actor, ActorKind
from jinjiecu.domain.validation import (
    an_aware_datetime,
    free_text,
    int_in,
    is_enum,
    is_instance,
    name_text,
)
from jinjiecu.domain.workflow import Event

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem

__all__ = [
    "ALLOW_ALL",
    "AllowAll",
    "AuditEntry",
    "AuditOutcome",
    "Decision",
    "DefaultPolicy",
    "Policy",
]


@attrs.frozen(kw_only=True)
class Decision:
    """A policy's answer: ``allowed``, and a ``reason`` (bilingual) when refused."""

    allowed: bool
    reason: str = ""

    @classmethod
    def allow(cls) -> Decision:
        """An allowing decision."""
        return _ALLOWED

    @classmethod
    def refuse(cls, reason: str) -> Decision:
        """A refusal with its reason."""
        return cls(allowed=False, reason=reason)


_ALLOWED = Decision(allowed=True)


@runtime_checkable
class Policy(Protocol):
    """Decides whether ``actor`` may perform ``action`` on ``problem``.

    ``problem`` is the problem as it stands before the event (for a
    registration, the problem the registration creates). Implementations
    must not write anything; they may be called many times per save.
    """

    def decide(self, actor: Actor, action: Event, problem: Problem | None) -> Decision:
        """Allow or refuse ``action`` by ``actor`` on ``problem``."""
        ...  # pragma: no cover - a protocol


@attrs.frozen
class AllowAll:
    """The policy that allows everything (tests, single-user use); see :data:`ALLOW_ALL`."""

    def decide(self, actor: Actor, action: Event, problem: Problem | None) -> Decision:  # noqa: ARG002 - the protocol's signature
        """Always allow."""
        return _ALLOWED


ALLOW_ALL = AllowAll()
"""The policy that lets everyone do everything (a store's default)."""

_SETTLING = frozenset({Event.RESOLVE, Event.EXPLAIN})
_OFFICE_ONLY = frozenset({Event.CLOSE, Event.REJECT})
_ENTERPRISE_MAY = frozenset({Event.REGISTER, Event.WITHDRAW})


def _mapping(records: Iterable[object]) -> Mapping[str, object]:
    return {str(getattr(record, "id")): record for record in records}  # noqa: B009 - any org record


@attrs.frozen(kw_only=True)
class DefaultPolicy:
    """The campaigns' practice (see the glossary), decided from the organisation records.

    Pass the store's regions, campaign offices, departments, work groups and
    leaders (``DefaultPolicy(regions=store.regions.list(limit=10_000), ...)``).
    The rules, checked in order:

    1. Clerks and the system do not act in their own name: they act as an
       office, department, work group or leader (工作人员以所在机构名义办理).
    2. An enterprise may only register and withdraw its own problems.
    3. An office, department, work group or leader must be one of the
       records given, and acts only on problems of its own region and the
       regions below it (a county office sees only its county). A department
       or leader with no region is not limited by region.
    4. Only the lead department (牵头部门), or a work group it belongs to or the
       problem's own work group, may resolve (解决) or explain (解释).
    5. Only a campaign office (领导小组办公室) may close (办结) or reject (不予受理).
    6. Anything else is allowed.
    """

    regions: Mapping[str, Region] = attrs.field(factory=dict, converter=_mapping)
    offices: Mapping[str, CampaignOffice] = attrs.field(factory=dict, converter=_mapping)
    departments: Mapping[str, Department] = attrs.field(factory=dict, converter=_mapping)
    work_groups: Mapping[str, WorkGroup] = attrs.field(factory=dict, converter=_mapping)
    leaders: Mapping[str, Leader] = attrs.field(factory=dict, converter=_mapping)

    def decide(self, actor: Actor, action: Event, problem: Problem | None) -> Decision:
        """Apply the rules in the class documentation."""
        kind = actor.kind
        if kind in (ActorKind.CLERK, ActorKind.SYSTEM):
            return Decision.refuse(
                f"a {kind.value} ({kind.label}) acts in the name of an office, department, "
                "work group or leader"
            )
        if problem is None:
            return Decision.refuse("no problem to act on")
        if kind is ActorKind.ENTERPRISE:
            if action in _ENTERPRISE_MAY and problem.enterprise_id == actor.id:
                return _ALLOWED
            return Decision.refuse(
                "an enterprise (企业) may only register and withdraw its own problems"
            )
        region = self._region_of(actor)
        if isinstance(region, Decision):
            return region
        if region is not None and not self._covers(region, problem.region_id):
            return Decision.refuse(
                f"the problem is in region {problem.region_id}, outside {region} and the "
                "regions below it (只能办理本辖区的问题)"
            )
        if action in _SETTLING and not self._settles(actor, problem):
            return Decision.refuse(
                "only the lead department or its work group may resolve or explain "
                "(仅牵头部门或其工作组可办理解决、解释)"
            )
        if action in _OFFICE_ONLY and kind is not ActorKind.OFFICE:
            return Decision.refuse(
                "only the campaign office may close or reject (仅领导小组办公室可办结、不予受理)"
            )
        return _ALLOWED

    def _region_of(self, actor: Actor) -> str | Decision | None:
        """The actor's region (``None``: not limited), or a refusal for an unknown actor."""
        table: Mapping[str, object] = {
            ActorKind.OFFICE: self.offices,
            ActorKind.DEPARTMENT: self.departments,
            ActorKind.WORK_GROUP: self.work_groups,
            ActorKind.LEADER: self.leaders,
        }[actor.kind]
        record = table.get(actor.id)
        if record is None:
            return Decision.refuse(
                f"unknown {actor.kind.value} ({actor.kind.label}) {actor.id!r}: not in the "
                "policy's organisation records"
            )
        region: str | None = getattr(record, "region_id", None)
        return region

    def _covers(self, region_id: str, target: str) -> bool:
        seen: set[str] = set()
        current: str | None = target
        while current is not None and current not in seen:
            if current == region_id:
                return True
            seen.add(current)
            found = self.regions.get(current)
            current = None if found is None else found.parent_id
        return False

    def _settles(self, actor: Actor, problem: Problem) -> bool:
        lead = problem.lead_department_id
        if actor.kind is ActorKind.DEPARTMENT:
            return lead is not None and actor.id == lead
        if actor.kind is ActorKind.WORK_GROUP:
            group = self.work_groups[actor.id]
            return actor.id == problem.work_group_id or (
                lead is not None and lead in group.department_ids
            )
        return False


class AuditOutcome(LabelledEnum):
    """How an audited action ended."""

    OK = "ok", "成功"
    REFUSED = "refused", "拒绝"


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One line of the audit trail (审计记录): time, actor, action, object and outcome.

    ``seq`` is the entry's number in the store's hash chain. ``object_kind``
    and ``object_id`` name what the action was done to (``"problem"``,
    ``"p-1"``); ``detail`` says more (the transition's number, a count).
    """

    seq: int = attrs.field(validator=int_in(1))
    at: dt.datetime = attrs.field(validator=an_aware_datetime)
    actor: Actor = attrs.field(validator=is_instance(Actor, "an Actor"))
    action: str = attrs.field(validator=name_text(64))
    object_kind: str = attrs.field(validator=name_text(64))
    object_id: str = attrs.field(validator=free_text(200))
    outcome: AuditOutcome = attrs.field(validator=is_enum(AuditOutcome))
    detail: str = attrs.field(default="", validator=free_text())
