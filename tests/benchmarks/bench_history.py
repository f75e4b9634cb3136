"""Benchmark the history file; prints figures, each with a baseline measured in the same run.

    .venv/bin/python tests/benchmarks/bench_history.py [--namespaces 10000] [--days 30]

1. Write cost per poll with N namespaces (every value changed, the worst case; then 5%
   changed), as the writer thread pays it (extract + commit), against the floor: the same
   rows inserted with one executemany into a bare table (WAL, no fsync per commit, as the
   history file). Also the event loop's share (a queue put).
2. File size after D simulated days of the demo-scale systems (2 systems x 4 nodes,
   2 links each, 12 namespaces each) at the default intervals (probes 5 s, links 10 s,
   statistics 60 s), values moving every poll; against the size after one hour.
3. Replay open time for 24 h of that recording (open, cursor snapshot, rings), against
   opening the file and counting its series.
4. RSS of the dashboard (headless, a fresh process) showing N namespaces with the last
   hour of their history restored from the file (older tiers stay on disk), against the
   same dashboard without history.
Goals: write < 20 ms per poll, replay open <= 1 s, RSS <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))

from fakes import NOW, FakeMonitor, make_config, namespace_view, snapshot  # noqa: E402

from hcpdash.monitor.history_points import SnapshotRecorder  # noqa: E402
from hcpdash.monitor.history_store import HistoryStore  # noqa: E402
from hcpdash.monitor.recorder import HistoryRecorder  # noqa: E402
from hcpdash.monitor.snapshot import Reading, TenantView  # noqa: E402

MIB = 2**20


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / MIB


def tenants(count: int, step: int, per_tenant: int = 100) -> tuple[TenantView, ...]:
    return tuple(TenantView(f"tenant-{t:03d}", None, None, tuple(
        namespace_view(f"tenant-{t:03d}", f"ns-{n:04d}", 1000 * n + step, n * 1_000_000 + step * 4096, 100)
        for n in range(per_tenant))) for t in range(max(1, count // per_tenant)))


def write_cost(directory: Path, count: int, polls: int = 10) -> None:
    store = HistoryStore.open(directory / "write.sqlite3")
    extract = SnapshotRecorder()
    snaps = [snapshot("hcp1", tenants=Reading(tenants(count, i), NOW + 60 * i, interval=60.0)) for i in range(polls + 1)]
    store.write(*extract.extract(snaps[0]))  # series ids exist from here on, as after the first poll
    costs, rows = [], 0
    for snap in snaps[1:]:
        started = time.perf_counter()
        points, states = extract.extract(snap)
        rows += store.write(points, states)
        costs.append(time.perf_counter() - started)
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
    steady = [snaps[-1]]
    for i in range(polls):
        before = steady[-1].tenants.value
        changed = tuple(TenantView(t.name, None, None, tuple(
            namespace_view(t.name, ns.name, ns.statistics.object_count + 1, ns.statistics.storage_capacity_used + 4096,
                           100) if (j + i) % 20 == 0 else ns for j, ns in enumerate(t.namespaces)))
            for t in before)
        steady.append(snapshot("hcp1", tenants=Reading(changed, NOW + 60 * (polls + 1 + i), interval=60.0)))
    steady_costs, steady_rows = [], 0
    for snap in steady[1:]:
        started = time.perf_counter()
        points, states = extract.extract(snap)
        steady_rows += store.write(points, states)
        steady_costs.append(time.perf_counter() - started)
    recorder = HistoryRecorder(directory / "queue.sqlite3")
    started = time.perf_counter()
    for snap in snaps:
        recorder.submit_snapshot(snap)
    put = (time.perf_counter() - started) / len(snaps)
    mean, base = sum(costs) / polls * 1000, sum(floor) / polls * 1000
    print(f"1. write per poll, {count:,} namespaces ({per_poll:,} points): {mean:.1f} ms on the writer thread "
          f"(max {max(costs) * 1000:.1f} ms); bare executemany of the same rows {base:.1f} ms; ratio {mean / base:.1f}x; "
          f"event loop share {put * 1e6:.1f} µs per snapshot")
    steady_mean = sum(steady_costs) / polls * 1000
    print(f"   with 5% of the namespaces changed per poll (the poller keeps unchanged views; {steady_rows // polls:,} "
          f"points): {steady_mean:.1f} ms (max {max(steady_costs) * 1000:.1f} ms); ratio to the all-changed floor "
          f"{steady_mean / base:.2f}x")
    store.close()


def simulate(store: HistoryStore, start: float, minutes: int, rng: random.Random) -> None:
    """Demo scale at default intervals, one write per poll batch, maintenance once a minute."""
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
        states = [(("node", system, f"10.0.0.{n}", "state"), base, '{"pool":"healthy","probe":"up"}')
                  for system in ("hcp1", "hcp2") for n in range(4)]
        states += [(("link", system, link, "state"), base, '{"status":"GOOD","type":"ACTIVE_ACTIVE"}')
                   for system in ("hcp1", "hcp2") for link in ("AA-1", "AP-1")]
        store.write(sorted(points, key=lambda p: p[1]), states)
        store.maintain(base + 60)


def size_and_replay(directory: Path, days: int) -> None:
    from hcpdash.monitor.replay import ReplayMonitor
    from hcpdash.replay import replay_config

    rng = random.Random(7)
    start = 1_760_000_400.0
    path = directory / "month.sqlite3"
    store = HistoryStore.open(path)
    began = time.perf_counter()
    simulate(store, start, 60, rng)
    hour = store.used_bytes()
    simulate(store, start + 3600, days * 1440 - 60, rng)
    took = time.perf_counter() - began
    size = store.used_bytes()
    store.close()
    print(f"2. size after {days} simulated days (demo scale, default intervals): {size / MIB:.1f} MiB "
          f"(file {path.stat().st_size / MIB:.1f} MiB); after the first hour {hour / MIB:.2f} MiB; "
          f"ratio {size / hour:.1f}x; simulated in {took:.0f} s")
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
    extract = SnapshotRecorder()
    for minute in range(61):
        store.write(*extract.extract(snapshot("hcp1", tenants=Reading(tenants(count, minute), NOW - 3600 + 60 * minute,
                                                                       interval=60.0))))
    store.close()


async def dashboard_rss(count: int, history: Path | None) -> None:
    """Child process: the dashboard showing N namespaces, with or without the history restored; prints RSS."""
    from hcpdash.tui.app import HcpDashApp
    from hcpdash.tui.panes.namespaces import NamespacesPane

    config = make_config()
    monitor = FakeMonitor(config)
    monitor.publish(snapshot("hcp1", tenants=Reading(tenants(count, 60), NOW, interval=60.0)))
    if history is not None:
        recorder = HistoryRecorder(history, clock=lambda: NOW)
        recorder.open()
        recorder.restore(monitor.history, monitor.events)
        recorder.close()
    app = HcpDashApp(monitor, config, clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        print(app.query_one(NamespacesPane).table.row_count, len(monitor.history), f"{rss_mib():.1f}")


def rss_comparison(directory: Path, count: int) -> None:
    path = directory / "rss.sqlite3"
    record_hour(path, count)
    figures = {}
    for label, history in (("without history", "none"), ("with history", str(path))):
        out = subprocess.run([sys.executable, __file__, "--rss-child", history, "--namespaces", str(count)],
                             check=True, capture_output=True, text=True).stdout.split()
        figures[label] = (int(out[0]), int(out[1]), float(out[2]))
    rows, series, rss = figures["with history"]
    base = figures["without history"][2]
    print(f"4. dashboard RSS with {rows:,} namespace rows and the last hour of history restored ({series:,} series, "
          f"each process fresh): {rss:.0f} MiB; the same dashboard without history {base:.0f} MiB; "
          f"ratio {rss / base:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--namespaces", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rss-child", metavar="HISTORY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        asyncio.run(dashboard_rss(args.namespaces, None if args.rss_child == "none" else Path(args.rss_child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_cost(directory, args.namespaces)
        size_and_replay(directory, args.days)
        rss_comparison(directory, args.namespaces)


if __name__ == "__main__":
    main()
