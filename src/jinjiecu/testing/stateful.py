"""A Hypothesis state machine that checks stores agree with the in-memory reference store.

:class:`StoresAgree` drives a fresh :class:`~jinjiecu.storage.memory.MemoryStore`
(the model) and one or more other stores with the same random steps, and
asserts after every step that each store gave the same result as the model:
the same return value, or an exception of the same type with the same fields,
compared in wire form (see :func:`comparable`). After every step it also lists
every record and problem of every store and compares them.

Each run starts with a few records and problems, then takes random steps:

- records of a few kinds (regions, enterprises, visits, loan renewals,
  guarantee links) added one by one or in batches, with ids, linked ids and
  credit codes drawn from small pools of look-alikes (``r-1``, ``R-1``,
  ``r%``, ``r'3``), so that duplicates, case and wildcards all matter;
  optimistic updates with the right, a stale or a future version; ``get``,
  ``get_versioned``, ``in``, missing ids included;
- ``list`` and ``count`` with random filters (often values the records hold,
  dates a day either side), pages, refused filters and bad pages; and probes
  that filter by every value held;
- problems added, registered through ``save(expected_version=0)``, changed
  through ``problems.apply`` and ``problems.save`` (stale and future versions
  included), with idempotency keys from a small pool, so that retries and
  keys reused for another problem happen; earlier saves retried as they were;
- transactions of up to five such steps that commit, or roll back because a
  step failed or an exception was raised after the last one; or that carry on
  after a failed step (a write that fails leaves nothing behind).

Any store, in one line (in a test function)::

    from jinjiecu.testing.stateful import run_against_model

    def test_my_store_agrees_with_the_model(tmp_path):
        run_against_model(lambda: MyStore(tmp_path / f"{uuid.uuid4()}.db"))

``make_store`` is called once per Hypothesis example and must return a new,
empty store; the machine closes it at the end of the example. Several stores
at once, each against the model and so against one another::

    run_stores_agree({"sqlite": make_sqlite, "postgres": make_postgres})

or, as a ``unittest`` test case,
``TestAgree = StoresAgree.with_stores(sqlite=make_sqlite).TestCase``.

Pass ``settings=hypothesis.settings(...)`` to change the number of examples
or steps; the default (:func:`default_settings`) runs 25 examples of up to 40
steps, a few seconds on a local database. A failure names the first step at
which a store disagreed, with both results; Hypothesis then shrinks the run,
which can take minutes. Add ``phases=[Phase.explicit, Phase.reuse,
Phase.generate]`` to the settings to see the unshrunk run at once.

Requires the ``testing`` extra (Hypothesis). The helpers :func:`records_of`,
:func:`record_strategy`, :func:`renamed_problem` and :func:`comparable` are
shared with :mod:`jinjiecu.testing.conformance`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
import hypothesis
from hypothesis import HealthCheck, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jinjiecu.domain.clock import CHINA_TZ, local_date, now
from jinjiecu.domain.codes import CREDIT_CODE_ALPHABET, CreditCode, credit_code_check_character
from jinjiecu.domain.events import EventData, HandlingLevel, Scope, Start
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    EntityId,
    ProblemId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.problem import Actor, Problem, allowed_events
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import JinjiecuError
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.serialization import unstructure
from jinjiecu.storage.base import (
    KINDS,
    MAX_PAGE,
    PROBLEM_FILTERS,
    Query,
    RecordKind,
    Records,
    Store,
    Transaction,
    Versioned,
)
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.memory import MemoryStore
from jinjiecu.testing import strategies, strategies as finance

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "StoresAgree",
    "comparable",
    "default_settings",
    "record_strategy",
    "records_of",
    "renamed_problem",
    "run_against_model",
    "run_stores_agree",
]

T = TypeVar("T")

# ============================================================== shared helpers

_STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "campaign": strategies.campaigns,
    "region": strategies.regions,
    "department": strategies.departments,
    "leader": strategies.leaders,
    "work_group": strategies.work_groups,
    "office": strategies.campaign_offices,
    "enterprise": strategies.enterprises,
    "project": strategies.projects,
    "visit": strategies.visits,
    "debt_resolution": finance.debt_resolutions,
    "asset_disposal": finance.asset_disposals,
    "creditor_committee": finance.creditor_committees,
    "loan_renewal": finance.loan_renewals,
    "whitelist": finance.whitelists,
    "bridge_fund": finance.bridge_funds,
    "coordinated_financing": finance.coordinated_financings,
    "guarantee_link": finance.guarantee_links,
}


def record_strategy(kind: RecordKind[T, Any]) -> st.SearchStrategy[T]:
    """Valid records of ``kind``, from the public strategies.

    Raises ``KeyError`` for a kind this version of the testing module does not
    know (a kind added to :data:`~jinjiecu.storage.base.KINDS` without a strategy).
    """
    strategy: st.SearchStrategy[T] = _STRATEGIES[kind.name]()
    return strategy


def _no_run(_work: Callable[[Any], Any]) -> Any:  # pragma: no cover - never called
    message = "a probe transaction runs nothing"
    raise AssertionError(message)


# The attribute of a Transaction that holds each kind's collection, found once.
_COLLECTIONS: dict[str, str] = {
    value.kind.name: name
    for name, value in vars(Transaction(_no_run)).items()
    if isinstance(value, Records)
}


def records_of(target: Transaction, kind: RecordKind[T, Any]) -> Records[T, Any]:
    """The collection of ``kind`` on a store or a transaction (``store.enterprises`` ...)."""
    found: Records[T, Any] = getattr(target, _COLLECTIONS[kind.name])
    return found


def comparable(value: object) -> object:
    """A form of ``value`` in which equal means identical, to the byte.

    Records and problems become their wire form (:func:`jinjiecu.serialization.unstructure`):
    decimals keep their exponent, moments their UTC offset, text every code
    point. Errors become their type and fields. Lists, tuples and
    :class:`~jinjiecu.storage.base.Versioned` are compared element by element.
    """
    if isinstance(value, JinjiecuError):
        fields = {name: comparable(field) for name, field in sorted(vars(value).items())}
        return ("error", type(value).__name__, fields)
    if isinstance(value, Problem):
        return ("Problem", unstructure(value.transitions))
    if isinstance(value, Versioned):
        return ("Versioned", comparable(value.record), value.version)
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    if attrs.has(type(value)):
        return (type(value).__name__, unstructure(value))
    if isinstance(value, EntityId):
        return (type(value).__name__, str(value))
    return value


# ============================================================== steps as data

_KIND = {kind.name: kind for kind in KINDS}
_USED_KINDS = tuple(
    _KIND[name] for name in ("region", "enterprise", "visit", "loan_renewal", "guarantee_link")
)

# Small pools, so that ids collide; look-alikes that only an exact, case-sensitive,
# code-point comparison tells apart.
_REGION_POOL = tuple(RegionId(text) for text in ("r-1", "R-1", "r%", "r'3"))
_CAMPAIGN_POOL = tuple(CampaignId(text) for text in ("c-1", "C-1"))
_WORK_GROUP_POOL = tuple(WorkGroupId(text) for text in ("wg-1", "WG-1", "wg%"))
_ENTERPRISE_POOL = tuple(EnterpriseId(text) for text in ("e-1", "E-1", "e_1", "e%"))
_DEPARTMENT_POOL = tuple(DepartmentId(text) for text in ("d-1", "D-1"))
_PROBLEM_POOL = tuple(ProblemId(text) for text in ("p-1", "P-1", "p-2", "p'4"))
_KEYS = ("key-1", "KEY-1", "'; DROP TABLE idempotency; --")
_RECORD_IDS = ("1", "B", "a", "x'4")


def _credit_code(seed: str) -> CreditCode:
    digits = "".join(ch for ch in seed if ch in CREDIT_CODE_ALPHABET)
    first17 = ("91371400" + digits).ljust(17, "0")[:17]
    return CreditCode(first17 + credit_code_check_character(first17))


_CREDIT_POOL = (_credit_code("1"), _credit_code("2"))


_HOSTILE_NOTES = st.sampled_from(
    ["", "'; DROP TABLE records; --", "a\r\nb\rc\n", "\\'\"\x01\x1f\x7f", "👨‍👩‍👧 \u0378 \ufffe"]
)


def _pool_ids(kind: RecordKind[Any, Any]) -> list[Any]:
    stem = kind.name.replace("_", "-")
    return [kind.id_type(f"{stem}-{n}") for n in _RECORD_IDS]


def _pool_id(kind: RecordKind[Any, Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(_pool_ids(kind))


def _pooled(
    strategy: st.SearchStrategy[T], **pools: st.SearchStrategy[Any]
) -> st.SearchStrategy[T]:
    """Records of ``strategy`` with the attributes named in ``pools`` drawn from them.

    An attribute that is ``None`` in the drawn record stays ``None``.
    """

    def replace(record: Any, values: dict[str, Any]) -> Any:
        changes = {
            name: value
            for name, value in values.items()
            if name == "id" or getattr(record, name) is not None
        }
        return attrs.evolve(record, **changes)

    return st.builds(replace, strategy, st.fixed_dictionaries(pools))


def _machine_strategies() -> dict[str, st.SearchStrategy[Any]]:
    """Records of each kind the machine uses, ids and linked ids from the pools (built once)."""
    regions, enterprises = st.sampled_from(_REGION_POOL), st.sampled_from(_ENTERPRISE_POOL)
    kinds = {kind.name: kind for kind in _USED_KINDS}
    return {
        "region": _pooled(
            strategies.regions(),
            id=_pool_id(kinds["region"]),
            parent_id=st.none() | regions,
        ).map(lambda region: attrs.evolve(region, parent_id=_not_itself(region))),
        "enterprise": _pooled(
            strategies.enterprises(),
            id=_pool_id(kinds["enterprise"]),
            region_id=regions,
            credit_code=st.sampled_from(_CREDIT_POOL),
        ),
        "visit": _pooled(
            strategies.visits(),
            id=_pool_id(kinds["visit"]),
            campaign_id=st.sampled_from(_CAMPAIGN_POOL),
            work_group_id=st.sampled_from(_WORK_GROUP_POOL),
            enterprise_id=enterprises,
            notes=_HOSTILE_NOTES | strategies.free_texts(40),
        ),
        "loan_renewal": _pooled(
            finance.loan_renewals(enterprise_ids=_ENTERPRISE_POOL),
            id=_pool_id(kinds["loan_renewal"]),
        ),
        "guarantee_link": finance.guarantee_links(
            _ENTERPRISE_POOL, link_ids=_pool_id(kinds["guarantee_link"])
        ),
    }


def _not_itself(region: Any) -> Any:
    return None if region.parent_id == region.id else region.parent_id


_MACHINE_RECORDS = _machine_strategies()


_DATES = st.dates(min_value=dt.date(2018, 12, 25), max_value=dt.date(2022, 12, 31))
_QUERY_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "region_id": st.sampled_from(_REGION_POOL),
    "campaign_id": st.sampled_from(_CAMPAIGN_POOL),
    "work_group_id": st.sampled_from(_WORK_GROUP_POOL),
    "enterprise_id": st.sampled_from(_ENTERPRISE_POOL),
    "since": _DATES,
    "until": _DATES,
    "state": st.sampled_from(ProblemState),
    "category": st.sampled_from([category.code for category in DEFAULT_TAXONOMY]),
    "scope": st.sampled_from(Scope),
    "level": st.sampled_from(HandlingLevel),
    "department_id": st.sampled_from(_DEPARTMENT_POOL),
}


@st.composite
def _queries(draw: st.DrawFn, allowed: frozenset[str], seen: Mapping[str, Sequence[Any]]) -> Query:
    """Queries on ``allowed`` fields; now and then one with a field the kind refuses.

    Values are often ones ``seen`` in the model (its records' own values, and
    the days around their dates), so that filters select something.
    """
    given: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(allowed)), max_size=2, unique=True)):
        known = seen.get("day" if name in ("since", "until") else name, ())
        use_known: bool = draw(st.booleans())
        if known and use_known:
            value = draw(st.sampled_from(known))
            if name in ("since", "until"):
                value += dt.timedelta(days=draw(st.sampled_from([0, 0, 1, -1])))
            given[name] = value
        else:
            given[name] = draw(_QUERY_VALUES[name])
    refused = sorted(set(_QUERY_VALUES) - allowed)
    if refused and draw(st.integers(min_value=0, max_value=9)) == 0:
        name = draw(st.sampled_from(refused))
        given[name] = draw(_QUERY_VALUES[name])
    return Query(**given)


_LIMITS = st.sampled_from([1, 2, 3, 100, MAX_PAGE] * 2 + [0, MAX_PAGE + 1])
_OFFSETS = st.sampled_from([0, 0, 0, 1, 2, 3, 4] * 2 + [-1])


@attrs.frozen
class _AddRecords:
    kind: RecordKind[Any, Any]
    records: tuple[Any, ...]
    batch: bool  # add_many, else add (one record)

    def run(self, target: Transaction) -> object:
        records = records_of(target, self.kind)
        if self.batch:
            return records.add_many(self.records)
        records.add(self.records[0])
        return None


@attrs.frozen
class _UpdateRecord:
    kind: RecordKind[Any, Any]
    record: Any
    expected_version: int

    def run(self, target: Transaction) -> object:
        records = records_of(target, self.kind)
        return records.update(self.record, expected_version=self.expected_version)


@attrs.frozen
class _ReadRecord:
    kind: RecordKind[Any, Any]
    record_id: Any
    how: str  # "get", "get_versioned", "contains"

    def run(self, target: Transaction) -> object:
        records = records_of(target, self.kind)
        if self.how == "get":
            return records.get(self.record_id)
        if self.how == "get_versioned":
            return records.get_versioned(self.record_id)
        return self.record_id in records


@attrs.frozen
class _ListRecords:
    kind: RecordKind[Any, Any] | None  # None: problems
    query: Query
    limit: int
    offset: int
    count: bool

    def run(self, target: Transaction) -> object:
        listed = target.problems if self.kind is None else records_of(target, self.kind)
        if self.count:
            return listed.count(self.query)
        return listed.list(self.query, limit=self.limit, offset=self.offset)


@attrs.frozen
class _AddProblems:
    problems: tuple[Problem, ...]
    how: str  # "add", "add_many", "save" (expected version 0)
    key: str | None

    def run(self, target: Transaction) -> object:
        if self.how == "add_many":
            return target.problems.add_many(self.problems)
        if self.how == "save":
            first = self.problems[0]
            return target.problems.save(first, expected_version=0, idempotency_key=self.key)
        target.problems.add(self.problems[0])
        return None


@attrs.frozen
class _SaveProblem:
    problem: Problem
    expected_version: int
    key: str | None

    def run(self, target: Transaction) -> object:
        return target.problems.save(
            self.problem, expected_version=self.expected_version, idempotency_key=self.key
        )


@attrs.frozen
class _ApplyEvent:
    problem_id: ProblemId
    data: EventData
    at: dt.datetime
    actor: Actor
    note: str
    expected_version: int | None
    key: str | None

    def run(self, target: Transaction) -> object:
        return target.problems.apply(
            self.problem_id,
            self.data,
            at=self.at,
            actor=self.actor,
            note=self.note,
            expected_version=self.expected_version,
            idempotency_key=self.key,
        )


@attrs.frozen
class _ReadProblem:
    problem_id: ProblemId
    contains: bool

    def run(self, target: Transaction) -> object:
        if self.contains:
            return self.problem_id in target.problems
        return target.problems.get(self.problem_id)


_Step = (
    _AddRecords
    | _UpdateRecord
    | _ReadRecord
    | _ListRecords
    | _AddProblems
    | _SaveProblem
    | _ApplyEvent
    | _ReadProblem
)
"""One call on a store or a transaction, as data: ``step.run(target)`` makes it."""


def _outcome(call: Callable[[], object]) -> object:
    """What a call gave, in comparable form; the library's errors are results too."""
    try:
        value = call()
    except JinjiecuError as error:
        return comparable(error)
    return ("ok", comparable(value))


