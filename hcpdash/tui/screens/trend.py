"""Trends of one node, link or namespace: each recorded metric plotted over 1 h, 24 h, 7 d or 30 d."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from hcpdash.tui.widgets.plot import UNITS, TimePlot

if TYPE_CHECKING:
    from hcpdash.tui.app import HcpDashApp

RANGES = {"1h": ("1 h", 3600.0), "24h": ("24 h", 86400.0), "7d": ("7 d", 7 * 86400.0), "30d": ("30 d", 30 * 86400.0)}
METRICS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "node": (("latency_ms", "Request latency p95", "ms"),),
    "link": (("bytes_pending", "Pending bytes (both directions)", "bytes"), ("lag_s", "Lag (RPO)", "duration"),
             ("bytes_per_second", "Replication rate", "bytes/s"),
             ("objects_pending", "Pending objects (both directions)", "count")),
    "ns": (("used_bytes", "Used capacity", "bytes"), ("objects", "Objects", "count"),
           ("bytes_in_per_s", "Activity: ingest (bytes in)", "bytes/s"),
           ("bytes_out_per_s", "Activity: reads (bytes out)", "bytes/s"),
           ("reads_per_s", "Activity: reads", "ops/s"), ("writes_per_s", "Activity: writes", "ops/s"),
           ("deletes_per_s", "Activity: deletes", "ops/s")),
}
"""Kind → (metric, title, unit) of each plot."""


def trend_points(monitor: object, key: tuple[str, str, str, str], start: float, end: float
                 ) -> tuple[tuple[float, float], ...]:
    """From the history file when the monitor has one, else from its in-memory ring."""
    trend = getattr(monitor, "trend", None)
    if trend is not None:
        return tuple(trend(key, start, end))
    ring = monitor.history.get(key)  # type: ignore[attr-defined]
    return tuple((t, v) for t, v in ring.points() if start <= t <= end) if ring is not None else ()


class TrendScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Back", id="trend.back"),
        Binding("h", "range('1h')", "1 hour", id="trend.1h"),
        Binding("d", "range('24h')", "24 hours", id="trend.24h"),
        Binding("w", "range('7d')", "7 days", id="trend.7d"),
        Binding("m", "range('30d')", "30 days", id="trend.30d"),
    ]

    def __init__(self, kind: str, system: str, subject: str, span: str = "1h") -> None:
        super().__init__(classes="detail-screen")
        self.kind, self.system, self.subject = kind, system, subject
        self.span = span

    @property
    def dashboard(self) -> HcpDashApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail") as box:
            box.border_title = f"Trends of {self.subject} on {self.system}"
            box.border_subtitle = "h 1 h · d 24 h · w 7 d · m 30 d · esc back"
            with VerticalScroll():
                for metric, title, unit in METRICS[self.kind]:
                    yield Label(title, id=f"title-{metric}", classes="chart-label")
                    yield TimePlot(UNITS[unit], style=self.dashboard.palette.sparkline, id=f"plot-{metric}")

    def on_mount(self) -> None:
        self.refresh_view()

    def action_range(self, span: str) -> None:
        self.span = span
        self.refresh_view()

    def refresh_view(self) -> None:
        label, seconds = RANGES[self.span]
        end = self.dashboard.clock()
        start = end - seconds
        for metric, title, _unit in METRICS[self.kind]:
            points = trend_points(self.dashboard.monitor, (self.kind, self.system, self.subject, metric), start, end)
            self.query_one(f"#title-{metric}", Label).update(f"{title}, last {label}")
            self.query_one(f"#plot-{metric}", TimePlot).series = (points, start, end)
