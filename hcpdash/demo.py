"""``hcpdash demo``: the dashboard on the built-in simulator, started and stopped with it.

The simulator runs in a child process (beside the dashboard, not sharing its
interpreter); its config is rewritten to a private temporary directory with polls
faster than a real HCP would get, so a first-time
user sees links move and a failover land within a minute. Actions are journaled
and history recorded apart from real systems', in ``<state dir>/demo/``, where a node
inventory apart from the real systems' is kept too; each demo is a new simulated site, so
that inventory starts empty.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from hcpdash.config import Config, load_config, state_dir

if TYPE_CHECKING:
    from hcpdash.sim import SimOptions

DEMO_POLL = {"node_status": 2, "links": 2, "replication_service": 10, "namespaces": 15, "statistics": 15,
             "permissions": 60, "node_statistics": 60}


def demo_config(config_text: str, directory: Path) -> Config:
    """The simulator's config with demo poll intervals, written 0600 and loaded like any other."""
    data = yaml.safe_load(config_text)
    for system in data["systems"]:
        system["poll"] = dict(DEMO_POLL)
    path = directory / "hcpdash-demo.yaml"
    path.touch(mode=0o600)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config(path)


def run_demo(read_only: bool, theme: str | None, options: SimOptions) -> int:
    from hcpdash.sim.process import SimulatorProcess, SimulatorStartError

    simulator = SimulatorProcess(options).start()       # it starts while the dashboard loads
    try:
        from hcpdash.monitor.audit import JOURNAL_NAME, AuditJournal
        from hcpdash.monitor.node_inventory import INVENTORY_DIR, InventoryStore
        from hcpdash.monitor.recorder import HistoryRecorder
        from hcpdash.monitor.service import MonitorService
        from hcpdash.tui.run import run_dashboard

        with tempfile.TemporaryDirectory(prefix="hcpdash-demo-") as tmp:
            config = demo_config(simulator.ready().read_text(encoding="utf-8"), Path(tmp))
            journal = AuditJournal(state_dir() / "demo" / JOURNAL_NAME)
            recorder = HistoryRecorder.in_directory(state_dir() / "demo")
            inventories = InventoryStore(state_dir() / "demo" / INVENTORY_DIR)
            inventories.clear()
            monitor = MonitorService(config, read_only, journal=journal, recorder=recorder,
                                     inventories=inventories)
            return run_dashboard(monitor, config, theme, read_only)
    except SimulatorStartError as exc:
        print(f"hcpdash demo: the simulator did not start: {exc}", file=sys.stderr)
        return 1
    finally:
        simulator.stop()