class _Abort(Exception):  # noqa: N818 - not an error: the test's way to end a transaction
    """Raised at the end of a transaction that the machine wants rolled back."""


def _in_transaction(
    store: Store, steps: Sequence[_Step], *, fail: bool, go_on: bool
) -> list[object]:
    """Run steps in one transaction, which ``fail`` rolls back at the end.

    An error in a step rolls it all back too, unless ``go_on``: then the
    transaction carries on after it (a failed write leaves nothing behind).
    """
    results: list[object] = []
    try:
        with store.transaction() as tx:
            for step in steps:
                if go_on:
                    results.append(_outcome(functools.partial(step.run, tx)))
                else:
                    results.append(("ok", comparable(step.run(tx))))
            if fail:
                raise _Abort
    except _Abort:
        results.append("rolled back")
    except JinjiecuError as error:
        results.append(comparable(error))
    return results


# ============================================================== the machine

_PROBLEMS = strategies.problems(
    min_start=dt.date(2019, 1, 1), max_start=dt.date(2021, 6, 30), max_steps=3
)
_ACTORS = strategies.actors()
_NOTES = _HOSTILE_NOTES
_GAPS = st.sampled_from([dt.timedelta(minutes=1), dt.timedelta(hours=5), dt.timedelta(days=3)])
_TOO_EARLY = dt.timedelta(days=-1)
_MISSING_AT = dt.datetime(2020, 1, 2, 9, 0, tzinfo=CHINA_TZ)
_PAST = dt.datetime(2020, 6, 30, 18, 0, tzinfo=CHINA_TZ)
"""A moment in the middle of the problems' histories, for figures as of the past."""
_EVENTS: list[Event] = [event for event in Event if event is not Event.REGISTER]


