"""Themes are YAML files: the bundled ones in ``themes/``, a user's in their config dir.

A theme names Textual's base colours plus hcpdash's own variables (``verdict-ok``,
``stale``, ``bar-used`` ...). Panes read verdict colours only through those
variables, so a theme file is all it takes to restyle the dashboard.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from textual.theme import Theme

REQUIRED_VARIABLES = (
    "verdict-ok", "verdict-warning", "verdict-critical", "verdict-unknown", "stale", "failing", "paused",
    "bar-used", "bar-free", "sparkline", "read-only", "read-write",
)
_COLOUR_KEYS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground", "background",
                "surface", "panel", "boost")


class ThemeError(Exception):
    """A theme file that cannot be used; the message names the file and the key."""


def bundled_theme_dir() -> Path:
    """``hcpdash/themes`` in an installed wheel; the top-level ``themes/`` in a checkout."""
    package = Path(str(resources.files("hcpdash")))
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


def user_theme_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("hcpdash")) / "themes"


def discover_themes(extra_dirs: tuple[Path, ...] = ()) -> dict[str, Path]:
    """Theme name → file; a user's file overrides a bundled one of the same name."""
    found: dict[str, Path] = {}
    for directory in (bundled_theme_dir(), user_theme_dir(), *extra_dirs):
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                found[path.stem] = path
    return found


def load_theme(path: Path) -> Theme:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ThemeError(f"{path}: cannot read theme: {exc}") from None
    if not isinstance(data, dict):
        raise ThemeError(f"{path}: a theme must be a mapping of colours")
    unknown = set(data) - {"name", "dark", "variables", *_COLOUR_KEYS}
    if unknown:
        raise ThemeError(f"{path}: unknown key {sorted(unknown)[0]!r}")
    if "primary" not in data:
        raise ThemeError(f"{path}: primary: is required")
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeError(f"{path}: variables: must be a mapping")
    missing = [name for name in REQUIRED_VARIABLES if name not in variables]
    if missing:
        raise ThemeError(f"{path}: variables.{missing[0]}: is required (hcpdash colours verdicts with it)")
    try:
        return Theme(
            name=str(data.get("name") or path.stem),
            dark=bool(data.get("dark", True)),
            variables={str(k): str(v) for k, v in variables.items()},
            **{key: str(data[key]) for key in _COLOUR_KEYS if key in data},
        )
    except (TypeError, ValueError) as exc:
        raise ThemeError(f"{path}: {exc}") from None
