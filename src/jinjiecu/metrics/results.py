"""Typed results: rates that know when there is no data, and tables of rows.

>>> Rate(numerator=14, denominator=153, definition="resolution_rate").percent
'9.2%'
>>> str(Rate(numerator=0, denominator=0, definition="on_time_rate"))
'无数据 (no data)'
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from jinjiecu.domain.money import Money
from jinjiecu.metrics.dimensions import Dimension
from jinjiecu.storage.base import Query

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    import pandas as pd

__all__ = [
    "NO_DATA",
    "NO_DURATIONS",
    "RATES",
    "DurationStats",
    "FinanceFigures",
    "ProblemFigures",
    "RankedRow",
    "Ranking",
    "Rate",
    "Row",
    "Summary",
    "TargetCoverage",
    "UnrankedRow",
    "VisitFigures",
]

NO_DATA = "无数据 (no data)"
"""How a rate or statistic with nothing to compute from is shown."""

RATES = (
    "resolution_rate",
    "settled_rate",
    "on_time_rate",
    "reopen_rate",
    "solved_rate",
    "satisfaction_rate",
)
"""The rates of :class:`ProblemFigures`, in the order tables show them; any ranks a summary."""

F = TypeVar("F")


def _to_decimal(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class Rate:
    """``numerator / denominator``, or no data when the denominator is zero.

    ``definition`` names the :data:`~jinjiecu.metrics.definitions.DEFINITIONS`
    entry that says what was counted.
    """

    numerator: int
    denominator: int
    definition: str

    @property
    def value(self) -> Decimal | None:
        """The rate to four decimal places (0.0915), or ``None`` with no data."""
        if self.denominator == 0:
            return None
        return _to_decimal(Fraction(self.numerator, self.denominator), 4)

    @property
    def percent(self) -> str:
        """The rate as a percentage to one decimal place ("9.2%"), or the no-data text."""
        if self.denominator == 0:
            return NO_DATA
        share = _to_decimal(Fraction(self.numerator * 100, self.denominator), 1)
        return f"{share}%"

    def __str__(self) -> str:
        return self.percent


@attrs.frozen(kw_only=True)
class DurationStats:
    """Mean, median and 90th percentile of whole-day durations (``None`` when empty).

    The mean is rounded half up to 0.01; the median (to 0.1) of an even count
    is the mean of the middle two; the 90th percentile is the nearest-rank value.
    """

    count: int
    mean: Decimal | None
    median: Decimal | None
    p90: int | None

    @classmethod
    def of(cls, values: Iterable[int]) -> DurationStats:
        """Compute the statistics of ``values``.

        >>> DurationStats.of([1, 2, 3, 10])
        DurationStats(count=4, mean=Decimal('4.00'), median=Decimal('2.5'), p90=10)
        """
        return cls.from_counts(Counter(values))

    @classmethod
    def from_counts(cls, counts: Mapping[int, int]) -> DurationStats:
        """Compute the statistics of a histogram: how many problems took each number of days.

        SQL stores count durations in SQL and send only this histogram, which
        is as small as the number of distinct durations.
        """
        n = sum(counts.values())
        if n == 0:
            return NO_DURATIONS
        ordered = sorted((days, k) for days, k in counts.items() if k)

        def nth(rank: int) -> int:
            """The value at 1-based ``rank`` of the sorted values."""
            seen = 0
            for days, k in ordered:
                seen += k
                if seen >= rank:
                    return days
            raise AssertionError(rank)  # pragma: no cover - rank <= n

        middle = (n + 1) // 2
        pair = nth(middle) + (nth(middle) if n % 2 else nth(middle + 1))
        return cls(
            count=n,
            mean=_to_decimal(Fraction(sum(days * k for days, k in ordered), n), 2),
            median=_to_decimal(Fraction(pair, 2), 1),
            p90=nth(-(-9 * n // 10)),  # nearest rank: ceil(0.9 n), in integers
        )


NO_DURATIONS = DurationStats(count=0, mean=None, median=None, p90=None)
"""The statistics of no durations at all."""

_ZERO = Money(amount=Decimal(0))


@attrs.frozen(kw_only=True)
class ProblemFigures:
    """The problem figures of one row (or of the total); see the definitions."""

    registered: int = 0
    identified: int = 0
    in_progress: int = 0
    resolved: int = 0
    explained: int = 0
    closed_resolved: int = 0
    closed_explained: int = 0
    rejected: int = 0
    withdrawn: int = 0
    merged: int = 0
    overdue: int = 0
    due_soon: int = 0
    due: int = 0
    settled_on_time: int = 0
    settled_ever: int = 0
    reopened_ever: int = 0
    followed_up: int = 0
    follow_up_solved: int = 0
    follow_up_satisfied: int = 0
    response_working_days: DurationStats = NO_DURATIONS
    response_calendar_days: DurationStats = NO_DURATIONS
    resolution_working_days: DurationStats = NO_DURATIONS
    resolution_calendar_days: DurationStats = NO_DURATIONS
    provisional_years: tuple[int, ...] = ()
    """The provisional years (no holiday notice yet) these figures were counted on, if any.

    A figure counts on a provisional year when a problem it counts was
    assigned or settled in one, has its deadline in one, or is suspended
    with the moment in one: its working days, deadline or overdue flag may
    change when the year's notice is added (see
    :mod:`jinjiecu.domain.calendar`).
    """

    @property
    def closed(self) -> int:
        """Problems closed at t (after a resolution or an explanation)."""
        return self.closed_resolved + self.closed_explained

    @property
    def excluded(self) -> int:
        """Rejected, withdrawn and merged problems."""
        return self.rejected + self.withdrawn + self.merged

    @property
    def solved(self) -> int:
        """Resolved problems, closed or not (the briefing's 已帮助解决完成)."""
        return self.resolved + self.closed_resolved

    @property
    def settled(self) -> int:
        """Resolved, explained or closed."""
        return self.resolved + self.explained + self.closed

    @property
    def resolution_rate(self) -> Rate:
        """解决率, solved / identified."""
        return Rate(
            numerator=self.solved, denominator=self.identified, definition="resolution_rate"
        )

    @property
    def settled_rate(self) -> Rate:
        """办结率, settled / identified."""
        return Rate(numerator=self.settled, denominator=self.identified, definition="settled_rate")

    @property
    def on_time_rate(self) -> Rate:
        """按期办结率, settled on time / due."""
        return Rate(numerator=self.settled_on_time, denominator=self.due, definition="on_time_rate")

    @property
    def reopen_rate(self) -> Rate:
        """重办率, reopened at least once / settled at least once."""
        return Rate(
            numerator=self.reopened_ever, denominator=self.settled_ever, definition="reopen_rate"
        )

    @property
    def solved_rate(self) -> Rate:
        """回访解决率, latest follow-up says solved / followed up."""
        return Rate(
            numerator=self.follow_up_solved, denominator=self.followed_up, definition="solved_rate"
        )

    @property
    def satisfaction_rate(self) -> Rate:
        """满意率, satisfied (as the summary chose) / followed up."""
        return Rate(
            numerator=self.follow_up_satisfied,
            denominator=self.followed_up,
            definition="satisfaction_rate",
        )

    def counts(self) -> dict[str, int]:
        """Every count, by name (durations left out), for tables and checks."""
        return {
            field.name: getattr(self, field.name)
            for field in attrs.fields(ProblemFigures)
            if field.type in ("int", int)
        } | {"closed": self.closed, "excluded": self.excluded, "solved": self.solved}


@attrs.frozen(kw_only=True)
class VisitFigures:
    """Visit figures of one row: visits, on-site office sessions, distinct places visited."""

    visits: int = 0
    onsite_sessions: int = 0
    enterprises_visited: int = 0
    projects_visited: int = 0


@attrs.frozen(kw_only=True)
class FinanceFigures:
    """Finance relief figures of one row (counts and amounts)."""

    debt_resolutions: int = 0
    debt_resolved: Money = _ZERO
    asset_disposals: int = 0
    assets_book_value: Money = _ZERO
    loan_renewals: int = 0
    renewal_amount: Money = _ZERO
    bridge_draws: int = 0
    bridge_amount: Money = _ZERO
    coordinated: int = 0
    coordinated_amount: Money = _ZERO


@attrs.frozen(kw_only=True)
class Row(Generic[F]):
    """One row of a summary: its key (id, code or period; ``None``: not given), label, figures."""

    key: str | None
    label: str
    figures: F


@attrs.frozen(kw_only=True)
class Summary(Generic[F]):
    """A table of figures as of a moment, with its total.

    ``dimension`` is what the rows are grouped by (``None``: the total only).
    ``definitions`` lists the definition codes the figures follow.
    """

    as_of: dt.datetime
    dimension: Dimension | None
    rows: tuple[Row[F], ...]
    total: F
    definitions: tuple[str, ...]
    query: Query | None = None
    options: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    def __iter__(self) -> Iterator[Row[F]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """The provisional years the total was counted on (empty if none, or not problems)."""
        years: tuple[int, ...] = getattr(self.total, "provisional_years", ())
        return years

    def row(self, key: str | None) -> Row[F]:
        """The row with ``key``; raises ``KeyError`` naming it if there is none."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain dictionaries (key, label and every figure), for tables and CSV."""
        out = []
        for row in self.rows:
            values = attrs.asdict(row.figures, recurse=False)  # type: ignore[arg-type]
            flat: dict[str, Any] = {"key": row.key, "label": row.label}
            for name, value in values.items():
                if isinstance(value, DurationStats):
                    flat[f"{name}_mean"] = value.mean
                    flat[f"{name}_median"] = value.median
                    flat[f"{name}_p90"] = value.p90
                else:
                    flat[name] = value
            if isinstance(row.figures, ProblemFigures):
                for rate in RATES:
                    flat[rate] = getattr(row.figures, rate).value
            out.append(flat)
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (needs pandas: the ``dataframe`` extra)."""
        try:
            import pandas as pd  # noqa: PLC0415 - optional dependency, imported on use
        except ImportError as error:  # pragma: no cover - depends on the environment
            message = "to_dataframe() needs pandas: pip install 'jinjiecu[dataframe]'"
            raise ImportError(message) from error
        return pd.DataFrame(self.records())


@attrs.frozen(kw_only=True)
class TargetCoverage:
    """How many of a campaign's targets were visited at least once, and which were not.

    ``definitions`` lists the definition codes the figures follow.
    """

    as_of: dt.datetime
    campaign_id: str
    backbone_target: int
    backbone_assigned: tuple[str, ...]
    backbone_visited: tuple[str, ...]
    key_projects_target: int
    key_projects_assigned: tuple[str, ...]
    key_projects_visited: tuple[str, ...]
    renovation_target: int
    renovation_assigned: tuple[str, ...]
    renovation_visited: tuple[str, ...]
    definitions: tuple[str, ...] = ("as_of", "coverage")

    @property
    def backbone_not_visited(self) -> tuple[str, ...]:
        """Assigned backbone enterprises not visited by ``as_of``."""
        return tuple(e for e in self.backbone_assigned if e not in set(self.backbone_visited))

    @property
    def key_projects_not_visited(self) -> tuple[str, ...]:
        """Assigned key projects not visited by ``as_of``."""
        return tuple(
            p for p in self.key_projects_assigned if p not in set(self.key_projects_visited)
        )

    @property
    def renovation_not_visited(self) -> tuple[str, ...]:
        """Assigned technical-renovation projects not visited by ``as_of``."""
        return tuple(p for p in self.renovation_assigned if p not in set(self.renovation_visited))


@attrs.frozen(kw_only=True)
class RankedRow:
    """A row in a ranking: its position (ties share one), key, label and rate."""

    position: int
    key: str | None
    label: str
    rate: Rate


@attrs.frozen(kw_only=True)
class UnrankedRow:
    """A row left out of a ranking, and why (too small a sample, or no data)."""

    key: str | None
    label: str
    rate: Rate
    reason: str


@attrs.frozen(kw_only=True)
class Ranking:
    """Rows ordered by one rate; rows with too small a sample are listed apart.

    ``definitions`` names the ranking rule and the rate ranked by.
    """

    rate: str
    min_sample: int
    descending: bool
    ranked: tuple[RankedRow, ...]
    unranked: tuple[UnrankedRow, ...]
    definitions: tuple[str, ...] = ("ranking",)
