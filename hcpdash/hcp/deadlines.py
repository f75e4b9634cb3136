"""Deadlines for exchanges with nodes: one loop timer for every request in flight.

A poll keeps dozens of requests in flight and sends thousands per cycle, each bounded
in time and almost none ever late. ``asyncio.timeout`` puts a timer on the event loop's
heap per request and takes it off again; here each exchange only notes its task and
when it is due, and a single timer, set for the earliest due time, cancels the tasks
whose time is up and sets itself for the next. Inside a task an exchange past its due
time ends in :class:`TimeoutError`, exactly as under ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

__all__ = ["Deadlines"]

# The event loop's clock is time.monotonic; a timer counts as due within its resolution.
_RESOLUTION = time.get_clock_info("monotonic").resolution


class Deadlines:
    """The due times of the exchanges in flight, and the one timer that enforces them."""

    __slots__ = ("_due", "_expired", "_timer", "_timer_at", "_loop")

    def __init__(self) -> None:
        self._due: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._loop: asyncio.AbstractEventLoop | None = None

    def within(self, delay: float) -> Within:
        """``with deadlines.within(seconds):`` — the block, inside a task, ends in TimeoutError past ``delay``.

        A plain context manager: entering and leaving never wait."""
        return Within(self, delay)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at, self._loop = None, math.inf, None
        self._due.clear()
        self._expired.clear()

    def _add(self, task: asyncio.Task[Any], delay: float) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:                  # first use, or a new event loop
            self.close()
            self._loop = loop
        due = loop.time() + delay
        self._due[task] = due
        if due < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._timer_at = loop.call_at(due, self._fire), due

    def _remove(self, task: asyncio.Task[Any]) -> bool:
        """Forget ``task``'s exchange; True if the timer cancelled it for being late."""
        self._due.pop(task, None)
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def _fire(self) -> None:
        loop = self._loop
        assert loop is not None
        self._timer, self._timer_at = None, math.inf
        now = loop.time() + _RESOLUTION
        following = math.inf
        for task, due in self._due.items():
            if task in self._expired:
                continue
            if due <= now:
                self._expired.add(task)
                task.cancel()
            elif due < following:
                following = due
        if following < math.inf:
            self._timer, self._timer_at = loop.call_at(following, self._fire), following


class Within:
    """One exchange's bound; the same cancellation accounting as ``asyncio.Timeout``, so a
    cancellation from outside still propagates as CancelledError."""

    __slots__ = ("_deadlines", "_delay", "_task", "_cancelling")

    def __init__(self, deadlines: Deadlines, delay: float) -> None:
        self._deadlines = deadlines
        self._delay = delay

    def __enter__(self) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("Deadlines.within() must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._deadlines._add(task, self._delay)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if self._deadlines._remove(self._task):
            if self._task.uncancel() <= self._cancelling and kind is asyncio.CancelledError:
                raise TimeoutError from exc
