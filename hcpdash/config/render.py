"""The config as a user sees it: warnings worth repeating and the effective YAML, secrets redacted."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from hcpdash.config.schema import Config
from hcpdash.config.secrets import Secret


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
