from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from jinjiecu.domain.workflow import (
    EXCLUDED_STATES,
    FINAL_STATES,
    TRANSITIONS,
    Event,
    ProblemState,
    TransitionRule,
)
from jinjiecu.errors import ValidationError
from jinjiecu.reports.workflow_diagram import workflow_mermaid, workflow_svg

if TYPE_CHECKING:
    from collections.abc import Mapping

SVG = "{http://www.w3.org/2000/svg}"
EDGE = re.compile(r"^    (?P<source>\S+) --> (?P<target>\S+)(?: : (?P<label>.+))?$")
Triple = tuple[str, str, str]


def expected_triples(table: Mapping[Event, TransitionRule]) -> list[Triple]:
    """The table's edges, worked out here independently of the module under test."""
    triples = []
    for event, rule in table.items():
        for source in rule.sources:
            target = rule.target or source
            assert target is not None
            triples.append(("[*]" if source is None else source.value, event.value, target.value))
    return sorted(triples)


def mermaid_edges(source: str) -> tuple[list[Triple], set[str]]:
    """Parse the Mermaid transitions back: labelled edges, and the states ending in [*]."""
    edges: list[Triple] = []
    finals: set[str] = set()
    for line in source.splitlines():
        match = EDGE.match(line)
        if match is None:
            continue
        if match["target"] == "[*]":
            assert match["label"] is None
            finals.add(match["source"])
            continue
        label, value = match["label"].rsplit(" ", 1)
        event = Event(value)
        assert label == event.label
        edges.append((match["source"], event.value, match["target"]))
    return sorted(edges), finals


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG}svg"
    return root


def svg_texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def groups(root: ET.Element, attribute: str) -> dict[str, list[ET.Element]]:
    found: dict[str, list[ET.Element]] = {}
    for group in root.iter(f"{SVG}g"):
        if attribute in group.attrib:
            found.setdefault(group.attrib[attribute], []).append(group)
    return found


def without(event: Event) -> dict[Event, TransitionRule]:
    return {e: rule for e, rule in TRANSITIONS.items() if e is not event}


def with_extra_source(event: Event, source: ProblemState) -> dict[Event, TransitionRule]:
    table = dict(TRANSITIONS)
    rule = table[event]
    table[event] = TransitionRule(sources=rule.sources | {source}, target=rule.target)
    return table


# ---------------------------------------------------------------------- Mermaid


def test_mermaid_edges_are_exactly_the_tables() -> None:
    edges, _finals = mermaid_edges(workflow_mermaid())
    assert edges == expected_triples(TRANSITIONS)
    assert len(edges) == len(set(edges))


def test_mermaid_declares_every_state_with_label_and_value() -> None:
    lines = workflow_mermaid().splitlines()
    assert lines[0] == "stateDiagram-v2"
    for state in ProblemState:
        assert f'    state "{state.label} {state.value}" as {state.value}' in lines


def test_mermaid_starts_at_registered_and_ends_in_the_final_states() -> None:
    source = workflow_mermaid()
    edges, finals = mermaid_edges(source)
    assert [edge for edge in edges if edge[0] == "[*]"] == [("[*]", "register", "registered")]
    assert finals == {state.value for state in FINAL_STATES}
    assert "    class merged,rejected,withdrawn excluded" not in source  # declaration order
    assert "    class rejected,withdrawn,merged excluded" in source.splitlines()


def test_mermaid_lists_the_events_that_keep_the_state_as_loops() -> None:
    lines = workflow_mermaid().splitlines()
    for event, rule in TRANSITIONS.items():
        if rule.target is None:
            for state in rule.sources:
                assert state is not None
                loop = f"    {state.value} --> {state.value} : {event.label} {event.value}"
                assert loop in lines


def test_mermaid_follows_a_changed_table() -> None:
    original = workflow_mermaid()
    for table in (
        without(Event.MERGE_INTO),
        with_extra_source(Event.START, ProblemState.SUSPENDED),
    ):
        changed = workflow_mermaid(table)
        assert changed != original
        assert mermaid_edges(changed)[0] == expected_triples(table)
    assert "merged" not in workflow_mermaid(without(Event.MERGE_INTO))


def test_mermaid_is_the_same_for_an_equal_table_in_another_order() -> None:
    reordered = dict(reversed(list(TRANSITIONS.items())))
    assert workflow_mermaid(reordered) == workflow_mermaid()


