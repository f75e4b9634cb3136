"""HcpClient: one system's node pool, one shared httpx client, timing and retries.

Every request goes to one node address (``https://<ip>:<port>``) with ``Host`` and TLS
SNI/verification set to the FQDN, so the pool, not DNS caching, decides which node
serves it. Reads are retried on another node; a replication action is sent at most
once after it may have reached HCP.
"""

from __future__ import annotations

import asyncio
import logging
import contextlib
import random
import re
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpcore
import httpx
from httpx._decoders import SUPPORTED_DECODERS, ContentDecoder, IdentityDecoder, MultiDecoder

from hcpdash.config import DataAccess, SecretError, SystemConfig
from hcpdash.hcp import errors as e
from hcpdash.hcp.auth import hcp_authorization
from hcpdash.hcp.dns import AddressResolver, make_resolver
from hcpdash.hcp.models import NodeState, NodeStatus
from hcpdash.hcp.pool import NodePool, PoolSnapshot
from hcpdash.hcp.transport import AddressSlots, AttemptTrace, NodeTransports, ssl_context

__all__ = ["HcpClient", "Response", "RetryPolicy"]

Api = Literal["mapi", "proc", "plain"]
log = logging.getLogger(__name__)

_NODE_STATES = {204: NodeState.UP, 403: NodeState.DISABLED, 540: NodeState.READ_ONLY, 541: NodeState.UNAVAILABLE}
_STATIC_TTL = float("inf")
_SYSTEM_RESOLVER_TTL = 60.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of idempotent reads: bounded attempts, bounded total time, jittered back-off."""

    attempts: int = 4
    base_delay_s: float = 0.05
    max_delay_s: float = 1.0
    deadline_s: float = 30.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0.5, 1.0) * min(self.max_delay_s, self.base_delay_s * 2 ** attempt)


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer from one node."""

    status: int
    headers: httpx.Headers
    body: bytes
    address: str
    elapsed_s: float


class _Failed(Exception):
    def __init__(self, kind: Literal["connect", "timeout", "lost"], detail: str, *, sent: bool) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.sent = kind, detail, sent


