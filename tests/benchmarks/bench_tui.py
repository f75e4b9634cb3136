"""Benchmark the namespaces table at 10,000 and 100,000 rows against an 8-row one in the same run
(not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_tui.py [--namespaces 10000 100000] [--presses 200]
        [--repeat 3] [--profile]

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

With --repeat N every size is measured N times, interleaved, and each figure is printed as
the median with the range; ratios are of medians. --profile prints where the time of each
timed change went (cProfile) at the largest size, in the first round.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import io
import pstats
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

    async def time(self, change: Callable[[], object], profile: cProfile.Profile | None = None) -> float:
        await self.settle()
        self.painted.clear()
        if profile is not None:
            profile.enable()
        self.started = time.perf_counter()
        change()
        await asyncio.wait_for(self.painted.wait(), PAINT_TIMEOUT_S)
        elapsed = (time.perf_counter() - self.started) * 1000
        if profile is not None:
            profile.disable()
        return elapsed


async def measure(count: int, presses: int, profiles: dict[str, cProfile.Profile] | None = None) -> dict[str, float]:
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

        def profile(name: str) -> cProfile.Profile | None:
            return None if profiles is None else profiles.setdefault(name, cProfile.Profile())

        def apply(tenant_views: tuple[TenantView, ...]) -> Callable[[], None]:
            def change() -> None:
                app.snapshots["hcp1"] = snapshot("hcp1", tenants=Reading(tenant_views, NOW - 20, interval=60.0))
                pane.render_snapshots(app.snapshots, NOW)
            return change

        figures["first load"] = await clock_.time(apply(first), profile("first load"))
        await clock_.settle()
        figures["all rows rendered"] = (time.perf_counter() - clock_.started) * 1000
        figures["rows"] = pane.table.row_count
        figures["5% update"] = await clock_.time(apply(second), profile("5% update"))
        await clock_.time(lambda: pane.table.sort_by("used", reverse=True))
        figures["sorted 14% update"] = await clock_.time(apply(third), profile("sorted 14% update"))

        def press() -> None:
            table = pane.table
            key = "up" if table.cursor_row >= table.row_count - 1 else "down"
            app.post_message(events.Key(key, None))

        latencies = sorted([await clock_.time(press, profile("key press")) for _ in range(presses)])
        figures["key p50"] = statistics.median(latencies)
        figures["key p95"] = latencies[int(0.95 * (len(latencies) - 1))]
        figures["key max"] = latencies[-1]
        figures["filter"] = await clock_.time(lambda: pane.table.set_filter("ns-00[0-4]"), profile("filter"))
        figures["filtered rows"] = pane.table.row_count
    return figures


GOALS = {"first load": 300, "5% update": 50, "sorted 14% update": 100, "filter": 100, "key p95": 16}
FIGURES = ("first load", "all rows rendered", "5% update", "sorted 14% update", "filter", "key p50", "key p95",
           "key max")


def summary(values: list[float]) -> str:
    """The median, and the range when there are several values."""
    median = statistics.median(values)
    return f"{median:.1f}" if len(values) == 1 else f"{median:.1f} ({min(values):.0f}–{max(values):.0f})"


async def run(sizes: list[int], presses: int, repeat: int, profile: bool) -> None:
    counts = [BASELINE_ROWS, *sizes]
    runs: dict[int, list[dict[str, float]]] = {count: [] for count in counts}
    profiles: dict[str, cProfile.Profile] = {}
    for round_ in range(repeat):
        for count in counts:
            wanted = profile and round_ == 0 and count == counts[-1]
            runs[count].append(await measure(count, presses, profiles if wanted else None))
    width = 18 if repeat == 1 else 26
    print(f"{'ms until painted':<20}" + "".join(f"{f'{count:,} rows':>{width}}" + ("" if count == BASELINE_ROWS
                                                                                   else "  ratio")
                                              for count in counts) + "   goal at 10,000")
    for name in FIGURES:
        baseline = statistics.median(figures[name] for figures in runs[BASELINE_ROWS])
        line = f"{name:<20}"
        for count in counts:
            values = [figures[name] for figures in runs[count]]
            line += f"{summary(values):>{width}}"
            if count != BASELINE_ROWS:
                line += f"{statistics.median(values) / baseline:>6.1f}×"
        goal = GOALS.get(name)
        print(line + (f"   ≤ {goal} ms" if goal else ""))
    print("rows shown: " + ", ".join(f"{int(runs[count][0]['rows']):,} (filtered {int(runs[count][0]['filtered rows']):,})"
                                     for count in counts) + f"; {repeat} round(s), {presses} key presses each")
    for name, stats in profiles.items():
        out = io.StringIO()
        pstats.Stats(stats, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\n--- where the time went at {counts[-1]:,} rows: {name} ---\n{out.getvalue()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures become medians with their range")
    parser.add_argument("--profile", action="store_true", help="cProfile each timed change at the largest size")
    args = parser.parse_args()
    asyncio.run(run(args.namespaces, args.presses, args.repeat, args.profile))


if __name__ == "__main__":
    main()
