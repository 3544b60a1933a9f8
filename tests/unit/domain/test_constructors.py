"""Every domain constructor refuses bad input with the library's error, naming the field."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, strategies as st

from jinjiecu.errors import ValidationError
from jinjiecu.testing import strategies as js

ENTITY_STRATEGIES: list[st.SearchStrategy[Any]] = [
    js.regions(),
    js.departments(),
    js.leaders(),
    js.work_groups(),
    js.campaign_offices(),
    js.campaign_targets(),
    js.campaigns(),
    js.enterprises(),
    js.projects(),
    js.visits(),
    js.money(),
]

# Values no field of the domain accepts: wrong types, floats, naive or wrong objects.
NEVER_VALID = [object(), 1.5, b"bytes", {"a": 1}]


@pytest.mark.parametrize("strategy", ENTITY_STRATEGIES, ids=lambda s: repr(s)[:40])
@given(data=st.data())
def test_a_wrong_value_in_any_field_is_named(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    valid = data.draw(strategy)
    fields = attrs.fields(type(valid))
    field = data.draw(st.sampled_from(fields))
    bad = data.draw(st.sampled_from(NEVER_VALID))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(valid, **{field.name: bad})
    assert caught.value.field == field.name
    assert caught.value.received is bad
    assert field.name in str(caught.value)
