"""Every script in examples/ runs to completion, as a user would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jinjiecu.domain.calendar import china_calendar

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_dezhou_example_prints_the_drive() -> None:
    script = next(p for p in EXAMPLES if p.name == "dezhou_campaign.py")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    assert "2019-10-10 至 2019-11-28: 50 天" in out
    assert "骨干企业 100 家" in out
    assert "19.77亿元 = 1,977,000,000.00 元" in out


def test_weekly_figures_prints_the_articles_row(tmp_path: Path) -> None:
    script = next(p for p in EXAMPLES if p.name == "weekly_figures.py")
    out = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    lines = out.splitlines()
    this_week = next(line for line in lines if line.startswith("截至2019-11-13"))
    for figure in ("27个", "439次", "153个", "139个", "14个"):
        assert figure in this_week
    assert any(line.startswith("截至2019-11-06") for line in lines)
    assert "As of 13 November 2019: 27 city work groups, 439 visits" in out
    assert "解决率排名" in out
    assert (tmp_path / "weekly_figures.db").exists()


def test_weekly_briefing_example_writes_the_briefing_and_the_report(tmp_path: Path) -> None:
    script = next(p for p in EXAMPLES if p.name == "weekly_briefing.py")
    out = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    headline = (
        "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，"
        "正在办理139个，已帮助解决完成14个。"
    )
    assert headline in out.splitlines()
    assert headline in (tmp_path / "briefing-2019-11-13.txt").read_text(encoding="utf-8")
    english = (tmp_path / "briefing-2019-11-13.en.txt").read_text(encoding="utf-8")
    assert "the 27 city-level work groups had made 439 visits" in english
    report = (tmp_path / "briefing-2019-11-13.html").read_text(encoding="utf-8")
    assert headline in report
    assert report.count("<figure>") == 3


def test_next_years_notice_example_moves_the_deadline(tmp_path: Path) -> None:
    script = next(p for p in EXAMPLES if p.name == "next_years_notice.py")
    out = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert "（暂定 provisional" in out
    year = china_calendar().provisional_years[0]
    assert f"provisional years: [{year}]" in out
    assert "时限重算 recounted p-1:" in out
    assert "after the notice, provisional years: []" in out
    assert "时限重算 (recount_deadline)" in out
