"""Shared pytest configuration: Hypothesis profiles and the PostgreSQL test server.

The Hypothesis profile is chosen by ``HYPOTHESIS_PROFILE``. PostgreSQL tests
use the server at ``JINJIECU_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Without a reachable server they
skip, saying why; with ``JINJIECU_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets)
they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from jinjiecu.storage import mask_url

if TYPE_CHECKING:
    from collections.abc import Callable

# Detailed assertion messages from the shipped conformance suite.
pytest.register_assert_rewrite("jinjiecu.testing.conformance")

# "dev" is quick for the edit-test loop; "ci" is thorough and runs in .ci/run.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _reach(url: str) -> str:
    """Why the server at ``url`` cannot be used ("" if it can)."""
    try:
        import psycopg  # noqa: PLC0415 - optional dependency
    except ImportError as error:
        return f"psycopg is not installed ({error})"
    try:
        with psycopg.connect(url, connect_timeout=5):
            return ""
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL; skips, or fails when PostgreSQL is required, if unreachable."""
    url = os.environ.get("JINJIECU_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    reason = _reach(url)
    if not reason:
        return url
    where = f"PostgreSQL not reachable at {mask_url(url)}: {reason}"
    if os.environ.get("JINJIECU_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{where} (JINJIECU_REQUIRE_POSTGRES=1)")
    pytest.skip(f"{where}; set JINJIECU_REQUIRE_POSTGRES=1 to make this a failure")


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def run_benchmark(tmp_path: Path) -> Callable[..., str]:
    """Run ``benchmarks/SCRIPT --quick ARGUMENTS`` in the test's ``tmp_path``; what it printed.

    The run must succeed; its standard error is the failure message otherwise.
    """

    def run(script: str, *arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, str(BENCHMARKS / script), "--quick", *arguments],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
