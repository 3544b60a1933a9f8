"""The testing kit works in a downstream project, as another government app would use it.

A tiny project (its own package under ``src/`` and a ``tests/`` folder) is
written to a temporary directory and its test suite runs in a fresh pytest
process: nothing of this repository (its conftest, its tests, its settings)
is on that process's path; jinjiecu comes from the installed package. The
project's tests use the public strategies, ``st.from_type`` (the Hypothesis
entry point), the store conformance suite and the state machine, with warnings
as errors.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

PROJECT: dict[str, str] = {
    "pyproject.toml": """
        [project]
        name = "ledger-app"
        version = "0.1.0"
        dependencies = ["jinjiecu[testing]"]

        [tool.pytest.ini_options]
        pythonpath = ["src"]
        testpaths = ["tests"]
        addopts = ["--strict-markers", "--strict-config"]
        filterwarnings = ["error"]
        """,
    "src/ledger_app/__init__.py": '''
        """A county office's reminder tool, built on jinjiecu."""
        ''',
    "src/ledger_app/reminders.py": '''
        """Which problems the office reminds departments of, and how it names enterprises."""

        from __future__ import annotations

        import datetime as dt
        from collections.abc import Iterable

        from jinjiecu.domain.enterprise import Enterprise
        from jinjiecu.domain.problem import Problem


        def reminders(problems: Iterable[Problem], *, at: dt.datetime) -> list[str]:
            """One line per overdue problem, the earliest registered first."""
            overdue = sorted(
                (p for p in problems if p.is_overdue(at)),
                key=lambda p: (p.registered_at, p.id),
            )
            return [f"{p.id} {p.title} 已超期" for p in overdue]


        def label(enterprise: Enterprise) -> str:
            """The enterprise's name, with its credit code when the office has it."""
            if enterprise.credit_code is None:
                return enterprise.name
            return f"{enterprise.name}（{enterprise.credit_code}）"
        ''',
    "tests/conftest.py": """
        import pytest
        from hypothesis import settings

        pytest.register_assert_rewrite("jinjiecu.testing.conformance")

        # A quick run: this project's own CI would use more examples.
        settings.register_profile("quick", max_examples=3, deadline=None)
        settings.load_profile("quick")
        """,
    "tests/test_reminders.py": """
        import datetime as dt

        from hypothesis import given
        from hypothesis import strategies as st

        from jinjiecu.domain.enterprise import Enterprise
        from jinjiecu.domain.problem import Problem
        from jinjiecu.domain.workflow import ProblemState
        from jinjiecu.testing import strategies
        from ledger_app.reminders import label, reminders


        @given(strategies.problems(ProblemState.CLOSED))
        def test_a_closed_problem_gets_no_reminder(problem):
            later = problem.transitions[-1].at + dt.timedelta(days=60)
            assert reminders([problem], at=later) == []


        @given(st.lists(st.from_type(Problem), max_size=3, unique_by=lambda p: p.id))
        def test_reminders_name_the_overdue_problems_once_each(problems):
            at = max((p.transitions[-1].at for p in problems), default=None)
            if at is None:
                assert reminders(problems, at=dt.datetime.now(dt.UTC)) == []
            else:
                lines = reminders(problems, at=at)
                assert len(lines) == sum(p.is_overdue(at) for p in problems)
                assert all(line.endswith("已超期") for line in lines)


        @given(st.from_type(Enterprise))
        def test_a_label_starts_with_the_name(enterprise):
            assert label(enterprise).startswith(enterprise.name)
        """,
    "tests/test_store.py": """
        import pytest

        from jinjiecu.storage import MemoryStore
        from jinjiecu.testing.conformance import StoreConformance


        class TestOurStore(StoreConformance):
            max_examples = 1

            @pytest.fixture
            def store(self):
                with MemoryStore() as store:
                    yield store
        """,
    "tests/test_stateful.py": """
        from jinjiecu.storage import MemoryStore
        from jinjiecu.testing.stateful import run_against_model


        def test_our_store_agrees_with_the_memory_store():
            run_against_model(MemoryStore)
        """,
}


def write_project(root: Path) -> Path:
    project = root / "ledger-app"
    for name, text in PROJECT.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return project


@pytest.mark.slow
def test_a_downstream_project_runs_the_kit(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    # A clean environment: no options, profile or path of this repository's own test run.
    leaked = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "HYPOTHESIS_PROFILE", "PYTHONPATH"}
    environment = {name: value for name, value in os.environ.items() if name not in leaked}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    summary = re.search(r"(\d+) passed", report)
    assert summary, report
    # The three app tests, one state machine and the whole conformance suite (about 180).
    assert int(summary[1]) > 150, report
    assert "skipped" not in report
