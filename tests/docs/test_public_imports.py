"""The README, tutorial, how-to guides, explanations and examples import only public names.

Public are ``jinjiecu`` itself, the testing kit ``jinjiecu.testing`` and the
command line's entry point ``jinjiecu.cli``; every other module is internal
(see docs/reference/api.md) and may move.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_MODULES = re.compile(r"jinjiecu(\.testing(\.(strategies|conformance|stateful))?|\.cli)?")
IMPORT = re.compile(r"\b(?:from\s+(jinjiecu[\w.]*)\s+import|import\s+(jinjiecu[\w.]*))")
DOCUMENTS = sorted(
    [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "docs" / "tutorial").glob("*.md"),
        *(ROOT / "docs" / "howto").glob("*.md"),
        *(ROOT / "docs" / "explanation").glob("*.md"),
        *(ROOT / "examples").glob("*.py"),
    ]
)


def private_imports(text: str) -> list[str]:
    """Every module a text imports from that is not public, in order."""
    found = [a or b for a, b in IMPORT.findall(text)]
    return [module for module in found if not PUBLIC_MODULES.fullmatch(module)]


def test_the_check_finds_private_imports() -> None:
    text = "from jinjiecu.domain.money import Money\nimport jinjiecu.storage.sql\n"
    assert private_imports(text) == ["jinjiecu.domain.money", "jinjiecu.storage.sql"]
    public = "from jinjiecu import Money\nfrom jinjiecu.testing import strategies as js\n"
    assert private_imports(public) == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_and_examples_import_only_public_modules(path: Path) -> None:
    assert private_imports(path.read_text(encoding="utf-8")) == []
