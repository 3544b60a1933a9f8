"""What the areas of the conformance suite share: test records, assertions, races.

Private to :mod:`jinjiecu.testing.conformance`.
"""

# Shipped test code: asserts are how its helpers check.
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt
import itertools
import threading
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.codes import CreditCode, credit_code_check_character
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.finance import BridgeFund
from jinjiecu.domain.ids import (
    BridgeFundId,
    CampaignId,
    DepartmentId,
    EnterpriseId,
    ProblemId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import Region
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.visit import Visit
from jinjiecu.errors import ValidationError
from jinjiecu.storage.base import MAX_PAGE, RecordKind, Store, Transaction
from jinjiecu.testing.stateful import comparable, renamed_problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from jinjiecu.domain.events import EventData

_CLERK = Actor(kind=ActorKind.CLERK, id="clerk-1", name="王科员")
_T0 = dt.datetime(2020, 3, 2, 9, 0, tzinfo=CHINA_TZ)
_HOUR = dt.timedelta(hours=1)
_CATEGORY = "financing"


def _credit_code(number: int) -> CreditCode:
    first17 = f"91371400{number:09d}"
    return CreditCode(first17 + credit_code_check_character(first17))


class _Fresh:
    """Ids, credit codes and keys never used before in this test's store."""

    def __init__(self, stem: str = "conf") -> None:
        self._numbers = itertools.count(1)
        self._stem = stem

    def number(self) -> int:
        return next(self._numbers)

    def id(self, kind: RecordKind[Any, Any] | None = None) -> Any:
        name = "problem" if kind is None else kind.name
        id_type = ProblemId if kind is None else kind.id_type
        return id_type(f"{self._stem}-{name}-{self.number():06d}")

    def record(self, kind: RecordKind[Any, Any], record: Any, record_id: Any = None) -> Any:
        """``record`` under a fresh id (or ``record_id``), with a fresh credit code if any."""
        changes: dict[str, Any] = {"id": self.id(kind) if record_id is None else record_id}
        if isinstance(record, Enterprise) and record.credit_code is not None:
            changes["credit_code"] = _credit_code(self.number())
        return attrs.evolve(record, **changes)

    def problem(self, problem: Problem) -> Problem:
        return renamed_problem(problem, self.id())


class _RollBack(Exception):  # noqa: N818 - not an error: how a test ends its transaction
    """Raised at the end of an example's transaction so that nothing it wrote stays."""


@contextmanager
def _rolled_back(store: Store) -> Iterator[Transaction]:
    """A transaction that is always rolled back: the store is as empty afterwards as before."""
    try:
        with store.transaction() as tx:
            yield tx
            raise _RollBack
    except _RollBack:
        pass


def _assert_same(got: object, expected: object) -> None:
    """Equal, of the same type, and identical in wire form (exponents, offsets, code points)."""
    assert type(got) is type(expected), f"got a {type(got).__name__}, not a {type(expected)}"
    assert got == expected, (
        f"stored and read back differ:\n  got      {got!r}\n  expected {expected!r}"
    )
    assert comparable(got) == comparable(expected), (
        "equal, but not identical in wire form (a decimal's exponent, a moment's UTC offset?):\n"
        f"  got      {comparable(got)!r}\n  expected {comparable(expected)!r}"
    )


def _assert_same_list(got: Sequence[object], expected: Sequence[object]) -> None:
    got_ids = [str(getattr(item, "id", item)) for item in got]
    expected_ids = [str(getattr(item, "id", item)) for item in expected]
    assert got_ids == expected_ids, f"ids listed {got_ids!r}, expected {expected_ids!r}"
    for got_item, expected_item in zip(got, expected, strict=True):
        _assert_same(got_item, expected_item)


def _by_id(items: Sequence[Any]) -> list[Any]:
    """Sorted by id in code point order, the order every store lists in."""
    return sorted(items, key=lambda item: str(item.id))


def _registered(
    problem_id: str | ProblemId,
    *,
    at: dt.datetime = _T0,
    title: str = "厂区道路积水",
    description: str = "",
    note: str = "",
    actor: Actor = _CLERK,
    region_id: str = "r-1",
    campaign_id: str | None = None,
    enterprise_id: str = "e-1",
) -> Problem:
    details = Register(
        title=title,
        category=_CATEGORY,
        region_id=RegionId(region_id),
        description=description,
        enterprise_id=EnterpriseId(enterprise_id),
        campaign_id=None if campaign_id is None else CampaignId(campaign_id),
    )
    return Problem.register(details, at=at, actor=actor, id=ProblemId(problem_id), note=note)


def _then(problem: Problem, *events: EventData, note: str = "") -> Problem:
    """``problem`` with ``events`` applied an hour apart."""
    for data in events:
        at = problem.transitions[-1].at + _HOUR
        problem = problem.apply(data, at=at, actor=_CLERK, note=note)
    return problem


def _assign(department: str = "d-1") -> Assign:
    return Assign(lead_department_id=DepartmentId(department))


def _region(region_id: str, name: str = "乐陵市", parent_id: str | None = None) -> Region:
    return Region(
        id=RegionId(region_id),
        name=name,
        kind=DivisionKind.COUNTY_LEVEL_CITY,
        parent_id=None if parent_id is None else RegionId(parent_id),
    )


def _enterprise(
    enterprise_id: str,
    *,
    name: str = "德州某纺织有限公司",
    region_id: str = "r-1",
    credit_code: CreditCode | None = None,
    industry: str = "纺织",
) -> Enterprise:
    return Enterprise(
        id=EnterpriseId(enterprise_id),
        name=name,
        region_id=RegionId(region_id),
        credit_code=credit_code,
        industry=industry,
    )


def _visit(visit_id: str, *, at: dt.datetime = _T0, notes: str = "") -> Visit:
    return Visit(
        id=VisitId(visit_id),
        campaign_id=CampaignId("c-1"),
        at=at,
        work_group_id=WorkGroupId("wg-1"),
        enterprise_id=EnterpriseId("e-1"),
        notes=notes,
    )


_FUND_NUMBERS = itertools.count(1)


def fresh_bridge_fund() -> BridgeFund:
    """A bridge fund with an id of its own (a finance record: chained on every version)."""
    number = next(_FUND_NUMBERS)
    return BridgeFund(
        id=BridgeFundId(f"fund-{number}"),
        name="过桥资金池",
        operator="德州市财金投资集团",
        pool_size=Money.yuan(100_000_000),
        max_days=90,
        daily_fee_rate=Decimal("0.0002"),
    )


def _race(calls: Sequence[Callable[[], object]]) -> list[object]:
    """Run ``calls`` in threads released together; each gives its result or its exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - handed back to the test to check
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _check_bad_pages(collection: Any) -> None:
    """``limit`` from 1 to MAX_PAGE and ``offset`` from 0; anything else is refused."""
    for limit in (0, -1, MAX_PAGE + 1, True, 1.5):
        with pytest.raises(ValidationError) as raised:
            collection.list(limit=limit)
        assert raised.value.field == "limit"
    for offset in (-1, False, 1.0):
        with pytest.raises(ValidationError) as raised:
            collection.list(offset=offset)
        assert raised.value.field == "offset"
    assert collection.list(limit=MAX_PAGE) == collection.list(limit=MAX_PAGE, offset=0)


class ConformanceArea:
    """The base of every area of the suite: how its Hypothesis tests run.

    :class:`~jinjiecu.testing.conformance.StoreConformance` combines the areas
    and sets :attr:`max_examples`; an area is never run on its own.
    """

    max_examples: ClassVar[int]
    """Examples per Hypothesis test, set by ``StoreConformance`` (the profile's if lower)."""

    def _check(self, test: Callable[..., None], *given_strategies: st.SearchStrategy[Any]) -> None:
        """Run ``test`` as a Hypothesis test with this suite's settings."""
        chosen = settings(
            max_examples=min(self.max_examples, settings().max_examples),
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        )
        chosen(given(*given_strategies)(test))()
