"""A Sphinx directive that lists the public API, ``jinjiecu.__all__``, from the code.

``public-api`` renders one table per topic: each name an app imports from
``jinjiecu``, what it is (the first line of its docstring) and a link to its
full entry. The page cannot fall behind the package: a name added to
``jinjiecu.__all__`` appears here, and a name without a full entry fails the
build (the docs are built with ``-n -W``).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from typing import TYPE_CHECKING, Any

from docutils import nodes  # type: ignore[import-untyped]
from sphinx import addnodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

import jinjiecu

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["PublicApi", "api_rows", "constant_doc", "setup"]


def constant_doc(name: str, value: object) -> tuple[str, str] | None:
    """The module that documents a constant, and its documentation (the string under it)."""
    for module_name in sorted(sys.modules):
        module = sys.modules[module_name]
        if not module_name.startswith("jinjiecu.") or getattr(module, name, None) is not value:
            continue
        docs = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", name))
        if docs and "".join(docs).strip():
            return module_name, " ".join(line.strip() for line in docs).strip()
    return None


def _wrapped(value: object) -> Any:
    """The function a ``functools.lru_cache`` wrapper keeps, or None."""
    wrapped = getattr(value, "__wrapped__", None)
    return wrapped if inspect.isfunction(wrapped) else None


def _row(module: str, name: str, value: Any) -> tuple[str, str]:
    """Where the name's full entry is, and the first line of its documentation.

    A class or function is documented where it is defined, unless that module
    is private; a constant where it is assigned with its docstring.
    """
    routine = _wrapped(value) or value
    if inspect.isclass(routine) or inspect.isfunction(routine):
        if any(part.startswith("_") for part in routine.__module__.split(".")):
            target = f"{_exporting_module(name, value, module)}.{name}"
        else:
            target = f"{routine.__module__}.{routine.__qualname__}"
        doc = (inspect.getdoc(value) or "").strip()
    else:
        documented = constant_doc(name, value)
        target = f"{documented[0] if documented else module}.{name}"
        doc = documented[1] if documented else ""
    return target, doc.splitlines()[0] if doc else ""


def _exporting_module(name: str, value: object, default: str) -> str:
    """The public module a private module's name is documented in: the deepest that exports it.

    ``Query`` is defined in ``jinjiecu.storage._kinds`` and listed in the
    ``__all__`` of both ``jinjiecu.storage`` and ``jinjiecu.storage.base``;
    the reference documents it with the module it belongs to, the deeper one.
    """
    exporting = [
        module_name
        for module_name, module in list(sys.modules.items())
        if module_name.startswith("jinjiecu.")
        and not any(part.startswith("_") for part in module_name.split("."))
        and name in getattr(module, "__all__", ())
        and getattr(module, name, None) is value
    ]
    return max(exporting, key=lambda m: (m.count("."), m), default=default)


def api_rows() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Per topic (the internal module, by its docstring), the names with target and summary."""
    topics = []
    for module, names in jinjiecu._EXPORTS.items():
        loaded = importlib.import_module(module)
        title = (inspect.getdoc(loaded) or module).splitlines()[0].rstrip(".")
        rows = []
        for name in names:
            value = getattr(jinjiecu, name)
            rows.append((name, *_row(module, name, value)))
        topics.append((f"{title} ({module})", rows))
    return topics


class PublicApi(SphinxDirective):
    """The ``public-api`` directive: a table per topic, every public name once."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build a rubric and a two-column table per topic."""
        self.env.note_dependency(jinjiecu.__file__)
        built: list[nodes.Node] = []
        for title, rows in api_rows():
            built.append(nodes.rubric(text=title))
            table = nodes.table(classes=["public-api"])
            group = nodes.tgroup(cols=2)
            table += group
            group += nodes.colspec(colwidth=30)
            group += nodes.colspec(colwidth=70)
            body = nodes.tbody()
            group += body
            for name, target, summary in rows:
                link = addnodes.pending_xref(
                    "", refdomain="py", reftype="obj", reftarget=target, refexplicit=True
                )
                link += nodes.literal(text=name)
                row = nodes.row()
                row += nodes.entry("", nodes.paragraph("", "", link))
                row += nodes.entry("", nodes.paragraph(text=_plain(summary)))
                body += row
            built.append(table)
        return built


def _plain(text: str) -> str:
    """A docstring line without its markup: ``:class:`~a.B``` reads ``B``."""
    text = re.sub(r":\w+:`~?(?:[^`<]*<)?([^`>]+)>?`", lambda m: m.group(1).rsplit(".", 1)[-1], text)
    return text.replace("``", "")


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the directive."""
    app.add_directive("public-api", PublicApi)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
