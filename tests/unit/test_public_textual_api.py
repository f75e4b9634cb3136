"""hcpdash uses Textual's public API only, so it keeps working across Textual releases.

Checked on the source: no import from a private Textual module or of a private name,
and, in every module that imports Textual, no ``._name`` attribute that hcpdash does not
define itself (which is what reaching into a Textual or Rich object looks like).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import hcpdash

SOURCE = Path(hcpdash.__file__).resolve().parent
UI_LIBRARIES = ("textual", "rich")


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def library(module: str | None) -> str | None:
    root = (module or "").split(".")[0]
    return root if root in UI_LIBRARIES else None


def own_private_names() -> set[str]:
    """Private names hcpdash defines: methods, class attributes, ``self._x = ...``, parameters."""
    names: set[str] = set()
    for _, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return {name for name in names if is_private(name)}


def imports_ui_library(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and library(node.module):
            return True
        if isinstance(node, ast.Import) and any(library(alias.name) for alias in node.names):
            return True
    return False


def private_uses(path: Path, tree: ast.Module, own: set[str]) -> Iterator[str]:
    where = path.relative_to(SOURCE.parent)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and library(node.module):
            module = node.module or ""
            if any(is_private(part) for part in module.split(".")):
                yield f"{where}:{node.lineno}: imports from private module {module}"
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{where}:{node.lineno}: imports private name {module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if library(alias.name) and any(is_private(part) for part in alias.name.split(".")):
                    yield f"{where}:{node.lineno}: imports private module {alias.name}"
        elif isinstance(node, ast.Attribute) and is_private(node.attr) and node.attr not in own:
            yield f"{where}:{node.lineno}: uses ._{node.attr.lstrip('_')}, which hcpdash does not define"


def test_hcpdash_uses_no_private_textual_or_rich_names() -> None:
    own = own_private_names()
    found = [use for path, tree in modules() if imports_ui_library(tree) for use in private_uses(path, tree, own)]
    assert not found, "private Textual/Rich names used:\n" + "\n".join(found)


def test_the_check_catches_a_private_attribute_and_a_private_module() -> None:
    tree = ast.parse("from textual.widgets._data_table import RowKey\nfrom textual import _wait\n"
                     "def f(table):\n    return table._y_offsets\n")
    found = list(private_uses(SOURCE / "example.py", tree, own_private_names()))
    assert len(found) == 3, found
