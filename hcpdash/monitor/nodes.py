"""From DNS answers, probes, node statistics and the node inventory to node views and verdicts.

A node's state is decided here once, for the pane, the tables, ``check`` and the events:

- ``up`` — it answers ``/node_status`` (204), or gives no verdict (403) while HCP lists it;
- ``read-only`` — it answers 540; ``suspect`` — up, but recent requests to it failed;
- ``down`` — it answers 541, "node is not available";
- ``unreachable`` — HCP still lists it (its DNS hands it out; with a static list, its node
  statistics name it) but hcpdash gets no answer from it;
- ``missing`` — HCP no longer lists it (not in the DNS answer, not in fresh node statistics)
  and it gives no answer: the node that HCP's own DNS has made invisible.

"HCP lists it" trusts the live DNS answer over node statistics, which are read hourly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from hcpdash.config import Thresholds
from hcpdash.hcp.models import NodeState, NodeStatistics, NodeStats, NodeStatus
from hcpdash.hcp.pool import PoolSnapshot
from hcpdash.monitor import verdicts as v
from hcpdash.monitor.node_inventory import NodeInventory, address_key
from hcpdash.monitor.snapshot import DnsCheck, NodeView
from hcpdash.monitor.verdicts import Level, Verdict

NOT_IN_DNS = "not in DNS"


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000.0


@dataclass(frozen=True, slots=True)
class StatisticsEntry:
    stats: NodeStats
    age_s: float | None
    stale: bool


def statistics_by_address(statistics: NodeStatistics | None, read_at: float | None,
                          max_age_s: float) -> dict[str, StatisticsEntry]:
    """Front-end address → that node's statistics and their age when read.

    The age is HCP's ``requestTime`` minus the node's ``collectionTimestamp`` (both HCP's
    clock), or our read time minus ``collectionTimestamp`` when ``requestTime`` is absent.
    """
    found: dict[str, StatisticsEntry] = {}
    for node in statistics.nodes if statistics else ():
        age = None
        if node.collection_timestamp is not None:
            reference = statistics.request_time / 1000 if statistics.request_time else read_at  # type: ignore[union-attr]
            if reference is not None:
                age = max(0.0, reference - node.collection_timestamp / 1000)
        entry = StatisticsEntry(node, age, age is not None and age > max_age_s)
        for ip in node.frontend_ip_addresses:
            found[ip] = entry
    return found


def learn(inventory: NodeInventory, answer: Iterable[str], statistics: NodeStatistics | None, now: float) -> None:
    """Add every address HCP shows to the inventory: the DNS answer (or static list), and for each node
    in the statistics whose addresses are all new, its first front-end address (IPv4 preferred) —
    a node on several networks is one node, not several that never answer."""
    for address in answer:
        inventory.add(address, now)
    for node in statistics.nodes if statistics else ():
        known = [ip for ip in node.frontend_ip_addresses if inventory.get(ip) is not None]
        for ip in known:
            inventory.add(ip, now, node.node_number)
        if not known and node.frontend_ip_addresses:
            first = sorted(node.frontend_ip_addresses, key=lambda ip: ":" in ip)[0]
            inventory.add(first, now, node.node_number)


def node_state(probe: NodeState | None, pool_state: str, hcp_lists: bool, listed: bool) -> str:
    """The state of one node (see the module docstring); ``listed``: in the DNS answer, the static
    list or fresh node statistics."""
    if probe is NodeState.UNAVAILABLE:
        return "down"
    if probe is NodeState.READ_ONLY:
        return "read-only"
    if probe is NodeState.UNREACHABLE or (probe is not NodeState.UP and pool_state == "ejected"):
        return "unreachable" if hcp_lists else "missing"
    if probe is not NodeState.UP and not listed:
        return "missing"
    return "suspect" if pool_state == "suspect" else "up"


def assess(inventory: NodeInventory, pool: PoolSnapshot, probes: Mapping[str, NodeStatus],
           statistics: Mapping[str, StatisticsEntry], answer: Iterable[str], static: bool,
           now: float) -> tuple[NodeView, ...]:
    """One view per address in the inventory (or in the pool), each node's state recorded in the
    inventory on the way: a node that left DNS stays visible, as missing, with when it was last seen."""
    in_answer = set(answer)
    addresses = set(inventory.addresses()) | {a.address for a in pool.addresses}
    views = []
    for address in sorted(addresses, key=address_key):
        stats = pool.get(address)
        counters = pool.counters(address)
        probe = probes.get(address)
        entry = statistics.get(address)
        in_statistics = entry is not None and not entry.stale
        hcp_lists = in_statistics if static else address in in_answer
        state = node_state(probe.state if probe else None, str(stats.state) if stats else NOT_IN_DNS,
                           hcp_lists, address in in_answer or in_statistics)
        record = inventory.update(address, state, now)
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
            in_dns=address in in_answer,
            stats=entry.stats if entry else None,
            connects=stats.connects if stats else 0,
            ejections=stats.ejections if stats else 0,
            latency=stats.latency if stats else None,
            state=state,
            node_number=entry.stats.node_number if entry else record.node_number,
            first_seen=record.first_seen, last_seen=record.last_seen, state_since=record.since,
            in_statistics=in_statistics,
            stats_age_s=entry.age_s if entry else None,
            stats_stale=entry.stale if entry else False,
        ))
    return tuple(views)


def dns_check(answer: Iterable[str], statistics: NodeStatistics | None, known: Iterable[str]) -> DnsCheck:
    """Compare the DNS answer with HCP's own node list (or, without it, every node seen)."""
    if statistics is not None and statistics.nodes:
        expected = tuple(ip for node in statistics.nodes for ip in node.frontend_ip_addresses if ":" not in ip)
    else:
        expected = tuple(sorted(set(known), key=address_key))
    return DnsCheck(tuple(answer), expected)


