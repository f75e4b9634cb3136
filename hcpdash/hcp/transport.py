"""Transport pieces behind HcpClient: per-node pools, slots, request tracing, TLS context."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import importlib.util
import ssl
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from hcpdash.config import TlsSettings
from hcpdash.hcp.errors import TlsError

__all__ = ["AddressSlots", "AttemptTrace", "NoCookies", "NodeTransports", "ssl_context"]

# httpcore tries ``import sniffio`` on every lock it creates (several per request); when
# sniffio is not installed each failed import searches sys.path again, which cost ~0.5 ms
# per request. Recording the absence once makes those imports fail at once.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]



class AttemptTrace:
    """What the httpcore trace told us about one attempt: connect time, whether it was sent."""

    __slots__ = ("connect_started", "connect_done", "sent_at", "answered_at")

    def __init__(self) -> None:
        self.connect_started: float | None = None
        self.connect_done: float | None = None
        self.sent_at: float | None = None
        self.answered_at: float | None = None

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.started":
            self.connect_started = time.perf_counter()
        elif event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.connect_done = time.perf_counter()
        elif event.endswith("send_request_headers.started"):
            self.sent_at = time.perf_counter()
        elif event.endswith("receive_response_headers.complete"):
            self.answered_at = time.perf_counter()

    @property
    def connect_s(self) -> float | None:
        if self.connect_started is None or self.connect_done is None:
            return None
        return self.connect_done - self.connect_started


class AddressSlots:
    """Connections one node address may use at once; the limit follows the node count."""

    __slots__ = ("limit", "in_use", "_changed")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._changed = asyncio.Condition()

    @property
    def free(self) -> bool:
        return self.in_use < self.limit

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_use < self.limit)
            self.in_use += 1
        try:
            yield
        finally:
            self.in_use -= 1
            async with self._changed:
                self._changed.notify()


class NoCookies(http.cookiejar.CookieJar):
    """hcpdash authenticates every request by header and keeps no session: cookies HCP sets
    are ignored (which also spares parsing every response's headers into a cookie jar)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None


class NodeTransports(httpx.AsyncBaseTransport):
    """One small httpcore pool per node origin behind the one httpx client.

    httpx caps only totals and its pool scans every connection on every request; per-origin
    pools keep that bookkeeping to the few connections of one node. The caps themselves
    are the client's semaphores: ``total`` reads and ``actions`` actions in flight, and
    the per-address slots.
    """

    def __init__(self, context: ssl.SSLContext, per_origin: int) -> None:
        self._context = context
        self._per_origin = per_origin
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            limits = httpx.Limits(max_connections=self._per_origin, max_keepalive_connections=self._per_origin,
                                  keepalive_expiry=60.0)
            pool = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._context, limits=limits, trust_env=False)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


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
        raise TlsError(f"cannot load tls.ca_file {tls.ca_file}: {exc.strerror or exc}") from None
