"""The words offices use: column headers, categories and states, each table in one place.

County and city ledgers name the same column many ways (提报时间, 反映时间,
登记时间 ...) and write the same category or state in short and long forms
(用地 for 土地使用, 已向企业解释 for 已解释). A :class:`Vocabulary` holds these
synonyms; the ledger import reads every header, category and state through
one, and a value it does not know gets "did you mean" with the nearest
entries. Extend the built-in tables with a file of your own
(:meth:`Vocabulary.extended_from`), in TOML::

    [headers]
    "问题提报时间" = "registered_on"

    [categories]
    "要素保障" = "land_use"

    [states]
    "已反馈企业" = "explained"

Words are compared after NFKC (full-width forms become half-width), without
spaces, leading ``*`` or a trailing colon, and case-folded; a header's unit
in brackets (``金额（万元）``) is read apart (:func:`header_unit`).

>>> vocabulary = Vocabulary.default()
>>> vocabulary.read_header("提报时间").field
'registered_on'
>>> vocabulary.category("用地")
'land_use'
>>> vocabulary.state("已向企业解释").label
'已解释'
>>> vocabulary.category("用低")
Traceback (most recent call last):
...
jinjiecu.reports.vocabulary.UnknownWordError: 问题类别“用低”不在词表中；是否为：用电、用工... / ...
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CATEGORY_SYNONYMS",
    "DEBT_METHOD_SYNONYMS",
    "FINANCE_HEADER_SYNONYMS",
    "HEADER_SYNONYMS",
    "LEDGER_KINDS",
    "STATE_SYNONYMS",
    "UNITS",
    "HeaderReading",
    "UnknownWordError",
    "Vocabulary",
    "header_unit",
    "word_key",
]

HEADER_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "number": ("序号", "序", "No.", "No", "#", "编号序号"),
        "problem_id": ("问题编号", "问题ID", "Problem ID", "ID"),
        "enterprise": (
            "企业名称",
            "企业",
            "企业全称",
            "单位名称",
            "企业（项目）名称",
            "诉求企业",
            "问题企业",
            "企业名",
            "Enterprise",
        ),
        "credit_code": (
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "统一信用代码",
            "Credit code",
        ),
        "project": ("项目名称", "项目", "Project"),
        "region": (
            "所属县市区",
            "县市区",
            "所属区域",
            "属地",
            "县（市、区）",
            "所属县（市、区）",
            "Region",
        ),
        "place": ("所属镇街", "镇街", "所在镇街", "乡镇（街道）", "乡镇街道", "乡镇", "Place"),
        "category": ("问题类别", "问题类型", "类别", "问题分类", "Category"),
        "scope": ("问题性质", "性质", "Scope"),
        "title": ("问题标题", "问题名称", "Title"),
        "description": (
            "问题描述",
            "问题内容",
            "诉求内容",
            "企业诉求",
            "问题及诉求",
            "具体问题",
            "反映问题",
            "Description",
        ),
        "work_group": ("帮扶工作组", "工作组", "帮扶组", "Work group"),
        "leader": ("包联领导", "联系领导", "包保领导", "分包领导", "包联县级领导", "Leader"),
        "level": ("办理层级", "层级", "Level"),
        "lead_department": (
            "牵头部门",
            "责任单位",
            "承办单位",
            "牵头单位",
            "责任部门",
            "主办部门",
            "主责单位",
            "Lead department",
        ),
        "co_departments": ("配合部门", "配合单位", "协办部门", "协办单位", "Co-departments"),
        "registered_on": (
            "登记日期",
            "登记时间",
            "提报时间",
            "提报日期",
            "反映时间",
            "收集时间",
            "梳理日期",
            "发现日期",
            "受理时间",
            "Registered on",
        ),
        "deadline": ("办理时限", "时限要求", "办结时限", "时限", "完成时限", "Deadline"),
        "state": ("办理状态", "目前状态", "状态", "当前状态", "State"),
        "progress": ("办理进展", "进展情况", "推进情况", "办理进度", "Progress"),
        "settlement": ("办结方式", "Settlement"),
        "settled_on": (
            "办结日期",
            "办结时间",
            "解决时间",
            "完成时间",
            "解决日期",
            "Settled on",
        ),
        "follow_up_outcome": ("回访结果", "回访情况", "Follow-up outcome"),
        "satisfaction": ("企业满意度", "满意度", "企业评价", "Satisfaction"),
        "merged_into": ("合并至", "Merged into"),
        "amount": ("涉及金额", "金额", "Amount"),
        "history": ("办理记录", "History"),
    }
)
"""Headers county and city ledgers use, by field (the first is the library's own)."""

_ENTERPRISE_WORDS: Final = (
    "企业名称",
    "企业",
    "借款人",
    "借款企业",
    "借款人名称",
    "客户名称",
    "企业全称",
    "单位名称",
    "Enterprise",
)
_SHARED: Final[Mapping[str, tuple[str, ...]]] = {
    "number": HEADER_SYNONYMS["number"],
    "enterprise": _ENTERPRISE_WORDS,
    "credit_code": HEADER_SYNONYMS["credit_code"],
    "region": HEADER_SYNONYMS["region"],
    "place": HEADER_SYNONYMS["place"],
}
_PROBLEMS: Final = ("关联问题", "关联问题编号", "问题编号", "Problems")
_NOTE: Final = ("备注", "说明", "Note")

FINANCE_HEADER_SYNONYMS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = MappingProxyType(
    {
        "renewals": MappingProxyType(
            {
                # Not 编号 alone: banks number their rows with it.
                "id": ("续贷编号", "续贷业务编号", "Renewal ID"),
                **_SHARED,
                "bank": (
                    "贷款银行",
                    "续贷银行",
                    "承贷银行",
                    "银行",
                    "银行名称",
                    "金融机构",
                    "贷款机构",
                    "Bank",
                ),
                "branch": ("经办网点", "经办支行", "支行", "网点", "Branch"),
                "contract": (
                    "原合同编号",
                    "合同编号",
                    "借款合同编号",
                    "原借款合同号",
                    "合同号",
                    "Contract",
                ),
                "original_amount": (
                    "原贷款金额",
                    "原借款金额",
                    "原贷款本金",
                    "到期贷款金额",
                    "Original amount",
                ),
                "original_start": ("原贷款发放日", "原贷款起始日", "发放日期", "Original start"),
                "maturity": ("原贷款到期日", "原到期日", "到期日", "贷款到期日", "Maturity"),
                "renewed_on": (
                    "续贷日期",
                    "续贷时间",
                    "续贷办理日期",
                    "办理日期",
                    "Renewed on",
                ),
                "amount": ("续贷金额", "新贷款金额", "续贷额度", "金额", "Amount"),
                "term_months": (
                    "续贷期限（月）",
                    "期限（月）",
                    "续贷期限",
                    "期限",
                    "Term (months)",
                ),
                "rate": (
                    "年利率（%）",
                    "年利率",
                    "利率（%）",
                    "利率",
                    "执行利率",
                    "Annual rate (%)",
                ),
                "guarantee_resigned": ("重签担保", "是否重签担保", "Guarantee re-signed"),
                "risk_before": ("续贷前风险分类", "原风险分类", "Risk before"),
                "risk_after": ("续贷后风险分类", "风险分类", "Risk after"),
                "problems": _PROBLEMS,
                "note": _NOTE,
            }
        ),
        "bridge-funds": MappingProxyType(
            {
                "fund": ("过桥资金名称", "资金名称", "过桥资金", "基金名称", "Fund"),
                "operator": ("运营机构", "管理机构", "资金管理机构", "Operator"),
                "pool_size": ("资金规模", "资金池规模", "Pool size"),
                "max_days": ("最长使用天数", "使用期限（天）", "Max days"),
                "daily_fee_rate": ("日费率", "Daily fee rate"),
                **_SHARED,
                "amount": ("使用金额", "过桥金额", "借款金额", "拨付金额", "金额", "Amount"),
                "drawn_on": (
                    "使用日期",
                    "放款日期",
                    "借款日期",
                    "拨付日期",
                    "过桥日期",
                    "Drawn on",
                ),
                "repaid_on": ("归还日期", "还款日期", "收回日期", "回收日期", "Repaid on"),
                "reference": ("业务编号", "凭证号", "借据号", "Reference"),
                "problems": _PROBLEMS,
            }
        ),
        "debt": MappingProxyType(
            {
                "id": ("化解编号", "Resolution ID"),
                **_SHARED,
                "creditors": ("债权人", "债权银行", "债权机构", "债权单位", "Creditors"),
                "debt_before": (
                    "化解前债务",
                    "原债务金额",
                    "债务总额",
                    "债务金额",
                    "涉及债务",
                    "Debt before",
                ),
                "debt_after": ("化解后债务", "剩余债务", "化解后剩余债务", "Debt after"),
                "resolved": ("化解金额", "化解债务", "已化解金额", "Resolved"),
                "method": ("化解方式", "处置方式", "化解措施", "Method"),
                "resolved_on": ("化解日期", "化解时间", "完成时间", "办结时间", "Resolved on"),
                "problems": _PROBLEMS,
                "note": _NOTE,
            }
        ),
        "whitelist": MappingProxyType(
            {
                "whitelist": ("名单库", "名单名称", "名单", "Whitelist"),
                **_SHARED,
                "change": ("变动类型", "变动", "纳入或移出", "操作", "Change"),
                "on": ("纳入日期", "入库日期", "入库时间", "变动日期", "日期", "On"),
                "criteria": ("符合条件", "入库条件", "入选条件", "Criteria"),
                "reason": ("移出原因", "原因", "Reason"),
            }
        ),
    }
)
"""Headers finance ledgers use, by ledger kind and field (the first is the library's own).

The kinds are ``renewals`` (无还本续贷), ``bridge-funds`` (过桥资金), ``debt``
(债务化解) and ``whitelist`` (白名单); the fields are those of
:mod:`jinjiecu.reports.finance_ledger`.
"""

LEDGER_KINDS: Final = ("problems", *FINANCE_HEADER_SYNONYMS)
"""The kinds of ledger there are header tables for (problems, then the finance kinds)."""

DEBT_METHOD_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "package_disposal": ("打包处置", "不良资产处置", "资产打包处置"),
        "restructuring": ("重组", "债务重组", "资产重组"),
        "write_off": ("核销", "坏账核销"),
        "debt_to_equity": ("债转股",),
        "extension": ("展期", "延期", "借新还旧"),
        "settlement": ("和解", "清偿", "协商清偿", "和解清偿"),
        "other": ("其他", "其它"),
    }
)
"""Words for how a debt was resolved, by method code."""


