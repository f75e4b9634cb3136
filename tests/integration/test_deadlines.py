"""A slow HCP resource costs its own reading, never the nodes' health or the whole check."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from hcpdash.config import Config, parse_config
from hcpdash.hcp import AddressState
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.verdicts import Level
from hcpdash.sim import SimulatorThread

CALM = {"latency_warning_ms": 30000, "latency_critical_ms": 60000}
"""Latency thresholds a busy test machine cannot reach, so only the faults set here show."""
STALL = {"system": "hcp1", "path_prefix": "/mapi/tenants", "stall_s": 60.0}


def config_of(sim: SimulatorThread, **connections: Any) -> Config:
    data = yaml.safe_load(sim.config_text())
    for system in data["systems"]:
        system.setdefault("connections", {}).update(connections)
        system["thresholds"] = CALM
    config, problems, _ = parse_config(yaml.safe_dump(data))
    assert not problems and config is not None
    return config


def verdict_texts(monitor: MonitorService, system: str) -> list[tuple[Level, str]]:
    return [(v.level, f"{v.subject or ''} {v.reason}") for v in monitor.snapshots()[system].verdicts]


async def test_a_poll_deadline_answers_with_what_it_has(make_sim, tmp_path: Path) -> None:
    sim = make_sim(namespaces=3)
    sim.control("POST", "/faults", STALL)
    monitor = MonitorService(config_of(sim), journal=AuditJournal(tmp_path / "audit.jsonl"))
    started = time.monotonic()
    try:
        await monitor.poll_once(deadline_s=3)
    finally:
        await monitor.stop()
    assert time.monotonic() - started < 8
    hcp1, hcp2 = monitor.snapshots()["hcp1"], monitor.snapshots()["hcp2"]
    assert hcp1.tenants.error == "not read within the 3 s deadline"
    assert (Level.UNKNOWN, " tenants: not read within the 3 s deadline") in verdict_texts(monitor, "hcp1")
    assert hcp1.nodes.error is None and hcp1.links.error is None
    assert all(reading.error is None for reading in hcp2.readings().values())
    assert {n.pool_state for n in hcp1.nodes.value} == {"healthy"}


async def test_a_slow_resource_never_ejects_healthy_nodes(make_sim, tmp_path: Path) -> None:
    sim = make_sim(systems=1, namespaces=3)
    sim.control("POST", "/faults", STALL)
    monitor = MonitorService(config_of(sim, read_timeout=0.3), journal=AuditJournal(tmp_path / "audit.jsonl"))
    try:
        await monitor.poll_once(deadline_s=30)
        pool = monitor.system_monitor("hcp1").client.snapshot()
    finally:
        await monitor.stop()
    snapshot = monitor.snapshots()["hcp1"]
    assert snapshot.tenants.error_kind == "Timeout"
    assert all(a.state is not AddressState.EJECTED and a.ejections == 0 for a in pool.addresses), pool
    assert not [text for level, text in verdict_texts(monitor, "hcp1") if "ejected" in text or "down" in text]
    assert snapshot.overall.level is Level.UNKNOWN


def test_node_status_answering_500_everywhere_is_not_a_clean_exit(make_sim, tmp_path: Path, capsys,
                                                                  monkeypatch) -> None:
    from hcpdash.cli import main

    sim = make_sim(namespaces=3)
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/node_status", "status": 500})
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path / "state"))
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    code = main(["--config", str(config), "nodes", "--system", "hcp1"])
    _, err = capsys.readouterr()
    assert code == 1
    assert len([line for line in err.splitlines() if "status not known: node_status answered 500" in line]) == 4
    code = main(["--config", str(config), "check", "--json"])
    out, _ = capsys.readouterr()
    assert code != 0 and '"status": "OK"' not in out


async def test_dns_readings_keep_their_age_and_error_when_the_name_server_dies(make_sim, tmp_path: Path) -> None:
    sim = make_sim(systems=1, namespaces=3)
    monitor = MonitorService(config_of(sim), journal=AuditJournal(tmp_path / "audit.jsonl"))
    try:
        await monitor.poll_once(["nodes"])
        before = monitor.snapshots()["hcp1"].dns
        assert before.error is None and before.value is not None and not before.value.missing
        sim.stop()
        await monitor.poll_once(["nodes"], deadline_s=30)
    finally:
        await monitor.stop()
    after = monitor.snapshots()["hcp1"]
    assert after.dns.updated_at == before.updated_at and after.dns.value == before.value
    assert after.dns.error and after.dns.error_kind == "ResolutionError"
    assert "(connection refused)" in after.dns.error, after.dns.error
    assert any(v.subject == "dns" and v.reason.startswith(f"DNS: {after.dns.error}; using the answer of ")
               for v in after.verdicts)


def test_check_answers_by_its_configured_deadline(make_sim, tmp_path: Path, capsys, monkeypatch) -> None:
    from hcpdash.cli import main

    sim = make_sim(namespaces=3)
    sim.control("POST", "/faults", STALL)
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path / "state"))
    data = yaml.safe_load(sim.config_text())
    data["check"] = {"deadline": 3}
    for system in data["systems"]:
        system["thresholds"] = CALM
    config = tmp_path / "hcpdash.yaml"
    config.write_text(yaml.safe_dump(data))
    config.chmod(0o600)
    started = time.monotonic()
    code = main(["--config", str(config), "check"])
    out, _ = capsys.readouterr()
    assert time.monotonic() - started < 10
    assert code == 3, out
    assert "UNKNOWN hcp1: tenants: not read within the 3 s deadline" in out
