"""A small HTTP/1.1 server: h11 state machines on asyncio streams, keep-alive, TLS optional.

One :class:`Listener` serves one address and port; the application is an async
function from :class:`Request` to :class:`Response`. A listener can be closed (its
socket and every open connection) and opened again on the same port, which is how a
node goes down and comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

import h11

log = logging.getLogger(__name__)

__all__ = ["Listener", "Request", "Response", "http_date"]

_MAX_BODY = 1 << 20
_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


@dataclass(slots=True)
class Request:
    method: str
    target: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    scheme: str
    local_address: str
    local_port: int

    @property
    def host(self) -> str:
        """The Host header without a port, lower-cased."""
        host = self.headers.get("host", "")
        if host.startswith("["):
            return host[1:host.find("]")].lower()
        return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    #: close the connection after reading the request, without answering
    drop: bool = False
    #: send the headers and half the body, then close
    truncate: bool = False


Application = Callable[[Request], Awaitable[Response]]


def _parse_target(target: str) -> tuple[str, dict[str, str]]:
    path, _, query = target.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    return unquote(path), params


class Listener:
    """One listening socket plus its open connections."""

    def __init__(self, app: Application, host: str, port: int, ssl_context: ssl.SSLContext | None,
                 on_connect: Callable[[], None] | None = None, on_close: Callable[[], None] | None = None) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.on_connect = on_connect
        self.on_close = on_close
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def serving(self) -> bool:
        return self._server is not None

    async def open(self) -> int:
        """Bind (``port`` 0 picks a free one) and return the bound port."""
        self._server = await asyncio.start_server(
            self._connection, self.host, self.port, ssl=self.ssl_context, reuse_address=True,
            backlog=512, ssl_handshake_timeout=10 if self.ssl_context else None)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        """Stop listening and abort every open connection (clients see a reset)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        # Aborted transports end each connection's read with an error; wait for them to
        # finish, then cancel those held by an injected stall or latency (no read to end
        # them), so none is left pending when the loop closes.
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        if tasks:
            _, stalled = await asyncio.wait(tasks, timeout=0.5)
            for task in stalled:
                task.cancel()
            if stalled:
                await asyncio.wait(stalled, timeout=2)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._server is None:
            # A TLS handshake that was under way when the node went down completes after
            # close(); the node is down, so this connection is refused too.
            writer.transport.abort()
            return
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._writers.add(writer)
        if self.on_connect is not None:
            self.on_connect()
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            if self.on_close is not None:
                self.on_close()
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        scheme = "https" if self.ssl_context else "http"
        while True:
            try:
                event = await self._next(conn, reader)
                if isinstance(event, h11.ConnectionClosed) or event is None:
                    return
                assert isinstance(event, h11.Request)
                body = bytearray()
                while True:
                    part = await self._next(conn, reader)
                    if isinstance(part, h11.Data):
                        body += part.data
                        if len(body) > _MAX_BODY:
                            raise h11.RemoteProtocolError("body too large", error_status_hint=413)
                    elif isinstance(part, h11.EndOfMessage):
                        break
                    else:
                        return
            except h11.RemoteProtocolError as exc:
                with contextlib.suppress(Exception):
                    self._write(writer, conn, Response(exc.error_status_hint, [("Content-Length", "0")]))
                    await writer.drain()
                return
            target = event.target.decode("latin-1")
            path, query = _parse_target(target)
            headers: dict[str, str] = {}
            for name, value in event.headers:
                key = name.decode("latin-1")
                text = value.decode("latin-1")
                headers[key] = f"{headers[key]}; {text}" if key == "cookie" and key in headers else text
            sockname = writer.get_extra_info("sockname") or (self.host, self.port)
            request = Request(event.method.decode("ascii"), target, path, query, headers, bytes(body), scheme,
                              sockname[0], sockname[1])
            try:
                response = await self.app(request)
            except Exception:  # noqa: BLE001 - a bug in one resource must not kill the connection loop
                log.exception("error answering %s %s", request.method, request.target)
                response = Response(500, [("X-HCP-ErrorMessage", "Internal simulator error.")])
            if response.drop:
                writer.transport.abort()
                return
            if response.truncate:
                self._write(writer, conn, response, truncate=True)
                await writer.drain()
                writer.transport.abort()
                return
            if request.method == "HEAD":
                response.headers.append(("Content-Length", str(len(response.body))))
                response.body = b""
            self._write(writer, conn, response)
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    @staticmethod
    async def _next(conn: h11.Connection, reader: asyncio.StreamReader) -> h11.Event | None:
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event  # type: ignore[return-value]
            data = await reader.read(65536)
            if not data and conn.their_state is h11.IDLE:
                return None
            conn.receive_data(data)

    @staticmethod
    def _write(writer: asyncio.StreamWriter, conn: h11.Connection, response: Response, truncate: bool = False) -> None:
        headers = [("Date", http_date()), *response.headers]
        if not any(k.lower() == "content-length" for k, _ in response.headers):
            headers.append(("Content-Length", str(len(response.body))))
        out = conn.send(h11.Response(status_code=response.status, headers=headers, reason=_reason(response.status)))
        if truncate:
            writer.write(out + response.body[: len(response.body) // 2])
            return
        if response.body:
            out += conn.send(h11.Data(data=response.body))
        out += conn.send(h11.EndOfMessage())
        writer.write(out)


_REASONS = {200: b"OK", 204: b"No Content", 302: b"Found", 400: b"Bad Request", 401: b"Unauthorized",
            403: b"Forbidden", 404: b"Not Found", 405: b"Method Not Allowed", 409: b"Conflict",
            413: b"Payload Too Large", 414: b"URI Too Long", 415: b"Unsupported Media Type",
            500: b"Internal Server Error", 503: b"Service Unavailable", 540: b"System is in Read Only mode",
            541: b"Node is not available"}


def _reason(status: int) -> bytes:
    return _REASONS.get(status, b"")