AMBIGUOUS_HEADERS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"办理情况": ("state", "progress")}
)
"""Headers that mean one field or another; the column's cells decide (states, or free text)."""

CATEGORY_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "production_operation": ("生产经营", "经营", "生产", "市场销售", "销售", "市场"),
        "project_construction": ("项目建设", "项目", "建设", "工程建设"),
        "environmental_governance": (
            "环保",
            "环保治理",
            "环境保护",
            "环评",
            "生态环境",
            "环保问题",
        ),
        "financing": ("融资", "资金", "融资难", "贷款", "金融", "资金问题", "融资问题"),
        "land_use": ("用地", "土地", "土地使用", "用地指标", "用地保障", "土地问题"),
        "policy_fulfilment": (
            "政策兑现",
            "政策",
            "政策落实",
            "奖补",
            "补贴",
            "政策支持",
            "税费",
            "税收",
        ),
        "planning_adjustment": ("规划调整", "规划"),
        "approval_procedures": ("审批手续", "审批", "手续", "办证", "证照", "行政审批", "手续办理"),
        "resource_integration": ("资源整合盘活", "资源整合", "盘活", "闲置资产", "资产盘活"),
        "talent_labour": ("人才用工", "用工", "人才", "招工", "用工难", "人才引进", "劳动力"),
        "infrastructure": (
            "基础设施",
            "水电气暖",
            "水电",
            "供电",
            "供水",
            "供气",
            "用电",
            "用水",
            "用气",
            "供暖",
            "道路",
            "交通",
            "配套设施",
        ),
        "other": ("其他", "其它"),
    }
)
"""Words for the default taxonomy's categories, by category code."""

