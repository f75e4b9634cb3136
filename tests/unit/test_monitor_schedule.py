"""Poll cadence: no overlap, jitter, back-off and recovery, run-time control."""

from __future__ import annotations

import asyncio
import random

import pytest

from hcpdash.monitor.schedule import JITTER, MAX_BACKOFF_FACTOR, Clock, Schedule


class FakeClock(Clock):
    """Time moves only when a job waits; every requested wait is recorded."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.waits: list[float] = []

    def now(self) -> float:
        return self.t

    async def wait(self, delay: float, wake: asyncio.Event) -> None:
        self.waits.append(delay)
        self.t += delay
        await asyncio.sleep(0)


async def run_until(schedule: Schedule, done: asyncio.Event, timeout: float = 5.0) -> None:
    schedule.start()
    try:
        await asyncio.wait_for(done.wait(), timeout)
    finally:
        await schedule.stop()


async def test_failures_back_off_exponentially_then_recover_to_the_interval() -> None:
    clock = FakeClock()
    schedule = Schedule(clock, random.Random(1))
    outcomes = [False, False, False, False, False, False, True, True]
    done = asyncio.Event()

    async def poll() -> None:
        ok = outcomes.pop(0) if outcomes else True
        if not outcomes:
            done.set()
        if not ok:
            raise ConnectionError("node refused")

    state = schedule.add("links", poll, interval=10)
    await run_until(schedule, done)
    backoffs = clock.waits[:6]
    assert backoffs == [20, 40, 80, 160, 10 * MAX_BACKOFF_FACTOR, 10 * MAX_BACKOFF_FACTOR]
    assert 10 * (1 - JITTER) <= clock.waits[6] <= 10 * (1 + JITTER)
    assert state.failures == 0 and state.last_error is None and state.last_success is not None


async def test_failure_keeps_the_error_text_for_the_pane() -> None:
    clock = FakeClock()
    schedule = Schedule(clock)
    done = asyncio.Event()

    async def poll() -> None:
        done.set()
        raise TimeoutError("admin.hcp1.example.com did not answer within 30 s")

    state = schedule.add("nodes", poll, interval=5)
    await run_until(schedule, done)
    assert state.failures >= 1
    assert state.last_error == "admin.hcp1.example.com did not answer within 30 s"


async def test_jitter_stays_within_ten_percent() -> None:
    clock = FakeClock()
    schedule = Schedule(clock, random.Random(7))
    done = asyncio.Event()
    count = 0

    async def poll() -> None:
        nonlocal count
        count += 1
        if count == 50:
            done.set()

    schedule.add("ns", poll, interval=60)
    await run_until(schedule, done)
    assert all(54 <= w <= 66 for w in clock.waits)
    assert len(set(clock.waits)) > 10, "polls of many systems must not stay in lock-step"


async def test_a_slow_poll_is_never_overlapped_even_when_refreshed() -> None:
    schedule = Schedule()
    active = 0
    most = 0
    runs = 0
    done = asyncio.Event()

    async def poll() -> None:
        nonlocal active, most, runs
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.02)
        active -= 1
        runs += 1
        if runs == 3:
            done.set()

    schedule.add("links", poll, interval=0.001)
    schedule.start()
    for _ in range(20):
        schedule.refresh_now()
        await asyncio.sleep(0.002)
    await asyncio.wait_for(done.wait(), 5)
    await schedule.stop()
    assert most == 1


async def test_refresh_now_runs_a_waiting_job_at_once() -> None:
    schedule = Schedule()
    runs = asyncio.Queue[int]()
    count = 0

    async def poll() -> None:
        nonlocal count
        count += 1
        runs.put_nowait(count)

    schedule.add("links", poll, interval=3600)
    schedule.start()
    assert await asyncio.wait_for(runs.get(), 5) == 1
    schedule.refresh_now("links")
    assert await asyncio.wait_for(runs.get(), 5) == 2
    await schedule.stop()


async def test_pause_stops_polling_and_resume_polls_at_once() -> None:
    schedule = Schedule()
    runs = asyncio.Queue[int]()

    async def poll() -> None:
        runs.put_nowait(1)

    schedule.add("nodes", poll, interval=3600)
    schedule.start()
    await asyncio.wait_for(runs.get(), 5)
    schedule.pause()
    schedule.refresh_now()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(runs.get(), 0.1)
    assert schedule.paused
    schedule.resume()
    await asyncio.wait_for(runs.get(), 5)
    await schedule.stop()


async def test_interval_changes_at_run_time_but_never_below_the_floor() -> None:
    clock = FakeClock()
    schedule = Schedule(clock, random.Random(3))
    state = schedule.add("links", _noop, interval=10, floor=2)
    schedule.set_interval("links", 0.5)
    assert state.interval == 2
    schedule.scale_intervals(4)
    assert state.interval == 8
    schedule.scale_intervals(0.01)
    assert state.interval == 2


async def test_stop_leaves_no_pending_tasks() -> None:
    schedule = Schedule()
    for name in ("a", "b", "c"):
        schedule.add(name, _noop, interval=0.01)
    schedule.start()
    await asyncio.sleep(0.05)
    await schedule.stop()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert others == []


def test_adding_a_job_twice_is_an_error() -> None:
    schedule = Schedule()
    schedule.add("a", _noop, 1)
    with pytest.raises(ValueError):
        schedule.add("a", _noop, 1)


async def _noop() -> None:
    return None
