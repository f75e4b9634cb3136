"""A command whose standard output is closed (``| head -1``) ends quietly with its usual status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "hcpdash" / "config" / "example.yaml"


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m hcpdash ARGS`` with stdout a pipe whose reading end is already closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "hcpdash", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    finally:
        os.close(write_end)


def test_config_show_into_a_closed_pipe_exits_0_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    shutil.copy(EXAMPLE, config)
    config.chmod(0o600)
    done = run_into_closed_pipe("--config", str(config), "config", "show")
    assert done.stderr == ""
    assert done.returncode == 0


def test_a_usage_error_keeps_its_status_when_stdout_is_closed(tmp_path: Path) -> None:
    done = run_into_closed_pipe("--config", str(tmp_path / "absent.yaml"), "nodes")
    assert "Traceback" not in done.stderr and "file not found" in done.stderr
    assert done.returncode == 2
