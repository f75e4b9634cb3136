"""Benchmark the dashboard with 10,000 namespaces; prints figures in ms (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_tui.py [--namespaces 10000] [--presses 200]

Measures, headless (App.run_test) on the fake monitor:
- first load: applying a snapshot of N namespaces to the namespaces pane (diff + DataTable
  rows), then until the screen has been refreshed (pilot.pause);
- update: a snapshot in which 5% of the namespaces have new statistics;
- key press → screen update: a "down" key sent through the driver as a terminal would,
  until the screen's compositor has painted the moved cursor (p50/p95/max over
  --presses), on the 10,000-row table and, for comparison, on the 8-row nodes table.
Targets: update ≤ 100 ms, key press p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from pathlib import Path

from textual import events

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))

from fakes import GB, NOW, FakeMonitor, clock, make_config, namespace_view, snapshot  # noqa: E402

from hcpdash.monitor.snapshot import Reading, TenantView  # noqa: E402
from hcpdash.tui.app import HcpDashApp  # noqa: E402
from hcpdash.tui.panes.namespaces import NamespacesPane  # noqa: E402


def tenants(count: int, per_tenant: int = 200, changed_every: int = 0) -> tuple[TenantView, ...]:
    result = []
    for t in range(max(1, count // per_tenant)):
        views = []
        for n in range(per_tenant):
            bump = 1 if changed_every and (t * per_tenant + n) % changed_every == 0 else 0
            views.append(namespace_view(f"tenant-{t:03d}", f"ns-{n:04d}", 1000 * n + bump * 7,
                                        (n + bump) * GB // 3, 100 + n))
        result.append(TenantView(f"tenant-{t:03d}", None, None, tuple(views)))
    return tuple(result)


def reuse_unchanged(new: tuple[TenantView, ...], old: tuple[TenantView, ...]) -> tuple[TenantView, ...]:
    """What a poller does: keep the old objects for namespaces whose data did not change."""
    result = []
    for new_tenant, old_tenant in zip(new, old, strict=True):
        views = tuple(o if (n.statistics == o.statistics and n.namespace == o.namespace) else n
                      for n, o in zip(new_tenant.namespaces, old_tenant.namespaces, strict=True))
        result.append(dataclasses.replace(new_tenant, namespaces=views))
    return tuple(result)


async def run(count: int, presses: int) -> None:
    config = make_config()
    monitor = FakeMonitor(config)
    app = HcpDashApp(monitor, config, clock=clock)
    first = tenants(count)
    second = reuse_unchanged(tenants(count, changed_every=20), first)
    changed = sum(1 for a, b in zip(first, second, strict=True) for x, y in zip(a.namespaces, b.namespaces, strict=True)
                  if x is not y)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        pane = app.query_one(NamespacesPane)

        async def apply(tenant_views: tuple[TenantView, ...]) -> tuple[float, float]:
            snap = snapshot("hcp1", tenants=Reading(tenant_views, NOW - 20, interval=60.0))
            app.snapshots["hcp1"] = snap
            start = time.perf_counter()
            pane.render_snapshots(app.snapshots, NOW)
            applied = time.perf_counter()
            await pilot.pause()
            return (applied - start) * 1000, (time.perf_counter() - start) * 1000

        load = await apply(first)
        print(f"rows in table: {pane.table.row_count:,}")
        print(f"first load of {count:,} namespaces: apply {load[0]:.0f} ms, until screen updated {load[1]:.0f} ms")
        update = await apply(second)
        print(f"update with {changed:,} changed ({100 * changed / count:.0f}%): apply {update[0]:.0f} ms, "
              f"until screen updated {update[1]:.0f} ms")
        same = await apply(second)
        print(f"snapshot with nothing changed: apply {same[0]:.1f} ms")
        pane.table.sort_by("used", reverse=True)
        await pilot.pause()
        resort = await apply(reuse_unchanged(tenants(count, changed_every=7), second))
        print(f"update with 14% changed while sorted by Used: apply {resort[0]:.0f} ms, "
              f"until screen updated {resort[1]:.0f} ms")

        async def key_latency(where: str) -> None:
            latencies = []
            screen = app.screen
            painted = asyncio.Event()
            paint = screen._compositor_refresh

            def paint_and_signal() -> None:
                paint()
                painted.set()

            screen._compositor_refresh = paint_and_signal  # type: ignore[method-assign]
            for _ in range(presses):
                await pilot.pause()
                painted.clear()
                start = time.perf_counter()
                key = events.Key("down", None)
                key.set_sender(app)
                app._driver.send_message(key)  # type: ignore[union-attr]
                await asyncio.wait_for(painted.wait(), 5)
                latencies.append((time.perf_counter() - start) * 1000)
            screen._compositor_refresh = paint  # type: ignore[method-assign]
            latencies.sort()
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            print(f"key press → screen updated, {where}, {presses} presses: "
                  f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")

        await key_latency(f"namespaces table ({pane.table.row_count:,} rows)")
        await pilot.press("1")
        await key_latency("nodes table (8 rows)")
        await pilot.press("2")
        filter_start = time.perf_counter()
        pane.table.set_filter("ns-00[0-4]")
        await pilot.pause()
        print(f"filter to {pane.table.row_count:,} rows: {(time.perf_counter() - filter_start) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.namespaces, args.presses))


if __name__ == "__main__":
    main()