def test_mermaid_escapes_its_syntax_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ProblemState.SUSPENDED, "label", 'a"b:c;d#e')
    monkeypatch.setattr(Event.SUSPEND, "label", "x:y")
    source = workflow_mermaid()
    assert 'state "a#quot;b#58;c#59;d#35;e suspended" as suspended' in source
    assert "in_progress --> suspended : x#58;y suspend" in source


# ---------------------------------------------------------------------- SVG


def test_svg_is_well_formed_and_sized() -> None:
    text = workflow_svg()
    root = parse_svg(text)
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    assert root.attrib["viewBox"] == f"0 0 {root.attrib['width']} {root.attrib['height']}"
    assert 300 < width < 1200
    assert 300 < height < 2000
    assert root.find(f"{SVG}title") is not None


def test_svg_shows_every_state_with_label_and_value() -> None:
    root = parse_svg(workflow_svg())
    states = groups(root, "data-state")
    assert set(states) == {state.value for state in ProblemState}
    for state in ProblemState:
        (group,) = states[state.value]
        assert [text.text for text in group.iter(f"{SVG}text")][:2] == [state.label, state.value]


def test_svg_draws_each_state_changing_event_once_per_target() -> None:
    root = parse_svg(workflow_svg())
    drawn = {
        (event, group.attrib["data-target"])
        for event, found in groups(root, "data-event").items()
        for group in found
    }
    expected = {
        (event.value, rule.target.value)
        for event, rule in TRANSITIONS.items()
        if rule.target is not None
    }
    assert drawn == expected
    for event, found in groups(root, "data-event").items():
        label = Event(event)
        for group in found:
            assert [t.text for t in group.iter(f"{SVG}text")] == [f"{label.label} {label.value}"]


def test_svg_lists_the_events_that_keep_the_state_inside_its_box() -> None:
    root = parse_svg(workflow_svg())
    states = groups(root, "data-state")
    for state in ProblemState:
        listed = [t.text for t in states[state.value][0].iter(f"{SVG}text")][2:]
        keeping = [
            f"↻ {event.label} {event.value}"
            for event, rule in TRANSITIONS.items()
            if rule.target is None and state in rule.sources
        ]
        assert listed == keeping


def test_svg_mentions_every_event() -> None:
    texts = "\n".join(svg_texts(parse_svg(workflow_svg())))
    for event in Event:
        assert f"{event.label} {event.value}" in texts


def test_svg_has_one_arrow_per_drawn_event_and_a_start() -> None:
    root = parse_svg(workflow_svg())
    arrows = [path for path in root.iter(f"{SVG}path") if "marker-end" in path.attrib]
    legend_arrows = 2  # forward and back, in the key
    assert len(arrows) == sum(len(found) for found in groups(root, "data-event").values()) + (
        legend_arrows
    )
    assert "data-start" in {key for group in root.iter(f"{SVG}g") for key in group.attrib}


def box(group: ET.Element) -> tuple[float, float, float, float]:
    rect = group.find(f"{SVG}rect")
    assert rect is not None
    x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
    return x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"])


def test_svg_boxes_do_not_overlap_and_stay_inside() -> None:
    root = parse_svg(workflow_svg())
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    boxes = [
        box(group)
        for attribute in ("data-state", "data-event")
        for found in groups(root, attribute).values()
        for group in found
    ]
    for i, (left, top, right, bottom) in enumerate(boxes):
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height
        for other_left, other_top, other_right, other_bottom in boxes[i + 1 :]:
            apart = (
                right <= other_left
                or other_right <= left
                or bottom <= other_top
                or other_bottom <= top
            )
            assert apart


def test_svg_puts_the_excluded_states_in_one_bottom_row() -> None:
    root = parse_svg(workflow_svg())
    states = groups(root, "data-state")
    tops = {state: box(states[state.value][0])[1] for state in ProblemState}
    excluded = {tops[state] for state in EXCLUDED_STATES}
    assert len(excluded) == 1
    assert all(
        tops[state] < min(excluded) for state in ProblemState if state not in EXCLUDED_STATES
    )
    assert tops[ProblemState.REGISTERED] == min(tops.values())


