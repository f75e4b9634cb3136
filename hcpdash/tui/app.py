"""The hcpdash Textual app: four panes fed by the monitor's snapshots, and guarded link actions."""

from __future__ import annotations

import dataclasses
import functools
import io
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.events import DeliveryComplete, DeliveryFailed
from textual.widgets import Input, TabbedContent, TabPane

from hcpdash.hcp.capabilities import valid_actions
from hcpdash.config import Config, Thresholds
from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.api import Monitor, Preflight, typed_confirmation_needed
from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.tui import link_actions
from hcpdash.tui.collector import CollectorPolicy
from hcpdash.tui.commands import DashboardCommands, PaletteCommand
from hcpdash.tui.export import row_as_text, row_cells, rows_as_csv, rows_as_json, table_rows
from hcpdash.tui.messages import EventArrived, SnapshotArrived
from hcpdash.tui.panes.base import Pane
from hcpdash.tui.panes.events import EventsPane, event_time
from hcpdash.tui.panes.namespaces import NamespacesPane
from hcpdash.tui.panes.nodes import NodesPane
from hcpdash.tui.panes.replication import ReplicationPane, WritableReplicationPane
from hcpdash.tui.screens.action_dialog import ActionDialog
from hcpdash.tui.screens.confirm import ConfirmScreen
from hcpdash.tui.screens.detail import DetailScreen, LinkDetailScreen, NamespaceDetailScreen, NodeDetailScreen
from hcpdash.tui.screens.event_detail import EventDetailScreen
from hcpdash.tui.screens.help import HelpEntry, HelpScreen
from hcpdash.tui.screens.preflight import PreflightScreen
from hcpdash.tui.style import Palette
from hcpdash.tui.toasts import COALESCE_SECONDS, ToastPolicy
from hcpdash.tui.themes import ThemeError, discover_themes, load_theme
from hcpdash.tui.widgets.filter_bar import FilterBar
from hcpdash.tui.widgets.footer import DashboardFooter
from hcpdash.tui.widgets.header import StatusHeader
from hcpdash.tui.widgets.keyed_table import FilterError, KeyedTable
from hcpdash.tui.widgets.row_filter import FILTER_HELP

PANES = ("nodes", "namespaces", "replication", "events")
DEFAULT_THEME = "dark"
INTERVAL_STEP = 1.5
HELP_SCREEN = "help"
@functools.cache
def default_variables() -> dict[str, str]:
    path = discover_themes().get(DEFAULT_THEME)
    return dict(load_theme(path).variables) if path else {}


