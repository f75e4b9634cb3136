"""Stop cleanly on SIGTERM, SIGHUP and SIGINT, whatever is running.

A stop signal cancels the running command the way Ctrl-C does, so ``finally`` blocks
run: sockets close, the dashboard restores the terminal, and an action in flight
records its outcome before the process ends with ``128 + signal``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(Exception):
    """A stop signal ended the command; ``exit_status`` is the shell's ``128 + signal``."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum
        self.exit_status = 128 + signum


def on_stop_signals(callback: Callable[[int], None],
                    signals: tuple[signal.Signals, ...] = STOP_SIGNALS) -> Callable[[], None]:
    """Call ``callback(signum)`` on the running loop for each of ``signals``; returns the undo.

    Outside the main thread (where signals cannot be caught) this does nothing."""
    loop = asyncio.get_running_loop()
    installed: list[int] = []
    for signum in signals:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(signum, callback, signum)
            installed.append(signum)

    def undo() -> None:
        for signum in installed:
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
    return undo


def run(command: Coroutine[Any, Any, T], *, prompts: bool = False) -> T:
    """``asyncio.run(command)``; a stop signal cancels it and raises :class:`Stopped`.

    A command that ``prompts`` leaves SIGINT to asyncio (the command is cancelled, then
    KeyboardInterrupt), so that a second Ctrl-C ends a blocking confirmation prompt.
    Others take SIGINT on the loop like SIGTERM: asyncio's own handler runs wherever the
    interpreter happens to be, and a cancel landing in the middle of a stalled request
    could be lost, leaving the command running until its timeouts."""
    async def guarded() -> T:
        task = asyncio.current_task()
        assert task is not None
        received: list[int] = []

        def stop(signum: int) -> None:
            received.append(signum)
            task.cancel()

        signals = tuple(s for s in STOP_SIGNALS if s != signal.SIGINT) if prompts else STOP_SIGNALS
        undo = on_stop_signals(stop, signals)
        try:
            return await command
        except asyncio.CancelledError:
            if received:
                raise Stopped(received[0]) from None
            raise
        finally:
            undo()

    return asyncio.run(guarded())
