"""The exporter's HTTP server: ``/metrics`` (prometheus-client's WSGI app) and ``/healthz``.

It runs in its own threads, so a scrape never waits on the event loop that polls HCP
and a slow poll never delays a scrape. Listening is on loopback unless the user names
another address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

DEFAULT_LISTEN = "127.0.0.1:9477"

Health = Callable[[], tuple[bool, str]]
"""Returns (healthy, one line saying why)."""


@dataclass(frozen=True, slots=True)
class ListenAddress:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> ListenAddress:
        """``HOST:PORT`` or ``[IPV6]:PORT``; raises ValueError with the message to show."""
        host, sep, port = text.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(f"{text!r} is not HOST:PORT (e.g. {DEFAULT_LISTEN}, [::1]:9477, 0.0.0.0:9477)")
        return cls(host, int(port))

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def resolve(self) -> list[tuple[socket.AddressFamily, str]]:
        """Every (family, address) the host stands for; raises OSError if it resolves to none."""
        found = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys((family, str(sockaddr[0])) for family, _t, _p, _c, sockaddr in found))

    def is_loopback(self) -> bool:
        try:
            return all(ipaddress.ip_address(address).is_loopback for _family, address in self.resolve())
        except (OSError, ValueError):
            return False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _app(metrics: Callable[..., Iterable[bytes]], health: Health) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            healthy, why = health()
            status = "200 OK" if healthy else "503 Service Unavailable"
        elif path == "/":
            status, why = "200 OK", "hcpdash exporter: metrics at /metrics, health at /healthz"
        else:
            status, why = "404 Not Found", f"no {path}: metrics are at /metrics, health at /healthz"
        start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
        return [f"{why}\n".encode()]
    return app


class MetricsServer:
    """Serves a registry; ``start()`` binds (raising OSError as the OS reports it), ``stop()`` closes."""

    def __init__(self, registry: Collector, health: Health, listen: ListenAddress) -> None:
        self.listen = listen
        self._app = _app(make_wsgi_app(registry), health)
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host = self.listen.host
        return f"http://{ListenAddress(host, self._server.server_port)}/metrics"

    def start(self) -> None:
        family, address = self.listen.resolve()[0]
        server_class = type("MetricsHttpServer", (_ThreadingServer,), {"address_family": family})
        self._server = make_server(address, self.listen.port, self._app, server_class, _QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="hcpdash-metrics", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, wait for the serving loop to end, close the socket."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
