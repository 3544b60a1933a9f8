"""Reading a ledger: its table (which column holds which field) and its rows' cells.

Private to :mod:`jinjiecu.reports.ledger`. :func:`read_ledger` finds the
header row, reads each header through the vocabulary (an ambiguous one, such
as 办理情况, by what its cells hold) and sets totals rows and notes aside. A
:class:`Row` is one data row; its cells are parsed on demand by a
:class:`Reader`, against the store's names and the rules, and a bad cell is
recorded on the row as an error rather than raised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.domain.codes import CreditCode
from jinjiecu.domain.events import (
    FollowUpOutcome,
    HandlingLevel,
    Register,
    Satisfaction,
    Scope,
)
from jinjiecu.domain.ids import (
    CampaignId,
    DepartmentId,
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
    WorkGroupId,
)
from jinjiecu.domain.problem import Problem, ProblemRules, Transition
from jinjiecu.domain.validation import name_text
from jinjiecu.domain.workflow import Event, ProblemState
from jinjiecu.errors import JinjiecuError, ValidationError
from jinjiecu.reports import _ledger_io as io
from jinjiecu.reports._ledger_cells import (
    CellError,
    ErrorValue,
    Formula,
    bilingual,
    clean_name,
    enum_key,
    is_blank,
    normal,
    parse_amount,
    parse_date,
    parse_enum,
    raw_text,
    split_list,
)
from jinjiecu.reports._ledger_columns import (
    EN_HEADERS,
    REJECT_HEADERS,
    ZH_HEADERS,
    LedgerHeaders,
    headers_of,
)
from jinjiecu.reports._ledger_names import Directory
from jinjiecu.reports._ledger_results import LedgerImportError, RowError
from jinjiecu.reports.vocabulary import (
    LEDGER_KINDS,
    HeaderReading,
    UnknownWordError,
    Vocabulary,
)

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from jinjiecu.domain.money import Money

__all__ = [
    "REGISTRATION",
    "WORKFLOW",
    "Reader",
    "Row",
    "RowFailedError",
    "read_ledger",
]


_SETTLEMENT_ALIASES: Final = {
    enum_key("已解决"): Event.RESOLVE,
    enum_key("已解释"): Event.EXPLAIN,
}


REGISTRATION: Final = (
    "enterprise",
    "credit_code",
    "project",
    "region",
    "place",
    "leader",
    "category",
    "scope",
    "title",
    "description",
    "work_group",
    "registered_on",
    "amount",
)
WORKFLOW: Final = (
    "level",
    "lead_department",
    "co_departments",
    "deadline",
    "state",
    "progress",
    "settlement",
    "settled_on",
    "follow_up_outcome",
    "satisfaction",
    "merged_into",
)
_ABSENT: Final = object()

_REPEATING: Final = frozenset(REGISTRATION + WORKFLOW) - {
    "title",
    "description",
    "progress",
    "place",  # read against the row's own region
}
"""Fields whose cells repeat down a ledger (names, dates, labels): each value is read once."""


class RowFailedError(Exception):
    """The row has errors (already recorded); stop working on it."""


class Row:
    """One data row: its cells by field, parsed on demand, with its errors."""

    def __init__(self, number: int, cells: list[object], reader: Reader) -> None:
        self.number = number
        self.cells = cells
        self.reader = reader
        self.errors: dict[str, str] = {}
        self.parsed: dict[str, Any] = {}
        self.resolved: dict[str, Any] = {}
        """Values read from several cells together (the enterprise, from name and code)."""

    def cell(self, field: str) -> object:
        index = self.reader.table.columns.get(field)
        if index is None:
            return _ABSENT
        return self.cells[index] if index < len(self.cells) else None

    def has(self, field: str) -> bool:
        return field in self.reader.table.columns

    def blank(self) -> bool:
        return all(
            is_blank(self.cell(field)) for field in self.reader.table.columns if field != "number"
        )

    def get(self, field: str) -> Any:
        """The field's value (``None`` when blank or absent); a bad cell records an error."""
        if field in self.parsed:
            return self.parsed[field]
        value = self.cell(field)
        result: Any = None
        if value is not _ABSENT and not is_blank(value):
            try:
                if isinstance(value, Formula):
                    raise CellError(_FORMULA)
                if isinstance(value, ErrorValue):
                    raise CellError(
                        bilingual(f"单元格是错误值 {value}", f"the cell holds the error {value}")
                    )
                result = self.reader.parse(field, value, self)
            except CellError as error:
                self.fail(field, error.reason)
        self.parsed[field] = result
        return result

    def text(self, field: str) -> str:
        """A free-text field exactly as typed (``""`` when blank or absent)."""
        value = self.cell(field)
        if value is _ABSENT or value is None:
            return ""
        if isinstance(value, Formula | ErrorValue):
            self.get(field)  # records why
            return ""
        return raw_text(value)

    def fail(self, field: str, reason: str) -> None:
        if field in self.errors:
            return
        self.errors[field] = reason

    def check(self) -> None:
        if self.errors:
            raise RowFailedError

    def row_errors(self) -> list[RowError]:
        headers = self.reader.table.headers
        columns = self.reader.table.columns
        english = self.reader.table.english
        return [
            RowError(
                row=self.number,
                # A column the ledger lacks is named by the library's own header for it.
                column=headers[columns[field]]
                if field in columns
                else (EN_HEADERS if english else ZH_HEADERS).get(field, ""),
                reason=reason,
            )
            for field, reason in self.errors.items()
        ]