# ---------------------------------------------------------------- verdicts


def never_seen(expected: int | tuple[int, ...] | None, nodes: Sequence[NodeView]) -> tuple[int, str]:
    """How many of the ``expected_nodes`` hcpdash has never seen, and how to say so."""
    if expected is None:
        return 0, ""
    if isinstance(expected, int):
        count = expected - len(nodes)
        return (count, f"{count} of {expected} expected nodes never seen (expected_nodes: {expected})") \
            if count > 0 else (0, "")
    numbers = {n.node_number for n in nodes if n.node_number is not None}
    unnumbered = sum(1 for n in nodes if n.node_number is None)
    absent = [number for number in expected if number not in numbers]
    count = len(absent) - unnumbered
    if count <= 0:
        return 0, ""
    if unnumbered:
        return count, f"{count} of the expected nodes {_numbers(expected)} never seen"
    return count, f"node{'s' if count > 1 else ''} {_numbers(absent)} never seen (expected_nodes)"


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def lost_level(lost: int, total: int, thresholds: Thresholds) -> Level:
    """CRITICAL when more than ``nodes_down_critical_percent`` of the nodes are lost (default: a
    majority), WARNING from ``nodes_down_warning`` lost nodes on (default: one)."""
    if lost and total and 100.0 * lost / total > thresholds.nodes_down_critical_percent:
        return Level.CRITICAL
    if lost >= thresholds.nodes_down_warning:
        return Level.WARNING
    return Level.OK


def _when(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def lost_reason(node: NodeView, now: float) -> str:
    """``missing for 4 min (last seen 2026-12-02 03:58:01 UTC): not in DNS ...``"""
    lasting = f" for {v.format_duration(now - node.state_since)}" \
        if node.state_since is not None and now - node.state_since >= 1 else ""
    seen = f" (last seen {_when(node.last_seen)})" if node.last_seen is not None else " (never seen up)"
    if node.state == "down":
        why = "node not available (541)"
    elif node.state == "unreachable":
        listed = "DNS still hands it out" if node.in_dns else "node statistics still list it"
        why = f"{listed} but it does not answer{': ' + node.last_error if node.last_error else ''}"
    else:
        why = f"{'in the static list but ' if node.in_dns else ''}not in {'' if node.in_dns else 'DNS or '}node " \
              f"statistics, no answer to /node_status"
    return f"{node.state}{lasting}{seen}: {why}"


def node_verdicts(nodes: Sequence[NodeView], thresholds: Thresholds, now: float,
                  expected: int | tuple[int, ...] | None = None) -> list[Verdict]:
    found = []
    unseen, unseen_text = never_seen(expected, nodes)
    total = len(nodes) + unseen
    lost = [n for n in nodes if n.lost]
    level = lost_level(len(lost) + unseen, total, thresholds)
    share = f"{len(lost) + unseen} of {total} nodes down or missing"
    for node in lost:
        found.append(Verdict(level, f"{lost_reason(node, now)}; {share}", node.address))
    if unseen:
        found.append(Verdict(level, f"{unseen_text}; {share}", "nodes"))
    for node in nodes:
        if node.lost:
            continue
        if node.probe is NodeState.UNKNOWN:
            found.append(Verdict(Level.UNKNOWN, f"status not known: {node.last_error or 'unexpected answer'}",
                                 node.address))
        if node.state == "read-only":
            found.append(Verdict(Level.WARNING, "system is in read-only mode (540)", node.address))
        if node.stats_stale and node.stats_age_s is not None:
            found.append(Verdict(Level.WARNING, f"node statistics stale: collected "
                                 f"{v.format_duration(node.stats_age_s)} before they were read", node.address))
        if node.latency_p95_ms is not None and node.state != "read-only":
            found.append(v.latency(node.latency_p95_ms, thresholds, node.address))
    return found
