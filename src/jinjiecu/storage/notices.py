"""Holiday notices kept in the store, and the calendar every reader of the store counts with.

A year's official notice (国务院办公厅关于部分节假日安排的通知) is a record
in the store: ``store.holiday_notices.add(notice, actor=...)`` appends it,
with who entered it and when, audited and hash-chained like any other write.
A corrected notice is a new version of the year's; every version is kept.

Every reader of the store then counts working days on the same calendar
without being told: the official calendar of the installed ``holidays``
package, the notices in force for the years after it, then the provisional
years (:mod:`jinjiecu.domain.calendar`). ``store.counting_rules(rules)``
gives the rules with that calendar; ``store.problems.apply``, the metrics,
the briefing, the ledger and the command line all count with it.

When a notice is added or corrected, every problem whose deadline was
counted over that year is counted again in the same transaction; each one
that moves gets a :class:`~jinjiecu.domain.events.RecountDeadline` step in
its history (时限重算), with the deadline before and after. The store's
policy is not asked about these steps: they follow from the notice, not from
anyone's decision about the problem. The notice itself is audited.

>>> import datetime as dt
>>> from jinjiecu.domain.calendar import HolidayNotice, statutory_holidays
>>> from jinjiecu.domain.problem import Actor, ActorKind
>>> from jinjiecu.storage import MemoryStore
>>> clerk = Actor(kind=ActorKind.CLERK, id="wang", name="王芳")
>>> with MemoryStore() as store:
...     year = store.holiday_notices.calendar().provisional_years[0]
...     notice = HolidayNotice(year=year, days_off=statutory_holidays(year), workdays=[])
...     change = store.holiday_notices.add(notice, actor=clerk)
...     (change.entry.version, store.holiday_notices.calendar().official_years[-1] == year)
(1, True)
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.calendar import HolidayNotice, WorkingCalendar, china_calendar
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, ProblemRules
from jinjiecu.domain.validation import an_aware_datetime, check, int_in, is_instance
from jinjiecu.errors import ConfigurationError, ConflictError, ValidationError
from jinjiecu.serialization import unstructure
from jinjiecu.storage.integrity import (
    NOTICE,
    PendingAudit,
    canonical,
    notice_key,
    transition_audits,
    transition_entries,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jinjiecu.storage.base import Runner, Session, WriteContext

__all__ = [
    "RECOUNT_ACTOR",
    "CalendarChange",
    "DeadlineMove",
    "HolidayNotices",
    "NoticeEntry",
    "counting_rules",
    "in_force",
    "store_calendar",
]

RECOUNT_ACTOR = Actor(kind=ActorKind.SYSTEM, id="calendar", name="日历重算 (calendar recount)")
"""The actor of the deadline recounts a notice causes."""


@attrs.frozen(kw_only=True)
class NoticeEntry:
    """One version of a year's holiday notice as the store keeps it (放假通知记录).

    ``version`` counts the notices entered for the year from 1; the one with
    the highest version is in force.
    """

    notice: HolidayNotice = attrs.field(validator=is_instance(HolidayNotice, "a HolidayNotice"))
    version: int = attrs.field(validator=int_in(1))
    entered_at: dt.datetime = attrs.field(validator=an_aware_datetime)
    entered_by: Actor = attrs.field(validator=is_instance(Actor, "an Actor"))

    @property
    def year(self) -> int:
        """The year the notice is for."""
        return self.notice.year

    @property
    def key(self) -> str:
        """The entry's key in the store's hash chain (``"2027#1"``)."""
        return notice_key(self.year, self.version)

    def chain_content(self) -> str:
        """The entry's canonical text, as the hash chain takes it."""
        return canonical(NOTICE, self.key, unstructure(self))


@attrs.frozen(kw_only=True)
class DeadlineMove:
    """A deadline a calendar change moved: the problem, and its deadline before and after."""

    problem_id: str
    previous_deadline: dt.date
    new_deadline: dt.date


@attrs.frozen(kw_only=True)
class CalendarChange:
    """What adding a notice (or recounting) did.

    ``entry`` is the notice stored (the one already in force when an
    identical notice was added again, ``None`` for a recount); ``written``
    says whether anything was written; ``moved`` lists the deadlines that
    moved, by problem id.
    """

    entry: NoticeEntry | None
    written: bool
    moved: tuple[DeadlineMove, ...] = ()


def in_force(entries: Iterable[NoticeEntry]) -> dict[int, NoticeEntry]:
    """The entry in force for each year: the one with the highest version."""
    found: dict[int, NoticeEntry] = {}
    for entry in entries:
        current = found.get(entry.year)
        if current is None or entry.version > current.version:
            found[entry.year] = entry
    return dict(sorted(found.items()))


@functools.lru_cache(maxsize=64)
def _calendar(base: WorkingCalendar, notices: tuple[HolidayNotice, ...]) -> WorkingCalendar:
    # Made once per set of notices: every write and every summary asks for it.
    return base.with_notices(notices)


