"""The read model: each problem's row holds where it stands now; the history stays the truth.

Figures read a problem's row when its last step is at or before the moment,
and its transitions otherwise. A row that disagrees with its history
(changed behind the library's back here) shows in the figures that read it,
``verify`` names the problem, and ``rebuild_read_model`` (``jinjiecu
rebuild``) rewrites it from the history.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest

from jinjiecu.cli import main
from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.metrics import problem_summary
from jinjiecu.sample import dezhou_2019
from jinjiecu.storage import open_store
from jinjiecu.storage.integrity import verify
from jinjiecu.storage.sql import SQLSession

if TYPE_CHECKING:
    from pathlib import Path

    from jinjiecu.storage.base import Session, Store

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=CHINA_TZ)
PAST = dt.datetime(2019, 11, 13, 18, 0, tzinfo=CHINA_TZ)


def tamper(store: Store, sql: str) -> None:
    """Change the tables behind the library's back, in a transaction of their own."""

    def change(session: Session) -> None:
        assert isinstance(session, SQLSession)
        session.change(sql)

    store.read(change)


@pytest.mark.parametrize(
    "fixture", ["sqlite_store", pytest.param("postgres_store", marks=pytest.mark.postgres)]
)
def test_a_wrong_row_shows_now_is_found_and_is_rebuilt(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    store: Store = request.getfixturevalue(fixture)
    drive = dezhou_2019()
    drive.load_into(store)
    victim = next(p for p in drive.problems if p.state.value == "in_progress")
    # Just before its last step, the history says where it stood; after, its row.
    before_last = victim.transitions[-1].at - dt.timedelta(microseconds=1)
    now_before = problem_summary(store, as_of=NOW).total
    past_before = problem_summary(store, as_of=PAST).total
    then_before = problem_summary(store, as_of=before_last).total

    tamper(store, f"UPDATE problems SET state = 'closed' WHERE id = '{victim.id}'")

    assert problem_summary(store, as_of=NOW).total.in_progress == now_before.in_progress - 1
    assert problem_summary(store, as_of=PAST).total.in_progress == past_before.in_progress - 1
    assert problem_summary(store, as_of=before_last).total == then_before
    finding = verify(store).finding
    assert finding is not None
    assert str(victim.id) in finding.key
    assert "state" in finding.reason

    assert store.rebuild_read_model() == 1
    assert verify(store).ok
    assert problem_summary(store, as_of=NOW).total == now_before
    assert problem_summary(store, as_of=PAST).total == past_before
    assert store.rebuild_read_model() == 0
    assert store.audit.list(limit=1000)[-1].action == "rebuild_read_model"


def test_the_commands_verify_and_rebuild(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--store", url, "--quiet"]) == 0
    assert main(["verify", "--store", url, "--json"]) == 0
    capsys.readouterr()
    with open_store(url) as store:
        tamper(store, "UPDATE problems SET deadline = NULL WHERE deadline IS NOT NULL")
    assert main(["verify", "--store", url, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert "deadline" in report["findings"][0]["reason"]
    assert main(["rebuild", "--store", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rewritten"] > 100
    assert main(["verify", "--store", url, "--lang", "en"]) == 0
    assert "All good" in capsys.readouterr().out
