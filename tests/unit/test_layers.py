"""The core stays free of the UI, so `hcpdash check` starts fast and the client is reusable."""

from __future__ import annotations

import subprocess
import sys

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

