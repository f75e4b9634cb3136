"""An ``httpcore.AsyncNetworkBackend`` on asyncio transports: node connections, cheaply.

httpcore's own asyncio path goes through anyio streams and cancel scopes on every read
and write. Here a connection is one asyncio transport and a small protocol that buffers
what arrives, so a read is a buffer slice or one future, and the protocol knows at once
when a node closed an idle pooled connection (``is_readable``): httpcore then drops it
instead of sending a request into a dead socket. TLS runs on the ssl module's memory
BIOs over that connection. All of it is public API: asyncio's protocols, ``ssl``'s
``SSLObject`` and httpcore's network backend interface and exceptions.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Awaitable, Iterable
from contextvars import ContextVar
from typing import Any

import httpcore

__all__ = ["AsyncioBackend", "AttemptTrace", "current_attempt"]


class AttemptTrace:
    """What one attempt saw: connect time, when the request went out and when the answer
    began. The wire sets it in :data:`current_attempt` around a request; httpcore runs the
    request in the caller's task, so the connection's reads and writes find it there
    (cheaper than httpcore's per-event trace callbacks)."""

    __slots__ = ("connect_started", "connect_done", "sent_at", "answered_at")

    def __init__(self) -> None:
        self.connect_started: float | None = None
        self.connect_done: float | None = None
        self.sent_at: float | None = None
        self.answered_at: float | None = None

    @property
    def connect_s(self) -> float | None:
        if self.connect_started is None or self.connect_done is None:
            return None
        return self.connect_done - self.connect_started


current_attempt: ContextVar[AttemptTrace | None] = ContextVar("current_attempt", default=None)


def _mark_sent() -> None:
    attempt = current_attempt.get()
    if attempt is not None and attempt.sent_at is None:
        attempt.sent_at = time.perf_counter()


def _mark_answered() -> None:
    attempt = current_attempt.get()
    if attempt is not None and attempt.answered_at is None:
        attempt.answered_at = time.perf_counter()


async def _within(timeout: float | None, waiting: Awaitable[None], error: type[Exception], what: str) -> None:
    """Await ``waiting``; past ``timeout`` raise ``error`` (no timer at all without one: the
    wire bounds a whole exchange with one deadline)."""
    if timeout is None:
        await waiting
        return
    try:
        async with asyncio.timeout(timeout):
            await waiting
    except TimeoutError as exc:
        raise error(f"{what} within {timeout} s") from exc


class _Buffered(asyncio.Protocol):
    """Collects received bytes and wakes the one reader waiting for them."""

    __slots__ = ("buffer", "eof", "error", "_readable", "_writable")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        self.resume_writing()

    def pause_writing(self) -> None:
        if self._writable is None:
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        waiter, self._writable = self._writable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake(self) -> None:
        waiter, self._readable = self._readable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def readable(self) -> asyncio.Future[None]:
        """Done when bytes arrive or the peer closes (a future, not a coroutine: one step less per answer)."""
        self._readable = asyncio.get_running_loop().create_future()
        return self._readable

    @property
    def paused(self) -> bool:
        """The transport's buffer is full: wait for :meth:`writable` before sending more."""
        return self._writable is not None

    async def writable(self) -> None:
        if self._writable is not None:
            await asyncio.shield(self._writable)


class _Stream(httpcore.AsyncNetworkStream):
    __slots__ = ("_transport", "_protocol")

    def __init__(self, transport: asyncio.Transport, protocol: _Buffered) -> None:
        self._transport = transport
        self._protocol = protocol

    @property
    def protocol(self) -> _Buffered:
        return self._protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self.receive(max_bytes, timeout)
        if data:
            _mark_answered()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            _mark_sent()
            await self.send(buffer, timeout)

    async def receive(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """The next bytes from the peer (b"" once it closed), not counted as an answer."""
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            if timeout is None:
                await protocol.readable()
            else:
                await _within(timeout, protocol.readable(), httpcore.ReadTimeout, "no data")
        buffer = protocol.buffer
        if buffer:
            if len(buffer) <= max_bytes:
                data = bytes(buffer)
                buffer.clear()
            else:
                data = bytes(buffer[:max_bytes])
                del buffer[:max_bytes]
            return data
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__) from protocol.error
        return b""

    async def send(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send bytes, not counted as the request going out."""
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if self._protocol.paused:
            await _within(timeout, self._protocol.writable(), httpcore.WriteTimeout, "could not send")

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        tls = _TlsStream(self, ssl_context, server_hostname)
        try:
            async with asyncio.timeout(timeout):
                await tls.handshake()
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout(f"TLS handshake not done within {timeout} s") from exc
        except (OSError, ssl.SSLError, httpcore.NetworkError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return tls

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return bool(self._protocol.buffer) or self._protocol.eof
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class _TlsStream(httpcore.AsyncNetworkStream):
    """TLS over a :class:`_Stream` with the ssl module's memory BIOs: a few kilobytes per
    connection, where an asyncio TLS transport keeps a 256 KiB read buffer each."""

    def __init__(self, raw: _Stream, context: ssl.SSLContext, server_hostname: str | None) -> None:
        self._raw = raw
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._ssl = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        self._stash = b""                           # plaintext read ahead by is_readable

    async def _flush(self, timeout: float | None = None) -> None:
        data = self._outgoing.read()
        if data:
            await self._raw.send(data, timeout)

    async def _feed(self, timeout: float | None = None) -> bool:
        data = await self._raw.receive(65536, timeout)
        if not data:
            self._incoming.write_eof()
            return False
        self._incoming.write(data)
        return True

    async def handshake(self) -> None:
        while True:
            try:
                self._ssl.do_handshake()
                break
            except ssl.SSLWantReadError:
                await self._flush()
                if not await self._feed():
                    raise httpcore.ConnectError("the connection closed during the TLS handshake") from None
        await self._flush()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._stash:
            data, self._stash = self._stash[:max_bytes], self._stash[max_bytes:]
            _mark_answered()
            return data
        while True:
            if not self._incoming.pending and not self._ssl.pending():
                # Nothing to decrypt yet (the usual case: the answer is still on its way):
                # wait for bytes instead of letting ssl.read() raise SSLWantReadError.
                if self._outgoing.pending:
                    await self._flush(timeout)
                if not await self._feed(timeout):
                    return b""
            try:
                data = self._ssl.read(max_bytes)
                _mark_answered()
                return data
            except ssl.SSLWantReadError:
                await self._flush(timeout)
                if not await self._feed(timeout):
                    return b""
            except ssl.SSLZeroReturnError:
                return b""
            except ssl.SSLError as exc:
                raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._ssl.write(buffer)                 # into a memory BIO: never wants to wait
        except ssl.SSLError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc
        _mark_sent()
        await self._flush(timeout)

    async def aclose(self) -> None:
        await self._raw.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("TLS is already started on this connection")

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._readable()
        if info == "ssl_object":
            return self._ssl
        return self._raw.get_extra_info(info)

    def _readable(self) -> bool:
        """Whether the peer sent application data or closed: TLS housekeeping that arrived
        while idle (session tickets) is taken in here and does not count."""
        protocol = self._raw.protocol
        if protocol.buffer:
            self._incoming.write(bytes(protocol.buffer))
            protocol.buffer.clear()
        if not self._stash and (self._incoming.pending or self._ssl.pending()):
            try:
                self._stash = self._ssl.read(65536)
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                return True
        return bool(self._stash) or protocol.eof


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """TCP connections as asyncio transports (TCP_NODELAY is asyncio's default)."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Buffered, host, port, local_addr=(local_address, 0) if local_address else None)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock: socket.socket | None = transport.get_extra_info("socket")
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
        return _Stream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
