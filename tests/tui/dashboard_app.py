"""Build the app on the fake monitor; imported by Pilot and snapshot tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes import FakeMonitor, clock, make_config
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.widgets.keyed_table import KeyedTable

SETTLE_ROUNDS = 500


def build(read_only: bool = False, theme: str = "dark", monitor: FakeMonitor | None = None,
          **config: Any) -> tuple[HcpDashApp, FakeMonitor]:
    cfg = make_config(read_only=False, theme=theme, **config)
    monitor = monitor or FakeMonitor(cfg)
    return HcpDashApp(monitor, cfg, theme=theme, read_only=read_only, clock=clock), monitor


async def until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Wait for a state the app reaches through messages (a pane fills when its tab shows), never a timer."""
    for _ in range(SETTLE_ROUNDS):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


def drawn_lines(widget: Widget) -> list[str]:
    """The widget's lines as drawn on screen, without their styles: what the user reads."""
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


async def select_row(pilot: Pilot, table_id: str, key: str) -> KeyedTable:
    """Put the cursor on ``key``'s row as soon as its pane has filled."""
    table = pilot.app.query_one(f"#{table_id}", KeyedTable)
    await until(pilot, lambda: table.select(key), f"row {key} in #{table_id}")
    return table
