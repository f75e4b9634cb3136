"""Fail over, fail back, recovery and restore: the preflight, then a typed confirmation.

Focus starts in the link-name field. The confirm button enables only once the
preflight allows the action, the link name is typed exactly as shown (case included)
and a reason is given, so Enter alone can never confirm; a name that cannot become
the right one is said so under the field.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from hcpdash.monitor.api import Preflight
from hcpdash.tui.screens.action_dialog import ActionDialog


class PreflightScreen(ActionDialog):
    """Dismisses with the reason when confirmed, None when cancelled."""

    AUTO_FOCUS = "#typed-name, #cancel"
    confirm_variant = "error"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="preflight-dialog") as dialog:
            dialog.border_title = f"Preflight: {self.label}"
            yield from self.body()
            with Vertical(classes="dialog-form"):
                prompt = Text("Type the link name ")
                prompt.append(self.link_name, "bold")
                prompt.append(" to confirm:")
                yield Label(prompt)
                yield Input(placeholder="link name", id="typed-name", select_on_focus=False)
                yield Static(id="name-hint", classes="field-hint")
                yield Label("Reason (recorded in the audit journal):")
                yield Input(placeholder="why", id="reason", select_on_focus=False)
                with Horizontal(classes="dialog-buttons"):
                    yield from self.buttons()

    @property
    def typed_name(self) -> Input:
        return self.query_one("#typed-name", Input)

    @property
    def reason(self) -> Input:
        return self.query_one("#reason", Input)

    def name_matches(self) -> bool:
        return self.typed_name.value == self.link_name

    def ready(self) -> bool:
        allowed = self.preflight is not None and self.preflight.allowed
        return allowed and self.name_matches() and bool(self.reason.value.strip())

    def preflight_read(self, preflight: Preflight) -> None:
        if not preflight.allowed:
            self.typed_name.disabled = self.reason.disabled = True
        self.update_confirm()

    def stray_character(self, character: str) -> None:
        """Typed while focus was between fields: it belongs to the first field still to fill."""
        field = self.reason if self.name_matches() else self.typed_name
        if not field.disabled:
            field.focus()
            field.insert_text_at_cursor(character)

    @on(Input.Changed)
    def update_confirm(self) -> None:
        if self._answered:
            return
        typed = self.typed_name.value
        wrong = bool(typed) and not self.link_name.startswith(typed)
        hint = f"Does not match {self.link_name!r} (case matters)." if wrong else ""
        self.query_one("#name-hint", Static).update(Text(hint))
        self.confirm_button.disabled = not self.ready()

    @on(Input.Submitted, "#typed-name")
    def name_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if self.name_matches():
            self.reason.focus()
        else:
            self.query_one("#name-hint", Static).update(Text(f"Does not match {self.link_name!r} (case matters)."))

    @on(Input.Submitted, "#reason")
    def reason_entered(self, event: Input.Submitted) -> None:
        """Enter in the reason moves to the confirm button when everything is filled; it never confirms."""
        event.stop()
        if self.ready():
            self.confirm_button.focus()
        elif not self.name_matches():
            self.typed_name.focus()

    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        if self.ready():
            self._answer(self.reason.value.strip())
