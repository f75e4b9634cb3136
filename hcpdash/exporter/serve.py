"""``hcpdash serve``: poll the configured systems and serve their latest snapshots as metrics.

Read-only by construction: the exporter builds no action and its monitor is read-only. It
records history as the dashboard does, unless another hcpdash already records that state
directory.
SIGTERM and SIGINT stop it cleanly: the listening socket is closed first, then every
poll is cancelled and every connection to HCP closed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, ProcessCollector

from hcpdash.config import Config, state_dir
from hcpdash.exporter.collector import SnapshotCollector
from hcpdash.exporter.outcomes import ActionOutcomes
from hcpdash.exporter.server import Health, ListenAddress, MetricsServer
from hcpdash.monitor.recorder import HistoryRecorder
from hcpdash.monitor.schedule import MAX_BACKOFF_FACTOR
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.monitor.system import SUMMARISED
from hcpdash.stopping import on_stop_signals

EXIT_USAGE = 2


def stall_after_s(config: Config) -> dict[str, float]:
    """Per system: how long without a new snapshot means the poller is stuck, not just backing off.

    Twice the longest wait of the node probe: its interval at full back-off plus one
    request's timeouts. Every poll of any resource publishes a snapshot, so a working
    poller stays well inside this even when HCP is down.
    """
    return {s.name: 2 * (s.poll.node_status * MAX_BACKOFF_FACTOR + s.connections.connect_timeout
                         + s.connections.read_timeout) for s in config.systems}


def poller_health(snapshots: Callable[[], Mapping[str, SystemSnapshot]], limits: Mapping[str, float],
                  clock: Callable[[], float] = time.time) -> Health:
    def health() -> tuple[bool, str]:
        now = clock()
        stalled = [f"{name} (no snapshot for {now - snap.taken_at:.0f} s)" for name, snap in snapshots().items()
                   if now - snap.taken_at > limits[name]]
        if stalled:
            return False, f"poller stalled: {', '.join(stalled)}"
        return True, f"ok: polling {len(limits)} system{'s' if len(limits) != 1 else ''}"
    return health


def run_serve(config: Config, listen: str | None, namespaces: bool | None, quiet: bool = False) -> int:
    """Serve until SIGTERM or SIGINT; exit status 0 then, 2 if the address cannot be used."""
    given = listen if listen is not None else config.metrics.listen
    where = "--metrics" if listen is not None else f"metrics.listen in {config.path}"
    try:
        address = ListenAddress.parse(given)
    except ValueError as exc:
        print(f"hcpdash: {where}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    include = config.metrics.namespaces if namespaces is None else namespaces
    return asyncio.run(_serve(config, address, include, where, quiet))


async def _serve(config: Config, address: ListenAddress, namespaces: bool, where: str, quiet: bool) -> int:
    monitor = MonitorService(config, read_only=True, recorder=HistoryRecorder.in_directory(state_dir()))
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(monitor.snapshots, namespaces=namespaces,
                                        actions=ActionOutcomes(monitor.journal)))
    ProcessCollector(registry=registry)
    server = MetricsServer(registry, poller_health(monitor.snapshots, stall_after_s(config)), address)
    if not address.is_loopback():
        print(f"hcpdash: warning: serving metrics on {address}, beyond loopback: anyone who can reach it "
              f"reads them without credentials (firewall it, or put a TLS proxy in front)", file=sys.stderr)
    try:
        server.start()
    except OSError as exc:
        print(f"hcpdash: cannot listen on {address} ({where}): {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    stopping = asyncio.Event()
    undo_signals = on_stop_signals(lambda _signum: stopping.set())
    try:
        await monitor.start(SUMMARISED)
        if not quiet:
            print(f"hcpdash serve: {server.url} ({len(config.systems)} systems; SIGTERM or ctrl+c stops)",
                  flush=True)
        for note in monitor.history_notes:
            print(f"hcpdash serve: {note}", file=sys.stderr, flush=True)
        await stopping.wait()
    finally:
        undo_signals()
        await asyncio.to_thread(server.stop)
        await monitor.stop()
    return 0
