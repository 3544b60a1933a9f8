"""Ledger import and export: round trips, versions as history, errors, files."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import sys
from typing import TYPE_CHECKING

import attrs
import openpyxl
import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import Register
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import ConfigurationError, ValidationError
from jinjiecu.reports._ledger_xlsx import open_workbook
from jinjiecu.reports.ledger import (
    EN_HEADERS,
    EXPORT_COLUMNS,
    LEDGER_ACTOR,
    LEDGER_COLUMNS,
    ZH_HEADERS,
    LedgerHeaders,
    LedgerImportError,
    RowError,
    export_ledger,
    import_ledger,
    rejects_path_for,
)
from jinjiecu.sample import SampleData, dezhou_2019
from jinjiecu.storage import open_store
from jinjiecu.storage.base import Query

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jinjiecu.storage.base import Store

LATER = at(dt.date(2019, 11, 29))


@functools.cache
def drive() -> SampleData:
    return dezhou_2019()


def store_with(problems: tuple[Problem, ...] | None = None) -> Store:
    """A memory store with the sample's organisation and ``problems`` (default: the sample's)."""
    store = open_store("memory://")
    data = drive()
    attrs.evolve(data, problems=data.problems if problems is None else problems).load_into(store)
    return store


def organisation() -> Store:
    return store_with(())


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)


def edit(path: Path, problem_id: str, **changes: str) -> None:
    """Change cells (by Chinese header) in the row of ``problem_id``."""
    rows = read_csv(path)
    header = rows[0]
    row = next(r for r in rows if r[1] == problem_id)
    for name, value in changes.items():
        row[header.index(ZH_HEADERS[name])] = value
    write_csv(path, rows)


def xlsx_values(path: Path) -> list[list[object]]:
    book = open_workbook(path)
    try:
        return [cells for _number, cells in book.rows(book.sheet_names[0])]
    finally:
        book.close()


def first(state: ProblemState, where: Callable[[Problem], bool] = lambda _p: True) -> Problem:
    return next(p for p in drive().problems if p.state is state and where(p))


# ====================================================================== headers


def test_the_default_headers_are_chinese_and_an_english_set_exists() -> None:
    assert LedgerHeaders().as_dict() == dict(ZH_HEADERS)
    assert LedgerHeaders.english().as_dict() == dict(EN_HEADERS)
    assert list(ZH_HEADERS) == list(LEDGER_COLUMNS)
    optional = {"place", "leader", "deadline_provisional", "history"}
    assert tuple(f for f in LEDGER_COLUMNS if f not in optional) == EXPORT_COLUMNS
    for needed in ("序号", "企业名称", "统一社会信用代码", "所属县市区", "问题类别", "问题描述"):
        assert needed in ZH_HEADERS.values()
    for needed in ("帮扶工作组", "牵头部门", "配合部门", "登记日期", "办理时限", "办理状态"):
        assert needed in ZH_HEADERS.values()
    assert "办理进展" in ZH_HEADERS.values()
    assert "办结日期" in ZH_HEADERS.values()


def test_header_overrides_are_checked() -> None:
    own = LedgerHeaders.chinese().with_overrides({"lead_department": "责任单位"})
    assert own.header("lead_department") == "责任单位"
    with pytest.raises(ValidationError, match="fields of a ledger"):
        LedgerHeaders.chinese().with_overrides({"chief": "领导"})
    with pytest.raises(ValidationError, match="unique"):
        LedgerHeaders.chinese().with_overrides({"deadline": "办理状态"})
    with pytest.raises(ValidationError):
        LedgerHeaders.chinese().with_overrides({"deadline": " "})


# ====================================================================== round trips


def test_the_sample_drive_round_trips_through_csv(tmp_path: Path) -> None:
    source = store_with()
    ledger = tmp_path / "台账.csv"
    assert export_ledger(source, ledger) == len(drive().problems)
    assert ledger.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8

    fresh = organisation()
    report = import_ledger(fresh, ledger)
    assert (report.rows, report.created, report.updated, report.rejected) == (197, 197, 0, 0)
    assert report.rejects_path is None
    again = tmp_path / "again.csv"
    export_ledger(fresh, again)
    assert again.read_bytes() == ledger.read_bytes()

    for store in (source, fresh):  # re-importing changes nothing
        before = store.problems.list(limit=1000)
        report = import_ledger(store, ledger)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 197)
        assert report.transitions == 0
        assert store.problems.list(limit=1000) == before


def test_the_sample_drive_round_trips_through_xlsx(tmp_path: Path) -> None:
    source = store_with()
    ledger = tmp_path / "台账.xlsx"
    export_ledger(source, ledger)
    fresh = organisation()
    assert import_ledger(fresh, ledger).created == 197
    again = tmp_path / "again.xlsx"
    export_ledger(fresh, again)
    assert xlsx_values(again) == xlsx_values(ledger)
    assert import_ledger(source, ledger).unchanged == 197

    book = openpyxl.load_workbook(ledger)
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "工作台账"
    assert sheet.freeze_panes == "A2"
    dates = [sheet.cell(row=2, column=EXPORT_COLUMNS.index("registered_on") + 1)]
    assert dates[0].is_date
    assert dates[0].number_format == "yyyy-mm-dd"


def test_with_its_history_a_ledger_carries_equal_problems(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    export_ledger(store_with(), ledger, history=True)
    assert read_csv(ledger)[0][-1] == "办理记录"
    fresh = organisation()
    report = import_ledger(fresh, ledger)
    assert report.transitions == drive().counts()["transitions"]
    by_id = {p.id: p for p in drive().problems}
    for problem in fresh.problems.list(limit=1000):
        assert problem == by_id[problem.id]


def test_a_history_column_extends_a_store_behind_it_and_never_rewrites_one(
    tmp_path: Path,
) -> None:
    data = drive()
    problem = first(
        ProblemState.CLOSED,
        lambda p: p.resolved_at is not None and p.registered_at < data.as_of < p.resolved_at,
    )
    earlier = problem.as_of(data.as_of)
    assert earlier is not None
    assert earlier.version < problem.version
    behind = store_with((earlier,))
    ledger = tmp_path / "台账.csv"
    export_ledger(store_with((problem,)), ledger, history=True)

    report = import_ledger(behind, ledger)  # the ledger is ahead: its steps are appended
    assert (report.updated, report.transitions) == (1, problem.version - earlier.version)
    assert behind.problems.get(problem.id) == problem

    old = tmp_path / "旧台账.csv"
    export_ledger(store_with((earlier,)), old, history=True)
    assert import_ledger(behind, old).unchanged == 1  # the store is ahead: nothing to do

    rows = read_csv(old)
    column = rows[0].index("办理记录")
    rows[1][column] = rows[1][column].replace("2019-10", "2019-09", 1)  # rewrite the past
    write_csv(old, rows)
    with pytest.raises(LedgerImportError, match="history is never rewritten"):
        import_ledger(behind, old)


def test_a_masked_export_still_changes_nothing_when_imported_again(tmp_path: Path) -> None:
    data = drive()
    enterprise = data.enterprises[0]
    problem = Problem.register(
        Register(
            title="联系人电话13800138000",
            category="financing",
            region_id=enterprise.region_id,
            enterprise_id=enterprise.id,
            description="请回电 138-0013-8000，身份证 11010519491231002X",
        ),
        at=at(dt.date(2019, 10, 10)),
        actor=LEDGER_ACTOR,
        id=ProblemId("phone-1"),
    )
    store = store_with((problem,))
    for name, history in (("台账.csv", False), ("带记录.csv", True), ("台账.xlsx", False)):
        ledger = tmp_path / name
        export_ledger(store, ledger, history=history)  # masked: fit to pass on
        if ledger.suffix == ".csv":
            text = ledger.read_text(encoding="utf-8-sig")
            assert "13800138000" not in text
            assert "138****8000" in text
        report = import_ledger(store, ledger)
        assert (report.unchanged, report.transitions, report.warnings) == (1, 0, ())
    assert store.problems.get(problem.id) == problem
    clerk = Actor(kind=ActorKind.CLERK, id="clerk-7", name="李静")
    exact = tmp_path / "原值.csv"
    export_ledger(store, exact, history=True, unmasked=True, actor=clerk)  # audited
    fresh = organisation()
    import_ledger(fresh, exact)
    assert fresh.problems.get(problem.id) == problem


def test_english_headers_are_written_and_recognised(tmp_path: Path) -> None:
    source = store_with()
    ledger = tmp_path / "ledger.xlsx"
    export_ledger(source, ledger, headers=LedgerHeaders.english())
    assert xlsx_values(ledger)[0][:3] == ["No.", "Problem ID", "Enterprise"]
    assert import_ledger(source, ledger).unchanged == 197
    fresh = organisation()
    assert import_ledger(fresh, ledger, headers=LedgerHeaders.english()).created == 197


def test_export_chooses_columns_a_moment_and_problems(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "some.csv"
    data = drive()
    count = export_ledger(
        store, ledger, columns=["problem_id", "state"], as_of=data.as_of.date(), query=Query()
    )
    rows = read_csv(ledger)
    assert rows[0] == ["问题编号", "办理状态"]
    assert count == data.counts()["problems_as_of"] == len(rows) - 1
    states = {r[0]: r[1] for r in rows[1:]}
    for problem in data.problems:
        then = problem.as_of(data.as_of)
        if then is not None:
            assert states[problem.id] == then.state.label
    resolved = export_ledger(store, ledger, query=Query(state=ProblemState.RESOLVED))
    assert resolved == sum(1 for p in data.problems if p.state is ProblemState.RESOLVED)
    with pytest.raises(ValidationError, match="columns"):
        export_ledger(store, ledger, columns=["chief"])
    with pytest.raises(ValidationError, match="a Query"):
        export_ledger(store, ledger, query="state=resolved")  # type: ignore[arg-type]


def test_export_reports_progress(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    export_ledger(
        store_with(), tmp_path / "a.csv", progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (197, 197)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    calls.clear()
    import_ledger(organisation(), tmp_path / "a.csv", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (197, 197)


# ====================================================================== versions become history


def test_a_resolution_in_the_ledger_appends_a_resolve_dated_by_the_settlement_date(
    tmp_path: Path,
) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    problem = first(ProblemState.IN_PROGRESS)
    edit(
        ledger,
        problem.id,
        state="已解决",
        settled_on="2019年11月20日",
        progress="协调银行续贷3000万元，问题解决",
    )
    report = import_ledger(store, ledger, at=LATER)
    assert (report.updated, report.unchanged, report.transitions) == (1, 196, 1)
    after = store.problems.get(problem.id)
    assert after.transitions[:-1] == problem.transitions
    step = after.transitions[-1]
    assert step.event is Event.RESOLVE
    assert (step.from_state, step.to_state) == (ProblemState.IN_PROGRESS, ProblemState.RESOLVED)
    assert step.at == at(dt.date(2019, 11, 20))
    assert step.data.summary == "协调银行续贷3000万元，问题解决"  # type: ignore[union-attr]
    assert step.actor == LEDGER_ACTOR
    assert import_ledger(store, ledger, at=LATER).unchanged == 197  # and again: nothing


def test_closing_records_the_follow_up_then_the_close(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    problem = first(ProblemState.IN_PROGRESS)
    edit(
        ledger,
        problem.id,
        state="已办结",
        settled_on="2019-11-20",
        follow_up_outcome="已解决",
        satisfaction="满意",
    )
    clerk = Actor(kind=ActorKind.CLERK, id="clerk-7", name="李静")
    import_ledger(store, ledger, at=LATER, actor=clerk)
    steps = store.problems.get(problem.id).transitions[problem.version :]
    assert [s.event for s in steps] == [Event.RESOLVE, Event.FOLLOW_UP, Event.CLOSE]
    assert steps[0].at == at(dt.date(2019, 11, 20))
    assert steps[1].at == steps[2].at == LATER  # no date in the ledger: the import's moment
    assert {s.actor for s in steps} == {clerk}


def test_departments_deadline_and_level_changes_become_their_events(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    problem = first(ProblemState.IN_PROGRESS, lambda p: p.level.rank == 0)
    assert problem.deadline is not None
    departments = [d for d in drive().departments if d.id != problem.lead_department_id]
    edit(
        ledger,
        problem.id,
        lead_department=departments[0].name,
        co_departments=f"{departments[1].name}，{departments[2].id}",
        deadline=(problem.deadline + dt.timedelta(days=14)).strftime("%Y.%m.%d"),
        level="县级协调",
    )
    import_ledger(store, ledger, at=LATER)
    after = store.problems.get(problem.id)
    steps = after.transitions[problem.version :]
    assert [s.event for s in steps] == [Event.ESCALATE, Event.REASSIGN, Event.EXTEND_DEADLINE]
    assert after.lead_department_id == departments[0].id
    assert after.co_department_ids == (departments[1].id, departments[2].id)
    assert after.deadline == problem.deadline + dt.timedelta(days=14)
    assert after.level.label == "县级协调"


def test_an_illegal_change_is_a_row_error_and_nothing_is_written(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    closed = first(ProblemState.CLOSED)
    in_progress = first(ProblemState.IN_PROGRESS)
    edit(ledger, closed.id, state="已交办")
    edit(ledger, in_progress.id, state="不予受理")
    resolved = first(ProblemState.RESOLVED, lambda p: p.last_follow_up is None)
    edit(ledger, resolved.id, state="已办结")  # no follow-up yet: legal only with one
    before = store.problems.list(limit=1000)
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, ledger, at=LATER)
    assert store.problems.list(limit=1000) == before
    rows = read_csv(ledger)
    row_of = {r[1]: n for n, r in enumerate(rows, start=1)}
    errors = {e.row: e for e in caught.value.errors}
    assert set(errors) == {row_of[closed.id], row_of[in_progress.id], row_of[resolved.id]}
    assert errors[row_of[closed.id]].column == "办理状态"
    assert "不能从“已办结”改为“已交办”" in errors[row_of[closed.id]].reason
    assert "reject" in errors[row_of[in_progress.id]].reason  # the domain's own refusal
    assert errors[row_of[resolved.id]].column == "企业满意度"
    assert isinstance(caught.value, ValidationError)
    assert "3 行有错误" in str(caught.value)


def test_registration_details_cannot_be_rewritten(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    problem = first(ProblemState.IN_PROGRESS)
    edit(ledger, problem.id, category="土地使用" if problem.category != "land_use" else "融资")
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, ledger)
    [error] = caught.value.errors
    assert error.column == "问题类别"
    assert "登记后不能通过台账修改" in error.reason


def test_stale_values_and_progress_alone_are_warnings(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    problem = first(ProblemState.IN_PROGRESS)
    assert problem.deadline is not None
    edit(
        ledger,
        problem.id,
        deadline=(problem.deadline - dt.timedelta(days=1)).isoformat(),
        progress="已约企业下周再议",
    )
    report = import_ledger(store, ledger)
    assert report.unchanged == 197
    assert {w.column for w in report.warnings} == {"办理时限", "办理进展"}
    assert all(isinstance(w, RowError) for w in report.warnings)
    assert store.problems.get(problem.id) == problem


def test_a_later_version_of_the_drives_ledger_becomes_its_history(tmp_path: Path) -> None:
    data = drive()
    earlier = tuple(p for p in (q.as_of(data.as_of) for q in data.problems) if p is not None)
    store = store_with(earlier)  # the store as it stood on 13 November
    full = tmp_path / "full.csv"
    export_ledger(store_with(), full)  # the ledger at the end of the drive
    report = import_ledger(store, full, at=LATER)
    assert report.created == len(data.problems) - len(earlier)
    assert report.updated > 0
    assert (report.rejected, report.warnings) == (0, ())
    after = tmp_path / "after.csv"
    export_ledger(store, after)
    assert after.read_bytes() == full.read_bytes()
    by_id = {p.id: p for p in data.problems}
    for problem in store.problems.list(limit=1000):
        original = by_id[problem.id]
        assert problem.state is original.state
        assert problem.settled_on == original.settled_on
        for step in problem.transitions:
            if step.event in (Event.RESOLVE, Event.EXPLAIN) and step.actor == LEDGER_ACTOR:
                assert step.at.time() == dt.time(9)  # dated by the ledger's 办结日期
            if step.event is Event.RESUME and step.actor == LEDGER_ACTOR:
                # The shifted deadline in the ledger tells the day work resumed.
                resumed = next(t for t in original.transitions if t.event is Event.RESUME)
                assert step.at.date() == resumed.at.date()


# ====================================================================== ledgers offices type


def _office_rows() -> list[list[object]]:
    data = drive()
    enterprise = data.enterprises[0]
    other = data.enterprises[1]
    group = data.work_groups[0]
    lead, co = data.departments[10], data.departments[11]
    assert enterprise.credit_code is not None
    spaced = " ".join(str(enterprise.credit_code)[i : i + 6] for i in range(0, 18, 6))
    full_width = str(other.credit_code).translate(
        str.maketrans(
            "0123456789ABCDEFGHJKLMNPQRTUWXY",
            "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
        )
    )
    return [
        ["德州市“进企业、解难题、促发展”工作台账"],
        [],
        ["序 号", "企业名称", "*统一社会信用代码", "问题类别", "问题描述", "帮扶工作组", "责任单位",
         "配合部门", "登记日期", "办理时限", "状态", "办结日期", "涉及金额", "联系人"],
        [1, f" {enterprise.name} ", spaced, "融资", "流动资金贷款到期，需协调续贷", group.name,
         lead.name, co.name, dt.datetime(2019, 10, 12),  # noqa: DTZ001 - a date cell
         "2019年11月1日", "正在办理", None,
         "3000万元", "王经理"],
        [2, None, full_width, "土地使用", "新厂区用地指标不足\n急需解决", group.id, lead.id,
         None, 43750, "２０１９．１１．５", "已解决", dt.date(2019, 10, 30), 1200000, "张会计"],
    ]  # fmt: skip


def test_an_office_xlsx_with_title_rows_dates_and_full_width_codes(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in _office_rows():
        sheet.append(row)
    sheet["I5"].number_format = 'yyyy"年"m"月"d"日"'  # an Excel date shown the Chinese way
    ledger = tmp_path / "乐陵市台账.xlsx"
    book.save(ledger)
    store = organisation()

    report = import_ledger(store, ledger)

    assert (report.created, report.rejected) == (2, 0)
    assert report.ignored_columns == ("联系人",)
    data = drive()
    problems = store.problems.list()
    loan = next(p for p in problems if p.category == "financing")
    land = next(p for p in problems if p.category == "land_use")
    assert loan.enterprise_id == data.enterprises[0].id
    assert loan.region_id == data.enterprises[0].region_id  # from the enterprise
    assert loan.campaign_id == data.work_groups[0].campaign_id
    assert loan.title == "流动资金贷款到期，需协调续贷"
    assert loan.registered_at == at(dt.date(2019, 10, 12))
    assert loan.deadline == dt.date(2019, 11, 1)
    assert loan.state is ProblemState.IN_PROGRESS
    assert loan.co_department_ids == (data.departments[11].id,)
    assert loan.transitions[0].note == "涉及金额：3000万元"
    assert land.enterprise_id == data.enterprises[1].id
    assert land.title == "新厂区用地指标不足"
    assert land.description == "新厂区用地指标不足\n急需解决"
    assert land.registered_at.date() == dt.date(2019, 10, 12)  # Excel serial 43750
    assert land.settled_on == dt.date(2019, 10, 30)
    assert land.transitions[0].note == "涉及金额：120万元"
    # The same ledger again finds the same problems by their derived ids.
    assert import_ledger(store, ledger).unchanged == 2
    assert all(p.id.startswith("ledger-") for p in problems)


def test_gbk_and_plain_utf8_csv_are_read(tmp_path: Path) -> None:
    store = store_with()
    exported = tmp_path / "utf8bom.csv"
    export_ledger(store, exported)
    text = exported.read_text(encoding="utf-8-sig")
    for encoding in ("gbk", "utf-8"):
        ledger = tmp_path / f"{encoding}.csv"
        ledger.write_bytes(text.encode(encoding))
        assert import_ledger(store, ledger).unchanged == 197
    tabs = tmp_path / "tabs.csv"
    tabs.write_text(
        text.replace(",", "\t"), encoding="utf-8"
    )  # no commas inside the sample's cells
    assert import_ledger(store, tabs).unchanged == 197


def test_a_file_in_neither_utf8_nor_gbk_names_the_line(tmp_path: Path) -> None:
    ledger = tmp_path / "bad.csv"
    ledger.write_bytes("问题编号,办理状态\np-1,正在办理\n".encode("gbk") + b"p-2,\x81\x20\n")
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(organisation(), ledger)
    [error] = caught.value.errors
    assert error.row == 3
    assert "GBK" in error.reason


def test_a_file_that_is_not_a_ledger(tmp_path: Path) -> None:
    store = organisation()
    with pytest.raises(ValidationError, match=r"\.xlsx or \.csv"):
        import_ledger(store, tmp_path / "ledger.txt")
    with pytest.raises(ValidationError, match="existing ledger file"):
        import_ledger(store, tmp_path / "missing.csv")
    unrelated = tmp_path / "unrelated.csv"
    unrelated.write_text("姓名,电话\n王芳,123\n", encoding="utf-8")
    with pytest.raises(LedgerImportError, match="表头行"):
        import_ledger(store, unrelated)
    twice = tmp_path / "twice.csv"
    twice.write_text("问题编号,办理状态,状态\np-1,正在办理,正在办理\n", encoding="utf-8")
    with pytest.raises(LedgerImportError, match="同一列"):
        import_ledger(store, twice)
    with pytest.raises(ValidationError, match="on_error"):
        import_ledger(store, twice, on_error="skip")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="campaign"):
        import_ledger(store, twice, campaign_id="nope")  # type: ignore[arg-type]


# ====================================================================== errors, rejects


def test_bad_rows_are_rejected_to_a_file_beside_the_ledger(tmp_path: Path) -> None:
    store = store_with()
    ledger = tmp_path / "台账.csv"
    export_ledger(store, ledger)
    rows = read_csv(ledger)
    header = rows[0]
    bad = rows[5]
    bad[header.index("统一社会信用代码")] = "91371400MA3C00000B"
    bad[header.index("问题编号")] = "new-1"
    rows[7][header.index("办理状态")] = "快好了"
    rows[7][header.index("问题编号")] = "new-2"
    write_csv(ledger, rows)

    report = import_ledger(store, ledger, on_error="reject")

    assert (report.created, report.rejected, report.unchanged) == (0, 2, 195)
    assert report.rejects_path == rejects_path_for(ledger) == tmp_path / "台账.rejects.csv"
    rejects = read_csv(report.rejects_path)
    assert rejects[0] == [*header, "错误原因"]
    assert [r[1] for r in rejects[1:]] == ["new-1", "new-2"]
    assert "统一社会信用代码" in rejects[1][-1]
    assert "check character" in rejects[1][-1]
    assert "办理状态" in rejects[2][-1]
    assert [(e.row, e.column) for e in report.errors] == [(6, "统一社会信用代码"), (8, "办理状态")]


def test_rejects_of_an_xlsx_ledger_are_an_xlsx(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["问题编号", "企业名称", "问题类别", "问题描述", "登记日期"])
    sheet.append(["x-1", drive().enterprises[0].name, "融资", "=A1", "2019-10-10"])
    sheet.append(["x-2", drive().enterprises[0].name, "融资", "续贷", "2019-10-10"])
    book.save(ledger)
    store = organisation()
    report = import_ledger(store, ledger, on_error="reject")
    assert (report.created, report.rejected) == (1, 1)
    assert report.rejects_path is not None
    values = xlsx_values(report.rejects_path)
    assert values[0][-1] == "错误原因"
    assert values[1][3] == "'=A1"  # guarded: a spreadsheet shows it, never runs it
    assert "公式" in str(values[1][-1])
    reopened = openpyxl.load_workbook(report.rejects_path)
    assert reopened.active is not None
    assert reopened.active["D2"].data_type == "s"


def test_every_bad_cell_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    write_csv(
        ledger,
        [
            ["问题编号", "企业名称", "统一社会信用代码", "问题类别", "问题描述", "登记日期",
             "帮扶工作组", "办理状态", "合并至"],
            ["a", "没有这家企业", "", "融资", "x", "2019-02-30", "", "正在办理", ""],
            ["a", drive().enterprises[0].name, "", "其它类别", "x", "2019-10-10", "第99组",
             "已登记", ""],
            ["b", drive().enterprises[0].name, "", "融资", "x", "2019-10-10", "", "已合并", "zzz"],
        ],
    )  # fmt: skip
    store = organisation()
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(store, ledger)
    found = [(e.row, e.column) for e in caught.value.errors]
    assert found == [
        (2, "企业名称"),
        (2, "登记日期"),
        (3, "问题编号"),
        (4, "合并至"),
    ]
    assert store.problems.count() == 0


def test_a_formula_cell_is_refused_by_name(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["问题编号", "企业名称", "问题类别", "问题描述", "登记日期"])
    sheet.append(["x-1", drive().enterprises[0].name, "融资", "续贷", "=DATE(2019,10,10)"])
    book.save(ledger)
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(organisation(), ledger)
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "登记日期")
    assert "formula" in error.reason


# ====================================================================== injection


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_triggers_are_neutralised_on_export_and_restored_on_import(
    tmp_path: Path, suffix: str
) -> None:
    data = drive()
    enterprise = data.enterprises[0]
    texts = ['=HYPERLINK("http://evil","点击")', "+86-534-1234567", "-1", "@SUM(1+1)*cmd"]
    problems = tuple(
        Problem.register(
            Register(
                title=title.replace('"', "") if not title.startswith("=") else "=1+2",
                category="financing",
                region_id=enterprise.region_id,
                enterprise_id=enterprise.id,
                description=description,
            ),
            at=at(dt.date(2019, 10, 10)),
            actor=LEDGER_ACTOR,
            id=ProblemId(f"inj-{number}"),
        )
        for number, (title, description) in enumerate(
            zip(texts, ["\t制表符开头", "\r回车开头", "'=已加引号", "''两个引号"], strict=True)
        )
    )
    ledger = tmp_path / f"台账{suffix}"
    export_ledger(store_with(problems), ledger)
    if suffix == ".csv":
        text = ledger.read_text(encoding="utf-8-sig")
        assert ",'=1+2," in text
        assert ",'+86-534-1234567," in text
        assert ",'-1," in text
        assert ",'@SUM(1+1)*cmd," in text
        assert ",''=已加引号," in text
    else:
        sheet = openpyxl.load_workbook(ledger).active
        assert sheet is not None
        titles = [c.value for c in sheet["I"][1:]]
        assert titles == ["'=1+2", "'+86-534-1234567", "'-1", "'@SUM(1+1)*cmd"]
        assert all(c.data_type == "s" for c in sheet["I"][1:])
    fresh = organisation()
    import_ledger(fresh, ledger)
    for problem in problems:
        copy = fresh.problems.get(problem.id)
        assert (copy.title, copy.description) == (problem.title, problem.description)


def test_unguarded_formula_text_in_a_csv_is_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    write_csv(
        ledger,
        [
            ["问题编号", "企业名称", "问题类别", "问题描述", "登记日期"],
            ["x-1", drive().enterprises[0].name, "融资", "=cmd|' /C calc'!A0", "2019-10-10"],
            ["x-2", drive().enterprises[0].name, "融资", "'=cmd|' /C calc'!A0", "2019-10-10"],
        ],
    )
    with pytest.raises(LedgerImportError) as caught:
        import_ledger(organisation(), ledger)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "问题描述")]


# ====================================================================== limits and stores


def test_a_cell_too_long_for_xlsx_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    data = drive()
    enterprise = data.enterprises[0]
    long = Problem.register(
        Register(
            title="长描述",
            category="other",
            region_id=enterprise.region_id,
            enterprise_id=enterprise.id,
            description="很" * 40_000,
        ),
        at=at(dt.date(2019, 10, 10)),
        actor=LEDGER_ACTOR,
        id=ProblemId("long-1"),
    )
    ledger = tmp_path / "台账.xlsx"
    with pytest.raises(ValidationError, match="32,767") as caught:
        export_ledger(store_with((long,)), ledger)
    assert caught.value.field == "description"
    assert not ledger.exists()
    assert not list(tmp_path.iterdir())  # no partial file left behind
    assert export_ledger(store_with((long,)), tmp_path / "台账.csv") == 1


def test_writing_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ConfigurationError, match=r"jinjiecu\[excel\]"):
        export_ledger(store_with(()), tmp_path / "a.xlsx")


def test_an_sqlite_store_imports_and_exports_the_same(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    export_ledger(store_with(), ledger)
    with open_store(f"sqlite:///{tmp_path / 'office.db'}") as store:
        attrs.evolve(drive(), problems=()).load_into(store)
        assert import_ledger(store, ledger).created == 197
        again = tmp_path / "again.csv"
        export_ledger(store, again)
        assert again.read_bytes() == ledger.read_bytes()
        assert import_ledger(store, ledger).unchanged == 197
