from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.ids import (
    MAX_ID_LENGTH,
    EnterpriseId,
    EntityId,
    ProblemId,
    new_uuid7,
)
from jinjiecu.errors import ValidationError


def test_generated_ids_follow_the_uuid7_layout() -> None:
    text = new_uuid7()
    assert len(text) == 36
    assert [len(part) for part in text.split("-")] == [8, 4, 4, 4, 12]
    value = int(text.replace("-", ""), 16)
    assert value >> 76 & 0xF == 7  # version
    assert value >> 62 & 0b11 == 0b10  # RFC 9562 variant


def test_generated_ids_sort_in_creation_order_even_within_a_millisecond() -> None:
    made = [ProblemId.new() for _ in range(20_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_ids_from_many_threads_are_unique() -> None:
    made: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        local = [new_uuid7() for _ in range(2_000)]
        with lock:
            made.extend(local)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 8_000


def test_the_timestamp_is_the_creation_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = int(new_uuid7().replace("-", ""), 16)
    after = time.time_ns() // 1_000_000
    assert before <= value >> 80 <= after + 1


def test_callers_own_ids_are_accepted_as_they_are() -> None:
    assert EnterpriseId("德州-2019-0001") == "德州-2019-0001"
    assert isinstance(EnterpriseId("x"), str)
    assert repr(ProblemId("p-1")) == "ProblemId('p-1')"


@pytest.mark.parametrize(
    "bad", ["", " x", "x ", "a\nb", "tab\there", "x" * (MAX_ID_LENGTH + 1), 5, None]
)
def test_bad_ids_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        EnterpriseId(bad)  # type: ignore[arg-type]
    assert caught.value.field == "enterprise_id"
    assert caught.value.received == bad


@given(st.text(min_size=1, max_size=MAX_ID_LENGTH))
def test_any_printable_stripped_text_is_an_id(text: str) -> None:
    if text.isprintable() and text == text.strip():
        assert ProblemId(text) == text
    else:
        with pytest.raises(ValidationError):
            ProblemId(text)


def test_every_id_kind_names_its_field() -> None:
    kinds = EntityId.__subclasses__()
    assert len(kinds) >= 10
    assert len({kind.field for kind in kinds}) == len(kinds)
    for kind in kinds:
        assert kind.field.endswith("_id")
