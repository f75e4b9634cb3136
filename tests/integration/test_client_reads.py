"""Every typed read of the HCP client against the simulator (shared, unchanged simulator)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from hcpdash.config import SystemConfig, parse_config
from hcpdash.hcp import (
    AuthenticationError, HcpClient, LinkType, NodeState, NotFound, mapi, proc,
)
from hcpdash.sim import SimulatorThread


def system_config(sim: SimulatorThread, name: str = "hcp1", **changes: Any) -> SystemConfig:
    config, problems, _ = parse_config(sim.config_text())
    assert config is not None, problems
    return dataclasses.replace(config.system(name), **changes)


def node_counters(sim: SimulatorThread, system: str = "hcp1") -> dict[str, dict[str, int]]:
    state = sim.control("GET", "/state")
    found = next(s for s in state["systems"] if s["name"] == system)
    return {n["address"]: n for n in found["nodes"]}


@pytest.fixture
async def client(sim: SimulatorThread) -> AsyncIterator[HcpClient]:
    async with HcpClient(system_config(sim)) as c:
        yield c


async def test_replication_service_links_and_both_sides(sim: SimulatorThread, client: HcpClient) -> None:
    service = await mapi.replication_service(client)
    assert service.status == "ENABLED"
    names = await mapi.link_names(client)
    assert len(names) == 2
    links = [await mapi.link(client, n) for n in names]
    assert {link.type for link in links} == {LinkType.ACTIVE_ACTIVE, LinkType.OUTBOUND}
    for link in links:
        assert link.statistics is not None and link.status is not None and link.id
        assert link.failover_settings is not None
    outbound = next(link for link in links if link.type is LinkType.OUTBOUND)
    assert outbound.failover_settings.remote is not None and outbound.failover_settings.local is None
    async with HcpClient(system_config(sim, "hcp2")) as other:
        inbound = await mapi.link(other, outbound.name)
    assert inbound.type is LinkType.INBOUND and inbound.id == outbound.id
    assert inbound.failover_settings.local is not None and inbound.failover_settings.remote is None
    tenants = await mapi.link_content_tenants(client, names[0])
    assert tenants and all(t.status in ("REPLICATING", "PAUSED", "AUTO_PAUSED") for t in tenants)
    with pytest.raises(NotFound):
        await mapi.link(client, "no such link")


async def test_nodes_statistics_and_probes(sim: SimulatorThread, client: HcpClient) -> None:
    stats = await mapi.node_statistics(client)
    system = next(s for s in sim.systems if s.name == "hcp1")
    assert sorted(a for n in stats.nodes for a in n.frontend_ip_addresses) == sorted(system.addresses)
    assert all(n.volumes for n in stats.nodes)
    statuses = await client.probe_all()
    assert {s.address for s in statuses} == set(system.addresses)
    assert all(s.state is NodeState.UP and s.http_status == 204 and s.elapsed_s > 0 for s in statuses)


async def test_tenants_namespaces_statistics_and_permissions(client: HcpClient) -> None:
    names = await mapi.tenant_names(client)
    assert len(names) == 3
    tenant = await mapi.tenant(client, names[0])
    assert tenant.name == names[0] and tenant.hard_quota_bytes
    assert (await mapi.tenant_statistics(client, names[0])).object_count >= 0
    everything = await mapi.namespace_names(client, names[0])
    paged = await mapi.namespace_names(client, names[0], page_size=3)
    assert len(everything) == 4 and set(paged) == set(everything)
    page = await mapi.namespace_page(client, names[0], 3, 3)
    assert len(page.names) == 1 and page.complete
    namespace = await mapi.namespace(client, names[0], everything[0])
    assert namespace.fully_qualified_name and namespace.hard_quota_bytes and namespace.tenant == names[0]
    assert (await mapi.namespace_statistics(client, names[0], everything[0])).storage_capacity_used >= 0
    assert await mapi.namespace_permissions(client, names[0], everything[0]) <= set(mapi.PERMISSIONS)
    assert await mapi.tenant_permissions(client, names[0])
    permissions = await mapi.data_access_permissions(client, names[0], f"{names[0]}-reader")
    assert permissions.namespaces


async def test_proc_resources_with_data_access_credentials(client: HcpClient) -> None:
    admin, reader = client.system.data_access
    listing = await proc.accessible_namespaces(client, admin)
    assert listing.tenant_host_name and listing.namespaces
    namespace = listing.namespaces[0].name
    single = await proc.accessible_namespaces(client, admin, single=namespace)
    assert [n.name for n in single.namespaces] == [namespace]
    stats = await proc.statistics(client, admin, namespace)
    assert stats.namespace_name == namespace and stats.total_capacity_bytes > 0
    permissions = await proc.permissions(client, admin, namespace)
    assert permissions.user_effective.read
    classes = await proc.retention_classes(client, admin, namespace)
    assert classes.classes
    limited = await proc.permissions(client, reader, (await proc.accessible_namespaces(client, reader)).namespaces[0].name)
    assert limited.user.read and not limited.user_effective.write


async def test_full_read_rotates_evenly_and_reuses_connections(sim: SimulatorThread, reader) -> None:
    start = node_counters(sim)
    async with HcpClient(system_config(sim)) as client:
        reads = [await reader(client) for _ in range(3)]
        statuses = await client.probe_all()
        end = node_counters(sim)
        snapshot = client.snapshot()
    first = reads[0]
    assert not any(r.failures for r in reads)
    assert len(first.links) == 2 and len(first.inventory.tenants) == 3 and first.namespace_count == 12
    assert all(key in first.inventory.details and key in first.statistics.namespaces
               for key in first.inventory.namespace_keys())
    assert len(statuses) == 4
    handled = {a: end[a]["requests"] - start[a]["requests"] for a in end}
    assert max(handled.values()) - min(handled.values()) <= 0.15 * (sum(handled.values()) / len(handled))
    # keep-alive: one TLS handshake per connection, never more connections than a node's share
    handshakes = {a: end[a]["tls_handshakes"] - start[a]["tls_handshakes"] for a in end}
    assert all(1 <= h <= client.system.connections.per_node for h in handshakes.values()), handshakes
    assert sum(handshakes.values()) == sum(s.connects for s in snapshot.addresses)
    assert all(s.latency.count > 0 and s.latency.p95 is not None for s in snapshot.addresses)


async def test_wrong_password_names_the_role_and_hides_the_secret(sim: SimulatorThread) -> None:
    base = system_config(sim)
    from hcpdash.config import Credentials, Secret
    system = dataclasses.replace(base, credentials=Credentials("admin", Secret("inline", ("wrong-password-1",))))
    async with HcpClient(system) as client:
        with pytest.raises(AuthenticationError) as caught:
            await mapi.tenant_names(client)
    message = str(caught.value)
    assert "MONITOR or ADMINISTRATOR" in message and "wrong-password-1" not in message and "hcp1" in message
