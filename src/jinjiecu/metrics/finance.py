"""Finance relief figures: the money moved, as of a day, by region, enterprise, group or period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError
from jinjiecu.metrics._context import Names, summarise
from jinjiecu.metrics.dimensions import PERIODS, Dimension, period_key
from jinjiecu.metrics.problems import check_summary_arguments
from jinjiecu.metrics.results import FinanceFigures, Summary
from jinjiecu.storage.base import (
    ASSET_DISPOSALS,
    BRIDGE_FUNDS,
    COORDINATED_FINANCINGS,
    DEBT_RESOLUTIONS,
    ENTERPRISES,
    LOAN_RENEWALS,
    WORK_GROUPS,
)

if TYPE_CHECKING:
    from jinjiecu.storage.base import Session, Store

__all__ = ["FINANCE_DIMENSIONS", "FinanceSummary", "finance_summary"]

FinanceSummary = Summary[FinanceFigures]
"""A table of :class:`~jinjiecu.metrics.results.FinanceFigures`."""

FINANCE_DIMENSIONS = frozenset(
    {Dimension.REGION, Dimension.ENTERPRISE, Dimension.WORK_GROUP} | PERIODS
)
"""What finance figures can be grouped by.

Grouped by work group, a record counts for the group its enterprise is
assigned to (the first by id, if several).
"""


@attrs.frozen
class _Item:
    """One amount of one kind, for one enterprise, on one day."""

    kind: str
    enterprise_id: str
    day: dt.date
    amount: Money


@attrs.define
class _FinanceTally:
    counts: dict[str, int] = attrs.field(factory=dict)
    amounts: dict[str, Money] = attrs.field(factory=dict)

    def add(self, item: _Item) -> None:
        self.counts[item.kind] = self.counts.get(item.kind, 0) + 1
        self.amounts[item.kind] = self.amounts.get(item.kind, Money.zero()) + item.amount

    def figures(self) -> FinanceFigures:
        zero = Money.zero()
        return FinanceFigures(
            debt_resolutions=self.counts.get("debt", 0),
            debt_resolved=self.amounts.get("debt", zero),
            asset_disposals=self.counts.get("assets", 0),
            assets_book_value=self.amounts.get("assets", zero),
            loan_renewals=self.counts.get("renewal", 0),
            renewal_amount=self.amounts.get("renewal", zero),
            bridge_draws=self.counts.get("bridge", 0),
            bridge_amount=self.amounts.get("bridge", zero),
            coordinated=self.counts.get("coordinated", 0),
            coordinated_amount=self.amounts.get("coordinated", zero),
        )


def _items(session: Session) -> list[_Item]:
    items = [
        _Item(
            kind="debt", enterprise_id=r.enterprise_id, day=r.resolved_on, amount=r.resolved_amount
        )
        for r in session.scan(DEBT_RESOLUTIONS)
    ]
    items += [
        _Item(kind="assets", enterprise_id=r.enterprise_id, day=r.disposed_on, amount=r.book_value)
        for r in session.scan(ASSET_DISPOSALS)
    ]
    items += [
        _Item(kind="renewal", enterprise_id=r.borrower_id, day=r.renewed_on, amount=r.new_amount)
        for r in session.scan(LOAN_RENEWALS)
    ]
    items += [
        _Item(kind="bridge", enterprise_id=d.enterprise_id, day=d.drawn_on, amount=d.amount)
        for fund in session.scan(BRIDGE_FUNDS)
        for d in fund.draws
    ]
    items += [
        _Item(kind="coordinated", enterprise_id=r.enterprise_id, day=r.arranged_on, amount=r.amount)
        for r in session.scan(COORDINATED_FINANCINGS)
    ]
    return items


def finance_summary(
    store: Store, *, as_of: dt.datetime | None = None, by: Dimension | None = None
) -> FinanceSummary:
    """The finance records dated on or before the local day of ``as_of``, grouped ``by``."""
    moment, _ = check_summary_arguments(as_of, by, None)
    if by is not None and by not in FINANCE_DIMENSIONS:
        raise ValidationError(
            field="by",
            expected="one of " + ", ".join(sorted(d.value for d in FINANCE_DIMENSIONS)),
            received=by,
        )
    day = local_date(moment)
    names = Names.load(store)

    def read(session: Session) -> tuple[list[_Item], dict[str, str], dict[str, str]]:
        regions = {str(e.id): str(e.region_id) for e in session.scan(ENTERPRISES)}
        groups: dict[str, str] = {}
        for group in session.scan(WORK_GROUPS):  # in id order, so the first group wins
            for enterprise_id in group.enterprise_ids:
                groups.setdefault(str(enterprise_id), str(group.id))
        return _items(session), regions, groups

    items, regions, groups = store.read(read)
    taken = [item for item in items if item.day <= day]

    def key(item: _Item) -> str | None:
        if by is None:
            return None
        if by in PERIODS:
            return period_key(item.day, by)
        lookup: dict[Any, Any] = {
            Dimension.REGION: regions,
            Dimension.WORK_GROUP: groups,
        }.get(by, {})
        return (
            str(item.enterprise_id)
            if by is Dimension.ENTERPRISE
            else lookup.get(item.enterprise_id)
        )

    return summarise(
        names,
        by,
        [(key(item), item) for item in taken],
        _FinanceTally,
        _FinanceTally.add,
        as_of=moment,
        definitions=("as_of", "finance"),
    )
