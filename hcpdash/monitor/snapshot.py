"""Immutable snapshots: what the monitor knows about one HCP system at one moment.

Each resource is a :class:`Reading`: the value of the last *good* poll, when that was,
and the error of the last poll if it failed. So a failing poll never blanks a pane:
the last good data stays, marked with its age and the reason it is not fresher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from hcpdash.hcp.models import (
    Link,
    Namespace,
    NodeState,
    NodeStatistics,
    NodeStats,
    ProcPermissions,
    ProcStatistics,
    ReplicationService,
    RetentionClasses,
    Statistics,
    Tenant,
)
from hcpdash.hcp.pool import LatencySummary
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.node_inventory import LOST_STATES
from hcpdash.monitor.verdicts import OK, Verdict

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reading(Generic[T]):
    """The latest knowledge of one resource."""

    value: T | None = None
    updated_at: float | None = None
    """Wall-clock time of the last successful poll (None: never succeeded)."""
    error: str | None = None
    """The last poll's error, one line; None when the last poll succeeded."""
    error_kind: str | None = None
    """The error class, e.g. ``AuthenticationError``, ``NotAnHcp``, ``Timeout``."""
    hint: str | None = None
    """What would fix it, e.g. the role needed."""
    interval: float = 0.0
    """Poll interval, to judge staleness."""
    failures: int = 0
    """Polls of this resource that ended with an error, since the monitor started."""

    @property
    def loaded(self) -> bool:
        return self.updated_at is not None

    def age(self, now: float) -> float | None:
        return None if self.updated_at is None else max(0.0, now - self.updated_at)

    def is_stale(self, now: float) -> bool:
        """Older than two intervals plus slack: a poll was missed or failed."""
        age = self.age(now)
        return age is not None and self.interval > 0 and age > 2 * self.interval + 5

    def failed(self, error: str, kind: str, hint: str | None = None) -> Reading[T]:
        """The same data, now with the error of the poll that just failed."""
        return Reading(self.value, self.updated_at, error, kind, hint, self.interval, self.failures + 1)


@dataclass(frozen=True, slots=True)
class NodeView:
    """One node address: how our pool sees it, what its probe said, what MAPI reports."""

    address: str
    pool_state: str
    """``healthy``, ``suspect`` or ``ejected`` in our connection pool."""
    probe: NodeState | None
    probe_ms: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_max_ms: float | None
    latency_ewma_ms: float | None
    connect_ms: float | None
    requests: int
    errors: int
    last_error: str | None
    in_dns: bool
    stats: NodeStats | None = None
    connects: int = 0
    """Connections opened to this address (each a TLS handshake), since the monitor started."""
    ejections: int = 0
    latency: LatencySummary | None = None
    """The pool's latency figures, with the cumulative histogram."""
    state: str = "up"
    """``up``, ``read-only``, ``suspect``; or lost: ``down`` (it answers 541), ``unreachable`` (HCP still
    lists it, it does not answer) or ``missing`` (HCP no longer lists it and it does not answer)."""
    node_number: int | None = None
    first_seen: float | None = None
    last_seen: float | None = None
    """When the node was last seen available (from the node inventory, so across restarts)."""
    state_since: float | None = None
    """When the node last went from available to lost or back."""
    in_statistics: bool = False
    """Listed in node statistics that are not stale."""
    stats_age_s: float | None = None
    """How old the node statistics were when read (``collectionTimestamp`` against HCP's ``requestTime``)."""
    stats_stale: bool = False

    @property
    def lost(self) -> bool:
        return self.state in LOST_STATES


@dataclass(frozen=True, slots=True)
class DnsCheck:
    """The DNS answer for the admin name against the nodes HCP reports."""

    answer: tuple[str, ...]
    expected: tuple[str, ...]
    """Front-end addresses from node statistics, or the pool's known addresses."""

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(a for a in self.expected if a not in self.answer)

    @property
    def unexpected(self) -> tuple[str, ...]:
        return tuple(a for a in self.answer if a not in self.expected)


@dataclass(frozen=True, slots=True)
class ProcView:
    """What a data-access account sees of one namespace through ``/proc``."""

    statistics: ProcStatistics | None
    permissions: ProcPermissions | None
    retention_classes: RetentionClasses | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class NamespaceView:
    tenant: str
    name: str
    namespace: Namespace | None
    statistics: Statistics | None
    permissions: frozenset[str] | None
    """The namespace permission mask (MAPI ``/permissions``)."""
    proc: ProcView | None = None
    activity: Activity | None = None
    """Traffic rates between the last two chargeback reports; None until there are two."""

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.name}"

    @property
    def used_bytes(self) -> int | None:
        return self.statistics.storage_capacity_used if self.statistics else None

    @property
    def hard_quota_bytes(self) -> int | None:
        return self.namespace.hard_quota_bytes if self.namespace else None


@dataclass(frozen=True, slots=True)
class TenantView:
    name: str
    tenant: Tenant | None
    statistics: Statistics | None
    namespaces: tuple[NamespaceView, ...]
    activity: Activity | None = None
    """The sum of its namespaces' activity (those that have a rate)."""


@dataclass(frozen=True, slots=True)
class LinkView:
    """A link as one system sees it, with the derived figures panes and checks show."""

    system: str
    link: Link
    lag_s: float | None
    drain_eta_s: float | None
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class JoinedLink:
    """Both ends of one link when both systems are configured."""

    name: str
    ends: tuple[LinkView, ...]


@dataclass(frozen=True, slots=True)
class SystemSnapshot:
    name: str
    domain: str
    environment: str
    colour: str
    read_only: bool
    taken_at: float
    paused: bool = False
    nodes: Reading[tuple[NodeView, ...]] = field(default_factory=Reading)
    node_statistics: Reading[NodeStatistics] = field(default_factory=Reading)
    dns: Reading[DnsCheck] = field(default_factory=Reading)
    replication: Reading[ReplicationService] = field(default_factory=Reading)
    links: Reading[tuple[LinkView, ...]] = field(default_factory=Reading)
    tenants: Reading[tuple[TenantView, ...]] = field(default_factory=Reading)
    verdicts: tuple[Verdict, ...] = ()
    overall: Verdict = OK
    retries: int = 0
    """Requests the client sent again to another node, since the monitor started."""

    def readings(self) -> dict[str, Reading[object]]:
        return {"nodes": self.nodes, "node_statistics": self.node_statistics, "dns": self.dns, "replication": self.replication,
                "links": self.links, "tenants": self.tenants}
