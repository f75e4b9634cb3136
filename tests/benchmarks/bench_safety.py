"""What the safety rails cost, each against a baseline measured in the same run.

1. The audit journal: one action's records (intent + outcome, each checked, flocked and
   fsynced, with the journal's torn-tail check) against the bare minimum of two
   ``os.write`` + ``os.fsync`` of the same bytes.
2. The action lock: take and release a link's lock, against opening and closing a file.
3. ``check`` with one MAPI resource stalled for a minute and a 5 s deadline, against a
   healthy ``check`` of the same simulator.

Run: python tests/benchmarks/bench_safety.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.locks import ActionLocks
from hcpdash.sim import SimOptions, SimulatorThread

ROUNDS = 200


def per_round(fn, rounds: int = ROUNDS) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - started) / rounds


def journal(tmp: Path) -> None:
    journal = AuditJournal(tmp / "audit.jsonl")
    preflight = {"type": "INBOUND", "bytes_pending": 123456789, "lag_s": 12.5}

    def action() -> None:
        intent = journal.record_intent(system="hcp2", link="hcp1-hcp2-ap", action="failOver", hcp_user="admin",
                                       reason="bench", preflight=preflight)
        journal.record_outcome(intent, "ok", "HCP accepted failOver on hcp1-hcp2-ap")

    line = (json.dumps({"kind": "intent", "reason": "bench", **preflight}) + "\n").encode() * 3
    fd = os.open(tmp / "plain.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def plain() -> None:
        for _ in range(2):
            os.write(fd, line)
            os.fsync(fd)

    baseline, measured = per_round(plain), per_round(action)
    os.close(fd)
    print(f"journal: {measured * 1e3:.2f} ms per action (intent + outcome); plain write+fsync x2 "
          f"{baseline * 1e3:.2f} ms; ratio {measured / baseline:.2f}")


def lock(tmp: Path) -> None:
    locks = ActionLocks(tmp / "locks")

    def take() -> None:
        with locks.hold("hcp1", "hcp1-hcp2-ap"):
            pass

    def plain() -> None:
        os.close(os.open(tmp / "plain.lock", os.O_RDWR | os.O_CREAT, 0o600))

    baseline, measured = per_round(plain, 2000), per_round(take, 2000)
    print(f"lock: {measured * 1e6:.0f} us to take and release; open+close {baseline * 1e6:.0f} us; "
          f"ratio {measured / baseline:.2f}")


def check(tmp: Path) -> None:
    with SimulatorThread(SimOptions(systems=2, nodes=4, tenants=3, namespaces=3, links=2)) as sim:
        config = tmp / "hcpdash.yaml"
        sim.write_config(config)
        config.write_text(config.read_text() + "check:\n  deadline: 5\n")
        env = {**os.environ, "HCPDASH_STATE_DIR": str(tmp / "state")}

        def timed() -> tuple[float, int]:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "hcpdash", "--config", str(config), "check"], env=env,
                                  capture_output=True, timeout=120)
            return time.perf_counter() - started, done.returncode

        healthy, healthy_code = timed()
        sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/tenants", "stall_s": 60})
        stalled, stalled_code = timed()
    print(f"check: {stalled:.2f} s (exit {stalled_code}) with /mapi/tenants stalled 60 s and a 5 s deadline; "
          f"healthy {healthy:.2f} s (exit {healthy_code}); ratio {stalled / healthy:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hcpdash-bench-safety-") as tmp:
        journal(Path(tmp))
        lock(Path(tmp))
        check(Path(tmp))


if __name__ == "__main__":
    main()
