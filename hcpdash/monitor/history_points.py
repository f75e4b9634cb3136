"""What of a snapshot goes into the history: numbered points and states, keyed like the rings.

Only readings that changed since the last call are read again (by ``updated_at``), so a
snapshot rebuilt after an unrelated poll costs almost nothing to record.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hcpdash.monitor.activity import Activity
from hcpdash.monitor.history_store import SeriesKey, resend_after_s
from hcpdash.monitor.snapshot import NamespaceView, SystemSnapshot

Point = tuple[SeriesKey | int, float, float]
State = tuple[SeriesKey, float, str]

RING_METRICS = ("latency_ms", "bytes_pending", "lag_s", "used_bytes")
"""The metrics the in-memory rings keep (sparklines, growth); refilled from the file at start."""


def _state(**fields: object) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


ACTIVITY_METRICS = tuple(f.name for f in dataclasses.fields(Activity))
NAMESPACE_METRICS = ("used_bytes", "objects", "hard_quota_bytes", *ACTIVITY_METRICS)
"""A namespace's series: the activity ones are its :class:`Activity` field by field, so that a replay shows the
Activity column and detail as they were."""


SeriesIds = Callable[[Sequence[SeriesKey]], Sequence[SeriesKey | int]]
"""Keys → what to name the series by in points: the store's ids (:meth:`HistoryStore.series_ids`), or
the keys themselves."""


class _Recorded:
    """The last view of a namespace recorded, when, and how its series are named (found once, not per poll)."""

    __slots__ = ("view", "at", "series", "resend_after")

    def __init__(self, system: str, subject: str, series_ids: SeriesIds) -> None:
        self.view: NamespaceView | None = None
        self.at = 0.0
        self.resend_after = resend_after_s(subject)
        self.series = series_ids(tuple(("ns", system, subject, metric) for metric in NAMESPACE_METRICS))


def _same_keys(keys: Sequence[SeriesKey]) -> Sequence[SeriesKey]:
    return keys


@dataclass(slots=True)
class SnapshotRecorder:
    """Turns successive snapshots of several systems into points and states."""

    series_ids: SeriesIds = _same_keys
    _seen: dict[tuple[str, str], float] = field(default_factory=dict)
    _namespaces: dict[tuple[str, str, str], _Recorded] = field(default_factory=dict)
    """(system, tenant, namespace) → what was last recorded of it."""

    def _changed(self, system: str, resource: str, updated_at: float | None) -> bool:
        if updated_at is None or self._seen.get((system, resource)) == updated_at:
            return False
        self._seen[(system, resource)] = updated_at
        return True

    def extract(self, snap: SystemSnapshot) -> tuple[list[Point], list[State]]:
        points: list[Point] = []
        states: list[State] = [(("system", snap.name, "", "verdict"), snap.taken_at,
                                _state(level=snap.overall.level.name, subject=snap.overall.subject))]
        name = snap.name
        if self._changed(name, "nodes", t := snap.nodes.updated_at):
            assert t is not None
            for node in snap.nodes.value or ():
                if node.latency_p95_ms is not None:
                    points.append((("node", name, node.address, "latency_ms"), t, node.latency_p95_ms))
                states.append((("node", name, node.address, "state"), t,
                               _state(pool=node.pool_state, probe=str(node.probe) if node.probe else None,
                                      in_dns=node.in_dns, error=node.last_error, node_state=node.state,
                                      since=node.state_since)))
        if self._changed(name, "links", t := snap.links.updated_at):
            assert t is not None
            for view in snap.links.value or ():
                link, stats, key = view.link, view.link.statistics, ("link", name, view.link.name)
                if stats is not None:
                    points += [((*key, "bytes_pending"), t, stats.bytes_pending + stats.bytes_pending_remote),
                               ((*key, "objects_pending"), t, stats.objects_pending + stats.objects_pending_remote),
                               ((*key, "bytes_per_second"), t, stats.bytes_per_second)]
                if view.lag_s is not None:
                    points.append(((*key, "lag_s"), t, view.lag_s))
                states.append(((*key, "state"), t, _state(
                    type=str(link.type), status=str(link.status) if link.status else None,
                    message=link.status_message, suspended=link.suspended)))
        if self._changed(name, "tenants", t := snap.tenants.updated_at):
            assert t is not None
            recorded = self._namespaces
            for tenant in snap.tenants.value or ():
                for ns in tenant.namespaces:
                    last = recorded.get((name, tenant.name, ns.name))
                    if last is not None and last.view is ns and t - last.at < last.resend_after:
                        continue  # the poller kept the very same view: nothing changed
                    if last is None:
                        last = recorded[(name, tenant.name, ns.name)] = _Recorded(name, ns.key, self.series_ids)
                    last.view, last.at = ns, t
                    keys = last.series
                    if (stats := ns.statistics) is not None:
                        points += [(keys[0], t, stats.storage_capacity_used), (keys[1], t, stats.object_count)]
                    if ns.hard_quota_bytes:
                        points.append((keys[2], t, ns.hard_quota_bytes))
                    if (rate := ns.activity) is not None:
                        points += [(keys[3], t, rate.bytes_in_per_s), (keys[4], t, rate.bytes_out_per_s),
                                   (keys[5], t, rate.reads_per_s), (keys[6], t, rate.writes_per_s),
                                   (keys[7], t, rate.deletes_per_s)]
        return points, states
