"""The store conformance suite: every rule of the store contract, as tests any adapter runs.

Every store that ships with jinjiecu (memory, SQLite, PostgreSQL) passes this
suite, and a store of your own passes it the same way. Your session
implements the core of the contract, :data:`CORE_METHODS` (``insert``,
``fetch``, ``replace`` and ``scan`` of
:class:`~jinjiecu.storage.base.SessionCore`); every other method of
:class:`~jinjiecu.storage.base.Session` has a default written on them, which
you may override for speed. The suite checks the defaults and your overrides
alike, and its first test checks that your session implements every core
method.

Subclass :class:`StoreConformance` in a test module of yours, under a name
pytest collects (``Test...``), and give it one fixture, ``store``::

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def store(self, tmp_path):
            with MyStore(tmp_path / "test.db") as store:
                yield store

The fixture must yield a fresh, empty, open store for every test (function
scope) and may close it afterwards; the tests never close it themselves. Use
a new file, a new schema or truncated tables, whatever makes the store empty.
The store must be usable from several threads at once (some tests race
writers against each other). That is all: every test method is inherited,
one per rule of the contract and kind of record (about 180 tests; seconds on
SQLite, under a minute on a local PostgreSQL, most of it making the fresh
stores). For pytest's detailed assertion messages, add
``pytest.register_assert_rewrite("jinjiecu.testing.conformance")`` to your
``conftest.py``.

What is checked: the session implements :data:`CORE_METHODS`; then, kind by
kind (every kind of :data:`~jinjiecu.storage.base.KINDS`, with records drawn
from :mod:`jinjiecu.testing.strategies`) and for problems:

- records round-trip exactly (``==``, and the same wire form: decimals keep
  their exponent, moments their UTC offset, text every code point);
- ``get``, ``get_versioned``, ``in``; a missing id raises
  :class:`~jinjiecu.errors.NotFoundError` naming kind and id; a duplicate id
  (or enterprise credit code) raises :class:`~jinjiecu.errors.DuplicateError`
  and writes nothing;
- ``update`` is optimistic: a stale or future version raises
  :class:`~jinjiecu.errors.ConflictError` with kind, id, expected and actual
  version, and writes nothing;
- ``list`` orders by id (code point order, whatever the database collation),
  pages with ``limit`` and ``offset``, applies every filter the kind has
  (dates on the local China date, ids matched exactly: no case folding, no
  ``LIKE`` wildcards); filters the kind does not have and bad pages raise
  :class:`~jinjiecu.errors.ValidationError`;
- problems: histories round-trip; ``save`` appends and checks the version,
  and never rewrites a stored transition; ``apply``; idempotency keys (a
  retry returns the stored problem and writes nothing; a key is bound to one
  problem; a rolled-back save forgets its key); (problem id, sequence) stays
  unique when threads race; every problem filter, kept up to date as
  problems change;
- transactions commit when the block ends and roll back on any exception
  (records, problems, new transitions and idempotency keys alike); batches
  are all or nothing; a write that fails inside a transaction leaves nothing
  behind and the transaction goes on (a savepoint per write); nested
  transactions are refused; calls on the store's own collections commit one
  by one;
- hostile text (SQL, quotes, backslashes, control characters, emoji with
  joiners, unassigned code points, 100,000-character notes) and hostile ids
  round-trip exactly; a thousand records go in one ``add_many``.

Hypothesis tests run a few examples each, at most the active profile's
``max_examples``; raise :attr:`StoreConformance.max_examples` in a subclass for
a longer run. They share the one store of their test: each example uses ids of
its own, or runs in a transaction that is rolled back at its end.

This module needs pytest and Hypothesis (the ``testing`` extra); it is only
imported by test suites. The matching state-machine test, which runs random
steps against the memory store and yours together, is
:func:`jinjiecu.testing.stateful.run_against_model`.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101, D102

from __future__ import annotations

import datetime as dt
import functools
import itertools
import threading
from contextlib import contextmanager, suppress
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.calendar import HolidayNotice, china_calendar, statutory_holidays
from jinjiecu.domain.clock import CHINA_TZ, end_of_day, local_date, now
from jinjiecu.domain.codes import CreditCode, credit_code_check_character
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import (
    Assign,
    Close,
    Escalate,
    HandlingLevel,
    Reassign,
    RecountDeadline,
    Register,
    Reject,
    Resolve,
    Resume,
    Scope,
    Start,
    Suspend,
)
from jinjiecu.domain.finance import BridgeFund
from jinjiecu.domain.ids import (
    BridgeFundId,
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    RegionId,
    VisitId,
    WorkGroupId,
)
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import Leader, Region
from jinjiecu.domain.policy import AuditOutcome
from jinjiecu.domain.problem import DEFAULT_RULES, Actor, ActorKind, Problem, ProblemRules
from jinjiecu.domain.visit import Visit
from jinjiecu.domain.workflow import EXCLUDED_STATES, Event, ProblemState
from jinjiecu.errors import (
    CalendarCoverageError,
    ConflictError,
    DuplicateError,
    IllegalTransitionError,
    JinjiecuError,
    NotFoundError,
    StorageError,
    ValidationError,
)
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
from jinjiecu.storage.base import (
    FINANCE_KINDS,
    KINDS,
    MAX_PAGE,
    IndexValues,
    Query,
    RecordKind,
    Records,
    Session,
    SessionCore,
    Store,
    Transaction,
)
from jinjiecu.storage.integrity import GENESIS, Checkpoint, verify
from jinjiecu.storage.memory import MemoryStore
from jinjiecu.testing import strategies
from jinjiecu.testing.stateful import comparable, record_strategy, records_of, renamed_problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from jinjiecu.domain.events import EventData

__all__ = ["CORE_METHODS", "HOSTILE_IDS", "HOSTILE_NAMES", "HOSTILE_TEXTS", "StoreConformance"]

CORE_METHODS: tuple[str, ...] = ("insert", "fetch", "replace", "scan")
"""The session methods every adapter implements (the abstract methods of the core).

