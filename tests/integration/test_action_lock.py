"""One action per link at a time across processes: a second one is refused locally, naming
the first; a lock left by a dead process is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hcpdash.cli import main
from hcpdash.sim import SimulatorThread

AA = "hcp1-hcp2-aa"


def posts(sim: SimulatorThread) -> list[dict]:
    return [post for system in sim.control("GET", "/state")["systems"] for post in system["posts"]]


def hcpdash(config: Path, state: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "hcpdash", "--config", str(config), *args],
                            env={**os.environ, "HCPDASH_STATE_DIR": str(state)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def lock_holder(state: Path) -> dict:
    for path in (state / "locks").glob("*.lock") if (state / "locks").is_dir() else ():
        text = path.read_text()
        if text:
            return json.loads(text)
    return {}


def test_two_concurrent_resumes_send_exactly_one_post(make_sim, tmp_path: Path) -> None:
    sim = make_sim()
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    state = tmp_path / "state"
    first = hcpdash(config, state, "link", "suspend", AA, "--system", "hcp1", "--yes")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    for node in sim.systems[0].addresses:
        sim.control("POST", f"/nodes/hcp1/{node}", {"latency_ms": 700})

    one = hcpdash(config, state, "link", "resume", AA, "--system", "hcp1", "--yes")
    wait_for(lambda: lock_holder(state).get("pid") == one.pid)
    two = hcpdash(config, state, "link", "resume", AA, "--system", "hcp1", "--yes")
    out_two, err_two = two.communicate(timeout=120)
    out_one, err_one = one.communicate(timeout=120)

    assert one.returncode == 0, err_one
    assert "ok: HCP accepted resume" in out_one
    assert two.returncode == 1
    [refusal] = [line for line in err_two.splitlines() if "under way" in line]
    assert f"pid {one.pid} (hcpdash --config {config} link resume {AA} " in refusal
    assert "since 20" in refusal and "nothing was sent" in refusal
    assert [p["query"] for p in posts(sim)] == [{"suspend": ""}, {"resume": ""}]


def test_a_lock_left_by_a_killed_process_is_taken_over(make_sim, tmp_path: Path, capsys,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sim = make_sim()
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    state = tmp_path / "state"
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(state))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from pathlib import Path\nfrom hcpdash.monitor.locks import ActionLocks\n"
         f"with ActionLocks(Path(sys.argv[1])).hold('hcp1', {AA!r}):\n"
         "    print('held', flush=True)\n    time.sleep(120)\n", str(state / "locks")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)

    code = main(["--config", str(config), "link", "suspend", AA, "--system", "hcp1", "--yes"])
    _, err = capsys.readouterr()

    assert code == 0, err
    assert f"taking over the lock left by pid {holder.pid}" in err and "no longer running" in err
    assert [p["query"] for p in posts(sim)] == [{"suspend": ""}]
