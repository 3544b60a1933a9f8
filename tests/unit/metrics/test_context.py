"""Row labels and the region tree every summary uses."""

from __future__ import annotations

from jinjiecu.metrics import Dimension
from jinjiecu.metrics._context import Names, group_rows, sorted_keys

from .histories import CITY, G1, LELING, PROVINCE, store_with


def names(parents: dict[str, str | None]) -> Names:
    return Names(labels={Dimension.WORK_GROUP: {"g-01": "第一工作组"}}, region_parents=parents)


def test_names_are_read_from_the_store() -> None:
    with store_with() as store:
        loaded = Names.load(store)
    assert loaded.label(Dimension.WORK_GROUP, G1) == "第一工作组"
    assert loaded.label(Dimension.REGION, LELING) == "乐陵市"
    assert loaded.label(Dimension.CAMPAIGN, "dezhou-2019") == "进企业、解难题、促发展集中行动"
    assert loaded.label(Dimension.CATEGORY, "land_use") == "土地使用"
    assert loaded.region_chain(LELING) == [LELING, CITY, PROVINCE]


def test_labels() -> None:
    table = names({})
    assert table.label(Dimension.WORK_GROUP, "g-01") == "第一工作组"
    assert table.label(Dimension.WORK_GROUP, "g-99") == "g-99"  # unknown: the key itself
    assert table.label(Dimension.WORK_GROUP, None) == "（未指定）"
    assert table.label(Dimension.SCOPE, "common") == "共性问题"
    assert table.label(Dimension.LEVEL, "province") == "省级"
    assert table.label(Dimension.SCOPE, "bogus") == "bogus"
    assert table.label(Dimension.WEEK, "2019-W46") == "2019-W46"


def test_region_chain() -> None:
    table = names({"371481": "371400", "371400": "370000", "370000": None})
    assert table.region_chain("371481") == ["371481", "371400", "370000"]
    assert table.region_chain("371400") == ["371400", "370000"]
    assert table.region_chain(None) == [None]
    assert table.region_chain("999999") == ["999999"]  # not in the store: itself only


def test_the_chain_stops_below_a_region_not_stored() -> None:
    # Dezhou loaded without Shandong: no row for a province the store does not hold.
    table = names({"371481": "371400", "371400": "370000"})
    assert table.region_chain("371481") == ["371481", "371400"]


def test_a_loop_in_bad_data_ends_the_chain() -> None:
    table = names({"a": "b", "b": "a"})
    assert table.region_chain("a") == ["a", "b"]


def test_grouped_by_region_an_item_counts_for_every_region_above() -> None:
    table = names({"371481": "371400", "371428": "371400", "371400": None})
    items = [("371481", 1), ("371481", 2), ("371428", 10), (None, 100)]

    def add(tally: list[int], value: int) -> None:
        tally.append(value)

    rows = group_rows(table, Dimension.REGION, items, add, list)
    assert rows == {"371481": [1, 2], "371400": [1, 2, 10], "371428": [10], None: [100]}
    flat = group_rows(table, Dimension.WORK_GROUP, items, add, list)
    assert flat == {"371481": [1, 2], "371428": [10], None: [100]}


def test_keys_sort_with_not_given_last() -> None:
    assert sorted_keys(["b", None, "a"]) == ["a", "b", None]
