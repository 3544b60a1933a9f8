"""The names a ledger gives, against the store's records; and the records an import creates.

Private to :mod:`jinjiecu.reports.ledger` and :mod:`jinjiecu.reports.finance_ledger`.
A :class:`Directory` reads the store's regions, enterprises, projects,
departments, leaders and work groups once, and finds each name a ledger
gives. Names are matched the way ledgers are written: surrounding and
full-width spaces, full-width brackets and letters, case. A name that differs
from a record's only in writing 有限公司 for 有限责任公司 (or the reverse) is
*not* taken for it: the error offers it instead.

With ``creating`` (``--create-missing``), a name the store lacks becomes a
new record, with an id made from the name (so that importing the same ledger
into another store gives the same ids): enterprises (with their credit code
when the ledger gives one), departments (责任单位), leaders (包联领导), banks
(as financial institutions) and places (所属镇街, towns under the office's
county). The import writes them in its own transaction, and only those that
a row it imports names.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Final

import attrs

from jinjiecu.domain.divisions import (
    REFERENCE_DIVISIONS,
    Division,
    DivisionKind,
    division_by_code,
    division_by_name,
)
from jinjiecu.domain.enterprise import Enterprise
from jinjiecu.domain.ids import DepartmentId, EnterpriseId, LeaderId, RegionId
from jinjiecu.domain.org import Department, DepartmentKind, Leader, OrgLevel, Region
from jinjiecu.errors import JinjiecuError, ValidationError
from jinjiecu.reports._ledger_cells import CellError, bilingual, is_blank, normal
from jinjiecu.storage.base import (
    CAMPAIGNS,
    DEPARTMENTS,
    ENTERPRISES,
    LEADERS,
    PROJECTS,
    REGIONS,
    WORK_GROUPS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from jinjiecu.domain.codes import CreditCode
    from jinjiecu.storage.base import Session, Transaction

__all__ = [
    "CREATE_HINT",
    "Directory",
    "Index",
    "NewRecords",
    "name_key",
    "near_names",
    "needed_records",
    "new_id",
    "referenced",
    "write_new_records",
]

CREATE_HINT: Final = "加 --create-missing（或 create_missing=True）可按台账自动创建"
"""The Chinese half of the hint that names the option; the English half says it in its own words."""
_CREATE_HINT_EN: Final = "--create-missing (create_missing=True) creates it from the ledger"
_SEPARATORS: Final = frozenset("、,;/\n")
_LEGAL_FORMS: Final = (("有限责任公司", "有限公司"),)


def name_key(text: str) -> str:
    """How names are matched: NFKC (full-width to half-width), no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _form_key(text: str) -> str:
    """A name's key with its legal form written one way (有限责任公司 as 有限公司)."""
    key = name_key(text)
    for long, short in _LEGAL_FORMS:
        key = key.replace(long, short)
    return key


