"""The store conformance suite: every rule of the store contract, as tests any adapter runs.

Every store that ships with jinjiecu (memory, SQLite, PostgreSQL) passes this
suite, and a store of your own passes it the same way. Your session
implements the core of the contract, :data:`CORE_METHODS` (``insert``,
``fetch``, ``replace`` and ``scan`` of
:class:`~jinjiecu.storage.base.SessionCore`); every other method of
:class:`~jinjiecu.storage.base.Session` has a default written on them, which
you may override for speed. The suite checks the defaults and your overrides
alike, and its first test checks that your session implements every core
method.

Subclass :class:`StoreConformance` in a test module of yours, under a name
pytest collects (``Test...``), and give it one fixture, ``store``::

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def store(self, tmp_path):
            with MyStore(tmp_path / "test.db") as store:
                yield store

The fixture must yield a fresh, empty, open store for every test (function
scope) and may close it afterwards; the tests never close it themselves. Use
a new file, a new schema or truncated tables, whatever makes the store empty.
The store must be usable from several threads at once (some tests race
writers against each other). That is all: every test method is inherited,
one per rule of the contract and kind of record (about 180 tests; seconds on
SQLite, under a minute on a local PostgreSQL, most of it making the fresh
stores). For pytest's detailed assertion messages, add
``pytest.register_assert_rewrite("jinjiecu.testing.conformance")`` to your
``conftest.py``.

What is checked: the session implements :data:`CORE_METHODS`; then, kind by
kind (every kind of :data:`~jinjiecu.storage.base.KINDS`, with records drawn
from :mod:`jinjiecu.testing.strategies`) and for problems:

- records round-trip exactly (``==``, and the same wire form: decimals keep
  their exponent, moments their UTC offset, text every code point);
- ``get``, ``get_versioned``, ``in``; a missing id raises
  :class:`~jinjiecu.errors.NotFoundError` naming kind and id; a duplicate id
  (or enterprise credit code) raises :class:`~jinjiecu.errors.DuplicateError`
  and writes nothing;
- ``update`` is optimistic: a stale or future version raises
  :class:`~jinjiecu.errors.ConflictError` with kind, id, expected and actual
  version, and writes nothing;
- ``list`` orders by id (code point order, whatever the database collation),
  pages with ``limit`` and ``offset``, applies every filter the kind has
  (dates on the local China date, ids matched exactly: no case folding, no
  ``LIKE`` wildcards); filters the kind does not have and bad pages raise
  :class:`~jinjiecu.errors.ValidationError`;
- problems: histories round-trip; ``save`` appends and checks the version,
  and never rewrites a stored transition; ``apply``; idempotency keys (a
  retry returns the stored problem and writes nothing; a key is bound to one
  problem; a rolled-back save forgets its key); (problem id, sequence) stays
  unique when threads race; every problem filter, kept up to date as
  problems change;
- transactions commit when the block ends and roll back on any exception
  (records, problems, new transitions and idempotency keys alike); batches
  are all or nothing; a write that fails inside a transaction leaves nothing
  behind and the transaction goes on (a savepoint per write); nested
  transactions are refused; calls on the store's own collections commit one
  by one;
- hostile text (SQL, quotes, backslashes, control characters, emoji with
  joiners, unassigned code points, 100,000-character notes) and hostile ids
  round-trip exactly; a thousand records go in one ``add_many``.

Hypothesis tests run a few examples each, at most the active profile's
``max_examples``; raise :attr:`StoreConformance.max_examples` in a subclass for
a longer run. They share the one store of their test: each example uses ids of
its own, or runs in a transaction that is rolled back at its end.

This package needs pytest and Hypothesis (the ``testing`` extra); it is only
imported by test suites. The matching state-machine test, which runs random
steps against the memory store and yours together, is
:func:`jinjiecu.testing.stateful.run_against_model`.
"""

from __future__ import annotations

from typing import ClassVar

from jinjiecu.testing.conformance import _core, _hostile
from jinjiecu.testing.conformance._conflicts import ConflictsConformance
from jinjiecu.testing.conformance._core import CoreConformance
from jinjiecu.testing.conformance._figures import FiguresConformance
from jinjiecu.testing.conformance._helpers import fresh_bridge_fund as fresh_bridge_fund
from jinjiecu.testing.conformance._hostile import HostileInputConformance
from jinjiecu.testing.conformance._integrity import IntegrityConformance
from jinjiecu.testing.conformance._notices import NoticesConformance
from jinjiecu.testing.conformance._problems import ProblemsConformance
from jinjiecu.testing.conformance._records import RecordsConformance
from jinjiecu.testing.conformance._transactions import TransactionsConformance

