from __future__ import annotations

import base64
import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from jinjiecu.domain.campaign import Campaign, CampaignKind
from jinjiecu.domain.clock import end_of_day
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.ids import CampaignId, LeaderId, RegionId, WorkGroupId
from jinjiecu.domain.org import OrgLevel, Region, WorkGroup
from jinjiecu.errors import ConfigurationError, ValidationError
from jinjiecu.reports.html import html_report
from jinjiecu.sample import SampleData, dezhou_2019
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store

HEADLINE = (
    "截至11月13日，27个市级工作组共计进厂入企439次，共梳理问题153个，"
    "正在办理139个，已帮助解决完成14个。"
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RESOURCE_ATTRIBUTES = {"src", "href", "xlink:href", "action", "data", "poster", "srcset"}


@pytest.fixture(scope="module")
def drive() -> SampleData:
    return dezhou_2019()


@pytest.fixture(scope="module")
def store(drive: SampleData) -> Iterator[Store]:
    with open_store("memory://") as store:
        drive.load_into(store)
        yield store


@pytest.fixture(scope="module")
def report(store: Store, drive: SampleData, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("html") / "report.html"
    assert html_report(store, path, as_of=drive.as_of) == path
    return path.read_text(encoding="utf-8")


class Collector(HTMLParser):
    """Every tag, every resource-like attribute and all the text of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.resources += [v or "" for k, v in attrs if k in RESOURCE_ATTRIBUTES]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def collect(document: str) -> Collector:
    collector = Collector()
    collector.feed(document)
    collector.close()
    return collector


def assert_self_contained(document: str) -> None:
    found = collect(document)
    for reference in found.resources:
        assert reference.startswith(("#", "data:")), reference
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(found.tags)
    assert "@import" not in document
    assert not re.search(r"url\((?!#)", document)
    # The only web addresses are XML namespace names, which nothing fetches.
    for match in re.finditer(r"https?://", document):
        before = document[max(0, match.start() - 20) : match.start()]
        context = document[match.start() - 40 : match.end() + 40]
        assert re.search(r'xmlns(:\w+)?="$', before), context


def test_the_report_contains_the_headline_tables_and_charts(report: str) -> None:
    found = collect(report)
    text = "".join(found.text)
    assert report.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert f'<p class="headline">{HEADLINE}</p>' in report
    assert "<title>领导干部“进企业、解难题、促发展”集中行动工作通报</title>" in report
    assert found.tags.count("table") == 4
    assert found.tags.count("svg") == 3
    assert found.tags.count("figure") == 3
    for figure in ("439", "153", "139", "14", "24"):
        assert figure in text
    assert "<td>市级第二十七工作组（武城县）</td>" in report
    assert '<td class="n">7</td><td class="n">3</td><td class="n">4</td><td>57.1%</td>' in report


def test_the_report_needs_no_network(report: str) -> None:
    assert_self_contained(report)
    assert "<style>" in report


def test_inline_charts_are_well_formed_svg_with_unique_ids(report: str) -> None:
    charts = re.findall(r"<svg\b.*?</svg>", report, re.DOTALL)
    assert len(charts) == 3
    for chart in charts:
        root = ET.fromstring(chart)  # noqa: S314 - our own output
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
    ids = re.findall(r'\bid="([^"]+)"', report)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', report):
        assert (reference[0] or reference[1]) in ids


def test_png_charts_are_embedded_as_data(store: Store, drive: SampleData, tmp_path: Path) -> None:
    path = html_report(
        store, tmp_path / "report.html", as_of=drive.as_of, language="en", chart_format="png"
    )
    document = path.read_text(encoding="utf-8")
    assert_self_contained(document)
    assert '<html lang="en">' in document
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', document)
    assert len(images) == 3
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert "<svg" not in document
    assert "As of 13 November 2019, the 27 city-level work groups had made 439 visits" in document


def test_without_charts_no_matplotlib_is_needed(
    store: Store, drive: SampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    path = html_report(store, tmp_path / "plain.html", as_of=drive.as_of, charts=False)
    document = path.read_text(encoding="utf-8")
    assert HEADLINE in document
    assert "<svg" not in document
    assert "<img" not in document
    with pytest.raises(ConfigurationError, match=r"jinjiecu\[charts\].*charts=False"):
        html_report(store, tmp_path / "charts.html", as_of=drive.as_of)
    assert not (tmp_path / "charts.html").exists()


def test_every_text_is_escaped(tmp_path: Path) -> None:
    store = open_store("memory://")
    city = RegionId("371400")
    nasty = '<script>alert("x")</script> & 工作组'
    with store.transaction() as tx:
        tx.regions.add(Region(id=city, name="德州市 <b>", kind=DivisionKind.CITY))
        tx.regions.add(
            Region(
                id=RegionId("371428"),
                name="武城县 & <i>",
                kind=DivisionKind.COUNTY,
                parent_id=city,
            )
        )
        tx.campaigns.add(
            Campaign(
                id=CampaignId("c1"),
                name="<h1>集中行动</h1>",
                kind=CampaignKind.DRIVE,
                region_id=city,
                start=dt.date(2019, 10, 10),
                end=dt.date(2019, 11, 28),
            )
        )
        tx.work_groups.add(
            WorkGroup(
                id=WorkGroupId("g1"),
                name=nasty,
                campaign_id=CampaignId("c1"),
                level=OrgLevel.CITY,
                region_id=city,
                leader_ids=[LeaderId("l1")],
            )
        )
    path = html_report(
        store, tmp_path / "escaped.html", as_of=end_of_day(dt.date(2019, 10, 20)), charts=False
    )
    document = path.read_text(encoding="utf-8")
    assert "<script" not in document
    assert "<h1>&lt;h1&gt;集中行动&lt;/h1&gt;工作通报</h1>" in document
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 工作组" in document
    assert "武城县 &amp; &lt;i&gt;" in document
    assert "<i>" not in document
    assert nasty in "".join(collect(document).text)


def test_bad_arguments_are_refused_before_anything_is_written(
    store: Store, drive: SampleData, tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    for kwargs, field in (
        ({"language": "fr"}, "language"),
        ({"chart_format": "gif"}, "chart_format"),
        ({"charts": "yes"}, "charts"),
    ):
        with pytest.raises(ValidationError) as caught:
            html_report(store, target, as_of=drive.as_of, **kwargs)  # type: ignore[arg-type]
        assert caught.value.field == field
    assert not target.exists()
