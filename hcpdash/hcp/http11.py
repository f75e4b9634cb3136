"""One keep-alive HTTP/1.1 connection to a node: h11's state machine over a node stream.

h11 (the HTTP/1.1 parser httpx itself runs on) does the protocol: framing, chunked
bodies, keep-alive and when a connection must close. This module only moves bytes
between it and the stream, with none of a general client's per-request machinery
(request models, locks, traces): a poll cycle of a large system sends thousands of
small requests, and that machinery cost more CPU than the requests themselves.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import h11
import httpcore

__all__ = ["BodyTooLarge", "NodeConnection", "Answer"]

_READ_SIZE = 65536


class BodyTooLarge(Exception):
    """The answer's body grew past the caller's limit; the rest was not read."""


class Answer:
    """Status, raw headers and the body as sent (any Content-Encoding still applied)."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class NodeConnection:
    """A connection that carries one request at a time and is reused while h11 allows it."""

    __slots__ = ("stream", "_protocol", "_idle_since")

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self.stream = stream
        self._protocol = h11.Connection(h11.CLIENT)
        self._idle_since: float | None = None

    @property
    def idle(self) -> bool:
        """The last exchange finished cleanly and h11 allows another on this connection."""
        return self._idle_since is not None

    def reusable(self, keepalive_expiry: float) -> bool:
        """Idle, not idle for too long, and the node has neither closed it nor sent anything
        unasked (either means a request sent on it would be lost)."""
        return (self._idle_since is not None and time.monotonic() - self._idle_since < keepalive_expiry
                and not self.stream.get_extra_info("is_readable"))

    async def exchange(self, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]],
                       max_body_bytes: int) -> Answer:
        """Send a bodiless request and read its whole answer.

        Raises httpcore's network errors from the stream, ``h11.ProtocolError`` for an
        answer that is not HTTP/1.1, :class:`BodyTooLarge` past ``max_body_bytes``."""
        self._idle_since = None
        protocol = self._protocol
        await self.stream.write(protocol.send(h11.Request(method=method, target=target, headers=headers))
                                + (protocol.send(h11.EndOfMessage()) or b""))
        response: h11.Response | None = None
        chunks: list[bytes] = []
        size = 0
        if not protocol.trailing_data[0]:
            # Nothing left over from the last answer, so h11 could only say NEED_DATA: read first.
            protocol.receive_data(await self.stream.read(_READ_SIZE))
        while True:
            event = protocol.next_event()
            kind = type(event)
            if event is h11.NEED_DATA:
                protocol.receive_data(await self.stream.read(_READ_SIZE))
            elif kind is h11.Data:
                chunks.append(event.data)  # type: ignore[union-attr]
                size += len(event.data)  # type: ignore[union-attr]
                if size > max_body_bytes:
                    raise BodyTooLarge(max_body_bytes)
            elif kind is h11.Response:
                response = event  # type: ignore[assignment]
            elif kind is h11.EndOfMessage:
                break
            elif kind is h11.ConnectionClosed:
                raise httpcore.RemoteProtocolError("the node closed the connection without an answer")
            # InformationalResponse (1xx): the final answer follows.
        assert response is not None                 # h11 gives the Response before EndOfMessage
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            self._idle_since = time.monotonic()
        return Answer(response.status_code, response.headers.raw_items(), b"".join(chunks))

    async def aclose(self) -> None:
        self._idle_since = None
        await self.stream.aclose()
