"""Guarantee networks (担保网络): mutual guarantees (互保), guarantee circles and chains (担保链).

Enterprises guarantee each other's bank loans. A :class:`GuaranteeLink` records
one guarantee: the guarantor (担保人) answers for the borrower's (借款人) loan
up to an amount. Links form a directed graph, guarantor -> borrower; several
links between the same two enterprises (different loans) make one edge whose
amount is their sum. When one enterprise defaults, its guarantors must pay,
which may push them into default too: that is how trouble spreads along a
chain, and why untangling (解开) the chain is a goal of the campaign.

A :class:`GuaranteeNetwork` answers the questions an office asks of it:

- :meth:`~GuaranteeNetwork.mutual_pairs`: A and B guarantee each other (互保);
- :meth:`~GuaranteeNetwork.cycles`: A -> B -> C -> A and longer (担保圈);
- :meth:`~GuaranteeNetwork.chains`: groups of three or more enterprises tied
  together by guarantees (担保链);
- :meth:`~GuaranteeNetwork.hubs`: one guarantor for many (一保多), many for one (多保一);
- :meth:`~GuaranteeNetwork.exposure`: what an enterprise answers for, directly
  and down the chain;
- :meth:`~GuaranteeNetwork.untangle`: what removing some links (a loan repaid,
  a guarantee replaced) changes.

Every result comes in a stable order, whatever order the links were given in.

Wucheng's case in small: 贝州 and 甲 guarantee each other, and 贝州, 乙 and 丙
guarantee each other round a circle.

>>> import datetime as dt
>>> from jinjiecu.domain.money import Money
>>> def link(id, guarantor, borrower, wan):
...     return GuaranteeLink(
...         id=GuaranteeLinkId(id),
...         guarantor_id=EnterpriseId(guarantor),
...         borrower_id=EnterpriseId(borrower),
...         amount=Money.yuan(wan * 10_000),
...         start=dt.date(2018, 6, 1),
...     )
>>> network = GuaranteeNetwork([
...     link("g-1", "beizhou", "jia", 3000),
...     link("g-2", "jia", "beizhou", 2000),
...     link("g-3", "beizhou", "yi", 1500),
...     link("g-4", "yi", "bing", 800),
...     link("g-5", "bing", "beizhou", 500),
... ])
>>> for pair in network.mutual_pairs():
...     print(pair, pair.first_guarantees, pair.second_guarantees)
beizhou ⇄ jia 3000万元 2000万元
>>> for cycle in network.cycles():
...     print(cycle, cycle.total)
beizhou → yi → bing → beizhou 2800万元
>>> [(len(chain.enterprises), chain.has_cycle) for chain in network.chains()]
[(4, True)]

Once 贝州's own debts are settled, the guarantees for its loans (g-2, g-5)
end, and both circles open:

>>> report = network.untangle([GuaranteeLinkId("g-2"), GuaranteeLinkId("g-5")])
>>> [str(cycle) for cycle in report.cycles_removed], report.untangled
(['beizhou → yi → bing → beizhou'], True)
>>> [str(pair) for pair in report.mutual_pairs_removed]
['beizhou ⇄ jia']

Before, a default anywhere reached everyone, for the whole 7800万元; now
each answers only for what lies downstream of it:

>>> for change in report.exposure_changes:
...     print(change.enterprise_id, change.before.chained, "->", change.after.chained)
beizhou 7800万元 -> 5300万元
bing 7800万元 -> 0元
jia 7800万元 -> 0元
yi 7800万元 -> 800万元
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any, TypeAlias

import attrs

from jinjiecu.domain.ids import EnterpriseId, GuaranteeLinkId
from jinjiecu.domain.labels import LabelledEnum
from jinjiecu.domain.money import Money, non_negative_money
from jinjiecu.domain.validation import (
    Validator,
    a_date,
    check,
    free_text,
    is_id,
    is_instance,
    name_text,
    optional,
    tuple_of,
)
from jinjiecu.errors import ValidationError

__all__ = [
    "Chain",
    "ChainSplit",
    "Cycle",
    "Exposure",
    "ExposureChange",
    "GuaranteeLink",
    "GuaranteeNetwork",
    "Hub",
    "HubKind",
    "MutualPair",
    "UntangleReport",
]

_Pair: TypeAlias = tuple[EnterpriseId, EnterpriseId]

# Enough digits for any sum of amounts under AMOUNT_LIMIT; Inexact trapped, so
# a sum is exact or an error, whatever the caller's decimal context.
_EXACT_SUM = Context(prec=60, traps=[Inexact, InvalidOperation])


def _exact_total(amounts: Iterable[Money]) -> Money:
    """Sum exact amounts: like ``sum(amounts, Money.zero())``, many times faster.

    Chained exposure adds one amount per enterprise reached, for every
    enterprise; adding Money by Money re-validates each partial sum, which
    dominated :meth:`GuaranteeNetwork.exposures` on networks of thousands.
    Links refuse approximate amounts, so the total is exact too.
    """
    total = Decimal(0)
    for amount in amounts:
        total = _EXACT_SUM.add(total, amount.amount)
    return Money(amount=total)


# -------------------------------------------------------------------- the record


def _empty_or(validator: Validator) -> Validator:
    """Accept ``""`` (not recorded) or whatever ``validator`` accepts."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value != "":
            validator(instance, attribute, value)

    return validate


