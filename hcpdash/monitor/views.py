"""From what the client read to what panes and checks show: views and their verdicts.

Pure functions: the poller feeds them raw models and pool statistics and publishes
the result, so every verdict can be tested without a network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hcpdash.config import Thresholds
from hcpdash.hcp.models import Link, NodeState, NodeStatistics, NodeStats, NodeStatus
from hcpdash.hcp.pool import PoolSnapshot
from hcpdash.monitor import verdicts as v
from hcpdash.monitor.history import SeriesRing
from hcpdash.monitor.preflight import link_lag_s
from hcpdash.monitor.snapshot import DnsCheck, JoinedLink, LinkView, NodeView, SystemSnapshot, TenantView
from hcpdash.monitor.verdicts import Level, Verdict

NOT_IN_DNS = "not in DNS"


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000.0


def node_views(pool: PoolSnapshot, known: Iterable[str], probes: Mapping[str, NodeStatus],
               statistics: NodeStatistics | None, dns_answer: Iterable[str]) -> tuple[NodeView, ...]:
    """One view per address ever seen (a node that left DNS stays visible as down)."""
    by_ip: dict[str, NodeStats] = {}
    for node in statistics.nodes if statistics else ():
        for ip in node.frontend_ip_addresses:
            by_ip[ip] = node
    answer = set(dns_answer)
    views = []
    pooled = {a.address for a in pool.addresses}
    for address in sorted(set(known) | pooled | set(by_ip), key=_address_key):
        stats = pool.get(address)
        counters = pool.counters(address)
        probe = probes.get(address)
        views.append(NodeView(
            address=address,
            pool_state=str(stats.state) if stats else NOT_IN_DNS,
            probe=probe.state if probe else None,
            probe_ms=_ms(probe.elapsed_s) if probe else None,
            latency_p50_ms=_ms(stats.latency.p50) if stats else None,
            latency_p95_ms=_ms(stats.latency.p95) if stats else None,
            latency_max_ms=_ms(stats.latency.max) if stats else None,
            latency_ewma_ms=_ms(stats.latency.ewma) if stats else None,
            connect_ms=_ms(stats.connect.ewma) if stats else None,
            requests=counters.requests if counters else 0,
            errors=counters.errors if counters else 0,
            last_error=(counters.last_error if counters else None) or (probe.error if probe else None),
            in_dns=address in answer,
            stats=by_ip.get(address),
            connects=stats.connects if stats else 0,
            ejections=stats.ejections if stats else 0,
            latency=stats.latency if stats else None,
        ))
    return tuple(views)


def _address_key(address: str) -> tuple[int, ...] | tuple[str]:
    try:
        return tuple(int(part) for part in address.split("."))
    except ValueError:
        return (address,)


def dns_check(answer: Iterable[str], statistics: NodeStatistics | None, known: Iterable[str]) -> DnsCheck:
    """Compare the DNS answer with HCP's own node list (or, without it, every node seen)."""
    if statistics is not None and statistics.nodes:
        expected = tuple(ip for node in statistics.nodes for ip in node.frontend_ip_addresses if ":" not in ip)
    else:
        expected = tuple(sorted(set(known), key=_address_key))
    return DnsCheck(tuple(answer), expected)


_DOWN = {NodeState.UNAVAILABLE: "node not available (541)", NodeState.UNREACHABLE: "no answer to /node_status"}


def node_verdicts(nodes: Sequence[NodeView], thresholds: Thresholds) -> list[Verdict]:
    found = []
    for node in nodes:
        if node.probe in _DOWN:
            found.append(Verdict(Level.CRITICAL, f"down: {_DOWN[node.probe]}", node.address))
        elif node.probe is NodeState.UNKNOWN:
            found.append(Verdict(Level.UNKNOWN, f"status not known: {node.last_error or 'unexpected answer'}",
                                 node.address))
        elif node.pool_state == "ejected":
            found.append(Verdict(Level.CRITICAL, f"ejected from the pool: {node.last_error or 'failing'}",
                                 node.address))
        elif node.probe is NodeState.READ_ONLY:
            found.append(Verdict(Level.WARNING, "system is in read-only mode (540)", node.address))
        elif node.latency_p95_ms is not None:
            found.append(v.latency(node.latency_p95_ms, thresholds, node.address))
    return found


def link_view(system: str, link: Link, thresholds: Thresholds, now: float,
              pending_history: SeriesRing | None = None) -> LinkView:
    stats = link.statistics
    lag = link_lag_s(link, now)
    eta = v.drain_eta_s(stats.bytes_pending + stats.bytes_pending_remote, stats.bytes_per_second) if stats else None
    found = [v.link_status(str(link.status) if link.status else None, link.status_message, link.name)]
    if lag is not None:
        found.append(v.lag(lag, thresholds, link.name))
    if stats is not None:
        found.append(v.pending(stats.bytes_pending + stats.bytes_pending_remote, thresholds, link.name))
        growth = pending_history.rate() if pending_history is not None and len(pending_history) >= 5 else None
        if growth is not None and growth > 0 and stats.bytes_pending > 0:
            found.append(Verdict(Level.WARNING, f"pending growing by {v.format_bytes(growth)}/s", link.name))
    return LinkView(system, link, lag, eta, v.worst(found))


def quota_verdicts(tenants: Sequence[TenantView], thresholds: Thresholds) -> list[Verdict]:
    found = []
    for tenant in tenants:
        for ns in tenant.namespaces:
            used, hard = ns.used_bytes, ns.hard_quota_bytes
            if used is None or not hard:
                continue
            soft = ns.namespace.soft_quota_percent if ns.namespace else None
            verdict = v.quota(used, hard, soft or 0, thresholds, ns.key)
            if verdict.level is not Level.OK:
                found.append(verdict)
    return found


def join_links(snapshots: Iterable[SystemSnapshot]) -> tuple[JoinedLink, ...]:
    """Pair the two ends of each link by name (HCP link names are case-insensitive)."""
    ends: dict[str, list[LinkView]] = {}
    for snap in snapshots:
        for view in snap.links.value or ():
            ends.setdefault(view.link.name.casefold(), []).append(view)
    return tuple(JoinedLink(views[0].link.name, tuple(views)) for views in ends.values() if len(views) > 1)
