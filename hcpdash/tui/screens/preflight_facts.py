"""The preflight as text: link, type, side, state, pending both ways, lag, then each check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from hcpdash.hcp.models import LinkType
from hcpdash.monitor.api import Preflight
from hcpdash.monitor.verdicts import Level, format_bytes, format_duration
from hcpdash.tui.style import labelled

if TYPE_CHECKING:
    from textual.app import App

SIDES = {LinkType.ACTIVE_ACTIVE: "either side (active/active)", LinkType.OUTBOUND: "primary (active/passive)",
         LinkType.INBOUND: "replica (active/passive)"}


def _lag(preflight: Preflight) -> str:
    lag = preflight.figures.get("lag_s")
    return format_duration(float(lag)) if isinstance(lag, (int, float)) else "unknown"


def preflight_facts(preflight: Preflight, app: App[object]) -> Text:
    palette = app.palette  # type: ignore[attr-defined]
    link = preflight.link
    stats = link.statistics if link else None
    pairs: list[tuple[str, object]] = [("System", preflight.system), ("Link", preflight.link_name)]
    if link is None:
        pairs.append(("State", Text("the link could not be read", palette.failing)))
    else:
        pairs += [
            ("Type", f"{link.type}"), ("This side", SIDES.get(link.type, str(link.type))),
            ("State", f"{link.status or 'unknown'} — {link.status_message or 'no status message'}"
                      + (" (suspended)" if link.suspended else "")),
        ]
    if stats is not None:
        pairs += [
            ("Pending outbound", f"{format_bytes(stats.bytes_pending)} / {stats.objects_pending:,} objects"),
            ("Pending inbound", f"{format_bytes(stats.bytes_pending_remote)} / {stats.objects_pending_remote:,} objects"),
        ]
    pairs.append(("Lag", _lag(preflight)))
    allowed = Text("yes — " if preflight.allowed else "NO — ", palette.ok if preflight.allowed else palette.critical)
    allowed.append(preflight.reason)
    pairs.append(("Allowed now", allowed))
    result = labelled(pairs, 18)
    if preflight.checks:
        result.append("\n\nChecks\n", "bold")
    marks = {Level.OK: "✓", Level.WARNING: "!", Level.CRITICAL: "✗", Level.UNKNOWN: "?"}
    for check in preflight.checks:
        result.append(f" {marks[check.level]} ", palette.level(check.level))
        result.append(check.text, palette.level(check.level) if check.level is not Level.OK else "")
        result.append("\n")
    result.rstrip()
    return result
