"""The memory store passes the store conformance suite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jinjiecu.storage.memory import MemoryStore
from jinjiecu.testing.conformance import StoreConformance

if TYPE_CHECKING:
    from collections.abc import Iterator


class TestMemoryStore(StoreConformance):
    @pytest.fixture
    def store(self) -> Iterator[MemoryStore]:
        with MemoryStore() as store:
            yield store
