"""Problems: the categories as they occur, the events of their histories, the step builder.

Private to :mod:`jinjiecu.sample`. Both generators draw on these: the
default taxonomy's categories (how often each arises for each kind of target,
which units handle it, the texts of its titles, resolutions and
explanations), the event values histories share (follow-ups, suspensions,
extensions, the rejection and the withdrawal) and :class:`Steps`, which
applies an event on a day, later than the step before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from jinjiecu.domain.enterprise import ProjectKind
from jinjiecu.domain.events import (
    Close,
    ConsultationKind,
    Explain,
    ExtendDeadline,
    FollowUp,
    FollowUpMethod,
    FollowUpOutcome,
    Reject,
    Reopen,
    Resolve,
    Resume,
    Satisfaction,
    Start,
    Suspend,
    Withdraw,
)

if TYPE_CHECKING:
    import datetime as dt
    import random
    from collections.abc import Mapping

    from jinjiecu.domain.events import EventData
    from jinjiecu.domain.problem import Actor, Problem
    from jinjiecu.sample._allocation import Clock

__all__ = [
    "BAD_FOLLOW_UP",
    "CATEGORIES",
    "CATEGORY_WEIGHTS",
    "CLOSE",
    "CODES",
    "CONSULTATIONS",
    "EXPLAINED_FOLLOW_UP",
    "EXTENSIONS",
    "GOOD_FOLLOW_UPS",
    "HARD",
    "REJECTION",
    "REOPEN",
    "RESUME",
    "START",
    "SUSPENSIONS",
    "WITHDRAWAL",
    "Category",
    "Steps",
    "explanation_for",
    "resolution_for",
]


# ====================================================================== categories


@attrs.frozen
class Category:
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


CATEGORIES: Mapping[str, Category] = {
    "financing": Category(
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
    "land_use": Category(
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
    "approval_procedures": Category(
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
    "project_construction": Category(
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
    "environmental_governance": Category(
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
    "policy_fulfilment": Category(
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
    "planning_adjustment": Category(
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
    "resource_integration": Category(
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
    "talent_labour": Category(
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
    "infrastructure": Category(
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
    "production_operation": Category(
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
    "other": Category(
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

CODES = tuple(CATEGORIES)
CATEGORY_WEIGHTS: Mapping[str, tuple[int, ...]] = {
    "enterprise": tuple(c.weight_enterprise for c in CATEGORIES.values()),
    ProjectKind.CITY_KEY.value: tuple(c.weight_key for c in CATEGORIES.values()),
    ProjectKind.TECH_RENOVATION.value: tuple(c.weight_renovation for c in CATEGORIES.values()),
    ProjectKind.URBAN_CONSTRUCTION.value: tuple(c.weight_urban for c in CATEGORIES.values()),
}
"""How likely each category (in taxonomy order) is, for each kind of target."""

HARD = frozenset(code for code, category in CATEGORIES.items() if category.difficulty == 2)
"""The categories that take long to settle (difficulty 2)."""


# ====================================================================== the events histories share


GOOD_FOLLOW_UPS = (
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
EXPLAINED_FOLLOW_UP = FollowUp(
    outcome=FollowUpOutcome.NOT_SOLVED,
    satisfaction=Satisfaction.BASICALLY_SATISFIED,
    comment="企业对解释表示理解",
)
BAD_FOLLOW_UP = FollowUp(
    outcome=FollowUpOutcome.PARTLY_SOLVED,
    satisfaction=Satisfaction.DISSATISFIED,
    method=FollowUpMethod.VISIT,
    comment="企业反映问题仍未根本解决",
)
START, CLOSE, RESUME = Start(), Close(), Resume()
REOPEN = Reopen(reason="回访企业不满意，重新办理")
SUSPENSIONS = (
    Suspend(reason="等待规划调整批复"),
    Suspend(reason="等待省级部门审批"),
    Suspend(reason="企业补充材料期间暂缓办理"),
)
EXTENSIONS = {
    days: ExtendDeadline(approval=f"经领导小组办公室批准延期{days}个工作日", working_days=days)
    for days in (5, 10, 15)
}
REJECTION = Reject(reason="属企业与供应商之间的民事合同纠纷，应通过司法途径解决，不予受理")
WITHDRAWAL = Withdraw(reason="企业已自行解决，申请撤回")
CONSULTATIONS = {
    ConsultationKind.ZONE: "区内会商：2名区领导、2个办公室和相关职能部门（2+2+N）共商解决方案",
    ConsultationKind.CITY: "与市直部门、金融机构和中介机构会商",
    ConsultationKind.REPORT: "向市委、市政府报告，提请市级协调",
    ConsultationKind.OTHER: "提请上级部门协调",
}


def resolution_for(category: str, rng: random.Random) -> Resolve:
    """How a problem of ``category`` was resolved: one of its category's texts."""
    return Resolve(summary=rng.choice(CATEGORIES[category].resolutions))


def explanation_for(category: str, rng: random.Random) -> Explain:
    """Why a problem of ``category`` could not be solved: one of its category's texts."""
    return Explain(explanation=rng.choice(CATEGORIES[category].explanations))


class Steps:
    """One problem's history as it is built: apply an event on a day, later than the last step."""

    def __init__(self, problem: Problem, clock: Clock) -> None:
        self.problem = problem
        self.clock = clock

    @property
    def day(self) -> dt.date:
        """The day of the last step."""
        return self.clock.day

    def __call__(self, data: EventData, on: dt.date, actor: Actor, note: str = "") -> None:
        """Apply ``data`` on ``on`` (or the last step's day, if later) by ``actor``."""
        moment = self.clock.on(max(on, self.clock.day))
        self.problem = self.problem.apply(data, at=moment, actor=actor, note=note)
