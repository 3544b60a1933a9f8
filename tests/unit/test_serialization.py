from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.campaign import Campaign, CampaignTargets
from jinjiecu.domain.enterprise import Project, ProjectKind
from jinjiecu.domain.ids import CampaignId, ProjectId, RegionId
from jinjiecu.domain.money import Money
from jinjiecu.errors import ValidationError
from jinjiecu.serialization import structure, unstructure
from jinjiecu.testing import strategies as js

ROUND_TRIP = [
    js.regions(),
    js.departments(),
    js.leaders(),
    js.work_groups(),
    js.campaign_offices(),
    js.campaigns(),
    js.enterprises(),
    js.projects(),
    js.visits(),
    js.money(),
]


@pytest.mark.parametrize("strategy", ROUND_TRIP, ids=lambda s: repr(s)[:40])
@given(data=st.data())
def test_every_entity_round_trips_through_json(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    value = data.draw(strategy)
    text = json.dumps(unstructure(value), ensure_ascii=False)
    back = structure(json.loads(text), type(value))
    assert back == value
    assert type(back) is type(value)
    # Typed ids and codes come back as their own types, not plain str.
    for name in ("id", "region_id", "credit_code", "campaign_id"):
        if hasattr(value, name) and getattr(value, name) is not None:
            assert type(getattr(back, name)) is type(getattr(value, name))


def test_decimals_are_plain_strings_and_dates_iso() -> None:
    data = unstructure(Money.parse("19.77亿元"))
    assert data == {"amount": "1977000000.00", "approximate": False}
    moment = dt.datetime(2019, 10, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert unstructure(moment) == "2019-10-10T09:00:00+08:00"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"start": "10/10/2019"}, "start"),
        ({"kind": "blitz"}, "kind"),
        ({"targets": {"key_projects": 1.5}}, "targets.key_projects"),
        ({"targets": {"key_projects": "111"}}, "targets.key_projects"),
        ({"targets": {"key_projects": -1}}, "targets.key_projects"),
        ({"department_ids": ["d", 7]}, "department_ids[1]"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_data_names_the_path_to_the_bad_value(patch: dict[str, Any], field: str) -> None:
    drive = Campaign.drive(
        id=CampaignId("c"), name="x", region_id=RegionId("r"), start=dt.date(2019, 10, 10), days=3
    )
    data = unstructure(drive) | patch
    with pytest.raises(ValidationError) as caught:
        structure(data, Campaign)
    assert caught.value.field == field


def test_a_missing_field_is_named() -> None:
    data = unstructure(CampaignTargets())
    data.pop("key_projects")
    # Defaults fill in missing optional fields; a missing required one is named.
    assert structure(data, CampaignTargets) == CampaignTargets()
    with pytest.raises(ValidationError) as caught:
        structure({"id": "c"}, Campaign)
    assert caught.value.field == "name"


def test_floats_never_become_money() -> None:
    with pytest.raises(ValidationError) as caught:
        structure({"amount": 1.5, "approximate": False}, Money)
    assert caught.value.field == "amount"


def test_nested_validator_errors_carry_the_path() -> None:
    project = unstructure(
        Project(id=ProjectId("p"), name="x", kind=ProjectKind.OTHER, region_id=RegionId("r"))
    )
    project["planned_investment"] = {"amount": "-5.00", "approximate": False}
    with pytest.raises(ValidationError) as caught:
        structure(project, Project)
    assert caught.value.field == "planned_investment"
    assert caught.value.received == Money(amount=Decimal(-5))
