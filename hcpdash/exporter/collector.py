"""A prometheus-client collector that renders the monitor's latest snapshots.

A scrape reads only what the poller already published (immutable snapshots), so it
never sends a request to HCP and is safe from the HTTP server's threads. Ages are
measured at scrape time, so a stalled poller shows as growing ``data_age_seconds``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from hcpdash import __version__
from hcpdash.exporter.catalogue import CATALOGUE, NAMESPACE_METRICS
from hcpdash.hcp.models import LinkStatus, NodeState, NodeStats
from hcpdash.hcp.pool import LATENCY_BUCKETS_S, AddressState
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.node_inventory import NODE_STATES
from hcpdash.monitor.snapshot import LinkView, NodeView, SystemSnapshot, TenantView

_FAMILIES = {"gauge": GaugeMetricFamily, "counter": CounterMetricFamily, "histogram": HistogramMetricFamily}
_PROBE_STATES = tuple(str(state) for state in NodeState)
_POOL_STATES = tuple(str(state) for state in AddressState)
_UP_PROBES = (NodeState.UP, NodeState.DISABLED, NodeState.READ_ONLY)
_LINK_STATUSES = tuple(str(status) for status in LinkStatus)
LINK_STATES = frozenset({
    "Synchronizing data", "Sending data", "Receiving data", "Recovering data", "Completing recovery",
    "Scheduled off period", "Suspended by user", "Pending remote reply", "Pending", "Failed over",
    "Remote storage full, link suspended", "Local storage full, link suspended", "High error rate",
    "Stalled link", "Broken link", "Unrecognized link"})
"""HCP's documented link status messages; any other is exported as ``other`` (labels stay bounded)."""


class _Families:
    """The families of one scrape, made on first use from the catalogue."""

    def __init__(self, leave_out: frozenset[str]) -> None:
        self._made: dict[str, Metric] = {}
        self._leave_out = leave_out

    def wants(self, name: str) -> bool:
        return name not in self._leave_out

    def add(self, name: str, labels: Iterable[str], value: float | None) -> None:
        if value is None or not self.wants(name):
            return
        self._family(name).add_metric(list(labels), value)

    def histogram(self, name: str, labels: Iterable[str], buckets: list[tuple[str, float]], total_s: float) -> None:
        self._family(name).add_metric(list(labels), buckets, total_s)  # type: ignore[call-arg]

    def _family(self, name: str) -> Any:
        family = self._made.get(name)
        if family is None:
            spec = CATALOGUE[name]
            family = self._made[name] = _FAMILIES[spec.kind](name, spec.help, labels=spec.labels)
        return family

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._made.values())


class SnapshotCollector(Collector):
    """``collect()`` turns the latest snapshots into metric families.

    ``snapshots`` returns them (``MonitorService.snapshots``); ``actions`` returns the
    audit journal's action count per (system, outcome).
    """

    def __init__(self, snapshots: Callable[[], Mapping[str, SystemSnapshot]], *, namespaces: bool = True,
                 actions: Callable[[], Mapping[tuple[str, str], int]] = dict,
                 clock: Callable[[], float] = time.time) -> None:
        self.snapshots = snapshots
        self.actions = actions
        self.clock = clock
        self.leave_out = frozenset() if namespaces else NAMESPACE_METRICS

    def collect(self) -> Iterator[Metric]:
        out = _Families(self.leave_out)
        now = self.clock()
        out.add("hcpdash_build_info", (__version__,), 1)
        for snap in self.snapshots().values():
            _system(out, snap, now)
            for node in snap.nodes.value or ():
                _node(out, snap.name, node)
            for tenant in snap.tenants.value or ():
                _tenant(out, snap.name, tenant)
            for view in snap.links.value or ():
                _link(out, snap.name, view)
        for (system, outcome), count in sorted(self.actions().items()):
            out.add("hcpdash_actions_total", (system, outcome), count)
        yield from out


def _system(out: _Families, snap: SystemSnapshot, now: float) -> None:
    name = snap.name
    out.add("hcpdash_system_info", (name, snap.domain, snap.environment), 1)
    out.add("hcpdash_verdict_level", (name,), snap.overall.level.value)
    out.add("hcpdash_retries_total", (name,), snap.retries)
    for resource, reading in snap.readings().items():
        age = reading.age(now)
        out.add("hcpdash_data_age_seconds", (name, resource), math.inf if age is None else age)
        out.add("hcpdash_poll_failed", (name, resource), 1 if reading.error else 0)
        out.add("hcpdash_poll_errors_total", (name, resource), reading.failures)


def _node(out: _Families, system: str, node: NodeView) -> None:
    key = (system, node.address)
    down = node.probe is not None and node.probe not in _UP_PROBES
    out.add("hcpdash_node_up", key, 0 if down or node.lost or node.pool_state == AddressState.EJECTED else 1)
    for state in _PROBE_STATES:
        out.add("hcpdash_node_state", (*key, state), 1 if node.probe == state else 0)
    for state in NODE_STATES:
        out.add("hcpdash_node_inventory_state", (*key, state), 1 if node.state == state else 0)
    if node.last_seen is not None:
        out.add("hcpdash_node_last_seen_timestamp_seconds", key, node.last_seen)
    for state in _POOL_STATES:
        out.add("hcpdash_node_pool_state", (*key, state), 1 if node.pool_state == state else 0)
    out.add("hcpdash_node_in_dns", key, 1 if node.in_dns else 0)
    out.add("hcpdash_requests_total", key, node.requests)
    out.add("hcpdash_request_errors_total", key, node.errors)
    out.add("hcpdash_tls_handshakes_total", key, node.connects)
    out.add("hcpdash_ejections_total", key, node.ejections)
    latency = node.latency
    if latency is not None and latency.buckets:
        buckets = [(repr(le), count) for le, count in zip(LATENCY_BUCKETS_S, latency.buckets)]
        out.histogram("hcpdash_request_duration_seconds", key, [*buckets, ("+Inf", latency.total)], latency.total_s)
    if node.stats is not None:
        _node_statistics(out, key, node.stats)


