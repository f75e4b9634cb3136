"""Benchmark the history file; prints figures, each with a baseline measured in the same run.

    .venv/bin/python tests/benchmarks/bench_history.py [--namespaces 10000] [--days 30]
        [--only write|size|rss] [--trace]

1. Write cost per poll with N namespaces with activity, as the writer thread pays it
   (extract + commit): 5% of the namespaces changed per poll (the poller keeps unchanged
   views; unchanged values are rewritten every 10 to 20 min) and every value changed; each
   against the old way (keys built per point, an index on the raw points by series),
   written in turn in the same run, and the all-changed case against the floor: the same
   rows inserted with one executemany into a bare table. Also the once-a-minute
   maintenance and the event loop's share (a queue put).
2. File size after D simulated days of the demo-scale systems (2 systems x 4 nodes,
   2 links each, 12 namespaces each) at the default intervals (probes 5 s, links 10 s,
   statistics 60 s), values moving every poll; against the size after one hour.
3. Replay open time for 24 h of that recording (open, cursor snapshot, rings), against
   opening the file and counting its series.
4. RSS of the dashboard (headless, a fresh process each) showing N namespaces: at start,
   with the last hour of history restored from the file, and after 24 h, with the rings as
   a day of polling leaves them (now and as they were), both recording; against the same
   dashboard without history, in turn, ``--rounds`` times; ``--trace`` adds the lines
   that allocate most (tracemalloc snapshot diff).
Goals: write < 20 ms per poll, replay open <= 1 s, RSS <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))

from fakes import NOW, FakeMonitor, activity, make_config, namespace_view, snapshot  # noqa: E402

from hcpdash.monitor.history_points import ACTIVITY_METRICS, SnapshotRecorder  # noqa: E402
from hcpdash.monitor.history_store import HEARTBEAT_S, HistoryStore, connect  # noqa: E402
from hcpdash.monitor.recorder import HistoryRecorder  # noqa: E402
from hcpdash.monitor.snapshot import Reading, SystemSnapshot, TenantView  # noqa: E402

MIB = 2**20


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / MIB


def tenants(count: int, step: int, per_tenant: int = 100) -> tuple[TenantView, ...]:
    return tuple(TenantView(f"tenant-{t:03d}", None, None, tuple(
        namespace_view(f"tenant-{t:03d}", f"ns-{n:04d}", 1000 * n + step, n * 1_000_000 + step * 4096, 100,
                       busy=activity(n % 7 + step / 100, n % 5))
        for n in range(per_tenant))) for t in range(max(1, count // per_tenant)))


def five_percent_changed(after: TenantView, i: int) -> TenantView:
    """The tenant with every twentieth namespace moved on; the others keep their view, as the poller does."""
    return TenantView(after.name, None, None, tuple(
        namespace_view(after.name, ns.name, ns.statistics.object_count + 1, ns.statistics.storage_capacity_used + 4096,
                       100, busy=activity(1 + i / 100, 2)) if (j + i) % 20 == 0 else ns
        for j, ns in enumerate(after.namespaces)))


class OldStore(HistoryStore):
    """The write path as it was before, for a baseline in the same run: the last (time, value) of a series as
    one tuple, and a second index on the raw points, by series."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db)
        self._last_points: dict[int, tuple[float, float]] = {}
        db.execute("CREATE INDEX IF NOT EXISTS raw_by_series ON raw(series, t)")

    def write(self, points=(), states=(), events=()):  # type: ignore[no-untyped-def]
        rows = []
        ids, latest = self._ids, self._last_points
        with self.db:
            for key, t, value in points:
                series = ids.get(key) or self._series_id(key)
                last = latest.get(series)
                if last is not None and last[1] == value and t - last[0] < HEARTBEAT_S * (1 + (series % 8) / 8):
                    continue
                if last is not None and t <= last[0]:
                    continue
                latest[series] = (t, value)
                rows.append((t, series, value, value))
            self.db.executemany("INSERT OR REPLACE INTO raw VALUES (?, ?, ?, ?)", rows)
        return len(rows)


