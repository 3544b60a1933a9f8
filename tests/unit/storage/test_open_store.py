"""Store URLs: choosing an adapter, the environment variable, refusals and masking."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jinjiecu.errors import ConfigurationError
from jinjiecu.storage import DEFAULT_STORE_URL, STORE_ENV, MemoryStore, mask_url, open_store


def test_memory_url_opens_a_memory_store() -> None:
    with open_store("memory://") as store:
        assert isinstance(store, MemoryStore)
        assert store.url == "memory://"
    with open_store("MEMORY://") as store:
        assert isinstance(store, MemoryStore)


def test_the_environment_variable_is_read_when_no_url_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(STORE_ENV, "  memory://\n")
    with open_store() as store:
        assert isinstance(store, MemoryStore)
    monkeypatch.setenv(STORE_ENV, "redis://cache")
    with pytest.raises(ConfigurationError, match="redis://cache"):
        open_store()
    # A URL given outright wins over the variable.
    with open_store("memory://") as store:
        assert isinstance(store, MemoryStore)


def test_the_default_is_an_sqlite_file_in_the_working_directory() -> None:
    assert DEFAULT_STORE_URL == "sqlite:///jinjiecu.db"
    assert STORE_ENV == "JINJIECU_STORE"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:hunter2@localhost/ledger",
        "ledger.db",
        "",
        "http://example.cn/",
        "file:///tmp/ledger.db",
    ],
)
def test_an_unknown_scheme_lists_the_supported_ones(url: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        open_store(url)
    message = refused.value.message
    assert "memory://" in message
    assert "sqlite:///" in message
    assert "postgresql://" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("memory://somewhere", "nothing after the scheme"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
        ("sqlite://ledger.db", "names no file"),
        ("sqlite:///:memory:", "use memory://"),
    ],
)
def test_malformed_urls_are_refused(url: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        open_store(url)


def test_a_url_must_be_text() -> None:
    with pytest.raises(ConfigurationError, match="text"):
        open_store(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://clerk:s3cret@db:5432/ledger", "postgresql://clerk:***@db:5432/ledger"),
        ("postgres://clerk:p%40ss@db/ledger?schema=a", "postgres://clerk:***@db/ledger?schema=a"),
        ("postgresql://clerk@db/ledger", "postgresql://clerk@db/ledger"),
        ("postgresql://:only@db/ledger", "postgresql://:***@db/ledger"),
        ("postgresql://a:b@h1:5432,h2:5433/ledger", "postgresql://a:***@h1:5432,h2:5433/ledger"),
        (
            "postgresql://db/ledger?user=u&password=pw&sslmode=require",
            "postgresql://db/ledger?user=u&password=***&sslmode=require",
        ),
        ("host=db user=u password='a b' dbname=x", "host=db user=u password=*** dbname=x"),
        ("sqlite:///ledger.db", "sqlite:///ledger.db"),
        ("memory://", "memory://"),
    ],
)
def test_mask_url_hides_passwords_and_nothing_else(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_a_password_with_an_at_sign_is_masked_whole() -> None:
    assert mask_url("postgresql://u:a@b@db/x") == "postgresql://u:***@db/x"


def test_importing_the_storage_package_imports_no_driver() -> None:
    code = (
        "import sys, jinjiecu, jinjiecu.storage\n"
        "loaded = [m for m in ('psycopg', 'psycopg_pool', 'jinjiecu.storage.sqlite',"
        " 'jinjiecu.storage.postgres') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_adapters_are_reachable_from_the_package() -> None:
    import jinjiecu.storage  # noqa: PLC0415

    assert jinjiecu.storage.SQLiteStore.__name__ == "SQLiteStore"
    assert jinjiecu.storage.PostgresStore.__name__ == "PostgresStore"
    with pytest.raises(AttributeError, match="NoSuchStore"):
        _ = jinjiecu.storage.NoSuchStore
