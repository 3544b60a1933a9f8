"""The SQLite store passes the store conformance suite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jinjiecu.testing.conformance import StoreConformance

if TYPE_CHECKING:
    from jinjiecu.storage.sqlite import SQLiteStore


class TestSQLiteStore(StoreConformance):
    @pytest.fixture
    def store(self, sqlite_store: SQLiteStore) -> SQLiteStore:
        return sqlite_store
