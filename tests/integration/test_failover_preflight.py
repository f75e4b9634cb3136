"""The failover preflight reads both ends of the link now, from each end's own system.

On the replica of an active/passive link HCP counts nothing pending: the data that has
not reached it waits on the primary. These tests run the preflight on the replica of a
simulated link while the primary still has data pending, then with the primary down.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from conftest import SimHttp

from hcpdash.cli import main
from hcpdash.config import Config
from hcpdash.demo import demo_config
from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.verdicts import Level
from hcpdash.sim import SimulatorThread

AP = "hcp1-hcp2-ap"


def monitor_for(sim: SimulatorThread, tmp_path: Path) -> tuple[MonitorService, AuditJournal]:
    config: Config = demo_config(sim.config_text(), tmp_path)
    journal = AuditJournal(tmp_path / "audit.jsonl")
    return MonitorService(config, journal=journal), journal


def pending_on_primary(http: SimHttp) -> tuple[int, int]:
    stats = http.link(AP, system="hcp1")["statistics"]
    return stats["bytesPending"], stats["objectsPending"]


def take_down(sim: SimulatorThread, system: str) -> None:
    for address in next(s for s in sim.systems if s.name == system).addresses:
        sim.control("POST", f"/nodes/{system}/{address}", {"up": False})


async def test_failover_preflight_on_the_replica_shows_and_journals_what_the_primary_has_pending(
        make_sim, sim_http_for, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    http = sim_http_for(sim)
    assert http.link(AP, system="hcp2")["statistics"]["bytesPending"] == 0, "the replica counts nothing itself"
    monitor, journal = monitor_for(sim, tmp_path)
    try:
        before = await asyncio.to_thread(pending_on_primary, http)
        preflight = await monitor.preflight("hcp2", AP, LinkAction.FAIL_OVER)
        after = await asyncio.to_thread(pending_on_primary, http)
        shown = preflight.figures["other_end"]
        assert shown["system"] == "hcp1" and shown["read"] is True and shown["status_message"] == "Sending data"
        assert after[0] <= shown["bytes_pending_toward_this_end"] <= before[0] and after[0] > 0
        assert after[1] <= shown["objects_pending_toward_this_end"] <= before[1]
        line = next(c for c in preflight.checks if c.text.startswith("Pending on hcp1 toward hcp2 (read now)"))
        assert line.level is Level.WARNING and line.text.endswith("not yet on hcp2.")
        assert preflight.allowed
        result = await monitor.execute(preflight, "rehearsal")
        assert result.outcome == "ok"
    finally:
        await monitor.stop()
    intent = next(r for r in journal.records() if r["kind"] == "intent")
    assert intent["preflight"]["other_end"] == shown
    assert intent["preflight"]["at_send"]["type"] == "INBOUND"


async def test_with_the_primary_down_the_preflight_says_it_could_not_read_it(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monitor, journal = monitor_for(sim, tmp_path)
    try:
        await monitor.poll_once(["links"])
        await asyncio.to_thread(take_down, sim, "hcp1")
        preflight = await monitor.preflight("hcp2", AP, LinkAction.FAIL_OVER)
        assert preflight.figures["other_end"]["read"] is False and preflight.figures["other_end"]["system"] == "hcp1"
        assert "bytes_pending_toward_this_end" not in preflight.figures["other_end"]
        of_hcp1 = [c for c in preflight.checks
                   if c.text.startswith(("hcp1 ", "State on hcp1", "Pending on hcp1", "Data written to hcp1"))]
        assert len(of_hcp1) == 2 and all(c.level is Level.UNKNOWN for c in of_hcp1), "no green tick on hcp1's figures"
        assert any(c.text.startswith("hcp1 could not be read now:") and "that is why a failover is needed" in c.text
                   for c in preflight.checks)
        assert any(c.text.startswith("Pending on hcp1 toward hcp2: unknown (hcp1 could not be read).")
                   for c in preflight.checks)
        await monitor.execute(preflight, "primary lost")
    finally:
        await monitor.stop()
    intent = next(r for r in journal.records() if r["kind"] == "intent")
    assert intent["preflight"]["other_end"]["read"] is False and intent["preflight"]["other_end"]["error"]


def test_hcpdash_link_prints_the_other_end_read_now(make_sim, tmp_path, capsys, monkeypatch) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path / "state"))
    code = main(["--config", str(sim.write_config(tmp_path / "hcpdash.yaml")), "link", "suspend", AP,
                 "--system", "hcp2", "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "State on hcp1 (read now): GOOD — Sending data." in out
    assert "Pending on hcp1 toward hcp2 (read now):" in out
    assert "DNS failover (read now):" in out
