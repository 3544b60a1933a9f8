"""A synthetic province's layout: cities, counties, who belongs where, and its fixed records.

Private to :mod:`jinjiecu.sample`. :class:`Layout` makes every record of the
province that does not depend on its problems (the organisation, the
enterprises and the projects) as a function of the seed and the record's
number, a chunk at a time, so that the records never depend on the batch
size of :func:`~jinjiecu.sample.province`.
"""

from __future__ import annotations

import datetime as dt
import math

import attrs

from jinjiecu.domain.calendar import china_calendar
from jinjiecu.domain.campaign import Campaign, CampaignKind
from jinjiecu.domain.codes import (
    CREDIT_CODE_ALPHABET,
    CreditCode,
    DivisionCode,
    credit_code_check_character,
)
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    EnterpriseId,
    LeaderId,
    OfficeId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.org import CampaignOffice, Department, Leader, OrgLevel, Region, WorkGroup
from jinjiecu.sample._allocation import (
    Firms,
    People,
    allocate,
    chinese_number,
    short_name,
    stream,
    wan,
)
from jinjiecu.sample._drive import DEPARTMENTS, GROUPS
from jinjiecu.sample._enterprises import INDUSTRIES
from jinjiecu.sample._org import BODY_POSTS, CITY_UNITS, head_title, unit_name
from jinjiecu.sample._records import SampleBatch

__all__ = ["CHUNK", "PROVINCE_LAST_VISIT", "PROVINCE_START", "County", "Layout"]


_SHANDONG_CITIES = (
    ("370100", "济南市"),
    ("370200", "青岛市"),
    ("370300", "淄博市"),
    ("370400", "枣庄市"),
    ("370500", "东营市"),
    ("370600", "烟台市"),
    ("370700", "潍坊市"),
    ("370800", "济宁市"),
    ("370900", "泰安市"),
    ("371000", "威海市"),
    ("371100", "日照市"),
    ("371300", "临沂市"),
    ("371400", "德州市"),
    ("371500", "聊城市"),
    ("371600", "滨州市"),
    ("371700", "菏泽市"),
)
"""山东省's 16 prefecture-level cities (GB/T 2260, 2019 onwards)."""

_ENTERPRISES_PER_COUNTY = 800
_FIRST_SYNTHETIC_COUNTY = 51
"""Synthetic county codes run from xxxx51, a range no Shandong city uses: none is a real place."""
_MAX_COUNTIES_PER_CITY = 30
CHUNK = 1_000
"""Records drawn from one random stream: the data never depends on the batch size."""
PROVINCE_START = dt.date(2020, 1, 1)
PROVINCE_LAST_VISIT = dt.date(2024, 12, 31)
_ORG_MULTIPLIER = 1_000_003
"""Coprime with 31, so organisation codes n × this + offset (mod 31^7) never repeat."""


def _base31(value: int, width: int) -> str:
    """``value`` as ``width`` digits of the credit-code alphabet (base 31)."""
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        digits.append(CREDIT_CODE_ALPHABET[digit])
    return "".join(reversed(digits))


@attrs.frozen
class County:
    """A synthetic county: its region, its city's number and its three industries."""

    region: Region
    city: int
    industries: tuple[str, ...]


