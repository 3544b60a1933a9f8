"""Public Hypothesis strategies for jinjiecu's values and entities.

Every strategy returns a ``SearchStrategy`` of valid values that shrink towards
small, readable examples. The project's own tests use these same strategies.
Requires the ``testing`` extra (Hypothesis).

Problems (:func:`problems`) are built the way an app builds them, through
:meth:`Problem.register <jinjiecu.domain.problem.Problem.register>` and
:meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>`, so their
histories are always consistent. Their parameters:

- ``state``: the state the problem ends in (any state, if ``None``);
- ``min_start``, ``max_start``: the range of registration days;
- ``max_steps``: the most random steps before the path to ``state``;
- ``rules``: the office's :class:`~jinjiecu.domain.problem.ProblemRules`
  (taxonomy, deadline policy, calendar) every step is applied under;
- ``region_id``, ``campaign_id``, ``work_group_id``: fixed values for the
  registration (else random ones), as for :func:`register_details`.

:func:`event_data` draws valid data for one event on a given problem, for
tests that drive a problem step by step themselves.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from jinjiecu.domain.calendar import (
    HolidayNotice,
    WorkingCalendar,
    china_calendar,
    statutory_holidays,
)
from jinjiecu.domain.campaign import Campaign, CampaignKind, CampaignTargets
from jinjiecu.domain.clock import CHINA_TZ, local_date
from jinjiecu.domain.codes import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_PREFIXES,
    CreditCode,
    DivisionCode,
    DivisionLevel,
    credit_code_check_character,
)
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.events import (
    Assign,
    Close,
    ConsultationKind,
    Escalate,
    EventData,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Reassign,
    RecountDeadline,
    Register,
    Reject,
    Reopen,
    Resolve,
    Resume,
    Satisfaction,
    Scope,
    Start,
    Suspend,
    Withdraw,
)
from jinjiecu.domain.finance import (
    Asset,
    AssetDisposal,
    AssetKind,
    BridgeFund,
    CommitteeMeeting,
    CommitteeOutcome,
    CoordinatedFinancing,
    CreditorCommittee,
    Criterion,
    DebtResolution,
    DebtResolutionMethod,
    DisposalMethod,
    FinancingSource,
    Loan,
    LoanRenewal,
    RiskClass,
    Whitelist,
    total,
)
from jinjiecu.domain.guarantees import GuaranteeLink, GuaranteeNetwork
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CampaignId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    DepartmentId,
    EnterpriseId,
    EntityId,
    GuaranteeLinkId,
    LeaderId,
    LoanRenewalId,
    OfficeId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WhitelistId,
    WorkGroupId,
)
from jinjiecu.domain.money import AMOUNT_LIMIT, Money, MoneyUnit
from jinjiecu.domain.org import (
    CampaignOffice,
    Department,
    DepartmentKind,
    Leader,
    LeadershipBody,
    OrgLevel,
    Region,
    WorkGroup,
)
from jinjiecu.domain.personal import (
    Contact,
    MobileNumber,
    ResidentId,
    resident_id_check_character,
)
from jinjiecu.domain.problem import (
    DEFAULT_RULES,
    Actor,
    ActorKind,
    Problem,
    ProblemRules,
    allowed_events,
)
from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.domain.workflow import Event, ProblemState, events_from, target_of

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "actors",
    "asset_disposals",
    "aware_datetimes",
    "bridge_funds",
    "campaign_offices",
    "campaign_targets",
    "campaigns",
    "contacts",
    "coordinated_financings",
    "covered_dates",
    "credit_codes",
    "creditor_committees",
    "debt_resolutions",
    "departments",
    "division_codes",
    "enterprises",
    "event_data",
    "free_texts",
    "guarantee_links",
    "guarantee_networks",
    "holiday_notices",
    "ids",
    "leaders",
    "loan_renewals",
    "loans",
    "mobile_numbers",
    "mobile_texts",
    "money",
    "money_texts",
    "names",
    "personal_texts",
    "problems",
    "projects",
    "regions",
    "register_details",
    "resident_ids",
    "visits",
    "whitelists",
    "work_groups",
    "working_dates",
]

# ---- money (jinjiecu.domain.money) ----

_LARGEST_FEN = int(AMOUNT_LIMIT) * 100 - 1


def _fen_bound(value: object, name: str, *, default: int, round_up: bool) -> int:
    """Turn a bound in yuan into whole fen, rounding inwards; refuse floats."""
    if value is None:
        return default
    if not (
        isinstance(value, int | Decimal)
        and not isinstance(value, bool)
        and Decimal(value).is_finite()
    ):
        msg = f"{name} must be an int or finite Decimal number of yuan, not {value!r}"
        raise InvalidArgument(msg)
    fen = Fraction(value) * 100
    bound = math.ceil(fen) if round_up else math.floor(fen)
    if abs(bound) > _LARGEST_FEN:
        msg = f"{name} must be smaller than {AMOUNT_LIMIT} yuan in absolute value, not {value!r}"
        raise InvalidArgument(msg)
    return bound


def _from_fen(fen: int, approximate: bool) -> Money:  # noqa: FBT001 - a builds() target
    return Money(amount=Decimal(fen).scaleb(-2), approximate=approximate)


def money(
    *,
    min_value: int | Decimal | None = None,
    max_value: int | Decimal | None = None,
    allow_approximate: bool = True,
) -> st.SearchStrategy[Money]:
    """Amounts from ``min_value`` to ``max_value`` yuan (inclusive), shrinking towards 0元.

    Bounds default to the whole valid range, negative amounts included; pass
    ``min_value=0`` for records that need a non-negative amount. Whole 万元 and
    亿元 amounts, as reports write them, are drawn often. With
    ``allow_approximate`` some amounts are lower bounds ("8000多万元").
    """
    low = _fen_bound(min_value, "min_value", default=-_LARGEST_FEN, round_up=True)
    high = _fen_bound(max_value, "max_value", default=_LARGEST_FEN, round_up=False)
    if low > high:
        msg = f"no amount in whole fen from {min_value} to {max_value} yuan"
        raise InvalidArgument(msg)
    fen = [st.integers(min_value=low, max_value=high)]
    for step in (10**6, 10**10):  # whole 万元, whole 亿元
        first, last = -(-low // step), high // step
        if first <= last:
            fen.append(st.integers(min_value=first, max_value=last).map(step.__mul__))
    approximate = st.booleans() if allow_approximate else st.just(value=False)
    return st.builds(_from_fen, st.one_of(fen), approximate)


_FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")


@st.composite
def _money_texts(draw: st.DrawFn, amounts: st.SearchStrategy[Money]) -> tuple[str, Money]:
    value = draw(amounts)
    unit = draw(st.sampled_from(MoneyUnit))
    number = abs(value.in_unit(unit))
    digits = f"{number:,f}" if draw(st.booleans()) else f"{number:f}"
    zeros = draw(st.integers(min_value=0, max_value=2))  # "2650.00万元"
    if zeros:
        digits += ("" if "." in digits else ".") + "0" * zeros
    yen = "¥" if unit is MoneyUnit.YUAN and draw(st.booleans()) else ""
    sign = "-" if value.amount < 0 else ""
    head = draw(st.sampled_from([sign + yen, yen + sign]))
    marker = draw(st.sampled_from("多余")) if value.approximate else ""
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    yuan = draw(st.sampled_from(["元", ""]))
    if unit is MoneyUnit.YUAN:
        tail = f"{marker}{yuan}"
    elif draw(st.booleans()):
        tail = f"{marker}{unit.label[0]}{yuan}"  # 8000多万元
    else:
        tail = f"{unit.label[0]}{marker}{yuan}"  # 3000万余元
    text = f"{space}{head}{digits}{space}{tail}{space}"
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return text, value


def money_texts(
    *,
    min_value: int | Decimal | None = None,
    max_value: int | Decimal | None = None,
    allow_approximate: bool = True,
) -> st.SearchStrategy[tuple[str, Money]]:
    """Pairs of an amount as a clerk might type it and the Money it means.

    Texts vary the unit (元, 万, 万元, 亿, 亿元), thousands separators, trailing
    zeros, ¥, 多/余 in either place, spaces and full-width characters; every
    one is accepted by :meth:`Money.parse <jinjiecu.domain.money.Money.parse>`.
    Bounds are as for :func:`money`.
    """
    amounts = money(min_value=min_value, max_value=max_value, allow_approximate=allow_approximate)
    return _money_texts(amounts)


# ---- codes (jinjiecu.domain.codes) ----

_TWO_DIGITS = st.integers(min_value=1, max_value=99).map("{:02d}".format)


def division_codes(level: DivisionLevel | None = None) -> st.SearchStrategy[DivisionCode]:
    """Generate division codes of the given level (else any); they shrink to ``110000``.

    Codes have the GB/T 2260 shape under a real province prefix; most name no
    actual place.
    """
    provinces = st.sampled_from(PROVINCE_PREFIXES)
    by_level = {
        DivisionLevel.PROVINCE: provinces.map(lambda p: DivisionCode(p + "0000")),
        DivisionLevel.CITY: st.tuples(provinces, _TWO_DIGITS).map(
            lambda parts: DivisionCode(parts[0] + parts[1] + "00")
        ),
        DivisionLevel.COUNTY: st.tuples(provinces, _TWO_DIGITS, _TWO_DIGITS).map(
            lambda parts: DivisionCode("".join(parts))
        ),
    }
    return by_level[level] if level is not None else st.one_of(*by_level.values())


def _credit_chars(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=size, max_size=size)


def _with_check_character(first17: str) -> CreditCode:
    return CreditCode(first17 + credit_code_check_character(first17))


def credit_codes(division: DivisionCode | None = None) -> st.SearchStrategy[CreditCode]:
    """Generate valid unified social credit codes; they shrink to ``00110000000000000T``.

    ``division`` fixes positions 3-8. Otherwise they hold a well-formed
    division code or, now and then, six arbitrary characters, as some issued
    codes do.
    """
    division_part = (
        st.just(str(DivisionCode(division)))
        if division is not None
        else division_codes().map(str) | _credit_chars(6)
    )
    return st.tuples(_credit_chars(2), division_part, _credit_chars(9)).map(
        lambda parts: _with_check_character("".join(parts))
    )


# ---- calendar (jinjiecu.domain.calendar) ----

_FIRST_TEST_DAY = dt.date(2019, 1, 1)
_LAST_TEST_DAY = dt.date(2026, 12, 31)


def covered_dates(
    min_value: dt.date = _FIRST_TEST_DAY, max_value: dt.date = _LAST_TEST_DAY
) -> st.SearchStrategy[dt.date]:
    """Dates from ``min_value`` to ``max_value`` (inclusive), all with official calendar data.

    Bounds outside the covered years raise
    :class:`~jinjiecu.errors.CalendarCoverageError` at once.
    """
    # Checked here so a test never draws a date the calendar would refuse.
    china_calendar().is_working_day(min_value)
    china_calendar().is_working_day(max_value)
    return st.dates(min_value=min_value, max_value=max_value)


def working_dates(
    min_value: dt.date = _FIRST_TEST_DAY,
    max_value: dt.date = _LAST_TEST_DAY,
    *,
    calendar: WorkingCalendar | None = None,
) -> st.SearchStrategy[dt.date]:
    """Working days from ``min_value`` to ``max_value`` (inclusive) on ``calendar``.

    ``calendar`` defaults to :func:`~jinjiecu.domain.calendar.china_calendar`.
    Raises ``ValueError`` if the range holds no working day.
    """
    chosen = china_calendar() if calendar is None else calendar
    days = list(chosen.working_days(min_value, max_value))
    if not days:
        msg = f"no working day from {min_value} to {max_value}"
        raise ValueError(msg)
    return st.sampled_from(days)


def holiday_notices(year: int | None = None) -> st.SearchStrategy[HolidayNotice]:
    """Valid State Council notices for ``year`` (default: the first provisional year).

    Every statutory holiday is off; some other weekdays are off too, and some
    Saturdays and Sundays are worked (调休), as real notices arrange them.
    Each notice passes :meth:`~jinjiecu.domain.calendar.HolidayNotice.check_statutory`.
    """
    chosen = china_calendar().provisional_years[0] if year is None else year
    statutory = statutory_holidays(chosen)
    first = dt.date(chosen, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((dt.date(chosen + 1, 1, 1) - first).days)]
    weekdays = [day for day in days if day.weekday() < 5 and day not in statutory]
    weekends = [day for day in days if day.weekday() >= 5 and day not in statutory]
    return st.builds(
        lambda extra_off, workdays: HolidayNotice(
            year=chosen, days_off=set(statutory) | extra_off, workdays=workdays
        ),
        st.sets(st.sampled_from(weekdays), max_size=8),
        st.sets(st.sampled_from(weekends), max_size=8),
    )


# ---- organisation, campaign, enterprise, visit ----

IdT = TypeVar("IdT", bound=EntityId)

_NAME_CHARS = st.characters(categories=("L", "N"), exclude_characters="\x85") | st.sampled_from(
    "（）·-、"
)


def ids(id_cls: type[IdT], prefix: str | None = None) -> st.SearchStrategy[IdT]:
    """Short, readable ids of kind ``id_cls`` such as ``ProblemId('problem-3')``."""
    stem = prefix or id_cls.field.removesuffix("_id").replace("_", "-")
    return st.integers(min_value=1, max_value=999_999).map(lambda n: id_cls(f"{stem}-{n}"))


def names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Single-line names (Chinese, Latin, digits and the punctuation names use)."""
    return st.text(_NAME_CHARS, min_size=1, max_size=max_size).filter(lambda s: s == s.strip())


