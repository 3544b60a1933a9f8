"""The columns of a ledger: their fields, their Chinese and English headers, and LedgerHeaders.

Private to :mod:`jinjiecu.reports.ledger`, which exports (and documents)
:data:`~jinjiecu.reports.ledger.LEDGER_COLUMNS`,
:data:`~jinjiecu.reports.ledger.EXPORT_COLUMNS`,
:data:`~jinjiecu.reports.ledger.ZH_HEADERS`,
:data:`~jinjiecu.reports.ledger.EN_HEADERS`,
:data:`~jinjiecu.reports.ledger.HEADER_ALIASES` and
:class:`~jinjiecu.reports.ledger.LedgerHeaders`. Both the import and the
export name columns through these.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from jinjiecu.domain.validation import check, name_text
from jinjiecu.errors import ValidationError
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports.vocabulary import HEADER_SYNONYMS

__all__ = [
    "EN_HEADERS",
    "EXPORT_COLUMNS",
    "HEADER_ALIASES",
    "LEDGER_COLUMNS",
    "REJECT_HEADERS",
    "ZH_HEADERS",
    "LedgerHeaders",
    "headers_of",
]


_COLUMNS: Final = (
    ("number", "序号", "No."),
    ("problem_id", "问题编号", "Problem ID"),
    ("enterprise", "企业名称", "Enterprise"),
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("project", "项目名称", "Project"),
    ("region", "所属县市区", "Region"),
    ("place", "所属镇街", "Place"),
    ("category", "问题类别", "Category"),
    ("scope", "问题性质", "Scope"),
    ("title", "问题标题", "Title"),
    ("description", "问题描述", "Description"),
    ("work_group", "帮扶工作组", "Work group"),
    ("leader", "包联领导", "Leader"),
    ("level", "办理层级", "Level"),
    ("lead_department", "牵头部门", "Lead department"),
    ("co_departments", "配合部门", "Co-departments"),
    ("registered_on", "登记日期", "Registered on"),
    ("deadline", "办理时限", "Deadline"),
    ("deadline_provisional", "时限暂定", "Deadline provisional"),
    ("state", "办理状态", "State"),
    ("progress", "办理进展", "Progress"),
    ("settlement", "办结方式", "Settlement"),
    ("settled_on", "办结日期", "Settled on"),
    ("follow_up_outcome", "回访结果", "Follow-up outcome"),
    ("satisfaction", "企业满意度", "Satisfaction"),
    ("merged_into", "合并至", "Merged into"),
    ("amount", "涉及金额", "Amount"),
    ("history", "办理记录", "History"),
)


# Documented in jinjiecu.reports.ledger, which exports it.
LEDGER_COLUMNS: Final[tuple[str, ...]] = tuple(field for field, _zh, _en in _COLUMNS)


_WHEN_NEEDED: Final = ("place", "leader", "deadline_provisional")
"""Fields written by default only when an exported problem has a value for them."""


# Documented in jinjiecu.reports.ledger, which exports it.
EXPORT_COLUMNS: Final[tuple[str, ...]] = tuple(
    field for field in LEDGER_COLUMNS if field not in (*_WHEN_NEEDED, "history")
)


# Documented in jinjiecu.reports.ledger, which exports them.
ZH_HEADERS: Final[Mapping[str, str]] = MappingProxyType({f: zh for f, zh, _en in _COLUMNS})
EN_HEADERS: Final[Mapping[str, str]] = MappingProxyType({f: en for f, _zh, en in _COLUMNS})


# Documented in jinjiecu.reports.ledger, which exports it.
HEADER_ALIASES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        field: tuple(
            word for word in words if word not in (ZH_HEADERS.get(field), EN_HEADERS.get(field))
        )
        for field, words in HEADER_SYNONYMS.items()
        if field in ZH_HEADERS
    }
)


# The header of the column a rejects file adds (错误原因), by whether the ledger is in English.
REJECT_HEADERS: Final = {False: "错误原因", True: "Errors"}


@attrs.frozen(kw_only=True)
class LedgerHeaders:
    """The header of each ledger column, by field (see :data:`LEDGER_COLUMNS`).

    Headers must be unique single-line text; they are compared ignoring
    spaces, case, full-width forms and a leading ``*``.
    """

    number: str = ZH_HEADERS["number"]
    problem_id: str = ZH_HEADERS["problem_id"]
    enterprise: str = ZH_HEADERS["enterprise"]
    credit_code: str = ZH_HEADERS["credit_code"]
    project: str = ZH_HEADERS["project"]
    region: str = ZH_HEADERS["region"]
    place: str = ZH_HEADERS["place"]
    category: str = ZH_HEADERS["category"]
    scope: str = ZH_HEADERS["scope"]
    title: str = ZH_HEADERS["title"]
    description: str = ZH_HEADERS["description"]
    work_group: str = ZH_HEADERS["work_group"]
    leader: str = ZH_HEADERS["leader"]
    level: str = ZH_HEADERS["level"]
    lead_department: str = ZH_HEADERS["lead_department"]
    co_departments: str = ZH_HEADERS["co_departments"]
    registered_on: str = ZH_HEADERS["registered_on"]
    deadline: str = ZH_HEADERS["deadline"]
    deadline_provisional: str = ZH_HEADERS["deadline_provisional"]
    state: str = ZH_HEADERS["state"]
    progress: str = ZH_HEADERS["progress"]
    settlement: str = ZH_HEADERS["settlement"]
    settled_on: str = ZH_HEADERS["settled_on"]
    follow_up_outcome: str = ZH_HEADERS["follow_up_outcome"]
    satisfaction: str = ZH_HEADERS["satisfaction"]
    merged_into: str = ZH_HEADERS["merged_into"]
    amount: str = ZH_HEADERS["amount"]
    history: str = ZH_HEADERS["history"]

    def __attrs_post_init__(self) -> None:
        seen: dict[str, str] = {}
        for field in LEDGER_COLUMNS:
            header = getattr(self, field)
            name_text(100)(self, attrs.fields_dict(LedgerHeaders)[field], header)
            key = io.header_key(header)
            check(
                bool(key) and key not in seen,
                field=field,
                expected=f"a header unique among the columns (not also {seen.get(key)!r})",
                received=header,
            )
            seen[key] = field

    @classmethod
    def chinese(cls) -> LedgerHeaders:
        """The Chinese headers (:data:`ZH_HEADERS`), the default."""
        return cls()

    @classmethod
    def english(cls) -> LedgerHeaders:
        """The English headers (:data:`EN_HEADERS`)."""
        return cls(**EN_HEADERS)

    def with_overrides(self, overrides: Mapping[str, str]) -> LedgerHeaders:
        """These headers with some replaced, by field; an unknown field is refused."""
        unknown = sorted(set(overrides) - set(LEDGER_COLUMNS))
        check(
            not unknown,
            field="overrides",
            expected=f"fields of a ledger: {', '.join(LEDGER_COLUMNS)}",
            received=unknown,
        )
        return attrs.evolve(self, **dict(overrides))

    def header(self, field: str) -> str:
        """The header of ``field``."""
        value: str = getattr(self, field)
        return value

    def as_dict(self) -> dict[str, str]:
        """Field -> header, in column order."""
        return {field: getattr(self, field) for field in LEDGER_COLUMNS}


def headers_of(headers: LedgerHeaders | Mapping[str, str] | None) -> LedgerHeaders | None:
    if headers is None or isinstance(headers, LedgerHeaders):
        return headers
    if isinstance(headers, Mapping):
        return LedgerHeaders.chinese().with_overrides(headers)
    raise ValidationError(
        field="headers",
        expected="a LedgerHeaders or a mapping of field to header",
        received=headers,
    )
