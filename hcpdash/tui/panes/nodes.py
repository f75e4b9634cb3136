"""Nodes: one row per node address per system, with latency history and node statistics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from hcpdash.monitor.report import cpu_percent, last_seen_text, open_connections, volume_free_percent
from hcpdash.monitor.snapshot import DnsCheck, NodeView, SystemSnapshot
from hcpdash.monitor.verdicts import Level, latency
from hcpdash.tui.panes.base import Pane
from hcpdash.tui.style import Cell, name, nice_top, number, sparkline, text
from hcpdash.tui.widgets.banner import Banner, reading_problem
from hcpdash.tui.widgets.keyed_table import Column, KeyedTable, Row, RowSource

COLUMNS = (
    Column("system", "System"), Column("address", "Address"), Column("state", "State", 11),
    Column("seen", "Last seen", 10),
    Column("p50", "p50 ms", 7), Column("p95", "p95 ms", 7), Column("trend", "Latency", 12),
    Column("connect", "Conn ms", 7), Column("requests", "Requests", 9), Column("errors", "Errors", 6),
    Column("cpu", "CPU %", 6), Column("iowait", "IO wait", 7), Column("conns", "Open", 5),
    Column("free", "Vol free", 8), Column("last_error", "Last error", max_width=40),
)

_LEVEL = {"up": Level.OK, "suspect": Level.WARNING, "read-only": Level.WARNING}


def node_key(system: str, address: str) -> str:
    return f"{system}/{address}"


def node_state(node: NodeView) -> tuple[str, Level]:
    """The monitor's word for the node; a lost one (down, unreachable, missing) is shown as critical."""
    return node.state, _LEVEL.get(node.state, Level.CRITICAL)


@dataclass(frozen=True, slots=True)
class NodeRow:
    system: str
    node: NodeView
    trend: tuple[float, ...]
    latency_level: Level
    trend_top: float
    """The shared scale of the Latency column's sparklines, in ms."""
    seen: str


class NodesPane(Pane):
    title = "Nodes"

    def compose(self) -> ComposeResult:
        yield Banner(classes="banner")
        yield KeyedTable(COLUMNS, RowSource(self._signature, self.render_row, self._search), id="nodes-table")
        yield Static(id="trend-scale", classes="footnote")
        yield Static(id="dns-check", classes="footnote")

    @staticmethod
    def _signature(row: NodeRow) -> object:
        return row.node, row.trend, row.latency_level, row.trend_top, row.seen

    @staticmethod
    def _search(row: NodeRow) -> str:
        return f"{row.system} {row.node.address} {node_state(row.node)[0]} {row.node.last_error or ''}"

    def render_row(self, row: NodeRow) -> Row:
        node, palette = row.node, self.palette
        state, level = node_state(node)
        latency_colour = palette.level(row.latency_level)
        stats = node.stats
        free = volume_free_percent(node)
        return (
            name(row.system), name(node.address), text(state, palette.level(level)),
            text(row.seen, palette.level(level) if node.lost else ""),
            number(node.latency_p50_ms, "{:.0f}"), number(node.latency_p95_ms, "{:.0f}", latency_colour),
            Cell(sparkline(row.trend, top=row.trend_top), palette.sparkline, row.trend[-1] if row.trend else None),
            number(node.connect_ms, "{:.1f}"), number(node.requests), number(node.errors, style=palette.warning
                                                                            if node.errors else ""),
            number(cpu_percent(node), "{:.0f}"), number(stats.io_wait if stats else None, "{:.1f}"),
            number(open_connections(node)),
            number(free, "{:.0f}%", palette.critical if free is not None and free < 10 else ""),
            text(node.last_error, palette.failing),
        )

    def render_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> None:
        history = self.dashboard.monitor.history
        rows: dict[str, NodeRow] = {}
        problems = []
        trends = {(system, node.address): tuple(history.values(("node", system, node.address, "latency_ms"))[-12:])
                  for system, snap in snapshots.items() for node in snap.nodes.value or ()}
        top = nice_top(max((v for trend in trends.values() for v in trend), default=0.0))
        for system, snap in snapshots.items():
            thresholds = self.dashboard.thresholds(system)
            if problem := reading_problem(system, "nodes", snap.nodes, now):
                problems.append(problem)
            for node in snap.nodes.value or ():
                level = latency(node.latency_p95_ms, thresholds).level if node.latency_p95_ms is not None \
                    else Level.UNKNOWN
                rows[node_key(system, node.address)] = NodeRow(system, node, trends[(system, node.address)], level,
                                                                top, last_seen_text(node, now))
        self.banner.show_problems(problems, self.palette)
        self.table.apply(rows)
        self.query_one("#trend-scale", Static).update(
            f"Latency column: p95 at each of the last 12 polls, every row on one scale, 0 to {top:g} ms")
        self.query_one("#dns-check", Static).update(self._dns_summary(snapshots, now))

    def _dns_summary(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> Text:
        result = Text()
        for system, snap in snapshots.items():
            check: DnsCheck | None = snap.dns.value
            if result:
                result.append("   ")
            if self.dashboard.discovery_method(system) == "static":
                result.append(f"{snap.name}: ", "bold")
                result.append(f"static node list ({len(check.answer) if check else 0} addresses, no DNS)",
                              self.palette.ok)
                continue
            result.append(f"DNS admin.{snap.domain}: ", "bold")
            if check is None:
                result.append(snap.dns.error or "not checked yet", self.palette.unknown)
                continue
            if not check.missing and not check.unexpected:
                result.append(f"{len(check.answer)} answers, all nodes", self.palette.ok)
            else:
                parts = []
                if check.missing:
                    parts.append(f"missing {', '.join(check.missing)}")
                if check.unexpected:
                    parts.append(f"unexpected {', '.join(check.unexpected)}")
                result.append(f"{len(check.answer)} answers; " + "; ".join(parts), self.palette.warning)
            if snap.dns.error or snap.dns.is_stale(now):
                age = snap.dns.age(now) or 0.0
                result.append(f" (stale, {age:.0f} s old: {snap.dns.error or 'not refreshed'})", self.palette.stale)
        return result
