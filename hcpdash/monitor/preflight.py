"""The preflight of a replication action: the runbook's checks applied to a fresh link.

A pure function of the just-read link, the validity verdict and our thresholds, so
the dashboard, ``hcpdash link`` and the tests all see the same checks.
"""

from __future__ import annotations

from hcpdash.config import Thresholds
from hcpdash.hcp.models import Link, LinkAction, LinkType, ReplicationService
from hcpdash.monitor.api import Check, Preflight
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


def figures(link: Link, now: float) -> dict[str, object]:
    """The numbers that estimate the data at risk; recorded in the audit journal."""
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
    return result


def _auto_failover(link: Link) -> list[str]:
    settings = link.failover_settings
    if settings is None:
        return []
    found = []
    for side_name, side in (("local", settings.local), ("remote", settings.remote)):
        if side is not None and side.auto_failover:
            found.append(f"{side_name} auto-failover after {side.auto_failover_minutes} min")
    return found


def build_preflight(system: str, link: Link, action: LinkAction, allowed: bool, reason: str,
                    thresholds: Thresholds, now: float, service: ReplicationService | None = None) -> Preflight:
    checks: list[Check] = [
        Check(Level.OK, f"Connected to {system}, which is {_SIDE[link.type]}."),
        Check(Level.OK if not link.status or str(link.status) == "GOOD" else Level.WARNING,
              f"State: {link.status or 'unknown'} — {link.status_message or 'no status message'}"
              f"{' (suspended)' if link.suspended else ''}."),
    ]
    stats = link.statistics
    if stats is not None:
        pending = (f"Pending: {format_bytes(stats.bytes_pending)} / {stats.objects_pending:,} objects outbound")
        if link.type is LinkType.ACTIVE_ACTIVE:
            pending += (f", {format_bytes(stats.bytes_pending_remote)} / {stats.objects_pending_remote:,} "
                        f"objects inbound")
        at_risk = stats.bytes_pending + stats.bytes_pending_remote
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
        checks.append(Check(level, f"Data written in the last {format_duration(lag)} may not be on the other "
                                   f"system (up to date as of {stats.up_to_date_as_of_string if stats else '?'})."))
    for auto in _auto_failover(link):
        checks.append(Check(Level.WARNING, f"Automatic failover is on ({auto}): a manual action can race it."))
    checks.extend(_action_checks(action, link, lag, thresholds, service))
    if not allowed:
        checks.append(Check(Level.CRITICAL, f"Not valid now: {reason}"))
    return Preflight(system, link.name, action, link, allowed, reason, tuple(checks), figures(link, now))


def _action_checks(action: LinkAction, link: Link, lag: float | None, thresholds: Thresholds,
                   service: ReplicationService | None) -> list[Check]:
    checks: list[Check] = []
    if action is LinkAction.FAIL_OVER:
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
