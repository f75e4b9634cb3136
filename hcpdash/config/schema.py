"""The config schema: frozen dataclasses whose field types, defaults and bounds drive validation.

There is one place to read what a key means: each field's ``help`` and its limits
(``min``/``max`` hard limits, ``floor`` the lowest sensible poll interval).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hcpdash.config.secrets import Secret
from hcpdash.config.sizes import ByteSize


# Upper bounds: far beyond any sensible value, low enough that arithmetic on them stays exact.
DAY = 86400.0
YEAR = 365 * DAY
HOUR_MS = 3_600_000.0
EXBIBYTE = 1024**6


def option(default: Any = dataclasses.MISSING, *, help: str, min: float | None = None,
         max: float | None = None, floor: float | None = None) -> Any:
    """A dataclass field with its documentation and bounds.

    ``min``/``max`` are hard limits (an error); ``floor`` is the lowest sensible poll
    interval: lower values are an error too, saying what the floor is and why.
    """
    meta = {"help": help, "min": min, "max": max, "floor": floor}
    if isinstance(default, (list, dict)):
        raise TypeError("use a tuple default")
    return field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class Environment:
    label: str = option("", help="shown next to the system name, e.g. prod or staging")
    colour: str = option("", help="a colour name or #rrggbb for the label")


@dataclass(frozen=True, slots=True)
class Ports:
    mapi: int = option(9090, help="management API port (HTTPS)", min=1, max=65535)
    data: int = option(443, help="data access port for /proc (HTTPS)", min=1, max=65535)
    node_status: int = option(80, help="plain-HTTP port of /node_status on each node", min=1, max=65535)


@dataclass(frozen=True, slots=True)
class Discovery:
    """How to find the node addresses behind the system's names."""

    method: Literal["dns", "system", "static"] = option(
        "dns", help="dns: ask a name server directly (no caches); system: the OS resolver; static: a list")
    nameserver: str | None = option(None, help="name server address for method dns (default: from resolv.conf)")
    nameserver_port: int = option(53, help="name server port", min=1, max=65535)
    addresses: tuple[str, ...] = option((), help="node front-end addresses for method static")
    min_ttl: float = option(5.0, help="re-resolve no more often than this, whatever the TTL", min=0.5, max=3600)


@dataclass(frozen=True, slots=True)
class TlsSettings:
    verify: bool = option(True, help="verify the HCP certificate; false must be explicit and warns")
    ca_file: Path | None = option(None, help="PEM file of the CA that signed the HCP certificate")


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str = option(help="HCP account name")
    password: Secret = option(help="a string (only in a file no other user can read), {env: VAR} or {command: [argv...]}")


@dataclass(frozen=True, slots=True)
class DataAccess:
    """Credentials for /proc on one namespace, or on every namespace of a tenant."""

    tenant: str = option(help="tenant name")
    username: str = option(help="tenant-level user with data access permissions")
    password: Secret = option(help="as for credentials.password")
    namespace: str | None = option(None, help="namespace name; omit for every namespace of the tenant")


@dataclass(frozen=True, slots=True)
class PollIntervals:
    """Seconds between the end of one poll and the start of the next."""

    node_status: float = option(5.0, help="per-node /node_status probe", floor=1.0, max=DAY)
    links: float = option(10.0, help="replication link details", floor=2.0, max=DAY)
    replication_service: float = option(60.0, help="replication service settings", floor=10.0, max=DAY)
    namespaces: float = option(60.0, help="tenants, namespaces and their settings", floor=10.0, max=DAY)
    statistics: float = option(60.0, help="tenant and namespace statistics", floor=10.0, max=DAY)
    permissions: float = option(300.0, help="permission masks and /proc data", floor=30.0, max=DAY)
    node_statistics: float = option(3600.0, help="MAPI node statistics; HCP advises at most hourly", floor=60.0, max=DAY)


@dataclass(frozen=True, slots=True)
class Thresholds:
    latency_warning_ms: float = option(250.0, help="node request latency (p95) for WARNING", min=1, max=HOUR_MS)
    latency_critical_ms: float = option(1000.0, help="node request latency (p95) for CRITICAL", min=1, max=HOUR_MS)
    latency_window_s: float = option(60.0, help="seconds of requests the latency p50/p95 are taken over", min=5, max=3600)
    quota_warning_percent: float = option(85.0, help="used / hard quota for WARNING", min=1, max=100)
    quota_critical_percent: float = option(95.0, help="used / hard quota for CRITICAL", min=1, max=100)
    lag_warning_s: float = option(900.0, help="replication lag (now - up to date as of) for WARNING", min=1, max=YEAR)
    lag_critical_s: float = option(3600.0, help="replication lag for CRITICAL", min=1, max=YEAR)
    pending_warning_bytes: ByteSize = option(ByteSize(10 * 1024**3), help="pending replication bytes for WARNING, e.g. 10 GB",
                                         max=EXBIBYTE)
    pending_critical_bytes: ByteSize = option(ByteSize(100 * 1024**3), help="pending replication bytes for CRITICAL",
                                          max=EXBIBYTE)
    nodes_down_warning: int = option(1, help="nodes down, unreachable or missing (from the node inventory) for WARNING",
                                     min=1, max=10000)
    nodes_down_critical_percent: float = option(
        50.0, help="CRITICAL when more than this share of the nodes is down, unreachable or missing (50: a majority)",
        min=0, max=100)
    node_statistics_max_age_s: float = option(
        900.0, help="node statistics whose collectionTimestamp is older than this are stale: a sign of trouble", min=1,
        max=YEAR)


