"""Namespace statistics from each tenant's chargeback report, with the per-namespace
fallback, and activity rates between two reports, against the simulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hcpdash.config import parse_config
from hcpdash.hcp import HcpClient, Statistics, mapi
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.snapshot import NamespaceView
from hcpdash.sim import SimulatorThread

TENANTS, NAMESPACES = 3, 5


class FrozenClock:
    """The simulator's statistics clock, moved only by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def frozen(sim: SimulatorThread) -> FrozenClock:
    assert sim.simulator.cluster is not None
    clock = FrozenClock(float(int(sim.simulator.cluster.systems[0].started) + 7200))
    sim.simulator.cluster.clock = clock
    return clock


def monitor_of(sim: SimulatorThread, tmp_path: Path) -> MonitorService:
    config, problems, _ = parse_config(sim.config_text())
    assert config is not None, problems
    return MonitorService(config, journal=AuditJournal(tmp_path / "audit.jsonl"))


def requests_at(sim: SimulatorThread, system: str = "hcp1") -> int:
    state = sim.control("GET", "/state")
    return sum(n["requests"] for s in state["systems"] if s["name"] == system for n in s["nodes"])


def namespaces_of(monitor: MonitorService, system: str = "hcp1") -> list[NamespaceView]:
    return [ns for t in monitor.snapshots()[system].tenants.value or () for ns in t.namespaces]


async def statistics_resource(sim: SimulatorThread, views: list[NamespaceView]) -> dict[str, Statistics]:
    """Each namespace's ``statistics`` resource, read directly."""
    config, _, _ = parse_config(sim.config_text())
    assert config is not None
    async with HcpClient(config.system("hcp1")) as client:
        found = await asyncio.gather(*(mapi.namespace_statistics(client, v.tenant, v.name) for v in views))
    return {view.key: stats for view, stats in zip(views, found)}


async def test_report_figures_equal_the_statistics_resource_at_one_request_per_tenant(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=TENANTS, namespaces=NAMESPACES)
    frozen(sim)
    monitor = monitor_of(sim, tmp_path)
    system = monitor.system_monitor("hcp1")
    try:
        await system.poll("namespaces")
        before = requests_at(sim)
        await system.poll("statistics")
        assert requests_at(sim) - before == TENANTS
        views = namespaces_of(monitor)
        assert len(views) == TENANTS * NAMESPACES
        direct_of = await statistics_resource(sim, views)
        for view in views:
            assert view.statistics is not None and view.statistics.source == "chargeback", view.key
            got, direct = view.statistics, direct_of[view.key]
            assert (got.object_count, got.storage_capacity_used, got.ingested_volume) == (
                direct.object_count, direct.storage_capacity_used, direct.ingested_volume), view.key
        tenant = monitor.snapshots()["hcp1"].tenants.value[0]
        assert tenant.statistics is not None
        assert tenant.statistics.storage_capacity_used == sum(
            ns.statistics.storage_capacity_used for ns in tenant.namespaces)
    finally:
        await monitor.stop()


async def test_a_tenant_that_refuses_the_report_falls_back_per_namespace(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=2, namespaces=3)
    frozen(sim)
    refusing = sim.systems[0].tenants[next(iter(sim.systems[0].tenants))].name
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": f"/mapi/tenants/{refusing}/chargebackReport",
                                    "status": 403})
    monitor = monitor_of(sim, tmp_path)
    system = monitor.system_monitor("hcp1")
    try:
        await system.poll("namespaces")
        before = requests_at(sim)
        await system.poll("statistics")
        assert requests_at(sim) - before == 2 + 1 + 3   # two reports, then the refusing tenant's own reads
        snapshot = monitor.snapshots()["hcp1"]
        assert snapshot.tenants.error is None
        views = namespaces_of(monitor)
        direct = await statistics_resource(sim, views)
        for view in views:
            expected = "statistics" if view.tenant == refusing else "chargeback"
            assert view.statistics is not None and view.statistics.source == expected, view.key
            assert view.statistics.storage_capacity_used == direct[view.key].storage_capacity_used
    finally:
        await monitor.stop()


async def test_rates_appear_after_the_second_report_and_match_the_traffic(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=2)
    clock = frozen(sim)
    monitor = monitor_of(sim, tmp_path)
    system = monitor.system_monitor("hcp1")
    try:
        await system.poll("namespaces")
        await system.poll("statistics")
        assert all(view.activity is None for view in namespaces_of(monitor))
        first = {view.key: view.statistics.counters for view in namespaces_of(monitor)}
        clock.now += 60
        await system.poll("statistics")
        views = namespaces_of(monitor)
        for view in views:
            activity, now = view.activity, view.statistics.counters
            assert activity is not None, view.key
            assert activity.bytes_in_per_s == (now.bytes_in - first[view.key].bytes_in) / 60
            assert activity.bytes_in_per_s > 0 and activity.bytes_out_per_s > 0 and activity.reads_per_s > 0
        tenant = monitor.snapshots()["hcp1"].tenants.value[0]
        assert tenant.activity is not None
        assert tenant.activity.bytes_in_per_s == sum(v.activity.bytes_in_per_s for v in views)
    finally:
        await monitor.stop()
