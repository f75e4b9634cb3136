"""Suspend/resume: the preflight's facts and a confirmation, with Cancel focused."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from hcpdash.monitor.api import Preflight
from hcpdash.tui.screens.action_dialog import ActionDialog


class ConfirmScreen(ActionDialog):
    """Dismisses with a reason naming the confirmation once the confirm button is pressed."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog") as dialog:
            dialog.border_title = f"{self.label}?"
            yield from self.body()
            with Horizontal(classes="dialog-buttons dialog-form"):
                yield from self.buttons()

    def preflight_read(self, preflight: Preflight) -> None:
        self.confirm_button.disabled = not preflight.allowed

    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        if self.preflight is not None and self.preflight.allowed:
            self._answer(f"{self.label} confirmed in hcpdash")
