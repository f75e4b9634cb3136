"""Start and stop a whole simulator: addresses, listeners, DNS, control API; the thread wrapper."""

from __future__ import annotations

import asyncio
import errno
import os
import random
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from hcpdash.sim.cluster import Cluster
from hcpdash.sim.control import ControlApi
from hcpdash.sim.dns import DnsServer
from hcpdash.sim.http import Listener
from hcpdash.sim.model import PASSWORDS, SimOptions, System
from hcpdash.sim.site import NodeSite
from hcpdash.sim.tls import CertificateAuthority

__all__ = ["SimPorts", "Simulator", "SimulatorThread"]

_KINDS = ("mapi", "data", "http")
_REAL_PORTS = {"mapi": 9090, "data": 443, "http": 80}


@dataclass(frozen=True, slots=True)
class SimPorts:
    mapi: int
    data: int
    http: int


class Simulator:
    """HCP systems on loopback. ``await start()`` binds everything; ``await stop()`` releases it."""

    def __init__(self, options: SimOptions | None = None) -> None:
        self.options = options or SimOptions()
        if not 1 <= self.options.nodes <= 200 or not 1 <= self.options.systems <= 50:
            raise ValueError("nodes must be 1-200 and systems 1-50")
        self.cluster: Cluster | None = None
        self.control_url = ""
        self.dns_address: tuple[str, int] = ("", 0)
        self.ca_file: Path = Path()
        self._dir: Path | None = None
        self._listeners: dict[str, list[Listener]] = {}
        self._dns: DnsServer | None = None
        self._control: Listener | None = None
        self._ports = SimPorts(0, 0, 0)

    @property
    def systems(self) -> list[System]:
        return self.cluster.systems if self.cluster else []

    async def start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="hcpdash-sim-"))
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        options = self.options
        rng = random.SystemRandom()
        for attempt in range(8):
            r, s = rng.randint(1, 254), rng.randint(0, 255 - options.systems)
            addresses = [[f"127.{r}.{s + i}.{11 + j}" for j in range(options.nodes)] for i in range(options.systems)]
            self.cluster = Cluster.build(options, addresses)
            ca = CertificateAuthority(self._dir)  # type: ignore[arg-type]
            self.ca_file = ca.ca_file
            try:
                await self._bind_nodes(ca)
                break
            except OSError as exc:
                await self._close_nodes()
                if options.real_ports or exc.errno != errno.EADDRINUSE or attempt == 7:
                    raise
        self._dns = DnsServer(self.cluster.systems, f"127.{r}.{s}.1")
        self.dns_address = await self._dns.start(53 if options.real_ports else 0)
        control = ControlApi(self.cluster, self._set_node, self._extra_state)
        self._control = Listener(control, "127.0.0.1", 0, None)
        self.control_url = f"http://127.0.0.1:{await self._control.open()}"

    async def _bind_nodes(self, ca: CertificateAuthority) -> None:
        assert self.cluster is not None
        ports = dict(_REAL_PORTS) if self.options.real_ports else dict.fromkeys(_KINDS, 0)
        for system in self.cluster.systems:
            context = ca.server_context(system)
            for node in system.nodes:
                listeners = []
                for kind in _KINDS:
                    site = NodeSite(self.cluster, system, node, kind)
                    listener = Listener(site, node.address, ports[kind], None if kind == "http" else context,
                                        site.connected, site.closed)
                    listeners.append(listener)
                    self._listeners.setdefault(node.address, []).append(listener)
                    ports[kind] = await listener.open()
        self._ports = SimPorts(**ports)
        for system in self.cluster.systems:
            system.ports = self._ports

    async def _close_nodes(self) -> None:
        for listeners in self._listeners.values():
            for listener in listeners:
                await listener.close()
        self._listeners.clear()

    async def stop(self) -> None:
        await self._close_nodes()
        if self._dns is not None:
            await self._dns.stop()
        if self._control is not None:
            await self._control.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    async def _set_node(self, system_name: str, key: str, up: bool | None, latency: int | None,
                        status: str | None) -> dict[str, Any]:
        system = self.cluster.system(system_name) if self.cluster else None
        node = system.node(key) if system else None
        if system is None or node is None:
            raise KeyError(f"no node {key!r} on system {system_name!r}")
        if latency is not None:
            node.latency_ms = latency
        if status is not None:
            node.status_mode = status
        if up is False and node.up:
            node.up = False
            for listener in self._listeners[node.address]:
                await listener.close()
        elif up is True and not node.up:
            for listener in self._listeners[node.address]:
                await listener.open()
            node.up = True
        return {"system": system.name, "number": node.number, "address": node.address, "up": node.up,
                "latency_ms": node.latency_ms, "node_status": node.status_mode}

    def _extra_state(self) -> dict[str, Any]:
        return {"dns": {"address": self.dns_address[0], "port": self.dns_address[1],
                        "queries": self._dns.queries if self._dns else 0},
                "ports": asdict(self._ports), "ca_file": str(self.ca_file)}

    # ------------------------------------------------------------ config

    def config_data(self) -> dict[str, Any]:
        """A ready hcpdash config (admin account, TLS verified against the simulator's CA)."""
        labels = ("primary", "dr")
        systems = []
        for system in self.systems:
            tenants = list(system.tenants.values())
            data_access = []
            if tenants:
                data_access.append({"tenant": tenants[0].name, "username": f"{tenants[0].name}-admin",
                                    "password": PASSWORDS["tenant-admin"]})
            if len(tenants) > 1:
                data_access.append({"tenant": tenants[1].name, "username": f"{tenants[1].name}-reader",
                                    "password": PASSWORDS["tenant-reader"]})
            systems.append({
                "name": system.name,
                "domain": system.domain,
                "environment": {"label": labels[system.index] if system.index < 2 else f"site{system.index + 1}",
                                "colour": "green" if system.index == 0 else "yellow"},
                "ports": {"mapi": self._ports.mapi, "data": self._ports.data, "node_status": self._ports.http},
                "discovery": {"method": "dns", "nameserver": self.dns_address[0],
                              "nameserver_port": self.dns_address[1], "min_ttl": 1},
                "tls": {"verify": True, "ca_file": str(self.ca_file)},
                "credentials": {"username": "admin", "password": PASSWORDS["admin"]},
                "data_access": data_access,
            })
        return {"systems": systems, "simulator": {"control_url": self.control_url}}

    def config_text(self) -> str:
        header = ("# hcpdash config for the built-in HCP simulator (written by hcpdash simulate).\n"
                  "# The passwords are the simulator's fixed demo passwords, not secrets.\n")
        return header + yaml.safe_dump(self.config_data(), sort_keys=False, default_flow_style=False)

    def write_config(self, path: str | os.PathLike[str]) -> Path:
        """Write the config with mode 0600 (it holds passwords inline), whole or not at all:
        a process waiting for the file never reads half of it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.config_text())
        os.chmod(partial, 0o600)
        os.replace(partial, target)
        return target


class SimulatorThread:
    """A :class:`Simulator` on its own event loop in a background thread.

    ``with SimulatorThread(options) as sim:`` blocks until every socket is serving.
    """

    def __init__(self, options: SimOptions | None = None) -> None:
        self.simulator = Simulator(options)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="hcpdash-simulator", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.simulator.start())
        except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.simulator.stop())
        self.loop.close()

    def start(self) -> SimulatorThread:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> SimulatorThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run(self, coroutine: Any, timeout: float = 10) -> Any:
        """Run a coroutine on the simulator's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    @property
    def options(self) -> SimOptions:
        return self.simulator.options

    @property
    def cluster(self) -> Cluster:
        assert self.simulator.cluster is not None
        return self.simulator.cluster

    @property
    def control_url(self) -> str:
        return self.simulator.control_url

    @property
    def dns_address(self) -> tuple[str, int]:
        return self.simulator.dns_address

    @property
    def ca_file(self) -> Path:
        return self.simulator.ca_file

    @property
    def systems(self) -> list[System]:
        return self.simulator.systems

    def config_text(self) -> str:
        return self.simulator.config_text()

    def write_config(self, path: str | os.PathLike[str]) -> Path:
        return self.simulator.write_config(path)

    def control(self, method: str, path: str, json: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call the control API; raises httpx.HTTPStatusError on an error answer."""
        import httpx

        response = httpx.request(method, self.control_url + path, json=json, timeout=10)
        response.raise_for_status()
        return response.json()