STATE_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "registered": ("已登记", "待交办", "未交办", "已受理", "registered"),
        "assigned": ("已交办", "已转办", "已分办", "assigned"),
        "in_progress": (
            "正在办理",
            "办理中",
            "在办",
            "推进中",
            "正在推进",
            "未办结",
            "未解决",
            "正在协调",
            "协调中",
            "in progress",
            "ongoing",
        ),
        "suspended": ("暂缓", "暂缓办理", "缓办", "suspended"),
        "resolved": (
            "已解决",
            "已完成",
            "解决",
            "完成",
            "已落实",
            "已化解",
            "resolved",
            "solved",
            "done",
        ),
        "explained": (
            "已解释",
            "已向企业解释",
            "已解释说明",
            "已作解释",
            "解释说明",
            "已答复解释",
            "已答复",
            "explained",
        ),
        "closed": ("已办结", "办结", "已销号", "办结销号", "closed"),
        "rejected": ("不予受理", "不受理", "rejected"),
        "withdrawn": ("已撤回", "企业撤回", "撤回", "withdrawn"),
        "merged": ("已合并", "合并办理", "merged"),
    }
)
"""Words for the problem states, by state code."""

UNITS: Final[Mapping[str, int]] = MappingProxyType({"元": 1, "万元": 10_000, "亿元": 100_000_000})
"""Units of money a header may give in brackets, with their size in yuan."""

