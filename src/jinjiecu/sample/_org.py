"""The organisation: places, city units, leaders, work groups, the office and the drive.

Private to :mod:`jinjiecu.sample`. The units a prefecture-level city has,
their full names, what their heads are called and the posts whose holders
lead work groups are shared with :func:`~jinjiecu.sample.province`; the
Dezhou counties' profiles (economic weight, industries) and the ``build_*``
functions make the Dezhou drive's organisation on a
:class:`~jinjiecu.sample._drive.Drive`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.campaign import Campaign, CampaignTargets
from jinjiecu.domain.divisions import DEZHOU_DIVISIONS
from jinjiecu.domain.ids import DepartmentId, LeaderId, OfficeId, WorkGroupId
from jinjiecu.domain.org import (
    CampaignOffice,
    Department,
    DepartmentKind,
    Leader,
    LeadershipBody,
    OrgLevel,
    WorkGroup,
    regions_from_divisions,
)
from jinjiecu.sample._allocation import allocate, chinese_number, short_name
from jinjiecu.sample._drive import (
    BACKBONE,
    DEPARTMENTS,
    DRIVE_DAYS,
    DRIVE_START,
    GROUPS,
    KEY_PROJECTS,
    RENOVATION_PROJECTS,
    Group,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jinjiecu.sample._drive import Drive

__all__ = [
    "BODY_POSTS",
    "CITY_UNITS",
    "Profile",
    "build_departments",
    "build_groups",
    "build_leaders",
    "build_office_and_campaign",
    "build_regions",
    "head_title",
    "unit_name",
]


# ====================================================================== vocabulary


@attrs.frozen
class Profile:
    """A county or zone: its economic weight and its industries, most prominent first."""

    weight: int
    industries: tuple[str, ...]
    central: bool = False
    """Part of the central city (中心城区), where the urban-construction projects are."""


_DEZHOU_PROFILES: Mapping[str, Profile] = {
    "德城区": Profile(8, ("装备制造", "纺织服装", "食品加工", "新材料"), central=True),
    "陵城区": Profile(7, ("纺织服装", "装备制造", "化工", "新材料")),
    "宁津县": Profile(6, ("体育器材", "家具木业", "装备制造", "食品加工")),
    "庆云县": Profile(5, ("化工", "新材料", "装备制造")),
    "临邑县": Profile(7, ("化工", "装备制造", "医药制造")),
    "齐河县": Profile(8, ("装备制造", "新材料", "食品加工", "化工")),
    "平原县": Profile(6, ("医药制造", "食品加工", "纺织服装", "装备制造")),
    "夏津县": Profile(6, ("纺织服装", "食品加工", "农副产品加工")),
    "武城县": Profile(6, ("暖通空调", "新材料", "纺织服装", "食品加工")),
    "乐陵市": Profile(8, ("医药制造", "食品加工", "体育器材", "新能源")),
    "禹城市": Profile(8, ("食品加工", "医药制造", "装备制造", "新材料")),
    "德州经济技术开发区": Profile(
        9, ("新能源", "装备制造", "医药制造", "汽车零部件", "新材料"), central=True
    ),
    "德州运河经济开发区": Profile(5, ("新材料", "装备制造", "纺织服装"), central=True),
    "德州天衢新区": Profile(4, ("新能源", "装备制造", "新材料"), central=True),
}
"""Each county-level division and zone under 德州市, by the name in the reference data."""

_G, _P, _PI, _F, _IM, _PL, _O = (
    DepartmentKind.GOVERNMENT,
    DepartmentKind.PARTY,
    DepartmentKind.PUBLIC_INSTITUTION,
    DepartmentKind.FINANCIAL_INSTITUTION,
    DepartmentKind.INTERMEDIARY,
    DepartmentKind.PLATFORM_COMPANY,
    DepartmentKind.OTHER,
)

CITY_UNITS: tuple[tuple[str, str, DepartmentKind], ...] = (
    # Party departments (党委部门): "中共{city}委…"
    ("swbgs", "委办公室", _P),
    ("zzb", "委组织部", _P),
    ("xcb", "委宣传部", _P),
    ("tzb", "委统战部", _P),
    ("zfw", "委政法委", _P),
    ("bb", "委机构编制委员会办公室", _P),
    # Government departments (政府部门): "{city}…"
    ("zfbgs", "政府办公室", _G),
    ("fgw", "发展和改革委员会", _G),
    ("jtj", "教育和体育局", _G),
    ("kjj", "科学技术局", _G),
    ("gxj", "工业和信息化局", _G),
    ("gaj", "公安局", _G),
    ("mzj", "民政局", _G),
    ("sfj", "司法局", _G),
    ("czj", "财政局", _G),
    ("rsj", "人力资源和社会保障局", _G),
    ("zrzyj", "自然资源和规划局", _G),
    ("sthjj", "生态环境局", _G),
    ("zjj", "住房和城乡建设局", _G),
    ("jtysj", "交通运输局", _G),
    ("slj", "水利局", _G),
    ("nyncj", "农业农村局", _G),
    ("swj", "商务局", _G),
    ("wlj", "文化和旅游局", _G),
    ("wjw", "卫生健康委员会", _G),
    ("tyjrj", "退役军人事务局", _G),
    ("yjj", "应急管理局", _G),
    ("sjj", "审计局", _G),
    ("gzw", "人民政府国有资产监督管理委员会", _G),
    ("scjgj", "市场监督管理局", _G),
    ("tjj", "统计局", _G),
    ("ybj", "医疗保障局", _G),
    ("cgj", "城市管理局", _G),
    ("spj", "行政审批服务局", _G),
    ("tcj", "投资促进局", _G),
    ("jrj", "地方金融监督管理局", _G),
    ("dsjj", "大数据局", _G),
    ("xfj", "信访局", _G),
    ("nyj", "能源局", _G),
    ("lcj", "粮食和物资储备局", _G),
    ("rfb", "人民防空办公室", _G),
    # Central departments' branches in the city, named "{branch}{city}{unit}"
    ("sw", "税务局", _G),
    ("hg", "海关", _G),
    ("qxj", "气象局", _G),
    ("yjfj", "银保监分局", _G),
    ("dcd", "调查队", _G),
    ("yzj", "邮政管理局", _G),
    ("xf", "消防救援支队", _G),
    # Courts and procuratorate (bankruptcy, debt disputes)
    ("zy", "中级人民法院", _O),
    ("jcy", "人民检察院", _O),
    # Public institutions (事业单位)
    ("gjj", "住房公积金管理中心", _PI),
    ("ggzy", "公共资源交易中心", _PI),
    # Financial institutions (金融机构)
    ("rh", "中心支行", _F),
    ("gh", "工商银行", _F),
    ("nh", "农业银行", _F),
    ("zh", "中国银行", _F),
    ("jh", "建设银行", _F),
    ("jtyh", "交通银行", _F),
    ("yc", "邮政储蓄银行", _F),
    ("dzyh", "银行", _F),
    # Intermediaries and people's organisations
    ("yhxh", "银行业协会", _IM),
    ("gsl", "工商业联合会", _O),
    ("gdgs", "供电公司", _O),
    # Investment and financing platforms (投融资平台)
    ("ct", "城市建设投资发展集团有限公司", _PL),
    ("cj", "财金投资集团有限公司", _PL),
    ("rzdb", "融资担保有限公司", _PL),
)
"""The city units taking part, by slug: the kinds of bureau a prefecture-level city has."""


def unit_name(city: str, short: str, slug: str, suffix: str) -> str:
    """The full name a city unit goes by, e.g. 德州市发展和改革委员会, 中国银行德州分行."""
    named = {
        "sw": f"国家税务总局{city}税务局",
        "hg": f"{short}海关",
        "qxj": f"{city}气象局",
        "yjfj": f"中国银行保险监督管理委员会{short}监管分局",
        "dcd": f"国家统计局{short}调查队",
        "rh": f"中国人民银行{city}中心支行",
        "gh": f"中国工商银行股份有限公司{short}分行",
        "nh": f"中国农业银行股份有限公司{short}分行",
        "zh": f"中国银行股份有限公司{short}分行",
        "jh": f"中国建设银行股份有限公司{short}分行",
        "jtyh": f"交通银行股份有限公司{short}分行",
        "yc": f"中国邮政储蓄银行股份有限公司{city}分行",
        "dzyh": f"{short}银行股份有限公司",
        "gdgs": f"国网山东省电力公司{short}供电公司",
    }
    if slug in named:
        return named[slug]
    if suffix.startswith("委") and slug not in ("fgw", "wjw"):
        return f"中共{city}{suffix}"
    return f"{city}{suffix}"


def head_title(name: str) -> str:
    """What the head of a unit is called (主要负责人), read from the unit's name."""
    for ending, title in (
        ("办公室", "主任"),
        ("委员会", "主任"),
        ("政法委", "书记"),
        ("部", "部长"),
        ("中心支行", "行长"),
        ("分行", "行长"),
        ("银行股份有限公司", "董事长"),
        ("有限公司", "董事长"),
        ("供电公司", "总经理"),
        ("法院", "院长"),
        ("检察院", "检察长"),
        ("协会", "会长"),
        ("联合会", "主席"),
        ("海关", "关长"),
        ("支队", "支队长"),
        ("调查队", "队长"),
        ("分局", "局长"),
        ("中心", "主任"),
        ("局", "局长"),
    ):
        if name.endswith(ending):
            return title
    return "主要负责人"


