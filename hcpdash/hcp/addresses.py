"""Which node addresses a system has: DNS (or static) answers kept for their TTL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from hcpdash.config import Discovery
from hcpdash.hcp import errors as e
from hcpdash.hcp.dns import AddressResolver
from hcpdash.hcp.pool import NodePool

__all__ = ["AddressBook"]

_STATIC_TTL = float("inf")
_SYSTEM_RESOLVER_TTL = 60.0


class AddressBook:
    """Resolves the admin host into the pool when the last answer expired (never more often
    than ``discovery.min_ttl``); a failed re-resolution keeps the known addresses."""

    def __init__(self, system: str, host: str, discovery: Discovery, resolver: AddressResolver, pool: NodePool,
                 clock: Callable[[], float]) -> None:
        self._system, self._host, self._discovery = system, host, discovery
        self._resolver, self._pool, self._clock = resolver, pool, clock
        self._lock = asyncio.Lock()
        self._resolved_at = float("-inf")
        self._expires_at = float("-inf")

    async def ensure(self, force: bool = False) -> None:
        if not force and self._pool.addresses and self._clock() < self._expires_at:
            return
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
                    raise e.ResolutionError(exc.message, system=self._system) from None
                return
            self._pool.resolution_error = None
            self._pool.update(answer.addresses)
            ttl = answer.ttl
            if ttl is None:
                ttl = _STATIC_TTL if self._discovery.method == "static" else _SYSTEM_RESOLVER_TTL
            self._resolved_at, self._expires_at = now, now + max(ttl, min_ttl)

    def resolve_soon(self) -> None:
        """After a connection failure: re-resolve at the next request, but not before the floor."""
        self._expires_at = min(self._expires_at, self._resolved_at + self._discovery.min_ttl)
