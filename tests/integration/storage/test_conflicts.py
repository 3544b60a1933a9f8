"""Many writers race to change one problem from the same version: exactly one wins.

For SQLite and PostgreSQL, round after round, every contender loads the
problem at the same version, waits at a barrier, then writes its own change
from that version: half through ``apply(..., expected_version=v)``, half
through ``save(loaded.apply(...), expected_version=v)``. In each round exactly
one write succeeds; every other one raises :class:`~jinjiecu.errors.ConflictError`
naming the version it expected (``v``) and the one it found (``v + 1``), and
writes nothing. At the end the history is numbered 1..n with no gap and no
repeat, the problem row's version is n, each round's transition is the
winner's, and the problem replays.

The contenders are threads sharing one store, and threads in two processes
with a store each (this file run as a script, ``python test_conflicts.py
contender ...``, released together by the test through their stdin).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import (
    Assign,
    EventData,
    ExtendDeadline,
    Reassign,
    Register,
    Resolve,
    Resume,
    Start,
    Suspend,
)
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.errors import ConflictError
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from jinjiecu.storage import Store

THREADS = 8
"""Contending threads sharing one store."""
PROCESSES = 2
THREADS_PER_PROCESS = 3
"""Contending threads in each of the two processes, each process with a store of its own."""
PROBLEM = ProblemId("p-contended")
CLERK = Actor(kind=ActorKind.CLERK, id="clerk-race", name="测试")
TIMEOUT = 60


def round_event(round_: int, contender: int) -> EventData:
    """What ``contender`` tries to do in round ``round_`` (from version ``round_ + 1``)."""
    makers: tuple[Callable[[int], EventData], ...] = (
        lambda c: Assign(lead_department_id=DepartmentId(f"dept-{c}"), working_days=5 + c),
        lambda c: Reassign(lead_department_id=DepartmentId(f"dept-r{c}")),
        lambda _c: Start(),
        lambda c: ExtendDeadline(approval=f"延期批准 {c}", working_days=1 + c),
        lambda c: Suspend(reason=f"等待批复 {c}"),
        lambda _c: Resume(),
        lambda c: Reassign(lead_department_id=DepartmentId(f"dept-s{c}")),
        lambda c: Resolve(summary=f"已解决 {c}"),
    )
    return makers[round_](contender)


ROUNDS = 8


def moment(round_: int) -> dt.datetime:
    return at(dt.date(2019, 10, 8)) + dt.timedelta(hours=round_)


def registered() -> Problem:
    register = Register(
        title="融资担保链风险",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
    )
    return Problem.register(register, at=moment(0), actor=CLERK, id=PROBLEM)


def note(contender: int) -> str:
    return f"contender {contender}"


def prepare(store: Store, round_: int, contender: int) -> Callable[[], str]:
    """Get ready to write (loading the problem, for a save) and return the write.

    The write returns ``"won"`` or ``"conflict <kind> <id> <expected> <actual>"``.
    """
    version = round_ + 1
    data = round_event(round_, contender)
    if contender % 2:
        loaded = store.problems.get(PROBLEM)
        assert loaded.version == version

        def write() -> None:
            changed = loaded.apply(data, at=moment(round_), actor=CLERK, note=note(contender))
            store.problems.save(changed, expected_version=version)

    else:

        def write() -> None:
            store.problems.apply(
                PROBLEM,
                data,
                at=moment(round_),
                actor=CLERK,
                note=note(contender),
                expected_version=version,
            )

    def attempt() -> str:
        try:
            write()
        except ConflictError as conflict:
            found = (conflict.kind, conflict.id, conflict.expected_version, conflict.actual_version)
            return "conflict {} {} {} {}".format(*found)
        return "won"

    return attempt


def check_round(round_: int, outcomes: dict[int, str]) -> int:
    """Exactly one winner, every other contender told of the conflict; the winner."""
    version = round_ + 1
    winners = [contender for contender, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, f"round {round_}: {outcomes}"
    losers = sorted(outcomes.values())[:-1]
    conflict = f"conflict problem {PROBLEM} {version} {version + 1}"
    assert losers == [conflict] * (len(outcomes) - 1), outcomes
    return winners[0]


# ---------------------------------------------------------------------- the backends


class Backend(NamedTuple):
    """A database to race on: its URL, a store on it, and plain SQL on it."""

    url: str
    open: Callable[[], Store]
    query: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "race.db"

        def sqlite_query(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            connection = sqlite3.connect(path)
            try:
                return connection.execute(statement, params).fetchall()
            finally:
                connection.close()

        url = f"sqlite:///{path}"
        yield Backend(url, lambda: open_store(url), sqlite_query)
        return
    psycopg = pytest.importorskip("psycopg")
    server: str = request.getfixturevalue("postgres_url")
    schema: str = request.getfixturevalue("postgres_schemas")()

    def postgres_query(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with psycopg.connect(server, autocommit=True) as connection:
            set_path = psycopg.sql.SQL("SET search_path TO {}")
            connection.execute(set_path.format(psycopg.sql.Identifier(schema)))
            rows: list[tuple[Any, ...]] = connection.execute(
                statement.replace("?", "%s"), params
            ).fetchall()
            return rows

    def postgres_store() -> Store:
        from jinjiecu.storage.postgres import PostgresStore  # noqa: PLC0415 - optional dependency

        # A connection for every contender, so that none waits for the pool instead of the race.
        return PostgresStore(server, schema=schema, max_size=THREADS)

    separator = "&" if "?" in server else "?"
    yield Backend(f"{server}{separator}schema={schema}", postgres_store, postgres_query)


def check_history(backend: Backend, winners: list[int]) -> None:
    """Sequences 1..n, the row at version n, each round's step the winner's, and it replays."""
    versions = backend.query("SELECT version FROM problems WHERE id = ?", [PROBLEM])
    rows = backend.query(
        "SELECT sequence, note FROM transitions WHERE problem_id = ? ORDER BY sequence", [PROBLEM]
    )
    count = ROUNDS + 1
    assert versions == [(count,)]
    assert [sequence for sequence, _ in rows] == list(range(1, count + 1))
    assert [text for _, text in rows] == ["", *(note(w) for w in winners)]
    with backend.open() as store:
        problem = store.problems.get(PROBLEM)
    assert problem.version == count
    assert [t.note for t in problem.transitions] == ["", *(note(w) for w in winners)]
    assert [t.sequence for t in problem.transitions] == list(range(1, count + 1))


# ---------------------------------------------------------------------- threads


def test_threads_racing_from_one_version_make_exactly_one_winner(backend: Backend) -> None:
    winners: list[int] = []
    with backend.open() as store:
        store.problems.add(registered())
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            for round_ in range(ROUNDS):
                barrier = threading.Barrier(THREADS, timeout=TIMEOUT)

                def contend(
                    contender: int, round_: int = round_, barrier: threading.Barrier = barrier
                ) -> str:
                    attempt = prepare(store, round_, contender)
                    barrier.wait()  # everyone has loaded version round_ + 1
                    return attempt()

                outcomes = dict(enumerate(pool.map(contend, range(THREADS))))
                winners.append(check_round(round_, outcomes))
    check_history(backend, winners)


# ---------------------------------------------------------------------- processes


def contender_main(url: str, process: int, threads: int) -> None:
    """A contending process: per round, its threads get ready, wait for ``go``, then write.

    Reads ``round <n>`` and then ``go`` from stdin, and answers ``ready`` once
    its threads are ready, then one ``result <contender> <outcome>`` line per
    thread and ``done``.
    """

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    with open_store(url) as store, ThreadPoolExecutor(max_workers=threads) as pool:
        for command in sys.stdin:
            if command.split()[0] != "round":
                break
            round_ = int(command.split()[1])
            ready = threading.Barrier(threads + 1, timeout=TIMEOUT)
            go = threading.Event()

            def contend(
                contender: int,
                round_: int = round_,
                ready: threading.Barrier = ready,
                go: threading.Event = go,
            ) -> str:
                attempt = prepare(store, round_, contender)
                ready.wait()
                go.wait(TIMEOUT)
                return attempt()

            contenders = [process * threads + n for n in range(threads)]
            results = pool.map(contend, contenders)
            ready.wait()
            say("ready")
            assert sys.stdin.readline().strip() == "go"
            go.set()
            for contender, outcome in zip(contenders, results, strict=True):
                say(f"result {contender} {outcome}")
            say("done")


COMMAND = (sys.executable, __file__, "contender")


class Contender:
    """A contending process, driven line by line."""

    def __init__(self, url: str, process: int, folder: Path) -> None:
        self.errors = folder / f"contender-{process}.err"
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(
                [*COMMAND, url, str(process), str(THREADS_PER_PROCESS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the contender stopped:\n{self.errors.read_text()}"
        return line.strip()

    def close(self) -> int:
        """Tell the process to stop; its exit code (it is killed if it does not stop)."""
        with suppress(OSError):  # it may have died already
            self.send("stop")
        with self.process:
            try:
                return self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise


def test_processes_racing_from_one_version_make_exactly_one_winner(
    backend: Backend, tmp_path: Path
) -> None:
    with backend.open() as store:
        store.problems.add(registered())
    contenders = [Contender(backend.url, number, tmp_path) for number in range(PROCESSES)]
    winners: list[int] = []
    try:
        for round_ in range(ROUNDS):
            for contender in contenders:
                contender.send(f"round {round_}")
            assert [contender.read() for contender in contenders] == ["ready"] * PROCESSES
            for contender in contenders:  # the barrier: all threads of both are waiting for this
                contender.send("go")
            outcomes: dict[int, str] = {}
            for contender in contenders:
                while (line := contender.read()) != "done":
                    _, number, outcome = line.split(maxsplit=2)
                    outcomes[int(number)] = outcome
            assert len(outcomes) == PROCESSES * THREADS_PER_PROCESS
            winners.append(check_round(round_, outcomes))
    finally:
        codes = [contender.close() for contender in contenders]
    assert codes == [0] * PROCESSES
    check_history(backend, winners)


if __name__ == "__main__" and sys.argv[1:2] == ["contender"]:
    contender_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
