"""Reports: what the library shows people, made from the records.

Briefing text (the figures an office sends upwards), ledgers (工作台账, in and
out of spreadsheets), charts and diagrams live here. Every report is computed
from the domain's records and tables, so it cannot drift from them.

So far:

- :mod:`jinjiecu.reports.workflow_diagram`: the problem workflow as a Mermaid
  state diagram and as a self-contained SVG, drawn from the transition table.

Briefings, ledgers and charts come later. Modules that need optional heavy
dependencies import them lazily, so ``import jinjiecu.reports`` stays light.
"""

from __future__ import annotations

__all__: list[str] = []
