"""A writer killed mid-flight (SIGKILL) leaves an SQLite file that is whole and true.

Each run starts two writer processes on one fresh file. Both work through a
plan of steps (register problems, then assign, start, resolve, follow up and
close them), every step a committed write with an idempotency key of its own,
alternating ``apply`` and load-``apply``-``save``. Before a step a writer
prints ``intent <step>``; as each SQL statement starts, ``sql <verb>``; once
the commit has returned and it has read its work back, ``ack <step> <problem>
<version>``. The test reads the victim's output as it comes and kills it with
SIGKILL at a point of its progress chosen at random for the run (not a timer):
after its n-th acknowledgement, at the m-th SQL statement after that, so the
kill lands before, inside or after a transaction, during its commit, or after
the commit but before the acknowledgement. The other writer runs to completion.

After each run, on the file as the kill left it:

- SQLite's ``PRAGMA integrity_check`` says ``ok`` and no foreign key is broken;
- every acknowledged write is there (its key, its transition, the version);
- nothing was committed that was not acknowledged, but the one step in flight;
- no transition without its problem row and the reverse: every problem's
  version is its number of transitions, numbered 1..n, and its row's state is
  its last transition's; ``verify`` finds every row of where a problem stands
  now (the read model) equal to a replay of its history;
- the store reopens and every problem replays to exactly what was written;
- retrying every acknowledged write with its key adds nothing, and retrying
  the step in flight applies it if it was lost and adds nothing if it was not.

The writers are this file run as a script (``python test_kill.py writer ...``).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, NamedTuple

import pytest

from jinjiecu.domain.clock import at
from jinjiecu.domain.events import (
    Assign,
    Close,
    EventData,
    FollowUp,
    FollowUpOutcome,
    Register,
    Resolve,
    Satisfaction,
    Start,
)
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, ProblemId, RegionId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.storage import open_store
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from pathlib import Path

    from jinjiecu.storage import Store

RUNS = 20
"""Separate runs, each with its own file, writers and kill point."""
MAX_KILL_AFTER = 60
"""The victim is killed after 1 to this many acknowledged writes."""
MAX_STATEMENTS = 16
"""... and at its 0th (the ack itself) to this many-th SQL statement after that. A step runs
about 15: BEGIN IMMEDIATE, reads, savepoints, UPDATE, INSERTs, COMMIT, then the read-back."""
VICTIM_PROBLEMS = 25
"""The victim's plan (6 steps a problem) is longer than it is ever allowed to live."""
SURVIVOR_PROBLEMS = 10
OPEN_AT_ONCE = 3
"""Each writer moves up to this many problems along at once, interleaving their steps."""
WATCHDOG_SECONDS = 120

CLERK = Actor(kind=ActorKind.CLERK, id="clerk-kill", name="测试")
EVENTS: tuple[EventData, ...] = (
    Register(
        title="用电增容审批慢",
        category="land_use",
        region_id=RegionId("371481"),
        enterprise_id=EnterpriseId("e-1"),
    ),
    Assign(lead_department_id=DepartmentId("zrzyj"), working_days=5),
    Start(),
    Resolve(summary="已协调供电公司办结"),
    FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED),
    Close(),
)
"""A problem's life, one event a step; stage ``s`` takes it to version ``s + 1``."""
STAGES = len(EVENTS)


class Step(NamedTuple):
    """One write in a writer's plan."""

    number: int
    problem_id: ProblemId
    stage: int
    key: str


def plan(run: int, writer: int, problems: int) -> list[Step]:
    """The writer's steps: each problem's stages in order, problems interleaved at random."""
    rng = random.Random(f"kill-{run}-{writer}")
    next_stage = dict.fromkeys(range(problems), 0)
    steps: list[Step] = []
    while next_stage:
        number = rng.choice(sorted(next_stage)[:OPEN_AT_ONCE])
        stage = next_stage[number]
        problem_id = ProblemId(f"w{writer}-p{number:03d}")
        key = f"run{run}-w{writer}-step{len(steps)}"
        steps.append(Step(len(steps), problem_id, stage, key))
        if stage + 1 == STAGES:
            del next_stage[number]
        else:
            next_stage[number] = stage + 1
    return steps


def moment(stage: int) -> dt.datetime:
    return at(dt.date(2019, 9, 27)) + dt.timedelta(hours=stage)


@functools.cache
def lifecycle(problem_id: ProblemId) -> tuple[Problem, ...]:
    """The problem after each stage, exactly as the writers build it."""
    register = EVENTS[0]
    assert isinstance(register, Register)
    problem = Problem.register(register, at=moment(0), actor=CLERK, id=problem_id)
    versions = [problem]
    for stage in range(1, STAGES):
        problem = problem.apply(EVENTS[stage], at=moment(stage), actor=CLERK, note=f"stage {stage}")
        versions.append(problem)
    return tuple(versions)


