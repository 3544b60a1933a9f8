from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.guarantees import (
    Chain,
    Cycle,
    Exposure,
    GuaranteeLink,
    GuaranteeNetwork,
    HubKind,
    MutualPair,
)
from jinjiecu.domain.ids import EnterpriseId, GuaranteeLinkId
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError
from jinjiecu.testing.strategies import guarantee_links, guarantee_networks

if TYPE_CHECKING:
    from collections.abc import Iterable
    from random import Random

START = dt.date(2018, 6, 1)
E = EnterpriseId
G = GuaranteeLinkId


def link(
    id: str,  # noqa: A002 - reads like the record
    guarantor: str,
    borrower: str,
    wan: int = 100,
    *,
    start: dt.date = START,
    end: dt.date | None = None,
) -> GuaranteeLink:
    return GuaranteeLink(
        id=G(id),
        guarantor_id=E(guarantor),
        borrower_id=E(borrower),
        amount=Money.yuan(wan * 10_000),
        start=start,
        end=end,
    )


def wan(amount: int) -> Money:
    return Money.yuan(amount * 10_000)


def enterprises(*names: str) -> tuple[EnterpriseId, ...]:
    return tuple(E(name) for name in names)


def link_ids(*names: str) -> tuple[GuaranteeLinkId, ...]:
    return tuple(G(name) for name in names)


# -------------------------------------------------------------------- the record


