"""The long-running monitor against a simulator: cadence, events, partial failures, clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from hcpdash.config import Config, parse_config
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.events import Event, Severity
from hcpdash.monitor.schedule import Clock, Schedule
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.snapshot import NodeView, SystemSnapshot
from hcpdash.monitor.verdicts import Level
from hcpdash.sim import SimulatorThread

FAST = {"node_status": 1, "links": 2, "replication_service": 10, "namespaces": 10, "statistics": 10,
        "permissions": 30, "node_statistics": 60}


def config_of(sim: SimulatorThread, **poll: float) -> Config:
    data = yaml.safe_load(sim.config_text())
    for system in data["systems"]:
        system["poll"] = {**FAST, **poll}
    config, problems, _ = parse_config(yaml.safe_dump(data))
    assert not problems and config is not None
    return config


def service(sim: SimulatorThread, tmp_path: Path, schedule: Schedule | None = None, **poll: float) -> MonitorService:
    return MonitorService(config_of(sim, **poll), journal=AuditJournal(tmp_path / "audit.jsonl"), schedule=schedule)


async def until(monitor: MonitorService, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait until ``predicate`` holds, re-checking whenever the monitor publishes a snapshot or an event."""
    changed = asyncio.Event()
    unsubscribe = [monitor.subscribe(lambda _: changed.set()), monitor.events.subscribe(lambda _: changed.set())]
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                changed.clear()
                await changed.wait()
    finally:
        for stop in unsubscribe:
            stop()


class ManualClock(Clock):
    """Real time for timestamps, but a job's wait ends only when it is woken (resume, refresh-now)."""

    async def wait(self, delay: float, wake: asyncio.Event) -> None:
        await wake.wait()


def jobs_idle(monitor: MonitorService) -> bool:
    return all(not state.running for state in monitor.schedule.states().values())


