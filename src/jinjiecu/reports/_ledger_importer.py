"""What each row of a ledger changes: which problem it is, and that problem as it will be.

Private to :mod:`jinjiecu.reports.ledger`. An :class:`Importer` identifies a
row's problem (its 问题编号, its history's id, or one derived from its
registration), registers a new one, and turns a known one's changed cells
into transitions through :func:`~jinjiecu.reports._ledger_plan.plan`; nothing
is written. A row's errors are recorded on it
(:class:`~jinjiecu.reports._ledger_reader.Row`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.events import HandlingLevel, Register, Scope
from jinjiecu.domain.ids import (
    CampaignId,
    EnterpriseId,
    LeaderId,
    ProblemId,
    ProjectId,
    RegionId,
)
from jinjiecu.domain.problem import Actor, Problem, ProblemRules, Transition
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.errors import ValidationError
from jinjiecu.reports._ledger_cells import CellError, bilingual, is_blank, parse_amount
from jinjiecu.reports._ledger_columns import EN_HEADERS, ZH_HEADERS
from jinjiecu.reports._ledger_plan import (
    PlanError,
    Wanted,
    join_note,
    moment_for_day,
    plan,
    split_note,
)
from jinjiecu.reports._ledger_reader import (
    REGISTRATION,
    WORKFLOW,
    Reader,
    Row,
    RowFailedError,
)
from jinjiecu.reports._ledger_results import RowError
from jinjiecu.reports._ledger_rows import cells_of, masked_values, region_and_place, same_cell

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from jinjiecu.domain.codes import CreditCode
    from jinjiecu.domain.money import Money

__all__ = ["Importer"]


def _derived_id(enterprise: str | None, project: str | None, day: dt.date, title: str) -> ProblemId:
    key = "\x1f".join([enterprise or "", project or "", day.isoformat(), title])
    return ProblemId("ledger-" + hashlib.sha256(key.encode()).hexdigest()[:24])


def _title_from(description: str) -> str:
    for line in description.splitlines():
        cleaned = "".join(ch for ch in line if unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
        cleaned = cleaned.strip()
        if cleaned:
            return cleaned[:200]
    return ""


@attrs.define
class Importer:
    """Works out what each row of one ledger changes against the store; writes nothing."""

    reader: Reader
    actor: Actor
    undated: dt.datetime
    rules: ProblemRules
    outcomes: dict[int, tuple[Problem, int, bool]] = attrs.Factory(dict)
    """Row number -> (the problem as it will be, its stored version or 0, merged by this row)."""
    warnings: list[RowError] = attrs.Factory(list)

    # -- who a row is

    def enterprise_of(self, row: Row) -> EnterpriseId | None:
        """The enterprise the row names by name or credit code (created if asked and missing)."""
        if "enterprise" in row.resolved:
            known: EnterpriseId | None = row.resolved["enterprise"]
            return known
        name: str | None = row.get("enterprise")
        code: CreditCode | None = row.get("credit_code")
        found: EnterpriseId | None = None
        if not ({"enterprise", "credit_code"} & row.errors.keys()):
            try:
                found = self.reader.names.enterprise(name, code, self.home_of(row))
            except CellError as error:
                column = error.field or ("enterprise" if name is not None else "credit_code")
                row.fail(column if row.has(column) else "credit_code", error.reason)
        row.resolved["enterprise"] = found
        return found

    def home_of(self, row: Row) -> str | None:
        """Where a new enterprise of the row is: its place, its region, or the office's."""
        for field in ("place", "region"):
            value = row.get(field) if row.has(field) else None
            if value is not None:
                return str(value)
        return self.reader.names.office_region

    def title_of(self, row: Row) -> str:
        title = row.get("title")
        if title:
            return str(title)
        return _title_from(row.text("description"))

    def identify(self, row: Row) -> ProblemId | None:
        """The row's problem id: its 问题编号, its history's, or one derived from its details."""
        given: ProblemId | None = row.get("problem_id")
        history: Problem | None = row.get("history") if row.has("history") else None
        if given is not None:
            if history is not None and history.id != given:
                row.fail(
                    "history",
                    bilingual(
                        f"办理记录属于问题 {history.id}，与问题编号不符",
                        f"the history is problem {history.id}'s, not {given}'s",
                    ),
                )
            return given
        if history is not None:
            return history.id
        details = self.details(row)  # records every bad or missing registration cell
        if details is None:
            return None
        return _derived_id(
            details.enterprise_id, details.project_id, row.get("registered_on"), details.title
        )

    # -- a new problem

    def details(self, row: Row) -> Register | None:
        """The registration a new problem's row gives, or ``None`` (its errors recorded)."""
        enterprise = self.enterprise_of(row)
        project: ProjectId | None = row.get("project")
        values = {field: row.get(field) for field in ("region", "place", "category", "work_group")}
        leader: LeaderId | None = row.get("leader")
        day = row.get("registered_on")
        row.get("amount")
        title = self.title_of(row)
        named = {"enterprise", "credit_code", "project"} & row.errors.keys()
        if enterprise is None and project is None and not named:
            row.fail(
                "enterprise" if row.has("enterprise") else "credit_code",
                bilingual(
                    "企业名称、统一社会信用代码或项目名称至少填写一项",
                    "the enterprise (name or credit code) or the project is needed",
                ),
            )
        region = values["place"] or values["region"]
        if region is None and enterprise is not None:
            region = self.reader.names.enterprise_region.get(enterprise)
        if region is None and project is not None:
            region = self.reader.names.project_region.get(project)
        if region is None:
            region = self.reader.names.office_region
        # Without an enterprise or project, the region's absence is not news.
        for field, missing in (
            ("region", region is None and (enterprise is not None or project is not None)),
            ("category", values["category"] is None),
            ("registered_on", day is None),
            ("description", not title),
        ):
            if missing and field not in row.errors:
                row.fail(field, _required(field))
        if row.errors:
            return None
        group = values["work_group"]
        campaign = self.reader.campaign_id or (
            None if group is None else self.reader.names.group_campaign.get(group)
        )
        try:
            return Register(
                title=title,
                category=values["category"],
                region_id=RegionId(region),
                description=row.text("description"),
                enterprise_id=enterprise,
                project_id=project,
                campaign_id=None if campaign is None else CampaignId(campaign),
                work_group_id=group,
                scope=row.get("scope") or Scope.INDIVIDUAL,
                level=row.get("level") or HandlingLevel.LOCAL,
                leader_id=leader,
            )
        except ValidationError as error:
            field = error.field if error.field in ("title", "description") else "description"
            row.fail(field, bilingual("登记信息无效", str(error)))
            return None

    def register(self, row: Row, problem_id: ProblemId) -> Problem:
        """A new problem registered from its row."""
        details = self.details(row)
        row.check()
        if details is None:  # pragma: no cover - details() records an error when it gives None
            raise RowFailedError
        amount: Money | None = row.get("amount")
        day: dt.date = row.get("registered_on")
        try:
            return Problem.register(
                details,
                at=moment_for_day(day),
                actor=self.actor,
                id=problem_id,
                note=join_note("" if amount is None else amount.format(), ""),
                rules=self.rules,
            )
        except ValidationError as error:
            row.fail("category", bilingual("登记信息无效", str(error)))
            raise RowFailedError from None

    # -- what a row asks

    def wanted(self, row: Row, changed: Iterable[str] | None, *, check: bool = True) -> Wanted:
        """The workflow fields the row changes (all of them for a new problem).

        With ``check=False`` bad cells are only recorded, so that the caller
        can read the rest of the row before giving up on it.
        """
        fields = set(WORKFLOW if changed is None else changed)
        values: dict[str, Any] = {}
        for field in WORKFLOW:
            if field in fields and field != "progress":
                values[field] = row.get(field)
        if (
            "co_departments" in fields
            and row.has("co_departments")
            and values["co_departments"] is None
        ):
            values["co_departments"] = ()
        if changed is None and values.get("co_departments") == ():
            values["co_departments"] = None
        progress = row.text("progress")
        state = values.get("state")
        if changed is None and state is None:
            # A new row that names a lead department but no state was assigned to it.
            if values.get("lead_department") is not None:
                state = ProblemState.ASSIGNED
            elif values.get("deadline") is not None or values.get("co_departments"):
                row.fail(
                    "lead_department" if row.has("lead_department") else "state",
                    bilingual(
                        "填写了办理时限或配合部门，但没有牵头部门和办理状态，无法交办",
                        "a deadline or co-departments without a lead department or a state: "
                        "nothing to assign to",
                    ),
                )
        if check:
            row.check()
        return Wanted(
            state=state,
            level=values.get("level"),
            lead=values.get("lead_department"),
            co=values.get("co_departments"),
            deadline=values.get("deadline"),
            settled_on=values.get("settled_on"),
            settlement=values.get("settlement"),
            outcome=values.get("follow_up_outcome"),
            satisfaction=values.get("satisfaction"),
            merged_into=values.get("merged_into"),
            progress=progress,
            progress_changed="progress" in fields and bool(progress.strip()),
            follow_up_columns=row.has("follow_up_outcome") or row.has("satisfaction"),
        )

    def check_registration(self, row: Row, problem: Problem, changed: Iterable[str]) -> None:
        """Registration cells that say something else than the record are errors.

        A blank cell never contradicts the record.
        """
        for field in changed:
            if field not in REGISTRATION or is_blank(row.cell(field)):
                continue
            given: Any
            recorded: Any
            if field in ("enterprise", "credit_code"):
                given, recorded = self.enterprise_of(row), problem.enterprise_id
            elif field == "description":
                given, recorded = row.text("description"), problem.description
            elif field == "amount":
                given, stored = row.get("amount"), split_note(problem.transitions[0].note)[0]
                try:
                    recorded = parse_amount(stored) if stored else None
                except CellError:
                    recorded = stored
            else:
                given = row.get(field)
                county, place = region_and_place(problem, self.reader.names)
                recorded = {
                    "project": problem.project_id,
                    "region": county,
                    "place": place,
                    "leader": problem.leader_id,
                    "category": problem.category,
                    "scope": problem.scope,
                    "title": problem.title,
                    "work_group": problem.work_group_id,
                    "registered_on": local_date(problem.registered_at),
                }[field]
            if field not in row.errors and given != recorded:
                row.fail(field, _registration_fixed(field))
        row.check()

    # -- one row

    def take(
        self, row: Row, problem_id: ProblemId, stored: Problem | None, known: set[str]
    ) -> None:
        """Work out what the row changes; ``known`` are the ids a merge may point to."""
        history: Problem | None = row.get("history") if row.has("history") else None
        row.check()
        base, fresh, version = stored, stored is None, 0 if stored is None else stored.version
        if history is not None:
            base = self.reconcile(row, history, stored)
        if base is None:
            wanted = self.wanted(row, None, check=False)  # bad cells first, domain work after
            _check_merge_target(row, known)
            problem = self.register(row, problem_id)
            result = self.run_plan(row, problem, wanted, registered=True)
            self.outcomes[row.number] = (result, 0, result.state is ProblemState.MERGED)
            return
        # A ledger written from an older version (its history is behind the
        # store's) changed only what differs from that version.
        reference = base if history is None else history
        written = cells_of(reference, self.reader.names, self.rules)
        changed = [
            field
            for field in self.reader.table.columns
            if field in written and not same_cell(row.cell(field), written[field])
        ]
        self.check_registration(row, base, changed)
        if "merged_into" in changed:
            _check_merge_target(row, known)
            row.check()
        result = base
        workflow = [field for field in changed if field in WORKFLOW]
        if workflow:
            result = self.run_plan(row, base, self.wanted(row, workflow))
        merged = "merged_into" in changed and result.state is ProblemState.MERGED
        self.outcomes[row.number] = (result, 0 if fresh else version, merged)

    def reconcile(self, row: Row, history: Problem, stored: Problem | None) -> Problem:
        """The problem a history cell and the store agree on; a divergent history is an error.

        A history exported masked (mobile and ID numbers hidden) agrees with the
        store's when they are the same once masked.
        """
        if stored is None:
            return history
        if _same_steps(history.transitions[: stored.version], stored.transitions):
            if history.version <= stored.version:
                return stored
            return Problem.from_history(
                (*stored.transitions, *history.transitions[stored.version :])
            )
        if _same_steps(stored.transitions[: history.version], history.transitions):
            return stored
        row.fail(
            "history",
            bilingual(
                "办理记录与库中该问题的记录不一致（历史不能改写）",
                "the history differs from the store's: history is never rewritten",
            ),
        )
        raise RowFailedError

    def run_plan(
        self, row: Row, problem: Problem, wanted: Wanted, *, registered: bool = False
    ) -> Problem:
        """Apply the row's changes; a problem registered from the row just now is dated early."""
        try:
            done = plan(
                problem,
                wanted,
                actor=self.actor,
                rules=self.rules,
                undated=None if registered else self.undated,
                registered=registered,
            )
        except PlanError as error:
            row.fail(error.field if row.has(error.field) else "state", error.reason)
            raise RowFailedError from None
        headers, columns = self.reader.table.headers, self.reader.table.columns
        for field, reason in done.warnings:
            column = headers[columns[field]] if field in columns else ""
            self.warnings.append(RowError(row=row.number, column=column, reason=reason))
        return done.problem


