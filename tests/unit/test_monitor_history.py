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


def test_a_spaced_ring_keeps_points_apart_and_its_newest_point_current() -> None:
    ring = SeriesRing(capacity=6, spacing_s=600.0)
    for minute in range(120):
        ring.append(minute * 60.0, float(minute))
    times = [t for t, _ in ring.points()]
    assert len(times) == 6 and ring.latest() == (119 * 60.0, 119.0)
    assert all(b - a >= 600.0 for a, b in zip(times, times[1:-1]))
    assert ring.rate() == 1 / 60


def test_history_gives_each_kind_its_ring_shape() -> None:
    history = History(720, {"ns": (72, 600.0)})
    history.record(("ns", "hcp1", "t/a", "used_bytes"), 0.0, 1.0)
    history.record(("node", "hcp1", "10.0.0.1", "latency_ms"), 0.0, 1.0)
    ns, node = history.get(("ns", "hcp1", "t/a", "used_bytes")), history.get(("node", "hcp1", "10.0.0.1", "latency_ms"))
    assert (ns.capacity, ns.spacing_s) == (72, 600.0) and (node.capacity, node.spacing_s) == (720, 0.0)


def test_a_day_of_10000_namespace_rings_costs_their_points_and_little_more() -> None:
    from hcpdash.monitor.service import HISTORY_POINTS, NAMESPACE_RING

    tracemalloc.start()
    history = History(HISTORY_POINTS, {"ns": NAMESPACE_RING})
    for hour in range(24):
        for ns in range(10_000):
            history.record(("ns", "hcp1", f"t{ns // 100}/ns{ns}", "used_bytes"), hour * 3600.0, ns + hour * 4096.0)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert current < 4 * 1024 * 1024, f"{current / 2**20:.1f} MiB"
    ring = history.get(("ns", "hcp1", "t0/ns7", "used_bytes"))
    assert ring is not None and len(ring) == 13 and ring.rate() == 4096.0 / 3600


def test_a_forgotten_series_frees_its_slot_for_the_next_one() -> None:
    history = History(4)
    for key in ("a", "b"):
        for t in range(6):
            history.record(("ns", key), float(t), float(t))
    history.forget({("ns", "b")})
    history.record(("ns", "c"), 10.0, 1.0)
    assert history.values(("ns", "c")) == [1.0] and history.values(("ns", "b")) == [2.0, 3.0, 4.0, 5.0]
    assert history.get(("ns", "a")) is None and len(history) == 2
