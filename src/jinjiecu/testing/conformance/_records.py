"""Records, kind by kind: round trips, missing and duplicate ids, optimistic updates, lists.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import strategies as st

from jinjiecu.domain.events import HandlingLevel, Scope
from jinjiecu.domain.ids import CampaignId, DepartmentId, EnterpriseId, RegionId, WorkGroupId
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from jinjiecu.storage.base import KINDS, MAX_PAGE, IndexValues, Query, RecordKind, Records, Store
from jinjiecu.testing.conformance._helpers import (
    _CATEGORY,
    ConformanceArea,
    _assert_same,
    _assert_same_list,
    _by_id,
    _check_bad_pages,
    _credit_code,
    _enterprise,
    _Fresh,
    _rolled_back,
)
from jinjiecu.testing.stateful import record_strategy, records_of

if TYPE_CHECKING:
    from collections.abc import Sequence


_ORDERING_CHARS = "aAbBzZ09-_.~ %'\"\\中文éÉǅ😀\U00010000Ａ"
_ORDERING_IDS = st.text(_ORDERING_CHARS, min_size=1, max_size=5).filter(
    lambda text: text == text.strip()
)
"""Ids that sort differently under code point order than under most collations."""

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


# The expectation is written here, not taken from storage.index_matches: the memory
# store and the contract's default select use that function, so checking them against
# it would check it against itself.
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


_kinds = pytest.mark.parametrize("kind", KINDS, ids=_kind_ids(KINDS))
_filtered_kinds = pytest.mark.parametrize("kind", _FILTERED_KINDS, ids=_kind_ids(_FILTERED_KINDS))


class RecordsConformance(ConformanceArea):
    """Records of every kind round-trip, update optimistically, and list, filter and page."""

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