def _node_statistics(out: _Families, key: tuple[str, str], stats: NodeStats) -> None:
    # cpuMax above 100 is a per-core scale (400 = four cores), as in ``hcpdash nodes``.
    scale = stats.cpu_max if stats.cpu_max and stats.cpu_max > 100 else 100.0
    for mode, value in (("user", stats.cpu_user), ("system", stats.cpu_system)):
        out.add("hcpdash_node_cpu_ratio", (*key, mode), None if value is None else value / scale)
    out.add("hcpdash_node_io_wait_ratio", key, None if stats.io_wait is None else stats.io_wait / 100.0)
    for protocol, open_, limit in (("http", stats.open_http_connections, stats.max_http_connections),
                                   ("https", stats.open_https_connections, stats.max_https_connections)):
        out.add("hcpdash_node_open_connections", (*key, protocol), open_)
        out.add("hcpdash_node_max_connections", (*key, protocol), limit)
    for volume in stats.volumes:
        out.add("hcpdash_node_volume_free_bytes", (*key, volume.id), volume.free_bytes)
        out.add("hcpdash_node_volume_size_bytes", (*key, volume.id), volume.total_bytes)


def _tenant(out: _Families, system: str, tenant: TenantView) -> None:
    key = (system, tenant.name)
    if tenant.statistics is not None:
        out.add("hcpdash_tenant_objects", key, tenant.statistics.object_count)
        out.add("hcpdash_tenant_used_bytes", key, tenant.statistics.storage_capacity_used)
    if tenant.tenant is not None:
        out.add("hcpdash_tenant_quota_bytes", key, tenant.tenant.hard_quota_bytes)
    out.add("hcpdash_tenant_namespaces", key, len(tenant.namespaces))
    _activity(out, "tenant", key, tenant.activity)
    if not out.wants("hcpdash_namespace_objects"):
        return
    for ns in tenant.namespaces:
        ns_key = (*key, ns.name)
        if ns.statistics is not None:
            out.add("hcpdash_namespace_objects", ns_key, ns.statistics.object_count)
        out.add("hcpdash_namespace_used_bytes", ns_key, ns.used_bytes)
        out.add("hcpdash_namespace_quota_bytes", ns_key, ns.hard_quota_bytes)
        soft = ns.namespace.soft_quota_percent if ns.namespace else None
        out.add("hcpdash_namespace_soft_quota_ratio", ns_key, None if soft is None else soft / 100.0)
        _activity(out, "namespace", ns_key, ns.activity)


def _activity(out: _Families, scope: str, key: tuple[str, ...], activity: Activity | None) -> None:
    """Rates exist from the second chargeback report on; before that there is no series."""
    if activity is None:
        return
    out.add(f"hcpdash_{scope}_ingest_bytes_per_second", key, activity.bytes_in_per_s)
    out.add(f"hcpdash_{scope}_read_bytes_per_second", key, activity.bytes_out_per_s)
    for operation, rate in (("read", activity.reads_per_s), ("write", activity.writes_per_s),
                            ("delete", activity.deletes_per_s)):
        out.add(f"hcpdash_{scope}_operations_per_second", (*key, operation), rate)


def _link(out: _Families, system: str, view: LinkView) -> None:
    link = view.link
    key = (system, link.name)
    out.add("hcpdash_link_info", (*key, str(link.type)), 1)
    if link.status is not None:
        for status in _LINK_STATUSES:
            out.add("hcpdash_link_status", (*key, status), 1 if link.status == status else 0)
    if link.status_message is not None:
        state = link.status_message if link.status_message in LINK_STATES else "other"
        out.add("hcpdash_link_state", (*key, state), 1)
    out.add("hcpdash_link_suspended", key, None if link.suspended is None else int(link.suspended))
    out.add("hcpdash_link_lag_seconds", key, view.lag_s)
    out.add("hcpdash_link_verdict_level", key, view.verdict.level.value)
    stats = link.statistics
    if stats is None:
        return
    out.add("hcpdash_link_drain_eta_seconds", key, math.inf if view.drain_eta_s is None else view.drain_eta_s)
    for direction, pending_bytes, pending_objects in (
            ("to_remote", stats.bytes_pending, stats.objects_pending),
            ("from_remote", stats.bytes_pending_remote, stats.objects_pending_remote)):
        out.add("hcpdash_link_pending_bytes", (*key, direction), pending_bytes)
        out.add("hcpdash_link_pending_objects", (*key, direction), pending_objects)
    out.add("hcpdash_link_replicated_bytes_total", key, stats.bytes_replicated)
    out.add("hcpdash_link_replicated_objects_total", key, stats.objects_replicated)
    out.add("hcpdash_link_replication_errors_total", key, stats.errors)
    out.add("hcpdash_link_transfer_bytes_per_second", key, stats.bytes_per_second)
