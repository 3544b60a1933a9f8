"""10,000 records with phone and ID numbers anywhere: no output shows one unless asked.

Problems carry mobile and resident ID numbers in their titles and
descriptions, written the ways clerks type them (plain, grouped, with +86,
full-width); enterprises carry contacts. Every output the library makes from
them (the ledger as CSV and xlsx, the briefing in Chinese and English, the
HTML report) is searched for every number: none may appear, while an
unmasked export (asked for, and audited) shows them all, so the search can
fail.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from typing import TYPE_CHECKING

import pytest

from jinjiecu.domain.clock import at, end_of_day
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise, SizeClass
from jinjiecu.domain.events import Assign, Register
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.org import Region
from jinjiecu.domain.personal import Contact, resident_id_check_character
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.reports.briefing import briefing
from jinjiecu.reports.html import html_report
from jinjiecu.reports.ledger import export_ledger
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from pathlib import Path

    from jinjiecu.storage.base import Store

RECORDS = 10_000
CLERK = Actor(kind=ActorKind.CLERK, id="clerk", name="王芳")
OFFICE = Actor(kind=ActorKind.OFFICE, id="office", name="领导小组办公室")
REGION = RegionId("371402")
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
WORDS = ("企业反映", "请联系", "负责人", "电话", "身份证", "经办人", "备注：", "，", "。", " ")


def mobile(rng: random.Random) -> str:
    return f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"


def resident_id(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
    first17 = f"{REGION}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_character(first17)


def typed(number: str, rng: random.Random) -> str:
    """``number`` the way a clerk might type it."""
    form = rng.randrange(5)
    if len(number) == 11 and form == 1:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if len(number) == 11 and form == 2:
        return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
    if len(number) == 18 and form == 1:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if form == 3:
        return number.translate(FULL_WIDTH)
    return number


def text_with(numbers: list[str], rng: random.Random) -> str:
    parts = []
    for number in numbers:
        parts += [rng.choice(WORDS), rng.choice(WORDS), typed(number, rng), rng.choice(WORDS)]
    return "".join(parts)


def numbers_in(text: str) -> set[str]:
    """Every 11- and 18-character stretch of digits (an ID may end in X) the text shows.

    Digits are normalised and separators dropped first, so a grouped number
    reads as one; a stretch inside a longer run counts too.
    """
    flat = re.sub(r"[\s\-－]", "", unicodedata.normalize("NFKC", text)).upper()
    found: set[str] = set()
    for run in re.findall(r"[0-9X]{11,}", flat):
        for width in (11, 18):
            found.update(run[i : i + width] for i in range(len(run) - width + 1))
    return found


@pytest.fixture(scope="module")
def office() -> tuple[Store, list[str]]:
    rng = random.Random(11643)
    store = open_store("memory://")
    store.regions.add(Region(id=REGION, name="德城区", kind=DivisionKind.DISTRICT))
    placed: list[str] = []
    firms = []
    for n in range(100):
        number = mobile(rng)
        placed.append(number)
        firms.append(
            Enterprise(
                id=EnterpriseId(f"e-{n:03d}"),
                name=f"德州样例{n}有限公司",
                region_id=REGION,
                industry="制造",
                size=SizeClass.MEDIUM,
                contacts=(Contact(name="张三", mobile=number),),
            )
        )
    store.enterprises.add_many(firms)
    problems = []
    for n in range(RECORDS - len(firms)):
        in_title = [mobile(rng) if rng.random() < 0.5 else resident_id(rng)]
        in_text = [mobile(rng), resident_id(rng)]
        placed += in_title + in_text
        problem = Problem.register(
            Register(
                title=text_with(in_title, rng)[:200],
                description=text_with(in_text, rng),
                category="other",
                region_id=REGION,
                enterprise_id=firms[n % len(firms)].id,
            ),
            at=at(dt.date(2019, 10, 14)),
            actor=CLERK,
            id=ProblemId(f"p-{n:05d}"),
        )
        if n % 2:  # assigned with a deadline long past: listed as overdue in the briefing
            problem = problem.apply(
                Assign(lead_department_id=DepartmentId("dept"), working_days=3),
                at=at(dt.date(2019, 10, 15)),
                actor=CLERK,
            )
        problems.append(problem)
    store.problems.add_many(problems)
    # Every number is whole in the title or description as stored, so the search below can fail.
    assert len(placed) > RECORDS
    return store, placed


def outputs(store: Store, folder: Path) -> dict[str, str]:
    moment = end_of_day(dt.date(2019, 11, 13))
    export_ledger(store, folder / "台账.csv", history=True)
    export_ledger(store, folder / "台账.xlsx")
    html_report(store, folder / "通报.html", as_of=moment, charts=False, overdue_limit=None)
    from openpyxl import load_workbook  # noqa: PLC0415 - the excel extra

    book = load_workbook(folder / "台账.xlsx", read_only=True)
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
    book.close()
    return {
        "csv": (folder / "台账.csv").read_text(encoding="utf-8-sig"),
        "xlsx": "\n".join(cells),
        "briefing zh": briefing(store, as_of=moment, overdue_limit=None),
        "briefing en": briefing(store, as_of=moment, language="en", overdue_limit=None),
        "html": (folder / "通报.html").read_text(encoding="utf-8"),
    }


def test_no_output_shows_a_phone_or_id_number(
    office: tuple[Store, list[str]], tmp_path: Path
) -> None:
    store, placed = office
    for name, text in outputs(store, tmp_path).items():
        leaked = numbers_in(text) & set(placed)
        assert not leaked, f"{name} shows {len(leaked)} numbers"


def test_an_unmasked_export_shows_them_and_is_audited(
    office: tuple[Store, list[str]], tmp_path: Path
) -> None:
    store, placed = office
    before = store.audit.count()
    export_ledger(store, tmp_path / "原值.csv", history=True, unmasked=True, actor=OFFICE)
    shown = numbers_in((tmp_path / "原值.csv").read_text(encoding="utf-8-sig"))
    assert set(placed[100:]) <= shown  # every number in a problem; contacts are not columns
    assert store.audit.count() == before + 1