def test_svg_is_deterministic() -> None:
    assert workflow_svg() == workflow_svg()
    reordered = dict(reversed(list(TRANSITIONS.items())))
    assert workflow_svg(reordered) == workflow_svg()


def test_svg_follows_a_changed_table() -> None:
    original = workflow_svg()
    removed = workflow_svg(without(Event.MERGE_INTO))
    assert removed != original
    assert "合并 merge_into" not in removed
    assert "merged" not in groups(parse_svg(removed), "data-state")
    added = workflow_svg(with_extra_source(Event.START, ProblemState.SUSPENDED))
    assert added != original
    parse_svg(added)


def test_svg_escapes_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ProblemState.SUSPENDED, "label", "<暂缓 & co>")
    monkeypatch.setattr(Event.ESCALATE, "label", '"提级"')
    text = workflow_svg()
    assert "&lt;暂缓 &amp; co&gt;" in text
    assert "<暂缓" not in text
    texts = svg_texts(parse_svg(text))
    assert "<暂缓 & co>" in texts
    assert '↻ "提级" escalate' in texts


def test_svg_ids_use_the_prefix() -> None:
    text = workflow_svg(id_prefix="wf-2")
    ids = re.findall(r' id="([^"]+)"', text)
    assert ids
    assert all(identifier.startswith("wf-2-") for identifier in ids)
    assert "url(#workflow-" not in text


@pytest.mark.parametrize("prefix", ["", "1abc", "a b", 'a"b', "a" * 65])
def test_svg_refuses_a_bad_id_prefix(prefix: str) -> None:
    with pytest.raises(ValidationError, match="id_prefix"):
        workflow_svg(id_prefix=prefix)


def test_svg_final_and_excluded_states_can_be_chosen() -> None:
    plain = workflow_svg(final_states=frozenset(), excluded_states=frozenset())
    root = parse_svg(plain)
    for found in groups(root, "data-state").values():
        assert len(found[0].findall(f"{SVG}rect")) == 1  # no double border
    assert "excluded from the counts" not in plain
    assert 'stroke-dasharray="5 3"' not in plain


@st.composite
def variant_tables(draw: st.DrawFn) -> dict[Event, TransitionRule]:
    """The real table with rows dropped, sources dropped or added, and targets changed."""
    states: list[ProblemState | None] = [None, *ProblemState]
    table: dict[Event, TransitionRule] = {}
    for event, rule in TRANSITIONS.items():
        if draw(st.booleans()) and draw(st.booleans()):
            continue  # about a quarter of the rows go
        sources = set(rule.sources)
        if draw(st.booleans()):
            sources.discard(draw(st.sampled_from(sorted(sources, key=str))))
        if draw(st.booleans()):
            sources.add(draw(st.sampled_from(states)))
        target = rule.target
        if draw(st.integers(0, 4)) == 0:
            target = draw(st.sampled_from(states))
        if sources:
            table[event] = TransitionRule(sources=frozenset(sources), target=target)
    return table


@given(variant_tables())
def test_any_table_draws_consistently(table: dict[Event, TransitionRule]) -> None:
    edges, finals = mermaid_edges(workflow_mermaid(table))
    expected = [triple for triple in expected_triples_or_none(table) if triple is not None]
    assert edges == sorted(expected)
    mentioned = {s for triple in expected for s in (triple[0], triple[2]) if s != "[*]"}
    assert finals == {state.value for state in FINAL_STATES} & mentioned

    text = workflow_svg(table)
    assert text == workflow_svg(table)
    root = parse_svg(text)
    assert set(groups(root, "data-state")) == mentioned
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    boxes = [
        box(group)
        for attribute in ("data-state", "data-event")
        for found in groups(root, attribute).values()
        for group in found
    ]
    for i, (left, top, right, bottom) in enumerate(boxes):
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height
        for other in boxes[i + 1 :]:
            assert right <= other[0] or other[2] <= left or bottom <= other[1] or other[3] <= top


def expected_triples_or_none(table: Mapping[Event, TransitionRule]) -> list[Triple | None]:
    """Like expected_triples, for any table: "keep the state" from nothing draws nothing."""
    triples: list[Triple | None] = []
    for event, rule in table.items():
        for source in rule.sources:
            target = rule.target or source
            if target is None:
                triples.append(None)
            else:
                start = "[*]" if source is None else source.value
                triples.append((start, event.value, target.value))
    return triples
