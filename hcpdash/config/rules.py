"""Rules that span keys: ``defaults:`` merging, domain shape, discovery, threshold order, unique names."""

from __future__ import annotations

import ipaddress
import re
import ssl
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

import yaml

from hcpdash.config.reader import SchemaReader, SectionCheck, child, construct, key_name, unknown_key_message
from hcpdash.config.schema import DEFAULTABLE, Config, SystemConfig

# (binding id, keys) → what is wrong, or None; supplied by the dashboard, which knows its bindings.
BindingCheck = Callable[[str, str], "str | None"]

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.){2,}[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def apply_defaults(systems: yaml.Node, defaults: yaml.MappingNode) -> None:
    """Give each system the keys of ``defaults:`` it does not set itself (one level deep)."""
    if not isinstance(systems, yaml.SequenceNode):
        return
    for system in systems.value:
        if not isinstance(system, yaml.MappingNode):
            continue
        own = {key_name(k): v for k, v in system.value}
        for key_node, value_node in defaults.value:
            key = key_name(key_node)
            if key is None:
                continue
            if key not in own:
                system.value.append((key_node, value_node))
            elif isinstance(own[key], yaml.MappingNode) and isinstance(value_node, yaml.MappingNode):
                present = {key_name(k) for k, _ in own[key].value}
                own[key].value.extend((k, v) for k, v in value_node.value if key_name(k) not in present)



def check_defaults(reader: SchemaReader, node: yaml.MappingNode) -> None:
    for key_node, _ in node.value:
        key = key_name(key_node)
        if key is None:
            reader.read_key(key_node, "defaults")
        elif key not in DEFAULTABLE:
            reader.problem(key_node, f"defaults.{key}", unknown_key_message(str(key), list(DEFAULTABLE)))


def check_system(reader: SchemaReader, node: yaml.MappingNode, system: SystemConfig, path: str) -> None:
    """Rules that span fields of one system: domain shape, discovery, threshold order, CA file."""
    if not _DOMAIN.match(system.domain):
        reader.problem(child(node, "domain") or node, f"{path}.domain",
                       f"{system.domain!r} is not an HCP domain (at least three labels, e.g. hcp1.example.com)")
    discovery = system.discovery
    disc_node = child(node, "discovery") or node
    if discovery.method == "static" and not discovery.addresses:
        reader.problem(disc_node, f"{path}.discovery.addresses", "is required when method is static")
    if discovery.method != "static" and discovery.addresses:
        reader.problem(child(disc_node, "addresses") or disc_node, f"{path}.discovery.addresses",
                       f"is only used when method is static (method is {discovery.method})")
    th_node = child(node, "thresholds") or node
    for low, high in (("latency_warning_ms", "latency_critical_ms"), ("quota_warning_percent", "quota_critical_percent"),
                      ("lag_warning_s", "lag_critical_s"), ("pending_warning_bytes", "pending_critical_bytes")):
        if getattr(system.thresholds, low) > getattr(system.thresholds, high):
            reader.problem(child(th_node, low) or th_node, f"{path}.thresholds.{low}", f"must not exceed {high}")
    if discovery.nameserver is not None and not _is_ip(discovery.nameserver):
        reader.problem(child(disc_node, "nameserver") or disc_node, f"{path}.discovery.nameserver",
                       f"{discovery.nameserver!r} is not an IP address (the name server is asked directly, "
                       "so give its address, not its name)")
    addresses_node = child(disc_node, "addresses")
    for index, address in enumerate(discovery.addresses):
        if not _is_ip(address):
            at = addresses_node.value[index] if isinstance(addresses_node, yaml.SequenceNode) else disc_node
            reader.problem(at, f"{path}.discovery.addresses[{index}]", f"{address!r} is not an IP address")
    name_problem = _name_problem(system.name)
    if name_problem:
        reader.problem(child(node, "name") or node, f"{path}.name", name_problem)
    numbers = system.expected_nodes
    if isinstance(numbers, tuple) and (not numbers or len(set(numbers)) != len(numbers) or min(numbers) < 0):
        reader.problem(child(node, "expected_nodes") or node, f"{path}.expected_nodes",
                       "must be a count or a list of distinct node numbers")
    ca_file = system.tls.ca_file
    ca_problem = ca_file_problem(ca_file) if ca_file is not None else None
    if ca_problem:
        reader.problem(child(child(node, "tls"), "ca_file") or node, f"{path}.tls.ca_file", ca_problem)


def ca_file_problem(path: Path) -> str | None:
    """What keeps ``path`` from being a PEM file of CA certificates, or None. Never opens a non-regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"file not found: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return f"{path} is a directory; give the PEM file of the CA certificate"
    if not stat.S_ISREG(mode):
        return f"{path} is not a regular file; give the PEM file of the CA certificate"
    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as exc:
        return f"{path} is not a PEM CA certificate ({exc.reason or exc})"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _name_problem(name: str) -> str | None:
    """System names reach the screen, logs and the audit journal: printable, one line, not empty."""
    if not name.strip():
        return "must not be empty"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "must not contain control or format characters"
    if len(name) > 64:
        return "must be at most 64 characters"
    return None


def check_unique_names(reader: SchemaReader, systems: yaml.Node | None) -> None:
    if not isinstance(systems, yaml.SequenceNode):
        return
    if not systems.value:
        reader.problem(systems, "systems", "must name at least one HCP system")
    seen: dict[str, int] = {}
    for index, node in enumerate(systems.value):
        name_node = child(node, "name")
        name = construct(name_node) if isinstance(name_node, yaml.ScalarNode) else None
        if not isinstance(name, str):
            continue
        line = name_node.start_mark.line + 1
        if name.lower() in seen:
            reader.problem(name_node, f"systems[{index}].name",
                           f"duplicate system name {name!r} (first at line {seen[name.lower()]})")
        else:
            seen[name.lower()] = line



def bindings_rule(check_binding: BindingCheck) -> SectionCheck:
    """Each ``bindings:`` entry must name a binding id and keys the dashboard can use."""

    def check(reader: SchemaReader, node: yaml.MappingNode, config: Config, path: str) -> None:
        section = child(node, "bindings")
        if not isinstance(section, yaml.MappingNode):
            return
        for key_node, value_node in section.value:
            binding_id, keys = key_name(key_node), construct(value_node)
            if isinstance(binding_id, str) and isinstance(keys, str):
                problem = check_binding(binding_id, keys)
                if problem:
                    reader.problem(key_node, f"bindings.{binding_id}", problem)

    return check
