"""What every pane shares: a banner for reading problems, a keyed table, filter and sort."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.containers import Vertical
from textual.message import Message

from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.tui.style import Palette
from hcpdash.tui.widgets.banner import Banner
from hcpdash.tui.widgets.keyed_table import KeyedTable

if TYPE_CHECKING:
    from hcpdash.tui.app import HcpDashApp


class Pane(Vertical):
    """A tab's content; renders the latest snapshots when shown, or later if hidden."""

    title: ClassVar[str] = ""

    class OpenDetail(Message):
        """The user asked for the detail view of the selected row."""

        def __init__(self, pane: Pane, key: str) -> None:
            super().__init__()
            self.pane = pane
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pending: tuple[Mapping[str, SystemSnapshot], float] | None = None

    @property
    def dashboard(self) -> HcpDashApp:
        return self.app  # type: ignore[return-value]

    @property
    def palette(self) -> Palette:
        return self.dashboard.palette

    @property
    def table(self) -> KeyedTable[Any]:
        return self.query_one(KeyedTable)

    @property
    def banner(self) -> Banner:
        return self.query_one(Banner)

    def show_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float, *, force: bool = False) -> None:
        """Render now if visible; a hidden pane keeps only the latest data until shown."""
        self._pending = (snapshots, now)
        if force or self.is_on_screen_tab():
            self.flush()

    def flush(self) -> None:
        if self._pending is not None and self.is_mounted:
            snapshots, now = self._pending
            self._pending = None
            self.render_snapshots(snapshots, now)

    def is_on_screen_tab(self) -> bool:
        parent = self.parent
        return parent is not None and parent.display and self.display

    def render_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> None:
        raise NotImplementedError

    def restyle(self) -> None:
        for table in self.query(KeyedTable):
            table.restyle()

    @on(KeyedTable.RowSelected)
    def open_detail(self, event: KeyedTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.OpenDetail(self, event.key))
