"""Benchmark: a full fetch of one large simulated HCP system through HcpClient.

Starts ``python -m hcpdash simulate`` in a separate process (16 nodes, 100 tenants,
20 namespaces each, 10 links, 20 ms injected latency per request), fetches system
hcp1 once to warm up and then ``--rounds`` more times, and prints wall time, request
count, the ratio to the lower bound (requests x latency / connection cap) and the TLS
handshakes the simulator counted after warm-up. Not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_client.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from hcpdash.config import parse_config
from hcpdash.hcp import HcpClient, fetch_system

NODES, TENANTS, NAMESPACES, LINKS, LATENCY_MS = 16, 100, 20, 10, 20


def start_simulator(config_path: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "hcpdash", "simulate", "--systems", "2", "--nodes", str(NODES),
               "--tenants", str(TENANTS), "--namespaces", str(NAMESPACES), "--links", str(LINKS),
               "--latency-ms", str(LATENCY_MS), "--write-config", str(config_path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not config_path.exists() or not config_path.read_text().strip().endswith(("}", "'", '"')) and \
            "control_url" not in config_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"simulator did not start: {process.stderr.read().decode() if process.stderr else ''}")
        time.sleep(0.1)
    time.sleep(0.3)
    return process


def handshakes(control_url: str) -> int:
    with urllib.request.urlopen(f"{control_url}/state", timeout=10) as response:  # noqa: S310 - loopback
        state = json.load(response)
    system = next(s for s in state["systems"] if s["name"] == "hcp1")
    return sum(n["tls_handshakes"] for n in system["nodes"])


async def bench(config_text: str, rounds: int) -> None:
    config, problems, _ = parse_config(config_text)
    assert config is not None, problems
    assert config.simulator is not None
    system = config.system("hcp1")
    async with HcpClient(system) as client:
        started = time.perf_counter()
        warm = await fetch_system(client)
        cold_s = time.perf_counter() - started
        assert not warm.failures, warm.failures[:3]
        cap = client.connection_cap
        print(f"system hcp1: {len(client.pool.addresses)} nodes, {len(warm.tenants)} tenants, "
              f"{sum(len(t.namespaces) for t in warm.tenants.values())} namespaces, {len(warm.links)} links")
        print(f"connection cap {cap} (total {system.connections.total}, per node {system.connections.per_node})")
        print(f"cold fetch: {cold_s:.2f} s, {warm.requests} requests, "
              f"TLS handshakes {handshakes(config.simulator.control_url)}")
        for index in range(rounds):
            before = handshakes(config.simulator.control_url)
            data = await fetch_system(client)
            after = handshakes(config.simulator.control_url)
            assert not data.failures, data.failures[:3]
            mapi_requests = data.requests - len(data.node_status)
            bound = mapi_requests * LATENCY_MS / 1000 / cap
            print(f"warm fetch {index + 1}: {data.elapsed_s:.2f} s wall, {data.requests} requests "
                  f"({mapi_requests} MAPI + {len(data.node_status)} node probes), lower bound {bound:.2f} s, "
                  f"ratio {data.elapsed_s / bound:.2f}, TLS handshakes during fetch {after - before}")
        snap = client.snapshot()
        p50 = sorted(a.latency.p50 or 0 for a in snap.addresses)
        print(f"per-node latency p50 {p50[0] * 1000:.1f}-{p50[-1] * 1000:.1f} ms; requests per node "
              f"{min(a.requests for a in snap.addresses)}-{max(a.requests for a in snap.addresses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.yaml"
        process = start_simulator(config_path)
        try:
            asyncio.run(bench(config_path.read_text(), args.rounds))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
