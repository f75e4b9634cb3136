"""The simulator in a child process: ``hcpdash simulate`` started, awaited and stopped.

``hcpdash demo`` and ``hcpdash bench --simulate`` run the simulator beside the client,
not inside it: in a thread it would share the client's interpreter lock, so every
request would seem slower than the simulated latency (the demo's nodes showed a p95
of 60–250 ms with none injected) and the dashboard would answer keys more slowly.

The child's standard input is a pipe from this process; the child stops when it
closes, so a simulator never outlives a dashboard that was killed outright.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hcpdash.sim.model import SimOptions

__all__ = ["SimulatorProcess", "SimulatorStartError", "simulator_process"]

START_TIMEOUT_S = 60.0
# The options ``hcpdash simulate`` takes for each field of SimOptions a child can be given.
_CHILD_OPTIONS = ("systems", "nodes", "tenants", "namespaces", "links", "latency_ms", "seed", "phase_seconds")


class SimulatorStartError(RuntimeError):
    """The child simulator exited or did not get ready; the message is what it said."""


def command_line(options: SimOptions, config: Path) -> list[str]:
    values = dataclasses.asdict(options)
    scale = [f"--{name.replace('_', '-')}={values[name]}" for name in _CHILD_OPTIONS]
    return [sys.executable, "-m", "hcpdash", "simulate", *scale, "--write-config", str(config),
            "--stop-with-stdin"]


class SimulatorProcess:
    """``hcpdash simulate`` in a child process, started by :meth:`start` and waited for by
    :meth:`ready`, so that the caller can load what it needs in between."""

    def __init__(self, options: SimOptions) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="hcpdash-sim-")
        self.config = Path(self._directory.name) / "simulator.yaml"
        self._errors = Path(self._directory.name) / "simulator.err"
        self._command = command_line(options, self.config)
        self._child: subprocess.Popen[bytes] | None = None

    def start(self) -> SimulatorProcess:
        with self._errors.open("wb") as stderr:
            # stderr to a file, not a pipe nobody reads while the dashboard runs.
            self._child = subprocess.Popen(self._command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                           stderr=stderr, start_new_session=True)
        return self

    def ready(self) -> Path:
        """The config the child writes (atomically, mode 0600) once every socket serves."""
        assert self._child is not None, "start() first"
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.config.exists():
            if self._child.poll() is not None:
                said = self._errors.read_text(errors="replace").strip().splitlines()
                raise SimulatorStartError(said[-1].removeprefix("hcpdash simulate: ") if said
                                          else f"it exited with status {self._child.returncode}")
            if time.monotonic() > deadline:
                raise SimulatorStartError(f"it was not ready within {START_TIMEOUT_S:g} s")
            time.sleep(0.05)
        return self.config

    def stop(self) -> None:
        """End of input stops the child; a child that does not stop is terminated, then killed."""
        child = self._child
        if child is not None:
            if child.stdin is not None:
                child.stdin.close()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.terminate()
                try:
                    child.wait(10)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        self._directory.cleanup()


@contextmanager
def simulator_process(options: SimOptions) -> Iterator[Path]:
    """Start the simulator in a child process; yield its config (which names its addresses,
    CA and control API) once it serves; stop it on leaving."""
    simulator = SimulatorProcess(options).start()
    try:
        yield simulator.ready()
    finally:
        simulator.stop()
