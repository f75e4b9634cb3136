"""The whole simulated world: systems, the links between them, faults; host and account lookup."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hcpdash.sim.faults import FaultSet
from hcpdash.sim.http import Request
from hcpdash.sim.links import Link
from hcpdash.sim.model import Account, Namespace, SimOptions, System, Tenant, build_systems

__all__ = ["AuthError", "Cluster", "Host"]


class AuthError(Exception):
    """Credentials missing, malformed, unknown or wrong; always a 403 with this message."""


@dataclass(frozen=True, slots=True)
class Host:
    """What a Host header names on one system."""

    system: System
    kind: str  # "admin" | "tenant" | "namespace" | "address"
    tenant: Tenant | None = None
    namespace: Namespace | None = None


@dataclass
class Cluster:
    options: SimOptions
    systems: list[System]
    links: list[Link] = field(default_factory=list)
    faults: FaultSet = field(default=None)  # type: ignore[assignment]
    #: The time statistics are computed at; tests may freeze it to compare two resources.
    clock: Callable[[], float] = time.time

    @classmethod
    def build(cls, options: SimOptions, addresses: list[list[str]]) -> Cluster:
        now = time.time()
        systems = build_systems(options, addresses, now)
        cluster = cls(options, systems, faults=FaultSet(options.seed))
        cluster.links = _build_links(options, systems, now)
        return cluster

    def system(self, name: str) -> System | None:
        return next((s for s in self.systems if s.name == name), None)

    def links_of(self, system: System) -> list[Link]:
        return [link for link in self.links if link.involves(system.name)]

    def link(self, system: System, name: str) -> Link | None:
        """Link names are case-insensitive (§4.3)."""
        wanted = name.lower()
        return next((link for link in self.links_of(system) if link.name.lower() == wanted), None)

    def resolve_host(self, system: System, host: str) -> Host | None:
        """Map a Host header to a name of ``system``; names of other systems are not served here."""
        if host in system.addresses:
            return Host(system, "address")
        suffix = "." + system.domain
        if not host.endswith(suffix):
            return None
        labels = host[: -len(suffix)].split(".")
        if labels == ["admin"]:
            return Host(system, "admin")
        if len(labels) == 1:
            tenant = system.tenant(labels[0])
            return Host(system, "tenant", tenant) if tenant else None
        if len(labels) == 2:
            tenant = system.tenant(labels[1])
            namespace = tenant.namespace(labels[0]) if tenant else None
            return Host(system, "namespace", tenant, namespace) if namespace else None
        return None

    @staticmethod
    def credentials(request: Request, cookie: str) -> tuple[str, str]:
        """(username, md5 hex) from ``Authorization: HCP`` or, failing that, the legacy cookie."""
        header = request.headers.get("authorization")
        if header is None:
            token = _cookie(request.headers.get("cookie", ""), cookie) or _cookie(
                request.headers.get("cookie", ""), "hcp-ns-auth" if cookie == "hcp-api-auth" else "hcp-api-auth")
            if token is None:
                raise AuthError("Authentication is required.")
        else:
            scheme, _, token = header.partition(" ")
            if scheme.upper() == "AD":
                raise AuthError("Active Directory authentication is not enabled on this system.")
            if scheme.upper() != "HCP":
                raise AuthError(f"Unsupported authorization scheme '{scheme}'.")
        encoded, sep, digest = token.strip().partition(":")
        try:
            username = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthError("Malformed authorization token.") from None
        if not sep:
            raise AuthError("Malformed authorization token.")
        return username, digest.lower()

    def authenticate(self, request: Request, accounts: dict[str, Account], cookie: str) -> Account:
        username, digest = self.credentials(request, cookie)
        account = accounts.get(username)
        if account is None or account.md5 != digest:
            raise AuthError("Invalid username or password.")
        return account


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _build_links(options: SimOptions, systems: list[System], now: float) -> list[Link]:
    """Links between consecutive systems, alternating active/active and active/passive."""
    links: list[Link] = []
    if len(systems) < 2:
        return links
    pairs = len(systems) if len(systems) > 2 else 1
    tenants = list(systems[0].tenants)
    for i in range(options.links):
        first, second = systems[i % pairs], systems[(i % pairs + 1) % len(systems)]
        active_active = i % 2 == 0
        kind = "aa" if active_active else "ap"
        suffix = f"-{i // 2 + 1}" if options.links > 2 else ""
        name = f"{first.name}-{second.name}-{kind}{suffix}"
        share = tenants if active_active else tenants[: max(1, (len(tenants) + 1) // 2)]
        links.append(Link.create(name, active_active, first.name, second.name, list(share),
                                 options.phase_seconds, f"{options.seed}/link/{i}", now))
    return links
