"""Which node addresses a system has: DNS (or static) answers kept for their TTL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from hcpdash.config import Discovery
from hcpdash.hcp import errors as e
from hcpdash.hcp.dns import AddressResolver
from hcpdash.hcp.pool import NodePool

__all__ = ["AddressBook"]

log = logging.getLogger(__name__)

_STATIC_TTL = float("inf")
_SYSTEM_RESOLVER_TTL = 60.0


class AddressBook:
    """Resolves the admin host into the pool when the last answer expired (never more often
    than ``discovery.min_ttl``); a failed re-resolution keeps the known addresses.

    When DNS fails before it ever answered, the addresses ``remembered`` from earlier runs
    (the node inventory) go into rotation instead: HCP nodes keep their addresses, so a
    DNS outage need not hide the system. :attr:`answer` stays empty then."""

    def __init__(self, system: str, host: str, discovery: Discovery, resolver: AddressResolver, pool: NodePool,
                 clock: Callable[[], float], remembered: Callable[[], tuple[str, ...]] = tuple) -> None:
        self._system, self._host, self._discovery = system, host, discovery
        self._resolver, self._pool, self._clock = resolver, pool, clock
        self._remembered = remembered
        self._lock = asyncio.Lock()
        self._resolved_at = float("-inf")
        self._expires_at = float("-inf")
        self._renewal: asyncio.Task[None] | None = None
        self.answer: tuple[str, ...] = ()
        """The addresses of the last answer DNS (or the static list) gave."""

    async def ensure(self, force: bool = False) -> None:
        """Addresses in the pool for the next request. An expired answer is renewed in the
        background while requests go on to the known addresses: a DNS server that stopped
        answering (a timeout of seconds) must not hold every request up."""
        if force or not self.ready():
            await self._resolve(force)

    def ready(self) -> bool:
        """Whether the pool has addresses to use now (starting the background renewal of an
        expired answer); if not, :meth:`ensure` must resolve first. Every request asks."""
        if not self._pool.addresses:
            return False
        if self._clock() >= self._expires_at and self._renewal is None:
            self._renewal = asyncio.create_task(self._renew())
        return True

    async def _renew(self) -> None:
        try:
            await self._resolve(force=False)
        except e.ResolutionError:
            pass                                    # the pool keeps its addresses and names the error
        finally:
            self._renewal = None

    async def aclose(self) -> None:
        if self._renewal is not None:
            self._renewal.cancel()
            await asyncio.gather(self._renewal, return_exceptions=True)

    async def _resolve(self, force: bool) -> None:
        async with self._lock:
            now = self._clock()
            if not force and self._pool.addresses and now < self._expires_at:
                return
            min_ttl = self._discovery.min_ttl
            try:
                answer = await self._resolver.resolve(self._host)
            except e.ResolutionError as exc:
                self._pool.resolution_error = exc.message
                self._expires_at = now + min_ttl
                if not self._pool.addresses:
                    remembered = self._remembered()
                    if not remembered:
                        raise e.ResolutionError(exc.message, system=self._system) from None
                    log.warning("%s: %s; reading through the %d node addresses remembered from earlier runs",
                                self._system, exc.message, len(remembered))
                    self._pool.update(remembered)
                return
            self._pool.resolution_error = None
            self._pool.update(answer.addresses)
            self.answer = answer.addresses
            ttl = answer.ttl
            if ttl is None:
                ttl = _STATIC_TTL if self._discovery.method == "static" else _SYSTEM_RESOLVER_TTL
            self._resolved_at, self._expires_at = now, now + max(ttl, min_ttl)

    def resolve_soon(self) -> None:
        """After a connection failure: re-resolve at the next request, but not before the floor."""
        self._expires_at = min(self._expires_at, self._resolved_at + self._discovery.min_ttl)
