"""Model the 2019 Dezhou drive (德州市进企业、解难题、促发展集中行动), store it and print it.

Run it with ``python examples/dezhou_campaign.py``. It writes to the default
store (``jinjiecu.db`` in the working directory, or ``JINJIECU_STORE``) and
can be run again: what is already stored is left as it is.
"""

from __future__ import annotations

import datetime as dt

from jinjiecu import (
    DEZHOU_DIVISIONS,
    Campaign,
    CampaignId,
    CampaignOffice,
    CampaignTargets,
    Department,
    DepartmentId,
    Money,
    OfficeId,
    OrgLevel,
    china_calendar,
    open_store,
    regions_from_divisions,
    structure,
    unstructure,
)


def main() -> None:
    """Build the drive, check it round-trips, and print a summary in Chinese and English."""
    regions = regions_from_divisions(DEZHOU_DIVISIONS)
    city = next(region for region in regions if region.name == "德州市")
    bureau = Department(
        id=DepartmentId("371400-gxj"),
        name="德州市工业和信息化局",
        level=OrgLevel.CITY,
        region_id=city.id,
    )
    office = CampaignOffice(
        id=OfficeId("371400-office"),
        name="德州市进企业解难题促发展领导小组办公室",
        region_id=city.id,
        host_department_id=bureau.id,
    )
    drive = Campaign.drive(
        id=CampaignId("dezhou-2019"),
        name="进企业、解难题、促发展集中行动",
        region_id=city.id,
        start=dt.date(2019, 10, 10),
        days=50,
        office_id=office.id,
        targets=CampaignTargets(
            backbone_enterprises=100, key_projects=111, renovation_projects=150
        ),
    )
    assert structure(unstructure(drive), Campaign) == drive
    with open_store() as store:
        if drive.id not in store.campaigns:
            with store.transaction() as tx:
                tx.regions.add_many(regions)
                tx.departments.add(bureau)
                tx.offices.add(office)
                tx.campaigns.add(drive)
        stored = store.campaigns.get(drive.id)
        region_count = store.regions.count()
        where = store.url
    assert drive.end is not None
    working_days = china_calendar().working_days_between(
        drive.start - dt.timedelta(days=1), drive.end
    )

    print(f"{drive.name} ({drive.kind.label})")
    span = f"{drive.start:%Y-%m-%d} 至 {drive.end:%Y-%m-%d}"
    print(f"  {span}: {drive.days} 天, {working_days} 个工作日")
    print(f"  牵头: {office.name} (设在{bureau.name})")
    targets = drive.targets
    print(
        f"  目标: 骨干企业 {targets.backbone_enterprises} 家, "
        f"市级重点项目 {targets.key_projects} 个, "
        f"重点工业技改项目 {targets.renovation_projects} 个"
    )
    counties = [region.name for region in regions if region.parent_id == city.id]
    print(f"  县市区及开发区 {len(counties)} 个: {'、'.join(counties)}")
    renewals = Money.parse("19.77亿元")
    print(f"  例: 禹城无还本续贷 {renewals.format()} = {renewals.amount:,} 元")
    print(f"Campaign {stored.id}: {stored.days} days ({working_days} working days).")
    print(f"Stored in {where}: {region_count} regions, the office and the drive.")


if __name__ == "__main__":
    main()
