"""One configured cattrs converter: the library's wire and row format.

- ``Decimal`` is written as a plain decimal string (``"1977000000.00"``), never a
  float and never in exponent notation.
- Dates and datetimes are ISO 8601 strings; datetimes must carry a UTC offset.
- Enums are written by value (the stable English code, not the Chinese label).
- Typed ids and codes are written as plain strings and read back as their types.
- Sets are written as sorted lists.
- Mobile numbers and resident ID numbers
  (:class:`~jinjiecu.domain.personal.MobileNumber`,
  :class:`~jinjiecu.domain.personal.ResidentId`) are written *unmasked*, as
  their digits: this is the format stores keep records in, not an export.
  Exports and reports mask them (:func:`~jinjiecu.domain.personal.mask_text`).
  An error reading one never shows the number.
- Reading is strict: a float where a ``Decimal`` or ``int`` is expected, a
  string where a ``bool`` is expected, or a key the class does not have is an
  error, never silently coerced.

Errors while reading are raised as :class:`~jinjiecu.errors.ValidationError`
whose ``field`` is the path to the bad value (``"targets.key_projects"``).

>>> import datetime as dt
>>> from jinjiecu.domain.campaign import Campaign, CampaignTargets
>>> from jinjiecu.domain.ids import CampaignId, RegionId
>>> drive = Campaign.drive(id=CampaignId("c-1"), name="集中行动", region_id=RegionId("371400"),
...                        start=dt.date(2019, 10, 10), days=50)
>>> data = unstructure(drive)
>>> data["start"], data["kind"]
('2019-10-10', 'drive')
>>> structure(data, Campaign) == drive
True
>>> structure({**data, "start": "2019-10-99"}, Campaign)
Traceback (most recent call last):
...
jinjiecu.errors.ValidationError: start: expected an ISO 8601 date (YYYY-MM-DD), received ...
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from jinjiecu.domain.events import EVENT_DATA, Register
from jinjiecu.domain.personal import MobileNumber, ResidentId, mask_text
from jinjiecu.domain.problem import Transition
from jinjiecu.domain.workflow import Event
from jinjiecu.errors import JinjiecuError, ValidationError

__all__ = ["converter", "make_converter", "structure", "unstructure"]

T = TypeVar("T")


def _structure_decimal(value: Any, _type: type) -> Decimal:
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise ValidationError(
        field="value", expected="a decimal number written as a string", received=value
    )


def _structure_date(value: Any, _type: type) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(field="value", expected="an ISO 8601 date (YYYY-MM-DD)", received=value)


def _structure_datetime(value: Any, _type: type) -> dt.datetime:
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                return moment
    raise ValidationError(
        field="value",
        expected="an ISO 8601 datetime with a UTC offset (2019-10-10T09:00:00+08:00)",
        received=value,
    )


def _strict(kind: type, expected: str) -> Any:
    def structure_exact(value: Any, _type: type) -> Any:
        if type(value) is kind:
            return value
        raise ValidationError(field="value", expected=expected, received=value)

    return structure_exact


def _structure_text(value: Any, cls: type[str]) -> str:
    # One hook for str and its subclasses (typed ids, codes), which validate themselves.
    if not isinstance(value, str):
        what = "text" if cls is str else f"a {cls.__name__} as text"
        raise ValidationError(field="value", expected=what, received=value)
    return value if cls is str else cls(value)


def _structure_personal(value: Any, cls: type[MobileNumber | ResidentId]) -> Any:
    # The constructors conceal the number in their errors; keep that, and name the value.
    if not isinstance(value, str):
        raise ValidationError(
            field="value", expected=f"a {cls.__name__} as text", received=mask_text(repr(value))
        )
    try:
        return cls(value)
    except ValidationError as error:
        raise ValidationError(
            field="value", expected=error.expected, received=error.received
        ) from None


def _transition_hook(conv: cattrs.Converter) -> Callable[[Any, type], Transition]:
    """Structure a transition, reading its data as the class its event calls for."""
    rest = make_dict_structure_fn(
        Transition, conv, data=override(struct_hook=lambda value, _: value)
    )

    def structure_transition(value: Any, cls: type) -> Transition:
        if not isinstance(value, Mapping):
            raise ValidationError(field="value", expected="a transition mapping", received=value)
        try:
            event = Event(str(value.get("event")))
        except ValueError:
            raise ValidationError(
                field="event",
                expected="an event name (" + ", ".join(e.value for e in Event) + ")",
                received=value.get("event"),
            ) from None
        try:
            data = conv.structure(value.get("data", {}), EVENT_DATA[event])
        except BaseValidationError as group:
            raise _first_error(group, ("data",)) from None
        except ValidationError as error:
            raise ValidationError(
                field=f"data.{error.field}", expected=error.expected, received=error.received
            ) from None
        return rest({**value, "data": data}, cls)

    return structure_transition


def make_converter() -> cattrs.Converter:
    """Build a converter configured the library's way (see the module docs).

    Use :data:`converter` unless you need to register hooks of your own on a
    private copy.
    """
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(Decimal, lambda number: format(number, "f"))
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_structure_hook(int, _strict(int, "an integer"))
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook(str, _structure_text)
    conv.register_unstructure_hook(str, str.__str__)  # typed ids and codes become plain text
    conv.register_structure_hook(Transition, _transition_hook(conv))
    # A registration without a 包联领导 is written as before the field existed, so that
    # stored histories (and their hash chain) read back the same.
    conv.register_unstructure_hook(
        Register,
        make_dict_unstructure_fn(Register, conv, leader_id=override(omit_if_default=True)),
    )
    conv.register_unstructure_hook(MobileNumber, MobileNumber.unmasked)
    conv.register_structure_hook(MobileNumber, _structure_personal)
    conv.register_unstructure_hook(ResidentId, ResidentId.unmasked)
    conv.register_structure_hook(ResidentId, _structure_personal)
    # Sets (a holiday notice's days) become sorted lists: JSON has no sets, and the
    # hash chain needs the same text every time.
    conv.register_unstructure_hook_func(
        _is_set_type, lambda items: sorted(conv.unstructure(item) for item in items)
    )
    return conv


def _is_set_type(cls: Any) -> bool:
    return cls in (set, frozenset) or typing.get_origin(cls) in (set, frozenset)


converter = make_converter()
"""The library's shared converter."""


