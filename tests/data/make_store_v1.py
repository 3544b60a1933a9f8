"""How ``store-v1.sqlite.gz`` and ``store-v1.json`` were made: by the release before notices.

The tests open that store with the current code (a schema upgrade from version
1) and compare what it holds with what the old release saw. To make them
again, run this script with the old release's code first on the path::

    git worktree add /tmp/v1 cd4493a
    PYTHONPATH=/tmp/v1/src python tests/data/make_store_v1.py store-v1.sqlite store-v1.json
    gzip -9 store-v1.sqlite

The store holds a slice of the 2019 sample (a few records of every kind, 40
problems) and three problems of December 2026 whose deadlines the old
release counted inside 2026. The JSON file holds the chain's head, a digest
of every problem, the summaries of 2019 and of 20 December 2026, and the
number of audit entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

from jinjiecu.domain.clock import CHINA_TZ, end_of_day
from jinjiecu.domain.events import Assign, Register, Resolve, Start
from jinjiecu.domain.ids import ProblemId
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.metrics import Dimension, problem_summary
from jinjiecu.sample import dezhou_2019
from jinjiecu.serialization import unstructure
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.sqlite import SQLiteStore


def _clock() -> dt.datetime:
    return dt.datetime(2026, 12, 20, 17, 0, tzinfo=CHINA_TZ)


def main(database: Path, facts: Path) -> None:
    """Write the store to ``database`` and what it holds to ``facts``."""
    database.unlink(missing_ok=True)
    sample = dezhou_2019()
    clerk = Actor(kind=ActorKind.CLERK, id="wang", name="王芳")
    with SQLiteStore(database, clock=_clock) as store:
        for kind in sample.KINDS:
            if kind == "problems":
                store.problems.add_many(list(sample.problems)[:40])
            else:
                getattr(store, kind).add_many(list(getattr(sample, kind))[:12])
        for n, day in enumerate(
            (dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 3))
        ):
            at = dt.datetime.combine(day, dt.time(9), tzinfo=CHINA_TZ)
            details = Register(
                title=f"2026年底问题{n}",
                category="land_use",
                region_id=sample.regions[0].id,
                enterprise_id=sample.enterprises[0].id,
            )
            problem = Problem.register(details, at=at, actor=clerk, id=ProblemId(f"v1-{n}"))
            assign = Assign(lead_department_id=sample.departments[0].id, working_days=15)
            problem = problem.apply(assign, at=at + dt.timedelta(hours=1), actor=clerk)
            if n == 0:
                problem = problem.apply(Start(), at=at + dt.timedelta(days=1), actor=clerk)
                resolve = Resolve(summary="已协调解决")
                problem = problem.apply(resolve, at=at + dt.timedelta(days=3), actor=clerk)
            store.problems.add(problem)
        assert verify(store).ok
        problems = json.dumps(
            unstructure(store.problems.list(limit=10_000)), sort_keys=True, ensure_ascii=False
        )
        expected = {
            "head": json.loads(store.head().to_json()),
            "problems": hashlib.sha256(problems.encode()).hexdigest(),
            "problem_count": store.problems.count(),
            "summary_2019": unstructure(
                problem_summary(store, as_of=sample.as_of, by=Dimension.WORK_GROUP).total
            ),
            "summary_2026": unstructure(
                problem_summary(store, as_of=end_of_day(dt.date(2026, 12, 20))).total
            ),
            "audit_entries": store.audit.count(),
        }
    connection = sqlite3.connect(database)
    connection.execute("VACUUM")
    connection.close()
    facts.write_text(json.dumps(expected, ensure_ascii=False, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
