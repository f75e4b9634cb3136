"""The history database: time series, states and events in one SQLite file (WAL mode).

Retention, kept by :meth:`HistoryStore.maintain`:

- raw points (one per poll, written only when the value changed, else every 10 to 20 minutes)
  for 1 hour;
- minute points (mean and peak of the raw points) for 24 hours;
- ten-minute points (mean and peak of the minute points) for 30 days;
- states (node, link and overall verdict, written on change) and events for 30 days;
- the whole file under ``max_bytes`` (default 256 MB): past it, the oldest ten-minute
  points go first, then the oldest minute points, then the oldest raw points.

Series are keyed like :class:`hcpdash.monitor.history.History` rings:
``(kind, system, subject, metric)``, e.g. ``("link", "hcp1", "AA-1", "bytes_pending")``.
One connection per instance, used from one thread.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SCHEMA_ID = "hcpdash.history/1"
HISTORY_NAME = "history.sqlite3"
HEARTBEAT_S = 600.0
"""An unchanged value is written again at its first point this long after the last one written (so
within two of these, as :func:`resend_after_s` hands it over within one and a half): a series shows
it is alive."""
LOOKBACK_S = 4 * HEARTBEAT_S
"""How far back a value "at time t" is looked for: two of the longest heartbeats."""
DEFAULT_MAX_BYTES = 256 * 1024**2

SeriesKey = tuple[str, str, str, str]
"""(kind, system, subject, metric)."""


def resend_after_s(subject: str) -> float:
    """How long a caller may hold back an unchanged subject's points: one to one and a half heartbeats,
    staggered by subject, so that one poll never rewrites all of a large system's unchanged namespaces, and
    each one handed over is written (held back less than a heartbeat, it would be skipped as unchanged)."""
    return HEARTBEAT_S * (1 + zlib.crc32(subject.encode()) % 64 / 128)


@dataclass(frozen=True, slots=True)
class Tier:
    table: str
    bucket_s: float
    """Width of one point; 0 for raw points."""
    keep_s: float


TIERS = (Tier("raw", 0, 3600.0), Tier("minute", 60, 86400.0), Tier("tenminute", 600, 30 * 86400.0))
KEEP_EVENTS_S = 30 * 86400.0

_SCHEMA = [
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE series(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, system TEXT NOT NULL, subject TEXT NOT NULL,"
    " metric TEXT NOT NULL, UNIQUE(kind, system, subject, metric))",
    *(f"CREATE TABLE {tier.table}(t REAL NOT NULL, series INTEGER NOT NULL, value REAL NOT NULL, peak REAL NOT NULL,"
      f" PRIMARY KEY(t, series)) WITHOUT ROWID" for tier in TIERS),
    *(f"CREATE INDEX {tier.table}_by_series ON {tier.table}(series, t)" for tier in TIERS[1:]),
    "CREATE TABLE states(series INTEGER NOT NULL, t REAL NOT NULL, state TEXT NOT NULL, PRIMARY KEY(series, t))"
    " WITHOUT ROWID",
    "CREATE INDEX states_by_time ON states(t)",
    "CREATE TABLE events(id INTEGER PRIMARY KEY, t REAL NOT NULL, system TEXT NOT NULL, kind TEXT NOT NULL,"
    " subject TEXT NOT NULL, message TEXT NOT NULL, severity INTEGER NOT NULL)",
    "CREATE INDEX events_by_time ON events(t)",
]


class HistoryFileError(Exception):
    """The file is not an hcpdash history database (corrupt, foreign, or a newer schema)."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    time: float
    system: str
    kind: str
    subject: str
    message: str
    severity: int


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to an existing or new history file; raises :class:`HistoryFileError` if it is not one."""
    try:
        if read_only:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            db = sqlite3.connect(path, check_same_thread=False)
            path.chmod(0o600)
    except sqlite3.Error as exc:
        raise HistoryFileError(f"cannot open: {exc}") from exc
    try:
        db.execute("PRAGMA busy_timeout = 2000")
        # A 512 KiB page cache instead of SQLite's 2 MB: the dashboard holds the file open
        # all day, its pages stay in the system's file cache anyway, and each poll touches
        # only the newest pages of each table.
        db.execute("PRAGMA cache_size = -512")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and not read_only:
            db.execute("PRAGMA journal_mode = WAL")
            with db:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_ID,))
        elif "meta" not in tables:
            raise HistoryFileError("an SQLite file, but not an hcpdash history (no meta table)")
        else:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA_ID:
                raise HistoryFileError(f"schema {row[0] if row else 'missing'!r}, expected {SCHEMA_ID!r}")
        if not read_only:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(f"DROP INDEX IF EXISTS {TIERS[0].table}_by_series")  # files from before: writes cost 3x
    except sqlite3.DatabaseError as exc:
        db.close()
        raise HistoryFileError(str(exc)) from exc
    except HistoryFileError:
        db.close()
        raise
    return db


class HistoryStore:
    """Reads and writes one history file; see the module docstring for what it keeps."""

    def __init__(self, db: sqlite3.Connection, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self._ids: dict[SeriesKey, int] = {}
        self._last_t = array("d")
        """Per series id (dense from 1): when its last point was written, and that point's value."""
        self._last_value = array("d")
        self._states: dict[int, str] = {}

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> HistoryStore:
        return cls(connect(path, read_only=read_only), max_bytes=max_bytes)

    def close(self) -> None:
        self.db.close()

    # -- writing

    def _series_id(self, key: SeriesKey, *, remember: bool = True) -> int:
        found = self._ids.get(key)
        if found is None:
            self.db.execute("INSERT OR IGNORE INTO series(kind, system, subject, metric) VALUES (?, ?, ?, ?)", key)
            found = self.db.execute(
                "SELECT id FROM series WHERE kind = ? AND system = ? AND subject = ? AND metric = ?", key).fetchone()[0]
            if remember:
                self._ids[key] = found
            missing = found + 1 - len(self._last_t)
            if missing > 0:
                self._last_t.extend([-math.inf] * missing)
                self._last_value.extend([math.nan] * missing)
        return found

    def series_ids(self, keys: Sequence[SeriesKey]) -> array[int]:
        """The ids of these series (made if new, committed with the next :meth:`write`), for a caller that
        keeps them and passes them to :meth:`write` in place of the keys: with 10,000 namespaces the
        store then holds no key of theirs in memory."""
        return array("q", (self._series_id(key, remember=False) for key in keys))

    def write(self, points: Iterable[tuple[SeriesKey | int, float, float]] = (),
              states: Iterable[tuple[SeriesKey, float, str]] = (), events: Iterable[StoredEvent] = ()) -> int:
        """One transaction; returns the raw points written (unchanged values inside the heartbeat are skipped).
        A point names its series by key or by an id from :meth:`series_ids`."""
        ids, last_t, last_value = self._ids, self._last_t, self._last_value
        written = 0

        def rows() -> Iterator[tuple[float, int, float, float]]:
            """Made as SQLite takes them: a list of a first poll's 80,000 rows would leave memory pinned."""
            nonlocal written
            for key, t, value in points:
                series = key if key.__class__ is int else ids.get(key) or self._series_id(key)  # type: ignore[arg-type]
                before = last_t[series]
                if t <= before or last_value[series] == value and t - before < HEARTBEAT_S:
                    continue
                last_t[series] = t
                last_value[series] = value
                written += 1
                yield t, series, value, value

        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO raw VALUES (?, ?, ?, ?)", rows())
            state_rows = []
            for key, t, state in states:
                series = self._series_id(key)
                if self._states.get(series) != state:
                    self._states[series] = state
                    state_rows.append((series, t, state))
            self.db.executemany("INSERT OR REPLACE INTO states VALUES (?, ?, ?)", state_rows)
            self.db.executemany("INSERT INTO events(t, system, kind, subject, message, severity) VALUES (?, ?, ?, ?, ?, ?)",
                                [(e.time, e.system, e.kind, e.subject, e.message, e.severity) for e in events])
        return written

    def maintain(self, now: float) -> None:
        """Roll closed buckets up a tier, drop what is past retention, keep the file under ``max_bytes``."""
        with self.db:
            for source, target in zip(TIERS, TIERS[1:]):
                done = float(self._meta(f"rolled.{target.table}") or 0.0)
                until = now // target.bucket_s * target.bucket_s
                if until <= done:
                    continue
                bucket = f"CAST(t / {target.bucket_s:g} AS INTEGER) * {target.bucket_s:g}"
                self.db.execute(
                    f"INSERT OR REPLACE INTO {target.table} SELECT {bucket} AS b, series, avg(value), max(peak)"
                    f" FROM {source.table} WHERE t >= ? AND t < ? GROUP BY b, series", (done, until))
                self._set_meta(f"rolled.{target.table}", repr(until))
            for tier in TIERS:
                self.db.execute(f"DELETE FROM {tier.table} WHERE t < ?", (now - tier.keep_s,))
            cutoff = now - KEEP_EVENTS_S
            self.db.execute("DELETE FROM events WHERE t < ?", (cutoff,))
            self.db.execute("DELETE FROM states WHERE t < ? AND (series, t) NOT IN"
                            " (SELECT series, max(t) FROM states WHERE t < ? GROUP BY series)", (cutoff, cutoff))
            self._keep_under_cap(now)

    def _keep_under_cap(self, now: float) -> None:
        """Past ``max_bytes``, drop the oldest points: ten-minute ones (and events) a day at a time, then
        minute ones an hour at a time, then raw ones five minutes at a time."""
        for tier, step in zip(reversed(TIERS), (86400.0, 3600.0, 300.0), strict=True):
            oldest = self.db.execute(f"SELECT min(t) FROM {tier.table}").fetchone()[0]
            while oldest is not None and oldest <= now and self.used_bytes() > self.max_bytes:
                oldest += step
                self.db.execute(f"DELETE FROM {tier.table} WHERE t < ?", (oldest,))
                if tier is TIERS[-1]:
                    self.db.execute("DELETE FROM events WHERE t < ?", (oldest,))

    def used_bytes(self) -> int:
        """Bytes the file's live pages take (free pages are reused, so the file stops growing here)."""
        pages = self.db.execute("PRAGMA page_count").fetchone()[0] - self.db.execute("PRAGMA freelist_count").fetchone()[0]
        return int(pages * self.db.execute("PRAGMA page_size").fetchone()[0])

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- reading

    def series_keys(self, system: str | None = None) -> list[SeriesKey]:
        query = "SELECT kind, system, subject, metric FROM series" + (" WHERE system = ?" if system else "")
        return [tuple(row) for row in self.db.execute(query, (system,) if system else ())]  # type: ignore[misc]

    def systems(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT system FROM series ORDER BY system")]

    def tier_for(self, start: float, now: float) -> Tier:
        """The finest tier that still holds points from ``start``."""
        return next((tier for tier in TIERS if start >= now - tier.keep_s), TIERS[-1])

    def points(self, key: SeriesKey, start: float, end: float, tier: Tier | None = None,
               now: float | None = None) -> list[tuple[float, float, float]]:
        """(time, mean, peak) of one series in [start, end], from ``tier`` or the finest one covering ``start``."""
        tier = tier or self.tier_for(start, end if now is None else now)
        row = self.db.execute("SELECT id FROM series WHERE kind = ? AND system = ? AND subject = ? AND metric = ?",
                              key).fetchone()
        if row is None:
            return []
        return list(self.db.execute(f"SELECT t, value, peak FROM {tier.table} WHERE series = ? AND t >= ? AND t <= ?"
                                    " ORDER BY t", (row[0], start, end)))

    def window_points(self, start: float, end: float, metrics: Sequence[str], now: float
                      ) -> Iterator[tuple[SeriesKey, float, float]]:
        """Points in (start, end] of the given metrics from the finest tier covering ``start``, in time order
        (to fill rings)."""
        marks = ", ".join("?" * len(metrics))
        table = self.tier_for(start, now).table
        keys = {series: (sys.intern(kind), sys.intern(system), subject, sys.intern(metric))
                for series, kind, system, subject, metric in self.db.execute(
                    f"SELECT id, kind, system, subject, metric FROM series WHERE metric IN ({marks})", tuple(metrics))}
        yield from ((keys[series], t, value) for series, t, value in self.db.execute(  # one key object per series
            f"SELECT series, t, value FROM {table} WHERE t > ? AND t <= ? AND series IN"
            f" (SELECT id FROM series WHERE metric IN ({marks})) ORDER BY t", (start, end, *metrics)))

    def values_at(self, at: float, now: float, system: str | None = None) -> dict[SeriesKey, float]:
        """Every series' latest value at or before ``at`` (looking back ``LOOKBACK_S``)."""
        tier = self.tier_for(at - LOOKBACK_S, now)
        query = (f"SELECT s.kind, s.system, s.subject, s.metric, p.value FROM {tier.table} p JOIN series s"
                 " ON s.id = p.series WHERE p.t > ? AND p.t <= ?" + (" AND s.system = ?" if system else "") +
                 " ORDER BY p.t")
        args: tuple[object, ...] = (at - LOOKBACK_S - tier.bucket_s, at, *((system,) if system else ()))
        return {tuple(row[:4]): row[4] for row in self.db.execute(query, args)}  # type: ignore[misc]

    def states_at(self, at: float, system: str | None = None) -> dict[SeriesKey, tuple[float, str]]:
        """Every state series' state at ``at``: (since when, state)."""
        query = ("SELECT s.kind, s.system, s.subject, s.metric, max(st.t), st.state FROM states st JOIN series s"
                 " ON s.id = st.series WHERE st.t <= ?" + (" AND s.system = ?" if system else "") + " GROUP BY st.series")
        return {tuple(row[:4]): (row[4], row[5])  # type: ignore[misc]
                for row in self.db.execute(query, (at, *((system,) if system else ())))}

    def states_between(self, start: float, end: float, system: str | None = None
                       ) -> list[tuple[SeriesKey, float, str]]:
        query = ("SELECT s.kind, s.system, s.subject, s.metric, st.t, st.state FROM states st JOIN series s"
                 " ON s.id = st.series WHERE st.t >= ? AND st.t <= ?" + (" AND s.system = ?" if system else "") +
                 " ORDER BY st.t, s.kind, s.subject, s.metric")
        return [(tuple(row[:4]), row[4], row[5])  # type: ignore[misc]
                for row in self.db.execute(query, (start, end, *((system,) if system else ())))]

    def events(self, start: float, end: float, system: str | None = None, limit: int | None = None
               ) -> list[StoredEvent]:
        """Events in [start, end], oldest first; with ``limit``, the newest ``limit`` of them."""
        query = ("SELECT t, system, kind, subject, message, severity FROM events WHERE t >= ? AND t <= ?"
                 + (" AND system = ?" if system else "") + " ORDER BY t DESC, id DESC"
                 + (f" LIMIT {int(limit)}" if limit is not None else ""))
        found = [StoredEvent(*row) for row in self.db.execute(query, (start, end, *((system,) if system else ())))]
        return found[::-1]

    def span(self) -> tuple[float, float] | None:
        """The oldest and newest time anything was recorded."""
        lows, highs = [], []
        for table in (*(t.table for t in TIERS), "states", "events"):
            low, high = self.db.execute(f"SELECT min(t), max(t) FROM {table}").fetchone()
            if low is not None:
                lows.append(low)
                highs.append(high)
        return (min(lows), max(highs)) if lows else None
