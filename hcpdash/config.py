"""YAML configuration → typed, frozen objects.

Every problem in a file is collected, not just the first, and reported as
``FILE:LINE: key.path: message`` so an administrator can fix them all in one pass.
The schema is the dataclasses below: field types, defaults and ``metadata`` bounds
drive validation, so there is one place to read what a key means.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import stat
import subprocess
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from hcpdash import redact

__all__ = [
    "Config",
    "ConfigError",
    "ConnectionBudget",
    "Credentials",
    "DataAccess",
    "Discovery",
    "Environment",
    "PollIntervals",
    "Ports",
    "Problem",
    "Secret",
    "SecretError",
    "SystemConfig",
    "Thresholds",
    "TlsSettings",
    "find_config_path",
    "load_config",
    "parse_byte_size",
]

ENV_VAR = "HCPDASH_CONFIG"
CONFIG_FILENAME = "config.yaml"


# ---------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a config file, located to a line."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        line = f"{self.line}:" if self.line else ""
        return f"{self.file}:{line} {where}{self.message}"


class ConfigError(Exception):
    """A config that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SecretError(Exception):
    """A secret reference that cannot be resolved (the message never holds the secret)."""


# ---------------------------------------------------------------- secrets


@dataclass(frozen=True, slots=True, repr=False)
class Secret:
    """A password, held by reference where possible.

    ``kind`` is ``env`` (an environment variable), ``command`` (argv whose standard
    output is the password; run without a shell) or ``inline`` (the value itself,
    allowed only in a file no other user can read). ``repr`` and ``str`` never
    show the value.
    """

    kind: Literal["env", "command", "inline"]
    reference: tuple[str, ...]

    def resolve(self) -> str:
        """The password itself; registered with ``hcpdash.redact`` so it never gets printed."""
        value = self._lookup()
        redact.register(value)
        return value

    def _lookup(self) -> str:
        if self.kind == "inline":
            return self.reference[0]
        if self.kind == "env":
            name = self.reference[0]
            value = os.environ.get(name)
            if value is None:
                raise SecretError(f"environment variable {name} is not set")
            return value
        try:
            done = subprocess.run(  # noqa: S603 - argv from the user's own config
                list(self.reference), capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SecretError(f"password command {self.reference[0]!r} failed: {type(exc).__name__}") from None
        if done.returncode != 0:
            raise SecretError(f"password command {self.reference[0]!r} exited with status {done.returncode}")
        value = done.stdout.rstrip("\r\n")
        if not value:
            raise SecretError(f"password command {self.reference[0]!r} printed nothing")
        return value

    def describe(self) -> str:
        """A redacted description, safe for screens and logs."""
        if self.kind == "env":
            return f"<from environment variable {self.reference[0]}>"
        if self.kind == "command":
            return f"<from command {' '.join(self.reference)}>"
        return "<redacted>"

    def __repr__(self) -> str:
        return f"Secret({self.describe()})"

    __str__ = __repr__


# ---------------------------------------------------------------- schema

_BYTE_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4, "PB": 1024**5}
_BYTE_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?B?)\s*$", re.IGNORECASE)


def parse_byte_size(text: str) -> int:
    """``"50 GB"`` → bytes (binary units, as HCP uses). Raises ValueError."""
    match = _BYTE_SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    unit = match.group(2).upper()
    if unit and not unit.endswith("B"):
        unit += "B"
    return int(float(match.group(1)) * _BYTE_UNITS[unit])


ByteSize = typing.NewType("ByteSize", int)


