"""Replication: every link as each system sees it, both ends joined, and the guarded actions.

:class:`ReplicationPane` has no action at all; the app composes
:class:`WritableReplicationPane` only when some system is writable, so read-only
mode has no action binding to press, show or remap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from hcpdash.hcp.capabilities import valid_actions
from hcpdash.hcp.models import Link, LinkAction, LinkType
from hcpdash.monitor.snapshot import JoinedLink, LinkView, SystemSnapshot
from hcpdash.monitor.verdicts import Level, worst
from hcpdash.tui import link_actions
from hcpdash.tui.panes.base import Pane
from hcpdash.tui.style import Cell, duration, name, number, size, text
from hcpdash.tui.widgets.banner import Banner, reading_problem
from hcpdash.tui.widgets.keyed_table import Column, KeyedTable, Row, RowSource

TYPE_LABELS = {LinkType.ACTIVE_ACTIVE: "A/A", LinkType.OUTBOUND: "A/P out", LinkType.INBOUND: "A/P in"}

COLUMNS = (
    Column("system", "System"), Column("link", "Link", max_width=24), Column("type", "Type", 7),
    Column("status", "Status", 7), Column("message", "Status message", max_width=24),
    Column("out", "Pending out", max_width=18), Column("in", "Pending in", max_width=18),
    Column("rate", "Rate", 10), Column("lag", "Lag", 9), Column("eta", "Drain ETA", 9),
)

JOINED_COLUMNS = (
    Column("link", "Link (both ends)", max_width=24), Column("a", "End A", max_width=32),
    Column("b", "End B", max_width=32),
    Column("a_to_b", "Pending A→B", 12), Column("b_to_a", "Pending B→A", 12), Column("lag", "Worst lag", 9),
)


def link_key(system: str, name: str) -> str:
    return f"{system}/{name}"


def pending_text(bytes_: int | None, objects: int | None) -> Cell:
    if bytes_ is None:
        return text(None)
    cell = size(bytes_)
    cell.append(f" / {objects:,}" if objects is not None else "")
    return cell


class ReplicationPane(Pane):
    title = "Replication"

    def compose(self) -> ComposeResult:
        yield Banner(classes="banner")
        yield KeyedTable(COLUMNS, RowSource(self._signature, self.render_row, self._search), id="links-table")
        yield Static("Both ends", classes="section-title", id="joined-title")
        yield KeyedTable(JOINED_COLUMNS, RowSource(self._joined_signature, self._render_joined,
                                                   lambda joined: joined.name), id="joined-table")

    @property
    def table(self) -> KeyedTable[LinkView]:
        return self.query_one("#links-table", KeyedTable)

    @staticmethod
    def _signature(view: LinkView) -> object:
        return view

    @staticmethod
    def _search(view: LinkView) -> str:
        link = view.link
        return f"{view.system} {link.name} {link.type} {link.status or ''} {link.status_message or ''}"

    def render_row(self, view: LinkView) -> Row:
        link, palette = view.link, self.palette
        stats = link.statistics
        colour = palette.level(view.verdict.level)
        two_way = link.type is LinkType.ACTIVE_ACTIVE
        return (
            name(view.system), name(link.name, colour), text(TYPE_LABELS.get(link.type, str(link.type))),
            text(str(link.status) if link.status else None, colour),
            text((link.status_message or "") + (" (suspended)" if link.suspended else ""), colour),
            pending_text(stats.bytes_pending if stats else None, stats.objects_pending if stats else None),
            pending_text(stats.bytes_pending_remote if stats and two_way else None,
                         stats.objects_pending_remote if stats and two_way else None),
            number(stats.bytes_per_second / 1024**2 if stats else None, "{:.1f} MB/s"),
            duration(view.lag_s, colour if view.verdict.level is not Level.OK else ""),
            duration(view.drain_eta_s),
        )

    @staticmethod
    def _joined_signature(joined: JoinedLink) -> object:
        return joined

    def _render_joined(self, joined: JoinedLink) -> Row:
        verdict = worst(end.verdict for end in joined.ends)
        colour = self.palette.level(verdict.level)
        ends = list(joined.ends) + [None] * (2 - len(joined.ends))
        a, b = ends[0], ends[1]

        def describe(end: LinkView | None) -> Cell:
            if end is None:
                return text(None)
            link = end.link
            return text(f"{end.system}: {TYPE_LABELS.get(link.type, link.type)} {link.status_message or ''}",
                        self.palette.level(end.verdict.level))

        def outbound(end: LinkView | None) -> int | None:
            return end.link.statistics.bytes_pending if end and end.link.statistics else None

        lags = [end.lag_s for end in joined.ends if end.lag_s is not None]
        return (name(joined.name, colour), describe(a), describe(b), size(outbound(a)), size(outbound(b)),
                duration(max(lags) if lags else None, colour))

    def render_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> None:
        problems = []
        rows: dict[str, LinkView] = {}
        for system, snap in snapshots.items():
            if problem := reading_problem(system, "replication links", snap.links, now):
                problems.append(problem)
            for view in snap.links.value or ():
                rows[link_key(system, view.link.name)] = view
        self.banner.show_problems(problems, self.palette)
        self.table.apply(rows)
        joined = {j.name: j for j in self.dashboard.monitor.joined_links()}
        self.query_one("#joined-table", KeyedTable).apply(joined)
        self.query_one("#joined-title").display = bool(joined)
        self.query_one("#joined-table").display = bool(joined)
        self.refresh_bindings()

    def find(self, key: str) -> LinkView | None:
        system, _, name = key.partition("/")
        snap = self.dashboard.snapshots.get(system)
        return next((v for v in (snap.links.value or ()) if v.link.name == name), None) if snap else None

    def selected_link(self) -> LinkView | None:
        key = self.table.selected_key
        return self.find(key) if key else None


class WritableReplicationPane(ReplicationPane):
    """The replication pane with the link actions, each offered only where valid and writable."""

    BINDINGS: ClassVar[list[BindingType]] = list(link_actions.BINDINGS)

    def offered(self, link: Link, system: str) -> tuple[LinkAction, ...]:
        if self.dashboard.monitor.is_read_only(system):
            return ()
        return valid_actions(link)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "link_action":
            return True
        selected = self.selected_link()
        if selected is None or not parameters:
            return False
        return LinkAction(str(parameters[0])) in self.offered(selected.link, selected.system)

    def action_link_action(self, action: str) -> None:
        selected = self.selected_link()
        if selected is not None and LinkAction(action) in self.offered(selected.link, selected.system):
            self.dashboard.request_link_action(selected.system, selected.link.name, LinkAction(action))

    @on(KeyedTable.RowHighlighted)
    def selection_changed(self) -> None:
        self.refresh_bindings()