def free_texts(max_size: int = 200) -> st.SearchStrategy[str]:
    """Generate notes and descriptions: any storable text, control characters included."""
    return st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        max_size=max_size,
    )


def aware_datetimes(
    min_value: dt.datetime = dt.datetime(2019, 1, 1),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value: dt.datetime = dt.datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001 - and zones apart
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware moments (China Standard Time or UTC) between naive local bounds."""
    return st.datetimes(
        min_value=min_value, max_value=max_value, timezones=st.sampled_from([CHINA_TZ, dt.UTC])
    )


def _id_tuples(
    id_cls: type[IdT], *, min_size: int = 0, max_size: int = 4
) -> st.SearchStrategy[tuple[IdT, ...]]:
    return st.lists(ids(id_cls), min_size=min_size, max_size=max_size, unique=True).map(tuple)


def regions(parent_id: RegionId | None = None) -> st.SearchStrategy[Region]:
    """Regions of any kind; ``parent_id`` fixes the parent (else none or a random one)."""
    return st.builds(
        Region,
        id=ids(RegionId),
        name=names(),
        kind=st.sampled_from(DivisionKind),
        division_code=st.none() | division_codes(),
        parent_id=st.just(parent_id) if parent_id else st.none() | ids(RegionId, "parent-region"),
    )


def departments() -> st.SearchStrategy[Department]:
    """Departments of any level and kind."""
    return st.builds(
        Department,
        id=ids(DepartmentId),
        name=names(),
        level=st.sampled_from(OrgLevel),
        kind=st.sampled_from(DepartmentKind),
        region_id=st.none() | ids(RegionId),
    )


def leaders() -> st.SearchStrategy[Leader]:
    """Leaders, with or without a leadership body."""
    return st.builds(
        Leader,
        id=ids(LeaderId),
        name=names(10),
        post=names(),
        body=st.none() | st.sampled_from(LeadershipBody),
        region_id=st.none() | ids(RegionId),
        department_id=st.none() | ids(DepartmentId),
    )


def work_groups(campaign_id: CampaignId | None = None) -> st.SearchStrategy[WorkGroup]:
    """Work groups with one to three leaders and some assigned enterprises and projects."""
    return st.builds(
        WorkGroup,
        id=ids(WorkGroupId),
        name=names(),
        campaign_id=st.just(campaign_id) if campaign_id else ids(CampaignId),
        level=st.sampled_from(OrgLevel),
        region_id=ids(RegionId),
        leader_ids=_id_tuples(LeaderId, min_size=1, max_size=3),
        department_ids=_id_tuples(DepartmentId),
        enterprise_ids=_id_tuples(EnterpriseId),
        project_ids=_id_tuples(ProjectId),
    )


def campaign_offices() -> st.SearchStrategy[CampaignOffice]:
    """Leading-group offices."""
    return st.builds(
        CampaignOffice,
        id=ids(OfficeId),
        name=names(),
        region_id=ids(RegionId),
        host_department_id=st.none() | ids(DepartmentId),
    )


def campaign_targets() -> st.SearchStrategy[CampaignTargets]:
    """Campaign targets with small counts."""
    counts = st.integers(min_value=0, max_value=500)
    return st.builds(
        CampaignTargets,
        backbone_enterprises=counts,
        key_projects=counts,
        renovation_projects=counts,
        urban_construction_projects=st.none() | counts,
    )


@st.composite
def campaigns(
    draw: st.DrawFn,
    kind: CampaignKind | None = None,
    min_start: dt.date = dt.date(2019, 1, 1),
    max_start: dt.date = dt.date(2026, 6, 30),
) -> Campaign:
    """Drives (with an end) and standing practices (end or not), starting in the range given."""
    chosen = kind or draw(st.sampled_from(CampaignKind))
    start = draw(st.dates(min_value=min_start, max_value=max_start))
    length = st.integers(min_value=0, max_value=365).map(lambda n: start + dt.timedelta(days=n))
    end = draw(length if chosen is CampaignKind.DRIVE else st.none() | length)
    return Campaign(
        id=draw(ids(CampaignId)),
        name=draw(names()),
        kind=chosen,
        region_id=draw(ids(RegionId)),
        start=start,
        end=end,
        targets=draw(campaign_targets()),
        office_id=draw(st.none() | ids(OfficeId)),
        department_ids=draw(_id_tuples(DepartmentId)),
    )


def enterprises(
    region_id: RegionId | None = None, *, backbone: bool | None = None
) -> st.SearchStrategy[Enterprise]:
    """Enterprises with valid credit codes (or none); fix the region or backbone flag if needed."""
    return st.builds(
        Enterprise,
        id=ids(EnterpriseId),
        name=names(),
        region_id=st.just(region_id) if region_id else ids(RegionId),
        credit_code=st.none() | credit_codes(),
        industry=names(10),
        size=st.sampled_from(SizeClass),
        backbone=st.booleans() if backbone is None else st.just(backbone),
    )


def projects(kind: ProjectKind | None = None) -> st.SearchStrategy[Project]:
    """Projects of any (or the given) kind, with a non-negative planned investment."""
    return st.builds(
        Project,
        id=ids(ProjectId),
        name=names(),
        kind=st.just(kind) if kind else st.sampled_from(ProjectKind),
        region_id=ids(RegionId),
        owner_id=st.none() | ids(EnterpriseId),
        planned_investment=money(min_value=Decimal(0), allow_approximate=False),
        phase=st.sampled_from(ProjectPhase),
    )


@st.composite
def visits(draw: st.DrawFn, campaign_id: CampaignId | None = None) -> Visit:
    """Visits to an enterprise, a project or both, by a group, leaders or both."""
    target = draw(st.sampled_from(["enterprise", "project", "both"]))
    by = draw(st.sampled_from(["group", "leaders", "both"]))
    return Visit(
        id=draw(ids(VisitId)),
        campaign_id=campaign_id or draw(ids(CampaignId)),
        at=draw(aware_datetimes()),
        kind=draw(st.sampled_from(VisitKind)),
        work_group_id=draw(ids(WorkGroupId)) if by != "leaders" else None,
        leader_ids=draw(_id_tuples(LeaderId, min_size=1 if by != "group" else 0)),
        department_ids=draw(_id_tuples(DepartmentId)),
        enterprise_id=draw(ids(EnterpriseId)) if target != "project" else None,
        project_id=draw(ids(ProjectId)) if target != "enterprise" else None,
        notes=draw(free_texts()),
    )


# ---- problems (jinjiecu.domain.problem) ----

# Deadlines are kept at least this far before the calendar's last covered day, so
# that resuming, checking for overdue and so on never step outside its data.
_DEADLINE_MARGIN = dt.timedelta(days=30)
# Moments in a generated history stay at least this far before the last covered day.
_MOMENT_MARGIN = dt.timedelta(days=92)
# A generated history never reaches further than this past ``max_start``.
_LONGEST_HISTORY = dt.timedelta(days=183)
_MINUTE = dt.timedelta(minutes=1)

_GAPS = st.one_of(
    st.integers(min_value=1, max_value=59).map(lambda n: dt.timedelta(minutes=n)),
    st.integers(min_value=1, max_value=23).map(lambda n: dt.timedelta(hours=n)),
    st.integers(min_value=1, max_value=13).map(lambda n: dt.timedelta(days=n)),
    st.integers(min_value=2, max_value=4).map(lambda n: dt.timedelta(weeks=n)),
)
"""Time between two steps of a history: minutes to weeks, shrinking to one minute."""

_ZONES = st.sampled_from([CHINA_TZ, dt.UTC])
_FINANCE_IDS = st.lists(st.integers(min_value=1, max_value=999), max_size=2, unique=True).map(
    lambda numbers: tuple(f"finance-{n}" for n in numbers)
)
_NOTES = st.just("") | free_texts(60)


_REQUIRED_TEXTS = names(40) | st.builds(str.__add__, names(10), free_texts(40))
"""Non-blank text for required reasons and summaries, mostly a readable name."""
_OPTIONAL_TEXTS = st.just("") | free_texts(60)
# Strategies are built once: building them is much slower than drawing from them.
_TITLES = names()
_DESCRIPTIONS = st.just("") | free_texts()
_ACTOR_NAMES = st.just("") | names(10)
_PROBLEM_IDS = ids(ProblemId)
_LEAD_DEPARTMENTS = ids(DepartmentId)
_CO_DEPARTMENTS = _id_tuples(DepartmentId, max_size=3)
_LEADERS = _id_tuples(LeaderId, max_size=3)


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    """Actors of any kind, with readable ids such as ``clerk-3``; they shrink to a leader."""
    kind = draw(st.sampled_from(ActorKind))
    number = draw(st.integers(min_value=1, max_value=999))
    return Actor(
        kind=kind,
        id=f"{kind.value.replace('_', '-')}-{number}",
        name=draw(_ACTOR_NAMES),
    )


_ACTORS = actors()


def _fixed_or(value: IdT | None, id_cls: type[IdT]) -> st.SearchStrategy[IdT | None]:
    return st.just(value) if value is not None else st.none() | ids(id_cls)


_RAISERS = st.sampled_from(["enterprise", "project", "both"])
_REGIONS = ids(RegionId)
_ENTERPRISES = ids(EnterpriseId)
_PROJECTS = ids(ProjectId)
_VISITS = st.none() | ids(VisitId)


@st.composite
def _register_details(
    draw: st.DrawFn,
    categories: st.SearchStrategy[str],
    regions: st.SearchStrategy[RegionId],
    campaigns: st.SearchStrategy[CampaignId | None],
    work_groups: st.SearchStrategy[WorkGroupId | None],
) -> Register:
    raised_by = draw(_RAISERS)
    return Register(
        title=draw(_TITLES),
        category=draw(categories),
        region_id=draw(regions),
        description=draw(_DESCRIPTIONS),
        enterprise_id=draw(_ENTERPRISES) if raised_by != "project" else None,
        project_id=draw(_PROJECTS) if raised_by != "enterprise" else None,
        visit_id=draw(_VISITS),
        campaign_id=draw(campaigns),
        work_group_id=draw(work_groups),
        scope=draw(st.sampled_from(Scope)),
        level=draw(st.sampled_from(HandlingLevel)),
    )


def register_details(
    taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    region_id: RegionId | None = None,
    campaign_id: CampaignId | None = None,
    work_group_id: WorkGroupId | None = None,
) -> st.SearchStrategy[Register]:
    """Registration data (登记) for a problem of a category in ``taxonomy``.

    The problem was raised by an enterprise, a project or both, at any handling
    level. ``region_id`` fixes the region (else a random one); ``campaign_id``
    and ``work_group_id`` fix the campaign and work group (else none or a
    random one).
    """
    return _register_details(
        categories=st.sampled_from([category.code for category in taxonomy]),
        regions=st.just(region_id) if region_id is not None else _REGIONS,
        campaigns=_fixed_or(campaign_id, CampaignId),
        work_groups=_fixed_or(work_group_id, WorkGroupId),
    )


def _deadline_ceiling(calendar: WorkingCalendar) -> dt.date:
    """The latest deadline (effective deadline, while suspended) a drawn event may produce."""
    return calendar.last_day - _DEADLINE_MARGIN


def _departments(draw: st.DrawFn) -> tuple[DepartmentId, tuple[DepartmentId, ...]]:
    lead = draw(_LEAD_DEPARTMENTS)
    co = draw(_CO_DEPARTMENTS)
    return lead, tuple(department for department in co if department != lead)


def _assign(draw: st.DrawFn, problem: Problem, day: dt.date, rules: ProblemRules) -> Assign:
    calendar = rules.working_calendar
    ceiling = max(day, _deadline_ceiling(calendar))
    lead, co = _departments(draw)
    how = draw(st.sampled_from(["rules", "working_days", "deadline"]))
    if how == "rules":
        days = rules.deadlines.working_days(problem.category, problem.level, rules.taxonomy)
        if calendar.working_days_between(day, ceiling) >= days:
            return Assign(lead_department_id=lead, co_department_ids=co)
        how = "working_days"  # the office's limit would run past the calendar's data
    if how == "working_days":
        room = max(1, calendar.working_days_between(day, ceiling))
        days = draw(st.integers(min_value=1, max_value=min(30, room)))
        return Assign(lead_department_id=lead, co_department_ids=co, working_days=days)
    latest = min(60, (ceiling - day).days)
    deadline = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=latest)))
    return Assign(lead_department_id=lead, co_department_ids=co, deadline=deadline)


def _extension_room(problem: Problem, day: dt.date, rules: ProblemRules) -> int:
    """How many working days an extension on ``day`` may add and stay under the ceiling.

    An extension counts from the current deadline, or from ``day`` for a
    problem without one (its first deadline); while suspended, the effective
    deadline is further on by the working days paused so far.
    """
    calendar = rules.working_calendar
    since = problem.suspended_on
    paused = 0 if since is None else max(0, calendar.working_days_between(since, day))
    base = problem.deadline if problem.deadline is not None else day
    return calendar.working_days_between(base, _deadline_ceiling(calendar)) - paused


def _extend(draw: st.DrawFn, problem: Problem, day: dt.date, rules: ProblemRules) -> ExtendDeadline:
    calendar = rules.working_calendar
    approval = draw(_REQUIRED_TEXTS)
    room = _extension_room(problem, day, rules)
    days = draw(st.integers(min_value=1, max_value=max(1, min(20, room))))
    if draw(st.booleans()):
        return ExtendDeadline(approval=approval, working_days=days)
    # A date after the current deadline (on or after the day, for a first
    # deadline), and up to ``days`` working days after it.
    current = problem.deadline
    first = day if current is None else current + dt.timedelta(days=1)
    furthest = calendar.add_working_days(day if current is None else current, days)
    later = draw(st.integers(min_value=0, max_value=(furthest - first).days))
    return ExtendDeadline(approval=approval, new_deadline=first + dt.timedelta(days=later))


def _escalate(draw: st.DrawFn, problem: Problem) -> Escalate:
    above = [level for level in HandlingLevel if level.rank > problem.level.rank]
    return Escalate(
        to_level=draw(st.none() | st.sampled_from(above)) if above else None,
        consultation=draw(st.sampled_from(ConsultationKind)),
        summary=draw(_OPTIONAL_TEXTS),
        department_ids=draw(_CO_DEPARTMENTS),
        leader_ids=draw(_LEADERS),
    )


def _follow_ups(
    satisfactions: tuple[Satisfaction, ...] = tuple(Satisfaction),
) -> st.SearchStrategy[FollowUp]:
    return st.builds(
        FollowUp,
        outcome=st.sampled_from(FollowUpOutcome),
        satisfaction=st.sampled_from(satisfactions),
        method=st.sampled_from(FollowUpMethod),
        comment=_OPTIONAL_TEXTS,
    )


_PLAIN: dict[Event, st.SearchStrategy[EventData]] = {
    Event.START: st.just(Start()),
    Event.SUSPEND: st.builds(Suspend, reason=_REQUIRED_TEXTS),
    Event.RESUME: st.just(Resume()),
    Event.RESOLVE: st.builds(Resolve, summary=_REQUIRED_TEXTS, finance_record_ids=_FINANCE_IDS),
    Event.EXPLAIN: st.builds(Explain, explanation=_REQUIRED_TEXTS, accepted=st.booleans()),
    Event.FOLLOW_UP: _follow_ups(),
    Event.CLOSE: st.just(Close()),
    Event.REOPEN: st.builds(Reopen, reason=_REQUIRED_TEXTS),
    Event.REJECT: st.builds(Reject, reason=_REQUIRED_TEXTS),
    Event.WITHDRAW: st.builds(Withdraw, reason=_OPTIONAL_TEXTS),
}
"""Data for the events whose data does not depend on the problem."""

_SATISFIED_FOLLOW_UPS = _follow_ups((Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED))
_DISSATISFIED_FOLLOW_UPS = _follow_ups((Satisfaction.DISSATISFIED,))


@st.composite
def _event_data(
    draw: st.DrawFn, problem: Problem, event: Event, at: dt.datetime, rules: ProblemRules
) -> EventData:
    if event in _PLAIN:
        return draw(_PLAIN[event])
    day = local_date(at)
    match event:
        case Event.ASSIGN:
            return _assign(draw, problem, day, rules)
        case Event.REASSIGN:
            lead, co = _departments(draw)
            return Reassign(lead_department_id=lead, co_department_ids=co)
        case Event.ESCALATE:
            return _escalate(draw, problem)
        case Event.EXTEND_DEADLINE:
            return _extend(draw, problem, day, rules)
        case Event.MERGE_INTO:
            other = draw(_PROBLEM_IDS)
            if other == problem.id:  # a filter would often give up on the shrunk ids
                other = ProblemId(f"{other}-original")
            return MergeInto(duplicate_of=other)
        case Event.RECOUNT_DEADLINE:
            # Well formed, and always refused by apply: the store records recounts itself.
            previous = problem.deadline or day
            shift = draw(st.integers(min_value=1, max_value=10))
            return RecountDeadline(
                previous_deadline=previous,
                new_deadline=previous + dt.timedelta(days=shift),
                reason=draw(_REQUIRED_TEXTS),
            )
        case _:  # Event.REGISTER: refused by event_data() before drawing
            msg = "register is not applied to a problem; draw register_details() instead"
            raise InvalidArgument(msg)


def event_data(
    problem: Problem,
    event: Event | None = None,
    *,
    at: dt.datetime | None = None,
    rules: ProblemRules = DEFAULT_RULES,
) -> st.SearchStrategy[EventData]:
    """Data for ``event`` that ``problem.apply(data, at=at, rules=rules)`` accepts.

    ``event`` defaults to any of :func:`~jinjiecu.domain.problem.allowed_events`
    (``InvalidArgument`` if there is none); ``at`` defaults to the moment of the
    problem's last transition, and the data stays valid for any later moment on
    the same day. The data varies what the event allows: an assignment with a
    deadline, a number of working days or the rules' limit; an escalation to
    the next level or any higher one; an extension by date or by working days
    (the first deadline, for a problem settled on the spot and reopened);
    follow-ups with any outcome and satisfaction; a merge into another id.
    Deadlines stay at least 30 days before the calendar's last covered day.

    An event that is not allowed now still gets well-formed data (a test can
    check that it is refused), and so does ``recount_deadline``, which the
    store records and ``apply`` always refuses; ``register`` raises
    ``InvalidArgument`` (use :func:`register_details`).
    """
    if event is Event.REGISTER:
        msg = "register is not applied to a problem; draw register_details() instead"
        raise InvalidArgument(msg)
    moment = problem.transitions[-1].at if at is None else at
    if event is not None:
        return _event_data(problem, event, moment, rules)
    allowed = allowed_events(problem)
    if not allowed:
        msg = f"no event is allowed for a problem in state {problem.state.value}"
        raise InvalidArgument(msg)
    return st.sampled_from(allowed).flatmap(
        lambda chosen: _event_data(problem, chosen, moment, rules)
    )


def _state_graph() -> dict[ProblemState, dict[Event, ProblemState]]:
    """For each state, the events that leave it and where they lead (guards aside)."""
    return {
        state: {
            event: target_of(event, state)
            for event in events_from(state)
            if target_of(event, state) is not state
        }
        for state in ProblemState
    }


_GRAPH = _state_graph()


def _reaching(target: ProblemState) -> frozenset[ProblemState]:
    """The states from which ``target`` can be reached (``target`` included)."""
    found = {target}
    grew = True
    while grew:
        grew = False
        for state, moves in _GRAPH.items():
            if state not in found and found.intersection(moves.values()):
                found.add(state)
                grew = True
    return frozenset(found)


_REACHING = {state: _reaching(state) for state in ProblemState}


def _path(source: ProblemState, target: ProblemState) -> list[Event]:
    """A shortest list of state-changing events from ``source`` to ``target`` (guards aside)."""
    paths: dict[ProblemState, list[Event]] = {source: []}
    frontier = [source]
    while frontier and target not in paths:
        following = []
        for state in frontier:
            for event, reached in _GRAPH[state].items():
                if reached not in paths:
                    paths[reached] = [*paths[state], event]
                    following.append(reached)
        frontier = following
    return paths[target]


@attrs.frozen
class _Limits:
    """What a generated history is built under, and what keeps it inside the calendar's data."""

    rules: ProblemRules
    latest: dt.datetime  # no moment after this
    cast: st.SearchStrategy[Actor]  # the few people who act on this problem

    def latest_moment(self, problem: Problem) -> dt.datetime:
        """The latest moment for the next step.

        While suspended, the effective deadline grows with every working day;
        it must stay under the ceiling for the problem to be resumed.
        """
        if problem.state is not ProblemState.SUSPENDED or problem.deadline is None:
            return self.latest
        calendar = self.rules.working_calendar
        since = problem.suspended_on
        if since is None:  # pragma: no cover - a suspended problem has a suspend step
            return self.latest
        room = max(0, calendar.working_days_between(problem.deadline, _deadline_ceiling(calendar)))
        if calendar.working_days_between(since, local_date(self.latest)) <= room:
            return self.latest
        last_day = calendar.add_working_days(since, room + 1) - dt.timedelta(days=1)
        return min(self.latest, _end_of_day(last_day))


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=CHINA_TZ)


