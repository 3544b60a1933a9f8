"""A Sphinx directive that prints the metrics definitions table from the code.

``metrics-definitions`` renders :data:`jinjiecu.metrics.definitions.DEFINITIONS`
as a table (code, Chinese and English name, formula, notes), so the written
definitions in the docs are the ones results name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes  # type: ignore[import-untyped]
from sphinx.util.docutils import SphinxDirective

from jinjiecu.metrics import definitions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["MetricsDefinitions", "setup"]

_HEADERS = ("code", "名称 / name", "formula", "notes")
_WIDTHS = (12, 14, 44, 30)


class MetricsDefinitions(SphinxDirective):
    """The ``metrics-definitions`` directive: one row per definition."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build the table."""
        self.env.note_dependency(definitions.__file__)
        table = nodes.table(classes=["metrics-definitions"])
        group = nodes.tgroup(cols=len(_HEADERS))
        table += group
        for width in _WIDTHS:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += _row(_HEADERS)
        body = nodes.tbody()
        group += body
        for item in definitions.DEFINITIONS.values():
            body += _row((item.code, f"{item.label} / {item.label_en}", item.formula, item.notes))
        return [table]


def _row(cells: tuple[str, ...]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the directive."""
    app.add_directive("metrics-definitions", MetricsDefinitions)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
