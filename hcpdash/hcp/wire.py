"""The wire: one request to one node address, the whole answer read, failures named.

Requests go to ``<scheme>://<address>:<port>`` on a keep-alive connection to that node,
with ``Host`` and the TLS server name set to the FQDN. Every outcome is recorded in the
node pool (latency, errors, ejection); a failure says whether the request may have
reached HCP, which decides whether it can be repeated.
"""

from __future__ import annotations

import ssl
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import h11
import httpcore

from hcpdash import __version__
from hcpdash.config import SystemConfig
from hcpdash.hcp import errors as e
from hcpdash.hcp.deadlines import Deadlines
from hcpdash.hcp.http11 import BodyTooLarge
from hcpdash.hcp.network import AttemptTrace, current_attempt
from hcpdash.hcp.pool import NodePool
from hcpdash.hcp.probing import NODE_STATES, describe
from hcpdash.hcp.request import HcpRequest
from hcpdash.hcp.transport import NodeConnections, ssl_context

__all__ = ["Failed", "Headers", "Response", "Wire", "decoded"]

_USER_AGENT = f"hcpdash/{__version__}".encode("ascii")


class Headers(Mapping[str, str]):
    """Response headers by case-insensitive name; a repeated header's values joined by ``, ``.

    Kept as bytes and decoded when read: an answer carries a dozen headers and hcpdash
    reads three or four of them."""

    __slots__ = ("_items",)

    def __init__(self, raw: Sequence[tuple[bytes, bytes]]) -> None:
        items = {name.lower(): value for name, value in raw}
        if len(items) != len(raw):                  # a repeated header
            items = {}
            for name, value in raw:
                key = name.lower()
                items[key] = items[key] + b", " + value if key in items else value
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower().encode("latin-1")].decode("latin-1")

    def get(self, name: str, default: Any = None) -> Any:
        value = self._items.get(name.lower().encode("latin-1"))
        return default if value is None else value.decode("latin-1")

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower().encode("latin-1") in self._items

    def __iter__(self) -> Iterator[str]:
        return (name.decode("latin-1") for name in self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer from one node."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    address: str
    elapsed_s: float


class Failed(Exception):
    """No answer from a node: ``connect`` (never sent), ``timeout`` or ``lost`` (maybe sent)."""

    def __init__(self, kind: Literal["connect", "timeout", "lost"], detail: str, *, sent: bool) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.sent = kind, detail, sent


class Wire:
    def __init__(self, system: SystemConfig, pool: NodePool, max_body_bytes: int,
                 clock: Callable[[], float]) -> None:
        self._system = system
        self._pool = pool
        self._clock = clock
        self.max_body_bytes = max_body_bytes
        budget = system.connections
        self._connections = NodeConnections(ssl_context(system.tls), budget.connect_timeout)
        self._total_timeout = budget.connect_timeout + budget.read_timeout
        self._deadlines = Deadlines()

    async def aclose(self) -> None:
        self._deadlines.close()
        await self._connections.aclose()

    async def send(self, request: HcpRequest, address: str, deadline: float) -> Response:
        """Send ``request`` to ``address``; raise :class:`Failed` when no answer came back."""
        trace = AttemptTrace()
        host, port = address.encode("ascii"), request.port
        started = time.perf_counter()
        token = current_attempt.set(trace)
        try:
            # One deadline for the whole exchange (connect, send, answer), the request's own
            # share of its caller's deadline: no timer per read or write.
            with self._deadlines.within(max(0.0, min(self._total_timeout, deadline - self._clock()))):
                connection = await self._connections.open(request.https, host, port, request.host, trace)
                try:
                    answer = await connection.exchange(request.method.encode("ascii"), request.target,
                                                       request.header_list(_USER_AGENT), self.max_body_bytes)
                finally:
                    await self._connections.release(host, port, connection)
            headers = Headers(answer.headers)
            body = decoded(answer.body, headers.get("content-encoding", "identity"), self.max_body_bytes,
                           request.resource)
        except BodyTooLarge:
            self._pool.record_error(address, "response too large")
            raise _too_large(self.max_body_bytes, request.resource) from None
        except e.ParseError:
            self._pool.record_error(address, "response too large or undecodable")
            raise
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, h11.ProtocolError,
                TimeoutError, OSError, ssl.SSLError) as exc:
            raise self._failure(address, exc, trace, request) from None
        finally:
            current_attempt.reset(token)
        ended = time.perf_counter()
        status = answer.status
        if status == 503 or (request.api == "plain" and status == 541):
            self._pool.record_failure(address, f"HTTP {status}")
        elif status >= 500 and status not in NODE_STATES:
            self._pool.record_error(address, f"HTTP {status}", ended - (trace.sent_at or started))
        else:
            self._pool.record_success(address, ended - (trace.sent_at or started), trace.connect_s)
        return Response(status, headers, body, address, ended - started)

    def _failure(self, address: str, exc: BaseException, trace: AttemptTrace,
                 request: HcpRequest) -> Failed | e.TlsError | e.NotAnHcp:
        if _is_plain_http_answer(exc):
            self._pool.record_failure(address, "answered without TLS")
            port_name = "MAPI" if request.api == "mapi" else "data"
            return e.NotAnHcp(f"the {port_name} port ({request.port}) of {address} answered without TLS: is this an "
                              f"HCP, is the port right?", system=self._system.name)
        cert_error = _find_cause(exc, ssl.SSLCertVerificationError)
        if cert_error is not None:
            ca_file = self._system.tls.ca_file
            trust = f"tls.ca_file ({ca_file})" if ca_file else "the default trust store (set tls.ca_file)"
            reason = getattr(cert_error, "verify_message", None) or "verification failed"
            return e.TlsError(f"the certificate of {address} for {self._system.admin_host} did not verify "
                              f"against {trust}: {reason}", system=self._system.name)
        sent = trace.sent_at is not None
        kind: Literal["connect", "timeout", "lost"]
        if isinstance(exc, (httpcore.TimeoutException, TimeoutError)):
            kind, detail = "timeout", f"{address}: timed out ({type(exc).__name__})"
        elif trace.answered_at is not None:
            kind, detail = "lost", f"{address}: response truncated, connection closed mid-body ({describe(exc)})"
        elif sent:
            kind, detail = "lost", f"{address}: connection lost before an answer ({describe(exc)})"
        else:
            kind, detail = "connect", f"{address}: cannot connect ({describe(exc)})"
        if kind == "timeout" and sent:
            self._pool.record_error(address, detail)  # a slow answer: the resource is slow, the node is up
        else:
            self._pool.record_failure(address, detail)
        return Failed(kind, detail, sent=sent)


