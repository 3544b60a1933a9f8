"""The Hypothesis entry point: declared, active with Hypothesis, absent from ``import jinjiecu``.

Each check that depends on what a fresh interpreter imports runs in a subprocess.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap

from hypothesis import strategies as st

from jinjiecu.domain.problem import Problem
from jinjiecu.testing import _hypothesis_plugin
from jinjiecu.testing._hypothesis_plugin import REGISTRY

ENTRY_POINT = "jinjiecu.testing._hypothesis_plugin:_register"


def run_python(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter and return what it printed; fail if it fails."""
    environment = {
        name: value for name, value in os.environ.items() if name != "HYPOTHESIS_NO_PLUGINS"
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment | env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_package_declares_the_hypothesis_entry_point() -> None:
    declared = [
        entry
        for entry in importlib.metadata.entry_points(group="hypothesis")
        if entry.value == ENTRY_POINT
    ]
    assert len(declared) == 1
    assert declared[0].dist is not None
    assert declared[0].dist.name == "jinjiecu"
    assert declared[0].load() is _hypothesis_plugin._register


def test_registering_again_changes_nothing() -> None:
    before = repr(st.from_type(Problem))
    _hypothesis_plugin._register()
    assert repr(st.from_type(Problem)) == before
    assert "problems" in before


def test_importing_jinjiecu_imports_neither_hypothesis_nor_the_plugin() -> None:
    printed = run_python(
        """
        import sys
        import jinjiecu, jinjiecu.domain.problem, jinjiecu.storage, jinjiecu.testing
        print(sorted(m for m in sys.modules if m.startswith("hypothesis") or "_plugin" in m))
        """
    )
    assert printed == "[]"


def test_importing_hypothesis_registers_the_types_and_builds_strategies_only_when_used() -> None:
    printed = run_python(
        """
        import sys
        from hypothesis import Phase, find, settings, strategies as st
        print("jinjiecu.testing.strategies" in sys.modules)
        from jinjiecu.domain.problem import Problem
        quick = settings(database=None, phases=[Phase.generate, Phase.shrink])
        problem = find(st.from_type(Problem), lambda _: True, settings=quick)
        print(type(problem).__name__, len(problem.transitions))
        print("jinjiecu.testing.strategies" in sys.modules)
        """
    )
    assert printed.splitlines() == ["False", "Problem 1", "True"]


def test_hypothesis_no_plugins_turns_the_registration_off() -> None:
    printed = run_python(
        """
        import sys
        import hypothesis
        print("jinjiecu.testing._hypothesis_plugin" in sys.modules)
        """,
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert printed == "False"


def test_every_registered_type_is_a_domain_type() -> None:
    assert all(registered.__module__.startswith("jinjiecu.domain.") for registered in REGISTRY)