def old_extract() -> Callable[[SystemSnapshot], tuple[list, list]]:
    """The namespace part of the extraction as it was before: series keys built anew for every point."""
    seen: dict[tuple[str, str, str], tuple[object, float]] = {}

    def extract(snap: SystemSnapshot) -> tuple[list, list]:
        points: list = []
        t = snap.tenants.updated_at
        for tenant in snap.tenants.value or ():
            for ns in tenant.namespaces:
                key = ("ns", snap.name, ns.key)
                last = seen.get(key)
                if last is not None and last[0] is ns and t - last[1] < HEARTBEAT_S / 2:
                    continue
                seen[key] = (ns, t)
                points += [((*key, "used_bytes"), t, ns.statistics.storage_capacity_used),
                           ((*key, "objects"), t, ns.statistics.object_count)]
                if ns.hard_quota_bytes:
                    points.append(((*key, "hard_quota_bytes"), t, ns.hard_quota_bytes))
                if (rate := ns.activity) is not None:
                    points += [((*key, "bytes_in_per_s"), t, rate.bytes_in_per_s),
                               ((*key, "bytes_out_per_s"), t, rate.bytes_out_per_s),
                               ((*key, "operations_per_s"), t, rate.reads_per_s + rate.writes_per_s
                                + rate.deletes_per_s)]
        return points, []
    return extract


def three_activity_extract(series_ids: Callable) -> Callable[[SystemSnapshot], tuple[list, list]]:
    """The namespace part of the extraction before each kind of operation had its series: three activity series
    (bytes in, bytes out, all operations), ids found once per namespace, unchanged views held back half to one
    heartbeat (so that about half of those handed over were skipped as unchanged)."""
    metrics = ("used_bytes", "objects", "hard_quota_bytes", "bytes_in_per_s", "bytes_out_per_s", "operations_per_s")
    seen: dict[tuple[str, str], list] = {}

    def extract(snap: SystemSnapshot) -> tuple[list, list]:
        points: list = []
        t = snap.tenants.updated_at
        for tenant in snap.tenants.value or ():
            for ns in tenant.namespaces:
                last = seen.get((snap.name, ns.key))
                if last is not None and last[0] is ns and t - last[1] < last[2]:
                    continue
                if last is None:
                    resend_after = HEARTBEAT_S * (1 + zlib.crc32(ns.key.encode()) % 64 / 64) / 2
                    last = seen[(snap.name, ns.key)] = [None, 0.0, resend_after,
                                                        series_ids([("ns", snap.name, ns.key, m) for m in metrics])]
                last[0], last[1] = ns, t
                keys = last[3]
                points += [(keys[0], t, ns.statistics.storage_capacity_used), (keys[1], t, ns.statistics.object_count)]
                if ns.hard_quota_bytes:
                    points.append((keys[2], t, ns.hard_quota_bytes))
                if (rate := ns.activity) is not None:
                    points += [(keys[3], t, rate.bytes_in_per_s), (keys[4], t, rate.bytes_out_per_s),
                               (keys[5], t, rate.reads_per_s + rate.writes_per_s + rate.deletes_per_s)]
        return points, []
    return extract


def timed_writes(ways: list[tuple[HistoryStore, Callable[[SystemSnapshot], tuple[list, list]]]],
                 snaps: list[SystemSnapshot]) -> list[tuple[list[float], int, list[float]]]:
    """Each poll written each way in turn (then the once-a-minute maintenance, timed apart), so that both
    ways meet the same load on a shared machine."""
    found: list[tuple[list[float], int, list[float]]] = [([], 0, []) for _ in ways]
    for snap in snaps:
        for i, (store, extract) in enumerate(ways):
            costs, rows, upkeep = found[i]
            started = time.perf_counter()
            rows += store.write(*extract(snap))
            costs.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.maintain(snap.tenants.updated_at + 1)
            upkeep.append(time.perf_counter() - started)
            found[i] = (costs, rows, upkeep)
    return found


