"""The README's main command runs on a fresh directory and prints the reported figures."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- main-command -->\n```sh\n(?P<command>.+)\n```", text)
    assert found, "README.md has no main command after <!-- main-command -->"
    return found["command"]


def test_the_main_command_installs_then_runs_the_demo_on_the_default_store(
    tmp_path: Path,
) -> None:
    install, run = (part.strip() for part in main_command().split("&&"))
    assert install == "python -m pip install ."  # the package under test is installed already
    program, *arguments = shlex.split(run)
    assert program == "jinjiecu"
    script = Path(sys.executable).parent / "jinjiecu"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jinjiecu.cli"]
    done = subprocess.run(
        [*command, *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "27个市级工作组共计进厂入企439次，共梳理问题153个，正在办理139个，已帮助解决完成14个"
        in (done.stdout)
    )
    assert (tmp_path / "jinjiecu.db").exists()  # the embedded default store
