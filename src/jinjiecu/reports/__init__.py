"""Reports: what the library shows people, made from the records.

Every report is computed from the domain's records and the metrics, so it
cannot drift from them; nothing here changes a record except the ledger
import, which goes through the store like any other write.

- :mod:`jinjiecu.reports.ledger`: the office's Excel ledger (工作台账) in and
  out, as xlsx or CSV, all or nothing.
- :mod:`jinjiecu.reports.briefing`: the written briefing (通报) as of a date,
  in Chinese or English, with templates a user can override.
- :mod:`jinjiecu.reports.charts`: progress, resolution rates and overdue
  problems as PNG or SVG (the ``charts`` extra).
- :mod:`jinjiecu.reports.html`: one self-contained HTML report joining the
  briefing, its tables and its charts.
- :mod:`jinjiecu.reports.workflow_diagram`: the problem workflow as a Mermaid
  state diagram and as a self-contained SVG, drawn from the transition table.

Modules that need optional heavy dependencies (openpyxl, matplotlib) import
them lazily, so ``import jinjiecu.reports`` stays light.
"""

from __future__ import annotations

__all__: list[str] = []
