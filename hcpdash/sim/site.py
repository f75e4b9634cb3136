"""What one node answers on each of its ports: MAPI, data (HTTPS), plain HTTP."""

from __future__ import annotations

import asyncio
import time

from hcpdash.sim.cluster import Cluster
from hcpdash.sim.http import Request, Response
from hcpdash.sim.mapi import error_response, handle_mapi
from hcpdash.sim.model import Node, System
from hcpdash.sim.proc import handle_proc, rest_headers
from hcpdash.sim.render import to_json, to_xml

__all__ = ["NodeSite"]

_NODE_STATUS = {"disabled": (403, "Node status is not enabled."), "read_only": (540, "System is in Read Only mode"),
                "unavailable": (541, "Node is not available")}


class NodeSite:
    """The application behind one node's port of kind ``mapi``, ``data`` or ``http``."""

    def __init__(self, cluster: Cluster, system: System, node: Node, kind: str) -> None:
        self.cluster = cluster
        self.system = system
        self.node = node
        self.kind = kind

    def connected(self) -> None:
        self.node.connections += 1
        self.node.open_connections += 1
        if self.kind != "http":
            self.node.tls_handshakes += 1

    def closed(self) -> None:
        self.node.open_connections -= 1

    async def __call__(self, request: Request) -> Response:
        node = self.node
        node.requests += 1
        if request.method == "POST":
            node.posts += 1
        if node.latency_ms:
            await asyncio.sleep(node.latency_ms / 1000)
        fault = self.cluster.faults.match(self.system.name, request.method, request.path)
        if fault is not None:
            early = await self.cluster.faults.before(fault)
            if early is not None:
                self._record(request, early)
                if not early.drop:
                    early.headers.insert(0, ("X-HCP-SoftwareVersion", self.system.software_version))
                return early
        response = self._dispatch(request)
        if fault is not None:
            response = self.cluster.faults.after(fault, response)
        self._record(request, response)
        return response

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        if self.kind == "mapi":
            return handle_mapi(self.cluster, self.system, request)
        if path.startswith("/mapi"):
            # MAPI only answers on its own port; a MAPI URL without it is a documented 403.
            return error_response(self.system, 403, "The management API is only available on port 9090 over HTTPS.")
        if path == "/proc" or path.startswith("/proc/"):
            return handle_proc(self.cluster, self.system, request)
        if self.kind == "http" and path == "/node_status":
            return self._node_status(request)
        return Response(404, [*rest_headers(self.system), ("X-HCP-ErrorMessage", f"No resource at {path}.")])

    def _node_status(self, request: Request) -> Response:
        mode = _NODE_STATUS.get(self.node.status_mode)
        if self.system.read_only and mode is None:
            mode = _NODE_STATUS["read_only"]
        if mode is not None:
            return Response(mode[0], [("X-HCP-ErrorMessage", mode[1])])
        if request.query.get("type") != "metrics":
            return Response(204)
        now = time.time()
        n = self.node.number
        # Only the first documented properties are known (§5.3); the rest of the table is not.
        metrics = {"httpConnections": self.node.open_connections, "cpuUser": round(5 + (now + n) % 20, 2),
                   "cpuSystem": round(1 + (now / 3 + n) % 4, 2), "iowait": round((now / 5 + n) % 3, 2), "swapout": 0.0}
        if request.query.get("format", "xml") == "json":
            return Response(200, [("Content-Type", "application/json")], to_json(metrics).encode())
        return Response(200, [("Content-Type", "application/xml")], to_xml("metrics", metrics).encode())

    def _record(self, request: Request, response: Response) -> None:
        if request.method != "POST" or self.kind != "mapi":
            return
        message = next((v for k, v in response.headers if k == "X-HCP-ErrorMessage"), None)
        self.system.received_posts.append({
            "time": time.time(), "node": self.node.address, "path": request.path, "query": dict(request.query),
            "status": None if response.drop else response.status, "message": message,
        })
