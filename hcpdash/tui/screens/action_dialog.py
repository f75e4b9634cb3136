"""What every link-action dialog shares: the preflight's facts, Cancel focused, one answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from hcpdash.monitor.api import Preflight
from hcpdash.tui.link_actions import LABELS
from hcpdash.tui.screens.preflight_facts import preflight_facts

AnswerT = TypeVar("AnswerT")


class ActionDialog(ModalScreen[AnswerT], Generic[AnswerT]):
    """Dismisses exactly once: with the confirmed answer, or with ``cancelled``."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    cancelled: AnswerT

    def __init__(self, preflight: Preflight) -> None:
        super().__init__(classes="dialog-screen")
        self.preflight = preflight
        self._answered = False

    @property
    def label(self) -> str:
        return LABELS[self.preflight.action]

    def facts(self) -> Iterator[Widget]:
        yield Static(preflight_facts(self.preflight, self.app), id="facts")
        if not self.preflight.allowed:
            yield Static(Text(f"Not allowed: {self.preflight.reason}"), classes="refusal")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._answer(self.cancelled)

    def _answer(self, value: AnswerT) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(value)
