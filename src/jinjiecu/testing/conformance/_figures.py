"""Figures: metrics read from the store agree with the memory store's.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import strategies as st

from jinjiecu.domain.clock import CHINA_TZ, at, end_of_day, now
from jinjiecu.domain.events import (
    Assign,
    Close,
    Escalate,
    HandlingLevel,
    Resolve,
    Start,
    Suspend,
)
from jinjiecu.domain.ids import DepartmentId, RegionId
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import CalendarCoverageError, ConflictError, IllegalTransitionError
from jinjiecu.metrics import (
    Dimension,
    finance_summary,
    problem_summary,
    target_coverage,
    visit_summary,
)
from jinjiecu.metrics.finance import FINANCE_DIMENSIONS
from jinjiecu.metrics.visits import VISIT_DIMENSIONS
from jinjiecu.sample import dezhou_2019
from jinjiecu.storage.base import Query, Store
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.memory import MemoryStore
from jinjiecu.testing import strategies
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    _T0,
    ConformanceArea,
    _assert_same,
    _assign,
    _Fresh,
    _region,
    _registered,
)

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem


class FiguresConformance(ConformanceArea):
    """Figures from the store agree with the memory store's, from histories and from rows."""

    # ---------------------------------------------------------- metrics

    def test_metrics_of_the_sample_drive_agree_with_the_memory_store(self, store: Store) -> None:
        drive = dezhou_2019()
        drive.load_into(store)
        headline = problem_summary(store, as_of=drive.as_of).total
        assert (headline.identified, headline.in_progress, headline.solved) == (153, 139, 14)
        with MemoryStore() as model:
            drive.load_into(model)
            moments = [
                end_of_day(day)
                for day in (dt.date(2019, 10, 9), dt.date(2019, 10, 20), dt.date(2019, 11, 28))
            ]
            for moment in (*moments, drive.as_of):
                for by in (None, *Dimension):
                    _assert_same(
                        problem_summary(store, as_of=moment, by=by),
                        problem_summary(model, as_of=moment, by=by),
                    )
            for query in (
                Query(state=ProblemState.IN_PROGRESS),
                Query(region_id=drive.regions[0].id),
                Query(since=dt.date(2019, 11, 1), until=dt.date(2019, 11, 13)),
            ):
                _assert_same(
                    problem_summary(store, as_of=drive.as_of, by=Dimension.WORK_GROUP, query=query),
                    problem_summary(model, as_of=drive.as_of, by=Dimension.WORK_GROUP, query=query),
                )
            for by in (None, *VISIT_DIMENSIONS):
                _assert_same(
                    visit_summary(store, as_of=drive.as_of, by=by),
                    visit_summary(model, as_of=drive.as_of, by=by),
                )
            for by in (None, *FINANCE_DIMENSIONS):
                _assert_same(
                    finance_summary(store, as_of=drive.as_of, by=by),
                    finance_summary(model, as_of=drive.as_of, by=by),
                )
            _assert_same(
                target_coverage(store, drive.campaign_id, as_of=drive.as_of),
                target_coverage(model, drive.campaign_id, as_of=drive.as_of),
            )

    def test_problem_metrics_agree_with_the_memory_store_on_random_histories(
        self, store: Store
    ) -> None:
        # A city with two counties, so that region rows roll up.
        city, counties = RegionId("m-city"), (RegionId("m-county-1"), RegionId("m-county-2"))
        regions = [
            _region(city, "德州市"),
            _region(counties[0], "乐陵市", parent_id=city),
            _region(counties[1], "禹城市", parent_id=city),
        ]
        fresh = _Fresh("metrics")
        with MemoryStore() as model:
            for target in (store, model):
                target.regions.add_many(regions)
            histories = st.lists(
                st.sampled_from([city, *counties]).flatmap(
                    lambda region: strategies.problems(region_id=region, max_steps=8)
                ),
                max_size=5,
            )

            def test(problems: list[Problem], data: st.DataObject) -> None:
                renamed = [fresh.problem(problem) for problem in problems]
                for target in (store, model):
                    target.problems.add_many(renamed)
                # Moments where figures change: each transition, just before it, each
                # deadline's last moment and the day after.
                # And now: no transition after it, so an SQL store counts from each
                # problem's row (the read model) rather than its transitions.
                moments = [dt.datetime(2019, 1, 1, tzinfo=CHINA_TZ), now()]
                for problem in renamed:
                    for transition in problem.transitions:
                        moments += [transition.at, transition.at - dt.timedelta(microseconds=1)]
                    if problem.deadline is not None:
                        last = end_of_day(problem.deadline)
                        moments += [last, last + dt.timedelta(days=1)]
                moment = data.draw(st.sampled_from(moments), label="as_of")
                leads = sorted({str(p.lead_department_id) for p in renamed if p.lead_department_id})
                department = DepartmentId(data.draw(st.sampled_from(leads or ["d-none"])))
                by = data.draw(st.none() | st.sampled_from(Dimension), label="by")
                basic = data.draw(st.booleans(), label="count_basically_satisfied")
                # Filters on where a problem stood (state, level, department) as well as
                # on what it was registered with (region).
                query = data.draw(
                    st.sampled_from(
                        [
                            Query(),
                            Query(region_id=counties[0]),
                            Query(state=ProblemState.SUSPENDED),
                            Query(level=HandlingLevel.COUNTY),
                            Query(department_id=department),
                        ]
                    ),
                    label="query",
                )
                arguments: dict[str, Any] = {
                    "as_of": moment,
                    "by": by,
                    "query": query,
                    "count_basically_satisfied": basic,
                }
                _assert_same(
                    problem_summary(store, **arguments), problem_summary(model, **arguments)
                )

            self._check(test, histories, st.data())

    def test_figures_as_of_now_agree_after_conflicts_refusals_and_failed_batches(
        self, store: Store
    ) -> None:
        # Where a problem stands now is kept beside its history, in the same
        # transaction; nothing that fails may move one without the other.
        with MemoryStore() as model:
            for target in (store, model):
                first, second = _registered("p-1"), _registered("p-2", title="第二个问题")
                target.problems.add_many([first, second])
                started = _T0 + _HOUR
                target.problems.apply(first.id, _assign(), at=started, actor=_CLERK)
                target.problems.apply(first.id, Start(), at=started + _HOUR, actor=_CLERK)
                with pytest.raises(ConflictError):  # a stale version: nothing written
                    target.problems.apply(
                        first.id,
                        Escalate(),
                        at=started + 2 * _HOUR,
                        actor=_CLERK,
                        expected_version=2,
                    )
                with pytest.raises(IllegalTransitionError):  # refused: nothing written
                    target.problems.apply(second.id, Close(), at=started, actor=_CLERK)
                with pytest.raises(RuntimeError), target.transaction() as tx:  # noqa: PT012
                    tx.problems.apply(second.id, _assign(), at=started, actor=_CLERK)
                    tx.problems.apply(
                        first.id, Suspend(reason="等待批复"), at=started + 3 * _HOUR, actor=_CLERK
                    )
                    message = "a failure after two writes: the batch is rolled back"
                    raise RuntimeError(message)
                target.problems.apply(
                    first.id, Resolve(summary="已协调解决"), at=started + 4 * _HOUR, actor=_CLERK
                )
            assert verify(store).ok
            moment = now()
            for by in (None, Dimension.DEPARTMENT, Dimension.LEVEL, Dimension.CATEGORY):
                for query in (Query(), Query(state=ProblemState.RESOLVED)):
                    _assert_same(
                        problem_summary(store, as_of=moment, by=by, query=query),
                        problem_summary(model, as_of=moment, by=by, query=query),
                    )
            total = problem_summary(store, as_of=moment).total
            # p-1 resolved; p-2 still as registered (its assignment was rolled back).
            assert (total.registered, total.resolved, total.in_progress) == (2, 1, 1)

    def test_suspended_problems_are_overdue_on_the_same_days_as_in_the_model(
        self, store: Store
    ) -> None:
        # A pause moves the deadline on one working day per working day suspended. Around
        # the 2025 National Day holiday (make-up Sundays 28 September and Saturday 11
        # October), each day from before the pauses to after them: the days the deadline
        # passes, is reached on a day off, or equals today must count alike.
        pauses = {  # deadline, suspended on
            "p-before": (dt.date(2025, 9, 30), dt.date(2025, 9, 26)),
            "p-on": (dt.date(2025, 9, 26), dt.date(2025, 9, 26)),
            "p-after": (dt.date(2025, 9, 24), dt.date(2025, 9, 27)),
            "p-holiday": (dt.date(2025, 10, 9), dt.date(2025, 9, 30)),
            "p-make-up": (dt.date(2025, 9, 29), dt.date(2025, 9, 28)),
        }
        registered_at = dt.datetime(2025, 9, 15, 9, tzinfo=CHINA_TZ)
        with MemoryStore() as model:
            for name, (deadline, suspended_on) in pauses.items():
                problem = _registered(name, at=registered_at)
                problem = problem.apply(
                    Assign(lead_department_id=DepartmentId("d-1"), deadline=deadline),
                    at=registered_at + _HOUR,
                    actor=_CLERK,
                )
                problem = problem.apply(Start(), at=registered_at + 2 * _HOUR, actor=_CLERK)
                suspended_at = at(suspended_on, 10)
                problem = problem.apply(Suspend(reason="等待批复"), at=suspended_at, actor=_CLERK)
                for target in (store, model):
                    target.problems.add(problem)
            overdue = {}
            for offset in range(35):
                day = dt.date(2025, 9, 20) + dt.timedelta(days=offset)
                for by in (None, Dimension.DEPARTMENT):
                    figures = problem_summary(store, as_of=end_of_day(day), by=by)
                    _assert_same(figures, problem_summary(model, as_of=end_of_day(day), by=by))
                overdue[day] = figures.total.overdue
        # p-after is overdue from the day after its deadline, suspended or not. p-on,
        # suspended on its deadline, is overdue on days off only: its deadline moves on
        # each working day. The others' deadlines move on ahead of them.
        assert [overdue[dt.date(2025, 9, day)] for day in (24, 25, 26, 27, 28)] == [0, 1, 1, 2, 1]
        assert [overdue[dt.date(2025, 10, day)] for day in (1, 8, 9, 11, 12)] == [2, 2, 1, 1, 2]

    def test_problem_metrics_outside_the_calendar_fail_alike(self, store: Store) -> None:
        # Registered before the calendar's first day and assigned inside it: the response
        # time has no count of working days, and every store says so rather than skip it.
        early = _registered("p-early", at=dt.datetime(2000, 12, 28, 9, tzinfo=CHINA_TZ))
        early = early.apply(_assign(), at=dt.datetime(2001, 1, 4, 9, tzinfo=CHINA_TZ), actor=_CLERK)
        as_of = dt.datetime(2001, 2, 1, tzinfo=CHINA_TZ)
        with MemoryStore() as model:
            for target in (store, model):
                target.problems.add(early)
            with pytest.raises(CalendarCoverageError) as expected:
                problem_summary(model, as_of=as_of)
            with pytest.raises(CalendarCoverageError) as got:
                problem_summary(store, as_of=as_of, by=Dimension.WORK_GROUP)
            assert str(got.value) == str(expected.value)
