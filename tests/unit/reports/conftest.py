"""What the import tests share: an office's SQLite store, and its file's bytes."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import TYPE_CHECKING

import pytest

from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store in ``office.db``, as ``jinjiecu init`` would make."""
    with open_store(f"sqlite:///{tmp_path / 'office.db'}") as opened:
        yield opened


def _dump(path: Path) -> tuple[str, str]:
    with sqlite3.connect(path) as connection:
        text = "\n".join(connection.iterdump())
    connection.close()
    return text, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def dump() -> Callable[[Path], tuple[str, str]]:
    """The store file's SQL dump and its bytes' digest: equal before and after, nothing written."""
    return _dump
