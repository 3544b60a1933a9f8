"""``jinjiecu problem``: list, show, register and move problems through the workflow."""

from __future__ import annotations

import re
import typing
from typing import TYPE_CHECKING, Any

import attrs

from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._filters import build_query, fold, query_json, resolve
from jinjiecu.cli._store import actor_of, opened, provisional_note
from jinjiecu.cli._text import Ui, clip, fail, parse_day, table

if TYPE_CHECKING:
    import argparse
    import datetime as dt
    from collections.abc import Sequence

    from jinjiecu.domain.calendar import WorkingCalendar
    from jinjiecu.domain.problem import Problem
    from jinjiecu.storage.base import Store


# ---------------------------------------------------------------------- reading


def _category_label(code: str) -> str:
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415

    try:
        return DEFAULT_TAXONOMY.get(code).label
    except ValueError:
        return code


def problem_json(
    problem: Problem, *, history: bool = False, calendar: WorkingCalendar | None = None
) -> dict[str, Any]:
    """A problem for JSON: its current fields, and with ``history`` every transition.

    With the store's ``calendar``, ``deadline_provisional`` says whether the
    deadline falls in a year counted provisionally.
    """
    from jinjiecu.domain.problem import allowed_events  # noqa: PLC0415
    from jinjiecu.serialization import unstructure  # noqa: PLC0415

    data: dict[str, Any] = {
        "id": problem.id,
        "version": problem.version,
        "state": problem.state.value,
        "state_label": problem.state.label,
        "title": problem.title,
        "description": problem.description,
        "category": problem.category,
        "category_label": _category_label(problem.category),
        "scope": problem.scope.value,
        "level": problem.level.value,
        "region_id": problem.region_id,
        "enterprise_id": problem.enterprise_id,
        "project_id": problem.project_id,
        "campaign_id": problem.campaign_id,
        "work_group_id": problem.work_group_id,
        "lead_department_id": problem.lead_department_id,
        "co_department_ids": list(problem.co_department_ids),
        "registered_at": problem.registered_at,
        "deadline": problem.deadline,
    }
    if calendar is not None:
        deadline = problem.deadline
        data["deadline_provisional"] = deadline is not None and calendar.is_provisional(deadline)
    if history:
        data["allowed_events"] = [event.value for event in allowed_events(problem)]
        data["transitions"] = unstructure(list(problem.transitions))
    return data


