"""``hcpdash bench``: full poll cycles, measured against their lower bound.

A cycle polls every resource of the first configured system once, through the same
monitor the dashboard uses. With ``--simulate`` a simulator runs in a separate
process (so it does not share this process's CPU) at the given scale and latency,
and its counters give the requests and TLS handshakes each cycle cost.

The lower bound is requests × injected latency ÷ connection cap: the time the
requests take if every connection the budget allows is busy all the time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hcpdash.config import Config, load_config
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.node_inventory import InventoryStore
from hcpdash.monitor.service import MonitorService


# The simulator options ``bench --simulate`` passes on to ``hcpdash simulate``.
SIMULATOR_OPTIONS = ("systems", "nodes", "tenants", "namespaces", "links", "latency_ms", "seed", "phase_seconds")


@contextmanager
def simulator_process(args: argparse.Namespace) -> Iterator[Path]:
    """``hcpdash simulate`` in a child process; yields its written config."""
    with tempfile.TemporaryDirectory(prefix="hcpdash-bench-") as tmp:
        config = Path(tmp) / "bench.yaml"
        scale = [f"--{name.replace('_', '-')}={getattr(args, name)}" for name in SIMULATOR_OPTIONS]
        command = [sys.executable, "-m", "hcpdash", "simulate", *scale, "--write-config", str(config)]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not config.exists() or not config.read_text():
                if child.poll() is not None or time.monotonic() > deadline:
                    error = child.stderr.read().decode() if child.stderr else ""
                    raise RuntimeError(f"the simulator did not start: {error.strip()[-300:]}")
                time.sleep(0.1)
            yield config
        finally:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()


def _simulator_counters(control_url: str, system: str) -> tuple[int, int]:
    with urllib.request.urlopen(f"{control_url}/state", timeout=10) as answer:  # noqa: S310 - loopback control API
        state = json.load(answer)
    nodes = next(s for s in state["systems"] if s["name"] == system)["nodes"]
    return sum(n["requests"] for n in nodes), sum(n["tls_handshakes"] for n in nodes)


async def _cycles(config: Config, cycles: int, latency_ms: float, out: Any) -> None:
    system = config.systems[0]
    control = config.simulator.control_url if config.simulator else None
    with tempfile.TemporaryDirectory(prefix="hcpdash-bench-journal-") as tmp:
        monitor = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"),
                                 inventories=InventoryStore(None))
        try:
            for cycle in range(1, cycles + 1):
                before = _simulator_counters(control, system.name) if control else None
                cpu, started = time.process_time(), time.perf_counter()
                await monitor.poll_once()
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                line = f"cycle {cycle}: wall {wall:.2f} s, CPU {cpu:.2f} s"
                if before is not None and control is not None:
                    requests, handshakes = (a - b for a, b in zip(_simulator_counters(control, system.name), before))
                    cap = monitor.connection_cap(system.name)
                    bound = requests * latency_ms / 1000 / cap
                    ratio = f"{wall / bound:.2f}x" if bound else "n/a"
                    line += (f", {requests} requests, {handshakes} TLS handshakes, connection cap {cap}, "
                             f"lower bound {bound:.2f} s, ratio {ratio}")
                print(line, file=out, flush=True)
            snapshot = monitor.snapshots()[system.name]
            namespaces = sum(len(t.namespaces) for t in snapshot.tenants.value or ())
            problems = [r for r in snapshot.readings().values() if r.error]
            print(f"{system.name}: {len(snapshot.nodes.value or ())} nodes, {namespaces} namespaces, "
                  f"{len(snapshot.links.value or ())} links; {len(problems)} resources with errors", file=out)
        finally:
            await monitor.stop()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak_mib:.0f} MiB", file=out)


def run_bench(args: argparse.Namespace, config_path: str | None, out: Any = None) -> int:
    out = out or sys.stdout
    if args.simulate:
        with simulator_process(args) as path:
            config = load_config(path)
            config = dataclasses.replace(config, systems=config.systems[:1])
            print(f"simulator: 1 of {args.systems} systems polled, {args.nodes} nodes, {args.tenants} tenants × "
                  f"{args.namespaces} namespaces, {args.links} links, {args.latency_ms} ms latency", file=out)
            asyncio.run(_cycles(config, args.cycles, args.latency_ms, out))
        return 0
    config = load_config(config_path)
    asyncio.run(_cycles(dataclasses.replace(config, systems=config.systems[:1]), args.cycles, 0, out))
    return 0
