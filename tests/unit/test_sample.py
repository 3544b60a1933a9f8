"""The sample drive reproduces the article's figures; the province generator scales by rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from jinjiecu.domain.clock import end_of_day
from jinjiecu.domain.enterprise import ProjectKind
from jinjiecu.domain.org import OrgLevel
from jinjiecu.errors import ValidationError
from jinjiecu.metrics import Dimension, problem_summary, target_coverage, visit_summary
from jinjiecu.sample import SampleBatch, SampleData, dezhou_2019, province
from jinjiecu.storage import open_store
from jinjiecu.storage.base import Query

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from jinjiecu.storage.base import Store

REPORT = end_of_day(dt.date(2019, 11, 13))
# groups, visits, identified, in progress, solved, explained, excluded (merged, rejected)
ARTICLE = (27, 439, 153, 139, 14, 0, 3, 2, 1)


@pytest.fixture(scope="module")
def drive() -> SampleData:
    return dezhou_2019()


@pytest.fixture(scope="module")
def store(drive: SampleData) -> Iterator[Store]:
    with open_store("memory://") as loaded:
        drive.load_into(loaded)
        yield loaded


def headline(store: Store, drive: SampleData) -> tuple[int, ...]:
    """The article's city-level row, computed by the metrics as of the report moment."""
    query = Query(campaign_id=drive.campaign_id)
    figures = problem_summary(store, as_of=drive.as_of, query=query).total
    visits = visit_summary(
        store, as_of=drive.as_of, by=Dimension.WORK_GROUP, campaign_id=drive.campaign_id
    )
    groups = store.work_groups.count(query)
    assert len(visits) == groups  # every group visited
    return (
        groups,
        visits.total.visits,
        figures.identified,
        figures.in_progress,
        figures.solved,
        figures.explained + figures.closed_explained,
        figures.excluded,
        figures.merged,
        figures.rejected,
    )


def test_the_report_moment_is_the_end_of_13_november(drive: SampleData) -> None:
    assert drive.as_of == REPORT


def test_the_articles_figures(drive: SampleData, store: Store) -> None:
    assert headline(store, drive) == ARTICLE
    figures = problem_summary(store, as_of=drive.as_of).total
    assert figures.registered == 156
    assert (figures.resolved + figures.closed_resolved, figures.withdrawn) == (14, 0)
    assert figures.resolution_rate.percent == "9.2%"  # 14 / 153


def test_the_figures_by_group_add_up_to_the_citys(drive: SampleData, store: Store) -> None:
    by_group = problem_summary(store, as_of=drive.as_of, by=Dimension.WORK_GROUP)
    assert len(by_group) == 27
    assert None not in [row.key for row in by_group]  # every problem was found by a group
    assert sum(row.figures.identified for row in by_group) == 153
    assert sum(row.figures.in_progress for row in by_group) == 139
    assert sum(row.figures.solved for row in by_group) == 14
    by_region = problem_summary(store, as_of=drive.as_of, by=Dimension.REGION)
    assert by_region.row("371400").figures.identified == 153  # 德州市 holds every county's
    assert by_region.rows[0].key == "371400"  # and no row for the province, not in the sample


def test_later_the_drive_goes_on(drive: SampleData, store: Store) -> None:
    end = end_of_day(dt.date(2019, 11, 28))
    figures = problem_summary(store, as_of=end).total
    assert figures.registered == len(drive.problems) > 156
    assert figures.solved > 14
    assert figures.closed > 0
    assert figures.explained + figures.closed_explained > 0
    assert figures.reopened_ever == 2
    assert visit_summary(store, as_of=end).total.visits == len(drive.visits) > 439


def test_every_target_is_assigned_and_visited(drive: SampleData, store: Store) -> None:
    coverage = target_coverage(store, drive.campaign_id, as_of=drive.as_of)
    assert (len(coverage.backbone_assigned), len(coverage.backbone_visited)) == (100, 100)
    assert len(coverage.key_projects_assigned) == coverage.key_projects_target == 111
    assert len(coverage.renovation_assigned) == coverage.renovation_target == 150
    assert coverage.backbone_not_visited == ()


def test_the_figures_are_the_same_in_sqlite(drive: SampleData, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'dezhou.db'}") as sqlite:
        drive.load_into(sqlite)
        assert headline(sqlite, drive) == ARTICLE


