"""Exchange deadlines: a stalled request ends at its own timeout, whatever else is in flight."""

from __future__ import annotations

import asyncio

import pytest

from hcpdash.hcp.deadlines import Deadlines


async def _stalled(deadlines: Deadlines, delay: float) -> None:
    with deadlines.within(delay):
        await asyncio.Event().wait()                # an answer that never comes


async def test_a_stalled_exchange_times_out_while_a_longer_bound_one_goes_on() -> None:
    deadlines = Deadlines()
    patient = asyncio.create_task(_stalled(deadlines, 60.0))
    await asyncio.sleep(0)                          # the long bound is registered first
    with pytest.raises(TimeoutError):
        await _stalled(deadlines, 0.05)
    assert not patient.done()
    patient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await patient
    deadlines.close()


async def test_an_exchange_done_in_time_is_untouched_and_a_later_one_still_times_out() -> None:
    deadlines = Deadlines()
    with deadlines.within(0.05):
        await asyncio.sleep(0)
    # The timer set for the finished exchange fires during this one and must not end it early.
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        await _stalled(deadlines, 0.2)
    assert loop.time() - started >= 0.2
    deadlines.close()


async def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    deadlines = Deadlines()
    task = asyncio.create_task(_stalled(deadlines, 60.0))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(TimeoutError):               # and the deadlines still work afterwards
        await _stalled(deadlines, 0.01)
    deadlines.close()


def test_deadlines_work_across_event_loops() -> None:
    deadlines = Deadlines()
    for _ in range(2):
        with pytest.raises(TimeoutError):
            asyncio.run(_stalled(deadlines, 0.01))
