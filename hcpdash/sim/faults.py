"""Injected faults: per system and path prefix, with a rate, applied to HTTP responses."""

from __future__ import annotations

import asyncio
import itertools
import random
from dataclasses import asdict, dataclass
from typing import Any

from hcpdash.sim.http import Response

__all__ = ["Fault", "FaultSet"]

_BODIES = ("malformed", "truncated", "html")


@dataclass(frozen=True, slots=True)
class Fault:
    id: int
    system: str | None
    path_prefix: str
    status: int | None
    rate: float
    body: str | None
    stall_s: float
    drop_after_request: bool
    #: only requests with this method (e.g. POST, so reads keep working); None for all
    method: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultSet:
    def __init__(self, seed: int) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(f"faults/{seed}")

    def add(self, spec: dict[str, Any], systems: set[str]) -> Fault:
        """Validate a control-API fault spec; raise ValueError with a readable reason."""
        unknown = set(spec) - {"system", "path_prefix", "status", "rate", "body", "stall_s", "drop_after_request",
                                 "method"}
        if unknown:
            raise ValueError(f"unknown fault keys: {', '.join(sorted(unknown))}")
        system = spec.get("system")
        if system is not None and system not in systems:
            raise ValueError(f"unknown system {system!r}")
        status = spec.get("status")
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise ValueError("status must be an HTTP status code")
        rate = float(spec.get("rate", 1.0))
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        body = spec.get("body")
        if body is not None and body not in _BODIES:
            raise ValueError(f"body must be one of {', '.join(_BODIES)}")
        method = spec.get("method")
        if method is not None and method.upper() not in ("GET", "HEAD", "POST", "PUT", "DELETE"):
            raise ValueError("method must be GET, HEAD, POST, PUT or DELETE")
        fault = Fault(next(self._ids), system, str(spec.get("path_prefix", "/")), status, rate, body,
                      float(spec.get("stall_s", 0.0)), bool(spec.get("drop_after_request", False)),
                      method.upper() if method else None)
        self._faults.append(fault)
        return fault

    def clear(self) -> int:
        count = len(self._faults)
        self._faults.clear()
        return count

    def list(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self._faults]

    def match(self, system: str, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if (fault.system in (None, system) and fault.method in (None, method) and path.startswith(fault.path_prefix)
                    and (fault.rate >= 1.0 or self._rng.random() < fault.rate)):
                return fault
        return None

    @staticmethod
    async def before(fault: Fault) -> Response | None:
        """What happens before the request is handled: a stall or an error status."""
        if fault.stall_s:
            await asyncio.sleep(fault.stall_s)
        if fault.drop_after_request:
            return None
        if fault.status is not None and fault.body is None:
            return Response(fault.status, [("X-HCP-ErrorMessage", "Injected fault.")])
        return None

    @staticmethod
    def after(fault: Fault, response: Response) -> Response:
        """Mangle the response as the fault asks.

        ``drop_after_request`` lets the request take effect and then loses the answer:
        the worst case for an action, whose outcome the client cannot know.
        """
        if fault.drop_after_request:
            return Response(0, drop=True)
        status = fault.status or response.status
        if fault.body == "html":
            page = b"<html><head><title>Proxy error</title></head><body><h1>502 Bad Gateway</h1></body></html>"
            return Response(status, [("Content-Type", "text/html")], page)
        if fault.body == "malformed":
            body = response.body or b"<"
            cut = body[: max(1, len(body) // 2)] + b"<</\x00{{"
            return Response(status, [h for h in response.headers if h[0].lower() != "content-length"], cut)
        if fault.body == "truncated":
            body = response.body or b"<?xml version='1.0'?><x>"
            return Response(status, [h for h in response.headers if h[0].lower() != "content-length"], body,
                            truncate=True)
        return response
