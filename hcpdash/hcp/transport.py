"""Transport pieces behind HcpClient: per-node pools, slots, request tracing, TLS context."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import ssl
import sys
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import anyio
import anyio.abc
import httpcore
from httpcore._backends.anyio import AnyIOBackend, AnyIOStream
from httpcore._utils import is_socket_readable

from hcpdash.config import TlsSettings
from hcpdash.hcp.errors import TlsError

__all__ = ["AddressSlots", "AttemptTrace", "NodeTransports", "ssl_context"]

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

    __slots__ = ("limit", "in_use", "_changed", "_waiting")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._changed = asyncio.Condition()
        self._waiting = 0

    @property
    def free(self) -> bool:
        return self.in_use < self.limit

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        if not self._waiting and self.in_use < self.limit:
            self.in_use += 1                        # free and nobody queued: no lock needed
        else:
            self._waiting += 1
            try:
                async with self._changed:
                    await self._changed.wait_for(lambda: self.in_use < self.limit)
                    self.in_use += 1
            finally:
                self._waiting -= 1
        try:
            yield
        finally:
            self.in_use -= 1
            if self._waiting:
                async with self._changed:
                    self._changed.notify()


class _NodeStream(AnyIOStream):
    """httpcore's anyio stream, cheaper per call: the raw socket is looked up once (httpcore
    asks whether an idle connection is readable every time a pool hands one out), and the
    read and write timeouts are asyncio timeouts rather than anyio cancel scopes. Errors are
    mapped exactly as :class:`httpcore.AnyIOStream` maps them."""

    __slots__ = ("_socket",)

    def __init__(self, stream: anyio.abc.ByteStream) -> None:
        super().__init__(stream)
        self._socket = stream.extra(anyio.abc.SocketAttribute.raw_socket, None)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._stream.receive(max_bytes=max_bytes)
        except anyio.EndOfStream:
            return b""
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(exc) from exc
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise httpcore.ReadError(exc) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                await self._stream.send(item=buffer)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(exc) from exc
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise httpcore.WriteError(exc) from exc

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        stream = await super().start_tls(ssl_context, server_hostname, timeout)
        assert isinstance(stream, AnyIOStream)
        return _NodeStream(stream._stream)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return is_socket_readable(self._socket)
        if info == "socket":
            return self._socket
        return super().get_extra_info(info)


class _NodeBackend(AnyIOBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        stream = await super().connect_tcp(host, port, timeout, local_address, socket_options)
        assert isinstance(stream, AnyIOStream)
        return _NodeStream(stream._stream)


class NodeTransports:
    """One small httpcore pool per node origin, shared by all of a client's requests.

    httpx caps only totals and its pool scans every connection on every request; per-origin
    pools keep that bookkeeping to the few connections of one node. The caps themselves
    are the client's semaphores: ``total`` reads and ``actions`` actions in flight, and
    the per-address slots. The client hands ``httpcore.Request`` objects straight to these
    pools (configured as httpx's default transport would configure them), skipping httpx's
    request and response models on the hot path.
    """

    def __init__(self, context: ssl.SSLContext, per_origin: int) -> None:
        self._context = context
        self._per_origin = per_origin
        self._pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}
        self._backend = _NodeBackend()

    def pool(self, scheme: bytes, host: bytes, port: int | None) -> httpcore.AsyncConnectionPool:
        key = (scheme, host, port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpcore.AsyncConnectionPool(
                ssl_context=self._context, max_connections=self._per_origin,
                max_keepalive_connections=self._per_origin, keepalive_expiry=60.0, http1=True, http2=False,
                retries=0, network_backend=self._backend)
        return pool

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
