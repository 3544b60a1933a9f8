"""The ``jinjiecu`` command, run in-process through ``main(argv)`` and, end to end, as a script."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from jinjiecu import __version__
from jinjiecu.cli import ExitCode, main
from jinjiecu.cli._progress import Progress
from jinjiecu.cli._stats import DIMENSIONS_HELP
from jinjiecu.cli._text import parse_day, parse_moment, table, width, wrap
from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.clock import CHINA_TZ, end_of_day
from jinjiecu.domain.divisions import DEZHOU_DIVISIONS
from jinjiecu.domain.org import regions_from_divisions
from jinjiecu.metrics import Dimension
from jinjiecu.storage import open_store

HEADLINE_ZH = (
    "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，正在办理139个，"
    "已帮助解决完成14个。"
)
HEADLINE_EN = (
    "As of 13 November 2019, the 27 city-level work groups had made 439 visits to "
    "enterprises and identified 153 problems in all: 139 are in progress and 14 have been solved."
)
DEMO_FIGURES = {
    "work_groups": 27,
    "visits": 439,
    "identified": 153,
    "in_progress": 139,
    "solved": 14,
}


@pytest.fixture(autouse=True)
def _no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JINJIECU_STORE", raising=False)
    monkeypatch.delenv("JINJIECU_LANG", raising=False)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file holding the demo drive, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    assert main(["demo", "--store", f"sqlite:///{path}", "--quiet"]) == 0
    return f"sqlite:///{path}"


@pytest.fixture
def own_db(tmp_path: Path, demo_db: str) -> str:
    """A private copy of the demo store, for tests that write."""
    source = Path(demo_db.removeprefix("sqlite:///"))
    target = tmp_path / "own.db"
    shutil.copy(source, target)
    return f"sqlite:///{target}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def assert_one_clean_line(err: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("jinjiecu: ")


# ---------------------------------------------------------------------- version and help


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"jinjiecu {__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["init"],
        ["demo"],
        ["stats"],
        ["problem"],
        ["problem", "list"],
        ["problem", "show"],
        ["problem", "register"],
        ["problem", "apply"],
        ["import"],
        ["export"],
        ["report"],
        ["calendar"],
        ["calendar", "show"],
        ["calendar", "list"],
        ["calendar", "add-notice"],
        ["calendar", "recount"],
    ],
    ids=lambda argv: " ".join(argv) or "jinjiecu",
)
def test_every_command_has_help_in_both_languages(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, _ = run(capsys, *argv, "--help")
    assert code == 0
    assert re.search(r"[\u4e00-\u9fff]", out), "Chinese help"
    assert "--store" in out
    assert "show this help" in out


def test_apply_help_lists_every_event_with_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "problem", "apply", "--help")
    assert "assign 交办: lead_department_id*, co_department_ids, deadline, working_days" in out
    assert "follow_up 回访: outcome*, satisfaction*, method, comment" in out


def test_no_command_prints_help_and_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == ExitCode.USAGE
    assert "COMMAND" in err


def test_options_go_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    before = run(capsys, "--store", demo_db, "--lang", "en", "stats", "--as-of", "2019-11-13")
    after = run(capsys, "stats", "--as-of", "2019-11-13", "--store", demo_db, "--lang", "en")
    assert before[0] == after[0] == 0
    assert before[1] == after[1]
    assert "identified" in before[1]
    assert "梳理问题" not in before[1]


# ---------------------------------------------------------------------- init


def test_init_creates_then_reports_a_ready_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'office.db'}"
    first = run_json(capsys, "init", "--store", store)
    assert first["created"] is True
    assert first["schema_version"] >= 1
    assert (tmp_path / "office.db").exists()
    code, out, _ = run(capsys, "init", "--store", store, "--lang", "zh")
    assert code == 0
    assert "数据库已就绪" in out
    assert run_json(capsys, "init", "--store", store)["created"] is False


def test_a_plain_path_and_the_environment_name_the_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_json(capsys, "init", "--store", "plain.db")["store"] == "sqlite:///plain.db"
    assert (tmp_path / "plain.db").exists()
    monkeypatch.setenv("JINJIECU_STORE", "sqlite:///from-env.db")
    assert run_json(capsys, "init")["store"] == "sqlite:///from-env.db"
    monkeypatch.delenv("JINJIECU_STORE")
    assert run_json(capsys, "init")["store"] == "sqlite:///jinjiecu.db"
    assert (tmp_path / "jinjiecu.db").exists()


# ---------------------------------------------------------------------- demo


def test_demo_loads_the_sample_and_prints_the_headline_in_both_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, err = run(capsys, "demo", "--store", store)
    assert code == 0, err
    assert out.splitlines() == [HEADLINE_ZH, HEADLINE_EN]
    assert "1532" in err  # what was loaded is said on stderr, apart from the figures
    assert "\r" not in err  # no progress bar when stderr is not a terminal
    with open_store(store) as opened:
        assert opened.problems.count() == 197


def test_demo_full_prints_the_whole_briefing(
    capsys: pytest.CaptureFixture[str], own_db: str
) -> None:
    code, out, _ = run(capsys, "demo", "--full", "--store", own_db, "--lang", "zh")
    assert code == 0
    assert HEADLINE_ZH in out
    assert "一、分工作组情况" in out


def test_the_dimension_help_names_every_dimension() -> None:
    assert ", ".join(f"{d.value} {d.label}" for d in Dimension) == DIMENSIONS_HELP


def test_demo_is_idempotent(capsys: pytest.CaptureFixture[str], own_db: str) -> None:
    # own_db already holds the demo, loaded by the demo_db fixture through `main`.
    again = run_json(capsys, "demo", "--store", own_db)
    assert again["loaded"] is False
    assert again["records_added"] == 0
    assert again["figures"] == DEMO_FIGURES
    assert again["headline"] == {"zh": HEADLINE_ZH, "en": HEADLINE_EN}
    assert again["as_of"] == "2019-11-13T23:59:59.999999+08:00"
    with open_store(own_db) as opened:
        assert opened.problems.count() == 197
        assert opened.work_groups.count() == 27
    code, out, err = run(capsys, "demo", "--store", own_db, "--lang", "zh")
    assert code == 0
    assert out.strip() == HEADLINE_ZH
    assert "样例已在数据库中" in err


def test_demo_keeps_records_the_store_already_has(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The dezhou_campaign example stores the same regions first; demo must still load.
    store = f"sqlite:///{tmp_path / 'shared.db'}"
    regions = regions_from_divisions(DEZHOU_DIVISIONS)
    with open_store(store) as opened:
        opened.regions.add_many(regions)
    result = run_json(capsys, "demo", "--store", store)
    assert result["figures"] == DEMO_FIGURES
    assert 0 < result["records_added"] < 1532


# ---------------------------------------------------------------------- stats


def test_stats_json_gives_the_exact_figures(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    data = run_json(capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13")
    assert data["as_of"] == "2019-11-13T23:59:59.999999+08:00"
    assert data["by"] is None
    assert data["rows"] == []
    total = data["total"]
    assert (total["identified"], total["in_progress"], total["solved"]) == (153, 139, 14)
    assert total["registered"] == 156
    assert total["excluded"] == 3
    assert data["visits"]["visits"] == 439
    assert total["rates"]["resolution_rate"] == {
        "numerator": 14,
        "denominator": 153,
        "value": "0.0915",
        "percent": "9.2%",
    }
    durations = total["durations"]["response_working_days"]
    assert isinstance(durations["mean"], str)  # exact decimals, never floats


def test_stats_by_group_adds_up_to_the_total(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    data = run_json(capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--by", "工作组")
    assert data["by"] == "work_group"
    assert len(data["rows"]) == 27
    assert sum(row["figures"]["identified"] for row in data["rows"]) == 153
    assert sum(row["figures"]["solved"] for row in data["rows"]) == 14
    assert sum(row["visits"]["visits"] for row in data["rows"]) == 439
    english = run_json(
        capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--by", "work_group"
    )
    assert english == data


def test_stats_table_lines_up(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    code, out, _ = run(
        capsys, "stats", "--store", demo_db, "--as-of", "2019年11月13日", "--by", "region"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "截至 2019年11月13日（当日止）"
    total = next(line for line in lines if line.startswith("合计 total"))
    assert total.split()[2:6] == ["439", "153", "139", "14"]
    assert "乐陵市" in out


def test_stats_total_table(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    code, out, _ = run(capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--lang", "zh")
    assert code == 0
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines()[3:] if line.strip()}
    assert rows["进厂入企"] == "439"
    assert rows["梳理问题"] == "153"
    assert rows["正在办理"] == "139"
    assert rows["已帮助解决"] == "14"
    assert "9.2% (14/153)" in out


def test_stats_filters_by_names(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    by_id = run_json(
        capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--group", "dz2019-g-01"
    )
    by_name = run_json(
        capsys,
        "stats",
        "--store",
        demo_db,
        "--as-of",
        "2019-11-13",
        "--group",
        "市级第一工作组（德州经济技术开发区）",
    )
    assert by_id == by_name
    assert by_id["filters"] == {"work_group_id": "dz2019-g-01"}
    assert by_id["total"]["identified"] == 7
    assert by_id["visits"]["visits"] == 21
    category = run_json(
        capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--category", "融资"
    )
    assert category["filters"] == {"category": "financing"}
    assert category["visits"] is None  # visits have no category
    assert 0 < category["total"]["identified"] < 153


def test_stats_visits_table(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    data = run_json(
        capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13", "--visits", "--by", "月"
    )
    assert data["total"]["visits"] == 439
    assert sum(row["figures"]["visits"] for row in data["rows"]) == 439
    code, _, err = run(capsys, "stats", "--store", demo_db, "--visits", "--category", "融资")
    assert code == ExitCode.USAGE
    assert_one_clean_line(err)


def test_stats_as_of_a_later_day_moves_on(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    later = run_json(capsys, "stats", "--store", demo_db, "--as-of", "2019-11-28")
    assert later["total"]["solved"] > 14
    assert later["visits"]["visits"] > 439


# ---------------------------------------------------------------------- problem


def test_problem_list_and_show(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    listed = run_json(
        capsys, "problem", "list", "--store", demo_db, "--state", "正在办理", "--limit", "3"
    )
    assert listed["count"] > 3
    assert len(listed["problems"]) == 3
    assert {p["state"] for p in listed["problems"]} == {"in_progress"}
    first = listed["problems"][0]["id"]
    shown = run_json(capsys, "problem", "show", first, "--store", demo_db)
    assert shown["id"] == first
    assert shown["transitions"][0]["event"] == "register"
    assert len(shown["transitions"]) == shown["version"]
    assert "resolve" in shown["allowed_events"]
    code, out, _ = run(capsys, "problem", "show", first, "--store", demo_db, "--lang", "zh")
    assert code == 0
    assert "登记" in out
    assert shown["title"] in out


def test_problem_show_as_of_an_earlier_moment(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    now = run_json(capsys, "problem", "show", "dz2019-p-0001", "--store", demo_db)
    then = run_json(
        capsys, "problem", "show", "dz2019-p-0001", "--store", demo_db, "--as-of", "2019-10-10"
    )
    assert then["version"] == 1
    assert then["state"] == "registered"
    assert now["version"] > 1


def test_register_and_move_a_problem_through_its_workflow(
    capsys: pytest.CaptureFixture[str], own_db: str
) -> None:
    registered = run_json(
        capsys,
        "problem",
        "register",
        "--store",
        own_db,
        "--id",
        "cli-1",
        "--title",
        "项目用地指标不足",
        "--category",
        "土地使用",
        "--region",
        "乐陵市",
        "--enterprise",
        "dz2019-e-137",
        "--group",
        "dz2019-g-06",
        "--campaign",
        "dz2019",
        "--at",
        "2019-11-20 10:00",
        "--actor",
        "张三",
    )
    assert registered["id"] == "cli-1"
    assert registered["state"] == "registered"
    assert registered["region_id"] == "371481"
    assert registered["category"] == "land_use"
    assert registered["transitions"][0]["actor"] == {"kind": "clerk", "id": "张三", "name": "张三"}

    def apply(*argv: str) -> Any:
        return run_json(capsys, "problem", "apply", "cli-1", *argv, "--store", own_db)

    assigned = apply(
        "交办",
        "lead_department_id=德州市自然资源和规划局",
        "deadline=2019年12月20日",
        "--at",
        "2019-11-20T15:00",
    )
    assert assigned["state"] == "assigned"
    assert assigned["deadline"] == "2019-12-20"
    assert assigned["lead_department_id"].startswith("dz-")
    assert apply("start", "--at", "2019-11-21")["state"] == "in_progress"
    resolved = apply("解决", "summary=调剂用地指标", "--at", "2019-11-25", "--note", "县里协调")
    assert resolved["state"] == "resolved"
    assert resolved["transitions"][-1]["note"] == "县里协调"
    followed = apply("回访", "outcome=已解决", "satisfaction=满意", "--at", "2019-11-26")
    assert followed["transitions"][-1]["data"]["satisfaction"] == "satisfied"
    assert apply("close", "--at", "2019-11-27", "--expected-version", "5")["state"] == "closed"

    code, _, err = run(
        capsys, "problem", "apply", "cli-1", "reopen", "reason=x", "--store", own_db,
        "--expected-version", "3",
    )  # fmt: skip
    assert code == ExitCode.STORE
    assert_one_clean_line(err)
    assert "version" in err


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["problem", "show", "no-such"], ExitCode.DATA, "not found"),
        (["problem", "apply", "dz2019-p-0001", "close"], ExitCode.DATA, "not allowed"),
        (["problem", "apply", "dz2019-p-0001", "resolve"], ExitCode.DATA, "summary"),
        (["problem", "apply", "dz2019-p-0001", "resolve", "summery=x"], ExitCode.DATA, "summery"),
        (["problem", "apply", "dz2019-p-0001", "resolve", "summary"], ExitCode.USAGE, "FIELD"),
        (["problem", "apply", "dz2019-p-0001", "dance"], ExitCode.DATA, "event"),
        (["problem", "apply", "dz2019-p-0001", "register"], ExitCode.USAGE, "register"),
        (
            ["problem", "apply", "dz2019-p-0001", "assign", "lead_department_id=不存在的局"],
            ExitCode.DATA,
            "no department",
        ),
        (
            [
                "problem",
                "apply",
                "dz2019-p-0001",
                "extend_deadline",
                "approval=x",
                "working_days=ten",
            ],
            ExitCode.DATA,
            "whole number",
        ),
        (["problem", "list", "--state", "happy"], ExitCode.DATA, "state"),
        (["problem", "list", "--group", "第九十九组"], ExitCode.DATA, "no work group"),
        (["problem"], ExitCode.USAGE, "list, show, register or apply"),
        (["stats", "--by", "colour"], ExitCode.DATA, "by"),
        (["stats", "--category", "天气"], ExitCode.DATA, "category"),
        (
            ["problem", "register", "--title", "x", "--category", "融资", "--region", "火星"],
            ExitCode.DATA,
            "no region",
        ),
    ],
)
def test_user_errors_are_one_line_with_the_right_code(
    capsys: pytest.CaptureFixture[str],
    own_db: str,
    argv: list[str],
    code: int,
    fragment: str,
) -> None:
    got, out, err = run(capsys, *argv, "--store", own_db)
    assert got == code
    assert out == ""
    assert_one_clean_line(err)
    assert fragment in err


# ---------------------------------------------------------------------- errors


def test_a_bad_store_url_is_a_store_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "--store", "mysql://root@localhost/x")
    assert code == ExitCode.STORE
    assert_one_clean_line(err)
    assert "配置有误 / configuration error" in err


def test_a_missing_store_file_is_not_created_by_reading(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "typo.db"
    code, _, err = run(capsys, "stats", "--store", str(path))
    assert code == ExitCode.STORE
    assert_one_clean_line(err)
    assert "jinjiecu init" in err
    assert not path.exists()


def test_a_store_in_a_missing_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "init", "--store", str(tmp_path / "no" / "such" / "dir.db"))
    assert code == ExitCode.STORE
    assert_one_clean_line(err)


def test_a_file_that_is_not_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库 not a database " * 100, encoding="utf-8")
    code, _, err = run(capsys, "stats", "--store", str(path))
    assert code == ExitCode.STORE
    assert_one_clean_line(err)


@pytest.mark.parametrize("bad", ["2019-13-45", "yesterday-ish", "2019年2月30日", "11/13/2019"])
def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    code, out, err = run(capsys, "stats", "--as-of", bad)
    assert code == ExitCode.USAGE
    assert out == ""
    assert "Traceback" not in err
    assert "不是有效日期 / not a valid date" in err


def test_messages_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, zh = run(capsys, "stats", "--store", "nope://", "--lang", "zh")
    _, _, en = run(capsys, "stats", "--store", "nope://", "--lang", "en")
    assert zh.startswith("jinjiecu: 配置有误：")
    assert en.startswith("jinjiecu: configuration error: ")


def test_the_language_can_come_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demo_db: str
) -> None:
    monkeypatch.setenv("JINJIECU_LANG", "en")
    code, out, _ = run(capsys, "stats", "--store", demo_db, "--as-of", "2019-11-13")
    assert code == 0
    assert out.startswith("As of the end of 2019-11-13")


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "--store", "nope://", "--debug")
    assert code == ExitCode.STORE
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("jinjiecu: ")


def _raise(error: BaseException) -> Any:
    def handler(*_args: object) -> int:
        raise error

    return handler


@pytest.mark.parametrize(
    ("error", "code", "fragment"),
    [
        (
            FileNotFoundError(2, "No such file or directory", "台账.xlsx"),
            ExitCode.FILE,
            "台账.xlsx",
        ),
        (PermissionError(13, "Permission denied", "/x"), ExitCode.FILE, "Permission denied"),
        (
            ModuleNotFoundError("no openpyxl", name="openpyxl"),
            ExitCode.DEPENDENCY,
            "jinjiecu[excel]",
        ),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, "interrupted"),
        (RuntimeError("boom"), ExitCode.INTERNAL, "RuntimeError: boom"),
    ],
)
def test_other_failures_become_messages(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    code: int,
    fragment: str,
) -> None:
    monkeypatch.setattr("jinjiecu.cli._store.run_init", _raise(error))
    got, _, err = run(capsys, "init", "--store", "memory://")
    assert got == code
    assert "Traceback" not in err
    assert fragment in err


def test_an_internal_error_asks_for_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jinjiecu.cli._store.run_init", _raise(RuntimeError("boom")))
    _, _, err = run(capsys, "init")
    assert "--debug" in err
    _, _, err = run(capsys, "init", "--debug")
    assert "Traceback" in err


# ---------------------------------------------------------------------- text helpers


_FORMATS = [
    "{:%Y-%m-%d}",
    "{:%Y/%m/%d}",
    "{:%Y.%m.%d}",
    "{d.year}年{d.month}月{d.day}日",
    "{:%Y%m%d}",
]


@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(_FORMATS),
    st.booleans(),
)
def test_dates_are_read_as_offices_type_them(day: dt.date, form: str, full_width: bool) -> None:
    text = form.format(day, d=day)
    if full_width:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    assert parse_day(f" {text} ") == day
    assert parse_moment(text, end_of_day_if_date=True) == end_of_day(day)


def test_times_are_china_time_unless_an_offset_is_given() -> None:
    assert parse_moment("2019-11-13 17:30", end_of_day_if_date=True) == dt.datetime(
        2019, 11, 13, 17, 30, tzinfo=CHINA_TZ
    )
    utc = parse_moment("2019-11-13T09:30:00Z", end_of_day_if_date=True)
    assert utc == dt.datetime(2019, 11, 13, 17, 30, tzinfo=CHINA_TZ)
    assert parse_moment("2019-11-13", end_of_day_if_date=False).hour == 9
    with pytest.raises(ValueError, match="not a valid date"):
        parse_moment("2019-11-13 25:00", end_of_day_if_date=True)


@given(
    st.lists(
        st.lists(st.text(alphabet="ab中文工作组１２ ", max_size=8), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    )
)
def test_tables_line_up_with_chinese_text(rows: list[list[str]]) -> None:
    text = table([["名称", "value", "数"]], rows, right=[False, True, True])
    lines = text.splitlines()
    rule = lines[1]
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    ends = [m.end() for m in re.finditer(r"-+", rule)]
    for line in lines:
        # Every cell's right edge is within its column (by display width).
        assert width(line) <= width(rule)
    assert len(starts) == len(ends) == 3


@given(st.text(alphabet="进企业解难题 abc defg,，。 ", max_size=200), st.integers(10, 60))
def test_wrapping_keeps_every_line_within_the_width(text: str, columns: int) -> None:
    lines = wrap(text, columns)
    assert all(width(line) <= columns or " " not in line for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with Progress("导入 import", stream) as progress:
            for done in range(0, 1001, 100):
                progress(done, 1000)
    assert pipe.getvalue() == ""
    drawn = terminal.getvalue()
    assert drawn.startswith("\r导入 import [")
    assert "100% 1,000/1,000" in drawn
    assert drawn.endswith("\n")
    quiet = _Terminal()
    with Progress("x", quiet, enabled=False) as progress:
        progress(1, 2)
    assert quiet.getvalue() == ""


def test_progress_with_an_unknown_total() -> None:
    progress = Progress("rows", io.StringIO())
    progress(12_345)
    assert progress.line() == "rows 12,345"


# ---------------------------------------------------------------------- ledgers


def _rewrite(path: Path, target: Path, changes: dict[str, dict[str, str]]) -> None:
    """Copy a CSV ledger, changing cells of the rows whose 问题编号 is a key of ``changes``."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        for name, value in changes.get(cells["问题编号"], {}).items():
            row[header.index(name)] = value
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)


