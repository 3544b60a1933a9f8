"""The first weeks of 2027, before its holiday notice is in: everything works, marked provisional.

The clock stands at 1 March 2027. On every store, through the Python API and
the ``jinjiecu`` command: problems are registered, assigned (deadlines in
2027), resolved and counted; the summary, the briefing, the ledger export and
``jinjiecu stats`` all work and say that 2027 is provisional. Then a 2027
notice (a test one, ``tests/data/notice-2027-test.toml``) is added, and the
deadlines move exactly as it says. A property test checks that two stores
given the same notices give the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jinjiecu.cli import main
from jinjiecu.domain.calendar import HolidayNotice, china_calendar
from jinjiecu.domain.clock import CHINA_TZ, end_of_day
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import Assign, RecountDeadline, Register, Resolve, Start
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId, WorkGroupId
from jinjiecu.domain.org import Department, OrgLevel, Region
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.workflow import Event
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.reports.briefing import briefing
from jinjiecu.reports.ledger import export_ledger
from jinjiecu.storage import MemoryStore, open_store
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.sqlite import SQLiteStore
from jinjiecu.testing import strategies

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jinjiecu.storage.base import Store

DATA = Path(__file__).resolve().parents[2] / "data"
NOTICE_FILE = DATA / "notice-2027-test.toml"
NOTICE = HolidayNotice.from_toml(NOTICE_FILE.read_text(encoding="utf-8"))
pytestmark = pytest.mark.skipif(
    china_calendar().official_years[-1] != 2026,
    reason="the test notice is for 2027; the holidays package now covers it",
)

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=CHINA_TZ)
CLERK = Actor(kind=ActorKind.CLERK, id="wang", name="王芳")
GROUP = WorkGroupId("wg-1")


def clock() -> dt.datetime:
    return NOW


def moment(day: int, month: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, tzinfo=CHINA_TZ)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each kind, its clock at 1 March 2027."""
    if request.param == "memory":
        with MemoryStore(clock=clock) as memory:
            yield memory
        return
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "next-year.db", clock=clock) as sqlite:
            yield sqlite
        return
    request.applymarker(pytest.mark.postgres)
    from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

    url = request.getfixturevalue("postgres_url")
    schema = request.getfixturevalue("postgres_schemas")()
    with PostgresStore(url, schema=schema, max_size=2, clock=clock) as postgres:
        yield postgres


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def register(store: Store, problem_id: str, at: dt.datetime) -> ProblemId:
    details = Register(
        title="春节前后的问题",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
        work_group_id=GROUP,
    )
    problem = Problem.register(details, at=at, actor=CLERK, id=ProblemId(problem_id))
    store.problems.add(problem)
    return problem.id


def assign(store: Store, problem_id: ProblemId, at: dt.datetime) -> Problem:
    data = Assign(lead_department_id=DepartmentId("zrzyj"), working_days=15)
    return store.problems.apply(problem_id, data, at=at, actor=CLERK)


