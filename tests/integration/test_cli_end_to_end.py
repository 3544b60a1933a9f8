"""The installed ``jinjiecu`` console script, run in a subprocess as a clerk would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jinjiecu.cli import ExitCode

HEADLINE_ZH = (
    "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，正在办理139个，"
    "已帮助解决完成14个。"
)
HEADLINE_EN = (
    "As of 13 November 2019, the 27 city-level work groups had made 439 visits to "
    "enterprises and identified 153 problems in all: 139 are in progress and 14 have been solved."
)


def _script() -> list[str]:
    # The console script beside this Python; `python -m jinjiecu.cli` if it is not installed.
    found = shutil.which("jinjiecu", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "jinjiecu.cli"]


def jinjiecu(*argv: str, cwd: Path, encoding: str = "utf-8") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINJIECU_")}
    env["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [*_script(), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding=encoding,
        timeout=120,
        check=False,
        env=env,
    )


def assert_one_clean_line(err: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("jinjiecu: ")


def test_demo_then_stats(tmp_path: Path) -> None:
    demo = jinjiecu("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.splitlines() == [HEADLINE_ZH, HEADLINE_EN]
    assert (tmp_path / "jinjiecu.db").exists()  # the default store, in the working directory

    stats = jinjiecu("stats", "--as-of", "2019-11-13", "--json", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    total = json.loads(stats.stdout)["total"]
    assert (total["identified"], total["in_progress"], total["solved"]) == (153, 139, 14)


def test_mistakes_never_show_a_traceback(tmp_path: Path) -> None:
    bad_store = jinjiecu("stats", "--store", "oracle://x", cwd=tmp_path)
    assert bad_store.returncode == ExitCode.STORE
    assert_one_clean_line(bad_store.stderr)

    # A console that cannot show Chinese still gets one readable line, not a crash.
    ascii_console = jinjiecu("stats", "--store", "oracle://x", cwd=tmp_path, encoding="ascii")
    assert ascii_console.returncode == ExitCode.STORE
    assert_one_clean_line(ascii_console.stderr)
    assert "configuration error" in ascii_console.stderr

    bad_date = jinjiecu("stats", "--as-of", "2019-02-30", cwd=tmp_path)
    assert bad_date.returncode == ExitCode.USAGE
    assert "Traceback" not in bad_date.stderr

    no_store = jinjiecu("problem", "show", "x", cwd=tmp_path)
    assert no_store.returncode == ExitCode.STORE
    assert_one_clean_line(no_store.stderr)
    assert not (tmp_path / "jinjiecu.db").exists()

    (tmp_path / "bad.csv").write_text("问题标题,登记日期\n项目用地,2019-13-01\n", "utf-8-sig")
    assert jinjiecu("init", cwd=tmp_path).returncode == 0
    bad_ledger = jinjiecu("import", "bad.csv", cwd=tmp_path)
    assert bad_ledger.returncode == ExitCode.DATA
    assert "Traceback" not in bad_ledger.stderr
    assert "第2行" in bad_ledger.stderr


_BASE_INSTALL = """
import sys

class _NotInstalled:
    # Behave as if only the base install were there: no optional extras.
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"openpyxl", "matplotlib", "pandas", "psycopg"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
from jinjiecu.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_main_job_needs_only_the_base_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINJIECU_")}
    env["PYTHONIOENCODING"] = "utf-8"

    def base(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _BASE_INSTALL, *argv],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
            env=env,
        )

    demo = base("demo", "--lang", "zh")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.strip() == HEADLINE_ZH
    csv = base("export", "台账.csv", "--quiet")
    assert csv.returncode == 0, csv.stderr
    xlsx = base("export", "台账.xlsx")
    assert xlsx.returncode == ExitCode.DEPENDENCY, xlsx.stderr
    assert_one_clean_line(xlsx.stderr)
    assert "jinjiecu[excel]" in xlsx.stderr
    report = base("report", "--html", "通报.html", "--lang", "en")
    assert report.returncode == ExitCode.DEPENDENCY
    assert_one_clean_line(report.stderr)
    assert "--no-charts" in report.stderr
    plain = base("report", "--html", "通报.html", "--no-charts", "--as-of", "2019-11-13", "-q")
    assert plain.returncode == 0, plain.stderr
    assert "439" in (tmp_path / "通报.html").read_text(encoding="utf-8")
