"""Polls that start together (the dashboard's first poll, a one-shot command) list the
tenants and namespaces once between them, counted at the simulator."""

from __future__ import annotations

import asyncio
import dataclasses

from hcpdash.config import parse_config
from hcpdash.monitor.history import History
from hcpdash.monitor.system import SystemMonitor
from hcpdash.sim import SimulatorThread

TENANTS, PER_TENANT = 3, 4


def handled(sim: SimulatorThread) -> int:
    return sum(node.requests for node in sim.systems[0].nodes)


def monitor_of(sim: SimulatorThread) -> SystemMonitor:
    config, problems, _ = parse_config(sim.config_text())
    assert config is not None, problems
    # No /proc credentials: MAPI requests only, so the count is exact.
    return SystemMonitor(dataclasses.replace(config.system("hcp1"), data_access=()), read_only=True,
                         history=History())


async def test_first_polls_share_one_listing_and_show_every_namespace(make_sim) -> None:
    sim = make_sim(systems=1, tenants=TENANTS, namespaces=PER_TENANT)
    monitor = monitor_of(sim)
    before = handled(sim)
    try:
        async with asyncio.timeout(30):
            await asyncio.gather(*(monitor.poll(r) for r in ("statistics", "permissions", "namespaces")))
    finally:
        await monitor.aclose()
    namespaces = TENANTS * PER_TENANT
    # One tenant list; per tenant its settings, namespace list and chargeback report; per
    # namespace its settings and permission mask. Each poll listing for itself would add
    # two more tenant lists and namespace lists (and the settings of every namespace).
    assert handled(sim) - before == 1 + 3 * TENANTS + 2 * namespaces
    tenants = monitor.snapshot.tenants
    assert tenants.error is None
    shown = [ns for t in tenants.value for ns in t.namespaces]
    assert len(shown) == namespaces
    assert all(ns.namespace is not None and ns.statistics is not None and ns.permissions is not None
               for ns in shown)



async def test_a_statistics_poll_alone_shows_every_namespace_before_its_settings_are_read(make_sim) -> None:
    """With no namespaces poll under way (it failed, or has not started), the statistics poll
    lists the namespaces itself and shows its figures; settings stay unread, not invented."""
    sim = make_sim(systems=1, tenants=TENANTS, namespaces=PER_TENANT)
    monitor = monitor_of(sim)
    try:
        async with asyncio.timeout(30):
            await monitor.poll("statistics")
    finally:
        await monitor.aclose()
    shown = [ns for t in monitor.snapshot.tenants.value for ns in t.namespaces]
    assert len(shown) == TENANTS * PER_TENANT
    assert all(ns.statistics is not None and ns.namespace is None for ns in shown)
    assert monitor.snapshot.tenants.error is None
