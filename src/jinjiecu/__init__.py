"""jinjiecu: typed records, workflow and figures for enterprise-assistance campaigns.

进企业、解难题、促发展 (进解促): leaders and departments, organised in work
groups, visit enterprises and key projects, register every problem an
enterprise raises, route it, track it to resolution under working-day
deadlines, follow it up and count it.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
