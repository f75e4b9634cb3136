"""The history file: survives a restart, rolls points up, keeps its retention, and survives bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hcpdash.monitor.events import EventLog, Severity
from hcpdash.monitor.history import History
from hcpdash.monitor.history_store import HEARTBEAT_S, TIERS, HistoryFileError, HistoryStore, StoredEvent
from hcpdash.monitor.recorder import HistoryRecorder

T0 = 1_760_000_400.0  # a multiple of 600 s: buckets line up with the test's minutes
LATENCY = ("node", "hcp1", "10.0.0.1", "latency_ms")
PENDING = ("link", "hcp1", "AA-1", "bytes_pending")


def fill(store: HistoryStore, start: float, seconds: float, step: float = 5.0) -> None:
    t = start
    while t < start + seconds:
        store.write([(LATENCY, t, 10.0 + (t - start) % 60), (PENDING, t, t - start)])
        t += step


def test_points_states_and_events_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore.open(path)
    fill(store, T0, 120)
    store.write(states=[(("node", "hcp1", "10.0.0.1", "state"), T0, '{"probe":"up"}')],
                events=[StoredEvent(T0 + 30, "hcp1", "node", "10.0.0.1", "node 10.0.0.1 down", 2)])
    store.close()

    again = HistoryStore.open(path)
    points = again.points(LATENCY, T0, T0 + 120, now=T0 + 120)
    assert len(points) == 24 and points[0] == (T0, 10.0, 10.0)
    assert again.states_at(T0 + 60) == {("node", "hcp1", "10.0.0.1", "state"): (T0, '{"probe":"up"}')}
    assert [e.message for e in again.events(T0, T0 + 120)] == ["node 10.0.0.1 down"]
    assert again.systems() == ["hcp1"]


def test_minutes_roll_up_to_mean_and_peak(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3")
    fill(store, T0, 600)
    store.maintain(T0 + 600)
    minutes = store.points(LATENCY, T0, T0 + 600, tier=TIERS[1])
    assert len(minutes) == 10
    t, mean, peak = minutes[0]
    assert t == T0 and mean == pytest.approx(37.5) and peak == 65.0
    tens = store.points(LATENCY, T0, T0 + 600, tier=TIERS[2])
    assert tens == [(T0, pytest.approx(37.5), 65.0)]


def test_retention_drops_raw_after_an_hour_and_minutes_after_a_day(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3")
    store.write([(LATENCY, T0 + s, float(s)) for s in range(0, 600, 60)])
    store.maintain(T0 + 600)
    store.maintain(T0 + 3601 + 600)
    assert store.points(LATENCY, T0, T0 + 600, tier=TIERS[0]) == []
    assert len(store.points(LATENCY, T0, T0 + 600, tier=TIERS[1])) == 10
    store.maintain(T0 + 86401 + 600)
    assert store.points(LATENCY, T0, T0 + 600, tier=TIERS[1]) == []
    assert len(store.points(LATENCY, T0, T0 + 600, tier=TIERS[2])) == 1
    store.maintain(T0 + 31 * 86400)
    assert store.points(LATENCY, T0, T0 + 600, tier=TIERS[2]) == []


def test_the_size_cap_drops_the_oldest_ten_minute_points_first(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", max_bytes=1)
    for day in range(3):
        store.write([(LATENCY, T0 + day * 86400 + s, float(s)) for s in range(0, 86400, 600)])
    store.maintain(T0 + 3 * 86400)
    assert store.points(LATENCY, T0, T0 + 2 * 86400, tier=TIERS[2]) == []


def test_the_size_cap_holds_when_minute_points_alone_exceed_it(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3")
    keys = [("ns", "hcp1", f"t/ns{i}", "used_bytes") for i in range(200)]
    for minute in range(120):
        store.write([(key, T0 + minute * 60, float(minute * 1000 + i)) for i, key in enumerate(keys)])
        store.maintain(T0 + minute * 60 + 60)
    uncapped = store.used_bytes()
    store.max_bytes = uncapped * 9 // 10
    store.maintain(T0 + 120 * 60)
    assert store.used_bytes() <= store.max_bytes
    newest = store.points(keys[0], T0, T0 + 7200, tier=TIERS[1])
    assert newest and newest[-1][0] == T0 + 119 * 60 and newest[0][0] > T0  # the oldest went first


def test_an_unchanged_value_is_written_again_only_after_a_heartbeat(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3")
    written = [s for s in range(0, int(HEARTBEAT_S) * 4, 5) if store.write([(PENDING, T0 + s, 0.0)])]
    assert written[0] == 0 and len(written) in (2, 3, 4)
    assert all(HEARTBEAT_S <= b - a <= 2 * HEARTBEAT_S for a, b in zip(written, written[1:]))


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE songs(title TEXT)")
    with pytest.raises(HistoryFileError, match="not an hcpdash history"):
        HistoryStore.open(path)


def test_a_corrupt_file_is_moved_aside_reported_once_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    recorder = HistoryRecorder(path, clock=lambda: T0)
    notes = recorder.open()
    assert len(notes) == 1 and str(path) in notes[0] and "file is not a database" in notes[0]
    aside = list(tmp_path.glob("history.sqlite3.*.corrupt"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert recorder.writing and recorder.store is not None and recorder.store.systems() == []
    recorder.close()
    again = HistoryRecorder(path, clock=lambda: T0)
    assert again.open() == []
    again.close()


def test_a_file_corrupted_after_opening_is_moved_aside_reported_once_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    recorder = HistoryRecorder(path, clock=lambda: T0)
    assert recorder.open() == []
    warnings: list[str] = []
    recorder.start(warnings.append)
    events = EventLog(clock=lambda: T0)

    def record(label: str, count: int) -> None:
        for i in range(count):
            recorder.submit_event(events.add("hcp1", "poll", "links", f"{label} {i}"))
        assert recorder.flush()

    record("before", 200)
    with sqlite3.connect(path) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = 4096
    with open(path, "r+b") as file:  # every page but the first (header and schema) overwritten
        file.seek(page_size)
        file.write(b"\xff" * (path.stat().st_size - page_size))
    with sqlite3.connect(path) as other:
        other.execute("PRAGMA user_version = 1")  # a change by another process: the writer rereads its pages
    record("after", 20)
    record("later", 20)
    recorder.close()

    assert len(warnings) == 1, warnings
    assert str(path) in warnings[0] and "database disk image is malformed" in warnings[0]
    aside = list(tmp_path.glob("history.sqlite3.*.corrupt"))
    assert len(aside) == 1 and aside[0].name in warnings[0]
    fresh = HistoryStore.open(path, read_only=True)
    messages = [e.message for e in fresh.events(T0 - 1, T0 + 1)]
    fresh.close()
    assert messages[:2] == ["after 0", "after 1"] and messages[-1] == "later 19" and len(messages) == 40


def test_a_second_recorder_on_the_same_file_only_reads(tmp_path: Path) -> None:
    first = HistoryRecorder(tmp_path / "history.sqlite3", clock=lambda: T0)
    assert first.open() == [] and first.writing
    second = HistoryRecorder(tmp_path / "history.sqlite3", clock=lambda: T0)
    notes = second.open()
    assert not second.writing and "another hcpdash" in notes[0] and "records nothing" in notes[0]
    second.close()
    first.close()


def test_restore_refills_the_rings_and_the_events_log(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore.open(path)
    fill(store, T0, 300)
    store.write(events=[StoredEvent(T0 + 10, "hcp1", "link", "AA-1", "link AA-1: suspended", 1)])
    store.close()
    recorder = HistoryRecorder(path, clock=lambda: T0 + 300)
    recorder.open()
    history, events = History(720), EventLog(clock=lambda: T0 + 300)
    recorder.restore(history, events)
    recorder.close()
    assert len(history.values(LATENCY)) == 60
    assert [(e.time, e.message, e.severity) for e in events.since(0)] == [
        (T0 + 10, "link AA-1: suspended", Severity.WARNING)]


def test_a_full_disk_stops_history_writes_with_one_warning(tmp_path: Path) -> None:
    recorder = HistoryRecorder(tmp_path / "history.sqlite3", clock=lambda: T0)
    recorder.open()
    assert recorder.store is not None
    pages = recorder.store.db.execute("PRAGMA page_count").fetchone()[0]
    recorder.store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    warnings: list[str] = []
    recorder.start(warnings.append)
    events = EventLog(clock=lambda: T0)
    for i in range(300):
        recorder.submit_event(events.add("hcp1", "poll", "links", f"links poll failed: {'x' * 500} {i}"))
        assert recorder.flush()
    recorder.close()
    assert len(warnings) == 1 and "disk is full" in warnings[0] and "keeps polling" in warnings[0]


def test_an_unchanged_namespace_is_rewritten_within_two_heartbeats_and_a_busy_one_every_poll(tmp_path: Path) -> None:
    from hcpdash.hcp.models import Statistics
    from hcpdash.monitor.history_points import SnapshotRecorder
    from hcpdash.monitor.snapshot import NamespaceView, Reading, SystemSnapshot, TenantView
    from hcpdash.monitor.verdicts import Level, Verdict

    def snap(t: float, busy: NamespaceView) -> SystemSnapshot:
        ok = Verdict(Level.OK, "")
        return SystemSnapshot(name="hcp1", domain="d", environment="prod", colour="red", read_only=True, taken_at=t,
                              tenants=Reading((TenantView("t", None, None, (idle, busy)),), t), verdicts=(ok,),
                              overall=ok)

    idle = NamespaceView("t", "idle", None, Statistics(5, 0, 1000, 0, 0, 0, 0), None)
    store = HistoryStore.open(tmp_path / "h.sqlite3")
    extract = SnapshotRecorder(store.series_ids)  # as the recorder: points named by series id
    for minute in range(60):
        busy = NamespaceView("t", "busy", None, Statistics(minute, 0, 4096 * minute, 0, 0, 0, 0), None)
        store.write(*extract.extract(snap(T0 + 60 * minute, busy)))
    idle_times = [t for t, _, _ in store.points(("ns", "hcp1", "t/idle", "used_bytes"), T0, T0 + 3600, TIERS[0])]
    assert idle_times[0] == T0 and len(idle_times) >= 3
    assert all(HEARTBEAT_S <= b - a <= 2 * HEARTBEAT_S for a, b in zip(idle_times, idle_times[1:]))
    assert len(store.points(("ns", "hcp1", "t/busy", "used_bytes"), T0, T0 + 3600, TIERS[0])) == 60


def test_a_file_from_before_loses_the_raw_index_that_made_writes_slow(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE INDEX raw_by_series ON raw(series, t)")
    store = HistoryStore.open(path)
    indices = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    store.close()
    assert "raw_by_series" not in indices and "minute_by_series" in indices
