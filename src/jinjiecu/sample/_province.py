"""A synthetic province at scale: :func:`province`, its visits and problem histories, in batches.

Private to :mod:`jinjiecu.sample`, which exports :func:`province`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from jinjiecu.domain.clock import at, local_date
from jinjiecu.domain.events import (
    Assign,
    ConsultationKind,
    Escalate,
    Explain,
    HandlingLevel,
    MergeInto,
    Register,
    Resolve,
    Scope,
)
from jinjiecu.domain.ids import ProblemId, VisitId
from jinjiecu.domain.problem import ActorKind, Problem
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.errors import ValidationError
from jinjiecu.sample._allocation import Actors, Clock, accumulate, check_seed, stream
from jinjiecu.sample._problems import (
    BAD_FOLLOW_UP,
    CATEGORIES,
    CATEGORY_WEIGHTS,
    CLOSE,
    CODES,
    CONSULTATIONS,
    EXPLAINED_FOLLOW_UP,
    EXTENSIONS,
    GOOD_FOLLOW_UPS,
    REJECTION,
    REOPEN,
    RESUME,
    START,
    SUSPENSIONS,
    WITHDRAWAL,
    Steps,
)
from jinjiecu.sample._province_layout import CHUNK, PROVINCE_LAST_VISIT, PROVINCE_START, Layout
from jinjiecu.sample._records import SampleBatch

if TYPE_CHECKING:
    import random
    from collections.abc import Iterator, Mapping

    from jinjiecu.domain.events import EventData

__all__ = ["province"]


# ====================================================================== how histories run


_PATHS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((), 1.0),
    (("assign",), 1.0),
    (("assign", "start"), 4.0),
    (("reject",), 0.4),
    (("merge",), 0.4),
    (("assign", "start", "withdraw"), 0.3),
    (("resolve",), 0.6),
    (("resolve", "follow_up", "close"), 1.0),
    (("assign", "start", "resolve"), 3.0),
    (("assign", "start", "resolve", "follow_up", "close"), 6.0),
    (("assign", "start", "escalate", "resolve", "follow_up", "close"), 2.0),
    (("assign", "start", "extend", "resolve", "follow_up", "close"), 1.5),
    (("assign", "start", "explain", "follow_up", "close"), 1.0),
    (("assign", "start", "suspend"), 0.5),
    (("assign", "start", "suspend", "resume", "resolve", "follow_up", "close"), 0.7),
    (
        ("assign", "start", "resolve", "follow_up_bad", "reopen", "resolve", "follow_up", "close"),
        0.4,
    ),
    (
        ("assign", "escalate", "start", "escalate", "extend", "resolve", "follow_up", "close"),
        0.5,
    ),
)
"""The ways a problem's history runs (steps after registration), with base weights."""

_GAPS = {
    "assign": (0, 2),
    "start": (0, 2),
    "escalate": (1, 5),
    "extend": (3, 10),
    "suspend": (2, 8),
    "resume": (5, 20),
    "resolve": (3, 30),
    "explain": (5, 30),
    "follow_up": (2, 6),
    "follow_up_bad": (2, 6),
    "close": (0, 1),
    "reopen": (1, 2),
    "reject": (1, 2),
    "merge": (0, 1),
    "withdraw": (3, 15),
}
"""Working days from one step to the next, lowest and highest."""


def _path_weights(mean: float) -> list[float]:
    """Tilt the base weights (w·e^(λ·length)) so that a history has ``mean`` steps on average."""
    lengths = [1 + len(steps) for steps, _ in _PATHS]
    base = [weight for _, weight in _PATHS]

    def average(tilt: float) -> float:
        """The mean history length under the weights tilted by ``tilt``."""
        weights = [w * math.exp(tilt * n) for w, n in zip(base, lengths, strict=True)]
        return sum(w * n for w, n in zip(weights, lengths, strict=True)) / sum(weights)

    low, high = -20.0, 20.0
    for _ in range(100):
        middle = (low + high) / 2
        if average(middle) < mean:
            low = middle
        else:
            high = middle
    return [w * math.exp(low * n) for w, n in zip(base, lengths, strict=True)]


