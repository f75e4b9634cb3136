"""Detail views of a node, a namespace and a link; they follow new snapshots while open."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Sparkline, Static

from hcpdash.tui.screens import detail_text
from hcpdash.tui.screens.trend import TrendScreen, trend_points

if TYPE_CHECKING:
    from hcpdash.tui.app import HcpDashApp


USED_SPAN_S = 12 * 3600.0
"""The namespace chart's span, read from the history file: its ring in memory keeps only hourly points."""


class DetailScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Back", id="detail.back"),
                                             Binding("t", "trends", "Trends", id="detail.trends")]

    heading = ""
    kind = ""
    """The history series kind: node, ns or link."""

    def __init__(self, system: str, name: str) -> None:
        super().__init__(classes="detail-screen")
        self.system = system
        self.name_shown = name

    @property
    def dashboard(self) -> HcpDashApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail") as box:
            box.border_title = f"{self.heading} {self.name_shown} on {self.system}"
            box.border_subtitle = "t trends · esc back"
            yield from self.compose_charts()
            with VerticalScroll():
                yield Static(id="detail-body")

    def compose_charts(self) -> ComposeResult:
        yield from ()

    def action_trends(self) -> None:
        self.app.push_screen(TrendScreen(self.kind, self.system, self.name_shown))

    def on_mount(self) -> None:
        self.refresh_view()

    def body(self) -> RenderableType:
        raise NotImplementedError

    def refresh_view(self) -> None:
        self.query_one("#detail-body", Static).update(self.body())

    def chart(self, label: str, id: str) -> ComposeResult:
        yield Label(label, classes="chart-label")
        yield Sparkline([], id=id, classes="chart")


class NodeDetailScreen(DetailScreen):
    heading = "Node"
    kind = "node"

    def compose_charts(self) -> ComposeResult:
        yield from self.chart("Latency (ms), recent history", "latency-chart")

    def body(self) -> RenderableType:
        snap = self.dashboard.snapshots.get(self.system)
        node = next((n for n in (snap.nodes.value or ()) if n.address == self.name_shown), None) if snap else None
        key = ("node", self.system, self.name_shown, "latency_ms")
        self.query_one("#latency-chart", Sparkline).data = self.dashboard.monitor.history.values(key)
        return detail_text.node(node, snap, self.dashboard.palette)


class NamespaceDetailScreen(DetailScreen):
    heading = "Namespace"
    kind = "ns"

    def compose_charts(self) -> ComposeResult:
        yield from self.chart("Used bytes, last 12 h", "used-chart")

    def body(self) -> RenderableType:
        tenant, _, name = self.name_shown.partition("/")
        snap = self.dashboard.snapshots.get(self.system)
        view = None
        for tenant_view in (snap.tenants.value or ()) if snap else ():
            if tenant_view.name == tenant:
                view = next((v for v in tenant_view.namespaces if v.name == name), None)
        key = ("ns", self.system, self.name_shown, "used_bytes")
        end = self.dashboard.clock()
        self.query_one("#used-chart", Sparkline).data = [
            value for _t, value in trend_points(self.dashboard.monitor, key, end - USED_SPAN_S, end)]
        return detail_text.namespace(view, self.dashboard.palette)


class LinkDetailScreen(DetailScreen):
    heading = "Link"
    kind = "link"

    def compose_charts(self) -> ComposeResult:
        yield from self.chart("Pending bytes, recent history", "pending-chart")
        yield from self.chart("Lag (s), recent history", "lag-chart")

    def body(self) -> RenderableType:
        snap = self.dashboard.snapshots.get(self.system)
        view = next((v for v in (snap.links.value or ()) if v.link.name == self.name_shown), None) if snap else None
        history = self.dashboard.monitor.history
        self.query_one("#pending-chart", Sparkline).data = history.values(
            ("link", self.system, self.name_shown, "bytes_pending"))
        self.query_one("#lag-chart", Sparkline).data = history.values(("link", self.system, self.name_shown, "lag_s"))
        return detail_text.link(view, self.dashboard.palette)