BODY_POSTS: Mapping[LeadershipBody, tuple[str, ...]] = {
    LeadershipBody.PARTY_COMMITTEE: (
        "市委副书记",
        "市委常委、组织部部长",
        "市委常委、宣传部部长",
        "市委常委、统战部部长",
        "市委常委、政法委书记",
        "市委常委、秘书长",
        "市委常委、市纪委书记",
        "市委常委、经济技术开发区党工委书记",
        "市委常委、宣传部常务副部长",
    ),
    LeadershipBody.GOVERNMENT: (
        "常务副市长",
        "副市长",
        "副市长",
        "副市长",
        "副市长",
        "副市长",
        "副市长",
        "市政府党组成员",
        "市政府秘书长",
    ),
    LeadershipBody.PEOPLES_CONGRESS: (
        "市人大常委会主任",
        "市人大常委会副主任",
        "市人大常委会副主任",
        "市人大常委会副主任",
        "市人大常委会副主任",
        "市人大常委会副主任",
        "市人大常委会秘书长",
    ),
    LeadershipBody.CPPCC: (
        "市政协主席",
        "市政协副主席",
        "市政协副主席",
        "市政协副主席",
        "市政协副主席",
        "市政协副主席",
        "市政协副主席",
        "市政协秘书长",
    ),
}
"""Posts in each leadership body whose holders lead work groups, senior first."""

