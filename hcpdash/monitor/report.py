"""Snapshots as the documented JSON of ``--json`` and as plain-text tables.

The JSON schemas are a contract for scripts: each document names its schema and
version (``"schema": "hcpdash.links/1"``); fields are only ever added within a version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from hcpdash.monitor.activity import Activity
from hcpdash.monitor.snapshot import (
    JoinedLink,
    LinkView,
    NamespaceView,
    NodeView,
    Reading,
    SystemSnapshot,
)
from hcpdash.monitor.verdicts import Level, Verdict, format_bytes, format_duration, worst

SCHEMA_VERSION = 1


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {"level": verdict.level.name, "reason": verdict.reason, "subject": verdict.subject}


# The readings each command shows: its own first, then those that fill some of its columns.
AREA_READINGS: dict[str, tuple[str, ...]] = {
    "nodes": ("nodes", "node_statistics"),
    "namespaces": ("tenants",),
    "links": ("links", "replication"),
    "check": ("nodes", "node_statistics", "dns", "replication", "links", "tenants"),
}


def reading_errors(snapshot: SystemSnapshot, area: str) -> list[tuple[str, Reading[Any]]]:
    """The readings of ``area`` that failed or were never read, by name."""
    readings = snapshot.readings()
    return [(name, readings[name]) for name in AREA_READINGS[area]
            if readings[name].error or not readings[name].loaded]


def _error_text(name: str, reading: Reading[Any]) -> str:
    return f"{name}: {reading.error or 'not read yet'}"


def _reading(snapshot: SystemSnapshot, area: str, now: float) -> dict[str, Any]:
    """The area's own reading's age, with the error of any of its readings that could not be read."""
    readings = snapshot.readings()
    own = readings[AREA_READINGS[area][0]]
    failed = reading_errors(snapshot, area)
    first = failed[0][1] if failed else own
    return {"updated_at": _iso(own.updated_at), "age_s": _round(own.age(now)),
            "stale": any(readings[name].is_stale(now) for name in AREA_READINGS[area]),
            "error": "; ".join(_error_text(name, r) for name, r in failed) or None,
            "error_kind": first.error_kind if failed else None, "hint": first.hint if failed else None}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _ms(value: float | None) -> float | None:
    return _round(value, 2)


def _system_head(snapshot: SystemSnapshot) -> dict[str, Any]:
    return {"name": snapshot.name, "domain": snapshot.domain, "environment": snapshot.environment,
            "read_only": snapshot.read_only, "verdict": _verdict(snapshot.overall)}


def _document(kind: str, now: float, systems: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"schema": f"hcpdash.{kind}/{SCHEMA_VERSION}", "generated_at": _iso(now), **extra, "systems": systems}


# ---------------------------------------------------------------- nodes


def node_json(node: NodeView) -> dict[str, Any]:
    stats = node.stats
    return {
        "address": node.address, "pool_state": node.pool_state,
        "probe": str(node.probe) if node.probe else None, "probe_ms": _ms(node.probe_ms),
        "latency_ms": {"p50": _ms(node.latency_p50_ms), "p95": _ms(node.latency_p95_ms),
                       "max": _ms(node.latency_max_ms), "ewma": _ms(node.latency_ewma_ms)},
        "connect_ms": _ms(node.connect_ms), "requests": node.requests, "errors": node.errors,
        "last_error": node.last_error, "in_dns": node.in_dns,
        "node_number": node.node_number,
        "cpu_percent": _round(cpu_percent(node)), "io_wait_percent": _round(stats.io_wait if stats else None),
        "open_connections": open_connections(node), "volume_free_percent": _round(volume_free_percent(node)),
        "state": node.state, "first_seen": _iso(node.first_seen), "last_seen": _iso(node.last_seen),
        "state_since": _iso(node.state_since), "in_statistics": node.in_statistics,
        "statistics_age_s": _round(node.stats_age_s), "statistics_stale": node.stats_stale,
    }


def lost_node_json(node: NodeView, now: float) -> dict[str, Any]:
    """A node that is down, unreachable or missing, as ``check --json`` names it."""
    return {"address": node.address, "node_number": node.node_number, "state": node.state,
            "since": _iso(node.state_since), "for_s": _round(None if node.state_since is None
                                                             else max(0.0, now - node.state_since)),
            "last_seen": _iso(node.last_seen)}


def cpu_percent(node: NodeView) -> float | None:
    """CPU use in percent. ``cpuMax`` above 100 means a per-core scale (e.g. 400 = 4 cores)."""
    stats = node.stats
    if stats is None or stats.cpu_user is None or stats.cpu_system is None:
        return None
    used = stats.cpu_user + stats.cpu_system
    if stats.cpu_max and stats.cpu_max > 100:
        return 100.0 * used / stats.cpu_max
    return used


def open_connections(node: NodeView) -> int | None:
    stats = node.stats
    if stats is None or (stats.open_http_connections is None and stats.open_https_connections is None):
        return None
    return (stats.open_http_connections or 0) + (stats.open_https_connections or 0)


def volume_free_percent(node: NodeView) -> float | None:
    """Free space of the fullest volume: the one that fills first."""
    if node.stats is None:
        return None
    ratios = [100.0 * v.free_bytes / v.total_bytes for v in node.stats.volumes
              if v.total_bytes and v.free_bytes is not None]
    return min(ratios) if ratios else None


def nodes_json(snapshots: Sequence[SystemSnapshot], now: float) -> dict[str, Any]:
    systems = []
    for snap in snapshots:
        dns = snap.dns.value
        systems.append({
            **_system_head(snap), "reading": _reading(snap, "nodes", now),
            "nodes": [node_json(n) for n in snap.nodes.value or ()],
            "dns": None if dns is None else {"answer": list(dns.answer), "expected": list(dns.expected),
                                             "missing": list(dns.missing), "unexpected": list(dns.unexpected)},
        })
    return _document("nodes", now, systems)


# ---------------------------------------------------------------- namespaces


def used_percent(ns: NamespaceView) -> float | None:
    used, hard = ns.used_bytes, ns.hard_quota_bytes
    return None if used is None or not hard else 100.0 * used / hard


def namespace_json(ns: NamespaceView) -> dict[str, Any]:
    detail = ns.namespace
    stats = ns.statistics
    return {
        "tenant": ns.tenant, "name": ns.name,
        "objects": stats.object_count if stats else None,
        "used_bytes": ns.used_bytes, "hard_quota_bytes": ns.hard_quota_bytes,
        "soft_quota_percent": detail.soft_quota_percent if detail else None,
        "used_percent": _round(used_percent(ns)),
        "search_enabled": detail.search_enabled if detail else None,
        "replication_enabled": detail.replication_enabled if detail else None,
        "hash_scheme": detail.hash_scheme if detail else None,
        "retention_mode": None if detail is None or detail.enterprise_mode is None
        else ("enterprise" if detail.enterprise_mode else "compliance"),
        "permissions": sorted(ns.permissions) if ns.permissions is not None else None,
        "statistics_source": stats.source if stats else None,
        "activity": activity_json(ns.activity),
    }


def activity_json(activity: Activity | None) -> dict[str, float] | None:
    """Rates between the last two chargeback reports; null until two were read."""
    if activity is None:
        return None
    return {"bytes_in_per_s": _round(activity.bytes_in_per_s), "bytes_out_per_s": _round(activity.bytes_out_per_s),
            "reads_per_s": _round(activity.reads_per_s, 3), "writes_per_s": _round(activity.writes_per_s, 3),
            "deletes_per_s": _round(activity.deletes_per_s, 3)}


def namespaces_json(snapshots: Sequence[SystemSnapshot], now: float) -> dict[str, Any]:
    systems = []
    for snap in snapshots:
        tenants = [{"name": t.name,
                    "objects": t.statistics.object_count if t.statistics else None,
                    "used_bytes": t.statistics.storage_capacity_used if t.statistics else None,
                    "activity": activity_json(t.activity),
                    "namespaces": [namespace_json(ns) for ns in t.namespaces]}
                   for t in snap.tenants.value or ()]
        systems.append({**_system_head(snap), "reading": _reading(snap, "namespaces", now), "tenants": tenants})
    return _document("namespaces", now, systems)


# ---------------------------------------------------------------- links


def link_json(view: LinkView) -> dict[str, Any]:
    link = view.link
    stats = link.statistics
    counters = {} if stats is None else {
        "bytes_pending": stats.bytes_pending, "objects_pending": stats.objects_pending,
        "bytes_pending_remote": stats.bytes_pending_remote, "objects_pending_remote": stats.objects_pending_remote,
        "bytes_per_second": stats.bytes_per_second, "operations_per_second": stats.operations_per_second,
        "errors": stats.errors, "errors_per_second": stats.errors_per_second,
        "up_to_date_as_of": stats.up_to_date_as_of_string,
    }
    return {"system": view.system, "name": link.name, "type": str(link.type),
            "status": str(link.status) if link.status else None, "status_message": link.status_message,
            "suspended": link.suspended, **counters, "lag_s": _round(view.lag_s),
            "drain_eta_s": _round(view.drain_eta_s), "verdict": _verdict(view.verdict)}


def links_json(snapshots: Sequence[SystemSnapshot], joined: Iterable[JoinedLink], now: float) -> dict[str, Any]:
    systems = [{**_system_head(s), "reading": _reading(s, "links", now),
                "links": [link_json(v) for v in s.links.value or ()]} for s in snapshots]
    pairs = [{"name": j.name, "ends": [link_json(end) for end in j.ends]} for j in joined]
    return _document("links", now, systems, joined=pairs)


# ---------------------------------------------------------------- check


def overall(snapshots: Sequence[SystemSnapshot]) -> Verdict:
    return worst(s.overall for s in snapshots)


def check_json(snapshots: Sequence[SystemSnapshot], now: float) -> dict[str, Any]:
    verdict = overall(snapshots)
    systems = [{**_system_head(s), "reading": _reading(s, "check", now),
                "verdicts": [_verdict(v) for v in s.verdicts if v.level is not Level.OK],
                "nodes_lost": [lost_node_json(n, now) for n in s.nodes.value or () if n.lost]} for s in snapshots]
    return _document("check", now, systems, status=verdict.level.name, exit_code=verdict.level.value)


def check_text(snapshots: Sequence[SystemSnapshot]) -> str:
    """Nagios plugin output: the status line first, then one line per problem."""
    verdict = overall(snapshots)
    problems = [v for s in snapshots for v in s.verdicts if v.level is not Level.OK]
    counts = {level: sum(1 for v in problems if v.level is level) for level in Level}
    summary = ", ".join(f"{counts[level]} {level.name.lower()}" for level in
                        (Level.CRITICAL, Level.WARNING, Level.UNKNOWN) if counts[level]) or "all checks ok"
    lines = [f"HCPDASH {verdict.level.name} - {len(snapshots)} system{'s' if len(snapshots) != 1 else ''}: "
             f"{summary}"]
    for snap in snapshots:
        for v in sorted((v for v in snap.verdicts if v.level is not Level.OK), key=lambda v: -v.level.rank):
            lines.append(f"{v.level.name} {snap.name}: {v.subject + ': ' if v.subject else ''}{v.reason}")
    return "\n".join(lines)


# ---------------------------------------------------------------- tables


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain aligned table; numbers right-aligned."""
    text_rows = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in text_rows]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in text_rows) and bool(text_rows) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in text_rows)])


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _is_number(text: str) -> bool:
    return text == "-" or text.replace(".", "", 1).replace(",", "").isdigit()


