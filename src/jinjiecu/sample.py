"""Sample data: a seeded, rule-built 2019 Dezhou drive, and the same rules at a province's scale.

:func:`dezhou_2019` builds the drive of the source article (德州市领导干部
"进企业、解难题、促发展"集中行动, from 2019-10-10 for 50 days): the city's
divisions and zones, 66 departments and units (市直部门、单位), 27 city-level
work groups (市级工作组) led by members of the four leadership bodies
(市委、市政府、市人大、市政协), 100 backbone enterprises (骨干企业) with valid
unified social credit codes, 111 key projects (市级重点项目), 150 technical-
renovation projects (重点工业技改项目) and a few urban-construction projects
(城建项目), the groups' visits (进厂入企) and the problems they found, each with
its full history, plus the Wucheng and Yucheng finance cases (债务化解, 担保链,
债委会, 无还本续贷, 优质小微企业名单库, 过桥资金). Nothing is typed in: names
come from lists of surnames, given-name characters and trade-name characters,
counts are split by rule (largest remainders), and every history is built
through :meth:`Problem.register <jinjiecu.domain.problem.Problem.register>`
and :meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>`.

As of the report moment, the end of 2019-11-13 in China Standard Time
(:attr:`SampleData.as_of`), the sample gives the city-level figures the article
reports ("截至目前，27个市级工作组共计进厂入企439次，共梳理问题153个，正在办理
139个，已帮助解决完成14个"): 439 visits, 153 problems identified (156
registered, of which 2 were merged as duplicates and 1 rejected), 139 in
progress and 14 resolved. Histories go on to the drive's end on 2019-11-28:
more problems are resolved, followed up (回访) and closed (办结), some
explained (解释清楚), two reopened (重办) after a dissatisfied follow-up, some
suspended (暂缓) or extended (延期), one withdrawn.

>>> drive = dezhou_2019()
>>> drive.counts()["work_groups"], drive.counts()["visits_as_of"], drive.counts()["problems_as_of"]
(27, 439, 156)

:func:`province` applies the same rules to a synthetic province (Shandong's 16
cities with synthetic counties, 100,000 enterprises and 1,000,000 problems by
default) and yields the records in batches, so that a benchmark can load them
without holding them all in memory.

Every id is derived from the seed's rules, never from the clock, so the same
seed always gives equal data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.calendar import WorkingCalendar, china_calendar
from jinjiecu.domain.campaign import Campaign, CampaignKind, CampaignTargets
from jinjiecu.domain.clock import CHINA_TZ, at, local_date
from jinjiecu.domain.codes import (
    CREDIT_CODE_ALPHABET,
    CreditCode,
    DivisionCode,
    credit_code_check_character,
)
from jinjiecu.domain.divisions import DEZHOU_DIVISIONS, DivisionKind
from jinjiecu.domain.enterprise import Enterprise, Project, ProjectKind, ProjectPhase, SizeClass
from jinjiecu.domain.events import (
    Assign,
    Close,
    ConsultationKind,
    Escalate,
    EventData,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    HandlingLevel,
    MergeInto,
    Register,
    Reject,
    Reopen,
    Resolve,
    Resume,
    Satisfaction,
    Scope,
    Start,
    Suspend,
    Withdraw,
)
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
    CampaignId,
    CoordinatedFinancingId,
    CreditorCommitteeId,
    DebtResolutionId,
    DepartmentId,
    EnterpriseId,
    GuaranteeLinkId,
    LeaderId,
    LoanRenewalId,
    OfficeId,
    ProblemId,
    ProjectId,
    RegionId,
    VisitId,
    WhitelistId,
    WorkGroupId,
)
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import (
    CampaignOffice,
    Department,
    DepartmentKind,
    Leader,
    LeadershipBody,
    OrgLevel,
    Region,
    WorkGroup,
    regions_from_divisions,
)
from jinjiecu.domain.problem import Actor, ActorKind, Problem
from jinjiecu.domain.visit import Visit, VisitKind
from jinjiecu.domain.workflow import EXCLUDED_STATES, ProblemState
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from jinjiecu.storage.base import Store

__all__ = ["SampleBatch", "SampleData", "dezhou_2019", "province"]


# ====================================================================== the records


def _as_records(values: Iterable[Any]) -> tuple[Any, ...]:
    """Keep a kind's records as a tuple (lists and other iterables are accepted)."""
    return tuple(values)


def _how_many(values: tuple[Any, ...]) -> str:
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


# ====================================================================== vocabulary
#
# Word lists the generators draw from. They are vocabulary, not data: no list
# holds a record of the sample.

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾毛郝"
    "龚邵万钱严武戴孔汤庞宁"
)
_GIVEN = (
    "建国志明永春秀英华玉海军伟强平东文立红新德庆宏成林峰刚勇杰涛斌亮波辉鹏敏静丽燕霞芳洁"
    "梅兰凤琳晓振学忠云光书长爱连胜金延俊良广兴荣福祥瑞利民安保家玲雪宁慧颖琦浩宇博超磊鑫"
)
_ARTICLE_PEOPLE = frozenset(
    {"陈勇", "朱恩鹤", "高秀鹏", "王大山", "滕海强", "王爱民", "李志永", "杨德林", "刘霞", "李霞"}
    | {"耿娜"}
)
"""People the article names; generated officials never carry their names."""

_TRADE = (
    "华鲁德信恒泰瑞龙祥宏盛兴丰源达宇正昌隆鑫金海天力通远明新科创诚润利康安嘉晨博合众益永佳欣凯晶"
)
_ARTICLE_TRADE_NAMES = frozenset(
    {"贝州", "恒丰", "英潮", "发达", "纵英", "环升", "富路", "宏祥", "中昊", "蓝天", "华盛", "德建"}
)
"""Trade names (字号) of firms the article names; generated firms never use them."""


@attrs.frozen
class _Product:
    name: str
    unit: str
    low: int
    high: int


@attrs.frozen
class _Industry:
    label: str
    words: tuple[str, ...]
    products: tuple[_Product, ...]


def _industry(label: str, words: str, *products: tuple[str, str, int, int]) -> _Industry:
    return _Industry(label, tuple(words.split()), tuple(_Product(*p) for p in products))


