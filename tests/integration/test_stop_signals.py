"""SIGTERM, SIGHUP and SIGINT stop every command cleanly: the dashboard gives the terminal
back, the simulator closes its sockets, an action in flight records its outcome."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hcpdash.monitor.audit import AuditJournal
from hcpdash.sim import SimulatorThread

ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"
CURSOR_SHOWN = b"\x1b[?25h"
AA = "hcp1-hcp2-aa"


def read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float) -> bool:
    """Read the pty into ``seen`` until ``wanted`` appears in it, EOF, or the timeout."""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return wanted in seen
        if not chunk:
            return wanted in seen
        seen.extend(chunk)
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_gives_the_terminal_back(sim: SimulatorThread, tmp_path: Path, signum: int) -> None:
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    env = {**os.environ, "HCPDASH_STATE_DIR": str(tmp_path / "state"), "TERM": "xterm-256color",
           "COLUMNS": "120", "LINES": "40"}
    controller, terminal = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "hcpdash", "--config", str(config)], env=env,
                             stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True)
    os.close(terminal)
    seen = bytearray()
    try:
        assert read_until(controller, b"Nodes", seen, timeout=60), bytes(seen)[-500:]
        assert ALT_SCREEN_ON in seen and MOUSE_ON in seen
        before = len(seen)
        child.send_signal(signum)
        read_until(controller, b"\x00never", seen, timeout=20)  # to EOF
        status = child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(controller)
    after = bytes(seen[before:])
    assert status == 128 + signum
    assert ALT_SCREEN_OFF in after and MOUSE_OFF in after and CURSOR_SHOWN in after
    assert b"Traceback" not in after


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_simulate_closes_its_sockets_on_a_stop_signal(tmp_path: Path, signum: int) -> None:
    config = tmp_path / "sim.yaml"
    child = subprocess.Popen([sys.executable, "-m", "hcpdash", "simulate", "--nodes", "2", "--tenants", "1",
                              "--write-config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        lines = []
        for line in child.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        control = next(line for line in lines if "control" in line.lower())
        address = control.split("http://", 1)[1].split("/", 1)[0].strip()
        host, port = address.rsplit(":", 1)
        socket.create_connection((host, int(port)), timeout=5).close()  # listening
        child.send_signal(signum)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert "simulator stopped" in out and "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=5).close()


def test_an_action_in_flight_records_its_outcome_before_a_sigterm_ends_it(make_sim, tmp_path: Path) -> None:
    sim = make_sim()
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    state = tmp_path / "state"
    for node in sim.systems[0].addresses:
        sim.control("POST", f"/nodes/hcp1/{node}", {"latency_ms": 1500})
    journal = AuditJournal(state / "audit.jsonl")
    child = subprocess.Popen([sys.executable, "-m", "hcpdash", "--config", str(config), "link", "suspend", AA,
                              "--system", "hcp1", "--yes"], env={**os.environ, "HCPDASH_STATE_DIR": str(state)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not journal.path.exists() or not journal.read().records:  # the intent is on disk: POST under way
            assert time.monotonic() < deadline and child.poll() is None, child.stderr.read()
            time.sleep(0.02)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + signal.SIGTERM, err
    intent, outcome = journal.read().records
    assert (outcome["kind"], outcome["id"], outcome["outcome"]) == ("outcome", intent["id"], "ok")
    assert len([p for s in sim.control("GET", "/state")["systems"] for p in s["posts"]]) == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_one_shot_command_ends_quietly_on_a_stop_signal(make_sim, tmp_path: Path, signum: int) -> None:
    sim = make_sim()
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    sim.control("POST", "/faults", {"path_prefix": "/mapi/tenants", "stall_s": 60})
    child = subprocess.Popen([sys.executable, "-m", "hcpdash", "-v", "--config", str(config), "check"],
                             env={**os.environ, "HCPDASH_STATE_DIR": str(tmp_path / "state")},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stderr is not None
        for line in child.stderr:  # -v: wait until a poll has finished, the stalled one still running
            if "poll nodes ok" in line:
                break
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + signum
    assert "Traceback" not in err
