"""The records of a sample: :class:`SampleBatch` (records of every kind) and :class:`SampleData`.

Private to :mod:`jinjiecu.sample`, which exports both classes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.campaign import Campaign
from jinjiecu.domain.enterprise import Enterprise, Project
from jinjiecu.domain.finance import (
    AssetDisposal,
    BridgeFund,
    CoordinatedFinancing,
    CreditorCommittee,
    DebtResolution,
    LoanRenewal,
    Whitelist,
)
from jinjiecu.domain.guarantees import GuaranteeLink
from jinjiecu.domain.ids import CampaignId
from jinjiecu.domain.org import CampaignOffice, Department, Leader, Region, WorkGroup
from jinjiecu.domain.problem import Problem
from jinjiecu.domain.visit import Visit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jinjiecu.storage.base import Store

__all__ = ["SampleBatch", "SampleData"]


def _as_records(values: Iterable[Any]) -> tuple[Any, ...]:
    """Keep a kind's records as a tuple (lists and other iterables are accepted)."""
    return tuple(values)


def _how_many(values: tuple[Any, ...]) -> str:
    """A kind's records in a repr: how many, not each (a drive holds thousands)."""
    return f"<{len(values)} records>"


@attrs.frozen(kw_only=True)
class SampleBatch:
    """Records of every kind a store keeps, ready to load in one transaction.

    :func:`province` yields these; :class:`SampleData` is one holding a whole drive.
    """

    regions: tuple[Region, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)
    departments: tuple[Department, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    leaders: tuple[Leader, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)
    offices: tuple[CampaignOffice, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    campaigns: tuple[Campaign, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)
    work_groups: tuple[WorkGroup, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    enterprises: tuple[Enterprise, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    projects: tuple[Project, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)
    visits: tuple[Visit, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)
    debt_resolutions: tuple[DebtResolution, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    asset_disposals: tuple[AssetDisposal, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    creditor_committees: tuple[CreditorCommittee, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    loan_renewals: tuple[LoanRenewal, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    whitelists: tuple[Whitelist, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    bridge_funds: tuple[BridgeFund, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    coordinated_financings: tuple[CoordinatedFinancing, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    guarantee_links: tuple[GuaranteeLink, ...] = attrs.field(
        default=(), converter=_as_records, repr=_how_many
    )
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=_as_records, repr=_how_many)

    KINDS = (
        "regions",
        "departments",
        "leaders",
        "offices",
        "campaigns",
        "work_groups",
        "enterprises",
        "projects",
        "visits",
        "debt_resolutions",
        "asset_disposals",
        "creditor_committees",
        "loan_renewals",
        "whitelists",
        "bridge_funds",
        "coordinated_financings",
        "guarantee_links",
        "problems",
    )
    """The record kinds in the order they are loaded, problems last (they name the others)."""

    def load_into(self, store: Store) -> None:
        """Add every record to ``store`` in one transaction: ``add_many`` per kind, problems last.

        Nothing is written if any record is refused (a duplicate id, say).
        """
        with store.transaction() as tx:
            for kind in self.KINDS:
                records = getattr(self, kind)
                if records:
                    getattr(tx, kind).add_many(records)

    def counts(self) -> dict[str, int]:
        """How many records of each kind, plus ``transitions`` (all problems' history steps)."""
        numbers = {kind: len(getattr(self, kind)) for kind in self.KINDS}
        numbers["transitions"] = sum(problem.version for problem in self.problems)
        return numbers


@attrs.frozen(kw_only=True)
class SampleData(SampleBatch):
    """A whole drive's records (:func:`dezhou_2019`), with its campaign and report moment.

    ``as_of`` is the moment the figures were reported, the end of a day in
    China Standard Time; :meth:`counts` adds what stood by then.
    """

    campaign_id: CampaignId
    as_of: dt.datetime

    def counts(self) -> dict[str, int]:
        """Record counts as :meth:`SampleBatch.counts`, plus two as of :attr:`as_of`.

        The two extra numbers are the visits made and the problems registered
        at or before :attr:`as_of`.
        """
        numbers = super().counts()
        numbers["visits_as_of"] = sum(1 for visit in self.visits if visit.at <= self.as_of)
        numbers["problems_as_of"] = sum(
            1 for problem in self.problems if problem.registered_at <= self.as_of
        )
        return numbers
