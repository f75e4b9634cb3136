"""The always-visible status line: which systems, how writable, how healthy, how fresh."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.monitor.verdicts import format_duration
from hcpdash.tui.contrast import readable_on
from hcpdash.tui.style import Palette


def environment_style(colour: str) -> Style:
    """The configured environment colour as a background, with black or white text, whichever
    reads better on it; an unusable colour shows as reverse."""
    try:
        return Style(bgcolor=colour, color=readable_on(colour), bold=True) if colour else Style(reverse=True, bold=True)
    except Exception:  # noqa: BLE001 - a colour name Rich does not know must not break the header
        return Style(reverse=True, bold=True)


def poll_status(snap: SystemSnapshot, now: float, palette: Palette) -> Text:
    """``updated 3 s ago``; amber when a reading is stale, red when polls fail."""
    readings = snap.readings().values()
    updated = [r.updated_at for r in readings if r.updated_at is not None]
    failing = [name for name, r in snap.readings().items() if r.error]
    if not updated:
        if failing:
            return Text("unreachable", palette.failing)
        return Text("loading…", palette.unknown)
    age = format_duration(max(0.0, now - max(updated)))
    if failing:
        return Text(f"updated {age} ago, {len(failing)} failing", palette.failing)
    if any(r.is_stale(now) for r in readings):
        return Text(f"updated {age} ago, stale", palette.stale)
    return Text(f"updated {age} ago")


def system_status(snap: SystemSnapshot, read_only: bool, now: float, palette: Palette) -> Text:
    result = Text()
    label = f" {snap.name}" + (f" {snap.environment} " if snap.environment else " ")
    result.append(label, environment_style(snap.colour))
    result.append(" ")
    result.append(" RO " if read_only else " RW ", Style(color=palette.read_only if read_only else palette.read_write,
                                                         bold=True, reverse=True))
    result.append(" ")
    result.append(snap.overall.level.name, Style(color=palette.level(snap.overall.level), bold=True))
    result.append("  ")
    result.append_text(poll_status(snap, now, palette))
    return result


class StatusHeader(Static):
    """One segment per system, then the paused state and the poll interval scale."""

    def show_status(self, snapshots: Mapping[str, SystemSnapshot], read_only: Mapping[str, bool], paused: bool,
                    interval_scale: float, now: float, palette: Palette) -> None:
        content = Text(no_wrap=True, overflow="ellipsis")
        content.append(" hcpdash ", "bold")
        for name, snap in snapshots.items():
            content.append("│ ")
            content.append_text(system_status(snap, read_only.get(name, True), now, palette))
            content.append(" ")
        if paused:
            content.append("│ ")
            content.append(" PAUSED ", Style(color=palette.paused, bold=True, reverse=True))
        if interval_scale != 1.0:
            content.append(f" │ intervals ×{interval_scale:.2g}")
        self.update(content)
