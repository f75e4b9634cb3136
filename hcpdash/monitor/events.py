"""The events stream: node down/up, link transitions, threshold crossings, poll failures, actions."""

from __future__ import annotations

import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hcpdash.monitor.history_store import StoredEvent

log = logging.getLogger(__name__)


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    CRITICAL = 2


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    time: float
    system: str
    kind: str
    """``node``, ``link``, ``threshold``, ``poll``, ``action`` or ``journal``."""
    subject: str
    message: str
    severity: Severity = Severity.INFO


Listener = Callable[[Event], None]


@dataclass(slots=True)
class EventLog:
    """A bounded, ordered log with listeners; a listener that raises is logged, not fatal."""

    maxlen: int = 2000
    clock: Callable[[], float] = time.time
    _events: deque[Event] = field(init=False)
    _listeners: list[Listener] = field(default_factory=list, init=False)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1), init=False)

    def __post_init__(self) -> None:
        self._events = deque(maxlen=self.maxlen)

    def add(self, system: str, kind: str, subject: str, message: str,
            severity: Severity = Severity.INFO) -> Event:
        event = Event(next(self._seq), self.clock(), system, kind, subject, message, severity)
        self._events.append(event)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a broken subscriber must not stop the poller
                log.exception("event listener failed")
        return event

    def load(self, events: Iterable[StoredEvent]) -> None:
        """Events of an earlier run (from the history file), oldest first; listeners are not called."""
        for e in events:
            self._events.append(Event(next(self._seq), e.time, e.system, e.kind, e.subject, e.message,
                                      Severity(e.severity)))

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every new event; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def since(self, seq: int = 0) -> list[Event]:
        return [e for e in self._events if e.seq > seq]

    def __len__(self) -> int:
        return len(self._events)
