"""HcpClient: all requests to one HCP system, coordinated over named parts.

- :class:`~hcpdash.hcp.request.HcpRequest` — the request as one frozen value;
- :class:`~hcpdash.hcp.addresses.AddressBook` — which node addresses exist (DNS, TTL);
- :class:`~hcpdash.hcp.pool.NodePool` — their health, latency and rotation;
- :class:`~hcpdash.hcp.probing.NodeProber` — ``/node_status`` probes and re-admission;
- :class:`~hcpdash.hcp.transport.InFlight` — the connection budget and the address picked;
- :class:`~hcpdash.hcp.wire.Wire` — send, read, decode and name the failure.

The client only decides what happens next: reads are retried on another node, a
replication action is sent at most once after it may have reached HCP.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hcpdash.config import DataAccess, SecretError, SystemConfig
from hcpdash.hcp import errors as e
from hcpdash.hcp.addresses import AddressBook
from hcpdash.hcp.auth import hcp_authorization
from hcpdash.hcp.dns import AddressResolver, make_resolver
from hcpdash.hcp.models import NodeStatus
from hcpdash.hcp.pool import NodePool, PoolSnapshot
from hcpdash.hcp.probing import NodeProber
from hcpdash.hcp.request import Api, HcpRequest
from hcpdash.hcp.transport import InFlight
from hcpdash.hcp.wire import Failed, Response, Wire

__all__ = ["HcpClient", "Response", "RetryPolicy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of idempotent reads: bounded attempts, bounded total time, jittered back-off."""

    attempts: int = 4
    base_delay_s: float = 0.05
    max_delay_s: float = 1.0
    deadline_s: float = 30.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0.5, 1.0) * min(self.max_delay_s, self.base_delay_s * 2 ** attempt)