def test_a_store_counts_2027_provisionally_until_its_notice_moves_the_deadlines(
    store: Store, tmp_path: Path
) -> None:
    # Assigned on 25 January for 15 working days: provisionally 17 February (除夕 and
    # 初三 off); the notice also gives 9–11 February off and has Saturday 20 February worked.
    held = register(store, "p-held", moment(25, 1))
    assert assign(store, held, moment(25, 1, 10)).deadline == dt.date(2027, 2, 17)
    solved = register(store, "p-solved", moment(26, 1))
    assign(store, solved, moment(26, 1, 10))
    store.problems.apply(solved, Start(), at=moment(27, 1), actor=CLERK)
    store.problems.apply(solved, Resolve(summary="已协调解决"), at=moment(19, 2), actor=CLERK)
    late = register(store, "p-late", moment(26, 2))
    assert assign(store, late, moment(26, 2, 10)).deadline == dt.date(2027, 3, 19)

    summary = problem_summary(store, as_of=NOW, by=Dimension.WORK_GROUP)
    figures = summary.total
    assert (figures.identified, figures.in_progress, figures.solved) == (3, 2, 1)
    assert figures.overdue == 1  # p-held, past 17 February
    assert figures.settled_on_time == 0  # p-solved: due 18 February, solved the 19th
    assert summary.provisional_years == (2027,)
    assert summary.row(str(GROUP)).figures.provisional_years == (2027,)
    text = str(briefing(store, as_of=NOW, language="zh"))
    assert "注：2027年尚无国务院放假通知" in text
    assert "已超期8个工作日" in text  # 18, 19, 22–26 February and 1 March, provisionally
    ledger = tmp_path / "ledger.csv"
    assert export_ledger(store, ledger) == 3
    rows = read_csv(ledger)
    assert [(r["问题编号"], r["办理时限"], r["时限暂定"]) for r in rows] == [
        ("p-held", "2027-02-17", "是"),
        ("p-solved", "2027-02-18", "是"),
        ("p-late", "2027-03-19", "是"),
    ]

    change = store.holiday_notices.add(NOTICE, actor=CLERK)
    assert {(m.problem_id, m.previous_deadline, m.new_deadline) for m in change.moved} == {
        ("p-held", dt.date(2027, 2, 17), dt.date(2027, 2, 20)),
        ("p-solved", dt.date(2027, 2, 18), dt.date(2027, 2, 21)),
    }
    recounted = store.problems.get(held)
    step = recounted.transitions[-1]
    # Dated at the problem's last step (its assignment), so late entries can still follow it.
    assert (step.event, step.at, step.actor.kind) == (
        Event.RECOUNT_DEADLINE,
        moment(25, 1, 10),
        ActorKind.SYSTEM,
    )
    recount = step.data
    assert isinstance(recount, RecountDeadline)
    assert (recount.previous_deadline, recount.new_deadline) == (
        dt.date(2027, 2, 17),
        dt.date(2027, 2, 20),
    )
    assert "按2027年放假通知（第1版，王芳录入）重算" in recount.reason
    assert store.problems.get(late).deadline == dt.date(2027, 3, 19)  # nothing in between

    after = problem_summary(store, as_of=NOW, by=Dimension.WORK_GROUP)
    assert after.provisional_years == ()
    assert after.total.overdue == 1
    assert after.total.settled_on_time == 1  # now due 21 February, solved the 19th
    text = str(briefing(store, as_of=NOW, language="zh"))
    assert "尚无国务院放假通知" not in text
    assert "已超期7个工作日" in text  # after 20 February: Sunday 21 (worked), 22–26, 1 March
    export_ledger(store, ledger)
    rows = read_csv(ledger)
    assert "时限暂定" not in rows[0]
    assert [r["办理时限"] for r in rows] == ["2027-02-20", "2027-02-21", "2027-03-19"]
    # A problem assigned now counts on the notice without being told.
    again = register(store, "p-again", moment(25, 1))
    assert assign(store, again, moment(25, 1, 10)).deadline == dt.date(2027, 2, 20)
    assert verify(store).ok


# ---------------------------------------------------------------------- the command line