_FORMULA: Final = bilingual(
    "单元格是未计算的公式（以 = 开头）：请在 Excel 中打开并保存，或“选择性粘贴→数值”；"
    "文字请在前面加单引号 '",
    "the cell holds a formula with no value saved (starting with =): open and save it in "
    "Excel, or paste it as values; start text with a single quote '",
)


def _parse_id(kind: type[Any], value: object) -> Any:
    try:
        return kind(raw_text(value).strip())
    except ValidationError as error:
        raise CellError(bilingual("编号格式不正确", str(error))) from None


@attrs.define
class Reader:
    """Reads the cells of one ledger against one store's names and one set of rules."""

    table: io.Table
    names: Directory
    rules: ProblemRules
    campaign_id: CampaignId | None
    vocabulary: Vocabulary = attrs.field(factory=Vocabulary.default)
    units: Mapping[str, str] = attrs.field(factory=dict)
    """The unit a column's header gives its amounts in (金额（万元）), by field."""
    _memo: dict[tuple[str, type, object], object] = attrs.field(init=False, factory=dict)

    def parse(self, field: str, value: object, row: Row) -> Any:
        """Read one cell; values that repeat down a column are read once."""
        if field not in _REPEATING:
            return getattr(self, "_" + field)(value, row)
        key = (field, type(value), value)
        found = self._memo.get(key, _ABSENT)
        if found is _ABSENT:
            try:
                found = getattr(self, "_" + field)(value, row)
            except CellError as error:
                found = error
            self._memo[key] = found
        if isinstance(found, CellError):
            raise CellError(found.reason)
        return found

    # -- registration

    def _problem_id(self, value: object, _row: Row) -> ProblemId:
        result: ProblemId = _parse_id(ProblemId, value)
        return result

    def _enterprise(self, value: object, _row: Row) -> str:
        name = clean_name(value)
        try:
            name_text()(None, attrs.fields(Register).title, name)
        except ValidationError as error:
            raise CellError(bilingual("企业名称应为单行文字", str(error))) from None
        return name

    def _credit_code(self, value: object, _row: Row) -> CreditCode:
        try:
            return CreditCode.parse(raw_text(value))
        except ValidationError as error:
            raise CellError(bilingual("统一社会信用代码无效", str(error))) from None

    def _project(self, value: object, _row: Row) -> ProjectId:
        return ProjectId(self.names.projects.find(normal(value)))

    def _region(self, value: object, _row: Row) -> RegionId:
        return self.names.region(normal(value))

    def _place(self, value: object, row: Row) -> RegionId:
        county = row.get("region") if row.has("region") else None
        return self.names.place(clean_name(value), None if county is None else str(county))

    def _leader(self, value: object, _row: Row) -> LeaderId:
        return self.names.leader(clean_name(value))

    def _category(self, value: object, _row: Row) -> str:
        try:
            return self.vocabulary.category(raw_text(value), self.rules.taxonomy)
        except UnknownWordError as error:
            raise CellError(error.message) from None

    def _scope(self, value: object, _row: Row) -> Scope:
        return parse_enum(Scope, value)

    def _title(self, value: object, _row: Row) -> str:
        text = raw_text(value).strip()
        try:
            name_text()(None, attrs.fields(Register).title, text)
        except ValidationError as error:
            raise CellError(bilingual("问题标题应为不超过200字的单行文字", str(error))) from None
        return text

    def _work_group(self, value: object, _row: Row) -> WorkGroupId:
        group = WorkGroupId(self.names.work_groups.find(normal(value)))
        campaign = self.campaign_id
        if campaign is not None and self.names.group_campaign.get(group) != campaign:
            raise CellError(
                bilingual(
                    f"工作组“{normal(value)}”不属于活动 {campaign}",
                    f"the work group {normal(value)!r} is not in the campaign {campaign}",
                )
            )
        return group

    def _registered_on(self, value: object, _row: Row) -> dt.date:
        return parse_date(value)

    def _amount(self, value: object, _row: Row) -> Money:
        return parse_amount(value, unit=self.units.get("amount"))

    # -- workflow

    def _level(self, value: object, _row: Row) -> HandlingLevel:
        return parse_enum(HandlingLevel, value)

    def _lead_department(self, value: object, _row: Row) -> DepartmentId:
        return DepartmentId(self.names.department(clean_name(value)))

    def _co_departments(self, value: object, _row: Row) -> tuple[DepartmentId, ...]:
        found: list[DepartmentId] = []
        for part in split_list(value):
            department = DepartmentId(self.names.department(part))
            if department in found:
                raise CellError(
                    bilingual(f"配合部门重复：{part}", f"a co-handling department twice: {part}")
                )
            found.append(department)
        return tuple(found)

    def _deadline(self, value: object, _row: Row) -> dt.date:
        return parse_date(value)

    def _settled_on(self, value: object, _row: Row) -> dt.date:
        return parse_date(value)

    def _state(self, value: object, _row: Row) -> ProblemState:
        try:
            return self.vocabulary.state(raw_text(value))
        except UnknownWordError as error:
            raise CellError(error.message) from None

    def _settlement(self, value: object, _row: Row) -> Event:
        event = parse_enum(Event, value, _SETTLEMENT_ALIASES)
        if event not in (Event.RESOLVE, Event.EXPLAIN):
            raise CellError(
                bilingual("办结方式应为 解决 或 解释", "expected 解决 (resolve) or 解释 (explain)")
            )
        return event

    def _follow_up_outcome(self, value: object, _row: Row) -> FollowUpOutcome:
        return parse_enum(FollowUpOutcome, value)

    def _satisfaction(self, value: object, _row: Row) -> Satisfaction:
        return parse_enum(Satisfaction, value)

    def _merged_into(self, value: object, _row: Row) -> ProblemId:
        result: ProblemId = _parse_id(ProblemId, value)
        return result

    def _history(self, value: object, _row: Row) -> Problem:
        from jinjiecu.serialization import structure  # noqa: PLC0415 - cattrs only when asked

        try:
            items = json.loads(raw_text(value))
            if not isinstance(items, list):
                raise CellError(bilingual("办理记录应为 JSON 数组", "expected a JSON array"))
            return Problem.from_history(structure(item, Transition) for item in items)
        except json.JSONDecodeError as error:
            raise CellError(
                bilingual("办理记录不是有效的 JSON", f"not valid JSON: {error}")
            ) from None
        except JinjiecuError as error:
            raise CellError(bilingual("办理记录无效", str(error))) from None


