"""YAML configuration → typed, frozen objects.

Every problem in a file is collected, not just the first, and reported as
``FILE:LINE: key.path: message`` so an administrator can fix them all in one pass.

- ``schema``: the dataclasses (what each key means, its type, default and bounds)
- ``reader``: the walk of the YAML node tree against the schema
- ``rules``: checks that span keys
- ``load``: finding, reading and permission-checking the file
- ``secrets``, ``sizes``, ``paths``, ``render``: passwords, byte sizes, locations, output
"""

from hcpdash.config.load import load_config, parse_config
from hcpdash.config.paths import CONFIG_FILENAME, ENV_VAR, example_config, find_config_path, state_dir
from hcpdash.config.problems import ConfigError, Problem
from hcpdash.config.render import config_warnings, render_config
from hcpdash.config.schema import (
    Config,
    ConnectionBudget,
    Credentials,
    DataAccess,
    Discovery,
    Environment,
    CheckSettings,
    MetricsSettings,
    PollIntervals,
    Ports,
    SimulatorLink,
    SystemConfig,
    Thresholds,
    TlsSettings,
)
from hcpdash.config.secrets import Secret, SecretError
from hcpdash.config.sizes import ByteSize, parse_byte_size

__all__ = [
    "CONFIG_FILENAME",
    "ENV_VAR",
    "ByteSize",
    "Config",
    "ConfigError",
    "ConnectionBudget",
    "Credentials",
    "DataAccess",
    "Discovery",
    "Environment",
    "CheckSettings",
    "MetricsSettings",
    "PollIntervals",
    "Ports",
    "Problem",
    "Secret",
    "SecretError",
    "SimulatorLink",
    "SystemConfig",
    "Thresholds",
    "TlsSettings",
    "config_warnings",
    "example_config",
    "find_config_path",
    "load_config",
    "parse_byte_size",
    "parse_config",
    "render_config",
    "state_dir",
]
