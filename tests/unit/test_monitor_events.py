from __future__ import annotations

from hcpdash.monitor.events import EventLog, Severity


def test_events_are_ordered_bounded_and_fetchable_since_a_sequence() -> None:
    log = EventLog(maxlen=3, clock=lambda: 42.0)
    for n in range(5):
        log.add("hcp1", "node", f"127.0.0.{n}", f"node {n} down", Severity.CRITICAL)
    assert [e.subject for e in log.since()] == ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    assert [e.seq for e in log.since(4)] == [5]
    assert log.since(4)[0].time == 42.0 and len(log) == 3


def test_listeners_receive_events_and_a_failing_listener_is_contained() -> None:
    log = EventLog()
    seen = []

    def broken(_event: object) -> None:
        raise RuntimeError("listener bug")

    log.subscribe(broken)
    unsubscribe = log.subscribe(seen.append)
    log.add("hcp1", "link", "AA-1", "Synchronizing data -> Failed over", Severity.WARNING)
    unsubscribe()
    log.add("hcp1", "link", "AA-1", "Failed over -> Synchronizing data")
    assert [e.message for e in seen] == ["Synchronizing data -> Failed over"]
    assert len(log) == 2
