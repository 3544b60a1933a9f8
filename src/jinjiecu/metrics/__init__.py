"""Metrics: the figures offices report, computed from the records, as of any moment.

Every figure has a written definition (:mod:`jinjiecu.metrics.definitions`),
can be computed as the history stood at a past moment (re-running last
week's report gives last week's numbers), and gives "no data" rather than 0 %
or 100 % when there is nothing to divide by.

- :func:`~jinjiecu.metrics.problems.problem_summary`: identified, in progress,
  resolved ... with rates, overdue, due soon and durations, grouped by any
  :class:`~jinjiecu.metrics.dimensions.Dimension`.
- :func:`~jinjiecu.metrics.visits.visit_summary` and
  :func:`~jinjiecu.metrics.visits.target_coverage`: visits, and which targets
  were never visited.
- :func:`~jinjiecu.metrics.finance.finance_summary`: the money moved.
- :func:`~jinjiecu.metrics.rankings.rank`: rankings with a minimum sample size.
"""

from __future__ import annotations

from typing import Any

from jinjiecu.metrics.definitions import DEFINITIONS, Definition
from jinjiecu.metrics.dimensions import Dimension, period_key
from jinjiecu.metrics.finance import FinanceSummary, finance_summary
from jinjiecu.metrics.problems import (
    ProblemSummary,
    figures_of,
    problem_summary,
    provisional_reach,
)
from jinjiecu.metrics.rankings import rank
from jinjiecu.metrics.results import (
    RATES,
    DurationStats,
    FinanceFigures,
    ProblemFigures,
    Ranking,
    Rate,
    Row,
    Summary,
    TargetCoverage,
    VisitFigures,
)
from jinjiecu.metrics.sql import sql_engine
from jinjiecu.metrics.visits import VisitSummary, target_coverage, visit_summary
from jinjiecu.storage.postgres import PostgresStore
from jinjiecu.storage.sqlite import SQLiteStore

__all__ = [
    "DEFINITIONS",
    "ENGINES",
    "RATES",
    "Definition",
    "Dimension",
    "DurationStats",
    "FinanceFigures",
    "FinanceSummary",
    "ProblemFigures",
    "ProblemSummary",
    "Ranking",
    "Rate",
    "Row",
    "Summary",
    "TargetCoverage",
    "VisitFigures",
    "VisitSummary",
    "figures_of",
    "finance_summary",
    "period_key",
    "problem_summary",
    "provisional_reach",
    "rank",
    "target_coverage",
    "visit_summary",
]

ENGINES: dict[type, Any] = {SQLiteStore: sql_engine, PostgresStore: sql_engine}
"""Problem-summary engines by store type; other stores use the reference Python engine.

An engine must give exactly the figures of the reference engine
(:func:`jinjiecu.metrics.problems.python_engine`); the conformance suite
checks it. The SQL stores count in SQL (:mod:`jinjiecu.metrics.sql`).
"""
