"""The preflight of a replication action: the runbook's checks applied to a fresh link.

A pure function of the just-read link, the far end read from its own system, the
validity verdict and our thresholds, so the dashboard, ``hcpdash link`` and the tests
all see the same checks. A figure that could not be read is said to be unknown, never
shown as zero.
"""

from __future__ import annotations

from hcpdash.config import Thresholds
from hcpdash.hcp.models import Link, LinkAction, LinkType, ReplicationService
from hcpdash.monitor.api import Check, OtherEnd, Preflight
from hcpdash.monitor.verdicts import Level, drain_eta_s, format_bytes, format_duration

_SIDE = {
    LinkType.ACTIVE_ACTIVE: "an active/active link (either side may act)",
    LinkType.OUTBOUND: "the primary of an active/passive link (OUTBOUND)",
    LinkType.INBOUND: "the replica of an active/passive link (INBOUND)",
}


def link_lag_s(link: Link, now: float) -> float | None:
    """now − "up to date as of": how much recent data the other side lacks."""
    stats = link.statistics
    if stats is None or not stats.up_to_date_as_of_millis or stats.up_to_date_as_of_millis <= 0:
        return None
    return max(0.0, now - stats.up_to_date_as_of_millis / 1000.0)


def figures(link: Link, now: float, service: ReplicationService | None = None,
            other_end: OtherEnd | None = None) -> dict[str, object]:
    """The numbers that estimate the data at risk, as the preflight showed them; recorded in the audit journal."""
    stats = link.statistics
    result: dict[str, object] = {
        "type": str(link.type), "status": str(link.status) if link.status else None,
        "status_message": link.status_message, "suspended": link.suspended,
    }
    if stats is not None:
        result.update(
            bytes_pending=stats.bytes_pending, objects_pending=stats.objects_pending,
            bytes_pending_remote=stats.bytes_pending_remote, objects_pending_remote=stats.objects_pending_remote,
            bytes_per_second=stats.bytes_per_second, up_to_date_as_of=stats.up_to_date_as_of_string,
        )
    lag = link_lag_s(link, now)
    result["lag_s"] = None if lag is None else round(lag, 1)
    result["dns_failover"] = service.enable_dns_failover if service else None
    if other_end is not None:
        result["other_end"] = other_end_figures(other_end, now)
    return result


def other_end_figures(other: OtherEnd, now: float) -> dict[str, object]:
    """What the far end said when read, or that it could not be read (never a zero standing in for unknown)."""
    if other.link is None:
        return {"system": other.system, "read": False, "error": other.error}
    stats = other.link.statistics
    lag = link_lag_s(other.link, now)
    return {
        "system": other.system, "read": True, "type": str(other.link.type),
        "status": str(other.link.status) if other.link.status else None,
        "status_message": other.link.status_message, "suspended": other.link.suspended,
        "bytes_pending_toward_this_end": stats.bytes_pending if stats else None,
        "objects_pending_toward_this_end": stats.objects_pending if stats else None,
        "up_to_date_as_of": stats.up_to_date_as_of_string if stats else None,
        "lag_s": None if lag is None else round(lag, 1),
        "dns_failover": other.service.enable_dns_failover if other.service else None,
    }


def _auto_failover(link: Link) -> list[str]:
    settings = link.failover_settings
    if settings is None:
        return []
    found = []
    for side_name, side in (("local", settings.local), ("remote", settings.remote)):
        if side is not None and side.auto_failover:
            found.append(f"{side_name} auto-failover after {side.auto_failover_minutes} min")
    return found


def _amount(bytes_: int, objects: int) -> str:
    return f"{format_bytes(bytes_)} / {objects:,} objects"


def _state(link: Link) -> str:
    return (f"{link.status or 'unknown'} — {link.status_message or 'no status message'}"
            f"{' (suspended)' if link.suspended else ''}")


def _state_level(link: Link) -> Level:
    return Level.OK if not link.status or str(link.status) == "GOOD" else Level.WARNING


