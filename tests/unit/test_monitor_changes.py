"""Snapshot diffs become the events a person wants: transitions, crossings, failures, recoveries."""

from __future__ import annotations

import dataclasses

from hcpdash.hcp.models import NodeState
from hcpdash.monitor.changes import changes
from hcpdash.monitor.events import Severity
from hcpdash.monitor.snapshot import NodeView, Reading, SystemSnapshot
from hcpdash.monitor.verdicts import Level, Verdict


def node(address: str, probe: NodeState | None = NodeState.UP, pool: str = "healthy", state: str | None = None,
         in_dns: bool = True) -> NodeView:
    state = state or ("down" if probe is NodeState.UNAVAILABLE else "up")
    return NodeView(address, pool, probe, 1.0, 1.0, 2.0, 3.0, 1.5, 0.5, 10, 0, "refused" if pool == "ejected" else None,
                    in_dns, state=state)


def snap(nodes: tuple[NodeView, ...] = (), verdicts: tuple[Verdict, ...] = (),
         links_error: str | None = None) -> SystemSnapshot:
    return SystemSnapshot("hcp1", "hcp1.example.com", "prod", "red", False, 0.0,
                          nodes=Reading(nodes, 1.0), links=Reading((), 1.0, links_error, "Timeout" if links_error else None),
                          verdicts=verdicts)


def test_node_down_and_up_are_events() -> None:
    before = snap((node("10.0.0.1"), node("10.0.0.2")))
    down = snap((node("10.0.0.1"), node("10.0.0.2", NodeState.UNAVAILABLE)))
    found = changes(before, down)
    assert [(c.kind, c.subject, c.severity) for c in found] == [("node", "10.0.0.2", Severity.CRITICAL)]
    assert found[0].message == "node 10.0.0.2 down"
    back = changes(down, before)
    assert [c.message for c in back] == ["node 10.0.0.2 up"]


def test_a_node_that_stays_missing_is_one_event_not_one_per_poll() -> None:
    up = snap((node("10.0.0.1"), node("10.0.0.2")))
    missing = snap((node("10.0.0.1"), node("10.0.0.2", NodeState.UNREACHABLE, state="missing", in_dns=False)))
    assert [c.message for c in changes(up, missing)] == ["node 10.0.0.2 missing"]
    assert changes(missing, missing) == []
    unreachable = snap((node("10.0.0.1"), node("10.0.0.2", NodeState.UNREACHABLE, state="unreachable")))
    assert changes(missing, unreachable) == [], "still lost: no new event"
    assert [c.message for c in changes(unreachable, up)] == ["node 10.0.0.2 up"]


def test_a_node_seen_for_the_first_time_is_not_an_event() -> None:
    assert changes(snap(), snap((node("10.0.0.1"),))) == []


def test_poll_failure_and_recovery() -> None:
    failing = snap(links_error="admin.hcp1: timed out")
    assert [(c.kind, c.message) for c in changes(snap(), failing)] == [
        ("poll", "links poll failed: admin.hcp1: timed out")]
    assert [c.message for c in changes(failing, snap())] == ["links poll recovered"]


def test_threshold_crossings_up_down_and_back_to_ok() -> None:
    warn = Verdict(Level.WARNING, "used 90.0% of 100.00 GB", "finance/mail")
    crit = dataclasses.replace(warn, level=Level.CRITICAL, reason="used 97.0% of 100.00 GB")
    entered = changes(snap(), snap(verdicts=(warn,)))
    assert [(c.kind, c.message, c.severity) for c in entered] == [
        ("threshold", "WARNING: used 90.0% of 100.00 GB", Severity.WARNING)]
    assert changes(snap(verdicts=(warn,)), snap(verdicts=(warn,))) == []
    worse = changes(snap(verdicts=(warn,)), snap(verdicts=(crit,)))
    assert [c.severity for c in worse] == [Severity.CRITICAL]
    assert [c.message for c in changes(snap(verdicts=(crit,)), snap())] == ["back to OK"]
