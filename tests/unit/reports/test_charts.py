from __future__ import annotations

import datetime as dt
import itertools
import sys
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import pytest
from matplotlib import font_manager

from jinjiecu.domain.ids import CampaignId
from jinjiecu.errors import ConfigurationError, NotFoundError, ValidationError
from jinjiecu.metrics import Rate
from jinjiecu.reports import charts
from jinjiecu.reports.charts import (
    ChartBar,
    chart_language,
    cjk_font,
    draw_overdue,
    draw_rates,
    overdue_chart,
    progress_chart,
    progress_series,
    resolution_rate_chart,
)
from jinjiecu.sample import SampleData, dezhou_2019
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
DC_TITLE = ".//{http://purl.org/dc/elements/1.1/}title"


@pytest.fixture(scope="module")
def drive() -> SampleData:
    return dezhou_2019()


@pytest.fixture(scope="module")
def store(drive: SampleData) -> Iterator[Store]:
    with open_store("memory://") as store:
        drive.load_into(store)
        yield store


def svg_title(path: Path) -> str:
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    assert root.tag == f"{SVG}svg"
    title = root.find(DC_TITLE)
    assert title is not None
    return title.text or ""


def draw_all(store: Store, drive: SampleData, folder: Path, suffix: str) -> list[Path]:
    return [
        progress_chart(store, folder / f"progress{suffix}", end=drive.as_of.date()),
        resolution_rate_chart(store, str(folder / f"rates{suffix}"), as_of=drive.as_of),
        overdue_chart(
            store, folder / f"overdue{suffix}", as_of=drive.as_of, campaign_id=drive.campaign_id
        ),
    ]


def test_charts_are_valid_png_files(store: Store, drive: SampleData, tmp_path: Path) -> None:
    for path in draw_all(store, drive, tmp_path, ".png"):
        content = path.read_bytes()
        assert content.startswith(PNG_MAGIC)
        assert len(content) > 5_000


def test_charts_are_valid_svg_files(store: Store, drive: SampleData, tmp_path: Path) -> None:
    paths = draw_all(store, drive, tmp_path, ".svg")
    assert [p.name for p in paths] == ["progress.svg", "rates.svg", "overdue.svg"]
    titles = [svg_title(path) for path in paths]
    language = chart_language("zh")
    if language == "zh":
        assert titles[0] == "问题办理进度（10月10日至11月13日）"
        assert titles[1] == "各工作组问题解决率（截至11月13日）"
    else:
        assert titles[0] == "Problems over time (2019-10-10 to 2019-11-13)"
        assert titles[1] == "Resolution rate by work group (as of 2019-11-13)"
        assert titles[2] == "Overdue problems by lead department (as of 2019-11-13)"


def test_english_charts_are_labelled_in_english(
    store: Store, drive: SampleData, tmp_path: Path
) -> None:
    path = overdue_chart(store, tmp_path / "o.svg", as_of=drive.as_of, language="en")
    assert svg_title(path) == "Overdue problems by lead department (as of 2019-11-13)"


def test_the_same_chart_gives_the_same_bytes(
    store: Store, drive: SampleData, tmp_path: Path
) -> None:
    first = overdue_chart(store, tmp_path / "a.svg", as_of=drive.as_of).read_bytes()
    second = overdue_chart(store, tmp_path / "b.svg", as_of=drive.as_of).read_bytes()
    assert first == second


def test_progress_follows_the_metrics_day_by_day(store: Store, drive: SampleData) -> None:
    points = progress_series(store, campaign_id=drive.campaign_id, end=drive.as_of.date())
    assert points[0].day == dt.date(2019, 10, 10)
    assert points[-1].day == dt.date(2019, 11, 13)
    assert len(points) == 35
    last = points[-1]
    assert (last.identified, last.in_progress, last.solved) == (153, 139, 14)
    solved = [p.solved for p in points]
    assert solved == sorted(solved)  # nothing solved in the sample is reopened by then


def test_a_long_period_is_sampled(drive: SampleData) -> None:
    store = open_store("memory://")
    with store.transaction() as tx:
        tx.problems.add_many(drive.problems[:10])
    points = progress_series(store, start=dt.date(2019, 1, 1), end=dt.date(2024, 12, 31))
    assert 150 <= len(points) <= 200
    assert points[0].day == dt.date(2019, 1, 1)
    assert points[-1].day == dt.date(2024, 12, 31)
    gaps = {(b.day - a.day).days for a, b in itertools.pairwise(points)}
    assert max(gaps) == 12  # 2191 days in at most 200 points
    assert points[0].identified == 0
    assert points[-1].identified + points[-1].in_progress > 0


def test_by_default_the_period_is_the_campaigns(store: Store) -> None:
    points = progress_series(store)
    assert (points[0].day, points[-1].day) == (dt.date(2019, 10, 10), dt.date(2019, 11, 28))


