"""The node inventory across fresh ``hcpdash`` processes, as cron or Nagios runs them, against a simulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hcpdash.sim import SimulatorThread

CALM = {"latency_warning_ms": 60000, "latency_critical_ms": 60000}
"""Latency thresholds no loaded test machine reaches: these tests are about nodes, not speed."""


def write_config(sim: SimulatorThread, path: Path, **per_system: Any) -> str:
    data = yaml.safe_load(sim.config_text())
    for system in data["systems"]:
        system["thresholds"] = dict(CALM)
        system.update(per_system.get(system["name"], {}))
    path.write_text(yaml.safe_dump(data))
    path.chmod(0o600)
    return str(path)


def hcpdash(config: str, *args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """A fresh process, as a scheduler starts it."""
    return subprocess.run([sys.executable, "-m", "hcpdash", "--config", config, *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def inventory_file(name: str = "hcp1") -> Path:
    return Path(os.environ["HCPDASH_STATE_DIR"]) / "nodes" / f"{name}.json"


@pytest.fixture
def sim(make_sim: Callable[..., SimulatorThread]) -> SimulatorThread:
    return make_sim(namespaces=3, links=0)


@pytest.fixture
def config(sim: SimulatorThread, tmp_path: Path) -> str:
    return write_config(sim, tmp_path / "hcpdash.yaml")


def set_node(sim: SimulatorThread, address: str, up: bool) -> None:
    sim.control("POST", f"/nodes/hcp1/{address}", {"up": up})


def test_a_node_taken_down_between_two_check_runs_is_named_and_clears_when_back(sim, config) -> None:
    first = hcpdash(config, "check")
    assert first.returncode == 0, first.stdout + first.stderr
    address = sim.systems[0].addresses[2]
    set_node(sim, address, up=False)

    down = hcpdash(config, "check")
    assert down.returncode in (1, 2), down.stdout
    assert down.stdout.startswith("HCPDASH WARNING")
    assert re.search(rf"^WARNING hcp1: {re.escape(address)}: missing( for [^(]+)? \(last seen \d{{4}}-[^)]+\): not in "
                     rf"DNS or node statistics, no answer to /node_status; 1 of 4 nodes down or missing$",
                     down.stdout, re.MULTILINE), down.stdout
    document = json.loads(hcpdash(config, "check", "--json").stdout)
    hcp1 = document["systems"][0]
    assert document["exit_code"] == 1 and hcp1["verdict"]["level"] == "WARNING"
    assert [(n["address"], n["state"], n["node_number"]) for n in hcp1["nodes_lost"]] == [(address, "missing", 13)]
    assert hcp1["nodes_lost"][0]["for_s"] >= 0 and hcp1["nodes_lost"][0]["last_seen"] is not None

    set_node(sim, address, up=True)
    back = hcpdash(config, "check")
    assert back.returncode == 0 and address not in back.stdout, back.stdout


def test_losing_a_majority_of_the_nodes_is_critical(sim, config) -> None:
    assert hcpdash(config, "check").returncode == 0
    for address in sim.systems[0].addresses[1:]:
        set_node(sim, address, up=False)
    done = hcpdash(config, "check")
    assert done.returncode == 2, done.stdout
    for address in sim.systems[0].addresses[1:]:
        assert re.search(rf"^CRITICAL hcp1: {re.escape(address)}: missing.*3 of 4 nodes down or missing$",
                         done.stdout, re.MULTILINE), done.stdout


def test_nodes_lists_a_missing_node_with_when_it_was_last_seen(sim, config) -> None:
    assert hcpdash(config, "nodes", "--system", "hcp1").returncode == 0
    address = sim.systems[0].addresses[0]
    set_node(sim, address, up=False)
    table = hcpdash(config, "nodes", "--system", "hcp1")
    row = next(line for line in table.stdout.splitlines() if f" {address} " in line)
    assert re.search(r" missing +unreachable +not in DNS +\d+ (s|min) ago ", row), row
    document = json.loads(hcpdash(config, "nodes", "--json", "--system", "hcp1").stdout)
    node = next(n for n in document["systems"][0]["nodes"] if n["address"] == address)
    assert node["state"] == "missing" and node["in_dns"] is False and node["in_statistics"] is False
    assert node["last_seen"] is not None and node["first_seen"] is not None


def test_forget_drops_a_decommissioned_node(sim, config) -> None:
    assert hcpdash(config, "check").returncode == 0
    address = sim.systems[0].addresses[3]
    set_node(sim, address, up=False)
    assert hcpdash(config, "check").returncode == 1
    forgot = hcpdash(config, "nodes", "--forget", address, "--system", "hcp1")
    assert forgot.returncode == 0, forgot.stderr
    assert forgot.stdout.startswith(f"forgot {address} from the node inventory of hcp1 ({inventory_file()})")
    after = hcpdash(config, "check")
    assert after.returncode == 0 and address not in after.stdout, after.stdout
    assert address not in inventory_file().read_text()


@pytest.mark.parametrize(("args", "message"), [
    (("--forget", "10.9.9.9"), "--forget needs --system NAME"),
    (("--forget", "10.9.9.9", "--system", "nope"), "no system named 'nope'"),
])
def test_forget_usage_errors_are_one_line(config, args, message) -> None:
    done = hcpdash(config, "nodes", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_forgetting_an_unknown_address_says_what_the_inventory_holds(sim, config) -> None:
    assert hcpdash(config, "check").returncode == 0
    done = hcpdash(config, "nodes", "--forget", "10.9.9.9", "--system", "hcp1")
    assert done.returncode == 1
    assert done.stderr.startswith(f"hcpdash: 10.9.9.9 is not in the node inventory of hcp1 ({inventory_file()}; "
                                  f"it holds: {sim.systems[0].addresses[0]}, ")


def test_a_corrupt_inventory_is_set_aside_with_one_warning_and_rebuilt(sim, config) -> None:
    inventory_file().parent.mkdir(parents=True)
    inventory_file().write_text('{"schema": "hcpdash.node-inventory/1", "nodes": [tru')
    first = hcpdash(config, "check")
    assert first.returncode == 0, first.stdout
    assert first.stderr.count("warning") == 1 and "is unreadable" in first.stderr and "rebuilt" in first.stderr
    assert inventory_file().with_name("hcp1.json.corrupt").read_text().endswith("[tru")
    rebuilt = json.loads(inventory_file().read_text())
    assert sorted(n["address"] for n in rebuilt["nodes"]) == sorted(sim.systems[0].addresses)
    second = hcpdash(config, "check")
    assert second.returncode == 0 and second.stderr == ""


def test_a_missing_inventory_starts_empty_without_a_warning(sim, config) -> None:
    assert not inventory_file().exists()
    done = hcpdash(config, "check")
    assert done.returncode == 0 and done.stderr == ""
    document = json.loads(inventory_file().read_text())
    assert document["schema"] == "hcpdash.node-inventory/1" and document["domain"] == "hcp1.hcpdash.test"
    assert {n["last_state"] for n in document["nodes"]} == {"up"}


@pytest.mark.parametrize(("expected", "line"), [
    (5, "WARNING hcp1: nodes: 1 of 5 expected nodes never seen (expected_nodes: 5); 1 of 5 nodes down or missing"),
    ([11, 12, 13, 14, 15], "WARNING hcp1: nodes: node 15 never seen (expected_nodes); 1 of 5 nodes down or missing"),
    ([11, 12, 13, 14], None),
])
def test_expected_nodes_name_the_nodes_a_first_run_never_saw(sim, tmp_path, expected, line) -> None:
    config = write_config(sim, tmp_path / "expected.yaml", hcp1={"expected_nodes": expected})
    done = hcpdash(config, "check")
    if line is None:
        assert done.returncode == 0, done.stdout
    else:
        assert done.returncode == 1 and line in done.stdout.splitlines(), done.stdout


def test_check_into_a_closed_pipe_ends_quietly_with_its_status(sim, config) -> None:
    assert hcpdash(config, "check").returncode == 0
    set_node(sim, sim.systems[0].addresses[1], up=False)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = hcpdash(config, "check", stdout=write_end)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1


def set_dns(sim: SimulatorThread, answer: str) -> None:
    sim.control("POST", "/dns/hcp1", {"answer": answer})


@pytest.mark.parametrize("answer", ["servfail", "silent"])
def test_with_dns_failing_the_remembered_nodes_are_read_through_and_a_lost_one_named(sim, config, answer) -> None:
    assert hcpdash(config, "check").returncode == 0          # the inventory now knows every node
    victim = sim.systems[0].addresses[1]
    set_dns(sim, answer)
    set_node(sim, victim, up=False)
    done = hcpdash(config, "check")
    assert done.returncode == 1, done.stdout                 # a warning: the system is still read
    assert "DNS:" in done.stdout and "remembered from earlier runs" in done.stdout, done.stdout
    assert victim in done.stdout and "unreachable" not in done.stdout.split("DNS:")[0].lower(), done.stdout
    report = json.loads(hcpdash(config, "check", "--json").stdout)
    hcp1 = next(s for s in report["systems"] if s["name"] == "hcp1")
    assert [n["address"] for n in hcp1["nodes_lost"]] == [victim], hcp1["nodes_lost"]
    nodes = json.loads(hcpdash(config, "nodes", "--json").stdout)
    states = {n["address"]: n["state"] for n in nodes["systems"][0]["nodes"]}
    assert states.pop(victim) in ("unreachable", "missing", "down")
    assert set(states.values()) == {"up"}, states              # the others answered their probes
    namespaces = hcpdash(config, "namespaces", "--json", "--system", "hcp1")
    assert namespaces.returncode == 0, namespaces.stderr     # MAPI read through the remembered nodes
    assert json.loads(namespaces.stdout)["systems"][0]["tenants"], namespaces.stdout
    set_dns(sim, "normal")
    set_node(sim, victim, up=True)
    assert hcpdash(config, "check").returncode == 0


def test_with_dns_failing_and_nothing_remembered_the_system_is_unreachable(sim, config) -> None:
    set_dns(sim, "servfail")
    done = hcpdash(config, "check")
    assert done.returncode == 2 and "system unreachable" in done.stdout, done.stdout
