"""The core stays free of the UI, so `hcpdash check` starts fast and the client is reusable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import importlib, pkgutil, sys
import hcpdash.{package} as package
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
print(" ".join(sorted(m for m in ("textual", "rich") if m in sys.modules)))
"""


@pytest.mark.parametrize("package", ["hcp", "monitor", "exporter", "config", "redact", "logs"])
def test_core_modules_import_no_ui_library(package: str) -> None:
    code = PROBE.format(package=package) if package in ("hcp", "monitor", "exporter") else (
        f"import sys, hcpdash.{package}\nprint(' '.join(sorted(m for m in ('textual', 'rich') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_cli_parsing_imports_no_ui_library() -> None:
    code = ("import sys\nfrom hcpdash.cli import build_parser\nbuild_parser().parse_args(['check', '--json'])\n"
            "print(' '.join(sorted(m for m in ('textual', 'rich') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# Library internals hcpdash must not reach into, so its dependency pins can follow upstream.
PRIVATE_USE = re.compile(r"\b(?:httpx|httpcore|textual|rich|anyio)\._\w|\._stream\b|\bsys\.modules\s*\[")


def test_no_private_library_api_and_no_module_patching() -> None:
    package = Path(__file__).parents[2] / "hcpdash"
    found = [f"{path.relative_to(package.parent)}:{number}: {line.strip()}"
             for path in sorted(package.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PRIVATE_USE.search(line)]
    assert found == []