@pytest.mark.parametrize("seed", [1, 7])
def test_every_seed_gives_the_articles_figures(seed: int, drive: SampleData) -> None:
    other = dezhou_2019(seed)
    assert other.enterprises != drive.enterprises  # other names and codes
    with open_store("memory://") as store:
        other.load_into(store)
        assert headline(store, other) == ARTICLE


def test_the_same_seed_gives_equal_data(drive: SampleData) -> None:
    assert dezhou_2019(2019) == drive


def test_counts(drive: SampleData) -> None:
    counts = drive.counts()
    assert {
        "regions": 15,
        "departments": 66,
        "leaders": 93,  # 27 group leaders and the heads of the 66 units
        "offices": 1,
        "campaigns": 1,
        "work_groups": 27,
        "projects": 273,
        "visits_as_of": 439,
        "problems_as_of": 156,
    }.items() <= counts.items()
    assert counts["transitions"] == sum(len(p.transitions) for p in drive.problems)
    assert counts["problems"] == len(drive.problems)
    assert counts["enterprises"] >= 100
    assert sum(e.backbone for e in drive.enterprises) == 100
    kinds = Counter(p.kind for p in drive.projects)
    assert (kinds[ProjectKind.CITY_KEY], kinds[ProjectKind.TECH_RENOVATION]) == (111, 150)
    assert all(g.level is OrgLevel.CITY for g in drive.work_groups)


def test_problems_come_from_their_groups_visits(drive: SampleData) -> None:
    visits = {visit.id: visit for visit in drive.visits}
    for problem in drive.problems:
        assert problem.visit_id is not None
        found_on = visits[problem.visit_id]
        assert found_on.at <= problem.registered_at, problem.id
        assert found_on.work_group_id == problem.work_group_id
        assert problem.campaign_id == drive.campaign_id


def test_the_seed_must_be_an_integer() -> None:
    with pytest.raises(ValidationError) as caught:
        dezhou_2019("2019")  # type: ignore[arg-type]
    assert caught.value.field == "seed"


# ---------------------------------------------------------------- the province


def flat(batches: list[SampleBatch], kind: str) -> list[Any]:
    return [record for batch in batches for record in getattr(batch, kind)]


def test_a_small_province_loads_and_counts() -> None:
    batches = list(province(enterprises=100, problems=200, batch_size=80, seed=2))
    organisation = batches[0]
    assert len(organisation.campaigns) == 16  # one standing campaign per city
    assert len(organisation.work_groups) == 16 * 27
    assert all(len(b.problems) <= 80 and len(b.enterprises) <= 80 for b in batches)
    problems, visits = flat(batches, "problems"), flat(batches, "visits")
    assert (len(flat(batches, "enterprises")), len(problems)) == (100, 200)
    # A visit comes in the batch of its first problem, or an earlier one.
    seen: set[str] = set()
    for batch in batches:
        seen |= {visit.id for visit in batch.visits}
        assert all(problem.visit_id in seen for problem in batch.problems)
    with open_store("memory://") as store:
        for batch in batches:
            batch.load_into(store)
        last = max(t.at for problem in problems for t in problem.transitions)
        figures = problem_summary(store, as_of=last).total
        assert figures.registered == 200
        assert figures.identified + figures.excluded == 200
        assert visit_summary(store, as_of=last).total.visits == len(visits)
    mean = sum(problem.version for problem in problems) / len(problems)
    assert 4.5 <= mean <= 5.5  # about 5 transitions a problem by default


def test_the_province_depends_on_the_seed_alone() -> None:
    small = list(province(enterprises=60, problems=90, batch_size=25, seed=4))
    large = list(province(enterprises=60, problems=90, batch_size=1000, seed=4))
    for kind in ("enterprises", "projects", "visits", "problems"):
        assert flat(small, kind) == flat(large, kind), kind
    other = list(province(enterprises=60, problems=90, batch_size=1000, seed=5))
    assert flat(other, "problems") != flat(large, "problems")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"enterprises": 0}, "enterprises"),
        ({"problems": -1}, "problems"),
        ({"batch_size": 0}, "batch_size"),
        ({"seed": "1"}, "seed"),
        ({"transitions_per_problem": 9.0}, "transitions_per_problem"),
        ({"transitions_per_problem": True}, "transitions_per_problem"),
    ],
)
def test_bad_province_arguments(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        province(**({"enterprises": 10, "problems": 10} | arguments))
    assert caught.value.field == field
