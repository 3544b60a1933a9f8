"""The 2019 Dezhou drive while it is built: the article's figures and the builder's state.

Private to :mod:`jinjiecu.sample`. :class:`Drive` holds what every step of
:func:`~jinjiecu.sample.dezhou_2019` reads and extends (the one seeded random
stream, the calendar, the records made so far); :class:`Target`,
:class:`Group` and :class:`Plan` are the working records the steps pass on.
The modules :mod:`~jinjiecu.sample._org`, :mod:`~jinjiecu.sample._enterprises`,
:mod:`~jinjiecu.sample._visits`, :mod:`~jinjiecu.sample._plans`,
:mod:`~jinjiecu.sample._histories` and :mod:`~jinjiecu.sample._finance` take
their turns on one :class:`Drive`, in the order
:func:`~jinjiecu.sample.dezhou_2019` calls them; the order is part of the
sample, since every step draws from the same stream.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.calendar import WorkingCalendar, china_calendar
from jinjiecu.domain.clock import local_date
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind
from jinjiecu.domain.ids import CampaignId, EnterpriseId, ProblemId, ProjectId
from jinjiecu.domain.org import Department, Leader, Region, WorkGroup
from jinjiecu.domain.visit import Visit
from jinjiecu.sample._allocation import Actors, Firms, People, end_of, stream

if TYPE_CHECKING:
    from jinjiecu.domain.campaign import Campaign
    from jinjiecu.domain.ids import DepartmentId, RegionId, VisitId
    from jinjiecu.domain.org import CampaignOffice
    from jinjiecu.sample._org import Profile

__all__ = [
    "BACKBONE",
    "DEPARTMENTS",
    "DRIVE_DAYS",
    "DRIVE_START",
    "GROUPS",
    "IDENTIFIED",
    "KEY_PROJECTS",
    "MERGED",
    "REJECTED",
    "RENOVATION_PROJECTS",
    "REPORT_DAY",
    "RESOLVED",
    "URBAN_PROJECTS_COUNT",
    "VISITS",
    "Drive",
    "Group",
    "Plan",
    "Target",
]


# ====================================================================== the article's figures

DRIVE_START = dt.date(2019, 10, 10)
DRIVE_DAYS = 50
REPORT_DAY = dt.date(2019, 11, 13)

GROUPS = 27
DEPARTMENTS = 66
BACKBONE = 100
KEY_PROJECTS = 111
RENOVATION_PROJECTS = 150
URBAN_PROJECTS_COUNT = 12
VISITS = 439
IDENTIFIED = 153
RESOLVED = 14
MERGED = 2
REJECTED = 1

_UNSET = ProblemId("unset")
"""A plan's problem id until plans are numbered in registration order."""


@attrs.define
class Target:
    """An enterprise or project a group is assigned (帮扶对象)."""

    region: Region
    name: str
    enterprise: Enterprise | None = None
    project: Project | None = None

    @property
    def kind(self) -> str:
        """``enterprise``, or the project's kind: what the category weights are for."""
        if self.project is None:
            return "enterprise"
        return str(self.project.kind.value)

    @property
    def enterprise_id(self) -> EnterpriseId | None:
        """The enterprise visited: the target itself, or the project's owner."""
        if self.project is not None:
            return self.project.owner_id
        return self.enterprise.id if self.enterprise is not None else None

    @property
    def project_id(self) -> ProjectId | None:
        """The project visited, if the target is one."""
        return self.project.id if self.project is not None else None

    @property
    def revisit_weight(self) -> float:
        """How likely a revisit is: enterprises most, then key projects."""
        if self.enterprise is not None:
            return 2.0
        return 1.5 if self.kind == ProjectKind.CITY_KEY.value else 1.0


@attrs.define
class Group:
    """A work group as it is built: its leader, place, units, targets and visits."""

    number: int
    leader: Leader
    region: Region
    departments: list[Department] = attrs.field(factory=list)
    heads: list[Leader] = attrs.field(factory=list)
    targets: list[Target] = attrs.field(factory=list)
    record: WorkGroup | None = None
    visits: list[Visit] = attrs.field(factory=list)

    @property
    def work_group(self) -> WorkGroup:
        """The group's record, once :func:`~jinjiecu.sample._org.build_groups` made it."""
        if self.record is None:  # pragma: no cover - set before any visit is made
            message = "work group not built yet"
            raise AssertionError(message)
        return self.record


@attrs.define
class Plan:
    """Everything decided about one problem before its history is built."""

    group: Group
    visit: Visit
    target: Target
    category: str
    title: str
    registered_at: dt.datetime
    by_report: bool
    natural: dt.date
    kind: str = "genuine"
    """``genuine``, ``duplicate`` (merged into ``duplicate_of``) or ``rejected``."""
    settle: str | None = None
    """``resolve`` or ``explain``: how the problem is settled in the drive, if it is."""
    settle_day: dt.date | None = None
    suspend: str | None = None
    """``resume`` (suspended by the report, resumed after) or ``hold`` (still at the end)."""
    reopen: bool = False
    withdraw_day: dt.date | None = None
    duplicate_of: Plan | None = None
    case: str | None = None
    """The article's finance case this problem is: ``debt``, ``rescue`` or ``loan``."""
    finance_ids: tuple[str, ...] = ()
    resolution: str = ""
    two_consultations: bool = False
    problem_id: ProblemId = _UNSET

    @property
    def registered_on(self) -> dt.date:
        """The local date the problem is registered on."""
        return local_date(self.registered_at)


class Drive:
    """The 2019 Dezhou drive while it is built by rule; see :func:`~jinjiecu.sample.dezhou_2019`.

    ``__init__`` sets what follows from the seed (the random stream every step
    draws from, the calendar, name and actor makers, the drive's dates). The
    attributes declared below are filled in by the steps, in order: places
    and units, leaders (``_org``), enterprises and projects
    (``_enterprises``), groups and the office (``_org``), the finance cases'
    firms (``_finance``), visits (``_visits``).
    """

    regions: tuple[Region, ...]
    city: Region
    places: list[Region]
    """The city's districts, counties, county-level cities and zones."""
    profiles: dict[RegionId, Profile]
    jitter: dict[RegionId, float]
    departments: list[Department]
    unit: dict[str, Department]
    """The city units by slug (``gxj``, ``jrj``, ...)."""
    body_leaders: list[Leader]
    heads: list[Leader]
    head_of: dict[DepartmentId | None, Leader]
    enterprises: list[Enterprise]
    trade_names: dict[EnterpriseId, str]
    targets: list[Target]
    by_region: dict[RegionId, list[Enterprise]]
    projects: list[Project]
    groups: list[Group]
    office: CampaignOffice
    campaign: Campaign
    debt_firm: Enterprise
    rescued_firm: Enterprise
    loan_firm: Enterprise
    cases: dict[EnterpriseId, str]
    """The article's finance cases by firm: ``debt``, ``rescue`` or ``loan``."""
    visits: list[Visit]
    visit_target: dict[VisitId, Target]

    def __init__(self, seed: int) -> None:
        self.rng = stream(seed)
        self.calendar: WorkingCalendar = china_calendar()
        self.people = People(self.rng)
        self.firms = Firms(self.rng)
        self.actors = Actors()
        self.end = DRIVE_START + dt.timedelta(days=DRIVE_DAYS - 1)
        self.as_of = end_of(REPORT_DAY)
        self.campaign_id = CampaignId("dz2019")

    def wd(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day`` (``day`` itself if 0 and a working day)."""
        if n == 0:
            return self.calendar.next_working_day(day)
        return self.calendar.add_working_days(day, n)
