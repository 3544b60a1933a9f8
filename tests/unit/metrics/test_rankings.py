"""Rankings by a rate, with a minimum sample below which a unit is not ranked."""

from __future__ import annotations

from typing import Any

import pytest

from jinjiecu.errors import ValidationError
from jinjiecu.metrics import (
    DEFINITIONS,
    RATES,
    Dimension,
    ProblemFigures,
    Row,
    Summary,
    problem_summary,
    rank,
)

from .histories import ASSIGN, G2, RESOLVE, end_of, nov, register, store_with, then


def table(**rows: tuple[int, int]) -> Summary[ProblemFigures]:
    """A summary whose rows have (identified, resolved) as given."""
    built = tuple(
        Row(
            key=key,
            label=f"{key}组",
            figures=ProblemFigures(registered=n, identified=n, resolved=solved),
        )
        for key, (n, solved) in rows.items()
    )
    return Summary(
        as_of=end_of(13),
        dimension=Dimension.WORK_GROUP,
        rows=built,
        total=ProblemFigures(),
        definitions=("as_of",),
    )


GROUPS = table(
    a=(1, 1),  # one out of one: too small a sample to rank
    b=(5, 4),
    c=(6, 3),
    d=(10, 5),  # ties with c
    e=(8, 1),
    f=(0, 0),  # nothing identified: no data
    g=(5, 5),
)


def positions(ranking: Any) -> list[tuple[int, str]]:
    return [(row.position, row.key) for row in ranking.ranked]


def test_highest_first_with_shared_positions() -> None:
    ranking = rank(GROUPS, "resolution_rate")
    assert ranking.min_sample == 5  # the default
    assert positions(ranking) == [(1, "g"), (2, "b"), (3, "c"), (3, "d"), (5, "e")]
    assert [str(row.rate) for row in ranking.ranked] == [
        "100.0%",
        "80.0%",
        "50.0%",
        "50.0%",
        "12.5%",
    ]
    assert ranking.ranked[0].label == "g组"


def test_small_samples_and_no_data_are_listed_apart() -> None:
    ranking = rank(GROUPS, "resolution_rate")
    assert [(row.key, row.reason) for row in ranking.unranked] == [
        ("a", "sample 1 below 5"),
        ("f", "no data"),
    ]
    assert ranking.unranked[0].rate.percent == "100.0%"  # the rate is kept, just not ranked


def test_lowest_first() -> None:
    ranking = rank(GROUPS, "resolution_rate", descending=False)
    assert positions(ranking) == [(1, "e"), (2, "c"), (2, "d"), (4, "b"), (5, "g")]
    assert ranking.descending is False


def test_a_smaller_minimum_ranks_more() -> None:
    ranking = rank(GROUPS, "resolution_rate", min_sample=1)
    assert positions(ranking)[:3] == [(1, "a"), (1, "g"), (3, "b")]
    assert [row.key for row in ranking.unranked] == ["f"]


def test_one_problem_solved_out_of_one_does_not_top_the_ranking() -> None:
    problems = [then(register("p-0", nov(4)), (RESOLVE, nov(5)))]  # group 1: 1 out of 1
    problems += [
        then(register(f"p-{n}", nov(4), group=G2), (ASSIGN, nov(5)), (RESOLVE, nov(8)))
        if n <= 3
        else register(f"p-{n}", nov(4), group=G2)
        for n in range(1, 6)
    ]  # group 2: 3 out of 5
    with store_with(*problems) as store:
        summary = problem_summary(store, as_of=end_of(15), by=Dimension.WORK_GROUP)
    ranking = rank(summary, "resolution_rate", min_sample=5)
    assert [(row.position, row.key, row.rate.percent) for row in ranking.ranked] == [
        (1, "g-02", "60.0%")
    ]
    assert [(row.key, row.reason) for row in ranking.unranked] == [("g-01", "sample 1 below 5")]


@pytest.mark.parametrize("rate", RATES)
def test_every_rate_can_be_ranked(rate: str) -> None:
    ranking = rank(GROUPS, rate, min_sample=1)
    assert ranking.rate == rate
    assert ranking.definitions == ("ranking", rate)
    assert all(code in DEFINITIONS for code in ranking.definitions)
    for row in ranking.ranked:
        assert row.rate.definition == rate


def test_ranking_by_another_rate_uses_its_denominator() -> None:
    summary = Summary(
        as_of=end_of(13),
        dimension=Dimension.REGION,
        rows=(
            Row(key="x", label="x", figures=ProblemFigures(due=6, settled_on_time=3)),
            Row(key="y", label="y", figures=ProblemFigures(due=2, settled_on_time=2)),
        ),
        total=ProblemFigures(),
        definitions=("as_of",),
    )
    ranking = rank(summary, "on_time_rate", min_sample=3)
    assert positions(ranking) == [(1, "x")]
    assert [row.reason for row in ranking.unranked] == ["sample 2 below 3"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"rate": "solved"}, "rate"),
        ({"rate": "resolution rate"}, "rate"),
        ({"min_sample": 0}, "min_sample"),
        ({"min_sample": 2.5}, "min_sample"),
        ({"descending": "yes"}, "descending"),
    ],
)
def test_bad_ranking_arguments(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        rank(GROUPS, **({"rate": "resolution_rate"} | arguments))
    assert caught.value.field == field
