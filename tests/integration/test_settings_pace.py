"""Per-namespace settings and permission reads spread over their interval within the
system's request-rate budget, counted at the simulator."""

from __future__ import annotations

import asyncio
import dataclasses

from hcpdash.config import ConnectionBudget, PollIntervals, parse_config
from hcpdash.monitor.history import History
from hcpdash.monitor.system import SystemMonitor
from hcpdash.sim import SimulatorThread

NAMESPACES = 24


def monitor_of(sim: SimulatorThread, *, interval_s: float, rate: float) -> SystemMonitor:
    """A running monitor of hcp1 whose permissions refresh takes ``interval_s`` (below the
    config floor, which only the schedule and the config file enforce) at ``rate``."""
    config, problems, _ = parse_config(sim.config_text())
    assert config is not None, problems
    system = dataclasses.replace(config.system("hcp1"), data_access=(),
                                 poll=PollIntervals(permissions=interval_s),
                                 connections=ConnectionBudget(settings_rate=rate))
    monitor = SystemMonitor(system, read_only=True, history=History())
    monitor.paced = True
    return monitor


def handled(sim: SimulatorThread) -> int:
    """Requests hcp1's nodes have answered (read in-process, without a request of our own)."""
    return sum(node.requests for node in sim.systems[0].nodes)


async def permissions_refresh(sim: SimulatorThread, monitor: SystemMonitor) -> tuple[list[tuple[float, int]], float]:
    """(time, requests so far) every 50 ms during a paced permissions refresh, and its duration."""
    await monitor.poll("namespaces")
    await monitor.poll("permissions")              # the first read goes at once
    loop = asyncio.get_running_loop()
    start, base = loop.time(), handled(sim)
    samples: list[tuple[float, int]] = []
    refresh = asyncio.create_task(monitor.poll("permissions"))
    async with asyncio.timeout(30):
        while not refresh.done():
            samples.append((loop.time() - start, handled(sim) - base))
            await asyncio.wait({refresh}, timeout=0.05)
    await refresh
    return samples, loop.time() - start


async def paced_refresh(make_sim, *, interval_s: float, rate: float) -> tuple[list[tuple[float, int]], float]:
    """A permissions refresh of :data:`NAMESPACES` namespaces on a fresh simulator."""
    sim = make_sim(systems=1, tenants=2, namespaces=NAMESPACES // 2)
    monitor = monitor_of(sim, interval_s=interval_s, rate=rate)
    try:
        samples, took = await permissions_refresh(sim, monitor)
    finally:
        await monitor.aclose()
    assert handled(sim) and samples[-1][1] <= NAMESPACES
    return samples, took


async def test_the_rate_budget_holds_when_the_interval_would_allow_more(make_sim) -> None:
    samples, took = await paced_refresh(make_sim, interval_s=0.5, rate=12)
    assert took >= (NAMESPACES - 1) / 12
    for at, count in samples:                       # never more than 12 in any second, nor a burst
        later = [c for t, c in samples if at < t <= at + 1.0]
        assert not later or later[-1] - count <= 12 + 1, (at, count, later[-1])


async def test_reads_spread_over_the_interval_instead_of_bursting(make_sim) -> None:
    samples, took = await paced_refresh(make_sim, interval_s=1.2, rate=1000)
    assert took >= 1.2 * (NAMESPACES - 1) / NAMESPACES
    first_half = max((c for t, c in samples if t <= 0.5), default=0)
    assert first_half <= NAMESPACES // 2 + 1, samples
