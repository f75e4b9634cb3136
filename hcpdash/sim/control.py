"""The loopback JSON control API used by drills and tests.

``GET /state``, ``POST /nodes/<system>/<node>``, ``POST /dns/<system>``, ``POST /faults``,
``DELETE /faults``, ``POST /links/<system>/<link>``.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from collections.abc import Awaitable, Callable
from typing import Any

from hcpdash.sim.cluster import Cluster
from hcpdash.sim.http import Request, Response

__all__ = ["ControlApi"]

DNS_ANSWERS = ("normal", "servfail", "silent")

SetNode = Callable[[str, str, bool | None, int | None, str | None], Awaitable[dict[str, Any]]]


class _Problem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(status: int, payload: Any) -> Response:
    return Response(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


class ControlApi:
    def __init__(self, cluster: Cluster, set_node: SetNode, extra_state: Callable[[], dict[str, Any]]) -> None:
        self.cluster = cluster
        self.set_node = set_node
        self.extra_state = extra_state

    async def __call__(self, request: Request) -> Response:
        try:
            payload = json.loads(request.body) if request.body else {}
            if not isinstance(payload, dict):
                raise _Problem(400, "the body must be a JSON object")
            return _json(200, await self._route(request.method, [p for p in request.path.split("/") if p], payload))
        except json.JSONDecodeError as exc:
            return _json(400, {"error": f"invalid JSON: {exc}"})
        except _Problem as exc:
            return _json(exc.status, {"error": str(exc)})
        except ValueError as exc:
            return _json(400, {"error": str(exc)})

    async def _route(self, method: str, parts: list[str], payload: dict[str, Any]) -> Any:
        if parts == ["state"] and method == "GET":
            return self.state()
        if len(parts) == 3 and parts[0] == "nodes" and method == "POST":
            up, latency, status = payload.get("up"), payload.get("latency_ms"), payload.get("node_status")
            if up is not None and not isinstance(up, bool):
                raise _Problem(400, "up must be true or false")
            if latency is not None and (not isinstance(latency, int) or latency < 0):
                raise _Problem(400, "latency_ms must be a non-negative integer")
            if status not in (None, "up", "disabled", "read_only", "unavailable"):
                raise _Problem(400, "node_status must be up, disabled, read_only or unavailable")
            try:
                return await self.set_node(parts[1], parts[2], up, latency, status)
            except KeyError as exc:
                raise _Problem(404, str(exc.args[0])) from None
        if parts == ["faults"]:
            if method == "POST":
                fault = self.cluster.faults.add(payload, {s.name for s in self.cluster.systems})
                return {"id": fault.id, "fault": fault.as_dict()}
            if method == "DELETE":
                return {"removed": self.cluster.faults.clear()}
            if method == "GET":
                return {"faults": self.cluster.faults.list()}
        if len(parts) == 2 and parts[0] == "dns" and method == "POST":
            system = self.cluster.system(parts[1])
            if system is None:
                raise _Problem(404, f"no system {parts[1]!r}")
            answer = payload.get("answer")
            if answer not in DNS_ANSWERS:
                raise _Problem(400, f"answer must be one of {', '.join(DNS_ANSWERS)}")
            system.dns_answer = answer
            return {"system": system.name, "dns_answer": answer}
        if len(parts) == 3 and parts[0] == "links" and method == "POST":
            system = self.cluster.system(parts[1])
            link = self.cluster.link(system, parts[2]) if system else None
            if system is None or link is None:
                raise _Problem(404, f"no link {parts[2]!r} on system {parts[1]!r}")
            if "condition" not in payload:
                raise _Problem(400, "give a condition: broken, stalled, high_error_rate, storage_full or normal")
            link.set_condition(str(payload["condition"]), system.name, time.time())
            return {"link": link.name, "ends": self._ends(link)}
        raise _Problem(404 if method in ("GET", "POST", "DELETE") else 405, f"no control resource {method} /{'/'.join(parts)}")

    def _ends(self, link: Any) -> dict[str, Any]:
        now = time.time()
        return {name: link.end_state(name, now) for name in (link.first, link.second)}

    def state(self) -> dict[str, Any]:
        cluster = self.cluster
        systems = []
        for system in cluster.systems:
            systems.append({
                "name": system.name, "domain": system.domain,
                "ports": asdict(system.ports) if system.ports else None,
                "nodes": [{"number": n.number, "address": n.address, "up": n.up, "latency_ms": n.latency_ms,
                           "node_status": n.status_mode, "open_connections": n.open_connections, **n.counters()}
                          for n in system.nodes],
                "posts": list(system.received_posts),
                "dns_answer": system.dns_answer,
                "tenants": len(system.tenants),
                "namespaces": sum(len(t.namespaces) for t in system.tenants.values()),
            })
        links = [{"name": link.name, "type": "ACTIVE_ACTIVE" if link.active_active else "ACTIVE_PASSIVE",
                  "primary": link.first, "replica": link.second, "ends": self._ends(link)} for link in cluster.links]
        return {"systems": systems, "links": links, "faults": cluster.faults.list(), **self.extra_state()}
