from __future__ import annotations

import tracemalloc

import pytest

from hcpdash.monitor.history import History, SeriesRing


def test_ring_keeps_the_newest_points_oldest_first() -> None:
    ring = SeriesRing(3)
    for t in range(5):
        ring.append(float(t), t * 10.0)
    assert ring.points() == [(2.0, 20.0), (3.0, 30.0), (4.0, 40.0)]
    assert ring.values() == [20.0, 30.0, 40.0]
    assert ring.latest() == (4.0, 40.0) and len(ring) == 3


def test_partial_ring_and_empty_ring() -> None:
    ring = SeriesRing(5)
    assert ring.latest() is None and ring.values() == [] and ring.rate() is None
    ring.append(1.0, 5.0)
    assert ring.values() == [5.0] and ring.rate() is None


def test_rate_is_change_per_second_over_the_window() -> None:
    ring = SeriesRing(10)
    for t, pending in [(0, 1000), (10, 800), (20, 600)]:
        ring.append(float(t), float(pending))
    assert ring.rate() == pytest.approx(-20.0)


def test_zero_capacity_is_refused() -> None:
    with pytest.raises(ValueError):
        SeriesRing(0)


def test_history_creates_series_on_demand_and_forgets_removed_ones() -> None:
    history = History(capacity=2)
    history.record(("ns", "a"), 1.0, 1.0)
    history.record(("ns", "b"), 1.0, 2.0)
    history.record(("ns", "a"), 2.0, 3.0)
    history.record(("ns", "a"), 3.0, 4.0)
    assert history.values(("ns", "a")) == [3.0, 4.0]
    history.forget({("ns", "a")})
    assert history.get(("ns", "b")) is None and len(history) == 1
    assert history.values(("ns", "missing")) == []


def test_an_hour_of_history_for_10000_namespaces_stays_small() -> None:
    tracemalloc.start()
    history = History(capacity=60)  # one point a minute for an hour
    for minute in range(60):
        for ns in range(10_000):
            history.record(("ns", "hcp1", ns), minute * 60.0, float(ns))
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert current < 40 * 1024 * 1024, f"{current / 2**20:.1f} MiB"
