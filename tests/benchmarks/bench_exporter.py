"""Cost of one scrape of ``hcpdash serve`` holding 10,000 namespaces.

Polls a simulated system of 100 tenants x 100 namespaces (16 nodes, 10 links) once,
then serves the snapshot twice on loopback — with per-namespace series and, as the
baseline of the same run, without them (``--no-metrics-namespaces``) — and scrapes
each over HTTP: wall time and CPU per scrape (the whole process: server thread and
client; median of the runs), bytes as sent plain and gzip-compressed, series count, and
the CPU of the render alone (collect and format, no HTTP).
Run: python tests/benchmarks/bench_exporter.py [--scrapes N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry, generate_latest

from hcpdash.bench import simulator_process
from hcpdash.config import load_config
from hcpdash.exporter.collector import SnapshotCollector
from hcpdash.exporter.server import ListenAddress, MetricsServer
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService


@dataclasses.dataclass
class Figures:
    wall_ms: float
    cpu_ms: float
    render_ms: float
    plain_bytes: int
    gzip_bytes: int
    series: int


def measure(monitor: MonitorService, namespaces: bool, scrapes: int) -> Figures:
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(monitor.snapshots, namespaces=namespaces))
    server = MetricsServer(registry, lambda: (True, "ok"), ListenAddress("127.0.0.1", 0))
    server.start()
    try:
        with httpx.Client(timeout=60) as client:
            text = client.get(server.url, headers={"Accept-Encoding": "identity"}).text
            zipped = client.get(server.url, headers={"Accept-Encoding": "gzip"})
            walls, cpus = [], []
            for _ in range(scrapes):
                cpu, wall = time.process_time(), time.perf_counter()
                client.get(server.url, headers={"Accept-Encoding": "identity"}).raise_for_status()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
    finally:
        server.stop()
    renders = []
    for _ in range(scrapes):
        started = time.process_time()
        generate_latest(registry)
        renders.append(time.process_time() - started)
    return Figures(1000 * statistics.median(walls), 1000 * statistics.median(cpus), 1000 * statistics.median(renders),
                   len(text.encode()), int(zipped.headers["content-length"]),
                   sum(1 for line in text.splitlines() if line and not line.startswith("#")))


async def poll(config_path: Path, tmp: str) -> MonitorService:
    config = load_config(config_path)
    config = dataclasses.replace(config, systems=config.systems[:1])
    monitor = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"))
    await monitor.poll_once()
    await monitor.stop()
    return monitor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scrapes", type=int, default=15)
    options = parser.parse_args()
    scale = argparse.Namespace(systems=1, nodes=16, tenants=100, namespaces=100, links=10, latency_ms=0, seed=1,
                               phase_seconds=20.0)
    with simulator_process(scale) as path, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        monitor = asyncio.run(poll(path, tmp))
        polled = time.perf_counter() - started
    tenants = monitor.snapshots()["hcp1"].tenants.value or ()
    count = sum(len(t.namespaces) for t in tenants)
    print(f"{count} namespaces in {len(tenants)} tenants, polled once in {polled:.1f} s; "
          f"median of {options.scrapes} scrapes over HTTP on loopback")
    lean = measure(monitor, namespaces=False, scrapes=options.scrapes)
    full = measure(monitor, namespaces=True, scrapes=options.scrapes)
    print(f"{'':28}{'wall ms':>10}{'CPU ms':>10}{'render CPU':>11}{'bytes':>12}{'gzip bytes':>12}{'series':>9}")
    for name, figures in (("--no-metrics-namespaces", lean), ("with namespaces", full)):
        print(f"{name:28}{figures.wall_ms:10.1f}{figures.cpu_ms:10.1f}{figures.render_ms:11.1f}"
              f"{figures.plain_bytes:12,}{figures.gzip_bytes:12,}{figures.series:9,}")
    print(f"{'ratio (namespaces / baseline)':28}{full.wall_ms / lean.wall_ms:10.1f}{full.cpu_ms / lean.cpu_ms:10.1f}"
          f"{full.render_ms / lean.render_ms:11.1f}{full.plain_bytes / lean.plain_bytes:12.1f}"
          f"{full.gzip_bytes / lean.gzip_bytes:12.1f}{full.series / lean.series:9.1f}")


if __name__ == "__main__":
    main()
