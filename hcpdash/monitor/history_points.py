"""What of a snapshot goes into the history: numbered points and states, keyed like the rings.

Only readings that changed since the last call are read again (by ``updated_at``), so a
snapshot rebuilt after an unrelated poll costs almost nothing to record.
"""

from __future__ import annotations

import dataclasses
import json
import math
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from itertools import chain

from hcpdash.monitor.activity import Activity
from hcpdash.monitor.history_store import SeriesKey, resend_after_s
from hcpdash.monitor.snapshot import NamespaceView, SystemSnapshot, TenantView

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


class _Namespaces:
    """What was last recorded of each namespace of one system: its view, when, how long an unchanged view may
    wait, and how its series are named (found once, not per poll). Kept in arrays by slot, not in an object
    per namespace: with 10,000 namespaces, objects made while a poll's points are built pin memory the
    points free."""

    __slots__ = ("slots", "views", "at", "resend_after", "series")

    def __init__(self) -> None:
        self.slots: dict[str, dict[str, int]] = {}
        """Tenant → namespace → slot."""
        self.views: list[NamespaceView | None] = []
        self.at = array("d")
        self.resend_after = array("d")
        self.series: MutableSequence[SeriesKey | int] | None = None
        """``len(NAMESPACE_METRICS)`` per slot: ids in an array, or keys in a list."""

    def add(self, system: str, subject: str, series_ids: SeriesIds) -> int:
        found = series_ids(tuple(("ns", system, subject, metric) for metric in NAMESPACE_METRICS))
        if self.series is None:
            self.series = array("q") if isinstance(found, array) else []
        self.series.extend(found)  # type: ignore[arg-type]
        self.views.append(None)
        self.at.append(-math.inf)
        self.resend_after.append(resend_after_s(subject))
        return len(self.views) - 1


def _same_keys(keys: Sequence[SeriesKey]) -> Sequence[SeriesKey]:
    return keys


@dataclass(slots=True)
class SnapshotRecorder:
    """Turns successive snapshots of several systems into points and states."""

    series_ids: SeriesIds = _same_keys
    _seen: dict[tuple[str, str], float] = field(default_factory=dict)
    _namespaces: dict[str, _Namespaces] = field(default_factory=dict)
    """System → what was last recorded of its namespaces."""

    def _changed(self, system: str, resource: str, updated_at: float | None) -> bool:
        if updated_at is None or self._seen.get((system, resource)) == updated_at:
            return False
        self._seen[(system, resource)] = updated_at
        return True

    def extract(self, snap: SystemSnapshot) -> tuple[Iterable[Point], list[State]]:
        """The snapshot's points and states. The namespaces' points are made as they are read (by
        :meth:`HistoryStore.write`, once, in order), not held in a list: a first poll of 10,000 namespaces
        has 80,000 of them, and a list of them would leave that memory taken for good."""
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
            return chain(points, self._namespace_points(name, t, snap.tenants.value or ())), states
        return points, states

    def _namespace_points(self, system: str, t: float, tenants: Iterable[TenantView]) -> Iterator[Point]:
        book = self._namespaces.get(system) or self._namespaces.setdefault(system, _Namespaces())
        views, at, resend_after, width = book.views, book.at, book.resend_after, len(NAMESPACE_METRICS)
        for tenant in tenants:
            slots = book.slots.get(tenant.name)
            if slots is None:
                slots = book.slots[tenant.name] = {}
            for ns in tenant.namespaces:
                slot = slots.get(ns.name)
                if slot is None:
                    slot = slots[ns.name] = book.add(system, ns.key, self.series_ids)
                elif views[slot] is ns and t - at[slot] < resend_after[slot]:
                    continue  # the poller kept the very same view: nothing changed
                views[slot], at[slot] = ns, t
                keys = book.series[slot * width:(slot + 1) * width]  # type: ignore[index]
                if (stats := ns.statistics) is not None:
                    yield keys[0], t, stats.storage_capacity_used
                    yield keys[1], t, stats.object_count
                if ns.hard_quota_bytes:
                    yield keys[2], t, ns.hard_quota_bytes
                if (rate := ns.activity) is not None:
                    yield from ((keys[3], t, rate.bytes_in_per_s), (keys[4], t, rate.bytes_out_per_s),
                                (keys[5], t, rate.reads_per_s), (keys[6], t, rate.writes_per_s),
                                (keys[7], t, rate.deletes_per_s))
