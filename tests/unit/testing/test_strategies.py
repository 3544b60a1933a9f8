"""Every public strategy of ``jinjiecu.testing.strategies`` generates valid values.

A value is valid when it is rebuilt unchanged through the domain's own checks:
each attrs record (and each record inside it) through its constructor
(``attrs.evolve`` runs the converters, validators and cross-field checks
again), each id and code through its class, texts and moments through the
domain's validators. The strategies also shrink towards small, readable
examples, which is what a failing downstream test prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import attrs
import pytest
from hypothesis import Phase, find, given, settings, strategies as st

from jinjiecu.domain import ids
from jinjiecu.domain.calendar import HolidayNotice, china_calendar
from jinjiecu.domain.clock import CHINA_TZ
from jinjiecu.domain.codes import CreditCode, DivisionCode, is_valid_credit_code
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.events import EventData, Register
from jinjiecu.domain.guarantees import GuaranteeNetwork
from jinjiecu.domain.money import Money
from jinjiecu.domain.personal import MobileNumber, ResidentId
from jinjiecu.domain.problem import Actor, ActorKind, Problem, allowed_events
from jinjiecu.domain.validation import an_aware_datetime, check_argument, free_text, name_text
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import ValidationError
from jinjiecu.testing import strategies as js
from jinjiecu.testing._hypothesis_plugin import REGISTRY

if TYPE_CHECKING:
    from attrs import AttrsInstance

ID_TYPES: tuple[type[ids.EntityId], ...] = tuple(
    value
    for value in vars(ids).values()
    if isinstance(value, type) and issubclass(value, ids.EntityId) and value is not ids.EntityId
)
CLERK = Actor(kind=ActorKind.CLERK, id="clerk-1")


def revalidate(value: object) -> None:
    """Rebuild ``value`` and everything in it through the domain's checks; it must not change."""
    record_type = type(value)
    if attrs.has(record_type):
        record = cast("AttrsInstance", value)
        attrs.validate(record)  # the field validators
        # __init__ again: converters, cross-field checks (mypy wants a concrete attrs class).
        rebuilt = attrs.evolve(record)  # type: ignore[misc]
        assert rebuilt == value
        assert type(rebuilt) is record_type
        for field in attrs.fields(record_type):
            if field.init:
                revalidate(getattr(value, field.name))
    elif isinstance(value, ids.EntityId | CreditCode | DivisionCode):
        rebuilt_text = type(value)(str(value))
        assert rebuilt_text == value
        assert type(rebuilt_text) is type(value)
    elif isinstance(value, MobileNumber | ResidentId):
        rebuilt_number = type(value)(value.unmasked())
        assert rebuilt_number == value
        assert type(rebuilt_number) is type(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            revalidate(key)
            revalidate(item)
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            revalidate(item)
    elif isinstance(value, dt.datetime):
        check_argument(an_aware_datetime, "moment", value)
    elif isinstance(value, Decimal):
        assert value.is_finite()


def valid_record(value: object) -> None:
    assert attrs.has(type(value)), f"{value!r} is not an attrs record"
    revalidate(value)


def valid_problem(problem: Problem) -> None:
    valid_record(problem)
    assert Problem.from_history(problem.transitions) == problem


def valid_register(details: Register) -> None:
    valid_record(details)
    at = dt.datetime(2020, 3, 2, 9, 0, tzinfo=CHINA_TZ)
    problem = Problem.register(details, at=at, actor=CLERK, id=ids.ProblemId("problem-1"))
    assert problem.state is ProblemState.REGISTERED


def valid_id(value: ids.EntityId) -> None:
    assert type(value) in ID_TYPES
    revalidate(value)


def valid_credit_code(code: CreditCode) -> None:
    assert is_valid_credit_code(code)
    revalidate(code)


def valid_money_text(pair: tuple[str, Money]) -> None:
    text, money = pair
    revalidate(money)
    parsed = Money.parse(text)
    assert parsed == money
    assert parsed.approximate == money.approximate


def valid_name(text: str) -> None:
    check_argument(name_text(), "name", text)


def valid_free_text(text: str) -> None:
    check_argument(free_text(), "note", text)


def valid_covered_date(day: dt.date) -> None:
    assert type(day) is dt.date
    china_calendar().is_working_day(day)  # raises outside the calendar's data


def valid_working_date(day: dt.date) -> None:
    assert type(day) is dt.date
    assert china_calendar().is_working_day(day)


def valid_moment(moment: dt.datetime) -> None:
    check_argument(an_aware_datetime, "at", moment)


def valid_mobile_text(pair: tuple[str, MobileNumber]) -> None:
    text, number = pair
    revalidate(number)
    assert MobileNumber(text) == number


def valid_personal_text(pair: tuple[str, tuple[MobileNumber | ResidentId, ...]]) -> None:
    text, numbers = pair
    valid_free_text(text)
    assert numbers
    for number in numbers:
        revalidate(number)


@st.composite
def applied_event_data(draw: st.DrawFn) -> tuple[Problem, EventData]:
    """A problem that allows some event, and data drawn by ``event_data`` for it."""
    problem = draw(js.problems().filter(allowed_events))
    return problem, draw(js.event_data(problem))


def valid_event_data(pair: tuple[Problem, EventData]) -> None:
    problem, data = pair
    valid_record(data)
    after = problem.apply(
        data, at=problem.transitions[-1].at + dt.timedelta(minutes=1), actor=CLERK
    )
    valid_problem(after)


def valid_notice(notice: HolidayNotice) -> None:
    valid_record(notice)
    notice.check_statutory()
    assert china_calendar().with_notice(notice).notice_for(notice.year) == notice


# Every public strategy, with its default arguments, and how its values are checked.
CHECKS: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
    "actors": (js.actors(), valid_record),
    "asset_disposals": (js.asset_disposals(), valid_record),
    "aware_datetimes": (js.aware_datetimes(), valid_moment),
    "bridge_funds": (js.bridge_funds(), valid_record),
    "campaign_offices": (js.campaign_offices(), valid_record),
    "campaign_targets": (js.campaign_targets(), valid_record),
    "campaigns": (js.campaigns(), valid_record),
    "contacts": (js.contacts(), valid_record),
    "coordinated_financings": (js.coordinated_financings(), valid_record),
    "covered_dates": (js.covered_dates(), valid_covered_date),
    "credit_codes": (js.credit_codes(), valid_credit_code),
    "creditor_committees": (js.creditor_committees(), valid_record),
    "debt_resolutions": (js.debt_resolutions(), valid_record),
    "departments": (js.departments(), valid_record),
    "division_codes": (js.division_codes(), revalidate),
    "enterprises": (js.enterprises(), valid_record),
    "event_data": (applied_event_data(), valid_event_data),
    "free_texts": (js.free_texts(), valid_free_text),
    "guarantee_links": (js.guarantee_links(), valid_record),
    "guarantee_networks": (js.guarantee_networks(), valid_record),
    "holiday_notices": (js.holiday_notices(), valid_notice),
    "ids": (st.sampled_from(ID_TYPES).flatmap(js.ids), valid_id),
    "leaders": (js.leaders(), valid_record),
    "loan_renewals": (js.loan_renewals(), valid_record),
    "loans": (js.loans(), valid_record),
    "mobile_numbers": (js.mobile_numbers(), revalidate),
    "mobile_texts": (js.mobile_texts(), valid_mobile_text),
    "money": (js.money(), valid_record),
    "money_texts": (js.money_texts(), valid_money_text),
    "names": (js.names(), valid_name),
    "personal_texts": (js.personal_texts(), valid_personal_text),
    "problems": (js.problems(), valid_problem),
    "projects": (js.projects(), valid_record),
    "regions": (js.regions(), valid_record),
    "register_details": (js.register_details(), valid_register),
    "resident_ids": (js.resident_ids(), revalidate),
    "visits": (js.visits(), valid_record),
    "whitelists": (js.whitelists(), valid_record),
    "work_groups": (js.work_groups(), valid_record),
    "working_dates": (js.working_dates(), valid_working_date),
}


