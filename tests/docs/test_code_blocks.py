"""Every Python code block in the README and the docs runs as a test.

In each Markdown file, the ``python`` blocks run in order in one namespace, as
a reader would type them, in a fresh working directory. ``pycon`` blocks run as
doctests in that same namespace. Shell blocks are not run here.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(?P<lang>[\w{}-]*)[^\n]*\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(page: Path) -> list[tuple[str, str, int]]:
    text = page.read_text(encoding="utf-8")
    return [
        (match["lang"], match["body"], text.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(text)
        if match["lang"] in ("python", "pycon")
    ]


PAGES_WITH_CODE = [page for page in PAGES if blocks(page)]


def test_the_readme_and_the_tutorial_have_code_to_run() -> None:
    assert ROOT / "README.md" in PAGES_WITH_CODE
    assert any("tutorial" in page.parts for page in PAGES_WITH_CODE)


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks(page)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    parser = doctest.DocTestParser()
    for lang, body, line in found:
        where = f"{page.relative_to(ROOT)}:{line}"
        if lang == "python":
            exec(compile(body, where, "exec"), namespace)  # noqa: S102 - running the docs is the test
        else:
            test = parser.get_doctest(body, namespace, where, str(page), line)
            result = runner.run(test, clear_globs=False)
            assert result.failed == 0, f"doctest block at {where} failed (output above)"