def new_id(prefix: str, name: str) -> str:
    """The id an import gives a record it creates: from the name, the same in every store."""
    digest = hashlib.sha256(name_key(name).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


class Index:
    """One kind of record by id and by name, and how each is written in a ledger."""

    def __init__(self, zh: str, en: str, items: Iterable[tuple[str, str]]) -> None:
        self.zh, self.en = zh, en
        self.names: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_form: dict[str, list[str]] = {}
        for record_id, name in items:
            self.add(record_id, name)
        self._display: dict[str, str] = {}

    def add(self, record_id: str, name: str) -> None:
        """Know one more record (one the import is creating)."""
        self.names[record_id] = name
        self.by_name.setdefault(name_key(name), []).append(record_id)
        self.by_form.setdefault(_form_key(name), []).append(record_id)

    def display(self, record_id: str) -> str:
        """The record's name if that names it alone (and fits in a list), else its id."""
        shown = self._display.get(record_id)
        if shown is None:
            name = self.names.get(record_id)
            clean = name is not None and not (
                _SEPARATORS & set(unicodedata.normalize("NFKC", name))
            )
            unique = name is not None and len(self.by_name[name_key(name)]) == 1
            taken = name is not None and name in self.names and name != record_id
            shown = name if clean and unique and not taken and name is not None else record_id
            self._display[record_id] = shown
        return shown

    def lookup(self, text: str) -> str | None:
        """The id ``text`` names (an id, or a unique name); ``None`` if it names none.

        Several records of the name is a cell error.
        """
        given = text.strip()
        if given in self.names:
            return given
        found = self.by_name.get(name_key(given), [])
        if len(found) == 1:
            return found[0]
        if found:
            ids = "、".join(found[:5])
            raise CellError(
                bilingual(
                    f"有多个{self.zh}名为“{given}”（{ids}），请填写编号",
                    f"several {self.en}s are named {given!r} ({', '.join(found[:5])}); "
                    "give the id instead",
                )
            )
        return None

    def variant(self, text: str) -> str | None:
        """The name of a record that differs from ``text`` only in its legal form, if any."""
        found = self.by_form.get(_form_key(text), [])
        return self.names[found[0]] if found else None

    def missing(self, text: str, *, creating: bool) -> CellError:
        """The error for a name no record has: nearest names, and how to create it."""
        given = text.strip()
        variant = self.variant(given)
        if variant is not None:
            return CellError(
                bilingual(
                    f"库中没有名为“{given}”的{self.zh}；是否为“{variant}”？"
                    "（有限公司与有限责任公司不视为同一名称，请按库中名称填写）",
                    f"no {self.en} named {given!r}; did you mean {variant!r}? (有限公司 and "
                    "有限责任公司 are not taken for each other: write the name as recorded)",
                )
            )
        near = near_names(given, self.names.values())
        hint_zh = f"；是否为：{'、'.join(near)}？" if near else ""
        hint_en = f"; did you mean {', '.join(near)}?" if near else ""
        create = "" if creating else f"（{CREATE_HINT}）"
        return CellError(
            bilingual(
                f"库中没有名为“{given}”的{self.zh}{hint_zh}{create}",
                f"no {self.en} named or numbered {given!r}{hint_en}"
                + ("" if creating else f" ({_CREATE_HINT_EN})"),
            )
        )

    def find(self, text: str) -> str:
        """The id ``text`` names (an id, or a unique name); else a cell error."""
        found = self.lookup(text)
        if found is None:
            raise self.missing(text, creating=False)
        return found


@attrs.define
class NewRecords:
    """The records an import creates, by id, in the order they were first named."""

    regions: dict[str, Region] = attrs.Factory(dict)
    enterprises: dict[str, Enterprise] = attrs.Factory(dict)
    departments: dict[str, Department] = attrs.Factory(dict)
    leaders: dict[str, Leader] = attrs.Factory(dict)

    def counts(self, needed: set[str] | None = None) -> dict[str, int]:
        """How many of each kind (only those in ``needed``, if given)."""
        return {
            kind: sum(1 for key in getattr(self, kind) if needed is None or key in needed)
            for kind in ("enterprises", "departments", "leaders", "regions")
        }


@attrs.define
class Directory:
    """The store's names, read once; and, with ``creating``, the records an import adds."""

    regions: Index
    enterprises: Index
    projects: Index
    departments: Index
    leaders: Index
    work_groups: Index
    region_codes: dict[str, str]
    credit_codes: dict[str, str]
    enterprise_codes: dict[str, str]
    enterprise_region: dict[str, str]
    project_region: dict[str, str]
    region_parent: dict[str, str | None]
    region_kind: dict[str, DivisionKind]
    group_campaign: dict[str, str]
    campaigns: frozenset[str]
    creating: bool = False
    office_region: str | None = None
    new: NewRecords = attrs.Factory(NewRecords)

    @classmethod
    def load(cls, session: Session) -> Directory:
        """Read the names of every record a ledger may name."""
        regions = list(session.scan(REGIONS))
        enterprises = list(session.scan(ENTERPRISES))
        projects = list(session.scan(PROJECTS))
        groups = list(session.scan(WORK_GROUPS))
        return cls(
            regions=Index("县市区", "region", ((r.id, r.name) for r in regions)),
            enterprises=Index("企业", "enterprise", ((e.id, e.name) for e in enterprises)),
            projects=Index("项目", "project", ((p.id, p.name) for p in projects)),
            departments=Index(
                "部门", "department", ((d.id, d.name) for d in session.scan(DEPARTMENTS))
            ),
            leaders=Index("领导", "leader", ((x.id, x.name) for x in session.scan(LEADERS))),
            work_groups=Index("工作组", "work group", ((g.id, g.name) for g in groups)),
            region_codes={str(r.division_code): r.id for r in regions if r.division_code},
            credit_codes={str(e.credit_code): e.id for e in enterprises if e.credit_code},
            enterprise_codes={e.id: str(e.credit_code) for e in enterprises if e.credit_code},
            enterprise_region={e.id: e.region_id for e in enterprises},
            project_region={p.id: p.region_id for p in projects},
            region_parent={r.id: r.parent_id for r in regions},
            region_kind={r.id: r.kind for r in regions},
            group_campaign={g.id: g.campaign_id for g in groups},
            campaigns=frozenset(c.id for c in session.scan(CAMPAIGNS)),
        )

    # ------------------------------------------------------------------ regions

    def region(self, text: str) -> RegionId:
        """The region a cell names: an id, a division code or a name (乐陵 for 乐陵市 too).

        With ``creating``, a county, district or zone of the reference
        divisions that the store lacks is created.
        """
        given = text.strip()
        found = self._known_region(given)
        if found is not None:
            return RegionId(found)
        division = _division(given)
        if division is None or not self.creating:
            # The hint to create it only helps for a region the reference data knows.
            raise self.regions.missing(given, creating=division is None)
        return RegionId(self._add_division(division))

    def _known_region(self, text: str) -> str | None:
        found = self.region_codes.get(text) or self.regions.lookup(text)
        if found is None:
            division = _division(text)
            if division is not None:
                found = (
                    self.region_codes.get(str(division.code)) if division.code else None
                ) or self.regions.lookup(division.name)
        return found

    def office(self, given: str | None, *, name: str | None = None) -> RegionId | None:
        """The office's own region: ``given`` (id, code or name), created from reference data.

        With ``creating``, a region the store lacks is created: from the
        reference divisions when ``given`` is one of their codes or names,
        else from ``given`` as its code and ``name``. Sets :attr:`office_region`.
        """
        if given is None:
            return None
        text = given.strip()
        found = self._known_region(text)
        if found is None:
            if not self.creating:
                raise ValidationError(
                    field="region",
                    expected="a region in the store, by id, code or name (--create-missing "
                    "creates one the reference divisions know, or one given with its name)",
                    received=given,
                )
            division = _division(text)
            if division is not None:
                found = self._add_division(division)
            elif name is not None:
                region = Region(id=RegionId(text), name=name, kind=DivisionKind.COUNTY)
                self._add_region(region)
                found = str(region.id)
            else:
                raise ValidationError(
                    field="region",
                    expected="a region the reference divisions know, or a region code given "
                    "with its name (--region-name)",
                    received=text,
                )
        self.office_region = found
        return RegionId(found)

    def _add_division(self, division: Division) -> str:
        """Create the region of a reference division, under its parent if the store has it."""
        parent = None if division.parent_code is None else str(division.parent_code)
        region = Region(
            id=RegionId(str(division.code) if division.code else division.name),
            name=division.name,
            kind=division.kind,
            division_code=division.code,
            parent_id=_known(None if parent is None else self.region_codes.get(parent)),
        )
        self._add_region(region)
        return str(region.id)

    def _add_region(self, region: Region) -> None:
        self.new.regions[region.id] = region
        self.regions.add(region.id, region.name)
        if region.division_code is not None:
            self.region_codes[str(region.division_code)] = region.id
        self.region_parent[region.id] = region.parent_id
        self.region_kind[region.id] = region.kind

    def place(self, text: str, county: str | None) -> RegionId:
        """A town under ``county`` (所属镇街), created if missing and ``creating``.

        Towns of one name under different counties are different towns: with
        a county (the row's 所属县市区), only the town under it is taken.
        Without one, a town of that name is taken if there is one only, else
        the one under the office's region.
        """
        given = text.strip()
        found = self.region_codes.get(given) or (given if given in self.regions.names else None)
        if found is not None:
            return RegionId(found)
        named = self.regions.by_name.get(name_key(given), [])
        if county is None and len(named) == 1:
            return RegionId(named[0])
        parent = county or self.office_region
        under = [r for r in named if str(self.region_parent.get(r)) == parent]
        if len(under) == 1:
            return RegionId(under[0])
        if county is None and named:
            raise CellError(
                bilingual(
                    f"有多个名为“{given}”的镇街，请填写所属县市区列",
                    f"several places are named {given!r}: fill in the region column",
                )
            )
        if not self.creating:
            raise self.regions.missing(given, creating=False)
        if parent is None:
            raise CellError(
                bilingual(
                    "创建镇街需要其所属县市区：请填写所属县市区列，或用 --region 指定本单位所在地",
                    "a new place needs its county: fill in the region column, or give --region",
                )
            )
        region = Region(
            id=RegionId(f"{parent}-{given}"[:128]),
            name=given,
            kind=DivisionKind.TOWN,
            parent_id=RegionId(parent),
        )
        self._add_region(region)
        return region.id

    def region_named_in(self, preamble: Sequence[Sequence[object]]) -> str | None:
        """The region the rows above a header name (填报单位：乐陵市…), if they name one.

        Regions of the store are looked for first; with ``creating``, then the
        reference divisions, and the one found is created. Of a region and
        the region it lies in (德州市, 乐陵市), the smaller is taken; two
        unrelated ones name none.
        """
        texts = [normal(cell) for cells in preamble for cell in cells if not is_blank(cell)]
        if not texts:
            return None
        parents = {key: None if p is None else str(p) for key, p in self.region_parent.items()}
        stored = _named(texts, self.regions.names, parents)
        if stored is not None or not self.creating:
            return stored
        found = _named(
            texts,
            {d.name: d.name for d in REFERENCE_DIVISIONS},
            {d.name: _parent_name(d) for d in REFERENCE_DIVISIONS},
        )
        return None if found is None else str(self.office(found))

    # ------------------------------------------------------------------ enterprises

    def enterprise(
        self, name: str | None, code: CreditCode | None, region: str | None
    ) -> EnterpriseId | None:
        """The enterprise a row names by name and credit code (either, or both).

        Both given must name the same enterprise. With ``creating``, one the
        store lacks is created in ``region`` (or the office's).
        """
        by_code = None if code is None else self.credit_codes.get(str(code))
        by_name = None if name is None else self.enterprises.lookup(name)
        if by_code is not None and by_name is not None and by_code != by_name:
            raise CellError(
                bilingual(
                    "企业名称与统一社会信用代码不是同一家企业",
                    f"the enterprise name and the credit code name different enterprises "
                    f"({by_name}, {by_code})",
                )
            )
        if by_code is not None and name is not None and by_name is None:
            recorded = self.enterprises.names.get(by_code, "")
            raise CellError(
                bilingual(
                    f"统一社会信用代码 {code} 在库中属于“{recorded}”，"
                    f"与企业名称“{name.strip()}”不符",
                    f"the credit code {code} is {recorded!r}'s in the store, not "
                    f"{name.strip()!r}'s",
                ),
                field="enterprise",
            )
        if by_name is not None and code is not None and by_code is None:
            recorded_code = self.enterprise_codes.get(by_name) or "（未登记 none）"
            raise CellError(
                bilingual(
                    f"库中“{name}”的统一社会信用代码为 {recorded_code}，与 {code} 不符",
                    f"{name!r} has the credit code {recorded_code} in the store, not {code}",
                ),
                field="credit_code",
            )
        found = by_code or by_name
        if found is not None:
            return EnterpriseId(found)
        if name is None and code is None:
            return None
        if not self.creating:
            if name is not None:
                raise self.enterprises.missing(name, creating=False)
            raise CellError(
                bilingual(
                    f"库中没有统一社会信用代码为 {code} 的企业（{CREATE_HINT}）",
                    f"no enterprise has the code {code} ({_CREATE_HINT_EN})",
                )
            )
        if name is None:
            raise CellError(
                bilingual(
                    f"创建统一社会信用代码为 {code} 的企业需要企业名称",
                    f"creating the enterprise with the code {code} needs its name",
                )
            )
        variant = self.enterprises.variant(name)
        if variant is not None:
            raise self.enterprises.missing(name, creating=True)
        home = region or self.office_region
        if home is None:
            raise CellError(
                bilingual(
                    "创建企业需要其所属县市区：请填写所属县市区或所属镇街列，或用 --region 指定",
                    "a new enterprise needs its region: fill in the region or place column, "
                    "or give --region",
                )
            )
        enterprise_id = EnterpriseId(str(code) if code is not None else new_id("e", name))
        try:
            record = Enterprise(
                id=enterprise_id, name=name.strip(), region_id=RegionId(home), credit_code=code
            )
        except JinjiecuError as error:
            raise CellError(bilingual("企业信息无效", str(error))) from None
        self.new.enterprises[enterprise_id] = record
        self.enterprises.add(enterprise_id, record.name)
        if code is not None:
            self.credit_codes[str(code)] = enterprise_id
            self.enterprise_codes[enterprise_id] = str(code)
        self.enterprise_region[enterprise_id] = home
        return enterprise_id

    # ------------------------------------------------------------------ people and bodies

    def department(self, text: str, *, kind: DepartmentKind = DepartmentKind.GOVERNMENT) -> str:
        """The department (or bank) ``text`` names, created if missing and ``creating``."""
        found = self.departments.lookup(text)
        if found is not None:
            return found
        if not self.creating:
            raise self.departments.missing(text, creating=False)
        name = text.strip()
        department_id = DepartmentId(new_id("d", name))
        record = _department(department_id, name, kind, self.office_region, self.region_kind)
        self.new.departments[department_id] = record
        self.departments.add(department_id, name)
        return department_id

    def leader(self, text: str) -> LeaderId:
        """The leader ``text`` names (包联领导), created if missing and ``creating``."""
        found = self.leaders.lookup(text)
        if found is not None:
            return LeaderId(found)
        if not self.creating:
            raise self.leaders.missing(text, creating=False)
        name = text.strip()
        leader_id = LeaderId(new_id("l", name))
        try:
            record = Leader(
                id=leader_id,
                name=name,
                post="包联领导",
                region_id=None if self.office_region is None else RegionId(self.office_region),
            )
        except JinjiecuError as error:
            raise CellError(bilingual("领导姓名无效", str(error))) from None
        self.new.leaders[leader_id] = record
        self.leaders.add(leader_id, name)
        return leader_id


def _named(
    texts: Sequence[str], candidates: Mapping[str, str], parents: Mapping[str, str | None]
) -> str | None:
    """The one key of ``candidates`` whose name the texts contain, the smallest of a chain."""
    found = {
        key for key, name in candidates.items() if len(name) >= 2 and any(name in t for t in texts)
    }

    def ancestors(key: str) -> set[str]:
        seen: set[str] = set()
        parent = parents.get(key)
        while parent is not None and parent not in seen:
            seen.add(parent)
            parent = parents.get(parent)
        return seen

    # 德州市 and 乐陵市 both named: 德州市 is 乐陵市's city; 乐陵市 is meant.
    above = set().union(*(ancestors(key) for key in found)) if found else set()
    found -= above
    # A name inside another's (德州 in 德州经济技术开发区) is the larger one's part.
    found = {
        key
        for key in found
        if not any(key != other and candidates[key] in candidates[other] for other in found)
    }
    return next(iter(found)) if len(found) == 1 else None


def _parent_name(division: Division) -> str | None:
    if division.parent_code is None:
        return None
    try:
        return division_by_code(str(division.parent_code)).name
    except ValidationError:
        return None


_AFFIXES: Final = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,5}?[省市县区])?|(?:股份有限公司|有限责任公司|有限公司|集团|公司|厂)+$"
)


