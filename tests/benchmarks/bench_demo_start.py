"""Time from starting ``hcpdash demo`` to its first frame, under a pseudo-terminal.

The first frame is the first output that draws the pane tabs. Three runs; the
simulator (a child process the demo starts) is included.
Run: python tests/benchmarks/bench_demo_start.py
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import tempfile
import time

RUNS = 3
TIMEOUT_S = 20


def first_frame_s(state_dir: str) -> float | None:
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(HCPDASH_STATE_DIR=state_dir, TERM="xterm-256color")
        hcpdash = shutil.which("hcpdash") or "hcpdash"
        os.execv(hcpdash, ["hcpdash", "demo"])
    seen = b""
    try:
        while b"Namespaces" not in seen:
            ready, _, _ = select.select([fd], [], [], TIMEOUT_S)
            if not ready:
                return None
            seen += os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as state:
        times = [first_frame_s(state) for _ in range(RUNS)]
    print("hcpdash demo, start to first frame:",
          ", ".join("timeout" if t is None else f"{t:.2f} s" for t in times))