def _opt(default: Any = dataclasses.MISSING, *, help: str, min: float | None = None,
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
    label: str = _opt("", help="shown next to the system name, e.g. prod or staging")
    colour: str = _opt("", help="a colour name or #rrggbb for the label")


@dataclass(frozen=True, slots=True)
class Ports:
    mapi: int = _opt(9090, help="management API port (HTTPS)", min=1, max=65535)
    data: int = _opt(443, help="data access port for /proc (HTTPS)", min=1, max=65535)
    node_status: int = _opt(80, help="plain-HTTP port of /node_status on each node", min=1, max=65535)


@dataclass(frozen=True, slots=True)
class Discovery:
    """How to find the node addresses behind the system's names."""

    method: Literal["dns", "system", "static"] = _opt(
        "dns", help="dns: ask a name server directly (no caches); system: the OS resolver; static: a list")
    nameserver: str | None = _opt(None, help="name server address for method dns (default: from resolv.conf)")
    nameserver_port: int = _opt(53, help="name server port", min=1, max=65535)
    addresses: tuple[str, ...] = _opt((), help="node front-end addresses for method static")
    min_ttl: float = _opt(5.0, help="re-resolve no more often than this, whatever the TTL", min=0.5, max=3600)


@dataclass(frozen=True, slots=True)
class TlsSettings:
    verify: bool = _opt(True, help="verify the HCP certificate; false must be explicit and warns")
    ca_file: Path | None = _opt(None, help="PEM file of the CA that signed the HCP certificate")


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str = _opt(help="HCP account name")
    password: Secret = _opt(help="a string (only in a file no other user can read), {env: VAR} or {command: [argv...]}")


@dataclass(frozen=True, slots=True)
class DataAccess:
    """Credentials for /proc on one namespace, or on every namespace of a tenant."""

    tenant: str = _opt(help="tenant name")
    username: str = _opt(help="tenant-level user with data access permissions")
    password: Secret = _opt(help="as for credentials.password")
    namespace: str | None = _opt(None, help="namespace name; omit for every namespace of the tenant")


@dataclass(frozen=True, slots=True)
class PollIntervals:
    """Seconds between the end of one poll and the start of the next."""

    node_status: float = _opt(5.0, help="per-node /node_status probe", floor=1.0)
    links: float = _opt(10.0, help="replication link details", floor=2.0)
    replication_service: float = _opt(60.0, help="replication service settings", floor=10.0)
    namespaces: float = _opt(60.0, help="tenants, namespaces and their settings", floor=10.0)
    statistics: float = _opt(60.0, help="tenant and namespace statistics", floor=10.0)
    permissions: float = _opt(300.0, help="permission masks and /proc data", floor=30.0)
    node_statistics: float = _opt(3600.0, help="MAPI node statistics; HCP advises at most hourly", floor=60.0)


@dataclass(frozen=True, slots=True)
class Thresholds:
    latency_warning_ms: float = _opt(250.0, help="node request latency (p95) for WARNING", min=1)
    latency_critical_ms: float = _opt(1000.0, help="node request latency (p95) for CRITICAL", min=1)
    quota_warning_percent: float = _opt(85.0, help="used / hard quota for WARNING", min=1, max=100)
    quota_critical_percent: float = _opt(95.0, help="used / hard quota for CRITICAL", min=1, max=100)
    lag_warning_s: float = _opt(900.0, help="replication lag (now - up to date as of) for WARNING", min=1)
    lag_critical_s: float = _opt(3600.0, help="replication lag for CRITICAL", min=1)
    pending_warning_bytes: ByteSize = _opt(ByteSize(10 * 1024**3), help="pending replication bytes for WARNING, e.g. 10 GB")
    pending_critical_bytes: ByteSize = _opt(ByteSize(100 * 1024**3), help="pending replication bytes for CRITICAL")


@dataclass(frozen=True, slots=True)
class ConnectionBudget:
    per_node: int = _opt(4, help="open connections to one node address", min=1, max=256)
    total: int = _opt(32, help="open connections to the whole system", min=1, max=4096)
    actions: int = _opt(2, help="connections reserved for replication actions", min=1, max=16)
    connect_timeout: float = _opt(5.0, help="seconds to establish a TCP+TLS connection", min=0.1, max=300)
    read_timeout: float = _opt(30.0, help="seconds to wait for a response", min=0.1, max=3600)
    pool_timeout: float = _opt(30.0, help="seconds to wait for a free connection", min=0.1, max=3600)


@dataclass(frozen=True, slots=True)
class SystemConfig:
    name: str = _opt(help="short unique name shown in the dashboard")
    domain: str = _opt(help="the HCP system domain, e.g. hcp1.example.com")
    credentials: Credentials = _opt(help="system-level account for MAPI (MONITOR role for viewing, ADMINISTRATOR for actions)")
    environment: Environment = _opt(Environment(), help="environment label and colour")
    read_only: bool = _opt(False, help="never send a replication action to this system")
    ports: Ports = _opt(Ports(), help="ports")
    discovery: Discovery = _opt(Discovery(), help="how to find node addresses")
    tls: TlsSettings = _opt(TlsSettings(), help="certificate verification")
    data_access: tuple[DataAccess, ...] = _opt((), help="credentials for /proc per tenant or namespace")
    poll: PollIntervals = _opt(PollIntervals(), help="poll intervals in seconds")
    thresholds: Thresholds = _opt(Thresholds(), help="health thresholds")
    connections: ConnectionBudget = _opt(ConnectionBudget(), help="connection budget and timeouts")

    @property
    def admin_host(self) -> str:
        return f"admin.{self.domain}"


@dataclass(frozen=True, slots=True)
class SimulatorLink:
    control_url: str = _opt(help="control API of the simulator this config was written for")


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    """``hcpdash serve``, the Prometheus exporter."""

    listen: str = _opt("127.0.0.1:9477", help="HOST:PORT of /metrics and /healthz; an address other than "
                                               "loopback must be named here or with --metrics, and warns")
    namespaces: bool = _opt(True, help="per-namespace series; false leaves them out (tenant totals stay)")


@dataclass(frozen=True, slots=True)
class Config:
    systems: tuple[SystemConfig, ...] = _opt(help="the HCP systems to watch")
    read_only: bool = _opt(False, help="never send a replication action to any system")
    theme: str = _opt("dark", help="theme name (a file in themes/ or the user's themes dir)")
    bindings: dict[str, str] = _opt(None, help="key remapping: binding id -> key")
    log_file: Path | None = _opt(None, help="append log records to this file")
    metrics: MetricsSettings = _opt(MetricsSettings(), help="hcpdash serve, the Prometheus exporter")
    simulator: SimulatorLink | None = _opt(None, help="written by hcpdash simulate")
    path: Path | None = field(default=None, metadata={"internal": True})

    def system(self, name: str) -> SystemConfig:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def is_read_only(self, system: SystemConfig) -> bool:
        return self.read_only or system.read_only


# Sections whose keys `defaults:` may supply for every system.
_DEFAULTABLE = ("environment", "read_only", "ports", "discovery", "tls", "poll", "thresholds", "connections")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.){2,}[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


# ---------------------------------------------------------------- locating


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--config``, then ``$HCPDASH_CONFIG``, then the platform config dir."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env)
    import platformdirs

    return Path(platformdirs.user_config_dir("hcpdash")) / CONFIG_FILENAME


def state_dir() -> Path:
    """Where the audit journal and history live (created on demand)."""
    import platformdirs

    override = os.environ.get("HCPDASH_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir("hcpdash"))


# ---------------------------------------------------------------- loading


class _Reader:
    """Walks a composed YAML node tree against the dataclass schema."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.inline_secrets: list[int] = []

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.filename, line, path, message))

    # -- dispatch on the annotated type

    def read(self, node: yaml.Node, tp: Any, path: str) -> Any:
        origin = typing.get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                return None
            return self.read(node, args[0], path)
        if tp is Secret:
            return self.read_secret(node, path)
        if dataclasses.is_dataclass(tp):
            return self.read_section(node, tp, path)
        if origin is tuple:
            return self.read_list(node, typing.get_args(tp)[0], path)
        if origin is dict:
            return self.read_str_map(node, path)
        if origin is Literal:
            value = self.read_scalar(node, str, path)
            choices = typing.get_args(tp)
            if value is not None and value not in choices:
                self.problem(node, path, f"must be one of {', '.join(choices)} (got {value!r})")
                return None
            return value
        return self.read_scalar(node, tp, path)

    def read_scalar(self, node: yaml.Node, tp: Any, path: str) -> Any:
        names = {bool: "a boolean (true or false)", int: "an integer", float: "a number", str: "a string",
                 Path: "a file path", ByteSize: "a size such as 10 GB or a number of bytes"}
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, f"must be {names[tp]}, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}")
            return None
        value = _construct(node)
        if tp is ByteSize:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return ByteSize(value)
            if isinstance(value, str):
                try:
                    return ByteSize(parse_byte_size(value))
                except ValueError:
                    pass
            self.problem(node, path, f"must be {names[tp]} (got {value!r})")
            return None
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if tp is Path and isinstance(value, str) and value:
            return Path(value).expanduser()
        expected = str if tp is Path else tp
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            self.problem(node, path, f"must be {names[tp]} (got {value!r})")
            return None
        return value

    def read_list(self, node: yaml.Node, item_tp: Any, path: str) -> tuple[Any, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, "must be a list")
            return None
        items = [self.read(child, item_tp, f"{path}[{i}]") for i, child in enumerate(node.value)]
        return tuple(items)

    def read_str_map(self, node: yaml.Node, path: str) -> dict[str, str] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "must be a mapping")
            return None
        result: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node)
            value = self.read_scalar(value_node, str, f"{path}.{key}")
            if value is not None:
                result[str(key)] = value
        return result

    def read_secret(self, node: yaml.Node, path: str) -> Secret | None:
        if isinstance(node, yaml.ScalarNode):
            value = _construct(node)
            if not isinstance(value, str) or not value:
                self.problem(node, path, "must be a non-empty string, {env: VAR} or {command: [argv...]}")
                return None
            self.inline_secrets.append(node.start_mark.line + 1)
            return Secret("inline", (value,))
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            key_node, value_node = node.value[0]
            key = _construct(key_node)
            if key == "env":
                name = self.read_scalar(value_node, str, f"{path}.env")
                return Secret("env", (name,)) if name else None
            if key == "command":
                argv = self.read_list(value_node, str, f"{path}.command")
                if argv is not None and (not argv or not all(argv)):
                    self.problem(value_node, f"{path}.command", "must be a non-empty list of strings")
                    return None
                return Secret("command", argv) if argv else None
            self.problem(key_node, f"{path}.{key}", _unknown_key_message(str(key), ["env", "command"]))
            return None
        self.problem(node, path, "must be a string, {env: VAR} or {command: [argv...]}")
        return None

    def read_section(self, node: yaml.Node, cls: type, path: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "must be a mapping")
            return None
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        broken = False
        for key_node, value_node in node.value:
            key = _construct(key_node)
            child_path = f"{path}.{key}" if path else str(key)
            if key not in fields:
                self.problem(key_node, child_path, _unknown_key_message(str(key), list(fields)))
                continue
            if key in values:
                self.problem(key_node, child_path, "appears twice")
                continue
            value = self.read(value_node, hints[key], child_path)
            if isinstance(value, tuple) and None in value:
                broken = True
                continue
            if value is None and not _allows_none(hints[key]):
                broken = True
                continue
            if value is not None and not self.check_bounds(value_node, fields[key], value, child_path):
                broken = True
                continue
            values[key] = value
        for name, f in fields.items():
            if name not in values and f.default is dataclasses.MISSING and not broken:
                self.problem(node, f"{path}.{name}" if path else name, "is required")
                broken = True
        if broken or any(f.default is dataclasses.MISSING and n not in values for n, f in fields.items()):
            return None
        if cls is Config and values.get("bindings") is None:
            values["bindings"] = {}
        instance = cls(**values)
        if cls is SystemConfig:
            _check_system(self, node, instance, path)
        return instance

    def check_bounds(self, node: yaml.Node, f: dataclasses.Field[Any], value: Any, path: str) -> bool:
        meta = f.metadata
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return True
        if meta.get("floor") is not None and value < meta["floor"]:
            self.problem(node, path, f"must be at least {meta['floor']:g} s (lower intervals load the HCP for no gain)")
            return False
        if meta.get("min") is not None and value < meta["min"]:
            self.problem(node, path, f"must be at least {meta['min']:g} (got {value:g})")
            return False
        if meta.get("max") is not None and value > meta["max"]:
            self.problem(node, path, f"must be at most {meta['max']:g} (got {value:g})")
            return False
        return True


def _construct(node: yaml.Node) -> Any:
    """The Python value of a scalar node, typed as YAML 1.1 SafeLoader types it."""
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _allows_none(tp: Any) -> bool:
    return typing.get_origin(tp) in (types.UnionType, typing.Union) and type(None) in typing.get_args(tp)


def _unknown_key_message(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(known))}"
    return f"unknown key{hint}"


def _apply_defaults(systems: yaml.Node, defaults: yaml.MappingNode) -> None:
    """Give each system the keys of ``defaults:`` it does not set itself (one level deep)."""
    if not isinstance(systems, yaml.SequenceNode):
        return
    for system in systems.value:
        if not isinstance(system, yaml.MappingNode):
            continue
        own = {_construct(k): v for k, v in system.value}
        for key_node, value_node in defaults.value:
            key = _construct(key_node)
            if key not in own:
                system.value.append((key_node, value_node))
            elif isinstance(own[key], yaml.MappingNode) and isinstance(value_node, yaml.MappingNode):
                present = {_construct(k) for k, _ in own[key].value}
                own[key].value.extend((k, v) for k, v in value_node.value if _construct(k) not in present)


def parse_config(text: str, filename: str = "<config>") -> tuple[Config | None, list[Problem], list[int]]:
    """Parse and validate; returns the config (if usable), every problem, and inline-secret lines."""
    reader = _Reader(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f", column {mark.column + 1}" if mark else ""
        return None, [Problem(filename, line, "", f"YAML syntax error{column}: {exc.problem or exc}")], []
    if root is None:
        return None, [Problem(filename, 1, "systems", "is required (the file is empty)")], []
    if isinstance(root, yaml.MappingNode):
        rest = []
        for key_node, value_node in root.value:
            if _construct(key_node) == "defaults":
                if isinstance(value_node, yaml.MappingNode):
                    _check_defaults(reader, value_node)
                    systems = next((v for k, v in root.value if _construct(k) == "systems"), None)
                    if systems is not None:
                        _apply_defaults(systems, value_node)
                else:
                    reader.problem(value_node, "defaults", "must be a mapping")
            else:
                rest.append((key_node, value_node))
        root.value = rest
    config = reader.read_section(root, Config, "")
    _check_unique_names(reader, _child(root, "systems"))
    if reader.problems:
        return None, sorted(reader.problems, key=lambda p: p.line), reader.inline_secrets
    return config, [], reader.inline_secrets


def _check_defaults(reader: _Reader, node: yaml.MappingNode) -> None:
    for key_node, _ in node.value:
        key = _construct(key_node)
        if key not in _DEFAULTABLE:
            reader.problem(key_node, f"defaults.{key}", _unknown_key_message(str(key), list(_DEFAULTABLE)))


def _check_system(reader: _Reader, node: yaml.MappingNode, system: SystemConfig, path: str) -> None:
    """Rules that span fields of one system: domain shape, discovery, threshold order, CA file."""
    if not _DOMAIN.match(system.domain):
        reader.problem(_child(node, "domain") or node, f"{path}.domain",
                       f"{system.domain!r} is not an HCP domain (at least three labels, e.g. hcp1.example.com)")
    discovery = system.discovery
    disc_node = _child(node, "discovery") or node
    if discovery.method == "static" and not discovery.addresses:
        reader.problem(disc_node, f"{path}.discovery.addresses", "is required when method is static")
    if discovery.method != "static" and discovery.addresses:
        reader.problem(_child(disc_node, "addresses") or disc_node, f"{path}.discovery.addresses",
                       f"is only used when method is static (method is {discovery.method})")
    th_node = _child(node, "thresholds") or node
    for low, high in (("latency_warning_ms", "latency_critical_ms"), ("quota_warning_percent", "quota_critical_percent"),
                      ("lag_warning_s", "lag_critical_s"), ("pending_warning_bytes", "pending_critical_bytes")):
        if getattr(system.thresholds, low) > getattr(system.thresholds, high):
            reader.problem(_child(th_node, low) or th_node, f"{path}.thresholds.{low}", f"must not exceed {high}")
    ca_file = system.tls.ca_file
    if ca_file is not None and not ca_file.is_file():
        reader.problem(_child(_child(node, "tls"), "ca_file") or node, f"{path}.tls.ca_file", f"file not found: {ca_file}")


def _check_unique_names(reader: _Reader, systems: yaml.Node | None) -> None:
    if not isinstance(systems, yaml.SequenceNode):
        return
    if not systems.value:
        reader.problem(systems, "systems", "must name at least one HCP system")
    seen: dict[str, int] = {}
    for index, node in enumerate(systems.value):
        name_node = _child(node, "name")
        name = _construct(name_node) if isinstance(name_node, yaml.ScalarNode) else None
        if not isinstance(name, str):
            continue
        line = name_node.start_mark.line + 1
        if name.lower() in seen:
            reader.problem(name_node, f"systems[{index}].name",
                           f"duplicate system name {name!r} (first at line {seen[name.lower()]})")
        else:
            seen[name.lower()] = line


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if _construct(k) == key:
                return v
    return None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Find, read, validate and permission-check the config; raise ConfigError on any problem."""
    config_path = find_config_path(path)
    name = str(config_path)
    try:
        text = config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(name, 0, "", "file not found (give --config PATH, set HCPDASH_CONFIG, "
                                                 "or copy config.example.yaml there)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(name, 0, "", f"cannot read: {exc.strerror if isinstance(exc, OSError) else exc}")]) from None
    config, problems, inline_lines = parse_config(text, name)
    problems = list(problems)
    if inline_lines:
        problems.extend(_permission_problems(config_path, inline_lines))
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return dataclasses.replace(config, path=config_path)


def _permission_problems(path: Path, lines: list[int]) -> list[Problem]:
    if os.name != "posix":
        return []
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [Problem(str(path), lines[0], "", f"holds a password inline but is readable by others "
                                                 f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}")]
    return []


# ---------------------------------------------------------------- reporting


def config_warnings(config: Config) -> list[str]:
    """Things that are allowed but worth saying every time the config is used."""
    warnings = []
    for system in config.systems:
        if not system.tls.verify:
            warnings.append(f"{system.name}: TLS verification is off (tls.verify: false); "
                            f"anyone on the network path can read the credentials. Prefer tls.ca_file.")
    return warnings


def _plain(value: Any) -> Any:
    if isinstance(value, Secret):
        return value.describe()
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.metadata.get("internal")}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def render_config(config: Config) -> str:
    """The effective config (defaults filled in) as YAML, every secret redacted."""
    header = f"# effective configuration from {config.path}\n" if config.path else ""
    return header + yaml.safe_dump(_plain(config), sort_keys=False, default_flow_style=False)