def _lookup(
    headers: LedgerHeaders | None, vocabulary: Vocabulary
) -> tuple[dict[str, str], frozenset[str]]:
    """Header key -> field, and the English keys.

    The headers given come first, then a user's vocabulary file, then the
    library's own headers and synonyms.
    """
    lookup: dict[str, str] = {}
    if headers is not None:
        for field, header in headers.as_dict().items():
            lookup[io.header_key(header)] = field
    for key in vocabulary.user_headers:
        mapped = vocabulary.headers.get(key)
        if mapped is not None and mapped in ZH_HEADERS:
            lookup.setdefault(key, mapped)
    for table in (ZH_HEADERS, EN_HEADERS):
        for field, header in table.items():
            lookup.setdefault(io.header_key(header), field)
    for key, field in vocabulary.headers.items():
        if field in ZH_HEADERS:
            lookup.setdefault(key, field)
    english = frozenset(io.header_key(h) for h in EN_HEADERS.values())
    return lookup, english


@attrs.frozen(kw_only=True)
class _Ledger:
    """A ledger file as read: its table, how each header was read, the units, what was skipped."""

    table: io.Table
    readings: tuple[HeaderReading, ...]
    units: Mapping[str, str]
    rows: list[tuple[int, list[object]]]
    skipped: tuple[RowError, ...]