def _exact_non_negative_money(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require an exact Money of at least 0 yuan."""
    non_negative_money(instance, attribute, value)
    check(
        not value.approximate,
        field=attribute.name,
        expected="an exact amount, not a lower bound (多/余): the contract states the amount",
        received=value,
    )


@attrs.frozen(kw_only=True)
class GuaranteeLink:
    """One guarantee (担保): the guarantor answers for the borrower's loan up to ``amount``.

    Attributes:
        id: the link's own id.
        guarantor_id: the enterprise that gives the guarantee (担保人).
        borrower_id: the enterprise whose loan is guaranteed (借款人); not the guarantor.
        amount: the guaranteed amount (担保金额), exact and not negative.
        start: the first day the guarantee is in force.
        end: the last day it is in force (inclusive), on or after ``start``;
            ``None`` while it has no end date.
        lender: the bank that lent the loan, if recorded.
        contract: the guarantee contract's number, if recorded.
        note: free text.
    """

    id: GuaranteeLinkId = attrs.field(validator=is_id(GuaranteeLinkId))
    guarantor_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    borrower_id: EnterpriseId = attrs.field(validator=is_id(EnterpriseId))
    amount: Money = attrs.field(validator=_exact_non_negative_money)
    start: dt.date = attrs.field(validator=a_date)
    end: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    lender: str = attrs.field(default="", validator=_empty_or(name_text()))
    contract: str = attrs.field(default="", validator=_empty_or(name_text()))
    note: str = attrs.field(default="", validator=free_text())

    def __attrs_post_init__(self) -> None:
        check(
            self.borrower_id != self.guarantor_id,
            field="borrower_id",
            expected=f"an enterprise other than the guarantor {self.guarantor_id}",
            received=self.borrower_id,
        )
        if self.end is not None:
            check(
                self.end >= self.start,
                field="end",
                expected=f"a date on or after the start {self.start.isoformat()}",
                received=self.end,
            )

    def is_active(self, on: dt.date) -> bool:
        """Whether the guarantee is in force on ``on`` (start and end days included)."""
        return self.start <= on and (self.end is None or on <= self.end)


# -------------------------------------------------------------------- results


class HubKind(LabelledEnum):
    """Which way an enterprise is a hub of guarantees."""

    GUARANTOR = "guarantor", "一保多"
    BORROWER = "borrower", "多保一"


@attrs.frozen(kw_only=True)
class MutualPair:
    """Two enterprises that guarantee each other (互保); ``first`` has the smaller id.

    Attributes:
        first, second: the two enterprises, ``first < second``.
        first_guarantees: the amount ``first`` guarantees for ``second``'s loans.
        second_guarantees: the amount ``second`` guarantees for ``first``'s loans.
        link_ids: the links in both directions, sorted.
    """

    first: EnterpriseId
    second: EnterpriseId
    first_guarantees: Money
    second_guarantees: Money
    link_ids: tuple[GuaranteeLinkId, ...]

    @property
    def total(self) -> Money:
        """The amount guaranteed in both directions together."""
        return self.first_guarantees + self.second_guarantees

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second}"


@attrs.frozen(kw_only=True)
class Cycle:
    """A guarantee circle (担保圈) of three or more enterprises, each guaranteeing the next.

    Attributes:
        enterprises: the enterprises in guarantee order, starting at the
            smallest id; the last guarantees the first.
        amounts: ``amounts[i]`` is what ``enterprises[i]`` guarantees for the
            next one (the sum of its links to it).
        link_ids: every link along the circle, sorted.
    """

    enterprises: tuple[EnterpriseId, ...]
    amounts: tuple[Money, ...]
    link_ids: tuple[GuaranteeLinkId, ...]

    @property
    def total(self) -> Money:
        """The amount guaranteed round the circle."""
        return sum(self.amounts, Money.zero())

    def __len__(self) -> int:
        return len(self.enterprises)

    def __str__(self) -> str:
        return " → ".join([*self.enterprises, self.enterprises[0]])


@attrs.frozen(kw_only=True)
class Chain:
    """A guarantee chain (担保链): three or more enterprises tied together by guarantees.

    A chain is a connected group of the network, ignoring which way each
    guarantee points: two enterprises are in the same chain when a path of
    guarantees, in either direction, joins them. Every link between them
    belongs to it; no link joins two chains. Two enterprises alone (even a
    mutual pair) are not a chain.

    Attributes:
        enterprises: the chain's enterprises, sorted.
        link_ids: its links, sorted.
        total: the sum of its links' amounts.
        has_cycle: whether it holds a guarantee circle (担保圈): a mutual pair
            or a longer cycle.
    """

    enterprises: tuple[EnterpriseId, ...]
    link_ids: tuple[GuaranteeLinkId, ...]
    total: Money
    has_cycle: bool


@attrs.frozen(kw_only=True)
class Hub:
    """An enterprise with many guarantee counterparties.

    Attributes:
        enterprise_id: the hub.
        kind: :attr:`HubKind.GUARANTOR` when it guarantees many borrowers (一保多),
            :attr:`HubKind.BORROWER` when many guarantors answer for it (多保一).
        counterparties: those borrowers or guarantors, sorted.
        total: the amount guaranteed across those links.
        link_ids: those links, sorted.
    """

    enterprise_id: EnterpriseId
    kind: HubKind
    counterparties: tuple[EnterpriseId, ...]
    total: Money
    link_ids: tuple[GuaranteeLinkId, ...]


@attrs.frozen(kw_only=True)
class Exposure:
    """What an enterprise answers for as guarantor, and what is guaranteed for it.

    Attributes:
        enterprise_id: the enterprise.
        direct: the sum of the guarantees it gives itself.
        chained: the sum of every guarantee downstream of it: each link whose
            guarantor is the enterprise or an enterprise it reaches by
            following guarantees from guarantor to borrower. If a borrower it
            guarantees defaults while having to pay its own guarantees, the
            loss reaches back up to it. Each link counts once, circles
            included, so ``chained >= direct``.
        guaranteed: the sum guaranteed for its own loans, as borrower.

    A guarantees B for 100, B guarantees C for 50, C guarantees B for 20, and D
    guarantees A for 10:

    >>> import datetime as dt
    >>> def link(id, guarantor, borrower, amount):
    ...     return GuaranteeLink(
    ...         id=GuaranteeLinkId(id),
    ...         guarantor_id=EnterpriseId(guarantor),
    ...         borrower_id=EnterpriseId(borrower),
    ...         amount=Money.yuan(amount),
    ...         start=dt.date(2019, 1, 1),
    ...     )
    >>> network = GuaranteeNetwork(
    ...     [link("1", "A", "B", 100), link("2", "B", "C", 50),
    ...      link("3", "C", "B", 20), link("4", "D", "A", 10)]
    ... )
    >>> for e in network.exposures():
    ...     print(e.enterprise_id, e.direct, e.chained, e.guaranteed)
    A 100元 170元 10元
    B 50元 70元 120元
    C 20元 70元 50元
    D 10元 180元 0元
    """

    enterprise_id: EnterpriseId
    direct: Money
    chained: Money
    guaranteed: Money


@attrs.frozen(kw_only=True)
class ExposureChange:
    """An enterprise's exposure before and after an untangling."""

    enterprise_id: EnterpriseId
    before: Exposure
    after: Exposure


@attrs.frozen(kw_only=True)
class ChainSplit:
    """What became of one chain after an untangling.

    Attributes:
        before: the chain before.
        after: the chains its enterprises form after, in chain order: the
            same chain if nothing changed, several if it split, none if it fell apart.
        released: its enterprises that are in no chain after, sorted.
    """

    before: Chain
    after: tuple[Chain, ...]
    released: tuple[EnterpriseId, ...]


@attrs.frozen(kw_only=True)
class UntangleReport:
    """What removing some links changes in a network (解开担保链).

    A cycle or mutual pair is identified by its enterprises: one that keeps
    at least one link at every step remains (with the amounts left after the
    removal); removing links never creates one.

    Attributes:
        removed_link_ids: the links removed, sorted.
        cycles_removed: cycles of the network before that are gone, in cycle order.
        cycles_remaining: the cycles of the network after.
        mutual_pairs_removed: mutual pairs that are gone.
        mutual_pairs_remaining: the mutual pairs of the network after.
        chains_before: the chains before.
        chains_after: the chains after.
        chain_splits: what became of each chain before, in the same order.
        exposure_changes: the enterprises whose exposure changed, by id.
    """

    removed_link_ids: tuple[GuaranteeLinkId, ...]
    cycles_removed: tuple[Cycle, ...]
    cycles_remaining: tuple[Cycle, ...]
    mutual_pairs_removed: tuple[MutualPair, ...]
    mutual_pairs_remaining: tuple[MutualPair, ...]
    chains_before: tuple[Chain, ...]
    chains_after: tuple[Chain, ...]
    chain_splits: tuple[ChainSplit, ...]
    exposure_changes: tuple[ExposureChange, ...]

    @property
    def untangled(self) -> bool:
        """Whether no guarantee circle (mutual pair or cycle) remains in the network."""
        return not self.cycles_remaining and not self.mutual_pairs_remaining


# -------------------------------------------------------------------- the network


def _sorted_links(links: Iterable[GuaranteeLink]) -> tuple[GuaranteeLink, ...]:
    """Attrs converter: any iterable of links becomes a tuple sorted by id.

    Anything else is returned unchanged (or as a tuple), for the validator to name.
    """
    if isinstance(links, str | bytes) or not isinstance(links, Iterable):
        return links  # the validator names the bad value
    items = tuple(links)
    if all(isinstance(link, GuaranteeLink) for link in items):
        return tuple(sorted(items, key=lambda link: link.id))
    return items


def _unique_link_ids(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require distinct link ids (the links are sorted by id, so repeats are neighbours)."""
    for previous, link in itertools.pairwise(value):
        check(
            previous.id != link.id,
            field=attribute.name,
            expected="links with distinct ids",
            received=link.id,
        )


@attrs.frozen(kw_only=True)
class _Edge:
    """All links from one guarantor to one borrower."""

    amount: Money
    link_ids: tuple[GuaranteeLinkId, ...]


@attrs.frozen
class GuaranteeNetwork:
    """The guarantees among a set of enterprises, as a directed graph guarantor -> borrower.

    Built from any iterable of :class:`GuaranteeLink` with distinct ids;
    ``links`` keeps them sorted by id. The network is immutable: :meth:`as_of`
    and :meth:`without` return new networks. Its enterprises are those that
    appear in a link.

    Raises:
        ValidationError: ``field="links"`` (or ``"links[i]"`` for an item that
            is not a link) when ids repeat or an item is not a link.
    """

    links: tuple[GuaranteeLink, ...] = attrs.field(
        default=(),
        converter=_sorted_links,
        validator=[tuple_of(is_instance(GuaranteeLink, "a GuaranteeLink")), _unique_link_ids],
    )
    _edges: dict[_Pair, _Edge] = attrs.field(init=False, eq=False, repr=False)
    _successors: dict[EnterpriseId, tuple[EnterpriseId, ...]] = attrs.field(
        init=False, eq=False, repr=False
    )
    _predecessors: dict[EnterpriseId, tuple[EnterpriseId, ...]] = attrs.field(
        init=False, eq=False, repr=False
    )
    _given: dict[EnterpriseId, Money] = attrs.field(init=False, eq=False, repr=False)
    _received: dict[EnterpriseId, Money] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        grouped: dict[_Pair, list[GuaranteeLink]] = {}
        for link in self.links:  # sorted by id, so each edge's link ids are too
            grouped.setdefault((link.guarantor_id, link.borrower_id), []).append(link)
        edges = {
            pair: _Edge(
                amount=sum((link.amount for link in group), Money.zero()),
                link_ids=tuple(link.id for link in group),
            )
            for pair, group in sorted(grouped.items())
        }
        successors: dict[EnterpriseId, list[EnterpriseId]] = {}
        predecessors: dict[EnterpriseId, list[EnterpriseId]] = {}
        for guarantor, borrower in edges:  # sorted pairs keep both lists sorted
            successors.setdefault(guarantor, []).append(borrower)
            predecessors.setdefault(borrower, []).append(guarantor)
        enterprises = sorted(successors.keys() | predecessors.keys())
        given = dict.fromkeys(enterprises, Money.zero())
        received = dict.fromkeys(enterprises, Money.zero())
        for (guarantor, borrower), edge in edges.items():
            given[guarantor] += edge.amount
            received[borrower] += edge.amount
        # Frozen class: set the derived indexes once, here.
        object.__setattr__(self, "_edges", edges)
        object.__setattr__(
            self, "_successors", {e: tuple(successors.get(e, ())) for e in enterprises}
        )
        object.__setattr__(
            self, "_predecessors", {e: tuple(predecessors.get(e, ())) for e in enterprises}
        )
        object.__setattr__(self, "_given", given)
        object.__setattr__(self, "_received", received)

    # ---------------------------------------------------------------- views

    @property
    def enterprises(self) -> tuple[EnterpriseId, ...]:
        """Every enterprise that appears in a link, sorted."""
        return tuple(self._successors)

    def as_of(self, on: dt.date) -> GuaranteeNetwork:
        """The network of the links in force on ``on``."""
        return GuaranteeNetwork(link for link in self.links if link.is_active(on))

    def without(self, link_ids: Iterable[GuaranteeLinkId]) -> GuaranteeNetwork:
        """The network without the links ``link_ids`` (repeats are harmless).

        Raises:
            ValidationError: ``field="link_ids"`` naming the ids that are not
                in this network, or ``"link_ids[i]"`` for an item that is not a
                :class:`~jinjiecu.domain.ids.GuaranteeLinkId`.
        """
        removing = self._known_link_ids(link_ids)
        return GuaranteeNetwork(link for link in self.links if link.id not in removing)

    def _known_link_ids(self, link_ids: Iterable[GuaranteeLinkId]) -> frozenset[GuaranteeLinkId]:
        # A lone id is a str, and iterating it would give its characters.
        if isinstance(link_ids, str) or not isinstance(link_ids, Iterable):
            raise ValidationError(
                field="link_ids",
                expected="a list, tuple or set of GuaranteeLinkId",
                received=link_ids,
            )
        wanted = tuple(link_ids)
        for index, link_id in enumerate(wanted):
            check(
                isinstance(link_id, GuaranteeLinkId),
                field=f"link_ids[{index}]",
                expected="a GuaranteeLinkId (wrap text as GuaranteeLinkId('...'))",
                received=link_id,
            )
        known = {link.id for link in self.links}
        unknown = tuple(sorted(set(wanted) - known))
        check(
            not unknown,
            field="link_ids",
            expected="ids of links in this network",
            received=unknown,
        )
        return frozenset(wanted)

    # ---------------------------------------------------------------- analysis

    def mutual_pairs(self) -> tuple[MutualPair, ...]:
        """Every pair of enterprises that guarantee each other (互保), sorted by their ids."""
        pairs = []
        for (first, second), forth in self._edges.items():  # sorted by pair
            back = self._edges.get((second, first))
            if first < second and back is not None:
                pairs.append(
                    MutualPair(
                        first=first,
                        second=second,
                        first_guarantees=forth.amount,
                        second_guarantees=back.amount,
                        link_ids=tuple(sorted(forth.link_ids + back.link_ids)),
                    )
                )
        return tuple(pairs)

    def cycles(self) -> tuple[Cycle, ...]:
        """Every guarantee circle (担保圈) of three or more distinct enterprises.

        Each elementary cycle (no enterprise twice) is reported once, starting
        at its smallest enterprise id; they are sorted by length, then by
        enterprises. Two enterprises guaranteeing each other are a
        :meth:`mutual pair <mutual_pairs>`, not a cycle here.

        Uses Johnson's algorithm, so the time grows with the number of
        cycles, which in a dense network can be very large.
        """
        found = [
            self._cycle(nodes)
            for nodes in _elementary_cycles(self._successors)
            if len(nodes) > 2  # two is a mutual pair
        ]
        return tuple(sorted(found, key=lambda cycle: (len(cycle.enterprises), cycle.enterprises)))

    def _cycle(self, nodes: tuple[EnterpriseId, ...]) -> Cycle:
        steps = [self._edges[nodes[i], nodes[(i + 1) % len(nodes)]] for i in range(len(nodes))]
        return Cycle(
            enterprises=nodes,
            amounts=tuple(step.amount for step in steps),
            link_ids=tuple(sorted(link_id for step in steps for link_id in step.link_ids)),
        )

    def chains(self) -> tuple[Chain, ...]:
        """Every guarantee chain (担保链), largest first, then by enterprise ids.

        See :class:`Chain` for the definition: a group of at least three
        enterprises connected by guarantees in either direction.
        """
        on_circle = {
            node
            for component in _strong_components(self.enterprises, self._successors.__getitem__)
            if len(component) > 1
            for node in component
        }
        # A lone pair is not a chain.
        groups = [group for group in self._connected_groups() if len(group) >= 3]
        group_of = {node: index for index, group in enumerate(groups) for node in group}
        links_of: list[list[GuaranteeLink]] = [[] for _ in groups]
        for link in self.links:  # both ends are in the same group
            if link.guarantor_id in group_of:
                links_of[group_of[link.guarantor_id]].append(link)
        chains = []
        for group, links in zip(groups, links_of, strict=True):
            chains.append(
                Chain(
                    enterprises=group,
                    link_ids=tuple(link.id for link in links),
                    total=sum((link.amount for link in links), Money.zero()),
                    has_cycle=not on_circle.isdisjoint(group),
                )
            )
        return tuple(sorted(chains, key=lambda chain: (-len(chain.enterprises), chain.enterprises)))

    def _connected_groups(self) -> list[tuple[EnterpriseId, ...]]:
        """The groups joined by guarantees in either direction, each sorted."""
        seen: set[EnterpriseId] = set()
        groups = []
        for start in self.enterprises:
            if start in seen:
                continue
            seen.add(start)
            group, todo = [start], [start]
            while todo:
                node = todo.pop()
                for other in self._successors[node] + self._predecessors[node]:
                    if other not in seen:
                        seen.add(other)
                        group.append(other)
                        todo.append(other)
            groups.append(tuple(sorted(group)))
        return groups

    def hubs(self, min_degree: int = 3) -> tuple[Hub, ...]:
        """Enterprises with at least ``min_degree`` distinct counterparties one way.

        A guarantor of that many borrowers is a :attr:`HubKind.GUARANTOR` hub
        (一保多); a borrower with that many guarantors is a
        :attr:`HubKind.BORROWER` hub (多保一); an enterprise may be both.
        Sorted by kind (guarantors first), then most counterparties first,
        then by enterprise id.

        Raises:
            ValidationError: ``field="min_degree"`` unless it is an int of at least 1.
        """
        check(
            isinstance(min_degree, int) and not isinstance(min_degree, bool) and min_degree >= 1,
            field="min_degree",
            expected="an integer of at least 1",
            received=min_degree,
        )
        hubs = []
        for kind, neighbours in (
            (HubKind.GUARANTOR, self._successors),
            (HubKind.BORROWER, self._predecessors),
        ):
            for node, others in neighbours.items():
                if len(others) < min_degree:
                    continue
                edges = [
                    self._edges[(node, other) if kind is HubKind.GUARANTOR else (other, node)]
                    for other in others
                ]
                hubs.append(
                    Hub(
                        enterprise_id=node,
                        kind=kind,
                        counterparties=others,
                        total=sum((edge.amount for edge in edges), Money.zero()),
                        link_ids=tuple(sorted(i for edge in edges for i in edge.link_ids)),
                    )
                )
        kinds = list(HubKind)
        hubs.sort(key=lambda h: (kinds.index(h.kind), -len(h.counterparties), h.enterprise_id))
        return tuple(hubs)

    def exposure(self, enterprise_id: EnterpriseId) -> Exposure:
        """What ``enterprise_id`` answers for; see :class:`Exposure` for the definitions.

        An enterprise with no link in this network has zero exposure.

        Raises:
            ValidationError: ``field="enterprise_id"`` unless it is an EnterpriseId.
        """
        check(
            isinstance(enterprise_id, EnterpriseId),
            field="enterprise_id",
            expected="an EnterpriseId (wrap text as EnterpriseId('...'))",
            received=enterprise_id,
        )
        if enterprise_id not in self._successors:
            zero = Money.zero()
            return Exposure(enterprise_id=enterprise_id, direct=zero, chained=zero, guaranteed=zero)
        reached = {enterprise_id}
        todo = [enterprise_id]
        while todo:
            for borrower in self._successors[todo.pop()]:
                if borrower not in reached:
                    reached.add(borrower)
                    todo.append(borrower)
        return Exposure(
            enterprise_id=enterprise_id,
            direct=self._given[enterprise_id],
            chained=_exact_total(self._given[node] for node in reached),
            guaranteed=self._received[enterprise_id],
        )

    def exposures(self) -> tuple[Exposure, ...]:
        """The exposure of every enterprise in the network, by enterprise id."""
        return tuple(self.exposure(node) for node in self.enterprises)

    def untangle(self, link_ids: Iterable[GuaranteeLinkId]) -> UntangleReport:
        """Compare this network with ``self.without(link_ids)``: see :class:`UntangleReport`.

        Raises:
            ValidationError: as :meth:`without` does, for ids not in this network.
        """
        removed = self._known_link_ids(link_ids)
        after = self.without(removed)

        cycles_after = after.cycles()
        still_cycles = {cycle.enterprises for cycle in cycles_after}
        pairs_after = after.mutual_pairs()
        still_pairs = {(pair.first, pair.second) for pair in pairs_after}

        chains_before, chains_after = self.chains(), after.chains()
        # Removing links only splits groups, so each chain after lies in one chain before.
        position = {
            node: index for index, part in enumerate(chains_after) for node in part.enterprises
        }
        splits = []
        for chain in chains_before:
            indexes = sorted({position[node] for node in chain.enterprises if node in position})
            splits.append(
                ChainSplit(
                    before=chain,
                    after=tuple(chains_after[index] for index in indexes),
                    released=tuple(node for node in chain.enterprises if node not in position),
                )
            )

        changes = []
        for node in self.enterprises:
            was, now = self.exposure(node), after.exposure(node)
            if was != now:
                changes.append(ExposureChange(enterprise_id=node, before=was, after=now))

        return UntangleReport(
            removed_link_ids=tuple(sorted(removed)),
            cycles_removed=tuple(c for c in self.cycles() if c.enterprises not in still_cycles),
            cycles_remaining=cycles_after,
            mutual_pairs_removed=tuple(
                p for p in self.mutual_pairs() if (p.first, p.second) not in still_pairs
            ),
            mutual_pairs_remaining=pairs_after,
            chains_before=chains_before,
            chains_after=chains_after,
            chain_splits=tuple(splits),
            exposure_changes=tuple(changes),
        )


# -------------------------------------------------------------------- graph algorithms
# Iterative throughout: a chain of thousands of enterprises must not hit
# Python's recursion limit.

_Successors: TypeAlias = Callable[[EnterpriseId], Iterable[EnterpriseId]]


def _strong_components(
    nodes: Iterable[EnterpriseId], successors: _Successors
) -> list[list[EnterpriseId]]:
    """Tarjan's strongly connected components of the graph on ``nodes``."""
    index: dict[EnterpriseId, int] = {}
    low: dict[EnterpriseId, int] = {}
    stack: list[EnterpriseId] = []
    on_stack: set[EnterpriseId] = set()
    components: list[list[EnterpriseId]] = []

    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, pending = work[-1]
            for other in pending:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(successors(other))))
                    break
                if other in on_stack:
                    low[node] = min(low[node], index[other])
            else:  # every successor of node is done
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _elementary_cycles(
    successors: Mapping[EnterpriseId, tuple[EnterpriseId, ...]],
) -> list[tuple[EnterpriseId, ...]]:
    """Every elementary cycle (two nodes or more), each once, starting at its smallest node.

    Johnson's algorithm: take a strongly connected component, list the
    cycles through its smallest node, drop that node, and carry on with the
    components of what is left. A cycle lies in one component until its
    smallest node is dropped, and is listed exactly then.
    """
    cycles: list[tuple[EnterpriseId, ...]] = []
    pending = [
        set(c) for c in _strong_components(sorted(successors), successors.__getitem__) if len(c) > 1
    ]
    while pending:
        component = pending.pop()
        start = min(component)
        cycles.extend(_cycles_through(start, component, successors))
        component.discard(start)
        rest = _strong_components(sorted(component), _within(successors, component))
        pending.extend(set(c) for c in rest if len(c) > 1)
    return cycles


