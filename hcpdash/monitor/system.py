"""The monitor of one HCP system: its polls, its readings and the snapshot they make.

Each poll updates one reading; a failed poll keeps the last good value and records
the error. After every poll the snapshot is rebuilt from the readings and handed to
the service, which publishes it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from hcpdash.config import PollIntervals, SystemConfig
from hcpdash.hcp import HcpClient, HcpError, chargeback, mapi
from hcpdash.hcp.models import Link, NodeStatistics, NodeStatus, ReplicationService
from hcpdash.monitor import collect, nodes, views
from hcpdash.monitor.activity import Activity, ActivityTracker
from hcpdash.monitor.collect import Failure
from hcpdash.monitor.history import History
from hcpdash.monitor.node_inventory import NodeInventory
from hcpdash.monitor.snapshot import (
    DnsCheck,
    LinkView,
    NamespaceView,
    NodeView,
    Reading,
    SystemSnapshot,
    TenantView,
)
from hcpdash.monitor.verdicts import Level, Verdict, worst

log = logging.getLogger(__name__)


class SystemMonitor:
    def __init__(self, config: SystemConfig, read_only: bool, history: History,
                 clock: Callable[[], float] = time.time, node_inventory: NodeInventory | None = None) -> None:
        self.config = config
        self.read_only = read_only
        self.node_inventory = node_inventory or NodeInventory(config.name, config.domain)
        self.client = HcpClient(config, remembered=self.node_inventory.addresses)
        self.history = history
        self.clock = clock
        poll = config.poll
        self.readings: dict[str, Reading[Any]] = {
            "nodes": Reading(interval=poll.node_status), "dns": Reading(interval=poll.node_status),
            "node_statistics": Reading(interval=poll.node_statistics),
            "replication": Reading(interval=poll.replication_service), "links": Reading(interval=poll.links),
            "tenants": Reading(interval=poll.namespaces),
        }
        self.probes: dict[str, NodeStatus] = {}
        self.inventory: collect.Inventory | None = None
        self._listing_task: asyncio.Future[tuple[collect.Inventory, Failure | None]] | None = None
        self.stats: collect.StatisticsRead | None = None
        self.perms: collect.PermissionsRead | None = None
        self.raw_links: dict[str, Link] = {}
        #: The fixed start of every chargeback report, so its traffic counters only grow.
        self.report_start = chargeback.report_start(clock())
        self.activity = ActivityTracker()
        #: False reads every namespace's ``statistics`` resource instead (for comparison in ``hcpdash bench``).
        self.statistics_from_reports = True
        #: False skips each tenant's settings, which only the exporter shows (the tenant quota):
        #: the one-shot commands print none, so they do not ask HCP for them.
        self.tenant_details = True
        #: Spread per-namespace reads over their interval (set while the service runs).
        self.paced = False
        self.paused = False
        self.on_snapshot: Callable[[SystemSnapshot], None] | None = None
        self._quotas: tuple[object, object, tuple[Verdict, ...]] = (None, None, ())
        self.snapshot = self.build_snapshot()

    @property
    def name(self) -> str:
        return self.config.name

    def intervals(self) -> dict[str, tuple[float, float]]:
        """Resource → (interval, floor) from the config."""
        floors = {f.name: f.metadata["floor"] for f in dataclasses.fields(PollIntervals)}
        return {r.name: (getattr(self.config.poll, r.interval), floors[r.interval]) for r in POLLED.values()}

    # -- readings

    def _ok(self, key: str, value: Any, failure: Failure | None = None) -> None:
        old = self.readings[key]
        self.readings[key] = Reading(value, self.clock(), failure.message if failure else None,
                                     failure.kind if failure else None, failure.hint if failure else None,
                                     old.interval, old.failures + (failure is not None))

    def _failed(self, key: str, error: HcpError) -> None:
        failure = Failure.of(error)
        self.readings[key] = self.readings[key].failed(failure.message, failure.kind, failure.hint)

    async def poll(self, resource: str) -> None:
        """Run one poll; an HCP error is recorded on its readings and raised for the schedule's back-off."""
        polled = POLLED[resource]
        started = time.perf_counter()
        try:
            await polled.poll(self)
        except HcpError as exc:
            for reading in polled.readings:
                self._failed(reading, exc)
            raise
        except Exception as exc:
            # A bug here, not an HCP answer: the reading must not pass for fresh or for read.
            log.exception("%s: poll %s broke", self.name, resource)
            for reading in polled.readings:
                self.readings[reading] = self.readings[reading].failed(
                    f"hcpdash could not process the answer ({type(exc).__name__}); see the log", "InternalError")
            raise
        finally:
            error = self.readings[polled.readings[0]].error
            log.info("%s: poll %s %s in %.3f s%s", self.name, resource, "failed" if error else "ok",
                     time.perf_counter() - started, f": {error}" if error else "")
            self.rebuild()

    def mark_unread(self, resources: tuple[str, ...], since: float, reason: str) -> None:
        """Readings of ``resources`` not updated since ``since`` (a poll stopped at a deadline)
        carry ``reason`` as their error, so nothing shows as fresh that was not read."""
        for resource in resources:
            for key in POLLED[resource].readings:
                reading = self.readings[key]
                if reading.error is None and (reading.updated_at is None or reading.updated_at < since):
                    self.readings[key] = reading.failed(reason, "Timeout")
        self.rebuild()

    async def _poll_nodes(self) -> None:
        """Resolve, then probe every address in the node inventory, not only those DNS hands out.
        (With DNS failing from the start, the client reads through the remembered addresses.)"""
        answer = await self.client.refresh_addresses()
        nodes.learn(self.node_inventory, answer, None, self.clock())
        await self._probe(self.node_inventory.addresses())
        stats: NodeStatistics | None = self.readings["node_statistics"].value
        resolution_error = self.client.snapshot().resolution_error
        if resolution_error:  # the pool kept the last answer; the reading keeps its age and says why
            self.readings["dns"] = self.readings["dns"].failed(resolution_error, "ResolutionError")
        else:
            self._ok("dns", nodes.dns_check(answer, stats, self.node_inventory.addresses()))
        self._ok("nodes", self._node_views(answer))
        now = self.clock()
        for node in self.readings["nodes"].value:
            if node.latency_p95_ms is not None:
                self.history.record(("node", self.name, node.address, "latency_ms"), now, node.latency_p95_ms)

    async def _probe(self, addresses: tuple[str, ...]) -> None:
        statuses = await asyncio.gather(*(self.client.probe(a) for a in addresses))
        self.probes.update((s.address, s) for s in statuses)

    def _node_views(self, answer: tuple[str, ...]) -> tuple[NodeView, ...]:
        """Node views from the last probes and statistics; records each node's state in the inventory."""
        now = self.clock()
        reading = self.readings["node_statistics"]
        by_address = nodes.statistics_by_address(reading.value, reading.updated_at,
                                                 self.config.thresholds.node_statistics_max_age_s)
        found = nodes.assess(self.node_inventory, self.client.snapshot(), self.probes, by_address, answer,
                             self.config.discovery.method == "static", now)
        self.node_inventory.save_if_due(now)
        return found

    async def _poll_node_statistics(self) -> None:
        stats = await mapi.node_statistics(self.client)
        self._ok("node_statistics", stats)
        known = set(self.node_inventory.addresses())
        nodes.learn(self.node_inventory, (), stats, self.clock())
        await self._probe(tuple(a for a in self.node_inventory.addresses() if a not in known))
        dns = self.readings["dns"].value
        if self.readings["nodes"].loaded and dns is not None:
            self.readings["nodes"] = dataclasses.replace(self.readings["nodes"], value=self._node_views(dns.answer))
            self.readings["dns"] = dataclasses.replace(self.readings["dns"], value=nodes.dns_check(
                dns.answer, stats, self.node_inventory.addresses()))

    async def _poll_replication_service(self) -> None:
        service: ReplicationService = await mapi.replication_service(self.client)
        self._ok("replication", service)

    async def _poll_links(self) -> None:
        found = await collect.links(self.client)
        if found.errors and not found.values:
            raise next(iter(found.errors.values()))
        self.raw_links = {**{n: link for n, link in self.raw_links.items() if n in found.errors}, **found.values}
        self._publish_links(found.summary("links"))

    def _publish_links(self, failure: Failure | None = None) -> None:
        now = self.clock()
        link_views: list[LinkView] = []
        for name in sorted(self.raw_links, key=str.casefold):
            link = self.raw_links[name]
            key = ("link", self.name, link.name)
            if link.statistics is not None:
                self.history.record((*key, "bytes_pending"), now,
                                    link.statistics.bytes_pending + link.statistics.bytes_pending_remote)
            view = views.link_view(self.name, link, self.config.thresholds, now,
                                   self.history.get((*key, "bytes_pending")))
            if view.lag_s is not None:
                self.history.record((*key, "lag_s"), now, view.lag_s)
            link_views.append(view)
        self._ok("links", tuple(link_views), failure)

    def update_link(self, link: Link) -> None:
        """A link read outside the schedule (after an action): publish it at once."""
        self.raw_links[link.name] = link
        self._publish_links()
        self.rebuild()

    def _pace(self, interval: float, refresh: bool) -> Callable[[int], collect.Pace | None]:
        """A refresh while the service runs spreads its per-namespace reads over the poll
        interval within the system's request-rate budget; the first read (and any read of a
        one-shot command) goes at once, so the screen fills without waiting."""
        def pace(requests: int) -> collect.Pace | None:
            if not (self.paced and refresh):
                return None
            return collect.Pace(requests, interval, self.config.connections.settings_rate)
        return pace

    async def _poll_namespaces(self) -> None:
        pace = self._pace(self.config.poll.namespaces, refresh=self.inventory is not None)
        found, listing_failure = await self._listing(reuse_finished=False)
        details_failure = await collect.namespace_details(self.client, found, pace(len(found.namespace_keys())))
        self.inventory = found
        self._publish_tenants(found, listing_failure or details_failure)

    async def _listing(self, reuse_finished: bool) -> tuple[collect.Inventory, Failure | None]:
        """The tenant and namespace listing under way (or, with ``reuse_finished``, the last
        one that succeeded), else a new one.

        Polls that start together share it: at start the statistics and permission reads
        begin as soon as the namespaces are named, beside the namespace settings, instead
        of each listing every tenant again or waiting for every namespace's settings."""
        task = self._listing_task
        if task is None or task.done() and not (reuse_finished and _succeeded(task)):
            task = self._listing_task = asyncio.ensure_future(collect.listing(self.client, self.tenant_details))
        return await asyncio.shield(task)

    async def _named(self) -> collect.Inventory:
        """The namespaces a per-namespace read covers: as last polled, else as listed so far."""
        if self.inventory is not None:
            return self.inventory
        found, _failure = await self._listing(reuse_finished=True)  # the namespaces poll reports its failure
        return found

    async def _poll_statistics(self) -> None:
        found = await self._named()
        self.stats, failure = await collect.statistics(self.client, found, self.report_start,
                                                       from_reports=self.statistics_from_reports)
        now = self.clock()
        self.activity.update(self.stats.namespaces, now)  # type: ignore[arg-type]
        for (tenant, ns), stats in self.stats.namespaces.items():
            self.history.record(("ns", self.name, f"{tenant}/{ns}", "used_bytes"), now, stats.storage_capacity_used)
        self._publish_tenants(found, failure)

    async def _poll_permissions(self) -> None:
        found = await self._named()
        pace = self._pace(self.config.poll.permissions, refresh=self.perms is not None)
        self.perms, failure = await collect.permissions(self.client, found, self.config.data_access, pace)
        self._publish_tenants(found, failure)

    def _publish_tenants(self, listed: collect.Inventory, failure: Failure | None) -> None:
        """The tenants reading from the last namespaces poll, or (before one finished) from the
        listing: figures read so far are shown, settings not yet read are not."""
        inv = self.inventory or listed
        stats, perms = self.stats, self.perms
        before = {t.name: t for t in self.readings["tenants"].value or ()}
        tenants = []
        for t in sorted(inv.tenants, key=str.casefold):
            old = before.get(t)
            old_namespaces = {ns.name: ns for ns in old.namespaces} if old else {}
            namespaces = tuple(_same_or_new(old_namespaces.get(ns), NamespaceView(
                t, ns, inv.details.get((t, ns)), stats.namespaces.get((t, ns)) if stats else None,
                perms.masks.get((t, ns)) if perms else None, perms.proc.get((t, ns)) if perms else None,
                self.activity.get((t, ns))))
                for ns in inv.namespaces.get(t, ()))
            activity = Activity.total(ns.activity for ns in namespaces if ns.activity is not None)
            tenants.append(_same_or_new(old, TenantView(
                t, inv.tenants.get(t), stats.tenants.get(t) if stats else None, namespaces, activity)))
        self._ok("tenants", tuple(tenants), failure)

    # -- the snapshot

    def verdicts(self) -> list[Verdict]:
        r = self.readings
        thresholds = self.config.thresholds
        found: list[Verdict] = []
        pool = self.client.pool                     # its two figures, not a snapshot of every address
        if r["nodes"].error_kind == "ResolutionError" or (pool.unreachable and r["nodes"].loaded):
            found.append(Verdict(Level.CRITICAL, f"system unreachable: {r['nodes'].error or 'every node failing'}"))
        if r["nodes"].loaded:
            found.extend(nodes.node_verdicts(r["nodes"].value or (), thresholds, self.clock(),
                                             self.config.expected_nodes))
        dns: DnsCheck | None = r["dns"].value
        if dns is not None and dns.missing and r["node_statistics"].loaded:
            found.append(Verdict(Level.WARNING, f"DNS answer lacks {', '.join(dns.missing)}", "dns"))
        if r["dns"].error and not r["nodes"].error:
            using = (f"using the answer of {r['dns'].age(self.clock()):.0f} s ago" if r["dns"].loaded else
                     f"reading through the {len(pool.addresses)} node addresses remembered from earlier runs")
            found.append(Verdict(Level.WARNING, f"DNS: {r['dns'].error}; {using}", "dns"))
        found.extend(view.verdict for view in r["links"].value or () if view.verdict.level is not Level.OK)
        found.extend(self._quota_verdicts(r["tenants"].value or ()))
        for key, reading in r.items():
            if reading.error and reading.error_kind != "ResolutionError":
                hint = f" ({reading.hint})" if reading.hint and reading.hint not in reading.error else ""
                found.append(Verdict(Level.UNKNOWN, f"{key}: {reading.error}{hint}"))
        return found

    def _quota_verdicts(self, tenants: tuple[TenantView, ...]) -> tuple[Verdict, ...]:
        """The namespaces' quota verdicts, worked out again only when the tenants reading
        changed: the snapshot is rebuilt after every poll, most of which leave it alone."""
        thresholds = self.config.thresholds
        cached_tenants, cached_thresholds, found = self._quotas
        if cached_tenants is not tenants or cached_thresholds is not thresholds:
            found = tuple(views.quota_verdicts(tenants, thresholds))
            self._quotas = (tenants, thresholds, found)
        return found

    def rebuild(self) -> None:
        """Make a new snapshot from the readings and hand it on."""
        self.snapshot = self.build_snapshot()
        if self.on_snapshot is not None:
            self.on_snapshot(self.snapshot)

    def build_snapshot(self) -> SystemSnapshot:
        r = self.readings
        found = self.verdicts()
        env = self.config.environment
        return SystemSnapshot(
            name=self.name, domain=self.config.domain, environment=env.label, colour=env.colour,
            read_only=self.read_only, taken_at=self.clock(), paused=self.paused,
            nodes=r["nodes"], node_statistics=r["node_statistics"], dns=r["dns"], replication=r["replication"],
            links=r["links"], tenants=r["tenants"], verdicts=tuple(found), overall=worst(found),
            retries=self.client.retries)

    async def aclose(self) -> None:
        if self._listing_task is not None and not self._listing_task.done():
            self._listing_task.cancel()
            await asyncio.gather(self._listing_task, return_exceptions=True)
        await self.client.aclose()


