"""One event in full: the events table cuts long messages, this view never does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from hcpdash.monitor.events import Event


def event_facts(event: Event, when: str) -> Table:
    """Label and value columns; the message wraps within its column."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    for label, value in (("Time", when), ("Severity", event.severity.name.lower()), ("System", event.system),
                         ("Kind", event.kind), ("Subject", event.subject), ("Message", event.message)):
        facts.add_row(label, Text(value))
    return facts


class EventDetailScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss", "Back", id="event.back")]

    def __init__(self, event: Event, when: str) -> None:
        super().__init__(classes="detail-screen")
        self.event = event
        self.when = when

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail event-detail") as box:
            box.border_title = f"Event on {self.event.system}"
            box.border_subtitle = "esc back"
            with VerticalScroll():
                yield Static(event_facts(self.event, self.when), id="event-body")
