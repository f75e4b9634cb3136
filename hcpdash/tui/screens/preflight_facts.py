"""The preflight as text: both ends of the link as just read, then each check of the runbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from hcpdash.hcp.models import Link, LinkType, ReplicationService
from hcpdash.monitor.api import OtherEnd, Preflight
from hcpdash.monitor.verdicts import Level, format_bytes, format_duration
from hcpdash.tui.style import Palette, labelled

if TYPE_CHECKING:
    from textual.app import App

SIDES = {LinkType.ACTIVE_ACTIVE: "either side (active/active)", LinkType.OUTBOUND: "primary (active/passive)",
         LinkType.INBOUND: "replica (active/passive)"}
MARKS = {Level.OK: "✓", Level.WARNING: "!", Level.CRITICAL: "✗", Level.UNKNOWN: "?"}


def _lag(value: object) -> str:
    return format_duration(float(value)) if isinstance(value, (int, float)) else "unknown"


def _state(link: Link) -> str:
    return (f"{link.status or 'unknown'} — {link.status_message or 'no status message'}"
            + (" (suspended)" if link.suspended else ""))


def _pending(link: Link) -> str:
    stats = link.statistics
    return "not reported" if stats is None else f"{format_bytes(stats.bytes_pending)} / {stats.objects_pending:,} objects"


def _dns(service: ReplicationService | None) -> str:
    if service is None or service.enable_dns_failover is None:
        return "unknown"
    return "on" if service.enable_dns_failover else "off"


def _both_ends(preflight: Preflight, link: Link, other: OtherEnd, palette: Palette) -> list[tuple[str, object]]:
    """State, pending data in each direction, lag and DNS failover, each labelled with the system it came from."""
    here, there = preflight.system, other.system or "other end"
    unknown = Text(f"unknown — {there} could not be read", palette.failing)
    if other.link is None:
        far_state: object = Text(f"could not be read now: {other.error}", palette.failing)
        toward_here: object = unknown
        far_lag = "unknown"
    else:
        far_state = f"{_state(other.link)} (read now)"
        toward_here = f"{_pending(other.link)} (on {there}, read now)"
        far_lag = _lag(dict(preflight.figures.get("other_end") or {}).get("lag_s"))
    pairs: list[tuple[str, object]] = [
        (f"State on {here}", _state(link)),
        (f"State on {there}", far_state),
        (f"Pending → {here}", toward_here),
        (f"Pending → {there}", f"{_pending(link)} (on {here})"),
        ("Lag", f"{here} {_lag(preflight.figures.get('lag_s'))} · {there} {far_lag}"),
    ]
    if other.system:
        pairs.append(("DNS failover", f"{here} {_dns(preflight.service)} · {there} {_dns(other.service)}"))
    return pairs


def _this_end(preflight: Preflight, link: Link) -> list[tuple[str, object]]:
    """Only this end was read (no other end asked for): its own counters, labelled as such."""
    stats = link.statistics
    pairs: list[tuple[str, object]] = [("State", _state(link))]
    if stats is not None:
        pairs += [
            ("Pending outbound", f"{format_bytes(stats.bytes_pending)} / {stats.objects_pending:,} objects"),
            ("Pending inbound",
             f"{format_bytes(stats.bytes_pending_remote)} / {stats.objects_pending_remote:,} objects "
             f"({preflight.system}'s count)"),
        ]
    pairs.append(("Lag", _lag(preflight.figures.get("lag_s"))))
    return pairs


def preflight_facts(preflight: Preflight, app: App[object]) -> Text:
    palette: Palette = app.palette  # type: ignore[attr-defined]
    link = preflight.link
    pairs: list[tuple[str, object]] = [("Link", preflight.link_name)]
    if link is None:
        pairs += [("System", preflight.system), ("State", Text("the link could not be read", palette.failing))]
    else:
        pairs += [("Type", f"{link.type}"), ("System", f"{preflight.system}, {SIDES.get(link.type, str(link.type))}")]
        other = preflight.other_end
        pairs += _both_ends(preflight, link, other, palette) if other is not None else _this_end(preflight, link)
    allowed = Text("yes — " if preflight.allowed else "NO — ", palette.ok if preflight.allowed else palette.critical)
    allowed.append(preflight.reason)
    pairs.append(("Allowed now", allowed))
    result = labelled(pairs, max(len(label) for label, _ in pairs) + 2)
    if preflight.checks:
        result.append("\n\nChecks\n", "bold")
    for check in preflight.checks:
        result.append(f" {MARKS[check.level]} ", palette.level(check.level))
        result.append(check.text, palette.level(check.level) if check.level is not Level.OK else "")
        result.append("\n")
    result.rstrip()
    return result
