"""From what the client read to what panes and checks show: link and namespace views, verdicts.

Pure functions: the poller feeds them raw models and pool statistics and publishes
the result, so every verdict can be tested without a network. Nodes: :mod:`hcpdash.monitor.nodes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hcpdash.config import Thresholds
from hcpdash.hcp.models import Link
from hcpdash.monitor import verdicts as v
from hcpdash.monitor.history import SeriesRing
from hcpdash.monitor.preflight import link_lag_s
from hcpdash.monitor.snapshot import JoinedLink, LinkView, SystemSnapshot, TenantView
from hcpdash.monitor.verdicts import Level, Verdict


def link_view(system: str, link: Link, thresholds: Thresholds, now: float,
              pending_history: SeriesRing | None = None) -> LinkView:
    stats = link.statistics
    lag = link_lag_s(link, now)
    eta = v.drain_eta_s(stats.bytes_pending + stats.bytes_pending_remote, stats.bytes_per_second) if stats else None
    found = [v.link_status(str(link.status) if link.status else None, link.status_message, link.name)]
    if lag is not None:
        found.append(v.lag(lag, thresholds, link.name))
    if stats is not None:
        found.append(v.pending(stats.bytes_pending + stats.bytes_pending_remote, thresholds, link.name))
        growth = pending_history.rate() if pending_history is not None and len(pending_history) >= 5 else None
        if growth is not None and growth > 0 and stats.bytes_pending > 0:
            found.append(Verdict(Level.WARNING, f"pending growing by {v.format_bytes(growth)}/s", link.name))
    return LinkView(system, link, lag, eta, v.worst(found))


def quota_verdicts(tenants: Sequence[TenantView], thresholds: Thresholds) -> list[Verdict]:
    found = []
    for tenant in tenants:
        for ns in tenant.namespaces:
            used, hard = ns.used_bytes, ns.hard_quota_bytes
            if used is None or not hard:
                continue
            soft = ns.namespace.soft_quota_percent if ns.namespace else None
            verdict = v.quota(used, hard, soft or 0, thresholds, ns.key)
            if verdict.level is not Level.OK:
                found.append(verdict)
    return found


def join_links(snapshots: Iterable[SystemSnapshot]) -> tuple[JoinedLink, ...]:
    """Pair the two ends of each link by name (HCP link names are case-insensitive)."""
    ends: dict[str, list[LinkView]] = {}
    for snap in snapshots:
        for view in snap.links.value or ():
            ends.setdefault(view.link.name.casefold(), []).append(view)
    return tuple(JoinedLink(views[0].link.name, tuple(views)) for views in ends.values() if len(views) > 1)