def _next_moment(draw: st.DrawFn, problem: Problem, limits: _Limits) -> dt.datetime:
    last = problem.transitions[-1].at
    moment = last + draw(_GAPS)
    latest = limits.latest_moment(problem)
    if moment > latest:
        moment = max(latest, last + _MINUTE)
    return moment.astimezone(draw(_ZONES))


def _apply(
    draw: st.DrawFn,
    problem: Problem,
    event: Event,
    limits: _Limits,
    *,
    moment: dt.datetime | None = None,
    data: EventData | None = None,
) -> Problem:
    if moment is None:
        moment = _next_moment(draw, problem, limits)
    if data is None:
        data = draw(_event_data(problem, event, moment, limits.rules))
    return problem.apply(
        data, at=moment, actor=draw(limits.cast), note=draw(_NOTES), rules=limits.rules
    )


def _fits(problem: Problem, event: Event, moment: dt.datetime, limits: _Limits) -> bool:
    """Whether a random walk may take ``event`` at ``moment`` and stay inside the calendar."""
    if event is not Event.EXTEND_DEADLINE:
        return True
    return _extension_room(problem, local_date(moment), limits.rules) >= 1


def _walk_to(draw: st.DrawFn, problem: Problem, target: ProblemState, limits: _Limits) -> Problem:
    """Take a shortest path to ``target``, with the follow-ups its guards need."""
    for event in _path(problem.state, target):
        if event not in allowed_events(problem) and event in (Event.CLOSE, Event.REOPEN):
            needed = _DISSATISFIED_FOLLOW_UPS if event is Event.REOPEN else _SATISFIED_FOLLOW_UPS
            follow_up = draw(needed)
            problem = _apply(draw, problem, Event.FOLLOW_UP, limits, data=follow_up)
        problem = _apply(draw, problem, event, limits)
    return problem


