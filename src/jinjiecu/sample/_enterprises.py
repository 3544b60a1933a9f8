"""Enterprises and projects: industries, firm and project names, the Dezhou targets.

Private to :mod:`jinjiecu.sample`. The industries (with the words firm names
use and the products projects make) are shared with
:func:`~jinjiecu.sample.province`; the Dezhou functions make the backbone
enterprises, the key, renovation and urban-construction projects, and the
firms that own projects, each a target (帮扶对象) of the drive.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.codes import DivisionCode
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.ids import EnterpriseId, ProjectId
from jinjiecu.sample._allocation import allocate, short_name, wan
from jinjiecu.sample._drive import (
    BACKBONE,
    KEY_PROJECTS,
    RENOVATION_PROJECTS,
    URBAN_PROJECTS_COUNT,
    Target,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jinjiecu.domain.org import Region
    from jinjiecu.sample._drive import Drive

__all__ = [
    "INDUSTRIES",
    "Industry",
    "Product",
    "add_enterprise",
    "build_enterprises_and_projects",
]


# ====================================================================== vocabulary


@attrs.frozen
class Product:
    """What a project of an industry makes, in what unit, and the range of its output."""

    name: str
    unit: str
    low: int
    high: int


@attrs.frozen
class Industry:
    """An industry: its label, words for firm names and products for projects."""

    label: str
    words: tuple[str, ...]
    products: tuple[Product, ...]


def _industry(label: str, words: str, *products: tuple[str, str, int, int]) -> Industry:
    """An :class:`Industry` from its label, its words (space-separated) and products."""
    return Industry(label, tuple(words.split()), tuple(Product(*p) for p in products))


INDUSTRIES: Mapping[str, Industry] = {
    industry.label: industry
    for industry in (
        _industry(
            "纺织服装",
            "纺织 棉纺 家纺 服饰 化纤",
            ("紧密纺纱线", "万锭", 5, 30),
            ("功能性面料", "万米", 1000, 6000),
            ("家纺面料", "万米", 500, 3000),
        ),
        _industry(
            "医药制造",
            "制药 药业 生物科技 医疗器械",
            ("原料药", "吨", 100, 2000),
            ("中成药制剂", "亿片", 5, 50),
            ("医用耗材", "万件", 500, 5000),
        ),
        _industry(
            "食品加工",
            "食品 粮油 面粉 调味品 生物",
            ("功能糖", "万吨", 2, 30),
            ("小麦粉", "万吨", 10, 60),
            ("调味品", "万吨", 1, 20),
            ("速冻食品", "万吨", 1, 10),
        ),
        _industry(
            "装备制造",
            "机械 重工 机床 装备 链条",
            ("数控机床", "台", 500, 5000),
            ("农业机械", "台", 1000, 20000),
            ("输送链条", "万米", 100, 1000),
            ("智能装备", "台套", 200, 3000),
        ),
        _industry(
            "新能源",
            "新能源 光伏 太阳能 能源科技",
            ("光伏组件", "兆瓦", 100, 1000),
            ("太阳能集热器", "万平方米", 50, 500),
            ("储能电池", "万千瓦时", 50, 500),
        ),
        _industry(
            "化工",
            "化工 石化 精细化工",
            ("精细化学品", "万吨", 1, 20),
            ("聚氨酯材料", "万吨", 2, 30),
            ("专用化学品", "万吨", 1, 10),
        ),
        _industry(
            "新材料",
            "新材料 玻璃钢 复合材料 碳纤维",
            ("玻璃钢制品", "万吨", 1, 10),
            ("碳纤维复合材料", "吨", 500, 5000),
            ("新型建材", "万平方米", 100, 1000),
        ),
        _industry(
            "暖通空调",
            "空调 暖通 中央空调 风机",
            ("中央空调机组", "台", 2000, 30000),
            ("风机盘管", "万台", 5, 60),
            ("空气源热泵", "万台", 1, 20),
        ),
        _industry(
            "汽车零部件",
            "汽车零部件 汽车配件 车桥",
            ("汽车轮毂", "万只", 50, 500),
            ("新能源汽车电机", "万台", 5, 50),
        ),
        _industry(
            "体育器材",
            "体育用品 健身器材",
            ("智能健身器材", "万台", 1, 20),
            ("体育场馆设施", "套", 500, 5000),
        ),
        _industry(
            "家具木业",
            "家具 木业",
            ("实木家具", "万件", 5, 50),
            ("定制家具", "万套", 1, 10),
        ),
        _industry(
            "农副产品加工",
            "农业科技 农产品 果蔬",
            ("脱水蔬菜", "万吨", 1, 10),
            ("红枣深加工", "万吨", 1, 5),
            ("棉籽蛋白", "万吨", 2, 20),
        ),
    )
}
"""Industries plausible for Dezhou, with words for firm names and products for projects."""

_PUBLIC_KEY_PROJECTS = (
    "人民医院新院区建设项目",
    "职业教育园区项目",
    "污水处理厂提标改造项目",
    "综合客运枢纽项目",
    "体育中心项目",
    "热电联产集中供热项目",
    "冷链物流园项目",
    "妇幼保健院建设项目",
)
_URBAN_PROJECTS = (
    "{road}路道路改造工程",
    "{area}片区老旧小区改造工程",
    "{area}片区雨污分流改造工程",
    "{area}公园提升改造工程",
    "{area}学校新建工程",
    "{road}路综合管廊工程",
)
_PLACE_CHARS = "东西南北新中华德安康平和兴盛文明光长青泰丰"

# ====================================================================== the Dezhou drive's targets


def build_enterprises_and_projects(drive: Drive) -> None:
    """The backbone enterprises and the projects, split over places by weight; all targets."""
    rng = drive.rng
    weights = [drive.profiles[r.id].weight * drive.jitter[r.id] for r in drive.places]
    backbone = allocate(BACKBONE, weights, [2] * len(drive.places))
    key = allocate(KEY_PROJECTS, weights, [3] * len(drive.places))
    renovation = allocate(RENOVATION_PROJECTS, weights, [4] * len(drive.places))
    central = [r for r in drive.places if drive.profiles[r.id].central]
    urban = dict(
        zip(
            (r.id for r in central),
            allocate(URBAN_PROJECTS_COUNT, [drive.profiles[r.id].weight for r in central]),
            strict=True,
        )
    )
    drive.enterprises = []
    drive.trade_names = {}
    drive.targets = []
    drive.by_region = {r.id: [] for r in drive.places}
    for region, count in zip(drive.places, backbone, strict=True):
        for _ in range(count):
            size = rng.choices((SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL), (55, 40, 5))[0]
            firm = add_enterprise(drive, region, size, backbone=True)
            drive.targets.append(Target(region=region, name=firm.name, enterprise=firm))
    drive.projects = []
    counters = dict.fromkeys(ProjectKind, 0)
    for region, keys, renovations in zip(drive.places, key, renovation, strict=True):
        for kind, count in (
            (ProjectKind.CITY_KEY, keys),
            (ProjectKind.TECH_RENOVATION, renovations),
        ):
            for _ in range(count):
                counters[kind] += 1
                _add_project(drive, region, kind, counters[kind])
        for _ in range(urban.get(region.id, 0)):
            counters[ProjectKind.URBAN_CONSTRUCTION] += 1
            _add_project(
                drive,
                region,
                ProjectKind.URBAN_CONSTRUCTION,
                counters[ProjectKind.URBAN_CONSTRUCTION],
            )


def _industry_of(drive: Drive, region: Region) -> Industry:
    """One of ``region``'s industries, the more prominent ones likelier."""
    names = drive.profiles[region.id].industries
    weights = [len(names) + 1 - i for i in range(len(names))]
    return INDUSTRIES[drive.rng.choices(names, weights)[0]]


