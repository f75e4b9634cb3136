"""The one-shot commands against a running simulator: verdicts, exit codes, JSON, actions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hcpdash.cli import main
from hcpdash.monitor.audit import AuditJournal
from hcpdash.sim import PASSWORDS, SimulatorThread

GOLDEN = Path(__file__).parent / "golden"
AP = "hcp1-hcp2-ap"
AA = "hcp1-hcp2-aa"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(state))
    return state


def config_for(sim: SimulatorThread, tmp_path: Path, edit: Callable[[str], str] = lambda t: t) -> str:
    """The simulator's config, with latency thresholds no loaded test machine reaches: these
    tests are about verdicts and exit codes, and a slow first TLS handshake must not make them WARNING."""
    path = tmp_path / "hcpdash.yaml"
    sim.write_config(path)
    data = yaml.safe_load(path.read_text())
    for system in data["systems"]:
        system["thresholds"] = {"latency_warning_ms": 60000, "latency_critical_ms": 60000}
    path.write_text(edit(yaml.safe_dump(data)))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], config: str, *args: str) -> tuple[int, str, str]:
    code = main(["--config", config, *args])
    out, err = capsys.readouterr()
    return code, out, err


def posts(sim: SimulatorThread) -> list[tuple[str, str]]:
    """Every replication POST the simulator received, as (path, query keys)."""
    return [(post["path"], ",".join(post["query"])) for system in sim.control("GET", "/state")["systems"]
            for post in system["posts"]]


def static_discovery(sim: SimulatorThread) -> Callable[[str], str]:
    """Edit a written config to list the node addresses instead of asking DNS."""
    def edit(text: str) -> str:
        data = yaml.safe_load(text)
        for system, simulated in zip(data["systems"], sim.systems):
            system["discovery"] = {"method": "static", "addresses": list(simulated.addresses)}
        return yaml.safe_dump(data)
    return edit


def patient(text: str) -> str:
    """Latency thresholds no loaded test machine reaches: a loopback run is healthy whatever the load."""
    data = yaml.safe_load(text)
    for system in data["systems"]:
        system["thresholds"] = {**system.get("thresholds", {}), "latency_warning_ms": 30000,
                                "latency_critical_ms": 60000}
    return yaml.safe_dump(data)


class TestCheck:
    def test_a_healthy_run_is_ok(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)  # the generator fills every fourth namespace past its soft quota
        code, out, _ = run(capsys, config_for(sim, tmp_path, patient), "check")
        assert code == 0, out
        assert out.startswith("HCPDASH OK - 2 systems: all checks ok")

    def test_a_statically_listed_node_refusing_connections_is_a_warning(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)
        config = config_for(sim, tmp_path, static_discovery(sim))
        address = sim.systems[0].addresses[1]
        sim.control("POST", f"/nodes/hcp1/{address}", {"up": False})
        code, out, _ = run(capsys, config, "check")
        assert code == 1, out
        assert re.search(rf"WARNING hcp1: {address}: missing( for \d+ s)? \(never seen up\): in the static list "
                         rf"but not in node statistics, no answer to /node_status; 1 of 4 nodes down or missing", out)

    def test_a_node_reporting_not_available_is_a_warning(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)
        address = sim.systems[1].addresses[0]
        sim.control("POST", f"/nodes/hcp2/{address}", {"node_status": "unavailable"})
        code, out, _ = run(capsys, config_for(sim, tmp_path), "check")
        assert code == 1, out
        assert re.search(rf"WARNING hcp2: {address}: down( for \d+ s)? \(never seen up\): node not available "
                         rf"\(541\); 1 of 4 nodes down or missing", out), out

    def test_a_broken_link_is_critical(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)
        sim.control("POST", f"/links/hcp1/{AA}", {"condition": "broken"})
        code, out, _ = run(capsys, config_for(sim, tmp_path), "check")
        assert code == 2, out
        assert f"CRITICAL hcp1: {AA}: link BAD (Broken link)" in out

    def test_a_namespace_over_its_quota_threshold_warns(self, sim, tmp_path, capsys) -> None:
        code, out, _ = run(capsys, config_for(sim, tmp_path), "check")
        assert code in (1, 2)
        assert "over the namespace soft quota" in out

    def test_an_unreachable_system_is_critical_and_the_other_still_reports(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)
        for address in sim.systems[1].addresses:
            sim.control("POST", f"/nodes/hcp2/{address}", {"up": False})
        code, out, _ = run(capsys, config_for(sim, tmp_path), "check", "--json")
        document = json.loads(out)
        assert code == 2 and document["status"] == "CRITICAL" and document["exit_code"] == 2
        hcp1, hcp2 = document["systems"]
        assert hcp1["verdict"]["level"] == "OK"
        assert hcp2["verdict"]["level"] == "CRITICAL"
        assert any("unreachable" in v["reason"] or "no name server" in v["reason"] or "does not resolve" in v["reason"]
                   for v in hcp2["verdicts"]), hcp2["verdicts"]

    def test_permission_masks_no_verdict_uses_are_not_read(self, make_sim, tmp_path, capsys) -> None:
        """A mask HCP refuses (here every one of a tenant's) is the dashboard's concern, not
        the check's: check does not read masks, so it stays OK."""
        sim = make_sim(systems=1, namespaces=3)
        tenant = next(iter(sim.systems[0].tenants.values()))
        for name in tenant.namespaces:
            sim.control("POST", "/faults", {"system": "hcp1", "status": 500,
                                            "path_prefix": f"/mapi/tenants/{tenant.name}/namespaces/{name}/permissions"})
        code, out, _ = run(capsys, config_for(sim, tmp_path, patient), "check")
        assert code == 0, out
        code, out, _ = run(capsys, config_for(sim, tmp_path, patient), "namespaces")
        assert code == 1 and "could not be read" in out + capsys.readouterr().err

    def test_bad_credentials_are_unknown_with_the_role_needed(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim(namespaces=3)
        config = config_for(sim, tmp_path, lambda t: t.replace(PASSWORDS["admin"], "wrong-password", 1))
        code, out, _ = run(capsys, config, "check")
        assert code == 3 or code == 2, out
        assert "MONITOR or ADMINISTRATOR role" in out
        assert "wrong-password" not in out


def shape(value: Any) -> Any:
    """The schema of a JSON value: keys and types, not the moving numbers."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else "string"


def test_namespaces_costs_hcp_two_requests_per_namespace_and_two_per_tenant(make_sim, tmp_path, capsys) -> None:
    sim = make_sim(systems=1, tenants=3, namespaces=6)
    before = sum(n["requests"] for n in sim.control("GET", "/state")["systems"][0]["nodes"])
    code, out, _ = run(capsys, config_for(sim, tmp_path), "namespaces", "--json")
    assert code == 0, out
    used = sum(n["requests"] for n in sim.control("GET", "/state")["systems"][0]["nodes"]) - before
    # tenant list; per tenant its namespace list and chargeback report; per namespace its
    # settings and permission mask. No tenant settings, statistics resource or /proc (none shown here).
    assert used == 1 + 3 * 2 + 2 * 18
    namespaces = [ns for t in json.loads(out)["systems"][0]["tenants"] for ns in t["namespaces"]]
    assert len(namespaces) == 18 and {ns["statistics_source"] for ns in namespaces} == {"chargeback"}


@pytest.mark.parametrize("command", ["check", "nodes", "namespaces", "links"])
def test_json_output_matches_its_documented_schema(command: str, sim, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, config_for(sim, tmp_path), command, "--json")
    document = json.loads(out)
    assert document["schema"] == f"hcpdash.{command}/1"
    golden = json.loads((GOLDEN / f"{command}.json").read_text())
    assert _covers(shape(document), golden), f"{command} --json no longer matches tests/integration/golden"


def _covers(actual: Any, golden: Any) -> bool:
    """Every key of the golden schema is present with the same type ("number" may be null)."""
    if isinstance(golden, dict):
        return isinstance(actual, dict) and all(k in actual and _covers(actual[k], g) for k, g in golden.items())
    if isinstance(golden, list):
        return isinstance(actual, list) and (not golden or not actual or _covers(actual[0], golden[0]))
    return actual == golden or actual == "null" or golden == "null"


class TestLinkActions:
    def test_failover_on_the_replica_is_sent_once_journaled_and_followed(self, make_sim, tmp_path, capsys,
                                                                          state_dir) -> None:
        sim = make_sim()
        code, out, err = run(capsys, config_for(sim, tmp_path), "link", "failOver", AP, "--system", "hcp2",
                             "--yes", "--reason", "DR drill 42")
        assert code == 0, err
        assert "Connected to hcp2, which is the replica of an active/passive link (INBOUND)." in out
        assert "ok: HCP accepted failOver" in out and "link now: Failed over" in out
        assert "Receiving data → Failed over" in out
        assert posts(sim) == [(f"/mapi/services/replication/links/{AP}", "failOver")]
        intent, outcome = AuditJournal(state_dir / "audit.jsonl").records()
        assert (intent["kind"], intent["reason"], intent["system"]) == ("intent", "DR drill 42", "hcp2")
        assert intent["preflight"]["type"] == "INBOUND" and "bytes_pending" in intent["preflight"]
        assert (outcome["kind"], outcome["outcome"], outcome["id"]) == ("outcome", "ok", intent["id"])

    def test_an_invalid_action_is_refused_before_anything_is_sent(self, make_sim, tmp_path, capsys) -> None:
        sim = make_sim()
        code, out, err = run(capsys, config_for(sim, tmp_path), "link", "failOver", AP, "--system", "hcp1",
                             "--yes", "--reason", "wrong side")
        assert code == 1
        assert "fails over on the replica" in err
        assert posts(sim) == []

    def test_read_only_sends_nothing(self, make_sim, tmp_path, capsys, state_dir) -> None:
        sim = make_sim()
        code, _, err = run(capsys, config_for(sim, tmp_path), "--read-only", "link", "suspend", AA,
                           "--system", "hcp1", "--yes")
        assert code == 2 and "read-only" in err
        assert posts(sim) == []
        assert not (state_dir / "audit.jsonl").exists()

    def test_hcp_rejection_is_recorded_with_its_message(self, make_sim, tmp_path, capsys, state_dir) -> None:
        sim = make_sim()
        config = config_for(sim, tmp_path, lambda t: t.replace("username: admin", "username: monitor", 1)
                            .replace(PASSWORDS["admin"], PASSWORDS["monitor"], 1))
        code, out, _ = run(capsys, config, "link", "suspend", AA, "--system", "hcp1", "--yes")
        assert code == 1
        assert "rejected: HCP rejected suspend" in out and "ADMINISTRATOR" in out
        outcome = list(AuditJournal(state_dir / "audit.jsonl").records())[-1]
        assert outcome["outcome"] == "rejected" and "ADMINISTRATOR" in outcome["message"]

    def test_lost_connection_after_sending_is_unknown_and_not_retried(self, make_sim, tmp_path, capsys,
                                                                      state_dir) -> None:
        sim = make_sim()
        sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": f"/mapi/services/replication/links/{AA}",
                                        "method": "POST", "drop_after_request": True})
        code, out, _ = run(capsys, config_for(sim, tmp_path), "link", "suspend", AA, "--system", "hcp1", "--yes")
        assert code == 1
        assert out.splitlines()[-1].startswith("unknown: outcome unknown, not retried")
        assert len(posts(sim)) == 1
        assert list(AuditJournal(state_dir / "audit.jsonl").records())[-1]["outcome"] == "unknown"

    def test_a_dangling_intent_is_reported_on_the_next_start(self, sim, tmp_path, capsys, state_dir) -> None:
        AuditJournal(state_dir / "audit.jsonl").record_intent(
            system="hcp2", link=AP, action="failOver", hcp_user="admin", reason="drill", preflight={})
        code, _, err = run(capsys, config_for(sim, tmp_path), "links")
        assert f"failOver on link {AP} was sent at" in err and "stopped before its outcome was known" in err
        _, _, err_again = run(capsys, config_for(sim, tmp_path), "links")
        assert "stopped before its outcome" not in err_again

    def test_several_systems_need_system_named(self, sim, tmp_path, capsys) -> None:
        code, _, err = run(capsys, config_for(sim, tmp_path), "link", "suspend", AA, "--yes")
        assert code == 2 and "--system NAME" in err
