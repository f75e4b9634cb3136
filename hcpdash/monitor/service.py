"""MonitorService: every configured system polled on one schedule, published as snapshots.

The one implementation of :class:`hcpdash.monitor.api.Monitor`. It runs on the
caller's event loop (the dashboard's, or ``asyncio.run`` for one-shot commands) and
never touches a widget: listeners receive immutable snapshots.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from contextlib import AbstractContextManager

from hcpdash.config import Config, SystemConfig
from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.actions import ActionRunner
from hcpdash.monitor.api import ActionResult, Preflight, SnapshotListener
from hcpdash.monitor.audit import AuditJournal, JournalError, JournalReading
from hcpdash.monitor.changes import changes
from hcpdash.monitor.events import EventLog, Severity
from hcpdash.monitor.history import History
from hcpdash.monitor.history_store import HistoryFileError, HistoryStore, SeriesKey
from hcpdash.monitor.recorder import HistoryRecorder
from hcpdash.monitor.node_inventory import InventoryStore
from hcpdash.monitor.schedule import Schedule
from hcpdash.monitor.snapshot import JoinedLink, SystemSnapshot
from hcpdash.monitor.system import RESOURCES, SystemMonitor
from hcpdash.monitor.views import join_links

log = logging.getLogger(__name__)

JOURNAL_EVENTS = "audit journal"
"""The system column of events about the journal itself."""

HISTORY_POINTS = 720
"""Per series: an hour of node latency at the default 5 s probe interval."""
NAMESPACE_RING = (13, 3600.0)
"""Per namespace series: 12 hours (the Growth/day column's window) at one point an hour, 208 bytes; the
detail and trend views read finer points from the history file. With 10,000 namespaces a ring of one
point per statistics poll would take over 100 MB."""


class MonitorService:
    def __init__(self, config: Config, read_only: bool = False, *, journal: AuditJournal | None = None,
                 clock: Callable[[], float] = time.time, schedule: Schedule | None = None,
                 recorder: HistoryRecorder | None = None,
                 inventories: InventoryStore | None = None) -> None:
        self.config = config
        self.systems: tuple[SystemConfig, ...] = config.systems
        self.events = EventLog(clock=clock)
        self.history = History(HISTORY_POINTS, {"ns": NAMESPACE_RING})
        self.clock = clock
        self.schedule = schedule or Schedule()
        self.journal = journal or AuditJournal.in_state_dir()
        self.actions = ActionRunner(self.journal, self.events, clock)
        self.inventories = inventories or InventoryStore.in_state_dir()
        self._monitors = {s.name: SystemMonitor(s, read_only or config.is_read_only(s), self.history, clock,
                                                self.inventories.load(s.name, s.domain))
                          for s in config.systems}
        self._published = {name: m.snapshot for name, m in self._monitors.items()}
        self._listeners: list[SnapshotListener] = []
        for monitor in self._monitors.values():
            monitor.on_snapshot = self._publish
        self._started = False
        self._journal_reviewed = False
        self._refresh: asyncio.Task[None] | None = None
        self.recorder = recorder
        self.history_notes: tuple[str, ...] = ()
        """What opening the history file found worth saying (another writer, a file moved aside)."""
        self._history_reader: HistoryStore | None = None
        self._reader_of = 0
        """The recorder's ``fresh_starts`` when the reader was opened."""
        if recorder is not None:
            self.history_notes = tuple(recorder.open())
            recorder.restore(self.history, self.events)

    # -- life cycle

    def report_dangling_intents(self) -> None:
        """Once per run: journal damage, and intents whose outcome a previous run never recorded.

        A journal problem is reported, never raised: monitoring does not depend on it.
        """
        if self._journal_reviewed:
            return
        self._journal_reviewed = True
        subject = str(self.journal.path)
        try:
            reading = self.journal.read()
        except JournalError as exc:
            self.events.add(JOURNAL_EVENTS, "journal", subject, str(exc), Severity.WARNING)
            return
        for warning in reading.warnings:
            self.events.add(JOURNAL_EVENTS, "journal", subject, warning, Severity.WARNING)
        dangling = self._dangling(reading)
        for record in dangling:
            self.events.add(record["system"], "journal", record["link"],
                            f"{record['action']} on link {record['link']} was sent at {record['time']} "
                            f"(intent {record['id']}, pid {record.get('pid', '?')}, reason {record.get('reason')!r}) "
                            "by a run that stopped before its outcome was known or could not record it; "
                            "check the link's state", Severity.CRITICAL)
        try:
            self.journal.close(dangling)
        except JournalError as exc:
            self.events.add(JOURNAL_EVENTS, "journal", subject, f"{exc}; the intents above stay open and are "
                            "reported again on the next start", Severity.WARNING)

    def _dangling(self, reading: JournalReading) -> list[dict[str, Any]]:
        """Open intents, less those whose action is still in flight in a live process (its link
        lock is held). The journal is re-read after the lock check: an action records its
        outcome before releasing the lock, so one just finished is not taken for dangling."""
        candidates = [r for r in reading.dangling if not self.actions.locks.busy(r["link"])]
        if not candidates:
            return []
        try:
            still_open = {r["id"] for r in self.journal.read().dangling}
        except JournalError:
            return []
        return [r for r in candidates if r["id"] in still_open]

    async def start(self, resources: Iterable[str] | None = None) -> None:
        """Start polling the given resources (default all); returns at once (polls run in
        background tasks)."""
        if self._started:
            return
        self._started = True
        self.report_dangling_intents()
        self._start_recording()
        wanted = set(RESOURCES if resources is None else resources)
        for name, monitor in self._monitors.items():
            monitor.paced = True
            for resource, (interval, floor) in monitor.intervals().items():
                if resource not in wanted:
                    continue
                self.schedule.add(f"{name}:{resource}", lambda m=monitor, r=resource: m.poll(r), interval, floor)
        self.schedule.start()

    def _start_recording(self) -> None:
        """Record every snapshot and event to the history file (opened and read back at construction)."""
        recorder = self.recorder
        if recorder is None:
            return
        self._listeners.append(recorder.submit_snapshot)
        self.events.subscribe(recorder.submit_event)
        for note in self.history_notes:
            self.events.add("hcpdash", "history", recorder.path.name, note, Severity.WARNING)
        loop = asyncio.get_running_loop()

        def report(message: str) -> None:
            log.warning("%s", message)
            with contextlib.suppress(RuntimeError):  # the loop closed while the writer failed
                loop.call_soon_threadsafe(self.events.add, "hcpdash", "history", recorder.path.name, message,
                                          Severity.WARNING)

        recorder.start(report)

    async def poll_once(self, resources: Iterable[str] | None = None, deadline_s: float | None = None) -> None:
        """One poll of the given resources (default all) of every system, then return.

        With ``deadline_s``, polls still running then are stopped and their readings marked
        (the verdicts report them UNKNOWN); what was read in time stands."""
        self.report_dangling_intents()
        wanted = tuple(resources) if resources is not None else RESOURCES
        started = self.clock()
        try:
            async with asyncio.timeout(deadline_s):
                await asyncio.gather(*(self._poll_system_once(m, wanted) for m in self._monitors.values()))
        except TimeoutError:
            log.warning("poll stopped at its %g s deadline; what was not read is reported UNKNOWN", deadline_s)
            for monitor in self._monitors.values():
                monitor.mark_unread(wanted, started, f"not read within the {deadline_s:g} s deadline")

    async def _poll_system_once(self, monitor: SystemMonitor, resources: tuple[str, ...]) -> None:
        """Every resource at once: those read per namespace share the namespaces poll's
        listing and start as soon as it has named them (a slow resource delays only what
        depends on it)."""
        await asyncio.gather(*(monitor.poll(r) for r in resources), return_exceptions=True)

    async def stop(self) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
            await asyncio.gather(self._refresh, return_exceptions=True)
        await self.schedule.stop()
        await self.actions.stop()
        if self.recorder is not None:
            await asyncio.to_thread(self.recorder.close)
        if self._history_reader is not None:
            self._history_reader.close()
        await asyncio.gather(*(m.aclose() for m in self._monitors.values()), return_exceptions=True)

    # -- snapshots

    def _publish(self, snapshot: SystemSnapshot) -> None:
        problems = self._monitors[snapshot.name].node_inventory.problems
        while problems:
            self.events.add(snapshot.name, "inventory", "node inventory", problems.pop(0), Severity.WARNING)
        before = self._published.get(snapshot.name)
        self._published[snapshot.name] = snapshot
        if before is not None:
            for change in changes(before, snapshot):
                self.events.add(snapshot.name, change.kind, change.subject, change.message, change.severity)
        for listener in list(self._listeners):
            try:
                listener(snapshot)
            except Exception:  # noqa: BLE001 - a broken pane must not stop polling
                log.exception("snapshot listener failed")

    def snapshots(self) -> dict[str, SystemSnapshot]:
        return dict(self._published)

    def joined_links(self) -> tuple[JoinedLink, ...]:
        return join_links(self._published.values())

    def trend(self, key: SeriesKey, start: float, end: float) -> list[tuple[float, float]]:
        """One series from the history file (finest resolution that covers ``start``), else from its ring."""
        recorder = self.recorder
        if recorder is not None and self._history_reader is not None and self._reader_of != recorder.fresh_starts:
            self._history_reader.close()  # the file it reads was moved aside for a new one
            self._history_reader = None
        if recorder is not None and self._history_reader is None and recorder.path.exists():
            with contextlib.suppress(HistoryFileError):
                self._history_reader = HistoryStore.open(recorder.path, read_only=True)
                self._reader_of = recorder.fresh_starts
        if self._history_reader is not None:
            with contextlib.suppress(sqlite3.Error):
                return [(t, mean) for t, mean, _ in self._history_reader.points(key, start, end, now=self.clock())]
        ring = self.history.get(key)
        return [(t, v) for t, v in ring.points() if start <= t <= end] if ring is not None else []

    def subscribe(self, listener: SnapshotListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def is_read_only(self, system: str) -> bool:
        return self._monitors[system].read_only

    def connection_cap(self, system: str) -> int:
        """Requests the system's client keeps in flight at most (the bench's lower bound uses it)."""
        return self._monitors[system].client.connection_cap

    def system_monitor(self, system: str) -> SystemMonitor:
        """The monitor of one system (``hcpdash bench`` polls its resources one by one)."""
        return self._monitors[system]

    # -- run-time control

    @property
    def paused(self) -> bool:
        return self.schedule.paused

    def _set_paused(self, paused: bool) -> None:
        for monitor in self._monitors.values():
            monitor.paused = paused
            monitor.rebuild()

    def pause(self) -> None:
        self.schedule.pause()
        self._set_paused(True)

    def resume(self) -> None:
        self.schedule.resume()
        self._set_paused(False)

    def refresh_now(self) -> None:
        """Poll every resource now; while paused, once, outside the schedule, which stays paused."""
        if not self.paused:
            self.schedule.refresh_now()
        elif self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._poll_all_once(), name="refresh while paused")

    async def _poll_all_once(self) -> None:
        await asyncio.gather(*(self._poll_system_once(m, RESOURCES) for m in self._monitors.values()))

    def scale_intervals(self, factor: float) -> None:
        self.schedule.scale_intervals(factor)

    # -- actions

    async def preflight(self, system: str, link: str, action: LinkAction) -> Preflight:
        others = [m for name, m in self._monitors.items() if name != system]
        return await self.actions.preflight(self._monitors[system], link, LinkAction(action), others)

    def action_lock(self, system: str, link: str) -> AbstractContextManager[None]:
        """Hold the link's action lock across a preflight, a confirmation and :meth:`execute`."""
        return self.actions.locks.hold(system, link)

    async def execute(self, preflight: Preflight, reason: str, wait_settle: bool = False) -> ActionResult:
        return await self.actions.execute(self._monitors[preflight.system], preflight, reason, wait_settle)
