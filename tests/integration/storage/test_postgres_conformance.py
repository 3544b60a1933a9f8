"""The PostgreSQL store passes the store conformance suite.

Skipped, saying why, without a reachable server unless JINJIECU_REQUIRE_POSTGRES=1
(see conftest.py for the server's URL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jinjiecu.testing.conformance import StoreConformance

if TYPE_CHECKING:
    from jinjiecu.storage.postgres import PostgresStore


@pytest.mark.postgres
class TestPostgresStore(StoreConformance):
    @pytest.fixture
    def store(self, postgres_store: PostgresStore) -> PostgresStore:
        return postgres_store
