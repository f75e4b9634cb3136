"""hcpdash uses its libraries' public APIs only, so their pins can follow upstream.

Checked on the source: no import from a private Textual, Rich, httpx or httpcore module
or of a private name; in every module that imports one of them, no ``._name`` attribute
that hcpdash does not define itself (which is what reaching into their objects looks
like); and no patching of ``sys.modules``, which changes how a library imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import hcpdash

SOURCE = Path(hcpdash.__file__).resolve().parent
LIBRARIES = ("textual", "rich", "httpx", "httpcore", "h11", "anyio")


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def library(module: str | None) -> str | None:
    root = (module or "").split(".")[0]
    return root if root in LIBRARIES else None


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


def imports_library(tree: ast.Module) -> bool:
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


def module_patches(path: Path, tree: ast.Module) -> Iterator[str]:
    """Reads and writes of ``sys.modules[...]`` (a lookup of ``sys.modules`` alone is fine)."""
    where = path.relative_to(SOURCE.parent)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "modules" and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "sys" and isinstance(node.ctx, (ast.Store, ast.Del))):
            yield f"{where}:{node.lineno}: patches sys.modules"


def test_hcpdash_uses_no_private_library_names() -> None:
    own = own_private_names()
    found = [use for path, tree in modules() if imports_library(tree) for use in private_uses(path, tree, own)]
    assert not found, "private library names used:\n" + "\n".join(found)


def test_hcpdash_does_not_patch_sys_modules() -> None:
    found = [patch for path, tree in modules() for patch in module_patches(path, tree)]
    assert not found, "\n".join(found)


def test_the_check_catches_a_private_attribute_and_a_private_module() -> None:
    tree = ast.parse("from textual.widgets._data_table import RowKey\nfrom textual import _wait\n"
                     "def f(table):\n    return table._y_offsets\n")
    found = list(private_uses(SOURCE / "example.py", tree, own_private_names()))
    assert len(found) == 3, found


def test_the_check_catches_private_network_modules_and_a_sys_modules_patch() -> None:
    tree = ast.parse("import httpcore._utils\nfrom httpx._decoders import GZipDecoder\nimport sys\n"
                     "sys.modules['sniffio'] = None\n")
    found = list(private_uses(SOURCE / "example.py", tree, own_private_names()))
    found += module_patches(SOURCE / "example.py", tree)
    assert len(found) == 3, found
