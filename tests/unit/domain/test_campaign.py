from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from jinjiecu.domain.campaign import Campaign, CampaignKind, CampaignTargets
from jinjiecu.domain.ids import CampaignId, RegionId
from jinjiecu.errors import ValidationError
from jinjiecu.testing import strategies as js

START = dt.date(2019, 10, 10)


def test_the_dezhou_drive_runs_fifty_days_from_october_tenth() -> None:
    drive = Campaign.drive(
        id=CampaignId("c"), name="集中行动", region_id=RegionId("371400"), start=START, days=50
    )
    assert drive.kind is CampaignKind.DRIVE
    assert drive.end == dt.date(2019, 11, 28)
    assert drive.days == 50
    assert drive.is_active(START)
    assert drive.is_active(dt.date(2019, 11, 28))
    assert not drive.is_active(dt.date(2019, 11, 29))
    assert not drive.is_active(dt.date(2019, 10, 9))


def test_a_standing_practice_has_no_end() -> None:
    standing = Campaign(
        id=CampaignId("s"),
        name="常态化进解促",
        kind=CampaignKind.STANDING,
        region_id=RegionId("371481"),
        start=dt.date(2019, 1, 1),
    )
    assert standing.days is None
    assert standing.is_active(dt.date(2026, 11, 25))


def test_a_drive_needs_an_end_on_or_after_its_start() -> None:
    with pytest.raises(ValidationError) as caught:
        Campaign(
            id=CampaignId("c"),
            name="x",
            kind=CampaignKind.DRIVE,
            region_id=RegionId("r"),
            start=START,
        )
    assert caught.value.field == "end"
    with pytest.raises(ValidationError) as caught:
        Campaign(
            id=CampaignId("c"),
            name="x",
            kind=CampaignKind.STANDING,
            region_id=RegionId("r"),
            start=START,
            end=START - dt.timedelta(days=1),
        )
    assert caught.value.field == "end"
    assert "2019-10-10" in caught.value.expected


@pytest.mark.parametrize("days", [0, -3, 1.5, True, "50"])
def test_drive_length_must_be_a_positive_whole_number(days: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Campaign.drive(
            id=CampaignId("c"),
            name="x",
            region_id=RegionId("r"),
            start=START,
            days=days,  # type: ignore[arg-type]
        )
    assert caught.value.field == "days"


def test_dates_must_be_dates_not_datetimes() -> None:
    with pytest.raises(ValidationError) as caught:
        Campaign.drive(
            id=CampaignId("c"),
            name="x",
            region_id=RegionId("r"),
            start=dt.datetime(2019, 10, 10, tzinfo=dt.UTC),
            days=5,
        )
    assert caught.value.field == "start"


def test_targets_are_counts() -> None:
    targets = CampaignTargets(backbone_enterprises=100, key_projects=111, renovation_projects=150)
    assert targets.urban_construction_projects is None
    with pytest.raises(ValidationError) as caught:
        CampaignTargets(key_projects=-1)
    assert caught.value.field == "key_projects"
    with pytest.raises(ValidationError):
        CampaignTargets(key_projects=True)


@given(js.campaigns())
def test_generated_campaigns_are_consistent(campaign: Campaign) -> None:
    if campaign.kind is CampaignKind.DRIVE:
        assert campaign.days is not None
        assert campaign.days >= 1
    assert campaign.is_active(campaign.start)
