"""One read of each polled resource of a system, with partial failures kept apart.

MAPI lists return names only, so a resource is a list read plus one request per item.
Items are read by a fixed number of workers (the client's connection budget plus a
few to keep the pipe full); an item that fails is reported beside those that did not.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from hcpdash.config import DataAccess
from hcpdash.hcp import HcpClient, HcpError, chargeback, mapi, proc
from hcpdash.hcp.models import Link, Namespace, Statistics, Tenant
from hcpdash.monitor.snapshot import ProcView

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a poll failed, in the terms a Reading shows."""

    message: str
    kind: str
    hint: str | None = None

    @classmethod
    def of(cls, error: HcpError, message: str | None = None) -> Failure:
        return cls(message or str(error), type(error).__name__, getattr(error, "hint", None))


@dataclass(slots=True)
class Partial(Generic[K, V]):
    """Results by key, and the error of each key that failed."""

    values: dict[K, V] = field(default_factory=dict)
    errors: dict[K, HcpError] = field(default_factory=dict)

    def summary(self, what: str) -> Failure | None:
        """One failure standing for all, counting them; None if nothing failed."""
        if not self.errors:
            return None
        first = next(iter(self.errors.values()))
        total = len(self.errors) + len(self.values)
        return Failure.of(first, f"{len(self.errors)} of {total} {what} could not be read; first: {first}")


class Pace:
    """Starts requests one after another at a steady rate instead of all at once.

    ``requests`` spread evenly over ``over_s`` seconds, but never more than ``rate`` per
    second; shared by several reads of one poll so that together they keep the rate.
    """

    def __init__(self, requests: int, over_s: float, rate: float) -> None:
        self.spacing_s = max(over_s / max(requests, 1), 1.0 / rate)
        self._next_at: float | None = None

    async def take(self, requests: int = 1) -> None:
        """Wait for the turn of a read that costs ``requests`` requests."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = now if self._next_at is None else max(now, self._next_at)
        self._next_at = start + requests * self.spacing_s
        if start > now:
            await asyncio.sleep(start - now)


async def read_each(keys: Iterable[K], read: Callable[[K], Awaitable[V]], width: int, pace: Pace | None = None,
                    cost: int = 1) -> Partial[K, V]:
    """Read every key with at most ``width`` requests in flight; with a ``pace``, each read
    (of ``cost`` requests) waits for its turn."""
    result: Partial[K, V] = Partial()
    pending = deque(keys)                           # taken by the workers in order; never waited on

    async def work() -> None:
        while pending:
            key = pending.popleft()
            if pace is not None:
                await pace.take(cost)
            try:
                result.values[key] = await read(key)
            except HcpError as exc:
                result.errors[key] = exc

    workers = [asyncio.create_task(work()) for _ in range(max(1, min(width, len(pending))))]
    try:
        await asyncio.gather(*workers)
    finally:
        for worker in workers:
            worker.cancel()
    return result


def width(client: HcpClient) -> int:
    return client.connection_cap + 4


async def links(client: HcpClient) -> Partial[str, Link]:
    names = await mapi.link_names(client)
    return await read_each(names, lambda name: mapi.link(client, name), width(client))


@dataclass(slots=True)
class Inventory:
    """Tenants and their namespaces, as last listed."""

    tenants: dict[str, Tenant | None] = field(default_factory=dict)
    namespaces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    details: dict[tuple[str, str], Namespace] = field(default_factory=dict)

    def namespace_keys(self) -> list[tuple[str, str]]:
        return [(t, ns) for t, names in self.namespaces.items() for ns in names]


async def listing(client: HcpClient, tenant_details: bool = True) -> tuple[Inventory, Failure | None]:
    """Tenant list, namespace lists and (unless told not to) each tenant's settings: the
    names every per-namespace read needs."""
    names = await mapi.tenant_names(client)
    w = width(client)
    tenants, listed = await asyncio.gather(
        read_each(names if tenant_details else (), lambda t: mapi.tenant(client, t), w),
        read_each(names, lambda t: mapi.namespace_names(client, t), w),
    )
    found = Inventory(tenants={t: tenants.values.get(t) for t in names},
                      namespaces={t: listed.values.get(t, ()) for t in names})
    return found, listed.summary("namespace lists") or tenants.summary("tenants")


async def namespace_details(client: HcpClient, found: Inventory, pace: Pace | None = None) -> Failure | None:
    """Each listed namespace's settings, into ``found.details``."""
    keys = found.namespace_keys()
    details = await read_each(keys, lambda k: mapi.namespace(client, *k), width(client), pace)
    found.details = details.values
    return details.summary("namespaces")