def test_bad_arguments_are_refused(store: Store, drive: SampleData, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as suffix:
        overdue_chart(store, tmp_path / "chart.jpg", as_of=drive.as_of)
    assert suffix.value.field == "path"
    assert not (tmp_path / "chart.jpg").exists()
    with pytest.raises(ValidationError) as order:
        progress_chart(
            store, tmp_path / "p.png", start=dt.date(2019, 11, 1), end=dt.date(2019, 10, 1)
        )
    assert order.value.field == "end"
    with pytest.raises(ValidationError) as language:
        resolution_rate_chart(store, tmp_path / "r.png", as_of=drive.as_of, language="fr")
    assert language.value.field == "language"
    with pytest.raises(NotFoundError):
        resolution_rate_chart(store, tmp_path / "r.png", campaign_id=CampaignId("nope"))
    with pytest.raises(NotFoundError):
        overdue_chart(store, tmp_path / "o.png", campaign_id=CampaignId("nope"))


def test_empty_charts_say_there_is_nothing(tmp_path: Path) -> None:
    moment = dt.datetime(2019, 11, 13, 23, 59, tzinfo=dt.UTC)
    empty = open_store("memory://")
    for path in (
        overdue_chart(empty, tmp_path / "o.svg", as_of=moment),
        resolution_rate_chart(empty, tmp_path / "r.png", as_of=moment),
        progress_chart(
            empty, tmp_path / "p.svg", start=dt.date(2019, 1, 1), end=dt.date(2019, 1, 1)
        ),
    ):
        assert path.stat().st_size > 1_000
    assert draw_overdue([], ".png", as_of=moment).startswith(PNG_MAGIC)


def test_rows_with_no_data_are_drawn_without_a_bar() -> None:
    moment = dt.datetime(2019, 11, 13, tzinfo=dt.UTC)
    bars = [
        ChartBar(key="g1", name="g1", value=Rate(numerator=0, denominator=0, definition="x")),
        ChartBar(key=None, name="", value=Rate(numerator=1, denominator=2, definition="x")),
    ]
    svg = draw_rates(bars, ".svg", as_of=moment, language="en").decode()
    assert svg.startswith("<?xml")
    assert "<!-- no data -->" in svg  # text drawn as paths keeps its words in a comment
    assert "<!-- 50.0% (1/2) -->" in svg
    assert "<!-- (not given) -->" in svg


# ---------------------------------------------------------------------- fonts


def test_without_a_chinese_font_chinese_charts_fall_back_to_english(
    store: Store, drive: SampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert chart_language("zh") == "en"
    path = resolution_rate_chart(store, tmp_path / "r.svg", as_of=drive.as_of, language="zh")
    assert svg_title(path) == "Resolution rate by work group (as of 2019-11-13)"
    content = path.read_text(encoding="utf-8")
    assert "<!-- dz2019-g-01 -->" in content  # groups named by id, not by unprintable names


def test_a_font_claiming_chinese_without_the_glyphs_is_not_trusted(
    store: Store, drive: SampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DejaVu Sans has no Chinese glyphs; drawing Chinese with it would warn (an error here).
    monkeypatch.setattr(charts, "cjk_font", lambda: "DejaVu Sans")
    assert chart_language("zh") == "en"
    path = overdue_chart(store, tmp_path / "o.png", as_of=drive.as_of, language="zh")
    assert path.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.skipif(cjk_font() is None, reason="no font with Chinese glyphs on this machine")
def test_with_a_chinese_font_charts_are_labelled_in_chinese(
    store: Store, drive: SampleData, tmp_path: Path
) -> None:
    path = overdue_chart(store, tmp_path / "o.svg", as_of=drive.as_of)
    assert svg_title(path) == "各牵头部门超期问题（截至11月13日）"
    assert "<!-- 德州市自然资源和规划局 -->" in path.read_text(encoding="utf-8")


class FakeEntry:
    def __init__(self, name: str, fname: str, weight: int = 400) -> None:
        self.name = name
        self.fname = fname
        self.weight = weight


def test_the_font_search_prefers_known_chinese_fonts_and_skips_placeholder_fonts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [
        FakeEntry("Last Resort High-Efficiency", "/fonts/lastresort.ttf"),
        FakeEntry("DejaVu Sans", "/fonts/dejavu.ttf"),
        FakeEntry("Some Chinese Font", "/fonts/some.ttf"),
        FakeEntry("WenQuanYi Micro Hei", "/fonts/wqy.ttc"),
        FakeEntry("Noto Sans CJK SC", "/fonts/noto-bold.ttc", weight=700),
        FakeEntry("Noto Sans CJK SC", "/fonts/noto.ttc"),
    ]
    covering = {"/fonts/lastresort.ttf", "/fonts/some.ttf", "/fonts/wqy.ttc", "/fonts/noto.ttc"}
    asked: list[str] = []

    def has_glyphs(path: str, text: str) -> bool:
        asked.append(path)
        return path in covering and bool(text)

    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    monkeypatch.setattr(charts, "_has_glyphs", has_glyphs)
    assert cjk_font() == "Noto Sans CJK SC"
    assert asked == ["/fonts/noto.ttc"]  # the regular weight of the first known font
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries[:3])
    assert cjk_font() == "Some Chinese Font"
    assert "/fonts/lastresort.ttf" not in asked
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries[:2])
    assert cjk_font() is None


# ---------------------------------------------------------------------- the extra


@pytest.mark.parametrize(
    "draw",
    [
        progress_chart,
        resolution_rate_chart,
        overdue_chart,
    ],
    ids=["progress", "rates", "overdue"],
)
def test_without_matplotlib_the_error_names_the_extra(
    draw: Callable[[Store, Path], Any],
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ConfigurationError, match=r"jinjiecu\[charts\]"):
        draw(store, tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()
