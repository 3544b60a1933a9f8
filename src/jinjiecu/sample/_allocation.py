"""What every generator of the sample shares: seeded streams, fair splits, names, moments.

Private to :mod:`jinjiecu.sample`. Nothing here is a record of the sample:
these are the rules that hand out deterministic random choices (one seeded
stream per purpose), split counts by rule (largest remainders), give unique
personal names, firm names and credit codes, and date the steps of a
history, so that :func:`~jinjiecu.sample.dezhou_2019` and
:func:`~jinjiecu.sample.province` draw them the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from fractions import Fraction
from typing import TYPE_CHECKING

from jinjiecu.domain.clock import CHINA_TZ, at, local_date
from jinjiecu.domain.codes import CREDIT_CODE_ALPHABET, CreditCode, credit_code_check_character
from jinjiecu.domain.enterprise import SizeClass
from jinjiecu.domain.money import Money
from jinjiecu.domain.problem import Actor, ActorKind
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from jinjiecu.domain.codes import DivisionCode
    from jinjiecu.sample._enterprises import Industry

__all__ = [
    "Actors",
    "Clock",
    "Firms",
    "People",
    "accumulate",
    "allocate",
    "check_seed",
    "chinese_number",
    "end_of",
    "short_name",
    "stream",
    "wan",
]


# ====================================================================== random streams and splits


def stream(key: int | str) -> random.Random:
    """A seeded random stream: sample data must repeat exactly, it protects no secret."""
    return random.Random(key)  # noqa: S311 - reproducible sample data, not security


def check_seed(seed: object) -> None:
    """Refuse a seed that is not an integer (``True`` and ``False`` included)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(field="seed", expected="an integer", received=seed)