@dataclass(slots=True)
class StatisticsRead:
    tenants: dict[str, Statistics]
    namespaces: dict[tuple[str, str], Statistics]


async def statistics(client: HcpClient, found: Inventory, report_start: float, *,
                     from_reports: bool = True) -> tuple[StatisticsRead, Failure | None]:
    """Each tenant's chargeback report, about one request per tenant; the ``statistics``
    resource for a tenant whose report is refused and for a namespace the report lacks.
    ``from_reports=False`` reads every ``statistics`` resource (the benchmark's baseline)."""
    w = width(client)
    tenant_names = list(found.tenants) if from_reports else []
    reports = await read_each(tenant_names, lambda t: chargeback.tenant_chargeback(client, t, report_start), w)
    read = StatisticsRead({}, {})
    missing_tenants: list[str] = []
    missing: list[tuple[str, str]] = []
    for tenant in found.tenants:
        report = reports.values.get(tenant)
        if report is None or report.total is None:
            missing_tenants.append(tenant)
        else:
            read.tenants[tenant] = report.total
        for name in found.namespaces.get(tenant, ()):
            stats = report.namespace(name) if report is not None else None
            if stats is None:
                missing.append((tenant, name))
            else:
                read.namespaces[(tenant, name)] = stats
    tenants, namespaces = await asyncio.gather(
        read_each(missing_tenants, lambda t: mapi.tenant_statistics(client, t), w),
        read_each(missing, lambda k: mapi.namespace_statistics(client, *k), w),
    )
    read.tenants.update(tenants.values)
    read.namespaces.update(namespaces.values)
    return read, namespaces.summary("namespace statistics") or tenants.summary("tenant statistics")


def data_access_for(accesses: Iterable[DataAccess], tenant: str, namespace: str) -> DataAccess | None:
    """The most specific data-access credentials for a namespace (namespace beats tenant)."""
    best = None
    for access in accesses:
        if access.tenant.casefold() != tenant.casefold():
            continue
        if access.namespace is not None and access.namespace.casefold() == namespace.casefold():
            return access
        if access.namespace is None:
            best = access
    return best


async def _proc_view(client: HcpClient, access: DataAccess, namespace: str) -> ProcView:
    results = await asyncio.gather(
        proc.statistics(client, access, namespace), proc.permissions(client, access, namespace),
        proc.retention_classes(client, access, namespace), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    for error in errors:
        if not isinstance(error, HcpError):
            raise error
    stats, perms, classes = (None if isinstance(r, BaseException) else r for r in results)
    return ProcView(stats, perms, classes, str(errors[0]) if errors else None)  # type: ignore[arg-type]


@dataclass(slots=True)
class PermissionsRead:
    masks: dict[tuple[str, str], frozenset[str]]
    proc: dict[tuple[str, str], ProcView]


async def permissions(client: HcpClient, found: Inventory, accesses: tuple[DataAccess, ...],
                      pace: Callable[[int], Pace | None] = lambda _n: None,
                      ) -> tuple[PermissionsRead, Failure | None]:
    """Each namespace's permission mask, and /proc (three requests) where credentials are
    configured; both at one ``pace(requests)``."""
    w = width(client)
    keys = found.namespace_keys()
    with_access: Mapping[tuple[str, str], DataAccess] = {
        k: a for k in keys if (a := data_access_for(accesses, *k)) is not None}
    shared = pace(len(keys) + 3 * len(with_access))
    masks, views = await asyncio.gather(
        read_each(keys, lambda k: mapi.namespace_permissions(client, *k), w, shared),
        read_each(list(with_access), lambda k: _proc_view(client, with_access[k], k[1]), w, shared, cost=3),
    )
    return PermissionsRead(masks.values, views.values), masks.summary("permission masks")
