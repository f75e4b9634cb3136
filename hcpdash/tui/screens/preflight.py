"""Fail over, fail back, recovery and restore: the preflight, then a typed confirmation.

The confirm button enables only when the link name is typed exactly as shown (case
included) and a reason is given; it can be pressed once.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from hcpdash.monitor.api import Preflight
from hcpdash.tui.link_actions import LABELS
from hcpdash.tui.screens.preflight_facts import preflight_facts


class PreflightScreen(ModalScreen[str | None]):
    """Dismisses with the reason when confirmed, None when cancelled."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, preflight: Preflight) -> None:
        super().__init__(classes="dialog-screen")
        self.preflight = preflight
        self._answered = False

    def compose(self) -> ComposeResult:
        label = LABELS[self.preflight.action]
        with Vertical(classes="dialog", id="preflight-dialog") as dialog:
            dialog.border_title = f"Preflight: {label}"
            with VerticalScroll(classes="dialog-body"):
                yield Static(preflight_facts(self.preflight, self.app), id="facts")
                if not self.preflight.allowed:
                    yield Static(Text(f"Not allowed: {self.preflight.reason}"), classes="refusal")
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

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, value: str | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(value)