def write(store: Store, step: Step, *, retry: bool = False) -> Problem:
    """Make the step's write, with its idempotency key.

    Odd stages go through ``apply``; the registration and even stages load,
    apply and ``save`` (a retry re-sends the problem it built the first time).
    """
    problem_id, stage, key = step.problem_id, step.stage, step.key
    if stage == 0:
        return store.problems.save(
            lifecycle(problem_id)[0], expected_version=0, idempotency_key=key
        )
    if stage % 2:
        return store.problems.apply(
            problem_id,
            EVENTS[stage],
            at=moment(stage),
            actor=CLERK,
            note=f"stage {stage}",
            expected_version=stage,
            idempotency_key=key,
        )
    if retry:
        changed = lifecycle(problem_id)[stage]
    else:
        loaded = store.problems.get(problem_id)
        changed = loaded.apply(EVENTS[stage], at=moment(stage), actor=CLERK, note=f"stage {stage}")
    return store.problems.save(changed, expected_version=stage, idempotency_key=key)


def writer_main(url: str, run: int, writer: int, problems: int) -> None:
    """A writer process: work through the plan, announcing each step and acknowledging it.

    It also prints ``sql <verb>`` as each SQL statement starts, so the parent can
    kill it at a chosen statement of a write: inside the transaction, during the
    commit, or after the commit but before the acknowledgement.
    """

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    with open_store(url) as store:
        assert isinstance(store, SQLiteStore)
        store._connection().set_trace_callback(  # this thread's connection, the one it writes on
            lambda statement: say(f"sql {statement.split(maxsplit=1)[0]}")
        )
        for step in plan(run, writer, problems):
            say(f"intent {step.number}")
            write(store, step)
            # The commit has returned; the writer reads its work back before it answers,
            # so a kill can also land after the commit but before the acknowledgement.
            saved = store.problems.get(step.problem_id)
            say(f"ack {step.number} {saved.id} {saved.version}")


# ---------------------------------------------------------------------- the parent's side


class Report(NamedTuple):
    """What a writer said: the steps it announced and the ones it acknowledged."""

    intents: list[int]
    acks: list[tuple[int, str, int]]


def read_report(lines: list[str]) -> Report:
    report = Report([], [])
    for line in lines:
        if not line.endswith("\n"):  # a torn last line is no acknowledgement
            break
        kind, *fields = line.split()
        if kind == "intent":
            report.intents.append(int(fields[0]))
        elif kind == "ack":
            report.acks.append((int(fields[0]), fields[1], int(fields[2])))
    return report


def start_writer(
    path: Path, run: int, writer: int, problems: int, stdout: Path | None
) -> subprocess.Popen[str]:
    """Start writer ``writer``; its output goes to a pipe, or to ``stdout`` if given."""
    folder = path.parent
    command = [sys.executable, __file__, "writer", f"sqlite:///{path}", str(run), str(writer)]
    with (folder / f"writer-{writer}.err").open("w") as errors:
        if stdout is None:
            return subprocess.Popen(
                [*command, str(problems)],
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                cwd=folder,
            )
        with stdout.open("w") as output:
            return subprocess.Popen(
                [*command, str(problems)], stdout=output, stderr=errors, text=True, cwd=folder
            )


class KillPoint(NamedTuple):
    """Where the victim is killed: at its ``statements``-th SQL statement after ``acks`` acks."""

    acks: int
    statements: int


def run_writers(path: Path, run: int, point: KillPoint) -> tuple[Report, Report, str]:
    """Run the victim (killed at ``point``) and the survivor; their reports and the kill line."""
    survivor_out = path.parent / "writer-1.out"
    victim = start_writer(path, run, 0, VICTIM_PROBLEMS, None)
    survivor = start_writer(path, run, 1, SURVIVOR_PROBLEMS, survivor_out)

    def stop_both() -> None:  # only if a writer hangs
        victim.kill()
        survivor.kill()

    watchdog = threading.Timer(WATCHDOG_SECONDS, stop_both)
    watchdog.start()
    lines: list[str] = []
    killed_at = ""
    try:
        with victim:
            assert victim.stdout is not None
            acks = statements = 0
            for line in victim.stdout:
                lines.append(line)
                if line.startswith("ack"):
                    acks += 1
                elif line.startswith("sql") and acks >= point.acks:
                    statements += 1
                if not killed_at and acks >= point.acks and statements >= point.statements:
                    victim.send_signal(signal.SIGKILL)  # progress, not time, decides
                    killed_at = line.strip()
            victim_code = victim.wait()
        survivor_code = survivor.wait()
    finally:
        watchdog.cancel()
        for process in (victim, survivor):
            if process.poll() is None:
                process.kill()
                process.wait()
    errors = (path.parent / "writer-1.err").read_text()
    assert survivor_code == 0, f"the surviving writer failed:\n{errors}"
    victim_errors = (path.parent / "writer-0.err").read_text()
    assert victim_code == -signal.SIGKILL, f"the victim was not killed:\n{victim_errors}"
    return read_report(lines), read_report(survivor_out.read_text().splitlines(True)), killed_at