class HcpClient:
    """All requests to one HCP system. Use as ``async with HcpClient(system) as client``."""

    def __init__(self, system: SystemConfig, *, resolver: AddressResolver | None = None,
                 retry: RetryPolicy = RetryPolicy(), max_body_bytes: int = 32 * 1024 * 1024,
                 eject_after: int = 2, probe_base_s: float = 1.0) -> None:
        self.system = system
        self.name = system.name
        self.retry = retry
        self.max_body_bytes = max_body_bytes
        self.retries = 0
        """Requests sent again (to another node) after a failed attempt."""
        self.pool = NodePool(system.name, eject_after=eject_after, probe_base_s=probe_base_s,
                             latency_window_s=system.thresholds.latency_window_s)
        self._resolver = resolver or make_resolver(system.discovery)
        budget = system.connections
        # Per-address slots keep the sum of read connections within ``total`` (see
        # _per_address_limit), so no idle connection is closed to open one elsewhere.
        transport = NodeTransports(ssl_context(system.tls), budget.per_node + budget.actions)
        timeout = httpx.Timeout(connect=budget.connect_timeout, read=budget.read_timeout,
                                write=budget.read_timeout, pool=budget.pool_timeout)
        self._transports = transport
        self._timeouts = timeout.as_dict()
        self._total_timeout = budget.connect_timeout + budget.read_timeout
        self._reads = asyncio.Semaphore(budget.total)
        self._actions = asyncio.Semaphore(budget.actions)
        self._per_address: dict[str, AddressSlots] = {}
        self._probe_http = httpx.AsyncClient(timeout=timeout, trust_env=False, follow_redirects=False,
                                             limits=httpx.Limits(max_connections=64, max_keepalive_connections=0))
        self._default_headers: tuple[tuple[bytes, bytes], ...] = tuple(self._probe_http.headers.raw)
        self._resolve_lock = asyncio.Lock()
        self._resolved_at = float("-inf")
        self._expires_at = float("-inf")
        self._probing: dict[str, asyncio.Task[NodeStatus]] = {}
        self._authorization: str | None = None
        self._data_authorizations: dict[DataAccess, str] = {}

    async def __aenter__(self) -> HcpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for task in self._probing.values():
            task.cancel()
        await asyncio.gather(*self._probing.values(), return_exceptions=True)
        self._probing.clear()
        await self._transports.aclose()
        await self._probe_http.aclose()

    @property
    def connection_cap(self) -> int:
        """How many reads may be in flight at once (the budget the fetcher fills)."""
        return max(1, len(self.pool.in_rotation()) * self._per_address_limit())

    def _per_address_limit(self) -> int:
        """``per_node``, lowered so that every node in rotation together stays within ``total``."""
        budget = self.system.connections
        nodes = max(1, len(self.pool.in_rotation()))
        return max(1, min(budget.per_node, budget.total // nodes))

    def snapshot(self) -> PoolSnapshot:
        return self.pool.snapshot()

    @contextlib.contextmanager
    def attributed(self) -> Iterator[None]:
        """Name this system on any :class:`HcpError` raised inside the block."""
        try:
            yield
        except e.HcpError as exc:
            if exc.system is None:
                exc.system = self.name
            raise

    # -- addresses

    async def refresh_addresses(self) -> tuple[str, ...]:
        """Resolve now (on demand), whatever the TTL; returns the addresses in the pool."""
        await self._ensure_addresses(force=True)
        return self.pool.addresses

    async def _ensure_addresses(self, force: bool = False) -> None:
        if not force and self.pool.addresses and time.monotonic() < self._expires_at:
            return
        async with self._resolve_lock:
            now = time.monotonic()
            if not force and self.pool.addresses and now < self._expires_at:
                return
            min_ttl = self.system.discovery.min_ttl
            try:
                answer = await self._resolver.resolve(self.system.admin_host)
            except e.ResolutionError as exc:
                self.pool.resolution_error = exc.message
                self._expires_at = now + min_ttl
                if not self.pool.addresses:
                    raise e.ResolutionError(exc.message, system=self.name) from None
                return
            self.pool.resolution_error = None
            self.pool.update(answer.addresses)
            method = self.system.discovery.method
            ttl = answer.ttl if answer.ttl is not None else (_STATIC_TTL if method == "static" else _SYSTEM_RESOLVER_TTL)
            self._resolved_at, self._expires_at = now, now + max(ttl, min_ttl)

    def _resolve_soon(self) -> None:
        """After a connection failure: re-resolve at the next request, but not before the floor."""
        self._expires_at = min(self._expires_at, self._resolved_at + self.system.discovery.min_ttl)

    # -- public requests

    def authorization(self) -> str:
        if self._authorization is None:
            creds = self.system.credentials
            self._authorization = _authorization(creds.username, creds.password, "credentials.password", self.name)
        return self._authorization

    def data_authorization(self, access: DataAccess) -> str:
        """The ``Authorization`` value for a ``data_access`` entry (password resolved once)."""
        value = self._data_authorizations.get(access)
        if value is None:
            value = _authorization(access.username, access.password, "data_access.password", self.name)
            self._data_authorizations[access] = value
        return value

    async def request(self, method: str, path: str, *, host: str, port: int, api: Api,
                      params: Mapping[str, str] | str | None = None, headers: Mapping[str, str] | None = None,
                      idempotent: bool | None = None, resource: str | None = None) -> Response:
        """Send one request to the next node in rotation; retry idempotent ones elsewhere.

        ``params`` as a string is used verbatim as the query (``"suspend"``). Returns the
        response whatever its status, except 5xx after retries (:class:`Unavailable`).
        """
        idempotent = method in ("GET", "HEAD", "OPTIONS") if idempotent is None else idempotent
        with self.attributed():
            return await self._request(method, path, host, port, api, params, headers or {}, idempotent,
                                       resource or path)

    async def _request(self, method: str, path: str, host: str, port: int, api: Api,
                       params: Mapping[str, str] | str | None, headers: Mapping[str, str],
                       idempotent: bool, resource: str) -> Response:
        deadline = time.monotonic() + self.retry.deadline_s
        tried: list[str] = []
        failure: _Failed | None = None
        response: Response | None = None
        for attempt in range(self.retry.attempts):
            if attempt:
                delay = self.retry.delay(attempt - 1)
                if time.monotonic() + delay > deadline:
                    break
                self.retries += 1
                why = failure.detail if response is None and failure is not None else \
                    f"HTTP {response.status if response is not None else '?'}"
                log.info("%s: retrying %s %s in %.2f s (attempt %d of %d): %s", self.name, method, resource, delay,
                         attempt + 1, self.retry.attempts, why)
                await asyncio.sleep(delay)
            await self._ensure_addresses()
            self._probe_due()
            try:
                response = await self._attempt(method, path, host, port, api, params, headers, idempotent, tried,
                                               deadline)
            except _Failed as exc:
                failure, response = exc, None
                self._resolve_soon()
                if exc.sent and not idempotent:
                    raise e.OutcomeUnknown(
                        f"{method} may have reached HCP but the answer was lost ({exc.detail}); "
                        "it was not repeated: re-read the resource to see its state", resource=resource) from None
                continue
            if response.status in (500, 503) and idempotent:
                continue
            return response
        if response is not None:
            return _raise_unavailable(response, resource)
        assert failure is not None
        if self.pool.unreachable:
            detail = f"unreachable: every node address is failing (last: {failure.detail})"
        else:
            detail = f"no node answered after {len(tried)} attempt(s) (last: {failure.detail})"
        if failure.kind == "timeout":
            raise e.Timeout(detail, resource=resource)
        raise e.Unavailable(detail, resource=resource)

    async def _attempt(self, method: str, path: str, host: str, port: int, api: Api,
                       params: Mapping[str, str] | str | None, headers: Mapping[str, str],
                       idempotent: bool, tried: list[str], deadline: float) -> Response:
        budget = self._reads if idempotent else self._actions
        if budget.locked():
            try:
                async with asyncio.timeout(self.system.connections.pool_timeout):
                    await budget.acquire()
            except TimeoutError:
                raise e.Timeout(f"no free connection within {self.system.connections.pool_timeout:g} s "
                                "(connections.pool_timeout)", resource=path) from None
        else:
            await budget.acquire()                  # free: returns at once, nothing to time out
        try:
            address = self._pick(tried, wait_free=idempotent)
            if address is None:
                raise e.Unavailable("no node address known", resource=path)
            tried.append(address)
            if not idempotent:
                return await self._send(method, path, host, port, api, params, headers, address, deadline)
            limit = self._per_address_limit()
            slots = self._per_address.get(address)
            if slots is None:
                slots = self._per_address[address] = AddressSlots(limit)
            slots.limit = limit
            async with slots.held():
                return await self._send(method, path, host, port, api, params, headers, address, deadline)
        finally:
            budget.release()

    def _pick(self, tried: list[str], wait_free: bool) -> str | None:
        """The next address in rotation, preferring one with a free connection slot."""
        first = self.pool.choose(exclude=tried)
        if first is None or not wait_free:
            return first
        rotation = self.pool.in_rotation()
        for _ in range(len(rotation)):
            slots = self._per_address.get(first)
            if slots is None or slots.free:
                return first
            candidate = self.pool.choose(exclude=tried)
            if candidate is None:
                break
            first = candidate
        return first

    async def _send(self, method: str, path: str, host: str, port: int, api: Api,
                    params: Mapping[str, str] | str | None, headers: Mapping[str, str], address: str,
                    deadline: float) -> Response:
        https = api != "plain"
        scheme = b"https" if https else b"http"
        target = _target(path, params)
        trace = AttemptTrace()
        extensions: dict[str, Any] = {"timeout": self._timeouts, "trace": trace}
        if https:
            extensions["sni_hostname"] = host
        request = httpcore.Request(method, httpcore.URL(scheme=scheme, host=address.encode("ascii"), port=port,
                                                        target=target),
                                   headers=self._headers(method, host, headers), extensions=extensions)
        pool = self._transports.pool(scheme, address.encode("ascii"), port)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(max(0.0, min(self._total_timeout, deadline - time.monotonic()))):
                try:
                    reply = await pool.handle_async_request(request)
                    try:
                        status = reply.status
                        reply_headers = httpx.Headers(reply.headers)
                        body = await self._read_body(reply, reply_headers, path)
                    finally:
                        await reply.aclose()
                except _HTTPCORE_ERRORS as exc:
                    raise _httpx_error(exc) from exc
        except e.ParseError:
            self.pool.record_error(address, "response too large")
            raise
        except (httpx.HTTPError, TimeoutError, OSError, ssl.SSLError) as exc:
            raise self._failure(address, exc, trace, api, port) from None
        ended = time.perf_counter()
        latency = ended - (trace.sent_at or started)
        result = Response(status, reply_headers, body, address, ended - started)
        if status == 503 or (api == "plain" and status == 541):
            self.pool.record_failure(address, f"HTTP {status}")
        elif status >= 500 and status not in _NODE_STATES:
            self.pool.record_error(address, f"HTTP {status}", latency)
        else:
            self.pool.record_success(address, latency, trace.connect_s)
        return result

    def _headers(self, method: str, host: str, headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
        """The header list httpx would send: its defaults (less those given), ``Host``, then ``headers``."""
        if headers:
            given = {"host", *(k.lower() for k in headers)}
            raw = [item for item in self._default_headers if item[0].lower().decode("ascii") not in given]
            raw.append((b"Host", host.encode("ascii")))
            raw.extend((k.encode("ascii"), v.encode("ascii")) for k, v in headers.items())
        else:
            raw = [*self._default_headers, (b"Host", host.encode("ascii"))]
        if method in ("POST", "PUT", "PATCH") and not any(
                k.lower() in (b"content-length", b"transfer-encoding") for k, _ in raw):
            raw.insert(0, (b"Content-Length", b"0"))
        return raw

    async def _read_body(self, reply: httpcore.Response, headers: httpx.Headers, path: str) -> bytes:
        decoder = _decoder(headers) if "content-encoding" in headers else None
        chunks: list[bytes] = []
        size = 0
        limit = self.max_body_bytes
        async for chunk in reply.aiter_stream():
            if decoder is not None:
                chunk = decoder.decode(chunk)
            size += len(chunk)
            if size > limit:
                raise e.ParseError(f"response larger than {limit} bytes; refused", resource=path)
            chunks.append(chunk)
        if decoder is not None:
            chunk = decoder.flush()
            size += len(chunk)
            if size > limit:
                raise e.ParseError(f"response larger than {limit} bytes; refused", resource=path)
            chunks.append(chunk)
        return b"".join(chunks)

    def _failure(self, address: str, exc: BaseException, trace: AttemptTrace, api: Api,
                 port: int) -> _Failed | e.TlsError | e.NotAnHcp:
        if _is_plain_http_answer(exc):
            self.pool.record_failure(address, "answered without TLS")
            port_name = "MAPI" if api == "mapi" else "data"
            return e.NotAnHcp(f"the {port_name} port ({port}) of {address} answered without TLS: is this an HCP, "
                              f"is the port right?", system=self.name)
        cert_error = _find_cause(exc, ssl.SSLCertVerificationError)
        if cert_error is not None:
            ca_file = self.system.tls.ca_file
            trust = f"tls.ca_file ({ca_file})" if ca_file else "the default trust store (set tls.ca_file)"
            reason = getattr(cert_error, "verify_message", None) or "verification failed"
            return e.TlsError(f"the certificate of {address} for {self.system.admin_host} did not verify "
                              f"against {trust}: {reason}", system=self.name)
        sent = trace.sent_at is not None
        if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
            kind: Literal["connect", "timeout", "lost"] = "timeout"
            detail = f"{address}: timed out ({type(exc).__name__})"
        elif trace.answered_at is not None:
            kind, detail = "lost", f"{address}: response truncated, connection closed mid-body ({_describe(exc)})"
        elif sent:
            kind, detail = "lost", f"{address}: connection lost before an answer ({_describe(exc)})"
        else:
            kind, detail = "connect", f"{address}: cannot connect ({_describe(exc)})"
        if kind == "timeout" and sent:
            self.pool.record_error(address, detail)  # a slow answer: the resource is slow, the node is up
        elif not isinstance(exc, httpx.PoolTimeout):
            self.pool.record_failure(address, detail)
        return _Failed(kind, detail, sent=sent)

    # -- node status probe

    async def probe(self, address: str) -> NodeStatus:
        """``GET http://<address>:<node_status port>/node_status``, timed into the pool.

        A node that answers 204, 403 (service disabled) or 540 (read-only) is reachable
        and re-admitted if it was ejected; 541 and no answer count against it.
        """
        url_host = f"[{address}]" if ":" in address else address
        url = f"http://{url_host}:{self.system.ports.node_status}/node_status"
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._total_timeout):
                reply = await self._probe_http.get(url)
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            elapsed = time.perf_counter() - started
            detail = _describe(exc)
            self.pool.record_probe(address, False, elapsed, f"node_status: {detail}")
            return NodeStatus(address, NodeState.UNREACHABLE, None, elapsed, detail)
        elapsed = time.perf_counter() - started
        state = _NODE_STATES.get(reply.status_code, NodeState.UNKNOWN)
        ok = state in (NodeState.UP, NodeState.DISABLED, NodeState.READ_ONLY)
        self.pool.record_probe(address, ok, elapsed, None if ok else f"node_status answered {reply.status_code}")
        return NodeStatus(address, state, reply.status_code, elapsed)

    async def probe_all(self) -> tuple[NodeStatus, ...]:
        """Probe every known address (ejected ones too) concurrently."""
        await self._ensure_addresses()
        return tuple(await asyncio.gather(*(self.probe(a) for a in self.pool.addresses)))

    async def _readmission_probe(self, address: str) -> NodeStatus:
        """``/node_status``; if that port gives no answer at all (often firewalled), a TCP
        connect to the MAPI port decides whether the node is back."""
        status = await self.probe(address)
        if status.state is not NodeState.UNREACHABLE:
            return status
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.system.connections.connect_timeout):
                _reader, writer = await asyncio.open_connection(address, self.system.ports.mapi)
            writer.close()
            await writer.wait_closed()
        except (OSError, TimeoutError):
            return status
        self.pool.record_probe(address, True, time.perf_counter() - started)
        return status

    def _probe_due(self) -> None:
        for address in self.pool.due_for_probe():
            if address not in self._probing:
                task = asyncio.get_running_loop().create_task(self._readmission_probe(address))
                self._probing[address] = task
                task.add_done_callback(lambda _t, a=address: self._probing.pop(a, None))


def _authorization(username: str, password: Any, option: str, system: str) -> str:
    try:
        secret = password.resolve()
    except SecretError as exc:
        raise e.AuthenticationError(f"cannot read the password: {exc}", hint=f"check {option}",
                                    system=system) from None
    return hcp_authorization(username, secret)


def _raise_unavailable(response: Response, resource: str) -> Response:
    message = response.headers.get("X-HCP-ErrorMessage")
    detail = f" ({message})" if message else ""
    raise e.Unavailable(f"HCP answered {response.status} on every attempt{detail}; try again later",
                        resource=resource, status=response.status)


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


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


# httpcore's exceptions, re-raised as the httpx ones httpx's own transport would raise
# (same type names and messages), so failures read and classify as before.
_HTTPCORE_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError,
                    httpcore.UnsupportedProtocol)
