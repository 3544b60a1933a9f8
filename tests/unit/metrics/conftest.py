"""Fixtures for the metrics tests: the store URLs the same figures must come out of."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(params=["memory", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A memory store, then a fresh SQLite file: every figure must be the same on both."""
    if request.param == "memory":
        return "memory://"
    return f"sqlite:///{tmp_path / 'metrics.db'}"