def _core(name: str) -> str:
    """A name without its leading place and its legal form (乐陵市恒丰机械有限公司: 恒丰机械)."""
    return _AFFIXES.sub("", name_key(name)) or name_key(name)


def near_names(given: str, names: Iterable[str]) -> list[str]:
    """The names nearest to ``given``, compared without their shared place and legal form.

    Otherwise every 乐陵市…有限公司 looks near every other one.
    """
    by_core: dict[str, str] = {}
    for name in names:
        by_core.setdefault(_core(name), name)
    near = difflib.get_close_matches(_core(given), list(by_core), n=3, cutoff=0.5)
    return [by_core[core] for core in near]


def _division(text: str) -> Division | None:
    """The reference division ``text`` names by code or name, if any."""
    for find in (division_by_code, division_by_name):
        try:
            return find(text)
        except ValidationError:
            continue
    return None


def _known(region_id: str | None) -> RegionId | None:
    return None if region_id is None else RegionId(region_id)


def _department(
    department_id: DepartmentId,
    name: str,
    kind: DepartmentKind,
    office: str | None,
    kinds: dict[str, DivisionKind],
) -> Department:
    office_kind = None if office is None else kinds.get(office)
    level = {
        DivisionKind.PROVINCE: OrgLevel.PROVINCE,
        DivisionKind.CITY: OrgLevel.CITY,
    }.get(office_kind or DivisionKind.COUNTY, OrgLevel.COUNTY)
    try:
        return Department(
            id=department_id,
            name=name,
            level=level,
            kind=kind,
            region_id=None if office is None else RegionId(office),
        )
    except JinjiecuError as error:
        raise CellError(bilingual("单位名称无效", str(error))) from None