# ====================================================================== Dezhou's organisation


def build_regions(drive: Drive) -> None:
    """德州市 and its county-level places, each with its profile and a random weight."""
    rng = drive.rng
    drive.regions = regions_from_divisions(DEZHOU_DIVISIONS)
    drive.city = drive.regions[0]
    drive.places = [r for r in drive.regions if r.parent_id == drive.city.id]
    drive.profiles = {r.id: _DEZHOU_PROFILES[r.name] for r in drive.places}
    drive.jitter = {r.id: 0.85 + 0.3 * rng.random() for r in drive.places}


def build_departments(drive: Drive) -> None:
    """The 66 city departments and units taking part (市直部门、单位)."""
    city, short = drive.city.name, short_name(drive.city.name)
    drive.departments = [
        Department(
            id=DepartmentId(f"dz-{slug}"),
            name=unit_name(city, short, slug, suffix),
            level=OrgLevel.CITY,
            kind=kind,
            region_id=drive.city.id,
        )
        for slug, suffix, kind in CITY_UNITS[:DEPARTMENTS]
    ]
    if len(drive.departments) != DEPARTMENTS:  # pragma: no cover - vocabulary guard
        message = f"the unit vocabulary has {len(drive.departments)} units, not {DEPARTMENTS}"
        raise AssertionError(message)
    drive.unit = {d.id.removeprefix("dz-"): d for d in drive.departments}


