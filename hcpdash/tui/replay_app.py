"""The dashboard on recorded history: every pane as it was at the time cursor, read-only."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from hcpdash.config import Config
from hcpdash.monitor.replay import ReplayMonitor
from hcpdash.tui.app import HcpDashApp

STEPS = {"minute": 60.0, "ten": 600.0}


def cursor_text(monitor: ReplayMonitor) -> str:
    def shown(t: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))

    return (f" REPLAY  {shown(monitor.cursor)}   range {shown(monitor.first)} – {shown(monitor.last)}   "
            "[ ] 1 min · { } 10 min · home/end")


class ReplayApp(HcpDashApp):
    BINDINGS: ClassVar[list[BindingType]] = [
        *HcpDashApp.BINDINGS,
        Binding("left_square_bracket", "step(-60)", "1 min back", id="replay.back"),
        Binding("right_square_bracket", "step(60)", "1 min on", id="replay.forward"),
        Binding("left_curly_bracket", "step(-600)", "10 min back", id="replay.back10", show=False),
        Binding("right_curly_bracket", "step(600)", "10 min on", id="replay.forward10", show=False),
        Binding("home", "jump('start')", "Start of range", id="replay.start", show=False),
        Binding("end", "jump('end')", "End of range", id="replay.end", show=False),
    ]

    def __init__(self, monitor: ReplayMonitor, config: Config, theme: str | None = None) -> None:
        super().__init__(monitor, config, theme=theme, read_only=True, clock=lambda: monitor.cursor)
        self.replay = monitor

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(cursor_text(self.replay), id="replay-cursor")

    def action_step(self, seconds: float) -> None:
        self.replay.move_to(self.replay.cursor + seconds)
        self.query_one("#replay-cursor", Static).update(cursor_text(self.replay))

    def action_jump(self, where: str) -> None:
        self.action_step((self.replay.first if where == "start" else self.replay.last) - self.replay.cursor)

    def action_toggle_pause(self) -> None:
        self.notify("Replay: nothing is polled", severity="information")

    def action_refresh_now(self) -> None:
        self.notify("Replay: nothing is polled", severity="information")