def test_export_writes_the_ledger_as_of_a_day(
    capsys: pytest.CaptureFixture[str], demo_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "台账.csv"
    result = run_json(capsys, "export", str(path), "--store", demo_db, "--as-of", "2019-11-13")
    assert result == {"path": str(path), "rows": 156}
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, so Excel opens it
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("序号,问题编号,企业名称,统一社会信用代码")
    english = tmp_path / "ledger.csv"
    rows = run_json(
        capsys,
        "export",
        str(english),
        "--store",
        demo_db,
        "--headers",
        "en",
        "--group",
        "dz2019-g-01",
    )["rows"]
    assert (
        rows
        == run_json(capsys, "problem", "list", "--store", demo_db, "--group", "dz2019-g-01")[
            "count"
        ]
    )
    assert not re.search(
        r"[\u4e00-\u9fff]", english.read_text(encoding="utf-8-sig").splitlines()[0]
    )


def test_export_xlsx_then_import_it_back_changes_nothing(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "台账.xlsx"
    assert run_json(capsys, "export", str(path), "--store", own_db)["rows"] == 197
    again = run_json(capsys, "import", str(path), "--store", own_db)
    assert again["rows"] == again["unchanged"] == 197
    assert again["created"] == again["updated"] == again["transitions"] == 0


def test_import_records_the_changes_between_two_ledgers(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    before, after = tmp_path / "v1.csv", tmp_path / "v2.csv"
    run_json(capsys, "export", str(before), "--store", own_db)
    change = {"办理状态": "已解决", "办结日期": "2019年11月20日", "办理进展": "已协调完成规划调整"}
    _rewrite(before, after, {"dz2019-p-0006": change})
    code, out, err = run(capsys, "import", str(after), "--store", own_db, "--lang", "zh")
    assert code == 0, err
    assert "更新 1 个（办理记录 1 条）" in out
    shown = run_json(capsys, "problem", "show", "dz2019-p-0006", "--store", own_db)
    last = shown["transitions"][-1]
    assert (last["event"], shown["state"]) == ("resolve", "resolved")
    assert last["at"].startswith("2019-11-20")


def test_a_bad_ledger_lists_every_bad_row_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    run_json(capsys, "export", str(good), "--store", own_db)
    _rewrite(
        good,
        bad,
        {
            "dz2019-p-0006": {"办理状态": "已解决", "办结日期": "2019-11-20", "办理进展": "好了"},
            "dz2019-p-0007": {"登记日期": "2019-02-30"},
            "dz2019-p-0008": {"办理状态": "开心"},
        },
    )
    code, out, err = run(capsys, "import", str(bad), "--store", own_db)
    assert code == ExitCode.DATA
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("jinjiecu: 台账有 2 行错误，未导入任何数据")
    assert any("[登记日期]" in line and "2019-02-30" in line for line in lines[1:])
    assert any("[办理状态]" in line and "开心" in line for line in lines[1:])
    assert all(line.startswith("  第") for line in lines[1:])
    # All or nothing: the good change in the same file was not recorded either.
    assert run_json(capsys, "problem", "show", "dz2019-p-0006", "--store", own_db)["state"] != (
        "resolved"
    )

    code, out, err = run(capsys, "import", str(bad), "--store", own_db, "--on-error", "reject")
    assert code == ExitCode.DATA  # some rows were set aside
    assert "bad.rejects.csv" in out
    assert (tmp_path / "bad.rejects.csv").exists()
    assert run_json(capsys, "problem", "show", "dz2019-p-0006", "--store", own_db)["state"] == (
        "resolved"
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["import", "no-such-ledger.xlsx"], ExitCode.FILE),
        (["export", "no/such/folder/台账.xlsx"], ExitCode.FILE),
        (["export", "ledger.txt"], ExitCode.DATA),
        (["import", "ledger.json"], ExitCode.DATA),
        (["export", "x.csv", "--headers", "headers.json"], ExitCode.DATA),
    ],
)
def test_ledger_file_mistakes(  # noqa: PLR0917 - fixtures and parameters
    capsys: pytest.CaptureFixture[str],
    own_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    code: int,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ledger.json").write_text("{}", encoding="utf-8")
    (tmp_path / "headers.json").write_text('{"deadline": 3}', encoding="utf-8")
    got, out, err = run(capsys, *argv, "--store", own_db)
    assert got == code
    assert out == ""
    assert_one_clean_line(err)


def test_export_with_headers_from_a_file(
    capsys: pytest.CaptureFixture[str], demo_db: str, tmp_path: Path
) -> None:
    mapping = tmp_path / "headers.json"
    mapping.write_text(json.dumps({"lead_department": "责任单位"}), encoding="utf-8")
    path = tmp_path / "x.csv"
    run_json(capsys, "export", str(path), "--store", demo_db, "--headers", str(mapping))
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "责任单位" in header
    assert "牵头部门" not in header


# ---------------------------------------------------------------------- report


def test_report_prints_the_briefing(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    code, out, _ = run(capsys, "report", "--store", demo_db, "--as-of", "2019-11-13")
    assert code == 0
    lines = out.splitlines()
    # The demo's headline is the briefing's first sentence, word for word.
    assert HEADLINE_ZH in lines
    assert HEADLINE_EN in lines
    assert lines.index(HEADLINE_ZH) < lines.index(HEADLINE_EN)
    assert "一、分工作组情况" in lines


def test_report_json(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    data = run_json(capsys, "report", "--store", demo_db, "--as-of", "2019-11-13", "--lang", "en")
    assert list(data["briefing"]) == ["en"]
    assert HEADLINE_EN in data["briefing"]["en"]
    assert data["html"] is None


def test_report_templates_can_be_overridden(
    capsys: pytest.CaptureFixture[str], demo_db: str, tmp_path: Path
) -> None:
    own = tmp_path / "templates.json"
    own.write_text(json.dumps({"headline": "截至{date}，共梳理问题{identified}个。"}), "utf-8")
    code, out, _ = run(
        capsys, "report", "--store", demo_db, "--as-of", "2019-11-13", "--lang", "zh",
        "--templates", str(own),
    )  # fmt: skip
    assert code == 0
    assert "截至11月13日，共梳理问题153个。" in out
    own.write_text(json.dumps({"headlin": "x"}), "utf-8")
    code, _, err = run(capsys, "report", "--store", demo_db, "--templates", str(own))
    assert code == ExitCode.DATA
    assert_one_clean_line(err)
    assert "headlin" in err
    own.write_text(json.dumps({"headline": "截至{weekday}"}), "utf-8")
    code, _, err = run(capsys, "report", "--store", demo_db, "--templates", str(own))
    assert code == ExitCode.DATA
    assert_one_clean_line(err)


def test_report_html_holds_the_figures(
    capsys: pytest.CaptureFixture[str], demo_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "通报.html"
    code, out, _ = run(
        capsys, "report", "--store", demo_db, "--as-of", "2019-11-13", "--html", str(path),
        "--no-charts", "--lang", "zh",
    )  # fmt: skip
    assert code == 0
    assert str(path) in out
    page = path.read_text(encoding="utf-8")
    assert HEADLINE_ZH in page
    assert "<svg" not in page


def test_report_html_draws_charts_unless_told_not_to(
    capsys: pytest.CaptureFixture[str],
    demo_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Drawing the charts is the html module's own test; here, that the command asks for them.
    calls: list[dict[str, Any]] = []

    def fake_html_report(_store: object, path: str, **options: Any) -> Path:
        calls.append(options)
        return Path(path)

    monkeypatch.setattr("jinjiecu.reports.html.html_report", fake_html_report)
    target = str(tmp_path / "r.html")
    assert run(capsys, "report", "--store", demo_db, "--html", target, "--lang", "en")[0] == 0
    assert (
        run(capsys, "report", "--store", demo_db, "--html", target, "--chart-format", "png")[0] == 0
    )
    assert run(capsys, "report", "--store", demo_db, "--html", target, "--no-charts")[0] == 0
    assert [(c["charts"], c["chart_format"], c["language"]) for c in calls] == [
        (True, "svg", "en"),
        (True, "png", "zh"),
        (False, "svg", "zh"),
    ]


def test_export_masks_numbers_unless_unmasked_which_is_audited(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    from jinjiecu.storage import open_store  # noqa: PLC0415 - this test reads the audit trail

    code, _out, err = run(
        capsys,
        "problem", "register", "--store", own_db, "--id", "P-PII",
        "--title", "请联系王经理13800138000", "--category", "其他", "--region", "德州市",
        "--enterprise", "dz2019-e-137", "--at", "2019-11-20 10:00", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    masked, plain = tmp_path / "masked.csv", tmp_path / "plain.csv"
    assert run(capsys, "export", str(masked), "--store", own_db, "--quiet")[0] == 0
    text = masked.read_text(encoding="utf-8-sig")
    assert "138****8000" in text
    assert "13800138000" not in text
    with open_store(own_db) as store:
        before = store.audit.count()
    code, _out, err = run(
        capsys, "export", str(plain), "--unmasked", "--actor", "wang", "--store", own_db, "-q"
    )
    assert code == 0, err
    assert "13800138000" in plain.read_text(encoding="utf-8-sig")
    with open_store(own_db) as store:
        assert store.audit.count() == before + 1
        entry = store.audit.list(limit=1, offset=before)[0]
    assert (entry.action, entry.actor.id, entry.object_id) == (
        "export_unmasked",
        "wang",
        str(plain),
    )


# ---------------------------------------------------------------------- the calendar

NEXT_YEAR = china_calendar().official_years[-1] + 1
TEST_NOTICE = Path(__file__).resolve().parents[1] / "data" / "notice-2027-test.toml"
needs_2027 = pytest.mark.skipif(
    NEXT_YEAR != 2027, reason="the test notice is for 2027; the holidays package now covers it"
)


def _spring_problem(capsys: pytest.CaptureFixture[str], store: str) -> None:
    """A problem assigned on 25 January of the next year, 15 working days across the festival."""
    code, _, err = run(
        capsys, "problem", "register", "--store", store, "--id", "spring-1",
        "--title", "春节前问题", "--category", "土地使用", "--region", "乐陵市",
        "--enterprise", "dz2019-e-137",
        "--at", f"{NEXT_YEAR}-01-25 09:00",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "problem", "apply", "spring-1", "assign",
        "lead_department_id=德州市自然资源和规划局", "working_days=15",
        "--store", store, "--at", f"{NEXT_YEAR}-01-25 10:00",
    )  # fmt: skip
    assert code == 0, err


def _notice(tmp_path: Path, text: str, name: str = "notice.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@needs_2027
def test_the_next_year_counts_provisionally_until_its_notice_is_added(
    capsys: pytest.CaptureFixture[str], own_db: str
) -> None:
    _spring_problem(capsys, own_db)
    shown = run_json(capsys, "problem", "show", "spring-1", "--store", own_db)
    assert (shown["deadline"], shown["deadline_provisional"]) == ("2027-02-17", True)
    code, out, _ = run(capsys, "problem", "show", "spring-1", "--store", own_db, "--lang", "zh")
    assert code == 0
    assert "2027-02-17（暂定）" in out
    assert "注：2027年尚无放假通知" in out
    as_of = ("--as-of", "2027-03-01", "--store", own_db)
    figures = run_json(capsys, "stats", *as_of)
    assert figures["provisional_years"] == [2027]
    code, out, _ = run(capsys, "stats", *as_of, "--lang", "en")
    assert code == 0
    assert "Note: 2027 has no holiday notice yet" in out

    code, out, err = run(capsys, "calendar", "add-notice", str(TEST_NOTICE), "--store", own_db)
    assert code == 0, err
    assert "1个问题的办理时限已重算" in out
    assert re.search(r"spring-1\s+2027-02-17\s+2027-02-20", out)
    shown = run_json(capsys, "problem", "show", "spring-1", "--store", own_db)
    assert (shown["deadline"], shown["deadline_provisional"]) == ("2027-02-20", False)
    assert shown["transitions"][-1]["event"] == "recount_deadline"
    figures = run_json(capsys, "stats", *as_of)
    assert figures["provisional_years"] == []
    # Adding the same notice again writes nothing.
    code, out, _ = run(capsys, "calendar", "add-notice", str(TEST_NOTICE), "--store", own_db)
    assert code == 0
    assert "nothing was written" in out


@needs_2027
def test_a_notice_given_as_an_option_is_added_to_the_store_once(
    capsys: pytest.CaptureFixture[str], own_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _spring_problem(capsys, own_db)
    monkeypatch.setenv("JINJIECU_HOLIDAY_NOTICES", str(TEST_NOTICE))
    code, _, err = run(capsys, "stats", "--store", own_db, "--as-of", "2027-03-01")
    assert code == 0, err
    assert "Added the 2027 holiday notice" in err
    monkeypatch.delenv("JINJIECU_HOLIDAY_NOTICES")
    # Every later command counts with the stored notice, without being told.
    shown = run_json(capsys, "problem", "show", "spring-1", "--store", own_db)
    assert shown["deadline"] == "2027-02-20"
    code, _, err = run(
        capsys, "stats", "--store", own_db, "--holiday-notice", str(TEST_NOTICE), "--json"
    )
    assert code == 0
    assert "Added" not in err  # already there


@needs_2027
def test_a_corrected_notice_needs_replace_and_keeps_the_first(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    assert run(capsys, "calendar", "add-notice", str(TEST_NOTICE), "--store", own_db)[0] == 0
    corrected = TEST_NOTICE.read_text(encoding="utf-8").replace(
        "2027-02-11,", ""
    )  # 11 February is worked after all
    path = _notice(tmp_path, corrected, "2027-更正.toml")
    code, _, err = run(capsys, "calendar", "add-notice", path, "--store", own_db)
    assert code == ExitCode.DATA
    assert_one_clean_line(err)
    assert "--replace" in err
    # As an option the file does not replace the store's notice: a note says it differs.
    code, _, err = run(capsys, "stats", "--store", own_db, "--holiday-notice", path)
    assert code == 0
    assert "differs from the store's 2027 notice (version 1)" in err
    assert "--replace" in err
    code, _, err = run(capsys, "calendar", "add-notice", path, "--replace", "--store", own_db)
    assert code == 0, err
    listed = run_json(capsys, "calendar", "list", "--store", own_db)
    assert [(n["notice"]["year"], n["version"], n["status"]) for n in listed["notices"]] == [
        (2027, 1, "corrected"),
        (2027, 2, "in_force"),
    ]
    shown = run_json(capsys, "calendar", "show", "2027", "--store", own_db)
    assert "2027-02-11" not in shown["weekdays_off"]
    assert shown["source"] == "notice"
    assert shown["notice"]["version"] == 2
    # The first file, still given (say, left in the environment), changes nothing.
    code, _, err = run(capsys, "stats", "--store", own_db, "--holiday-notice", str(TEST_NOTICE))
    assert code == 0
    assert "differs from the store's 2027 notice (version 2)" in err
    assert len(run_json(capsys, "calendar", "list", "--store", own_db)["notices"]) == 2


def test_calendar_show_marks_days_off_workdays_and_the_source(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    code, out, _ = run(capsys, "calendar", "show", "2019", "--store", demo_db, "--lang", "zh")
    assert code == 0
    assert "2019年工作日历 · 来源：国务院通知（holidays 数据包）" in out
    october = out[out.index("2019年10月") :]
    assert " 1休" in october  # National Day, a Tuesday
    assert "12班" in october  # Saturday 12 October was worked
    assert "全年工作日 250 天" in out
    shown = run_json(capsys, "calendar", "show", str(NEXT_YEAR), "--store", demo_db)
    assert (shown["source"], shown["provisional"]) == ("provisional", True)
    assert shown["weekend_workdays"] == []
    code, out, _ = run(capsys, "calendar", "show", str(NEXT_YEAR), "--store", demo_db)
    assert "calendar add-notice" in out
    listed = run_json(capsys, "calendar", "list", "--store", demo_db)
    assert listed["provisional_years"] == [NEXT_YEAR, NEXT_YEAR + 1]
    assert listed["notices"] == []


@pytest.mark.parametrize("year", ["1999", str(NEXT_YEAR + 2)])
def test_calendar_show_refuses_a_year_it_does_not_cover(
    capsys: pytest.CaptureFixture[str], demo_db: str, year: str
) -> None:
    code, _, err = run(capsys, "calendar", "show", year, "--store", demo_db)
    assert code == ExitCode.DATA
    assert_one_clean_line(err)
    assert f"{NEXT_YEAR + 1}" in err


def test_a_date_beyond_the_provisional_years_says_what_to_do(
    capsys: pytest.CaptureFixture[str], demo_db: str
) -> None:
    beyond = f"{NEXT_YEAR + 2}-03-01"
    code, _, err = run(capsys, "stats", "--store", demo_db, "--as-of", beyond)
    assert code == ExitCode.DATA
    assert_one_clean_line(err)
    assert f"{NEXT_YEAR + 1}" in err  # names the years covered
    assert "calendar add-notice" in err  # and says what to do


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            f"year = {NEXT_YEAR}\ndays_off = [{NEXT_YEAR}-01-01, 'soon']\nworkdays = []\n",
            "days_off[1]",
        ),
        (f"year = {NEXT_YEAR}\ndays_off = []\n", "workdays"),
        (f"year = {NEXT_YEAR + 1}\ndays_off = []\nworkdays = []\n", "year"),
        (f"year = {NEXT_YEAR}\ndays_off = []\nworkdays = []\n", "days_off"),  # no holidays
        ("year = [\n", "notice"),
        (f"year = {NEXT_YEAR}\ndays_off = []\nworkdays = []\nholidays = []\n", "holidays"),
    ],
)
def test_a_bad_notice_is_named_with_its_file(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path, text: str, named: str
) -> None:
    notice = _notice(tmp_path, text, "放假通知.toml")
    for argv in (
        ("stats", "--store", own_db, "--holiday-notice", notice),
        ("calendar", "add-notice", notice, "--store", own_db),
    ):
        code, out, err = run(capsys, *argv)
        assert code == ExitCode.DATA
        assert out == ""
        assert_one_clean_line(err)
        assert "放假通知.toml" in err
        assert named in err
    assert run_json(capsys, "calendar", "list", "--store", own_db)["notices"] == []


def test_a_notice_for_a_year_the_package_covers_is_left_to_the_package(
    capsys: pytest.CaptureFixture[str], own_db: str, tmp_path: Path
) -> None:
    covered = NEXT_YEAR - 1
    notice = _notice(tmp_path, f"year = {covered}\ndays_off = []\nworkdays = []\n", "旧.toml")
    code, _, err = run(capsys, "calendar", "add-notice", notice, "--store", own_db)
    assert code == ExitCode.DATA
    assert_one_clean_line(err)
    assert "year" in err
    assert f"{covered}" in err
    # Given as an option, it is only noted: the package's data is the official calendar.
    code, _, err = run(capsys, "stats", "--store", own_db, "--holiday-notice", notice)
    assert code == 0
    assert f"{covered} is covered by the holidays package" in err
    assert run_json(capsys, "calendar", "list", "--store", own_db)["notices"] == []


def test_a_missing_notice_file_is_a_file_error(
    capsys: pytest.CaptureFixture[str], demo_db: str, tmp_path: Path
) -> None:
    for argv in (
        ("stats", "--store", demo_db, "--holiday-notice", str(tmp_path / "none.toml")),
        ("calendar", "add-notice", str(tmp_path / "none.toml"), "--store", demo_db),
    ):
        code, _, err = run(capsys, *argv)
        assert code == ExitCode.FILE
        assert_one_clean_line(err)
        assert "none.toml" in err


def test_calendar_recount_recounts_nothing_on_an_unchanged_calendar(
    capsys: pytest.CaptureFixture[str], own_db: str
) -> None:
    done = run_json(capsys, "calendar", "recount", "--store", own_db)
    assert done == {"written": False, "notice": None, "moved": []}
    code, out, _ = run(capsys, "calendar", "recount", "--store", own_db, "--lang", "en")
    assert code == 0
    assert "0 deadlines moved" in out
