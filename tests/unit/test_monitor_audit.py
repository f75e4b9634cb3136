"""The audit journal: written before the request, survives a crash, never holds secrets."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from hcpdash import redact
from hcpdash.monitor.audit import AuditJournal

PREFLIGHT = {"type": "INBOUND", "status_message": "Receiving data", "bytes_pending": 1024, "lag_s": 12.5}


def intent(journal: AuditJournal, reason: str = "primary site power loss"):
    return journal.record_intent(system="hcp2", link="hcp1-hcp2 AP", action="failOver",
                                 hcp_user="admin", reason=reason, preflight=PREFLIGHT)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_intent_is_on_disk_before_the_call_returns(tmp_path: Path) -> None:
    journal = AuditJournal(tmp_path / "state" / "audit.jsonl")
    written = intent(journal)
    records = lines(journal.path)
    assert len(records) == 1
    record = records[0]
    assert record["kind"] == "intent" and record["id"] == written.id
    assert (record["system"], record["link"], record["action"]) == ("hcp2", "hcp1-hcp2 AP", "failOver")
    assert record["reason"] == "primary site power loss" and record["hcp_user"] == "admin"
    assert record["preflight"] == PREFLIGHT
    assert record["os_user"] and record["time"].endswith("+00:00")


def test_outcome_closes_the_intent_with_duration(tmp_path: Path) -> None:
    journal = AuditJournal(tmp_path / "audit.jsonl")
    written = intent(journal)
    journal.record_outcome(written, "rejected", "400 Link is already failed over")
    first, second = lines(journal.path)
    assert second["kind"] == "outcome" and second["id"] == first["id"]
    assert second["outcome"] == "rejected" and second["message"] == "400 Link is already failed over"
    assert second["duration_s"] >= 0
    assert journal.dangling() == []


def test_a_crash_between_intent_and_outcome_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    intent(AuditJournal(path))
    with path.open("a") as torn:
        torn.write('{"kind": "outcome", "id": "trunc')  # the crash tore the last write
    restarted = AuditJournal(path)
    dangling = restarted.dangling()
    assert [d["action"] for d in dangling] == ["failOver"]
    assert restarted.close_dangling()[0]["link"] == "hcp1-hcp2 AP"
    assert restarted.dangling() == []
    assert restarted.close_dangling() == []


def test_journal_is_private_to_the_user(tmp_path: Path) -> None:
    journal = AuditJournal(tmp_path / "audit.jsonl")
    intent(journal)
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600


def test_secrets_never_reach_the_journal(tmp_path: Path) -> None:
    redact.register("pa55w0rd-in-a-reason")
    journal = AuditJournal(tmp_path / "audit.jsonl")
    intent(journal, reason="typed pa55w0rd-in-a-reason by mistake")
    assert "pa55w0rd-in-a-reason" not in journal.path.read_text()
