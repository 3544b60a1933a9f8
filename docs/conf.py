"""Sphinx configuration for the jinjiecu documentation."""

from __future__ import annotations

import sys
from pathlib import Path

import jinjiecu

# Local extensions (workflow diagrams, the metrics definitions table) live in docs/_ext.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "jinjiecu"
author = "jinjiecu developers"
copyright = "2026, jinjiecu developers"
release = jinjiecu.__version__
version = ".".join(release.split(".")[:2])
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "workflow_diagram_directive",
    "metrics_definitions_directive",
    "public_api_directive",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "jinjiecu 进解促"

autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True  # show DEFAULT_RULES, not its long repr
autodoc_class_signature = "separated"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True  # attrs fields are documented once, by autodoc

# Every cross-reference must resolve. The network is not available to fetch
# other projects' inventories, so references to the standard library and to
# third-party types are listed here instead of being linked.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(datetime|decimal|enum|typing|collections|zoneinfo|pathlib|abc|os|contextlib)\..*",
    ),
    (r"py:.*", r"(attrs|attr|cattrs|hypothesis|psycopg|psycopg_pool|sqlite3|openpyxl)\..*"),
    (
        r"py:.*",
        r"(Decimal|date|datetime|Self|Enum|Iterable|Iterator|Sequence|Mapping|Callable|Any|TypeVar|SearchStrategy|DrawFn|Converter|ZoneInfo|Path|Attribute)",
    ),
    (r"py:.*", r"(T|IdT|Validator|_\w+|jinjiecu\.\w+(\.\w+)*\.(T|IdT|_E|K|R|I|F))"),
    (r"py:.*", r"dt\.\w+"),  # the library's own alias for datetime in annotations
    (r"py:.*", r"st\.\w+"),  # hypothesis.strategies, as the testing kit imports it
    (r"py:.*", r"pd\.\w+"),  # pandas, imported only on use
    (r"py:class", r"Dimension"),  # jinjiecu.metrics.dimensions.Dimension, in annotations
    (r"py:class", r"(Names|Tally)"),  # what a metrics engine is given and returns, in annotations
    (r"py:class", r"Runner"),  # jinjiecu.storage.base.Runner, a type alias, in annotations
    (
        r"py:class",
        r"(str|int|bool|object|type|tuple|list|dict|frozenset|set|range|bytes|float|Exception|ValueError)",
    ),
]

# Docstring examples are written against their module's namespace (pytest runs
# them that way); give the Sphinx doctest builder the same public names.
_DOCTEST_MODULES = [
    "jinjiecu.errors",
    "jinjiecu.domain.ids",
    "jinjiecu.domain.labels",
    "jinjiecu.domain.money",
    "jinjiecu.domain.codes",
    "jinjiecu.domain.divisions",
    "jinjiecu.domain.calendar",
    "jinjiecu.domain.clock",
    "jinjiecu.domain.org",
    "jinjiecu.domain.campaign",
    "jinjiecu.domain.enterprise",
    "jinjiecu.domain.visit",
    "jinjiecu.domain.workflow",
    "jinjiecu.domain.taxonomy",
    "jinjiecu.domain.events",
    "jinjiecu.domain.problem",
    "jinjiecu.domain.finance",
    "jinjiecu.domain.guarantees",
    "jinjiecu.domain.personal",
    "jinjiecu.domain.validation",
    "jinjiecu.serialization",
    "jinjiecu.metrics",
    "jinjiecu.metrics.definitions",
    "jinjiecu.metrics.dimensions",
    "jinjiecu.metrics.results",
    "jinjiecu.sample",
    "jinjiecu.reports.workflow_diagram",
    "jinjiecu.reports.ledger",
    "jinjiecu.reports.vocabulary",
    "jinjiecu.reports.finance_ledger",
    "jinjiecu.reports.briefing",
    "jinjiecu.storage",
    "jinjiecu.storage.base",
    "jinjiecu.storage.memory",
    "jinjiecu.storage.sqlite",
    "jinjiecu.storage.integrity",
    "jinjiecu.domain.policy",
]
doctest_global_setup = (
    "import datetime as dt\nfrom decimal import Decimal\n\nimport attrs\n"
    + "".join(f"from {module} import *\n" for module in _DOCTEST_MODULES)
)
