"""The PostgreSQL store: a server database for offices with many users.

It needs the ``postgres`` extra (``pip install 'jinjiecu[postgres]'``: psycopg 3
and its connection pool); nothing imports psycopg until a store is opened.

- ``postgresql://user:password@host:5432/dbname`` (or ``postgres://``); a
  ``?schema=name`` parameter, or ``schema=``, keeps the tables in a schema of
  their own (created if missing), so tenants or test runs can share a database.
- Transactions are READ COMMITTED. Writes are optimistic: a problem's row is
  updated only ``WHERE version = expected``, which also locks it, so of two
  concurrent writers the second waits and then finds nothing to update
  (:class:`~jinjiecu.errors.ConflictError`); the ``(problem_id, sequence)``
  primary key of ``transitions`` is the backstop.
- Adding many problems or records at once streams them with ``COPY``.
- A server that cannot be reached when the store opens raises
  :class:`~jinjiecu.errors.ConfigurationError` naming the URL with its
  password masked; later failures raise
  :class:`~jinjiecu.errors.StoreUnavailableError`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from jinjiecu.domain.clock import now
from jinjiecu.domain.policy import ALLOW_ALL
from jinjiecu.errors import ConfigurationError, StorageError, StoreUnavailableError
from jinjiecu.storage.base import Session, Store
from jinjiecu.storage.sql import POSTGRES, SQLSession, UniqueKeyError, migrate

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator, Sequence

    import psycopg
    from psycopg_pool import ConnectionPool

    from jinjiecu.domain.policy import Policy

__all__ = ["PostgresStore"]

CONNECT_TIMEOUT = 10
"""Seconds to wait for the server when the URL does not say (``connect_timeout``)."""


def _split_schema(url: str) -> tuple[str, str | None]:
    """The URL without its ``schema`` query parameter (libpq does not know it), and the schema."""
    parts = urlsplit(url)
    kept: list[str] = []
    schema = None
    for piece in parts.query.split("&") if parts.query else []:
        name, _, value = piece.partition("=")
        if unquote(name) == "schema":
            schema = unquote(value)
        else:
            kept.append(piece)  # as written: re-encoding could change what libpq reads
    return urlunsplit(parts._replace(query="&".join(kept))), schema


def _require_driver() -> None:
    try:
        import psycopg  # noqa: F401, PLC0415 - an optional dependency, imported when needed
        import psycopg_pool  # noqa: F401, PLC0415
    except ImportError as error:
        message = (
            f"PostgreSQL stores need psycopg 3 and psycopg-pool ({error}); "
            "install them with: pip install 'jinjiecu[postgres]'"
        )
        raise ConfigurationError(message) from None


class PostgresStore(Store):
    """Records in a PostgreSQL database (``postgresql://...``); see the module docs.

    ``schema`` (or ``?schema=`` in the URL) names the schema the tables live
    in; without one they go where the server's ``search_path`` says (usually
    ``public``). ``min_size`` and ``max_size`` bound the connection pool;
    ``timeout`` is how long a transaction waits for a free connection.
    ``policy`` decides who may do what (:mod:`jinjiecu.domain.policy`;
    everyone, by default) and ``clock`` stamps the audit trail.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 30.0,
        policy: Policy = ALLOW_ALL,
        clock: Callable[[], dt.datetime] = now,
    ) -> None:
        from jinjiecu.storage import mask_url  # noqa: PLC0415 - the package imports this module lazily

        super().__init__(policy=policy, clock=clock)
        self.url = mask_url(url)
        try:
            conninfo, url_schema = _split_schema(url)
            password = urlsplit(url).password or ""
        except ValueError as error:
            message = f"{self.url}: not a PostgreSQL URL ({error})"
            raise ConfigurationError(message) from None
        # Masked in driver messages too, as written and percent-decoded.
        self._secrets = sorted({password, unquote(password)} - {""}, key=len, reverse=True)
        self.schema = schema if schema is not None else url_schema
        if self.schema is not None and not self.schema.strip():
            message = f"{self.url}: the schema name is empty"
            raise ConfigurationError(message)
        if not 0 <= min_size <= max_size or max_size < 1:
            message = (
                f"need 0 <= min_size <= max_size and max_size >= 1, got {min_size} and {max_size}"
            )
            raise ConfigurationError(message)
        _require_driver()
        self._closed = False
        options = self._connect_options(conninfo)
        self._migrate(conninfo, options)
        self._pool = self._open_pool(conninfo, options, min_size, max_size, timeout)

    # ------------------------------------------------------------------ opening

    def _scrub(self, text: str) -> str:
        """``text`` with the password masked, in case a driver message repeats it."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _unreachable(self, error: Exception) -> ConfigurationError:
        reason = self._scrub(str(error).strip())
        return ConfigurationError(f"cannot connect to PostgreSQL at {self.url}: {reason}")

    def _connect_options(self, conninfo: str) -> dict[str, Any]:
        import psycopg  # noqa: PLC0415 - optional dependency

        try:
            given = psycopg.conninfo.conninfo_to_dict(conninfo)
        except psycopg.Error as error:
            raise self._unreachable(error) from None
        options: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in given:
            options["connect_timeout"] = CONNECT_TIMEOUT
        return options

    def _configure(self, connection: psycopg.Connection[Any]) -> None:
        """Set up a new connection: JSON read as text, READ COMMITTED, the schema."""
        from psycopg import IsolationLevel, sql  # noqa: PLC0415 - optional dependency
        from psycopg.types.string import TextLoader  # noqa: PLC0415

        # The session parses JSON itself, exactly as the SQLite store does.
        connection.adapters.register_loader("json", TextLoader)
        connection.isolation_level = IsolationLevel.READ_COMMITTED
        if self.schema is not None:
            connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))

    def _migrate(self, conninfo: str, options: dict[str, Any]) -> None:
        """Create the schema if asked, and migrate it, on a connection of its own."""
        import psycopg  # noqa: PLC0415 - optional dependency
        from psycopg import sql  # noqa: PLC0415

        try:
            connection = psycopg.connect(conninfo, **options)
        except psycopg.Error as error:
            raise self._unreachable(error) from None
        try:
            with connection:
                self._configure(connection)
                with connection.transaction():
                    # Two stores opening a new schema at once: the second waits, then finds it done.
                    lock = f"jinjiecu:{self.schema or ''}"
                    connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [lock])
                    if self.schema is not None:
                        connection.execute(
                            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                                sql.Identifier(self.schema)
                            )
                        )
                    migrate(self._new_session(connection), self.url)
        except psycopg.Error as error:
            raise self.translate(error) from error

    def _open_pool(
        self, conninfo: str, options: dict[str, Any], min_size: int, max_size: int, timeout: float
    ) -> ConnectionPool[psycopg.Connection[Any]]:
        import psycopg  # noqa: PLC0415 - optional dependency
        from psycopg_pool import ConnectionPool  # noqa: PLC0415

        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            conninfo,
            kwargs=options,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            configure=self._configure,
            open=False,
            name="jinjiecu",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except psycopg.Error as error:
            pool.close()
            raise self._unreachable(error) from None
        return pool

    # ------------------------------------------------------------------ transactions

    def _new_session(self, connection: psycopg.Connection[Any]) -> _PostgresSession:
        return _PostgresSession(connection, self.translate)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        import psycopg  # noqa: PLC0415 - optional dependency

        if self._closed:
            message = f"{self.url}: the store is closed"
            raise StorageError(message)
        try:
            with self._pool.connection() as connection, connection.transaction():
                yield self._new_session(connection)
        except psycopg.Error as error:
            raise self.translate(error) from error

    def translate(self, error: Exception) -> StorageError:
        """The library's error for a psycopg error."""
        import psycopg  # noqa: PLC0415 - optional dependency
        from psycopg import errors  # noqa: PLC0415

        text = f"{self.url}: {self._scrub(str(error).strip())}"
        if isinstance(error, errors.UniqueViolation):
            return UniqueKeyError(text)
        if isinstance(error, errors.TransactionRollback):
            return StorageError(f"{text}; the transaction was rolled back, try again")
        if isinstance(error, psycopg.OperationalError):
            return StoreUnavailableError(text)
        return StorageError(text)

    def close(self) -> None:
        """Close the pool's connections; the store cannot be used afterwards."""
        self._closed = True
        self._pool.close()


class _PostgresSession(SQLSession):
    """The shared SQL session, with ``COPY`` for bulk loads."""

    def __init__(
        self, connection: psycopg.Connection[Any], translate: Callable[[Exception], StorageError]
    ) -> None:
        import psycopg  # noqa: PLC0415 - optional dependency

        self._pg_cursor = connection.cursor()
        super().__init__(self._pg_cursor, POSTGRES, psycopg.Error, translate)

    def load(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, bulk: bool
    ) -> None:
        """Insert ``rows``, streaming them with ``COPY`` when there are many."""
        if not bulk:
            super().load(table, columns, rows, bulk=bulk)
            return
        self.copy(table, columns, rows)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """``COPY`` ``rows`` into ``table``."""
        import psycopg  # noqa: PLC0415 - optional dependency

        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        try:
            with self._pg_cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise self._translate(error) from error