async def settle(rounds: int = 20) -> None:
    """Let every ready task take a few turns (a woken job would start its poll within them)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


def hcp1_node(monitor: MonitorService, address: str) -> NodeView | None:
    return next((n for n in monitor.snapshots()["hcp1"].nodes.value or () if n.address == address), None)


def node_events(seen: list[Event], address: str) -> list[str]:
    return [e.message for e in seen if e.kind == "node" and e.subject == address]


async def test_a_node_going_down_is_one_event_a_named_warning_and_clears_when_back(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monitor = service(sim, tmp_path)
    seen: list[Event] = []
    monitor.events.subscribe(seen.append)
    await monitor.start()
    try:
        await until(monitor, lambda: all(s.nodes.loaded for s in monitor.snapshots().values()))
        address = sim.systems[0].addresses[2]
        await asyncio.to_thread(sim.control, "POST", f"/nodes/hcp1/{address}", {"up": False})
        await until(monitor, lambda: bool(node_events(seen, address)))
        down = next(e for e in seen if e.kind == "node" and e.subject == address)
        assert down.severity is Severity.CRITICAL and down.message.startswith(f"node {address} missing")
        node = hcp1_node(monitor, address)
        assert node is not None and node.state == "missing" and node.in_dns is False and node.last_seen is not None
        verdict = next(v for v in monitor.snapshots()["hcp1"].verdicts if v.subject == address)
        assert verdict.level is Level.WARNING and verdict.reason.startswith("missing")
        polled = monitor.snapshots()["hcp1"].nodes.updated_at
        await until(monitor, lambda: monitor.snapshots()["hcp1"].nodes.updated_at > polled + 2)
        assert node_events(seen, address) == [down.message], "one event, not one per poll"
        await asyncio.to_thread(sim.control, "POST", f"/nodes/hcp1/{address}", {"up": True})
        await until(monitor, lambda: node_events(seen, address)[-1] == f"node {address} up")
        assert hcp1_node(monitor, address).state == "up"
        assert not [v for v in monitor.snapshots()["hcp1"].verdicts if v.subject == address and v.reason.startswith(
            ("missing", "down", "unreachable"))]
    finally:
        await monitor.stop()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_a_node_down_before_the_monitor_starts_is_named_from_the_inventory(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    first = service(sim, tmp_path)
    await first.poll_once(["nodes"])
    await first.stop()
    address = sim.systems[0].addresses[1]
    sim.control("POST", f"/nodes/hcp1/{address}", {"up": False})
    monitor = service(sim, tmp_path)
    seen: list[Event] = []
    monitor.events.subscribe(seen.append)
    await monitor.start()
    try:
        await until(monitor, lambda: monitor.snapshots()["hcp1"].nodes.loaded)
        node = hcp1_node(monitor, address)
        assert node is not None and node.state == "missing" and node.last_seen is not None
        assert any(v.subject == address and v.level is Level.WARNING for v in monitor.snapshots()["hcp1"].verdicts)
        crossings = [(e.kind, e.message.split(":")[0]) for e in seen if e.subject == address]
        assert crossings == [("threshold", "WARNING")], \
            "announced once, as a threshold crossing"
        sim.control("POST", f"/nodes/hcp1/{address}", {"up": True})
        await until(monitor, lambda: (hcp1_node(monitor, address) or node).state == "up")
    finally:
        await monitor.stop()


async def test_forbidden_namespaces_mark_that_pane_and_the_rest_keeps_updating(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=2, namespaces=2)
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/tenants", "status": 403})
    monitor = service(sim, tmp_path)
    await monitor.poll_once()
    await monitor.stop()
    hcp1 = monitor.snapshots()["hcp1"]
    assert hcp1.tenants.error_kind == "AuthenticationError"
    assert "MONITOR or ADMINISTRATOR" in (hcp1.tenants.hint or "")
    assert hcp1.links.loaded and hcp1.links.error is None and len(hcp1.links.value) == 2
    assert hcp1.nodes.loaded and hcp1.nodes.error is None
    assert monitor.snapshots()["hcp2"].tenants.error is None


@pytest.mark.parametrize(("fault", "kind"), [
    ({"body": "html"}, "NotAnHcp"),
    ({"body": "malformed"}, "ParseError"),
    ({"body": "truncated"}, None),
    ({"status": 503}, "Unavailable"),
])
async def test_bad_answers_become_reading_errors_and_keep_the_last_good_data(make_sim, tmp_path, fault, kind) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monitor = service(sim, tmp_path)
    await monitor.poll_once(["links"])
    good = monitor.snapshots()["hcp1"].links
    assert good.loaded and good.error is None
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/services/replication", **fault})
    await monitor.poll_once(["links"])
    await monitor.stop()
    after = monitor.snapshots()["hcp1"].links
    assert after.error is not None
    if kind:
        assert after.error_kind == kind
    assert after.value == good.value and after.updated_at == good.updated_at
    assert any(v.reason.startswith("links:") for v in monitor.snapshots()["hcp1"].verdicts)


async def test_pause_marks_snapshots_and_stops_polling(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monitor = service(sim, tmp_path, schedule=Schedule(ManualClock()))
    await monitor.start()
    try:
        await until(monitor, lambda: all(s.runs for s in monitor.schedule.states().values()) and jobs_idle(monitor))
        monitor.pause()
        assert monitor.paused and all(s.paused for s in monitor.snapshots().values())
        runs = {name: s.runs for name, s in monitor.schedule.states().items()}
        monitor.schedule.refresh_now()  # wakes every job: paused, none may start a poll
        await settle()
        assert jobs_idle(monitor) and {n: s.runs for n, s in monitor.schedule.states().items()} == runs
        monitor.resume()
        assert not any(s.paused for s in monitor.snapshots().values())
        await until(monitor, lambda: all(s.runs > runs[n] for n, s in monitor.schedule.states().items()))
    finally:
        await monitor.stop()


async def test_refresh_while_paused_polls_once_and_stays_paused(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monitor = service(sim, tmp_path, schedule=Schedule(ManualClock()))
    await monitor.start()
    try:
        await until(monitor, lambda: all(s.runs for s in monitor.schedule.states().values()) and jobs_idle(monitor))
        monitor.pause()
        before = monitor.snapshots()["hcp1"].links.updated_at
        runs = {name: s.runs for name, s in monitor.schedule.states().items()}
        monitor.refresh_now()
        await until(monitor, lambda: all(s.links.updated_at > before and s.nodes.updated_at > before
                                         for s in monitor.snapshots().values()))
        assert monitor.paused and all(s.paused for s in monitor.snapshots().values())
        await settle()
        assert {n: s.runs for n, s in monitor.schedule.states().items()} == runs, "the schedule stayed paused"
    finally:
        await monitor.stop()


async def test_both_ends_of_each_link_are_joined(sim, tmp_path) -> None:
    monitor = service(sim, tmp_path)
    await monitor.poll_once(["links"])
    await monitor.stop()
    joined = {j.name: j for j in monitor.joined_links()}
    assert set(joined) == {"hcp1-hcp2-aa", "hcp1-hcp2-ap"}
    ap = joined["hcp1-hcp2-ap"]
    assert {(end.system, str(end.link.type)) for end in ap.ends} == {("hcp1", "OUTBOUND"), ("hcp2", "INBOUND")}


async def test_history_records_latency_pending_and_usage(sim, tmp_path) -> None:
    monitor = service(sim, tmp_path)
    await monitor.poll_once()
    await monitor.poll_once(["nodes", "links"])
    await monitor.stop()
    address = sim.systems[0].addresses[0]
    assert len(monitor.history.values(("node", "hcp1", address, "latency_ms"))) == 2
    assert len(monitor.history.values(("link", "hcp1", "hcp1-hcp2-aa", "bytes_pending"))) == 2
    tenant = monitor.snapshots()["hcp1"].tenants.value[0]
    key = ("ns", "hcp1", f"{tenant.name}/{tenant.namespaces[0].name}", "used_bytes")
    assert monitor.history.values(key)


async def test_history_recorded_by_one_run_is_on_screen_data_for_the_next(make_sim, tmp_path) -> None:
    from hcpdash.monitor.history_store import HistoryStore
    from hcpdash.monitor.recorder import HistoryRecorder

    sim = make_sim(tenants=1, namespaces=2)
    config = config_of(sim)
    first = MonitorService(config, journal=AuditJournal(tmp_path / "audit.jsonl"),
                           recorder=HistoryRecorder.in_directory(tmp_path))
    await first.start()
    try:
        await until(first, lambda: all(s.nodes.loaded and s.links.loaded and s.tenants.loaded
                                       and s.tenants.value and s.tenants.value[0].namespaces[0].statistics
                                       for s in first.snapshots().values()))
        first.events.add("hcp1", "link", "drill", "a recorded event")
        address = first.snapshots()["hcp1"].nodes.value[0].address
        link = first.snapshots()["hcp1"].links.value[0].link.name
    finally:
        await first.stop()

    second = MonitorService(config, journal=AuditJournal(tmp_path / "audit.jsonl"),
                            recorder=HistoryRecorder.in_directory(tmp_path))
    assert second.history.values(("node", "hcp1", address, "latency_ms"))
    assert second.history.values(("link", "hcp1", link, "bytes_pending"))
    assert "a recorded event" in [e.message for e in second.events.since(0)]
    await second.stop()
    store = HistoryStore.open(tmp_path / "history.sqlite3", read_only=True)
    assert {"hcp1", "hcp2"} <= set(store.systems())
    assert any(key[0] == "ns" and key[3] == "used_bytes" for key in store.series_keys("hcp1"))
    store.close()
