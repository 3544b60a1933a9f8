"""Holiday notices: kept, corrected, refused, and the deadlines they recount.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import strategies as st

from jinjiecu.domain.calendar import HolidayNotice, china_calendar, statutory_holidays
from jinjiecu.domain.clock import CHINA_TZ, at
from jinjiecu.domain.events import Assign, RecountDeadline, Reject, Resolve, Resume, Start, Suspend
from jinjiecu.domain.ids import DepartmentId
from jinjiecu.domain.problem import DEFAULT_RULES, Problem, ProblemRules
from jinjiecu.domain.workflow import EXCLUDED_STATES, Event, ProblemState
from jinjiecu.errors import ConflictError, ValidationError
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.storage.base import MAX_PAGE, Store
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.memory import MemoryStore
from jinjiecu.testing import strategies
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    ConformanceArea,
    _assert_same,
    _Fresh,
    _registered,
    _rolled_back,
)


def _first_weekday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _notice_for(year: int, *, drop_statutory: bool = False) -> HolidayNotice:
    """A notice in the shape of a real one: the Spring Festival week off, made up on weekends.

    The three weekdays after the statutory Spring Festival days are off too,
    and the first weekend days after them that are not holidays are worked.
    """
    statutory = statutory_holidays(year)
    festival = max(day for day, name in statutory.items() if "春节" in name)
    extra: list[dt.date] = []
    day = festival
    while len(extra) < 3:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in statutory:
            extra.append(day)
    workdays: list[dt.date] = []
    while len(workdays) < 2:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5 and day not in statutory:
            workdays.append(day)
    days_off = set(statutory) | set(extra)
    if drop_statutory:
        days_off -= {next(d for d in sorted(statutory) if d.weekday() < 5)}
    return HolidayNotice(
        year=year,
        days_off=days_off,
        workdays=workdays,
        source="一致性测试用 (made up for the conformance suite)",
    )


class NoticesConformance(ConformanceArea):
    """A holiday notice is kept with its history and recounts the deadlines it moves."""

    # ---------------------------------------------------------- holiday notices

    def test_a_notice_is_kept_chained_audited_and_counted_by_every_reader(
        self, store: Store
    ) -> None:
        year = china_calendar().provisional_years[0]
        notice = _notice_for(year)
        assert store.holiday_notices.list() == []
        assert store.holiday_notices.calendar() == china_calendar()
        head = store.head().seq
        change = store.holiday_notices.add(notice, actor=_CLERK)
        assert change.written
        assert change.moved == ()
        entry = change.entry
        assert entry is not None
        assert (entry.notice, entry.version, entry.entered_by) == (notice, 1, _CLERK)
        assert entry.entered_at.tzinfo is not None
        assert store.holiday_notices.list() == [entry]
        assert store.holiday_notices.current() == {year: entry}
        assert store.head().seq == head + 2  # the notice and its audit entry
        audit = store.audit.list(offset=store.audit.count() - 1)[0]
        assert (audit.action, audit.object_kind, audit.object_id, audit.actor) == (
            "add_notice",
            "holiday_notice",
            str(year),
            _CLERK,
        )
        calendar = store.holiday_notices.calendar()
        assert calendar.official_years[-1] == year
        assert calendar == china_calendar().with_notice(notice)
        assert store.counting_rules().working_calendar == calendar
        assert verify(store).ok
        # The notice already in force: nothing is written.
        again = store.holiday_notices.add(notice, actor=_CLERK)
        assert (again.written, again.entry) == (False, entry)
        assert store.head().seq == head + 2

    def test_a_corrected_notice_supersedes_and_history_keeps_both(self, store: Store) -> None:
        year = china_calendar().provisional_years[0]
        first = _notice_for(year)
        store.holiday_notices.add(first, actor=_CLERK)
        corrected = attrs.evolve(first, source="更正后的通知 (the corrected notice)")
        with pytest.raises(ConflictError) as caught:
            store.holiday_notices.add(corrected, actor=_CLERK)  # says nothing of version 1
        assert (caught.value.expected_version, caught.value.actual_version) == (0, 1)
        with pytest.raises(ConflictError):
            store.holiday_notices.add(corrected, actor=_CLERK, replaces=2)
        assert len(store.holiday_notices.list()) == 1
        change = store.holiday_notices.add(corrected, actor=_CLERK, replaces=1)
        assert change.entry is not None
        assert change.entry.version == 2
        versions = store.holiday_notices.list()
        assert [(e.notice, e.version) for e in versions] == [(first, 1), (corrected, 2)]
        assert store.holiday_notices.current()[year].notice == corrected
        audit = store.audit.list(offset=store.audit.count() - 1)[0]
        assert audit.action == "correct_notice"
        assert verify(store).ok

    def test_a_bad_notice_is_refused_naming_why_and_writes_nothing(self, store: Store) -> None:
        calendar = china_calendar()
        year = calendar.provisional_years[0]
        head = store.head()
        package_year = calendar.package_years[-1]
        cases: list[tuple[HolidayNotice, str]] = [
            (_notice_for(year, drop_statutory=True), "days_off"),
            (attrs.evolve(_notice_for(year), workdays=[_first_weekday(year, 3)]), "workdays"),
            (_notice_for(year + 1), "year"),  # skips a year without a notice
        ]
        for notice, field in cases:
            with pytest.raises(ValidationError) as caught:
                store.holiday_notices.add(notice, actor=_CLERK)
            assert caught.value.field == field
        package = HolidayNotice(
            year=package_year, days_off=statutory_holidays(package_year), workdays=[]
        )
        with pytest.raises(ValidationError) as caught:
            store.holiday_notices.add(package, actor=_CLERK)
        assert caught.value.field == "year"
        assert str(package_year) in caught.value.expected
        assert store.holiday_notices.list() == []
        assert store.head() == head

    def test_deadlines_follow_a_notice_on_every_store(self, store: Store) -> None:
        calendar = china_calendar()
        year = calendar.provisional_years[0]
        notice = _notice_for(year)
        with_notice = calendar.with_notice(notice)
        festival = min(d for d, name in statutory_holidays(year).items() if "春节" in name)
        assigned_on = calendar.add_working_days(festival, -5)
        assigned_at = at(assigned_on)
        provisional = calendar.add_working_days(assigned_on, 15)
        official = with_notice.add_working_days(assigned_on, 15)
        assert provisional != official  # the notice's extra days off move it
        problems = {
            name: _registered(f"p-notice-{name}", at=assigned_at - _HOUR)
            for name in ("held", "settled", "dropped", "fixed")
        }
        for name, problem in problems.items():
            store.problems.add(problem)
            given = Assign(lead_department_id=DepartmentId("d-1"), deadline=provisional)
            data = (
                given
                if name == "fixed"
                else Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
            )
            assigned = store.problems.apply(problem.id, data, at=assigned_at, actor=_CLERK)
            assert assigned.deadline == provisional
        settled_at = assigned_at + dt.timedelta(days=2)
        store.problems.apply(
            problems["settled"].id, Resolve(summary="已解决"), at=settled_at, actor=_CLERK
        )
        store.problems.apply(
            problems["dropped"].id, Reject(reason="不予受理"), at=settled_at, actor=_CLERK
        )
        as_of = at(festival + dt.timedelta(days=20), 18)
        before = problem_summary(store, as_of=as_of)
        assert before.provisional_years[0] == year
        change = store.holiday_notices.add(notice, actor=_CLERK)
        moved = {move.problem_id: move for move in change.moved}
        assert set(moved) == {str(problems["held"].id), str(problems["settled"].id)}
        for name in ("held", "settled"):
            problem = store.problems.get(problems[name].id)
            assert problem.deadline == official
            step = problem.transitions[-1]
            assert step.event is Event.RECOUNT_DEADLINE
            assert isinstance(step.data, RecountDeadline)
            assert (step.data.previous_deadline, step.data.new_deadline) == (provisional, official)
            assert moved[str(problem.id)].new_deadline == official
        assert store.problems.get(problems["dropped"].id).deadline == provisional
        assert store.problems.get(problems["fixed"].id).deadline == provisional
        after = problem_summary(store, as_of=as_of)
        assert year not in after.provisional_years
        with MemoryStore() as model:
            for problem in store.problems.list(limit=MAX_PAGE):
                model.problems.add(problem)
            model.holiday_notices.add(notice, actor=_CLERK)
            for by in (None, Dimension.WORK_GROUP, Dimension.DEPARTMENT):
                _assert_same(
                    problem_summary(store, as_of=as_of, by=by),
                    problem_summary(model, as_of=as_of, by=by),
                )
        # A new assignment now counts on the notice without being told.
        late = _registered("p-notice-late", at=assigned_at - _HOUR)
        store.problems.add(late)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        assert store.problems.apply(late.id, assign, at=assigned_at, actor=_CLERK).deadline == (
            official
        )
        assert verify(store).ok

    def test_a_pause_counted_over_the_year_is_recounted_even_if_the_deadline_is_before(
        self, store: Store
    ) -> None:
        # Overdue since the year before, suspended over the new year and resumed in it: the
        # pause was counted over the new year's days, the deadline stays before it.
        year = china_calendar().provisional_years[0]
        first_saturday = next(
            dt.date(year, 1, day) for day in range(2, 9) if dt.date(year, 1, day).weekday() == 5
        )
        notice = HolidayNotice(
            year=year, days_off=statutory_holidays(year), workdays=[first_saturday]
        )

        problem = _registered("p-notice-pause", at=at(dt.date(year - 1, 11, 2)))
        given = Assign(lead_department_id=DepartmentId("d-1"), deadline=dt.date(year - 1, 12, 1))
        problem = problem.apply(given, at=at(dt.date(year - 1, 11, 2)) + _HOUR, actor=_CLERK)
        problem = problem.apply(Start(), at=at(dt.date(year - 1, 11, 3)), actor=_CLERK)
        problem = problem.apply(
            Suspend(reason="等待"), at=at(dt.date(year - 1, 12, 28)), actor=_CLERK
        )
        resumed_on = first_saturday + dt.timedelta(days=2)
        problem = problem.apply(Resume(), at=at(resumed_on), actor=_CLERK)
        store.problems.add(problem)
        assert problem.deadline is not None
        assert problem.deadline.year == year - 1
        change = store.holiday_notices.add(notice, actor=_CLERK)
        assert [move.problem_id for move in change.moved] == [str(problem.id)]
        recounted = store.problems.get(problem.id)
        assert recounted.deadline == china_calendar().with_notice(notice).add_working_days(
            problem.deadline, 1
        )

    def test_a_suspended_problem_reaches_a_provisional_year_once_the_year_has_come(
        self, store: Store
    ) -> None:
        # Its days all fall in the year before, but while it is suspended its deadline
        # moves on day by day: as of a day in the provisional year, the figures count
        # on that year's provisional days, and say so.
        year = china_calendar().provisional_years[0]

        problem = _registered("p-paused-over-new-year", at=at(dt.date(year - 1, 11, 2)))
        given = Assign(lead_department_id=DepartmentId("d-1"), deadline=dt.date(year - 1, 12, 1))
        problem = problem.apply(given, at=at(dt.date(year - 1, 11, 2)) + _HOUR, actor=_CLERK)
        problem = problem.apply(Start(), at=at(dt.date(year - 1, 11, 3)), actor=_CLERK)
        problem = problem.apply(
            Suspend(reason="等待"), at=at(dt.date(year - 1, 12, 20)), actor=_CLERK
        )
        with MemoryStore() as model:
            for target in (store, model):
                target.problems.add(problem)
            for day, reached in ((dt.date(year - 1, 12, 30), ()), (dt.date(year, 1, 12), (year,))):
                for by in (None, Dimension.DEPARTMENT):
                    figures = problem_summary(store, as_of=at(day), by=by)
                    assert tuple(figures.provisional_years) == reached
                    _assert_same(figures, problem_summary(model, as_of=at(day), by=by))

    def test_late_entries_still_follow_a_recount(self, store: Store) -> None:
        year = china_calendar().provisional_years[0]
        festival = min(d for d, name in statutory_holidays(year).items() if "春节" in name)
        assigned_on = china_calendar().add_working_days(festival, -5)
        problem = _registered("p-notice-late", at=at(assigned_on, 8))
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        assigned_at = at(assigned_on)
        store.problems.apply(problem.id, assign, at=assigned_at, actor=_CLERK)
        assert store.holiday_notices.add(_notice_for(year), actor=_CLERK).moved
        recount = store.problems.get(problem.id).transitions[-1]
        assert (recount.event, recount.at) == (Event.RECOUNT_DEADLINE, assigned_at)
        # A resolution entered late, dated after the assignment, is still recorded.
        late = assigned_at + dt.timedelta(days=1)
        solved = store.problems.apply(problem.id, Resolve(summary="已解决"), at=late, actor=_CLERK)
        assert solved.state is ProblemState.RESOLVED

    def test_a_notice_recounts_on_the_rules_given(self, store: Store) -> None:
        # An office that counts with a local day off passes its rules: the recount keeps it.
        calendar = china_calendar()
        year = calendar.provisional_years[0]
        notice = _notice_for(year)
        festival = min(d for d, name in statutory_holidays(year).items() if "春节" in name)
        assigned_on = calendar.add_working_days(festival, -5)
        local_day = calendar.add_working_days(assigned_on, 1)
        rules = ProblemRules(calendar=calendar.with_local_days(holidays=[local_day]))
        problem = _registered("p-notice-local", at=at(assigned_on, 8))
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        store.problems.apply(problem.id, assign, at=at(assigned_on), actor=_CLERK, rules=rules)
        store.holiday_notices.add(notice, actor=_CLERK, rules=rules)
        local_with_notice = rules.working_calendar.with_notice(notice)
        assert store.problems.get(problem.id).deadline == local_with_notice.add_working_days(
            assigned_on, 15
        )

    def test_a_failed_recount_leaves_notices_and_problems_as_they_were(self, store: Store) -> None:
        year = china_calendar().provisional_years[0]
        problem = _registered("p-notice-race", at=dt.datetime(year, 1, 25, 9, tzinfo=CHINA_TZ))
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        store.problems.apply(problem.id, assign, at=problem.registered_at + _HOUR, actor=_CLERK)
        head = store.head()
        with _rolled_back(store) as tx:
            change = tx.holiday_notices.add(_notice_for(year), actor=_CLERK)
            assert [move.problem_id for move in change.moved] == [str(problem.id)]
            assert tx.holiday_notices.calendar().official_years[-1] == year
        assert store.holiday_notices.list() == []
        assert store.problems.get(problem.id).version == 2
        assert store.head() == head
        assert verify(store).ok

    def test_problem_metrics_count_provisional_years_alike(self, store: Store) -> None:
        # Deadlines, pauses and settlements in the provisional years, on every store and with
        # and without the first one's notice: the same figures and the same provisional mark.
        calendar = china_calendar()
        year = calendar.provisional_years[0]
        fresh = _Fresh("provisional")
        with_notice = ProblemRules(calendar=calendar.with_notice(_notice_for(year)))
        histories = st.lists(
            strategies.problems(
                min_start=dt.date(year - 1, 11, 1), max_start=dt.date(year, 6, 30), max_steps=8
            ),
            min_size=1,
            max_size=4,
        )
        with MemoryStore() as model:

            def test(problems: list[Problem], data: st.DataObject) -> None:
                renamed = [fresh.problem(problem) for problem in problems]
                for target in (store, model):
                    target.problems.add_many(renamed)
                moments = [t.at for p in renamed for t in p.transitions]
                moment = data.draw(st.sampled_from(moments), label="as_of") + _HOUR
                by = data.draw(st.none() | st.sampled_from(Dimension), label="by")
                rules = data.draw(st.sampled_from([DEFAULT_RULES, with_notice]), label="rules")
                expected = problem_summary(model, as_of=moment, by=by, rules=rules)
                _assert_same(problem_summary(store, as_of=moment, by=by, rules=rules), expected)
                if rules is with_notice:
                    assert year not in expected.provisional_years
                    return
                then = [p.as_of(moment) for p in renamed]
                if any(
                    p is not None
                    and p.state not in EXCLUDED_STATES
                    and p.deadline is not None
                    and p.deadline.year >= year
                    for p in then
                ):
                    assert expected.provisional_years

            self._check(test, histories, st.data())
