"""Where the config file and the state directory live."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_VAR = "HCPDASH_CONFIG"
CONFIG_FILENAME = "config.yaml"


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



def example_config() -> str:
    """The documented example config shipped in the package (``hcpdash config example``)."""
    return resources.files("hcpdash.config").joinpath("example.yaml").read_text(encoding="utf-8")