_UNIT_IN_HEADER = re.compile(r"^(?P<base>.*?)[(（\[【]\s*(?P<unit>元|万元|亿元)\s*[)）\]】]$")
_SUGGESTIONS = 3


class UnknownWordError(ValidationError):
    """A word that no table of the vocabulary knows, with the nearest entries.

    ``suggestions`` lists the words "did you mean" offers, nearest first.
    """

    def __init__(self, *, table: str, word: str, suggestions: Iterable[str], known: str) -> None:
        self.table = table
        self.word = word
        self.suggestions = tuple(suggestions)
        zh, en = _TABLE_NAMES[table]
        if self.suggestions:
            shown = "、".join(self.suggestions)
            message = (
                f"{zh}“{word}”不在词表中；是否为：{shown}？ / unknown {en} {word!r}; "
                f"did you mean {', '.join(self.suggestions)}? (or add it to a vocabulary file)"
            )
        else:
            message = (
                f"{zh}“{word}”不在词表中，应为 {known} 之一 / unknown {en} {word!r} "
                "(add it to a vocabulary file)"
            )
        super().__init__(message, field=table, expected=f"a known {en}", received=word)


_TABLE_NAMES: Final = {
    "headers": ("表头", "header"),
    "categories": ("问题类别", "category"),
    "states": ("办理状态", "state"),
}


def word_key(text: str) -> str:
    """How words are compared: NFKC, no spaces, no leading ``*`` or trailing colon, case-folded.

    >>> word_key(" *提报 时间： ") == word_key("提报时间")
    True
    """
    # NFKC again after the spaces go: a spacing mark (¯) becomes a space and a
    # combining mark, which composes with the letter before once the space is gone.
    joined = "".join(unicodedata.normalize("NFKC", text).split())
    stripped = unicodedata.normalize("NFKC", joined).lstrip("*").rstrip(":")
    return unicodedata.normalize("NFKC", stripped.casefold())


def header_unit(text: str) -> tuple[str, str | None]:
    """A header without its unit in brackets, and the unit (元, 万元, 亿元) or ``None``.

    >>> header_unit("续贷金额（万元）")
    ('续贷金额', '万元')
    >>> header_unit("问题标题")
    ('问题标题', None)
    """
    normalised = unicodedata.normalize("NFKC", text).strip()
    match = _UNIT_IN_HEADER.match(normalised)
    if match is None:
        return text.strip(), None
    return match["base"].strip(), match["unit"]


@attrs.frozen(kw_only=True)
class HeaderReading:
    """How one column's header was read: the field it gives (or ``None``) and why.

    ``rule`` names what matched, in both languages: the library's own header,
    a synonym of it (naming the library's), a user's vocabulary or mapping
    file, or the column's cells.
    """

    header: str
    field: str | None
    rule: str
    unit: str | None = None


def _keyed(pairs: Iterable[tuple[str, str]], *, table: str, source: str) -> dict[str, str]:
    keyed: dict[str, str] = {}
    for word, value in pairs:
        key = word_key(word)
        if not key:
            raise ValidationError(
                field=table, expected=f"non-blank words in {source}", received=word
            )
        keyed[key] = value
    return keyed


