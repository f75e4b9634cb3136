"""``hcpdash web`` in a real headless Chromium, against the simulator.

The browser loads the page from a loopback port; what the dashboard draws reaches
it over the page's WebSocket, read here through the DevTools protocol. Keys are
typed into the page as a user would.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cdp import Browser, find_chromium

from hcpdash.sim import SimulatorThread
from hcpdash.web import dashboard_command, is_loopback, listen_warnings

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium")
_ESCAPES = re.compile(r"\x1b(\[[0-9;?$]*[A-Za-z]|\][^\x07]*\x07)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hcpdash web exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def sim_config(sim: SimulatorThread, tmp_path: Path) -> Path:
    path = tmp_path / "hcpdash.yaml"
    path.touch(mode=0o600)
    path.write_text(sim.config_text(), encoding="utf-8")
    return path


@pytest.fixture
def web(sim_config: Path, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``web(*flags)`` starts ``hcpdash web`` on a free loopback port and returns its URL."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*flags: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "hcpdash", "web", "--config", str(sim_config), "--port", str(port), *flags],
            env={"HCPDASH_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        wait_listening(port, process)
        return f"http://127.0.0.1:{port}/"

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def screen_text(browser: Browser, since: int = 0) -> str:
    return _ESCAPES.sub("", b"".join(browser.frames[since:]).decode("utf-8", "replace"))


async def open_dashboard(url: str, profile: Path, first_address: str) -> Browser:
    assert CHROMIUM is not None
    browser = await Browser(CHROMIUM, profile).__aenter__()
    await browser.open(url)
    await browser.wait_for(lambda: first_address in screen_text(browser) and "Address" in screen_text(browser))
    return browser


async def press(browser: Browser, key: str) -> int:
    """Type one character into the terminal; returns the frame count before it."""
    await browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
    before = len(browser.frames)
    for kind in ("keyDown", "keyUp"):
        await browser.call("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "")
    return before


@needs_chromium
async def test_browser_shows_the_nodes_pane_read_only(web, sim: SimulatorThread, tmp_path: Path) -> None:
    url = web()
    address = sim.systems[0].addresses[0]
    browser = await open_dashboard(url, tmp_path / "profile", address)
    try:
        shown = screen_text(browser)
        assert "Nodes" in shown and "hcp1" in shown and "hcp2" in shown
        assert " RO " in shown and " RW " not in shown
        since = await press(browser, "3")
        await browser.wait_for(lambda: "Both ends" in screen_text(browser, since)
                               and "Quit" in screen_text(browser, since))
        await browser.screenshot(tmp_path / "replication.png")
        assert "Suspend" not in screen_text(browser), "a read-only web view offered an action"
    finally:
        await browser.__aexit__(None, None, None)


@needs_chromium
async def test_allow_actions_offers_them_behind_the_same_keys(web, sim: SimulatorThread, tmp_path: Path) -> None:
    url = web("--allow-actions")
    browser = await open_dashboard(url, tmp_path / "profile", sim.systems[0].addresses[0])
    try:
        assert " RW " in screen_text(browser)
        since = await press(browser, "3")
        await browser.wait_for(lambda: "Suspend" in screen_text(browser, since))
    finally:
        await browser.__aexit__(None, None, None)


def test_a_busy_port_is_one_line_and_exit_2(sim_config: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "hcpdash", "web", "--config", str(sim_config),
                               "--port", str(port)], capture_output=True, text=True, timeout=60,
                              env={"HCPDASH_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_out_of_range_is_a_usage_error(sim_config: Path, port: str) -> None:
    done = subprocess.run([sys.executable, "-m", "hcpdash", "web", "--config", str(sim_config), "--port", port],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a TCP port" in done.stderr


def test_served_command_is_read_only_unless_actions_are_allowed(tmp_path: Path) -> None:
    config = tmp_path / "my config.yaml"
    assert dashboard_command(config, allow_actions=False, theme=None).endswith("--read-only")
    assert "--read-only" not in dashboard_command(config, allow_actions=True, theme="light")
    assert "'" + str(config) + "'" in dashboard_command(config, allow_actions=False, theme=None)


def test_only_loopback_is_quiet() -> None:
    for host in ("127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost"):
        assert is_loopback(host) and not listen_warnings(host, allow_actions=True)
    for host in ("0.0.0.0", "10.1.2.3", "dashboard.example.com"):
        assert not is_loopback(host)
        assert "no login" in listen_warnings(host, allow_actions=False)[0]
        assert len(listen_warnings(host, allow_actions=True)) == 2