__all__ = ["CORE_METHODS", "HOSTILE_IDS", "HOSTILE_NAMES", "HOSTILE_TEXTS", "StoreConformance"]

# The public values are defined beside the tests that use them; they are bound again
# here, with their docstrings, because the documentation reads a module's data from
# the module's own source.

CORE_METHODS: tuple[str, ...] = _core.CORE_METHODS
"""The session methods every adapter implements (the abstract methods of the core).

``insert``, ``fetch``, ``replace`` and ``scan`` of
:class:`~jinjiecu.storage.base.SessionCore`, on versioned records of a
:class:`~jinjiecu.storage.base.RecordKind` (the kinds of
:data:`~jinjiecu.storage.base.KINDS` and
:data:`~jinjiecu.storage.base.INTERNAL_KINDS`). Every other session method
belongs to a group with defaults written on these
(:class:`~jinjiecu.storage.base.ProblemStorage`,
:class:`~jinjiecu.storage.base.IdempotencyStorage`,
:class:`~jinjiecu.storage.base.NoticeStorage`,
:class:`~jinjiecu.storage.base.IntegrityStorage`, and ``select`` and
``count`` of the core itself).
:meth:`StoreConformance.test_the_session_implements_every_core_method
<jinjiecu.testing.conformance._core.CoreConformance.test_the_session_implements_every_core_method>`
checks the store's session class against this list.
"""

HOSTILE_NAMES: tuple[str, ...] = _hostile.HOSTILE_NAMES
"""Single-line, non-blank names that stores must keep exactly (no control characters)."""

HOSTILE_TEXTS: tuple[str, ...] = _hostile.HOSTILE_TEXTS
"""Free texts (notes, descriptions) that stores must keep exactly; the last is 100,000 long."""

HOSTILE_IDS: tuple[str, ...] = _hostile.HOSTILE_IDS
"""Printable ids that stores must keep exactly and match exactly (case and wildcards)."""


class StoreConformance(
    # pytest collects the tests of a base class before those of a subclass, and of the
    # last base first: the areas are listed last to first, so that the core runs first.
    IntegrityConformance,
    NoticesConformance,
    FiguresConformance,
    HostileInputConformance,
    TransactionsConformance,
    ConflictsConformance,
    ProblemsConformance,
    RecordsConformance,
    CoreConformance,
):
    """Every rule of the store contract as a test; subclass it and give a ``store`` fixture.

    See the module documentation for how. The subclass's name must start with
    ``Test`` for pytest to collect it; this class itself is never collected.

    An adapter must implement :data:`CORE_METHODS`; every test is inherited,
    one class per area of the contract, in the order they run:

    - :class:`~jinjiecu.testing.conformance._core.CoreConformance`: the
      session implements :data:`CORE_METHODS`, the fixture gives an empty store;
    - :class:`~jinjiecu.testing.conformance._records.RecordsConformance`:
      records of every kind, lists, filters and pages, unique credit codes;
    - :class:`~jinjiecu.testing.conformance._problems.ProblemsConformance`:
      problem histories, ``save`` and ``apply``, problem filters and pages;
    - :class:`~jinjiecu.testing.conformance._conflicts.ConflictsConformance`:
      idempotency keys and racing writers;
    - :class:`~jinjiecu.testing.conformance._transactions.TransactionsConformance`:
      commit, rollback, a failed write inside a transaction, no nesting;
    - :class:`~jinjiecu.testing.conformance._hostile.HostileInputConformance`:
      hostile text and ids, and large batches;
    - :class:`~jinjiecu.testing.conformance._figures.FiguresConformance`:
      figures (metrics) that agree with the memory store's;
    - :class:`~jinjiecu.testing.conformance._notices.NoticesConformance`:
      holiday notices and the deadlines they recount;
    - :class:`~jinjiecu.testing.conformance._integrity.IntegrityConformance`:
      the hash chain and the audit trail, finance records' versions included.

    The area classes are internal: subclass this class, not them.
    """

    max_examples: ClassVar[int] = 8
    """Examples per Hypothesis test (the active profile's ``max_examples`` if lower)."""