@attrs.frozen(kw_only=True)
class Vocabulary:
    """Synonyms for headers, categories and states; see the module docs.

    Build one with :meth:`default` and :meth:`extended_from` (or
    :meth:`extended`). The tables map a word's :func:`word_key` to a ledger
    field, a category code and a state code.
    """

    headers: Mapping[str, str]
    categories: Mapping[str, str]
    states: Mapping[str, str]
    finance_headers: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    """The header tables of the finance ledgers, by kind (as :data:`FINANCE_HEADER_SYNONYMS`)."""
    user_headers: frozenset[str] = frozenset()
    """The header keys a user's file gave (their rule says so)."""
    files: tuple[str, ...] = ()
    """The files the vocabulary was extended from, in order."""

    @classmethod
    def default(cls) -> Vocabulary:
        """The built-in tables (:data:`HEADER_SYNONYMS`, :data:`CATEGORY_SYNONYMS` ...)."""
        return _DEFAULT

    def extended(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        categories: Mapping[str, str] | None = None,
        states: Mapping[str, str] | None = None,
        source: str = "",
        taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    ) -> Vocabulary:
        """This vocabulary with more words (word -> field, category, state).

        A word given again replaces the earlier meaning. Each meaning is
        checked here, naming the entry and the nearest right ones: a ledger
        field; a category of ``taxonomy`` by code or label; a state by code
        or label.
        """
        name = source or "the words given"
        new_headers = dict(headers or {})
        known = {*HEADER_SYNONYMS, *(f for t in FINANCE_HEADER_SYNONYMS.values() for f in t)}
        for word, field in new_headers.items():
            if field not in known:
                raise ValidationError(
                    field=f"headers.{word}",
                    expected="a ledger field" + _did_you_mean(field, known),
                    received=field,
                )
        categories_given = {
            word: _category_code(word, value, taxonomy)
            for word, value in (categories or {}).items()
        }
        states_given = {word: _state_code(word, value) for word, value in (states or {}).items()}
        keyed_headers = _keyed(new_headers.items(), table="headers", source=name)
        # A header names a field in every kind of ledger that has the field.
        finance = {
            kind: {
                **self.finance_headers.get(kind, {}),
                **{k: f for k, f in keyed_headers.items() if f in FINANCE_HEADER_SYNONYMS[kind]},
            }
            for kind in FINANCE_HEADER_SYNONYMS
        }
        return attrs.evolve(
            self,
            headers={
                **self.headers,
                **{k: f for k, f in keyed_headers.items() if f in HEADER_SYNONYMS},
            },
            finance_headers=finance,
            categories={
                **self.categories,
                **_keyed(categories_given.items(), table="categories", source=name),
            },
            states={**self.states, **_keyed(states_given.items(), table="states", source=name)},
            user_headers=self.user_headers | frozenset(keyed_headers),
            files=(*self.files, source) if source else self.files,
        )

    def extended_from(
        self, path: str | Path, *, taxonomy: Taxonomy = DEFAULT_TAXONOMY
    ) -> Vocabulary:
        """This vocabulary with the words of a TOML or JSON file: headers, categories, states.

        Errors name the file and the entry; categories are checked against
        ``taxonomy``.
        """
        file = Path(path)
        text = file.read_text(encoding="utf-8-sig")
        try:
            if file.suffix.lower() == ".json":
                data: Any = json.loads(text)
            else:
                import tomllib  # noqa: PLC0415 - only vocabulary files need it

                data = tomllib.loads(text)
        except (ValueError, json.JSONDecodeError) as error:
            raise ValidationError(
                field="vocabulary", expected="a TOML or JSON file", received=str(error)
            ).at(str(file)) from None
        if not isinstance(data, dict):
            raise ValidationError(field="vocabulary", expected="tables of words", received=data).at(
                str(file)
            )
        tables: dict[str, dict[str, str]] = {}
        for table in ("headers", "categories", "states"):
            given = data.pop(table, {})
            if not isinstance(given, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in given.items()
            ):
                raise ValidationError(
                    field=table, expected="a table of words to text", received=given
                ).at(str(file))
            tables[table] = given
        if data:
            raise ValidationError(
                field=min(data),
                expected="only the tables headers, categories and states"
                + _did_you_mean(min(data), ("headers", "categories", "states")),
                received=sorted(data),
            ).at(str(file))
        try:
            return self.extended(**tables, source=str(file), taxonomy=taxonomy)
        except ValidationError as error:
            raise error.at(str(file)) from None

    # ------------------------------------------------------------------ reading

    def header_table(self, kind: str = "problems") -> Mapping[str, str]:
        """The headers a kind of ledger (:data:`LEDGER_KINDS`) is read with: word key -> field."""
        if kind == "problems":
            return self.headers
        table = self.finance_headers.get(kind)
        if table is None:
            raise ValidationError(
                field="kind", expected=f"one of {', '.join(LEDGER_KINDS)}", received=kind
            )
        return table

    def read_header(self, header: str, kind: str = "problems") -> HeaderReading:
        """The field a header gives in a ``kind`` of ledger, and the rule that matched.

        ``field`` is ``None`` when no table knows the header.
        """
        base, unit = header_unit(header)
        key = word_key(base)
        field = self.header_table(kind).get(key)
        if field is None:
            if kind == "problems" and key in _AMBIGUOUS_KEYS:
                return HeaderReading(header=header, field=None, rule="ambiguous", unit=unit)
            return HeaderReading(
                header=header, field=None, rule="未识别 / not recognised", unit=unit
            )
        synonyms = HEADER_SYNONYMS if kind == "problems" else FINANCE_HEADER_SYNONYMS[kind]
        own = synonyms[field][0]
        if key in self.user_headers:
            rule = "用户词表 / the user's vocabulary"
        elif key == word_key(own):
            rule = "标准表头 / the library's header"
        else:
            rule = f"同义表头，即“{own}” / a synonym of {own}"
        return HeaderReading(header=header, field=field, rule=rule, unit=unit)

    def ambiguous_fields(self, header: str) -> tuple[str, ...]:
        """The fields an ambiguous header may give (empty when it is not one)."""
        return _AMBIGUOUS_KEYS.get(word_key(header_unit(header)[0]), ())

    def category(self, word: str, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> str:
        """The category code ``word`` names: a code or label of ``taxonomy``, or a synonym.

        Raises :class:`UnknownWordError` with the nearest words otherwise.
        """
        key = word_key(word)
        for category in taxonomy:
            if key in (word_key(category.code), word_key(category.label)) or (
                category.label_en and key == word_key(category.label_en)
            ):
                return category.code
        code = self.categories.get(key)
        if code is not None and code in taxonomy:
            return code
        words = {
            **{c.label: c.code for c in taxonomy},
            **{
                w: c
                for w, c in _display(self.categories, CATEGORY_SYNONYMS).items()
                if c in taxonomy
            },
        }
        raise UnknownWordError(
            table="categories",
            word=word.strip(),
            suggestions=_nearest(word, words),
            known="、".join(c.label for c in taxonomy),
        )

    def state(self, word: str) -> ProblemState:
        """The state ``word`` names: a state's label, code or name, or a synonym."""
        key = word_key(word)
        for state in ProblemState:
            if key in (word_key(state.label), state.value, state.name.casefold()):
                return state
        code = self.states.get(key)
        if code is not None:
            return ProblemState(code)
        words = {
            **{s.label: s.value for s in ProblemState},
            **_display(self.states, STATE_SYNONYMS),
        }
        raise UnknownWordError(
            table="states",
            word=word.strip(),
            suggestions=_nearest(word, words),
            known="、".join(s.label for s in ProblemState),
        )

    def is_state(self, word: str) -> bool:
        """Whether ``word`` names a state."""
        try:
            self.state(word)
        except UnknownWordError:
            return False
        return True

    def headers_toml(self, readings: Iterable[HeaderReading], kind: str = "problems") -> str:
        """A vocabulary file holding how ``readings`` were read, for a user to edit.

        Each header that gave a field is one line; a header that gave none is
        a comment listing the fields, to fill in if the column matters.
        """
        fields = HEADER_SYNONYMS if kind == "problems" else FINANCE_HEADER_SYNONYMS[kind]
        lines = [
            "# 表头映射：每行“原表头” = 字段；可修改后用 --headers 文件名 再次导入。",
            '# Header mapping: each line is "header" = field; edit, import with --headers FILE.',
            f"# 字段 fields ({kind}): {', '.join(fields)}",
            "[headers]",
        ]
        for reading in readings:
            quoted = json.dumps(reading.header, ensure_ascii=False)
            if reading.field is None:
                lines.append(f'# {quoted} = ""  # {reading.rule}')
            else:
                lines.append(f'{quoted} = "{reading.field}"  # {reading.rule}')
        return "\n".join(lines) + "\n"


def _did_you_mean(given: str, choices: Iterable[str]) -> str:
    """`` (did you mean x?)`` with the nearest of ``choices``, or every choice if none is near."""
    listed = sorted(choices)
    near = difflib.get_close_matches(given, listed, n=_SUGGESTIONS, cutoff=0.6)
    if near:
        return f" (did you mean {', '.join(near)}?)"
    return f" ({', '.join(listed)})"


def _category_code(word: str, value: str, taxonomy: Taxonomy) -> str:
    """The code of the category ``value`` names in ``taxonomy`` (a code or a label)."""
    key = word_key(value)
    for category in taxonomy:
        if key in (word_key(category.code), word_key(category.label)) or (
            category.label_en and key == word_key(category.label_en)
        ):
            return category.code
    labels = [c.label for c in taxonomy] + [c.code for c in taxonomy]
    raise ValidationError(
        field=f"categories.{word}",
        expected="a category of the taxonomy, by code or label" + _did_you_mean(value, labels),
        received=value,
    )


def _state_code(word: str, value: str) -> str:
    """The code of the state ``value`` names (a code or a label)."""
    key = word_key(value)
    for state in ProblemState:
        if key in (state.value, word_key(state.label), state.name.casefold()):
            return str(state.value)
    names = [s.value for s in ProblemState] + [s.label for s in ProblemState]
    raise ValidationError(
        field=f"states.{word}",
        expected="a state, by code or label" + _did_you_mean(value, names),
        received=value,
    )


def _display(keyed: Mapping[str, str], tables: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Words to show for suggestions: the built-in spellings, then a user's (as keyed)."""
    shown: dict[str, str] = {}
    for value, words in tables.items():
        for word in words:
            shown[word] = value
    spelled = {word_key(word) for word in shown}
    return shown | {key: value for key, value in keyed.items() if key not in spelled}


def _nearest(word: str, words: Mapping[str, str]) -> list[str]:
    """The words nearest to ``word`` ("did you mean"), nearest first: at most three meanings.

    ``words`` maps each word to what it means; of several words with one
    meaning (用电, 用水, 用气 are all 基础设施) only the nearest is offered, so
    that the suggestions are three different answers.
    """
    by_key: dict[str, str] = {}
    for candidate in words:
        by_key.setdefault(word_key(candidate), candidate)
    key = word_key(word)
    close = difflib.get_close_matches(key, list(by_key), n=len(by_key), cutoff=0.3)
    # A word contained in the other ("用地" in "用地指标") is near whatever difflib says.
    close += [k for k in by_key if key and (key in k or k in key) and k not in close]
    found: list[str] = []
    meanings: set[str] = set()
    for match in close:
        candidate = by_key[match]
        if words[candidate] not in meanings:
            meanings.add(words[candidate])
            found.append(candidate)
        if len(found) == _SUGGESTIONS:
            break
    return found


def _build_default() -> Vocabulary:
    headers = {
        word_key(header): field for field, words in HEADER_SYNONYMS.items() for header in words
    }
    categories = {
        word_key(word): code for code, words in CATEGORY_SYNONYMS.items() for word in words
    }
    states = {word_key(word): code for code, words in STATE_SYNONYMS.items() for word in words}
    finance = {
        kind: {word_key(word): field for field, words in table.items() for word in words}
        for kind, table in FINANCE_HEADER_SYNONYMS.items()
    }
    return Vocabulary(
        headers=headers, categories=categories, states=states, finance_headers=finance
    )


_AMBIGUOUS_KEYS: Final = {word_key(word): fields for word, fields in AMBIGUOUS_HEADERS.items()}
_DEFAULT: Final = _build_default()
