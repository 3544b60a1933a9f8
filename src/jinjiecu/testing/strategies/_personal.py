"""Strategies for personal data: mobile numbers, resident ID numbers, contacts, texts.

Private to :mod:`jinjiecu.testing.strategies`, which exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.personal import Contact, MobileNumber, ResidentId, resident_id_check_character
from jinjiecu.testing.strategies._values import FULL_WIDTH, division_codes, names

if TYPE_CHECKING:
    from jinjiecu.domain.codes import DivisionCode

__all__ = ["contacts", "mobile_numbers", "mobile_texts", "personal_texts", "resident_ids"]


# ---- personal data (jinjiecu.domain.personal) ----

_FIRST_TEST_BIRTH = dt.date(1920, 1, 1)
_LAST_TEST_BIRTH = dt.date(2010, 12, 31)
_PERMIT_REGION_CODES = ("810000", "820000", "830000")


def mobile_numbers() -> st.SearchStrategy[MobileNumber]:
    """Valid mainland mobile numbers (13 to 19, then 9 digits); they shrink to ``130****0000``."""
    return st.integers(min_value=13_000_000_000, max_value=19_999_999_999).map(MobileNumber)


@st.composite
def _mobile_text(draw: st.DrawFn, number: MobileNumber) -> str:
    """``number`` written as a clerk might type it."""
    digits = number.unmasked()
    sep = draw(st.sampled_from(["", " ", "-"]))
    first, second = draw(st.sampled_from([(3, 7), (4, 8)]))
    text = sep.join((digits[:first], digits[first:second], digits[second:]))
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "86", "0086 ", "(+86)"]))
    text = prefix + text
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


@st.composite
def _mobile_texts(draw: st.DrawFn) -> tuple[str, MobileNumber]:
    """A mobile number and a way of writing it."""
    number = draw(mobile_numbers())
    return draw(_mobile_text(number)), number


def mobile_texts() -> st.SearchStrategy[tuple[str, MobileNumber]]:
    """Pairs of a mobile number as a clerk might type it and the number it means.

    The text is grouped 3-4-4 or 4-4-3 by spaces or dashes (or not), may carry a
    ``+86``, ``86``, ``0086`` or ``(+86)`` prefix, and may be in full-width
    characters.
    """
    return _mobile_texts()


def resident_ids(
    region: DivisionCode | str | None = None,
    *,
    min_birth: dt.date = _FIRST_TEST_BIRTH,
    max_birth: dt.date = _LAST_TEST_BIRTH,
) -> st.SearchStrategy[ResidentId]:
    """Valid resident ID numbers (GB 11643) with the right check character.

    ``region`` fixes positions 1-6 (a GB/T 2260 code); otherwise they are a
    division code of any level or, now and then, a residence permit's
    810000 / 820000 / 830000. Birth dates run from ``min_birth`` to
    ``max_birth``. They shrink to ``110000192001010003``.
    """
    regions = (
        st.just(str(region))
        if region is not None
        else division_codes().map(str) | st.sampled_from(_PERMIT_REGION_CODES)
    )
    births = st.dates(min_value=min_birth, max_value=max_birth).map(lambda d: d.strftime("%Y%m%d"))
    sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
    return st.tuples(regions, births, sequences).map(
        lambda parts: ResidentId("".join(parts) + resident_id_check_character("".join(parts)))
    )


@st.composite
def _resident_id_text(draw: st.DrawFn, number: ResidentId) -> str:
    """``number`` written as a clerk might type it."""
    text = number.unmasked()
    if draw(st.booleans()):
        text = f"{text[:6]} {text[6:14]} {text[14:]}"
    if draw(st.booleans()):
        text = text.lower()
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


def contacts() -> st.SearchStrategy[Contact]:
    """Contacts with a name, a mobile number, and sometimes an ID number and a title."""
    return st.builds(
        Contact,
        name=names(10),
        mobile=mobile_numbers(),
        id_number=st.none() | resident_ids(),
        title=st.none() | names(10),
    )


_PERSONAL_FILLER = st.text(
    st.characters(
        exclude_categories=["Cs"], exclude_characters="\x000123456789０１２３４５６７８９"
    ),
    max_size=20,
)
_PERSONAL_SEPARATORS = st.sampled_from(
    [" ", "，", "：", "、", "；", "\n", "\t", "。", "电话", "手机", "身份证号", "（", "）", "Tel: "]
)


_PERSONAL_NUMBERS: st.SearchStrategy[MobileNumber | ResidentId] = st.one_of(
    mobile_numbers(), resident_ids()
)


@st.composite
def _personal_texts(
    draw: st.DrawFn, max_numbers: int
) -> tuple[str, tuple[MobileNumber | ResidentId, ...]]:
    """Free text with one to ``max_numbers`` numbers placed in it, and the numbers."""
    count = draw(st.integers(min_value=1, max_value=max_numbers))
    parts = [draw(_PERSONAL_FILLER)]
    placed: list[MobileNumber | ResidentId] = []
    for _ in range(count):
        number: MobileNumber | ResidentId = draw(_PERSONAL_NUMBERS)
        if isinstance(number, MobileNumber):
            written = draw(_mobile_text(number))
        else:
            written = draw(_resident_id_text(number))
        parts += [draw(_PERSONAL_SEPARATORS), written, draw(_PERSONAL_SEPARATORS)]
        parts.append(draw(_PERSONAL_FILLER))
        placed.append(number)
    return "".join(parts), tuple(placed)


def personal_texts(
    max_numbers: int = 3,
) -> st.SearchStrategy[tuple[str, tuple[MobileNumber | ResidentId, ...]]]:
    """Free text with mobile numbers and resident ID numbers placed in it, and the numbers placed.

    Numbers are written in the forms clerks type (see :func:`mobile_texts`;
    ID numbers plain, grouped 6-8-4, with a lower-case ``x``, or full-width)
    and stand apart from the text around them, which holds no other digits:
    every one of them is a number :func:`~jinjiecu.domain.personal.mask_text`
    must mask. The text around them is any storable text.
    """
    if max_numbers < 1:
        msg = f"max_numbers must be at least 1, got {max_numbers}"
        raise InvalidArgument(msg)
    return _personal_texts(max_numbers)
