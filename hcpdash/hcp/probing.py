"""Node status probes: ``/node_status`` per address, and re-admission of ejected nodes."""

from __future__ import annotations

import asyncio
import time

import httpx

from hcpdash.config import SystemConfig
from hcpdash.hcp.models import NodeState, NodeStatus
from hcpdash.hcp.pool import NodePool

__all__ = ["NodeProber", "describe"]

NODE_STATES = {204: NodeState.UP, 403: NodeState.DISABLED, 540: NodeState.READ_ONLY, 541: NodeState.UNAVAILABLE}


class NodeProber:
    """Probes node addresses and records the outcome in the pool."""

    def __init__(self, system: SystemConfig, pool: NodePool) -> None:
        self._system = system
        self._pool = pool
        budget = system.connections
        self._timeout = budget.connect_timeout + budget.read_timeout
        self._http: httpx.AsyncClient | None = None
        self._running: dict[str, asyncio.Task[NodeStatus]] = {}

    async def aclose(self) -> None:
        for task in self._running.values():
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
        self._running.clear()
        if self._http is not None:
            await self._http.aclose()

    def _client(self) -> httpx.AsyncClient:
        """The probes' HTTP client, made at the first probe: a command that probes no node
        (``hcpdash namespaces``) neither builds its TLS context nor waits to close it."""
        if self._http is None:
            budget = self._system.connections
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(connect=budget.connect_timeout, read=budget.read_timeout,
                                      write=budget.read_timeout, pool=budget.pool_timeout),
                trust_env=False, follow_redirects=False,
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=0))
        return self._http

    async def probe(self, address: str) -> NodeStatus:
        """``GET http://<address>:<node_status port>/node_status``, timed into the pool.

        A node that answers 204, 403 (service disabled) or 540 (read-only) is reachable
        and re-admitted if it was ejected; 541 and no answer count against it.
        """
        url_host = f"[{address}]" if ":" in address else address
        url = f"http://{url_host}:{self._system.ports.node_status}/node_status"
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                reply = await self._client().get(url)
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            elapsed = time.perf_counter() - started
            detail = describe(exc)
            self._pool.record_probe(address, False, elapsed, f"node_status: {detail}")
            return NodeStatus(address, NodeState.UNREACHABLE, None, elapsed, detail)
        elapsed = time.perf_counter() - started
        state = NODE_STATES.get(reply.status_code, NodeState.UNKNOWN)
        ok = state in (NodeState.UP, NodeState.DISABLED, NodeState.READ_ONLY)
        self._pool.record_probe(address, ok, elapsed, None if ok else f"node_status answered {reply.status_code}")
        return NodeStatus(address, state, reply.status_code, elapsed)

    async def readmission_probe(self, address: str) -> NodeStatus:
        """``/node_status``; if that port gives no answer at all (often firewalled), a TCP
        connect to the MAPI port decides whether the node is back."""
        status = await self.probe(address)
        if status.state is not NodeState.UNREACHABLE:
            return status
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._system.connections.connect_timeout):
                _reader, writer = await asyncio.open_connection(address, self._system.ports.mapi)
            writer.close()
            await writer.wait_closed()
        except (OSError, TimeoutError):
            return status
        self._pool.record_probe(address, True, time.perf_counter() - started)
        return status

    def start_due(self) -> None:
        """Start a re-admission probe for each ejected address whose probe is due."""
        for address in self._pool.due_for_probe():
            if address not in self._running:
                task = asyncio.get_running_loop().create_task(self.readmission_probe(address))
                self._running[address] = task
                task.add_done_callback(lambda _t, a=address: self._running.pop(a, None))

    async def settled(self) -> None:
        """Wait until the probes running now have finished (for tests and shutdown)."""
        await asyncio.gather(*list(self._running.values()), return_exceptions=True)


def describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__
