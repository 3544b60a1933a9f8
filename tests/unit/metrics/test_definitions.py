"""Every figure has one written definition, and every result names definitions that exist."""

from __future__ import annotations

import re

import pytest

from jinjiecu.metrics import DEFINITIONS, RATES, Definition, ProblemFigures
from jinjiecu.metrics.problems import PROBLEM_DEFINITIONS

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_codes_are_the_keys() -> None:
    assert all(code == definition.code for code, definition in DEFINITIONS.items())


@pytest.mark.parametrize("definition", DEFINITIONS.values(), ids=lambda d: d.code)
def test_each_definition_is_written_in_both_languages(definition: Definition) -> None:
    assert HAN.search(definition.label), definition.code
    assert definition.label_en
    assert not HAN.search(definition.label_en)
    assert definition.formula.strip()


def test_every_code_a_result_names_is_defined() -> None:
    used = {
        *PROBLEM_DEFINITIONS,
        *RATES,
        "region_rollup",
        "visits",
        "finance",
        "coverage",
        "ranking",
    }
    assert used <= set(DEFINITIONS)


def test_every_rate_of_the_figures_is_defined_and_rankable() -> None:
    figures = ProblemFigures()
    for name in RATES:
        assert getattr(figures, name).definition in DEFINITIONS


def test_problem_summaries_cover_each_count() -> None:
    # Every count of the figures is explained by a definition of the problem summary.
    counted = {
        "registered",
        "excluded",
        "identified",
        "in_progress",
        "resolved",
        "explained",
        "closed",
        "solved",
        "settled",
        "overdue",
        "due_soon",
    }
    assert counted <= set(PROBLEM_DEFINITIONS)
    assert PROBLEM_DEFINITIONS[0] == "as_of"
