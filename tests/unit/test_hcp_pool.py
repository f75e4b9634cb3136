"""NodePool: rotation, ejection, re-admission with back-off, statistics."""

from __future__ import annotations

from collections import Counter

import pytest

from hcpdash.hcp import AddressState, NodePool
from hcpdash.hcp.pool import LATENCY_BUCKETS_S


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_round_robin_is_even() -> None:
    pool = NodePool("s", ["a", "b", "c", "d"])
    counts = Counter(pool.choose() for _ in range(400))
    assert counts == {"a": 100, "b": 100, "c": 100, "d": 100}


def test_exclude_prefers_untried_addresses() -> None:
    pool = NodePool("s", ["a", "b", "c"])
    for _ in range(10):
        assert pool.choose(exclude=["a", "b"]) == "c"
    assert pool.choose(exclude=["a", "b", "c"]) in {"a", "b", "c"}


def test_ejection_after_consecutive_failures_and_readmission_with_backoff() -> None:
    clock = Clock()
    pool = NodePool("s", ["a", "b"], eject_after=2, probe_base_s=1.0, clock=clock)
    pool.record_failure("a", "refused")
    assert pool.snapshot().get("a").state is AddressState.SUSPECT
    pool.record_failure("a", "refused")
    snap = pool.snapshot().get("a")
    assert snap.state is AddressState.EJECTED and snap.last_error == "refused" and snap.ejections == 1
    assert {pool.choose() for _ in range(10)} == {"b"}
    assert pool.due_for_probe() == ()
    clock.now += 1.0
    assert pool.due_for_probe() == ("a",)
    pool.record_probe("a", False, 0.01, "refused")
    clock.now += 1.5
    assert pool.due_for_probe() == ()            # second probe waits 2 s, not 1 s
    clock.now += 0.5
    assert pool.due_for_probe() == ("a",)
    pool.record_probe("a", True, 0.01)
    assert pool.snapshot().get("a").state is AddressState.HEALTHY
    assert {pool.choose() for _ in range(10)} == {"a", "b"}


def test_last_address_is_never_ejected_and_the_system_is_reported_unreachable() -> None:
    pool = NodePool("s", ["a", "b"], eject_after=1)
    pool.record_failure("a", "x")
    assert not pool.unreachable
    for _ in range(5):
        pool.record_failure("b", "x")
    snap = pool.snapshot()
    assert snap.get("b").state is AddressState.SUSPECT and snap.unreachable
    assert pool.choose() == "b"
    pool.record_success("b", 0.01)
    assert not pool.unreachable


def test_dns_merge_keeps_state_of_known_addresses() -> None:
    pool = NodePool("s", ["a", "b", "c"])
    pool.record_success("a", 0.02)
    pool.update(["a", "c", "d"])
    assert pool.addresses == ("a", "c", "d")
    assert pool.snapshot().get("a").requests == 1 and pool.snapshot().get("d").requests == 0
    assert "b" not in {pool.choose() for _ in range(12)}


def test_update_keeps_one_address_in_rotation() -> None:
    pool = NodePool("s", ["a", "b"], eject_after=1)
    pool.record_failure("a", "x")
    pool.update(["a"])
    assert pool.in_rotation() == ("a",)


def test_latency_statistics() -> None:
    pool = NodePool("s", ["a"], window=100)
    for ms in range(1, 101):
        pool.record_success("a", ms / 1000, connect_s=0.005 if ms == 1 else None)
    stats = pool.snapshot().get("a")
    assert stats.latency.count == 100 and stats.latency.max == pytest.approx(0.1)
    assert stats.latency.p50 == pytest.approx(0.0505) and stats.latency.p95 == pytest.approx(0.09505)
    assert 0.07 < stats.latency.ewma < 0.1
    assert stats.connects == 1 and stats.connect.p50 == pytest.approx(0.005)
    pool.record_error("a", "HTTP 500", 0.2)
    stats = pool.snapshot().get("a")
    assert stats.errors == 1 and stats.requests == 101 and stats.state is AddressState.HEALTHY


def test_latency_histogram_counts_every_sample_cumulatively() -> None:
    pool = NodePool("s", ["a"], window=2)
    for seconds in (0.003, 0.04, 0.04, 20.0):
        pool.record_success("a", seconds)
    latency = pool.snapshot().get("a").latency
    assert dict(zip(LATENCY_BUCKETS_S, latency.buckets)) == {
        0.005: 1, 0.01: 1, 0.025: 1, 0.05: 3, 0.1: 3, 0.25: 3, 0.5: 3, 1.0: 3, 2.5: 3, 5.0: 3, 10.0: 3}
    assert latency.total == 4 and latency.total_s == pytest.approx(20.083) and latency.count == 2


def test_snapshot_is_read_only() -> None:
    snap = NodePool("s", ["a"]).snapshot()
    with pytest.raises(AttributeError):
        snap.unreachable = True  # type: ignore[misc]


def test_a_cleared_latency_problem_clears_the_verdict_within_the_window() -> None:
    from hcpdash.config import Thresholds
    from hcpdash.monitor.node_inventory import NodeInventory
    from hcpdash.monitor.nodes import assess, node_verdicts
    from hcpdash.monitor.verdicts import Level

    now = [0.0]
    pool = NodePool("s", ["10.0.0.1"], latency_window_s=60, clock=lambda: now[0])

    def verdict() -> Level:
        views = assess(NodeInventory("s", "s.example.com"), pool.snapshot(), {}, {}, ["10.0.0.1"], False, now[0])
        return node_verdicts(views, Thresholds(), now[0])[0].level

    for _ in range(400):  # seven minutes of slow answers, one a second
        pool.record_success("10.0.0.1", 0.5)
        now[0] += 1
    assert verdict() is Level.WARNING
    for _ in range(61):  # the latency is gone: one minute of fast answers
        pool.record_success("10.0.0.1", 0.008)
        now[0] += 1
    assert verdict() is Level.OK
    assert pool.snapshot().get("10.0.0.1").latency.p95 == pytest.approx(0.008)


def test_an_idle_node_has_no_windowed_latency_but_keeps_its_ewma() -> None:
    now = [0.0]
    pool = NodePool("s", ["a"], latency_window_s=60, clock=lambda: now[0])
    pool.record_success("a", 0.2)
    now[0] = 120.0
    latency = pool.snapshot().get("a").latency
    assert latency.count == 0 and latency.p95 is None and latency.ewma == pytest.approx(0.2)


def test_counters_survive_a_node_leaving_dns_and_resume_when_it_returns() -> None:
    pool = NodePool("s", ["a", "b"])
    for _ in range(3):
        pool.record_success("a", 0.01)
    pool.record_failure("a", "connection refused")
    pool.update(["b"])
    departed = pool.snapshot().counters("a")
    assert departed is not None and (departed.requests, departed.errors) == (4, 1)
    assert departed.last_error == "connection refused" and pool.snapshot().get("a") is None
    pool.update(["a", "b"])
    pool.record_success("a", 0.01)
    assert (pool.snapshot().get("a").requests, pool.snapshot().get("a").errors) == (5, 1)
