"""A node connection over a loopback socket: reused while HTTP/1.1 allows, dropped when the
node closed it or said so, and an answer that is too large or not HTTP is an error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import h11
import pytest

from hcpdash.hcp.http11 import BodyTooLarge, NodeConnection
from hcpdash.hcp.network import AsyncioBackend

HEADERS = [(b"Host", b"admin.hcp.example"), (b"User-Agent", b"hcpdash-test")]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"


class Node:
    """A loopback server answering each request with the next of ``answers``."""

    def __init__(self, answers: list[bytes], close_after: int | None = None) -> None:
        self.answers = answers
        self.close_after = close_after
        self.connections = 0
        self.closed = asyncio.Event()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while self.answers:
                if not await reader.readuntil(b"\r\n\r\n"):
                    break
                writer.write(self.answers.pop(0))
                await writer.drain()
                served += 1
                if self.close_after is not None and served >= self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()
        self.closed.set()


@pytest.fixture
async def node_factory() -> AsyncIterator[Callable[..., Awaitable[tuple[Node, NodeConnection]]]]:
    servers: list[asyncio.Server] = []

    async def start(answers: list[bytes], close_after: int | None = None) -> tuple[Node, NodeConnection]:
        node = Node(answers, close_after)
        server = await asyncio.start_server(node.serve, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        return node, NodeConnection(stream)

    yield start
    for server in servers:
        server.close()


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_keep_alive_connection_carries_several_requests(node_factory) -> None:
    node, connection = await node_factory([OK, b"HTTP/1.1 204 No Content\r\n\r\n"])
    first = await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    assert (first.status, first.body) == (200, b"hello") and connection.reusable(60)
    second = await connection.exchange(b"GET", b"/node_status", HEADERS, 1000)
    assert (second.status, second.body) == (204, b"") and node.connections == 1
    await connection.aclose()


async def test_a_chunked_answer_is_read_whole(node_factory) -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    _, connection = await node_factory([chunked])
    answer = await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    assert answer.body == b"abcde" and connection.reusable(60)
    await connection.aclose()


async def test_an_idle_connection_the_node_closed_is_not_reused(node_factory) -> None:
    node, connection = await node_factory([OK], close_after=1)
    await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    await asyncio.wait_for(node.closed.wait(), 5)
    await until(lambda: not connection.reusable(60))
    await connection.aclose()


async def test_connection_close_or_expiry_ends_reuse(node_factory) -> None:
    _, connection = await node_factory([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"])
    answer = await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    assert answer.body == b"ok" and not connection.reusable(60)
    await connection.aclose()
    _, connection = await node_factory([OK])
    await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    assert connection.reusable(60) and not connection.reusable(0)
    await connection.aclose()


async def test_a_body_past_the_limit_is_refused_and_the_connection_dropped(node_factory) -> None:
    _, connection = await node_factory([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100])
    with pytest.raises(BodyTooLarge):
        await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 10)
    assert not connection.reusable(60)
    await connection.aclose()


async def test_an_answer_that_is_not_http_is_a_protocol_error(node_factory) -> None:
    _, connection = await node_factory([b"SSH-2.0-OpenSSH_9.2\r\n\r\n"])
    with pytest.raises(h11.RemoteProtocolError):
        await connection.exchange(b"GET", b"/mapi/tenants", HEADERS, 1000)
    assert not connection.reusable(60)
    await connection.aclose()
