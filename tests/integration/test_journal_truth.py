"""The audit journal is the truth: nothing is sent without a whole intent on disk, and an
outcome that cannot be recorded is shouted, then reported precisely on the next start.

File size limits are real (``RLIMIT_FSIZE`` in a child process, SIGXFSZ ignored); the
POST count is the simulator's own.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hcpdash.monitor.audit import AuditJournal
from hcpdash.sim import SimulatorThread

AA = "hcp1-hcp2-aa"


def posts(sim: SimulatorThread) -> list[dict]:
    return [post for system in sim.control("GET", "/state")["systems"] for post in system["posts"]]


def hcpdash(config: Path, state: Path, *args: str, file_limit: int | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``hcpdash ARGS`` in a child process, optionally under a file size limit."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    env = {**os.environ, "HCPDASH_STATE_DIR": str(state)}
    return subprocess.run([sys.executable, "-m", "hcpdash", "--config", str(config), *args], env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit)


@pytest.fixture
def setup(make_sim, tmp_path: Path) -> tuple[SimulatorThread, Path, Path]:
    sim = make_sim()
    config = tmp_path / "hcpdash.yaml"
    sim.write_config(config)
    return sim, config, tmp_path / "state"


def journal_lines(state: Path) -> list[str]:
    return (state / "audit.jsonl").read_text().splitlines()


def test_an_intent_that_cannot_be_written_whole_sends_nothing(setup) -> None:
    sim, config, state = setup
    done = hcpdash(config, state, "link", "suspend", AA, "--system", "hcp1", "--yes")
    assert done.returncode == 0, done.stderr
    before = (state / "audit.jsonl").read_bytes()
    limit = len(before) + 120  # room for a fraction of the next intent only

    refused = hcpdash(config, state, "link", "resume", AA, "--system", "hcp1", "--yes", file_limit=limit)

    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    [line] = [line for line in refused.stderr.splitlines() if "not sent" in line]
    assert "the intent could not be journaled" in line and "File too large" in line
    assert [p["query"] for p in posts(sim)] == [{"suspend": ""}]  # the resume never left
    assert (state / "audit.jsonl").read_bytes() == before  # no torn record left behind
    assert AuditJournal(state / "audit.jsonl").read().warnings == ()


def test_an_outcome_that_cannot_be_written_is_shouted_and_reported_on_the_next_start(setup) -> None:
    sim, config, state = setup
    done = hcpdash(config, state, "link", "suspend", AA, "--system", "hcp1", "--yes")
    assert done.returncode == 0, done.stderr
    intent_size = len(journal_lines(state)[0]) + 1
    before = (state / "audit.jsonl").stat().st_size
    limit = before + intent_size + 60  # the intent fits, the outcome (about 250 bytes) does not

    sent = hcpdash(config, state, "link", "resume", AA, "--system", "hcp1", "--yes", file_limit=limit)

    assert sent.returncode == 1, sent.stdout + sent.stderr
    assert "Traceback" not in sent.stderr
    assert "the outcome could not be written to the audit journal" in sent.stderr
    assert f"outcome of resume on {AA}: ok: HCP accepted resume" in sent.stderr
    assert [p["query"] for p in posts(sim)] == [{"suspend": ""}, {"resume": ""}]
    reading = AuditJournal(state / "audit.jsonl").read()
    assert reading.warnings == ()  # nothing torn: the cut-off outcome was taken back
    [dangling] = reading.dangling
    assert dangling["action"] == "resume"

    later = hcpdash(config, state, "links", "--system", "hcp1")
    assert f"resume on link {AA} was sent at {dangling['time']} (intent {dangling['id']}" in later.stderr
    assert "could not record it" in later.stderr
    closing = json.loads(journal_lines(state)[-1])
    assert (closing["id"], closing["outcome"]) == (dangling["id"], "unknown")
    again = hcpdash(config, state, "links", "--system", "hcp1")
    assert "was sent at" not in again.stderr


def test_a_5xx_answer_to_an_action_is_unknown_not_failed(setup) -> None:
    sim, config, state = setup
    sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": f"/mapi/services/replication/links/{AA}",
                                    "method": "POST", "status": 500})
    done = hcpdash(config, state, "link", "suspend", AA, "--system", "hcp1", "--yes")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("unknown: outcome unknown, not retried: HCP received suspend")
    assert [p["status"] for p in posts(sim)] == [500]  # sent once, not retried
    outcome = list(AuditJournal(state / "audit.jsonl").records())[-1]
    assert outcome["outcome"] == "unknown" and "500" in outcome["message"]
