"""Namespaces: tenant → namespace rows with objects, quota bar, growth, activity and settings.

Built for 10,000 namespaces: a system's rows are rebuilt only when its tenants
reading changed, and the table touches only rows whose data changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from textual.app import ComposeResult

from hcpdash.hcp.models import Namespace
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.history import History
from hcpdash.monitor.snapshot import NamespaceView, Reading, SystemSnapshot, TenantView
from hcpdash.monitor.verdicts import format_bytes
from hcpdash.tui.panes.base import Pane
from hcpdash.tui.style import DASH, Cell, name, number, quota_bar, quota_percent, size, text
from hcpdash.tui.widgets.banner import Banner, reading_problem
from hcpdash.tui.widgets.keyed_table import Column, KeyedTable, Row, RowSource

COLUMNS = (
    Column("system", "System"), Column("tenant", "Tenant", max_width=20),
    Column("namespace", "Namespace", max_width=24),
    Column("objects", "Objects", 11), Column("used", "Used", 10), Column("quota", "Hard quota", 10),
    Column("bar", "Used / quota", 15), Column("growth", "Growth/day", 10), Column("activity", "Activity", 10),
    Column("settings", "Settings"),
)


def namespace_key(system: str, view: NamespaceView) -> str:
    return f"{system}/{view.key}"


def settings_summary(ns: Namespace | None) -> str:
    if ns is None:
        return DASH
    words = [ns.hash_scheme or "", "search" if ns.search_enabled else "", "repl" if ns.replication_enabled else "",
             "RFR" if ns.read_from_replica else "", ns.optimized_for.lower() if ns.optimized_for else ""]
    return " ".join(w for w in words if w) or DASH


def growth_per_day(history: History, system: str, view: NamespaceView) -> float | None:
    ring = history.get(("ns", system, view.key, "used_bytes"))
    rate = ring.rate() if ring is not None else None
    return None if rate is None else rate * 86400


def activity_rate(activity: Activity | None) -> float:
    """Ingest plus read bytes per second between the last two reports; a namespace without a
    rate yet counts as the quietest (so the busiest lead a descending sort)."""
    return -1.0 if activity is None else activity.bytes_per_s


def activity_cell(activity: Activity | None) -> Cell:
    """The activity rate, sorting by :func:`activity_rate`."""
    if activity is None:
        return Cell(DASH, "", activity_rate(activity))
    return Cell(f"{format_bytes(activity.bytes_per_s)}/s", "", activity_rate(activity), "figure")


@dataclass(frozen=True, slots=True)
class NamespaceRow:
    system: str
    view: NamespaceView
    key: str
    """The row's key in the table, system/tenant/namespace."""


SORT_VALUES: dict[str, Callable[[NamespaceRow], object]] = {
    "system": lambda row: row.system,
    "tenant": lambda row: row.view.tenant,
    "namespace": lambda row: row.view.name,
    "objects": lambda row: row.view.statistics.object_count if row.view.statistics else None,
    "used": lambda row: row.view.used_bytes,
    "quota": lambda row: row.view.hard_quota_bytes,
    "bar": lambda row: quota_percent(row.view.used_bytes, row.view.hard_quota_bytes),
    "activity": lambda row: activity_rate(row.view.activity),
    "settings": lambda row: settings_summary(row.view.namespace),
}
"""What each column sorts by, as its cell does (the Growth column reads the history)."""


class NamespacesPane(Pane):
    title = "Namespaces"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._readings: dict[str, Reading[tuple[TenantView, ...]]] = {}
        self._rows: dict[str, dict[str, NamespaceRow]] = {}
        self._known: dict[int, NamespaceRow] = {}

    def compose(self) -> ComposeResult:
        yield Banner(classes="banner")
        yield KeyedTable(COLUMNS, RowSource(self._signature, self.render_row, self._search, self.sort_value),
                         id="namespaces-table")

    @staticmethod
    def _signature(row: NamespaceRow) -> object:
        view = row.view
        return view.namespace, view.statistics, view.permissions, view.activity

    @staticmethod
    def _search(row: NamespaceRow) -> str:
        return f"{row.system} {row.view.tenant} {row.view.name}"

    def sort_value(self, row: NamespaceRow, column: str) -> object:
        if column == "growth":
            return growth_per_day(self.dashboard.monitor.history, row.system, row.view)
        return SORT_VALUES[column](row)

    def render_row(self, row: NamespaceRow) -> Row:
        view, ns, stats = row.view, row.view.namespace, row.view.statistics
        soft = ns.soft_quota_percent if ns else None
        growth = growth_per_day(self.dashboard.monitor.history, row.system, view)
        return (
            name(row.system), name(view.tenant), name(view.name),
            number(stats.object_count if stats else None), size(view.used_bytes), size(view.hard_quota_bytes),
            quota_bar(view.used_bytes, view.hard_quota_bytes, soft, self.palette),
            Cell(DASH) if growth is None else Cell(("+" if growth >= 0 else "-") + format_bytes(abs(growth)), "",
                                                   growth, "figure"),
            activity_cell(view.activity),
            text(settings_summary(ns)),
        )

    def render_snapshots(self, snapshots: Mapping[str, SystemSnapshot], now: float) -> None:
        problems = []
        changed = set(self._rows) != set(snapshots)
        for system, snap in snapshots.items():
            if problem := reading_problem(system, "tenants and namespaces", snap.tenants, now):
                problems.append(problem)
            if self._readings.get(system) is not snap.tenants:
                changed = True
                self._readings[system] = snap.tenants
                self._rows[system] = self._rows_of(system, snap.tenants.value or ())
        self.banner.show_problems(problems, self.palette)
        if not changed:
            return
        merged: dict[str, NamespaceRow] = {}
        for system in snapshots:
            merged.update(self._rows.get(system, {}))
        for system in set(self._rows) - set(snapshots):
            del self._rows[system]
        self.table.apply(merged)

    def _rows_of(self, system: str, tenants: tuple[TenantView, ...]) -> dict[str, NamespaceRow]:
        """Rows keyed by system/tenant/namespace; a view object seen before keeps its row and key."""
        rows: dict[str, NamespaceRow] = {}
        for tenant in tenants:
            for view in tenant.namespaces:
                known = self._known.get(id(view))
                if known is None or known.view is not view or known.system != system:
                    known = self._known[id(view)] = NamespaceRow(system, view, namespace_key(system, view))
                rows[known.key] = known
        held = (*self._rows.values(), rows)
        if len(self._known) > 2 * sum(len(system_rows) for system_rows in held):
            live = {id(row.view) for system_rows in held for row in system_rows.values()}
            self._known = {key: value for key, value in self._known.items() if key in live}
        return rows

    def restyle(self) -> None:
        super().restyle()
        self._readings.clear()

    def find(self, key: str) -> NamespaceRow | None:
        for rows in self._rows.values():
            if key in rows:
                return rows[key]
        return None
