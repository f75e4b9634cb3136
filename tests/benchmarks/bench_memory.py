"""Memory of the monitor holding 10,000 namespaces and a day of history, recording it.

Polls a simulated system of 100 tenants x 100 namespaces once (recording to a history
file, as the dashboard does), then adds the points a day of polling adds at the default
intervals (statistics every 60 s, node probes every 5 s, links every 10 s) to every ring,
and prints the resident set size at each stage; the figure before the monitor and after
the first poll are the same run's baselines.
Run: python tests/benchmarks/bench_memory.py [--hours 24] [--no-history] (the same without the history file,
for a baseline; run both in turn)
"""

from __future__ import annotations

import argparse
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
from hcpdash.monitor.recorder import HistoryRecorder
from hcpdash.monitor.service import MonitorService


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


async def main(hours: float, record: bool) -> None:
    args = build_parser().parse_args(["bench", "--simulate", "--nodes", "16", "--tenants", "100",
                                      "--namespaces", "100", "--latency-ms", "0"])
    with simulator_process(args) as path, tempfile.TemporaryDirectory() as tmp:
        config = load_config(path)
        config = dataclasses.replace(config, systems=config.systems[:1])
        baseline = rss_mib()
        recorder = HistoryRecorder.in_directory(Path(tmp)) if record else None
        monitor = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"), recorder=recorder)
        if recorder is not None:
            recorder.start()
            monitor.subscribe(recorder.submit_snapshot)
        started = time.perf_counter()
        await monitor.poll_once()
        polled = time.perf_counter() - started
        assert recorder is None or recorder.flush(60)
        after_poll = rss_mib()
        history = monitor.history
        now = time.time()
        keys = history.keys()
        intervals = {"ns": 60, "node": 5, "link": 10}
        for key in keys:
            ring = history.get(key)
            assert ring is not None
            step = intervals[key[0]]  # type: ignore[index]
            value = ring.latest()[1]  # type: ignore[index]
            for i in range(1, int(hours * 3600 / step)):
                ring.append(now + i * step, value + i)
        after_day = rss_mib()
        namespaces = sum(len(t.namespaces) for t in monitor.snapshots()["hcp1"].tenants.value or ())
        await monitor.stop()
    print(f"namespaces polled: {namespaces} in {polled:.1f} s; history series in memory: {len(keys)}")
    print(f"RSS before monitor {baseline:.0f} MiB, after first poll ({'recorded' if record else 'no history file'}) "
          f"{after_poll:.0f} MiB, "
          f"with {hours:g} h of history {after_day:.0f} MiB ({after_day - after_poll:+.1f} MiB for the rings)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--no-history", action="store_true", help="no history file: the baseline")
    options = parser.parse_args()
    asyncio.run(main(options.hours, not options.no_history))