class HcpClient:
    """All requests to one HCP system. Use as ``async with HcpClient(system) as client``.

    ``clock`` (monotonic seconds) drives DNS TTLs, probe back-off and retry deadlines;
    tests inject one to move time without waiting.
    """

    def __init__(self, system: SystemConfig, *, resolver: AddressResolver | None = None,
                 retry: RetryPolicy = RetryPolicy(), max_body_bytes: int = 32 * 1024 * 1024,
                 eject_after: int = 2, probe_base_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 remembered: Callable[[], tuple[str, ...]] = tuple) -> None:
        self.system = system
        self.name = system.name
        self.retry = retry
        self.clock = clock
        self.retries = 0
        """Requests sent again (to another node) after a failed attempt."""
        self.pool = NodePool(system.name, eject_after=eject_after, probe_base_s=probe_base_s, clock=clock,
                             latency_window_s=system.thresholds.latency_window_s)
        self.addresses = AddressBook(system.name, system.admin_host, system.discovery,
                                     resolver or make_resolver(system.discovery), self.pool, clock, remembered)
        self.prober = NodeProber(system, self.pool)
        self.in_flight = InFlight(system.connections, self.pool)
        self.wire = Wire(system, self.pool, max_body_bytes, clock)
        self._authorization: str | None = None
        self._data_authorizations: dict[DataAccess, str] = {}
        self._attribution = Attribution(self.name)

    async def __aenter__(self) -> HcpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.addresses.aclose()
        await self.prober.aclose()
        await self.wire.aclose()

    @property
    def connection_cap(self) -> int:
        """How many reads may be in flight at once (the budget a reader fills)."""
        return self.in_flight.cap

    def snapshot(self) -> PoolSnapshot:
        return self.pool.snapshot()

    def attributed(self) -> Attribution:
        """``with client.attributed():`` names this system on any :class:`HcpError` raised inside."""
        return self._attribution

    async def refresh_addresses(self) -> tuple[str, ...]:
        """Resolve now (on demand), whatever the TTL; returns the last answer's addresses (empty
        while only remembered addresses are in rotation)."""
        await self.addresses.ensure(force=True)
        return self.addresses.answer

    async def probe(self, address: str) -> NodeStatus:
        return await self.prober.probe(address)

    async def probe_all(self) -> tuple[NodeStatus, ...]:
        """Probe every known address (ejected ones too) concurrently."""
        await self.addresses.ensure()
        return tuple(await asyncio.gather(*(self.prober.probe(a) for a in self.pool.addresses)))

    def authorization(self) -> str:
        if self._authorization is None:
            creds = self.system.credentials
            self._authorization = _authorization(creds.username, creds.password, "credentials.password", self.name)
        return self._authorization

    def data_authorization(self, access: DataAccess) -> str:
        """The ``Authorization`` value for a ``data_access`` entry (password resolved once)."""
        value = self._data_authorizations.get(access)
        if value is None:
            value = _authorization(access.username, access.password, "data_access.password", self.name)
            self._data_authorizations[access] = value
        return value

    async def request(self, method: str, path: str, *, host: str, port: int, api: Api,
                      params: Mapping[str, str] | str | None = None, headers: Mapping[str, str] | None = None,
                      idempotent: bool | None = None, resource: str | None = None) -> Response:
        """Send one request to the next node in rotation; retry idempotent ones elsewhere.

        Returns the response whatever its status, except 5xx after retries (:class:`Unavailable`).
        """
        request = HcpRequest(method, path, host, port, api, params, headers or {},
                             method in ("GET", "HEAD", "OPTIONS") if idempotent is None else idempotent,
                             resource or path)
        with self.attributed():
            return await self.send(request)

    async def send(self, request: HcpRequest) -> Response:
        deadline = self.clock() + self.retry.deadline_s
        tried: list[str] = []
        failure: Failed | None = None
        response: Response | None = None
        for attempt in range(self.retry.attempts):
            if attempt:
                delay = self.retry.delay(attempt - 1)
                if self.clock() + delay > deadline:
                    break
                self.retries += 1
                why = failure.detail if response is None and failure is not None else \
                    f"HTTP {response.status if response is not None else '?'}"
                log.info("%s: retrying %s %s in %.2f s (attempt %d of %d): %s", self.name, request.method,
                         request.resource, delay, attempt + 1, self.retry.attempts, why)
                await asyncio.sleep(delay)
            if not self.addresses.ready():
                await self.addresses.ensure()
            self.prober.start_due()
            try:
                address = await self.in_flight.acquire(request.idempotent, tried, request.resource)
                try:
                    response = await self.wire.send(request, address, deadline)
                finally:
                    await self.in_flight.release(request.idempotent, address)
            except Failed as exc:
                failure, response = exc, None
                self.addresses.resolve_soon()
                if exc.sent and not request.idempotent:
                    raise e.OutcomeUnknown(
                        f"{request.method} may have reached HCP but the answer was lost ({exc.detail}); "
                        "it was not repeated: re-read the resource to see its state",
                        resource=request.resource) from None
                continue
            if response.status in (500, 503) and request.idempotent:
                continue
            return response
        if response is not None:
            raise _unavailable(response, request.resource)
        assert failure is not None
        if self.pool.unreachable:
            detail = f"unreachable: every node address is failing (last: {failure.detail})"
        else:
            detail = f"no node answered after {len(tried)} attempt(s) (last: {failure.detail})"
        if failure.kind == "timeout":
            raise e.Timeout(detail, resource=request.resource)
        raise e.Unavailable(detail, resource=request.resource)


class Attribution:
    """Names a system on the :class:`HcpError` leaving its block. A plain reusable object, not
    a generator-based context manager: every request enters one or two."""

    __slots__ = ("system",)

    def __init__(self, system: str) -> None:
        self.system = system

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if isinstance(exc, e.HcpError) and exc.system is None:
            exc.system = self.system


def _authorization(username: str, password: Any, option: str, system: str) -> str:
    try:
        secret = password.resolve()
    except SecretError as exc:
        raise e.AuthenticationError(f"cannot read the password: {exc}", hint=f"check {option}",
                                    system=system) from None
    return hcp_authorization(username, secret)


def _unavailable(response: Response, resource: str) -> e.Unavailable:
    message = response.headers.get("X-HCP-ErrorMessage")
    detail = f" ({message})" if message else ""
    return e.Unavailable(f"HCP answered {response.status} on every attempt{detail}; try again later",
                         resource=resource, status=response.status)
