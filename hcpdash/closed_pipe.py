"""Standard output that a closed pipe silences instead of crashing.

``hcpdash check | head -1`` closes the pipe after one line; the rest of the output
has nowhere to go. Like other Unix tools, the command then ends quietly, and with
the exit status it would have had, so a ``check`` still reports its level.
"""

from __future__ import annotations

import os
from typing import Any, TextIO


class ClosedPipeGuard:
    """Wraps a text stream: after the first ``BrokenPipeError`` every write is dropped.

    The file descriptor is pointed at ``os.devnull`` as well, so the interpreter's own
    flush at exit finds nowhere to fail.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_pipe = False

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        self.closed_pipe = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

