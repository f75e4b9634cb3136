"""Rich text for table cells and panels, coloured only through the theme's variables.

Every server string reaches the screen as a :class:`rich.text.Text` built here, never
as markup, so a namespace called ``[bold red]x`` shows exactly that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from hcpdash.monitor.verdicts import Level, format_bytes, format_duration
from hcpdash.tui.abbreviate import ValueKind

DASH = "–"
_BARS = "▁▂▃▄▅▆▇█"


class Cell(Text):
    """A table cell that carries the raw value it sorts by (numbers sort as numbers).

    Equal only when text, base style and spans are equal, so a colour change alone
    still counts as a change when a table diffs its rows. ``kind`` says how the value is
    shortened when its column is too narrow (see :mod:`hcpdash.tui.abbreviate`).
    """

    __slots__ = ("sort_key", "kind")

    def __init__(self, text: str = "", style: str = "", sort_key: Any = None, kind: ValueKind = "text") -> None:
        super().__init__(text, style=style, no_wrap=True, overflow="ellipsis")
        self.sort_key = sort_key_for(sort_key)
        self.kind: ValueKind = kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return self.plain == other.plain and self.style == other.style and self.spans == other.spans

    __hash__ = None  # type: ignore[assignment]


def sort_key_for(value: Any) -> tuple[int, Any]:
    """How a cell sorts: by ``value``, a missing one (``None``) after all others."""
    return (1, "") if value is None else (0, value)


@dataclass(frozen=True, slots=True)
class Palette:
    """The hcpdash colours of the current theme, for Rich text (CSS uses the variables directly)."""

    ok: str
    warning: str
    critical: str
    unknown: str
    stale: str
    failing: str
    paused: str
    bar_used: str
    bar_free: str
    sparkline: str
    read_only: str
    read_write: str

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> Palette:
        def get(name: str) -> str:
            return variables.get(name, "default")

        return cls(get("verdict-ok"), get("verdict-warning"), get("verdict-critical"), get("verdict-unknown"),
                   get("stale"), get("failing"), get("paused"), get("bar-used"), get("bar-free"),
                   get("sparkline"), get("read-only"), get("read-write"))

    def level(self, level: Level | None) -> str:
        if level is None:
            return self.unknown
        return {Level.OK: self.ok, Level.WARNING: self.warning, Level.CRITICAL: self.critical,
                Level.UNKNOWN: self.unknown}[level]


def text(value: object, style: str = "", sort_key: Any = None, kind: ValueKind = "text") -> Cell:
    """A cell showing ``value`` literally; ``None`` shows a dash and sorts last."""
    if value is None:
        return Cell(DASH, style, None)
    return Cell(str(value), style, value if sort_key is None else sort_key, kind)


def name(value: str | None, style: str = "") -> Cell:
    """A host, tenant, namespace or link name: cut in the middle, where names differ least."""
    return text(value, style, kind="name")


def number(value: float | int | None, fmt: str = "{:,}", style: str = "") -> Cell:
    if value is None:
        return Cell(DASH, style, None)
    return Cell(fmt.format(value), style, value, "figure")


def size(value: int | None, style: str = "") -> Cell:
    return Cell(DASH, style, None) if value is None else Cell(format_bytes(value), style, value, "figure")


def duration(seconds: float | None, style: str = "") -> Cell:
    return Cell(DASH, style, None) if seconds is None else Cell(format_duration(seconds), style, seconds, "figure")


def flag(value: bool | None) -> str:
    return DASH if value is None else ("yes" if value else "no")


def sparkline(values: Sequence[float], width: int = 12, top: float | None = None) -> str:
    """The last ``width`` values as block characters: from 0 to ``top`` (one scale for a whole
    column), or without ``top`` scaled to their own range."""
    points = list(values)[-width:]
    if not points:
        return ""
    low, high = (0.0, top) if top is not None else (min(points), max(points))
    span = high - low
    if span <= 0:
        return _BARS[0] * len(points)
    return "".join(_BARS[max(0, min(7, int((v - low) / span * 7.999)))] for v in points)


def nice_top(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above ``value``: a column scale that does not jitter."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def quota_percent(used: int | None, hard: int | None) -> float | None:
    """How full a quota is, in percent; ``None`` without a usage or a quota."""
    return None if used is None or not hard else 100.0 * used / hard


def quota_bar(used: int | None, hard: int | None, soft_percent: float | None, palette: Palette,
              width: int = 10) -> Cell:
    """``█████░░░░░ 52%``: the bar turns warning above the soft quota and critical when full."""
    percent = quota_percent(used, hard)
    if percent is None:
        return Cell(DASH, "", None)
    filled = max(0, min(width, round(width * percent / 100)))
    if percent >= 100:
        colour = palette.critical
    elif soft_percent and percent >= soft_percent:
        colour = palette.warning
    else:
        colour = palette.bar_used
    cell = Cell("", "", percent)
    cell.append("█" * filled, colour)
    cell.append("█" * (width - filled), palette.bar_free)
    cell.append(f" {percent:3.0f}%", colour if colour != palette.bar_used else "")
    return cell


def labelled(pairs: Sequence[tuple[str, object]], label_width: int = 24) -> Text:
    """``label   value`` lines; values are shown literally, at least two spaces after the longest label."""
    result = Text()
    label_width = max([label_width, *(len(label) + 2 for label, _ in pairs)])
    for index, (label, value) in enumerate(pairs):
        if index:
            result.append("\n")
        result.append(f"{label:<{label_width}}", "bold")
        if isinstance(value, Text):
            result.append_text(value)
        else:
            result.append(DASH if value is None else str(value))
    return result
