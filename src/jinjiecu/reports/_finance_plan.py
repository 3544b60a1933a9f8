"""Planning a finance import's writes: each record new, changed or the same as stored.

Private to :mod:`jinjiecu.reports.finance_ledger`. Renewals and debt
resolutions are records of their own (:func:`plan_records`); draws and
whitelist changes are merged into the stored fund or list they belong to
(:func:`plan_funds`, :func:`plan_lists`), a blank cell changing nothing, and
the fund or list is checked whole by the domain. Nothing is written here: a
:class:`Plan` says what to add and what to update, at which version.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import attrs

from jinjiecu.domain.finance import (
    BridgeDraw,
    BridgeFund,
    Criterion,
    Whitelist,
    WhitelistEvent,
    pool_taken,
)
from jinjiecu.domain.ids import BridgeFundId, RegionId, WhitelistId
from jinjiecu.errors import JinjiecuError
from jinjiecu.reports._finance_kinds import (
    NOT_GIVEN,
    Context,
    FundRows,
    ListRows,
    draw_key,
    peak_of,
)
from jinjiecu.reports._ledger_cells import CellError, bilingual
from jinjiecu.reports._ledger_names import new_id
from jinjiecu.storage.base import (
    BRIDGE_FUNDS,
    DEBT_RESOLUTIONS,
    LOAN_RENEWALS,
    WHITELISTS,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

    from jinjiecu.domain.money import Money
    from jinjiecu.reports._finance_cells import Row
    from jinjiecu.storage.base import RecordKind, Session, Store

__all__ = [
    "RECORD_KINDS",
    "Plan",
    "plan_funds",
    "plan_lists",
    "plan_records",
    "stored_containers",
    "stored_versions",
]


_NO_DAY_LIMIT: Final = 366


@attrs.define
class Plan:
    """The records to add and to update, and the row counts."""

    added: list[Any] = attrs.Factory(list)
    updated: list[tuple[Any, int]] = attrs.Factory(list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    containers: int = 0


RECORD_KINDS: Final[Mapping[str, RecordKind[Any, Any]]] = MappingProxyType(
    {
        "renewals": LOAN_RENEWALS,
        "bridge-funds": BRIDGE_FUNDS,
        "debt": DEBT_RESOLUTIONS,
        "whitelist": WHITELISTS,
    }
)


def stored_containers(session: Session, kind: str) -> dict[str, Any]:
    """The stored bridge funds or whitelists (rows name them), with versions: id -> Versioned.

    Few: an office runs a fund or two and a list or two. Renewals and debt
    resolutions are fetched by the ids the rows give (:func:`stored_versions`).
    """
    if kind not in ("bridge-funds", "whitelist"):
        return {}
    record_kind = RECORD_KINDS[kind]
    found: dict[str, Any] = {}
    for record in session.scan(record_kind):
        versioned = session.fetch(record_kind, str(record_kind.id_of(record)))
        if versioned is not None:
            found[str(record_kind.id_of(record))] = versioned
    return found


def stored_versions(store: Store, kind: RecordKind[Any, Any], ids: Iterable[str]) -> dict[str, Any]:
    """The stored records of these ids, with versions (those the store has)."""
    wanted = sorted(set(ids))

    def fetch(session: Session) -> dict[str, Any]:
        found = {record_id: session.fetch(kind, record_id) for record_id in wanted}
        return {key: versioned for key, versioned in found.items() if versioned is not None}

    return store.read(fetch) if wanted else {}


def plan_records(
    records: list[tuple[Row, Any]], stored: Mapping[str, Any], kind: RecordKind[Any, Any]
) -> Plan:
    """Renewals and debt resolutions: each row a record, new, changed or the same."""
    plan = Plan()
    seen: dict[str, int] = {}
    for row, record in records:
        record_id = str(kind.id_of(record))
        first = seen.setdefault(record_id, row.number)
        if first != row.number:
            row.fail(
                "id" if row.has("id") else _SAME_FIELDS[kind.name],
                bilingual(
                    f"与第{first}行是同一条记录（{_SAME_WORDS[kind.name]}相同）；如确为两笔，"
                    f"请填写{_TELL_APART[kind.name][0]}",
                    f"the same record as row {first} (the same {_SAME_WORDS_EN[kind.name]}); "
                    f"if they are two, give their {_TELL_APART[kind.name][1]}",
                ),
            )
            continue
        versioned = stored.get(record_id)
        if versioned is not None and _owner(versioned.record) != _owner(record):
            row.fail(
                "id",
                bilingual(
                    f"编号 {record_id} 在库中是另一家企业的记录，未覆盖",
                    f"{record_id} is another enterprise's record in the store: not overwritten",
                ),
            )
            continue
        if versioned is None:
            plan.added.append(record)
            plan.created += 1
        elif versioned.record == record:
            plan.unchanged += 1
        else:
            plan.updated.append((record, versioned.version))
            plan.changed += 1
    return plan


_SAME_FIELDS: Final = {"loan_renewal": "renewed_on", "debt_resolution": "resolved_on"}
_SAME_WORDS: Final = {
    "loan_renewal": "借款人、银行、合同编号和续贷日期",
    "debt_resolution": "企业和化解日期",
}
_TELL_APART: Final = {
    "loan_renewal": ("合同编号", "contract numbers"),
    "debt_resolution": ("化解编号", "ids (化解编号)"),
}
_SAME_WORDS_EN: Final = {
    "loan_renewal": "borrower, bank, contract and date",
    "debt_resolution": "enterprise and date",
}


def _owner(record: Any) -> str:
    return str(getattr(record, "borrower_id", None) or record.enterprise_id)


T = TypeVar("T", BridgeDraw, WhitelistEvent)
C = TypeVar("C", BridgeFund, Whitelist)
G = TypeVar("G", FundRows, ListRows)


def _merge(
    stored: Sequence[T],
    given: Sequence[tuple[Row, T]],
    *,
    key: Callable[[T], Hashable],
    combine: Callable[[T, T], T],
    plan: Plan,
    what: tuple[str, str],
) -> tuple[list[T], dict[int, Row]]:
    """A fund's draws or a list's events with the rows' merged in, and each one's row.

    An item whose key is stored is the stored one, combined with what the row
    adds (a blank cell changes nothing); the others are appended. The result
    is in date order, stored items first among the same day's.
    """
    items = list(stored)
    positions = {key(item): index for index, item in enumerate(items)}
    origin: dict[int, Row] = {}
    for row, item in given:
        at = positions.get(key(item))
        if at is None:
            positions[key(item)] = len(items)
            origin[len(items)] = row
            items.append(item)
            plan.created += 1
        elif at in origin:
            number = origin[at].number
            row.fail(
                "enterprise",
                bilingual(f"与第{number}行是同一{what[0]}", f"the same {what[1]} as row {number}"),
            )
        else:
            origin[at] = row
            merged = combine(items[at], item)
            if merged == items[at]:
                plan.unchanged += 1
            else:
                items[at] = merged
                plan.changed += 1
    order = sorted(range(len(items)), key=lambda i: _date_of(items[i]))  # stable
    return [items[i] for i in order], {
        new: origin[old] for new, old in enumerate(order) if old in origin
    }


def _date_of(item: BridgeDraw | WhitelistEvent) -> dt.date:
    return item.drawn_on if isinstance(item, BridgeDraw) else item.on


def _repaid(stored: BridgeDraw, given: BridgeDraw) -> BridgeDraw:
    """A stored draw as a later ledger gives it: its amount, repayment and links (if given)."""
    return attrs.evolve(
        stored,
        amount=given.amount,
        repaid_on=given.repaid_on or stored.repaid_on,
        problem_ids=given.problem_ids or stored.problem_ids,
    )


def _restated(stored: WhitelistEvent, given: WhitelistEvent) -> WhitelistEvent:
    return attrs.evolve(
        stored,
        criteria_met=given.criteria_met or stored.criteria_met,
        reason=given.reason or stored.reason,
    )


def plan_funds(context: Context, funds: dict[str, FundRows], stored: Mapping[str, Any]) -> Plan:
    """Each fund the rows name, its draws merged into the stored fund's (see :func:`_merge`)."""
    return _plan_containers(
        context,
        funds.values(),
        stored,
        given=lambda group: group.draws,
        kept=lambda fund: fund.draws,
        key=draw_key,
        combine=_repaid,
        what=("笔使用", "draw"),
        build=_fund,
    )


def _fund(
    context: Context,
    group: FundRows,
    old: BridgeFund | None,
    draws: list[BridgeDraw],
    rows: list[Row | None],
) -> BridgeFund | None:
    """The fund with its draws: its terms as the rows give them, else as stored or defaulted.

    Without a 资金规模, the pool is the most the draws ever had out at once
    (and at least the stored pool): a ledger that does not say the pool
    cannot be refused for exceeding it.
    """
    terms = group.terms
    operator = cast("str | None", terms.get("operator"))
    given_pool = cast("Money | None", terms.get("pool_size"))
    max_days = cast("int | None", terms.get("max_days"))
    fee = cast("Decimal | None", terms.get("daily_fee_rate"))
    peak = peak_of(draws)
    pool = given_pool or (peak if old is None else max(old.pool_size, peak))
    if old is None:
        defaults = [
            text
            for text, missing in (
                (f"运营机构记为“{NOT_GIVEN}”", operator is None),
                (f"资金规模按最高占用额 {peak} 记", given_pool is None),
                (f"最长使用天数记为 {_NO_DAY_LIMIT}（不限）", max_days is None),
                ("日费率记为 0", fee is None),
            )
            if missing
        ]
        if defaults:
            context.warn(
                group.first_row,
                "",
                f"新建过桥资金“{group.name}”：" + "；".join(defaults) + "，请核实",
                f"new bridge fund {group.name!r}: terms the ledger does not give were "
                "defaulted; check them",
            )
    elif given_pool is None and pool != old.pool_size:
        context.warn(
            group.first_row,
            "",
            f"过桥资金“{group.name}”未注明资金规模：按最高占用额由 {old.pool_size} 提高到 {pool}",
            f"the bridge fund {group.name!r} gives no pool: raised from {old.pool_size} to "
            f"{pool}, the most out at once",
        )
    if not _within_pool(draws, rows, pool):
        return None
    first = group.draws[0][0] if group.draws else None
    try:
        return BridgeFund(
            id=old.id if old is not None else BridgeFundId(new_id("bf", group.name)),
            name=group.name,
            operator=operator or (old.operator if old else NOT_GIVEN),
            pool_size=pool,
            max_days=max_days or (old.max_days if old else _NO_DAY_LIMIT),
            daily_fee_rate=fee if fee is not None else (old.daily_fee_rate if old else Decimal(0)),
            draws=draws,
        )
    except JinjiecuError as error:
        blamed = _blamed_row(error, rows) or first
        if blamed is not None:
            field = str(getattr(error, "field", "") or "")
            column = "amount" if field.endswith(".amount") else "drawn_on"
            if field in ("pool_size", "max_days", "daily_fee_rate", "operator"):
                column = field
            blamed.fail(column, bilingual("过桥资金规则不允许", str(error)))
        return None


def _within_pool(draws: Sequence[BridgeDraw], rows: Sequence[Row | None], pool: Money) -> bool:
    """Whether no draw takes the pool over; the first that does fails its row, said plainly."""
    for index, draw in enumerate(draws):
        out = pool_taken(draws[:index], draw.drawn_on)
        if (out + draw.amount).amount <= pool.amount:
            continue
        row = rows[index] if index < len(rows) else None
        if row is not None:
            row.fail(
                "amount",
                bilingual(
                    f"{draw.drawn_on.isoformat()} 已占用 {out}，再用 {draw.amount} 超过资金规模 "
                    f"{pool}",
                    f"on {draw.drawn_on.isoformat()}, {out} is out already: {draw.amount} more "
                    f"exceeds the pool of {pool}",
                ),
            )
        return False
    return True


def _blamed_row(error: JinjiecuError, rows: Sequence[Row | None]) -> Row | None:
    """The ledger row of the draw a fund's or list's validation error names (draws[3] ...)."""
    field = str(getattr(error, "field", "") or "")
    if "[" not in field:
        return None
    try:
        index = int(field.split("[", 1)[1].split("]", 1)[0])
    except ValueError:
        return None
    if 0 <= index < len(rows):
        return rows[index]
    return None


def _container(
    context: Context, name: str, rows: Sequence[tuple[Row, Any]], stored: Mapping[str, Any]
) -> tuple[bool, Any]:
    """Whether ``name`` names one stored fund or whitelist or none, and its versioned record.

    Several stored ones of the name fail the rows, and give ``False``.
    """
    try:
        found = context.containers.lookup(name)
    except CellError as error:
        for row, _item in rows:
            row.fail("fund" if context.kind == "bridge-funds" else "whitelist", error.reason)
        return False, None
    return True, None if found is None else stored[found]


def _event_key(event: WhitelistEvent) -> Hashable:
    return (event.change, str(event.enterprise_id), event.on)


def plan_lists(context: Context, lists: dict[str, ListRows], stored: Mapping[str, Any]) -> Plan:
    """Each whitelist the rows name, its changes merged into the stored list's."""
    return _plan_containers(
        context,
        lists.values(),
        stored,
        given=lambda group: group.events,
        kept=lambda listing: listing.events,
        key=_event_key,
        combine=_restated,
        what=("变动", "change"),
        build=_whitelist,
    )


def _plan_containers(
    context: Context,
    groups: Iterable[G],
    stored: Mapping[str, Any],
    *,
    given: Callable[[G], Sequence[tuple[Row, T]]],
    kept: Callable[[C], Sequence[T]],
    key: Callable[[T], Hashable],
    combine: Callable[[T, T], T],
    what: tuple[str, str],
    build: Callable[[Context, G, C | None, list[T], list[Row | None]], C | None],
) -> Plan:
    """Funds or whitelists: each group's items merged into its stored container, then rebuilt.

    ``given`` is a group's items with their rows, ``kept`` a stored
    container's items, and ``build`` the container with the merged items (or
    None when its rows failed); a new container is added, a changed one
    updated at the version read.
    """
    plan = Plan()
    for group in groups:
        named, versioned = _container(context, group.name, given(group), stored)
        if not named:
            continue
        old: C | None = None if versioned is None else versioned.record
        items, origin = _merge(
            kept(old) if old is not None else (),
            given(group),
            key=key,
            combine=combine,
            plan=plan,
            what=what,
        )
        rows = [origin.get(index) for index in range(len(items))]
        container = build(context, group, old, items, rows)
        if container is None:
            continue
        if old is None:
            plan.added.append(container)
            plan.containers += 1
        elif container != old:
            plan.updated.append((container, versioned.version))
    return plan


def _whitelist(
    context: Context,
    group: ListRows,
    old: Whitelist | None,
    events: list[WhitelistEvent],
    rows: list[Row | None],
) -> Whitelist | None:
    """The list with its events; a new one in the office's region (or its first member's)."""
    first = group.events[0][0] if group.events else None
    criteria = list(old.criteria) if old is not None else []
    known = {c.code for c in criteria}
    criteria += [
        Criterion(code=code, description=text)
        for code, text in group.criteria.items()
        if code not in known
    ]
    region = old.region_id if old is not None else context.names.office_region
    if region is None and group.events:
        region = context.names.enterprise_region.get(str(group.events[0][1].enterprise_id))
    if region is None:
        if first is not None:
            first.fail(
                "whitelist",
                bilingual(
                    "新建名单库需要所属地区：请用 --region 指定",
                    "a new whitelist needs its region: give --region",
                ),
            )
        return None
    try:
        return Whitelist(
            id=old.id if old is not None else WhitelistId(new_id("wl", group.name)),
            name=group.name,
            region_id=RegionId(region),
            criteria=criteria,
            operator_id=old.operator_id if old is not None else None,
            events=events,
            pushes=old.pushes if old is not None else (),
        )
    except JinjiecuError as error:
        blamed = _blamed_row(error, rows) or first
        if blamed is not None:
            blamed.fail("change", bilingual("名单库规则不允许", str(error)))
        return None