def _within(
    successors: Mapping[EnterpriseId, tuple[EnterpriseId, ...]], members: set[EnterpriseId]
) -> Callable[[EnterpriseId], list[EnterpriseId]]:
    """The successors of each node in the subgraph on ``members``."""

    def inside(node: EnterpriseId) -> list[EnterpriseId]:
        return [other for other in successors[node] if other in members]

    return inside


def _cycles_through(
    start: EnterpriseId,
    component: set[EnterpriseId],
    successors: Mapping[EnterpriseId, tuple[EnterpriseId, ...]],
) -> list[tuple[EnterpriseId, ...]]:
    """Johnson's circuit search: the elementary cycles through ``start`` within ``component``.

    A node stays blocked while no path from it back to ``start`` is known to
    avoid the current path; ``blocked_by[w]`` lists the nodes to unblock when
    ``w`` is unblocked. This keeps the search from walking dead ends twice.
    """
    inside = _within(successors, component)
    cycles: list[tuple[EnterpriseId, ...]] = []
    blocked = {start}
    blocked_by: dict[EnterpriseId, set[EnterpriseId]] = {}
    path = [start]
    work = [iter(inside(start))]
    closed = [False]  # per path node: a cycle was found beyond it

    while work:
        for other in work[-1]:
            if other == start:
                cycles.append(tuple(path))
                closed[-1] = True
            elif other not in blocked:
                path.append(other)
                blocked.add(other)
                work.append(iter(inside(other)))
                closed.append(False)
                break
        else:  # every successor of the last path node is done
            work.pop()
            node = path.pop()
            if closed.pop():
                _unblock(node, blocked, blocked_by)
                if closed:
                    closed[-1] = True
            else:
                for other in inside(node):
                    blocked_by.setdefault(other, set()).add(node)
    return cycles


def _unblock(
    node: EnterpriseId,
    blocked: set[EnterpriseId],
    blocked_by: dict[EnterpriseId, set[EnterpriseId]],
) -> None:
    todo = [node]
    while todo:
        current = todo.pop()
        if current in blocked:
            blocked.discard(current)
            todo.extend(blocked_by.pop(current, ()))