class Layout:
    """The layout of a synthetic province: every record is a function of the seed and its number."""

    def __init__(self, enterprises: int, seed: int) -> None:
        self.seed = seed
        self.calendar = china_calendar()
        self.enterprise_count = enterprises
        self.project_count = enterprises // 10
        rng = stream(f"{seed}:layout")
        per_city = round(enterprises / len(_SHANDONG_CITIES) / _ENTERPRISES_PER_COUNTY)
        self.per_city = min(max(1, per_city), _MAX_COUNTIES_PER_CITY)
        self.groups_per_city = max(GROUPS, self.per_city)
        self.code_offset = rng.randrange(31**7)
        self.province = Region(
            id=RegionId("370000"),
            name="山东省",
            kind=DivisionKind.PROVINCE,
            division_code=DivisionCode("370000"),
        )
        self.cities = [
            Region(
                id=RegionId(code),
                name=name,
                kind=DivisionKind.CITY,
                division_code=DivisionCode(code),
                parent_id=self.province.id,
            )
            for code, name in _SHANDONG_CITIES
        ]
        labels = list(INDUSTRIES)
        # County k (0-based) is the (k // 16 + 1)-th county of city k % 16.
        self.counties = []
        for k in range(self.per_city * len(self.cities)):
            city_index, local = k % len(self.cities), k // len(self.cities)
            city = self.cities[city_index]
            code = f"{city.id[:4]}{_FIRST_SYNTHETIC_COUNTY + local:02d}"
            self.counties.append(
                County(
                    region=Region(
                        id=RegionId(code),
                        name=f"{short_name(city.name)}样例{chinese_number(local + 1)}县",
                        kind=DivisionKind.COUNTY,
                        division_code=DivisionCode(code),
                        parent_id=city.id,
                    ),
                    city=city_index,
                    industries=tuple(rng.sample(labels, 3)),
                )
            )

    # ---------------------------------------------------------------- who belongs where

    def county_of(self, enterprise: int) -> County:
        """The county of enterprise number ``enterprise``: counties in turn."""
        return self.counties[enterprise % len(self.counties)]

    def group_of(self, enterprise: int) -> tuple[int, int]:
        """(city, group) of the group assigned ``enterprise``: its county's groups in turn."""
        k = enterprise % len(self.counties)
        local = k // len(self.cities)
        candidates = range(local, self.groups_per_city, self.per_city)
        turn = (enterprise // len(self.counties)) % len(candidates)
        return k % len(self.cities), candidates[turn]

    def project_of(self, enterprise: int) -> int | None:
        """The project ``enterprise`` owns, if any: every tenth enterprise owns one."""
        if enterprise % 10 == 0 and enterprise // 10 < self.project_count:
            return enterprise // 10
        return None

    @staticmethod
    def project_kind(project: int) -> ProjectKind:
        """Every third project is a key project, the others renovations."""
        return ProjectKind.CITY_KEY if project % 3 == 0 else ProjectKind.TECH_RENOVATION

    def enterprise_id(self, n: int) -> EnterpriseId:
        """The id of enterprise number ``n``."""
        return EnterpriseId(f"sd-e-{n:07d}")

    def project_id(self, n: int) -> ProjectId:
        """The id of project number ``n``."""
        return ProjectId(f"sd-j-{n:06d}")

    def group_id(self, city: int, group: int) -> WorkGroupId:
        """The id of group number ``group`` of city number ``city``."""
        return WorkGroupId(f"{self.cities[city].id}-g-{group + 1:02d}")

    def campaign_id(self, city: int) -> CampaignId:
        """The id of city number ``city``'s standing campaign."""
        return CampaignId(f"{self.cities[city].id}-standing")

    def unit_id(self, city: int, slug: str) -> DepartmentId:
        """The id of city number ``city``'s unit ``slug``."""
        return DepartmentId(f"{self.cities[city].id}-{slug}")

    def leader_id(self, city: int, group: int) -> LeaderId:
        """The id of the leader of group number ``group`` of city number ``city``."""
        return LeaderId(f"{self.cities[city].id}-l-{group + 1:02d}")

    # ---------------------------------------------------------------- the batches

    def organisation(self) -> SampleBatch:
        """Regions, units, leaders, offices, standing campaigns and work groups."""
        rng = stream(f"{self.seed}:organisation")
        people = People(rng)
        assigned: dict[tuple[int, int], tuple[list[EnterpriseId], list[ProjectId]]] = {
            (c, g): ([], []) for c in range(len(self.cities)) for g in range(self.groups_per_city)
        }
        for n in range(self.enterprise_count):
            firms, projects = assigned[self.group_of(n)]
            firms.append(self.enterprise_id(n))
            project = self.project_of(n)
            if project is not None:
                projects.append(self.project_id(project))
        departments, leaders, offices, campaigns, groups = [], [], [], [], []
        bodies = list(BODY_POSTS)
        per_body = allocate(self.groups_per_city, [len(BODY_POSTS[b]) for b in bodies])
        posts = [
            (b, post) for b, n in zip(bodies, per_body, strict=True) for post in BODY_POSTS[b][:n]
        ]
        for c, city in enumerate(self.cities):
            short = short_name(city.name)
            units = [
                Department(
                    id=self.unit_id(c, slug),
                    name=unit_name(city.name, short, slug, suffix),
                    level=OrgLevel.CITY,
                    kind=kind,
                    region_id=city.id,
                )
                for slug, suffix, kind in CITY_UNITS[:DEPARTMENTS]
            ]
            departments += units
            heads = [
                Leader(
                    id=LeaderId(f"{u.id}-head"),
                    name=people.name(),
                    post=f"{u.name}{head_title(u.name)}",
                    region_id=city.id,
                    department_id=u.id,
                )
                for u in units
            ]
            leaders += heads
            office = CampaignOffice(
                id=OfficeId(f"{city.id}-office"),
                name=f"{city.name}“进企业、解难题、促发展”工作领导小组办公室",
                region_id=city.id,
                host_department_id=self.unit_id(c, "gxj"),
            )
            offices.append(office)
            campaigns.append(
                Campaign(
                    id=self.campaign_id(c),
                    name=f"{city.name}“进企业、解难题、促发展”常态化工作",
                    kind=CampaignKind.STANDING,
                    region_id=city.id,
                    start=PROVINCE_START,
                    office_id=office.id,
                    department_ids=tuple(u.id for u in units),
                )
            )
            for g, (body, post) in enumerate(posts):
                leader = Leader(
                    id=self.leader_id(c, g),
                    name=people.name(),
                    post=post,
                    body=body,
                    region_id=city.id,
                )
                leaders.append(leader)
                members = heads[g :: self.groups_per_city]
                county = self.counties[c + len(self.cities) * (g % self.per_city)].region
                firms, projects = assigned[c, g]
                groups.append(
                    WorkGroup(
                        id=self.group_id(c, g),
                        name=f"市级第{chinese_number(g + 1)}工作组（{county.name}）",
                        campaign_id=self.campaign_id(c),
                        level=OrgLevel.CITY,
                        region_id=city.id,
                        leader_ids=(leader.id, *(h.id for h in members)),
                        department_ids=tuple(h.department_id for h in members if h.department_id),
                        enterprise_ids=tuple(firms),
                        project_ids=tuple(projects),
                    )
                )
        return SampleBatch(
            regions=[self.province, *self.cities, *(c.region for c in self.counties)],
            departments=departments,
            leaders=leaders,
            offices=offices,
            campaigns=campaigns,
            work_groups=groups,
        )

    def enterprises(self, chunk: int) -> list[Enterprise]:
        """The enterprises of chunk ``chunk``, with valid credit codes of their county."""
        rng = stream(f"{self.seed}:enterprises:{chunk}")
        firms = Firms(rng)
        made = []
        for n in range(chunk * CHUNK, min((chunk + 1) * CHUNK, self.enterprise_count)):
            county = self.county_of(n)
            size = rng.choices(
                (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO),
                (3, 17, 50, 30),
            )[0]
            industry = INDUSTRIES[rng.choice(county.industries)]
            name, _ = firms.name(short_name(county.region.name), industry, size)
            first17 = (
                f"91{county.region.division_code}MA"
                f"{_base31((n * _ORG_MULTIPLIER + self.code_offset) % 31**7, 7)}"
            )
            made.append(
                Enterprise(
                    id=self.enterprise_id(n),
                    name=name,
                    region_id=county.region.id,
                    credit_code=CreditCode(first17 + credit_code_check_character(first17)),
                    industry=industry.label,
                    size=size,
                    backbone=size is SizeClass.LARGE
                    or (size is SizeClass.MEDIUM and rng.random() < 0.3),
                )
            )
        return made

    def projects(self, chunk: int) -> list[Project]:
        """The projects of chunk ``chunk``: every tenth enterprise owns one."""
        rng = stream(f"{self.seed}:projects:{chunk}")
        firms = Firms(rng)
        made = []
        for q in range(chunk * CHUNK, min((chunk + 1) * CHUNK, self.project_count)):
            owner = q * 10
            county = self.county_of(owner)
            industry = INDUSTRIES[rng.choice(county.industries)]
            product = rng.choice(industry.products)
            kind = self.project_kind(q)
            if kind is ProjectKind.CITY_KEY:
                amount = rng.randint(product.low, product.high)
                name = f"{firms.trade_name()}年产{amount}{product.unit}{product.name}项目"
                investment = int(10_000 * math.exp(rng.uniform(0, math.log(30))))
            else:
                name = f"{firms.trade_name()}{product.name}生产线技术改造项目"
                investment = int(2_000 * math.exp(rng.uniform(0, math.log(25))))
            made.append(
                Project(
                    id=self.project_id(q),
                    name=name,
                    kind=kind,
                    region_id=county.region.id,
                    owner_id=self.enterprise_id(owner),
                    planned_investment=wan(investment),
                    phase=rng.choice((ProjectPhase.UNDER_CONSTRUCTION, ProjectPhase.APPROVAL)),
                )
            )
        return made