@dataclass(frozen=True, slots=True)
class ConnectionBudget:
    per_node: int = option(4, help="open connections to one node address", min=1, max=256)
    total: int = option(32, help="open connections to the whole system", min=1, max=4096)
    actions: int = option(2, help="connections reserved for replication actions", min=1, max=16)
    connect_timeout: float = option(5.0, help="seconds to establish a TCP+TLS connection", min=0.1, max=300)
    read_timeout: float = option(30.0, help="seconds to wait for a response", min=0.1, max=3600)
    pool_timeout: float = option(30.0, help="seconds to wait for a free connection", min=0.1, max=3600)
    settings_rate: float = option(5.0, help="requests per second at most for the per-namespace settings and "
                                  "permission reads, which are spread evenly over their poll interval",
                                  min=0.1, max=1000)


@dataclass(frozen=True, slots=True)
class SystemConfig:
    name: str = option(help="short unique name shown in the dashboard")
    domain: str = option(help="the HCP system domain, e.g. hcp1.example.com")
    credentials: Credentials = option(help="system-level account for MAPI (MONITOR role for viewing, ADMINISTRATOR for actions)")
    environment: Environment = option(Environment(), help="environment label and colour")
    read_only: bool = option(False, help="never send a replication action to this system")
    ports: Ports = option(Ports(), help="ports")
    discovery: Discovery = option(Discovery(), help="how to find node addresses")
    tls: TlsSettings = option(TlsSettings(), help="certificate verification")
    data_access: tuple[DataAccess, ...] = option((), help="credentials for /proc per tenant or namespace")
    poll: PollIntervals = option(PollIntervals(), help="poll intervals in seconds")
    thresholds: Thresholds = option(Thresholds(), help="health thresholds")
    connections: ConnectionBudget = option(ConnectionBudget(), help="connection budget and timeouts")
    expected_nodes: int | tuple[int, ...] | None = option(
        None, help="how many nodes the system has, or their node numbers: a node never seen yet is reported missing",
        min=1, max=10000)

    @property
    def admin_host(self) -> str:
        return f"admin.{self.domain}"


@dataclass(frozen=True, slots=True)
class SimulatorLink:
    control_url: str = option(help="control API of the simulator this config was written for")


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    """``hcpdash serve``, the Prometheus exporter."""

    listen: str = option("127.0.0.1:9477", help="HOST:PORT of /metrics and /healthz; an address other than "
                                                 "loopback must be named here or with --metrics, and warns")
    namespaces: bool = option(True, help="per-namespace series; false leaves them out (tenant totals stay)")


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """``hcpdash check``, the monitoring plugin."""

    deadline: float = option(40.0, help="seconds check takes at most (under the usual 60 s plugin timeout); "
                                        "what is not read by then is reported UNKNOWN", min=1, max=3600)


@dataclass(frozen=True, slots=True)
class Config:
    systems: tuple[SystemConfig, ...] = option(help="the HCP systems to watch")
    read_only: bool = option(False, help="never send a replication action to any system")
    theme: str = option("dark", help="theme name (a file in themes/ or the user's themes dir)")
    bindings: dict[str, str] = option(None, help="key remapping: binding id -> key")
    log_file: Path | None = option(None, help="append log records to this file")
    metrics: MetricsSettings = option(MetricsSettings(), help="hcpdash serve, the Prometheus exporter")
    check: CheckSettings = option(CheckSettings(), help="hcpdash check, the monitoring plugin")
    simulator: SimulatorLink | None = option(None, help="written by hcpdash simulate")
    path: Path | None = field(default=None, metadata={"internal": True})

    def system(self, name: str) -> SystemConfig:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def is_read_only(self, system: SystemConfig) -> bool:
        return self.read_only or system.read_only


# Sections whose keys `defaults:` may supply for every system.
DEFAULTABLE = ("environment", "read_only", "ports", "discovery", "tls", "poll", "thresholds", "connections")
