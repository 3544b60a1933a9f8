"""Validators and converters for the domain's attrs classes.

attrs' own validators raise ``TypeError`` and ``ValueError``; these raise the
library's :class:`~jinjiecu.errors.ValidationError`, naming the field, what was
expected and what was received. Each validator has the attrs signature
``(instance, attribute, value)``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from jinjiecu.domain.clock import is_aware
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    import enum

    import attrs

    from jinjiecu.domain.ids import EntityId

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "Validator",
    "a_date",
    "an_aware_datetime",
    "as_tuple",
    "check",
    "check_argument",
    "decimal_in",
    "free_text",
    "int_in",
    "is_bool",
    "is_date",
    "is_enum",
    "is_id",
    "is_instance",
    "name_text",
    "optional",
    "tuple_of",
    "unique_items",
]

Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]

MAX_NAME_LENGTH = 200
"""The longest name (enterprise, department, work group ...) accepted."""

MAX_TEXT_LENGTH = 100_000
"""The longest free text (notes, descriptions) accepted."""


def check(condition: bool, *, field: str, expected: str, received: object) -> None:  # noqa: FBT001
    """Raise :class:`~jinjiecu.errors.ValidationError` unless ``condition`` holds."""
    if not condition:
        raise ValidationError(field=field, expected=expected, received=received)


class _Argument:
    """Stands in for an attrs attribute when a validator checks a function argument."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def check_argument(validator: Validator, name: str, value: Any) -> None:
    """Run an attrs-style validator on a function argument called ``name``.

    >>> check_argument(int_in(1, 100), "limit", 0)
    Traceback (most recent call last):
    ...
    jinjiecu.errors.ValidationError: limit: expected an integer from 1 to 100, received 0 (int)
    """
    validator(None, cast("attrs.Attribute[Any]", _Argument(name)), value)


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Turn a list or tuple into a tuple; leave anything else for the validator to reject.

    Sets are not accepted: their order is not stable, and records must
    serialise the same way every time.
    """
    if isinstance(value, list | tuple):
        return tuple(value)
    return value  # type: ignore[return-value]  # the field's validator names the bad value


def is_instance(cls: type | tuple[type, ...], expected: str) -> Validator:
    """Require an instance of ``cls``; ``expected`` describes it in words."""

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        # bool is an int; a flag is never a count.
        wrong_bool = isinstance(value, bool) and cls in (int, (int,))
        check(
            isinstance(value, cls) and not wrong_bool,
            field=attribute.name,
            expected=expected,
            received=value,
        )

    return validate


def is_id(id_cls: type[EntityId]) -> Validator:
    """Require an instance of the typed id ``id_cls`` (a plain ``str`` is refused).

    Ids are typed so that a problem's id cannot stand where an enterprise's is
    expected; wrap text from elsewhere as ``EnterpriseId("...")``.
    """
    expected = f"a {id_cls.__name__} (wrap text as {id_cls.__name__}('...'))"

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check(isinstance(value, id_cls), field=attribute.name, expected=expected, received=value)

    return validate


def is_bool(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require ``True`` or ``False``."""
    check(isinstance(value, bool), field=attribute.name, expected="True or False", received=value)


def is_enum(enum_cls: type[enum.Enum]) -> Validator:
    """Require a member of ``enum_cls``."""
    names = ", ".join(member.name for member in enum_cls)

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check(
            isinstance(value, enum_cls),
            field=attribute.name,
            expected=f"a {enum_cls.__name__} ({names})",
            received=value,
        )

    return validate


def _storable(text: str) -> bool:
    """Whether every store can hold ``text`` exactly.

    PostgreSQL text cannot contain NUL, and a lone surrogate cannot be encoded
    as UTF-8; everything else (control characters, emoji, unassigned code
    points) is kept byte for byte.
    """
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


def _single_line(text: str) -> bool:
    """No control characters (Cc) and no line or paragraph separators (Zl, Zp)."""
    return not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def _text(max_length: int, *, multiline: bool, allow_empty: bool) -> Validator:
    what = "text without NUL characters" if multiline else "single-line text"
    length = f"at most {max_length} characters"
    expected = f"{what} of {length}" if allow_empty else f"non-blank {what} of {length}"

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = isinstance(value, str) and len(value) <= max_length and _storable(value)
        if ok and not allow_empty:
            ok = bool(value.strip())
        if ok and not multiline:
            ok = _single_line(value)
        check(ok, field=attribute.name, expected=expected, received=value)

    return validate


def name_text(max_length: int = MAX_NAME_LENGTH) -> Validator:
    """Require a non-blank name on one line, without control characters."""
    return _text(max_length, multiline=False, allow_empty=False)


def free_text(max_length: int = MAX_TEXT_LENGTH, *, allow_empty: bool = True) -> Validator:
    """Require free text (notes, descriptions): anything storable, control characters included.

    Only NUL and lone surrogates are refused (no store can keep them exactly).
    """
    return _text(max_length, multiline=True, allow_empty=allow_empty)


def is_date(value: object) -> bool:
    """Whether ``value`` is a :class:`datetime.date` and not a datetime."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def a_date(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a :class:`datetime.date` that is not a datetime."""
    check(
        is_date(value),
        field=attribute.name,
        expected="a date (datetime.date, without a time)",
        received=value,
    )


def an_aware_datetime(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a timezone-aware :class:`datetime.datetime`."""
    check(
        is_aware(value),
        field=attribute.name,
        expected="a timezone-aware datetime",
        received=value,
    )


def int_in(minimum: int | None = None, maximum: int | None = None) -> Validator:
    """Require an ``int`` (not a bool) within the inclusive bounds given."""
    expected = _bounds("an integer", minimum, maximum)

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok and (minimum is None or value >= minimum)
        ok = ok and (maximum is None or value <= maximum)
        check(ok, field=attribute.name, expected=expected, received=value)

    return validate


def decimal_in(minimum: Decimal | None = None, maximum: Decimal | None = None) -> Validator:
    """Require a finite :class:`~decimal.Decimal` within the inclusive bounds given."""
    expected = _bounds("a finite Decimal", minimum, maximum)

    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = isinstance(value, Decimal) and value.is_finite()
        ok = ok and (minimum is None or value >= minimum)
        ok = ok and (maximum is None or value <= maximum)
        check(ok, field=attribute.name, expected=expected, received=value)

    return validate


def _bounds(what: str, minimum: object, maximum: object) -> str:
    if minimum is not None and maximum is not None:
        return f"{what} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{what} of at least {minimum}"
    if maximum is not None:
        return f"{what} of at most {maximum}"
    return what


def optional(validator: Validator) -> Validator:
    """Accept ``None`` or whatever ``validator`` accepts."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


def tuple_of(item: Validator, *, min_length: int = 0) -> Validator:
    """Require a tuple whose every item passes ``item``; errors name the index."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check(
            isinstance(value, tuple) and len(value) >= min_length,
            field=attribute.name,
            expected=f"a list or tuple of at least {min_length} items"
            if min_length
            else "a list or tuple",
            received=value,
        )
        for index, element in enumerate(value):
            try:
                item(instance, attribute, element)
            except ValidationError as error:
                raise ValidationError(
                    field=f"{attribute.name}[{index}]",
                    expected=error.expected,
                    received=element,
                ) from None

    return validate


def unique_items(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Require a tuple without repeated items (ids listed twice are a data-entry slip)."""
    seen: set[Any] = set()
    for element in value:
        check(
            element not in seen,
            field=attribute.name,
            expected="no repeated items",
            received=element,
        )
        seen.add(element)
