"""TimePlot: a time series as a column chart with a value axis, a time axis and units.

Each column is the mean of the points that fall in its slice of the time range; a slice
without points stays empty, so gaps in the recording show as gaps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from hcpdash.monitor.verdicts import format_bytes, format_duration

_EIGHTHS = "▁▂▃▄▅▆▇█"

Formatter = Callable[[float], str]


def format_count(value: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.0f}"


UNITS: dict[str, Formatter] = {
    "ms": lambda v: f"{v:.0f} ms",
    "bytes": format_bytes,
    "bytes/s": lambda v: f"{format_bytes(v)}/s",
    "duration": format_duration,
    "count": format_count,
    "ops/s": lambda v: f"{v:.1f}/s" if abs(v) < 10 else f"{format_count(v)}/s",
}


def time_label(t: float, span_s: float) -> str:
    return time.strftime("%H:%M" if span_s <= 86400 else "%m-%d %H:%M", time.localtime(t))


def columns(points: Sequence[tuple[float, float]], start: float, end: float, width: int) -> list[float | None]:
    """The mean of the points in each of ``width`` equal slices of [start, end]."""
    sums, counts = [0.0] * width, [0] * width
    span = max(end - start, 1e-9)
    for t, value in points:
        if start <= t <= end:
            i = min(width - 1, int((t - start) / span * width))
            sums[i] += value
            counts[i] += 1
    return [s / c if c else None for s, c in zip(sums, counts, strict=True)]


def render_plot(points: Sequence[tuple[float, float]], start: float, end: float, width: int, height: int,
                fmt: Formatter, style: str = "") -> Text:
    """Rows of the chart: value labels left (top, middle, zero or minimum), time labels below."""
    values = [v for t, v in points if start <= t <= end]
    if not values:
        return Text("no history recorded in this range", style="italic")
    low = min(0.0, min(values))
    high = max(values)
    if high <= low:
        high = low + 1.0
    labels = {height - 1: fmt(high), (height - 1) // 2: fmt(low + (high - low) / 2), 0: fmt(low)} \
        if height >= 3 else {height - 1: fmt(high), 0: fmt(low)}
    label_width = max(len(label) for label in labels.values())
    plot_width = max(4, width - label_width - 2)
    data = columns(points, start, end, plot_width)
    levels = [None if v is None else (v - low) / (high - low) * height * 8 for v in data]
    out = Text(no_wrap=True)
    for row in range(height - 1, -1, -1):
        out.append(labels.get(row, "").rjust(label_width) + (" ┤" if row in labels else " │"), "dim")
        cells = []
        for level in levels:
            if level is None:
                cells.append(" ")
                continue
            fill = level - row * 8
            cells.append("█" if fill >= 8 else _EIGHTHS[int(fill)] if fill >= 1 else
                         ("▁" if row == 0 else " "))
        out.append("".join(cells), style)
        out.append("\n")
    out.append(" " * label_width + " └" + "─" * plot_width + "\n", "dim")
    span = end - start
    left, middle, right = (time_label(t, span) for t in (start, start + span / 2, end))
    axis = left + middle.center(plot_width - len(left) - len(right)) + right
    out.append(" " * (label_width + 2) + axis, "dim")
    return out


class TimePlot(Widget):
    """One series over a time range; set :attr:`series` to (points, start, end) to redraw."""

    DEFAULT_CSS = "TimePlot { height: 12; }"

    series: reactive[tuple[tuple[tuple[float, float], ...], float, float]] = reactive(((), 0.0, 1.0))

    def __init__(self, fmt: Formatter, *, style: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.fmt = fmt
        self.plot_style = style

    def render(self) -> Text:
        points, start, end = self.series
        return render_plot(points, start, end, self.size.width, max(2, self.size.height - 2), self.fmt,
                           self.plot_style)
