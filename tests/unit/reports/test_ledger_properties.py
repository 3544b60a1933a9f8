"""Property tests: ledgers round-trip, re-importing changes nothing, garbage never crashes."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.events import (
    FollowUpOutcome,
    HandlingLevel,
    Register,
    Satisfaction,
    Scope,
)
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.reports._ledger_cells import xlsx_encode
from jinjiecu.reports._ledger_xlsx import open_workbook
from jinjiecu.reports.ledger import (
    LEDGER_COLUMNS,
    ZH_HEADERS,
    ImportReport,
    LedgerImportError,
    export_ledger,
    import_ledger,
)
from jinjiecu.sample import SampleBatch, SampleData, dezhou_2019
from jinjiecu.storage import open_store
from jinjiecu.testing.strategies import free_texts, names, personal_texts, problems

if TYPE_CHECKING:
    from jinjiecu.storage.base import Store

SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

OFFICE = Actor(kind=ActorKind.OFFICE, id="office", name="领导小组办公室")


@functools.cache
def drive() -> SampleData:
    return dezhou_2019()


@functools.cache
def small_organisation() -> SampleBatch:
    """The part of the sample's organisation the generated rows name (loads quickly)."""
    data = drive()
    return SampleBatch(
        regions=data.regions,
        campaigns=data.campaigns,
        departments=data.departments[:12],
        work_groups=data.work_groups,
        enterprises=data.enterprises[:40],
    )


def organisation() -> Store:
    store = open_store("memory://")
    small_organisation().load_into(store)
    return store


def content(path: Path) -> object:
    """What a ledger file says: the bytes of a CSV, the cell values of an xlsx."""
    if path.suffix == ".csv":
        return path.read_bytes()
    book = open_workbook(path)
    try:
        return [cells for _number, cells in book.rows(book.sheet_names[0])]
    finally:
        book.close()


def everything(store: Store) -> list[Problem]:
    return store.problems.list(limit=10_000)


# ====================================================================== with history