def nodes_text(snapshots: Sequence[SystemSnapshot], now: float) -> str:
    rows = []
    for snap in snapshots:
        for n in snap.nodes.value or ():
            rows.append([snap.name, n.address, n.state, str(n.probe) if n.probe else "-", n.pool_state,
                         last_seen_text(n, now), n.latency_p50_ms, n.latency_p95_ms, n.connect_ms, n.requests,
                         n.errors, cpu_percent(n), volume_free_percent(n), n.last_error or ""])
    out = [table(["SYSTEM", "ADDRESS", "STATE", "PROBE", "POOL", "LAST SEEN", "P50 MS", "P95 MS", "CONNECT MS",
                  "REQUESTS", "ERRORS", "CPU %", "VOL FREE %", "LAST ERROR"], rows)]
    out.extend(_reading_notes(snapshots, "nodes", now))
    return "\n".join(out)


def last_seen_text(node: NodeView, now: float) -> str:
    """``now`` for an available node; for a lost one, how long ago it was last seen."""
    if not node.lost:
        return "now"
    if node.last_seen is None:
        return "never"
    return f"{format_duration(max(0.0, now - node.last_seen))} ago"


def namespaces_text(snapshots: Sequence[SystemSnapshot], now: float) -> str:
    rows = []
    for snap in snapshots:
        for tenant in snap.tenants.value or ():
            for ns in tenant.namespaces:
                rows.append([snap.name, tenant.name, ns.name, ns.statistics.object_count if ns.statistics else None,
                             format_bytes(ns.used_bytes) if ns.used_bytes is not None else None,
                             format_bytes(ns.hard_quota_bytes) if ns.hard_quota_bytes else None,
                             used_percent(ns)])
    out = [table(["SYSTEM", "TENANT", "NAMESPACE", "OBJECTS", "USED", "HARD QUOTA", "USED %"], rows)]
    out.extend(_reading_notes(snapshots, "namespaces", now))
    return "\n".join(out)


