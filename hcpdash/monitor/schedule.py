"""Per-resource poll cadence: never overlapping, jittered, backing off on failure.

Each job is one task that runs its poll, waits, and runs it again: the next poll is
scheduled when the previous one *finished*, so a slow HCP is never asked twice at
once. A failing job waits ``interval × 2^failures`` (capped) before trying again.
Pause, resume, refresh-now and interval changes wake the waiting job at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MAX_BACKOFF_FACTOR = 16
JITTER = 0.1


class Clock:
    """Real time. Tests substitute a clock whose waits return at once and are recorded."""

    def now(self) -> float:
        return time.monotonic()

    async def wait(self, delay: float, wake: asyncio.Event) -> None:
        """Sleep ``delay`` seconds, or less if ``wake`` is set."""
        # asyncio.timeout, not wait_for: wait_for can swallow a cancellation that arrives
        # as the event is set, and the job would outlive Schedule.stop().
        try:
            async with asyncio.timeout(max(delay, 0.0)):
                await wake.wait()
        except TimeoutError:
            pass


@dataclass(slots=True)
class JobState:
    """What a pane shows about one resource's polling."""

    name: str
    interval: float
    floor: float
    runs: int = 0
    failures: int = 0
    last_started: float | None = None
    last_finished: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    next_delay: float = 0.0
    running: bool = False


@dataclass(slots=True)
class _Job:
    state: JobState
    poll: Callable[[], Awaitable[None]]
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class Schedule:
    """Runs named poll jobs, each at its own cadence, until stopped."""

    def __init__(self, clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.clock = clock or Clock()
        self.rng = rng or random.Random()
        self._jobs: dict[str, _Job] = {}
        self._paused = False
        self._stopping = False
        self._resumed = asyncio.Event()
        self._resumed.set()

    # -- set-up

    def add(self, name: str, poll: Callable[[], Awaitable[None]], interval: float, floor: float = 0.0) -> JobState:
        if name in self._jobs:
            raise ValueError(f"job {name!r} exists")
        job = _Job(JobState(name, max(interval, floor), floor), poll)
        self._jobs[name] = job
        return job.state

    def start(self) -> None:
        for job in self._jobs.values():
            if job.task is None:
                job.task = asyncio.create_task(self._run(job), name=f"poll:{job.state.name}")

    async def stop(self) -> None:
        """Cancel every job and wait for it to finish; leaves no pending task behind."""
        self._stopping = True
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for job in self._jobs.values():
            job.task = None
        self._stopping = False

    # -- run-time control

    @property
    def paused(self) -> bool:
        return self._paused

    def states(self) -> dict[str, JobState]:
        return {name: job.state for name, job in self._jobs.items()}

    def pause(self) -> None:
        self._paused = True
        self._resumed.clear()

    def resume(self) -> None:
        self._paused = False
        self._resumed.set()
        for job in self._jobs.values():
            job.wake.set()

    def refresh_now(self, name: str | None = None) -> None:
        """Poll now (one job, or all); a poll in flight is not doubled, the next starts at once."""
        for job in self._targets(name):
            job.wake.set()

    def set_interval(self, name: str | None, seconds: float) -> None:
        """Change the cadence at run time; never below a job's floor."""
        for job in self._targets(name):
            job.state.interval = max(seconds, job.state.floor)
            job.wake.set()

    def scale_intervals(self, factor: float) -> None:
        for job in self._jobs.values():
            job.state.interval = max(job.state.interval * factor, job.state.floor)
            job.wake.set()

    def _targets(self, name: str | None) -> list[_Job]:
        if name is None:
            return list(self._jobs.values())
        return [self._jobs[name]]

    # -- the loop

    def delay_after(self, state: JobState) -> float:
        if state.failures:
            factor = min(2 ** state.failures, MAX_BACKOFF_FACTOR)
            return state.interval * factor
        return state.interval * (1 + self.rng.uniform(-JITTER, JITTER))

    async def _run(self, job: _Job) -> None:
        state = job.state
        while not self._stopping:
            await self._resumed.wait()
            job.wake.clear()
            state.running = True
            state.last_started = self.clock.now()
            try:
                await job.poll()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one failing resource must not stop polling
                state.failures += 1
                state.last_error = str(exc) or type(exc).__name__
                log.info("poll %s failed (%d in a row): %s", state.name, state.failures, state.last_error)
            else:
                state.failures = 0
                state.last_error = None
                state.last_success = self.clock.now()
            finally:
                state.running = False
                state.runs += 1
                state.last_finished = self.clock.now()
            state.next_delay = self.delay_after(state)
            if not job.wake.is_set():
                await self.clock.wait(state.next_delay, job.wake)
