"""Making a cell's text fit its column by what the text means, before cutting it.

Three kinds of value, three rules:

- a **name** (host, tenant, namespace, link) keeps its start and its end, which tell
  names apart (``finance-archive-2024`` → ``finance…ve-2024``);
- a **figure** (sizes, rates, counts with units) is written ever more compactly —
  no space before a unit, no spaces around ``/``, no trailing zeros, then fewer
  decimals (``503.01 MB / 2.00 TB`` → ``503.01MB/2TB`` → ``503MB/2TB``) — and is cut
  only when even the shortest form does not fit;
- any other **text** is cut at the end with ``…``, the last resort; the detail view
  shows it in full.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from rich.cells import cell_len
from rich.text import Text

ValueKind = Literal["text", "name", "figure"]
ELLIPSIS = "…"

_DECIMAL = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)")


def _decimals(places: int | None) -> Callable[[str], str]:
    """Rewrite every decimal number with at most ``places`` decimals (``None``: as many as it has),
    without trailing zeros."""

    def rewrite(match: re.Match[str]) -> str:
        whole, fraction = match.group(1), match.group(2)
        digits = len(fraction) if places is None else places
        value = float(f"{whole.replace(',', '')}.{fraction}")
        written = f"{value:,.{digits}f}" if "," in whole else f"{value:.{digits}f}"
        return written.rstrip("0").rstrip(".") if "." in written else written

    return lambda text: _DECIMAL.sub(rewrite, text)


FIGURE_STEPS: tuple[Callable[[str], str], ...] = (
    lambda text: re.sub(r"(\d) (?=[A-Za-z%])", r"\1", text),
    lambda text: re.sub(r" ?/ ?", "/", text),
    _decimals(None),
    _decimals(1),
    _decimals(0),
)
"""Each step writes a figure more compactly than the one before; applied in turn until it fits."""


def cut_end(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, its last cell an ellipsis."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for character in text:
        size = cell_len(character)
        if used + size > width - 1:
            break
        kept.append(character)
        used += size
    return "".join(kept) + ELLIPSIS


def cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells with its middle replaced by an ellipsis (the start gets the odd cell)."""
    if cell_len(text) <= width:
        return text
    if width <= 2:
        return cut_end(text, width)
    tail_width = (width - 1) // 2
    tail, used = [], 0
    for character in reversed(text):
        size = cell_len(character)
        if used + size > tail_width:
            break
        tail.append(character)
        used += size
    head = cut_end(text[:len(text) - len(tail)], width - used)
    return head + "".join(reversed(tail))


def compact_figure(text: str, width: int) -> str:
    """``text`` through :data:`FIGURE_STEPS` until it fits ``width``; cut at the end if none does."""
    for step in FIGURE_STEPS:
        if cell_len(text) <= width:
            return text
        text = step(text)
    return cut_end(text, width)


def abbreviate(text: str, width: int, kind: ValueKind = "text") -> str:
    """``text`` in at most ``width`` cells, by the rule for its kind of value."""
    if cell_len(text) <= width:
        return text
    if kind == "name":
        return cut_middle(text, width)
    if kind == "figure":
        return compact_figure(text, width)
    return cut_end(text, width)


def fit_text(text: Text, width: int, kind: ValueKind = "text") -> Text:
    """A styled cell fitted to ``width``: one style keeps the rule for its kind; several styles
    (a bar, a coloured figure in a sentence) are cut at the end so no colour lands on the wrong part."""
    if text.cell_len <= width:
        return text
    if text.spans:
        fitted = text.copy()
        fitted.truncate(width, overflow="ellipsis")
        return fitted
    return Text(abbreviate(text.plain, width, kind), style=text.style, end="", no_wrap=True)
