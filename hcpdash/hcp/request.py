"""One HCP request as a value: what to send, where, and whether it may be repeated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

__all__ = ["Api", "HcpRequest"]

Api = Literal["mapi", "proc", "plain"]


@dataclass(frozen=True, slots=True)
class HcpRequest:
    """``params`` as a string is the query verbatim (``"suspend"``); ``host`` is the FQDN sent
    as ``Host`` and TLS server name while the connection goes to a node address."""

    method: str
    path: str
    host: str
    port: int
    api: Api
    params: Mapping[str, str] | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool = True
    resource: str = ""

    @property
    def https(self) -> bool:
        return self.api != "plain"

    @property
    def target(self) -> bytes:
        """The request target (path and query), percent-encoded as httpx's URL would."""
        return request_target(self.path, self.params)

    def header_list(self, user_agent: bytes) -> list[tuple[bytes, bytes]]:
        """``Host``, a ``User-Agent``, identity encoding, ``Accept: */*`` unless given, then ours.

        The same few lists serve every request of a system (its host, its credentials), so
        each is built once; the list is shared and must not be changed."""
        key = (self.host, user_agent, self.method in _BODIED, tuple(self.headers.items()))
        raw = _HEADER_LISTS.get(key)
        if raw is None:
            raw = _header_list(self.host, user_agent, self.method in _BODIED, self.headers)
            if len(_HEADER_LISTS) >= 256:
                _HEADER_LISTS.clear()
            _HEADER_LISTS[key] = raw
        return raw


_BODIED = ("POST", "PUT", "PATCH")
_HEADER_LISTS: dict[tuple[object, ...], list[tuple[bytes, bytes]]] = {}


def _header_list(host: str, user_agent: bytes, bodied: bool, headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    raw = [(b"Host", host.encode("ascii")), (b"User-Agent", user_agent), (b"Accept-Encoding", b"identity")]
    given = {k.lower() for k in headers}
    if "accept" not in given:
        raw.append((b"Accept", b"*/*"))
    raw.extend((k.encode("ascii"), v.encode("latin-1")) for k, v in headers.items())
    if bodied and "content-length" not in given:
        raw.append((b"Content-Length", b"0"))
    return raw


# A path and query that need no normalising or escaping are used as they are.
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]+")
_TARGETS: dict[tuple[str, object], bytes] = {}


def request_target(path: str, params: Mapping[str, str] | str | None) -> bytes:
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