def raw_rows(path: Path, statement: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(statement).fetchall()
    finally:
        connection.close()


def check_file(path: Path) -> None:
    """The file itself: whole, and every problem row agrees with its transitions."""
    assert raw_rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_rows(path, "PRAGMA foreign_key_check") == []
    orphans = raw_rows(
        path,
        "SELECT t.problem_id FROM transitions t LEFT JOIN problems p ON p.id = t.problem_id "
        "WHERE p.id IS NULL",
    )
    assert orphans == [], "transitions without their problem"
    disagreeing = raw_rows(
        path,
        "SELECT p.id, p.version, count(t.sequence), min(t.sequence), max(t.sequence) "
        "FROM problems p LEFT JOIN transitions t ON t.problem_id = p.id GROUP BY p.id "
        "HAVING count(t.sequence) != p.version OR min(t.sequence) != 1 "
        "OR max(t.sequence) != p.version",
    )
    assert disagreeing == [], "problem rows whose version is not their history's"
    stale_rows = raw_rows(
        path,
        "SELECT p.id, p.state, t.to_state FROM problems p "
        "JOIN transitions t ON t.problem_id = p.id AND t.sequence = p.version "
        "WHERE p.state != t.to_state",
    )
    assert stale_rows == [], "problem rows whose state is not their last transition's"
    dangling = raw_rows(
        path,
        "SELECT i.key FROM idempotency i LEFT JOIN transitions t "
        "ON t.problem_id = i.problem_id AND t.sequence = i.version WHERE t.sequence IS NULL",
    )
    assert dangling == [], "idempotency keys whose write is missing"


@pytest.mark.parametrize("run", range(RUNS))
def test_a_killed_writer_loses_no_acknowledged_write_and_breaks_nothing(
    run: int, tmp_path: Path
) -> None:
    path = tmp_path / "killed.db"
    open_store(f"sqlite:///{path}").close()  # created once, before the writers race
    rng = random.Random(f"kill-point-{run}")
    point = KillPoint(rng.randint(1, MAX_KILL_AFTER), rng.randint(0, MAX_STATEMENTS))
    victim, survivor, killed_at = run_writers(path, run, point)
    plans = {0: plan(run, 0, VICTIM_PROBLEMS), 1: plan(run, 1, SURVIVOR_PROBLEMS)}

    assert len(victim.acks) >= point.acks
    assert [index for index, _, _ in survivor.acks] == list(range(len(plans[1])))
    for writer, report in ((0, victim), (1, survivor)):
        for index, problem_id, version in report.acks:
            step = plans[writer][index]
            assert (problem_id, version) == (step.problem_id, step.stage + 1)
    acked = [plans[0][i] for i, _, _ in victim.acks] + [plans[1][i] for i, _, _ in survivor.acks]
    # The victim's last announced step was cut short, or committed unacknowledged.
    in_flight = [plans[0][i] for i in victim.intents if i not in {a[0] for a in victim.acks}]
    assert len(in_flight) <= 1, killed_at

    check_file(path)
    with open_store(f"sqlite:///{path}") as store:
        # Every problem's row (where it stands now, the read model) agrees with a
        # replay of its history, and the hash chain with both.
        assert verify(store).ok

    stored_keys = {str(key) for (key,) in raw_rows(path, "SELECT key FROM idempotency")}
    assert {step.key for step in acked} <= stored_keys, "an acknowledged write is missing"
    assert stored_keys <= {step.key for step in acked + in_flight}, "an unannounced write"
    versions = {
        str(problem_id): int(str(version))
        for problem_id, version in raw_rows(path, "SELECT id, version FROM problems")
    }
    for step in acked:
        assert versions[step.problem_id] >= step.stage + 1
    expected_total = len(acked) + sum(step.key in stored_keys for step in in_flight)
    assert sum(versions.values()) == expected_total

    with open_store(f"sqlite:///{path}") as store:
        for problem_id, version in versions.items():
            replayed = store.problems.get(ProblemId(problem_id))
            assert replayed == lifecycle(ProblemId(problem_id))[version - 1]
        for number in range(SURVIVOR_PROBLEMS):
            assert versions[f"w1-p{number:03d}"] == STAGES  # the survivor finished every problem

        for step in acked:  # a retried acknowledged write adds nothing
            again = write(store, step, retry=True)
            assert again.version == versions[step.problem_id]
        for step in in_flight:  # applied once if it was lost, nothing if it was not
            again = write(store, step, retry=True)
            assert again.version == step.stage + 1
            versions[step.problem_id] = again.version
            if step.key not in stored_keys:
                expected_total += 1
        for step in in_flight:  # and a second retry of it adds nothing either
            assert write(store, step, retry=True).version == step.stage + 1
    now = {str(p): int(str(v)) for p, v in raw_rows(path, "SELECT id, version FROM problems")}
    assert now == versions
    assert raw_rows(path, "SELECT count(*) FROM transitions") == [(expected_total,)]
    check_file(path)
    with open_store(f"sqlite:///{path}") as store:
        assert verify(store).ok


if __name__ == "__main__" and sys.argv[1:2] == ["writer"]:
    writer_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
