"""Events: node up/down, link transitions, threshold crossings, poll failures, actions."""

from __future__ import annotations

import time
from collections.abc import Mapping

from textual.app import ComposeResult

from hcpdash.monitor.events import Event, Severity
from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.monitor.verdicts import Level
from hcpdash.tui.panes.base import Pane
from hcpdash.tui.style import Cell, name, text
from hcpdash.tui.widgets.keyed_table import Column, KeyedTable, Row, RowSource

COLUMNS = (
    Column("time", "Time", 19), Column("severity", "Severity", 8), Column("system", "System"),
    Column("kind", "Kind", 9), Column("subject", "Subject", max_width=28), Column("message", "Message"),
)

SEVERITY_LEVEL = {Severity.INFO: Level.OK, Severity.WARNING: Level.WARNING, Severity.CRITICAL: Level.CRITICAL}


def event_time(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def sort_value(event: Event, column: str) -> object:
    """What ``column`` sorts ``event`` by, as its cell does."""
    if column == "time":
        return event.time, event.seq
    if column == "severity":
        return event.severity.name.lower()
    return getattr(event, column)


class EventsPane(Pane):
    title = "Events"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._events: dict[str, Event] = {}
        self._limit = 2000

    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, RowSource(lambda e: e.seq, self.render_row, self._search, sort_value),
                         id="events-table",
                         sort_column="time", sort_reverse=True)

    @staticmethod
    def _search(event: Event) -> str:
        return f"{event.system} {event.kind} {event.subject} {event.message} {event.severity.name}"

    def render_row(self, event: Event) -> Row:
        colour = self.palette.level(SEVERITY_LEVEL[event.severity])
        return (
            Cell(event_time(event.time), "", sort_value(event, "time")), text(sort_value(event, "severity"), colour),
            name(event.system), text(event.kind), name(event.subject), text(event.message, colour
                                                                            if event.severity else ""),
        )

    def event(self, key: str) -> Event | None:
        return self._events.get(key)

    def add_events(self, events: list[Event]) -> None:
        for event in events:
            self._events[str(event.seq)] = event
        while len(self._events) > self._limit:
            del self._events[next(iter(self._events))]
        self._pending = ({}, 0.0)
        if self.is_on_screen_tab():
            self.flush()

    def render_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> None:
        self.table.apply(self._events)
