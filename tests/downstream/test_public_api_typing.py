"""A downstream program using only ``from jinjiecu import ...`` passes ``mypy --strict``.

Three files are checked in one mypy run, outside this repository's settings:
a small app using the public names (it must pass, and it runs), a file
revealing the type of every name in ``jinjiecu.__all__`` (none may be
``Any``: type checkers see what each name is, although it is imported lazily),
and a file of mistakes the types must catch.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

import jinjiecu

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("mypy")

APP = '''
    """Figures by work group, as a county app would ask for them."""

    from __future__ import annotations

    import datetime as dt

    from jinjiecu import (
        ConflictError,
        Dimension,
        Money,
        ProblemSummary,
        dezhou_2019,
        end_of_day,
        open_store,
        problem_summary,
    )


    def figures_by_group(day: dt.date) -> dict[str, tuple[int, int]]:
        """Identified and solved problems per work group, as of the end of ``day``."""
        sample = dezhou_2019()
        with open_store("memory://") as store:
            sample.load_into(store)
            summary: ProblemSummary = problem_summary(
                store, as_of=end_of_day(day), by=Dimension.WORK_GROUP
            )
        return {row.label: (row.figures.identified, row.figures.solved) for row in summary.rows}


    def total_relief(amounts: list[str]) -> Money:
        """The sum of amounts written as reports write them."""
        return sum((Money.parse(text) for text in amounts), Money.zero())


    def describe(error: ConflictError) -> str:
        """What a clerk is told when someone else saved first."""
        return f"{error.kind} {error.id}: expected {error.expected_version}"


    if __name__ == "__main__":
        figures = figures_by_group(dt.date(2019, 11, 13))
        print(len(figures), sum(identified for identified, _ in figures.values()))
        print(total_relief(["19.77亿元", "3000万元"]))
'''

MISTAKES = """
    from jinjiecu import EnterpriseId, Money, ProblemId, Problem, open_store
    from jinjiecu import Problme

    def enterprise_name(enterprise_id: EnterpriseId) -> str:
        return str(enterprise_id)

    enterprise_name(ProblemId("p-1"))
    amount: int = Money.parse("1万元")
    open_store(42)


    def rename(problem: Problem) -> None:
        problem.title = "frozen records cannot be changed in place"
"""


def test_a_downstream_program_type_checks_strictly_and_every_public_name_has_a_type(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    (tmp_path / "mistakes.py").write_text(textwrap.dedent(MISTAKES), encoding="utf-8")
    names = [name for name in jinjiecu.__all__ if name != "__version__"]
    (tmp_path / "reveal.py").write_text(
        "import jinjiecu\n\n" + "".join(f"reveal_type(jinjiecu.{n})\n" for n in names),
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file=/dev/null",
            "app.py",
            "mistakes.py",
            "reveal.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout
    assert not [line for line in out.splitlines() if line.startswith("app.py")], out
    revealed = re.findall(r'^reveal\.py:\d+: note: Revealed type is "(.*)"$', out, re.MULTILINE)
    assert len(revealed) == len(names), out
    assert "Any" not in revealed, [n for n, t in zip(names, revealed, strict=True) if t == "Any"]
    mistakes = [line for line in out.splitlines() if line.startswith("mistakes.py")]
    assert any('"ProblemId"' in line and '"EnterpriseId"' in line for line in mistakes), out
    assert any('"Money"' in line and '"int"' in line for line in mistakes), out
    assert any("open_store" in line for line in mistakes), out
    assert any('"Problme"' in line for line in mistakes), out
    assert any('"title"' in line and "read-only" in line for line in mistakes), out

    ran = subprocess.run(
        [sys.executable, "app.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert ran.stdout.splitlines() == ["27 153", "20.07亿元"]