def _same_steps(ours: Sequence[Transition], theirs: Sequence[Transition]) -> bool:
    """Whether two histories are the same, or the same once mobile and ID numbers are masked."""
    if len(ours) != len(theirs):
        return False
    if tuple(ours) == tuple(theirs):
        return True
    from jinjiecu.serialization import unstructure  # noqa: PLC0415 - cattrs only when asked

    def masked(step: Transition) -> str:
        return json.dumps(masked_values(unstructure(step)), ensure_ascii=False, sort_keys=True)

    return all(masked(a) == masked(b) for a, b in zip(ours, theirs, strict=True))


def _required(field: str) -> str:
    header = ZH_HEADERS[field]
    return bilingual(
        f"新问题必须填写{header}", f"a new problem needs the {EN_HEADERS[field]!r} column filled in"
    )


def _registration_fixed(field: str) -> str:
    return bilingual(
        f"登记信息（{ZH_HEADERS[field]}）与库中记录不同；登记后不能通过台账修改",
        f"{EN_HEADERS[field].lower()} differs from the record; registration details cannot be "
        "changed by a ledger (history is never rewritten)",
    )


def _check_merge_target(row: Row, known: set[str]) -> None:
    """Record an error if the row merges into a problem neither the ledger nor the store has."""
    if not row.has("merged_into"):
        return
    target = row.get("merged_into")
    if target is not None and target not in known:
        row.fail(
            "merged_into",
            bilingual(
                f"合并至的问题 {target} 既不在台账中也不在库中",
                f"the problem {target} it was merged into is neither in the ledger nor the store",
            ),
        )