def test_a_link_is_in_force_from_start_to_end_inclusive() -> None:
    guarantee = link("g", "a", "b", start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    assert not guarantee.is_active(dt.date(2018, 12, 31))
    assert guarantee.is_active(dt.date(2019, 1, 1))
    assert guarantee.is_active(dt.date(2019, 12, 31))
    assert not guarantee.is_active(dt.date(2020, 1, 1))
    assert link("open", "a", "b").is_active(dt.date(2030, 1, 1))


def test_a_link_keeps_the_bank_and_contract() -> None:
    guarantee = attrs.evolve(link("g", "a", "b"), lender="中国银行", contract="保字第1号")
    assert guarantee.lender == "中国银行"
    assert guarantee.contract == "保字第1号"


def test_an_enterprise_cannot_guarantee_its_own_loan() -> None:
    with pytest.raises(ValidationError) as caught:
        link("g", "a", "a")
    assert caught.value.field == "borrower_id"


def test_the_end_cannot_come_before_the_start() -> None:
    with pytest.raises(ValidationError) as caught:
        link("g", "a", "b", start=dt.date(2019, 5, 1), end=dt.date(2019, 4, 30))
    assert caught.value.field == "end"
    assert "2019-05-01" in caught.value.expected


@pytest.mark.parametrize(
    "amount",
    [Money.yuan(-1), Money(amount=80_000_000, approximate=True), 1000, "1000万元"],
    ids=["negative", "approximate", "int", "text"],
)
def test_the_amount_must_be_an_exact_non_negative_money(amount: object) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(link("g", "a", "b"), amount=amount)  # type: ignore[arg-type]
    assert caught.value.field == "amount"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "g-1"),
        ("guarantor_id", "a"),
        ("borrower_id", G("b")),
        ("start", dt.datetime(2019, 1, 1, tzinfo=dt.UTC)),
        ("end", "2019-12-31"),
        ("lender", "中国\n银行"),
        ("lender", "  "),
        ("contract", 12),
        ("note", "\x00"),
    ],
)
def test_each_field_is_validated_by_name(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(link("g", "a", "b"), **{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


@given(guarantee_links(), st.data())
def test_a_wrong_value_in_any_field_is_named(guarantee: GuaranteeLink, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from([f.name for f in attrs.fields(GuaranteeLink)]))
    bad = data.draw(st.sampled_from([object(), 1.5, b"bytes", {"a": 1}]))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(guarantee, **{field: bad})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.received is bad


# -------------------------------------------------------------------- building a network


def test_link_ids_must_be_unique() -> None:
    with pytest.raises(ValidationError) as caught:
        GuaranteeNetwork([link("g-1", "a", "b"), link("g-2", "b", "c"), link("g-1", "c", "a")])
    assert caught.value.field == "links"
    assert caught.value.received == G("g-1")


def test_a_network_holds_only_links() -> None:
    with pytest.raises(ValidationError) as caught:
        GuaranteeNetwork([link("g-1", "a", "b"), "g-2"])  # type: ignore[list-item]
    assert caught.value.field == "links[1]"
    for bad in (None, "g-1", b"g-1", link("g-1", "a", "b")):
        with pytest.raises(ValidationError) as caught:
            GuaranteeNetwork(bad)  # type: ignore[arg-type]
        assert caught.value.field == "links"
        assert caught.value.received is bad


def test_links_are_kept_sorted_and_order_does_not_matter() -> None:
    links = [link("g-3", "c", "a"), link("g-1", "a", "b"), link("g-2", "b", "c")]
    network = GuaranteeNetwork(links)
    assert [x.id for x in network.links] == list(link_ids("g-1", "g-2", "g-3"))
    assert network == GuaranteeNetwork(reversed(links))
    assert hash(network) == hash(GuaranteeNetwork(iter(links)))
    assert network.enterprises == enterprises("a", "b", "c")


def test_an_empty_network_has_nothing_to_report() -> None:
    network = GuaranteeNetwork()
    assert network.enterprises == ()
    assert network.cycles() == ()
    assert network.mutual_pairs() == ()
    assert network.chains() == ()
    assert network.hubs(1) == ()
    assert network.exposures() == ()


def test_as_of_keeps_the_links_in_force_that_day() -> None:
    network = GuaranteeNetwork(
        [
            link("g-1", "a", "b", start=dt.date(2019, 1, 1), end=dt.date(2019, 6, 30)),
            link("g-2", "b", "a", start=dt.date(2019, 7, 1)),
            link("g-3", "b", "c", start=dt.date(2019, 3, 1), end=dt.date(2019, 8, 31)),
        ]
    )
    assert [x.id for x in network.as_of(dt.date(2019, 6, 30)).links] == list(link_ids("g-1", "g-3"))
    assert [x.id for x in network.as_of(dt.date(2019, 7, 1)).links] == list(link_ids("g-2", "g-3"))
    assert network.as_of(dt.date(2018, 12, 31)) == GuaranteeNetwork()
    # a mutual pair only if both guarantees are in force at once
    assert network.mutual_pairs()
    assert not network.as_of(dt.date(2019, 6, 30)).mutual_pairs()


def test_without_removes_the_links_named() -> None:
    network = GuaranteeNetwork([link("g-1", "a", "b"), link("g-2", "b", "c")])
    assert network.without([G("g-1"), G("g-1")]) == GuaranteeNetwork([link("g-2", "b", "c")])
    assert network.without(set()) == network


def test_without_refuses_unknown_ids_and_names_them() -> None:
    network = GuaranteeNetwork([link("g-1", "a", "b")])
    with pytest.raises(ValidationError) as caught:
        network.without([G("g-9"), G("g-1"), G("g-8")])
    assert caught.value.field == "link_ids"
    assert caught.value.received == link_ids("g-8", "g-9")
    with pytest.raises(ValidationError) as caught:
        network.untangle([G("g-7")])
    assert caught.value.field == "link_ids"
    assert caught.value.received == link_ids("g-7")


def test_without_refuses_plain_text_and_a_lone_id() -> None:
    network = GuaranteeNetwork([link("g-1", "a", "b")])
    with pytest.raises(ValidationError) as caught:
        network.without(["g-1"])  # type: ignore[list-item]
    assert caught.value.field == "link_ids[0]"
    with pytest.raises(ValidationError) as caught:
        network.without(G("g-1"))  # type: ignore[arg-type]
    assert caught.value.field == "link_ids"


# -------------------------------------------------------------------- analysis


def test_mutual_pairs_sum_parallel_links_each_way() -> None:
    network = GuaranteeNetwork(
        [
            link("g-1", "b", "a", 300),
            link("g-2", "a", "b", 1000),
            link("g-3", "a", "b", 500),  # a second loan of b's, also guaranteed by a
            link("g-4", "b", "c", 50),
            link("g-5", "d", "c", 10),
            link("g-6", "c", "d", 20),
        ]
    )
    assert network.mutual_pairs() == (
        MutualPair(
            first=E("a"),
            second=E("b"),
            first_guarantees=wan(1500),
            second_guarantees=wan(300),
            link_ids=link_ids("g-1", "g-2", "g-3"),
        ),
        MutualPair(
            first=E("c"),
            second=E("d"),
            first_guarantees=wan(20),
            second_guarantees=wan(10),
            link_ids=link_ids("g-5", "g-6"),
        ),
    )
    assert network.mutual_pairs()[0].total == wan(1800)
    assert str(network.mutual_pairs()[0]) == "a ⇄ b"


def test_cycles_start_at_the_smallest_id_and_sort_by_length() -> None:
    network = GuaranteeNetwork(
        [
            # c -> a -> b -> c and its reverse, over the same three enterprises
            link("g-1", "c", "a", 1),
            link("g-2", "a", "b", 2),
            link("g-3", "b", "c", 3),
            link("g-4", "a", "c", 4),
            link("g-5", "c", "b", 5),
            link("g-6", "b", "a", 6),
            # a four-circle given out of order
            link("g-7", "z", "w", 7),
            link("g-8", "w", "y", 8),
            link("g-9", "y", "x", 9),
            link("g-10", "x", "z", 10),
            link("g-11", "x", "z", 1),  # parallel
        ]
    )
    assert network.cycles() == (
        Cycle(
            enterprises=enterprises("a", "b", "c"),
            amounts=(wan(2), wan(3), wan(1)),
            link_ids=link_ids("g-1", "g-2", "g-3"),
        ),
        Cycle(
            enterprises=enterprises("a", "c", "b"),
            amounts=(wan(4), wan(5), wan(6)),
            link_ids=link_ids("g-4", "g-5", "g-6"),
        ),
        Cycle(
            enterprises=enterprises("w", "y", "x", "z"),
            amounts=(wan(8), wan(9), wan(11), wan(7)),
            link_ids=link_ids("g-10", "g-11", "g-7", "g-8", "g-9"),
        ),
    )
    longest = network.cycles()[-1]
    assert str(longest) == "w → y → x → z → w"
    assert len(longest) == 4
    assert longest.total == wan(35)


def test_a_mutual_pair_is_not_a_cycle_and_a_chain_without_return_has_none() -> None:
    network = GuaranteeNetwork(
        [link("g-1", "a", "b"), link("g-2", "b", "a"), link("g-3", "b", "c"), link("g-4", "a", "c")]
    )
    assert network.cycles() == ()
    assert len(network.mutual_pairs()) == 1


def test_a_long_circle_needs_no_deep_recursion() -> None:
    size = 3000
    names = [f"e-{n:04d}" for n in range(size)]
    network = GuaranteeNetwork(
        link(f"g-{n:04d}", names[n], names[(n + 1) % size], 1) for n in range(size)
    )
    (circle,) = network.cycles()
    assert len(circle) == size
    assert circle.enterprises[0] == E("e-0000")
    assert network.exposure(E("e-1234")).chained == wan(size)
    (chain,) = network.chains()
    assert chain.has_cycle


def test_chains_are_groups_of_three_or_more_largest_first() -> None:
    network = GuaranteeNetwork(
        [
            # a pair alone: a mutual guarantee, not a chain
            link("g-1", "p", "q", 10),
            link("g-2", "q", "p", 10),
            # a tree of three: guarantees point different ways, still one chain
            link("g-3", "t1", "t2", 20),
            link("g-4", "t3", "t2", 30),
            # four with a circle
            link("g-5", "a", "b", 1),
            link("g-6", "b", "c", 2),
            link("g-7", "c", "a", 3),
            link("g-8", "d", "a", 4),
        ]
    )
    assert network.chains() == (
        Chain(
            enterprises=enterprises("a", "b", "c", "d"),
            link_ids=link_ids("g-5", "g-6", "g-7", "g-8"),
            total=wan(10),
            has_cycle=True,
        ),
        Chain(
            enterprises=enterprises("t1", "t2", "t3"),
            link_ids=link_ids("g-3", "g-4"),
            total=wan(50),
            has_cycle=False,
        ),
    )


def test_a_mutual_pair_inside_a_chain_makes_it_circular() -> None:
    network = GuaranteeNetwork(
        [link("g-1", "a", "b"), link("g-2", "b", "a"), link("g-3", "c", "a")]
    )
    (chain,) = network.chains()
    assert chain.has_cycle


def test_hubs_one_for_many_and_many_for_one() -> None:
    network = GuaranteeNetwork(
        [
            link("g-1", "big", "s1", 10),
            link("g-2", "big", "s2", 20),
            link("g-3", "big", "s3", 30),
            link("g-4", "big", "s3", 5),  # a second loan: still three borrowers
            link("g-5", "x", "needy", 1),
            link("g-6", "y", "needy", 2),
            link("g-7", "z", "needy", 3),
            link("g-8", "big", "needy", 4),
        ]
    )
    hubs = network.hubs()
    assert [(h.enterprise_id, h.kind) for h in hubs] == [
        (E("big"), HubKind.GUARANTOR),
        (E("needy"), HubKind.BORROWER),
    ]
    big, needy = hubs
    assert big.counterparties == enterprises("needy", "s1", "s2", "s3")
    assert big.total == wan(69)
    assert big.link_ids == link_ids("g-1", "g-2", "g-3", "g-4", "g-8")
    assert needy.counterparties == enterprises("big", "x", "y", "z")
    assert needy.total == wan(10)
    assert HubKind.GUARANTOR.label == "一保多"
    assert HubKind.BORROWER.label == "多保一"
    assert network.hubs(5) == ()
    two_or_more = network.hubs(min_degree=1)
    assert two_or_more[0].enterprise_id == E("big")  # most counterparties first
    assert [h.kind for h in two_or_more] == sorted(
        (h.kind for h in two_or_more), key=list(HubKind).index
    )


@pytest.mark.parametrize("min_degree", [0, -1, True, 2.5, "3"])
def test_hub_degree_must_be_a_positive_integer(min_degree: object) -> None:
    with pytest.raises(ValidationError) as caught:
        GuaranteeNetwork().hubs(min_degree)  # type: ignore[arg-type]
    assert caught.value.field == "min_degree"


def test_exposure_follows_guarantees_downstream_once_each() -> None:
    network = GuaranteeNetwork(
        [
            link("g-1", "a", "b", 100),
            link("g-2", "b", "c", 50),
            link("g-3", "c", "b", 20),
            link("g-4", "b", "d", 7),
            link("g-5", "a", "d", 3),  # d reached twice, its links count once
            link("g-6", "d", "e", 1),
        ]
    )
    assert network.exposure(E("a")) == Exposure(
        enterprise_id=E("a"), direct=wan(103), chained=wan(181), guaranteed=Money.zero()
    )
    assert network.exposure(E("c")).chained == wan(78)
    assert network.exposure(E("e")) == Exposure(
        enterprise_id=E("e"), direct=Money.zero(), chained=Money.zero(), guaranteed=wan(1)
    )
    assert [x.enterprise_id for x in network.exposures()] == list(network.enterprises)


def test_an_enterprise_outside_the_network_has_no_exposure() -> None:
    exposure = GuaranteeNetwork([link("g-1", "a", "b")]).exposure(E("stranger"))
    assert exposure.direct == exposure.chained == exposure.guaranteed == Money.zero()
    with pytest.raises(ValidationError) as caught:
        GuaranteeNetwork().exposure("a")  # type: ignore[arg-type]
    assert caught.value.field == "enterprise_id"


# -------------------------------------------------------------------- untangling


def wucheng() -> GuaranteeNetwork:
    """贝州集团 tied to four firms by mutual and circular guarantees, as Wucheng found it."""
    return GuaranteeNetwork(
        [
            link("g-01", "beizhou", "jia", 3000),
            link("g-02", "jia", "beizhou", 2000),  # 互保 with 甲
            link("g-03", "beizhou", "yi", 1500),
            link("g-04", "yi", "bing", 800),
            link("g-05", "bing", "beizhou", 500),  # 贝州 -> 乙 -> 丙 -> 贝州
            link("g-06", "ding", "beizhou", 1200),
            link("g-07", "jia", "ding", 600),  # 贝州 -> 甲 -> 丁 -> 贝州
            link("g-08", "ding", "wu", 400),
        ]
    )


def test_wucheng_chain_before_untangling() -> None:
    network = wucheng()
    assert [str(pair) for pair in network.mutual_pairs()] == ["beizhou ⇄ jia"]
    assert [str(cycle) for cycle in network.cycles()] == [
        "beizhou → jia → ding → beizhou",
        "beizhou → yi → bing → beizhou",
    ]
    (chain,) = network.chains()
    assert len(chain.enterprises) == 6
    assert chain.has_cycle
    assert chain.total == wan(10000)
    assert [h.enterprise_id for h in network.hubs()] == [E("beizhou")]  # 多保一


def test_wucheng_untangled_by_settling_beizhou_debts() -> None:
    # The idle old plant is sold and 8000多万 of debt resolved into 2650万: the
    # loans that others guaranteed for 贝州 are settled, so those guarantees end.
    network = wucheng()
    settled = [G("g-02"), G("g-05"), G("g-06")]
    report = network.untangle(settled)

    assert report.removed_link_ids == link_ids("g-02", "g-05", "g-06")
    assert report.untangled
    assert report.cycles_remaining == ()
    assert report.mutual_pairs_remaining == ()
    assert report.cycles_removed == network.cycles()
    assert report.mutual_pairs_removed == network.mutual_pairs()

    # Still one chain of guarantees hanging off 贝州, but no circle in it.
    (split,) = report.chain_splits
    assert split.before == network.chains()[0]
    (after,) = split.after
    assert after.enterprises == enterprises("beizhou", "bing", "ding", "jia", "wu", "yi")
    assert not after.has_cycle
    assert split.released == ()
    assert report.chains_after == (after,)

    by_id = {change.enterprise_id: change for change in report.exposure_changes}
    assert list(by_id) == sorted(by_id)
    assert by_id[E("beizhou")].before.guaranteed == wan(3700)
    assert by_id[E("beizhou")].after.guaranteed == Money.zero()
    assert by_id[E("bing")].after.chained == Money.zero()
    assert by_id[E("jia")].after.chained == wan(1000)
    assert E("wu") not in by_id  # it guarantees nobody, and its own guarantor stays


def test_cutting_a_chain_reports_how_it_split() -> None:
    network = GuaranteeNetwork(
        [
            link("g-1", "a", "b"),
            link("g-2", "b", "c"),
            link("g-3", "c", "d"),
            link("g-4", "d", "e"),
            link("g-5", "e", "f"),
            link("g-6", "f", "g"),
            link("g-7", "x", "y"),
            link("g-8", "y", "z"),
        ]
    )
    report = network.untangle([G("g-3"), G("g-6")])
    first, second = report.chain_splits
    assert first.before.enterprises == enterprises("a", "b", "c", "d", "e", "f", "g")
    assert [part.enterprises for part in first.after] == [
        enterprises("a", "b", "c"),
        enterprises("d", "e", "f"),
    ]
    assert first.released == enterprises("g")
    assert second.after == (second.before,)
    assert report.chains_after == (*first.after, second.before)


def test_untangling_nothing_changes_nothing() -> None:
    network = wucheng()
    report = network.untangle([])
    assert report.removed_link_ids == ()
    assert report.cycles_removed == ()
    assert report.mutual_pairs_removed == ()
    assert report.cycles_remaining == network.cycles()
    assert report.chains_after == report.chains_before == network.chains()
    assert report.exposure_changes == ()
    assert not report.untangled


# -------------------------------------------------------------------- properties


def brute_force_cycles(links: Iterable[GuaranteeLink]) -> set[tuple[EnterpriseId, ...]]:
    """Every sequence of 3+ distinct nodes joined head to tail, rotated to its smallest node."""
    edges = {(x.guarantor_id, x.borrower_id) for x in links}
    nodes = sorted({node for edge in edges for node in edge})
    found = set()
    for size in range(3, len(nodes) + 1):
        for seq in itertools.permutations(nodes, size):
            steps = zip(seq, seq[1:] + seq[:1], strict=True)
            if all(step in edges for step in steps):
                smallest = seq.index(min(seq))
                found.add(seq[smallest:] + seq[:smallest])
    return found


def brute_force_reach(links: Iterable[GuaranteeLink], start: EnterpriseId) -> set[EnterpriseId]:
    links = list(links)
    reached = {start}
    while True:
        more = {x.borrower_id for x in links if x.guarantor_id in reached} - reached
        if not more:
            return reached
        reached |= more


def reverse(guarantee: GuaranteeLink) -> GuaranteeLink:
    return attrs.evolve(
        guarantee, guarantor_id=guarantee.borrower_id, borrower_id=guarantee.guarantor_id
    )


def edge_amount(
    network: GuaranteeNetwork, guarantor: EnterpriseId, borrower: EnterpriseId
) -> Money:
    return sum(
        (
            x.amount
            for x in network.links
            if x.guarantor_id == guarantor and x.borrower_id == borrower
        ),
        Money.zero(),
    )


@given(guarantee_networks())
def test_cycles_match_a_brute_force_search(network: GuaranteeNetwork) -> None:
    cycles = network.cycles()
    assert [c.enterprises for c in cycles] == sorted(
        brute_force_cycles(network.links), key=lambda seq: (len(seq), seq)
    )
    for cycle in cycles:
        steps = list(
            zip(cycle.enterprises, cycle.enterprises[1:] + cycle.enterprises[:1], strict=True)
        )
        assert cycle.amounts == tuple(edge_amount(network, g, b) for g, b in steps)
        assert cycle.link_ids == tuple(
            sorted(x.id for x in network.links if (x.guarantor_id, x.borrower_id) in steps)
        )


@given(guarantee_networks())
def test_mutual_pairs_match_a_brute_force_search(network: GuaranteeNetwork) -> None:
    edges = {(x.guarantor_id, x.borrower_id) for x in network.links}
    expected = sorted((a, b) for a, b in edges if a < b and (b, a) in edges)
    pairs = network.mutual_pairs()
    assert [(p.first, p.second) for p in pairs] == expected
    for pair in pairs:
        assert pair.first_guarantees == edge_amount(network, pair.first, pair.second)
        assert pair.second_guarantees == edge_amount(network, pair.second, pair.first)


@given(guarantee_networks(), st.data())
def test_removing_a_cycle_links_removes_that_cycle(
    network: GuaranteeNetwork, data: st.DataObject
) -> None:
    cycles = network.cycles()
    if not cycles:
        return
    cycle = data.draw(st.sampled_from(cycles))
    after = network.without(cycle.link_ids)
    assert cycle.enterprises not in {c.enterprises for c in after.cycles()}
    report = network.untangle(cycle.link_ids)
    assert cycle.enterprises not in {c.enterprises for c in report.cycles_remaining}
    assert cycle in report.cycles_removed


@given(guarantee_networks(), st.data())
def test_untangling_keeps_exactly_the_cycles_still_linked(
    network: GuaranteeNetwork, data: st.DataObject
) -> None:
    removed = {x.id for x in network.links if data.draw(st.booleans())}
    report = network.untangle(removed)
    kept = {(x.guarantor_id, x.borrower_id) for x in network.links if x.id not in removed}

    def still_linked(seq: tuple[EnterpriseId, ...]) -> bool:
        return all(step in kept for step in zip(seq, seq[1:] + seq[:1], strict=True))

    before = network.cycles()
    assert [c.enterprises for c in report.cycles_remaining] == [
        c.enterprises for c in before if still_linked(c.enterprises)
    ]
    assert [c for c in before if not still_linked(c.enterprises)] == list(report.cycles_removed)
    assert report.cycles_remaining == network.without(removed).cycles()
    assert len(report.mutual_pairs_removed) + len(report.mutual_pairs_remaining) == len(
        network.mutual_pairs()
    )
    # every chain after lies in exactly one split
    assert sorted(
        (part for split in report.chain_splits for part in split.after),
        key=lambda c: (-len(c.enterprises), c.enterprises),
    ) == list(report.chains_after)
    for change in report.exposure_changes:
        assert change.before != change.after


@given(guarantee_networks(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_link_order(network: GuaranteeNetwork, rng: Random) -> None:
    links = list(network.links)
    rng.shuffle(links)
    shuffled = GuaranteeNetwork(links)
    assert shuffled == network
    assert shuffled.enterprises == network.enterprises
    assert shuffled.mutual_pairs() == network.mutual_pairs()
    assert shuffled.cycles() == network.cycles()
    assert shuffled.chains() == network.chains()
    assert shuffled.hubs(2) == network.hubs(2)
    assert shuffled.exposures() == network.exposures()
    some = [x.id for x in links[: len(links) // 2]]
    assert shuffled.untangle(some) == network.untangle(reversed(some))


@given(guarantee_networks())
def test_chained_exposure_is_a_reachability_sum(network: GuaranteeNetwork) -> None:
    for exposure in network.exposures():
        node = exposure.enterprise_id
        reached = brute_force_reach(network.links, node)
        assert exposure.chained == sum(
            (x.amount for x in network.links if x.guarantor_id in reached), Money.zero()
        )
        assert exposure.direct == sum(
            (x.amount for x in network.links if x.guarantor_id == node), Money.zero()
        )
        assert exposure.guaranteed == sum(
            (x.amount for x in network.links if x.borrower_id == node), Money.zero()
        )
        assert exposure.chained >= exposure.direct >= Money.zero()


@given(guarantee_networks())
def test_chains_are_connected_disjoint_and_complete(network: GuaranteeNetwork) -> None:
    chains = network.chains()
    seen: set[EnterpriseId] = set()
    for chain in chains:
        members = set(chain.enterprises)
        assert len(members) >= 3
        assert members.isdisjoint(seen)
        seen |= members
        links = [x for x in network.links if x.guarantor_id in members or x.borrower_id in members]
        assert all(x.guarantor_id in members and x.borrower_id in members for x in links)
        assert chain.link_ids == tuple(x.id for x in links)
        # connected: walk the links ignoring direction
        reached = {chain.enterprises[0]}
        while grown := {
            other
            for x in links
            for here, other in ((x.guarantor_id, x.borrower_id), (x.borrower_id, x.guarantor_id))
            if here in reached and other not in reached
        }:
            reached |= grown
        assert reached == members
        circular = any(
            (x.borrower_id, x.guarantor_id) in {(y.guarantor_id, y.borrower_id) for y in links}
            for x in links
        ) or any(set(c.enterprises) <= members for c in network.cycles())
        assert chain.has_cycle == circular
    # every enterprise left out is in a group of one or two
    both_ways = [*network.links, *(reverse(x) for x in network.links)]
    for node in set(network.enterprises) - seen:
        assert len(brute_force_reach(both_ways, node)) < 3


@given(guarantee_networks(), st.dates(dt.date(2018, 12, 1), dt.date(2021, 1, 31)))
def test_as_of_keeps_exactly_the_active_links(network: GuaranteeNetwork, on: dt.date) -> None:
    assert network.as_of(on).links == tuple(x for x in network.links if x.is_active(on))


@given(guarantee_links(enterprises("a", "b")))
def test_link_strategy_draws_valid_links_between_the_enterprises(link: GuaranteeLink) -> None:
    assert {link.guarantor_id, link.borrower_id} == set(enterprises("a", "b"))
    assert not link.amount.approximate
