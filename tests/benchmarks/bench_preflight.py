"""What reading both ends costs a preflight: wall time against the simulator, as a ratio.

Baseline (same run, same simulator, same warm connections): the preflight reading only
this end, as it did before it read the other end. Then the preflight reading both ends,
and with the other system down (its nodes stopped: connections are refused).

    .venv/bin/python tests/benchmarks/bench_preflight.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from hcpdash.demo import demo_config
from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.sim import SimOptions, SimulatorThread

LINK = "hcp1-hcp2-ap"


async def _timed_ms(run) -> float:  # noqa: ANN001 - an async callable
    started = time.perf_counter()
    await run()
    return (time.perf_counter() - started) * 1000


async def _medians_ms(rounds: int, *runs) -> list[float]:  # noqa: ANN002 - async callables
    """Warm every path up, then time them alternately, so neither gains from going second."""
    for run in runs:
        await run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for measured, run in zip(times, runs, strict=True):
            measured.append(await _timed_ms(run))
    return [statistics.median(measured) for measured in times]


async def main(rounds: int) -> None:
    with SimulatorThread(SimOptions(tenants=1, namespaces=1)) as sim, tempfile.TemporaryDirectory() as tmp:
        monitor = MonitorService(demo_config(sim.config_text(), Path(tmp)),
                                 journal=AuditJournal(Path(tmp) / "audit.jsonl"))
        replica = monitor.system_monitor("hcp2")
        others = [m for name, m in monitor._monitors.items() if name != "hcp2"]  # noqa: SLF001
        try:
            await monitor.poll_once(["links"])
            this_end, both = await _medians_ms(
                rounds, lambda: monitor.actions.preflight(replica, LINK, LinkAction.FAIL_OVER),
                lambda: monitor.actions.preflight(replica, LINK, LinkAction.FAIL_OVER, others))
            for address in sim.systems[0].addresses:
                await asyncio.to_thread(sim.control, "POST", f"/nodes/hcp1/{address}", {"up": False})
            (down,) = await _medians_ms(
                rounds, lambda: monitor.actions.preflight(replica, LINK, LinkAction.FAIL_OVER, others))
        finally:
            await monitor.stop()
    print(f"preflight, this end only (baseline): {this_end:8.2f} ms median of {rounds}")
    print(f"preflight, both ends:                {both:8.2f} ms  ({both / this_end:.2f}x baseline)")
    print(f"preflight, other end down:           {down:8.2f} ms  ({down / this_end:.2f}x baseline)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    asyncio.run(main(parser.parse_args().rounds))