def _other_end_checks(here: str, link: Link, other: OtherEnd, action: LinkAction, thresholds: Thresholds,
                      now: float) -> list[Check]:
    """The far end as read from its own system: its state, what it still has to send here, its lag."""
    there = other.system or "the other system"
    if other.link is None:
        why = (f"{there} could not be read now: {other.error}." if other.system
               else f"The other end could not be read: {other.error}.")
        if action is LinkAction.FAIL_OVER:
            why += f" If {there} is down, that is why a failover is needed; its state is unknown."
        pending = f"Pending on {there} toward {here}: unknown ({there} could not be read)."
        if other.last_polled is not None and other.last_polled.statistics is not None and other.last_polled_at:
            old = other.last_polled.statistics
            pending += (f" The last successful poll, {format_duration(max(0.0, now - other.last_polled_at))} ago, "
                        f"showed {_amount(old.bytes_pending, old.objects_pending)}.")
        stats = link.statistics
        if link.type is LinkType.ACTIVE_ACTIVE and stats is not None:
            pending += (f" {here}'s own count of it (bytesPendingRemote) is "
                        f"{_amount(stats.bytes_pending_remote, stats.objects_pending_remote)}.")
        return [Check(Level.UNKNOWN, why), Check(Level.UNKNOWN, pending)]
    far = other.link
    checks = [Check(_state_level(far), f"State on {there} (read now): {_state(far)}.")]
    stats = far.statistics
    if stats is None:
        checks.append(Check(Level.UNKNOWN, f"{there} reported no statistics: pending data toward {here} unknown."))
        return checks
    if stats.bytes_pending or stats.objects_pending:
        at_risk = action is LinkAction.FAIL_OVER or stats.bytes_pending >= thresholds.pending_warning_bytes
        text = (f"Pending on {there} toward {here} (read now): {_amount(stats.bytes_pending, stats.objects_pending)}"
                + (f" not yet on {here}." if action is LinkAction.FAIL_OVER else "."))
        checks.append(Check(Level.WARNING if at_risk else Level.OK, text))
        eta = drain_eta_s(stats.bytes_pending, stats.bytes_per_second)
        if eta is not None:
            checks.append(Check(Level.OK, f"At {format_bytes(stats.bytes_per_second)}/s {there}'s backlog drains "
                                          f"in about {format_duration(eta)}."))
    else:
        checks.append(Check(Level.OK, f"Nothing pending on {there} toward {here} (read now)."))
    lag = link_lag_s(far, now)
    if lag is not None:
        level = Level.WARNING if lag >= thresholds.lag_warning_s else Level.OK
        checks.append(Check(level, f"Data written to {there} in the last {format_duration(lag)} may not be on "
                                   f"{here} ({there} up to date as of {stats.up_to_date_as_of_string or '?'})."))
    return checks


def _dns_failover(here: str, service: ReplicationService | None, other: OtherEnd | None) -> Check | None:
    def setting(svc: ReplicationService | None) -> str:
        if svc is None or svc.enable_dns_failover is None:
            return "unknown"
        return "on" if svc.enable_dns_failover else "off"

    if service is None and other is None:
        return None
    settings = [(here, setting(service))]
    if other is not None and other.system:
        settings.append((other.system, setting(other.service)))
    level = Level.UNKNOWN if any(value == "unknown" for _, value in settings) else Level.OK
    return Check(level, f"DNS failover (read now): {', '.join(f'{v} for {name}' for name, v in settings)}.")