_INDUSTRIES: Mapping[str, _Industry] = {
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


@attrs.frozen
class _Profile:
    """A county or zone: its economic weight and its industries, most prominent first."""

    weight: int
    industries: tuple[str, ...]
    central: bool = False
    """Part of the central city (中心城区), where the urban-construction projects are."""


_DEZHOU_PROFILES: Mapping[str, _Profile] = {
    "德城区": _Profile(8, ("装备制造", "纺织服装", "食品加工", "新材料"), central=True),
    "陵城区": _Profile(7, ("纺织服装", "装备制造", "化工", "新材料")),
    "宁津县": _Profile(6, ("体育器材", "家具木业", "装备制造", "食品加工")),
    "庆云县": _Profile(5, ("化工", "新材料", "装备制造")),
    "临邑县": _Profile(7, ("化工", "装备制造", "医药制造")),
    "齐河县": _Profile(8, ("装备制造", "新材料", "食品加工", "化工")),
    "平原县": _Profile(6, ("医药制造", "食品加工", "纺织服装", "装备制造")),
    "夏津县": _Profile(6, ("纺织服装", "食品加工", "农副产品加工")),
    "武城县": _Profile(6, ("暖通空调", "新材料", "纺织服装", "食品加工")),
    "乐陵市": _Profile(8, ("医药制造", "食品加工", "体育器材", "新能源")),
    "禹城市": _Profile(8, ("食品加工", "医药制造", "装备制造", "新材料")),
    "德州经济技术开发区": _Profile(
        9, ("新能源", "装备制造", "医药制造", "汽车零部件", "新材料"), central=True
    ),
    "德州运河经济开发区": _Profile(5, ("新材料", "装备制造", "纺织服装"), central=True),
    "德州天衢新区": _Profile(4, ("新能源", "装备制造", "新材料"), central=True),
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

_CITY_UNITS: tuple[tuple[str, str, DepartmentKind], ...] = (
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


def _unit_name(city: str, short: str, slug: str, suffix: str) -> str:
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


def _head_title(name: str) -> str:
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


_BODY_POSTS: Mapping[LeadershipBody, tuple[str, ...]] = {
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


@attrs.frozen
class _Category:
    """How problems of one category (问题类别) arise, who handles them and how they end."""

    weight_enterprise: int
    weight_key: int
    weight_renovation: int
    weight_urban: int
    difficulty: int
    """0 easy, 1 medium, 2 hard: how long settling takes."""
    departments: tuple[str, ...]
    """Slugs of the units that lead (first found in the group, else the first) or co-handle."""
    titles: tuple[str, ...]
    resolutions: tuple[str, ...]
    explanations: tuple[str, ...]
    common_share: float
    """The share of common problems (共性问题), handled at county level."""


_CATEGORIES: Mapping[str, _Category] = {
    "financing": _Category(
        24,
        12,
        18,
        8,
        2,
        ("jrj", "rh", "yjfj", "zh", "gh", "nh", "jh", "rzdb"),
        (
            "流动资金贷款到期续贷困难",
            "银行抽贷压贷，资金周转紧张",
            "互保担保链风险，需协调银行稳贷",
            "项目建设资金缺口较大",
            "申请技改专项贷款贴息",
            "应收账款回款慢，融资渠道单一",
        ),
        (
            "协调银行办理无还本续贷，缓解资金周转压力",
            "协调金融机构新增授信，资金已到位",
            "协调银行稳贷续贷，未抽贷压贷",
            "协调融资担保公司提供担保，贷款已发放",
        ),
        ("企业暂不符合授信条件，已向企业解释清楚，待经营改善后再行对接",),
        0.15,
    ),
    "land_use": _Category(
        12,
        18,
        10,
        15,
        2,
        ("zrzyj", "spj", "fgw"),
        (
            "新厂区建设用地指标不足",
            "项目用地土地证办理缓慢",
            "项目选址需调整土地利用总体规划",
            "闲置土地处置需协调",
            "厂区扩建用地手续未办结",
        ),
        (
            "协调自然资源部门调剂用地指标，用地已落实",
            "开辟绿色通道，不动产权证已办结",
            "土地利用总体规划调整方案已获批复",
        ),
        ("受年度用地计划限制，暂无法安排指标，已向企业解释清楚",),
        0.10,
    ),
    "approval_procedures": _Category(
        10,
        18,
        14,
        20,
        1,
        ("spj", "zrzyj", "zjj", "sthjj", "fgw"),
        (
            "项目环评审批进度慢",
            "施工许可证办理周期长",
            "建设工程规划许可手续未办结",
            "消防设计审查办理慢",
            "项目立项备案需协调",
        ),
        (
            "实行并联审批，审批手续已办结",
            "容缺受理，施工许可证已核发",
            "帮办代办，规划许可已办结",
        ),
        ("项目前置条件不具备，暂无法办理，已向企业解释清楚",),
        0.20,
    ),
    "project_construction": _Category(
        3,
        20,
        16,
        25,
        1,
        ("zjj", "fgw", "spj", "zrzyj"),
        (
            "项目施工道路未打通",
            "施工用水用电未接入",
            "试桩工程需在取得施工许可证前进行",
            "项目竣工验收需协调",
            "周边群众阻工，施工受阻",
        ),
        (
            "协调施工用水用电接入，项目顺利推进",
            "按审批制度改革措施允许先行试桩，已开工",
            "组织联合验收，项目已竣工验收",
        ),
        ("涉及周边规划统筹，暂无法实施，已向企业解释清楚",),
        0.10,
    ),
    "environmental_governance": _Category(
        7,
        6,
        10,
        4,
        1,
        ("sthjj", "gxj"),
        (
            "环保限产影响正常生产",
            "排污许可证核发进度慢",
            "挥发性有机物治理设施改造资金不足",
            "危险废物处置渠道不畅",
        ),
        (
            "指导完成环保设施改造，已通过验收",
            "排污许可证已核发",
            "协调危废处置单位签订处置协议",
        ),
        ("按重污染天气应急管控要求执行，已向企业解释清楚",),
        0.40,
    ),
    "policy_fulfilment": _Category(
        9,
        4,
        12,
        2,
        0,
        ("czj", "gxj", "kjj", "sw", "rsj"),
        (
            "技改补助资金未拨付",
            "高新技术企业奖励未兑现",
            "研发费用加计扣除政策落实",
            "招商引资优惠政策兑现慢",
        ),
        (
            "补助资金已拨付到位",
            "奖励资金已兑现",
            "税务部门上门辅导，政策已落实",
        ),
        ("不符合政策兑现条件，已向企业解释清楚",),
        0.40,
    ),
    "planning_adjustment": _Category(
        4,
        8,
        4,
        12,
        2,
        ("zrzyj", "zjj"),
        (
            "厂区控制性详细规划需调整",
            "项目容积率需调整",
            "项目选址与土地利用总体规划不符",
        ),
        ("规划调整方案已获批复",),
        ("规划调整需按程序报批，周期较长，已向企业解释清楚",),
        0.05,
    ),
    "resource_integration": _Category(
        6,
        2,
        4,
        1,
        2,
        ("gxj", "gzw", "jrj", "zy"),
        (
            "闲置车间需盘活利用",
            "老厂区闲置资产需处置",
            "兼并重组需协调",
        ),
        (
            "闲置资产已盘活利用",
            "协调意向企业收购闲置资产，已签约",
        ),
        ("资产权属存在争议，暂无法处置，已向企业解释清楚",),
        0.10,
    ),
    "talent_labour": _Category(
        7,
        1,
        3,
        1,
        0,
        ("rsj", "jtj", "kjj"),
        (
            "一线技术工人招工难",
            "高层次人才子女入学",
            "人才公寓配套不足",
        ),
        (
            "协调人社部门组织专场招聘会",
            "协调教育部门解决子女入学",
        ),
        ("人才公寓建设需纳入年度计划，已向企业解释清楚",),
        0.45,
    ),
    "infrastructure": _Category(
        4,
        6,
        4,
        10,
        1,
        ("gdgs", "jtysj", "zjj", "fgw"),
        (
            "用电增容审批周期长",
            "天然气管道未接入",
            "园区道路配套不完善",
            "供热管网未覆盖",
        ),
        (
            "供电增容工程已完工",
            "天然气管道已接入",
            "园区道路已修复",
        ),
        ("管网建设需纳入明年计划，已向企业解释清楚",),
        0.40,
    ),
    "production_operation": _Category(
        12,
        2,
        4,
        0,
        0,
        ("gxj", "swj", "scjgj"),
        (
            "原材料价格上涨，成本压力大",
            "产品市场开拓困难",
            "物流运输受限",
            "出口订单下降",
        ),
        (
            "协调上下游企业对接，订单恢复",
            "组织产销对接会，市场已拓展",
        ),
        ("属市场经营行为，已向企业解释清楚并提供信息服务",),
        0.25,
    ),
    "other": _Category(
        2,
        1,
        1,
        1,
        0,
        ("gxj", "gaj", "cgj"),
        (
            "企业周边治安环境需改善",
            "职工通勤公交线路需调整",
        ),
        ("已协调相关部门解决",),
        ("已向企业解释清楚",),
        0.20,
    ),
}
"""The default taxonomy's categories as they occur: weights per target, units, texts."""

_CODES = tuple(_CATEGORIES)
_CATEGORY_WEIGHTS: Mapping[str, tuple[int, ...]] = {
    "enterprise": tuple(c.weight_enterprise for c in _CATEGORIES.values()),
    ProjectKind.CITY_KEY.value: tuple(c.weight_key for c in _CATEGORIES.values()),
    ProjectKind.TECH_RENOVATION.value: tuple(c.weight_renovation for c in _CATEGORIES.values()),
    ProjectKind.URBAN_CONSTRUCTION.value: tuple(c.weight_urban for c in _CATEGORIES.values()),
}
"""How likely each category (in taxonomy order) is, for each kind of target."""

_HARD = frozenset(code for code, category in _CATEGORIES.items() if category.difficulty == 2)

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

_VISIT_NOTES = {
    VisitKind.VISIT: ("了解企业生产经营和项目建设情况", "听取企业意见建议", "调研项目建设进展"),
    VisitKind.ONSITE_OFFICE: ("现场办公，研究解决企业诉求", "召开现场办公会，协调推进项目建设"),
}


# ====================================================================== small rules


def _allocate(
    total: int, weights: Sequence[float | int], minimums: Sequence[int] | None = None
) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights``, each at least its minimum.

    The largest-remainder rule (Hamilton's method): floors first, then one more
    to the largest remainders, ties to the earlier position. The parts always
    add up to ``total`` exactly.

    >>> _allocate(439, [3, 2, 2])
    [188, 126, 125]
    """
    floor = list(minimums) if minimums is not None else [0] * len(weights)
    rest = total - sum(floor)
    if rest < 0 or not weights or len(floor) != len(weights):
        message = f"cannot split {total} over {len(weights)} parts with minimums {floor}"
        raise ValueError(message)
    exact = [Fraction(w) for w in weights]
    whole = sum(exact)
    quotas = [rest * w / whole for w in exact] if whole else [Fraction(0)] * len(exact)
    parts = [math.floor(q) for q in quotas]
    left = rest - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [f + p for f, p in zip(floor, parts, strict=True)]


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals: 3 → 三, 10 → 十, 27 → 二十七."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def _short(name: str) -> str:
    """A place's short name: 乐陵市 → 乐陵, 德州经济技术开发区 → 德州."""
    if name.startswith("德州") and len(name) > 3:
        return "德州"
    return name[:-1] if len(name) > 2 else name


class _People:
    """Unique personal names from surnames and given-name characters."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set(_ARTICLE_PEOPLE)

    def name(self) -> str:
        rng = self._rng
        while True:
            given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
            name = rng.choice(_SURNAMES) + given
            if name not in self._used:
                self._used.add(name)
                return name


class _Firms:
    """Firm names and valid credit codes, unique within a sample."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names: set[str] = set()
        self._codes: set[str] = set()

    def trade_name(self) -> str:
        rng = self._rng
        while True:
            first, second = rng.choice(_TRADE), rng.choice(_TRADE)
            trade = first + second
            if first != second and trade not in _ARTICLE_TRADE_NAMES:
                return trade

    def name(self, place: str, industry: _Industry, size: SizeClass) -> tuple[str, str]:
        """A firm name and its trade name (字号), e.g. 乐陵华泰药业有限公司."""
        rng = self._rng
        while True:
            trade = self.trade_name()
            if size is SizeClass.LARGE:
                form = rng.choice(("集团有限公司", "集团股份有限公司", "股份有限公司"))
            elif size is SizeClass.MEDIUM:
                form = rng.choice(("有限公司", "有限公司", "股份有限公司"))
            else:
                form = "有限公司"
            prefix = rng.choice((place, place, "山东", "德州")) if place else "山东"
            name = f"{prefix}{trade}{rng.choice(industry.words)}{form}"
            if name not in self._names:
                self._names.add(name)
                return name, trade

    def credit_code(self, division: DivisionCode, *, old_style: bool) -> CreditCode:
        """A valid code: 91, the division, then a new (MA3…) or an old organisation code."""
        rng = self._rng
        while True:
            if old_style:  # an organisation code from before 2015 (8 digits, a check character)
                org = "".join(rng.choice("0123456789") for _ in range(8))
                org += rng.choice(CREDIT_CODE_ALPHABET[:11] + "X")
            else:
                org = "MA3" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
            first17 = f"91{division}{org}"
            code = CreditCode(first17 + credit_code_check_character(first17))
            if code not in self._codes:
                self._codes.add(code)
                return code


def _stream(key: int | str) -> random.Random:
    """A seeded random stream: sample data must repeat exactly, it protects no secret."""
    return random.Random(key)  # noqa: S311 - reproducible sample data, not security


def _wan(amount: int) -> Money:
    """``amount`` 万元 as exact Money."""
    return Money.yuan(amount * 10_000)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=CHINA_TZ)


class _Clock:
    """Moments for one problem's history: every step later than the one before, on its day.

    Every moment is made in China Standard Time, so its ``date()`` is its local date.
    """

    def __init__(self, rng: random.Random, start: dt.datetime) -> None:
        self._rng = rng
        self.last = start
        self.day = local_date(start)

    def on(self, day: dt.date) -> dt.datetime:
        rng = self._rng
        if day < self.day:
            message = f"history step on {day} before the last one on {self.day}"
            raise AssertionError(message)
        moment = at(day, 8, 30) + dt.timedelta(minutes=rng.randrange(0, 480, 5))
        if day == self.day:
            moment = max(moment, self.last + dt.timedelta(minutes=rng.randrange(10, 60, 5)))
            if moment.date() != day:
                moment = self.last + dt.timedelta(minutes=1)
        if moment.date() != day:  # pragma: no cover - a day holds far more steps than any plan
            message = f"no time left on {day} for another history step"
            raise AssertionError(message)
        self.last, self.day = moment, day
        return moment


class _Actors:
    """Actors, made once each and shared (they are immutable)."""

    def __init__(self) -> None:
        self._made: dict[tuple[ActorKind, str], Actor] = {}

    def get(self, kind: ActorKind, id_: str, name: str) -> Actor:
        key = (kind, id_)
        actor = self._made.get(key)
        if actor is None:
            actor = self._made[key] = Actor(kind=kind, id=id_, name=name)
        return actor


_GOOD_FOLLOW_UPS = (
    FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.SATISFIED),
    FollowUp(
        outcome=FollowUpOutcome.SOLVED,
        satisfaction=Satisfaction.SATISFIED,
        method=FollowUpMethod.VISIT,
        comment="企业对办理结果表示满意",
    ),
    FollowUp(outcome=FollowUpOutcome.SOLVED, satisfaction=Satisfaction.BASICALLY_SATISFIED),
    FollowUp(
        outcome=FollowUpOutcome.PARTLY_SOLVED,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        comment="主要问题已解决，部分事项持续跟进",
    ),
)
_EXPLAINED_FOLLOW_UP = FollowUp(
    outcome=FollowUpOutcome.NOT_SOLVED,
    satisfaction=Satisfaction.BASICALLY_SATISFIED,
    comment="企业对解释表示理解",
)
_BAD_FOLLOW_UP = FollowUp(
    outcome=FollowUpOutcome.PARTLY_SOLVED,
    satisfaction=Satisfaction.DISSATISFIED,
    method=FollowUpMethod.VISIT,
    comment="企业反映问题仍未根本解决",
)
_START, _CLOSE, _RESUME = Start(), Close(), Resume()
_REOPEN = Reopen(reason="回访企业不满意，重新办理")
_SUSPENSIONS = (
    Suspend(reason="等待规划调整批复"),
    Suspend(reason="等待省级部门审批"),
    Suspend(reason="企业补充材料期间暂缓办理"),
)
_EXTENSIONS = {
    days: ExtendDeadline(approval=f"经领导小组办公室批准延期{days}个工作日", working_days=days)
    for days in (5, 10, 15)
}
_REJECTION = Reject(reason="属企业与供应商之间的民事合同纠纷，应通过司法途径解决，不予受理")
_WITHDRAWAL = Withdraw(reason="企业已自行解决，申请撤回")
_CONSULTATIONS = {
    ConsultationKind.ZONE: "区内会商：2名区领导、2个办公室和相关职能部门（2+2+N）共商解决方案",
    ConsultationKind.CITY: "与市直部门、金融机构和中介机构会商",
    ConsultationKind.REPORT: "向市委、市政府报告，提请市级协调",
    ConsultationKind.OTHER: "提请上级部门协调",
}


def _resolution(category: str, rng: random.Random) -> Resolve:
    return Resolve(summary=rng.choice(_CATEGORIES[category].resolutions))


def _explanation(category: str, rng: random.Random) -> Explain:
    return Explain(explanation=rng.choice(_CATEGORIES[category].explanations))


# ====================================================================== Dezhou 2019

_DRIVE_START = dt.date(2019, 10, 10)
_DRIVE_DAYS = 50
_REPORT_DAY = dt.date(2019, 11, 13)

_GROUPS = 27
_DEPARTMENTS = 66
_BACKBONE = 100
_KEY_PROJECTS = 111
_RENOVATION_PROJECTS = 150
_URBAN_PROJECTS_COUNT = 12
_VISITS = 439
_IDENTIFIED = 153
_RESOLVED = 14
_MERGED = 2
_REJECTED = 1
_LATE_REGISTRATIONS = 2
_PACE_AFTER_REPORT = Fraction(3, 5)
"""Visits after the report, per working day, as a share of the pace before it."""
_SUSPENDED_AT_REPORT = 4
_REOPENED = 2
_EXPLAINED_SHARE = Fraction(1, 8)

_ON_SPOT_SHARE = 0.25
"""The share of easy and medium problems an on-site office session settles on the spot."""


_UNSET = ProblemId("unset")
"""A plan's problem id until plans are numbered in registration order."""


@attrs.define
class _Target:
    """An enterprise or project a group is assigned (帮扶对象)."""

    region: Region
    name: str
    enterprise: Enterprise | None = None
    project: Project | None = None

    @property
    def kind(self) -> str:
        if self.project is None:
            return "enterprise"
        return str(self.project.kind.value)

    @property
    def enterprise_id(self) -> EnterpriseId | None:
        if self.project is not None:
            return self.project.owner_id
        return self.enterprise.id if self.enterprise is not None else None

    @property
    def project_id(self) -> ProjectId | None:
        return self.project.id if self.project is not None else None

    @property
    def revisit_weight(self) -> float:
        if self.enterprise is not None:
            return 2.0
        return 1.5 if self.kind == ProjectKind.CITY_KEY.value else 1.0


@attrs.define
class _Group:
    number: int
    leader: Leader
    region: Region
    departments: list[Department] = attrs.field(factory=list)
    heads: list[Leader] = attrs.field(factory=list)
    targets: list[_Target] = attrs.field(factory=list)
    record: WorkGroup | None = None
    visits: list[Visit] = attrs.field(factory=list)

    @property
    def work_group(self) -> WorkGroup:
        if self.record is None:  # pragma: no cover - set before any visit is made
            message = "work group not built yet"
            raise AssertionError(message)
        return self.record


@attrs.define
class _Plan:
    """Everything decided about one problem before its history is built."""

    group: _Group
    visit: Visit
    target: _Target
    category: str
    title: str
    registered_at: dt.datetime
    by_report: bool
    natural: dt.date
    kind: str = "genuine"
    """``genuine``, ``duplicate`` (merged into ``duplicate_of``) or ``rejected``."""
    settle: str | None = None
    """``resolve`` or ``explain``: how the problem is settled in the drive, if it is."""
    settle_day: dt.date | None = None
    suspend: str | None = None
    """``resume`` (suspended by the report, resumed after) or ``hold`` (still at the end)."""
    reopen: bool = False
    withdraw_day: dt.date | None = None
    duplicate_of: _Plan | None = None
    case: str | None = None
    """The article's finance case this problem is: ``debt``, ``rescue`` or ``loan``."""
    finance_ids: tuple[str, ...] = ()
    resolution: str = ""
    two_consultations: bool = False
    problem_id: ProblemId = _UNSET

    @property
    def registered_on(self) -> dt.date:
        return local_date(self.registered_at)


class _Dezhou:
    """Builds the 2019 Dezhou drive by rule; see :func:`dezhou_2019`."""

    def __init__(self, seed: int) -> None:
        self.rng = _stream(seed)
        self.calendar: WorkingCalendar = china_calendar()
        self.people = _People(self.rng)
        self.firms = _Firms(self.rng)
        self.actors = _Actors()
        self.end = _DRIVE_START + dt.timedelta(days=_DRIVE_DAYS - 1)
        self.as_of = _end_of(_REPORT_DAY)
        self.campaign_id = CampaignId("dz2019")

    # ---------------------------------------------------------------- days

    def wd(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day`` (``day`` itself if 0 and a working day)."""
        if n == 0:
            return self.calendar.next_working_day(day)
        return self.calendar.add_working_days(day, n)

    # ---------------------------------------------------------------- organisation

    def build(self) -> SampleData:
        rng = self.rng
        self.regions = regions_from_divisions(DEZHOU_DIVISIONS)
        self.city = self.regions[0]
        self.places = [r for r in self.regions if r.parent_id == self.city.id]
        self.profiles = {r.id: _DEZHOU_PROFILES[r.name] for r in self.places}
        self.jitter = {r.id: 0.85 + 0.3 * rng.random() for r in self.places}
        self._departments()
        self._leaders()
        self._enterprises_and_projects()
        self._groups()
        self.office = CampaignOffice(
            id=OfficeId("dz2019-office"),
            name="德州市“进企业、解难题、促发展”工作领导小组办公室",
            region_id=self.city.id,
            host_department_id=self.unit["gxj"].id,
        )
        self.campaign = Campaign.drive(
            id=self.campaign_id,
            name="领导干部“进企业、解难题、促发展”集中行动",
            region_id=self.city.id,
            start=_DRIVE_START,
            days=_DRIVE_DAYS,
            targets=CampaignTargets(
                backbone_enterprises=_BACKBONE,
                key_projects=_KEY_PROJECTS,
                renovation_projects=_RENOVATION_PROJECTS,
            ),
            office_id=self.office.id,
            department_ids=tuple(d.id for d in self.departments),
        )
        self._cases()
        self._visits()
        plans = self._plans()
        self._fates(plans)
        problems = [self._history(plan) for plan in plans]
        finance = self._finance(plans)
        data = SampleData(
            campaign_id=self.campaign_id,
            as_of=self.as_of,
            regions=self.regions,
            departments=self.departments,
            leaders=[*self.body_leaders, *self.heads],
            offices=[self.office],
            campaigns=[self.campaign],
            work_groups=[g.work_group for g in self.groups],
            enterprises=self.enterprises,
            projects=self.projects,
            visits=self.visits,
            problems=problems,
            **finance,
        )
        _check_dezhou_figures(data)
        return data

    def _departments(self) -> None:
        city, short = self.city.name, _short(self.city.name)
        self.departments = [
            Department(
                id=DepartmentId(f"dz-{slug}"),
                name=_unit_name(city, short, slug, suffix),
                level=OrgLevel.CITY,
                kind=kind,
                region_id=self.city.id,
            )
            for slug, suffix, kind in _CITY_UNITS[:_DEPARTMENTS]
        ]
        if len(self.departments) != _DEPARTMENTS:  # pragma: no cover - vocabulary guard
            message = f"the unit vocabulary has {len(self.departments)} units, not {_DEPARTMENTS}"
            raise AssertionError(message)
        self.unit = {d.id.removeprefix("dz-"): d for d in self.departments}

    def _leaders(self) -> None:
        """Group leaders from the four bodies (groups split by posts, largest remainders)."""
        bodies = list(_BODY_POSTS)
        per_body = _allocate(_GROUPS, [len(_BODY_POSTS[b]) for b in bodies])
        self.body_leaders: list[Leader] = []
        for body, count in zip(bodies, per_body, strict=True):
            for post in _BODY_POSTS[body][:count]:
                number = len(self.body_leaders) + 1
                self.body_leaders.append(
                    Leader(
                        id=LeaderId(f"dz2019-l-{number:03d}"),
                        name=self.people.name(),
                        post=post,
                        body=body,
                        region_id=self.city.id,
                    )
                )
        self.heads = [
            Leader(
                id=LeaderId(f"dz2019-h-{d.id.removeprefix('dz-')}"),
                name=self.people.name(),
                post=f"{d.name}{_head_title(d.name)}",
                region_id=self.city.id,
                department_id=d.id,
            )
            for d in self.departments
        ]
        self.head_of = {h.department_id: h for h in self.heads}

    def _enterprises_and_projects(self) -> None:
        rng = self.rng
        weights = [self.profiles[r.id].weight * self.jitter[r.id] for r in self.places]
        backbone = _allocate(_BACKBONE, weights, [2] * len(self.places))
        key = _allocate(_KEY_PROJECTS, weights, [3] * len(self.places))
        renovation = _allocate(_RENOVATION_PROJECTS, weights, [4] * len(self.places))
        central = [r for r in self.places if self.profiles[r.id].central]
        urban = dict(
            zip(
                (r.id for r in central),
                _allocate(_URBAN_PROJECTS_COUNT, [self.profiles[r.id].weight for r in central]),
                strict=True,
            )
        )
        self.enterprises: list[Enterprise] = []
        self.trade_names: dict[EnterpriseId, str] = {}
        self.targets: list[_Target] = []
        self.by_region: dict[RegionId, list[Enterprise]] = {r.id: [] for r in self.places}
        for region, count in zip(self.places, backbone, strict=True):
            for _ in range(count):
                size = rng.choices(
                    (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL), (55, 40, 5)
                )[0]
                firm = self._enterprise(region, size, backbone=True)
                self.targets.append(_Target(region=region, name=firm.name, enterprise=firm))
        self.projects: list[Project] = []
        counters = dict.fromkeys(ProjectKind, 0)
        for region, keys, renovations in zip(self.places, key, renovation, strict=True):
            for kind, count in (
                (ProjectKind.CITY_KEY, keys),
                (ProjectKind.TECH_RENOVATION, renovations),
            ):
                for _ in range(count):
                    counters[kind] += 1
                    self._project(region, kind, counters[kind])
            for _ in range(urban.get(region.id, 0)):
                counters[ProjectKind.URBAN_CONSTRUCTION] += 1
                self._project(
                    region, ProjectKind.URBAN_CONSTRUCTION, counters[ProjectKind.URBAN_CONSTRUCTION]
                )

    def _industry(self, region: Region) -> _Industry:
        names = self.profiles[region.id].industries
        weights = [len(names) + 1 - i for i in range(len(names))]
        return _INDUSTRIES[self.rng.choices(names, weights)[0]]

    def _enterprise(
        self,
        region: Region,
        size: SizeClass,
        *,
        backbone: bool,
        industry: _Industry | None = None,
    ) -> Enterprise:
        industry = industry or self._industry(region)
        name, trade = self.firms.name(_short(region.name), industry, size)
        division = region.division_code or DivisionCode(str(region.parent_id))
        old = size is SizeClass.LARGE and self.rng.random() < 0.6
        firm = Enterprise(
            id=EnterpriseId(f"dz2019-e-{len(self.enterprises) + 1:03d}"),
            name=name,
            region_id=region.id,
            credit_code=self.firms.credit_code(division, old_style=old),
            industry=industry.label,
            size=size,
            backbone=backbone,
        )
        self.enterprises.append(firm)
        self.trade_names[firm.id] = trade
        self.by_region[region.id].append(firm)
        return firm

    def _project(self, region: Region, kind: ProjectKind, number: int) -> None:
        rng = self.rng
        prefix = {
            ProjectKind.CITY_KEY: "k",
            ProjectKind.TECH_RENOVATION: "r",
            ProjectKind.URBAN_CONSTRUCTION: "u",
        }[kind]
        owner: Enterprise | None = None
        place = _short(region.name)
        backbone = [e for e in self.by_region[region.id] if e.backbone]
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
                    owner = self._enterprise(region, size, backbone=False)
                industry = _INDUSTRIES[owner.industry]
                product = rng.choice(industry.products)
                trade = self.trade_names[owner.id]
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
            planned_investment=_wan(investment),
            phase=phase,
        )
        self.projects.append(project)
        self.targets.append(_Target(region=region, name=name, project=project))

    def _groups(self) -> None:
        """Groups split over counties and zones by their targets (at least one each)."""
        rng = self.rng
        targets_in = {r.id: [t for t in self.targets if t.region.id == r.id] for r in self.places}
        per_region = _allocate(
            _GROUPS, [len(targets_in[r.id]) for r in self.places], [1] * len(self.places)
        )
        slots = [r for r, n in zip(self.places, per_region, strict=True) for _ in range(n)]
        rng.shuffle(slots)
        self.groups = [
            _Group(number=n + 1, leader=leader, region=region)
            for n, (leader, region) in enumerate(zip(self.body_leaders, slots, strict=True))
        ]
        # Departments dealt round the groups, so each has two or three (66 over 27).
        units = list(self.departments)
        rng.shuffle(units)
        for index, unit in enumerate(units):
            group = self.groups[index % _GROUPS]
            group.departments.append(unit)
            group.heads.append(self.head_of[unit.id])
        # Each county's or zone's targets dealt round its groups.
        for region in self.places:
            groups = [g for g in self.groups if g.region.id == region.id]
            mine = list(targets_in[region.id])
            rng.shuffle(mine)
            for index, target in enumerate(mine):
                groups[index % len(groups)].targets.append(target)
        for group in self.groups:
            group.targets.sort(key=lambda t: (t.enterprise is None, t.project_id or "", t.name))
            group.record = WorkGroup(
                id=WorkGroupId(f"dz2019-g-{group.number:02d}"),
                name=f"市级第{_chinese_number(group.number)}工作组（{group.region.name}）",
                campaign_id=self.campaign_id,
                level=OrgLevel.CITY,
                region_id=self.city.id,
                leader_ids=(group.leader.id, *(h.id for h in group.heads)),
                department_ids=tuple(d.id for d in group.departments),
                enterprise_ids=tuple(
                    t.enterprise.id for t in group.targets if t.enterprise is not None
                ),
                project_ids=tuple(t.project.id for t in group.targets if t.project is not None),
            )
        self.group_of_target = {id(t): g for g in self.groups for t in g.targets}

    def _cases(self) -> None:
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
        wucheng = self._place("武城县")
        firms = sorted(
            (e for e in self.by_region[wucheng.id] if e.backbone),
            key=lambda e: (e.industry != "暖通空调", size_rank[e.size], e.id),
        )
        self.debt_firm, self.rescued_firm = firms[0], firms[1]
        textile = sorted(
            (
                e
                for e in self.enterprises
                if e.backbone and e.region_id != wucheng.id and e.industry == "纺织服装"
            ),
            key=lambda e: (size_rank[e.size], e.id),
        ) or sorted(
            (e for e in self.enterprises if e.backbone and e.region_id != wucheng.id),
            key=lambda e: (size_rank[e.size], e.id),
        )
        self.loan_firm = textile[0]
        self.cases = {
            self.debt_firm.id: "debt",
            self.rescued_firm.id: "rescue",
            self.loan_firm.id: "loan",
        }

    def _place(self, name: str) -> Region:
        return next(r for r in self.places if r.name == name)

    # ---------------------------------------------------------------- visits

    def _visits(self) -> None:
        """439 visits by the report, split over groups by their targets; more until the end."""
        rng = self.rng
        before = list(self.calendar.working_days(_DRIVE_START, _REPORT_DAY))
        after = list(self.calendar.working_days(_REPORT_DAY + dt.timedelta(days=1), self.end))
        per_group = _allocate(_VISITS, [len(g.targets) for g in self.groups])
        later_total = round(_VISITS * Fraction(len(after), len(before)) * _PACE_AFTER_REPORT)
        later = _allocate(later_total, per_group)
        made: list[tuple[dt.datetime, int, _Group, _Target, VisitKind]] = []
        for group, count, extra in zip(self.groups, per_group, later, strict=True):
            cases = [t for t in group.targets if t.enterprise and t.enterprise.id in self.cases]
            others = [t for t in group.targets if t not in cases]
            rng.shuffle(others)
            order = cases + others  # the article's cases were among the first visited
            first_round = min(count, len(order))
            chosen = order[:first_round] + self._revisits(group, count - first_round)
            unvisited = order[first_round:]
            then = unvisited[:extra] + self._revisits(group, extra - len(unvisited[:extra]))
            for days, targets in ((before, chosen), (after, then)):
                slots = sorted(
                    rng.sample([(d, half) for d in days for half in (0, 1)], len(targets))
                )
                seen: set[int] = set()
                for (day, half), target in zip(slots, targets, strict=True):
                    minute = rng.randrange(0, 150, 5)
                    moment = at(day, 8, 30) if half == 0 else at(day, 14, 0)
                    moment += dt.timedelta(minutes=minute)
                    onsite = rng.random() < (0.3 if id(target) in seen else 0.15)
                    seen.add(id(target))
                    kind = VisitKind.ONSITE_OFFICE if onsite else VisitKind.VISIT
                    made.append((moment, group.number, group, target, kind))
        made.sort(key=lambda item: (item[0], item[1]))
        self.visits: list[Visit] = []
        self.visit_target: dict[VisitId, _Target] = {}
        for number, (moment, _, group, target, kind) in enumerate(made, start=1):
            heads = rng.sample(group.heads, k=min(len(group.heads), rng.randint(1, 2)))
            leaders = ([group.leader] if rng.random() < 0.85 else []) + heads
            visit = Visit(
                id=VisitId(f"dz2019-v-{number:04d}"),
                campaign_id=self.campaign_id,
                at=moment,
                kind=kind,
                work_group_id=group.work_group.id,
                leader_ids=tuple(leader.id for leader in leaders),
                department_ids=tuple(h.department_id for h in heads if h.department_id),
                enterprise_id=target.enterprise_id,
                project_id=target.project_id,
                notes=rng.choice(_VISIT_NOTES[kind]),
            )
            self.visits.append(visit)
            self.visit_target[visit.id] = target
            group.visits.append(visit)

    def _revisits(self, group: _Group, count: int) -> list[_Target]:
        if count <= 0:
            return []
        weights = [t.revisit_weight for t in group.targets]
        return self.rng.choices(group.targets, weights, k=count)

    # ---------------------------------------------------------------- problems

    def _plans(self) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        by_report = {g.number: [v for v in g.visits if v.at <= self.as_of] for g in self.groups}
        later = {g.number: [v for v in g.visits if v.at > self.as_of] for g in self.groups}
        planted = {
            g.number: [
                next(v for v in by_report[g.number] if v.enterprise_id == firm and not v.project_id)
                for firm in self.cases
                if any(t.enterprise and t.enterprise.id == firm for t in g.targets)
            ]
            for g in self.groups
        }
        # Problems by the report: 153 genuine ones, split over groups by their visits.
        counts = _allocate(
            _IDENTIFIED,
            [len(by_report[g.number]) for g in self.groups],
            [len(planted[g.number]) for g in self.groups],
        )
        for group, count in zip(self.groups, counts, strict=True):
            visits = planted[group.number] + self._problem_visits(
                by_report[group.number], count - len(planted[group.number])
            )
            for visit in visits:
                firm = visit.enterprise_id
                case = self.cases.get(firm) if firm and visit in planted[group.number] else None
                plans.append(self._plan(group, visit, by_report=True, case=case))
        # After the report: problems at the same rate per visit, and two registered late.
        total_later = sum(len(v) for v in later.values())
        later_counts = _allocate(
            round(total_later * Fraction(_IDENTIFIED, _VISITS)),
            [len(later[g.number]) for g in self.groups],
        )
        for group, count in zip(self.groups, later_counts, strict=True):
            visits = self._problem_visits(later[group.number], count)
            plans.extend(self._plan(group, visit, by_report=False) for visit in visits)
        last_day = max(local_date(v.at) for v in self.visits if v.at <= self.as_of)
        late_visits = [v for v in self.visits if local_date(v.at) == last_day]
        next_day = self.wd(_REPORT_DAY, 1)
        for visit in rng.sample(late_visits, _LATE_REGISTRATIONS):
            group = self._group_of(visit)
            plan = self._plan(group, visit, by_report=False)
            plan.registered_at = at(next_day, 9) + dt.timedelta(minutes=rng.randrange(0, 240, 5))
            plan.natural = max(plan.natural, next_day)
            plans.append(plan)
        # A rejected problem, and two duplicates merged into earlier ones.
        plans.sort(key=lambda p: (p.registered_at, p.visit.id))
        genuine = [p for p in plans if p.by_report]
        early = [v for v in self.visits if local_date(v.at) <= self.wd(_REPORT_DAY, -3)]
        rejected = self._plan(self._group_of(v := rng.choice(early)), v, by_report=True)
        rejected.kind, rejected.category = "rejected", "other"
        rejected.title = "企业与供应商合同纠纷，请求协调"
        plans.append(rejected)
        plans.extend(self._duplicate(original) for original in self._duplicated(genuine))
        plans.sort(key=lambda p: (p.registered_at, p.visit.id))
        for number, plan in enumerate(plans, start=1):
            plan.problem_id = ProblemId(f"dz2019-p-{number:04d}")
        return plans

    def _problem_visits(self, visits: list[Visit], count: int) -> list[Visit]:
        """``count`` visits (repeats allowed), first visits and on-site sessions likelier."""
        if count <= 0:
            return []
        seen: set[tuple[EnterpriseId | None, ProjectId | None]] = set()
        weights = []
        for visit in visits:
            key = (visit.enterprise_id, visit.project_id)
            weight = 1.5 if key not in seen else 0.8
            if visit.kind is VisitKind.ONSITE_OFFICE:
                weight *= 2
            seen.add(key)
            weights.append(weight)
        return self.rng.choices(visits, weights, k=count)

    def _group_of(self, visit: Visit) -> _Group:
        return next(g for g in self.groups if g.work_group.id == visit.work_group_id)

    def _plan(
        self, group: _Group, visit: Visit, *, by_report: bool, case: str | None = None
    ) -> _Plan:
        rng = self.rng
        target = self.visit_target[visit.id]
        weights = _CATEGORY_WEIGHTS[target.kind]
        category = "financing" if case else rng.choices(_CODES, weights)[0]
        title = rng.choice(_CATEGORIES[category].titles)
        if case is not None:
            title = {
                "debt": "债务负担重，企业间互保担保链风险突出",
                "rescue": "资金周转困难，面临银行抽贷压贷",
                "loan": "流动资金不足，需协调银行贷款",
            }[case]
        visit_day = local_date(visit.at)
        if rng.random() < 0.6 or (by_report and visit_day == _REPORT_DAY):
            registered = visit.at + dt.timedelta(minutes=rng.randrange(60, 180, 5))
        else:
            day = self.wd(visit_day, rng.randint(1, 2))
            day = min(day, _REPORT_DAY) if by_report else min(day, self.end)
            registered = at(day, 9) + dt.timedelta(minutes=rng.randrange(0, 420, 5))
            # Capped at the drive's last day, that may be the visit's own day: never before it.
            registered = max(registered, visit.at + dt.timedelta(minutes=60))
        difficulty = _CATEGORIES[category].difficulty
        low, high = ((8, 30), (15, 45), (25, 70))[difficulty]
        duration = rng.randint(low, high)
        same_day = local_date(registered) == visit_day
        if visit.kind is VisitKind.ONSITE_OFFICE and same_day and difficulty < 2:
            duration = 0 if rng.random() < _ON_SPOT_SHARE else duration
        plan = _Plan(
            group=group,
            visit=visit,
            target=target,
            category=category,
            title=title,
            registered_at=registered,
            by_report=by_report,
            natural=self.wd(local_date(registered), duration)
            if duration
            else local_date(registered),
        )
        if case is not None:
            plan.case = case
            plan.finance_ids = {
                "debt": ("dz2019-debt-01", "dz2019-asset-01"),
                "rescue": (
                    "dz2019-financing-01",
                    "dz2019-financing-02",
                    "dz2019-financing-03",
                    "dz2019-committee-01",
                    "dz2019-renewal-01",
                    "dz2019-asset-02",
                    "dz2019-asset-03",
                ),
                "loan": ("dz2019-financing-04",),
            }[case]
            plan.resolution = {
                "debt": "协调金融机构将老厂区闲置不良资产打包处置，8000多万元债务化解为2650万元，"
                "解开企业间互保担保链",
                "rescue": "协调市县投融资平台、银行和民营企业提供资金1.99亿元，"
                "召开债权人委员会5次，办理无还本续贷，盘活处置闲置车间、冷库等资产6297万元",
                "loan": "协调银行贷款3000余万元",
            }[case]
        return plan

    def _duplicated(self, genuine: list[_Plan]) -> list[_Plan]:
        """The problems raised twice: the earliest whose target was visited again by the report."""
        found: list[_Plan] = []
        for plan in genuine:
            again = [
                v
                for v in plan.group.visits
                if v.at > plan.registered_at
                and v.at <= self.as_of
                and local_date(v.at) < _REPORT_DAY
                and self.visit_target[v.id] is plan.target
            ]
            if again and plan.target not in [p.target for p in found]:
                found.append(plan)
            if len(found) == _MERGED:
                break
        return found

    def _duplicate(self, original: _Plan) -> _Plan:
        rng = self.rng
        visit = next(
            v
            for v in original.group.visits
            if v.at > original.registered_at and self.visit_target[v.id] is original.target
        )
        plan = attrs.evolve(
            original,
            visit=visit,
            registered_at=visit.at + dt.timedelta(minutes=rng.randrange(60, 180, 5)),
            kind="duplicate",
            case=None,
            finance_ids=(),
            resolution="",
        )
        plan.duplicate_of = original
        return plan

    def _fates(self, plans: list[_Plan]) -> None:
        """Decide by rule which problems settle when, so the report's figures come out exactly.

        By the report: the article's three finance cases and then the problems
        with the earliest natural settlement day, 14 in all, are resolved;
        every other problem is still open then. After it, a problem settles on
        its natural day if that falls in the drive; the hardest of those
        (1 in 8) are explained rather than resolved.
        """
        genuine = [p for p in plans if p.kind == "genuine"]
        by_report = [p for p in genuine if p.by_report]
        resolved = self._settle_by_report(by_report)
        for plan in genuine:
            if plan not in resolved:
                day = plan.natural
                if day <= _REPORT_DAY:  # not among the earliest: settled after the report
                    day = self.wd(self.wd(_REPORT_DAY, 1), self.rng.randint(0, 4))
                if day <= self.end:
                    plan.settle, plan.settle_day = "resolve", day
        open_at_report = [p for p in by_report if p not in resolved]
        self._suspend(open_at_report)
        self._explain(genuine)
        self._reopen(genuine)
        self._withdraw(open_at_report)
        self._zone_consultations(genuine)

    def _settle_by_report(self, by_report: list[_Plan]) -> list[_Plan]:
        """The 14 resolved by the report: the finance cases, then the earliest natural days."""
        rng = self.rng
        cases = [p for p in by_report if p.finance_ids]
        ranked = sorted(
            (p for p in by_report if not p.finance_ids), key=lambda p: (p.natural, p.registered_at)
        )
        resolved = cases + ranked[: _RESOLVED - len(cases)]
        for plan in resolved:
            plan.settle = "resolve"
            on_spot = plan.natural == plan.registered_on
            earliest = self.wd(plan.registered_on, 0 if on_spot else 8 if plan.finance_ids else 1)
            if earliest <= plan.natural <= _REPORT_DAY:
                plan.settle_day = plan.natural
            else:
                latest = self.wd(_REPORT_DAY, -rng.randint(0, 3))
                plan.settle_day = min(max(earliest, latest), _REPORT_DAY)
        return resolved

    def _suspend(self, open_at_report: list[_Plan]) -> None:
        """Four problems waiting on plans or approvals are suspended (暂缓) by the report.

        Two resume after it; two are still suspended at the end of the drive.
        """
        waiting = [
            p
            for p in open_at_report
            if p.category in ("planning_adjustment", "land_use", "approval_procedures")
            and p.registered_on <= self.wd(_REPORT_DAY, -8)
        ]
        self.rng.shuffle(waiting)
        resumed = self.wd(_REPORT_DAY, 3)
        for index, plan in enumerate(waiting[:_SUSPENDED_AT_REPORT]):
            plan.suspend = "resume" if index % 2 == 0 else "hold"
            if plan.suspend == "hold":
                plan.settle = plan.settle_day = None
            elif plan.settle_day is not None and plan.settle_day < resumed:
                plan.settle_day = resumed

    def _explain(self, genuine: list[_Plan]) -> None:
        """One in eight settled after the report (at least 3), hardest first, are explained."""
        rng = self.rng
        after = [p for p in genuine if p.settle_day is not None and p.settle_day > _REPORT_DAY]
        count = max(3, round(len(after) * _EXPLAINED_SHARE))
        after.sort(
            key=lambda p: (p.category not in _HARD, p.natural == p.registered_on, rng.random())
        )
        for plan in after[:count]:
            if plan.natural != plan.registered_on:  # settled on the spot means solved
                plan.settle = "explain"

    def _reopen(self, genuine: list[_Plan]) -> None:
        """Two resolved after the report, early enough, get a dissatisfied follow-up and reopen."""
        room = self.wd(self.end, -6)
        candidates = [
            p
            for p in genuine
            if p.settle == "resolve"
            and p.settle_day is not None
            and _REPORT_DAY < p.settle_day <= room
            and not p.suspend
            and p.natural != p.registered_on
        ]
        for plan in self.rng.sample(candidates, min(_REOPENED, len(candidates))):
            plan.reopen = True

    def _withdraw(self, open_at_report: list[_Plan]) -> None:
        """One problem open at the end is withdrawn (撤回) by its enterprise after the report."""
        still_open = [p for p in open_at_report if p.settle is None and not p.suspend]
        if still_open:
            withdrawn = min(
                still_open, key=lambda p: (p.category != "production_operation", p.natural)
            )
            withdrawn.withdraw_day = self.wd(_REPORT_DAY, self.rng.randint(3, 6))

    def _zone_consultations(self, genuine: list[_Plan]) -> None:
        """Two consultations, one report (两会商一报告) for hard problems in the zones.

        The canal zone's first such problem always goes through it; others half the time.
        """
        zones = sorted(
            (
                p
                for p in genuine
                if p.target.region.kind is DivisionKind.DEVELOPMENT_ZONE
                and p.category in _HARD
                and not p.suspend
                and p.natural != p.registered_on
            ),
            key=lambda p: (p.target.region.name != "德州运河经济开发区", p.registered_at),
        )
        for index, plan in enumerate(zones):
            plan.two_consultations = index == 0 or self.rng.random() < 0.5

    # ---------------------------------------------------------------- histories

    def _history(self, plan: _Plan) -> Problem:
        rng = self.rng
        group = plan.group.work_group
        office = self.actors.get(ActorKind.OFFICE, self.office.id, self.office.name)
        category = _CATEGORIES[plan.category]
        level = HandlingLevel.LOCAL
        if plan.target.region.kind is not DivisionKind.DEVELOPMENT_ZONE:
            level = rng.choices(
                (HandlingLevel.LOCAL, HandlingLevel.COUNTY, HandlingLevel.CITY_DEPARTMENT),
                (7, 2, 1),
            )[0]
        description = f"{plan.target.name}反映：{plan.title}。"
        if plan.kind == "duplicate":
            description += "（重复登记）"
        steps = _Steps(
            Problem.register(
                Register(
                    title=plan.title,
                    category=plan.category,
                    region_id=plan.target.region.id,
                    description=description,
                    enterprise_id=plan.target.enterprise_id,
                    project_id=plan.target.project_id,
                    visit_id=plan.visit.id,
                    campaign_id=self.campaign_id,
                    work_group_id=group.id,
                    scope=Scope.COMMON
                    if rng.random() < category.common_share
                    else Scope.INDIVIDUAL,
                    level=level,
                ),
                at=plan.registered_at,
                actor=self.actors.get(ActorKind.WORK_GROUP, group.id, group.name),
                id=plan.problem_id,
            ),
            _Clock(rng, plan.registered_at),
        )
        day = plan.registered_on
        if plan.kind == "rejected":
            steps(_REJECTION, self.wd(day, 1), office)
            return steps.problem
        if plan.duplicate_of is not None:
            merge = MergeInto(duplicate_of=plan.duplicate_of.problem_id)
            steps(
                merge,
                min(self.wd(day, 1), max(day, _REPORT_DAY)),
                office,
                "与已登记问题重复，合并办理",
            )
            return steps.problem
        lead, co = self._handlers(plan)
        who = _Who(
            lead=lead.id,
            co=co,
            department=self.actors.get(ActorKind.DEPARTMENT, lead.id, lead.name),
            office=office,
            leader=self.actors.get(ActorKind.LEADER, plan.group.leader.id, plan.group.leader.name),
        )
        on_spot = plan.settle == "resolve" and plan.natural == day and plan.settle_day == day
        if on_spot and plan.visit.kind is VisitKind.ONSITE_OFFICE:
            steps(self._resolve(plan), day, who.leader, "现场办公，当场解决")
        elif not self._handle(plan, steps, who):
            return steps.problem
        self._follow_up(plan, steps, office)
        return steps.problem

    def _handle(self, plan: _Plan, steps: _Steps, who: _Who) -> bool:
        """Assign, start, consult, suspend, extend and settle; whether the problem was settled."""
        limit = plan.settle_day or plan.withdraw_day or self.end
        self._assign(plan, steps, who, limit)
        self._pause_or_extend(plan, steps, who, limit)
        if plan.withdraw_day is not None:
            enterprise = plan.target.enterprise_id
            actor = (
                self.actors.get(ActorKind.ENTERPRISE, enterprise, plan.target.name)
                if enterprise is not None
                else who.office
            )
            steps(_WITHDRAWAL, plan.withdraw_day, actor)
            return False
        if plan.settle_day is None or plan.settle is None:
            return False
        if plan.settle == "explain":
            steps(_explanation(plan.category, self.rng), plan.settle_day, who.department)
        else:
            steps(self._resolve(plan), plan.settle_day, who.department)
        return True

    def _assign(self, plan: _Plan, steps: _Steps, who: _Who, limit: dt.date) -> None:
        """Assign (交办) and start (开始办理), with the consultations held on the way."""
        rng = self.rng
        assign = Assign(lead_department_id=who.lead, co_department_ids=who.co)
        steps(assign, min(self.wd(plan.registered_on, rng.choice((0, 1, 1, 2))), limit), who.office)
        if plan.two_consultations:
            self._consult(
                plan,
                steps,
                kind=ConsultationKind.ZONE,
                level=HandlingLevel.COUNTY,
                limit=limit,
                gap=1,
            )
        steps(_START, min(self.wd(steps.day, rng.randint(0, 2)), limit), who.department)
        if plan.two_consultations:
            self._consult(
                plan,
                steps,
                kind=ConsultationKind.CITY,
                level=HandlingLevel.CITY_DEPARTMENT,
                limit=limit,
                gap=3,
            )
            if rng.random() < 0.6:
                self._consult(
                    plan,
                    steps,
                    kind=ConsultationKind.REPORT,
                    level=HandlingLevel.CITY_LEADERSHIP,
                    limit=limit,
                    gap=2,
                )
        elif plan.category in _HARD and not plan.suspend and rng.random() < 0.25:
            if steps.problem.level.rank < HandlingLevel.CITY_DEPARTMENT.rank:
                kind, level = ConsultationKind.CITY, HandlingLevel.CITY_DEPARTMENT
            else:
                kind, level = ConsultationKind.REPORT, HandlingLevel.CITY_LEADERSHIP
            self._consult(plan, steps, kind=kind, level=level, limit=limit, gap=3)

    def _pause_or_extend(self, plan: _Plan, steps: _Steps, who: _Who, limit: dt.date) -> None:
        """Suspend (暂缓) and resume the problems chosen for it; extend (延期) some deadlines."""
        rng = self.rng
        if plan.suspend:
            suspend_day = self.wd(plan.registered_on, rng.randint(3, 6))
            steps(
                rng.choice(_SUSPENSIONS),
                min(max(steps.day, suspend_day), _REPORT_DAY),
                who.department,
            )
            if plan.suspend == "resume":
                resume_day = self.wd(_REPORT_DAY, rng.randint(1, 3))
                steps(_RESUME, min(resume_day, limit), who.department)
        deadline = steps.problem.deadline
        if plan.suspend == "hold" or deadline is None or deadline >= limit:
            return
        if rng.random() < 0.45:
            extend_day = max(steps.day, self.wd(deadline, -1))
            if extend_day <= limit:
                steps(_EXTENSIONS[rng.choice((5, 10, 15))], extend_day, who.office)

    def _handlers(self, plan: _Plan) -> tuple[Department, tuple[DepartmentId, ...]]:
        """The lead department (主办) and co-handling ones (协办) for a problem.

        The lead is the first unit for the category found in the problem's group,
        else the first unit for the category; the article's finance cases are led
        by the finance bureau, the textile group's by the organisation department.
        """
        rng = self.rng
        if plan.case == "loan":
            return self.unit["zzb"], (self.unit["jrj"].id, self.unit["gh"].id)
        if plan.case is not None:
            return self.unit["jrj"], (self.unit["rh"].id, self.unit["zh"].id)
        units = [self.unit[slug] for slug in _CATEGORIES[plan.category].departments]
        in_group = [u for u in units if u in plan.group.departments]
        lead = in_group[0] if in_group else units[0]
        others = [u for u in units if u is not lead]
        co = rng.sample(others, k=min(len(others), rng.randint(0, 2)))
        return lead, tuple(u.id for u in co)

    def _resolve(self, plan: _Plan) -> Resolve:
        if plan.resolution:
            return Resolve(summary=plan.resolution, finance_record_ids=plan.finance_ids)
        return _resolution(plan.category, self.rng)

    def _consult(
        self,
        plan: _Plan,
        steps: _Steps,
        *,
        kind: ConsultationKind,
        level: HandlingLevel | None,
        limit: dt.date,
        gap: int,
    ) -> None:
        """An escalation with the consultation held (会商), a few working days after the last."""
        rng = self.rng
        departments = [d.id for d in plan.group.departments[:2]]
        if kind is ConsultationKind.CITY:
            banks = [
                d.id for d in self.departments if d.kind is DepartmentKind.FINANCIAL_INSTITUTION
            ]
            departments += [b for b in rng.sample(banks, 2) if b not in departments]
        leader = plan.group.leader
        steps(
            Escalate(
                to_level=level,
                consultation=kind,
                summary=_CONSULTATIONS[kind],
                department_ids=tuple(departments),
                leader_ids=(leader.id,),
            ),
            min(self.wd(steps.day, rng.randint(1, gap)), limit),
            self.actors.get(ActorKind.LEADER, leader.id, leader.name),
        )

    def _follow_up(self, plan: _Plan, steps: _Steps, office: Actor) -> None:
        """Follow up (回访) a few working days after settling; close (办结) or reopen (重办)."""
        rng = self.rng
        if plan.settle_day is None:
            return
        follow_day = self.wd(plan.settle_day, 2 if plan.reopen else rng.randint(2, 5))
        if follow_day > self.end:
            return
        if plan.reopen:
            steps(_BAD_FOLLOW_UP, follow_day, office)
            reopen_day = self.wd(follow_day, 1)
            steps(_REOPEN, reopen_day, office)
            new_deadline = self.wd(reopen_day, 10)
            current = steps.problem.deadline
            if current is None or new_deadline > current:
                extension = ExtendDeadline(
                    approval="重办，经领导小组办公室批准重新确定办理时限", new_deadline=new_deadline
                )
                steps(extension, reopen_day, office)
            return
        if plan.settle == "explain":
            steps(_EXPLAINED_FOLLOW_UP, follow_day, office)
        else:
            steps(rng.choice(_GOOD_FOLLOW_UPS), follow_day, office)
        if rng.random() < 0.85:
            close_day = self.wd(follow_day, rng.choice((0, 0, 1)))
            if close_day <= self.end:
                steps(_CLOSE, close_day, office)

    # ---------------------------------------------------------------- finance

    def _finance(self, plans: list[_Plan]) -> dict[str, list[Any]]:
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
        self._debt_case(case["debt"], records)
        self._rescue_case(case["rescue"], records)
        loan = case["loan"]
        records["coordinated_financings"].append(
            CoordinatedFinancing(
                id=CoordinatedFinancingId("dz2019-financing-04"),
                enterprise_id=self.loan_firm.id,
                source_kind=FinancingSource.BANK_LOAN,
                source_name=self.unit["gh"].name,
                amount=Money.parse("3000余万元"),
                arranged_on=_day(loan.settle_day),
                coordinated_by=self.unit["zzb"].id,
                problem_ids=(loan.problem_id,),
                note="市委组织部到企业对接后，与金融、自然资源等部门沟通协调",
            )
        )
        self._yucheng(plans, records)
        return records

    def _partners(self, region: Region, exclude: set[EnterpriseId], count: int) -> list[Enterprise]:
        """Other firms of ``region`` (small ones added if it has too few)."""
        found = [e for e in self.by_region[region.id] if e.id not in exclude]
        self.rng.shuffle(found)
        while len(found) < count:
            found.append(self._enterprise(region, SizeClass.SMALL, backbone=False))
        return found[:count]

    def _debt_case(self, plan: _Plan, records: dict[str, list[Any]]) -> None:
        rng = self.rng
        day = _day(plan.settle_day)
        firm = self.debt_firm
        wucheng = self._place("武城县")
        buyer, x, y, z = self._partners(wucheng, {firm.id, self.rescued_firm.id}, 4)
        records["debt_resolutions"].append(
            DebtResolution(
                id=DebtResolutionId("dz2019-debt-01"),
                enterprise_id=firm.id,
                creditors=(self.unit["zh"].name, self.unit["gh"].name),
                debt_before=Money.parse("8000多万元"),
                debt_after=Money.parse("2650万元"),
                method=DebtResolutionMethod.PACKAGE_DISPOSAL,
                resolved_on=day,
                problem_ids=(plan.problem_id,),
                note="老厂区闲置不良资产打包处置给其他企业",
            )
        )
        book = _allocate(5350 + rng.randrange(300, 1500, 10), [5, 3, 2])
        records["asset_disposals"].append(
            AssetDisposal(
                id=AssetDisposalId("dz2019-asset-01"),
                enterprise_id=firm.id,
                assets=(
                    Asset(
                        kind=AssetKind.WORKSHOP,
                        description="老厂区闲置厂房",
                        book_value=_wan(book[0]),
                    ),
                    Asset(
                        kind=AssetKind.LAND,
                        description="老厂区土地使用权",
                        book_value=_wan(book[1]),
                    ),
                    Asset(
                        kind=AssetKind.EQUIPMENT,
                        description="老厂区闲置设备",
                        book_value=_wan(book[2]),
                    ),
                ),
                method=DisposalMethod.PACKAGE_SALE,
                disposed_on=day,
                disposal_value=_wan(5350),
                buyer=buyer.name,
                buyer_id=buyer.id,
                problem_ids=(plan.problem_id,),
            )
        )
        # 贝州-style mutual guarantees: firm ⇄ x, and the circle firm → y → z → firm.
        # The guarantees others gave for the firm's own loans end once its debt is settled.
        banks = [self.unit[slug].name for slug in ("zh", "gh", "nh", "jh")]
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
                    amount=_wan(rng.randrange(500, 3500, 100)),
                    start=start,
                    end=day if ends else None,
                    lender=rng.choice(banks),
                    contract=f"WCDB{start.year}{rng.randrange(1000, 9999)}",
                )
            )

    def _rescue_case(self, plan: _Plan, records: dict[str, list[Any]]) -> None:
        rng = self.rng
        firm = self.rescued_firm
        day = _day(plan.settle_day)
        registered = plan.registered_on
        span = max(0, self.calendar.working_days_between(registered, day))
        wucheng = self._place("武城县")
        private, buyer = self._partners(wucheng, {firm.id, self.debt_firm.id}, 2)
        sources = (
            (FinancingSource.PLATFORM, self.unit["ct"].name),
            (FinancingSource.BANK_LOAN, self.unit["nh"].name),
            (FinancingSource.PRIVATE_ENTERPRISE, private.name),
        )
        amounts = _allocate(
            19_900, [45, 35, 20]
        )  # 1.99亿元 from platforms, banks and private firms
        for number, ((kind, name), amount) in enumerate(
            zip(sources, amounts, strict=True), start=1
        ):
            records["coordinated_financings"].append(
                CoordinatedFinancing(
                    id=CoordinatedFinancingId(f"dz2019-financing-{number:02d}"),
                    enterprise_id=firm.id,
                    source_kind=kind,
                    source_name=name,
                    amount=_wan(amount),
                    arranged_on=self.wd(registered, (span * number) // 3),
                    coordinated_by=self.unit["jrj"].id,
                    problem_ids=(plan.problem_id,),
                )
            )
        established = self.wd(registered, min(1, span))
        outcomes = (
            CommitteeOutcome.KEEP,
            CommitteeOutcome.KEEP,
            CommitteeOutcome.RESTRUCTURE,
            CommitteeOutcome.KEEP,
            CommitteeOutcome.KEEP,
        )
        gap = self.calendar.working_days_between(established, day)
        records["creditor_committees"].append(
            CreditorCommittee(
                id=CreditorCommitteeId("dz2019-committee-01"),
                enterprise_id=firm.id,
                members=tuple(self.unit[s].name for s in ("zh", "gh", "nh", "jh", "dzyh")),
                established_on=established,
                meetings=tuple(
                    CommitteeMeeting(
                        held_on=self.wd(established, (gap * k) // 5) if gap else established,
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
        principal = _wan(rng.randrange(2000, 5000, 100))
        records["loan_renewals"].append(
            LoanRenewal(
                id=LoanRenewalId("dz2019-renewal-01"),
                borrower_id=firm.id,
                bank=self.unit["zh"].name,
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
        book = _allocate(6297, [rng.uniform(0.8, 1.2) for _ in range(4)])  # 6297万元 in all
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
                        Asset(kind=kind, description=text, book_value=_wan(value))
                        for (kind, text), value in zip(assets, parts, strict=True)
                    ),
                    method=method,
                    disposed_on=day,
                    disposal_value=_wan(sum(parts)) if sold else None,
                    buyer=buyer.name if sold else "",
                    buyer_id=buyer.id if sold else None,
                    problem_ids=(plan.problem_id,),
                )
            )

    def _yucheng(self, plans: list[_Plan], records: dict[str, list[Any]]) -> None:
        """Yucheng's whitelist of quality small and micro firms, renewals and the bridge fund."""
        rng = self.rng
        yucheng = self._place("禹城市")
        banks = [self.unit[slug].name for slug in ("nh", "dzyh", "yc", "gh")]
        members = [
            self._enterprise(
                yucheng, rng.choices((SizeClass.SMALL, SizeClass.MICRO), (7, 3))[0], backbone=False
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
        first_day = self.wd(dt.date(2019, 4, 15), 0)
        for firm in members[:44]:  # 先期入库44家
            listing = listing.add(firm.id, on=first_day, criteria_met=self._met(codes))
        for month in (5, 7, 9):
            listing = listing.push(on=self.wd(dt.date(2019, month, 1), 0), banks=banks[:3])
        for firm in members[44:]:  # dynamic management: more listed during the drive
            listing = listing.add(
                firm.id, on=self.wd(_DRIVE_START, 10), criteria_met=self._met(codes)
            )
        listing = listing.push(on=self.wd(dt.date(2019, 11, 1), 0), banks=banks[:3])
        for firm in rng.sample(members[:44], 2):
            listing = listing.remove(
                firm.id, on=self.wd(_REPORT_DAY, 5), reason="出现欠息，移出名单库"
            )
        records["whitelists"].append(listing)
        listed = listing.members(self.wd(dt.date(2019, 11, 1), 0))
        for number, firm_id in enumerate(listed[:6], start=2):
            renewed = self.wd(dt.date(2019, 5, 6), rng.randrange(0, 140))
            maturity = renewed + dt.timedelta(days=rng.randint(0, 10))
            amount = _wan(rng.randrange(200, 2000, 10))
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
        firms = [e for e in self.by_region[yucheng.id] if e.backbone]
        rng.shuffle(firms)
        linked = next(
            (
                p
                for p in plans
                if p.kind == "genuine"
                and p.category == "financing"
                and p.target.enterprise is not None
                and p.target.enterprise.region_id == yucheng.id
                and p.registered_on <= self.wd(self.end, -3)
            ),
            None,
        )
        parts = _allocate(171, [rng.uniform(0.8, 1.2) for _ in range(6)])  # in millions of yuan
        fund = BridgeFund(
            id=BridgeFundId("dz2019-bridge-01"),
            name="禹城市“三航计划”过桥资金",
            operator="禹城市财金投资有限公司",
            pool_size=_wan(5000),
            max_days=15,
            daily_fee_rate=Decimal("0.0002"),
        )
        day = self.wd(dt.date(2019, 6, 3), 0)
        draws: list[BridgeDraw] = []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            firm_id = firms[index % len(firms)].id
            problem_ids: tuple[ProblemId, ...] = ()
            if last and linked is not None and linked.target.enterprise is not None:
                firm_id = linked.target.enterprise.id
                problem_ids = (linked.problem_id,)
                day = max(day, self.wd(linked.registered_on, 2))
            repaid = day + dt.timedelta(days=rng.randint(5, 12))
            draws.append(
                BridgeDraw(
                    enterprise_id=firm_id,
                    amount=_wan(part * 100),
                    drawn_on=day,
                    repaid_on=repaid if repaid <= self.end else None,
                    reference=f"三航过桥{index + 1:02d}",
                    problem_ids=problem_ids,
                )
            )
            day = self.wd(repaid, rng.randint(3, 12))
        records["bridge_funds"].append(attrs.evolve(fund, draws=tuple(draws)))

    def _met(self, codes: list[str]) -> tuple[str, ...]:
        met = [c for c in codes if self.rng.random() < 0.8]
        return tuple(met or codes[:1])


@attrs.frozen
class _Who:
    """Who handles one problem: the lead and co-handling units, and the actors of its steps."""

    lead: DepartmentId
    co: tuple[DepartmentId, ...]
    department: Actor
    office: Actor
    leader: Actor


class _Steps:
    """One problem's history as it is built: apply an event on a day, later than the last step."""

    def __init__(self, problem: Problem, clock: _Clock) -> None:
        self.problem = problem
        self.clock = clock

    @property
    def day(self) -> dt.date:
        return self.clock.day

    def __call__(self, data: EventData, on: dt.date, actor: Actor, note: str = "") -> None:
        moment = self.clock.on(max(on, self.clock.day))
        self.problem = self.problem.apply(data, at=moment, actor=actor, note=note)


def _day(value: dt.date | None) -> dt.date:
    if value is None:  # pragma: no cover - the cases are settled by rule
        message = "a finance case without its settlement day"
        raise AssertionError(message)
    return value


def _figures(data: SampleData) -> dict[str, int]:
    """The report's figures, counted as the metrics define them, at ``data.as_of``."""
    t = data.as_of
    figures = dict.fromkeys(("registered", "excluded", "in_progress", "resolved", "explained"), 0)
    for problem in data.problems:
        then = problem.as_of(t)
        if then is None:
            continue
        figures["registered"] += 1
        state = then.state
        if state in EXCLUDED_STATES:
            figures["excluded"] += 1
        elif state in (
            ProblemState.REGISTERED,
            ProblemState.ASSIGNED,
            ProblemState.IN_PROGRESS,
            ProblemState.SUSPENDED,
        ):
            figures["in_progress"] += 1
        else:
            settled = next(
                tr.event.value
                for tr in reversed(then.transitions)
                if tr.event.value in ("resolve", "explain")
            )
            figures["resolved" if settled == "resolve" else "explained"] += 1
    figures["identified"] = figures["registered"] - figures["excluded"]
    groups = {
        g.id
        for g in data.work_groups
        if g.campaign_id == data.campaign_id and g.level is OrgLevel.CITY
    }
    figures["visits"] = sum(1 for v in data.visits if v.at <= t and v.work_group_id in groups)
    figures["groups"] = len(groups)
    return figures


def _check_dezhou_figures(data: SampleData) -> None:
    """Refuse to return a drive whose figures are not the article's (a broken rule)."""
    figures = _figures(data)
    expected = {
        "registered": _IDENTIFIED + _MERGED + _REJECTED,
        "excluded": _MERGED + _REJECTED,
        "identified": _IDENTIFIED,
        "in_progress": _IDENTIFIED - _RESOLVED,
        "resolved": _RESOLVED,
        "explained": 0,
        "visits": _VISITS,
        "groups": _GROUPS,
    }
    wrong = {k: (figures[k], v) for k, v in expected.items() if figures[k] != v}
    if wrong:  # pragma: no cover - guards the rules against drift
        message = f"the sample's figures at the report moment are off (got, expected): {wrong}"
        raise AssertionError(message)


def dezhou_2019(seed: int = 2019) -> SampleData:
    """The 2019 Dezhou drive (德州市"进解促"集中行动), built by rule from ``seed``.

    Whatever the seed, the figures as of :attr:`SampleData.as_of` (the end of
    2019-11-13, China Standard Time) are the article's: 27 city-level groups,
    439 visits, 153 problems identified (156 registered: 2 merged duplicates
    and 1 rejected), 139 in progress, 14 resolved, none explained. The seed
    changes the names, codes, dates and histories. The records are:

    - regions: 德州市 and its districts, counties, county-level cities and zones
      (:data:`~jinjiecu.domain.divisions.DEZHOU_DIVISIONS`);
    - 66 city departments and units, 27 group leaders from 市委, 市政府, 市人大 and
      市政协 and a head for every unit, the office (hosted by 市工信局), the drive;
    - 27 work groups, each assigned the targets of one county or zone (groups
      split over counties and zones by their targets, largest remainders);
    - 100 backbone enterprises, 111 key and 150 renovation projects, 12 urban-
      construction projects, the firms that own projects, and Yucheng's small
      firms on the whitelist; every enterprise has a valid credit code whose
      positions 3-8 are its county's division code (the city's, in a zone);
    - visits: 439 by the report, split over groups by their targets, first
      round to every target, then revisits; more, at a slower pace, until
      2019-11-28;
    - problems, each found on a visit of its group to an assigned target, with
      histories to 2019-11-28;
    - finance records of the Wucheng and Yucheng cases, linked to problems.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(field="seed", expected="an integer", received=seed)
    return _Dezhou(seed).build()


# ====================================================================== a province

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
_CHUNK = 1_000
"""Records drawn from one random stream: the data never depends on the batch size."""
_PROVINCE_START = dt.date(2020, 1, 1)
_PROVINCE_LAST_VISIT = dt.date(2024, 12, 31)
_ORG_MULTIPLIER = 1_000_003
"""Coprime with 31, so organisation codes n × this + offset (mod 31^7) never repeat."""

_PATHS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((), 1.0),
    (("assign",), 1.0),
    (("assign", "start"), 4.0),
    (("reject",), 0.4),
    (("merge",), 0.4),
    (("assign", "start", "withdraw"), 0.3),
    (("resolve",), 0.6),
    (("resolve", "follow_up", "close"), 1.0),
    (("assign", "start", "resolve"), 3.0),
    (("assign", "start", "resolve", "follow_up", "close"), 6.0),
    (("assign", "start", "escalate", "resolve", "follow_up", "close"), 2.0),
    (("assign", "start", "extend", "resolve", "follow_up", "close"), 1.5),
    (("assign", "start", "explain", "follow_up", "close"), 1.0),
    (("assign", "start", "suspend"), 0.5),
    (("assign", "start", "suspend", "resume", "resolve", "follow_up", "close"), 0.7),
    (
        ("assign", "start", "resolve", "follow_up_bad", "reopen", "resolve", "follow_up", "close"),
        0.4,
    ),
    (
        ("assign", "escalate", "start", "escalate", "extend", "resolve", "follow_up", "close"),
        0.5,
    ),
)
"""The ways a problem's history runs (steps after registration), with base weights."""

_GAPS = {
    "assign": (0, 2),
    "start": (0, 2),
    "escalate": (1, 5),
    "extend": (3, 10),
    "suspend": (2, 8),
    "resume": (5, 20),
    "resolve": (3, 30),
    "explain": (5, 30),
    "follow_up": (2, 6),
    "follow_up_bad": (2, 6),
    "close": (0, 1),
    "reopen": (1, 2),
    "reject": (1, 2),
    "merge": (0, 1),
    "withdraw": (3, 15),
}
"""Working days from one step to the next, lowest and highest."""


def _path_weights(mean: float) -> list[float]:
    """Tilt the base weights (w·e^(λ·length)) so that a history has ``mean`` steps on average."""
    lengths = [1 + len(steps) for steps, _ in _PATHS]
    base = [weight for _, weight in _PATHS]

    def average(tilt: float) -> float:
        weights = [w * math.exp(tilt * n) for w, n in zip(base, lengths, strict=True)]
        return sum(w * n for w, n in zip(weights, lengths, strict=True)) / sum(weights)

    low, high = -20.0, 20.0
    for _ in range(100):
        middle = (low + high) / 2
        if average(middle) < mean:
            low = middle
        else:
            high = middle
    return [w * math.exp(low * n) for w, n in zip(base, lengths, strict=True)]


def _base31(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        digits.append(CREDIT_CODE_ALPHABET[digit])
    return "".join(reversed(digits))


@attrs.frozen
class _County:
    region: Region
    city: int
    industries: tuple[str, ...]


class _Province:
    """The layout of a synthetic province: every record is a function of the seed and its number."""

    def __init__(self, enterprises: int, seed: int) -> None:
        self.seed = seed
        self.calendar = china_calendar()
        self.enterprise_count = enterprises
        self.project_count = enterprises // 10
        rng = _stream(f"{seed}:layout")
        per_city = round(enterprises / len(_SHANDONG_CITIES) / _ENTERPRISES_PER_COUNTY)
        self.per_city = min(max(1, per_city), _MAX_COUNTIES_PER_CITY)
        self.groups_per_city = max(_GROUPS, self.per_city)
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
        labels = list(_INDUSTRIES)
        # County k (0-based) is the (k // 16 + 1)-th county of city k % 16.
        self.counties = []
        for k in range(self.per_city * len(self.cities)):
            city_index, local = k % len(self.cities), k // len(self.cities)
            city = self.cities[city_index]
            code = f"{city.id[:4]}{_FIRST_SYNTHETIC_COUNTY + local:02d}"
            self.counties.append(
                _County(
                    region=Region(
                        id=RegionId(code),
                        name=f"{_short(city.name)}样例{_chinese_number(local + 1)}县",
                        kind=DivisionKind.COUNTY,
                        division_code=DivisionCode(code),
                        parent_id=city.id,
                    ),
                    city=city_index,
                    industries=tuple(rng.sample(labels, 3)),
                )
            )

    # ---------------------------------------------------------------- who belongs where

    def county_of(self, enterprise: int) -> _County:
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
        return ProjectKind.CITY_KEY if project % 3 == 0 else ProjectKind.TECH_RENOVATION

    def enterprise_id(self, n: int) -> EnterpriseId:
        return EnterpriseId(f"sd-e-{n:07d}")

    def project_id(self, n: int) -> ProjectId:
        return ProjectId(f"sd-j-{n:06d}")

    def group_id(self, city: int, group: int) -> WorkGroupId:
        return WorkGroupId(f"{self.cities[city].id}-g-{group + 1:02d}")

    def campaign_id(self, city: int) -> CampaignId:
        return CampaignId(f"{self.cities[city].id}-standing")

    def unit_id(self, city: int, slug: str) -> DepartmentId:
        return DepartmentId(f"{self.cities[city].id}-{slug}")

    def leader_id(self, city: int, group: int) -> LeaderId:
        return LeaderId(f"{self.cities[city].id}-l-{group + 1:02d}")

    # ---------------------------------------------------------------- the batches

    def organisation(self) -> SampleBatch:
        """Regions, units, leaders, offices, standing campaigns and work groups."""
        rng = _stream(f"{self.seed}:organisation")
        people = _People(rng)
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
        bodies = list(_BODY_POSTS)
        per_body = _allocate(self.groups_per_city, [len(_BODY_POSTS[b]) for b in bodies])
        posts = [
            (b, post) for b, n in zip(bodies, per_body, strict=True) for post in _BODY_POSTS[b][:n]
        ]
        for c, city in enumerate(self.cities):
            short = _short(city.name)
            units = [
                Department(
                    id=self.unit_id(c, slug),
                    name=_unit_name(city.name, short, slug, suffix),
                    level=OrgLevel.CITY,
                    kind=kind,
                    region_id=city.id,
                )
                for slug, suffix, kind in _CITY_UNITS[:_DEPARTMENTS]
            ]
            departments += units
            heads = [
                Leader(
                    id=LeaderId(f"{u.id}-head"),
                    name=people.name(),
                    post=f"{u.name}{_head_title(u.name)}",
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
                    start=_PROVINCE_START,
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
                        name=f"市级第{_chinese_number(g + 1)}工作组（{county.name}）",
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
        rng = _stream(f"{self.seed}:enterprises:{chunk}")
        firms = _Firms(rng)
        made = []
        for n in range(chunk * _CHUNK, min((chunk + 1) * _CHUNK, self.enterprise_count)):
            county = self.county_of(n)
            size = rng.choices(
                (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO),
                (3, 17, 50, 30),
            )[0]
            industry = _INDUSTRIES[rng.choice(county.industries)]
            name, _ = firms.name(_short(county.region.name), industry, size)
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
        rng = _stream(f"{self.seed}:projects:{chunk}")
        firms = _Firms(rng)
        made = []
        for q in range(chunk * _CHUNK, min((chunk + 1) * _CHUNK, self.project_count)):
            owner = q * 10
            county = self.county_of(owner)
            industry = _INDUSTRIES[rng.choice(county.industries)]
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
                    planned_investment=_wan(investment),
                    phase=rng.choice((ProjectPhase.UNDER_CONSTRUCTION, ProjectPhase.APPROVAL)),
                )
            )
        return made


class _ProvinceHistories:
    """Visits and problems of a province, a chunk at a time; shares every immutable value it can."""

    def __init__(self, layout: _Province, transitions_per_problem: float) -> None:
        self.layout = layout
        self.calendar = layout.calendar
        self.days = list(self.calendar.working_days(_PROVINCE_START, _PROVINCE_LAST_VISIT))
        self.path_weights = list(_accumulate(_path_weights(transitions_per_problem)))
        self.actors = _Actors()
        self.assigns: dict[tuple[int, str], Assign] = {}
        self.codes = _CODES
        self.weights = {
            kind: list(_accumulate(weights)) for kind, weights in _CATEGORY_WEIGHTS.items()
        }
        self.levels = (HandlingLevel.LOCAL, HandlingLevel.COUNTY, HandlingLevel.CITY_DEPARTMENT)
        self.level_weights = list(_accumulate((7, 2, 1)))
        self.escalations = {
            kind: Escalate(consultation=kind, summary=_CONSULTATIONS[kind])
            for kind in (ConsultationKind.CITY, ConsultationKind.REPORT, ConsultationKind.OTHER)
        }
        self.resolutions = {
            c: tuple(Resolve(summary=t) for t in _CATEGORIES[c].resolutions) for c in self.codes
        }
        self.explanations = {
            c: tuple(Explain(explanation=t) for t in _CATEGORIES[c].explanations)
            for c in self.codes
        }
        self.visit_number = 0

    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n) if n else day

    def assign(self, city: int, category: str) -> Assign:
        """The assignment of a category's problems in a city (made once, shared)."""
        key = (city, category)
        found = self.assigns.get(key)
        if found is None:
            slugs = _CATEGORIES[category].departments
            found = self.assigns[key] = Assign(
                lead_department_id=self.layout.unit_id(city, slugs[0]),
                co_department_ids=tuple(self.layout.unit_id(city, s) for s in slugs[1:2]),
            )
        return found

    def chunk(self, chunk: int, problems: int) -> tuple[list[Visit], list[Problem]]:
        layout = self.layout
        rng = _stream(f"{layout.seed}:problems:{chunk}")
        visits: list[Visit] = []
        made: list[Problem] = []
        numbers = range(chunk * _CHUNK, min((chunk + 1) * _CHUNK, problems))
        left = enterprise = 0
        visit: Visit | None = None
        previous: ProblemId | None = None
        for number in numbers:
            if left == 0 or visit is None:
                visit, enterprise = self._visit(rng)
                visits.append(visit)
                left = rng.choices((1, 2, 3), (60, 30, 10))[0]
                previous = None
            left -= 1
            problem = self._problem(rng, number, (visit, enterprise), previous)
            previous = problem.id
            made.append(problem)
        return visits, made

    def _visit(self, rng: random.Random) -> tuple[Visit, int]:
        """A visit by the group assigned a random enterprise, to it or to its project."""
        layout = self.layout
        enterprise = rng.randrange(layout.enterprise_count)
        project = layout.project_of(enterprise)
        if project is not None and rng.random() >= 0.4:
            project = None
        city, group = layout.group_of(enterprise)
        day = self.days[rng.randrange(len(self.days))]
        self.visit_number += 1
        kind = VisitKind.ONSITE_OFFICE if rng.random() < 0.15 else VisitKind.VISIT
        visit = Visit(
            id=VisitId(f"sd-v-{self.visit_number:08d}"),
            campaign_id=layout.campaign_id(city),
            at=at(day, 8, 30) + dt.timedelta(minutes=rng.randrange(0, 480, 5)),
            kind=kind,
            work_group_id=layout.group_id(city, group),
            leader_ids=(layout.leader_id(city, group),),
            enterprise_id=layout.enterprise_id(enterprise),
            project_id=layout.project_id(project) if project is not None else None,
        )
        return visit, enterprise

    def _problem(
        self,
        rng: random.Random,
        number: int,
        where: tuple[Visit, int],
        previous: ProblemId | None,
    ) -> Problem:
        """Problem ``number``, found on ``where``: the visit and the enterprise's number."""
        layout = self.layout
        visit, enterprise = where
        city, group = layout.group_of(enterprise)
        county = layout.county_of(enterprise)
        target = "enterprise"
        if visit.project_id is not None:
            target = layout.project_kind(enterprise // 10).value
        category = rng.choices(self.codes, cum_weights=self.weights[target])[0]
        spec = _CATEGORIES[category]
        title = rng.choice(spec.titles)
        day = local_date(visit.at)
        if rng.random() < 0.6:
            registered = visit.at + dt.timedelta(minutes=rng.randrange(30, 180, 5))
        else:
            registered = at(self.wd(day, rng.randint(1, 2)), 9) + dt.timedelta(
                minutes=rng.randrange(0, 420, 5)
            )
        group_id = layout.group_id(city, group)
        group_actor = self.actors.get(ActorKind.WORK_GROUP, group_id, "")
        steps = _Steps(
            Problem.register(
                Register(
                    title=title,
                    category=category,
                    region_id=county.region.id,
                    description=title,
                    enterprise_id=visit.enterprise_id,
                    project_id=visit.project_id,
                    visit_id=visit.id,
                    campaign_id=visit.campaign_id,
                    work_group_id=group_id,
                    scope=Scope.COMMON if rng.random() < spec.common_share else Scope.INDIVIDUAL,
                    level=rng.choices(self.levels, cum_weights=self.level_weights)[0],
                ),
                at=registered,
                actor=group_actor,
                id=ProblemId(f"sd-p-{number:07d}"),
            ),
            _Clock(rng, registered),
        )
        path = rng.choices(_PATHS, cum_weights=self.path_weights)[0][0]
        if "merge" in path and previous is None:
            path = ("assign", "start")
        assign = self.assign(city, category)
        office = self.actors.get(ActorKind.OFFICE, f"{layout.cities[city].id}-office", "")
        department = self.actors.get(ActorKind.DEPARTMENT, assign.lead_department_id, "")
        day = local_date(registered)
        for name in path:
            low, high = _GAPS[name]
            day = self.wd(day, rng.randint(low, high))
            fixed = _FIXED_STEPS.get(name)
            if fixed is not None:
                data = fixed
            elif name == "assign":
                data = assign
            elif name == "merge" and previous is not None:
                data = MergeInto(duplicate_of=previous)
            else:
                data = self._varied(rng, name, category, path, steps.problem)
            steps(data, day, department if name in _BY_DEPARTMENT else office)
        return steps.problem

    def _varied(
        self, rng: random.Random, name: str, category: str, path: tuple[str, ...], problem: Problem
    ) -> EventData:
        """The data of a step drawn from a few shared values."""
        if name == "escalate":
            below = problem.level.rank < HandlingLevel.CITY_DEPARTMENT.rank
            return self.escalations[ConsultationKind.CITY if below else ConsultationKind.REPORT]
        if name == "extend":
            return _EXTENSIONS[rng.choice((5, 10, 15))]
        if name == "suspend":
            return rng.choice(_SUSPENSIONS)
        if name == "resolve":
            return rng.choice(self.resolutions[category])
        if name == "explain":
            return rng.choice(self.explanations[category])
        if name == "follow_up":
            return _EXPLAINED_FOLLOW_UP if "explain" in path else rng.choice(_GOOD_FOLLOW_UPS)
        message = f"no data for the step {name!r}"  # pragma: no cover - the paths use known steps
        raise AssertionError(message)  # pragma: no cover


_FIXED_STEPS: Mapping[str, EventData] = {
    "start": _START,
    "resume": _RESUME,
    "close": _CLOSE,
    "reopen": _REOPEN,
    "reject": _REJECTION,
    "withdraw": _WITHDRAWAL,
    "follow_up_bad": _BAD_FOLLOW_UP,
}
"""Steps whose data is always the same value."""

_BY_DEPARTMENT = frozenset({"start", "suspend", "resume", "resolve", "explain"})
"""Steps the lead department takes; the office takes the others."""


def _accumulate(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(
            field=name, expected=f"a whole number, at least {minimum}", received=value
        )
    return value


def province(
    *,
    enterprises: int = 100_000,
    problems: int = 1_000_000,
    seed: int = 1,
    transitions_per_problem: float = 5.0,
    batch_size: int = 10_000,
) -> Iterator[SampleBatch]:
    """A synthetic province's records, in batches: the Dezhou rules at scale, for benchmarks.

    山东省 with its 16 cities, each with synthetic counties (codes xxxx51
    onwards, about 800 enterprises each, names such as 济南样例三县), the 66
    units, 27 work groups and a standing campaign (常态化, from 2020-01-01) per
    city; ``enterprises`` enterprises with valid credit codes of their county,
    every tenth owning a project; ``problems`` problems registered from 2020 to
    2024, each found on a visit (one to three problems a visit) by the group
    assigned the enterprise, with histories built through
    :meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>` averaging
    about ``transitions_per_problem`` transitions (from 1.5 to 8.5).

    The first batch holds the organisation, then come batches of at most
    ``batch_size`` enterprises, projects, and problems with their visits. Each
    batch loads in one transaction (:meth:`SampleBatch.load_into`); only one
    batch is held at a time. The records depend on the seed alone, not on
    ``batch_size``.

    >>> batches = list(province(enterprises=200, problems=300, batch_size=100))
    >>> sum(len(b.enterprises) for b in batches), sum(len(b.problems) for b in batches)
    (200, 300)
    """
    _whole("enterprises", enterprises, 1)
    _whole("problems", problems, 0)
    _whole("batch_size", batch_size, 1)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(field="seed", expected="an integer", received=seed)
    if (
        isinstance(transitions_per_problem, bool)
        or not isinstance(transitions_per_problem, int | float)
        or not 1.5 <= transitions_per_problem <= 8.5
    ):
        raise ValidationError(
            field="transitions_per_problem",
            expected="a number from 1.5 to 8.5",
            received=transitions_per_problem,
        )
    return _province_batches(
        enterprises, problems, seed, float(transitions_per_problem), batch_size
    )


def _province_batches(
    enterprises: int, problems: int, seed: int, transitions: float, batch_size: int
) -> Iterator[SampleBatch]:
    layout = _Province(enterprises, seed)
    yield layout.organisation()
    for field, count, make in (
        ("enterprises", enterprises, layout.enterprises),
        ("projects", layout.project_count, layout.projects),
    ):
        pending: list[Any] = []
        for chunk in range(math.ceil(count / _CHUNK)):
            pending += make(chunk)
            while len(pending) >= batch_size:
                yield SampleBatch(**{field: pending[:batch_size]})
                pending = pending[batch_size:]
        if pending:
            yield SampleBatch(**{field: pending})
    histories = _ProvinceHistories(layout, transitions)
    visits: list[Visit] = []
    made: list[Problem] = []
    for chunk in range(math.ceil(problems / _CHUNK)):
        new_visits, new_problems = histories.chunk(chunk, problems)
        visits += new_visits
        made += new_problems
        while len(made) >= batch_size:
            batch, made = made[:batch_size], made[batch_size:]
            # A visit goes with the batch holding its first problem.
            cut = 1 + next(i for i, v in enumerate(visits) if v.id == batch[-1].visit_id)
            yield SampleBatch(visits=visits[:cut], problems=batch)
            visits = visits[cut:]
    if made or visits:
        yield SampleBatch(visits=visits, problems=made)
