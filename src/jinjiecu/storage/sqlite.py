"""The SQLite store: one file, the standard library's sqlite3, no server.

It is the default store (``sqlite:///jinjiecu.db``). Several threads and
several processes may read and write one file at once:

- The file is in WAL mode, so readers never block the writer.
- Every transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock
  first, so two writers queue instead of both reading and then one failing to
  upgrade. A writer waits up to ``timeout`` seconds (30 by default) for the
  lock, then raises :class:`~jinjiecu.errors.StoreUnavailableError`.
- Each thread has its own connection; foreign keys are enforced. A large
  sort (grouping a million problems for the figures) may use helper threads,
  one per core up to four (``PRAGMA threads``).
- ``synchronous=FULL``: a commit returns only once it is on disk, so
  acknowledged writes survive a process kill *and* a power cut. That costs one
  fsync per commit (milliseconds); a bulk load is one commit. Pass
  ``synchronous="NORMAL"`` to skip it: commits then still survive a crash of
  the process, but the last ones may be lost if the machine loses power (the
  file is never corrupted either way).

>>> import tempfile, pathlib
>>> from jinjiecu.domain.ids import RegionId
>>> from jinjiecu.domain.divisions import DivisionKind
>>> from jinjiecu.domain.org import Region
>>> folder = tempfile.TemporaryDirectory()
>>> with SQLiteStore(pathlib.Path(folder.name) / "ledger.db") as store:
...     store.regions.add(Region(id=RegionId("371481"), name="乐陵市",
...                              kind=DivisionKind.COUNTY_LEVEL_CITY))
...     store.regions.get(RegionId("371481")).name
'乐陵市'
>>> folder.cleanup()
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jinjiecu.domain.clock import now
from jinjiecu.domain.policy import ALLOW_ALL
from jinjiecu.errors import ConfigurationError, StorageError, StoreUnavailableError
from jinjiecu.storage import sql
from jinjiecu.storage.base import Session, Store
from jinjiecu.storage.sql import SQLITE, SQLSession, UniqueKeyError, check_schema, migrate

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator

    from jinjiecu.domain.policy import Policy

__all__ = ["SQLiteStore"]

_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_SORTER_THREADS = min(os.cpu_count() or 1, 4)
"""Helper threads SQLite's sorter may use (``PRAGMA threads``): one per core, up to four."""


class _Holder:
    """A thread's connection; when the thread ends, it is dropped and the connection closed."""

    __slots__ = ("__weakref__", "connection")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection


class SQLiteStore(Store):
    """Records in an SQLite file (``sqlite:///path/file.db``); see the module docs.

    The file is created if missing and its schema migrated forward; a file
    written by a newer jinjiecu raises :class:`~jinjiecu.errors.SchemaVersionError`
    and is left untouched. The directory must exist. ``policy`` decides who
    may do what (:mod:`jinjiecu.domain.policy`; everyone, by default) and
    ``clock`` stamps the audit trail.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        policy: Policy = ALLOW_ALL,
        clock: Callable[[], dt.datetime] = now,
    ) -> None:
        super().__init__(policy=policy, clock=clock)
        self.path = Path(path)
        self.url = f"sqlite:///{os.fspath(path)}"
        self.timeout = timeout
        if synchronous not in ("FULL", "NORMAL"):
            message = f"synchronous must be 'FULL' or 'NORMAL', not {synchronous!r}"
            raise ConfigurationError(message)
        self._synchronous = synchronous
        self._thread = threading.local()
        self._lock = threading.Lock()
        self._closers: list[weakref.finalize[..., _Holder]] = []
        self._closed = False
        self._open_file()

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            # timeout: the busy timeout. isolation_level=None: the store issues BEGIN and
            # COMMIT itself. check_same_thread=False only so that close() may close every
            # thread's connection.
            connection = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise self.translate(error) from error
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA synchronous = {self._synchronous}")
            # Large sorts (grouping a million problems for the figures) may use helper
            # threads: measured a quarter faster on two cores. Small ones never start any.
            connection.execute(f"PRAGMA threads = {_SORTER_THREADS}")
        except sqlite3.Error as error:
            connection.close()
            raise self.translate(error) from error
        return connection

    def _open_file(self) -> None:
        """Check the schema version, switch to WAL and migrate, once, when the store opens."""
        connection = self._connect()
        try:
            session = self._new_session(connection)
            # Refuse a newer database before anything, even the journal mode, is written.
            current = check_schema(session, self.url)
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                message = f"{self.url}: cannot use WAL mode here (journal mode stays {mode!r})"
                raise StoreUnavailableError(message)
            if current < len(sql.MIGRATIONS):
                # Two processes opening a new file at once: the second waits, then finds it done.
                connection.execute("BEGIN IMMEDIATE")
                try:
                    migrate(session, self.url)
                except BaseException:
                    _rollback(connection)
                    raise
                connection.execute("COMMIT")
        except sqlite3.Error as error:
            connection.close()
            raise self.translate(error) from error
        except BaseException:
            connection.close()
            raise
        self._adopt(connection)

    def _adopt(self, connection: sqlite3.Connection) -> _Holder:
        holder = _Holder(connection)
        self._thread.holder = holder
        with self._lock:
            self._closers = [closer for closer in self._closers if closer.alive]
            self._closers.append(weakref.finalize(holder, connection.close))
        return holder

    def _connection(self) -> sqlite3.Connection:
        holder: _Holder | None = getattr(self._thread, "holder", None)
        if holder is None:
            holder = self._adopt(self._connect())
        return holder.connection

    def _new_session(self, connection: sqlite3.Connection) -> SQLSession:
        return SQLSession(connection.cursor(), SQLITE, sqlite3.Error, self.translate)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _session(self) -> Iterator[Session]:
        if self._closed:
            message = f"{self.url}: the store is closed"
            raise StorageError(message)
        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self.translate(error) from error
        try:
            yield self._new_session(connection)
        except BaseException:
            _rollback(connection)
            raise
        try:
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            _rollback(connection)
            raise self.translate(error) from error

    def translate(self, error: Exception) -> StorageError:
        """The library's error for an sqlite3 error."""
        name = getattr(error, "sqlite_errorname", "")
        if name in _UNIQUE:
            return UniqueKeyError(f"{self.url}: {error}")
        if name in _BUSY:
            return StoreUnavailableError(
                f"{self.url}: the database stayed locked by another writer for "
                f"longer than the {self.timeout:g} s timeout; try again"
            )
        # OperationalError: locked, read-only, disk I/O, cannot open; DatabaseError
        # itself: not a database, or a damaged one.
        if isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError:
            return StoreUnavailableError(f"{self.url}: {error}")
        return StorageError(f"{self.url}: {error}")

    # ------------------------------------------------------------------ the rest

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Copy the database to ``target`` while others keep working (SQLite's online backup).

        The copy holds every transaction committed when it was taken and is a
        complete store: open it with ``SQLiteStore(target)``. An existing
        ``target`` file is overwritten.
        """
        if self._closed:
            message = f"{self.url}: the store is closed"
            raise StorageError(message)
        # A connection of its own: the copy never includes an open transaction's writes.
        source = self._connect()
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        except sqlite3.Error as error:
            raise self.translate(error) from error
        finally:
            source.close()

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            closers, self._closers = self._closers, []
        for closer in closers:
            closer()


def _rollback(connection: sqlite3.Connection) -> None:
    # SQLite rolls back by itself after some errors; then there is nothing to undo.
    if connection.in_transaction:
        with suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
