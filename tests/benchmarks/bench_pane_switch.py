"""Benchmark pane switches and the help screen; prints figures in ms (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_pane_switch.py [--namespaces 10000] [--rounds 40]

Headless (App.run_test) on the fake monitor: a key sent through the driver as a
terminal would ("1"-"4" in turn, then "?" and escape), timed until the screen's
compositor has painted the result: the first paint of the screen on top once the
pane shown is the key's, or the help screen is on top (a paint of the dashboard
before ? had taken effect does not count). Run once with the fake monitor's own 10
namespaces (the baseline) and once with --namespaces, in the same process.
Goal: p95 ≤ 50 ms with 10,000 namespaces.

Besides the wall time it prints the CPU time of the process over the same keys (equal
to the wall time when nothing else waits) and the full garbage collections that fell
inside the timed keys, whose pause grows with the objects alive (rendered cells
included), so a spike can be told apart from the dashboard's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual import events

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import tenants  # noqa: E402
from fakes import NOW, FakeMonitor, clock, make_config, snapshot  # noqa: E402

from hcpdash.monitor.snapshot import Reading  # noqa: E402
from hcpdash.tui.app import PANES, HcpDashApp  # noqa: E402
from hcpdash.tui.screens.help import HelpScreen  # noqa: E402

KEYS = ("2", "3", "4", "1", "question_mark", "escape")


def expected(app: HcpDashApp, key: str) -> Callable[[], bool]:
    """What the screen shows once ``key`` has taken effect: the paint timed is the first with it."""
    if key == "question_mark":
        return lambda: isinstance(app.screen, HelpScreen)
    if key == "escape":
        return lambda: not isinstance(app.screen, HelpScreen)
    pane = PANES[int(key) - 1]
    return lambda: app.tabs.active == pane


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


async def measure(namespaces: int | None, rounds: int) -> dict[str, list[float]]:
    config = make_config()
    monitor = FakeMonitor(config)
    app = HcpDashApp(monitor, config, clock=clock)
    timings: dict[str, list[float]] = {"pane switch": [], "help": [], "pane switch CPU": [], "help CPU": [],
                                       "full collection": []}
    timing = False
    collection_started = 0.0

    def time_full_collections(phase: str, info: dict[str, int]) -> None:
        nonlocal collection_started
        if info["generation"] != 2 or not timing:
            return
        if phase == "start":
            collection_started = time.perf_counter()
        else:
            timings["full collection"].append((time.perf_counter() - collection_started) * 1000)

    gc.callbacks.append(time_full_collections)
    async with app.run_test(size=(160, 50)) as pilot:
        if namespaces is not None:
            app.snapshots["hcp1"] = snapshot("hcp1", tenants=Reading(tenants(namespaces), NOW - 20, interval=60.0))
            app.call_next(app._render_all, True)
        await pilot.pause()
        painted = asyncio.Event()
        shown: Callable[[], bool] = lambda: True

        def watch(screen) -> None:  # noqa: ANN001
            paint = screen._compositor_refresh

            def paint_and_signal() -> None:
                paint()
                if screen is app.screen and shown():
                    painted.set()

            screen._compositor_refresh = paint_and_signal

        watched: set[int] = set()
        for _ in range(rounds):
            for key in KEYS:
                await pilot.pause()
                shown = expected(app, key)
                painted.clear()
                start, cpu_start, timing = time.perf_counter(), time.process_time(), True
                event = events.Key(key, "?" if key == "question_mark" else None)
                event.set_sender(app)
                app._driver.send_message(event)  # type: ignore[union-attr]
                while id(app.screen) not in watched or (key == "question_mark" and not shown()):
                    if id(app.screen) not in watched:  # a screen new to the benchmark: watch it before it paints
                        watched.add(id(app.screen))
                        watch(app.screen)
                    else:
                        await asyncio.sleep(0)
                await asyncio.wait_for(painted.wait(), 10)
                timing = False
                elapsed = (time.perf_counter() - start) * 1000
                cpu = (time.process_time() - cpu_start) * 1000
                if key in "1234":
                    timings["pane switch"].append(elapsed)
                    timings["pane switch CPU"].append(cpu)
                elif key == "question_mark":
                    timings["help"].append(elapsed)
                    timings["help CPU"].append(cpu)
    gc.callbacks.remove(time_full_collections)
    return timings


def report(label: str, timings: dict[str, list[float]]) -> None:
    for what, values in timings.items():
        if not values:
            print(f"{label}: {what}: none")
            continue
        print(f"{label}: {what}, {len(values)} samples: p50 {statistics.median(values):.1f} ms, "
              f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    report("baseline, 10 namespaces", asyncio.run(measure(None, args.rounds)))
    report(f"{args.namespaces:,} namespaces", asyncio.run(measure(args.namespaces, args.rounds)))


if __name__ == "__main__":
    main()