class HcpDashApp(App[int]):
    CSS_PATH = "hcpdash.tcss"
    TITLE = "hcpdash"
    COMMANDS = App.COMMANDS | {DashboardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_pane('nodes')", "Nodes", id="pane.nodes", show=False),
        Binding("2", "show_pane('namespaces')", "Namespaces", id="pane.namespaces", show=False),
        Binding("3", "show_pane('replication')", "Replication", id="pane.replication", show=False),
        Binding("4", "show_pane('events')", "Events", id="pane.events", show=False),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("s", "sort_next", "Sort", id="sort.next"),
        Binding("S", "sort_reverse", "Reverse sort", id="sort.reverse", show=False),
        Binding("p", "toggle_pause", "Pause", id="pause"),
        Binding("ctrl+r", "refresh_now", "Refresh now", id="refresh"),
        Binding("plus", f"scale_intervals({INTERVAL_STEP})", "Poll less often", id="interval.longer", show=False),
        Binding("minus", f"scale_intervals({1 / INTERVAL_STEP})", "Poll more often", id="interval.shorter",
                show=False),
        Binding("y", "copy_row", "Copy row", id="copy", show=False),
        Binding("e", "export('csv')", "Export CSV", id="export.csv", show=False),
        Binding("E", "export('json')", "Export JSON", id="export.json", show=False),
        Binding("escape", "back", "Back", id="back", show=False),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, monitor: Monitor, config: Config, theme: str | None = None, read_only: bool = False,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.monitor = monitor
        self.config = config
        self.clock = clock
        self.forced_read_only = read_only or config.read_only
        self.snapshots: dict[str, SystemSnapshot] = {s.name: snap for s in monitor.systems
                                                     if (snap := monitor.snapshots().get(s.name)) is not None}
        self.interval_scale = 1.0
        self.writable = any(not self.is_read_only(s.name) for s in monitor.systems)
        self._palette: Palette | None = None
        self._render_scheduled = False
        self._action_running = False
        self._unsubscribe: list[Callable[[], None]] = []
        self._startup_notes: list[str] = []
        self._toasts = ToastPolicy(opened_at=clock())
        self._toast_flush_scheduled = False
        self._collector = CollectorPolicy()
        self.export_dir: Path | None = None
        """Where ``e``/``E`` save (None: the user's downloads directory)."""
        self._register_themes(theme or config.theme or DEFAULT_THEME)

    def _register_themes(self, wanted: str) -> None:
        for name, path in discover_themes().items():
            try:
                self.register_theme(load_theme(path))
            except ThemeError as exc:
                self._startup_notes.append(str(exc))
        if wanted not in self.available_themes:
            self._startup_notes.append(f"unknown theme {wanted!r}; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        ours = set(discover_themes())
        for name in list(self.available_themes):
            if name not in ours:
                self.unregister_theme(name)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """hcpdash's own variables, so CSS that uses them parses whatever the theme."""
        return default_variables()

    @property
    def palette(self) -> Palette:
        if self._palette is None:
            self._palette = Palette.from_variables({**self.get_theme_variable_defaults(),
                                                    **self.current_theme.variables})
        return self._palette

    def is_read_only(self, system: str) -> bool:
        return self.forced_read_only or self.monitor.is_read_only(system)

    def discovery_method(self, system: str) -> str:
        try:
            return self.config.system(system).discovery.method
        except KeyError:
            return "dns"

    def thresholds(self, system: str) -> Thresholds:
        try:
            return self.config.system(system).thresholds
        except KeyError:
            return Thresholds()

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header")
        replication = WritableReplicationPane if self.writable else ReplicationPane
        with TabbedContent(id="panes", initial="nodes"):
            for number, (pane_id, pane_class) in enumerate(
                    zip(PANES, (NodesPane, NamespacesPane, replication, EventsPane), strict=True), 1):
                with TabPane(f"{number} {pane_class.title}", id=pane_id):
                    yield pane_class(id=f"{pane_id}-pane")
        yield FilterBar(id="filter-bar")
        for pane_id in PANES:
            yield DashboardFooter(pane_id)

    async def on_mount(self) -> None:
        self._collector.install()
        self.query_one(FilterBar).display = False
        self._show_footer_of(self.tabs.active)
        self._apply_keymap()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._unsubscribe.append(self.monitor.subscribe(lambda snap: self.post_message(SnapshotArrived(snap))))
        self._unsubscribe.append(self.monitor.events.subscribe(lambda event: self.post_message(EventArrived(event))))
        self.query_one(EventsPane).add_events(self.monitor.events.since(0))
        self._render_all()
        self.set_interval(1.0, self._tick)
        for note in self._startup_notes:
            self.notify(note, severity="warning", markup=False)
        self.run_worker(self.monitor.start(), name="monitor start", exit_on_error=False)

    async def on_unmount(self) -> None:
        self._collector.uninstall()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        await self.monitor.stop()

    def _apply_keymap(self) -> None:
        bindings = dict(self.config.bindings or {})
        known = {b.id for b in self.all_bindings() if b.id}
        unknown = sorted(set(bindings) - known)
        if unknown:
            self.notify(f"unknown binding id {', '.join(unknown)}; known ids: {', '.join(sorted(known))}",
                        severity="warning", markup=False)
        self.set_keymap({k: v for k, v in bindings.items() if k in known})

    def all_bindings(self) -> list[Binding]:
        found = [b for b in self.BINDINGS if isinstance(b, Binding)]
        return found + (list(link_actions.BINDINGS) if self.writable else [])

    def help_entries(self) -> list[HelpEntry]:
        keymap = dict(self.config.bindings or {})
        entries: list[HelpEntry] = []
        for binding in self.all_bindings():
            section = "Selected link (replication pane)" if binding.id and binding.id.startswith("link.") \
                else "Everywhere"
            shown = dataclasses.replace(binding, key=keymap.get(binding.id or "", binding.key))
            keys = ", ".join(self.get_key_display(dataclasses.replace(shown, key=k.strip()))
                             for k in shown.key.split(","))
            entries.append((section, keys, binding.description, binding.id or ""))
        entries += [("Filter (/), ignoring case", keys, description, "") for keys, description in FILTER_HELP]
        entries += [("Tables", "enter / click", "Details of the selected row", ""),
                    ("Tables", "j / k, g / G", "Down / up, first / last row", ""),
                    ("Tables", "header click", "Sort by that column (again: reverse)", ""),
                    ("Tables", "ctrl+p", "Command palette: every action, themes", "")]
        return entries

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [PaletteCommand(b.description, f"key: {self.get_key_display(b)}", partial(self.run_action, b.action))
                    for b in self.all_bindings() if b.id and not b.id.startswith("link.")]
        if not self.writable:
            return commands
        for system, snap in self.snapshots.items():
            if self.is_read_only(system):
                continue
            for view in snap.links.value or ():
                for action in valid_actions(view.link):
                    commands.append(PaletteCommand(
                        f"{link_actions.LABELS[action]} {view.link.name} on {system}",
                        "preflight and typed confirmation" if typed_confirmation_needed(action)
                        else "asks for confirmation",
                        partial(self.request_link_action, system, view.link.name, action)))
        return commands

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#panes", TabbedContent)

    @property
    def current_pane(self) -> Pane:
        return self.query_one(f"#{self.tabs.active}-pane", Pane)

    def on_snapshot_arrived(self, message: SnapshotArrived) -> None:
        self.snapshots[message.snapshot.name] = message.snapshot
        if not self._render_scheduled:
            self._render_scheduled = True
            self.call_next(self._render_all)

    def on_event_arrived(self, message: EventArrived) -> None:
        event = message.event
        self.query_one(EventsPane).add_events([event])
        if self._toasts.offer(event, self.snapshots, self.clock()) and not self._toast_flush_scheduled:
            self._toast_flush_scheduled = True
            self.set_timer(COALESCE_SECONDS, self._show_toasts)

    def _show_toasts(self) -> None:
        self._toast_flush_scheduled = False
        for toast in self._toasts.flush(self.snapshots, self.clock()):
            self.notify(toast.message, title=toast.title, severity=toast.severity, markup=False)  # type: ignore[arg-type]

    def _render_all(self, force: bool = False) -> None:
        self._render_scheduled = False
        now = self.clock()
        if not self._update_header(now):
            return
        for pane in self.query(Pane):
            pane.show_snapshots(self.snapshots, now, force=force)
        if isinstance(self.screen, DetailScreen):
            self.screen.refresh_view()

    def _update_header(self, now: float) -> bool:
        """False once the widgets are gone (the app is closing and a timer fired late)."""
        headers = self.query(StatusHeader)
        if not headers:
            return False
        headers.first().show_status(
            self.snapshots, {name: self.is_read_only(name) for name in self.snapshots},
            self.monitor.paused, self.interval_scale, now, self.palette)
        return True

    def _tick(self) -> None:
        now = self.clock()
        if self._update_header(now):
            self.current_pane.show_snapshots(self.snapshots, now)
        if self._toasts.waiting:
            self._show_toasts()

    def _theme_changed(self, _theme: object) -> None:
        self._palette = None
        for pane in self.query(Pane):
            pane.restyle()
        self._render_all(force=True)

    @on(TabbedContent.TabActivated)
    def pane_shown(self) -> None:
        self._show_footer_of(self.tabs.active)
        pane = self.current_pane
        pane.flush()
        pane.table.focus()
        self.refresh_bindings()
        self._show_filter_state()

    def _show_footer_of(self, pane_id: str) -> None:
        for footer in self.query(DashboardFooter):
            footer.display = footer.pane == pane_id

    @on(KeyedTable.ViewChanged)
    def table_view_changed(self, event: KeyedTable.ViewChanged) -> None:
        if event.table is self.current_pane.table:
            self._show_filter_state()

    def _show_filter_state(self) -> None:
        """The current pane's filter, with the rows it keeps, above the footer."""
        table = self.current_pane.table
        self.query_one(FilterBar).show_state(table.filter_text, table.row_count, table.item_count,
                                             self.key_shown("back"))

    def key_shown(self, binding_id: str) -> str:
        """The first key bound to ``binding_id`` (remapped or not), as the footer writes it."""
        binding = next(b for b in self.all_bindings() if b.id == binding_id)
        key = dict(self.config.bindings or {}).get(binding_id, binding.key).split(",")[0].strip()
        return self.get_key_display(dataclasses.replace(binding, key=key))

    @on(Pane.OpenDetail)
    def open_detail(self, message: Pane.OpenDetail) -> None:
        if isinstance(message.pane, EventsPane):
            if (event := message.pane.event(message.key)) is not None:
                self.push_screen(EventDetailScreen(event, event_time(event.time)))
            return
        system, _, rest = message.key.partition("/")
        screens = {NodesPane: NodeDetailScreen, NamespacesPane: NamespaceDetailScreen,
                   ReplicationPane: LinkDetailScreen}
        for pane_class, screen_class in screens.items():
            if isinstance(message.pane, pane_class):
                self.push_screen(screen_class(system, rest))

    def action_show_pane(self, pane: str) -> None:
        self.tabs.active = pane

    def action_copy_row(self) -> None:
        """The selected row, tab-separated, to the terminal's clipboard (OSC 52)."""
        table = self.current_pane.table
        key = table.selected_key
        if key is None:
            self.notify("No row selected to copy", severity="warning")
            return
        cells = row_cells(table, key)
        self.copy_to_clipboard(row_as_text(cells))
        self.notify(f"Copied {key}: {len(cells)} fields, tab-separated", markup=False)

    def action_export(self, kind: str) -> None:
        """The current pane as shown (filtered, sorted) to a CSV or JSON file; a browser downloads it."""
        table = self.current_pane.table
        labels, rows = table_rows(table)
        pane = self.tabs.active
        text = rows_as_csv(labels, rows) if kind == "csv" else rows_as_json(
            pane, labels, rows, table.filter_text, table.sort_column)
        name = f"hcpdash-{pane}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(self.clock()))}.{kind}"
        self.deliver_text(io.StringIO(text), save_directory=self.export_dir, save_filename=name,
                          mime_type="text/csv" if kind == "csv" else "application/json", name=f"{len(rows)}")

    def on_delivery_complete(self, event: DeliveryComplete) -> None:
        where = str(event.path) if event.path else "your browser's downloads"
        self.notify(f"Exported {event.name} rows to {where}", markup=False)

    def on_delivery_failed(self, event: DeliveryFailed) -> None:
        self.notify(f"Export failed: {event.exception}", severity="error", markup=False)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open(self.current_pane.table.filter_text)
        self._show_filter_state()

    @on(Input.Changed, "#filter-input")
    def filter_changed(self, event: Input.Changed) -> None:
        try:
            self.current_pane.table.set_filter(event.value)
        except FilterError as exc:
            self.query_one(FilterBar).show_error(str(exc))
        else:
            self.query_one(FilterBar).show_error(None)

    @on(Input.Submitted, "#filter-input")
    def filter_done(self) -> None:
        self.query_one(FilterBar).close()
        self.current_pane.table.focus()

    def action_back(self) -> None:
        bar = self.query_one(FilterBar)
        table = self.current_pane.table
        if bar.typing or table.filter_text:
            table.set_filter("")
            bar.close()
            table.focus()

    def action_sort_next(self) -> None:
        self.current_pane.table.sort_next()

    def action_sort_reverse(self) -> None:
        table = self.current_pane.table
        table.sort_by(table.sort_column or table.table_columns[0].key, reverse=not table.sort_reverse)

    def action_toggle_pause(self) -> None:
        if self.monitor.paused:
            self.monitor.resume()
        else:
            self.monitor.pause()
        self._update_header(self.clock())

    def action_refresh_now(self) -> None:
        self.monitor.refresh_now()
        self.notify("Polling every resource once now; polling stays paused" if self.monitor.paused
                    else "Polling every resource now")

    def action_scale_intervals(self, factor: float) -> None:
        self.monitor.scale_intervals(factor)
        self.interval_scale *= factor
        self._update_header(self.clock())

    def action_help(self) -> None:
        """The help screen is built once and shown again: a screen built per press would leave its drawn
        lines behind in Textual's style cache (up to 1,024 widgets' worth), for every collection to walk."""
        if isinstance(self.screen, HelpScreen):
            return
        if not self.is_screen_installed(HELP_SCREEN):
            self.install_screen(HelpScreen(self.help_entries()), HELP_SCREEN)
        self.push_screen(HELP_SCREEN)

    def on_key(self, event: events.Key) -> None:
        """A key typed just after the one that opened a link-action dialog was routed to the dashboard
        before the dialog took over; it belongs to the dialog, never to a dashboard binding."""
        if isinstance(self.screen, ActionDialog) and event.is_printable:
            event.prevent_default()
            event.stop()
            self.screen.stray_character(event.character or "")

    def request_link_action(self, system: str, link: str, action: LinkAction) -> None:
        """Open the action's dialog at once; it reads the preflight itself. Refused while another is open."""
        if not self.writable or self.is_read_only(system):
            return
        if self._action_running:
            self.notify("Another link action is still open", severity="warning")
            return
        self._action_running = True
        dialog_class = PreflightScreen if typed_confirmation_needed(action) else ConfirmScreen
        dialog = dialog_class(system, link, action, partial(self.monitor.preflight, system, link, action))
        self.push_screen(dialog, callback=partial(self._link_action_answered, dialog))

    def _link_action_answered(self, dialog: ActionDialog, reason: str | None) -> None:
        label = f"{link_actions.LABELS[dialog.action]} {dialog.link_name} on {dialog.system}"
        if reason is None or dialog.preflight is None:
            self._action_running = False
            self.notify(f"{label}: cancelled", markup=False)
            return
        self._execute_link_action(dialog.preflight, reason, label)

    @work(exclusive=True, group="link-action", exit_on_error=False)
    async def _execute_link_action(self, preflight: Preflight, reason: str, label: str) -> None:
        try:
            result = await self.monitor.execute(preflight, reason)
            severity = "information" if result.outcome == "ok" and not result.unrecorded else "error"
            self.notify(f"{label}: {result.outcome} — {result.message}", severity=severity, markup=False)
            if result.unrecorded:
                self.notify(f"{label}: the outcome is NOT in the audit journal: {result.unrecorded}",
                            severity="error", timeout=3600, markup=False)
        except Exception as exc:  # noqa: BLE001 - the operator must see why, the dashboard must keep running
            self.notify(f"{label}: {type(exc).__name__}: {exc}", severity="error", markup=False)
        finally:
            self._action_running = False
