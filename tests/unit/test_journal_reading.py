"""Reading the audit journal never crashes: damage is skipped and named, reads are bounded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcpdash.monitor.audit import AuditJournal, JournalError

INTENT = {"kind": "intent", "id": "a1", "time": "2026-01-01T00:00:00.000+00:00", "system": "hcp2",
          "link": "ap", "action": "failOver", "reason": "drill"}


def write(path: Path, *lines: str | bytes) -> AuditJournal:
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return AuditJournal(path)


def test_records_of_the_wrong_shape_are_skipped_and_named_in_one_warning(tmp_path: Path) -> None:
    journal = write(tmp_path / "audit.jsonl",
                    json.dumps(INTENT),
                    '{"kind":"intent","id":["x"]}',
                    b"\xff\xfe\x00garbage",
                    "[1, 2, 3]",
                    '{"kind":"outcome","id":"b2","outcome":"maybe"}',
                    json.dumps({**INTENT, "id": "c3"}),
                    '{"kind": "outc')
    reading = journal.read()
    assert [r["id"] for r in reading.records] == ["a1", "c3"]
    assert reading.warnings == (f"{journal.path}: skipped lines 2-5, 7: not a journal record",)
    assert [d["id"] for d in reading.dangling] == ["a1", "c3"]


def test_a_missing_journal_is_empty(tmp_path: Path) -> None:
    assert AuditJournal(tmp_path / "state" / "audit.jsonl").read().records == ()


def test_a_directory_in_place_of_the_journal_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").mkdir()
    with pytest.raises(JournalError, match=r"audit.jsonl: the audit journal is not a regular file$"):
        AuditJournal(tmp_path / "audit.jsonl").read()


def test_a_file_in_place_of_the_state_directory_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("not a directory")
    journal = AuditJournal(tmp_path / "state" / "audit.jsonl")
    with pytest.raises(JournalError, match="the state directory is not a directory"):
        journal.read()
    with pytest.raises(JournalError, match="the state directory is not a directory"):
        journal.record_intent(system="s", link="l", action="suspend", hcp_user="u", reason="", preflight={})


def test_a_fifo_in_place_of_the_journal_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "audit.jsonl")
    journal = AuditJournal(tmp_path / "audit.jsonl")
    with pytest.raises(JournalError, match="not a regular file"):
        journal.read()
    with pytest.raises(JournalError, match="not a regular file"):
        journal.record_intent(system="s", link="l", action="suspend", hcp_user="u", reason="", preflight={})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000) | st.lists(st.sampled_from([
    json.dumps(INTENT), '{"kind":"outcome","id":"a1","outcome":"ok"}', '{"kind":"intent"}', "{", "\n", "null",
    '{"kind":"outcome","id":1,"outcome":"ok"}', "\udcff"]), max_size=20).map(
        lambda parts: "\n".join(parts).encode("utf-8", "surrogateescape")))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(data)
    reading = AuditJournal(path).read()
    assert len(reading.warnings) <= 1
    for record in reading.records:
        assert record["kind"] in ("intent", "outcome") and isinstance(record["id"], str)
    for record in reading.dangling:
        assert all(isinstance(record[key], str) for key in ("system", "link", "action", "time"))