def read_ledger(
    ledger: Path,
    headers: LedgerHeaders | Mapping[str, str] | None,
    sheet: str | None,
    vocabulary: Vocabulary,
) -> _Ledger:
    given = headers_of(headers)
    lookup, english = _lookup(given, vocabulary)
    skip = frozenset(io.header_key(h) for h in REJECT_HEADERS.values())
    try:
        table = io.read_table(ledger, lookup, english, sheet=sheet, skip=skip)
    except io.HeaderError as problem:
        reason = problem.reason
        kind = _finance_kind_of(ledger, vocabulary, sheet) if problem.row == 1 else None
        if kind is not None:
            chinese, _, in_english = reason.partition(" / ")
            reason = bilingual(
                f"{chinese}；这像是金融台账，请加 --kind {kind}",
                f"{in_english}; it looks like a finance ledger: import it with --kind {kind}",
            )
        error = RowError(row=problem.row, column=problem.column, reason=reason)
        raise LedgerImportError([error], path=str(ledger)) from None
    rows, skipped_rows = io.data_rows(table)
    skipped = [RowError(row=number, column="", reason=reason) for number, reason in skipped_rows]
    table = _resolve_ambiguous(table, rows, vocabulary)
    own = frozenset(() if given is None else (io.header_key(h) for h in given.as_dict().values()))
    readings, units = io.read_columns(
        table, vocabulary, "problems", own=own, skip=skip, amounts=frozenset({"amount"})
    )
    return _Ledger(table=table, readings=readings, units=units, rows=rows, skipped=tuple(skipped))


def _finance_kind_of(ledger: Path, vocabulary: Vocabulary, sheet: str | None) -> str | None:
    """The kind of finance ledger whose headers ``ledger`` has, if any (for a hint)."""
    for kind in LEDGER_KINDS[1:]:
        try:
            io.read_table(ledger, vocabulary.header_table(kind), frozenset(), sheet=sheet)
        except io.HeaderError:
            continue
        return kind
    return None


def _resolve_ambiguous(
    table: io.Table, rows: list[tuple[int, list[object]]], vocabulary: Vocabulary
) -> io.Table:
    """Give an ambiguous column (办理情况) the field its cells show: states, or free text."""
    columns = dict(table.columns)
    ignored = list(table.ignored)
    for index, header in enumerate(table.headers):
        fields = vocabulary.ambiguous_fields(header)
        if not fields or index in columns.values():
            continue
        values = [raw_text(cells[index]) for _number, cells in rows if index < len(cells)]
        values = [value for value in values if value.strip()]
        states = sum(1 for value in values if vocabulary.is_state(value))
        chosen = "state" if values and states * 5 >= len(values) * 4 else "progress"
        if chosen in fields and chosen not in columns:
            columns[chosen] = index
            if header in ignored:
                ignored.remove(header)
    return attrs.evolve(table, columns=columns, ignored=tuple(ignored))
