"""Memory of the monitor holding 10,000 namespaces and an hour of history.

Polls a simulated system of 100 tenants x 100 namespaces once, then adds the points
an hour of polling adds at the default intervals (statistics every 60 s, node probes
every 5 s, links every 10 s) to every series, and prints the resident set size.
Run: python tests/benchmarks/bench_memory.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import resource
import tempfile
import time
from pathlib import Path

from hcpdash.bench import simulator_process
from hcpdash.cli import build_parser
from hcpdash.config import load_config
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


async def main() -> None:
    args = build_parser().parse_args(["bench", "--simulate", "--nodes", "16", "--tenants", "100",
                                      "--namespaces", "100", "--latency-ms", "0"])
    with simulator_process(args) as path, tempfile.TemporaryDirectory() as tmp:
        config = load_config(path)
        config = dataclasses.replace(config, systems=config.systems[:1])
        baseline = rss_mib()
        monitor = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"))
        started = time.perf_counter()
        await monitor.poll_once()
        polled = time.perf_counter() - started
        after_poll = rss_mib()
        history = monitor.history
        now = time.time()
        series = list(history._series.items())
        steps = {"ns": 60, "node": 720, "link": 360}
        for key, ring in series:
            for i in range(steps[key[0]] - 1):
                ring.append(now + i, ring.latest()[1])  # type: ignore[index]
        after_hour = rss_mib()
        namespaces = sum(len(t.namespaces) for t in monitor.snapshots()["hcp1"].tenants.value or ())
        await monitor.stop()
    print(f"namespaces polled: {namespaces} in {polled:.1f} s; history series: {len(series)}")
    print(f"RSS before monitor {baseline:.0f} MiB, after first poll {after_poll:.0f} MiB, "
          f"with an hour of history {after_hour:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