@st.composite
def _problems(
    draw: st.DrawFn,
    *,
    state: ProblemState | None,
    min_start: dt.date,
    max_start: dt.date,
    max_steps: int,
    rules: ProblemRules,
    details: st.SearchStrategy[Register],
) -> Problem:
    calendar = rules.working_calendar
    latest = min(max_start + _LONGEST_HISTORY, calendar.last_day - _MOMENT_MARGIN)
    cast = draw(st.lists(_ACTORS, min_size=1, max_size=3))
    limits = _Limits(rules=rules, latest=_end_of_day(latest), cast=st.sampled_from(cast))
    day = draw(st.dates(min_value=min_start, max_value=max_start))
    start = dt.datetime.combine(
        day,
        dt.time(draw(st.integers(min_value=0, max_value=23)), draw(st.integers(0, 59))),
        tzinfo=CHINA_TZ,
    )
    problem = Problem.register(
        draw(details),
        at=start.astimezone(draw(_ZONES)),
        actor=cast[0],
        id=draw(_PROBLEM_IDS),
        note=draw(_NOTES),
        rules=rules,
    )
    # Without a state, a pure random walk mostly ends early (rejected, withdrawn,
    # merged); aiming at a random state half the time makes longer histories.
    target = state if state is not None else draw(st.none() | st.sampled_from(ProblemState))
    reachable = _REACHING[target] if target is not None else frozenset(ProblemState)
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        moment = _next_moment(draw, problem, limits)
        choices = [
            event
            for event in allowed_events(problem)
            if target_of(event, problem.state) in reachable
            and _fits(problem, event, moment, limits)
        ]
        if not choices:
            break
        event = draw(st.sampled_from(choices))
        problem = _apply(draw, problem, event, limits, moment=moment)
    return problem if target is None else _walk_to(draw, problem, target, limits)


