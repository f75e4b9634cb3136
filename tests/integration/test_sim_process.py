"""The simulator as a child process (``hcpdash demo``, ``hcpdash bench``): ready when its
config appears, gone when its parent leaves or dies, and a failed start said in one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

from hcpdash.demo import run_demo
from hcpdash.sim import SimOptions
from hcpdash.sim.process import simulator_process

SMALL = SimOptions(systems=1, nodes=2, tenants=1, namespaces=1, links=0)


def state(control_url: str) -> dict:
    with urllib.request.urlopen(f"{control_url}/state", timeout=5) as answer:  # noqa: S310 - loopback
        return json.load(answer)


def stops_serving(control_url: str, within_s: float = 15.0) -> bool:
    """Whether the control API refuses connections within ``within_s`` (checked every 50 ms)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state(control_url)
        except (urllib.error.URLError, ConnectionError):
            return True
        time.sleep(0.05)
    return False


def test_child_serves_while_held_and_stops_on_leaving() -> None:
    with simulator_process(SMALL) as path:
        assert path.stat().st_mode & 0o077 == 0
        config = yaml.safe_load(path.read_text())
        control = config["simulator"]["control_url"]
        assert control.startswith("http://127.")
        assert [s["name"] for s in state(control)["systems"]] == ["hcp1"]
    assert stops_serving(control)


def test_child_stops_when_its_parent_is_killed(tmp_path) -> None:
    """A dashboard killed outright (SIGKILL runs no cleanup) leaves no simulator behind."""
    holder = tmp_path / "holder.py"
    holder.write_text(
        "import sys, time\n"
        "from hcpdash.sim import SimOptions\n"
        "from hcpdash.sim.process import simulator_process\n"
        "with simulator_process(SimOptions(systems=1, nodes=1, tenants=0, namespaces=0, links=0)) as path:\n"
        "    print(path.read_text(), flush=True)\n"
        "    print('---', flush=True)\n"
        "    time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, str(holder)], stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        assert parent.stdout is not None
        for line in parent.stdout:
            if line.strip() == "---":
                break
            lines.append(line)
        control = yaml.safe_load("".join(lines))["simulator"]["control_url"]
        assert state(control)["systems"]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert stops_serving(control)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_demo_says_in_one_line_why_its_simulator_did_not_start(capsys) -> None:
    code = run_demo(False, None, SimOptions(nodes=0))
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        "hcpdash demo: the simulator did not start: --nodes must be between 1 and 200 (got 0)"]