def store_calendar(session: Session, base: WorkingCalendar | None = None) -> WorkingCalendar:
    """The calendar a store counts with: ``base`` (the official one) plus its notices in force.

    A stored notice for a year the installed ``holidays`` package now covers
    is left out: the package's data wins (``jinjiecu calendar list`` says so).
    """
    notices = tuple(entry.notice for entry in in_force(session.select_notices()).values())
    return _calendar(china_calendar() if base is None else base, notices)


def counting_rules(session: Session, rules: ProblemRules) -> ProblemRules:
    """``rules`` counting on the store's calendar.

    Rules without a calendar of their own get the store's. Rules with one
    (local days, a strict horizon) keep it, with the store's notices added;
    a notice of their own for a year the store also has must be the same
    one, or :class:`~jinjiecu.errors.ConfigurationError` is raised.
    """
    stored = in_force(session.select_notices())
    if rules.calendar is None:
        return attrs.evolve(rules, calendar=store_calendar(session))
    if not stored:
        return rules
    own = rules.calendar
    for year, entry in stored.items():
        mine = own.notice_for(year)
        if mine is not None and mine != entry.notice:
            message = (
                f"the rules' calendar has its own notice for {year}, which differs from the "
                f"store's (version {entry.version}, entered {entry.entered_at:%Y-%m-%d} by "
                f"{entry.entered_by.name or entry.entered_by.id}); leave it out of the rules: "
                "the store's notices apply to every reader (规则中的放假通知与数据库中的不一致)"
            )
            raise ConfigurationError(message)
    notices = tuple(entry.notice for entry in stored.values())
    return attrs.evolve(rules, calendar=_calendar(own, notices))


class HolidayNotices:
    """The holiday notices a store keeps (放假通知): ``store.holiday_notices``."""

    def __init__(self, run: Runner, context: WriteContext) -> None:
        self._run = run
        self._context = context

    def __repr__(self) -> str:
        return "<HolidayNotices>"

    def add(
        self,
        notice: HolidayNotice,
        *,
        actor: Actor,
        replaces: int | None = None,
        rules: ProblemRules = DEFAULT_RULES,
    ) -> CalendarChange:
        """Add a year's notice, or correct it; recount the deadlines it moves. All or nothing.

        For a year without a notice, ``replaces`` is ``None`` (or 0). To
        correct a year's notice, pass the version being replaced: a notice
        added or corrected since by someone else raises
        :class:`~jinjiecu.errors.ConflictError` (``kind`` "holiday notice")
        and writes nothing. Adding the notice already in force writes nothing
        (``written`` is false). Deadlines are recounted on ``rules``' calendar
        with the store's notices (:func:`counting_rules`): an office that
        counts with local days off passes the rules it counts with, or the
        recount would count without them.

        Raises :class:`~jinjiecu.errors.ValidationError` naming the date and
        the reason for a notice that breaks the statutory rule, and naming
        the year for a year the ``holidays`` package covers or a year that
        skips one without a notice. A problem changed by someone else while
        its deadline was being recounted raises a
        :class:`~jinjiecu.errors.ConflictError` (``kind`` "problem"); add the
        notice again.
        """
        check(
            isinstance(notice, HolidayNotice),
            field="notice",
            expected="a HolidayNotice",
            received=notice,
        )
        check(isinstance(actor, Actor), field="actor", expected="an Actor", received=actor)
        if replaces is not None:
            check(
                isinstance(replaces, int) and not isinstance(replaces, bool) and replaces >= 0,
                field="replaces",
                expected="the version of the year's notice being corrected (0 for none)",
                received=replaces,
            )
        check(
            isinstance(rules, ProblemRules),
            field="rules",
            expected="a ProblemRules",
            received=rules,
        )
        context = self._context

        def write(session: Session) -> CalendarChange:
            # The chain's head first: writers that count deadlines take it first too
            # (where writers run at once, it is a lock), so none counts on the old
            # calendar after the recount below has looked at its problem.
            session.chain_head()
            stored = in_force(session.select_notices())
            current = stored.get(notice.year)
            if current is not None and current.notice == notice:
                return CalendarChange(entry=current, written=False)
            found = 0 if current is None else current.version
            if (replaces or 0) != found:
                raise ConflictError(
                    kind="holiday notice",
                    id=str(notice.year),
                    expected_version=replaces or 0,
                    actual_version=found,
                )
            before = store_calendar(session)
            _check_year(notice.year, before)
            before.with_notice(notice)  # checks the notice against the statutory rule
            entry = NoticeEntry(
                notice=notice, version=found + 1, entered_at=context.clock(), entered_by=actor
            )
            try:
                session.insert_notice(entry)
            except ConflictError:
                # Someone added a notice for the year meanwhile; the same one changes nothing.
                now_stored = in_force(session.select_notices()).get(notice.year)
                if now_stored is not None and now_stored.notice == notice:
                    return CalendarChange(entry=now_stored, written=False)
                raise
            after = counting_rules(session, rules).working_calendar
            who = actor.name or actor.id
            reason = (
                f"按{notice.year}年放假通知（第{entry.version}版，{who}录入）重算 "
                f"(recounted on the {notice.year} holiday notice, version {entry.version})"
            )
            moved, entries, audits = _recount(session, after, dt.date(notice.year, 1, 1), reason)
            audit = PendingAudit(
                actor=actor,
                action="add_notice" if found == 0 else "correct_notice",
                object_kind="holiday_notice",
                object_id=str(notice.year),
                detail=f"version {entry.version}; {len(moved)} deadlines recounted",
            )
            context.log(
                session, [(NOTICE, entry.key, entry.chain_content()), *entries], [audit, *audits]
            )
            return CalendarChange(entry=entry, written=True, moved=tuple(moved))

        change: CalendarChange = self._run(write)
        return change

    def recount(
        self, *, actor: Actor, since: dt.date | None = None, rules: ProblemRules = DEFAULT_RULES
    ) -> CalendarChange:
        """Count every deadline again on the store's calendar, recording those that move.

        For after an upgrade of the ``holidays`` package covers a year whose
        deadlines were counted provisionally (adding a notice recounts by
        itself). ``since`` limits it to deadlines counted over days from then
        on (default: every deadline); ``rules`` are as for :meth:`add`.
        Nothing is written when no deadline moves (``written`` is false).
        """
        check(isinstance(actor, Actor), field="actor", expected="an Actor", received=actor)
        if since is not None:
            check(
                isinstance(since, dt.date) and not isinstance(since, dt.datetime),
                field="since",
                expected="a date",
                received=since,
            )
        check(
            isinstance(rules, ProblemRules),
            field="rules",
            expected="a ProblemRules",
            received=rules,
        )
        context = self._context

        def write(session: Session) -> CalendarChange:
            session.chain_head()  # as in add()
            calendar = counting_rules(session, rules).working_calendar
            reason = (
                f"按当前日历重算（{actor.name or actor.id}） "
                "(recounted on the store's current calendar)"
            )
            first = calendar.first_day if since is None else since
            moved, entries, audits = _recount(session, calendar, first, reason)
            if not moved:
                return CalendarChange(entry=None, written=False)
            audit = PendingAudit(
                actor=actor,
                action="recount_deadlines",
                object_kind="holiday_notice",
                object_id="*",
                detail=f"{len(moved)} deadlines recounted",
            )
            context.log(session, entries, [audit, *audits])
            return CalendarChange(entry=None, written=True, moved=tuple(moved))

        change: CalendarChange = self._run(write)
        return change

    def list(self) -> list[NoticeEntry]:
        """Every version of every year's notice, by year, then version (oldest first)."""
        found: list[NoticeEntry] = self._run(lambda session: session.select_notices())
        return sorted(found, key=lambda entry: (entry.year, entry.version))

    def current(self) -> dict[int, NoticeEntry]:
        """The notice in force for each year that has one."""
        return in_force(self.list())

    def calendar(self) -> WorkingCalendar:
        """The calendar every reader of this store counts with."""
        found: WorkingCalendar = self._run(store_calendar)
        return found