def problems(
    state: ProblemState | None = None,
    *,
    min_start: dt.date = dt.date(2019, 1, 1),
    max_start: dt.date = dt.date(2026, 6, 30),
    max_steps: int = 10,
    rules: ProblemRules = DEFAULT_RULES,
    region_id: RegionId | None = None,
    campaign_id: CampaignId | None = None,
    work_group_id: WorkGroupId | None = None,
) -> st.SearchStrategy[Problem]:
    """Problems with a consistent history, built only through the public API.

    Each one is registered on a day from ``min_start`` to ``max_start`` and
    then walks at random through up to ``max_steps`` allowed events, each
    minutes to weeks after the one before (times strictly increase; some are
    given in UTC, most in China Standard Time). With a ``state``, the walk
    only passes through states from which ``state`` can still be reached,
    then takes a shortest path there (a few more steps), adding the follow-up
    (回访) that closing or reopening needs: the problem ends in exactly that
    state. Without one, it ends wherever the walk leads. Histories shrink
    towards a bare registration, or the shortest path to ``state``.

    The history stays inside the calendar's data: moments go no further than
    183 days after ``max_start``, nor than 92 days before the calendar's last
    covered day (``max_start`` may be no later than that); past that bound,
    steps come a minute apart. No deadline (effective deadline, while
    suspended) comes within 30 days of the last covered day. ``rules`` are
    used for every step (their taxonomy gives the categories);
    ``region_id``, ``campaign_id`` and ``work_group_id`` are as for
    :func:`register_details`. Raises ``InvalidArgument`` for bounds outside
    the calendar's data or a negative ``max_steps``.
    """
    calendar = rules.working_calendar
    if not calendar.first_day <= min_start <= max_start <= calendar.last_day - _MOMENT_MARGIN:
        msg = (
            f"need {calendar.first_day} <= min_start <= max_start <= "
            f"{calendar.last_day - _MOMENT_MARGIN}, got {min_start} and {max_start}"
        )
        raise InvalidArgument(msg)
    if max_steps < 0:
        msg = f"max_steps must be at least 0, not {max_steps}"
        raise InvalidArgument(msg)
    details = register_details(
        rules.taxonomy,
        region_id=region_id,
        campaign_id=campaign_id,
        work_group_id=work_group_id,
    )
    return _problems(
        state=state,
        min_start=min_start,
        max_start=max_start,
        max_steps=max_steps,
        rules=rules,
        details=details,
    )


# ---- finance records and guarantee networks (jinjiecu.domain.finance, .guarantees) ----

_FIRST_DAY = dt.date(2019, 1, 1)
_LAST_DAY = dt.date(2020, 12, 31)
_LARGEST_AMOUNT = 10**9  # 10亿元: larger than any one guarantee an office meets
_BANKS = ("中国银行", "中国工商银行", "中国农业银行", "中国建设银行", "德州银行", "武城农商银行")
_LENDERS = st.just("") | st.sampled_from(_BANKS)
_CONTRACTS = st.just("") | st.integers(min_value=1, max_value=999).map("担保合同第{:03d}号".format)


def _enterprise_pool(count: int) -> tuple[EnterpriseId, ...]:
    return tuple(EnterpriseId(f"e-{n}") for n in range(1, count + 1))


@attrs.frozen
class _LinkParts:
    """The strategies a link is drawn from, built once per pool rather than per link."""

    enterprise_ids: tuple[EnterpriseId, ...]
    # (guarantor index, step to the borrower): never the guarantor itself
    pairs: st.SearchStrategy[tuple[int, int]]
    days: st.SearchStrategy[dt.date]
    ends: st.SearchStrategy[dt.date | None]
    amounts: st.SearchStrategy[Money]


def _link_parts(
    enterprise_ids: tuple[EnterpriseId, ...],
    first_day: dt.date,
    last_day: dt.date,
    max_amount: int | Decimal,
) -> _LinkParts:
    if first_day > last_day:
        msg = f"first_day {first_day} is after last_day {last_day}"
        raise InvalidArgument(msg)
    count = len(enterprise_ids)
    days = st.dates(min_value=first_day, max_value=last_day)
    return _LinkParts(
        enterprise_ids=enterprise_ids,
        pairs=st.tuples(st.integers(0, count - 1), st.integers(1, count - 1)),
        days=days,
        ends=st.none() | days,
        amounts=money(min_value=0, max_value=max_amount, allow_approximate=False),
    )


@st.composite
def _links(
    draw: st.DrawFn, link_ids: st.SearchStrategy[GuaranteeLinkId], parts: _LinkParts
) -> GuaranteeLink:
    guarantor, step = draw(parts.pairs)
    start, end = draw(parts.days), draw(parts.ends)
    if end is not None and end < start:
        start, end = end, start
    pool = parts.enterprise_ids
    return GuaranteeLink(
        id=draw(link_ids),
        guarantor_id=pool[guarantor],
        borrower_id=pool[(guarantor + step) % len(pool)],
        amount=draw(parts.amounts),
        start=start,
        end=end,
        lender=draw(_LENDERS),
        contract=draw(_CONTRACTS),
    )


def guarantee_links(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
    *,
    link_ids: st.SearchStrategy[GuaranteeLinkId] | None = None,
    first_day: dt.date = _FIRST_DAY,
    last_day: dt.date = _LAST_DAY,
    max_amount: int | Decimal = _LARGEST_AMOUNT,
) -> st.SearchStrategy[GuaranteeLink]:
    """Valid guarantee links between two different enterprises of ``enterprise_ids``.

    ``enterprise_ids`` defaults to ``e-1`` to ``e-6`` and needs two distinct
    ids at least. Ids come from ``link_ids`` (default ``g-1`` ...
    ``g-999999``). Links run from ``first_day`` to ``last_day`` at the latest;
    some have no end. Amounts are exact, from 0 to ``max_amount`` yuan.
    """
    pool = _enterprise_pool(6) if enterprise_ids is None else tuple(dict.fromkeys(enterprise_ids))
    if len(pool) < 2:  # a guarantor and a borrower
        msg = f"enterprise_ids needs two distinct enterprises at least, not {enterprise_ids!r}"
        raise InvalidArgument(msg)
    return _links(
        ids(GuaranteeLinkId, "g") if link_ids is None else link_ids,
        _link_parts(pool, first_day, last_day, max_amount),
    )


@st.composite
def _networks(
    draw: st.DrawFn, parts_by_size: dict[int, _LinkParts], max_links: int
) -> GuaranteeNetwork:
    parts = parts_by_size[draw(st.sampled_from(sorted(parts_by_size)))]
    # Ids are given by position afterwards, so they shrink with the list.
    drawn = draw(st.lists(_links(st.just(GuaranteeLinkId("g-0")), parts), max_size=max_links))
    return GuaranteeNetwork(
        attrs.evolve(link, id=GuaranteeLinkId(f"g-{n}")) for n, link in enumerate(drawn, start=1)
    )