def needed_records(names: Directory, records: Iterable[Any], extra: Iterable[str] = ()) -> set[str]:
    """The ids of the new records that ``records`` name (and ``extra``), with their regions."""
    needed = referenced(records) | set(extra)
    new = names.new
    for record_id in list(needed):
        for created in (new.enterprises.get(record_id), new.departments.get(record_id)):
            if created is not None and created.region_id is not None:
                needed.add(str(created.region_id))
    for record_id in list(needed):
        leader = new.leaders.get(record_id)
        if leader is not None and leader.region_id is not None:
            needed.add(str(leader.region_id))
    changed = True
    while changed:  # a new town's county may be new too
        changed = False
        for region_id in list(needed):
            region = new.regions.get(region_id)
            if region is not None and region.parent_id is not None:
                parent = str(region.parent_id)
                if parent not in needed and parent in new.regions:
                    needed.add(parent)
                    changed = True
    return needed


def write_new_records(tx: Transaction, names: Directory, needed: set[str]) -> None:
    """Write the new records in ``needed``, each region after its parent."""
    new = names.new

    def depth(region: Region) -> int:
        count, parent = 0, region.parent_id
        while parent is not None and str(parent) in new.regions:
            count, parent = count + 1, new.regions[str(parent)].parent_id
        return count

    regions = sorted((r for key, r in new.regions.items() if key in needed), key=depth)
    tx.regions.add_many(regions)
    tx.departments.add_many(d for key, d in new.departments.items() if key in needed)
    tx.leaders.add_many(x for key, x in new.leaders.items() if key in needed)
    tx.enterprises.add_many(e for key, e in new.enterprises.items() if key in needed)


def referenced(records: Iterable[Any]) -> set[str]:
    """Every id a problem or finance record names: its history, draws and events included.

    Used to write only the new records something imported refers to.
    """
    found: set[str] = set()
    for record in records:
        _collect_ids(record, found)
        for step in getattr(record, "transitions", ()) or ():
            _collect_ids(step.data, found)
        for name in ("draws", "events", "pushes"):
            for item in getattr(record, name, ()) or ():
                _collect_ids(item, found)
    return found


_ID_FIELDS: Final = (
    "region_id",
    "enterprise_id",
    "borrower_id",
    "leader_id",
    "work_group_id",
    "lead_department_id",
)
_ID_TUPLE_FIELDS: Final = ("co_department_ids", "department_ids", "leader_ids", "enterprise_ids")


def _collect_ids(record: object, found: set[str]) -> None:
    for name in _ID_FIELDS:
        value = getattr(record, name, None)
        if value is not None:
            found.add(str(value))
    for name in _ID_TUPLE_FIELDS:
        for value in getattr(record, name, ()) or ():
            found.add(str(value))
