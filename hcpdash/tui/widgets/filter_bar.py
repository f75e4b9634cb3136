"""The filter line above the footer: the `/` prompt while typing, then the active filter.

While typing it shows the prompt (``[!][column:]regex``), how many rows the filter keeps
and any error inline; closed, it stays while a filter is active, as a status line saying
which filter, how many rows it keeps of how many, and which key clears it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = False
        """A filter is active on the current pane."""

    def compose(self) -> ComposeResult:
        yield Label("/", id="filter-prompt")
        yield Input(placeholder="regex, or column:regex as in state:down; ! hides matches; empty clears",
                    id="filter-input")
        yield Label("", id="filter-error")
        yield Label("", id="filter-count")
        yield Label("", id="filter-status")

    @property
    def typing(self) -> bool:
        return self.has_class("typing")

    def open(self, current: str) -> None:
        self.add_class("typing")
        self.display = True
        field = self.query_one(Input)
        field.value = current
        self.show_error(None)
        field.focus()

    def close(self) -> None:
        """Stop typing; the bar stays as the status line while a filter is active."""
        self.remove_class("typing")
        self.display = self.active

    def show_error(self, message: str | None) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(Text(message or ""))
        label.set_class(bool(message), "shown")

    def show_state(self, filter_text: str, shown: int, held: int, clear_key: str) -> None:
        """The current pane's filter and how many of its rows it keeps."""
        count = f"{shown:,} of {held:,} rows"
        self.query_one("#filter-count", Label).update(count)
        self.query_one("#filter-status", Label).update(Text.assemble(
            ("filter ", "bold"), filter_text, f" — {count} · {clear_key} clears"))
        self.active = bool(filter_text)
        if not self.typing:
            self.display = self.active
