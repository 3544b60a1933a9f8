"""Strategies for guarantee links and networks (担保链).

Private to :mod:`jinjiecu.testing.strategies`, which exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.guarantees import GuaranteeLink, GuaranteeNetwork
from jinjiecu.domain.ids import EnterpriseId, GuaranteeLinkId
from jinjiecu.domain.money import Money

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal
from jinjiecu.testing.strategies._values import BANKS, LARGEST_AMOUNT, enterprise_pool, ids, money

__all__ = ["guarantee_links", "guarantee_networks"]


# ---- guarantee networks (jinjiecu.domain.guarantees) ----

_FIRST_DAY = dt.date(2019, 1, 1)
_LAST_DAY = dt.date(2020, 12, 31)
_LENDERS = st.just("") | st.sampled_from(BANKS)
_CONTRACTS = st.just("") | st.integers(min_value=1, max_value=999).map("担保合同第{:03d}号".format)


@attrs.frozen
class _LinkParts:
    """The strategies a link is drawn from, built once per pool rather than per link."""

    enterprise_ids: tuple[EnterpriseId, ...]
    # (guarantor index, step to the borrower): never the guarantor itself
    pairs: st.SearchStrategy[tuple[int, int]]
    days: st.SearchStrategy[dt.date]
    ends: st.SearchStrategy[dt.date | None]
    amounts: st.SearchStrategy[Money]


def _link_parts(
    enterprise_ids: tuple[EnterpriseId, ...],
    first_day: dt.date,
    last_day: dt.date,
    max_amount: int | Decimal,
) -> _LinkParts:
    """The strategies links among ``enterprise_ids`` are drawn from, built once."""
    if first_day > last_day:
        msg = f"first_day {first_day} is after last_day {last_day}"
        raise InvalidArgument(msg)
    count = len(enterprise_ids)
    days = st.dates(min_value=first_day, max_value=last_day)
    return _LinkParts(
        enterprise_ids=enterprise_ids,
        pairs=st.tuples(st.integers(0, count - 1), st.integers(1, count - 1)),
        days=days,
        ends=st.none() | days,
        amounts=money(min_value=0, max_value=max_amount, allow_approximate=False),
    )


@st.composite
def _links(
    draw: st.DrawFn, link_ids: st.SearchStrategy[GuaranteeLinkId], parts: _LinkParts
) -> GuaranteeLink:
    """A guarantee link between two different enterprises of ``parts``."""
    guarantor, step = draw(parts.pairs)
    start, end = draw(parts.days), draw(parts.ends)
    if end is not None and end < start:
        start, end = end, start
    pool = parts.enterprise_ids
    return GuaranteeLink(
        id=draw(link_ids),
        guarantor_id=pool[guarantor],
        borrower_id=pool[(guarantor + step) % len(pool)],
        amount=draw(parts.amounts),
        start=start,
        end=end,
        lender=draw(_LENDERS),
        contract=draw(_CONTRACTS),
    )


def guarantee_links(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
    *,
    link_ids: st.SearchStrategy[GuaranteeLinkId] | None = None,
    first_day: dt.date = _FIRST_DAY,
    last_day: dt.date = _LAST_DAY,
    max_amount: int | Decimal = LARGEST_AMOUNT,
) -> st.SearchStrategy[GuaranteeLink]:
    """Valid guarantee links between two different enterprises of ``enterprise_ids``.

    ``enterprise_ids`` defaults to ``e-1`` to ``e-6`` and needs two distinct
    ids at least. Ids come from ``link_ids`` (default ``g-1`` ...
    ``g-999999``). Links run from ``first_day`` to ``last_day`` at the latest;
    some have no end. Amounts are exact, from 0 to ``max_amount`` yuan.
    """
    pool = enterprise_pool(6) if enterprise_ids is None else tuple(dict.fromkeys(enterprise_ids))
    if len(pool) < 2:  # a guarantor and a borrower
        msg = f"enterprise_ids needs two distinct enterprises at least, not {enterprise_ids!r}"
        raise InvalidArgument(msg)
    return _links(
        ids(GuaranteeLinkId, "g") if link_ids is None else link_ids,
        _link_parts(pool, first_day, last_day, max_amount),
    )


@st.composite
def _networks(
    draw: st.DrawFn, parts_by_size: dict[int, _LinkParts], max_links: int
) -> GuaranteeNetwork:
    """A network of up to ``max_links`` links among a drawn number of enterprises."""
    parts = parts_by_size[draw(st.sampled_from(sorted(parts_by_size)))]
    # Ids are given by position afterwards, so they shrink with the list.
    drawn = draw(st.lists(_links(st.just(GuaranteeLinkId("g-0")), parts), max_size=max_links))
    return GuaranteeNetwork(
        attrs.evolve(link, id=GuaranteeLinkId(f"g-{n}")) for n, link in enumerate(drawn, start=1)
    )


def guarantee_networks(
    max_enterprises: int = 6,
    max_links: int = 12,
    *,
    first_day: dt.date = _FIRST_DAY,
    last_day: dt.date = _LAST_DAY,
    max_amount: int | Decimal = LARGEST_AMOUNT,
) -> st.SearchStrategy[GuaranteeNetwork]:
    """Small guarantee networks: up to ``max_links`` links among ``max_enterprises`` enterprises.

    Enterprises are ``e-1``, ``e-2`` ... (two at least); links are ``g-1``,
    ``g-2`` ... in the order drawn. The same guarantor and borrower may be
    joined by several links (parallel loans), so mutual pairs, cycles and
    chains all turn up. Networks shrink towards fewer links, fewer
    enterprises and lower ids. Dates and amounts are as for
    :func:`guarantee_links`.
    """
    if max_enterprises < 2:  # a guarantor and a borrower
        msg = f"max_enterprises must be at least 2, not {max_enterprises!r}"
        raise InvalidArgument(msg)
    if max_links < 0:
        msg = f"max_links must not be negative, not {max_links!r}"
        raise InvalidArgument(msg)
    parts_by_size = {
        size: _link_parts(enterprise_pool(size), first_day, last_day, max_amount)
        for size in range(2, max_enterprises + 1)
    }
    return _networks(parts_by_size, max_links)
