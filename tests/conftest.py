"""Shared pytest configuration: Hypothesis profiles chosen by HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Detailed assertion messages from the shipped conformance suite.
pytest.register_assert_rewrite("jinjiecu.testing.conformance")

# "dev" is quick for the edit-test loop; "ci" is thorough and runs in .ci/run.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
