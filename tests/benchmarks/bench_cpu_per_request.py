"""Benchmark: CPU per request of the poll path, this checkout against a baseline installation.

Runs ``hcpdash bench --simulate`` (1 system, 8 nodes, 20 tenants × 25 namespaces, 20 ms)
of the baseline and of this checkout alternately, several rounds, and reads the CPU per
request of the steady cycles (all but the first, which opens the connections). As a
cross-check each round also polls the same simulated system in a child process of each
interpreter with getrusage (user + sys) taken around every cycle, its requests counted
by the simulator. Prints each figure, then medians and ranges. Not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_cpu_per_request.py --baseline /path/to/old/.venv/bin/python
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCALE = ["--systems", "1", "--nodes", "8", "--tenants", "20", "--namespaces", "25", "--latency-ms", "20"]
_CYCLE = re.compile(r"^cycle (\d+): .*?CPU ([\d.]+) s, (\d+) requests", re.MULTILINE)


def bench_cli(python: str, cycles: int) -> list[float]:
    """ms of CPU per request of each steady cycle, as ``hcpdash bench`` measures them."""
    # Run outside any checkout: ``-m hcpdash`` would import the one in the working directory.
    out = subprocess.run([python, "-m", "hcpdash", "bench", "--simulate", *SCALE, "--cycles", str(cycles)],
                         capture_output=True, text=True, check=True, timeout=600, cwd=tempfile.gettempdir()).stdout
    found = [(int(n), float(cpu), int(requests)) for n, cpu, requests in _CYCLE.findall(out)]
    if len(found) != cycles:
        raise RuntimeError(f"unexpected bench output:\n{out}")
    return [1000 * cpu / requests for n, cpu, requests in found if n > 1]


def bench_rusage(python: str, cycles: int) -> list[float]:
    """ms of CPU (getrusage user + sys) per request of each steady cycle, in a child process."""
    out = subprocess.run([python, str(Path(__file__).resolve()), "--child", str(cycles)], capture_output=True,
                         text=True, check=True, timeout=600, cwd=tempfile.gettempdir()).stdout
    return [float(x) for x in out.split()]


def child(cycles: int) -> None:
    """Poll the simulated system ``cycles`` times through MonitorService, as the dashboard does."""
    from hcpdash.bench import _simulator_counters, simulator_process
    from hcpdash.cli import build_parser
    from hcpdash.config import load_config
    from hcpdash.monitor.audit import AuditJournal
    from hcpdash.monitor.node_inventory import InventoryStore
    from hcpdash.monitor.service import MonitorService

    args = build_parser().parse_args(["bench", "--simulate", *SCALE])

    async def run(config_path: Path) -> list[float]:
        config = load_config(config_path)
        config = dataclasses.replace(config, systems=config.systems[:1])
        system = config.systems[0].name
        control = config.simulator.control_url
        figures = []
        with tempfile.TemporaryDirectory() as tmp:
            service = MonitorService(config, journal=AuditJournal(Path(tmp) / "audit.jsonl"),
                                     inventories=InventoryStore(None))
            try:
                for cycle in range(1, cycles + 1):
                    requests = _simulator_counters(control, system)[0]
                    before = resource.getrusage(resource.RUSAGE_SELF)
                    await service.poll_once()
                    after = resource.getrusage(resource.RUSAGE_SELF)
                    requests = _simulator_counters(control, system)[0] - requests
                    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                    if cycle > 1:
                        figures.append(1000 * cpu / requests)
            finally:
                await service.stop()
        return figures

    with simulator_process(args) as path:
        print(" ".join(f"{x:.4f}" for x in asyncio.run(run(path))))


def _summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} ms (range {min(values):.3f}–{max(values):.3f}, n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="python of the baseline installation (required)")
    parser.add_argument("--new", default=sys.executable, help="python of the installation measured (this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not args.baseline:
        parser.error("--baseline is required")
    results: dict[str, dict[str, list[float]]] = {"old": {"bench": [], "rusage": []},
                                                  "new": {"bench": [], "rusage": []}}
    for round_ in range(1, args.rounds + 1):
        for label, python in (("old", args.baseline), ("new", args.new)):
            for method, measure in (("bench", bench_cli), ("rusage", bench_rusage)):
                figures = measure(python, args.cycles)
                results[label][method].extend(figures)
                print(f"round {round_} {label} {method:<6} " + ", ".join(f"{x:.3f}" for x in figures) +
                      " ms/request", flush=True)
    for method in ("bench", "rusage"):
        old, new = results["old"][method], results["new"][method]
        print(f"{method}: old {_summary(old)}; new {_summary(new)}; "
              f"new/old {statistics.median(new) / statistics.median(old):.2f}x "
              f"(range {min(new) / max(old):.2f}–{max(new) / min(old):.2f}x)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
