"""WCAG 2 contrast: the ratio every bundled theme keeps for text and badges.

Relative luminance and contrast ratio as WCAG 2.1 defines them (§1.4.3: 4.5:1 for
normal text). Colours are anything Rich parses; named ANSI colours are taken at
Rich's default truecolor values, as Textual renders them.
"""

from __future__ import annotations

from rich.color import Color

AA_TEXT = 4.5
"""WCAG AA minimum for normal text."""

BLACK = "#000000"
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    """Relative luminance, 0 (black) to 1 (white)."""
    rgb = Color.parse(colour).get_truecolor()

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(rgb.red) + 0.7152 * linear(rgb.green) + 0.0722 * linear(rgb.blue)


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (same luminance) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (always at least 4.58:1)."""
    return BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE
