"""The Dezhou drive's finance cases: debt relief, rescue, loans, guarantees, Yucheng's tools.

Private to :mod:`jinjiecu.sample`. The article's cases, on generated firms
of the right county and industry, dated by the problems they resolve:
Wucheng's debt resolution (债务化解) with its asset disposal and guarantee
chain (担保链), Wucheng's rescue (coordinated financing, a creditor committee
(债委会), a renewal without repaying principal (无还本续贷), idle assets
revitalised), a textile group's coordinated bank loans, and Yucheng's
whitelist of quality small and micro firms (优质小微企业名单库), renewals and
bridge fund (过桥资金).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.enterprise import SizeClass
from jinjiecu.domain.finance import (
    Asset,
    AssetDisposal,
    AssetKind,
    BridgeDraw,
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
    Whitelist,
)
from jinjiecu.domain.guarantees import GuaranteeLink
from jinjiecu.domain.ids import (
    AssetDisposalId,
    BridgeFundId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    GuaranteeLinkId,
    LoanRenewalId,
    ProblemId,
    WhitelistId,
)
from jinjiecu.domain.money import Money
from jinjiecu.sample._allocation import allocate, wan
from jinjiecu.sample._drive import DRIVE_START, REPORT_DAY
from jinjiecu.sample._enterprises import add_enterprise

if TYPE_CHECKING:
    from jinjiecu.domain.enterprise import Enterprise
    from jinjiecu.domain.ids import EnterpriseId
    from jinjiecu.domain.org import Region
    from jinjiecu.sample._drive import Drive, Plan

__all__ = ["build_finance", "choose_cases"]


def choose_cases(drive: Drive) -> None:
    """The article's finance cases, on generated firms of the right county and industry.

    Wucheng: the largest HVAC backbone firm has its debt resolved (债务化解) and
    its guarantee chain untangled; the next largest is rescued (platform and bank
    money, a creditor committee, a renewal, idle assets revitalised). A textile
    group outside Wucheng gets bank loans coordinated by the organisation
    department. Yucheng's backbone firms draw on the bridge fund.
    """
    size_rank = {
        SizeClass.LARGE: 0,
        SizeClass.MEDIUM: 1,
        SizeClass.SMALL: 2,
        SizeClass.MICRO: 3,
    }
    wucheng = _place(drive, "武城县")
    firms = sorted(
        (e for e in drive.by_region[wucheng.id] if e.backbone),
        key=lambda e: (e.industry != "暖通空调", size_rank[e.size], e.id),
    )
    drive.debt_firm, drive.rescued_firm = firms[0], firms[1]
    textile = sorted(
        (
            e
            for e in drive.enterprises
            if e.backbone and e.region_id != wucheng.id and e.industry == "纺织服装"
        ),
        key=lambda e: (size_rank[e.size], e.id),
    ) or sorted(
        (e for e in drive.enterprises if e.backbone and e.region_id != wucheng.id),
        key=lambda e: (size_rank[e.size], e.id),
    )
    drive.loan_firm = textile[0]
    drive.cases = {
        drive.debt_firm.id: "debt",
        drive.rescued_firm.id: "rescue",
        drive.loan_firm.id: "loan",
    }


def _place(drive: Drive, name: str) -> Region:
    """The county-level place of the city called ``name``."""
    return next(r for r in drive.places if r.name == name)


# ====================================================================== the records


def build_finance(drive: Drive, plans: list[Plan]) -> dict[str, list[Any]]:
    """The Wucheng and Yucheng cases, dated by the problems they resolve."""
    case = {p.case: p for p in plans if p.case is not None}
    records: dict[str, list[Any]] = {
        "debt_resolutions": [],
        "asset_disposals": [],
        "creditor_committees": [],
        "loan_renewals": [],
        "whitelists": [],
        "bridge_funds": [],
        "coordinated_financings": [],
        "guarantee_links": [],
    }
    _debt_case(drive, case["debt"], records)
    _rescue_case(drive, case["rescue"], records)
    loan = case["loan"]
    records["coordinated_financings"].append(
        CoordinatedFinancing(
            id=CoordinatedFinancingId("dz2019-financing-04"),
            enterprise_id=drive.loan_firm.id,
            source_kind=FinancingSource.BANK_LOAN,
            source_name=drive.unit["gh"].name,
            amount=Money.parse("3000余万元"),
            arranged_on=_day(loan.settle_day),
            coordinated_by=drive.unit["zzb"].id,
            problem_ids=(loan.problem_id,),
            note="市委组织部到企业对接后，与金融、自然资源等部门沟通协调",
        )
    )
    _yucheng(drive, plans, records)
    return records


def _partners(
    drive: Drive, region: Region, exclude: set[EnterpriseId], count: int
) -> list[Enterprise]:
    """Other firms of ``region`` (small ones added if it has too few)."""
    found = [e for e in drive.by_region[region.id] if e.id not in exclude]
    drive.rng.shuffle(found)
    while len(found) < count:
        found.append(add_enterprise(drive, region, SizeClass.SMALL, backbone=False))
    return found[:count]


def _debt_case(drive: Drive, plan: Plan, records: dict[str, list[Any]]) -> None:
    """Wucheng's debt resolution: the package disposal and the guarantee chain it untied."""
    rng = drive.rng
    day = _day(plan.settle_day)
    firm = drive.debt_firm
    wucheng = _place(drive, "武城县")
    buyer, x, y, z = _partners(drive, wucheng, {firm.id, drive.rescued_firm.id}, 4)
    records["debt_resolutions"].append(
        DebtResolution(
            id=DebtResolutionId("dz2019-debt-01"),
            enterprise_id=firm.id,
            creditors=(drive.unit["zh"].name, drive.unit["gh"].name),
            debt_before=Money.parse("8000多万元"),
            debt_after=Money.parse("2650万元"),
            method=DebtResolutionMethod.PACKAGE_DISPOSAL,
            resolved_on=day,
            problem_ids=(plan.problem_id,),
            note="老厂区闲置不良资产打包处置给其他企业",
        )
    )
    book = allocate(5350 + rng.randrange(300, 1500, 10), [5, 3, 2])
    records["asset_disposals"].append(
        AssetDisposal(
            id=AssetDisposalId("dz2019-asset-01"),
            enterprise_id=firm.id,
            assets=(
                Asset(
                    kind=AssetKind.WORKSHOP,
                    description="老厂区闲置厂房",
                    book_value=wan(book[0]),
                ),
                Asset(
                    kind=AssetKind.LAND,
                    description="老厂区土地使用权",
                    book_value=wan(book[1]),
                ),
                Asset(
                    kind=AssetKind.EQUIPMENT,
                    description="老厂区闲置设备",
                    book_value=wan(book[2]),
                ),
            ),
            method=DisposalMethod.PACKAGE_SALE,
            disposed_on=day,
            disposal_value=wan(5350),
            buyer=buyer.name,
            buyer_id=buyer.id,
            problem_ids=(plan.problem_id,),
        )
    )
    # 贝州-style mutual guarantees: firm ⇄ x, and the circle firm → y → z → firm.
    # The guarantees others gave for the firm's own loans end once its debt is settled.
    banks = [drive.unit[slug].name for slug in ("zh", "gh", "nh", "jh")]
    pairs = (
        (firm, x, False),
        (x, firm, True),
        (firm, y, False),
        (y, z, False),
        (z, firm, True),
    )
    for number, (guarantor, borrower, ends) in enumerate(pairs, start=1):
        start = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        records["guarantee_links"].append(
            GuaranteeLink(
                id=GuaranteeLinkId(f"dz2019-guarantee-{number:02d}"),
                guarantor_id=guarantor.id,
                borrower_id=borrower.id,
                amount=wan(rng.randrange(500, 3500, 100)),
                start=start,
                end=day if ends else None,
                lender=rng.choice(banks),
                contract=f"WCDB{start.year}{rng.randrange(1000, 9999)}",
            )
        )


def _rescue_case(drive: Drive, plan: Plan, records: dict[str, list[Any]]) -> None:
    """Wucheng's rescue: financing, the creditor committee, a renewal, idle assets."""
    rng = drive.rng
    firm = drive.rescued_firm
    day = _day(plan.settle_day)
    registered = plan.registered_on
    span = max(0, drive.calendar.working_days_between(registered, day))
    wucheng = _place(drive, "武城县")
    private, buyer = _partners(drive, wucheng, {firm.id, drive.debt_firm.id}, 2)
    sources = (
        (FinancingSource.PLATFORM, drive.unit["ct"].name),
        (FinancingSource.BANK_LOAN, drive.unit["nh"].name),
        (FinancingSource.PRIVATE_ENTERPRISE, private.name),
    )
    amounts = allocate(19_900, [45, 35, 20])  # 1.99亿元 from platforms, banks and private firms
    for number, ((kind, name), amount) in enumerate(zip(sources, amounts, strict=True), start=1):
        records["coordinated_financings"].append(
            CoordinatedFinancing(
                id=CoordinatedFinancingId(f"dz2019-financing-{number:02d}"),
                enterprise_id=firm.id,
                source_kind=kind,
                source_name=name,
                amount=wan(amount),
                arranged_on=drive.wd(registered, (span * number) // 3),
                coordinated_by=drive.unit["jrj"].id,
                problem_ids=(plan.problem_id,),
            )
        )
    established = drive.wd(registered, min(1, span))
    outcomes = (
        CommitteeOutcome.KEEP,
        CommitteeOutcome.KEEP,
        CommitteeOutcome.RESTRUCTURE,
        CommitteeOutcome.KEEP,
        CommitteeOutcome.KEEP,
    )
    gap = drive.calendar.working_days_between(established, day)
    records["creditor_committees"].append(
        CreditorCommittee(
            id=CreditorCommitteeId("dz2019-committee-01"),
            enterprise_id=firm.id,
            members=tuple(drive.unit[s].name for s in ("zh", "gh", "nh", "jh", "dzyh")),
            established_on=established,
            meetings=tuple(
                CommitteeMeeting(
                    held_on=drive.wd(established, (gap * k) // 5) if gap else established,
                    outcome=outcome,
                    summary="稳定授信，不抽贷、不压贷、不断贷"
                    if outcome is CommitteeOutcome.KEEP
                    else "研究无还本续贷和债务重组方案",
                )
                for k, outcome in enumerate(outcomes, start=1)
            ),
            problem_ids=(plan.problem_id,),
            note="市金融监管部门、市银行业协会组织召开",
        )
    )
    maturity = day + dt.timedelta(days=rng.randint(3, 20))
    principal = wan(rng.randrange(2000, 5000, 100))
    records["loan_renewals"].append(
        LoanRenewal(
            id=LoanRenewalId("dz2019-renewal-01"),
            borrower_id=firm.id,
            bank=drive.unit["zh"].name,
            original=Loan(
                contract=f"WC{maturity.year - 1}{rng.randrange(10000, 99999)}",
                amount=principal,
                maturity=maturity,
                start=maturity - dt.timedelta(days=365),
            ),
            renewed_on=day,
            new_amount=principal,
            term_months=12,
            annual_rate_percent=Decimal("5.22"),
            problem_ids=(plan.problem_id,),
        )
    )
    book = allocate(6297, [rng.uniform(0.8, 1.2) for _ in range(4)])  # 6297万元 in all
    for number, (method, assets) in enumerate(
        (
            (
                DisposalMethod.LEASE,
                ((AssetKind.WORKSHOP, "闲置生产车间"), (AssetKind.COLD_STORE, "闲置冷库")),
            ),
            (
                DisposalMethod.AGREEMENT_TRANSFER,
                ((AssetKind.WORKSHOP, "闲置仓储车间"), (AssetKind.COLD_STORE, "闲置冷库二期")),
            ),
        ),
        start=2,
    ):
        parts = book[2 * (number - 2) : 2 * (number - 1)]
        sold = method is DisposalMethod.AGREEMENT_TRANSFER
        records["asset_disposals"].append(
            AssetDisposal(
                id=AssetDisposalId(f"dz2019-asset-{number:02d}"),
                enterprise_id=firm.id,
                assets=tuple(
                    Asset(kind=kind, description=text, book_value=wan(value))
                    for (kind, text), value in zip(assets, parts, strict=True)
                ),
                method=method,
                disposed_on=day,
                disposal_value=wan(sum(parts)) if sold else None,
                buyer=buyer.name if sold else "",
                buyer_id=buyer.id if sold else None,
                problem_ids=(plan.problem_id,),
            )
        )


def _yucheng(drive: Drive, plans: list[Plan], records: dict[str, list[Any]]) -> None:
    """Yucheng's whitelist of quality small and micro firms, renewals and the bridge fund."""
    rng = drive.rng
    yucheng = _place(drive, "禹城市")
    banks = [drive.unit[slug].name for slug in ("nh", "dzyh", "yc", "gh")]
    members = [
        add_enterprise(
            drive,
            yucheng,
            rng.choices((SizeClass.SMALL, SizeClass.MICRO), (7, 3))[0],
            backbone=False,
        )
        for _ in range(44 + 3)
    ]
    criteria = (
        Criterion(code="tax_credit", description="纳税信用等级B级以上"),
        Criterion(code="clean_credit", description="无不良信用记录"),
        Criterion(code="operating", description="正常生产经营满两年"),
        Criterion(code="small_micro", description="符合小微企业划型标准"),
    )
    codes = [c.code for c in criteria]
    listing = Whitelist(
        id=WhitelistId("dz2019-whitelist-01"),
        name="禹城市优质小微企业名单库",
        region_id=yucheng.id,
        criteria=criteria,
    )
    first_day = drive.wd(dt.date(2019, 4, 15), 0)
    for firm in members[:44]:  # 先期入库44家
        listing = listing.add(firm.id, on=first_day, criteria_met=_met(drive, codes))
    for month in (5, 7, 9):
        listing = listing.push(on=drive.wd(dt.date(2019, month, 1), 0), banks=banks[:3])
    for firm in members[44:]:  # dynamic management: more listed during the drive
        listing = listing.add(
            firm.id, on=drive.wd(DRIVE_START, 10), criteria_met=_met(drive, codes)
        )
    listing = listing.push(on=drive.wd(dt.date(2019, 11, 1), 0), banks=banks[:3])
    for firm in rng.sample(members[:44], 2):
        listing = listing.remove(firm.id, on=drive.wd(REPORT_DAY, 5), reason="出现欠息，移出名单库")
    records["whitelists"].append(listing)
    listed = listing.members(drive.wd(dt.date(2019, 11, 1), 0))
    for number, firm_id in enumerate(listed[:6], start=2):
        renewed = drive.wd(dt.date(2019, 5, 6), rng.randrange(0, 140))
        maturity = renewed + dt.timedelta(days=rng.randint(0, 10))
        amount = wan(rng.randrange(200, 2000, 10))
        records["loan_renewals"].append(
            LoanRenewal(
                id=LoanRenewalId(f"dz2019-renewal-{number:02d}"),
                borrower_id=firm_id,
                bank=rng.choice(banks),
                original=Loan(
                    contract=f"YC{maturity.year - 1}{rng.randrange(10000, 99999)}",
                    amount=amount,
                    maturity=maturity,
                    start=maturity - dt.timedelta(days=365),
                ),
                renewed_on=renewed,
                new_amount=amount,
                term_months=12,
                annual_rate_percent=rng.choice(
                    (Decimal("4.35"), Decimal("4.785"), Decimal("5.22"))
                ),
                note="无还本续贷试点",
            )
        )
    # The 三航 plan's bridge fund: 1.71亿元 drawn in turns by Yucheng's backbone firms.
    firms = [e for e in drive.by_region[yucheng.id] if e.backbone]
    rng.shuffle(firms)
    linked = next(
        (
            p
            for p in plans
            if p.kind == "genuine"
            and p.category == "financing"
            and p.target.enterprise is not None
            and p.target.enterprise.region_id == yucheng.id
            and p.registered_on <= drive.wd(drive.end, -3)
        ),
        None,
    )
    parts = allocate(171, [rng.uniform(0.8, 1.2) for _ in range(6)])  # in millions of yuan
    fund = BridgeFund(
        id=BridgeFundId("dz2019-bridge-01"),
        name="禹城市“三航计划”过桥资金",
        operator="禹城市财金投资有限公司",
        pool_size=wan(5000),
        max_days=15,
        daily_fee_rate=Decimal("0.0002"),
    )
    day = drive.wd(dt.date(2019, 6, 3), 0)
    draws: list[BridgeDraw] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        firm_id = firms[index % len(firms)].id
        problem_ids: tuple[ProblemId, ...] = ()
        if last and linked is not None and linked.target.enterprise is not None:
            firm_id = linked.target.enterprise.id
            problem_ids = (linked.problem_id,)
            day = max(day, drive.wd(linked.registered_on, 2))
        repaid = day + dt.timedelta(days=rng.randint(5, 12))
        draws.append(
            BridgeDraw(
                enterprise_id=firm_id,
                amount=wan(part * 100),
                drawn_on=day,
                repaid_on=repaid if repaid <= drive.end else None,
                reference=f"三航过桥{index + 1:02d}",
                problem_ids=problem_ids,
            )
        )
        day = drive.wd(repaid, rng.randint(3, 12))
    records["bridge_funds"].append(attrs.evolve(fund, draws=tuple(draws)))


def _met(drive: Drive, codes: list[str]) -> tuple[str, ...]:
    """Which whitelist criteria a firm is recorded as meeting (at least the first)."""
    met = [c for c in codes if drive.rng.random() < 0.8]
    return tuple(met or codes[:1])


def _day(value: dt.date | None) -> dt.date:
    """A finance case's settlement day, which the rules always set."""
    if value is None:  # pragma: no cover - the cases are settled by rule
        message = "a finance case without its settlement day"
        raise AssertionError(message)
    return value
