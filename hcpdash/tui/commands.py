"""The command palette: every action of the dashboard, from the same registry as the keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from hcpdash.tui.app import HcpDashApp


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], object]


class DashboardCommands(Provider):
    """Panes, polling, filter, sort, help and the link actions that are valid and writable now."""

    def _commands(self) -> list[PaletteCommand]:
        app: HcpDashApp = self.app  # type: ignore[assignment]
        return app.palette_commands()

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Content(command.name), command.run, text=command.name, help=Content(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, Content(command.name), command.run, text=command.name, help=Content(command.help))
