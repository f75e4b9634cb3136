"""Fetching a whole system at once, concurrently within the connection budget.

MAPI lists return names only, so a full read is one request per tenant, namespace and
link on top of the lists. A fixed set of workers (as many as the client may have
requests in flight, plus a few to keep the pipe full while others parse) takes jobs
from a queue; a list job adds the jobs for its items. One failing resource is recorded
and the rest carries on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hcpdash.hcp import mapi
from hcpdash.hcp.client import HcpClient
from hcpdash.hcp.errors import HcpError
from hcpdash.hcp.models import Link, Namespace, NodeStatistics, NodeStatus, ReplicationService, Statistics, Tenant

__all__ = ["FetchFailure", "NamespaceData", "SystemData", "TenantData", "fetch_system"]


@dataclass(frozen=True, slots=True)
class FetchFailure:
    resource: str
    error: HcpError


@dataclass(frozen=True, slots=True)
class NamespaceData:
    name: str
    namespace: Namespace | None
    statistics: Statistics | None


@dataclass(frozen=True, slots=True)
class TenantData:
    name: str
    tenant: Tenant | None
    statistics: Statistics | None
    namespaces: dict[str, NamespaceData]


@dataclass(frozen=True, slots=True)
class SystemData:
    """Everything one full fetch read; ``failures`` lists what could not be read and why."""

    system: str
    replication_service: ReplicationService | None
    links: dict[str, Link]
    tenants: dict[str, TenantData]
    node_statistics: NodeStatistics | None
    node_status: tuple[NodeStatus, ...]
    failures: tuple[FetchFailure, ...]
    requests: int
    elapsed_s: float


@dataclass(slots=True)
class _Collected:
    replication_service: ReplicationService | None = None
    links: dict[str, Link] = field(default_factory=dict)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    tenant_names: list[str] = field(default_factory=list)
    tenant_stats: dict[str, Statistics] = field(default_factory=dict)
    namespace_names: dict[str, list[str]] = field(default_factory=dict)
    namespaces: dict[tuple[str, str], Namespace] = field(default_factory=dict)
    namespace_stats: dict[tuple[str, str], Statistics] = field(default_factory=dict)
    node_statistics: NodeStatistics | None = None
    failures: list[FetchFailure] = field(default_factory=list)
    requests: int = 0


class _Jobs:
    """A queue of request jobs drained by ``width`` workers; jobs may add jobs."""

    def __init__(self, width: int, collected: _Collected) -> None:
        self._queue: asyncio.Queue[tuple[str, Callable[[], Awaitable[Any]], Callable[[Any], None]]] = asyncio.Queue()
        self._width = width
        self._collected = collected

    def add(self, resource: str, request: Callable[[], Awaitable[Any]], keep: Callable[[Any], None]) -> None:
        self._queue.put_nowait((resource, request, keep))

    async def run(self) -> None:
        workers = [asyncio.create_task(self._work()) for _ in range(self._width)]
        try:
            await self._queue.join()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _work(self) -> None:
        while True:
            resource, request, keep = await self._queue.get()
            try:
                self._collected.requests += 1
                keep(await request())
            except HcpError as exc:
                self._collected.failures.append(FetchFailure(resource, exc))
            finally:
                self._queue.task_done()


async def fetch_system(client: HcpClient, *, links: bool = True, tenants: bool = True,
                       namespace_details: bool = True, statistics: bool = True,
                       node_statistics: bool = True, probes: bool = True) -> SystemData:
    """Read one system: replication service and links, tenants, namespaces with details and
    statistics, node statistics and a ``/node_status`` probe of every node address."""
    started = time.perf_counter()
    got = _Collected()
    await client.refresh_addresses()
    jobs = _Jobs(client.connection_cap + 4, got)

    def keep_namespaces(tenant_name: str) -> Callable[[tuple[str, ...]], None]:
        def keep(names: tuple[str, ...]) -> None:
            got.namespace_names[tenant_name] = list(names)
            for name in names:
                key = (tenant_name, name)
                if namespace_details:
                    jobs.add(f"namespace {tenant_name}/{name}", lambda k=key: mapi.namespace(client, *k),
                             lambda ns, k=key: got.namespaces.__setitem__(k, ns))
                if statistics:
                    jobs.add(f"namespace {tenant_name}/{name} statistics",
                             lambda k=key: mapi.namespace_statistics(client, *k),
                             lambda st, k=key: got.namespace_stats.__setitem__(k, st))
        return keep

    def keep_tenant_names(names: tuple[str, ...]) -> None:
        got.tenant_names = list(names)
        for name in names:
            jobs.add(f"tenant {name}", lambda n=name: mapi.tenant(client, n),
                     lambda t, n=name: got.tenants.__setitem__(n, t))
            if statistics:
                jobs.add(f"tenant {name} statistics", lambda n=name: mapi.tenant_statistics(client, n),
                         lambda st, n=name: got.tenant_stats.__setitem__(n, st))
            jobs.add(f"tenant {name} namespaces", lambda n=name: mapi.namespace_names(client, n),
                     keep_namespaces(name))

    def keep_link_names(names: tuple[str, ...]) -> None:
        for name in names:
            jobs.add(f"link {name}", lambda n=name: mapi.link(client, n),
                     lambda link, n=name: got.links.__setitem__(n, link))

    if links:
        jobs.add("replication service", lambda: mapi.replication_service(client),
                 lambda s: setattr(got, "replication_service", s))
        jobs.add("replication links", lambda: mapi.link_names(client), keep_link_names)
    if tenants:
        jobs.add("tenants", lambda: mapi.tenant_names(client), keep_tenant_names)
    if node_statistics:
        jobs.add("node statistics", lambda: mapi.node_statistics(client),
                 lambda s: setattr(got, "node_statistics", s))
    probing = asyncio.create_task(client.probe_all()) if probes else None
    try:
        await jobs.run()
        node_status = await probing if probing is not None else ()
    finally:
        if probing is not None and not probing.done():
            probing.cancel()
    return SystemData(
        system=client.name,
        replication_service=got.replication_service,
        links=got.links,
        tenants={name: TenantData(
            name=name, tenant=got.tenants.get(name), statistics=got.tenant_stats.get(name),
            namespaces={ns: NamespaceData(ns, got.namespaces.get((name, ns)), got.namespace_stats.get((name, ns)))
                        for ns in got.namespace_names.get(name, [])},
        ) for name in got.tenant_names},
        node_statistics=got.node_statistics,
        node_status=tuple(node_status),
        failures=tuple(got.failures),
        requests=got.requests + len(node_status),
        elapsed_s=time.perf_counter() - started,
    )