def _check_year(year: int, calendar: WorkingCalendar) -> None:
    """Refuse a year the package covers, or one that skips a year without a notice."""
    package = calendar.package_years
    if year in package:
        raise ValidationError(
            field="year",
            expected=(
                f"a year the installed holidays package does not cover (it covers "
                f"{package[0]}–{package[-1]}, and its data is the official calendar)"
            ),
            received=year,
        )
    next_year = calendar.official_years.stop
    if year > next_year:
        raise ValidationError(
            field="year",
            expected=(
                f"a year up to {next_year}: notices are added year by year, and {next_year} "
                "has none yet"
            ),
            received=year,
        )


def _recount(
    session: Session, calendar: WorkingCalendar, since: dt.date, reason: str
) -> tuple[list[DeadlineMove], list[tuple[str, str, str]], list[PendingAudit]]:
    """Recount the deadlines counted over days from ``since`` on; a step for each that moves.

    The step is dated at the problem's last step, so that steps dated in
    between (entered late) can still be recorded after it; the audit trail
    records when the notice came.
    """
    moved: list[DeadlineMove] = []
    entries: list[tuple[str, str, str]] = []
    audits: list[PendingAudit] = []
    for problem in session.problems_counted_from(since):
        at = problem.transitions[-1].at
        changed = problem.recount_deadline(calendar, at=at, actor=RECOUNT_ACTOR, reason=reason)
        if changed is problem:
            continue
        session.append(changed, problem.version)
        entries.extend(transition_entries(changed, problem.version))
        audits.extend(transition_audits(changed, problem.version))
        previous = problem.deadline
        new = changed.deadline
        if previous is not None and new is not None:  # always: a recount needs a deadline
            moved.append(
                DeadlineMove(
                    problem_id=str(problem.id), previous_deadline=previous, new_deadline=new
                )
            )
    return moved, entries, audits