def write_cost(directory: Path, count: int, polls: int = 10) -> None:
    snaps = [snapshot("hcp1", tenants=Reading(tenants(count, i), NOW + 60 * i, interval=60.0)) for i in range(polls + 1)]
    steady = [snaps[-1]]
    for i in range(3 * polls):  # long enough that unchanged values are rewritten (every 10 to 20 min)
        steady.append(snapshot("hcp1", tenants=Reading(tuple(five_percent_changed(t, i) for t in steady[-1].tenants.value),
                                                       NOW + 60 * (polls + 1 + i), interval=60.0)))
    store = HistoryStore.open(directory / "write.sqlite3")
    before = HistoryStore.open(directory / "before.sqlite3")
    ways = [(OldStore(connect(directory / "old.sqlite3")), old_extract()),
            (before, three_activity_extract(before.series_ids)),
            (store, SnapshotRecorder(store.series_ids).extract)]
    timed_writes(ways, snaps[:1])  # series ids exist from here on, as after the first poll
    (old_costs, _, _), (three_costs, three_rows, _), (costs, rows, _) = timed_writes(ways, snaps[1:])
    ((old_steady_costs, _, old_upkeep), (three_steady_costs, three_steady_rows, _),
     (steady_costs, steady_rows, upkeep)) = timed_writes(ways, steady[1:])
    for store, _extract in ways:
        store.close()
    bare = sqlite3.connect(directory / "bare.sqlite3")
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = NORMAL")  # as the history file: no fsync per commit
    bare.execute("CREATE TABLE points(t REAL, series INTEGER, value REAL)")
    floor = []
    per_poll = rows // polls
    for i in range(polls):
        started = time.perf_counter()
        with bare:
            bare.executemany("INSERT INTO points VALUES (?, ?, ?)", ((NOW + i, s, float(s)) for s in range(per_poll)))
        floor.append(time.perf_counter() - started)
    recorder = HistoryRecorder(directory / "queue.sqlite3")
    started = time.perf_counter()
    for snap in snaps:
        recorder.submit_snapshot(snap)
    put = (time.perf_counter() - started) / len(snaps)

    def ms(values: list[float]) -> float:
        return sum(values) / len(values) * 1000

    print(f"1. write per poll on the writer thread (extract + commit), {count:,} namespaces with activity:")
    print(f"   5% of the namespaces changed, {3 * polls} polls ({steady_rows // (3 * polls):,} points written, "
          f"unchanged ones included): {ms(steady_costs):.1f} ms "
          f"(max {max(steady_costs) * 1000:.1f} ms); the old way {ms(old_steady_costs):.1f} ms; "
          f"ratio {ms(steady_costs) / ms(old_steady_costs):.2f}x")
    print(f"   the same with three activity series per namespace, as before each kind of operation had its own "
          f"({three_steady_rows // (3 * polls):,} points written): {ms(three_steady_costs):.1f} ms "
          f"(max {max(three_steady_costs) * 1000:.1f} ms); ratio now to then {ms(steady_costs) / ms(three_steady_costs):.2f}x")
    print(f"   all changed, {polls} polls ({per_poll:,} points written): {ms(costs):.1f} ms (max {max(costs) * 1000:.1f} ms); "
          f"the old way {ms(old_costs):.1f} ms; ratio {ms(costs) / ms(old_costs):.2f}x; "
          f"bare executemany of the same rows {ms(floor):.1f} ms, ratio {ms(costs) / ms(floor):.1f}x; "
          f"with three activity series ({three_rows // polls:,} points) {ms(three_costs):.1f} ms")
    print(f"   maintenance once a minute (roll-up, retention) in the 5% case: {ms(upkeep):.1f} ms; the old way "
          f"{ms(old_upkeep):.1f} ms; ratio {ms(upkeep) / ms(old_upkeep):.2f}x")
    print(f"   event loop share {put * 1e6:.1f} µs per snapshot")


ACTIVITY_BEFORE = ("bytes_in_per_s", "bytes_out_per_s", "operations_per_s")


