"""Messages from the monitor to the dashboard; posted from listeners, handled on the UI."""

from __future__ import annotations

from textual.message import Message

from hcpdash.monitor.events import Event
from hcpdash.monitor.snapshot import SystemSnapshot


class SnapshotArrived(Message):
    def __init__(self, snapshot: SystemSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class EventArrived(Message):
    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event