def _succeeded(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


@dataclass(frozen=True, slots=True)
class PolledResource:
    """One resource the monitor polls: its interval (a PollIntervals field), the readings a
    failure marks, how to poll it, and whether a running monitor spreads its reads."""

    name: str
    interval: str
    readings: tuple[str, ...]
    poll: Callable[[SystemMonitor], Awaitable[None]]
    paced: bool = False


POLLED: dict[str, PolledResource] = {r.name: r for r in (
    PolledResource("nodes", "node_status", ("nodes", "dns"), SystemMonitor._poll_nodes),
    PolledResource("node_statistics", "node_statistics", ("node_statistics",), SystemMonitor._poll_node_statistics),
    PolledResource("replication_service", "replication_service", ("replication",),
                   SystemMonitor._poll_replication_service),
    PolledResource("links", "links", ("links",), SystemMonitor._poll_links),
    PolledResource("namespaces", "namespaces", ("tenants",), SystemMonitor._poll_namespaces, paced=True),
    PolledResource("statistics", "statistics", ("tenants",), SystemMonitor._poll_statistics),
    PolledResource("permissions", "permissions", ("tenants",), SystemMonitor._poll_permissions, paced=True),
)}
RESOURCES = tuple(POLLED)
PACED = tuple(r.name for r in POLLED.values() if r.paced)
SUMMARISED = tuple(r for r in RESOURCES if r != "permissions")
"""Every resource but the permission masks (and the /proc views read with them), which only the
dashboard's tables and ``hcpdash namespaces`` show: no verdict or metric is made of them, so
``check`` and ``serve`` do not ask HCP for them (at 10,000 namespaces a quarter of the requests)."""

T = TypeVar("T")


def _same_or_new(old: T | None, new: T) -> T:
    """Keep the old object when nothing changed, so panes can skip it by identity."""
    return old if old is not None and old == new else new