def jinjiecu(capsys: pytest.CaptureFixture[str], store_url: str, *argv: str) -> str:
    """Run the command in-process; what it printed (it must succeed)."""
    code = main([*argv, "--store", store_url, "--lang", "zh"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def jinjiecu_json(capsys: pytest.CaptureFixture[str], store_url: str, *argv: str) -> Any:
    return json.loads(jinjiecu(capsys, store_url, *argv, "--json"))


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    request.applymarker(pytest.mark.postgres)
    url = request.getfixturevalue("postgres_url")
    schema = request.getfixturevalue("postgres_schemas")()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}schema={schema}"


def test_the_command_line_counts_2027_provisionally_then_with_its_notice(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    def run(*argv: str) -> str:
        return jinjiecu(capsys, store_url, *argv)

    def run_json(*argv: str) -> Any:
        return jinjiecu_json(capsys, store_url, *argv)

    run("init")
    with open_store(store_url) as store:  # the names the command line resolves
        store.enterprises.add(
            Enterprise(id=EnterpriseId("e-1"), name="乐陵某纺织公司", region_id=RegionId("371481"))
        )
        store.regions.add(
            Region(id=RegionId("371481"), name="乐陵市", kind=DivisionKind.COUNTY_LEVEL_CITY)
        )
        store.departments.add(
            Department(
                id=DepartmentId("zrzyj"),
                name="乐陵市自然资源局",
                region_id=RegionId("371481"),
                level=OrgLevel.COUNTY,
            )
        )
    run("problem", "register", "--title", "春节前问题", "--category", "土地使用",
        "--region", "371481", "--enterprise", "e-1", "--id", "p-cli",
        "--at", "2027-01-25 09:00")  # fmt: skip
    assigned = run_json("problem", "apply", "p-cli", "assign", "lead_department_id=zrzyj",
                        "working_days=15", "--at", "2027-01-25 10:00")  # fmt: skip
    assert assigned["deadline"] == "2027-02-17"
    stats = run_json("stats", "--as-of", "2027-03-01")
    assert (stats["total"]["identified"], stats["total"]["overdue"]) == (1, 1)
    assert stats["provisional_years"] == [2027]
    assert "注：2027年尚无放假通知" in run("stats", "--as-of", "2027-03-01")
    assert "注：2027年尚无国务院放假通知" in run("report", "--as-of", "2027-03-01")
    ledger = tmp_path / "cli-ledger.csv"
    run("export", str(ledger), "--as-of", "2027-03-01")
    assert "时限暂定" in ledger.read_text(encoding="utf-8-sig")

    assert "1个问题的办理时限已重算" in run("calendar", "add-notice", str(NOTICE_FILE))
    shown = run_json("problem", "show", "p-cli")
    assert (shown["deadline"], shown["deadline_provisional"]) == ("2027-02-20", False)
    assert run_json("stats", "--as-of", "2027-03-01")["provisional_years"] == []
    assert "2027年工作日历 · 来源：国务院通知（已录入）" in run("calendar", "show", "2027")


# ---------------------------------------------------------------------- two stores agree


@settings(
    max_examples=min(30, settings().max_examples),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    notice=strategies.holiday_notices(2027),
    histories=st.lists(
        strategies.problems(
            min_start=dt.date(2026, 11, 1), max_start=dt.date(2027, 4, 30), max_steps=6
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda problem: problem.id,
    ),
    when=st.sampled_from(["before", "after"]),
    data=st.data(),
)
def test_two_stores_with_the_same_notices_give_the_same_figures(
    tmp_path_factory: pytest.TempPathFactory,
    notice: HolidayNotice,
    histories: list[Problem],
    when: str,
    data: st.DataObject,
) -> None:
    path = tmp_path_factory.mktemp("agree") / "agree.db"

    def stores() -> Iterator[Callable[[], Store]]:
        yield lambda: MemoryStore(clock=clock)
        yield lambda: SQLiteStore(path, clock=clock)

    moments = sorted({t.at for p in histories for t in p.transitions})
    as_of = data.draw(st.sampled_from([*moments, NOW, end_of_day(dt.date(2027, 12, 31))]))
    by = data.draw(st.none() | st.sampled_from(Dimension), label="by")
    seen: list[tuple[object, ...]] = []
    for make in stores():
        with make() as store:
            if when == "before":
                store.holiday_notices.add(notice, actor=CLERK)
            store.problems.add_many(histories)
            if when == "after":
                store.holiday_notices.add(notice, actor=CLERK)
            summary = problem_summary(store, as_of=as_of, by=by)
            listed = store.problems.list(limit=100)
            assert summary.provisional_years == tuple(
                year for year in summary.total.provisional_years if year != 2027
            )
            seen.append((summary, listed))
    assert seen[0] == seen[1]


# ---------------------------------------------------------------------- a notice added meanwhile


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_deadline_counted_while_the_notice_is_added_ends_counted_on_it(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clerk's assignment counts its deadline on the calendar without the notice; the
    # notice is added while that transaction is still open. Writers take the chain's head
    # before counting, so the notice waits and then recounts the new deadline.
    import threading  # noqa: PLC0415

    from jinjiecu.storage import notices  # noqa: PLC0415

    if kind == "sqlite":
        store: Store = SQLiteStore(tmp_path / "race.db", clock=clock)
    else:
        request.applymarker(pytest.mark.postgres)
        from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415

        url = request.getfixturevalue("postgres_url")
        schema = request.getfixturevalue("postgres_schemas")()
        store = PostgresStore(url, schema=schema, max_size=3, clock=clock)
    counted, release = threading.Event(), threading.Event()
    original = notices.counting_rules

    def slow_counting(session: Any, rules: Any) -> Any:
        found = original(session, rules)
        if threading.current_thread().name == "clerk":
            counted.set()
            release.wait(10)
        return found

    monkeypatch.setattr("jinjiecu.storage.base.counting_rules", slow_counting)
    with store:
        held = register(store, "p-race", moment(25, 1))
        results: dict[str, Any] = {}

        def clerk() -> None:
            results["assigned"] = assign(store, held, moment(25, 1, 10))

        def office() -> None:
            results["change"] = store.holiday_notices.add(NOTICE, actor=CLERK)

        first = threading.Thread(target=clerk, name="clerk")
        first.start()
        assert counted.wait(10)
        second = threading.Thread(target=office, name="office")
        second.start()
        second.join(0.5)  # it waits for the clerk's transaction
        release.set()
        first.join(30)
        second.join(30)
        assert results["assigned"].deadline == dt.date(2027, 2, 17)  # counted provisionally
        assert [m.problem_id for m in results["change"].moved] == ["p-race"]
        assert store.problems.get(held).deadline == dt.date(2027, 2, 20)
        assert verify(store).ok