def run_problem_list(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem list``: problems matching the filters, as they stand now."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415

    with opened(args, ui) as store:
        query = build_query(store, args)
        total = store.problems.count(query)
        found = store.problems.list(
            query, limit=min(args.limit, 10_000), offset=max(0, args.offset)
        )
        rules = store.counting_rules()
    calendar = rules.working_calendar
    if ui.json:
        ui.dump(
            {
                "count": total,
                "offset": args.offset,
                "filters": query_json(query),
                "problems": [problem_json(problem, calendar=calendar) for problem in found],
            }
        )
        return 0
    moment = now()
    headers = ui.headers(
        [
            ("编号", "id"),
            ("状态", "state"),
            ("类别", "category"),
            ("登记", "registered"),
            ("时限", "deadline"),
            ("超期", "overdue"),
            ("标题", "title"),
        ]
    )
    rows = [
        [
            problem.id,
            ui.text(problem.state.label, problem.state.value),
            clip(_category_label(problem.category), 12),
            _local_day(problem.registered_at),
            _deadline_cell(problem.deadline, calendar),
            problem.is_overdue(moment, rules),
            clip(problem.title, 36),
        ]
        for problem in found
    ]
    ui.print(table(headers, rows))
    provisional = sorted(
        {p.deadline.year for p in found if p.deadline and calendar.is_provisional(p.deadline)}
    )
    if provisional:
        ui.say("* 暂定时限", "* provisional deadline")
    provisional_note(ui, provisional)
    shown = len(found)
    first = args.offset + 1 if shown else 0
    ui.note(
        f"共 {total} 个问题，显示第 {first}–{args.offset + shown} 个。",
        f"{total} problems; showing {first}–{args.offset + shown}.",
    )
    return 0


def _deadline_cell(deadline: dt.date | None, calendar: WorkingCalendar) -> object:
    """A deadline for a table, with ``*`` when it falls in a provisional year."""
    if deadline is None:
        return None
    return f"{deadline}*" if calendar.is_provisional(deadline) else deadline


def _local_day(moment: dt.datetime) -> str:
    from jinjiecu.domain.clock import local_date  # noqa: PLC0415

    return local_date(moment).isoformat()


def _local_time(moment: dt.datetime) -> str:
    from jinjiecu.domain.clock import CHINA_TZ  # noqa: PLC0415

    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"


def _problem_id(text: str) -> Any:
    from jinjiecu.domain.ids import ProblemId  # noqa: PLC0415

    return ProblemId(fold(text))


def run_problem_show(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem show ID``: a problem, its history and the events allowed now."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.domain.problem import allowed_events  # noqa: PLC0415

    with opened(args, ui) as store:
        problem = store.problems.get(_problem_id(args.id))
        names = _names_for(store, problem)
        rules = store.counting_rules()
    calendar = rules.working_calendar
    if args.as_of is not None:
        then = problem.as_of(args.as_of)
        if then is None:
            fail(
                f"问题 {problem.id} 在该时刻尚未登记",
                f"problem {problem.id} was not registered yet at {args.as_of.isoformat()}",
                code=ExitCode.DATA,
            )
        problem = then
    if ui.json:
        ui.dump(problem_json(problem, history=True, calendar=calendar))
        return 0
    moment = args.as_of or now()
    overdue = problem.is_overdue(moment, rules)
    deadline_is_provisional = problem.deadline is not None and calendar.is_provisional(
        problem.deadline
    )

    def field(zh: str, en: str, value: object) -> list[object]:
        return [ui.text(zh, en), "-" if value in (None, "") else value]

    state = ui.text(problem.state.label, problem.state.value)
    deadline = problem.deadline
    deadline_text = (
        None
        if deadline is None
        else f"{deadline}"
        + (ui.text("（暂定）", " (provisional)") if deadline_is_provisional else "")
        + (ui.text("（已超期）", " (overdue)") if overdue else "")
    )
    rows = [
        field("编号", "id", f"{problem.id}（{ui.text('版本', 'version')} {problem.version}）"),
        field("标题", "title", problem.title),
        field("状态", "state", state),
        field("类别", "category", f"{_category_label(problem.category)} ({problem.category})"),
        field("性质", "scope", ui.text(problem.scope.label, problem.scope.value)),
        field("层级", "level", ui.text(problem.level.label, problem.level.value)),
        field("县市区", "region", names.get(problem.region_id)),
        field("企业", "enterprise", names.get(problem.enterprise_id)),
        field("项目", "project", problem.project_id),
        field("工作组", "work group", names.get(problem.work_group_id)),
        field("牵头部门", "lead department", names.get(problem.lead_department_id)),
        field(
            "配合部门",
            "co-departments",
            "、".join(str(names.get(d)) for d in problem.co_department_ids),
        ),
        field("登记时间", "registered", _local_time(problem.registered_at)),
        field("办理时限", "deadline", deadline_text),
        field(
            "可执行",
            "allowed now",
            ", ".join(ui.text(e.label, e.value) for e in allowed_events(problem)),
        ),
    ]
    ui.print(table(ui.headers([("项目", "field"), ("内容", "value")]), rows))
    if problem.description:
        ui.print()
        ui.print(problem.description)
    ui.print()
    history = [
        [
            t.sequence,
            _local_time(t.at),
            ui.text(t.event.label, t.event.value),
            ui.text(t.to_state.label, t.to_state.value),
            clip(t.actor.name or t.actor.id, 24),
            clip(_data_text(t.data, t.note), 60),
        ]
        for t in problem.transitions
    ]
    headers = ui.headers(
        [
            ("#", "#"),
            ("时间", "time"),
            ("事件", "event"),
            ("状态", "state"),
            ("经办", "actor"),
            ("内容", "details"),
        ]
    )
    ui.print(table(headers, history, right=[True, False, False, False, False, False]))
    if deadline_is_provisional and deadline is not None:
        provisional_note(ui, [deadline.year])
    return 0


def _names_for(store: Store, problem: Problem) -> dict[str | None, str]:
    from jinjiecu.errors import JinjiecuError  # noqa: PLC0415

    wanted: dict[str, list[str | None]] = {
        "regions": [problem.region_id],
        "enterprises": [problem.enterprise_id],
        "work_groups": [problem.work_group_id],
        "departments": [problem.lead_department_id, *problem.co_department_ids],
    }
    names: dict[str | None, str] = {}
    for kind, ids in wanted.items():
        collection = getattr(store, kind)
        for record_id in ids:
            if record_id is None:
                continue
            try:
                names[record_id] = f"{collection.get(record_id).name} ({record_id})"
            except JinjiecuError:  # a missing name must not hide the problem
                names[record_id] = str(record_id)
    return names


def _data_text(data: object, note: str) -> str:
    from jinjiecu.serialization import unstructure  # noqa: PLC0415

    values = unstructure(data)
    parts = [
        f"{name}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in values.items()
        if value not in (None, "", [], ())
    ]
    if note:
        parts.append(note)
    return "; ".join(parts)


# ---------------------------------------------------------------------- writing


def run_problem_register(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem register``: register a new problem."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415
    from jinjiecu.domain.events import HandlingLevel, Register, Scope  # noqa: PLC0415
    from jinjiecu.domain.ids import (  # noqa: PLC0415
        CampaignId,
        EnterpriseId,
        ProblemId,
        ProjectId,
        RegionId,
        WorkGroupId,
    )
    from jinjiecu.domain.problem import Problem  # noqa: PLC0415
    from jinjiecu.domain.taxonomy import DEFAULT_TAXONOMY  # noqa: PLC0415

    with opened(args, ui) as store:

        def named(text: str | None, kind: str, id_type: Any) -> Any:
            return None if text is None else id_type(resolve(store, kind, text))

        optional: dict[str, Any] = {}
        if args.scope is not None:
            optional["scope"] = Scope.parse(args.scope, field="scope")
        if args.level is not None:
            optional["level"] = HandlingLevel.parse(args.level, field="level")
        details = Register(
            title=fold(args.title),
            category=DEFAULT_TAXONOMY.parse(args.category).code,
            region_id=RegionId(resolve(store, "regions", args.region)),
            description=args.description,
            enterprise_id=named(args.enterprise, "enterprises", EnterpriseId),
            project_id=None if args.project is None else ProjectId(fold(args.project)),
            campaign_id=named(args.campaign, "campaigns", CampaignId),
            work_group_id=named(args.group, "work_groups", WorkGroupId),
            **optional,
        )
        problem = Problem.register(
            details,
            at=args.at or now(),
            actor=actor_of(args),
            id=None if args.id is None else ProblemId(fold(args.id)),
            note=args.note,
        )
        store.problems.add(problem)
    if ui.json:
        ui.dump(problem_json(problem, history=True))
        return 0
    ui.say(
        f"已登记问题 {problem.id}：{problem.title}（{problem.state.label}）",
        f"Registered problem {problem.id}: {problem.title} ({problem.state.value})",
    )
    return 0


def event_help() -> str:
    """The events ``problem apply`` takes and their fields, for the help text."""
    from jinjiecu.domain.events import EVENT_DATA  # noqa: PLC0415
    from jinjiecu.domain.workflow import Event  # noqa: PLC0415

    lines = ["事件及其字段（* 必填）/ events and their fields (* required):"]
    for event, cls in EVENT_DATA.items():
        if event is Event.REGISTER:
            continue
        fields = [f"{f.name}{'*' if f.default is attrs.NOTHING else ''}" for f in attrs.fields(cls)]
        lines.append(f"  {event.value} {event.label}: {', '.join(fields) or '-'}")
    lines += [
        "",
        "列表字段用逗号分隔；部门可写名称 / lists are comma-separated; departments by id or name.",
        "例 examples:",
        "  jinjiecu problem apply P-1 交办 lead_department_id=德州市住房和城乡建设局 deadline=2019-11-30",  # noqa: E501
        "  jinjiecu problem apply P-1 start",
        "  jinjiecu problem apply P-1 resolve summary=已协调接通施工用电",
        "  jinjiecu problem apply P-1 回访 outcome=已解决 satisfaction=满意",
    ]
    return "\n".join(lines)


_LIST_SPLIT = re.compile(r"[,，、;；]")
_TRUE = {"true", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "no", "n", "0", "否", "不"}


def event_data(store: Store, event_text: str, pairs: Sequence[str]) -> Any:
    """Build an event's data from ``FIELD=VALUE`` pairs typed on the command line."""
    from jinjiecu.domain.events import EVENT_DATA  # noqa: PLC0415
    from jinjiecu.domain.workflow import Event  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415
    from jinjiecu.serialization import structure  # noqa: PLC0415

    event = Event.parse(event_text, field="event")
    if event is Event.REGISTER:
        fail(
            "登记新问题请用 jinjiecu problem register",
            "use `jinjiecu problem register` to register a problem",
            code=ExitCode.USAGE,
        )
    cls = EVENT_DATA[event]
    hints = typing.get_type_hints(cls)
    raw: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = fold(name)
        if not equals or not name:
            fail(
                f"事件数据应写成 字段=值：{pair!r}",
                f"event data is FIELD=VALUE, got {pair!r}",
                code=ExitCode.USAGE,
            )
        if name not in hints:
            known = ", ".join(f.name for f in attrs.fields(cls)) or "none"
            raise ValidationError(
                field=name, expected=f"a field of {event.value} ({known})", received=value
            )
        raw[name] = _convert(store, name, hints[name], value)
    return structure(raw, cls)


def _convert(store: Store, name: str, hint: Any, text: str) -> Any:
    import datetime as dt  # noqa: PLC0415

    from jinjiecu.domain.ids import DepartmentId, EntityId  # noqa: PLC0415
    from jinjiecu.domain.labels import LabelledEnum  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        return [
            _convert(store, name, args[0], part) for part in _LIST_SPLIT.split(text) if part.strip()
        ]
    if args and origin is not tuple:  # X | None
        return _convert(store, name, args[0], text)
    value = fold(text)
    if hint is bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValidationError(field=name, expected="yes or no (是/否)", received=text)
    if hint is int:
        try:
            return int(value)
        except ValueError:
            raise ValidationError(field=name, expected="a whole number", received=text) from None
    if hint is dt.date:
        try:
            return parse_day(value).isoformat()
        except ValueError:
            raise ValidationError(
                field=name, expected="a date such as 2019-11-30", received=text
            ) from None
    if isinstance(hint, type) and issubclass(hint, LabelledEnum):
        return hint.parse(value, field=name).value
    if isinstance(hint, type) and issubclass(hint, DepartmentId):
        return resolve(store, "departments", value)
    if isinstance(hint, type) and issubclass(hint, EntityId):
        return value
    return text


def run_problem_apply(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem apply ID EVENT FIELD=VALUE ...``: one workflow step, saved at once."""
    from jinjiecu.domain.clock import now  # noqa: PLC0415

    with opened(args, ui) as store:
        problem_id = _problem_id(args.id)
        before = store.problems.get(problem_id)
        data = event_data(store, args.event, args.fields)
        after = store.problems.apply(
            problem_id,
            data,
            at=args.at or now(),
            actor=actor_of(args),
            note=args.note,
            expected_version=args.expected_version,
        )
        calendar = store.holiday_notices.calendar()
    if ui.json:
        ui.dump(problem_json(after, history=True, calendar=calendar))
        return 0
    event = after.transitions[-1].event
    ui.say(
        f"问题 {after.id}：{event.label}，{before.state.label} → {after.state.label}"
        f"（版本 {after.version}）",
        f"Problem {after.id}: {event.value}, {before.state.value} → {after.state.value} "
        f"(version {after.version})",
    )
    return 0


def run_problem_help(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu problem`` without an action: say which actions there are."""
    del args, ui
    fail(
        "请指定操作：list、show、register 或 apply（见 jinjiecu problem --help）",
        "give an action: list, show, register or apply (see jinjiecu problem --help)",
        code=ExitCode.USAGE,
    )
