"""What every summary needs besides the records it counts: names and the region tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.problem import DEFAULT_RULES, ProblemRules
from jinjiecu.metrics.dimensions import PERIODS, Dimension
from jinjiecu.metrics.results import Row, Summary
from jinjiecu.storage.base import (
    CAMPAIGNS,
    DEPARTMENTS,
    ENTERPRISES,
    REGIONS,
    WORK_GROUPS,
    Session,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from jinjiecu.storage.base import Store

_NONE_LABEL = "（未指定）"


@attrs.frozen
class Names:
    """Labels for row keys, and each region's ancestors (itself first)."""

    labels: dict[Dimension, dict[str, str]]
    region_parents: dict[str, str | None]

    @classmethod
    def load(cls, store: Store, rules: ProblemRules = DEFAULT_RULES) -> Names:
        """Read the names of campaigns, groups, regions, departments and enterprises."""

        def read(session: Session) -> Names:
            regions = list(session.scan(REGIONS))
            labels: dict[Dimension, dict[str, str]] = {
                Dimension.CAMPAIGN: {str(c.id): c.name for c in session.scan(CAMPAIGNS)},
                Dimension.WORK_GROUP: {str(g.id): g.name for g in session.scan(WORK_GROUPS)},
                Dimension.REGION: {str(r.id): r.name for r in regions},
                Dimension.DEPARTMENT: {str(d.id): d.name for d in session.scan(DEPARTMENTS)},
                Dimension.ENTERPRISE: {str(e.id): e.name for e in session.scan(ENTERPRISES)},
                Dimension.CATEGORY: {c.code: c.label for c in rules.taxonomy},
            }
            parents: dict[str, str | None] = {
                str(r.id): None if r.parent_id is None else str(r.parent_id) for r in regions
            }
            return cls(labels=labels, region_parents=parents)

        return store.read(read)

    def label(self, dimension: Dimension, key: str | None) -> str:
        """The label of a row key (the key itself when nothing better is known)."""
        if key is None:
            return _NONE_LABEL
        if dimension in PERIODS:
            return key
        if dimension in (Dimension.SCOPE, Dimension.LEVEL):
            return _enum_label(dimension, key)
        return self.labels.get(dimension, {}).get(key, key)

    def region_chain(self, region_id: str | None) -> list[str | None]:
        """The region and every region above it; ``[None]`` when there is no region.

        The chain stops below a parent the store does not hold (a city loaded
        without its province), so no row is made for a region that is not there.
        """
        if region_id is None:
            return [None]
        chain: list[str | None] = []
        current: str | None = region_id
        while current is not None and current not in chain:  # tolerate a loop in bad data
            chain.append(current)
            parent = self.region_parents.get(current)
            current = parent if parent in self.region_parents else None
        return chain


def _enum_label(dimension: Dimension, key: str) -> str:
    from jinjiecu.domain.events import HandlingLevel, Scope  # noqa: PLC0415 - small, local

    enum_cls: Any = Scope if dimension is Dimension.SCOPE else HandlingLevel
    try:
        label: str = enum_cls(key).label
    except ValueError:
        return key
    return label


def group_rows(
    names: Names,
    dimension: Dimension | None,
    items: Iterable[tuple[str | None, Any]],
    add: Callable[[Any, Any], None],
    new: Callable[[], Any],
) -> dict[str | None, Any]:
    """Fold ``items`` (key, value) into one accumulator per row key.

    Grouped by region, each item also counts for every region above its own.
    """
    tallies: dict[str | None, Any] = {}
    for key, value in items:
        keys = names.region_chain(key) if dimension is Dimension.REGION else [key]
        for row_key in keys:
            tally = tallies.get(row_key)
            if tally is None:
                tally = tallies[row_key] = new()
            add(tally, value)
    return tallies


def summarise(
    names: Names,
    dimension: Dimension | None,
    keyed: list[tuple[str | None, Any]],
    new: Callable[[], Any],
    add: Callable[[Any, Any], None],
    *,
    as_of: dt.datetime,
    definitions: tuple[str, ...],
) -> Summary[Any]:
    """Add up ``keyed`` items (row key, item) into a summary with one row per key and a total."""
    total = new()
    for _key, item in keyed:
        add(total, item)
    tallies = group_rows(names, dimension, keyed, add, new) if dimension is not None else {}
    rows = tuple(
        Row(key=key, label=names.label(dimension, key), figures=tallies[key].figures())
        for key in sorted_keys(tallies)
        if dimension is not None
    )
    rollup = ("region_rollup",) if dimension is Dimension.REGION else ()
    return Summary(
        as_of=as_of,
        dimension=dimension,
        rows=rows,
        total=total.figures(),
        definitions=definitions + rollup,
    )


def sorted_keys(keys: Iterable[str | None]) -> list[str | None]:
    """Row keys in order: by key, with ``None`` ("not given") last."""
    return sorted(keys, key=lambda key: (key is None, key or ""))
