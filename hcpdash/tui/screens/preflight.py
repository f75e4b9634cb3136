"""Fail over, fail back, recovery and restore: the preflight, then a typed confirmation.

The confirm button enables only when the link name is typed exactly as shown (case
included) and a reason is given; it can be pressed once.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label

from hcpdash.tui.screens.action_dialog import ActionDialog


class PreflightScreen(ActionDialog[str | None]):
    """Dismisses with the reason when confirmed, None when cancelled."""

    cancelled = None

    def compose(self) -> ComposeResult:
        label = self.label
        with Vertical(classes="dialog", id="preflight-dialog") as dialog:
            dialog.border_title = f"Preflight: {label}"
            with VerticalScroll(classes="dialog-body"):
                yield from self.facts()
            prompt = Text("Type the link name ")
            prompt.append(self.preflight.link_name, "bold")
            prompt.append(" to confirm:")
            yield Label(prompt)
            yield Input(placeholder="link name", id="typed-name", disabled=not self.preflight.allowed)
            yield Label("Reason (recorded in the audit journal):")
            yield Input(placeholder="why", id="reason", disabled=not self.preflight.allowed)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(f"{label} {self.preflight.link_name}", id="confirm", variant="error", disabled=True)

    def ready(self) -> bool:
        typed = self.query_one("#typed-name", Input).value
        reason = self.query_one("#reason", Input).value.strip()
        return self.preflight.allowed and typed == self.preflight.link_name and bool(reason)

    @on(Input.Changed)
    def update_confirm(self) -> None:
        if not self._answered:
            self.query_one("#confirm", Button).disabled = not self.ready()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#confirm")
    def confirm(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        if self.ready():
            self._answer(self.query_one("#reason", Input).value.strip())