@SLOW
@given(
    found=st.lists(problems(max_steps=6), max_size=4, unique_by=lambda p: p.id),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_any_problems_round_trip_through_a_ledger_with_history(
    found: list[Problem], suffix: str
) -> None:
    source = open_store("memory://")
    source.problems.add_many(found)
    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / f"ledger{suffix}"
        # The office's own working copy: numbers as typed (the export is audited).
        assert export_ledger(source, ledger, history=True, unmasked=True, actor=OFFICE) == len(
            found
        )
        fresh = open_store("memory://")  # empty: the history carries every id
        report = import_ledger(fresh, ledger)
        assert report.created == len(found)
        assert everything(fresh) == everything(source)
        again = Path(folder) / f"again{suffix}"
        export_ledger(fresh, again, history=True, unmasked=True, actor=OFFICE)
        assert content(again) == content(ledger)
        for store in (source, fresh):
            report = import_ledger(store, ledger)
            assert (report.unchanged, report.transitions) == (len(found), 0)


# ====================================================================== ledgers offices write

_WORKING_DAYS = [
    day
    for day in (dt.date(2019, 10, 8) + dt.timedelta(days=n) for n in range(60))
    if china_calendar().is_working_day(day)
]


@functools.cache
def parts() -> dict[str, st.SearchStrategy[Any]]:
    """The strategies a row is drawn from, built once (building them is not free)."""
    data = drive()
    return {
        "enterprise": st.sampled_from(data.enterprises[:40]),
        "departments": st.lists(st.sampled_from(data.departments[:12]), max_size=3, unique=True),
        "registered": st.sampled_from(_WORKING_DAYS[:40]),
        "state": st.sampled_from(list(ProblemState)),
        "category": st.sampled_from([c.label for c in DEFAULT_TAXONOMY.categories]),
        "scope": st.sampled_from([s.label for s in Scope]),
        "title": st.just("") | names(20),
        "description": free_texts(60).filter(lambda t: not t.startswith("=")),
        "work_group": st.sampled_from([g.name for g in data.work_groups]),
        "level": st.sampled_from([level.label for level in HandlingLevel]),
        "progress": st.just("") | names(20),
        "outcome": st.sampled_from(["", *(o.label for o in FollowUpOutcome)]),
        "satisfaction": st.sampled_from(["", *(s.label for s in Satisfaction)]),
        "amount": st.sampled_from(["", "3000万元", "1.2亿元", "8000多万元", "1200元"]),
        "index": st.integers(min_value=0, max_value=10),
        "flag": st.booleans(),
    }


@st.composite
def office_rows(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A row as an office would fill it in, mostly valid, over the sample's organisation."""
    part = parts()
    enterprise = draw(part["enterprise"])
    departments = draw(part["departments"])
    registered = draw(part["registered"])
    later = [d for d in _WORKING_DAYS if d >= registered]
    state = draw(part["state"])
    settled = draw(part["index"])
    return {
        "problem_id": f"row-{number}",
        "enterprise": enterprise.name,
        "credit_code": str(enterprise.credit_code) if draw(part["flag"]) else "",
        "category": draw(part["category"]),
        "scope": draw(part["scope"]),
        "title": draw(part["title"]),
        "description": draw(part["description"]) or "用地",
        "work_group": draw(part["work_group"]),
        "level": draw(part["level"]),
        "lead_department": departments[0].name if departments else "",
        "co_departments": "、".join(d.name for d in departments[1:]),
        "registered_on": registered,
        "deadline": later[draw(part["index"]) % len(later)] if departments else "",
        "state": state.label,
        "progress": draw(part["progress"]),
        "settled_on": later[settled % len(later)] if settled < 6 else "",
        "follow_up_outcome": draw(part["outcome"]),
        "satisfaction": draw(part["satisfaction"]),
        "merged_into": f"row-{max(0, number - 1)}" if state is ProblemState.MERGED else "",
        "amount": draw(part["amount"]),
    }


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    fields = [f for f in LEDGER_COLUMNS if f not in ("number", "history", "project", "region")]
    header = [ZH_HEADERS[f] for f in fields]
    body = [[row.get(f, "") for f in fields] for row in rows]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(
                [
                    ["" if v is None else str(v) if not isinstance(v, str) else v for v in r]
                    for r in body
                ]
            )
        return
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for values in body:
        # Control characters are stored escaped, as Excel does.
        sheet.append(
            [None if v == "" else xlsx_encode(v) if isinstance(v, str) else v for v in values]
        )
    book.save(path)


@SLOW
@given(
    rows=st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(*(office_rows(i) for i in range(n)))
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_ledger_born_problems_come_back_equal_from_their_export(
    rows: tuple[dict[str, Any], ...], suffix: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        typed = Path(folder) / f"typed{suffix}"
        write_rows(typed, list(rows))
        first = organisation()
        report = import_ledger(first, typed, on_error="reject")
        assert report.created + report.rejected == len(rows)
        assert report.rejected == len({e.row for e in report.errors})

        exported = Path(folder) / f"exported{suffix}"
        export_ledger(first, exported, unmasked=True, actor=OFFICE)
        second = organisation()
        assert import_ledger(second, exported).created == report.created
        assert everything(second) == everything(first)
        again = Path(folder) / f"again{suffix}"
        export_ledger(second, again, unmasked=True, actor=OFFICE)
        assert content(again) == content(exported)
        for store in (first, second):
            assert import_ledger(store, exported).transitions == 0
        # The office's own ledger, imported again, changes nothing either.
        assert import_ledger(first, typed, on_error="reject").transitions == 0


# ====================================================================== garbage in


_CELLS = (
    st.text(max_size=12)
    | st.sampled_from(["", " ", "=1+1", "'=x", "2019-02-30", "正在办理", "已办结", "-5万元"])
    | st.integers(min_value=-10, max_value=10**9).map(str)
)


@SLOW
@given(
    headers=st.lists(
        st.sampled_from([*ZH_HEADERS.values(), "联系人", "状态", ""]), min_size=2, max_size=8
    ),
    cells=st.lists(st.lists(_CELLS, max_size=9), max_size=5),
)
def test_garbage_never_escapes_as_anything_but_a_ledger_error(
    headers: list[str], cells: list[list[str]]
) -> None:
    store = organisation()
    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / "garbage.csv"
        with ledger.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows([headers, *cells])
        outcome: ImportReport | LedgerImportError
        try:
            outcome = import_ledger(store, ledger)
        except LedgerImportError as error:
            outcome = error
    if isinstance(outcome, LedgerImportError):
        assert outcome.errors
        for row_error in outcome.errors:
            assert row_error.row >= 1
            # The ledger's column, or the library's header of a column it lacks.
            assert row_error.column in (*headers, *ZH_HEADERS.values(), "")
            assert " / " in row_error.reason
        assert store.problems.count() == 0
    else:
        assert store.problems.count() == outcome.created


def shown(path: Path) -> str:
    """Everything a ledger file shows, as one text with digits normalised and separators dropped."""
    found = content(path)
    text = (
        found.decode("utf-8-sig")
        if isinstance(found, bytes)
        else "\n".join(str(cell) for row in found for cell in row)  # type: ignore[attr-defined]
    )
    return re.sub(r"[\s\-－]", "", unicodedata.normalize("NFKC", text))


@SLOW
@given(placed=personal_texts(max_numbers=3), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_an_export_shows_no_phone_or_id_number_unless_asked_and_audited(
    placed: tuple[str, tuple[Any, ...]], suffix: str
) -> None:
    text, numbers = placed
    problem = next(iter(drive().problems))
    first = problem.transitions[0]
    assert isinstance(first.data, Register)
    typed = Problem.from_history(
        [attrs.evolve(first, data=attrs.evolve(first.data, description=text))]
    )
    store = open_store("memory://")
    store.problems.add(typed)
    audited = store.audit.count()
    with tempfile.TemporaryDirectory() as folder:
        masked = Path(folder) / f"masked{suffix}"
        export_ledger(store, masked, history=True)
        for number in numbers:
            assert number.unmasked().upper() not in shown(masked).upper()
        assert store.audit.count() == audited  # a masked export needs no audit entry
        plain = Path(folder) / f"plain{suffix}"
        export_ledger(store, plain, unmasked=True, actor=OFFICE)
        assert store.audit.count() == audited + 1
        assert store.audit.list(limit=1, offset=audited)[0].action == "export_unmasked"
        for number in numbers:
            assert number.unmasked().upper() in shown(plain).upper()
