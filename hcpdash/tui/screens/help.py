"""`?`: every key, generated from the same bindings the app uses (remapped keys included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HelpEntry = tuple[str, str, str, str]
"""(section, keys as shown, description, binding id)"""


def help_text(entries: Sequence[HelpEntry]) -> Text:
    result = Text()
    section = None
    for group, keys, description, binding_id in entries:
        if group != section:
            section = group
            if result:
                result.append("\n")
            result.append(f"{group}\n", "bold underline")
        result.append(f"  {keys:<14}", "bold")
        result.append(f"{description:<34}")
        result.append(f"{binding_id}\n", "dim")
    result.append("\nRemap any key in the config file: bindings: {binding id: key}.", "dim")
    return result


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, entries: Sequence[HelpEntry]) -> None:
        super().__init__(classes="detail-screen")
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail", id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc close"
            with VerticalScroll():
                yield Static(help_text(self.entries))

    def on_screen_resume(self) -> None:
        """Shown again from the top (the same screen is shown on every `?`)."""
        self.query_one(VerticalScroll).scroll_home(animate=False)
