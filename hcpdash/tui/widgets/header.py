"""The always-visible status line: which systems, how writable, how healthy, how fresh.

Always one line: when the full text does not fit, it is abbreviated (short levels and
ages, then no environment labels), and only then cut with an ellipsis. "PAUSED" moves
to the front when abbreviated, so it is the last thing to go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import Static

from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.monitor.verdicts import Level, format_duration
from hcpdash.tui.contrast import readable_on
from hcpdash.tui.style import Palette

FULL, SHORT, SHORTEST = 2, 1, 0
"""How much of each system's status the header shows."""

_SHORT_LEVEL = {Level.OK: "OK", Level.WARNING: "WARN", Level.CRITICAL: "CRIT", Level.UNKNOWN: "UNKN"}


def environment_style(colour: str) -> Style:
    """The configured environment colour as a background, with black or white text, whichever
    reads better on it; an unusable colour shows as reverse."""
    try:
        return Style(bgcolor=colour, color=readable_on(colour), bold=True) if colour else Style(reverse=True, bold=True)
    except Exception:  # noqa: BLE001 - a colour name Rich does not know must not break the header
        return Style(reverse=True, bold=True)


def poll_status(snap: SystemSnapshot, now: float, palette: Palette, detail: int = FULL) -> Text:
    """``updated 3 s ago`` (abbreviated: ``3 s``); amber when a reading is stale, red when polls fail."""
    readings = snap.readings().values()
    updated = [r.updated_at for r in readings if r.updated_at is not None]
    failing = [name for name, r in snap.readings().items() if r.error]
    if not updated:
        if failing:
            return Text("unreachable", palette.failing)
        return Text("loading…", palette.unknown)
    age = format_duration(max(0.0, now - max(updated)))
    shown = f"updated {age} ago" if detail == FULL else age
    if failing:
        return Text(f"{shown}, {len(failing)} failing", palette.failing)
    if any(r.is_stale(now) for r in readings):
        return Text(f"{shown}, stale", palette.stale)
    return Text(shown)


def system_status(snap: SystemSnapshot, read_only: bool, now: float, palette: Palette, detail: int = FULL) -> Text:
    result = Text()
    label = f" {snap.name}" + (f" {snap.environment} " if snap.environment and detail > SHORTEST else " ")
    result.append(label, environment_style(snap.colour))
    result.append(" ")
    result.append(" RO " if read_only else " RW ", Style(color=palette.read_only if read_only else palette.read_write,
                                                         bold=True, reverse=True))
    result.append(" ")
    level = snap.overall.level
    result.append(level.name if detail == FULL else _SHORT_LEVEL[level],
                  Style(color=palette.level(level), bold=True))
    result.append("  " if detail == FULL else " ")
    result.append_text(poll_status(snap, now, palette, detail))
    return result


@dataclass(frozen=True, slots=True)
class _Status:
    snapshots: Mapping[str, SystemSnapshot]
    read_only: Mapping[str, bool]
    paused: bool
    interval_scale: float
    now: float
    palette: Palette


class StatusHeader(Static):
    """One segment per system, then the paused state and the poll interval scale."""

    _status: _Status | None = None

    def show_status(self, snapshots: Mapping[str, SystemSnapshot], read_only: Mapping[str, bool], paused: bool,
                    interval_scale: float, now: float, palette: Palette) -> None:
        self._status = _Status(dict(snapshots), dict(read_only), paused, interval_scale, now, palette)
        self._show()

    def on_resize(self, _event: events.Resize) -> None:
        self._show()

    def _show(self) -> None:
        if self._status is None:
            return
        width = self.content_size.width or self.app.size.width
        for detail in (FULL, SHORT, SHORTEST):
            content = self.line(self._status, detail)
            if content.cell_len <= width:
                break
        content.truncate(width, overflow="ellipsis")
        self.update(content)

    @staticmethod
    def line(status: _Status, detail: int) -> Text:
        content = Text(no_wrap=True, overflow="ellipsis")
        paused = Style(color=status.palette.paused, bold=True, reverse=True)
        if detail == FULL:
            content.append(" hcpdash ", "bold")
        elif status.paused:
            content.append(" PAUSED ", paused)
            content.append(" ")
        for index, (name, snap) in enumerate(status.snapshots.items()):
            if detail == FULL or index:
                content.append("│ ")
            content.append_text(system_status(snap, status.read_only.get(name, True), status.now, status.palette,
                                              detail))
            content.append(" ")
        if status.paused and detail == FULL:
            content.append("│ ")
            content.append(" PAUSED ", paused)
        if status.interval_scale != 1.0:
            content.append(f" │ intervals ×{status.interval_scale:.2g}" if detail == FULL
                           else f"│ ×{status.interval_scale:.2g}")
        return content
