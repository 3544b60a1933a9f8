"""The export: :func:`~jinjiecu.reports.finance_ledger.export_finance_ledger`, records as rows.

Private to :mod:`jinjiecu.reports.finance_ledger`, which exports and documents
:func:`~jinjiecu.reports.finance_ledger.export_finance_ledger`. A row is one
renewal, debt resolution, draw or whitelist change, in the columns of
:data:`~jinjiecu.reports.finance_ledger.FINANCE_COLUMNS`, with amounts in 万元.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from jinjiecu.domain.clock import is_aware, local_date
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.validation import check
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._finance_columns import check_kind, finance_headers
from jinjiecu.reports._ledger_cells import split_list
from jinjiecu.reports._ledger_names import Directory
from jinjiecu.storage.base import (
    BRIDGE_FUNDS,
    DEBT_RESOLUTIONS,
    LOAN_RENEWALS,
    WHITELISTS,
)

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from jinjiecu.domain.finance import (
        BridgeDraw,
        BridgeFund,
        DebtResolution,
        LoanRenewal,
        Whitelist,
        WhitelistEvent,
    )
    from jinjiecu.domain.ids import EnterpriseId
    from jinjiecu.domain.money import Money
    from jinjiecu.storage.base import Session, Store

__all__ = ["export_finance_ledger"]


_WAN: Final = Decimal(10_000)


def _wan(money: Money) -> object:
    """An amount as export writes it: a number of 万元 (text, for a lower bound)."""
    if money.approximate:
        return money.format()
    return Decimal(format((money.amount / _WAN).normalize(), "f"))


@attrs.frozen(kw_only=True)
class _Names:
    """How export writes an enterprise: its name (or id), credit code and region."""

    directory: Directory
    codes: Mapping[str, str]

    def of(self, enterprise_id: EnterpriseId) -> list[object]:
        """The enterprise's name, credit code, county (所属县市区) and town (所属镇街)."""
        key = str(enterprise_id)
        region = self.directory.enterprise_region.get(key)
        town = None
        if region is not None and self.directory.region_kind.get(region) is DivisionKind.TOWN:
            town, parent = region, self.directory.region_parent.get(region)
            region = None if parent is None else str(parent)
        regions = self.directory.regions
        return [
            self.directory.enterprises.display(key),
            self.codes.get(key),
            None if region is None else regions.display(region),
            None if town is None else regions.display(town),
        ]


def _renewal_cells(record: LoanRenewal, names: _Names) -> list[object]:
    return [
        str(record.id),
        *names.of(record.borrower_id),
        record.bank,
        record.branch or None,
        record.original.contract,
        _wan(record.original.amount),
        record.original.start,
        record.original.maturity,
        record.renewed_on,
        _wan(record.new_amount),
        record.term_months,
        record.annual_rate_percent,
        "是" if record.guarantee_resigned else "否",
        record.risk_before.label,
        record.risk_after.label,
        "、".join(record.problem_ids) or None,
        record.note or None,
    ]


def _debt_cells(record: DebtResolution, names: _Names) -> list[object]:
    return [
        str(record.id),
        *names.of(record.enterprise_id),
        "、".join(record.creditors),
        _wan(record.debt_before),
        _wan(record.debt_after),
        _wan(record.resolved_amount),
        record.method.label,
        record.resolved_on,
        "、".join(record.problem_ids) or None,
        record.note or None,
    ]


def _draw_cells(fund: BridgeFund, draw: BridgeDraw, names: _Names) -> list[object]:
    return [
        fund.name,
        fund.operator,
        _wan(fund.pool_size),
        fund.max_days,
        fund.daily_fee_rate,
        *names.of(draw.enterprise_id),
        _wan(draw.amount),
        draw.drawn_on,
        draw.repaid_on,
        draw.reference or None,
        "、".join(draw.problem_ids) or None,
    ]


def _event_cells(listing: Whitelist, event: WhitelistEvent, names: _Names) -> list[object]:
    # A description that a list cell would split (a comma in it) is written as its code.
    descriptions = {
        c.code: c.code if len(split_list(c.description)) > 1 else c.description
        for c in listing.criteria
    }
    return [
        listing.name,
        *names.of(event.enterprise_id),
        event.change.label,
        event.on,
        "、".join(descriptions.get(code, code) for code in event.criteria_met) or None,
        event.reason or None,
    ]


def _export_rows(kind: str, session: Session, day: dt.date | None) -> list[list[object]]:
    """The rows of a ``kind`` ledger as of the end of ``day`` (all when ``None``)."""
    directory = Directory.load(session)
    names = _Names(directory=directory, codes=directory.enterprise_codes)

    def taken(on: dt.date) -> bool:
        return day is None or on <= day

    rows: list[list[object]] = []
    if kind == "renewals":
        renewals = sorted(session.scan(LOAN_RENEWALS), key=lambda r: (r.renewed_on, r.id))
        rows = [_renewal_cells(r, names) for r in renewals if taken(r.renewed_on)]
    elif kind == "debt":
        debts = sorted(session.scan(DEBT_RESOLUTIONS), key=lambda r: (r.resolved_on, r.id))
        rows = [_debt_cells(r, names) for r in debts if taken(r.resolved_on)]
    elif kind == "bridge-funds":
        for fund in session.scan(BRIDGE_FUNDS):
            for draw in fund.draws:
                if taken(draw.drawn_on):
                    shown = draw
                    if draw.repaid_on is not None and not taken(draw.repaid_on):
                        shown = attrs.evolve(draw, repaid_on=None)  # not yet repaid that day
                    rows.append(_draw_cells(fund, shown, names))
    else:
        for listing in session.scan(WHITELISTS):
            rows += [
                _event_cells(listing, event, names) for event in listing.events if taken(event.on)
            ]
    return [[number, *cells] for number, cells in enumerate(rows, start=1)]


def export_finance_ledger(
    store: Store,
    path: str | Path,
    *,
    kind: str,
    as_of: dt.datetime | None = None,
    english: bool = False,
) -> int:
    """Write the store's finance records of ``kind`` as a ledger (.xlsx or .csv); return the rows.

    Args:
        store: the store.
        path: the file to write (.csv: UTF-8 with a BOM; .xlsx needs the
            ``excel`` extra). It is replaced only once the new file is complete.
        kind: one of :data:`FINANCE_KINDS`.
        as_of: only what was dated on or before the local day of this moment
            (a draw repaid later is written as not yet repaid); default all.
        english: English headers instead of Chinese.

    Amounts are written in 万元 (:data:`EXPORT_UNIT`); importing the file
    back with :func:`import_finance_ledger` changes nothing.
    """
    target = io.check_path(path, reading=False)
    check_kind(kind)
    check(isinstance(english, bool), field="english", expected="True or False", received=english)
    day = None
    if as_of is not None:
        check(is_aware(as_of), field="as_of", expected="a timezone-aware datetime", received=as_of)
        day = local_date(as_of)
    rows = store.read(lambda session: _export_rows(kind, session, day))
    header = list(finance_headers(kind, english=english).values())
    if target.suffix.lower() == ".csv":
        return io.write_csv(target, header, rows)
    sheet = {"renewals": "无还本续贷", "bridge-funds": "过桥资金", "debt": "债务化解"}.get(
        kind, "白名单"
    )
    return io.write_xlsx(target, header, rows, sheet=sheet)