def decoded(body: bytes, encoding: str, limit: int, resource: str) -> bytes:
    """The body without its Content-Encoding (hcpdash asks for identity; gzip and deflate are
    tolerated), inflated no further than ``limit`` bytes."""
    encoding = encoding.strip().lower()
    if encoding == "identity":
        return body
    if encoding not in ("gzip", "deflate"):
        raise e.ParseError(f"unsupported Content-Encoding {encoding!r}", resource=resource)
    try:
        inflated = zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(body, limit + 1)
    except zlib.error as exc:
        raise e.ParseError(f"undecodable {encoding} body ({exc})", resource=resource) from None
    if len(inflated) > limit:
        raise _too_large(limit, resource)
    return inflated


def _too_large(limit: int, resource: str) -> e.ParseError:
    return e.ParseError(f"response larger than {limit} bytes; refused", resource=resource)


def _is_plain_http_answer(exc: BaseException) -> bool:
    """The TLS handshake got plain HTTP back (OpenSSL's WRONG_VERSION_NUMBER)."""
    cause = _find_cause(exc, ssl.SSLError)
    reason = getattr(cause, "reason", None) if cause is not None else None
    return reason == "WRONG_VERSION_NUMBER" or "WRONG_VERSION_NUMBER" in str(exc)


def _find_cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