``insert``, ``fetch``, ``replace`` and ``scan`` of
:class:`~jinjiecu.storage.base.SessionCore`, on versioned records of a
:class:`~jinjiecu.storage.base.RecordKind` (the kinds of
:data:`~jinjiecu.storage.base.KINDS` and
:data:`~jinjiecu.storage.base.INTERNAL_KINDS`). Every other session method
belongs to a group with defaults written on these
(:class:`~jinjiecu.storage.base.ProblemStorage`,
:class:`~jinjiecu.storage.base.IdempotencyStorage`,
:class:`~jinjiecu.storage.base.NoticeStorage`,
:class:`~jinjiecu.storage.base.IntegrityStorage`, and ``select`` and
``count`` of the core itself).
:meth:`StoreConformance.test_the_session_implements_every_core_method` checks
the store's session class against this list.
"""

# ============================================================== test data

HOSTILE_NAMES: tuple[str, ...] = (
    "'; DROP TABLE records; --",
    "Robert'); DROP TABLE problems; --",
    '" OR "1"="1',
    "' OR ''='",
    "%_% LIKE 'a%' ESCAPE '\\'",
    "$$ dollar $tag$ quoting $1 ? :name %s {}",
    "back\\slash \\\\ \\n \\x00 \\u0000 \\' \\",
    "单引号'双引号\"反引号`全角＇＂",
    "👨‍👩‍👧‍👦 🏳️‍🌈 🇨🇳 👍🏽 🧑🏻‍💻 family ZWJ",
    "unassigned \u0378\u0379 \U000e0080 noncharacters \ufdd0\ufffe\uffff\U0010fffe",
    "private use \ue000\U000f0000 replacement \ufffd",
    "bidi \u202eRLO\u202c zero-width \u200b\u200c\u200d\ufeff combining e\u0301 a\u0308",
    " 前后有空格 ",
    "NULL",
    '{"json": [1, 2], "k": null} </script><script>alert(1)</script>',
    "中" * 200,
    "a" * 199 + "😀",
)
"""Single-line, non-blank names that stores must keep exactly (no control characters)."""

_CONTROL = "".join(map(chr, range(1, 32))) + "\x7f\x80\x85\x9f"

HOSTILE_TEXTS: tuple[str, ...] = (
    *HOSTILE_NAMES[:12],
    _CONTROL,
    "line 1\nline 2\r\nline 3\rline 4\u2028line 5\u2029tab\tend\x0b\x0c",
    "trailing newline and spaces \n  ",
    "",
    "   ",
    "\n\n",
    "\\x00 is not NUL but \x01 is SOH",
    ("进企业'\";--\\\x01😀\u200d\U0010fffe" * 10_000)[:100_000],
)
"""Free texts (notes, descriptions) that stores must keep exactly; the last is 100,000 long."""

HOSTILE_IDS: tuple[str, ...] = (
    "'; DROP TABLE records; --",
    "a%",
    "a_",
    "a\\b",
    'quote"d',
    "中文编号",
    "emoji😀",
    "Abc",
    "abc",
    "x" * 128,
)
"""Printable ids that stores must keep exactly and match exactly (case and wildcards)."""

_ORDERING_CHARS = "aAbBzZ09-_.~ %'\"\\中文éÉǅ😀\U00010000Ａ"
_ORDERING_IDS = st.text(_ORDERING_CHARS, min_size=1, max_size=5).filter(
    lambda text: text == text.strip()
)
"""Ids that sort differently under code point order than under most collations."""

_CLERK = Actor(kind=ActorKind.CLERK, id="clerk-1", name="王科员")
_T0 = dt.datetime(2020, 3, 2, 9, 0, tzinfo=CHINA_TZ)
_HOUR = dt.timedelta(hours=1)
_CATEGORY = "financing"

# A value of every Query field, for the tests that check which filters a kind refuses.
_QUERY_SAMPLES: dict[str, Any] = {
    "region_id": RegionId("r-1"),
    "campaign_id": CampaignId("c-1"),
    "work_group_id": WorkGroupId("wg-1"),
    "enterprise_id": EnterpriseId("e-1"),
    "since": dt.date(2020, 1, 1),
    "until": dt.date(2020, 12, 31),
    "state": ProblemState.REGISTERED,
    "category": _CATEGORY,
    "scope": Scope.COMMON,
    "level": HandlingLevel.LOCAL,
    "department_id": DepartmentId("d-1"),
}

# For each kind, the attribute behind each id filter: changed to share values between records.
_FILTER_ATTRIBUTES: dict[str, dict[str, str]] = {
    "campaign": {"region_id": "region_id"},
    "region": {"region_id": "parent_id"},
    "department": {"region_id": "region_id"},
    "leader": {"region_id": "region_id"},
    "work_group": {"region_id": "region_id", "campaign_id": "campaign_id"},
    "office": {"region_id": "region_id"},
    "enterprise": {"region_id": "region_id"},
    "project": {"region_id": "region_id", "enterprise_id": "owner_id"},
    "visit": {
        "campaign_id": "campaign_id",
        "work_group_id": "work_group_id",
        "enterprise_id": "enterprise_id",
    },
    "debt_resolution": {"enterprise_id": "enterprise_id"},
    "asset_disposal": {"enterprise_id": "enterprise_id"},
    "creditor_committee": {"enterprise_id": "enterprise_id"},
    "loan_renewal": {"enterprise_id": "borrower_id"},
    "whitelist": {"region_id": "region_id"},
    "coordinated_financing": {"enterprise_id": "enterprise_id"},
    "guarantee_link": {"enterprise_id": "guarantor_id"},
}

# Shared values: look-alikes that only an exact, case-sensitive comparison tells apart.
_SHARED: dict[str, tuple[Any, ...]] = {
    "region_id": tuple(RegionId(t) for t in ("r-1", "R-1", "r%", "r_1", "r'1")),
    "campaign_id": tuple(CampaignId(t) for t in ("c-1", "C-1", "c%")),
    "work_group_id": tuple(WorkGroupId(t) for t in ("wg-1", "WG-1", "wg_1")),
    "enterprise_id": tuple(EnterpriseId(t) for t in ("e-1", "E-1", "e%", "e\\1")),
}

_FILTERED_KINDS = [kind for kind in KINDS if kind.filters]


def _kind_ids(kinds: Sequence[RecordKind[Any, Any]]) -> list[str]:
    return [kind.name for kind in kinds]


# ============================================================== helpers


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


def _index_matches(index: IndexValues, given: dict[str, Any]) -> bool:
    for name, value in given.items():
        if name == "since":
            if index.day is None or index.day < value:
                return False
        elif name == "until":
            if index.day is None or index.day > value:
                return False
        elif getattr(index, name) != value:
            return False
    return True


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


# ============================================================== the suite

_kinds = pytest.mark.parametrize("kind", KINDS, ids=_kind_ids(KINDS))
_filtered_kinds = pytest.mark.parametrize("kind", _FILTERED_KINDS, ids=_kind_ids(_FILTERED_KINDS))


class StoreConformance:
    """Every rule of the store contract as a test; subclass it and give a ``store`` fixture.

    See the module documentation for how. The subclass's name must start with
    ``Test`` for pytest to collect it; this class itself is never collected.
    """

    max_examples: ClassVar[int] = 8
    """Examples per Hypothesis test (the active profile's ``max_examples`` if lower)."""

    # ---------------------------------------------------------- machinery

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

    # ---------------------------------------------------------- the core and the fixture

    def test_the_session_implements_every_core_method(self, store: Store) -> None:
        session_class: type[object] = store.read(type)
        assert issubclass(session_class, Session), (
            f"{session_class.__name__} must subclass jinjiecu.storage.base.Session "
            "(the core plus the groups with defaults)"
        )
        assert frozenset(CORE_METHODS) == SessionCore.__abstractmethods__
        missing = [
            name
            for name in CORE_METHODS
            if getattr(getattr(session_class, name), "__isabstractmethod__", False)
        ]
        assert not missing, f"{session_class.__name__} does not implement core methods {missing}"

    def test_the_store_fixture_gives_an_empty_open_store(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.url, str)
        for kind in KINDS:
            assert records_of(store, kind).count() == 0, f"{kind.name} records already there"
            assert records_of(store, kind).list() == []
        assert store.problems.count() == 0
        assert store.problems.list() == []

    # ---------------------------------------------------------- records, kind by kind

    @_kinds
    def test_a_record_round_trips(self, store: Store, kind: RecordKind[Any, Any]) -> None:
        fresh = _Fresh()
        records = records_of(store, kind)

        def check(drawn: Any) -> None:
            record = fresh.record(kind, drawn)
            records.add(record)
            _assert_same(records.get(record.id), record)
            versioned = records.get_versioned(record.id)
            assert versioned.version == 1
            _assert_same(versioned.record, record)
            assert record.id in records

        self._check(check, record_strategy(kind))

    @_kinds
    def test_a_missing_id_raises_not_found_naming_kind_and_id(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        fresh = _Fresh()
        records = records_of(store, kind)
        missing = kind.id_type("missing 'one'; --")

        def check(drawn: Any) -> None:
            records.add(fresh.record(kind, drawn))
            for read in (records.get, records.get_versioned):
                with pytest.raises(NotFoundError) as raised:
                    read(missing)
                assert (raised.value.kind, raised.value.id) == (kind.name, missing)
            assert missing not in records
            absent = fresh.record(kind, drawn)
            with pytest.raises(NotFoundError) as raised:
                records.update(absent, expected_version=1)
            assert (raised.value.kind, raised.value.id) == (kind.name, absent.id)
            assert absent.id not in records

        self._check(check, record_strategy(kind))

    @_kinds
    def test_a_duplicate_id_is_refused_and_nothing_written(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        fresh = _Fresh()
        records = records_of(store, kind)

        def check(first: Any, second: Any) -> None:
            original = fresh.record(kind, first)
            other = fresh.record(kind, second, record_id=original.id)
            records.add(original)
            for add in (records.add, lambda record: records.add_many([record])):
                with pytest.raises(DuplicateError) as raised:
                    add(other)
                assert (raised.value.kind, raised.value.id) == (kind.name, original.id)
            _assert_same(records.get(original.id), original)
            assert records.get_versioned(original.id).version == 1

        strategy = record_strategy(kind)
        self._check(check, strategy, strategy)

    @_kinds
    def test_update_is_optimistic_and_a_stale_version_writes_nothing(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        fresh = _Fresh()
        records = records_of(store, kind)

        def check(first: Any, second: Any, third: Any) -> None:
            original = fresh.record(kind, first)
            changed = fresh.record(kind, second, record_id=original.id)
            stale = fresh.record(kind, third, record_id=original.id)
            records.add(original)
            assert records.update(changed, expected_version=1) == 2
            _assert_same(records.get(original.id), changed)
            assert records.get_versioned(original.id).version == 2
            _check_filters_follow(records, kind, original, changed)
            for expected_version in (1, 3):
                with pytest.raises(ConflictError) as raised:
                    records.update(stale, expected_version=expected_version)
                error = raised.value
                assert (error.kind, error.id) == (kind.name, original.id)
                assert (error.expected_version, error.actual_version) == (expected_version, 2)
                versioned = records.get_versioned(original.id)
                assert versioned.version == 2
                _assert_same(versioned.record, changed)
            assert records.update(stale, expected_version=2) == 3
            _assert_same(records.get(original.id), stale)
            with pytest.raises(ValidationError):
                records.update(stale, expected_version=0)

        strategy = record_strategy(kind)
        self._check(check, strategy, strategy, strategy)

    @_kinds
    def test_add_many_is_all_or_nothing(self, store: Store, kind: RecordKind[Any, Any]) -> None:
        fresh = _Fresh()
        records = records_of(store, kind)

        def check(drawn: list[Any], position: int) -> None:
            existing = fresh.record(kind, drawn[0])
            records.add(existing)
            before = records.count()
            batch = [fresh.record(kind, record) for record in drawn[1:]]
            duplicate = fresh.record(kind, drawn[0], record_id=existing.id)
            for bad_batch in (
                [*batch[:position], duplicate, *batch[position:]],  # clashes with the store
                [*batch, batch[position % len(batch)]],  # clashes within the batch
            ):
                with pytest.raises(DuplicateError):
                    records.add_many(bad_batch)
                assert records.count() == before
                for record in batch:
                    assert record.id not in records, "part of a refused batch was written"
            assert records.add_many(batch) == len(batch)
            assert records.count() == before + len(batch)
            assert records.add_many([]) == 0

        self._check(
            check,
            st.lists(record_strategy(kind), min_size=2, max_size=5),
            st.integers(min_value=0, max_value=4),
        )

    @_kinds
    def test_list_orders_by_id_in_code_point_order_and_pages(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        def check(drawn: list[Any], texts: list[str]) -> None:
            fresh = _Fresh()
            batch = [
                fresh.record(kind, record, record_id=kind.id_type(text))
                for record, text in zip(drawn, texts, strict=False)
            ]
            expected = _by_id(batch)
            with _rolled_back(store) as tx:
                records = records_of(tx, kind)
                assert records.count() == 0, "an earlier transaction was not rolled back"
                records.add_many(batch)
                _assert_same_list(records.list(limit=MAX_PAGE), expected)
                _assert_same_list(records.list(), expected[:100])
                assert records.count() == len(batch)
                for limit in (1, 2, 3):
                    pages = [
                        records.list(limit=limit, offset=offset)
                        for offset in range(0, len(batch) + limit, limit)
                    ]
                    assert all(len(page) <= limit for page in pages)
                    _assert_same_list([r for page in pages for r in page], expected)
                for offset in (len(batch), len(batch) + 5, 10**6):
                    assert records.list(offset=offset) == []

        self._check(
            check,
            st.lists(record_strategy(kind), min_size=1, max_size=8),
            st.lists(_ORDERING_IDS, min_size=8, max_size=8, unique=True),
        )

    @_filtered_kinds
    def test_every_filter_of_the_kind_selects_exactly_the_matching_records(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        attributes = _FILTER_ATTRIBUTES.get(kind.name, {})

        def share(record: Any, data: st.DataObject) -> Any:
            for field, attribute in attributes.items():
                if data.draw(st.booleans()):
                    value = data.draw(st.sampled_from(_SHARED[field]))
                    try:
                        record = attrs.evolve(record, **{attribute: value})
                    except ValidationError:  # e.g. a guarantor cannot be its own borrower
                        continue
            return record

        def queries(record: Any) -> list[Query]:
            index = kind.index(record)
            found: list[Query] = []
            exact: dict[str, Any] = {}
            for field in sorted(kind.filters - {"since", "until"}):
                value = getattr(index, field)
                if value is not None:
                    exact[field] = value
                    found.append(Query(**{field: value}))
                found.extend(Query(**{field: shared}) for shared in _SHARED[field][:3])
            if "since" in kind.filters and index.day is not None:
                day = index.day
                found += [
                    Query(since=day),
                    Query(until=day),
                    Query(since=day, until=day),
                    Query(since=day + dt.timedelta(days=1)),
                    Query(until=day - dt.timedelta(days=1)),
                ]
                exact.update(since=day, until=day)
            if exact:
                found.append(Query(**exact))
            return found

        def check(drawn: list[Any], data: st.DataObject) -> None:
            fresh = _Fresh()
            batch = [share(fresh.record(kind, record), data) for record in drawn]
            by_id = _by_id(batch)
            with _rolled_back(store) as tx:
                records = records_of(tx, kind)
                assert records.count() == 0, "an earlier transaction was not rolled back"
                records.add_many(batch)
                for record in batch[:3]:
                    for query in queries(record):
                        given_fields = query.given()
                        expected = [r for r in by_id if _index_matches(kind.index(r), given_fields)]
                        got = records.list(query, limit=MAX_PAGE)
                        _assert_same_list(got, expected)
                        assert records.count(query) == len(expected), query
                        if len(expected) > 1:
                            _assert_same_list(records.list(query, limit=1, offset=1), expected[1:2])

        self._check(check, st.lists(record_strategy(kind), min_size=1, max_size=6), st.data())

    @_kinds
    def test_filters_the_kind_does_not_have_and_bad_pages_are_refused(
        self, store: Store, kind: RecordKind[Any, Any]
    ) -> None:
        records = records_of(store, kind)
        for field, value in _QUERY_SAMPLES.items():
            query = Query(**{field: value})
            if field in kind.filters:
                assert records.count(query) == 0
                assert records.list(query) == []
                continue
            for call in (records.list, records.count):
                with pytest.raises(ValidationError) as raised:
                    call(query)
                assert raised.value.field == "query"
        _check_bad_pages(records)

    # ---------------------------------------------------------- enterprises

    def test_an_enterprise_credit_code_is_unique(self, store: Store) -> None:
        code, other_code = _credit_code(1), _credit_code(2)
        first = _enterprise("e-1", credit_code=code)
        store.enterprises.add(first)
        clash = _enterprise("e-2", credit_code=code)
        with pytest.raises(DuplicateError):
            store.enterprises.add(clash)
        assert clash.id not in store.enterprises
        # Enterprises without a credit code do not clash with one another.
        store.enterprises.add_many([_enterprise("e-3"), _enterprise("e-4")])
        # Updating to a code in use is refused and writes nothing.
        with pytest.raises(DuplicateError):
            store.enterprises.update(
                attrs.evolve(_enterprise("e-3"), credit_code=code), expected_version=1
            )
        assert store.enterprises.get_versioned(EnterpriseId("e-3")).version == 1
        assert store.enterprises.get(EnterpriseId("e-3")).credit_code is None
        # A batch with a code in use, or the same code twice, is refused whole.
        for batch in (
            [_enterprise("e-5", credit_code=other_code), _enterprise("e-6", credit_code=code)],
            [
                _enterprise("e-5", credit_code=other_code),
                _enterprise("e-6", credit_code=other_code),
            ],
        ):
            with pytest.raises(DuplicateError):
                store.enterprises.add_many(batch)
            assert EnterpriseId("e-5") not in store.enterprises
            assert EnterpriseId("e-6") not in store.enterprises
        # Keeping one's own code is fine; giving it up frees it for another enterprise.
        assert store.enterprises.update(attrs.evolve(first, name="新名称"), expected_version=1) == 2
        assert (
            store.enterprises.update(
                attrs.evolve(first, credit_code=other_code), expected_version=2
            )
            == 3
        )
        store.enterprises.add(clash)
        assert store.enterprises.get(clash.id).credit_code == code
        assert store.enterprises.count() == 4

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

    def test_an_idempotency_key_makes_a_retry_write_nothing(self, store: Store) -> None:
        registered = _registered("p-1")
        for _ in range(2):  # the first save and its retry
            _assert_same(
                store.problems.save(registered, expected_version=0, idempotency_key="k-0"),
                registered,
            )
        assigned = _then(registered, _assign())
        for _ in range(2):
            saved = store.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            _assert_same(saved, assigned)
        at = assigned.transitions[-1].at + _HOUR
        started = store.problems.apply(
            registered.id, Start(), at=at, actor=_CLERK, idempotency_key="k-2"
        )
        retried = store.problems.apply(
            registered.id, Start(), at=at, actor=_CLERK, idempotency_key="k-2"
        )
        _assert_same(retried, started)
        assert store.problems.get(registered.id).version == 3
        # A retry after the problem moved on returns the problem as stored, writing nothing.
        _assert_same(
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1"), started
        )
        _assert_same(store.problems.get(registered.id), started)
        for key in ("'; DROP TABLE idempotency; --", "键\\'\"😀\u200d", "k" * 200):
            changed = _then(store.problems.get(registered.id), Escalate())
            current = changed.version - 1
            for _ in range(2):
                saved = store.problems.save(changed, expected_version=current, idempotency_key=key)
                _assert_same(saved, changed)
            assert store.problems.get(registered.id).version == changed.version

    def test_an_idempotency_key_belongs_to_one_problem(self, store: Store) -> None:
        first, second = _registered("p-1"), _registered("p-2")
        store.problems.save(first, expected_version=0, idempotency_key="k-1")
        store.problems.add(second)
        writes: list[Callable[[], object]] = [
            lambda: store.problems.save(
                _then(second, _assign()), expected_version=1, idempotency_key="k-1"
            ),
            lambda: store.problems.apply(
                second.id, _assign(), at=_T0 + _HOUR, actor=_CLERK, idempotency_key="k-1"
            ),
        ]
        for write in writes:
            with pytest.raises(ValidationError) as raised:
                write()
            assert raised.value.field == "idempotency_key"
            _assert_same(store.problems.get(second.id), second)

    def test_a_rolled_back_save_forgets_its_idempotency_key(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)
        assigned = _then(registered, _assign())
        with pytest.raises(_RollBack), store.transaction() as tx:  # noqa: PT012
            tx.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            raise _RollBack
        _assert_same(store.problems.get(registered.id), registered)
        # The retry after the failure does the work, once.
        for _ in range(2):
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1")
        _assert_same(store.problems.get(registered.id), assigned)

    def test_one_of_two_racing_saves_wins_and_the_other_conflicts(self, store: Store) -> None:
        registered = _registered("p-1")
        store.problems.add(registered)
        variants = [_then(registered, _assign(f"d-{n}")) for n in range(4)]
        results = _race(
            [functools.partial(store.problems.save, v, expected_version=1) for v in variants]
        )
        winners = [r for r in results if isinstance(r, Problem)]
        losers = [r for r in results if not isinstance(r, Problem)]
        assert len(winners) == 1, f"one save must win, got {results!r}"
        for loser in losers:
            assert isinstance(loser, ConflictError), f"expected a ConflictError, got {loser!r}"
            assert (loser.id, loser.expected_version, loser.actual_version) == ("p-1", 1, 2)
        _assert_same(store.problems.get(registered.id), winners[0])

    def test_one_of_two_racing_updates_wins_and_the_other_conflicts(self, store: Store) -> None:
        store.regions.add(_region("r-1"))
        variants = [_region("r-1", name=f"名称{n}") for n in range(4)]
        results = _race(
            [functools.partial(store.regions.update, v, expected_version=1) for v in variants]
        )
        assert results.count(2) == 1, f"one update must win, got {results!r}"
        winner = variants[results.index(2)]
        for loser in (r for r in results if r != 2):
            assert isinstance(loser, ConflictError), f"expected a ConflictError, got {loser!r}"
            assert (loser.expected_version, loser.actual_version) == (1, 2)
        _assert_same(store.regions.get(RegionId("r-1")), winner)
        assert store.regions.get_versioned(RegionId("r-1")).version == 2

    def test_racing_saves_of_different_problems_all_succeed(self, store: Store) -> None:
        problems = [_registered(f"p-{n}") for n in range(4)]
        store.problems.add_many(problems)
        changed = [_then(problem, _assign()) for problem in problems]
        results = _race(
            [functools.partial(store.problems.save, p, expected_version=1) for p in changed]
        )
        assert all(isinstance(result, Problem) for result in results), results
        for problem in changed:
            _assert_same(store.problems.get(problem.id), problem)

    def test_racing_applies_never_repeat_a_sequence_number(self, store: Store) -> None:
        assigned = _then(_registered("p-1"), _assign())
        store.problems.add(assigned)
        at = assigned.transitions[-1].at + _HOUR
        results = _race(
            [
                functools.partial(
                    store.problems.apply,
                    assigned.id,
                    Reassign(lead_department_id=DepartmentId(f"d-{n}")),
                    at=at,
                    actor=_CLERK,
                )
                for n in range(2, 6)
            ]
        )
        done = [r for r in results if isinstance(r, Problem)]
        assert all(isinstance(r, Problem | ConflictError) for r in results), results
        stored = store.problems.get(assigned.id)
        assert stored.version == assigned.version + len(done)
        assert [t.sequence for t in stored.transitions] == list(range(1, stored.version + 1))

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

    # ---------------------------------------------------------- transactions

    def test_a_transaction_commits_when_the_block_succeeds(self, store: Store) -> None:
        store.regions.add(_region("r-0"))
        problem = _registered("p-1")
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            tx.enterprises.add(_enterprise("e-1", credit_code=_credit_code(1)))
            tx.regions.update(_region("r-0", name="改名"), expected_version=1)
            tx.problems.save(problem, expected_version=0, idempotency_key="k-1")
            tx.problems.apply(problem.id, _assign(), at=_T0 + _HOUR, actor=_CLERK)
            # Reads inside the transaction see its own writes.
            assert RegionId("r-1") in tx.regions
            assert tx.regions.count() == 2
            assert tx.problems.get(problem.id).version == 2
            assert [p.id for p in tx.problems.list(Query(state=ProblemState.ASSIGNED))] == ["p-1"]
        assert store.regions.get(RegionId("r-0")).name == "改名"
        assert store.regions.get_versioned(RegionId("r-0")).version == 2
        assert RegionId("r-1") in store.regions
        assert EnterpriseId("e-1") in store.enterprises
        assert store.problems.get(problem.id).version == 2
        # The key was kept: its retry writes nothing and returns the stored problem.
        retried = store.problems.save(problem, expected_version=0, idempotency_key="k-1")
        assert retried.version == 2

    @pytest.mark.parametrize(
        "failure",
        ["exception", "base exception", "storage error", "validation error"],
    )
    def test_a_transaction_rolls_back_everything_on_any_exception(
        self, store: Store, failure: str
    ) -> None:
        store.regions.add(_region("r-0"))
        stored = _registered("p-0")
        store.problems.add(stored)
        before = _then(stored, _assign())
        new_problem = _registered("p-1")

        class Failure(BaseException):
            pass

        raised: type[BaseException] = {
            "exception": RuntimeError,
            "base exception": Failure,
            "storage error": DuplicateError,
            "validation error": ValidationError,
        }[failure]
        with pytest.raises(raised), store.transaction() as tx:  # noqa: PT012
            tx.regions.add(_region("r-1"))
            tx.regions.update(_region("r-0", name="改名"), expected_version=1)
            tx.enterprises.add_many([_enterprise("e-1", credit_code=_credit_code(1))])
            tx.problems.add(new_problem)
            tx.problems.save(before, expected_version=1, idempotency_key="k-1")
            tx.problems.apply(stored.id, Start(), at=_T0 + 3 * _HOUR, actor=_CLERK)
            if failure == "exception":
                raise RuntimeError
            if failure == "base exception":
                raise Failure
            if failure == "storage error":
                tx.regions.add(_region("r-0"))  # a duplicate: the store itself raises
            tx.regions.list(limit=0)  # a bad page: the collection raises
        assert RegionId("r-1") not in store.regions
        _assert_same(store.regions.get(RegionId("r-0")), _region("r-0"))
        assert store.regions.get_versioned(RegionId("r-0")).version == 1
        assert EnterpriseId("e-1") not in store.enterprises
        assert store.enterprises.count() == 0
        # The credit code was released with the rolled-back enterprise.
        store.enterprises.add(_enterprise("e-2", credit_code=_credit_code(1)))
        assert new_problem.id not in store.problems
        _assert_same(store.problems.get(stored.id), stored)
        # The key was forgotten: its retry writes.
        _assert_same(store.problems.save(before, expected_version=1, idempotency_key="k-1"), before)
        _assert_same(store.problems.get(stored.id), before)
        # The store is usable after a rollback.
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
        assert RegionId("r-1") in store.regions

    def test_a_batch_in_a_transaction_is_rolled_back_with_it(self, store: Store) -> None:
        with pytest.raises(DuplicateError), store.transaction() as tx:  # noqa: PT012
            tx.regions.add_many([_region("r-1"), _region("r-2")])
            tx.problems.add_many([_registered("p-1"), _registered("p-2")])
            tx.problems.add_many([_registered("p-3"), _registered("p-1")])
        assert store.regions.count() == 0
        assert store.problems.count() == 0

    def test_a_write_that_fails_in_a_transaction_leaves_nothing_and_it_goes_on(
        self, store: Store
    ) -> None:
        code = _credit_code(1)
        store.regions.add(_region("r-0"))
        registered = _registered("p-0")
        store.problems.add(registered)
        assigned = _then(registered, _assign())
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            with pytest.raises(DuplicateError):
                tx.regions.add_many([_region("r-2"), _region("r-0")])
            assert RegionId("r-2") not in tx.regions
            with pytest.raises(ConflictError):
                tx.regions.update(_region("r-0", name="改名"), expected_version=2)
            with pytest.raises(DuplicateError):
                tx.enterprises.add_many(
                    [_enterprise("e-1", credit_code=code), _enterprise("e-2", credit_code=code)]
                )
            assert tx.enterprises.count() == 0
            tx.problems.save(assigned, expected_version=1, idempotency_key="k-1")
            with pytest.raises(ConflictError):
                tx.problems.save(_then(registered, Reject(reason="重复")), expected_version=1)
            with pytest.raises(IllegalTransitionError):
                tx.problems.apply(registered.id, Close(), at=_T0 + 3 * _HOUR, actor=_CLERK)
            with pytest.raises(DuplicateError):
                tx.problems.add_many([_registered("p-1"), _registered("p-0")])
            assert ProblemId("p-1") not in tx.problems
            tx.regions.add(_region("r-3"))
            tx.enterprises.add(_enterprise("e-3", credit_code=code))  # the code is still free
        assert [r.id for r in store.regions.list()] == ["r-0", "r-1", "r-3"]
        _assert_same(store.regions.get(RegionId("r-0")), _region("r-0"))
        assert store.regions.get_versioned(RegionId("r-0")).version == 1
        assert [e.id for e in store.enterprises.list()] == ["e-3"]
        _assert_same(store.problems.get(registered.id), assigned)
        assert [p.id for p in store.problems.list()] == ["p-0"]
        # The save's key was kept with it.
        _assert_same(
            store.problems.save(assigned, expected_version=1, idempotency_key="k-1"), assigned
        )

    def test_a_nested_transaction_is_refused(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.regions.add(_region("r-1"))
            with pytest.raises(StorageError), store.transaction():
                pass  # pragma: no cover - refused before the block runs
            with pytest.raises(StorageError):
                store.regions.add(_region("r-2"))  # the store's own collections open one too
            tx.regions.add(_region("r-3"))
        assert [r.id for r in store.regions.list()] == ["r-1", "r-3"]

    def test_the_store_collections_commit_call_by_call(self, store: Store) -> None:
        store.regions.add(_region("r-1"))
        with pytest.raises(DuplicateError):
            store.regions.add_many([_region("r-2"), _region("r-1")])
        store.problems.add(_registered("p-1"))
        with store.transaction() as tx:
            assert [r.id for r in tx.regions.list()] == ["r-1"]
            assert ProblemId("p-1") in tx.problems
        with pytest.raises(_RollBack), store.transaction() as tx:  # noqa: PT012
            tx.regions.add(_region("r-3"))
            raise _RollBack
        assert [r.id for r in store.regions.list()] == ["r-1"]

    # ---------------------------------------------------------- hostile text

    def test_hostile_names_round_trip_exactly(self, store: Store) -> None:
        failures: list[str] = []
        for n, text in enumerate(HOSTILE_NAMES):
            where = RegionId(f"hostile-{n}")
            actor = Actor(kind=ActorKind.LEADER, id=text[:128], name=text)
            problem = _then(
                _registered(f"p-{n}", title=text, actor=actor, region_id=where),
                _assign(),
                Start(),
                Suspend(reason=text),
            )
            store.enterprises.add(
                _enterprise(f"e-{n}", name=text, industry=text[:100], region_id=where)
            )
            store.regions.add(_region(f"r-{n}", name=text, parent_id=where))
            store.leaders.add(
                Leader(id=LeaderId(f"l-{n}"), name=text[:50], post=text, region_id=where)
            )
            store.problems.add(problem)
            by_place = Query(region_id=where)
            got = store.problems.get(problem.id)
            listed = store.problems.list(by_place)
            kept = {
                "enterprise name": store.enterprises.get(EnterpriseId(f"e-{n}")).name == text,
                "listed enterprise industry": [e.industry for e in store.enterprises.list(by_place)]
                == [text[:100]],
                "region name": store.regions.get(RegionId(f"r-{n}")).name == text,
                "listed region name": [r.name for r in store.regions.list(by_place)] == [text],
                "leader name and post": [(x.name, x.post) for x in store.leaders.list(by_place)]
                == [(text[:50], text)],
                "problem title": got.title == text,
                "actor id and name": (got.transitions[0].actor.id, got.transitions[0].actor.name)
                == (text[:128], text),
                "suspension reason": got.transitions[-1].data == Suspend(reason=text),
                "listed problem": comparable(listed) == comparable([problem]),
            }
            failures += [f"#{n} {text!r:.60}: {what}" for what, ok in kept.items() if not ok]
        assert not failures, "names not kept exactly:\n" + "\n".join(failures)

    def test_hostile_free_text_round_trips_exactly(self, store: Store) -> None:
        failures: list[str] = []
        for n, text in enumerate(HOSTILE_TEXTS):
            visit = attrs.evolve(_visit(f"v-{n}", notes=text), campaign_id=CampaignId(f"c-{n}"))
            where = RegionId(f"hostile-{n}")
            problem = _then(
                _registered(f"p-{n}", description=text, note=text, region_id=where),
                _assign(),
                note=text,
            )
            store.visits.add(visit)
            store.problems.add(problem)
            got = store.problems.get(problem.id)
            listed_visits = store.visits.list(Query(campaign_id=CampaignId(f"c-{n}")))
            kept = {
                "visit notes": store.visits.get(visit.id).notes == text,
                "listed visit notes": [v.notes for v in listed_visits] == [text],
                "problem description": got.description == text,
                "transition notes": [t.note for t in got.transitions] == [text, text],
                "problem, byte for byte": comparable(got) == comparable(problem),
                "listed problem": comparable(store.problems.list(Query(region_id=where)))
                == comparable([problem]),
            }
            failures += [f"#{n} {text!r:.60}: {what}" for what, ok in kept.items() if not ok]
        assert not failures, "free text not kept exactly:\n" + "\n".join(failures)

    @pytest.mark.parametrize("text", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
    def test_hostile_ids_round_trip_and_match_exactly(self, store: Store, text: str) -> None:
        look_alikes = ["a-", "aX", "a", "ABC", "abcd", text.swapcase(), text[:120] + "x"]
        look_alikes = [other for other in look_alikes if other != text]
        region = _region(text)
        store.regions.add(region)
        store.regions.add(_region("child", parent_id=text))
        store.regions.add_many(
            _region(f"child-{n}", parent_id=other) for n, other in enumerate(look_alikes)
        )
        store.enterprises.add(_enterprise(text, region_id=text))
        store.enterprises.add_many(
            _enterprise(f"e-{n}", region_id=other) for n, other in enumerate(look_alikes)
        )
        store.problems.add(_registered(text, region_id=text, enterprise_id=text))
        store.problems.add_many(
            _registered(f"p-{n}", enterprise_id=other) for n, other in enumerate(look_alikes)
        )
        _assert_same(store.regions.get(RegionId(text)), region)
        assert RegionId(text) in store.regions
        assert [r.id for r in store.regions.list(Query(region_id=RegionId(text)))] == ["child"]
        assert [e.id for e in store.enterprises.list(Query(region_id=RegionId(text)))] == [text]
        by_enterprise = store.problems.list(Query(enterprise_id=EnterpriseId(text)))
        assert [p.id for p in by_enterprise] == [text]
        assert store.problems.get(ProblemId(text)).id == text
        assert ProblemId(text) in store.problems
        missing = text[:120] + "'"
        with pytest.raises(NotFoundError) as raised:
            store.regions.get(RegionId(missing))
        assert raised.value.id == missing
        swapped = text.swapcase()
        if swapped != text:
            assert RegionId(swapped) not in store.regions, "ids are matched case-sensitively"

    def test_random_text_round_trips_exactly(self, store: Store) -> None:
        fresh = _Fresh()
        single_line = st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"])
        names = st.text(single_line, min_size=1, max_size=200).filter(lambda s: bool(s.strip()))
        texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))

        def check(name: str, text: str) -> None:
            number = fresh.number()
            enterprise = _enterprise(f"e-{number}", name=name)
            visit = _visit(f"v-{number}", notes=text)
            problem = _registered(f"p-{number}", title=name, description=text, note=text)
            store.enterprises.add(enterprise)
            store.visits.add(visit)
            store.problems.add(problem)
            assert store.enterprises.get(enterprise.id).name == name
            assert store.visits.get(visit.id).notes == text
            _assert_same(store.problems.get(problem.id), problem)

        self._check(check, names, texts)

    def test_very_long_texts_round_trip_exactly(self, store: Store) -> None:
        long_text = ("进企业解难题'\";--\\\x01\x1f😀\u200d\r\n" * 8000)[:100_000]
        assert len(long_text) == 100_000
        store.visits.add(_visit("v-1", notes=long_text))
        problem = _then(
            _registered("p-1", title="长" * 200, description=long_text, note=long_text),
            Reject(reason=long_text),
            note=long_text,
        )
        store.problems.add(problem)
        assert store.visits.get(VisitId("v-1")).notes == long_text
        stored = store.problems.get(problem.id)
        assert stored.description == long_text
        assert stored.title == "长" * 200
        assert [t.note for t in stored.transitions] == [long_text, long_text]
        _assert_same(stored, problem)

    # ---------------------------------------------------------- volume

    def test_a_thousand_records_go_in_one_add_many(self, store: Store) -> None:
        enterprises = [
            _enterprise(
                f"e-{n:04d}",
                region_id="r-1" if n % 2 else "r-2",
                credit_code=_credit_code(n) if n % 3 else None,
                name=f"企业{n}'\\",
            )
            for n in range(1000)
        ]
        assert store.enterprises.add_many(reversed(enterprises)) == 1000
        assert store.enterprises.count() == 1000
        _assert_same_list(store.enterprises.list(limit=MAX_PAGE), enterprises)
        pages = [store.enterprises.list(limit=300, offset=offset) for offset in range(0, 1000, 300)]
        assert [len(page) for page in pages] == [300, 300, 300, 100]
        _assert_same_list([e for page in pages for e in page], enterprises)
        assert store.enterprises.count(Query(region_id=RegionId("r-1"))) == 500
        problems = [
            _then(_registered(f"p-{n:03d}", region_id=f"r-{n % 3}"), _assign()) for n in range(200)
        ]
        assert store.problems.add_many(problems) == 200
        assert store.problems.count() == 200
        assert store.problems.count(Query(region_id=RegionId("r-0"))) == 67
        _assert_same_list(store.problems.list(limit=MAX_PAGE), problems)

    def test_a_large_batch_of_problems_goes_in_whole_or_not_at_all(self, store: Store) -> None:
        # Large enough that a store may write it in chunks (the SQL stores do, building
        # one chunk's rows while writing another's): all of it, or nothing.
        problems = [
            _then(_registered(f"p-{n:05d}", region_id=f"r-{n % 3}"), _assign()) for n in range(4500)
        ]
        head = store.head()
        with pytest.raises(DuplicateError):
            store.problems.add_many([*problems, problems[10]])  # the last one is a repeat
        assert store.problems.count() == 0
        assert store.head() == head
        assert store.problems.add_many(problems) == 4500
        assert store.problems.count(Query(region_id=RegionId("r-2"))) == 1500
        _assert_same_list(store.problems.list(limit=MAX_PAGE, offset=4000), problems[4000:])
        assert verify(store).ok

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
                        last = dt.datetime.combine(problem.deadline, dt.time.max, tzinfo=CHINA_TZ)
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
                at = _T0 + _HOUR
                target.problems.apply(first.id, _assign(), at=at, actor=_CLERK)
                target.problems.apply(first.id, Start(), at=at + _HOUR, actor=_CLERK)
                with pytest.raises(ConflictError):  # a stale version: nothing written
                    target.problems.apply(
                        first.id, Escalate(), at=at + 2 * _HOUR, actor=_CLERK, expected_version=2
                    )
                with pytest.raises(IllegalTransitionError):  # refused: nothing written
                    target.problems.apply(second.id, Close(), at=at, actor=_CLERK)
                with pytest.raises(RuntimeError), target.transaction() as tx:  # noqa: PT012
                    tx.problems.apply(second.id, _assign(), at=at, actor=_CLERK)
                    tx.problems.apply(
                        first.id, Suspend(reason="等待批复"), at=at + 3 * _HOUR, actor=_CLERK
                    )
                    message = "a failure after two writes: the batch is rolled back"
                    raise RuntimeError(message)
                target.problems.apply(
                    first.id, Resolve(summary="已协调解决"), at=at + 4 * _HOUR, actor=_CLERK
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
        assigned_at = dt.datetime.combine(assigned_on, dt.time(9), tzinfo=CHINA_TZ)
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
        as_of = dt.datetime.combine(festival + dt.timedelta(days=20), dt.time(18), tzinfo=CHINA_TZ)
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

        def on(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(9), tzinfo=CHINA_TZ)

        problem = _registered("p-notice-pause", at=on(dt.date(year - 1, 11, 2)))
        given = Assign(lead_department_id=DepartmentId("d-1"), deadline=dt.date(year - 1, 12, 1))
        problem = problem.apply(given, at=on(dt.date(year - 1, 11, 2)) + _HOUR, actor=_CLERK)
        problem = problem.apply(Start(), at=on(dt.date(year - 1, 11, 3)), actor=_CLERK)
        problem = problem.apply(
            Suspend(reason="等待"), at=on(dt.date(year - 1, 12, 28)), actor=_CLERK
        )
        resumed_on = first_saturday + dt.timedelta(days=2)
        problem = problem.apply(Resume(), at=on(resumed_on), actor=_CLERK)
        store.problems.add(problem)
        assert problem.deadline is not None
        assert problem.deadline.year == year - 1
        change = store.holiday_notices.add(notice, actor=_CLERK)
        assert [move.problem_id for move in change.moved] == [str(problem.id)]
        recounted = store.problems.get(problem.id)
        assert recounted.deadline == china_calendar().with_notice(notice).add_working_days(
            problem.deadline, 1
        )

    def test_late_entries_still_follow_a_recount(self, store: Store) -> None:
        year = china_calendar().provisional_years[0]
        festival = min(d for d, name in statutory_holidays(year).items() if "春节" in name)
        assigned_on = china_calendar().add_working_days(festival, -5)
        problem = _registered(
            "p-notice-late", at=dt.datetime.combine(assigned_on, dt.time(8), tzinfo=CHINA_TZ)
        )
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        assigned_at = dt.datetime.combine(assigned_on, dt.time(9), tzinfo=CHINA_TZ)
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
        problem = _registered(
            "p-notice-local", at=dt.datetime.combine(assigned_on, dt.time(8), tzinfo=CHINA_TZ)
        )
        store.problems.add(problem)
        assign = Assign(lead_department_id=DepartmentId("d-1"), working_days=15)
        at = dt.datetime.combine(assigned_on, dt.time(9), tzinfo=CHINA_TZ)
        store.problems.apply(problem.id, assign, at=at, actor=_CLERK, rules=rules)
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

    # ---------------------------------------------------------- the hash chain and audit trail

    def test_every_write_is_chained_audited_and_verifies(self, store: Store) -> None:
        finance = [kind for kind in KINDS if kind.name in FINANCE_KINDS]
        assert verify(store).ok
        assert store.head() == Checkpoint(seq=0, digest=GENESIS)
        fresh = _Fresh("chain")
        problem = _registered("p-chain")
        store.problems.add(problem)  # 1 transition + 1 audit entry
        store.problems.apply(problem.id, _assign(), at=_T0 + _HOUR, actor=_CLERK)  # 1 + 1
        store.problems.add_many([_registered("p-chain-2"), _registered("p-chain-3")])  # 2 + 1
        expected = 7
        drawn = st.tuples(*(record_strategy(kind) for kind in finance))

        def check(values: tuple[Any, ...]) -> None:
            nonlocal expected
            for kind, value in zip(finance, values, strict=True):
                record = fresh.record(kind, value)
                records = records_of(store, kind)
                records.add(record)
                records.update(record, expected_version=1)
                expected += 4  # two versions, two audit entries

        self._check(check, drawn)
        store.regions.add(_region("r-chain"))  # not a finance record: its audit entry only
        expected += 1
        head = store.head()
        assert head.seq == expected
        report = verify(store)
        assert report.ok, report.finding
        assert report.head == head
        assert verify(store, head).ok
        assert store.audit.count() == 3 + (expected - 7 - 1) // 2 + 1
        first = store.audit.list(limit=1)[0]
        assert (first.actor, first.action, first.object_id) == (_CLERK, "register", "p-chain")
        assert first.outcome is AuditOutcome.OK
        assert Checkpoint.from_json(head.to_json()) == head

    def test_the_chain_lists_entries_in_the_order_they_were_written(self, store: Store) -> None:
        problem = _then(_registered("p-order"), _assign())
        store.problems.add(problem)
        links = store.read(lambda session: list(session.chain_links()))
        assert [(link.seq, link.kind, link.key) for link in links] == [
            (1, "transition", "p-order#1"),
            (2, "transition", "p-order#2"),
            (3, "audit", "3"),
            (4, "audit", "4"),
        ]
        assert links[-1].digest == store.head().digest

    def test_a_rolled_back_write_leaves_chain_and_audit_as_they_were(self, store: Store) -> None:
        store.problems.add(_registered("p-kept"))
        before, entries = store.head(), store.audit.count()
        with _rolled_back(store) as tx:
            tx.problems.add(_registered("p-gone"))
            tx.bridge_funds.add(fresh_bridge_fund())
            assert tx.audit.count() == entries + 2
        with pytest.raises(DuplicateError):
            store.problems.add(_registered("p-kept"))
        assert store.head() == before
        assert store.audit.count() == entries
        assert verify(store, before).ok

    def test_a_checkpoint_taken_earlier_still_verifies_later(self, store: Store) -> None:
        store.problems.add(_registered("p-early"))
        early = store.checkpoint()
        store.problems.apply(ProblemId("p-early"), _assign(), at=_T0 + _HOUR, actor=_CLERK)
        assert verify(store, early).ok
        assert verify(store, store.checkpoint()).ok
        later = Checkpoint(seq=store.head().seq + 1, digest=GENESIS)
        finding = verify(store, later).finding
        assert finding is not None
        assert finding.seq == later.seq
        forged = Checkpoint(seq=early.seq, digest="f" * 64)
        finding = verify(store, forged).finding
        assert finding is not None
        assert finding.seq == early.seq

    def test_racing_writers_keep_one_unbroken_chain(self, store: Store) -> None:
        problems = [_registered(f"p-race-{n}") for n in range(4)]
        store.problems.add_many(problems)
        changed = [_then(problem, _assign()) for problem in problems]
        funds = [fresh_bridge_fund() for _ in range(4)]
        results = _race(
            [functools.partial(store.problems.save, p, expected_version=1) for p in changed]
            + [functools.partial(store.bridge_funds.add, fund) for fund in funds]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        report = verify(store)
        assert report.ok, report.finding
        assert report.entries == 4 + 1 + 4 * 2 + 4 * 2


def _check_filters_follow(
    records: Records[Any, Any], kind: RecordKind[Any, Any], old: Any, new: Any
) -> None:
    """After ``old`` was replaced by ``new``, filters find it by its new values only."""
    old_index, new_index = kind.index(old), kind.index(new)
    for field in sorted(kind.filters - {"since", "until"}):
        for index, should_find in ((new_index, True), (old_index, False)):
            value = getattr(index, field)
            if value is None or (not should_find and value == getattr(new_index, field)):
                continue
            found = new.id in [r.id for r in records.list(Query(**{field: value}), limit=MAX_PAGE)]
            assert found == should_find, f"{field}={value!r} after an update: found={found}"
    if "since" in kind.filters:
        for index, should_find in ((new_index, True), (old_index, False)):
            day = index.day
            if day is None or (not should_find and day == new_index.day):
                continue
            query = Query(since=day, until=day)
            found = new.id in [r.id for r in records.list(query, limit=MAX_PAGE)]
            assert found == should_find, f"day {day} after an update: found={found}"


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
