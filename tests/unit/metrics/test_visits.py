"""Visit figures (进厂入企) and coverage of a campaign's targets, as of any moment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import at, end_of_day
from jinjiecu.domain.ids import CampaignId
from jinjiecu.errors import NotFoundError, ValidationError
from jinjiecu.metrics import Dimension, VisitFigures, target_coverage, visit_summary

from .histories import (
    CAMPAIGN,
    CITY,
    E1,
    E2,
    E3,
    E4,
    G2,
    KEY_PROJECT,
    LELING,
    PROVINCE,
    RENOVATION,
    STANDING,
    URBAN,
    WUCHENG,
    ZONE,
    end_of,
    nov,
    store_with,
    visit,
)

if TYPE_CHECKING:
    from jinjiecu.domain.visit import Visit
    from jinjiecu.storage.base import Store

DEC_6 = end_of_day(dt.date(2019, 12, 6))


def visits() -> list[Visit]:
    return [
        visit("v-1", nov(4)),  # group 1 at e-1 (Leling)
        visit("v-2", nov(5), enterprise=E2, onsite=True),  # an on-site office session
        visit("v-3", nov(5), hour=15),  # e-1 again
        visit("v-4", nov(12), group=G2, enterprise=E3),  # Wucheng
        visit("v-5", nov(12), group=G2, enterprise=None, project=RENOVATION),  # Wucheng project
        visit("v-6", nov(13), project=KEY_PROJECT),  # e-1's site and its project
        visit("v-7", dt.date(2019, 12, 2), group=None, enterprise=E4, campaign=STANDING),
        visit("v-8", nov(14), group=G2, enterprise=None, project=URBAN),  # the zone
    ]


def loaded(url: str = "memory://") -> Store:
    store = store_with(url=url)
    store.visits.add_many(visits())
    return store


def rows(summary: Any) -> dict[str | None, int]:
    return {row.key: row.figures.visits for row in summary}


def test_visits_by_the_report_day(store_url: str) -> None:
    with loaded(store_url) as store:
        result = visit_summary(store, as_of=end_of(13))
    assert result.total == VisitFigures(
        visits=6, onsite_sessions=1, enterprises_visited=3, projects_visited=2
    )
    assert result.definitions == ("as_of", "visits")
    assert result.dimension is None
    assert len(result) == 0


def test_visits_by_work_group() -> None:
    with loaded() as store:
        result = visit_summary(store, as_of=end_of(13), by=Dimension.WORK_GROUP)
    assert [(row.key, row.label) for row in result] == [
        ("g-01", "第一工作组"),
        ("g-02", "第二工作组"),
    ]
    assert result.row("g-01").figures == VisitFigures(
        visits=4, onsite_sessions=1, enterprises_visited=2, projects_visited=1
    )
    assert result.row("g-02").figures == VisitFigures(
        visits=2, onsite_sessions=0, enterprises_visited=1, projects_visited=1
    )


def test_visits_by_region_roll_up(store_url: str) -> None:
    with loaded(store_url) as store:
        result = visit_summary(store, as_of=DEC_6, by=Dimension.REGION)
    # A visit counts for the enterprise's region, or else the project's.
    assert rows(result) == {PROVINCE: 8, CITY: 8, ZONE: 1, WUCHENG: 3, LELING: 4}
    assert result.definitions == ("as_of", "visits", "region_rollup")
    assert result.total.visits == 8


@pytest.mark.parametrize(
    ("dimension", "moment", "expected"),
    [
        (
            Dimension.DAY,
            end_of(13),
            {"2019-11-04": 1, "2019-11-05": 2, "2019-11-12": 2, "2019-11-13": 1},
        ),
        (Dimension.WEEK, DEC_6, {"2019-W45": 3, "2019-W46": 4, "2019-W49": 1}),
        (Dimension.MONTH, DEC_6, {"2019-11": 7, "2019-12": 1}),
        (Dimension.CAMPAIGN, DEC_6, {"dezhou-2019": 7, "leling-standing": 1}),
        (Dimension.WORK_GROUP, DEC_6, {"g-01": 4, "g-02": 3, None: 1}),
        (Dimension.ENTERPRISE, DEC_6, {"e-1": 3, "e-2": 1, "e-3": 1, "e-4": 1, None: 2}),
    ],
    ids=lambda value: value.value if isinstance(value, Dimension) else "",
)
def test_visits_grouped(
    dimension: Dimension, moment: dt.datetime, expected: dict[str, int]
) -> None:
    with loaded() as store:
        result = visit_summary(store, as_of=moment, by=dimension)
    assert rows(result) == expected
    assert sum(expected.values()) == result.total.visits


def test_visits_of_one_campaign(store_url: str) -> None:
    with loaded(store_url) as store:
        drive = visit_summary(store, as_of=DEC_6, campaign_id=CAMPAIGN)
        practice = visit_summary(store, as_of=DEC_6, campaign_id=STANDING, by=Dimension.REGION)
    assert drive.total.visits == 7
    assert rows(practice) == {PROVINCE: 1, CITY: 1, WUCHENG: 1}


def test_a_visit_at_the_moment_counts() -> None:
    with loaded() as store:
        on_time = visit_summary(store, as_of=at(nov(12), 9))
        just_before = visit_summary(store, as_of=at(nov(12), 9) - dt.timedelta(microseconds=1))
    assert (on_time.total.visits, just_before.total.visits) == (5, 3)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"by": Dimension.CATEGORY}, "by"),
        ({"by": Dimension.DEPARTMENT}, "by"),
        ({"by": "work_group"}, "by"),
        ({"campaign_id": "dezhou-2019"}, "campaign_id"),  # a plain string, not a CampaignId
        ({"as_of": dt.datetime(2019, 11, 13)}, "as_of"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_visit_arguments(arguments: dict[str, Any], field: str) -> None:
    with store_with() as store, pytest.raises(ValidationError) as caught:
        visit_summary(store, **({"as_of": end_of(13)} | arguments))
    assert caught.value.field == field


# ---------------------------------------------------------------- target coverage


def test_coverage_names_the_targets_never_visited(store_url: str) -> None:
    with loaded(store_url) as store:
        store.visits.add(  # another campaign's visit does not count for the drive
            visit("v-9", nov(4), group=None, enterprise=E2, campaign=STANDING)
        )
        first_day = target_coverage(store, CAMPAIGN, as_of=end_of(4))
        later = target_coverage(store, CAMPAIGN, as_of=DEC_6)
    # e-4 is assigned but no backbone enterprise; e-1 is assigned to both groups.
    assert first_day.backbone_assigned == (E1, E2, E3)
    assert (first_day.backbone_target, first_day.key_projects_target) == (3, 1)
    assert first_day.backbone_visited == (E1,)
    assert first_day.backbone_not_visited == (E2, E3)
    assert first_day.key_projects_not_visited == (KEY_PROJECT,)
    assert first_day.renovation_assigned == (RENOVATION,)
    assert first_day.renovation_not_visited == (RENOVATION,)
    assert first_day.as_of == end_of(4)
    assert later.backbone_visited == (E1, E2, E3)
    assert later.backbone_not_visited == ()
    assert later.key_projects_visited == (KEY_PROJECT,)
    assert later.renovation_visited == (RENOVATION,)
    assert later.definitions == ("as_of", "coverage")


def test_coverage_of_an_unknown_campaign() -> None:
    with store_with() as store, pytest.raises(NotFoundError):
        target_coverage(store, CampaignId("nowhere"), as_of=end_of(4))


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"campaign_id": "dezhou-2019"}, "campaign_id"),
        ({"as_of": dt.datetime(2019, 11, 13)}, "as_of"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_coverage_arguments(arguments: dict[str, Any], field: str) -> None:
    given: dict[str, Any] = {"campaign_id": CAMPAIGN, "as_of": end_of(13)} | arguments
    with store_with() as store, pytest.raises(ValidationError) as caught:
        target_coverage(store, given.pop("campaign_id"), **given)
    assert caught.value.field == field
