"""Recorded history played back: snapshots as they were at a chosen time, and a JSON export.

:class:`ReplayMonitor` serves the dashboard the way the live monitor does, but from the
history file and read-only: no poll, no action, a time cursor instead of a clock.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from hcpdash.config import Config, SystemConfig, Thresholds
from hcpdash.hcp.models import (
    Link,
    LinkAction,
    LinkStatistics,
    LinkStatus,
    LinkType,
    Namespace,
    NodeState,
    Statistics,
)
from hcpdash.monitor import views
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.nodes import node_verdicts
from hcpdash.monitor.api import ActionResult, Preflight, SnapshotListener
from hcpdash.monitor.events import EventLog, Severity
from hcpdash.monitor.history import History
from hcpdash.monitor.history_points import ACTIVITY_METRICS, RING_METRICS
from hcpdash.monitor.history_store import HEARTBEAT_S, HistoryStore, SeriesKey
from hcpdash.monitor.snapshot import (
    JoinedLink,
    LinkView,
    NamespaceView,
    NodeView,
    Reading,
    SystemSnapshot,
    TenantView,
)
from hcpdash.monitor.verdicts import worst

REPLAY_SCHEMA = "hcpdash.replay/1"
RING_SPAN_S = 3600.0


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _by_subject(values: dict[SeriesKey, Any], kind: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for (k, _system, subject, metric), value in values.items():
        if k == kind:
            found[subject][metric] = value
    return found


def _namespace(tenant: str, name: str, hard_quota: float | None) -> Namespace:
    empty = {f.name: None for f in dataclasses.fields(Namespace)}
    return Namespace(**{**empty, "name": name, "tenant": tenant,
                        "hard_quota_bytes": int(hard_quota) if hard_quota else None,
                        "auth_minimum_permissions": frozenset(), "auth_and_anonymous_minimum_permissions": frozenset(),
                        "tags": ()})


def _statistics(objects: float | None, used: float | None) -> Statistics:
    return Statistics(int(objects or 0), 0, int(used or 0), 0, 0, 0, 0)


def _activity(metrics: dict[str, float]) -> Activity | None:
    """The namespace's rates as recorded; None when a field is missing (a recording from before hcpdash kept
    each kind of operation apart), so the Activity column shows a dash rather than a made-up figure."""
    try:
        return Activity(*(metrics[name] for name in ACTIVITY_METRICS))
    except KeyError:
        return None


def _link(name: str, state: dict[str, Any], metrics: dict[str, float], at: float) -> Link:
    lag = metrics.get("lag_s")
    stats = LinkStatistics(
        up_to_date_as_of_string=None, up_to_date_as_of_millis=None if lag is None else int((at - lag) * 1000),
        bytes_pending=int(metrics.get("bytes_pending", 0)), bytes_pending_remote=0, bytes_replicated=0,
        bytes_per_second=metrics.get("bytes_per_second", 0.0), objects_pending=int(metrics.get("objects_pending", 0)),
        objects_pending_remote=0, objects_replicated=0, operations_per_second=0.0, errors=0, errors_per_second=0.0,
        objects_verified=None, objects_replicated_after_verification=None)
    status = state.get("status")
    return Link(name=name, type=LinkType(state.get("type") or "ACTIVE_ACTIVE"), description=None, connection=None,
                compression=None, encryption=None, priority=None, failover_settings=None, id=None,
                statistics=stats if metrics else None, status=LinkStatus(status) if status else None,
                status_message=state.get("message"), suspended=state.get("suspended"))


def snapshot_at(store: HistoryStore, config: SystemConfig, at: float, now: float) -> SystemSnapshot:
    """What the dashboard would have shown of one system at ``at``, from what was recorded."""
    system = config.name
    values = store.values_at(at, now, system)
    states = {key: json.loads(state) for key, (_t, state) in store.states_at(at, system).items()}
    thresholds: Thresholds = config.thresholds
    node_metrics, node_states = _by_subject(values, "node"), _by_subject(states, "node")
    nodes = tuple(NodeView(
        address=address, pool_state=s.get("pool") or "", probe=NodeState(s["probe"]) if s.get("probe") else None,
        probe_ms=None, latency_p50_ms=None, latency_p95_ms=node_metrics.get(address, {}).get("latency_ms"),
        latency_max_ms=None, latency_ewma_ms=None, connect_ms=None, requests=0, errors=0,
        last_error=s.get("error"), in_dns=bool(s.get("in_dns")), state=s.get("node_state") or "up",
        state_since=s.get("since"))
        for address, s in sorted(((a, m["state"]) for a, m in node_states.items()), key=lambda x: x[0]))
    link_metrics, link_states = _by_subject(values, "link"), _by_subject(states, "link")
    links = tuple(views.link_view(system, _link(name, m["state"], link_metrics.get(name, {}), at), thresholds, at)
                  for name, m in sorted(link_states.items(), key=lambda x: x[0].casefold()))
    tenants: dict[str, list[NamespaceView]] = defaultdict(list)
    for key, m in sorted(_by_subject(values, "ns").items()):
        tenant, _, name = key.partition("/")
        tenants[tenant].append(NamespaceView(tenant, name, _namespace(tenant, name, m.get("hard_quota_bytes")),
                                             _statistics(m.get("objects"), m.get("used_bytes")), None,
                                             activity=_activity(m)))
    tenant_views = tuple(TenantView(t, None, None, tuple(ns)) for t, ns in sorted(tenants.items()))
    found = [*node_verdicts(nodes, thresholds, at), *(v.verdict for v in links),
             *views.quota_verdicts(tenant_views, thresholds)]

    def reading(value: Any, present: bool) -> Reading[Any]:
        return Reading(value, at) if present else Reading()

    return SystemSnapshot(
        name=system, domain=config.domain, environment=config.environment.label, colour=config.environment.colour,
        read_only=True, taken_at=at, paused=True, nodes=reading(nodes, bool(nodes)),
        links=reading(links, bool(links)), tenants=reading(tenant_views, bool(tenant_views)),
        verdicts=tuple(found), overall=worst(found))


class ReplayMonitor:
    """The :class:`~hcpdash.monitor.api.Monitor` protocol over a history file, read-only, with a time cursor."""

    def __init__(self, store: HistoryStore, config: Config, start: float, end: float, cursor: float) -> None:
        self.store = store
        self.config = config
        self.systems: tuple[SystemConfig, ...] = config.systems
        self.first, self.last = start, end
        self.cursor = min(max(cursor, start), end)
        self.newest = (store.span() or (end, end))[1]
        self.events = EventLog(clock=lambda: self.cursor)
        self.events.load(store.events(start, end))
        self.history = History(720)
        self._listeners: list[SnapshotListener] = []
        self._snapshots: dict[str, SystemSnapshot] = {}
        self._build()

    def _build(self) -> None:
        self.history = History(720)
        for key, t, value in self.store.window_points(self.cursor - RING_SPAN_S, self.cursor, RING_METRICS[:3],
                                                      now=self.newest):
            self.history.record(key, t, value)
        self._snapshots = {s.name: snapshot_at(self.store, s, self.cursor, self.newest) for s in self.systems}

    def move_to(self, t: float) -> None:
        """Put the cursor at ``t`` (within the range) and publish what was recorded then."""
        self.cursor = min(max(t, self.first), self.last)
        self._build()
        for snapshot in self._snapshots.values():
            for listener in list(self._listeners):
                listener(snapshot)

    def trend(self, key: SeriesKey, start: float, end: float) -> list[tuple[float, float]]:
        return [(t, mean) for t, mean, _peak in self.store.points(key, start, end, now=self.newest)]

    # -- the Monitor protocol: nothing polls, nothing is sent

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def snapshots(self) -> dict[str, SystemSnapshot]:
        return dict(self._snapshots)

    def joined_links(self) -> tuple[JoinedLink, ...]:
        return views.join_links(self._snapshots.values())

    def subscribe(self, listener: SnapshotListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def is_read_only(self, system: str) -> bool:
        return True

    @property
    def paused(self) -> bool:
        return True

    def pause(self) -> None:
        return None

    def resume(self) -> None:
        return None

    def refresh_now(self) -> None:
        return None

    def scale_intervals(self, factor: float) -> None:
        return None

    async def preflight(self, system: str, link: str, action: LinkAction) -> Preflight:
        return Preflight(system, link, action, None, False, "replay is read-only", ())

    async def execute(self, preflight: Preflight, reason: str, wait_settle: bool = False) -> ActionResult:
        return ActionResult("refused", "replay is read-only")


def export(store: HistoryStore, start: float, end: float, systems: Iterable[str]) -> dict[str, Any]:
    """One JSON document: every series' points ([time, mean, peak]; raw points when ``resolution_s`` is 0),
    the states (the one in force at ``start``, then each change) and the events."""
    newest = (store.span() or (end, end))[1]
    tier = store.tier_for(start, newest)
    document: dict[str, Any] = {"schema": REPLAY_SCHEMA, "from": _iso(start), "to": _iso(end),
                                "resolution_s": tier.bucket_s, "unchanged_rewritten_within_s": 2 * HEARTBEAT_S,
                                "systems": []}
    for system in systems:
        series = []
        for key in sorted(store.series_keys(system)):
            points = store.points(key, start, end, tier=tier)
            if points and key[3] != "state":
                series.append({"kind": key[0], "subject": key[2], "metric": key[3],
                               "points": [[t, mean, peak] for t, mean, peak in points]})
        initial = [(key, t, state) for key, (t, state) in sorted(store.states_at(start, system).items())]
        states = [{"kind": key[0], "subject": key[2], "metric": key[3], "time": t, "state": json.loads(state)}
                  for key, t, state in initial + [s for s in store.states_between(start, end, system) if s[1] > start]]
        events = [{"time": e.time, "kind": e.kind, "subject": e.subject, "message": e.message,
                   "severity": Severity(e.severity).name.lower()} for e in store.events(start, end, system)]
        document["systems"].append({"name": system, "series": series, "states": states, "events": events})
    return document
