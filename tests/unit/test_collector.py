"""The dashboard's collector policy: full collections walk only what is new, and nothing leaks."""

from __future__ import annotations

import gc
import weakref

from hcpdash.tui.collector import CollectorPolicy


class Cycle:
    """An object that refers to itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_what_survives_a_full_collection_is_frozen_and_a_dead_frozen_cycle_is_freed_in_time() -> None:
    now = [0.0]
    policy = CollectorPolicy(clock=lambda: now[0], return_s=300.0)
    policy.install()
    try:
        cycle = Cycle()
        dead = weakref.ref(cycle)
        gc.collect()
        assert gc.get_freeze_count() > 0, "what survived the full collection is out of the next one's way"
        del cycle
        now[0] = 120.0
        gc.collect()
        assert dead() is not None, "a frozen cycle waits for the frozen objects to be given back"
        now[0] = 301.0
        gc.collect()
        gc.collect()
        assert dead() is None, "given back after return_s, the dead cycle is freed"
    finally:
        policy.uninstall()
    assert gc.get_freeze_count() == 0, "nothing stays frozen once the dashboard has stopped"
