"""Sphinx directives that draw the problem workflow from its transition table.

``conf.py`` puts this folder on ``sys.path`` and loads the extension. The
directives read :data:`jinjiecu.domain.workflow.TRANSITIONS` at build time, so
the pages that use them cannot drift from the rules the domain enforces:

``workflow-diagram``
    The SVG drawn by :func:`jinjiecu.reports.workflow_diagram.workflow_svg`,
    inline in HTML, and the Mermaid source in a collapsible block (a plain
    literal block for builders other than HTML). Option ``:id-prefix:`` sets
    the SVG's id prefix (default ``workflow``).
``workflow-states``
    A table of the states: label, value, kind, and the events allowed in it.
``workflow-events``
    A table of the events: label, value, where each may happen, where it
    leads, and the class of its data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes  # type: ignore[import-untyped]
from docutils.parsers.rst import directives  # type: ignore[import-untyped]
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from jinjiecu.domain import events as events_module, workflow
from jinjiecu.reports import workflow_diagram

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["WorkflowDiagram", "WorkflowEvents", "WorkflowStates", "setup"]

_SOURCES = (workflow.__file__, events_module.__file__, workflow_diagram.__file__)
"""Pages using the directives are rebuilt when these modules change."""


class _WorkflowDirective(SphinxDirective):
    """Shared by the directives: note the modules the output depends on."""

    def note_sources(self) -> None:
        for path in _SOURCES:
            self.env.note_dependency(path)


class WorkflowDiagram(_WorkflowDirective):
    """Insert the workflow diagram (SVG) and its Mermaid source."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "id-prefix": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        """Build the diagram's nodes."""
        self.note_sources()
        prefix = self.options.get("id-prefix", "workflow")
        svg = workflow_diagram.workflow_svg(id_prefix=prefix)
        mermaid = workflow_diagram.workflow_mermaid()
        picture = nodes.raw(
            "",
            f'<div class="workflow-diagram" style="margin:1em 0;overflow-x:auto">\n{svg}</div>\n',
            format="html",
        )
        opening = nodes.raw(
            "",
            "<details><summary>Mermaid source, generated from the same table</summary>\n",
            format="html",
        )
        source = nodes.literal_block(mermaid, mermaid, language="text")
        self.set_source_info(source)
        closing = nodes.raw("", "</details>\n", format="html")
        return [picture, opening, source, closing]


def _paragraph(cell: object) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    if isinstance(cell, str):
        paragraph += nodes.Text(cell)
    elif isinstance(cell, list | tuple):
        for item in cell:
            paragraph += item
    else:
        paragraph += cell
    return paragraph


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> nodes.table:
    """A plain docutils table with a header row."""
    table = nodes.table(classes=["workflow-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for section, lines in ((head, [headers]), (body, rows)):
        for line in lines:
            row = nodes.row()
            for cell in line:
                entry = nodes.entry()
                entry += _paragraph(cell)
                row += entry
            section.append(row)
    return table


def _code(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _named(member: workflow.ProblemState | workflow.Event) -> list[nodes.Node]:
    """The label, then the value as code: 正在办理 ``in_progress``."""
    return [nodes.Text(f"{member.label} "), _code(member.value)]


def _states_list(states: Sequence[workflow.ProblemState | None]) -> list[nodes.Node]:
    cells: list[nodes.Node] = []
    for index, state in enumerate(states):
        if index:
            cells.append(nodes.Text("、"))
        cells.append(nodes.Text("（尚无 none yet）") if state is None else nodes.Text(state.label))
    return cells


def _state_kind(state: workflow.ProblemState) -> str:
    if state in workflow.EXCLUDED_STATES:
        return "终态，不计入办结 final, excluded from the counts"
    if state in workflow.FINAL_STATES:
        return "终态 final"
    kind = "办理中 active" if state in workflow.ACTIVE_STATES else "待回访办结 awaiting closing"
    if state is workflow.INITIAL_STATE:
        kind = f"初始 initial; {kind}"
    return kind


class WorkflowStates(_WorkflowDirective):
    """A table of the workflow's states, from the transition table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build the table."""
        self.note_sources()
        rows = []
        for state in workflow.ProblemState:
            allowed: list[nodes.Node] = []
            for index, event in enumerate(workflow.events_from(state)):
                if index:
                    allowed.append(nodes.Text(", "))
                allowed.append(_code(event.value))
            rows.append([_named(state), _state_kind(state), allowed or "—"])
        return [_table(["状态 State", "类型 Kind", "可发生的事件 Events allowed"], rows)]


class WorkflowEvents(_WorkflowDirective):
    """A table of the workflow's events, from the transition table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build the table."""
        self.note_sources()
        order = {state: index for index, state in enumerate(workflow.ProblemState)}
        rows = []
        for event, rule in workflow.TRANSITIONS.items():
            sources = sorted(rule.sources, key=lambda s: -1 if s is None else order[s])
            target = "不变 keeps the state" if rule.target is None else rule.target.label
            data_class = events_module.EVENT_DATA[event]
            name = f"{data_class.__module__}.{data_class.__qualname__}"
            reference = addnodes.pending_xref(
                "",
                _code(data_class.__name__),
                refdomain="py",
                reftype="class",
                reftarget=name,
                refexplicit=True,
                refwarn=True,
            )
            rows.append([_named(event), _states_list(sources), target, [reference]])
        headers = ["事件 Event", "从 From", "到 To", "数据 Data"]
        return [_table(headers, rows)]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the directives."""
    app.add_directive("workflow-diagram", WorkflowDiagram)
    app.add_directive("workflow-states", WorkflowStates)
    app.add_directive("workflow-events", WorkflowEvents)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
