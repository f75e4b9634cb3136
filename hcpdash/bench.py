"""``hcpdash bench``: full poll cycles, measured against their lower bound.

A cycle polls every resource of the first configured system once, through the same
monitor the dashboard uses. Then each resource is polled alone, giving the requests
per minute the configured intervals cost HCP, and a statistics refresh is measured
both ways: from the tenants' chargeback reports and, as the baseline in the same
run, from every namespace's own ``statistics`` resource. With ``--simulate`` a simulator runs in a separate
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
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcpdash.config import Config, load_config
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.node_inventory import InventoryStore
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.system import PACED, SystemMonitor
from hcpdash.sim import process
from hcpdash.sim.cli import options_from_args


def simulator_process(args: argparse.Namespace) -> AbstractContextManager[Path]:
    """``hcpdash simulate`` at the scale in ``args``, in a child process; yields its written config."""
    return process.simulator_process(options_from_args(args))


def _simulator_counters(control_url: str | None, system: str) -> tuple[int, int]:
    """Requests and TLS handshakes the simulator has counted for ``system`` (zeros without one)."""
    if control_url is None:
        return 0, 0
    with urllib.request.urlopen(f"{control_url}/state", timeout=10) as answer:  # noqa: S310 - loopback control API
        state = json.load(answer)
    nodes = next(s for s in state["systems"] if s["name"] == system)["nodes"]
    return sum(n["requests"] for n in nodes), sum(n["tls_handshakes"] for n in nodes)


@dataclass(frozen=True, slots=True)
class Measured:
    wall_s: float
    cpu_s: float
    requests: int
    handshakes: int

    @property
    def cpu_ms_per_request(self) -> float | None:
        return 1000 * self.cpu_s / self.requests if self.requests else None


async def _measure(work: Callable[[], Awaitable[object]], control: str | None, system: str) -> Measured:
    before = _simulator_counters(control, system)
    cpu, started = time.process_time(), time.perf_counter()
    await work()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    requests, handshakes = (a - b for a, b in zip(_simulator_counters(control, system), before))
    return Measured(wall, cpu, requests, handshakes)


def _ratio(value: float | None, baseline: float | None) -> str:
    return f"{value / baseline:.2f}x" if value is not None and baseline else "n/a"


async def _cycles(config: Config, cycles: int, latency_ms: float, out: Any) -> None:
    system = config.systems[0]
    control = config.simulator.control_url if config.simulator else None
    with tempfile.TemporaryDirectory(prefix="hcpdash-bench-journal-") as tmp:
        service = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"),
                                 inventories=InventoryStore(None))
        monitor = service.system_monitor(system.name)
        try:
            for cycle in range(1, cycles + 1):
                m = await _measure(service.poll_once, control, system.name)
                line = f"cycle {cycle}: wall {m.wall_s:.2f} s, CPU {m.cpu_s:.2f} s"
                if control is not None:
                    cap = service.connection_cap(system.name)
                    bound = m.requests * latency_ms / 1000 / cap
                    line += (f", {m.requests} requests, CPU per request {m.cpu_ms_per_request or 0:.3f} ms, "
                             f"{m.handshakes} TLS handshakes, connection cap {cap}, lower bound {bound:.2f} s, "
                             f"ratio {_ratio(m.wall_s, bound)}")
                print(line, file=out, flush=True)
            snapshot = service.snapshots()[system.name]
            namespaces = sum(len(t.namespaces) for t in snapshot.tenants.value or ())
            problems = [r for r in snapshot.readings().values() if r.error]
            print(f"{system.name}: {len(snapshot.nodes.value or ())} nodes, {namespaces} namespaces, "
                  f"{len(snapshot.links.value or ())} links; {len(problems)} resources with errors", file=out)
            print(f"peak memory after the cycles (max RSS) {_peak_mib():.0f} MiB", file=out)
            if control is not None:
                await _per_resource(monitor, control, namespaces, out)
        finally:
            await service.stop()
    print(f"peak memory (max RSS) {_peak_mib():.0f} MiB", file=out)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _per_resource(monitor: SystemMonitor, control: str, namespaces: int, out: Any) -> None:
    """Each resource polled alone: what it costs HCP per poll and per minute at its interval;
    then a statistics refresh read the per-namespace way, as the baseline beside it."""
    print("per resource (one poll each; requests per minute at the configured interval):", file=out)
    per_minute = 0.0
    budget = monitor.config.connections.settings_rate
    for name, (interval, _floor) in monitor.intervals().items():
        m = await _measure(lambda n=name: monitor.poll(n), control, monitor.name)
        # A paced refresh spreads its reads over the interval (longer if the rate budget
        # needs it), then waits an interval: one refresh per period.
        spread = max(interval, m.requests / budget) if name in PACED else 0.0
        rate = m.requests * 60 / (interval + spread)
        per_minute += rate
        paced = f", spread over {spread:g} s" if spread else ""
        print(f"  {name:<20} {m.requests:>6} requests, wall {m.wall_s:6.2f} s, every {interval:g} s{paced} "
              f"-> {rate:8.1f} requests/min", file=out)
    print(f"steady state: {per_minute:.0f} requests/min ({per_minute / 60:.1f}/s) with these intervals",
          file=out)
    reports = await _measure(lambda: monitor.poll("statistics"), control, monitor.name)
    monitor.statistics_from_reports = False
    try:
        each = await _measure(lambda: monitor.poll("statistics"), control, monitor.name)
    finally:
        monitor.statistics_from_reports = True
    for label, m in (("chargeback reports", reports), ("per namespace (baseline)", each)):
        print(f"statistics refresh of {namespaces} namespaces, {label}: {m.requests} requests, "
              f"wall {m.wall_s:.2f} s, CPU {m.cpu_s:.2f} s", file=out)
    print(f"statistics refresh, reports vs per namespace: requests {_ratio(reports.requests, each.requests)}, "
          f"wall {_ratio(reports.wall_s, each.wall_s)}", file=out)


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
