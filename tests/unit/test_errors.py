from __future__ import annotations

import inspect
import pickle

import pytest

from jinjiecu import errors
from jinjiecu.errors import (
    CalendarCoverageError,
    ConflictError,
    IllegalTransitionError,
    JinjiecuError,
    NotFoundError,
    SchemaVersionError,
    ValidationError,
)


def test_every_error_is_rooted_at_jinjiecu_error() -> None:
    classes = [
        obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, Exception) and name in errors.__all__
    ]
    assert len(classes) == len(errors.__all__)
    assert all(issubclass(cls, JinjiecuError) for cls in classes)


def test_validation_error_carries_field_expected_received() -> None:
    error = ValidationError(field="amount", expected="a number", received="abc")
    assert (error.field, error.expected, error.received) == ("amount", "a number", "abc")
    assert str(error) == "amount: expected a number, received 'abc' (str)"
    assert isinstance(error, ValueError)


def test_validation_error_shortens_huge_values_in_the_message_only() -> None:
    error = ValidationError(field="notes", expected="short text", received="x" * 10_000)
    assert len(str(error)) < 200
    assert error.received == "x" * 10_000


def test_at_adds_a_location_and_keeps_the_class() -> None:
    error = CalendarCoverageError(day="2030-01-01", first_year=2001, last_year=2026)
    located = error.at("row 7, column 登记日期")
    assert type(located) is CalendarCoverageError
    assert located.location == "row 7, column 登记日期"
    assert str(located).startswith("row 7, column 登记日期: date: expected a date in 2001–2026")
    assert located.first_year == 2001
    assert error.location is None


def test_structured_fields_of_the_other_branches() -> None:
    illegal = IllegalTransitionError(
        problem_id="p-1", state="closed", event="resolve", allowed=["reopen"]
    )
    assert illegal.allowed == ("reopen",)
    assert "allowed now: reopen" in str(illegal)
    conflict = ConflictError(kind="problem", id="p-1", expected_version=3, actual_version=4)
    assert (conflict.expected_version, conflict.actual_version) == (3, 4)
    assert "nothing was written" in str(conflict)
    missing = NotFoundError(kind="enterprise", id="e-9")
    assert (missing.kind, missing.id) == ("enterprise", "e-9")
    newer = SchemaVersionError(found=9, supported=1, url="sqlite:///x.db")
    assert "not changed" in str(newer)


@pytest.mark.parametrize(
    "error",
    [
        ValidationError(field="f", expected="e", received=1, location="row 2"),
        CalendarCoverageError(day="2030-01-01", first_year=2001, last_year=2026),
        IllegalTransitionError(problem_id="p", state="s", event="e", allowed=["a"]),
        ConflictError(kind="problem", id="p", expected_version=1, actual_version=2),
        NotFoundError(kind="enterprise", id="e"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_survive_pickling_across_processes(error: JinjiecuError) -> None:
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)


def test_errors_can_be_raised_and_caught_by_branch() -> None:
    with pytest.raises(errors.StorageError):
        raise ConflictError(kind="problem", id="p", expected_version=1, actual_version=2)
    with pytest.raises(errors.WorkflowError):
        raise IllegalTransitionError(problem_id="p", state="s", event="e", allowed=())
