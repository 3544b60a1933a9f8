"""Names typed on the command line, and the filter options that become a store query.

:func:`resolve` turns an id or a name (an enterprise also by its credit code)
into a record's id; :func:`build_query` turns ``--campaign``, ``--group``,
``--region`` ... into a :class:`~jinjiecu.storage.base.Query`.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._text import fail

if TYPE_CHECKING:
    import argparse

    from jinjiecu.storage.base import Query, Store


def fold(text: str) -> str:
    """``text`` as typed, in NFKC form (full-width letters and digits made plain), stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def resolve(store: Store, kind: str, text: str) -> str:
    """The id of the ``kind`` record (``work_groups``, ``regions`` ...) named ``text``.

    ``text`` may be the id or the exact name (an enterprise also by its credit
    code). An unknown or ambiguous name is a :class:`CliError`.
    """
    from jinjiecu.storage.base import MAX_PAGE  # noqa: PLC0415

    collection = getattr(store, kind)
    key = fold(text)
    try:
        candidate = collection.kind.id_type(key)
    except ValueError:
        candidate = None
    if candidate is not None and candidate in collection:
        return str(candidate)
    found: list[Any] = []
    offset = 0
    while page := collection.list(limit=MAX_PAGE, offset=offset):
        found.extend(
            record
            for record in page
            if fold(record.name) == key or str(getattr(record, "credit_code", "")) == key.upper()
        )
        offset += len(page)
    what_zh, what_en = _KIND_NAMES[kind]
    if not found:
        fail(
            f"没有编号或名称为 {text!r} 的{what_zh}",
            f"no {what_en} with id or name {text!r}",
            code=ExitCode.DATA,
        )
    if len(found) > 1:
        ids = ", ".join(str(record.id) for record in found[:10])
        fail(
            f"名称 {text!r} 对应多个{what_zh}，请改用编号：{ids}",
            f"{text!r} names several {what_en}s, give the id instead: {ids}",
            code=ExitCode.DATA,
        )
    return str(found[0].id)


_KIND_NAMES = {
    "campaigns": ("集中行动", "campaign"),
    "work_groups": ("工作组", "work group"),
    "regions": ("县市区", "region"),
    "departments": ("部门", "department"),
    "enterprises": ("企业", "enterprise"),
    "leaders": ("领导", "leader"),
}


def build_query(store: Store, args: argparse.Namespace) -> Query:
    """The :class:`~jinjiecu.storage.base.Query` the filter options describe."""
    from jinjiecu.domain.events import HandlingLevel, Scope  # noqa: PLC0415
    from jinjiecu.domain.ids import (  # noqa: PLC0415
        CampaignId,
        DepartmentId,
        EnterpriseId,
        RegionId,
        WorkGroupId,
    )
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415
    from jinjiecu.domain.workflow import ProblemState  # noqa: PLC0415
    from jinjiecu.storage.base import Query as StoreQuery  # noqa: PLC0415

    def named(option: str, kind: str, id_type: Any) -> Any:
        text = getattr(args, option, None)
        return None if text is None else id_type(resolve(store, kind, text))

    def parsed(option: str, parse: Any) -> Any:
        text = getattr(args, option, None)
        return None if text is None else parse(text)

    return StoreQuery(
        campaign_id=named("campaign", "campaigns", CampaignId),
        work_group_id=named("group", "work_groups", WorkGroupId),
        region_id=named("region", "regions", RegionId),
        department_id=named("department", "departments", DepartmentId),
        enterprise_id=named("enterprise", "enterprises", EnterpriseId),
        category=parsed("category", lambda t: DEFAULT_TAXONOMY.parse(t).code),
        state=parsed("state", lambda t: ProblemState.parse(t, field="state")),
        scope=parsed("scope", lambda t: Scope.parse(t, field="scope")),
        level=parsed("level", lambda t: HandlingLevel.parse(t, field="level")),
        since=getattr(args, "since", None),
        until=getattr(args, "until", None),
    )


def query_json(query: Query) -> dict[str, Any]:
    """The filters ``query`` was given, for JSON (enumerations by their value)."""
    return {name: getattr(value, "value", value) for name, value in query.given().items()}
