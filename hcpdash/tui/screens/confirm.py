"""Suspend/resume confirmation: the facts of the preflight, and Cancel focused."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button

from hcpdash.tui.screens.action_dialog import ActionDialog


class ConfirmScreen(ActionDialog[bool]):
    """Dismisses with True once, when the confirm button is pressed; anything else is False."""

    cancelled = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog") as dialog:
            dialog.border_title = f"{self.label}?"
            with VerticalScroll(classes="dialog-body"):
                yield from self.facts()
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(f"{self.label} {self.preflight.link_name}", id="confirm", variant="warning",
                             disabled=not self.preflight.allowed)

    @on(Button.Pressed, "#confirm")
    def confirm(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        self._answer(True)
