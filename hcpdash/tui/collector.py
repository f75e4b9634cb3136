"""Full garbage collections that walk only what changed since the last one.

CPython's cycle collector (before 3.14) walks every live object in each full collection.
The dashboard's live objects are mostly long-lived: Textual's widgets and their caches and
the monitor's data, some 160,000 at 10,000 namespaces, so each full collection paused the
dashboard for 40-100 ms, and one came every few dozen key presses. The objects that
survive a full collection are therefore moved out of the collector's sight
(:func:`gc.freeze`), and the next full collections walk only the objects made since.

Frozen objects still die by reference counting, as nearly all do; only a frozen cycle that
becomes garbage would stay. So every :data:`RETURN_S` the frozen objects are given back
(:func:`gc.unfreeze`): the next full collection walks everything once, frees such cycles,
and freezes what survives again. This complements, not replaces, holding few objects: a
collection still walks every object made since the last one.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

RETURN_S = 300.0
"""How long objects stay frozen before a full collection walks them again."""


class CollectorPolicy:
    """Freeze what survives each full collection; installed while the dashboard runs."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, return_s: float = RETURN_S) -> None:
        self.clock = clock
        self.return_s = return_s
        self._returned_at = clock()
        self.freezes = 0

    def install(self) -> None:
        gc.callbacks.append(self._after_collection)

    def uninstall(self) -> None:
        """Stop freezing and give every frozen object back to the collector."""
        if self._after_collection in gc.callbacks:
            gc.callbacks.remove(self._after_collection)
        gc.unfreeze()

    def _after_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase != "stop" or info["generation"] != 2:
            return
        now = self.clock()
        if now - self._returned_at >= self.return_s:
            self._returned_at = now
            gc.unfreeze()
            return
        gc.freeze()
        self.freezes += 1
