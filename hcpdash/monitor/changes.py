"""What changed between two snapshots of a system, as events a person wants to see."""

from __future__ import annotations

from dataclasses import dataclass

from hcpdash.monitor.events import Severity
from hcpdash.monitor.snapshot import SystemSnapshot
from hcpdash.monitor.verdicts import Level

_SEVERITY = {Level.OK: Severity.INFO, Level.UNKNOWN: Severity.WARNING, Level.WARNING: Severity.WARNING,
             Level.CRITICAL: Severity.CRITICAL}


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    subject: str
    message: str
    severity: Severity


def changes(old: SystemSnapshot, new: SystemSnapshot) -> list[Change]:
    found: list[Change] = []
    old_nodes = {n.address: n.lost for n in old.nodes.value or ()}
    for node in new.nodes.value or ():
        was_lost = old_nodes.get(node.address)
        if was_lost is not None and was_lost != node.lost:
            if node.lost:
                detail = f": {node.last_error}" if node.last_error else ""
                found.append(Change("node", node.address, f"node {node.address} {node.state}{detail}",
                                    Severity.CRITICAL))
            else:
                found.append(Change("node", node.address, f"node {node.address} up", Severity.INFO))
    old_links = {v.link.name: v for v in old.links.value or ()}
    for view in new.links.value or ():
        before = old_links.get(view.link.name)
        if before is not None and before.link.status_message != view.link.status_message:
            found.append(Change("link", view.link.name,
                                f"link {view.link.name}: {before.link.status_message} → {view.link.status_message}",
                                _SEVERITY[view.verdict.level]))
    for name, reading in new.readings().items():
        was = old.readings()[name]
        if reading.error and reading.error != was.error:
            found.append(Change("poll", name, f"{name} poll failed: {reading.error}", Severity.WARNING))
        elif was.error and not reading.error:
            found.append(Change("poll", name, f"{name} poll recovered", Severity.INFO))
    found.extend(_crossings(old, new, {c.subject for c in found}))
    return found


def _levels(snapshot: SystemSnapshot) -> dict[str, tuple[Level, str]]:
    """Subject → its worst WARNING/CRITICAL verdict."""
    result: dict[str, tuple[Level, str]] = {}
    for verdict in snapshot.verdicts:
        if verdict.subject and verdict.level in (Level.WARNING, Level.CRITICAL):
            if verdict.subject not in result or verdict.level.rank > result[verdict.subject][0].rank:
                result[verdict.subject] = (verdict.level, verdict.reason)
    return result


def _crossings(old: SystemSnapshot, new: SystemSnapshot, reported: set[str]) -> list[Change]:
    """Threshold crossings, except for subjects a node or link event already covers."""
    before, after = _levels(old), _levels(new)
    found = []
    for subject, (level, reason) in after.items():
        if subject not in reported and before.get(subject, (None,))[0] is not level:
            found.append(Change("threshold", subject, f"{level.name}: {reason}", _SEVERITY[level]))
    for subject in before.keys() - after.keys() - reported:
        found.append(Change("threshold", subject, "back to OK", Severity.INFO))
    return found
