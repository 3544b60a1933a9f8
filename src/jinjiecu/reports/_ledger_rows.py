"""A problem as a ledger row: the cells export writes, and whether a cell read says the same.

Private to :mod:`jinjiecu.reports.ledger`. :func:`cells_of` gives the cells
:func:`~jinjiecu.reports.ledger.export_ledger` writes for a problem; the
import compares the cells it reads with them (:func:`same_cell`), so that only
what a clerk changed counts, a masked mobile or ID number included.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from jinjiecu.domain.clock import local_date
from jinjiecu.domain.divisions import DivisionKind
from jinjiecu.domain.events import MergeInto
from jinjiecu.domain.personal import mask_text
from jinjiecu.domain.workflow import ProblemState
from jinjiecu.reports._ledger_cells import ErrorValue, Formula, is_blank, raw_text
from jinjiecu.reports._ledger_plan import progress_of, split_note

if TYPE_CHECKING:
    from jinjiecu.domain.problem import Problem, ProblemRules
    from jinjiecu.reports._ledger_names import Directory

__all__ = [
    "cells_of",
    "history_json",
    "last_merge",
    "masked_values",
    "region_and_place",
    "same_cell",
]


def history_json(problem: Problem, *, masked: bool) -> str:
    """The whole history as JSON, as the 办理记录 cell holds it (masked: mobile and ID numbers)."""
    from jinjiecu.serialization import unstructure  # noqa: PLC0415 - cattrs only when asked

    steps = [unstructure(t) for t in problem.transitions]
    return json.dumps(
        masked_values(steps) if masked else steps, ensure_ascii=False, separators=(",", ":")
    )


def masked_values(value: object, key: str = "") -> object:
    """JSON data with mobile and ID numbers masked in its texts, never in its ids.

    An id made of hex digits may hold a run that looks like a mobile number
    (``…c18262843943``); masked, it would name no record.
    """
    if isinstance(value, dict):
        return {k: masked_values(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_values(v, key) for v in value]
    if isinstance(value, str) and not _is_id_key(key):
        return mask_text(value)
    return value


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids"))


def last_merge(problem: Problem) -> str | None:
    """The id of the problem a merged problem was merged into; ``None`` if it is not merged."""
    if problem.state is not ProblemState.MERGED:
        return None
    data = problem.transitions[-1].data
    return str(data.duplicate_of) if isinstance(data, MergeInto) else None


def cells_of(problem: Problem, names: Directory, rules: ProblemRules) -> dict[str, object]:
    """A problem as a ledger row, field -> cell (text, date or ``None``); ``number`` left out."""
    follow_up = problem.last_follow_up
    settlement = problem.settlement
    taxonomy = rules.taxonomy
    category = problem.category
    amount = split_note(problem.transitions[0].note)[0]
    lead = problem.lead_department_id
    group = problem.work_group_id
    county, place = region_and_place(problem, names)
    return {
        "problem_id": str(problem.id),
        "enterprise": (
            None
            if problem.enterprise_id is None
            else names.enterprises.display(problem.enterprise_id)
        ),
        "credit_code": (
            None
            if problem.enterprise_id is None
            else names.enterprise_codes.get(problem.enterprise_id)
        ),
        "project": None
        if problem.project_id is None
        else names.projects.display(problem.project_id),
        "region": names.regions.display(county),
        "place": None if place is None else names.regions.display(place),
        "category": taxonomy.get(category).label if category in taxonomy else category,
        "scope": problem.scope.label,
        "title": problem.title,
        "description": problem.description or None,
        "work_group": None if group is None else names.work_groups.display(group),
        "leader": None if problem.leader_id is None else names.leaders.display(problem.leader_id),
        "level": problem.level.label,
        "lead_department": None if lead is None else names.departments.display(lead),
        "co_departments": "、".join(names.departments.display(d) for d in problem.co_department_ids)
        or None,
        "registered_on": local_date(problem.registered_at),
        "deadline": problem.deadline,
        "deadline_provisional": (
            "是"
            if problem.deadline is not None
            and rules.working_calendar.is_provisional(problem.deadline)
            else None
        ),
        "state": problem.state.label,
        "progress": progress_of(problem) or None,
        "settlement": None if settlement is None else settlement.label,
        "settled_on": problem.settled_on,
        "follow_up_outcome": None if follow_up is None else follow_up.outcome.label,
        "satisfaction": None if follow_up is None else follow_up.satisfaction.label,
        "merged_into": last_merge(problem),
        "amount": amount or None,
    }


def region_and_place(problem: Problem, names: Directory) -> tuple[str, str | None]:
    """The problem's county (所属县市区) and, when its region is a town under it, the town."""
    region = str(problem.region_id)
    if names.region_kind.get(region) is DivisionKind.TOWN:
        parent = names.region_parent.get(region)
        if parent is not None:
            return parent, region
    return region, None


def same_cell(cell: object, value: object) -> bool:
    """Whether a cell as read says what :func:`cells_of` wrote (so it changes nothing)."""
    if isinstance(cell, Formula | ErrorValue):
        return False
    if value is None:
        return is_blank(cell)
    if isinstance(value, dt.date):
        if isinstance(cell, dt.datetime):
            return cell.date() == value
        if isinstance(cell, dt.date):
            return cell == value
        return isinstance(cell, str) and cell.strip() == value.isoformat()
    if isinstance(cell, str):
        # An export masks mobile and ID numbers by default: the masked text is the same text.
        return cell == value or (isinstance(value, str) and cell == mask_text(value))
    return raw_text(cell) == value
