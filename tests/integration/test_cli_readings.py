"""The area commands never report data they could not read as good.

Each case is a real misconfiguration against a running simulator: a wrong password,
a MAPI port nobody listens on, and a MAPI port that speaks plain HTTP.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from hcpdash.cli import main
from hcpdash.sim import SimulatorThread

AREAS = ["nodes", "namespaces", "links"]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connections are refused."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def write_config(sim: SimulatorThread, tmp_path: Path, edit: Callable[[dict], None]) -> str:
    path = tmp_path / "hcpdash.yaml"
    sim.write_config(path)
    data = yaml.safe_load(path.read_text())
    for system in data["systems"]:
        edit(system)
    path.write_text(yaml.safe_dump(data))
    path.chmod(0o600)
    return str(path)


def wrong_password(system: dict) -> None:
    system["credentials"]["password"] = "wrong-password"


def mapi_port(port: int) -> Callable[[dict], None]:
    def edit(system: dict) -> None:
        system["ports"]["mapi"] = port
        system["connections"] = {"connect_timeout": 2.0, "read_timeout": 2.0}
    return edit


def run(capsys: pytest.CaptureFixture[str], config: str, *args: str) -> tuple[int, str, str]:
    code = main(["--config", config, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("area", AREAS)
def test_everything_read_is_exit_0_with_no_reading_error(area: str, sim, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, write_config(sim, tmp_path, lambda s: None), area, "--json")
    assert code == 0, out
    assert [s["reading"]["error"] for s in json.loads(out)["systems"]] == [None, None]


@pytest.mark.parametrize("area", AREAS)
def test_a_wrong_password_is_exit_1_and_says_so(area: str, sim, tmp_path, capsys) -> None:
    config = write_config(sim, tmp_path, wrong_password)
    code, out, _ = run(capsys, config, area, "--json")
    assert code == 1, out
    for system in json.loads(out)["systems"]:
        assert "access denied" in system["reading"]["error"]
        assert system["reading"]["hint"] == "needs a system-level account with the MONITOR or ADMINISTRATOR role"
    code, out, _ = run(capsys, config, area)
    assert code == 1
    assert f"{sim.systems[0].name}: " in out and "access denied" in out
    assert "wrong-password" not in out


def test_nodes_that_answer_probes_are_not_all_well_when_mapi_refuses(sim, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, write_config(sim, tmp_path, wrong_password), "nodes")
    assert code == 1
    assert out.count("node_statistics: ") == 2, out


@pytest.mark.parametrize("area", AREAS)
def test_a_closed_mapi_port_is_exit_1_and_says_so(area: str, sim, tmp_path, capsys, closed_port: int) -> None:
    code, out, _ = run(capsys, write_config(sim, tmp_path, mapi_port(closed_port)), area, "--json")
    assert code == 1, out
    for system in json.loads(out)["systems"]:
        assert "cannot connect" in system["reading"]["error"] or "unreachable" in system["reading"]["error"]


@pytest.mark.parametrize("area", AREAS)
def test_a_plain_http_server_on_the_mapi_port_is_named_as_such(area: str, sim, tmp_path, capsys) -> None:
    plain_http = sim.systems[0].ports.http
    code, out, _ = run(capsys, write_config(sim, tmp_path, mapi_port(plain_http)), area, "--json")
    assert code == 1, out
    for system in json.loads(out)["systems"]:
        assert system["reading"]["error_kind"] == "NotAnHcp"
        assert (f"the MAPI port ({plain_http}) of " in system["reading"]["error"]
                and "answered without TLS: is this an HCP, is the port right?" in system["reading"]["error"])
        assert "WRONG_VERSION_NUMBER" not in system["reading"]["error"]


def test_check_json_carries_a_reading_per_system(sim, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, write_config(sim, tmp_path, wrong_password), "check", "--json")
    document = json.loads(out)
    assert code == document["exit_code"] == 3
    for system in document["systems"]:
        assert "access denied" in system["reading"]["error"]
    code, out, _ = run(capsys, write_config(sim, tmp_path, lambda s: None), "check", "--json")
    assert [s["reading"]["error"] for s in json.loads(out)["systems"]] == [None, None]


def test_a_closed_pipe_ends_the_command_quietly(sim, tmp_path) -> None:
    """``hcpdash nodes | head -1``: the reader is gone before the table is written."""
    config = write_config(sim, tmp_path, lambda s: None)
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, "-m", "hcpdash", "--config", config, "nodes"], stdout=writer,
                              stderr=subprocess.PIPE, timeout=60, check=False)
    finally:
        os.close(writer)
    assert done.returncode == 0, "the usual status: every reading was fresh"
    assert done.stderr == b""

