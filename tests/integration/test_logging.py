"""-v/-vv and --log-file record what happened — polls, retries, ejections, re-admissions, DNS
changes, every action step — and never a secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from hcpdash.cli import main
from hcpdash.config import parse_config
from hcpdash.logs import setup_logging
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.sim import PASSWORDS, SimulatorThread

AA = "hcp1-hcp2-aa"


@pytest.fixture(autouse=True)
def close_log_handlers():
    yield
    logger = logging.getLogger("hcpdash")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def write_config(sim: SimulatorThread, path: Path, static: bool) -> Path:
    data = yaml.safe_load(sim.config_text())
    for system, simulated in zip(data["systems"], sim.systems):
        if static:
            system["discovery"] = {"method": "static", "addresses": list(simulated.addresses)}
    path.write_text(yaml.safe_dump(data))
    path.chmod(0o600)
    return path


def assert_logged(text: str, *expected: str) -> None:
    for secret in PASSWORDS.values():
        assert secret not in text
    for line in expected:
        assert line in text, line


def test_a_log_file_records_polls_faults_and_action_steps(make_sim, tmp_path: Path, capsys, monkeypatch) -> None:
    sim = make_sim(namespaces=3)
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path / "state"))
    config = write_config(sim, tmp_path / "hcpdash.yaml", static=True)
    log_file = tmp_path / "hcpdash.log"
    down = sim.systems[0].addresses[1]
    sim.control("POST", f"/nodes/hcp1/{down}", {"up": False})
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/tenants", "status": 503, "rate": 0.5})

    main(["-vv", "--log-file", str(log_file), "--config", str(config), "check"])
    main(["-vv", "--log-file", str(log_file), "--config", str(config), "link", "suspend", AA, "--system", "hcp1",
          "--yes", "--reason", "drill"])
    capsys.readouterr()

    assert_logged(log_file.read_text(),
                  "hcp1: poll nodes ok in ", "hcp1: poll links ok in ", "hcp2: poll namespaces ok in ",
                  f"hcp1: {down} ejected from the pool after", "hcp1: retrying GET ",
                  f"link {AA}: action lock taken", f"suspend on {AA}: intent ", "journaled; sending",
                  f"suspend on {AA}: outcome ok: HCP accepted suspend", f"hcp1 on {AA}: link settled",
                  f"link {AA}: action lock released")


@pytest.mark.parametrize("static", [False, True], ids=["dns", "static"])
async def test_a_log_file_records_dns_changes_and_re_admissions(make_sim, tmp_path: Path, static: bool) -> None:
    sim = make_sim(systems=1, namespaces=3)
    log_file = tmp_path / "hcpdash.log"
    setup_logging(verbose=1, log_file=log_file)
    config, _, _ = parse_config(write_config(sim, tmp_path / "hcpdash.yaml", static).read_text())
    monitor = MonitorService(config, journal=AuditJournal(tmp_path / "audit.jsonl"))
    victim = sim.systems[0].addresses[2]
    try:
        await monitor.poll_once(["nodes"])
        sim.control("POST", f"/nodes/hcp1/{victim}", {"up": False})
        await monitor.poll_once(["nodes"])
        await monitor.poll_once(["nodes"])
        sim.control("POST", f"/nodes/hcp1/{victim}", {"up": True})
        await monitor.poll_once(["nodes"])
    finally:
        await monitor.stop()
    expected = ([f"hcp1: {victim} ejected from the pool", f"hcp1: {victim} re-admitted to the pool"] if static
                else [f"hcp1: DNS answer changed: -{victim}", f"hcp1: DNS answer changed: +{victim}"])
    assert_logged(log_file.read_text(), *expected)