def guarantee_networks(
    max_enterprises: int = 6,
    max_links: int = 12,
    *,
    first_day: dt.date = _FIRST_DAY,
    last_day: dt.date = _LAST_DAY,
    max_amount: int | Decimal = _LARGEST_AMOUNT,
) -> st.SearchStrategy[GuaranteeNetwork]:
    """Small guarantee networks: up to ``max_links`` links among ``max_enterprises`` enterprises.

    Enterprises are ``e-1``, ``e-2`` ... (two at least); links are ``g-1``,
    ``g-2`` ... in the order drawn. The same guarantor and borrower may be
    joined by several links (parallel loans), so mutual pairs, cycles and
    chains all turn up. Networks shrink towards fewer links, fewer
    enterprises and lower ids. Dates and amounts are as for
    :func:`guarantee_links`.
    """
    if max_enterprises < 2:  # a guarantor and a borrower
        msg = f"max_enterprises must be at least 2, not {max_enterprises!r}"
        raise InvalidArgument(msg)
    if max_links < 0:
        msg = f"max_links must not be negative, not {max_links!r}"
        raise InvalidArgument(msg)
    parts_by_size = {
        size: _link_parts(_enterprise_pool(size), first_day, last_day, max_amount)
        for size in range(2, max_enterprises + 1)
    }
    return _networks(parts_by_size, max_links)


# ==================================================================== finance records

_FIRST_RECORD_DAY = dt.date(2019, 1, 1)
_LAST_RECORD_DAY = dt.date(2026, 12, 31)
_RECORD_DAYS = st.dates(min_value=_FIRST_RECORD_DAY, max_value=_LAST_RECORD_DAY)
_ONE_FEN = Decimal("0.01")

# Strategies are built once, here or in the public functions, never per draw.
# Readable values come first, so examples shrink to them; arbitrary valid names after.
_CREDITORS = st.sampled_from(_BANKS) | names()
_LINKED_PROBLEM_IDS = st.lists(ids(ProblemId), max_size=3, unique=True).map(tuple)
_FINANCE_NOTES = free_texts(60)
_ASSET_NAMES = st.sampled_from(("1号车间", "2号车间", "冷库", "老厂区土地", "生产线设备")) | names()
_BUYERS = st.just("") | st.sampled_from(("本地实业公司", "本地纺织公司")) | names()
_BRANCHES = st.just("") | st.sampled_from(("武城支行", "禹城支行", "德城支行")) | names()
_OPERATORS = st.sampled_from(("县级财金公司", "地方金融监督管理局")) | names()
_FUND_NAMES = st.sampled_from(("三航计划过桥资金", "应急转贷资金")) | names()
_WHITELIST_NAMES = st.sampled_from(("禹城市优质小微企业名单库", "优质小微企业名单库")) | names()
_SOURCES = {
    FinancingSource.BANK_LOAN: st.sampled_from(_BANKS) | names(),
    FinancingSource.PLATFORM: st.sampled_from(("市级投融资平台", "县级投融资平台")) | names(),
    FinancingSource.PRIVATE_ENTERPRISE: st.just("本地民营企业") | names(),
    FinancingSource.GOVERNMENT_FUND: st.just("县级应急周转资金") | names(),
    FinancingSource.OTHER: st.just("其他来源") | names(),
}
_CRITERIA = (
    Criterion(code="tax-a", description="纳税信用A级"),
    Criterion(code="no-default", description="近两年无不良信用记录"),
    Criterion(code="growth", description="营业收入稳定增长"),
    Criterion(code="jobs", description="稳定就业"),
)
_REMOVAL_REASONS = ("不再符合入库条件", "出现逾期贷款", "企业申请退出")
_ADD_REASONS = ("", "定期筛选入库", "县市区推荐")

# Amounts from 0元 (a lower bound now and then), and exact ones from 1元.
_AMOUNTS = money(min_value=0, max_value=_LARGEST_AMOUNT)
_PRINCIPALS = money(min_value=1, max_value=_LARGEST_AMOUNT, allow_approximate=False)


def _enterprise_choices(
    enterprise_ids: Sequence[EnterpriseId] | None, *, default: int = 6
) -> tuple[EnterpriseId, ...]:
    """The enterprises records are drawn for: ``e-1`` ... by default, else those given."""
    pool = (
        _enterprise_pool(default)
        if enterprise_ids is None
        else tuple(dict.fromkeys(enterprise_ids))
    )
    if not pool:
        msg = f"enterprise_ids needs one enterprise at least, not {enterprise_ids!r}"
        raise InvalidArgument(msg)
    return pool


def _bank_choices(banks: Sequence[str] | None) -> tuple[str, ...]:
    chosen = _BANKS if banks is None else tuple(dict.fromkeys(banks))
    if not chosen:
        msg = f"banks needs one bank at least, not {banks!r}"
        raise InvalidArgument(msg)
    return chosen


def _not_negative(name: str, value: int) -> None:
    if value < 0:
        msg = f"{name} must not be negative, not {value!r}"
        raise InvalidArgument(msg)


_PERCENTS = st.integers(min_value=0, max_value=100)


