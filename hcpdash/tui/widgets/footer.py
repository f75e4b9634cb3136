"""The footers: one per pane, each rebuilt only when the keys it shows change.

Textual's footer rebuilds all its keys on every bindings refresh, which each focus
change and pane switch sends. With the same keys on show that rebuild (new widgets,
their styles, another layout) was most of the time a pane switch or `?` took. Panes
show different keys (the replication pane adds its link actions), so one footer shared
by the panes would still be rebuilt on every switch to or from that pane; and the
widgets of a rebuilt footer live on in Textual's style cache (up to 1,024 widgets'
drawn lines), for every garbage collection to walk. So each pane has its own footer,
shown with it, which keeps its keys while hidden.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class DashboardFooter(Footer):
    def __init__(self, pane: str) -> None:
        super().__init__(id=f"{pane}-footer")
        self.pane = pane
        self._shown: Hashable = None

    def bindings_changed(self, screen: Screen) -> None:
        if not self.display:
            return
        shown = tuple((binding.key, binding.description, enabled, tooltip)
                      for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)
        own_screen = self.is_attached and screen is self.screen
        if own_screen and shown == self._shown:
            return
        if own_screen and screen.app.app_focus:
            self._shown = shown
        super().bindings_changed(screen)
