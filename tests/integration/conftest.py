"""Fixtures for tests against a running HCP simulator over real loopback sockets.

- ``sim``: one started :class:`~hcpdash.sim.SimulatorThread` per test module, small scale
  (2 systems x 4 nodes, 3 tenants x 4 namespaces, 2 links). Do not change its state
  (links, nodes, faults) in a test; take a fresh one for that.
- ``make_sim``: a factory for fresh simulators with custom options, stopped after the
  test: ``sim = make_sim(nodes=2, phase_seconds=0.2)``.
- ``sim_http``: an :class:`SimHttp` for ``sim``; ``SimHttp(other_sim)`` works for any other.

``SimHttp`` uses the SNI trick a real HCP client uses: connect to a node address, send
the FQDN in ``Host`` and as the TLS server name, verify against the simulator's CA.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from hcpdash.hcp import HcpClient, Link, chargeback
from hcpdash.monitor import collect
from hcpdash.sim import PASSWORDS, SimOptions, SimulatorThread
from hcpdash.sim.model import System

SMALL = {"systems": 2, "nodes": 4, "tenants": 3, "namespaces": 4, "links": 2, "phase_seconds": 0.5}


def hcp_auth(username: str, password: str) -> str:
    """``Authorization: HCP base64(user):md5hex(password)``."""
    return f"HCP {base64.b64encode(username.encode()).decode()}:{hashlib.md5(password.encode()).hexdigest()}"


ADMIN = hcp_auth("admin", PASSWORDS["admin"])
MONITOR = hcp_auth("monitor", PASSWORDS["monitor"])


class SimHttp:
    """Plain httpx requests to one simulator, addressed like a real HCP client does.

    Test modules reach it through the fixtures; ``sim_http.auth(user, password)``,
    ``sim_http.admin`` and ``sim_http.monitor`` give Authorization header values.
    """

    admin = ADMIN
    monitor = MONITOR
    auth = staticmethod(hcp_auth)

    def __init__(self, sim: SimulatorThread) -> None:
        self.sim = sim
        self.ssl = ssl.create_default_context(cafile=str(sim.ca_file))
        self.client = httpx.Client(verify=self.ssl, timeout=10)

    def system(self, name: str = "hcp1") -> System:
        return next(s for s in self.sim.systems if s.name == name)

    def request(self, method: str, path: str, *, system: str = "hcp1", host: str = "admin", port: str = "mapi",
                node: int = 0, auth: str | None = ADMIN, accept: str | None = None,
                headers: dict[str, str] | None = None, sni: str | None = None, **kwargs: Any) -> httpx.Response:
        """``host`` is relative to the system domain (``admin``, ``finance``, ``invoices.finance``);
        ``headers`` may override ``Host``, ``sni`` the TLS server name."""
        target = self.system(system)
        fqdn = f"{host}.{target.domain}" if host else target.domain
        sent = {"Host": fqdn, **(headers or {})}
        if auth is not None:
            sent["Authorization"] = auth
        if accept is not None:
            sent["Accept"] = accept
        scheme = "http" if port == "http" else "https"
        url = f"{scheme}://{target.addresses[node]}:{getattr(target.ports, port)}{path}"
        extensions = {"sni_hostname": sni or fqdn} if scheme == "https" else {}
        return self.client.request(method, url, headers=sent, extensions=extensions, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def link(self, name: str, system: str = "hcp1") -> dict[str, Any]:
        response = self.get(f"/mapi/services/replication/links/{name}?verbose=true", system=system,
                            accept="application/json")
        assert response.status_code == 200, response.headers.get("X-HCP-ErrorMessage")
        return response.json()

    def action(self, name: str, action: str, system: str = "hcp1", auth: str = ADMIN) -> httpx.Response:
        return self.post(f"/mapi/services/replication/links/{name}?{action}", system=system, auth=auth)

    def close(self) -> None:
        self.client.close()


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(SimOptions(**SMALL)) as running:
        yield running


@pytest.fixture
def make_sim() -> Iterator[Callable[..., SimulatorThread]]:
    started: list[SimulatorThread] = []

    def factory(**options: Any) -> SimulatorThread:
        thread = SimulatorThread(SimOptions(**{**SMALL, **options})).start()
        started.append(thread)
        return thread

    yield factory
    for thread in started:
        thread.stop()


@pytest.fixture(scope="module")
def sim_http(sim: SimulatorThread) -> Iterator[SimHttp]:
    client = SimHttp(sim)
    yield client
    client.close()


@pytest.fixture
def fresh(make_sim: Callable[..., SimulatorThread]) -> Iterator[SimHttp]:
    """A SimHttp on a simulator of its own (for tests that change state)."""
    client = SimHttp(make_sim())
    yield client
    client.close()


@pytest.fixture
def sim_http_for() -> Iterator[Callable[[SimulatorThread], SimHttp]]:
    """``sim_http_for(make_sim(nodes=2))``: a SimHttp for any simulator, closed after the test."""
    clients: list[SimHttp] = []

    def factory(sim: SimulatorThread) -> SimHttp:
        clients.append(SimHttp(sim))
        return clients[-1]

    yield factory
    for client in clients:
        client.close()


@dataclass(frozen=True, slots=True)
class SystemRead:
    """What the monitor's reader got for one system: tenants, namespaces, statistics, links."""

    inventory: collect.Inventory
    statistics: collect.StatisticsRead
    links: dict[str, Link]
    failures: tuple[collect.Failure, ...]

    @property
    def namespace_count(self) -> int:
        return sum(len(names) for names in self.inventory.namespaces.values())


async def read_system(client: HcpClient) -> SystemRead:
    """One read of links, tenants, namespaces and their statistics through the monitor's reader."""
    found, listing = await collect.listing(client)
    listing = listing or await collect.namespace_details(client, found)
    statistics, counting = await collect.statistics(client, found, chargeback.report_start(time.time()))
    links = await collect.links(client)
    failures = tuple(f for f in (listing, counting, links.summary("links")) if f is not None)
    return SystemRead(found, statistics, links.values, failures)


@pytest.fixture
def reader() -> Callable[[HcpClient], Any]:
    """``await reader(client)``: a :class:`SystemRead` of one system."""
    return read_system
