"""Rankings of groups, regions or departments by a rate, with a minimum sample size."""

from __future__ import annotations

from jinjiecu.domain.validation import check, check_argument, int_in, is_bool
from jinjiecu.metrics.results import (
    RATES,
    ProblemFigures,
    RankedRow,
    Ranking,
    Summary,
    UnrankedRow,
)

__all__ = ["rank"]


def rank(
    summary: Summary[ProblemFigures],
    rate: str,
    *,
    min_sample: int = 5,
    descending: bool = True,
) -> Ranking:
    """Order a summary's rows by ``rate`` (highest first unless ``descending=False``).

    A row whose rate counts fewer than ``min_sample`` problems in its
    denominator, or has no data, is not ranked: it is listed in ``unranked``
    with the reason, so one problem solved out of one cannot top the table.
    Equal rates share a position (1, 2, 2, 4); ties are ordered by key.
    """
    check(rate in RATES, field="rate", expected="one of " + ", ".join(RATES), received=rate)
    check_argument(int_in(1), "min_sample", min_sample)
    check_argument(is_bool, "descending", descending)
    eligible = []
    unranked: list[UnrankedRow] = []
    for row in summary.rows:
        value = getattr(row.figures, rate)
        if value.denominator < min_sample:
            reason = (
                "no data"
                if value.denominator == 0
                else f"sample {value.denominator} below {min_sample}"
            )
            unranked.append(UnrankedRow(key=row.key, label=row.label, rate=value, reason=reason))
        else:
            eligible.append((row, value))
    sign = -1 if descending else 1
    eligible.sort(key=lambda pair: (sign * pair[1].value, pair[0].key or ""))
    ranked: list[RankedRow] = []
    for index, (row, value) in enumerate(eligible):
        tied = ranked and ranked[-1].rate.value == value.value
        position = ranked[-1].position if tied else index + 1
        ranked.append(RankedRow(position=position, key=row.key, label=row.label, rate=value))
    return Ranking(
        rate=rate,
        min_sample=min_sample,
        descending=descending,
        ranked=tuple(ranked),
        unranked=tuple(unranked),
        definitions=("ranking", rate),
    )
