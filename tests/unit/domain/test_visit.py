from __future__ import annotations

import datetime as dt

import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.ids import CampaignId, EnterpriseId, LeaderId, ProjectId, VisitId, WorkGroupId
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.errors import ValidationError

WHEN = at(dt.date(2019, 10, 15))


def test_a_group_visit_to_an_enterprise() -> None:
    visit = Visit(
        id=VisitId("v"),
        campaign_id=CampaignId("c"),
        at=WHEN,
        work_group_id=WorkGroupId("g"),
        enterprise_id=EnterpriseId("e"),
    )
    assert visit.kind is VisitKind.VISIT
    assert visit.leader_ids == ()


def test_leaders_may_visit_a_project_without_a_group() -> None:
    visit = Visit(
        id=VisitId("v"),
        campaign_id=CampaignId("c"),
        at=WHEN,
        leader_ids=[LeaderId("l")],
        project_id=ProjectId("p"),
        kind=VisitKind.ONSITE_OFFICE,
    )
    assert visit.work_group_id is None


def test_a_visit_needs_somewhere_to_go_and_someone_to_go() -> None:
    with pytest.raises(ValidationError) as caught:
        Visit(id=VisitId("v"), campaign_id=CampaignId("c"), at=WHEN, work_group_id=WorkGroupId("g"))
    assert caught.value.field == "enterprise_id"
    with pytest.raises(ValidationError) as caught:
        Visit(
            id=VisitId("v"), campaign_id=CampaignId("c"), at=WHEN, enterprise_id=EnterpriseId("e")
        )
    assert caught.value.field == "work_group_id"


def test_the_time_must_be_timezone_aware() -> None:
    with pytest.raises(ValidationError) as caught:
        Visit(
            id=VisitId("v"),
            campaign_id=CampaignId("c"),
            at=dt.datetime(2019, 10, 15, 9),  # noqa: DTZ001 - the point of the test
            work_group_id=WorkGroupId("g"),
            enterprise_id=EnterpriseId("e"),
        )
    assert caught.value.field == "at"
    assert "timezone-aware" in caught.value.expected


def test_notes_keep_any_storable_text_but_not_nul() -> None:
    base = {
        "id": VisitId("v"),
        "campaign_id": CampaignId("c"),
        "at": WHEN,
        "work_group_id": WorkGroupId("g"),
        "enterprise_id": EnterpriseId("e"),
    }
    hostile = "第一行\n第二行\t完 \x07 ' OR 1=1; -- \\ 👩‍👩‍👧 \U000e0001"
    assert Visit(**base, notes=hostile).notes == hostile  # type: ignore[arg-type]
    for bad in ["nul\x00", "lone \ud800 surrogate"]:
        with pytest.raises(ValidationError) as caught:
            Visit(**base, notes=bad)  # type: ignore[arg-type]
        assert caught.value.field == "notes"
