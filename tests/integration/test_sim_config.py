"""The config the simulator writes, its scale knobs, and ``simulate`` in the foreground."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from hcpdash.config import load_config, parse_config
from hcpdash.sim import SimOptions, SimulatorThread


def test_generated_config_is_valid_and_points_at_the_simulator(sim, tmp_path):
    config, problems, _ = parse_config(sim.config_text())
    assert problems == []
    assert [s.name for s in config.systems] == ["hcp1", "hcp2"]
    hcp1 = config.systems[0]
    assert hcp1.domain == sim.systems[0].domain and hcp1.tls.verify and hcp1.tls.ca_file == sim.ca_file
    assert (hcp1.discovery.nameserver, hcp1.discovery.nameserver_port) == sim.dns_address
    assert hcp1.ports.mapi == sim.systems[0].ports.mapi and hcp1.ports.node_status == sim.systems[0].ports.http
    assert hcp1.credentials.password.resolve() == "hcpdash-admin"
    assert hcp1.data_access[0].tenant == "finance"
    assert config.simulator.control_url == sim.control_url
    path = sim.write_config(tmp_path / "config.yaml")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_config(path).systems[1].name == "hcp2"


def test_ten_thousand_namespaces_start_fast():
    started = time.monotonic()
    with SimulatorThread(SimOptions(systems=1, links=0, tenants=1000, namespaces=10)) as big:
        assert time.monotonic() - started < 3
        assert big.control("GET", "/state")["systems"][0]["namespaces"] == 10_000


def test_concurrent_simulators_do_not_collide(make_sim):
    one, two = make_sim(), make_sim()
    assert set(one.systems[0].addresses).isdisjoint(two.systems[0].addresses)
    assert one.dns_address != two.dns_address


def test_simulate_runs_until_sigterm_and_prints_what_it_serves(tmp_path):
    code = ("import argparse, sys; from hcpdash.sim import cli; p = argparse.ArgumentParser(); "
            "cli.add_arguments(p); sys.exit(cli.run(p.parse_args(sys.argv[1:])))")
    config = tmp_path / "sim.yaml"
    process = subprocess.Popen([sys.executable, "-c", code, "--nodes", "2", "--write-config", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        text = "".join(lines)
        assert "hcp1.hcpdash.test" in text and "DNS server" in text and "control API" in text
        assert "admin / hcpdash-admin" in text and config.exists()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in err


def test_simulate_rejects_bad_options():
    code = ("import argparse, sys; from hcpdash.sim import cli; p = argparse.ArgumentParser(); "
            "cli.add_arguments(p); sys.exit(cli.run(p.parse_args(sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, "--nodes", "0"], capture_output=True, text=True, timeout=20)
    assert done.returncode == 2 and "--nodes" in done.stderr and "Traceback" not in done.stderr
