"""Which events become toasts, and how many at once.

Every event goes to the events pane; a toast is for a change someone should look at
now. So: only warning or worse, and a node going or coming back; threshold crossings that already held when a system's
data first arrived are one start-up summary, not a toast each; events that arrive
together (one poll often brings several) share one toast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hcpdash.monitor.events import Event, Severity
from hcpdash.monitor.snapshot import SystemSnapshot

TOAST_SEVERITY = {Severity.INFO: "information", Severity.WARNING: "warning", Severity.CRITICAL: "error"}
COALESCE_SECONDS = 0.4
"""Events closer together than this share a toast."""
START_GRACE_SECONDS = 60.0
"""The start-up summary is shown at the latest this long after the dashboard opened."""
LINES_PER_TOAST = 3


def event_line(event: Event) -> str:
    """``hcp1 finance/mail: WARNING: …``, naming the subject once even where the message names it too."""
    if event.subject and event.subject not in event.message:
        return f"{event.system} {event.subject}: {event.message}"
    return f"{event.system}: {event.message}"


def has_settled(snapshot: SystemSnapshot | None) -> bool:
    """Every resource that thresholds judge (nodes, links, namespaces) was read, or failed, once."""
    return snapshot is not None and all(r.loaded or r.error for r in (snapshot.nodes, snapshot.links, snapshot.tenants))


@dataclass(frozen=True, slots=True)
class Toast:
    title: str
    message: str
    severity: str


@dataclass(slots=True)
class ToastPolicy:
    """Collects events and hands out toasts; the app calls :meth:`flush` on a short timer."""

    opened_at: float
    at_start: list[Event] = field(default_factory=list)
    pending: list[Event] = field(default_factory=list)
    summary_shown: bool = False

    def offer(self, event: Event, snapshots: Mapping[str, SystemSnapshot], now: float) -> bool:
        """Take an event; True when a flush should be scheduled."""
        if event.severity < Severity.WARNING and event.kind != "node":
            return False
        if event.kind == "threshold" and not self.summary_shown and not has_settled(snapshots.get(event.system)) \
                and now - self.opened_at < START_GRACE_SECONDS:
            self.at_start.append(event)
            return True
        self.pending.append(event)
        return True

    def flush(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> list[Toast]:
        """The toasts to show now: the start-up summary once every system settled, then the changes."""
        toasts: list[Toast] = []
        if not self.summary_shown and self.at_start and (
                all(has_settled(s) for s in snapshots.values()) or now - self.opened_at >= START_GRACE_SECONDS):
            self.summary_shown = True
            toasts.append(self._summary(self.at_start))
            self.at_start = []
        if self.pending:
            toasts.append(self._changes(self.pending))
            self.pending = []
        return toasts

    @property
    def waiting(self) -> bool:
        """Start-up crossings still held back for the summary."""
        return bool(self.at_start) and not self.summary_shown

    @staticmethod
    def _worst(events: list[Event]) -> str:
        return TOAST_SEVERITY[max(e.severity for e in events)]

    def _summary(self, events: list[Event]) -> Toast:
        systems = sorted({e.system for e in events})
        count = len(events)
        noun = "threshold crossed" if count == 1 else "thresholds crossed"
        return Toast("at start", f"{count} {noun} already on {', '.join(systems)}; each is in Events (4)",
                     self._worst(events))

    def _changes(self, events: list[Event]) -> Toast:
        if len(events) == 1:
            return Toast(events[0].kind, event_line(events[0]), self._worst(events))
        lines = [event_line(e) for e in events[:LINES_PER_TOAST]]
        if len(events) > LINES_PER_TOAST:
            lines.append(f"… and {len(events) - LINES_PER_TOAST} more in Events (4)")
        return Toast(f"{len(events)} changes", "\n".join(lines), self._worst(events))