def _share(amount: Decimal, percent: int) -> Decimal:
    """``percent`` percent of ``amount``, rounded down to the fen (never more than ``amount``)."""
    numerator, denominator = amount.as_integer_ratio()  # exact in any decimal context
    return Decimal(numerator * percent // denominator).scaleb(-2)


def _later(day: dt.date, days: int) -> dt.date:
    """``days`` after ``day``, but never after the last record day."""
    return min(day + dt.timedelta(days=days), _LAST_RECORD_DAY)


# -------------------------------------------------------------------- debt resolution

_DEBT_IDS = ids(DebtResolutionId, "debt")


@st.composite
def _debt_resolutions(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId]
) -> DebtResolution:
    before = draw(_AMOUNTS)
    after = Money(amount=_share(before.amount, draw(_PERCENTS)))  # shrinks to 0: all resolved
    return DebtResolution(
        id=draw(_DEBT_IDS),
        enterprise_id=draw(enterprises),
        creditors=draw(st.lists(_CREDITORS, min_size=1, max_size=3, unique=True)),
        debt_before=before,
        debt_after=after,
        method=draw(st.sampled_from(DebtResolutionMethod)),
        resolved_on=draw(_RECORD_DAYS),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def debt_resolutions(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[DebtResolution]:
    """Debt resolutions (债务化解) for one of ``enterprise_ids`` (default ``e-1`` to ``e-6``).

    ``debt_before`` is sometimes a lower bound ("8000多万元"); ``debt_after`` is
    exact and never more than it, down to 0元 (the whole debt resolved) and up
    to all of it (nothing resolved).
    """
    return _debt_resolutions(st.sampled_from(_enterprise_choices(enterprise_ids)))


# -------------------------------------------------------------------- asset disposal

_DISPOSAL_IDS = ids(AssetDisposalId, "disposal")
_ASSETS = st.lists(
    st.builds(
        Asset, kind=st.sampled_from(AssetKind), description=_ASSET_NAMES, book_value=_AMOUNTS
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def _asset_disposals(
    draw: st.DrawFn, buyers: dict[EnterpriseId, st.SearchStrategy[EnterpriseId | None]]
) -> AssetDisposal:
    seller = draw(st.sampled_from(tuple(buyers)))
    return AssetDisposal(
        id=draw(_DISPOSAL_IDS),
        enterprise_id=seller,
        assets=draw(_ASSETS),
        method=draw(st.sampled_from(DisposalMethod)),
        disposed_on=draw(_RECORD_DAYS),
        disposal_value=draw(st.none() | _AMOUNTS),
        buyer=draw(_BUYERS),
        buyer_id=draw(buyers[seller]),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def asset_disposals(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[AssetDisposal]:
    """Disposals of one to four idle assets (盘活 / 处置闲置资产) of one of ``enterprise_ids``.

    Book values may be lower bounds; the sale price (``disposal_value``) is
    ``None`` for assets revitalised without a sale. A buyer enterprise, when
    there is one, is another of ``enterprise_ids`` (default ``e-1`` to ``e-6``).
    """
    pool = _enterprise_choices(enterprise_ids)
    buyers: dict[EnterpriseId, st.SearchStrategy[EnterpriseId | None]] = {}
    for seller in pool:
        others = [enterprise for enterprise in pool if enterprise != seller]
        buyers[seller] = st.none() | st.sampled_from(others) if others else st.none()
    return _asset_disposals(buyers)


# -------------------------------------------------------------------- creditor committee

_COMMITTEE_IDS = ids(CreditorCommitteeId, "committee")
_MEETING_GAPS = st.integers(min_value=0, max_value=90)  # days between two meetings


@st.composite
def _creditor_committees(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId], max_meetings: int
) -> CreditorCommittee:
    established = draw(_RECORD_DAYS)
    meetings: list[CommitteeMeeting] = []
    day = established
    for gap in draw(st.lists(_MEETING_GAPS, max_size=max_meetings)):
        day = _later(day, gap)
        outcome = draw(st.sampled_from(CommitteeOutcome))
        meetings.append(
            CommitteeMeeting(held_on=day, outcome=outcome, summary=draw(_FINANCE_NOTES))
        )
    return CreditorCommittee(
        id=draw(_COMMITTEE_IDS),
        enterprise_id=draw(enterprises),
        members=draw(st.lists(_CREDITORS, min_size=1, max_size=4, unique=True)),
        established_on=established,
        meetings=meetings,
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def creditor_committees(
    max_meetings: int = 6, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[CreditorCommittee]:
    """Creditor committees (债委会) of one to four banks with up to ``max_meetings`` meetings.

    Meetings are in date order, 0 to 90 days apart, the first on or after the
    day the committee was set up (several may fall on one day). The
    enterprise is one of ``enterprise_ids`` (default ``e-1`` to ``e-6``).
    """
    _not_negative("max_meetings", max_meetings)
    enterprises = st.sampled_from(_enterprise_choices(enterprise_ids))
    return _creditor_committees(enterprises, max_meetings)


# -------------------------------------------------------------------- loans and renewals

_RENEWAL_IDS = ids(LoanRenewalId, "renewal")
_LOAN_TERMS = st.integers(min_value=1, max_value=3 * 366)  # days from start to maturity
_RENEWAL_LEADS = st.integers(min_value=0, max_value=90)  # days from renewal to maturity
_CONTRACT_NUMBERS = st.integers(min_value=1, max_value=9999).map("借字第{:04d}号".format)
# Annual rates in whole hundredths of a percent, 0.00 to 36.00.
_RATES = st.integers(min_value=0, max_value=3600).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def _loans(draw: st.DrawFn) -> Loan:
    maturity = draw(_RECORD_DAYS)
    start: dt.date | None = None
    if draw(st.booleans()):
        start = max(maturity - dt.timedelta(days=draw(_LOAN_TERMS)), _FIRST_RECORD_DAY)
        if start == maturity:  # matures on the first record day: no room for a start
            start = None
    return Loan(
        contract=draw(_CONTRACT_NUMBERS),
        amount=draw(_PRINCIPALS),
        maturity=maturity,
        start=start,
    )


def loans() -> st.SearchStrategy[Loan]:
    """Loan contracts (``借字第0001号`` ...) with an exact principal of at least 1元.

    Some have a start date, up to about three years before the maturity.
    """
    return _loans()


@st.composite
def _loan_renewals(
    draw: st.DrawFn,
    enterprises: st.SearchStrategy[EnterpriseId],
    banks: st.SearchStrategy[str],
) -> LoanRenewal:
    original = draw(_loans())
    earliest = max(_FIRST_RECORD_DAY, original.start or _FIRST_RECORD_DAY)
    # On the maturity day at the latest, not before the loan started; shrinks to the maturity day.
    renewed_on = max(original.maturity - dt.timedelta(days=draw(_RENEWAL_LEADS)), earliest)
    return LoanRenewal(
        id=draw(_RENEWAL_IDS),
        borrower_id=draw(enterprises),
        bank=draw(banks),
        original=original,
        renewed_on=renewed_on,
        new_amount=draw(_PRINCIPALS),
        term_months=draw(st.integers(min_value=1, max_value=120)),
        annual_rate_percent=draw(_RATES),
        branch=draw(_BRANCHES),
        guarantee_resigned=draw(st.booleans()),
        risk_before=draw(st.sampled_from(RiskClass)),
        risk_after=draw(st.sampled_from(RiskClass)),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def loan_renewals(
    banks: Sequence[str] | None = None, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[LoanRenewal]:
    """Renewals without principal repayment (无还本续贷) by one of ``banks``.

    ``banks`` defaults to six banks of Dezhou; the borrower is one of
    ``enterprise_ids`` (default ``e-1`` to ``e-6``). Each renewal is signed
    on the original loan's maturity day or up to 90 days before it (not before
    the loan started), with an exact new amount, a term of 1 to 120 months and
    an annual rate from 0.00 to 36.00 percent.
    """
    return _loan_renewals(
        st.sampled_from(_enterprise_choices(enterprise_ids)),
        st.sampled_from(_bank_choices(banks)),
    )


# -------------------------------------------------------------------- whitelist

_WHITELIST_IDS = ids(WhitelistId, "whitelist")
_ADD, _REMOVE, _PUSH = "add", "remove", "push"


@attrs.frozen
class _WhitelistStep:
    """One drawn change: which action, how many days later, and the choices it needs."""

    action: str
    gap: int
    pick: int
    criteria: tuple[int, ...]
    reason: int
    banks: tuple[str, ...]
    chosen: tuple[int, ...] | None  # members pushed (None: every member)


def _whitelist_steps(pool_size: int, banks: tuple[str, ...]) -> st.SearchStrategy[_WhitelistStep]:
    indexes = st.integers(min_value=0, max_value=pool_size - 1)
    return st.builds(
        _WhitelistStep,
        action=st.sampled_from((_ADD, _REMOVE, _PUSH)),
        gap=st.integers(min_value=0, max_value=45),
        pick=indexes,
        criteria=st.lists(
            st.integers(min_value=0, max_value=len(_CRITERIA) - 1),
            min_size=1,
            max_size=len(_CRITERIA),
            unique=True,
        ).map(tuple),
        reason=st.integers(min_value=0, max_value=len(_REMOVAL_REASONS) - 1),
        banks=st.lists(st.sampled_from(banks), min_size=1, max_size=3, unique=True).map(tuple),
        chosen=st.none()
        | st.lists(indexes, min_size=1, max_size=pool_size, unique=True).map(tuple),
    )


def _apply_step(
    whitelist: Whitelist, step: _WhitelistStep, day: dt.date, pool: tuple[EnterpriseId, ...]
) -> Whitelist:
    members = whitelist.members(day)
    outside = [enterprise for enterprise in pool if enterprise not in members]
    action = step.action
    # A step that cannot apply (nobody left to add, nobody to remove or push) adds or removes.
    if action == _ADD and not outside:
        action = _REMOVE
    elif action in (_REMOVE, _PUSH) and not members:
        action = _ADD
    if action == _ADD:
        codes = [criterion.code for criterion in whitelist.criteria]
        met = dict.fromkeys(codes[index % len(codes)] for index in step.criteria)
        return whitelist.add(
            outside[step.pick % len(outside)],
            on=day,
            criteria_met=list(met),
            reason=_ADD_REASONS[step.reason % len(_ADD_REASONS)],
        )
    if action == _REMOVE:
        reason = _REMOVAL_REASONS[step.reason]
        return whitelist.remove(members[step.pick % len(members)], on=day, reason=reason)
    chosen = (
        None
        if step.chosen is None
        else sorted({members[index % len(members)] for index in step.chosen})
    )
    return whitelist.push(on=day, banks=step.banks, enterprise_ids=chosen)


@st.composite
def _whitelists(
    draw: st.DrawFn,
    pool: tuple[EnterpriseId, ...],
    steps: st.SearchStrategy[list[_WhitelistStep]],
) -> Whitelist:
    whitelist = Whitelist(
        id=draw(_WHITELIST_IDS),
        name=draw(_WHITELIST_NAMES),
        region_id=draw(ids(RegionId)),
        criteria=draw(
            st.lists(st.sampled_from(_CRITERIA), min_size=1, max_size=len(_CRITERIA), unique=True)
        ),
        operator_id=draw(st.none() | ids(DepartmentId)),
    )
    day = draw(_RECORD_DAYS)
    pushed = False
    for step in draw(steps):
        # A push carries the members at the end of its day: nothing may change later that day.
        gap = max(step.gap, 1) if pushed else step.gap
        if (_LAST_RECORD_DAY - day).days < gap:
            break
        day += dt.timedelta(days=gap)
        whitelist = _apply_step(whitelist, step, day, pool)
        pushed = bool(whitelist.pushes) and whitelist.pushes[-1].on == day
    return whitelist


def whitelists(
    max_events: int = 12,
    *,
    enterprise_ids: Sequence[EnterpriseId] | None = None,
    banks: Sequence[str] | None = None,
) -> st.SearchStrategy[Whitelist]:
    """Whitelists (优质小微企业名单库) with a consistent history of up to ``max_events`` steps.

    Each step adds an enterprise of ``enterprise_ids`` (default ``e-1`` to
    ``e-8``) that is not listed, removes a listed one, or pushes members to
    some of ``banks`` (default six banks of Dezhou), always through
    :meth:`~jinjiecu.domain.finance.Whitelist.add`,
    :meth:`~jinjiecu.domain.finance.Whitelist.remove` and
    :meth:`~jinjiecu.domain.finance.Whitelist.push`. Steps are 0 to 45 days
    apart, so several may fall on one day (an enterprise added and removed
    the same day, say), except that nothing follows a push on its own day.
    Additions meet one or more of the list's criteria.
    """
    _not_negative("max_events", max_events)
    pool = _enterprise_choices(enterprise_ids, default=8)
    steps = st.lists(_whitelist_steps(len(pool), _bank_choices(banks)), max_size=max_events)
    return _whitelists(pool, steps)


# -------------------------------------------------------------------- bridge fund

_FUND_IDS = ids(BridgeFundId, "fund")
_DRAW_GAPS = st.integers(min_value=0, max_value=30)  # days between two draws
# Daily fee rates in steps of 0.00001 (十万分之一), from 0 to 0.01.
_DAILY_RATES = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(f"0.{n:05d}"))
_REFERENCES = st.just("") | st.integers(min_value=1, max_value=999).map("过桥第{:03d}号".format)
_SHARES = st.integers(min_value=1, max_value=100)  # percent of the free balance a draw takes


@st.composite
def _bridge_funds(
    draw: st.DrawFn,
    enterprises: st.SearchStrategy[EnterpriseId],
    gaps: st.SearchStrategy[list[int]],
) -> BridgeFund:
    fund = BridgeFund(
        id=draw(_FUND_IDS),
        name=draw(_FUND_NAMES),
        operator=draw(_OPERATORS),
        pool_size=draw(_PRINCIPALS),
        max_days=draw(st.integers(min_value=1, max_value=90)),
        daily_fee_rate=draw(_DAILY_RATES),
    )
    day = draw(_RECORD_DAYS)
    for gap in draw(gaps):
        if (_LAST_RECORD_DAY - day).days < gap:
            break
        day += dt.timedelta(days=gap)
        # Repay some of what is out first: repaid money frees the pool that very day.
        for index, earlier in enumerate(fund.draws):
            if earlier.repaid_on is None and draw(st.booleans()):
                fund = fund.repay(index, on=day)
        # Draws made and repaid today still took room today: leave it, whichever way
        # the fund counts them.
        room = fund.free_balance(day) - total(
            d.amount for d in fund.draws if d.drawn_on == day and d.repaid_on == day
        )
        # A share of the room, to the fen; shrinks to 1 percent, 100 takes all.
        amount = Money(amount=_share(room.amount, draw(_SHARES)))
        if amount.amount < _ONE_FEN:
            continue
        fund = fund.draw(
            draw(enterprises),
            amount,
            on=day,
            reference=draw(_REFERENCES),
            problem_ids=draw(_LINKED_PROBLEM_IDS),
        )
    return fund


def bridge_funds(
    max_draws: int = 8, *, enterprise_ids: Sequence[EnterpriseId] | None = None
) -> st.SearchStrategy[BridgeFund]:
    """Bridge-fund programmes (过桥资金) with up to ``max_draws`` draws within the pool.

    Draws are made through :meth:`~jinjiecu.domain.finance.BridgeFund.draw`, 0
    to 30 days apart, by enterprises of ``enterprise_ids`` (default ``e-1`` to
    ``e-6``); each takes 1 to 100 percent of the free balance that day. Before
    each draw some outstanding draws are repaid through
    :meth:`~jinjiecu.domain.finance.BridgeFund.repay`, so some draws are
    repaid in time, some late (after ``max_days``, 1 to 90), and some never
    (overdue once ``max_days`` have passed). Daily fee rates run from 0 to
    0.01 in steps of 0.00001.
    """
    _not_negative("max_draws", max_draws)
    enterprises = st.sampled_from(_enterprise_choices(enterprise_ids))
    return _bridge_funds(enterprises, st.lists(_DRAW_GAPS, max_size=max_draws))


# -------------------------------------------------------------------- coordinated financing

_FINANCING_IDS = ids(CoordinatedFinancingId, "financing")


@st.composite
def _coordinated_financings(
    draw: st.DrawFn, enterprises: st.SearchStrategy[EnterpriseId]
) -> CoordinatedFinancing:
    kind = draw(st.sampled_from(FinancingSource))
    return CoordinatedFinancing(
        id=draw(_FINANCING_IDS),
        enterprise_id=draw(enterprises),
        source_kind=kind,
        source_name=draw(_SOURCES[kind]),
        amount=draw(_AMOUNTS),
        arranged_on=draw(_RECORD_DAYS),
        coordinated_by=draw(st.none() | ids(DepartmentId)),
        problem_ids=draw(_LINKED_PROBLEM_IDS),
        note=draw(_FINANCE_NOTES),
    )


def coordinated_financings(
    enterprise_ids: Sequence[EnterpriseId] | None = None,
) -> st.SearchStrategy[CoordinatedFinancing]:
    """Money arranged for one of ``enterprise_ids`` (协调融资), from any kind of source.

    Amounts are sometimes lower bounds ("3000余万元"); sources are named
    after their kind (a bank for a coordinated bank loan, a platform, a
    private firm) or arbitrarily. The default enterprises are ``e-1`` to ``e-6``.
    """
    return _coordinated_financings(st.sampled_from(_enterprise_choices(enterprise_ids)))


# ---- personal data (jinjiecu.domain.personal) ----

_FIRST_TEST_BIRTH = dt.date(1920, 1, 1)
_LAST_TEST_BIRTH = dt.date(2010, 12, 31)
_PERMIT_REGION_CODES = ("810000", "820000", "830000")


def mobile_numbers() -> st.SearchStrategy[MobileNumber]:
    """Valid mainland mobile numbers (13 to 19, then 9 digits); they shrink to ``130****0000``."""
    return st.integers(min_value=13_000_000_000, max_value=19_999_999_999).map(MobileNumber)


_FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


@st.composite
def _mobile_text(draw: st.DrawFn, number: MobileNumber) -> str:
    digits = number.unmasked()
    sep = draw(st.sampled_from(["", " ", "-"]))
    first, second = draw(st.sampled_from([(3, 7), (4, 8)]))
    text = sep.join((digits[:first], digits[first:second], digits[second:]))
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "86", "0086 ", "(+86)"]))
    text = prefix + text
    return text.translate(_FULL_WIDTH) if draw(st.booleans()) else text


@st.composite
def _mobile_texts(draw: st.DrawFn) -> tuple[str, MobileNumber]:
    number = draw(mobile_numbers())
    return draw(_mobile_text(number)), number


def mobile_texts() -> st.SearchStrategy[tuple[str, MobileNumber]]:
    """Pairs of a mobile number as a clerk might type it and the number it means.

    The text is grouped 3-4-4 or 4-4-3 by spaces or dashes (or not), may carry a
    ``+86``, ``86``, ``0086`` or ``(+86)`` prefix, and may be in full-width
    characters.
    """
    return _mobile_texts()


def resident_ids(
    region: DivisionCode | str | None = None,
    *,
    min_birth: dt.date = _FIRST_TEST_BIRTH,
    max_birth: dt.date = _LAST_TEST_BIRTH,
) -> st.SearchStrategy[ResidentId]:
    """Valid resident ID numbers (GB 11643) with the right check character.

    ``region`` fixes positions 1-6 (a GB/T 2260 code); otherwise they are a
    division code of any level or, now and then, a residence permit's
    810000 / 820000 / 830000. Birth dates run from ``min_birth`` to
    ``max_birth``. They shrink to ``110000192001010003``.
    """
    regions = (
        st.just(str(region))
        if region is not None
        else division_codes().map(str) | st.sampled_from(_PERMIT_REGION_CODES)
    )
    births = st.dates(min_value=min_birth, max_value=max_birth).map(lambda d: d.strftime("%Y%m%d"))
    sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
    return st.tuples(regions, births, sequences).map(
        lambda parts: ResidentId("".join(parts) + resident_id_check_character("".join(parts)))
    )


@st.composite
def _resident_id_text(draw: st.DrawFn, number: ResidentId) -> str:
    text = number.unmasked()
    if draw(st.booleans()):
        text = f"{text[:6]} {text[6:14]} {text[14:]}"
    if draw(st.booleans()):
        text = text.lower()
    return text.translate(_FULL_WIDTH) if draw(st.booleans()) else text


def contacts() -> st.SearchStrategy[Contact]:
    """Contacts with a name, a mobile number, and sometimes an ID number and a title."""
    return st.builds(
        Contact,
        name=names(10),
        mobile=mobile_numbers(),
        id_number=st.none() | resident_ids(),
        title=st.none() | names(10),
    )


_PERSONAL_FILLER = st.text(
    st.characters(
        exclude_categories=["Cs"], exclude_characters="\x000123456789０１２３４５６７８９"
    ),
    max_size=20,
)
_PERSONAL_SEPARATORS = st.sampled_from(
    [" ", "，", "：", "、", "；", "\n", "\t", "。", "电话", "手机", "身份证号", "（", "）", "Tel: "]
)


_PERSONAL_NUMBERS: st.SearchStrategy[MobileNumber | ResidentId] = st.one_of(
    mobile_numbers(), resident_ids()
)


@st.composite
def _personal_texts(
    draw: st.DrawFn, max_numbers: int
) -> tuple[str, tuple[MobileNumber | ResidentId, ...]]:
    count = draw(st.integers(min_value=1, max_value=max_numbers))
    parts = [draw(_PERSONAL_FILLER)]
    placed: list[MobileNumber | ResidentId] = []
    for _ in range(count):
        number: MobileNumber | ResidentId = draw(_PERSONAL_NUMBERS)
        if isinstance(number, MobileNumber):
            written = draw(_mobile_text(number))
        else:
            written = draw(_resident_id_text(number))
        parts += [draw(_PERSONAL_SEPARATORS), written, draw(_PERSONAL_SEPARATORS)]
        parts.append(draw(_PERSONAL_FILLER))
        placed.append(number)
    return "".join(parts), tuple(placed)


def personal_texts(
    max_numbers: int = 3,
) -> st.SearchStrategy[tuple[str, tuple[MobileNumber | ResidentId, ...]]]:
    """Free text with mobile numbers and resident ID numbers placed in it, and the numbers placed.

    Numbers are written in the forms clerks type (see :func:`mobile_texts`;
    ID numbers plain, grouped 6-8-4, with a lower-case ``x``, or full-width)
    and stand apart from the text around them, which holds no other digits:
    every one of them is a number :func:`~jinjiecu.domain.personal.mask_text`
    must mask. The text around them is any storable text.
    """
    if max_numbers < 1:
        msg = f"max_numbers must be at least 1, got {max_numbers}"
        raise InvalidArgument(msg)
    return _personal_texts(max_numbers)