def add_enterprise(
    drive: Drive,
    region: Region,
    size: SizeClass,
    *,
    backbone: bool,
    industry: Industry | None = None,
) -> Enterprise:
    """A new enterprise of ``region`` with a unique name and credit code, numbered in turn."""
    industry = industry or _industry_of(drive, region)
    name, trade = drive.firms.name(short_name(region.name), industry, size)
    division = region.division_code or DivisionCode(str(region.parent_id))
    old = size is SizeClass.LARGE and drive.rng.random() < 0.6
    firm = Enterprise(
        id=EnterpriseId(f"dz2019-e-{len(drive.enterprises) + 1:03d}"),
        name=name,
        region_id=region.id,
        credit_code=drive.firms.credit_code(division, old_style=old),
        industry=industry.label,
        size=size,
        backbone=backbone,
    )
    drive.enterprises.append(firm)
    drive.trade_names[firm.id] = trade
    drive.by_region[region.id].append(firm)
    return firm


def _add_project(drive: Drive, region: Region, kind: ProjectKind, number: int) -> None:
    """Project ``number`` of ``kind`` in ``region``, with its owner made if need be; a target."""
    rng = drive.rng
    prefix = {
        ProjectKind.CITY_KEY: "k",
        ProjectKind.TECH_RENOVATION: "r",
        ProjectKind.URBAN_CONSTRUCTION: "u",
    }[kind]
    owner: Enterprise | None = None
    place = short_name(region.name)
    backbone = [e for e in drive.by_region[region.id] if e.backbone]
    if kind is ProjectKind.URBAN_CONSTRUCTION:
        template = rng.choice(_URBAN_PROJECTS)
        road = rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_CHARS)
        area = rng.choice(_PLACE_CHARS) + rng.choice("湖园苑城庄河")
        name = f"中心城区{template.format(road=road, area=area)}"
        investment = rng.randrange(2_000, 60_000, 100)
        phase = rng.choices((ProjectPhase.UNDER_CONSTRUCTION, ProjectPhase.APPROVAL), (3, 1))[0]
    else:
        draw = rng.random()
        public = kind is ProjectKind.CITY_KEY and draw < 0.15
        if public:
            name = f"{place}{rng.choice(_PUBLIC_KEY_PROJECTS)}"
        else:
            if backbone and draw < (0.55 if kind is ProjectKind.CITY_KEY else 0.35):
                owner = rng.choice(backbone)
            else:
                size = rng.choices(
                    (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL), (15, 50, 35)
                )[0]
                owner = add_enterprise(drive, region, size, backbone=False)
            industry = INDUSTRIES[owner.industry]
            product = rng.choice(industry.products)
            trade = drive.trade_names[owner.id]
            if kind is ProjectKind.CITY_KEY:
                amount = rng.randint(product.low, product.high)
                name = f"{trade}年产{amount}{product.unit}{product.name}项目"
            else:
                style = rng.choice(("智能化技术改造", "节能降耗技术改造", "扩能技术改造"))
                name = f"{trade}{product.name}生产线{style}项目"
        if kind is ProjectKind.CITY_KEY:
            investment = int(10_000 * math.exp(rng.uniform(0, math.log(30))))
            phase = rng.choices(
                (
                    ProjectPhase.UNDER_CONSTRUCTION,
                    ProjectPhase.APPROVAL,
                    ProjectPhase.PREPARATION,
                ),
                (6, 2, 2),
            )[0]
        else:
            investment = int(2_000 * math.exp(rng.uniform(0, math.log(25))))
            phase = rng.choices(
                (
                    ProjectPhase.UNDER_CONSTRUCTION,
                    ProjectPhase.APPROVAL,
                    ProjectPhase.COMPLETED,
                ),
                (7, 2, 1),
            )[0]
    project = Project(
        id=ProjectId(f"dz2019-{prefix}-{number:03d}"),
        name=name,
        kind=kind,
        region_id=region.id,
        owner_id=owner.id if owner is not None else None,
        planned_investment=wan(investment),
        phase=phase,
    )
    drive.projects.append(project)
    drive.targets.append(Target(region=region, name=name, project=project))