_HTTPX_ERRORS: dict[type[Exception], type[httpx.HTTPError]] = {
    httpcore.TimeoutException: httpx.TimeoutException, httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout, httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout, httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError, httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError, httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol, httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError, httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}


def _httpx_error(exc: Exception) -> httpx.HTTPError:
    for kind in type(exc).__mro__:
        mapped = _HTTPX_ERRORS.get(kind)
        if mapped is not None:
            return mapped(str(exc))
    return httpx.TransportError(str(exc))


def _decoder(headers: httpx.Headers) -> ContentDecoder:
    """The content decoder httpx would use for the response's ``Content-Encoding``."""
    decoders: list[ContentDecoder] = []
    for value in headers.get_list("content-encoding", split_commas=True):
        decoder_cls = SUPPORTED_DECODERS.get(value.strip().lower())
        if decoder_cls is not None:
            decoders.append(decoder_cls())
    if len(decoders) == 1:
        return decoders[0]
    if len(decoders) > 1:
        return MultiDecoder(children=decoders)
    return IdentityDecoder()


# A path and query that httpx's URL parsing leaves exactly as they are: no dot segments
# to normalise, no character to percent-encode, no escape to check.
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]+")
_TARGETS: dict[tuple[str, Any], bytes] = {}


def _target(path: str, params: Mapping[str, str] | str | None) -> bytes:
    """The request target (path and query) httpx would send for ``path`` and ``params``."""
    if _PLAIN_PATH.fullmatch(path) and "/." not in path:
        if params is None:
            return path.encode("ascii")
        if isinstance(params, str) and _PLAIN_QUERY.fullmatch(params):
            return f"{path}?{params}".encode("ascii")
    key = (path, params if params is None or isinstance(params, str) else tuple(params.items()))
    target = _TARGETS.get(key)
    if target is None:
        if isinstance(params, str):
            url = httpx.URL(f"http://h{path}?{params}")
        else:
            url = httpx.URL(f"http://h{path}")
            if params is not None:
                url = url.copy_merge_params(params)
        target = url.raw_path
        if len(_TARGETS) >= 4096:
            _TARGETS.clear()
        _TARGETS[key] = target
    return target
