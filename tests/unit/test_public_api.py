"""The public API: ``jinjiecu.__all__``, imported lazily, each name documented and typed."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import jinjiecu

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs"))
from _ext.public_api_directive import api_rows, constant_doc  # noqa: E402 - the docs' own listing

PUBLIC = [name for name in jinjiecu.__all__ if name != "__version__"]


def _type_checking_imports() -> set[tuple[str, str]]:
    tree = ast.parse((ROOT / "src" / "jinjiecu" / "__init__.py").read_text(encoding="utf-8"))
    found: set[tuple[str, str]] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                for alias in statement.names:
                    assert alias.asname == alias.name, f"{alias.name} is re-exported as itself"
                    found.add((str(statement.module), alias.name))
    return found


def test_the_type_checkers_imports_and_the_run_time_table_list_the_same_names() -> None:
    table = {(module, name) for module, names in jinjiecu._EXPORTS.items() for name in names}
    assert _type_checking_imports() == table
    assert len(table) == len(PUBLIC)


def test_all_is_sorted_without_duplicates_and_every_name_resolves_to_its_module() -> None:
    assert sorted(set(PUBLIC)) == PUBLIC
    for module, names in jinjiecu._EXPORTS.items():
        for name in names:
            assert getattr(jinjiecu, name) is getattr(importlib.import_module(module), name)
    assert set(PUBLIC) <= set(dir(jinjiecu))


def test_import_jinjiecu_loads_no_submodule_until_a_name_is_used() -> None:
    code = (
        "import sys, jinjiecu\n"
        "print(sorted(m for m in sys.modules if m.startswith('jinjiecu')))\n"
        "jinjiecu.Money\n"
        "print('jinjiecu.domain.money' in sys.modules, 'jinjiecu.storage' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == ["['jinjiecu']", "True False"]


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="module 'jinjiecu' has no attribute 'Problme'"):
        _ = jinjiecu.Problme  # type: ignore[attr-defined]  # the misspelling is the test
    with pytest.raises(ImportError):
        exec("from jinjiecu import Problme", {})  # noqa: S102 - the import statement itself


def _own_doc(value: object) -> str:
    if inspect.isclass(value):
        return str(vars(value).get("__doc__") or "")
    return str(getattr(value, "__doc__", "") or "")


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_documented(name: str) -> None:
    value = getattr(jinjiecu, name)
    if inspect.isclass(value) or inspect.isfunction(getattr(value, "__wrapped__", value)):
        assert _own_doc(value).strip(), f"{name} has no docstring of its own"
    else:
        assert constant_doc(name, value), f"{name} has no docstring under its assignment"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_function_and_method_is_annotated(name: str) -> None:
    value = getattr(jinjiecu, name)
    routines = []
    if inspect.isclass(value):
        if attrs.has(value):
            for field in attrs.fields(value):
                assert field.type is not None, f"{name}.{field.name} has no type"
        routines = [
            member
            for member_name, member in vars(value).items()
            if inspect.isfunction(member) and not member_name.startswith("_")
        ]
    elif inspect.isfunction(getattr(value, "__wrapped__", value)):
        routines = [getattr(value, "__wrapped__", value)]
    for routine in routines:
        hints = routine.__annotations__
        parameters = [p for p in inspect.signature(routine).parameters if p not in {"self", "cls"}]
        missing = [p for p in parameters if p not in hints]
        assert not missing, f"{name}: {routine.__qualname__} lacks annotations for {missing}"
        assert "return" in hints, f"{name}: {routine.__qualname__} has no return annotation"


def test_the_reference_page_lists_every_public_name_once_with_a_summary() -> None:
    listed = [row for _, rows in api_rows() for row in rows]
    assert sorted(name for name, _, _ in listed) == PUBLIC
    assert all(summary for _, _, summary in listed), [n for n, _, s in listed if not s]
    page = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    assert "```{public-api}" in page
