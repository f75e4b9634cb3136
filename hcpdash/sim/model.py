"""The simulated HCP systems: nodes, tenants, namespaces, accounts, seeded and compact.

Everything is generated from ``SimOptions.seed``. Namespaces are small slotted
objects whose settings derive from their index, so 10,000 of them take a few tens of
milliseconds to create. Statistics are functions of elapsed time, never a ticker.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
import uuid
from dataclasses import dataclass, field

__all__ = [
    "Account",
    "Namespace",
    "Node",
    "SimOptions",
    "System",
    "Tenant",
    "build_systems",
    "PASSWORDS",
]

GB = 1024**3
_SWELL = 2 * math.pi / 300

#: Fixed, documented passwords (printed by ``hcpdash simulate``).
PASSWORDS = {
    "admin": "hcpdash-admin",
    "monitor": "hcpdash-monitor",
    "tenant-admin": "hcpdash-tenant-admin",
    "tenant-reader": "hcpdash-tenant-reader",
}

_TENANT_WORDS = ("finance", "legal", "research", "media", "archive", "hr", "sales", "ops",
                 "marketing", "medical", "backup", "devops")
_NS_WORDS = ("invoices", "contracts", "scans", "mail", "logs", "images", "reports", "videos",
             "records", "backups", "claims", "cases")
_HASHES = ("SHA-256", "SHA-256", "SHA-512", "MD5", "SHA-1")
_RETENTION = (("deletion-allowed", "0", "Objects can be deleted at any time."),
              ("keep-7-years", "A+7y", "Financial records: seven years after ingest."),
              ("keep-30-days", "A+30d", "Short-lived working copies."),
              ("deletion-prohibited", "-1", "Legal hold: never deleted."))


@dataclass(frozen=True, slots=True)
class SimOptions:
    """The scale and behaviour of one simulator run."""

    systems: int = 2
    nodes: int = 4
    tenants: int = 3
    namespaces: int = 4
    links: int = 2
    latency_ms: int = 0
    seed: int = 1
    phase_seconds: float = 20.0
    real_ports: bool = False
    software_version: str = "9.6.0.110"


@dataclass(slots=True)
class Node:
    number: int
    address: str
    backend_address: str
    up: bool = True
    latency_ms: int = 0
    #: ``up`` | ``disabled`` | ``read_only`` | ``unavailable``: what /node_status answers.
    status_mode: str = "up"
    requests: int = 0
    tls_handshakes: int = 0
    connections: int = 0
    posts: int = 0
    open_connections: int = 0

    def counters(self) -> dict[str, int]:
        return {"requests": self.requests, "tls_handshakes": self.tls_handshakes,
                "connections": self.connections, "posts": self.posts}


@dataclass(slots=True)
class Account:
    """A local HCP account; ``tenant`` is None for system-level accounts."""

    username: str
    password: str
    roles: tuple[str, ...]
    tenant: str | None = None
    user_id: int = 0
    #: namespace name -> HCP permission names (BROWSE, READ, ...)
    data_access: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def md5(self) -> str:
        return hashlib.md5(self.password.encode()).hexdigest()  # noqa: S324 - the HCP token format


@dataclass(slots=True)
class Namespace:
    """One namespace; settings derive from ``index``, usage grows from ``created``."""

    name: str
    tenant: str
    index: int
    hard_quota_bytes: int
    soft_quota: int
    base_used: int
    base_objects: int
    growth_bps: float
    created: float
    permissions: tuple[str, ...] = ("BROWSE", "READ", "WRITE", "DELETE", "PURGE", "SEARCH",
                                    "PRIVILEGED", "READ_ACL", "WRITE_ACL", "CHOWN")
    uid: str = ""

    @property
    def versioning(self) -> bool:
        return self.index % 3 == 0

    @property
    def search(self) -> bool:
        return self.index % 2 == 0

    @property
    def hash_scheme(self) -> str:
        return _HASHES[self.index % len(_HASHES)]

    @property
    def enterprise(self) -> bool:
        return self.index % 5 != 4

    @property
    def description(self) -> str:
        return f"{self.name} data of tenant {self.tenant}"

    def used_bytes(self, now: float) -> int:
        return int(self.base_used + self.growth_bps * max(0.0, now - self.created))

    def object_count(self, now: float) -> int:
        return self.base_objects + int(self.growth_bps * max(0.0, now - self.created) / 262_144)

    def traffic(self, now: float) -> tuple[int, int, int, int, int]:
        """Cumulative bytes in, bytes out, reads, writes and deletes since ``created``.

        Ingest runs at 1.0–1.4 × the growth rate and reads at 0.3–0.5 × (times a per-namespace
        factor) over a five-minute swell, so rates move while the counters only grow.
        """
        elapsed = max(0.0, now - self.created)
        swell = (1 - math.cos(elapsed * _SWELL)) / _SWELL
        rate = self.growth_bps
        bytes_in = int(rate * (1.2 * elapsed + 0.2 * swell))
        bytes_out = int(rate * (self.index % 3 + 1) * (0.4 * elapsed + 0.1 * swell))
        return bytes_in, bytes_out, bytes_out // 65_536, bytes_in // 262_144, bytes_in // 13_107_200

    def retention_classes(self) -> list[tuple[str, str, str, bool]]:
        count = self.index % len(_RETENTION) + 1
        return [(name, value, text, value == "A+30d") for name, value, text in _RETENTION[:count]]


@dataclass(slots=True)
class Tenant:
    name: str
    index: int
    uid: str
    hard_quota_bytes: int
    soft_quota: int
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    administration_allowed: bool = True
    #: tenant-level data-access mask (HCP: DELETE, PRIVILEGED, PURGE, READ, SEARCH, WRITE)
    permissions: tuple[str, ...] = ("DELETE", "PRIVILEGED", "PURGE", "READ", "SEARCH", "WRITE")

    def namespace(self, name: str) -> Namespace | None:
        return self.namespaces.get(name.lower())


@dataclass(slots=True)
class System:
    name: str
    domain: str
    index: int
    nodes: list[Node]
    tenants: dict[str, Tenant]
    accounts: dict[str, Account]
    software_version: str
    started: float
    read_only: bool = False
    mapi_enabled: bool = True
    replication_shutdown: bool = False
    #: every action POST received: {"time", "path", "query", "user", "status"}
    received_posts: list[dict[str, object]] = field(default_factory=list)
    links: dict[str, object] = field(default_factory=dict)
    ports: object = None
    #: how the system's DNS answers: ``normal``, ``servfail`` (every query) or ``silent`` (no reply)
    dns_answer: str = "normal"

    @property
    def addresses(self) -> list[str]:
        return [node.address for node in self.nodes]

    def up_addresses(self) -> list[str]:
        return [node.address for node in self.nodes if node.up]

    def tenant(self, name: str) -> Tenant | None:
        return self.tenants.get(name.lower())

    def node(self, key: str) -> Node | None:
        for node in self.nodes:
            if key in (str(node.number), node.address, f"node{node.number}"):
                return node
        return None


def _names(words: tuple[str, ...], count: int) -> list[str]:
    if count <= len(words):
        return list(words[:count])
    width = len(str(count))
    return [f"{words[i % len(words)]}-{i:0{width}d}" for i in range(count)]


def _quota(rng: random.Random) -> int:
    return rng.choice((10, 20, 50, 100, 200, 500, 1000)) * GB


def build_systems(options: SimOptions, addresses: list[list[str]], now: float | None = None) -> list[System]:
    """All systems with their data; ``addresses[i]`` are the node addresses of system i."""
    now = time.time() if now is None else now
    tenant_names = _names(_TENANT_WORDS, options.tenants)
    ns_names = _names(_NS_WORDS, options.namespaces)
    systems = []
    for s in range(options.systems):
        rng = random.Random(f"{options.seed}/{s}")
        name = f"hcp{s + 1}"
        nodes = [Node(number=int(ip.rsplit(".", 1)[1]), address=ip,
                      backend_address=f"172.20.{s}.{ip.rsplit('.', 1)[1]}", latency_ms=options.latency_ms)
                 for ip in addresses[s]]
        tenants: dict[str, Tenant] = {}
        for t, tname in enumerate(tenant_names):
            tenant = Tenant(name=tname, index=t, uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            hard_quota_bytes=_quota(rng) * 10, soft_quota=rng.randint(70, 90))
            for n, nname in enumerate(ns_names):
                hard = _quota(rng)
                soft = rng.randint(10, 95)
                # Every fourth namespace sits at or above its soft quota so health checks find something.
                fill = rng.uniform(soft / 100 + 0.01, min(0.99, soft / 100 + 0.08)) if n % 4 == 3 else rng.uniform(0.05, soft / 100 * 0.8)
                used = int(hard * fill)
                tenant.namespaces[nname] = Namespace(
                    name=nname, tenant=tname, index=n, hard_quota_bytes=hard, soft_quota=soft,
                    base_used=used, base_objects=used // rng.randint(65_536, 1_048_576) + 1,
                    growth_bps=rng.uniform(1_000, 200_000), created=now,
                    uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)))
            _tenant_accounts(tenant)
            tenants[tname] = tenant
        accounts = {
            "admin": Account("admin", PASSWORDS["admin"], ("ADMINISTRATOR", "MONITOR"), user_id=1),
            "monitor": Account("monitor", PASSWORDS["monitor"], ("MONITOR",), user_id=2),
        }
        systems.append(System(name=name, domain=f"{name}.hcpdash.test", index=s, nodes=nodes, tenants=tenants,
                              accounts=accounts, software_version=options.software_version, started=now))
    return systems


def _tenant_accounts(tenant: Tenant) -> None:
    """``<tenant>-admin`` may do everything; ``<tenant>-reader`` reads all but the last namespace."""
    names = list(tenant.namespaces)
    full = ("BROWSE", "READ", "WRITE", "DELETE", "PURGE", "SEARCH", "PRIVILEGED", "READ_ACL", "WRITE_ACL", "CHOWN")
    admin = Account(f"{tenant.name}-admin", PASSWORDS["tenant-admin"], ("ADMINISTRATOR", "MONITOR"),
                    tenant=tenant.name, user_id=101, data_access={n: full for n in names})
    readable = names[:-1] if len(names) > 1 else names
    reader = Account(f"{tenant.name}-reader", PASSWORDS["tenant-reader"], ("MONITOR",), tenant=tenant.name,
                     user_id=102, data_access={n: ("BROWSE", "READ", "SEARCH") for n in readable})
    tenant.accounts = {admin.username: admin, reader.username: reader}