def allocate(
    total: int, weights: Sequence[float | int], minimums: Sequence[int] | None = None
) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights``, each at least its minimum.

    The largest-remainder rule (Hamilton's method): floors first, then one more
    to the largest remainders, ties to the earlier position. The parts always
    add up to ``total`` exactly.

    >>> allocate(439, [3, 2, 2])
    [188, 126, 125]
    """
    floor = list(minimums) if minimums is not None else [0] * len(weights)
    rest = total - sum(floor)
    if rest < 0 or not weights or len(floor) != len(weights):
        message = f"cannot split {total} over {len(weights)} parts with minimums {floor}"
        raise ValueError(message)
    exact = [Fraction(w) for w in weights]
    whole = sum(exact)
    quotas = [rest * w / whole for w in exact] if whole else [Fraction(0)] * len(exact)
    parts = [math.floor(q) for q in quotas]
    left = rest - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [f + p for f, p in zip(floor, parts, strict=True)]


def accumulate(values: Sequence[float]) -> Iterator[float]:
    """Running totals of ``values``: cumulative weights for ``random.choices``."""
    total = 0.0
    for value in values:
        total += value
        yield total


# ====================================================================== names and numbers
#
# Word lists the generators draw from. They are vocabulary, not data: no list
# holds a record of the sample.

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾毛郝"
    "龚邵万钱严武戴孔汤庞宁"
)
_GIVEN = (
    "建国志明永春秀英华玉海军伟强平东文立红新德庆宏成林峰刚勇杰涛斌亮波辉鹏敏静丽燕霞芳洁"
    "梅兰凤琳晓振学忠云光书长爱连胜金延俊良广兴荣福祥瑞利民安保家玲雪宁慧颖琦浩宇博超磊鑫"
)
_ARTICLE_PEOPLE = frozenset(
    {"陈勇", "朱恩鹤", "高秀鹏", "王大山", "滕海强", "王爱民", "李志永", "杨德林", "刘霞", "李霞"}
    | {"耿娜"}
)
"""People the article names; generated officials never carry their names."""

_TRADE = (
    "华鲁德信恒泰瑞龙祥宏盛兴丰源达宇正昌隆鑫金海天力通远明新科创诚润利康安嘉晨博合众益永佳欣凯晶"
)
_ARTICLE_TRADE_NAMES = frozenset(
    {"贝州", "恒丰", "英潮", "发达", "纵英", "环升", "富路", "宏祥", "中昊", "蓝天", "华盛", "德建"}
)
"""Trade names (字号) of firms the article names; generated firms never use them."""


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals: 3 → 三, 10 → 十, 27 → 二十七."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def short_name(name: str) -> str:
    """A place's short name: 乐陵市 → 乐陵, 德州经济技术开发区 → 德州."""
    if name.startswith("德州") and len(name) > 3:
        return "德州"
    return name[:-1] if len(name) > 2 else name


class People:
    """Unique personal names from surnames and given-name characters."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set(_ARTICLE_PEOPLE)

    def name(self) -> str:
        """A new personal name, never one already given nor one the article names."""
        rng = self._rng
        while True:
            given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
            name = rng.choice(_SURNAMES) + given
            if name not in self._used:
                self._used.add(name)
                return name


class Firms:
    """Firm names and valid credit codes, unique within a sample."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names: set[str] = set()
        self._codes: set[str] = set()

    def trade_name(self) -> str:
        """Two different trade-name characters (字号), never an article firm's."""
        rng = self._rng
        while True:
            first, second = rng.choice(_TRADE), rng.choice(_TRADE)
            trade = first + second
            if first != second and trade not in _ARTICLE_TRADE_NAMES:
                return trade

    def name(self, place: str, industry: Industry, size: SizeClass) -> tuple[str, str]:
        """A firm name and its trade name (字号), e.g. 乐陵华泰药业有限公司."""
        rng = self._rng
        while True:
            trade = self.trade_name()
            if size is SizeClass.LARGE:
                form = rng.choice(("集团有限公司", "集团股份有限公司", "股份有限公司"))
            elif size is SizeClass.MEDIUM:
                form = rng.choice(("有限公司", "有限公司", "股份有限公司"))
            else:
                form = "有限公司"
            prefix = rng.choice((place, place, "山东", "德州")) if place else "山东"
            name = f"{prefix}{trade}{rng.choice(industry.words)}{form}"
            if name not in self._names:
                self._names.add(name)
                return name, trade

    def credit_code(self, division: DivisionCode, *, old_style: bool) -> CreditCode:
        """A valid code: 91, the division, then a new (MA3…) or an old organisation code."""
        rng = self._rng
        while True:
            if old_style:  # an organisation code from before 2015 (8 digits, a check character)
                org = "".join(rng.choice("0123456789") for _ in range(8))
                org += rng.choice(CREDIT_CODE_ALPHABET[:11] + "X")
            else:
                org = "MA3" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
            first17 = f"91{division}{org}"
            code = CreditCode(first17 + credit_code_check_character(first17))
            if code not in self._codes:
                self._codes.add(code)
                return code


def wan(amount: int) -> Money:
    """``amount`` 万元 as exact Money."""
    return Money.yuan(amount * 10_000)


# ====================================================================== moments and actors


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in China Standard Time: a report's as-of moment."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=CHINA_TZ)


class Clock:
    """Moments for one problem's history: every step later than the one before, on its day.

    Every moment is made in China Standard Time, so its ``date()`` is its local date.
    """

    def __init__(self, rng: random.Random, start: dt.datetime) -> None:
        self._rng = rng
        self.last = start
        self.day = local_date(start)

    def on(self, day: dt.date) -> dt.datetime:
        """The next step's moment on ``day``: in office hours, after the last step."""
        rng = self._rng
        if day < self.day:
            message = f"history step on {day} before the last one on {self.day}"
            raise AssertionError(message)
        moment = at(day, 8, 30) + dt.timedelta(minutes=rng.randrange(0, 480, 5))
        if day == self.day:
            moment = max(moment, self.last + dt.timedelta(minutes=rng.randrange(10, 60, 5)))
            if moment.date() != day:
                moment = self.last + dt.timedelta(minutes=1)
        if moment.date() != day:  # pragma: no cover - a day holds far more steps than any plan
            message = f"no time left on {day} for another history step"
            raise AssertionError(message)
        self.last, self.day = moment, day
        return moment


class Actors:
    """Actors, made once each and shared (they are immutable)."""

    def __init__(self) -> None:
        self._made: dict[tuple[ActorKind, str], Actor] = {}

    def get(self, kind: ActorKind, id_: str, name: str) -> Actor:
        """The actor of ``kind`` and ``id_``, made on first use and shared after."""
        key = (kind, id_)
        actor = self._made.get(key)
        if actor is None:
            actor = self._made[key] = Actor(kind=kind, id=id_, name=name)
        return actor
