"""The footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds all its keys on every bindings refresh, which each focus
change and pane switch sends. With the same keys on show that rebuild (new widgets,
their styles, another layout) was most of the time a pane switch or `?` took.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class DashboardFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple((binding.key, binding.description, enabled, tooltip)
                      for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)
        own_screen = self.is_attached and screen is self.screen
        if own_screen and shown == self._shown:
            return
        if own_screen and screen.app.app_focus:
            self._shown = shown
        super().bindings_changed(screen)
