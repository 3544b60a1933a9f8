"""What the command line prints: languages, tables that line up Chinese text, JSON, dates."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TextIO

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

Lang = Literal["zh", "en", "both"]
LANGS: tuple[Lang, ...] = ("zh", "en", "both")


class CliError(Exception):
    """A mistake the user can fix, with its message in both languages and an exit code."""

    def __init__(self, zh: str, en: str, *, code: int) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.code = code


def fail(zh: str, en: str, *, code: int) -> NoReturn:
    """Stop the command with a :class:`CliError`."""
    raise CliError(zh, en, code=code)


@attrs.frozen(kw_only=True)
class Ui:
    """Where and how to print: the language, the streams, and the user's switches."""

    lang: Lang
    out: TextIO
    err: TextIO
    quiet: bool = False
    json: bool = False
    debug: bool = False

    def text(self, zh: str, en: str) -> str:
        """One short text in the chosen language(s): ``"梳理问题 identified"`` for both."""
        if self.lang == "zh":
            return zh
        if self.lang == "en":
            return en
        return f"{zh} {en}" if zh != en else zh

    def lines(self, zh: str, en: str) -> list[str]:
        """A sentence in the chosen language(s), one line per language."""
        if self.lang == "zh":
            return [zh]
        if self.lang == "en":
            return [en]
        return [zh, en] if zh != en else [zh]

    def reason(self, text: str) -> str:
        """A library reason ``"中文 / English"`` in the chosen language (both: as it is)."""
        chinese, separator, english = text.partition(" / ")
        if not separator or self.lang == "both":
            return text
        return chinese if self.lang == "zh" else english

    def say(self, zh: str, en: str) -> None:
        """Print a sentence (one line per language) on standard output."""
        for line in self.lines(zh, en):
            print(line, file=self.out)

    def note(self, zh: str, en: str) -> None:
        """Print a side remark on standard error, unless ``--quiet``."""
        if not self.quiet:
            for line in self.lines(zh, en):
                print(line, file=self.err)

    def print(self, text: str = "") -> None:
        """Print a line on standard output."""
        print(text, file=self.out)

    def dump(self, data: Any) -> None:
        """Print ``data`` as JSON (Decimals as exact strings, Chinese kept as is)."""
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default), file=self.out)

    def headers(self, columns: Sequence[tuple[str, str]]) -> list[list[str]]:
        """Header rows for a table: one row per language."""
        if self.lang == "zh":
            return [[zh for zh, _ in columns]]
        if self.lang == "en":
            return [[en for _, en in columns]]
        return [[zh for zh, _ in columns], [en for _, en in columns]]


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    message = f"cannot write {type(value).__name__} as JSON"
    raise TypeError(message)


# ---------------------------------------------------------------------- tables


def width(text: str) -> int:
    """How many terminal columns ``text`` takes (Chinese characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def clip(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns, with ``…`` if it was cut."""
    text = " ".join(text.split())
    if width(text) <= columns:
        return text
    out, used = [], 0
    for c in text:
        w = width(c)
        if used + w > columns - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


_TOKEN = re.compile(
    r"\s+|[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+"
)


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` terminal columns.

    Latin words stay whole; Chinese text may break between any two characters.
    """
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if line and width(line) + width(token) > columns:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _pad(text: str, columns: int, *, right: bool) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def table(
    headers: Sequence[Sequence[str]],
    rows: Iterable[Sequence[object]],
    *,
    right: Sequence[bool] | None = None,
    footer: Sequence[Sequence[object]] = (),
) -> str:
    """Lay out a table in columns that line up in a terminal, Chinese text included.

    ``right`` says which columns are right-aligned (numbers); ``footer`` rows
    (a total) come after a rule.
    """
    body = [[_cell(value) for value in row] for row in rows]
    tail = [[_cell(value) for value in row] for row in footer]
    heads = [list(h) for h in headers]
    count = max(len(r) for r in [*heads, *body, *tail])
    widths = [0] * count
    for row in [*heads, *body, *tail]:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], width(value))
    align = list(right or [False] * count)

    def line(row: Sequence[str]) -> str:
        cells = [_pad(value, widths[i], right=align[i]) for i, value in enumerate(row)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(h) for h in heads]
    out.append(rule)
    out.extend(line(r) for r in body)
    if tail:
        out.append(rule)
        out.extend(line(r) for r in tail)
    return "\n".join(out)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


# ---------------------------------------------------------------------- dates

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MOMENT = re.compile(
    r"(?P<day>.+?)[T\s]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
_TODAY = {"today", "今天", "今日"}


def parse_day(text: str) -> dt.date:
    """Read a date as offices type it: 2019-11-13, 2019/11/13, 2019.11.13, 2019年11月13日, 20191113.

    Full-width digits and spaces are tolerated; ``today`` (今天) is today in China.
    Raises ``ValueError`` with a bilingual message.
    """
    from jinjiecu.domain.clock import now  # noqa: PLC0415 - the domain is imported when used

    key = unicodedata.normalize("NFKC", text).strip()
    if key.lower() in _TODAY:
        return now().date()
    match = _DATE.fullmatch(key) or _COMPACT.fullmatch(key)
    if match is None:
        raise ValueError(_bad_date(text))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_bad_date(text)) from None


def parse_moment(text: str, *, end_of_day_if_date: bool) -> dt.datetime:
    """Read a date or a date and time; a date alone means its end (``--as-of``) or 09:00.

    A time without a UTC offset is China Standard Time; ``now`` (现在) is now.
    Raises ``ValueError`` with a bilingual message.
    """
    from jinjiecu.domain.clock import CHINA_TZ, at, end_of_day, now  # noqa: PLC0415

    key = unicodedata.normalize("NFKC", text).strip()
    if key.lower() in {"now", "现在"}:
        return now()
    match = _MOMENT.fullmatch(key)
    if match is None:
        day = parse_day(key)
        return end_of_day(day) if end_of_day_if_date else at(day)
    day = parse_day(match["day"])
    zone: dt.tzinfo | None = CHINA_TZ
    try:
        if match["zone"]:
            zone = dt.datetime.fromisoformat(f"2000-01-01T00:00{_offset(match['zone'])}").tzinfo
        clock = dt.time(int(match["h"]), int(match["m"]), int(match["s"] or 0))
    except ValueError:
        raise ValueError(_bad_date(text)) from None
    return dt.datetime.combine(day, clock, tzinfo=zone)


def _offset(text: str) -> str:
    if text == "Z":
        return "+00:00"
    return text if ":" in text else f"{text[:3]}:{text[3:]}"


def _bad_date(text: str) -> str:
    return (
        f"不是有效日期 / not a valid date: {text!r} "
        "(例 e.g. 2019-11-13, 2019/11/13, 2019年11月13日, 2019-11-13T17:30)"
    )
