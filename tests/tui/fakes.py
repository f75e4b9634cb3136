"""A monitor that serves prepared snapshots, so the dashboard is tested without any HCP.

The data is built from the real model dataclasses: two systems, four nodes each,
a few tenants and namespaces (one near its quota, one with a hostile name), an
active/active and an active/passive link, and a handful of events.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

from hcpdash.config import Config, Credentials, Environment, Secret, SystemConfig, Thresholds
from hcpdash.hcp import action_validity
from hcpdash.hcp.models import (
    FailoverSettings,
    FailoverSide,
    Link,
    LinkAction,
    LinkConnection,
    LinkStatistics,
    LinkStatus,
    LinkType,
    Namespace,
    NodeState,
    NodeStatistics,
    NodeStats,
    PermissionFlags,
    ProcPermissions,
    ProcStatistics,
    ReplicationService,
    RetentionClass,
    RetentionClasses,
    Statistics,
    Volume,
)
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.api import ActionResult, OtherEnd, Preflight
from hcpdash.monitor.events import EventLog, Severity
from hcpdash.monitor.history import History
from hcpdash.monitor.preflight import build_preflight
from hcpdash.monitor.snapshot import (
    DnsCheck,
    JoinedLink,
    LinkView,
    NamespaceView,
    NodeView,
    ProcView,
    Reading,
    SystemSnapshot,
    TenantView,
)
from hcpdash.monitor.verdicts import OK, Level, Verdict
from hcpdash.monitor.views import join_links

NOW = 1_760_000_000.0
GB = 1024**3
SYSTEMS = ("hcp1", "hcp2")


DNS_FAILOVER_ON = ReplicationService(True, True, "[hcp_system]", 60, "ENABLED", "ON", None)


def clock() -> float:
    return NOW


def system_config(name: str, label: str, colour: str, read_only: bool = False) -> SystemConfig:
    return SystemConfig(name=name, domain=f"{name}.example.com",
                        credentials=Credentials("monitor", Secret("inline", ("secret",))),
                        environment=Environment(label, colour), read_only=read_only)


def make_config(read_only: bool = False, theme: str = "dark", bindings: dict[str, str] | None = None) -> Config:
    return Config(systems=(system_config("hcp1", "prod", "red"), system_config("hcp2", "dr", "blue")),
                  read_only=read_only, theme=theme, bindings=bindings or {})


def node_stats(number: int, address: str, cpu: float, free: int) -> NodeStats:
    return NodeStats(
        node_number=number, frontend_ip_addresses=(address,), backend_ip_address=f"172.16.0.{number}",
        management_ip_addresses=(), open_http_connections=3 * number, open_https_connections=20 + number,
        max_http_connections=255, max_https_connections=255, cpu_user=cpu, cpu_system=cpu / 4, cpu_max=100.0,
        io_wait=1.5 * number, swap_out=0.0, max_front_end_bandwidth=None, front_end_bytes_read=None,
        front_end_bytes_written=None, max_back_end_bandwidth=None, back_end_bytes_read=None,
        back_end_bytes_written=None, max_management_port_bandwidth=None, management_bytes_read=None,
        management_bytes_written=None, collection_timestamp=int(NOW * 1000),
        volumes=(Volume("vol0", None, None, 12.0, None, 4000 * GB, free * 40 * GB, None, None),),
    )


def node_view(system: int, number: int, down: bool = False) -> NodeView:
    address = f"10.{system}.0.{10 + number}"
    return NodeView(
        address=address, pool_state="ejected" if down else ("suspect" if number == 3 and system == 2 else "healthy"),
        probe=NodeState.UNAVAILABLE if down else NodeState.UP, probe_ms=None if down else 3.0 + number,
        latency_p50_ms=None if down else 10.0 + 4 * number, latency_p95_ms=None if down else 40.0 + 30 * number,
        latency_max_ms=None if down else 120.0 + number, latency_ewma_ms=None if down else 12.0 + number,
        connect_ms=None if down else 2.0 + number / 2, requests=1000 * number + system, errors=0 if not down else 7,
        last_error="ConnectError: connection refused" if down else None, in_dns=not down,
        stats=node_stats(number, address, 10.0 * number, 60 - 10 * number),
        state="down" if down else ("suspect" if number == 3 and system == 2 else "up"),
        node_number=number, first_seen=NOW - 86400, last_seen=NOW - 300 if down else NOW,
        state_since=NOW - 300 if down else NOW - 86400, in_statistics=not down,
    )


def flags(**overrides: bool) -> PermissionFlags:
    values: dict[str, Any] = dict(browse=True, read=True, write=True, read_acl=True, write_acl=False,
                                  change_owner=False, delete=True, privileged=False, purge=False, search=True)
    values.update(overrides)
    return PermissionFlags(**values)


def namespace(tenant: str, name: str, hard_gb: int, soft: int = 85) -> Namespace:
    return Namespace(
        name=name, tenant=tenant, id=f"id-{tenant}-{name}", fully_qualified_name=f"{name}.{tenant}.hcp1.example.com",
        description="", hard_quota_bytes=hard_gb * GB, soft_quota_percent=soft, creation_time="2024-01-02T10:00:00+0000",
        hash_scheme="SHA-256", enterprise_mode=True, dpl="Dynamic", search_enabled=True, indexing_enabled=True,
        custom_metadata_indexing_enabled=False, replication_enabled=True, read_from_replica=True,
        service_remote_system_requests=True, acls_usage="ENFORCED", optimized_for="CLOUD", owner="ops",
        owner_type="LOCAL", append_enabled=False, allow_erasure_coding=False, multipart_upload_auto_abort_days=30,
        auth_minimum_permissions=frozenset({"BROWSE", "READ"}),
        auth_and_anonymous_minimum_permissions=frozenset(), tags=("finance",),
    )


def statistics(objects: int, used: int) -> Statistics:
    return Statistics(object_count=objects, ingested_volume=used, storage_capacity_used=used,
                      custom_metadata_count=objects // 10, custom_metadata_size=objects * 20, shred_count=0,
                      shred_size=0)


def activity(mb_in: float, mb_out: float) -> Activity:
    return Activity(mb_in * 1024**2, mb_out * 1024**2, mb_out * 16, mb_in * 4, 0.5)


def namespace_view(tenant: str, name: str, objects: int, used: int, hard_gb: int, with_proc: bool = False,
                   soft: int = 85, busy: Activity | None = None) -> NamespaceView:
    proc = None
    if with_proc:
        proc = ProcView(
            statistics=ProcStatistics(name, hard_gb * GB, used, soft, objects, 0, 0, objects // 10, objects * 20),
            permissions=ProcPermissions(name, flags(), flags(purge=True), flags(delete=False), flags(delete=False)),
            retention_classes=RetentionClasses(name, (RetentionClass("legal-7y", "A+7y", True, "seven years"),
                                                      RetentionClass("hold", "-1", False, "[red]forever[/red]"))),
        )
    return NamespaceView(tenant, name, namespace(tenant, name, hard_gb, soft), statistics(objects, used),
                         frozenset({"READ", "WRITE", "DELETE", "SEARCH"}), proc, busy)


def tenant_views(system: int) -> tuple[TenantView, ...]:
    finance = (
        namespace_view("finance", "ledger", 1_250_000, 460 * GB, 500, with_proc=True, busy=activity(3.5, 1.25)),
        namespace_view("finance", "invoices", 88_000, 12 * GB, 200, busy=activity(0, 0.5)),
        namespace_view("finance", "[bold red]x", 3, 1024, 10),
    )
    media = (
        namespace_view("media", "video", 42_000, 700 * GB, 2000),
        namespace_view("media", "thumbnails", 9_800_000, 95 * GB, 1000, busy=activity(12, 30)),
    )
    return (
        TenantView("finance", None, statistics(1_338_003, 472 * GB), finance),
        TenantView("media", None, statistics(9_842_000, 795 * GB), media),
    )


def link(name: str, type_: LinkType, pending: int, remote: int = 0, status: LinkStatus = LinkStatus.GOOD,
         message: str = "Synchronizing data", lag_s: float = 42.0, suspended: bool = False) -> Link:
    stats = LinkStatistics(
        up_to_date_as_of_string="2025-10-09T08:52:38+0000", up_to_date_as_of_millis=int((NOW - lag_s) * 1000),
        bytes_pending=pending, bytes_pending_remote=remote, bytes_replicated=9 * 1024 * GB,
        bytes_per_second=25 * 1024**2, objects_pending=pending // (4 * 1024**2), objects_pending_remote=remote // (4 * 1024**2),
        objects_replicated=3_000_000, operations_per_second=120.0, errors=2, errors_per_second=0.0,
        objects_verified=None, objects_replicated_after_verification=None,
    )
    side = FailoverSide(auto_failover=False, auto_failover_minutes=120, auto_complete_recovery=False,
                        auto_complete_recovery_minutes=None)
    return Link(name=name, type=type_, description=f"{name} between hcp1 and hcp2",
                connection=LinkConnection("hcp1.example.com", 5748, "hcp2.example.com", 5748), compression=True,
                encryption=True, priority="OLDEST_FIRST", failover_settings=FailoverSettings(side, side),
                id=f"id-{name}", statistics=stats, status=status, status_message=message, suspended=suspended)


def link_views(system: str, aa_message: str = "Synchronizing data") -> tuple[LinkView, ...]:
    ap_type = LinkType.OUTBOUND if system == "hcp1" else LinkType.INBOUND
    aa = link("aa-finance", LinkType.ACTIVE_ACTIVE, 3 * GB, 1 * GB, message=aa_message)
    ap = link("ap-archive", ap_type, 40 * GB, status=LinkStatus.WARNING, message="Sending data", lag_s=1500.0)
    return (
        LinkView(system, aa, 42.0, 3 * GB / (25 * 1024**2), OK),
        LinkView(system, ap, 1500.0, 40 * GB / (25 * 1024**2),
                 Verdict(Level.WARNING, "replication lag 25 min at or above the warning threshold", "ap-archive")),
    )


def snapshot(name: str, *, down: tuple[int, ...] = (), tenants: Reading[tuple[TenantView, ...]] | None = None,
             taken_at: float = NOW, **changes: Any) -> SystemSnapshot:
    index = SYSTEMS.index(name) + 1
    nodes = tuple(node_view(index, n, down=n in down) for n in range(1, 5))
    answer = tuple(n.address for n in nodes if n.in_dns)
    overall = Verdict(Level.WARNING, "replication lag 25 min at or above the warning threshold", "ap-archive")
    base = SystemSnapshot(
        name=name, domain=f"{name}.example.com", environment="prod" if name == "hcp1" else "dr",
        colour="red" if name == "hcp1" else "blue", read_only=False, taken_at=taken_at,
        nodes=Reading(nodes, NOW - 2, interval=5.0),
        node_statistics=Reading(NodeStatistics(int(NOW * 1000), tuple(n.stats for n in nodes if n.stats)), NOW - 30,
                                interval=3600.0),
        dns=Reading(DnsCheck(answer, tuple(n.address for n in nodes)), NOW - 2, interval=5.0),
        links=Reading(link_views(name), NOW - 3, interval=10.0),
        tenants=tenants or Reading(tenant_views(index), NOW - 20, interval=60.0),
        verdicts=(overall,), overall=overall,
    )
    return dataclasses.replace(base, **changes) if changes else base


def forbidden_tenants() -> Reading[tuple[TenantView, ...]]:
    return Reading(None, None, "403 Forbidden: /mapi/tenants", "AuthenticationError",
                   "needs a system-level account with the MONITOR or ADMINISTRATOR role", 60.0)


class FakeMonitor:
    """Implements the ``Monitor`` protocol with prepared data; records every action."""

    def __init__(self, config: Config | None = None, snapshots: dict[str, SystemSnapshot] | None = None,
                 outcome: str = "ok") -> None:
        config = config or make_config()
        self.systems = config.systems
        self.read_only_systems = {s.name for s in config.systems if config.is_read_only(s)}
        self.events = EventLog(clock=clock)
        self.history = History(capacity=60)
        self._snapshots = snapshots or {name: snapshot(name) for name in SYSTEMS}
        self._listeners: list[Callable[[SystemSnapshot], None]] = []
        self._paused = False
        self.outcome = outcome
        self.unrecorded: str | None = None
        self.started = self.stopped = False
        self.refreshes = 0
        self.scales: list[float] = []
        self.preflights: list[tuple[str, str, LinkAction]] = []
        self.executed: list[tuple[Preflight, str]] = []
        self.unreachable: set[str] = set()
        """Systems whose end of a link cannot be read by the preflight."""
        self.preflight_gate: asyncio.Event | None = None
        """When set, each preflight waits for it: the "reading both ends" moment, held open."""
        self._fill_history()
        self.events.add("hcp1", "node", "10.1.0.11", "node up", Severity.INFO)
        self.events.add("hcp2", "link", "ap-archive", "lag 25 min crossed the warning threshold", Severity.WARNING)
        self.events.add("hcp2", "poll", "tenants", "poll failed: [b]Timeout[/b] after 30 s", Severity.WARNING)

    def _fill_history(self) -> None:
        for index, system in enumerate(SYSTEMS, 1):
            for step in range(30):
                t = NOW - 300 + 10 * step
                for number in range(1, 5):
                    self.history.record(("node", system, f"10.{index}.0.{10 + number}", "latency_ms"), t,
                                        10 + number * 3 + (step * 7 + number) % 11)
                for name, base in (("aa-finance", 3 * GB), ("ap-archive", 40 * GB)):
                    self.history.record(("link", system, name, "bytes_pending"), t, base + (step % 7) * GB)
                    self.history.record(("link", system, name, "lag_s"), t, 30 + (step % 9) * 20)

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    def snapshots(self) -> dict[str, SystemSnapshot]:
        return dict(self._snapshots)

    def joined_links(self) -> tuple[JoinedLink, ...]:
        return join_links(self._snapshots.values())

    def subscribe(self, listener: Callable[[SystemSnapshot], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, snap: SystemSnapshot) -> None:
        """What the poller does after each poll: store, then tell every listener."""
        self._snapshots[snap.name] = snap
        for listener in list(self._listeners):
            listener(snap)

    def is_read_only(self, system: str) -> bool:
        return system in self.read_only_systems

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def refresh_now(self) -> None:
        self.refreshes += 1

    def scale_intervals(self, factor: float) -> None:
        self.scales.append(factor)

    async def preflight(self, system: str, link_name: str, action: LinkAction) -> Preflight:
        """The real preflight on the prepared links; the other end is the other system's copy, read "now"."""
        self.preflights.append((system, link_name, action))
        if self.preflight_gate is not None:
            await self.preflight_gate.wait()
        here = next(v.link for v in self._snapshots[system].links.value or () if v.link.name == link_name)
        other_system = next(name for name in self._snapshots if name != system)
        if other_system in self.unreachable:
            other = OtherEnd(other_system, None, None, "cannot connect (ConnectError: all connection attempts failed)")
        else:
            there = next(v.link for v in self._snapshots[other_system].links.value or () if v.link.name == link_name)
            other = OtherEnd(other_system, there, DNS_FAILOVER_ON)
        validity = action_validity(action, here)
        return build_preflight(system, here, action, validity.allowed,
                               validity.reason or "valid for this link's type, side and state", Thresholds(), NOW,
                               DNS_FAILOVER_ON, other)

    async def execute(self, preflight: Preflight, reason: str, wait_settle: bool = False) -> ActionResult:
        self.executed.append((preflight, reason))
        self.events.add(preflight.system, "action", preflight.link_name,
                        f"{preflight.action.value} sent: {self.outcome}",
                        Severity.INFO if self.outcome == "ok" else Severity.CRITICAL)
        return ActionResult(self.outcome, f"{preflight.action.value} accepted by HCP", "Failed over", self.unrecorded)
