"""The problem workflow as a diagram (流程图), drawn from the transition table.

Both functions read nothing but the table they are given (by default
:data:`~jinjiecu.domain.workflow.TRANSITIONS`), so a diagram cannot drift from
the rules the domain enforces: change a row and the drawing changes with it.

- :func:`workflow_mermaid` writes a Mermaid ``stateDiagram-v2`` source, for
  wikis and issue trackers that render Mermaid.
- :func:`workflow_svg` draws a self-contained SVG with the standard library
  alone, for documentation pages and reports.

States read "已登记 registered" (Chinese label, then the stored value) and
events "交办 assign". An event that keeps the state (提级协调 escalate, 回访
follow_up, ...) is a loop on each state it may happen in: an edge from the
state to itself in Mermaid, a line ``↻ 提级协调 escalate`` inside the state's
box in the SVG.

>>> lines = workflow_mermaid().splitlines()
>>> lines[0]
'stateDiagram-v2'
>>> "    [*] --> registered : 登记 register" in lines
True
>>> "    in_progress --> in_progress : 提级协调 escalate" in lines
True
>>> "    closed --> [*]" in lines
True
>>> svg = workflow_svg()
>>> svg.startswith("<svg") and "正在办理" in svg and "↻ 回访 follow_up" in svg
True
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, TypeAlias
from xml.sax.saxutils import escape, quoteattr

import attrs

from jinjiecu.domain.workflow import (
    EXCLUDED_STATES,
    FINAL_STATES,
    TRANSITIONS,
    Event,
    ProblemState,
    TransitionRule,
)
from jinjiecu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

__all__ = ["workflow_mermaid", "workflow_svg"]

_STATE_ORDER = {state: index for index, state in enumerate(ProblemState)}
_EVENT_ORDER = {event: index for index, event in enumerate(Event)}

_Triple: TypeAlias = tuple[ProblemState | None, Event, ProblemState]
"""One edge of the table: (source, event, target); a ``None`` source is "no problem yet"."""


def _state_key(state: ProblemState | None) -> int:
    return -1 if state is None else _STATE_ORDER[state]


def _triples(table: Mapping[Event, TransitionRule]) -> list[_Triple]:
    """Every (source, event, target) the table allows, in event then state order.

    An event that keeps the state gives (state, event, state). Ordering by the
    enums rather than by the mapping makes equal tables draw equal diagrams.
    """
    triples: list[_Triple] = []
    for event, rule in sorted(table.items(), key=lambda item: _EVENT_ORDER[item[0]]):
        for source in sorted(rule.sources, key=_state_key):
            target = rule.target if rule.target is not None else source
            if target is not None:  # "keep the state" from nothing means nothing
                triples.append((source, event, target))
    return triples


def _states_of(triples: Iterable[_Triple]) -> list[ProblemState]:
    """The states the table mentions, in declaration order."""
    found: set[ProblemState] = set()
    for source, _event, target in triples:
        found.add(target)
        if source is not None:
            found.add(source)
    return sorted(found, key=_state_key)


def _text(state_or_event: ProblemState | Event) -> str:
    """How the diagrams name a state or an event: "正在办理 in_progress"."""
    return f"{state_or_event.label} {state_or_event.value}"


# ---------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """Escape the characters Mermaid reads as syntax inside a label."""
    return _MERMAID_SYNTAX.sub(lambda match: _MERMAID_CODES[match[0]], text)


_MERMAID_CODES = {"#": "#35;", '"': "#quot;", ":": "#58;", ";": "#59;"}
_MERMAID_SYNTAX = re.compile('[#":;]')


def workflow_mermaid(
    table: Mapping[Event, TransitionRule] = TRANSITIONS,
    *,
    final_states: Collection[ProblemState] = FINAL_STATES,
    excluded_states: Collection[ProblemState] = EXCLUDED_STATES,
) -> str:
    """The workflow as Mermaid ``stateDiagram-v2`` source, one edge per line.

    Each state is declared with its label and value (``state "已登记
    registered" as registered``); ``[*] --> registered`` marks where problems
    start and ``closed --> [*]`` each final state. Every (source, event,
    target) of ``table`` is one line ``source --> target : 交办 assign``; an
    event that keeps the state is a line from the state to itself. States in
    ``excluded_states`` get the class ``excluded`` (grey, dashed).

    Args:
        table: The transition table to draw.
        final_states: The states drawn as ending the workflow.
        excluded_states: Final states that do not count as handled problems.

    Returns:
        The Mermaid source, ending with a newline; equal tables give equal text.
    """
    triples = _triples(table)
    states = _states_of(triples)
    lines = [
        "stateDiagram-v2",
        "    %% Drawn by jinjiecu.reports.workflow_diagram from the transition table.",
    ]
    lines.extend(f'    state "{_mermaid_text(_text(state))}" as {state.value}' for state in states)
    for source, event, target in triples:
        start = "[*]" if source is None else source.value
        lines.append(f"    {start} --> {target.value} : {_mermaid_text(_text(event))}")
    lines.extend(f"    {state.value} --> [*]" for state in states if state in final_states)
    excluded = [state.value for state in states if state in excluded_states]
    if excluded:
        lines.append("    classDef excluded fill:#f2f2f2,color:#555,stroke-dasharray:5 3")
        lines.append(f"    class {','.join(excluded)} excluded")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- SVG layout
#
# A small layered ("Sugiyama") drawing, top to bottom:
#   1. states get layers: a depth-first search from the start turns back the
#      edges that close a cycle (resume, reopen), then each state goes one
#      layer below its deepest predecessor; excluded final states share a row
#      at the bottom;
#   2. every state-changing event becomes a labelled junction (a pill) just
#      above its target, or just below it for a backward event; its sources'
#      lines run down to it through invisible "dummy" points, one per row,
#      so no line ever crosses a box; one arrow runs from the junction on;
#   3. the rows are ordered to cut crossings (barycentre sweeps, then swaps
#      of neighbours), and placed to keep lines short and straight.
# Everything is computed from the table in a fixed order, so the same table
# always gives the same bytes.

_Key: TypeAlias = tuple[str, ...]

_FONT = (
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "'WenQuanYi Micro Hei',sans-serif"
)
_INK = "#1a202c"
_SUBTLE = "#4a5568"
_FORWARD = "#4a5568"
_BACK = "#b7791f"
_STATE_FILL = "#f1f6fc"
_STATE_STROKE = "#2c5282"
_EXCLUDED_FILL = "#f2f2f2"
_EXCLUDED_STROKE = "#8a8a8a"

_TITLE_SIZE = 15.0
_SMALL_SIZE = 11.5
_EVENT_SIZE = 12.0
_BOX_PAD_X = 12.0
_BOX_PAD_Y = 8.0
_LOOP_LINE = 15.0
_PILL_HEIGHT = 22.0
_START_RADIUS = 8.0
_ROW_GAP = 30.0
_CROSSING_ROOM = 4.0
_MARGIN = 16.0
_GAP = 26.0
_DUMMY_GAP = 12.0
_PORT_STEP = 18.0


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the drawn width: CJK characters are square, Latin ~0.6 em."""
    return sum(size * (0.6 if ord(char) < 0x2000 else 1.0) for char in text)


def _num(value: float) -> str:
    """A coordinate as short, stable text (one decimal at most)."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@attrs.define
class _Node:
    key: _Key
    kind: str  # "start", "state", "event" or "dummy"
    rank: int
    width: float = 0.0
    height: float = 0.0
    back: bool = False
    state: ProblemState | None = None
    event: Event | None = None
    loops: tuple[Event, ...] = ()
    x: float = 0.0
    y: float = 0.0


@attrs.define
class _Link:
    upper: _Key
    lower: _Key
    back: bool
    arrow: str = ""  # "", "upper" or "lower": the end with an arrowhead


@attrs.define
class _Graph:
    nodes: dict[_Key, _Node] = attrs.field(factory=dict)
    links: dict[tuple[_Key, _Key], _Link] = attrs.field(factory=dict)

    def add(self, node: _Node) -> _Node:
        return self.nodes.setdefault(node.key, node)

    def link(self, upper: _Key, lower: _Key, *, back: bool, arrow: str = "") -> None:
        found = self.links.setdefault((upper, lower), _Link(upper, lower, back))
        found.arrow = found.arrow or arrow

    def ranks(self) -> list[list[_Key]]:
        count = 1 + max((node.rank for node in self.nodes.values()), default=-1)
        rows: list[list[_Key]] = [[] for _ in range(count)]
        for node in self.nodes.values():
            rows[node.rank].append(node.key)
        return rows


def _key(state: ProblemState | None) -> _Key:
    return ("start",) if state is None else ("state", state.value)


def _layers(
    states: list[ProblemState],
    moves: list[_Triple],
    excluded: Collection[ProblemState],
) -> dict[_Key, int]:
    """Give each state a layer so that every state-changing edge spans one or more layers."""
    nodes = [_key(None)] if any(source is None for source, _, _ in moves) else []
    nodes += [_key(state) for state in states]
    successors: dict[_Key, list[_Key]] = {node: [] for node in nodes}
    for source, _event, target in moves:
        if _key(target) not in successors[_key(source)]:
            successors[_key(source)].append(_key(target))

    # Depth-first search from the start: an edge back into the path closes a
    # cycle and is turned round for the layering.
    visited: set[_Key] = set()
    on_path: set[_Key] = set()
    acyclic: list[tuple[_Key, _Key]] = []

    def visit(node: _Key) -> None:
        visited.add(node)
        on_path.add(node)
        for successor in successors[node]:
            if successor in on_path:
                acyclic.append((successor, node))
            else:
                acyclic.append((node, successor))
                if successor not in visited:
                    visit(successor)
        on_path.discard(node)

    for node in nodes:
        if node not in visited:
            visit(node)

    def longest_paths(members: list[_Key]) -> dict[_Key, int]:
        inside = set(members)
        edges = [(a, b) for a, b in acyclic if a in inside and b in inside]
        layer = dict.fromkeys(members, 0)
        for _ in members:  # at most len(members) rounds settle a DAG
            changed = False
            for a, b in edges:
                if layer[b] < layer[a] + 1:
                    layer[b] = layer[a] + 1
                    changed = True
            if not changed:
                break
        return layer

    excluded_keys = {_key(state) for state in excluded}
    main = [node for node in nodes if node not in excluded_keys]
    bottom = [node for node in nodes if node in excluded_keys]
    layers = longest_paths(main)
    base = 1 + max(layers.values(), default=-1)
    layers.update({node: base + layer for node, layer in longest_paths(bottom).items()})
    return layers


def _build(triples: list[_Triple], excluded_states: Collection[ProblemState]) -> _Graph:
    """Lay the table out as a layered graph of states, junctions and dummy points."""
    states = _states_of(triples)
    moves = [triple for triple in triples if triple[0] != triple[2]]
    loops: dict[ProblemState, list[Event]] = {state: [] for state in states}
    for source, event, target in triples:
        if source == target and source is not None:
            loops[source].append(event)
    layers = _layers(states, moves, excluded_states)
    graph = _Graph()
    if ("start",) in layers:
        graph.add(
            _Node(
                key=("start",),
                kind="start",
                rank=0,
                width=2 * _START_RADIUS,
                height=2 * _START_RADIUS,
            )
        )
    for state in states:
        graph.add(_state_node(state, 2 * layers[_key(state)], tuple(loops[state])))

    groups: dict[tuple[Event, ProblemState, bool], list[ProblemState | None]] = {}
    for source, event, target in moves:
        back = layers[_key(source)] > layers[_key(target)]
        groups.setdefault((event, target, back), []).append(source)
    for (event, target, back), sources in groups.items():
        target_rank = 2 * layers[_key(target)]
        junction = ("event", event.value, target.value, "up" if back else "down")
        graph.add(
            _Node(
                key=junction,
                kind="event",
                rank=target_rank + (1 if back else -1),
                width=_text_width(_text(event), _EVENT_SIZE) + 2 * 9,
                height=_PILL_HEIGHT,
                back=back,
                event=event,
            )
        )
        for source in sources:
            _route(graph, _key(source), junction, back=back)
        if back:
            graph.link(_key(target), junction, back=True, arrow="upper")
        else:
            graph.link(junction, _key(target), back=False, arrow="lower")
    return graph


def _state_node(state: ProblemState, rank: int, loops: tuple[Event, ...]) -> _Node:
    lines = [
        _text_width(state.label, _TITLE_SIZE),
        _text_width(state.value, _SMALL_SIZE),
        *(_text_width(f"↻ {_text(event)}", _SMALL_SIZE) for event in loops),
    ]
    height = 2 * _BOX_PAD_Y + 18 + 14 + (6 + _LOOP_LINE * len(loops) if loops else 0)
    return _Node(
        key=_key(state),
        kind="state",
        rank=rank,
        width=max(120.0, max(lines) + 2 * _BOX_PAD_X),
        height=height,
        state=state,
        loops=loops,
    )


def _route(graph: _Graph, source: _Key, junction: _Key, *, back: bool) -> None:
    """Run a line from ``source`` to ``junction`` through one dummy point per row.

    Lines from one source share their dummy points (they run as one line until
    they part), which keeps fans of edges such as withdraw and merge readable.
    """
    here = graph.nodes[source].rank
    there = graph.nodes[junction].rank
    step = -1 if back else 1
    previous = source
    for rank in range(here + step, there, step):
        dummy = ("dummy", *source, str(rank), "up" if back else "down")
        graph.add(_Node(key=dummy, kind="dummy", rank=rank, back=back))
        if back:
            graph.link(dummy, previous, back=True)
        else:
            graph.link(previous, dummy, back=False)
        previous = dummy
    if back:
        graph.link(junction, previous, back=True)
    else:
        graph.link(previous, junction, back=False)


def _neighbours(graph: _Graph) -> tuple[dict[_Key, list[_Key]], dict[_Key, list[_Key]]]:
    above: dict[_Key, list[_Key]] = {key: [] for key in graph.nodes}
    below: dict[_Key, list[_Key]] = {key: [] for key in graph.nodes}
    for upper, lower in graph.links:
        below[upper].append(lower)
        above[lower].append(upper)
    return above, below


def _pair_crossings(
    upper_row: list[_Key], lower_row: list[_Key], below: Mapping[_Key, list[_Key]]
) -> int:
    """How many links between two neighbouring rows cross each other."""
    where = {key: index for index, key in enumerate(lower_row)}
    ends = [
        (index, where[lower])
        for index, key in enumerate(upper_row)
        for lower in below[key]
        if lower in where
    ]
    return sum(
        1
        for i, (a_up, a_low) in enumerate(ends)
        for b_up, b_low in ends[i + 1 :]
        if (a_up - b_up) * (a_low - b_low) < 0
    )


def _crossings(rows: list[list[_Key]], below: Mapping[_Key, list[_Key]]) -> int:
    return sum(_pair_crossings(upper, lower, below) for upper, lower in itertools.pairwise(rows))


def _order(graph: _Graph) -> list[list[_Key]]:
    """Order each row to cut crossings: barycentre sweeps down and up, then neighbour swaps."""
    rows = graph.ranks()
    above, below = _neighbours(graph)
    best = [list(row) for row in rows]
    best_count = _crossings(rows, below)
    for sweep in range(16):
        downward = sweep % 2 == 0
        indices = range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1)
        for r in indices:
            near = rows[r - 1] if downward else rows[r + 1]
            where = {key: index for index, key in enumerate(near)}
            sides = above if downward else below

            def barycentre(
                item: tuple[int, _Key],
                sides: Mapping[_Key, list[_Key]] = sides,
                where: Mapping[_Key, int] = where,
            ) -> tuple[float, int]:
                index, key = item
                linked = [where[other] for other in sides[key] if other in where]
                return (sum(linked) / len(linked) if linked else float(index), index)

            rows[r] = [key for _, key in sorted(enumerate(rows[r]), key=barycentre)]
        _transpose(rows, above, below)
        count = _crossings(rows, below)
        if count < best_count:
            best, best_count = [list(row) for row in rows], count
    return best


def _transpose(
    rows: list[list[_Key]],
    above: Mapping[_Key, list[_Key]],
    below: Mapping[_Key, list[_Key]],
) -> None:
    """Swap neighbours in a row while that removes crossings."""

    def cost(left: _Key, right: _Key, positions: Mapping[_Key, int]) -> int:
        return sum(
            1
            for sides in (above, below)
            for a in sides[left]
            for b in sides[right]
            if a in positions and b in positions and positions[a] > positions[b]
        )

    for _ in range(8):
        improved = False
        positions = {key: index for row in rows for index, key in enumerate(row)}
        for row in rows:
            for i in range(len(row) - 1):
                left, right = row[i], row[i + 1]
                if cost(right, left, positions) < cost(left, right, positions):
                    row[i], row[i + 1] = right, left
                    positions[left], positions[right] = i + 1, i
                    improved = True
        if not improved:
            return


def _pool_adjacent(values: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``values`` (least squares)."""
    blocks: list[tuple[float, int]] = []
    for value in values:
        total, count = value, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / count:
            previous_total, previous_count = blocks.pop()
            total, count = total + previous_total, count + previous_count
        blocks.append((total, count))
    return [total / count for total, count in blocks for _ in range(count)]


def _place(graph: _Graph, rows: list[list[_Key]]) -> tuple[float, float]:
    """Set every node's centre; return the drawing's width and height."""
    nodes = graph.nodes
    above, below = _neighbours(graph)

    def separation(left: _Key, right: _Key) -> float:
        a, b = nodes[left], nodes[right]
        gap = _DUMMY_GAP if "dummy" in (a.kind, b.kind) else _GAP
        return (a.width + b.width) / 2 + gap

    offsets: list[list[float]] = []
    for row in rows:
        offset = [0.0] if row else []  # a table may leave a row empty
        for left, right in itertools.pairwise(row):
            offset.append(offset[-1] + separation(left, right))
        offsets.append(offset)
        for key, value in zip(row, offset, strict=True):
            nodes[key].x = value

    for sweep in range(48):
        mode = sweep % 3  # 0: follow the row above, 1: the row below, 2: both
        indices = range(len(rows)) if mode != 1 else range(len(rows) - 1, -1, -1)
        for r in indices:
            row = rows[r]
            wanted = []
            for key in row:
                linked = (above[key] if mode != 1 else []) + (below[key] if mode != 0 else [])
                xs = [nodes[other].x for other in linked]
                wanted.append(sum(xs) / len(xs) if xs else nodes[key].x)
            fitted = _pool_adjacent(
                [value - shift for value, shift in zip(wanted, offsets[r], strict=True)]
            )
            for key, value, shift in zip(row, fitted, offsets[r], strict=True):
                nodes[key].x = value + shift

    leftmost = min((node.x - node.width / 2 for node in nodes.values()), default=0.0)
    rightmost = max((node.x + node.width / 2 for node in nodes.values()), default=0.0)
    for node in nodes.values():
        node.x += _MARGIN - leftmost
    heights = [max((nodes[key].height for key in row), default=0.0) for row in rows]
    # Where many lines cross between two rows, leave them more room to curve.
    gaps = [
        _ROW_GAP + _CROSSING_ROOM * min(_pair_crossings(upper, lower, below), 8)
        for upper, lower in itertools.pairwise(rows)
    ]
    top = _MARGIN
    for row, height, gap in zip(rows, heights, [*gaps, 0.0], strict=False):
        for key in row:
            nodes[key].y = top + height / 2
            if nodes[key].kind == "dummy":
                nodes[key].height = height
        top += height + gap
    return rightmost - leftmost + 2 * _MARGIN, top + _MARGIN


# ---------------------------------------------------------------------- SVG drawing


def _ports(graph: _Graph) -> dict[tuple[_Key, _Key, str], float]:
    """Where each link leaves or meets a state box: spread along the side, in x order."""
    nodes = graph.nodes
    sides: dict[tuple[_Key, str], list[tuple[float, _Key, _Key]]] = {}
    for upper, lower in graph.links:
        sides.setdefault((upper, "bottom"), []).append((nodes[lower].x, upper, lower))
        sides.setdefault((lower, "top"), []).append((nodes[upper].x, upper, lower))
    ports: dict[tuple[_Key, _Key, str], float] = {}
    for (key, side), ends in sides.items():
        node = nodes[key]
        ends.sort()
        count = len(ends)
        step = min(_PORT_STEP, 0.8 * node.width / (count - 1)) if count > 1 else 0.0
        spread = node.kind == "state"
        for index, (_x, upper, lower) in enumerate(ends):
            shift = (index - (count - 1) / 2) * step if spread else 0.0
            ports[upper, lower, side] = node.x + shift
    return ports


def _link_path(graph: _Graph, link: _Link, ports: Mapping[tuple[_Key, _Key, str], float]) -> str:
    upper, lower = graph.nodes[link.upper], graph.nodes[link.lower]
    x1 = ports[link.upper, link.lower, "bottom"]
    x2 = ports[link.upper, link.lower, "top"]
    y1 = upper.y + upper.height / 2
    y2 = lower.y - lower.height / 2
    middle = (y1 + y2) / 2
    points = [(x1, y1), (x1, middle), (x2, middle), (x2, y2)]
    if link.arrow == "upper":
        points.reverse()
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
    return (
        f"M{_num(ax)} {_num(ay)} C{_num(bx)} {_num(by)} {_num(cx)} {_num(cy)} {_num(dx)} {_num(dy)}"
    )


def _element(name: str, text: str = "", /, **attributes: str | float) -> str:
    rendered = "".join(
        f" {attribute.rstrip('_').replace('_', '-')}="
        + quoteattr(_num(value) if isinstance(value, float | int) else value)
        for attribute, value in attributes.items()
    )
    if text:
        return f"<{name}{rendered}>{escape(text)}</{name}>"
    return f"<{name}{rendered}/>"


def _draw_state(node: _Node, *, final: bool, excluded: bool) -> list[str]:
    state = node.state
    if state is None:  # pragma: no cover - only state nodes come here
        return []
    left, top = node.x - node.width / 2, node.y - node.height / 2
    stroke = _EXCLUDED_STROKE if excluded else _STATE_STROKE
    box: dict[str, str | float] = {
        "fill": _EXCLUDED_FILL if excluded else _STATE_FILL,
        "stroke": stroke,
        "stroke_width": 1.5,
    }
    if excluded:
        box["stroke_dasharray"] = "5 3"
    parts = [_element("rect", x=left, y=top, width=node.width, height=node.height, rx=8.0, **box)]
    if final:
        parts.append(
            _element(
                "rect",
                x=left + 3,
                y=top + 3,
                width=node.width - 6,
                height=node.height - 6,
                rx=6.0,
                **{**box, "fill": "none", "stroke_width": 1.0},
            )
        )
    baseline = top + _BOX_PAD_Y + 15
    parts.append(
        _element(
            "text",
            state.label,
            x=node.x,
            y=baseline,
            text_anchor="middle",
            font_size=_TITLE_SIZE,
            font_weight="bold",
            fill=_INK,
        )
    )
    baseline += 15
    parts.append(
        _element(
            "text",
            state.value,
            x=node.x,
            y=baseline,
            text_anchor="middle",
            font_size=_SMALL_SIZE,
            fill=_SUBTLE,
        )
    )
    if node.loops:
        rule = baseline + 7
        parts.append(
            _element(
                "line",
                x1=left + 8,
                y1=rule,
                x2=left + node.width - 8,
                y2=rule,
                stroke="#c3cfdd",
                stroke_width=1.0,
            )
        )
        for index, event in enumerate(node.loops):
            parts.append(
                _element(
                    "text",
                    f"↻ {_text(event)}",
                    x=left + _BOX_PAD_X,
                    y=rule + 14 + index * _LOOP_LINE,
                    font_size=_SMALL_SIZE,
                    fill=_INK,
                )
            )
    return parts


def _draw_event(node: _Node) -> list[str]:
    event = node.event
    if event is None:  # pragma: no cover - only junctions come here
        return []
    return [
        _element(
            "rect",
            x=node.x - node.width / 2,
            y=node.y - node.height / 2,
            width=node.width,
            height=node.height,
            rx=node.height / 2,
            fill="#ffffff",
            stroke=_BACK if node.back else _FORWARD,
            stroke_width=1.2,
        ),
        _element(
            "text",
            _text(event),
            x=node.x,
            y=node.y + 4.3,
            text_anchor="middle",
            font_size=_EVENT_SIZE,
            fill=_INK,
        ),
    ]


def _line_style(back: bool) -> dict[str, str | float]:  # noqa: FBT001 - a private helper
    style: dict[str, str | float] = {
        "fill": "none",
        "stroke": _BACK if back else _FORWARD,
        "stroke_width": 1.4,
    }
    if back:
        style["stroke_dasharray"] = "6 4"
    return style


def _legend_swatch(kind: str, x: float, y: float, prefix: str) -> list[str]:
    """The small picture before a key entry, 26 units wide, centred on ``y``."""
    if kind in ("forward", "back"):
        return [
            _element(
                "path",
                d=f"M{_num(x)} {_num(y)} H{_num(x + 26)}",
                marker_end=f"url(#{prefix}-arrow-{kind})",
                **_line_style(kind == "back"),
            )
        ]
    if kind == "loop":
        return [_element("text", "↻", x=x + 13, y=y + 5, text_anchor="middle", font_size=14.0)]
    excluded = kind == "excluded"
    box: dict[str, str | float] = {
        "fill": _EXCLUDED_FILL if excluded else _STATE_FILL,
        "stroke": _EXCLUDED_STROKE if excluded else _STATE_STROKE,
    }
    if excluded:
        box["stroke_dasharray"] = "4 2"
    return [
        _element("rect", x=x, y=y - 8, width=26.0, height=16.0, rx=4.0, stroke_width=1.5, **box),
        _element(
            "rect",
            x=x + 2.5,
            y=y - 5.5,
            width=21.0,
            height=11.0,
            rx=3.0,
            stroke_width=1.0,
            **{**box, "fill": "none"},
        ),
    ]


def _legend(
    top: float, width: float, entries: list[tuple[str, str]], prefix: str
) -> tuple[list[str], float]:
    """The key under the drawing, in as many columns as fit; returns it and its height."""
    widths = [34 + _text_width(label, _SMALL_SIZE) + 24 for _kind, label in entries]
    columns = len(entries)
    while columns > 1:
        spans = [max(widths[c::columns]) for c in range(columns)]
        if sum(spans) <= width - 2 * _MARGIN:
            break
        columns -= 1
    spans = [max(widths[c::columns]) for c in range(columns)]
    parts: list[str] = []
    for index, (kind, label) in enumerate(entries):
        x = _MARGIN + sum(spans[: index % columns])
        y = top + 10 + (index // columns) * 22
        parts.extend(_legend_swatch(kind, x, y, prefix))
        parts.append(
            _element("text", label, x=x + 34, y=y + 4, font_size=_SMALL_SIZE, fill=_SUBTLE)
        )
    rows = -(-len(entries) // columns)
    return parts, 22 * rows


def _legend_entries(
    graph: _Graph,
    final_states: Collection[ProblemState],
    excluded_states: Collection[ProblemState],
) -> list[tuple[str, str]]:
    """The key's entries: only what the drawing shows."""
    drawn = [node for node in graph.nodes.values() if node.kind == "state"]
    back_events = sorted(
        {node.event for node in graph.nodes.values() if node.back and node.event is not None},
        key=_EVENT_ORDER.__getitem__,
    )
    entries = [("forward", "推进 forward")]
    if back_events:
        names = "、".join(event.label for event in back_events)
        entries.append(("back", f"退回 back ({names})"))
    if any(node.loops for node in drawn):
        entries.append(("loop", "事件不改变状态 the event keeps the state"))
    if any(node.state in final_states for node in drawn):
        entries.append(("final", "终态 final state"))
    if any(node.state in excluded_states for node in drawn):
        entries.append(("excluded", "终态，不计入办结 final, excluded from the counts"))
    return entries


def _draw_lines(
    graph: _Graph, ports: Mapping[tuple[_Key, _Key, str], float], prefix: str
) -> list[str]:
    lines: list[str] = []
    for link in graph.links.values():
        extra: dict[str, str] = {}
        if link.arrow:
            extra["marker_end"] = f"url(#{prefix}-arrow-{'back' if link.back else 'forward'})"
        lines.append(
            _element("path", d=_link_path(graph, link, ports), **_line_style(link.back), **extra)
        )
    # A line passes straight down through each row it crosses.
    lines.extend(
        _element(
            "path",
            d=f"M{_num(node.x)} {_num(node.y - node.height / 2)} V{_num(node.y + node.height / 2)}",
            **_line_style(node.back),
        )
        for node in graph.nodes.values()
        if node.kind == "dummy" and node.height > 0
    )
    return lines


def _draw_shapes(
    graph: _Graph,
    rows: list[list[_Key]],
    final_states: Collection[ProblemState],
    excluded_states: Collection[ProblemState],
) -> list[str]:
    """Boxes, pills and the start point; each a group whose data attributes say what it is."""
    shapes: list[str] = []
    for row in rows:
        for key in row:
            node = graph.nodes[key]
            if node.kind == "start":
                shapes.append('<g data-start="">')
                shapes.append(_element("circle", cx=node.x, cy=node.y, r=_START_RADIUS, fill=_INK))
            elif node.kind == "event" and node.event is not None:
                shapes.append(f'<g data-event="{node.event.value}" data-target="{key[2]}">')
                shapes.extend(_draw_event(node))
            elif node.kind == "state" and node.state is not None:
                shapes.append(f'<g data-state="{node.state.value}">')
                shapes.extend(
                    _draw_state(
                        node,
                        final=node.state in final_states,
                        excluded=node.state in excluded_states,
                    )
                )
            else:
                continue
            shapes.append("</g>")
    return shapes


_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def workflow_svg(
    table: Mapping[Event, TransitionRule] = TRANSITIONS,
    *,
    final_states: Collection[ProblemState] = FINAL_STATES,
    excluded_states: Collection[ProblemState] = EXCLUDED_STATES,
    id_prefix: str = "workflow",
) -> str:
    """The workflow as a self-contained SVG image, drawn top to bottom.

    States are rounded boxes with their label and value, in rows by how far
    they are from the start; final states have a double border, and
    ``excluded_states`` share a grey, dashed row at the bottom. Each
    state-changing event is a labelled pill ("交办 assign") that the lines from
    its source states run into, with one arrow on to its target; events that
    go back (恢复办理 resume, 重办 reopen) are dashed. Events that keep the
    state are listed inside the box (``↻ 提级协调 escalate``). A key sits under
    the drawing.

    The SVG needs no stylesheet or font file and can be inlined in HTML; its
    element ids start with ``id_prefix`` (give each image on one page its
    own). Text is XML-escaped. The same table always gives the same bytes.

    Args:
        table: The transition table to draw.
        final_states: The states drawn with a double border.
        excluded_states: Final states that do not count as handled problems.
        id_prefix: A prefix for the ids inside the SVG: a letter, then letters,
            digits, ``_`` or ``-``.

    Returns:
        The SVG document as text, starting with ``<svg``.

    Raises:
        ValidationError: ``id_prefix`` is not a usable id.
    """
    if not isinstance(id_prefix, str) or _PREFIX.fullmatch(id_prefix) is None:
        raise ValidationError(
            field="id_prefix",
            expected="a letter, then up to 63 letters, digits, '_' or '-'",
            received=id_prefix,
        )
    triples = _triples(table)
    graph = _build(triples, excluded_states)
    rows = _order(graph)
    width, height = _place(graph, rows)
    ports = _ports(graph)

    entries = _legend_entries(graph, final_states, excluded_states)
    narrowest = max(34 + _text_width(label, _SMALL_SIZE) for _kind, label in entries)
    width = max(width, narrowest + 2 * _MARGIN)
    legend, legend_height = _legend(height, width, entries, id_prefix)
    height += legend_height + _MARGIN / 2
    lines_drawn = _draw_lines(graph, ports, id_prefix)
    shapes = _draw_shapes(graph, rows, final_states, excluded_states)

    title = "问题办理流程 Problem workflow: " + ", ".join(
        _text(state) for state in _states_of(triples)
    )
    markers = [
        f'<marker id="{id_prefix}-arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10"'
        f' orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="{colour}"/></marker>'
        for kind, colour in (("forward", _FORWARD), ("back", _BACK))
    ]
    size = f'width="{_num(width)}" height="{_num(height)}"'
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}'
        f' viewBox="0 0 {_num(width)} {_num(height)}" role="img"'
        f' aria-labelledby="{id_prefix}-title" style="max-width:100%;height:auto">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{id_prefix}-title">{escape(title)}</title>',
            "<defs>",
            *markers,
            "</defs>",
            f'<rect {size} fill="#ffffff" rx="6"/>',
            f"<g font-family={quoteattr(_FONT)}>",
            *lines_drawn,
            *shapes,
            *legend,
            "</g>",
            "</svg>",
            "",
        ]
    )
