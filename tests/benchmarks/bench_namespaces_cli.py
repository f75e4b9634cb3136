"""Benchmark: ``hcpdash namespaces --json`` as a whole process, against a plain script.

Starts a simulator in its own process (8 nodes, 20 tenants × 25 namespaces, 20 ms
injected latency), then times, each as a fresh process from start to exit:

- ``hcpdash namespaces --json`` (tenants, namespaces, settings, statistics, masks);
- the baseline: a sequential script on one keep-alive connection that reads only the
  statistics — the tenant list, each tenant's namespace list and each namespace's
  ``statistics`` resource.

It prints both wall times, their ratio, and the requests each cost HCP (counted at the
simulator) per namespace. Not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_namespaces_cli.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from tempfile import TemporaryDirectory

import yaml

from hcpdash.bench import simulator_process
from hcpdash.cli import build_parser

SCALE = build_parser().parse_args(["bench", "--simulate", "--nodes", "8", "--tenants", "20", "--namespaces", "25",
                                   "--links", "2", "--latency-ms", "20"])


def sequential(config_path: str, address: str) -> None:
    """The baseline script: one connection to one node, one request at a time, statistics only."""
    import httpx

    from hcpdash.config import load_config
    from hcpdash.hcp.auth import hcp_authorization

    system = load_config(config_path).systems[0]
    creds = system.credentials
    headers = {"Host": system.admin_host, "Accept": "application/json",
               "Authorization": hcp_authorization(creds.username, creds.password.resolve())}
    base = f"https://{address}:{system.ports.mapi}/mapi/tenants"
    sni = {"sni_hostname": system.admin_host}
    with httpx.Client(verify=str(system.tls.ca_file), limits=httpx.Limits(max_connections=1)) as client:
        tenants = client.get(base, headers=headers, extensions=sni).json()["name"]
        for tenant in tenants:
            client.get(f"{base}/{tenant}/statistics", headers=headers, extensions=sni).raise_for_status()
            names = client.get(f"{base}/{tenant}/namespaces", headers=headers, extensions=sni).json()["name"]
            for name in names:
                client.get(f"{base}/{tenant}/namespaces/{name}/statistics", headers=headers,
                           extensions=sni).raise_for_status()


def requests_at(control_url: str) -> int:
    with urllib.request.urlopen(f"{control_url}/state", timeout=10) as answer:  # noqa: S310 - loopback
        state = json.load(answer)
    return sum(n["requests"] for n in state["systems"][0]["nodes"])


def timed(command: list[str], control_url: str) -> tuple[float, int]:
    before = requests_at(control_url)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed: {done.stderr.strip()[-300:]}")
    return wall, requests_at(control_url) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", nargs=2, metavar=("CONFIG", "ADDRESS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sequential:
        sequential(*args.sequential)
        return
    namespaces = SCALE.tenants * SCALE.namespaces
    with simulator_process(SCALE) as path, TemporaryDirectory() as state:
        config = yaml.safe_load(path.read_text())
        config["systems"] = config["systems"][:1]
        one = Path(state) / "one.yaml"
        one.touch(mode=0o600)
        one.write_text(json.dumps(config))
        control = config["simulator"]["control_url"]
        with urllib.request.urlopen(f"{control}/state", timeout=10) as answer:  # noqa: S310 - loopback
            address = json.load(answer)["systems"][0]["nodes"][0]["address"]
        hcpdash = [sys.executable, "-m", "hcpdash", "--config", str(one), "namespaces", "--json"]
        script = [sys.executable, __file__, "--sequential", str(one), address]
        print(f"simulator: {SCALE.nodes} nodes, {SCALE.tenants} tenants × {SCALE.namespaces} namespaces, "
              f"{SCALE.latency_ms} ms latency")
        for round_ in range(1, args.rounds + 1):
            ours, our_requests = timed(hcpdash, control)
            theirs, their_requests = timed(script, control)
            print(f"round {round_}: hcpdash namespaces --json {ours:.2f} s, {our_requests} requests "
                  f"({our_requests / namespaces:.2f} per namespace); sequential script {theirs:.2f} s, "
                  f"{their_requests} requests ({their_requests / namespaces:.2f} per namespace); "
                  f"hcpdash {theirs / ours:.1f}x faster", flush=True)


if __name__ == "__main__":
    main()