def links_text(snapshots: Sequence[SystemSnapshot], now: float) -> str:
    rows = []
    for snap in snapshots:
        for view in snap.links.value or ():
            link, stats = view.link, view.link.statistics
            rows.append([snap.name, link.name, str(link.type), str(link.status or "-"), link.status_message,
                         format_bytes(stats.bytes_pending) if stats else None,
                         format_bytes(stats.bytes_pending_remote) if stats else None,
                         format_duration(view.lag_s) if view.lag_s is not None else None,
                         format_duration(view.drain_eta_s) if view.drain_eta_s is not None else None,
                         view.verdict.level.name])
    out = [table(["SYSTEM", "LINK", "TYPE", "STATUS", "MESSAGE", "PENDING OUT", "PENDING IN", "LAG", "DRAIN ETA",
                  "VERDICT"], rows)]
    out.extend(_reading_notes(snapshots, "links", now))
    return "\n".join(out)


def _reading_notes(snapshots: Sequence[SystemSnapshot], area: str, now: float) -> list[str]:
    notes = []
    for snap in snapshots:
        for name, reading in reading_errors(snap, area):
            age = reading.age(now)
            kept = f"; showing data from {format_duration(age)} ago" if age is not None else ""
            notes.append(f"{snap.name}: {_error_text(name, reading)}{kept}")
    return notes
