"""A damaged or foreign audit journal never breaks monitoring: commands keep their exit
codes and say once what is wrong; an action is refused, with nothing sent."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import yaml

from hcpdash.cli import main
from hcpdash.sim import SimOptions, SimulatorThread

AA = "hcp1-hcp2-aa"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Iterator[tuple[SimulatorThread, str]]:
    """A simulator every command reads as OK (exit 0), and its config. Nothing here changes it."""
    options = SimOptions(systems=2, nodes=4, tenants=3, namespaces=3, links=2, phase_seconds=0.5)
    with SimulatorThread(options) as sim:
        path = tmp_path_factory.mktemp("config") / "hcpdash.yaml"
        data = yaml.safe_load(sim.config_text())
        for system in data["systems"]:  # a busy test machine must not turn latency into a WARNING
            system["thresholds"] = {"latency_warning_ms": 30000, "latency_critical_ms": 60000}
        path.write_text(yaml.safe_dump(data))
        path.chmod(0o600)
        yield sim, str(path)


def posts(sim: SimulatorThread) -> int:
    return sum(len(system["posts"]) for system in sim.control("GET", "/state")["systems"])


def journal_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "audit" in line or "state directory" in line]


DAMAGE = {
    "garbage": lambda state: (state.mkdir(), (state / "audit.jsonl").write_bytes(
        b'\x00\xff random\n{"kind":"intent","id":["x"]}\n{"kind":"outcome","id":"x","outcome":7}\n')),
    "journal is a directory": lambda state: (state / "audit.jsonl").mkdir(parents=True),
    "state dir is a file": lambda state: state.write_text("oops"),
}
EXPECTED = {
    "garbage": "audit.jsonl: skipped lines 1-3: not a journal record",
    "journal is a directory": "audit.jsonl: the audit journal is not a regular file",
    "state dir is a file": "the state directory is not a directory",
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("command", ["check", "nodes", "links"])
def test_commands_keep_their_exit_code_and_warn_once(healthy, damage, command, tmp_path, capsys,
                                                     monkeypatch) -> None:
    _, config = healthy
    state = tmp_path / "state"
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(state))
    DAMAGE[damage](state)
    code = main(["--config", config, command])
    _, err = capsys.readouterr()
    assert code == 0, err
    [line] = journal_lines(err)
    assert EXPECTED[damage] in line and line.startswith("hcpdash: warning: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("damage", ["journal is a directory", "state dir is a file"])
def test_an_action_is_refused_in_one_line_and_nothing_is_sent(healthy, damage, tmp_path, capsys,
                                                              monkeypatch) -> None:
    sim, config = healthy
    state = tmp_path / "state"
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(state))
    DAMAGE[damage](state)
    sent_before = posts(sim)
    code = main(["--config", config, "link", "suspend", AA, "--system", "hcp1", "--yes"])
    _, err = capsys.readouterr()
    assert posts(sim) == sent_before
    assert "Traceback" not in err
    assert code == 1
    refusal = [line for line in err.splitlines() if "warning" not in line]
    assert len(refusal) == 1 and EXPECTED[damage] in refusal[0], err


def test_a_fifo_journal_cannot_hang_a_command(healthy, tmp_path) -> None:
    _, config = healthy
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / "audit.jsonl")
    done = subprocess.run([sys.executable, "-m", "hcpdash", "--config", config, "links"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "HCPDASH_STATE_DIR": str(state)})
    assert done.returncode == 0, done.stderr
    [line] = journal_lines(done.stderr)
    assert "audit.jsonl: the audit journal is not a regular file" in line