def test_every_public_strategy_is_checked() -> None:
    assert sorted(CHECKS) == sorted(js.__all__)


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=max(10, settings().max_examples // 2))
@given(data=st.data())
def test_every_generated_value_validates(name: str, data: st.DataObject) -> None:
    strategy, check = CHECKS[name]
    check(data.draw(strategy, label=name))


def test_the_checks_catch_an_invalid_value_even_deep_inside() -> None:
    # The helper really re-runs the checks: values slipped past them are caught.
    valid = Enterprise(id=ids.EnterpriseId("e-1"), name="德州某公司", region_id=ids.RegionId("r-1"))
    revalidate(valid)
    broken = attrs.evolve(valid)
    object.__setattr__(broken, "name", "two\nlines")
    with pytest.raises(ValidationError, match="name"):
        revalidate(broken)
    registered = Problem.register(
        Register(
            title="厂区道路积水",
            category="infrastructure",
            region_id=ids.RegionId("r-1"),
            enterprise_id=ids.EnterpriseId("e-1"),
        ),
        at=dt.datetime(2020, 3, 2, 9, 0, tzinfo=CHINA_TZ),
        actor=Actor(kind=ActorKind.CLERK, id="clerk-2"),
    )
    object.__setattr__(registered.transitions[0].actor, "id", "")
    with pytest.raises(ValidationError, match="id"):
        revalidate(registered)


# ---------------------------------------------------------------- from_type


def test_the_registry_names_public_strategies_and_covers_every_id_type() -> None:
    assert {name for name, _args in REGISTRY.values()} <= set(js.__all__)
    assert set(ID_TYPES) <= set(REGISTRY)


@pytest.mark.parametrize("registered", list(REGISTRY), ids=lambda t: t.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_draws_valid_values_of_each_registered_type(
    registered: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(registered))
    assert type(value) is registered
    revalidate(value)


def ticket(
    problem: Problem, enterprise_id: ids.EnterpriseId, fee: Money
) -> tuple[Problem, ids.EnterpriseId, Money]:
    """An app's own function that takes jinjiecu values: builds() infers its arguments."""
    return problem, enterprise_id, fee


@settings(max_examples=10)
@given(st.builds(ticket))
def test_builds_infers_the_registered_types_for_an_apps_own_function(
    drawn: tuple[Problem, ids.EnterpriseId, Money],
) -> None:
    assert [type(value) for value in drawn] == [Problem, ids.EnterpriseId, Money]
    revalidate(drawn)


# ---------------------------------------------------------------- shrinking

# No database (every search starts afresh) and no explain phase (slow, and nothing fails).
MINIMAL = settings(
    database=None, max_examples=1000, phases=[p for p in Phase if p is not Phase.explain]
)


def minimal(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> Any:
    return find(strategy, condition, settings=MINIMAL)


def test_a_minimal_problem_is_a_bare_registration() -> None:
    problem = minimal(js.problems(), lambda _: True)
    assert len(problem.transitions) == 1
    assert problem.state is ProblemState.REGISTERED
    assert problem.id == ids.ProblemId("problem-1")
    assert problem.title == "0"
    assert problem.description == ""


def test_a_minimal_history_is_as_long_as_asked_for_and_no_longer() -> None:
    problem = minimal(js.problems(), lambda p: len(p.transitions) >= 3)
    assert len(problem.transitions) == 3


def test_a_minimal_problem_in_a_state_takes_the_shortest_path() -> None:
    problem = minimal(js.problems(ProblemState.IN_PROGRESS), lambda _: True)
    events = [t.event for t in problem.transitions]
    assert events == [Event.REGISTER, Event.ASSIGN, Event.START]


def test_minimal_records_are_small_and_readable() -> None:
    enterprise = minimal(js.enterprises(), lambda _: True)
    assert enterprise.id == ids.EnterpriseId("enterprise-1")
    assert enterprise.name == "0"
    assert enterprise.credit_code is None
    assert minimal(js.credit_codes(), lambda _: True) == "00110000000000000T"
    assert minimal(js.money(), lambda _: True) == Money(amount=Decimal(0))
    assert minimal(js.guarantee_networks(), lambda _: True) == GuaranteeNetwork(())
    network = minimal(js.guarantee_networks(), lambda n: len(n.links) >= 2)
    assert [link.id for link in network.links] == ["g-1", "g-2"]
    assert {link.guarantor_id for link in network.links} <= {"e-1", "e-2"}


def test_a_minimal_enterprise_with_a_credit_code_shows_it_plainly() -> None:
    enterprise: Enterprise = minimal(js.enterprises(), lambda e: e.credit_code is not None)
    assert enterprise.credit_code == CreditCode("00110000000000000T")
