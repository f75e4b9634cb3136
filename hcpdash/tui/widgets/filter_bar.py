"""The `/` prompt: a filter for the current pane (``[!][column:]regex``), with its error inline."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("/", id="filter-prompt")
        yield Input(placeholder="regex, or column:regex as in state:down; ! hides matches; empty clears",
                    id="filter-input")
        yield Label("", id="filter-error")

    def open(self, current: str) -> None:
        self.display = True
        field = self.query_one(Input)
        field.value = current
        self.show_error(None)
        field.focus()

    def show_error(self, message: str | None) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(Text(message or ""))
        label.display = bool(message)
