"""The core and the fixture: the session implements the core methods, the store starts empty.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests
and runs them first.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

from jinjiecu.storage.base import KINDS, Session, SessionCore, Store
from jinjiecu.testing.conformance._helpers import ConformanceArea
from jinjiecu.testing.stateful import records_of

CORE_METHODS: tuple[str, ...] = ("insert", "fetch", "replace", "scan")
"""The session methods every adapter implements.

Documented where it is public, as :data:`jinjiecu.testing.conformance.CORE_METHODS`.
"""


class CoreConformance(ConformanceArea):
    """The store's session implements every core method; the fixture gives an empty store."""

    def test_the_session_implements_every_core_method(self, store: Store) -> None:
        session_class: type[object] = store.read(type)
        assert issubclass(session_class, Session), (
            f"{session_class.__name__} must subclass jinjiecu.storage.base.Session "
            "(the core plus the groups with defaults)"
        )
        assert frozenset(CORE_METHODS) == SessionCore.__abstractmethods__
        missing = [
            name
            for name in CORE_METHODS
            if getattr(getattr(session_class, name), "__isabstractmethod__", False)
        ]
        assert not missing, f"{session_class.__name__} does not implement core methods {missing}"

    def test_the_store_fixture_gives_an_empty_open_store(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.url, str)
        for kind in KINDS:
            assert records_of(store, kind).count() == 0, f"{kind.name} records already there"
            assert records_of(store, kind).list() == []
        assert store.problems.count() == 0
        assert store.problems.list() == []
