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


def run(command: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(command)``; SIGTERM or SIGHUP cancels it and raises :class:`Stopped`.

    SIGINT keeps asyncio's own handling (the command is cancelled, then KeyboardInterrupt),
    which also lets a second Ctrl-C end a blocking confirmation prompt."""
    async def guarded() -> T:
        task = asyncio.current_task()
        assert task is not None
        received: list[int] = []

        def stop(signum: int) -> None:
            received.append(signum)
            task.cancel()

        undo = on_stop_signals(stop, tuple(s for s in STOP_SIGNALS if s != signal.SIGINT))
        try:
            return await command
        except asyncio.CancelledError:
            if received:
                raise Stopped(received[0]) from None
            raise
        finally:
            undo()

    return asyncio.run(guarded())