def unstructure(value: object) -> Any:
    """Turn a domain value into JSON-compatible data (dicts, lists, strings, numbers)."""
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from data made by :func:`unstructure`.

    Raises :class:`~jinjiecu.errors.ValidationError` naming the path to the
    first bad value.
    """
    try:
        return converter.structure(data, cls)
    except BaseValidationError as group:
        raise _first_error(group, ()) from None
    except ValidationError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValidationError(
            field=getattr(cls, "__name__", str(cls)),
            expected=f"data for a {getattr(cls, '__name__', cls)}",
            received=data,
        ) from error


def _first_error(error: BaseException, path: tuple[str, ...]) -> JinjiecuError:
    """Find the first leaf error in a cattrs error group and name its path.

    The library's own errors other than validation (a broken history, say)
    come out as they are.
    """
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            path = (*path, note.name)
        elif isinstance(note, IterableValidationNote):
            path = (*path[:-1], f"{path[-1]}[{note.index}]") if path else (f"[{note.index}]",)
    if isinstance(error, BaseValidationError):
        return _first_error(error.exceptions[0], path)
    if isinstance(error, JinjiecuError) and not isinstance(error, ValidationError):
        return error
    where = ".".join(path)
    if isinstance(error, ForbiddenExtraKeysError):
        field = ".".join((*path, min(error.extra_fields)))
        return ValidationError(
            field=field, expected="no such field (unknown key)", received=sorted(error.extra_fields)
        )
    if isinstance(error, KeyError):
        return ValidationError(
            field=where, expected="a value (required field missing)", received=None
        )
    if isinstance(error, ValidationError):
        # Hooks name their value "value"; a nested class's validator names its own field.
        own = "" if error.field == "value" else error.field
        field = ".".join(part for part in (where, own) if part) or "value"
        return ValidationError(field=field, expected=error.expected, received=error.received)
    return ValidationError(field=where or "value", expected="a valid value", received=str(error))
