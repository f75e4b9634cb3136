"""Benchmark the namespaces table at 10,000+ rows against an 8-row one in the same run (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_tui.py [--namespaces 10000 100000] [--presses 200]

Headless (App.run_test, 160×50) on the fake monitor. For each size, and first for 8 rows
as the baseline, every figure is the time from the change until the screen's compositor
has painted it:
- first load: a snapshot of N namespaces applied to the namespaces pane; also until every
  row is rendered (the rows off screen are rendered after the first paint, a slice at a time);
- 5% update: a snapshot in which 5% of the namespaces have new statistics;
- sorted 14% update: 14% changed while the table is sorted by Used (descending);
- filter: the regex filter ``ns-00[0-4]`` (a quarter of the rows);
- key press: an up/down key posted to the app, p50 / p95 / max over --presses.
Goals at 10,000 rows: load ≤ 300 ms, 5% update ≤ 50 ms, sorted update ≤ 100 ms,
filter ≤ 100 ms, key press p95 ≤ 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))

from fakes import GB, NOW, FakeMonitor, clock, make_config, namespace_view, snapshot  # noqa: E402

from hcpdash.monitor.snapshot import Reading, TenantView  # noqa: E402
from hcpdash.tui.app import HcpDashApp  # noqa: E402
from hcpdash.tui.panes.namespaces import NamespacesPane  # noqa: E402

BASELINE_ROWS = 8
PAINT_TIMEOUT_S = 30


def tenants(count: int, per_tenant: int = 200, changed_every: int = 0) -> tuple[TenantView, ...]:
    per_tenant = min(per_tenant, count)
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


class PaintClock:
    """Times a change until the screen's compositor has painted (a hook on the screen's refresh)."""

    def __init__(self, pilot: Pilot, table: object) -> None:
        self.pilot = pilot
        self.table = table
        self.started = 0.0
        self.painted = asyncio.Event()
        screen = pilot.app.screen
        paint = screen._compositor_refresh

        def paint_and_signal() -> None:
            paint()
            self.painted.set()

        screen._compositor_refresh = paint_and_signal  # type: ignore[method-assign]

    async def settle(self) -> None:
        """Wait until no row waits to be rendered (the table before this change has none)."""
        for _ in range(PAINT_TIMEOUT_S * 50):
            await self.pilot.pause()
            if not getattr(getattr(self.table, "model", None), "pending", 0):
                return
        raise TimeoutError("rows still pending")

    async def time(self, change: Callable[[], object]) -> float:
        await self.settle()
        self.painted.clear()
        self.started = time.perf_counter()
        change()
        await asyncio.wait_for(self.painted.wait(), PAINT_TIMEOUT_S)
        return (time.perf_counter() - self.started) * 1000


async def measure(count: int, presses: int) -> dict[str, float]:
    config = make_config()
    app = HcpDashApp(FakeMonitor(config), config, clock=clock)
    first = tenants(count)
    second = reuse_unchanged(tenants(count, changed_every=20), first)
    third = reuse_unchanged(tenants(count, changed_every=7), second)
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        pane = app.query_one(NamespacesPane)
        clock_ = PaintClock(pilot, pane.table)

        def apply(tenant_views: tuple[TenantView, ...]) -> Callable[[], None]:
            def change() -> None:
                app.snapshots["hcp1"] = snapshot("hcp1", tenants=Reading(tenant_views, NOW - 20, interval=60.0))
                pane.render_snapshots(app.snapshots, NOW)
            return change

        figures["first load"] = await clock_.time(apply(first))
        await clock_.settle()
        figures["all rows rendered"] = (time.perf_counter() - clock_.started) * 1000
        figures["rows"] = pane.table.row_count
        figures["5% update"] = await clock_.time(apply(second))
        await clock_.time(lambda: pane.table.sort_by("used", reverse=True))
        figures["sorted 14% update"] = await clock_.time(apply(third))

        def press() -> None:
            table = pane.table
            key = "up" if table.cursor_row >= table.row_count - 1 else "down"
            app.post_message(events.Key(key, None))

        latencies = sorted([await clock_.time(press) for _ in range(presses)])
        figures["key p50"] = statistics.median(latencies)
        figures["key p95"] = latencies[int(0.95 * (len(latencies) - 1))]
        figures["key max"] = latencies[-1]
        figures["filter"] = await clock_.time(lambda: pane.table.set_filter("ns-00[0-4]"))
        figures["filtered rows"] = pane.table.row_count
    return figures


GOALS = {"first load": 300, "5% update": 50, "sorted 14% update": 100, "filter": 100, "key p95": 16}


async def run(sizes: list[int], presses: int) -> None:
    baseline = await measure(BASELINE_ROWS, presses)
    print(f"{'ms until painted':<20}{BASELINE_ROWS:>10,} rows" + "".join(f"{n:>12,} rows  ratio" for n in sizes)
          + "   goal at 10,000")
    results = [await measure(n, presses) for n in sizes]
    for name in ("first load", "all rows rendered", "5% update", "sorted 14% update", "filter", "key p50", "key p95", "key max"):
        line = f"{name:<20}{baseline[name]:>15.1f}"
        for figures in results:
            line += f"{figures[name]:>17.1f} {figures[name] / baseline[name]:>5.1f}×"
        goal = GOALS.get(name)
        print(line + (f"   ≤ {goal} ms" if goal else ""))
    print("rows shown: " + ", ".join(f"{int(f['rows']):,} (filtered {int(f['filtered rows']):,})"
                                     for f in (baseline, *results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, nargs="+", default=[10_000])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.namespaces, args.presses))


if __name__ == "__main__":
    main()
