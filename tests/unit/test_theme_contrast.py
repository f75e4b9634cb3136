"""Every bundled theme keeps text and badges at WCAG AA contrast (4.5:1) or better.

Computed from the theme files themselves, so a new or edited theme cannot regress.
"""

from __future__ import annotations

import pytest
import yaml

from hcpdash.tui.contrast import AA_TEXT, contrast_ratio, readable_on
from hcpdash.tui.themes import bundled_theme_dir
from hcpdash.tui.widgets.header import environment_style

THEMES = sorted(bundled_theme_dir().glob("*.yaml"))
BACKGROUNDS = ("background", "surface", "panel")
TEXT_VARIABLES = ("verdict-ok", "verdict-warning", "verdict-critical", "verdict-unknown", "stale", "failing")
BADGE_VARIABLES = ("paused", "read-only", "read-write")
"""Drawn reversed in the header: the panel colour on the variable's colour."""


def load(path):  # noqa: ANN001, ANN201
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_bundled_theme_is_checked() -> None:
    assert {p.stem for p in THEMES} >= {"dark", "light", "high-contrast"}


@pytest.mark.parametrize("path", THEMES, ids=lambda p: p.stem)
def test_text_on_every_background(path) -> None:  # noqa: ANN001
    theme = load(path)
    colours = {"foreground": theme["foreground"], **{k: theme["variables"][k] for k in TEXT_VARIABLES}}
    low = [f"{name} on {bg}: {contrast_ratio(colour, theme[bg]):.2f}:1"
           for name, colour in colours.items() for bg in BACKGROUNDS
           if contrast_ratio(colour, theme[bg]) < AA_TEXT]
    assert not low, f"{path.name}: below {AA_TEXT}:1: {low}"


@pytest.mark.parametrize("path", THEMES, ids=lambda p: p.stem)
def test_header_badges(path) -> None:  # noqa: ANN001
    theme = load(path)
    low = [f"{name}: {contrast_ratio(theme['panel'], theme['variables'][name]):.2f}:1" for name in BADGE_VARIABLES
           if contrast_ratio(theme["panel"], theme["variables"][name]) < AA_TEXT]
    assert not low, f"{path.name}: badges below {AA_TEXT}:1: {low}"


@pytest.mark.parametrize("colour", ["green", "yellow", "red", "blue", "magenta", "cyan", "white", "black",
                                   "bright_yellow", "#ffd700", "#808080", "#1e90ff", "#777777"])
def test_environment_badge_text_reads_on_any_colour(colour: str) -> None:
    style = environment_style(colour)
    assert style.bgcolor is not None and style.color is not None
    ratio = contrast_ratio(style.bgcolor.get_truecolor().hex, style.color.get_truecolor().hex)
    assert ratio >= AA_TEXT, f"{colour}: {ratio:.2f}:1"


def test_readable_on_picks_the_better_of_black_and_white() -> None:
    assert readable_on("yellow") == "#000000"
    assert readable_on("#000080") == "#ffffff"
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
