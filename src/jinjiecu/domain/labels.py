"""Enums that carry a Chinese label beside their English name.

A member's value is a stable English code (stored in databases and JSON); its
``label`` is the Chinese text users read in reports and ledgers. Changing a
label never breaks stored data.

>>> class Colour(LabelledEnum):
...     RED = "red", "红色"
>>> Colour.RED.value, Colour.RED.label
('red', '红色')
>>> Colour.parse("红色") is Colour.parse("red") is Colour.parse("RED") is Colour.RED
True
"""

from __future__ import annotations

import enum
import unicodedata
from typing import Self

from jinjiecu.errors import ValidationError

__all__ = ["LabelledEnum"]


class LabelledEnum(enum.Enum):
    """Base of the domain's enums: value is an English code, ``label`` is Chinese."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        """Build a member from its ``(value, label)`` pair in the class body."""
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: str, *, field: str | None = None) -> Self:
        """Find the member whose label, value or name is ``text``.

        Full-width characters and surrounding spaces are tolerated, as clerks
        type them in spreadsheets. Anything else raises
        :class:`~jinjiecu.errors.ValidationError` listing the accepted labels.
        """
        if isinstance(text, cls):
            return text
        key = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else None
        for member in cls:
            if key in (member.label, member.value) or (
                key is not None and key.upper() == member.name
            ):
                return member
        accepted = ", ".join(f"{m.label} ({m.value})" for m in cls)
        raise ValidationError(
            field=field or _snake(cls.__name__),
            expected=f"one of {accepted}",
            received=text,
        )

    def __str__(self) -> str:
        return self.label


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
