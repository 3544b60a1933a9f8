"""Problems and their histories: round trips, ``save`` and ``apply``, filters and pages.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import strategies as st

from jinjiecu.domain.clock import CHINA_TZ, local_date
from jinjiecu.domain.events import Close, Escalate, HandlingLevel, Reassign, Reject, Start, Suspend
from jinjiecu.domain.ids import CampaignId, DepartmentId, ProblemId, RegionId, WorkGroupId
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import (
    ConflictError,
    DuplicateError,
    IllegalTransitionError,
    JinjiecuError,
    NotFoundError,
    ValidationError,
)
from jinjiecu.storage.base import MAX_PAGE, Query, Store
from jinjiecu.testing import strategies
from jinjiecu.testing.conformance._helpers import (
    _CLERK,
    _HOUR,
    _T0,
    ConformanceArea,
    _assert_same,
    _assert_same_list,
    _assign,
    _by_id,
    _check_bad_pages,
    _Fresh,
    _registered,
    _rolled_back,
    _then,
    _visit,
)

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem


def _problem_values(problem: Problem) -> dict[str, Any]:
    """The value each problem filter compares with (dates: the local registration day)."""
    return {
        "region_id": problem.region_id,
        "campaign_id": problem.campaign_id,
        "work_group_id": problem.work_group_id,
        "enterprise_id": problem.enterprise_id,
        "state": problem.state,
        "category": problem.category,
        "scope": problem.scope,
        "level": problem.level,
        "department_id": problem.lead_department_id,
        "day": local_date(problem.registered_at),
    }


def _problem_matches(problem: Problem, given: dict[str, Any]) -> bool:
    values = _problem_values(problem)
    for name, value in given.items():
        if name == "since":
            if values["day"] < value:
                return False
        elif name == "until":
            if values["day"] > value:
                return False
        elif values[name] != value:
            return False
    return True


class ProblemsConformance(ConformanceArea):
    """Problem histories round-trip, only grow, and are found by every problem filter."""

    # ---------------------------------------------------------- problems

    def test_a_problem_history_round_trips(self, store: Store) -> None:
        fresh = _Fresh()

        def check(drawn: Problem, via_save: bool) -> None:  # noqa: FBT001 - drawn by given
            problem = fresh.problem(drawn)
            if via_save:
                _assert_same(store.problems.save(problem, expected_version=0), problem)
            else:
                store.problems.add(problem)
            stored = store.problems.get(problem.id)
            _assert_same(stored, problem)
            assert stored.version == problem.version
            assert problem.id in store.problems
            listed = [p for p in store.problems.list(limit=MAX_PAGE) if p.id == problem.id]
            _assert_same_list(listed, [problem])

        self._check(check, strategies.problems(max_steps=8), st.booleans())

    def test_a_missing_problem_raises_not_found(self, store: Store) -> None:
        missing = ProblemId("missing 'problem'; --")
        with pytest.raises(NotFoundError) as raised:
            store.problems.get(missing)
        assert (raised.value.kind, raised.value.id) == ("problem", missing)
        assert missing not in store.problems
        with pytest.raises(NotFoundError) as raised:
            store.problems.apply(missing, Start(), at=_T0, actor=_CLERK)
        assert (raised.value.kind, raised.value.id) == ("problem", missing)
        never_stored = _then(_registered(missing), _assign())
        with pytest.raises(NotFoundError):
            store.problems.save(never_stored, expected_version=1)
        assert missing not in store.problems

    def test_a_duplicate_problem_is_refused_and_nothing_written(self, store: Store) -> None:
        problem = _registered("p-1")
        store.problems.add(problem)
        other = _registered("p-1", title="另一个问题")
        for write in (
            store.problems.add,
            lambda p: store.problems.save(p, expected_version=0),
            lambda p: store.problems.add_many([_registered("p-2"), p]),
        ):
            with pytest.raises(DuplicateError) as raised:
                write(other)
            assert (raised.value.kind, raised.value.id) == ("problem", "p-1")
        _assert_same(store.problems.get(ProblemId("p-1")), problem)
        assert ProblemId("p-2") not in store.problems
        assert store.problems.count() == 1

    def test_save_appends_new_transitions_and_checks_the_version(self, store: Store) -> None:
        registered = _registered("p-1")
        _assert_same(store.problems.save(registered, expected_version=0), registered)
        started = _then(registered, _assign(), Start())
        _assert_same(store.problems.save(started, expected_version=1), started)
        _assert_same(store.problems.get(registered.id), started)
        # Someone else's change, made from version 1: refused, nothing written.
        rejected = _then(registered, Reject(reason="不属于帮办范围"))
        with pytest.raises(ConflictError) as raised:
            store.problems.save(rejected, expected_version=1)
        error = raised.value
        assert (error.kind, error.id, error.expected_version, error.actual_version) == (
            "problem",
            "p-1",
            1,
            3,
        )
        _assert_same(store.problems.get(registered.id), started)
        # A version from the future is stale too.
        later = _then(started, Escalate(), Suspend(reason="等待批复"))
        with pytest.raises(ConflictError) as raised:
            store.problems.save(later, expected_version=4)
        assert (raised.value.expected_version, raised.value.actual_version) == (4, 3)
        _assert_same(store.problems.get(registered.id), started)
        # Nothing new to save is a caller's mistake.
        with pytest.raises(ValidationError):
            store.problems.save(started, expected_version=3)
        _assert_same(store.problems.save(later, expected_version=3), later)
        assert store.problems.get(registered.id).version == 5

    def test_save_never_rewrites_stored_transitions(self, store: Store) -> None:
        stored = _then(_registered("p-1"), _assign())
        store.problems.add(stored)
        # A caller's problem whose first two transitions differ from the stored ones.
        diverging = _then(_registered("p-1", title="另一个标题"), _assign("d-9"), Start())
        with suppress(JinjiecuError):  # refusing the save is one way to keep the history
            store.problems.save(diverging, expected_version=2)
        assert store.problems.get(stored.id).transitions[:2] == stored.transitions, (
            "a save rewrote transitions that were already stored"
        )

    def test_apply_loads_applies_and_saves_one_event(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)
        at = _T0 + _HOUR
        assigned = store.problems.apply(registered.id, _assign(), at=at, actor=_CLERK, note="交办")
        assert assigned.version == 2
        assert assigned.state is ProblemState.ASSIGNED
        _assert_same(assigned, registered.apply(_assign(), at=at, actor=_CLERK, note="交办"))
        _assert_same(store.problems.get(registered.id), assigned)
        with pytest.raises(ConflictError) as raised:
            store.problems.apply(
                registered.id, Start(), at=at + _HOUR, actor=_CLERK, expected_version=1
            )
        assert (raised.value.expected_version, raised.value.actual_version) == (1, 2)
        started = store.problems.apply(
            registered.id, Start(), at=at + _HOUR, actor=_CLERK, expected_version=2
        )
        assert started.version == 3
        with pytest.raises(IllegalTransitionError):
            store.problems.apply(registered.id, Close(), at=at + 2 * _HOUR, actor=_CLERK)
        with pytest.raises(ValidationError):  # before the last transition
            store.problems.apply(registered.id, Suspend(reason="等待"), at=_T0, actor=_CLERK)
        _assert_same(store.problems.get(registered.id), started)

    # ---------------------------------------------------------- problem filters

    def test_every_problem_filter_selects_exactly_the_matching_problems(self, store: Store) -> None:
        region, campaign, group = RegionId("r-1"), CampaignId("c-1"), WorkGroupId("wg-1")
        drawn = st.one_of(
            strategies.problems(
                max_steps=6, region_id=region, campaign_id=campaign, work_group_id=group
            ),
            strategies.problems(max_steps=6, region_id=RegionId("R-1"), campaign_id=campaign),
            strategies.problems(max_steps=6),
        )

        def queries(problem: Problem) -> list[Query]:
            values = _problem_values(problem)
            day = values.pop("day")
            found = [Query(**{f: v}) for f, v in values.items() if v is not None]
            found += [
                Query(since=day),
                Query(until=day),
                Query(since=day, until=day),
                Query(since=day + dt.timedelta(days=1)),
                Query(region_id=RegionId("r%")),
                Query(**{f: v for f, v in values.items() if v is not None}, since=day, until=day),
            ]
            return found

        def check(drawn_problems: list[Problem]) -> None:
            fresh = _Fresh()
            batch = [fresh.problem(problem) for problem in drawn_problems]
            by_id = _by_id(batch)
            with _rolled_back(store) as tx:
                assert tx.problems.count() == 0, "an earlier transaction was not rolled back"
                tx.problems.add_many(batch)
                for problem in batch[:3]:
                    for query in queries(problem):
                        given_fields = query.given()
                        expected = [p for p in by_id if _problem_matches(p, given_fields)]
                        _assert_same_list(tx.problems.list(query, limit=MAX_PAGE), expected)
                        assert tx.problems.count(query) == len(expected), query
                        if len(expected) > 1:
                            page = tx.problems.list(query, limit=1, offset=1)
                            _assert_same_list(page, expected[1:2])

        self._check(check, st.lists(drawn, min_size=1, max_size=6))

    def test_problem_filters_follow_the_problem_as_it_changes(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)

        def ids(**fields: Any) -> list[str]:
            return [p.id for p in store.problems.list(Query(**fields))]

        assert ids(state=ProblemState.REGISTERED) == ["p-1"]
        assigned = _then(registered, _assign("d-1"))
        store.problems.save(assigned, expected_version=1)
        assert ids(state=ProblemState.REGISTERED) == []
        assert ids(state=ProblemState.ASSIGNED) == ["p-1"]
        assert ids(department_id=DepartmentId("d-1")) == ["p-1"]
        at = assigned.transitions[-1].at + _HOUR
        reassign = Reassign(
            lead_department_id=DepartmentId("d-2"), co_department_ids=(DepartmentId("d-1"),)
        )
        store.problems.apply(registered.id, reassign, at=at, actor=_CLERK)
        assert ids(department_id=DepartmentId("d-1")) == [], "co-departments do not count"
        assert ids(department_id=DepartmentId("d-2")) == ["p-1"]
        assert ids(level=HandlingLevel.LOCAL) == ["p-1"]
        store.problems.apply(registered.id, Escalate(), at=at + _HOUR, actor=_CLERK)
        assert ids(level=HandlingLevel.LOCAL) == []
        assert ids(level=HandlingLevel.COUNTY) == ["p-1"]
        assert ids(state=ProblemState.ASSIGNED, level=HandlingLevel.COUNTY) == ["p-1"]
        assert store.problems.count(Query(state=ProblemState.ASSIGNED)) == 1

    def test_problem_dates_filter_on_the_local_registration_day(self, store: Store) -> None:
        utc = dt.UTC
        late_utc = _registered("p-a", at=dt.datetime(2020, 1, 1, 16, 30, tzinfo=utc))  # 1-2 local
        late_local = _registered("p-b", at=dt.datetime(2020, 1, 1, 23, 30, tzinfo=CHINA_TZ))
        end_of_day = _registered("p-c", at=dt.datetime(2020, 1, 2, 15, 59, 59, tzinfo=utc))
        late_utc = _then(late_utc, _assign())  # a later transition does not move the day
        store.problems.add_many([late_utc, late_local, end_of_day])

        def ids(**fields: Any) -> list[str]:
            return [p.id for p in store.problems.list(Query(**fields))]

        day1, day2 = dt.date(2020, 1, 1), dt.date(2020, 1, 2)
        assert ids(since=day2) == ["p-a", "p-c"]
        assert ids(until=day1) == ["p-b"]
        assert ids(since=day2, until=day2) == ["p-a", "p-c"]
        assert ids(since=day1, until=day1) == ["p-b"]
        assert ids(since=dt.date(2020, 1, 3)) == []
        assert store.problems.count(Query(since=day1, until=day2)) == 3

    def test_visit_dates_filter_on_the_local_day(self, store: Store) -> None:
        utc = dt.UTC
        store.visits.add_many(
            [
                _visit("v-a", at=dt.datetime(2020, 1, 1, 16, 30, tzinfo=utc)),  # 1-2 local
                _visit("v-b", at=dt.datetime(2020, 1, 1, 23, 30, tzinfo=CHINA_TZ)),
                _visit("v-c", at=dt.datetime(2020, 1, 2, 15, 59, 59, tzinfo=utc)),
            ]
        )

        def ids(**fields: Any) -> list[str]:
            return [v.id for v in store.visits.list(Query(**fields))]

        day1, day2 = dt.date(2020, 1, 1), dt.date(2020, 1, 2)
        assert ids(since=day2) == ["v-a", "v-c"]
        assert ids(until=day1) == ["v-b"]
        assert ids(since=day1, until=day1) == ["v-b"]

    def test_problem_lists_order_by_id_and_page_and_refuse_bad_pages(self, store: Store) -> None:
        texts = ["b", "B", "a-2", "a-10", "a_1", "中", "é", "😀", "Ａ", "Z"]
        problems = [_registered(text) for text in texts]
        store.problems.add_many(problems)
        expected = _by_id(problems)
        _assert_same_list(store.problems.list(), expected)
        pages = [store.problems.list(limit=3, offset=offset) for offset in range(0, 12, 3)]
        _assert_same_list([p for page in pages for p in page], expected)
        assert store.problems.list(offset=len(texts)) == []
        _check_bad_pages(store.problems)
