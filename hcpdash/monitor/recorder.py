"""HistoryRecorder: the monitor's snapshots and events written to the history file by a thread of its own.

The event loop only puts immutable snapshots and events on a queue; a writer thread turns
them into rows, commits, and rolls points up once a minute. One writer per file: a second
dashboard on the same state directory reads the history but does not write it. A file
that is not a history database, or is found corrupt while writing, is moved aside
(``history.sqlite3.<time>.corrupt``) and a new one started; any other failed write (a full
disk) stops the recording with one warning, never the polling.
"""

from __future__ import annotations

import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
from typing import IO

from hcpdash.monitor.events import Event, EventLog, Severity
from hcpdash.monitor.history import History
from hcpdash.monitor.history_points import RING_METRICS, Point, SnapshotRecorder, State
from hcpdash.monitor.history_store import (
    DEFAULT_MAX_BYTES,
    HISTORY_NAME,
    KEEP_EVENTS_S,
    HistoryFileError,
    HistoryStore,
    StoredEvent,
)
from hcpdash.monitor.snapshot import SystemSnapshot

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no second-writer guard
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MAINTAIN_EVERY_S = 60.0
RING_REFILL_S = 3600.0
_STOP = object()

Report = Callable[[str], None]


def is_corrupt(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def is_full(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_FULL or "full" in str(exc)


def move_aside(path: Path, when: float) -> Path:
    """Rename a bad history file (and its WAL files) out of the way; returns the new name."""
    aside = path.with_name(f"{path.name}.{time.strftime('%Y%m%dT%H%M%S', time.localtime(when))}.corrupt")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(Path(f"{aside}{suffix}"))
    return aside


class HistoryRecorder:
    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        self.clock = clock
        self.max_bytes = max_bytes
        self.store: HistoryStore | None = None
        self.writing = False
        self._lock_file: IO[str] | None = None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._extract = SnapshotRecorder()
        self._report: Report = lambda message: log.warning("%s", message)
        self.written = 0
        """Raw points committed so far (for tests and benchmarks)."""
        self.fresh_starts = 0
        """How often a corrupt file was replaced by a new one since opening (readers reopen on a change)."""

    @classmethod
    def in_directory(cls, directory: Path, **kwargs: object) -> HistoryRecorder:
        return cls(directory / HISTORY_NAME, **kwargs)  # type: ignore[arg-type]

    # -- opening

    def _take_lock(self) -> str | None:
        """None when this process is the writer; else who is."""
        if fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = Path(f"{self.path}.lock")
        lock_path.touch(mode=0o600)
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            return holder
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle
        return None

    def open(self) -> list[str]:
        """Become the writer (or a reader if another process writes); returns what to report, once."""
        notes: list[str] = []
        try:
            holder = self._take_lock()
        except OSError as exc:
            return [f"history off: cannot use {self.path.parent}: {exc.strerror or exc}"]
        if holder is not None:
            notes.append(f"history {self.path} is being recorded by another hcpdash (pid {holder}); "
                         "this one reads it and records nothing")
            if self.path.exists():
                try:
                    self.store = HistoryStore.open(self.path, read_only=True)
                except HistoryFileError as exc:
                    notes.append(f"history {self.path} cannot be read: {exc}")
            return notes
        try:
            self.store = HistoryStore.open(self.path, max_bytes=self.max_bytes)
        except HistoryFileError as exc:
            try:
                aside = move_aside(self.path, self.clock())
                self.store = HistoryStore.open(self.path, max_bytes=self.max_bytes)
            except (OSError, HistoryFileError) as again:
                return [f"history off: {self.path}: {exc}; {again}"]
            notes.append(f"history {self.path} is not usable ({exc}); moved to {aside.name}, a new one was started")
        self._extract = SnapshotRecorder(self.store.series_ids)
        self.writing = True
        return notes

    def restore(self, history: History, events: EventLog) -> None:
        """Refill the rings with the last hour and the events log with the newest stored events."""
        if self.store is None:
            return
        now = self.clock()
        try:
            for key, t, value in self.store.window_points(now - RING_REFILL_S, now, RING_METRICS, now):
                history.record(key, t, value)
            events.load(self.store.events(now - KEEP_EVENTS_S, now, limit=events.maxlen))
        except sqlite3.Error as exc:
            self._report(f"history {self.path} could not be read back: {exc}")

    # -- writing

    def start(self, report: Report | None = None) -> None:
        """Start the writer thread; ``report`` is called (from that thread) with the one warning it may give."""
        if report is not None:
            self._report = report
        if self.writing and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="history writer", daemon=True)
            self._thread.start()

    def submit_snapshot(self, snapshot: SystemSnapshot) -> None:
        if self.writing:
            self._queue.put(snapshot)

    def submit_event(self, event: Event) -> None:
        if self.writing:
            self._queue.put(event)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is committed (tests, benchmarks, shutdown)."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _run(self) -> None:
        assert self.store is not None
        last_maintained = 0.0
        while True:
            try:
                batch = [self._queue.get(timeout=MAINTAIN_EVERY_S)]
            except queue.Empty:
                batch = []
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = _STOP in batch
            if self.writing:
                now = self.clock()
                self._write(batch, maintain=now - last_maintained >= MAINTAIN_EVERY_S or stopping, now=now)
                if now - last_maintained >= MAINTAIN_EVERY_S:
                    last_maintained = now
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()
            if stopping:
                return

    def _rows(self, batch: list[object]) -> tuple[Iterable[Point], list[State], list[StoredEvent]]:
        points: list[Iterable[Point]] = []
        states: list[State] = []
        stored: list[StoredEvent] = []
        for item in batch:
            if isinstance(item, SystemSnapshot):
                new_points, new_states = self._extract.extract(item)
                points.append(new_points)
                states += new_states
            elif isinstance(item, Event):
                stored.append(StoredEvent(item.time, item.system, item.kind, item.subject, item.message,
                                          int(item.severity)))
        return chain.from_iterable(points), states, stored

    def _write(self, batch: list[object], *, maintain: bool, now: float) -> None:
        assert self.store is not None
        try:
            self.written += self.store.write(*self._rows(batch))
            if maintain:
                self.store.maintain(now)
        except sqlite3.Error as exc:
            if is_corrupt(exc) and not self.fresh_starts:
                self._start_fresh(exc, now, batch)
            else:
                self._stop(exc)

    def _start_fresh(self, exc: sqlite3.Error, now: float, batch: list[object]) -> None:
        """Move the corrupt file aside, open a new one and write the batch there (all of it: the points are
        made again); a second corruption in the same run (a failing disk) stops the recording instead."""
        assert self.store is not None
        self.store.close()
        try:
            aside = move_aside(self.path, now)
            self.store = HistoryStore.open(self.path, max_bytes=self.max_bytes)
        except (OSError, HistoryFileError) as again:
            self.store = None
            self.writing = False
            self._report(f"history writes stopped: {self.path} is corrupt ({exc}) and no new file could be"
                         f" started ({again}); the dashboard keeps polling")
            return
        self.fresh_starts += 1
        self._extract = SnapshotRecorder(self.store.series_ids)
        self._report(f"history {self.path} is corrupt ({exc}); moved to {aside.name}, a new one was started")
        try:
            self.written += self.store.write(*self._rows(batch))
        except sqlite3.Error as again:
            self._stop(again)

    def _stop(self, exc: sqlite3.Error) -> None:
        self.writing = False
        why = "the disk is full" if is_full(exc) else str(exc)
        self._report(f"history writes stopped: {why} ({self.path}); the dashboard keeps polling")

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        self.writing = False