def build_preflight(system: str, link: Link, action: LinkAction, allowed: bool, reason: str,
                    thresholds: Thresholds, now: float, service: ReplicationService | None = None,
                    other_end: OtherEnd | None = None) -> Preflight:
    """The runbook's checks for ``action``; ``other_end`` is the far end read from its own system."""
    checks: list[Check] = [
        Check(Level.OK, f"Connected to {system}, which is {_SIDE[link.type]}."),
        Check(_state_level(link), f"State on {system}: {_state(link)}."),
    ]
    if other_end is not None:
        checks.extend(_other_end_checks(system, link, other_end, action, thresholds, now))
    stats = link.statistics
    if stats is not None:
        toward = f"toward {other_end.system}" if other_end is not None and other_end.system else "outbound"
        pending = f"Pending on {system} {toward}: {_amount(stats.bytes_pending, stats.objects_pending)}"
        if link.type is LinkType.ACTIVE_ACTIVE and other_end is None:
            pending += f", {_amount(stats.bytes_pending_remote, stats.objects_pending_remote)} inbound"
        at_risk = stats.bytes_pending + (stats.bytes_pending_remote if other_end is None else 0)
        level = Level.WARNING if at_risk >= thresholds.pending_warning_bytes else Level.OK
        checks.append(Check(level, pending + "."))
        eta = drain_eta_s(stats.bytes_pending, stats.bytes_per_second)
        if stats.bytes_pending and eta is not None:
            checks.append(Check(Level.OK, f"At {format_bytes(stats.bytes_per_second)}/s the backlog drains in "
                                          f"about {format_duration(eta)}."))
    lag = link_lag_s(link, now)
    if lag is None:
        checks.append(Check(Level.WARNING, "Replication lag unknown (no 'up to date as of' time)."))
    else:
        level = Level.WARNING if lag >= thresholds.lag_warning_s else Level.OK
        as_of = stats.up_to_date_as_of_string if stats else None
        if other_end is not None and other_end.system:
            text = (f"Data written to {system} in the last {format_duration(lag)} may not be on {other_end.system} "
                    f"({system} up to date as of {as_of or '?'}).")
        else:
            text = (f"Data written in the last {format_duration(lag)} may not be on the other system "
                    f"(up to date as of {as_of or '?'}).")
        checks.append(Check(level, text))
    dns = _dns_failover(system, service, other_end)
    if dns is not None:
        checks.append(dns)
    for auto in _auto_failover(link):
        checks.append(Check(Level.WARNING, f"Automatic failover is on ({auto}): a manual action can race it."))
    checks.extend(_action_checks(action, link, lag, thresholds, service, other_end))
    if not allowed:
        checks.append(Check(Level.CRITICAL, f"Not valid now: {reason}"))
    return Preflight(system, link.name, action, link, allowed, reason, tuple(checks),
                     figures(link, now, service, other_end), service, other_end)


def _action_checks(action: LinkAction, link: Link, lag: float | None, thresholds: Thresholds,
                   service: ReplicationService | None, other_end: OtherEnd | None = None) -> list[Check]:
    checks: list[Check] = []
    if action is LinkAction.FAIL_OVER:
        if other_end is not None and other_end.readable:
            checks.append(Check(Level.WARNING, f"{other_end.system} answered now: a failover with both systems up "
                                               f"is a planned one; stop writers there and wait until its pending "
                                               f"data is about zero."))
        else:
            checks.append(Check(Level.WARNING, "Fail over only if the other system is really down: if it is alive "
                                               "but unreachable, both sides stay writable and objects collide."))
        if service is not None and service.enable_dns_failover is False:
            checks.append(Check(Level.WARNING, "DNS failover is off on this system: clients must be repointed "
                                               "by hand."))
        if link.type is LinkType.INBOUND:
            checks.append(Check(Level.OK, "Replicated namespaces become read-write here; going back needs "
                                          "begin recovery then complete recovery (several minutes)."))
    elif action is LinkAction.RESTORE:
        checks.append(Check(Level.WARNING, "Restore is for a broken link whose other end lost its configuration: "
                                           "it makes the next recovery re-send all object data."))
    elif action is LinkAction.COMPLETE_RECOVERY:
        if lag is not None and lag >= thresholds.lag_warning_s:
            checks.append(Check(Level.WARNING, f"Recovery is still {format_duration(lag)} behind: completing now "
                                               f"makes this replica read-only until the rest arrives."))
        checks.append(Check(Level.OK, "The replica becomes read-only; the primary becomes read-write when "
                                      "'Replication data recovery completed' is logged."))
    elif action is LinkAction.BEGIN_RECOVERY:
        checks.append(Check(Level.OK, "The primary becomes read-only while data flows back from this replica."))
    elif action is LinkAction.FAIL_BACK:
        checks.append(Check(Level.OK, "Replication restarts in both directions and the original DNS "
                                      "configuration returns; the replication certificates must be valid on "
                                      "both systems."))
    elif action is LinkAction.SUSPEND:
        checks.append(Check(Level.OK, "Stops all sending on this link until resumed; pending data grows meanwhile."))
    elif action is LinkAction.RESUME:
        checks.append(Check(Level.OK, "Replication restarts from the last checkpoint."))
    return checks