def build_leaders(drive: Drive) -> None:
    """Group leaders from the four bodies (groups split by posts, largest remainders)."""
    bodies = list(BODY_POSTS)
    per_body = allocate(GROUPS, [len(BODY_POSTS[b]) for b in bodies])
    drive.body_leaders = []
    for body, count in zip(bodies, per_body, strict=True):
        for post in BODY_POSTS[body][:count]:
            number = len(drive.body_leaders) + 1
            drive.body_leaders.append(
                Leader(
                    id=LeaderId(f"dz2019-l-{number:03d}"),
                    name=drive.people.name(),
                    post=post,
                    body=body,
                    region_id=drive.city.id,
                )
            )
    drive.heads = [
        Leader(
            id=LeaderId(f"dz2019-h-{d.id.removeprefix('dz-')}"),
            name=drive.people.name(),
            post=f"{d.name}{head_title(d.name)}",
            region_id=drive.city.id,
            department_id=d.id,
        )
        for d in drive.departments
    ]
    drive.head_of = {h.department_id: h for h in drive.heads}


def build_groups(drive: Drive) -> None:
    """Groups split over counties and zones by their targets (at least one each)."""
    rng = drive.rng
    targets_in = {r.id: [t for t in drive.targets if t.region.id == r.id] for r in drive.places}
    per_region = allocate(
        GROUPS, [len(targets_in[r.id]) for r in drive.places], [1] * len(drive.places)
    )
    slots = [r for r, n in zip(drive.places, per_region, strict=True) for _ in range(n)]
    rng.shuffle(slots)
    drive.groups = [
        Group(number=n + 1, leader=leader, region=region)
        for n, (leader, region) in enumerate(zip(drive.body_leaders, slots, strict=True))
    ]
    # Departments dealt round the groups, so each has two or three (66 over 27).
    units = list(drive.departments)
    rng.shuffle(units)
    for index, unit in enumerate(units):
        group = drive.groups[index % GROUPS]
        group.departments.append(unit)
        group.heads.append(drive.head_of[unit.id])
    # Each county's or zone's targets dealt round its groups.
    for region in drive.places:
        groups = [g for g in drive.groups if g.region.id == region.id]
        mine = list(targets_in[region.id])
        rng.shuffle(mine)
        for index, target in enumerate(mine):
            groups[index % len(groups)].targets.append(target)
    for group in drive.groups:
        group.targets.sort(key=lambda t: (t.enterprise is None, t.project_id or "", t.name))
        group.record = WorkGroup(
            id=WorkGroupId(f"dz2019-g-{group.number:02d}"),
            name=f"市级第{chinese_number(group.number)}工作组（{group.region.name}）",
            campaign_id=drive.campaign_id,
            level=OrgLevel.CITY,
            region_id=drive.city.id,
            leader_ids=(group.leader.id, *(h.id for h in group.heads)),
            department_ids=tuple(d.id for d in group.departments),
            enterprise_ids=tuple(
                t.enterprise.id for t in group.targets if t.enterprise is not None
            ),
            project_ids=tuple(t.project.id for t in group.targets if t.project is not None),
        )


def build_office_and_campaign(drive: Drive) -> None:
    """The office (领导小组办公室, hosted by 市工信局) and the drive (集中行动) itself."""
    drive.office = CampaignOffice(
        id=OfficeId("dz2019-office"),
        name="德州市“进企业、解难题、促发展”工作领导小组办公室",
        region_id=drive.city.id,
        host_department_id=drive.unit["gxj"].id,
    )
    drive.campaign = Campaign.drive(
        id=drive.campaign_id,
        name="领导干部“进企业、解难题、促发展”集中行动",
        region_id=drive.city.id,
        start=DRIVE_START,
        days=DRIVE_DAYS,
        targets=CampaignTargets(
            backbone_enterprises=BACKBONE,
            key_projects=KEY_PROJECTS,
            renovation_projects=RENOVATION_PROJECTS,
        ),
        office_id=drive.office.id,
        department_ids=tuple(d.id for d in drive.departments),
    )