# ====================================================================== visits and problems


class _Histories:
    """Visits and problems of a province, a chunk at a time; shares every immutable value it can."""

    def __init__(self, layout: Layout, transitions_per_problem: float) -> None:
        self.layout = layout
        self.calendar = layout.calendar
        self.days = list(self.calendar.working_days(PROVINCE_START, PROVINCE_LAST_VISIT))
        self.path_weights = list(accumulate(_path_weights(transitions_per_problem)))
        self.actors = Actors()
        self.assigns: dict[tuple[int, str], Assign] = {}
        self.codes = CODES
        self.weights = {
            kind: list(accumulate(weights)) for kind, weights in CATEGORY_WEIGHTS.items()
        }
        self.levels = (HandlingLevel.LOCAL, HandlingLevel.COUNTY, HandlingLevel.CITY_DEPARTMENT)
        self.level_weights = list(accumulate((7, 2, 1)))
        self.escalations = {
            kind: Escalate(consultation=kind, summary=CONSULTATIONS[kind])
            for kind in (ConsultationKind.CITY, ConsultationKind.REPORT, ConsultationKind.OTHER)
        }
        self.resolutions = {
            c: tuple(Resolve(summary=t) for t in CATEGORIES[c].resolutions) for c in self.codes
        }
        self.explanations = {
            c: tuple(Explain(explanation=t) for t in CATEGORIES[c].explanations) for c in self.codes
        }
        self.visit_number = 0

    def wd(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day`` (``day`` itself if 0)."""
        return self.calendar.add_working_days(day, n) if n else day

    def assign(self, city: int, category: str) -> Assign:
        """The assignment of a category's problems in a city (made once, shared)."""
        key = (city, category)
        found = self.assigns.get(key)
        if found is None:
            slugs = CATEGORIES[category].departments
            found = self.assigns[key] = Assign(
                lead_department_id=self.layout.unit_id(city, slugs[0]),
                co_department_ids=tuple(self.layout.unit_id(city, s) for s in slugs[1:2]),
            )
        return found

    def chunk(self, chunk: int, problems: int) -> tuple[list[Visit], list[Problem]]:
        """The visits and problems of chunk ``chunk`` (of at most ``problems`` in all)."""
        layout = self.layout
        rng = stream(f"{layout.seed}:problems:{chunk}")
        visits: list[Visit] = []
        made: list[Problem] = []
        numbers = range(chunk * CHUNK, min((chunk + 1) * CHUNK, problems))
        left = enterprise = 0
        visit: Visit | None = None
        previous: ProblemId | None = None
        for number in numbers:
            if left == 0 or visit is None:
                visit, enterprise = self._visit(rng)
                visits.append(visit)
                left = rng.choices((1, 2, 3), (60, 30, 10))[0]
                previous = None
            left -= 1
            problem = self._problem(rng, number, (visit, enterprise), previous)
            previous = problem.id
            made.append(problem)
        return visits, made

    def _visit(self, rng: random.Random) -> tuple[Visit, int]:
        """A visit by the group assigned a random enterprise, to it or to its project."""
        layout = self.layout
        enterprise = rng.randrange(layout.enterprise_count)
        project = layout.project_of(enterprise)
        if project is not None and rng.random() >= 0.4:
            project = None
        city, group = layout.group_of(enterprise)
        day = self.days[rng.randrange(len(self.days))]
        self.visit_number += 1
        kind = VisitKind.ONSITE_OFFICE if rng.random() < 0.15 else VisitKind.VISIT
        visit = Visit(
            id=VisitId(f"sd-v-{self.visit_number:08d}"),
            campaign_id=layout.campaign_id(city),
            at=at(day, 8, 30) + dt.timedelta(minutes=rng.randrange(0, 480, 5)),
            kind=kind,
            work_group_id=layout.group_id(city, group),
            leader_ids=(layout.leader_id(city, group),),
            enterprise_id=layout.enterprise_id(enterprise),
            project_id=layout.project_id(project) if project is not None else None,
        )
        return visit, enterprise

    def _problem(
        self,
        rng: random.Random,
        number: int,
        where: tuple[Visit, int],
        previous: ProblemId | None,
    ) -> Problem:
        """Problem ``number``, found on ``where``: the visit and the enterprise's number."""
        layout = self.layout
        visit, enterprise = where
        city, group = layout.group_of(enterprise)
        county = layout.county_of(enterprise)
        target = "enterprise"
        if visit.project_id is not None:
            target = layout.project_kind(enterprise // 10).value
        category = rng.choices(self.codes, cum_weights=self.weights[target])[0]
        spec = CATEGORIES[category]
        title = rng.choice(spec.titles)
        day = local_date(visit.at)
        if rng.random() < 0.6:
            registered = visit.at + dt.timedelta(minutes=rng.randrange(30, 180, 5))
        else:
            registered = at(self.wd(day, rng.randint(1, 2)), 9) + dt.timedelta(
                minutes=rng.randrange(0, 420, 5)
            )
        group_id = layout.group_id(city, group)
        group_actor = self.actors.get(ActorKind.WORK_GROUP, group_id, "")
        steps = Steps(
            Problem.register(
                Register(
                    title=title,
                    category=category,
                    region_id=county.region.id,
                    description=title,
                    enterprise_id=visit.enterprise_id,
                    project_id=visit.project_id,
                    visit_id=visit.id,
                    campaign_id=visit.campaign_id,
                    work_group_id=group_id,
                    scope=Scope.COMMON if rng.random() < spec.common_share else Scope.INDIVIDUAL,
                    level=rng.choices(self.levels, cum_weights=self.level_weights)[0],
                ),
                at=registered,
                actor=group_actor,
                id=ProblemId(f"sd-p-{number:07d}"),
            ),
            Clock(rng, registered),
        )
        path = rng.choices(_PATHS, cum_weights=self.path_weights)[0][0]
        if "merge" in path and previous is None:
            path = ("assign", "start")
        assign = self.assign(city, category)
        office = self.actors.get(ActorKind.OFFICE, f"{layout.cities[city].id}-office", "")
        department = self.actors.get(ActorKind.DEPARTMENT, assign.lead_department_id, "")
        day = local_date(registered)
        for name in path:
            low, high = _GAPS[name]
            day = self.wd(day, rng.randint(low, high))
            fixed = _FIXED_STEPS.get(name)
            if fixed is not None:
                data = fixed
            elif name == "assign":
                data = assign
            elif name == "merge" and previous is not None:
                data = MergeInto(duplicate_of=previous)
            else:
                data = self._varied(rng, name, category, path, steps.problem)
            steps(data, day, department if name in _BY_DEPARTMENT else office)
        return steps.problem

    def _varied(
        self, rng: random.Random, name: str, category: str, path: tuple[str, ...], problem: Problem
    ) -> EventData:
        """The data of a step drawn from a few shared values."""
        if name == "escalate":
            below = problem.level.rank < HandlingLevel.CITY_DEPARTMENT.rank
            return self.escalations[ConsultationKind.CITY if below else ConsultationKind.REPORT]
        if name == "extend":
            return EXTENSIONS[rng.choice((5, 10, 15))]
        if name == "suspend":
            return rng.choice(SUSPENSIONS)
        if name == "resolve":
            return rng.choice(self.resolutions[category])
        if name == "explain":
            return rng.choice(self.explanations[category])
        if name == "follow_up":
            return EXPLAINED_FOLLOW_UP if "explain" in path else rng.choice(GOOD_FOLLOW_UPS)
        message = f"no data for the step {name!r}"  # pragma: no cover - the paths use known steps
        raise AssertionError(message)  # pragma: no cover


_FIXED_STEPS: Mapping[str, EventData] = {
    "start": START,
    "resume": RESUME,
    "close": CLOSE,
    "reopen": REOPEN,
    "reject": REJECTION,
    "withdraw": WITHDRAWAL,
    "follow_up_bad": BAD_FOLLOW_UP,
}
"""Steps whose data is always the same value."""

_BY_DEPARTMENT = frozenset({"start", "suspend", "resume", "resolve", "explain"})
"""Steps the lead department takes; the office takes the others."""


# ====================================================================== the batches


def _whole(name: str, value: object, minimum: int) -> int:
    """``value`` if it is a whole number of at least ``minimum``, else a ValidationError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(
            field=name, expected=f"a whole number, at least {minimum}", received=value
        )
    return value


def province(
    *,
    enterprises: int = 100_000,
    problems: int = 1_000_000,
    seed: int = 1,
    transitions_per_problem: float = 5.0,
    batch_size: int = 10_000,
) -> Iterator[SampleBatch]:
    """A synthetic province's records, in batches: the Dezhou rules at scale, for benchmarks.

    山东省 with its 16 cities, each with synthetic counties (codes xxxx51
    onwards, about 800 enterprises each, names such as 济南样例三县), the 66
    units, 27 work groups and a standing campaign (常态化, from 2020-01-01) per
    city; ``enterprises`` enterprises with valid credit codes of their county,
    every tenth owning a project; ``problems`` problems registered from 2020 to
    2024, each found on a visit (one to three problems a visit) by the group
    assigned the enterprise, with histories built through
    :meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>` averaging
    about ``transitions_per_problem`` transitions (from 1.5 to 8.5).

    The first batch holds the organisation, then come batches of at most
    ``batch_size`` enterprises, projects, and problems with their visits. Each
    batch loads in one transaction (:meth:`SampleBatch.load_into`); only one
    batch is held at a time. The records depend on the seed alone, not on
    ``batch_size``.

    >>> batches = list(province(enterprises=200, problems=300, batch_size=100))
    >>> sum(len(b.enterprises) for b in batches), sum(len(b.problems) for b in batches)
    (200, 300)
    """
    _whole("enterprises", enterprises, 1)
    _whole("problems", problems, 0)
    _whole("batch_size", batch_size, 1)
    check_seed(seed)
    if (
        isinstance(transitions_per_problem, bool)
        or not isinstance(transitions_per_problem, int | float)
        or not 1.5 <= transitions_per_problem <= 8.5
    ):
        raise ValidationError(
            field="transitions_per_problem",
            expected="a number from 1.5 to 8.5",
            received=transitions_per_problem,
        )
    return _province_batches(
        enterprises, problems, seed, float(transitions_per_problem), batch_size
    )


def _province_batches(
    enterprises: int, problems: int, seed: int, transitions: float, batch_size: int
) -> Iterator[SampleBatch]:
    """The batches :func:`province` yields, made lazily once its arguments passed."""
    layout = Layout(enterprises, seed)
    yield layout.organisation()
    for field, count, make in (
        ("enterprises", enterprises, layout.enterprises),
        ("projects", layout.project_count, layout.projects),
    ):
        pending: list[Any] = []
        for chunk in range(math.ceil(count / CHUNK)):
            pending += make(chunk)
            while len(pending) >= batch_size:
                yield SampleBatch(**{field: pending[:batch_size]})
                pending = pending[batch_size:]
        if pending:
            yield SampleBatch(**{field: pending})
    histories = _Histories(layout, transitions)
    visits: list[Visit] = []
    made: list[Problem] = []
    for chunk in range(math.ceil(problems / CHUNK)):
        new_visits, new_problems = histories.chunk(chunk, problems)
        visits += new_visits
        made += new_problems
        while len(made) >= batch_size:
            batch, made = made[:batch_size], made[batch_size:]
            # A visit goes with the batch holding its first problem.
            cut = 1 + next(i for i, v in enumerate(visits) if v.id == batch[-1].visit_id)
            yield SampleBatch(visits=visits[:cut], problems=batch)
            visits = visits[cut:]
    if made or visits:
        yield SampleBatch(visits=visits, problems=made)
