"""What every link-action dialog shares: it opens at once, reads the preflight, then asks once.

The dialog is on screen from the moment the key is pressed, so keys typed while the
preflight reads both ends of the link land in the dialog, never on the dashboard
behind it. Its facts scroll; its inputs and buttons sit in a part docked to the
bottom, so they stay on screen at any terminal size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ClassVar, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.api import Preflight
from hcpdash.tui.link_actions import LABELS
from hcpdash.tui.screens.preflight_facts import preflight_facts

PreflightRead = Callable[[], Awaitable[Preflight]]


class ActionDialog(ModalScreen[str | None]):
    """Dismisses exactly once: with the reason to record when confirmed, or with None."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    confirm_variant: ClassVar[Literal["warning", "error"]] = "warning"

    def __init__(self, system: str, link_name: str, action: LinkAction, read: PreflightRead) -> None:
        super().__init__(classes="dialog-screen")
        self.system = system
        self.link_name = link_name
        self.action = action
        self.preflight: Preflight | None = None
        """The preflight once read; None while reading (the confirm button stays disabled)."""
        self._read = read
        self._read_done = asyncio.Event()
        self._answered = False

    @property
    def label(self) -> str:
        return LABELS[self.action]

    def body(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-body", id="facts-scroll"):
            yield Static(Text(f"Reading link {self.link_name} on {self.system} and its other end now…"), id="facts")
            yield Static(classes="refusal", id="refusal")

    def on_mount(self) -> None:
        self.query_one("#refusal").display = False
        self.call_after_refresh(self._keep_toasts_above_the_form)
        self._read_preflight()

    def on_resize(self) -> None:
        self.call_after_refresh(self._keep_toasts_above_the_form)

    def _keep_toasts_above_the_form(self) -> None:
        """Toasts stack down from the top (see the stylesheet) and stop short of the inputs and buttons."""
        racks, forms = self.query("ToastRack"), self.query(".dialog-form")
        if racks and forms:
            racks.first().styles.max_height = max(0, forms.first().region.y - 1)

    @work(exit_on_error=False, group="preflight")
    async def _read_preflight(self) -> None:
        try:
            preflight = await self._read()
        except Exception as exc:  # noqa: BLE001 - shown in the dialog; the operator can only cancel
            self._show_refusal(f"The preflight failed: {type(exc).__name__}: {exc}")
        else:
            self.preflight = preflight
            self.query_one("#facts", Static).update(preflight_facts(preflight, self.app))
            if not preflight.allowed:
                self._show_refusal(f"Not allowed: {preflight.reason}")
            self.preflight_read(preflight)
        finally:
            self._read_done.set()

    def preflight_read(self, preflight: Preflight) -> None:
        """Called once the preflight is in; dialogs enable what it allows."""

    def _show_refusal(self, text: str) -> None:
        refusal = self.query_one("#refusal", Static)
        refusal.update(Text(text))
        refusal.display = True
        self.query_one("#cancel", Button).focus()

    async def settled(self) -> Preflight | None:
        """Wait until the preflight has been read (or failed); returns it."""
        await self._read_done.wait()
        return self.preflight

    @property
    def confirm_button(self) -> Button:
        return self.query_one("#confirm", Button)

    def buttons(self) -> ComposeResult:
        yield Button("Cancel", id="cancel")
        yield Button(f"{self.label} {self.link_name}", id="confirm", variant=self.confirm_variant, disabled=True)

    def on_key(self, event: events.Key) -> None:
        """A printable key that no field takes must not reach the dashboard's bindings behind the dialog."""
        if event.is_printable:
            event.stop()
            event.prevent_default()
            self.stray_character(event.character or "")

    def stray_character(self, character: str) -> None:
        """A character typed while no text field had focus."""

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, value: str | None) -> None:
        if not self._answered:
            self._answered = True
            self.confirm_button.disabled = True
            self.dismiss(value)