def renamed_problem(problem: Problem, new_id: ProblemId) -> Problem:
    """The same history under another id."""
    return Problem(
        transitions=[attrs.evolve(step, problem_id=new_id) for step in problem.transitions]
    )


@st.composite
def _machine_problems(draw: st.DrawFn) -> Problem:
    return renamed_problem(draw(_PROBLEMS), draw(st.sampled_from(_PROBLEM_POOL)))


@st.composite
def _next_events(
    draw: st.DrawFn, problem: Problem, *, in_time: bool = True
) -> tuple[EventData, dt.datetime]:
    """Data and a moment for an event on ``problem``: mostly an allowed one, in time."""
    allowed: list[Event] = list(allowed_events(problem))
    event = draw(st.sampled_from(allowed * 4 + _EVENTS if allowed else _EVENTS))
    gap = draw(_GAPS if in_time else _GAPS | st.just(_TOO_EARLY))
    at = problem.transitions[-1].at + gap
    return draw(strategies.event_data(problem, event, at=at)), at


def default_settings() -> hypothesis.settings:
    """The settings :func:`run_stores_agree` uses unless given others.

    Up to 25 examples (fewer if the active profile asks for fewer) of up to 40
    steps each, no deadline.
    """
    return hypothesis.settings(
        max_examples=min(25, hypothesis.settings().max_examples),
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


class StoresAgree(RuleBasedStateMachine):
    """Runs the same random steps on a memory store (the model) and the stores under test.

    Subclass with :meth:`with_stores`, or run with :func:`run_stores_agree`.
    ``stores_under_test`` maps a name (used in failure messages) to a function
    that returns a new, empty store; each is called once per example.
    """

    stores_under_test: ClassVar[Mapping[str, Callable[[], Store]]] = {}

    @classmethod
    def with_stores(cls, **factories: Callable[[], Store]) -> type[StoresAgree]:
        """A subclass that checks the stores ``factories`` make (by name) against the model."""
        if not factories:
            message = "give at least one store factory, e.g. with_stores(sqlite=make_sqlite)"
            raise ValueError(message)
        names = "".join(name.title().replace("_", "") for name in factories)
        return type(f"{names}AgreeWithModel", (cls,), {"stores_under_test": dict(factories)})

    def __init__(self) -> None:
        super().__init__()
        self.model: Store = MemoryStore()
        self.stores: dict[str, Store] = {}
        with ExitStack() as undo:
            undo.callback(self.teardown)
            for name, make in self.stores_under_test.items():
                self.stores[name] = make()
            undo.pop_all()
        self.saves: list[_SaveProblem] = []
        self.step_number = itertools.count(1)

    def teardown(self) -> None:
        """Close every store of this example."""
        for store in (self.model, *self.stores.values()):
            store.close()

    # ---------------------------------------------------------- comparing

    def _everywhere(self, describe: str, run: Callable[[Store], object]) -> object:
        number = next(self.step_number)
        expected = run(self.model)
        for name, store in self.stores.items():
            got = run(store)
            if got != expected:
                message = (
                    f"step {number} ({describe}): the {name} store disagrees with the model\n"
                    f"  model: {expected!r}\n  {name}: {got!r}"
                )
                raise AssertionError(message)
        return expected

    def _step(self, step: _Step) -> object:
        return self._everywhere(repr(step), lambda store: _outcome(lambda: step.run(store)))

    # The model is trusted, not checked, when choosing what to do next.

    def _record_ids(self, data: st.DataObject, kind: RecordKind[Any, Any]) -> Any:
        """Mostly the id of a record the model holds, now and then any id of the pool."""
        held = [kind.id_of(record) for record in records_of(self.model, kind).list(limit=100)]
        pool = _pool_ids(kind)
        return data.draw(st.sampled_from(held * 3 + pool))

    def _problem(self, data: st.DataObject) -> tuple[ProblemId, Problem | None]:
        """Mostly a problem the model holds, now and then any id of the pool."""
        held = self.model.problems.list(limit=100)
        choices: list[tuple[ProblemId, Problem | None]] = []
        choices += [(p.id, p) for p in held] * 6
        choices += [(pid, None) for pid in _PROBLEM_POOL if pid not in {p.id for p in held}]
        return data.draw(st.sampled_from(choices or [(_PROBLEM_POOL[0], None)]))

    def _seen(self, kind: RecordKind[Any, Any] | None) -> dict[str, list[Any]]:
        """The values the model's records (``None``: problems) have, field by field."""
        rows: list[dict[str, Any]]
        if kind is None:
            rows = [
                {
                    "region_id": p.region_id,
                    "campaign_id": p.campaign_id,
                    "work_group_id": p.work_group_id,
                    "enterprise_id": p.enterprise_id,
                    "state": p.state,
                    "category": p.category,
                    "scope": p.scope,
                    "level": p.level,
                    "department_id": p.lead_department_id,
                    "day": local_date(p.registered_at),
                }
                for p in self.model.problems.list(limit=100)
            ]
        else:
            held = records_of(self.model, kind).list(limit=100)
            rows = [attrs.asdict(kind.index(record), recurse=False) for record in held]
        seen: dict[str, list[Any]] = {}
        for row in rows:
            for name, value in row.items():
                if value is not None:
                    seen.setdefault(name, []).append(value)
        return seen

    def _apply_step(self, data: st.DataObject, *, in_transaction: bool) -> _ApplyEvent:
        problem_id, current = self._problem(data)
        actor, note = data.draw(_ACTORS), data.draw(_NOTES)
        key = data.draw(st.none() | st.sampled_from(_KEYS))
        if current is None:
            return _ApplyEvent(problem_id, Start(), _MISSING_AT, actor, note, None, key)
        event_data, at = data.draw(_next_events(current, in_time=in_transaction))
        versions: list[int | None] = [None, None, None, current.version, current.version]
        if not in_transaction:
            versions += [current.version - 1, current.version + 1]
        expected = data.draw(st.sampled_from(versions))
        return _ApplyEvent(problem_id, event_data, at, actor, note, expected, key)

    # ---------------------------------------------------------- a start with some data

    @initialize(
        data=st.data(),
        records=st.lists(st.sampled_from(_USED_KINDS), min_size=2, max_size=8),
        problems=st.lists(_machine_problems(), min_size=1, max_size=3),
    )
    def start_with_some_data(
        self, data: st.DataObject, records: list[RecordKind[Any, Any]], problems: list[Problem]
    ) -> None:
        """Add a few records and problems, one by one (duplicates refused), to every store."""
        for kind in records:
            self._step(_AddRecords(kind, (data.draw(_MACHINE_RECORDS[kind.name]),), batch=False))
        for problem in problems:
            self._step(_AddProblems((problem,), "add", None))

    # ---------------------------------------------------------- records

    @rule(data=st.data(), kind=st.sampled_from(_USED_KINDS), batch=st.integers(0, 3))
    def add_records(self, data: st.DataObject, kind: RecordKind[Any, Any], batch: int) -> None:
        """Add one record (``batch`` 0) or a batch of up to three, duplicates possible."""
        records = [data.draw(_MACHINE_RECORDS[kind.name]) for _ in range(max(1, batch))]
        self._step(_AddRecords(kind, tuple(records), batch=batch > 0))

    def _has_records(self) -> bool:
        return any(records_of(self.model, kind).count() for kind in _USED_KINDS)

    def _has_problems(self) -> bool:
        return self.model.problems.count() > 0

    @precondition(_has_records)
    @rule(data=st.data())
    def update_record(self, data: st.DataObject) -> None:
        """Update a record with its current version, a stale one or one from the future."""
        kinds = [kind for kind in _USED_KINDS if records_of(self.model, kind).count()]
        self._step(self._update_step(data, data.draw(st.sampled_from(kinds))))

    def _update_step(self, data: st.DataObject, kind: RecordKind[Any, Any]) -> _UpdateRecord:
        record_id = self._record_ids(data, kind)
        record = attrs.evolve(data.draw(_MACHINE_RECORDS[kind.name]), id=record_id)
        try:
            version = records_of(self.model, kind).get_versioned(record_id).version
        except JinjiecuError:
            version = 1
        off_by = data.draw(st.sampled_from([0, 0, 0, -1, 1]))
        return _UpdateRecord(kind, record, max(1, version + off_by))

    @rule(
        data=st.data(),
        kind=st.sampled_from(_USED_KINDS),
        how=st.sampled_from(["get", "get_versioned", "contains"]),
    )
    def read_record(self, data: st.DataObject, kind: RecordKind[Any, Any], how: str) -> None:
        """Read a record by id, present or missing."""
        self._step(_ReadRecord(kind, self._record_ids(data, kind), how))

    @rule(data=st.data(), kind=st.sampled_from((None, None, *_USED_KINDS)))
    def list_and_count(self, data: st.DataObject, kind: RecordKind[Any, Any] | None) -> None:
        """List and count records or problems with a few random queries and pages."""
        allowed = PROBLEM_FILTERS if kind is None else kind.filters
        seen = self._seen(kind)
        for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
            query = data.draw(_queries(allowed, seen))
            limit, offset = data.draw(_LIMITS), data.draw(_OFFSETS)
            for count in (False, True):
                self._step(_ListRecords(kind, query, limit, offset, count))

    @rule(kind=st.sampled_from((None, None, *_USED_KINDS)))
    def list_by_every_value_held(self, kind: RecordKind[Any, Any] | None) -> None:
        """List and count by each filter, with each value the model's records have.

        Dates are tried as ``since`` and ``until`` on the day itself and a day off.
        """
        allowed = PROBLEM_FILTERS if kind is None else kind.filters
        for name, values in sorted(self._seen(kind).items()):
            for value in sorted(set(values), key=repr)[:4]:
                if name == "day":
                    queries = [Query(since=value), Query(until=value - dt.timedelta(days=1))]
                    queries = [query for query in queries if set(query.given()) <= allowed]
                elif name in allowed:
                    queries = [Query(**{name: value})]
                else:
                    continue
                for query in queries:
                    for count in (False, True):
                        self._step(_ListRecords(kind, query, MAX_PAGE, 0, count))

    # ---------------------------------------------------------- problems

    @rule(
        data=st.data(),
        how=st.sampled_from(["add", "add_many", "save", "save"]),
        key=st.none() | st.sampled_from(_KEYS),
    )
    def add_problems(self, data: st.DataObject, how: str, key: str | None) -> None:
        """Add a problem (or two at once), or register one through ``save``."""
        size = 2 if how == "add_many" else 1
        problems = tuple(data.draw(_machine_problems()) for _ in range(size))
        self._step(_AddProblems(problems, how, key))

    @precondition(_has_problems)
    @rule(data=st.data())
    def apply_event(self, data: st.DataObject) -> None:
        """Apply an event through ``problems.apply``: allowed or not, in time or not."""
        self._step(self._apply_step(data, in_transaction=False))

    @precondition(_has_problems)
    @rule(data=st.data(), key=st.none() | st.sampled_from(_KEYS))
    def save_problem(self, data: st.DataObject, key: str | None) -> None:
        """Change a problem as loaded at its current or an older version, and save it."""
        _problem_id, current = self._problem(data)
        if current is None:
            return
        loaded_at = data.draw(
            st.sampled_from([current.version] * 3 + list(range(1, current.version)))
        )
        problem = Problem(transitions=current.transitions[:loaded_at])
        for _ in range(data.draw(st.integers(min_value=1, max_value=2))):
            event_data, at = data.draw(_next_events(problem))
            try:
                problem = problem.apply(
                    event_data, at=at, actor=data.draw(_ACTORS), note=data.draw(_NOTES)
                )
            except JinjiecuError:
                break  # the domain refused this event: save what there is
        if problem.version == loaded_at:
            return
        step = _SaveProblem(problem, loaded_at, key)
        self.saves.append(step)
        self._step(step)

    @precondition(lambda self: bool(self.saves))
    @rule(data=st.data())
    def retry_save(self, data: st.DataObject) -> None:
        """Repeat an earlier save exactly, as a client does after a timeout."""
        self._step(data.draw(st.sampled_from(self.saves)))

    @rule(
        by=st.sampled_from((None, Dimension.WORK_GROUP, Dimension.DEPARTMENT, Dimension.LEVEL)),
        past=st.booleans(),
    )
    def figures(self, *, by: Dimension | None, past: bool) -> None:
        """The figures as of now (from each store's read model) or of a past moment.

        As of now, an SQL store counts from each problem's row; as of the past,
        from its transitions; the model replays every history in Python.
        """
        moment = _PAST if past else now()
        self._everywhere(
            f"figures as of {moment.isoformat()} by {by}",
            lambda store: _outcome(lambda: problem_summary(store, as_of=moment, by=by)),
        )

    @rule()
    def read_model_agrees_with_history(self) -> None:
        """Every store's rows of where problems stand agree with a replay of their histories."""
        self._everywhere("verify", lambda store: verify(store).ok)

    @rule(data=st.data(), contains=st.booleans())
    def read_problem(self, *, data: st.DataObject, contains: bool) -> None:
        """Read a problem by id, present or missing."""
        problem_id, _current = self._problem(data)
        self._step(_ReadProblem(problem_id, contains))

    # ---------------------------------------------------------- transactions

    @rule(
        data=st.data(),
        size=st.integers(min_value=1, max_value=5),
        fail=st.booleans(),
        go_on=st.booleans(),
    )
    def transaction(self, *, data: st.DataObject, size: int, fail: bool, go_on: bool) -> None:
        """Several steps in one transaction that commits, or fails halfway or at the end.

        With ``go_on``, a step that fails does not end the transaction.
        """
        steps: list[_Step] = []
        for _ in range(size):
            choices = ["records", "update", "problem", "apply", "read", "list"]
            choice = data.draw(st.sampled_from(choices))
            kind = data.draw(st.sampled_from(_USED_KINDS))
            if choice == "records":
                size = data.draw(st.integers(min_value=1, max_value=3))
                records = tuple(data.draw(_MACHINE_RECORDS[kind.name]) for _ in range(size))
                steps.append(_AddRecords(kind, records, batch=True))
            elif choice == "update":
                steps.append(self._update_step(data, kind))
            elif choice == "problem":
                key = data.draw(st.none() | st.sampled_from(_KEYS))
                steps.append(_AddProblems((data.draw(_machine_problems()),), "save", key))
            elif choice == "apply":
                steps.append(self._apply_step(data, in_transaction=True))
            elif choice == "read":
                record_id = self._record_ids(data, kind)
                how = data.draw(st.sampled_from(["contains", "contains", "get_versioned"]))
                steps.append(_ReadRecord(kind, record_id, how))
            else:
                query = data.draw(_queries(PROBLEM_FILTERS, self._seen(None)))
                steps.append(_ListRecords(None, query, MAX_PAGE, 0, count=False))
        self._everywhere(
            f"transaction of {steps!r}, fail={fail}, go_on={go_on}",
            lambda store: _in_transaction(store, steps, fail=fail, go_on=go_on),
        )

    # ---------------------------------------------------------- after every step

    @invariant()
    def everything_agrees(self) -> None:
        """Every record and problem, listed in full, is the same in every store."""
        if not self.stores:
            return
        for kind in (None, *_USED_KINDS):
            name = "problems" if kind is None else kind.name
            self._everywhere(f"full listing of {name}", _full_listing(kind))


def _full_listing(kind: RecordKind[Any, Any] | None) -> Callable[[Store], object]:
    step = _ListRecords(kind, Query(), MAX_PAGE, 0, count=False)
    return lambda store: _outcome(functools.partial(step.run, store))


def run_stores_agree(
    factories: Mapping[str, Callable[[], Store]],
    *,
    settings: hypothesis.settings | None = None,
) -> None:
    """Run :class:`StoresAgree` on the stores ``factories`` make, named for the messages.

    Each factory returns a new, empty store; it is called once per example.
    """
    machine = StoresAgree.with_stores(**dict(factories))
    run_state_machine_as_test(machine, settings=settings or default_settings())


def run_against_model(
    make_store: Callable[[], Store],
    *,
    settings: hypothesis.settings | None = None,
) -> None:
    """Check that the stores ``make_store`` returns behave as the memory store does.

    ``make_store`` returns a new, empty store each time it is called (once per
    Hypothesis example); the machine closes it afterwards. Fails with the
    shortest sequence of steps after which the store gave another result than
    the model.
    """
    run_stores_agree({"store": make_store}, settings=settings)
