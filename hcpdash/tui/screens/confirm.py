"""Suspend/resume confirmation: the facts of the preflight, and Cancel focused."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from hcpdash.monitor.api import Preflight
from hcpdash.tui.link_actions import LABELS
from hcpdash.tui.screens.preflight_facts import preflight_facts


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True once, when the confirm button is pressed; anything else is False."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, preflight: Preflight) -> None:
        super().__init__(classes="dialog-screen")
        self.preflight = preflight
        self._answered = False

    def compose(self) -> ComposeResult:
        label = LABELS[self.preflight.action]
        with Vertical(classes="dialog", id="confirm-dialog") as dialog:
            dialog.border_title = f"{label}?"
            with VerticalScroll(classes="dialog-body"):
                yield Static(preflight_facts(self.preflight, self.app), id="facts")
                if not self.preflight.allowed:
                    yield Static(Text(f"Not allowed: {self.preflight.reason}"), classes="refusal")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(f"{label} {self.preflight.link_name}", id="confirm", variant="warning",
                             disabled=not self.preflight.allowed)

    @on(Button.Pressed, "#confirm")
    def confirm(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        self._answer(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._answer(False)

    def _answer(self, value: bool) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(value)
