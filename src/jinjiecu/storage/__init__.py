"""Storage: one contract, three adapters (memory, SQLite, PostgreSQL), chosen by URL.

:func:`open_store` opens the store a URL names:

- ``memory://``: in memory, gone when the process ends (tests, examples).
- ``sqlite:///ledger.db`` (relative to the working directory) or
  ``sqlite:////var/lib/jinjiecu/ledger.db`` (absolute): an SQLite file.
- ``postgresql://user:password@host:5432/dbname`` (or ``postgres://``), with
  an optional ``?schema=name``: a PostgreSQL database (the ``postgres`` extra).

Without a URL it reads the ``JINJIECU_STORE`` environment variable, and
without that it opens :data:`DEFAULT_STORE_URL`, ``jinjiecu.db`` in the working
directory. The adapters are imported only when opened, so ``import
jinjiecu.storage`` never imports a database driver.

>>> with open_store("memory://") as store:
...     store.problems.count()
0
>>> open_store("mysql://root@localhost/ledger")
Traceback (most recent call last):
...
jinjiecu.errors.ConfigurationError: unknown store URL 'mysql://root@localhost/ledger': ...
>>> mask_url("postgresql://clerk:s3cret@db.example.cn/ledger")
'postgresql://clerk:***@db.example.cn/ledger'
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from jinjiecu.domain.policy import ALLOW_ALL
from jinjiecu.errors import ConfigurationError
from jinjiecu.storage.base import Query, Store, Transaction, Versioned
from jinjiecu.storage.memory import MemoryStore

if TYPE_CHECKING:
    from jinjiecu.domain.policy import Policy
    from jinjiecu.storage.postgres import PostgresStore
    from jinjiecu.storage.sqlite import SQLiteStore

__all__ = [
    "DEFAULT_STORE_URL",
    "STORE_ENV",
    "MemoryStore",
    "PostgresStore",
    "Query",
    "SQLiteStore",
    "Store",
    "Transaction",
    "Versioned",
    "mask_url",
    "open_store",
]

DEFAULT_STORE_URL = "sqlite:///jinjiecu.db"
"""The store opened when neither a URL nor ``JINJIECU_STORE`` is given."""

STORE_ENV = "JINJIECU_STORE"
"""The environment variable :func:`open_store` reads when given no URL."""

_SUPPORTED = "memory://, sqlite:///relative/file.db, sqlite:////absolute/file.db, postgresql://..."


def open_store(url: str | None = None, *, policy: Policy = ALLOW_ALL) -> Store:
    """Open the store ``url`` names (see the module docs); the caller closes it.

    ``policy`` decides who may do what (:mod:`jinjiecu.domain.policy`); by
    default everyone may do everything, as before.

    Raises :class:`~jinjiecu.errors.ConfigurationError` for an unknown scheme,
    a malformed URL or an unreachable server, naming the URL with any
    password masked.
    """
    if url is None:
        # An empty variable counts as unset; surrounding spaces are a typing slip.
        url = os.environ.get(STORE_ENV, "").strip() or DEFAULT_STORE_URL
    if not isinstance(url, str):
        message = f"a store URL is text such as {DEFAULT_STORE_URL!r}, not {type(url).__name__}"
        raise ConfigurationError(message)
    scheme, separator, rest = url.partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in ("memory", "sqlite", "postgresql", "postgres"):
        message = f"unknown store URL {mask_url(url)!r}: use one of {_SUPPORTED}"
        raise ConfigurationError(message)
    if scheme == "memory":
        if rest:
            message = f"memory:// takes nothing after the scheme, got {mask_url(url)!r}"
            raise ConfigurationError(message)
        return MemoryStore(policy=policy)
    if scheme == "sqlite":
        from jinjiecu.storage.sqlite import SQLiteStore  # noqa: PLC0415 - imported when used

        return SQLiteStore(_sqlite_path(url, rest), policy=policy)
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - imported when used

    return PostgresStore(url, policy=policy)


def _sqlite_path(url: str, rest: str) -> str:
    # sqlite:///a.db -> "a.db"; sqlite:////srv/a.db -> "/srv/a.db" (the third slash ends the host).
    path = rest[1:] if rest.startswith("/") else ""
    if not path:
        message = (
            f"{url!r} names no file: use sqlite:///relative/file.db or sqlite:////absolute/file.db"
        )
        raise ConfigurationError(message)
    if path == ":memory:":
        # Each thread would get a database of its own; the memory store is the in-memory option.
        message = "sqlite:///:memory: is not supported: use memory:// (or a temporary file)"
        raise ConfigurationError(message)
    return path


_PASSWORD_PAIR = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, fit for messages and logs.

    Masks the password in ``user:password@`` and in ``password=`` parameters
    (also in libpq ``key=value`` connection strings).

    >>> mask_url("postgresql://clerk@db/ledger?sslmode=require&password=x")
    'postgresql://clerk@db/ledger?sslmode=require&password=***'
    """
    masked = _PASSWORD_PAIR.sub(r"\1***", url)
    try:
        parts = urlsplit(masked)
    except ValueError:  # not a URL we can read: keep only the scheme
        return masked.partition("://")[0] + "://***"
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return masked
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def __getattr__(name: str) -> Any:
    # The adapters with drivers are imported on first use only.
    if name == "SQLiteStore":
        from jinjiecu.storage.sqlite import SQLiteStore  # noqa: PLC0415

        return SQLiteStore
    if name == "PostgresStore":
        from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

        return PostgresStore
    message = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(message)