def simulate(store: HistoryStore, start: float, minutes: int, rng: random.Random,
             activity: tuple[str, ...] = ACTIVITY_METRICS) -> None:
    """Demo scale at default intervals, one write per poll batch, maintenance once a minute; every namespace
    busy (its ``activity`` series moving)."""
    for minute in range(minutes):
        base = start + minute * 60
        points = []
        for system in ("hcp1", "hcp2"):
            for s in range(0, 60, 5):
                points += [(("node", system, f"10.0.0.{n}", "latency_ms"), base + s, rng.uniform(5, 50))
                           for n in range(4)]
            for s in range(0, 60, 10):
                for link in ("AA-1", "AP-1"):
                    points += [(("link", system, link, metric), base + s, rng.uniform(0, 1e9))
                               for metric in ("bytes_pending", "objects_pending", "bytes_per_second", "lag_s")]
            for n in range(12):
                points += [(("ns", system, f"t{n // 4}/ns{n}", "used_bytes"), base, 1e9 + minute * 1e4 + n),
                           (("ns", system, f"t{n // 4}/ns{n}", "objects"), base, 1e5 + minute + n),
                           (("ns", system, f"t{n // 4}/ns{n}", "hard_quota_bytes"), base, 1e12)]
                points += [(("ns", system, f"t{n // 4}/ns{n}", metric), base, float(rng.randrange(100)))
                           for metric in activity]
        states = [(("node", system, f"10.0.0.{n}", "state"), base, '{"pool":"healthy","probe":"up"}')
                  for system in ("hcp1", "hcp2") for n in range(4)]
        states += [(("link", system, link, "state"), base, '{"status":"GOOD","type":"ACTIVE_ACTIVE"}')
                   for system in ("hcp1", "hcp2") for link in ("AA-1", "AP-1")]
        store.write(sorted(points, key=lambda p: p[1]), states)
        store.maintain(base + 60)


def size_and_replay(directory: Path, days: int) -> None:
    from hcpdash.monitor.replay import ReplayMonitor
    from hcpdash.replay import replay_config

    start = 1_760_000_400.0
    sizes = {}
    for activity in (ACTIVITY_BEFORE, ACTIVITY_METRICS):
        rng = random.Random(7)
        path = directory / f"month-{len(activity)}.sqlite3"
        store = HistoryStore.open(path)
        began = time.perf_counter()
        simulate(store, start, 60, rng, activity)
        hour = store.used_bytes()
        simulate(store, start + 3600, days * 1440 - 60, rng, activity)
        took = time.perf_counter() - began
        sizes[len(activity)] = size = store.used_bytes()
        store.close()
        print(f"2. size after {days} simulated days (demo scale, default intervals, {len(activity)} activity series "
              f"per namespace): {size / MIB:.1f} MiB (file {path.stat().st_size / MIB:.1f} MiB); after the first hour "
              f"{hour / MIB:.2f} MiB; ratio {size / hour:.1f}x; simulated in {took:.0f} s")
    print(f"   five activity series against three (as before): ratio {sizes[5] / sizes[3]:.2f}x")
    end = start + days * 86400
    began = time.perf_counter()
    store = HistoryStore.open(path, read_only=True)
    store.db.execute("SELECT count(*) FROM series").fetchone()
    base = time.perf_counter() - began
    store.close()
    began = time.perf_counter()
    store = HistoryStore.open(path, read_only=True)
    monitor = ReplayMonitor(store, replay_config(None, store.systems()), end - 86400, end, cursor=end - 43200)
    opened = time.perf_counter() - began
    nodes = len(monitor.snapshots()["hcp1"].nodes.value or ())
    store.close()
    print(f"3. replay open for 24 h (cursor mid-range, {nodes} nodes shown): {opened * 1000:.0f} ms; "
          f"open + count series {base * 1000:.1f} ms; ratio {opened / base:.0f}x")


def record_hour(path: Path, count: int) -> None:
    """An hour of N namespaces' statistics at the default 60 s interval, every value moving."""
    store = HistoryStore.open(path)
    extract = SnapshotRecorder(store.series_ids)
    for minute in range(61):
        store.write(*extract.extract(snapshot("hcp1", tenants=Reading(tenants(count, minute), NOW - 3600 + 60 * minute,
                                                                       interval=60.0))))
    store.close()


