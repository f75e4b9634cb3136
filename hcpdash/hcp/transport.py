"""Connections behind the wire: keep-alive connections per node, the in-flight budget, TLS."""

from __future__ import annotations

import asyncio
import ssl
import time

from hcpdash.config import ConnectionBudget, TlsSettings
from hcpdash.hcp import errors as e
from hcpdash.hcp.deadlines import Deadlines
from hcpdash.hcp.http11 import NodeConnection
from hcpdash.hcp.network import AsyncioBackend, AttemptTrace
from hcpdash.hcp.pool import NodePool

__all__ = ["AddressSlots", "InFlight", "NodeConnections", "ssl_context"]


class AddressSlots:
    """Connections one node address may use at once; the limit follows the node count."""

    __slots__ = ("limit", "in_use", "_changed", "_waiting")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._changed = asyncio.Condition()
        self._waiting = 0

    @property
    def free(self) -> bool:
        return self.in_use < self.limit

    async def acquire(self) -> None:
        """Take a slot, waiting for one while the address is at its limit; :meth:`release` gives it back."""
        if not self._waiting and self.in_use < self.limit:
            self.in_use += 1                        # free and nobody queued: no lock needed
            return
        self._waiting += 1
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: self.in_use < self.limit)
                self.in_use += 1
        finally:
            self._waiting -= 1

    async def release(self) -> None:
        self.in_use -= 1
        if self._waiting:
            async with self._changed:
                self._changed.notify()


class InFlight:
    """The connection budget: ``total`` reads and ``actions`` actions in flight, reads spread
    over node addresses so that every node in rotation together stays within ``total`` (no
    idle connection is closed to open one elsewhere)."""

    def __init__(self, budget: ConnectionBudget, pool: NodePool) -> None:
        self._budget = budget
        self._pool = pool
        self._reads = asyncio.Semaphore(budget.total)
        self._actions = asyncio.Semaphore(budget.actions)
        self._per_address: dict[str, AddressSlots] = {}
        self._waits = Deadlines()
        """Bounds the wait for a free place: with every connection busy, most requests wait."""

    @property
    def cap(self) -> int:
        """How many reads may be in flight at once."""
        return max(1, len(self._pool.in_rotation()) * self.per_address_limit())

    def per_address_limit(self) -> int:
        nodes = max(1, len(self._pool.in_rotation()))
        return max(1, min(self._budget.per_node, self._budget.total // nodes))

    async def acquire(self, idempotent: bool, tried: list[str], resource: str) -> str:
        """A free place for one request and the address it goes to (appended to ``tried``);
        every address returned is given back with :meth:`release`.

        Plain methods rather than a context manager: every request passes here, and a
        generator-based one costs more than the bookkeeping it wraps."""
        budget = self._reads if idempotent else self._actions
        if budget.locked():
            try:
                with self._waits.within(self._budget.pool_timeout):
                    await budget.acquire()
            except TimeoutError:
                raise e.Timeout(f"no free connection within {self._budget.pool_timeout:g} s "
                                "(connections.pool_timeout)", resource=resource) from None
        else:
            await budget.acquire()                  # free: returns at once, nothing to time out
        try:
            address = self._pick(tried, wait_free=idempotent)
            if address is None:
                raise e.Unavailable("no node address known", resource=resource)
            tried.append(address)
            if idempotent:
                limit = self.per_address_limit()
                slots = self._per_address.get(address)
                if slots is None:
                    slots = self._per_address[address] = AddressSlots(limit)
                slots.limit = limit
                await slots.acquire()
        except BaseException:
            budget.release()
            raise
        return address

    async def release(self, idempotent: bool, address: str) -> None:
        """Give back what :meth:`acquire` took for ``address``."""
        if idempotent:
            try:
                await self._per_address[address].release()
            finally:
                self._reads.release()
        else:
            self._actions.release()

    def _pick(self, tried: list[str], wait_free: bool) -> str | None:
        """The next address in rotation, preferring one with a free connection slot."""
        first = self._pool.choose(exclude=tried)
        if first is None or not wait_free:
            return first
        for _ in range(len(self._pool.in_rotation())):
            slots = self._per_address.get(first)
            if slots is None or slots.free:
                return first
            candidate = self._pool.choose(exclude=tried)
            if candidate is None:
                break
            first = candidate
        return first


class NodeConnections:
    """Keep-alive HTTP/1.1 connections to node origins.

    :class:`InFlight` already caps how many requests go to each address, so this keeps
    only the idle connections for reuse (the most recent first) and opens one when none is
    idle; a connection the node closed, or idle past ``keepalive_expiry``, is dropped.
    """

    def __init__(self, context: ssl.SSLContext, connect_timeout: float, keepalive_expiry: float = 60.0) -> None:
        self._context = context
        self._connect_timeout = connect_timeout
        self._keepalive_expiry = keepalive_expiry
        self._backend = AsyncioBackend()
        self._idle: dict[tuple[bytes, int], list[NodeConnection]] = {}
        self._open: set[NodeConnection] = set()

    async def open(self, https: bool, host: bytes, port: int, server_name: str | None,
                   trace: AttemptTrace) -> NodeConnection:
        """An idle connection to the origin, or a new one (TLS with ``server_name`` for https)."""
        idle = self._idle.get((host, port))
        while idle:
            connection = idle.pop()
            if connection.reusable(self._keepalive_expiry):
                return connection
            await self._discard(connection)
        trace.connect_started = time.perf_counter()
        stream = await self._backend.connect_tcp(host.decode("ascii"), port, timeout=self._connect_timeout)
        if https:
            stream = await stream.start_tls(self._context, server_hostname=server_name, timeout=self._connect_timeout)
        trace.connect_done = time.perf_counter()
        connection = NodeConnection(stream)
        self._open.add(connection)
        return connection

    async def release(self, host: bytes, port: int, connection: NodeConnection) -> None:
        """After an exchange, finished or not: keep the connection if it can carry another.
        Whether the node closed it since is asked when it is next taken (:meth:`open`)."""
        if connection.idle:
            self._idle.setdefault((host, port), []).append(connection)
        else:
            await self._discard(connection)

    async def _discard(self, connection: NodeConnection) -> None:
        self._open.discard(connection)
        await connection.aclose()

    async def aclose(self) -> None:
        connections, self._open, self._idle = list(self._open), set(), {}
        for connection in connections:
            await connection.aclose()


def ssl_context(tls: TlsSettings) -> ssl.SSLContext:
    """Verification against ``tls.ca_file`` or the default trust store; off only when
    ``tls.verify`` is explicitly false. An unusable CA file is a :class:`TlsError`."""
    if not tls.verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if tls.ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(tls.ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise e.TlsError(f"cannot load tls.ca_file {tls.ca_file}: {exc.strerror or exc}") from None
