"""Registers jinjiecu's types with Hypothesis, so that ``st.from_type(Problem)`` works.

jinjiecu declares a ``hypothesis`` entry point in its package metadata::

    [project.entry-points.hypothesis]
    _ = "jinjiecu.testing._hypothesis_plugin:_register"

Hypothesis calls ``_register()`` when it is itself imported, so the
registration is active only where Hypothesis is installed and in use;
``import jinjiecu`` never imports this module or Hypothesis. Importing
Hypothesis imports jinjiecu's domain modules (the types are the keys), but no
strategy: each type is registered with a function that imports
:mod:`jinjiecu.testing.strategies` only when Hypothesis first resolves the
type (so there is no circular import with the strategies module, which
imports Hypothesis itself). Set ``HYPOTHESIS_NO_PLUGINS=1`` to turn every
Hypothesis plugin, this one included, off.

Each type resolves to its public strategy with the default arguments
(:data:`REGISTRY` lists them): ``from_type(Problem)`` is ``problems()``,
``from_type(ProblemId)`` is ``ids(ProblemId)``, and so on. Draw from the
strategies themselves when a test needs their parameters (a state, a date
range, a size).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jinjiecu.domain import ids
from jinjiecu.domain.calendar import HolidayNotice
from jinjiecu.domain.campaign import Campaign, CampaignTargets
from jinjiecu.domain.codes import CreditCode, DivisionCode
from jinjiecu.domain.enterprise import Enterprise, Project
from jinjiecu.domain.events import Register
from jinjiecu.domain.finance import (
    AssetDisposal,
    BridgeFund,
    CoordinatedFinancing,
    CreditorCommittee,
    DebtResolution,
    Loan,
    LoanRenewal,
    Whitelist,
)
from jinjiecu.domain.guarantees import GuaranteeLink, GuaranteeNetwork
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
from jinjiecu.domain.personal import Contact, MobileNumber, ResidentId
from jinjiecu.domain.problem import Actor, Problem
from jinjiecu.domain.visit import Visit

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypothesis.strategies import SearchStrategy

__all__ = ["REGISTRY"]

_ID_TYPES: tuple[type[ids.EntityId], ...] = (
    ids.CampaignId,
    ids.RegionId,
    ids.DepartmentId,
    ids.LeaderId,
    ids.WorkGroupId,
    ids.OfficeId,
    ids.EnterpriseId,
    ids.ProjectId,
    ids.VisitId,
    ids.ProblemId,
    ids.DebtResolutionId,
    ids.AssetDisposalId,
    ids.CreditorCommitteeId,
    ids.LoanRenewalId,
    ids.WhitelistId,
    ids.BridgeFundId,
    ids.CoordinatedFinancingId,
    ids.GuaranteeLinkId,
)

REGISTRY: dict[type[Any], tuple[str, tuple[Any, ...]]] = {
    **{id_type: ("ids", (id_type,)) for id_type in _ID_TYPES},
    CreditCode: ("credit_codes", ()),
    DivisionCode: ("division_codes", ()),
    Money: ("money", ()),
    MobileNumber: ("mobile_numbers", ()),
    ResidentId: ("resident_ids", ()),
    Contact: ("contacts", ()),
    Region: ("regions", ()),
    Department: ("departments", ()),
    Leader: ("leaders", ()),
    WorkGroup: ("work_groups", ()),
    CampaignOffice: ("campaign_offices", ()),
    CampaignTargets: ("campaign_targets", ()),
    Campaign: ("campaigns", ()),
    Enterprise: ("enterprises", ()),
    Project: ("projects", ()),
    Visit: ("visits", ()),
    Actor: ("actors", ()),
    HolidayNotice: ("holiday_notices", ()),
    Register: ("register_details", ()),
    Problem: ("problems", ()),
    GuaranteeLink: ("guarantee_links", ()),
    GuaranteeNetwork: ("guarantee_networks", ()),
    DebtResolution: ("debt_resolutions", ()),
    AssetDisposal: ("asset_disposals", ()),
    CreditorCommittee: ("creditor_committees", ()),
    Loan: ("loans", ()),
    LoanRenewal: ("loan_renewals", ()),
    Whitelist: ("whitelists", ()),
    BridgeFund: ("bridge_funds", ()),
    CoordinatedFinancing: ("coordinated_financings", ()),
}
"""Each registered type, with the name of its strategy in the strategies module and arguments."""


def _resolver(name: str, args: tuple[Any, ...]) -> Callable[[type[Any]], SearchStrategy[Any]]:
    """The function Hypothesis calls to resolve a type: ``strategies.<name>(*args)``."""

    def resolve(_type: type[Any]) -> SearchStrategy[Any]:
        # Also called with a base class (from_type(EntityId) draws from every id type).
        strategies = importlib.import_module("jinjiecu.testing.strategies")
        strategy: SearchStrategy[Any] = getattr(strategies, name)(*args)
        return strategy

    return resolve


def _register() -> None:
    """Register every type of :data:`REGISTRY` (Hypothesis calls this when it is imported)."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only ever called by Hypothesis

    for registered, (name, args) in REGISTRY.items():
        st.register_type_strategy(registered, _resolver(name, args))