class ObjectRing:
    """A namespace ring as it was before the rings of a kind shared a bank: an object and two arrays per series."""

    __slots__ = ("_times", "_values", "_next", "_size", "capacity", "spacing_s")

    def __init__(self, capacity: int, spacing_s: float = 0.0) -> None:
        self.capacity, self.spacing_s = capacity, spacing_s
        self._times, self._values = array("d"), array("d")
        self._next = self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, t: float, value: float) -> None:
        if self._size >= 2 and self.spacing_s:
            newest, before = (self._next - 1) % self.capacity, (self._next - 2) % self.capacity
            if self._times[newest] - self._times[before] < self.spacing_s:
                self._times[newest], self._values[newest] = t, value
                return
        if self._size < self.capacity:
            self._times.append(t)
            self._values.append(value)
        else:
            self._times[self._next], self._values[self._next] = t, value
        self._next = (self._next + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def _order(self) -> list[int]:
        start = (self._next - self._size) % self.capacity
        return [(start + i) % self.capacity for i in range(self._size)]

    def values(self) -> list[float]:
        return [self._values[i] for i in self._order()]

    def points(self) -> list[tuple[float, float]]:
        return [(self._times[i], self._values[i]) for i in self._order()]

    def rate(self) -> float | None:
        if self._size < 2:
            return None
        first, last = self._order()[0], (self._next - 1) % self.capacity
        t0, v0, t1, v1 = self._times[first], self._values[first], self._times[last], self._values[last]
        return (v1 - v0) / (t1 - t0) if t1 > t0 else None


class ObjectHistory:
    """History as it was: one :class:`ObjectRing` per series, namespace rings 72 points 10 minutes apart."""

    def __init__(self, capacity: int, shapes: dict[str, tuple[int, float]]) -> None:
        self.capacity, self.shapes = capacity, shapes
        self._series: dict[object, ObjectRing] = {}

    def record(self, key: tuple, t: float, value: float) -> None:
        ring = self._series.get(key)
        if ring is None:
            shape = self.shapes.get(key[0])
            ring = self._series[key] = ObjectRing(*shape) if shape else ObjectRing(self.capacity)
        ring.append(t, value)

    def get(self, key: object) -> ObjectRing | None:
        return self._series.get(key)

    def values(self, key: object) -> list[float]:
        ring = self._series.get(key)
        return ring.values() if ring else []

    def __len__(self) -> int:
        return len(self._series)


RSS_MODES = {
    "none": "without history",
    "restored": "at start: the last hour restored from the file, recording",
    "day": "after 24 h: recording, the rings as a day of polling leaves them",
    "day-before": "the same, rings as before (an object and two arrays per series, namespaces 72 points 10 min apart)",
}


async def dashboard_rss(count: int, mode: str, history: Path, trace: bool) -> None:
    """Child process: the dashboard showing N namespaces with the history of ``mode``; prints rows, series
    and RSS, then with ``trace`` the lines that allocated most after the snapshot was published."""
    from hcpdash.monitor.history import History
    from hcpdash.monitor.service import HISTORY_POINTS, NAMESPACE_RING
    from hcpdash.tui.app import HcpDashApp
    from hcpdash.tui.panes.namespaces import NamespacesPane

    if trace:
        tracemalloc.start()
    config = make_config()
    monitor = FakeMonitor(config)
    monitor.history = (ObjectHistory(HISTORY_POINTS, {"ns": (72, 600.0)}) if mode == "day-before"  # type: ignore[assignment]
                       else History(HISTORY_POINTS, {"ns": NAMESPACE_RING}))
    views = tenants(count, 60)
    monitor.publish(snapshot("hcp1", tenants=Reading(views, NOW, interval=60.0)))
    before = tracemalloc.take_snapshot() if trace else None
    recorder = HistoryRecorder(history, clock=lambda: NOW)
    if mode != "none":  # as the dashboard runs: the file open, the writer recording what it shows
        recorder.open()
        if mode == "restored":
            recorder.restore(monitor.history, monitor.events)  # type: ignore[arg-type]
        else:  # a day of statistics polls since the start, every namespace growing
            keys = [(("ns", "hcp1", ns.key, "used_bytes"), ns.statistics.storage_capacity_used)
                    for tenant in views for ns in tenant.namespaces]
            for minute in range(1440):
                for key, used in keys:
                    monitor.history.record(key, NOW - 86400 + 60 * minute, used + minute * 4096)
        recorder.start()
        recorder.submit_snapshot(monitor.snapshots()["hcp1"])
        recorder.flush()
    app = HcpDashApp(monitor, config, clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        print(app.query_one(NamespacesPane).table.row_count, len(monitor.history), f"{rss_mib():.1f}")
        if before is not None:
            for stat in tracemalloc.take_snapshot().compare_to(before, "lineno")[:12]:
                frame = stat.traceback[0]
                print(f"{stat.size_diff / MIB:7.2f} MiB {stat.count_diff:8,} objects  {frame.filename}:{frame.lineno}")
    recorder.close()


def rss_comparison(directory: Path, count: int, trace: bool, rounds: int, baseline: Path | None) -> None:
    """Each mode in a fresh process, the modes (and with ``baseline``, the same modes run by that checkout of
    hcpdash, e.g. ``git archive main | tar -x -C DIR``) taken in turn, ``rounds`` times."""
    path = directory / "rss.sqlite3"
    record_hour(path, count)
    trees: list[tuple[str, Path, dict[str, str] | None]] = [("", Path(__file__), None)]
    if baseline is not None:
        trees.append((f"baseline {baseline.name}: ", baseline / "tests" / "benchmarks" / "bench_history.py",
                      {**os.environ, "PYTHONPATH": str(baseline)}))
    figures: dict[tuple[str, str], list[float]] = {}
    shown: dict[tuple[str, str], tuple[int, int]] = {}
    print(f"4. dashboard RSS showing {count:,} namespaces, each process fresh, the modes taken in turn, "
          f"{rounds} rounds (median, range); only the last hour of the file is read back at start:")
    for _ in range(rounds):
        for mode in RSS_MODES:
            for tree, script, env in trees:
                out = subprocess.run([sys.executable, str(script), "--rss-child", mode, str(path), "--namespaces",
                                      str(count)], check=True, capture_output=True, text=True, env=env).stdout
                rows, series, rss = out.split()
                figures.setdefault((tree, mode), []).append(float(rss))
                shown[(tree, mode)] = (int(rows), int(series))
    for tree, _script, _env in trees:
        none = statistics.median(figures[(tree, "none")])
        for mode, label in RSS_MODES.items():
            found = figures[(tree, mode)]
            median = statistics.median(found)
            extra = "" if mode == "none" else f"; history {median - none:+.1f} MiB over without"
            print(f"   {tree}{label}: {median:.1f} MiB = {median * MIB / 1e6:.1f} MB (range {min(found):.1f}-"
                  f"{max(found):.1f}; {shown[(tree, mode)][0]:,} rows, {shown[(tree, mode)][1]:,} series{extra})")
    for mode in ("restored", "day", "day-before") if trace else ():
        out = subprocess.run([sys.executable, __file__, "--rss-child", mode, str(path), "--namespaces", str(count),
                              "--trace"], check=True, capture_output=True, text=True).stdout
        print(f"   allocated after the snapshot was published, {RSS_MODES[mode]} (tracemalloc, by line):")
        print("\n".join(f"      {line}" for line in out.splitlines()[1:]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--namespaces", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--only", choices=("write", "size", "rss"), help="run one part")
    parser.add_argument("--trace", action="store_true", help="with the RSS: the lines that allocate most (tracemalloc)")
    parser.add_argument("--rounds", type=int, default=3, help="RSS rounds, the modes in turn")
    parser.add_argument("--baseline", type=Path, help="RSS also as this checkout of hcpdash measures it, in turn")
    parser.add_argument("--rss-child", nargs=2, metavar=("MODE", "HISTORY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        asyncio.run(dashboard_rss(args.namespaces, args.rss_child[0], Path(args.rss_child[1]), args.trace))
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if args.only in (None, "write"):
            write_cost(directory, args.namespaces)
        if args.only in (None, "size"):
            size_and_replay(directory, args.days)
        if args.only in (None, "rss"):
            rss_comparison(directory, args.namespaces, args.trace, args.rounds, args.baseline)


if __name__ == "__main__":
    main()
