"""``hcpdash serve`` as a real process on a loopback port, and waiting on what it exports."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families

from hcpdash.sim import SimulatorThread

T = TypeVar("T")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def wait_for(condition: Callable[[], T], what: str, timeout: float = 20.0) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last: {result!r})")
        time.sleep(0.1)


def sim_config(sim: SimulatorThread, path: Path, **poll: float) -> Path:
    """The simulator's ready config, with the given poll intervals for every system."""
    sim.write_config(path)
    data = yaml.safe_load(path.read_text())
    for system in data["systems"]:
        system["poll"] = dict(poll)
    path.write_text(yaml.safe_dump(data))
    return path


class ServeProcess:
    """``python -m hcpdash serve --metrics 127.0.0.1:0``; ``url`` is read from its first line."""

    def __init__(self, config: Path, *args: str, state_dir: Path) -> None:
        env = {**os.environ, "HCPDASH_STATE_DIR": str(state_dir)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hcpdash", "--config", str(config), "serve", "--metrics", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""  # type: ignore[union-attr]
        if not line.startswith("hcpdash serve: http://"):
            self.stop()
            raise AssertionError(f"serve did not start: {line!r} {self.process.stderr.read()!r}")  # type: ignore[union-attr]
        self.url = line.split()[2]
        self.base = self.url.removesuffix("/metrics")
        self.port = int(self.base.rsplit(":", 1)[1])

    def get(self, path: str, **headers: str) -> httpx.Response:
        return httpx.get(self.base + path, headers=headers, timeout=10)

    def samples(self) -> Samples:
        return {(s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(self.get("/metrics").text) for s in family.samples}

    def value(self, name: str, **labels: str) -> float | None:
        """The one sample of ``name`` with these labels (among others), or None if there is none yet."""
        found = [v for (n, ls), v in self.samples().items() if n == name and set(labels.items()) <= ls]
        assert len(found) <= 1, f"{name} {labels} matches {len(found)} samples"
        return found[0] if found else None

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError("serve did not stop within 15 s of the signal") from None
        finally:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
