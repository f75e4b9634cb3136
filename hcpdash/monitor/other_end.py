"""Find and read the far end of a link on the other configured systems, now.

HCP reports a link from each side separately: before a failover on the replica, the
data still waiting to reach it is counted on the *primary*. So a preflight reads the
link on the other systems at the moment it opens. Which system holds the far end is
decided by what answers: the system that has a link of that name; failing that (the
far end is down), the system the link's connection names, or that the last poll saw
the link on, or the only other system configured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from hcpdash.hcp import HcpError, NotFound, Timeout, mapi
from hcpdash.hcp.models import Link, ReplicationService
from hcpdash.monitor.api import OtherEnd
from hcpdash.monitor.system import SystemMonitor

_Read = tuple[Link | None, ReplicationService | None, HcpError | None]


async def _read(monitor: SystemMonitor, link_name: str) -> _Read:
    """The link and the replication service of one system, each within the system's time budget."""
    budget = monitor.config.connections.connect_timeout + monitor.config.connections.read_timeout

    async def bounded(read):  # noqa: ANN001, ANN202 - a coroutine and its result
        try:
            async with asyncio.timeout(budget):
                return await read, None
        except HcpError as exc:
            return None, exc
        except TimeoutError:
            return None, Timeout(f"no answer within {budget:g} s", system=monitor.name)

    (link, link_error), (service, _) = await asyncio.gather(
        bounded(mapi.link(monitor.client, link_name)), bounded(mapi.replication_service(monitor.client)))
    return link, service, link_error


def _hosts(link: Link) -> set[str]:
    remote = link.connection.remote_host if link.connection else None
    return {part.strip().lower() for part in (remote or "").split(",") if part.strip()}


def _addresses(monitor: SystemMonitor) -> set[str]:
    found = {a.address for a in monitor.client.snapshot().addresses}
    found.update(monitor.config.discovery.addresses)
    statistics = monitor.readings["node_statistics"].value
    for node in statistics.nodes if statistics else ():
        found.update(node.frontend_ip_addresses)
    return found


def named_by_connection(link: Link, monitor: SystemMonitor) -> bool:
    """Whether the link's remote host is this system: its domain, a name under it, or its node addresses."""
    domain = monitor.config.domain.lower()
    hosts = _hosts(link)
    return any(h == domain or h.endswith(f".{domain}") for h in hosts) or bool(hosts & _addresses(monitor))


def _last_polled(monitor: SystemMonitor, link_name: str) -> Link | None:
    wanted = link_name.casefold()
    return next((link for name, link in monitor.raw_links.items() if name.casefold() == wanted), None)


def _describe(error: HcpError) -> str:
    """The error without the system's name (the preflight names the system itself)."""
    return error.message or type(error).__name__


async def read_other_end(here: SystemMonitor, link: Link, others: Sequence[SystemMonitor]) -> OtherEnd:
    """The far end of ``link`` (as read on ``here``), read now from whichever configured system holds it."""
    candidates = [m for m in others if m is not here]
    if not candidates:
        remote = link.connection.remote_host if link.connection and link.connection.remote_host else "unknown"
        return OtherEnd(None, error=f"no other HCP system is configured in hcpdash (its remote host: {remote})")
    reads = dict(zip((m.name for m in candidates),
                     await asyncio.gather(*(_read(m, link.name) for m in candidates)), strict=True))
    by_connection = [m for m in candidates if named_by_connection(link, m)]
    holding = [m for m in candidates if reads[m.name][0] is not None]
    if holding:
        chosen = next((m for m in holding if m in by_connection), holding[0])
        found, service, _ = reads[chosen.name]
        assert found is not None
        chosen.update_link(found)
        return OtherEnd(chosen.name, found, service)
    unreadable = [m for m in candidates if not isinstance(reads[m.name][2], NotFound)]
    peer = (next((m for m in by_connection if m in unreadable), None)
            or next((m for m in unreadable if _last_polled(m, link.name) is not None), None)
            or (unreadable[0] if len(unreadable) == 1 else None))
    if peer is None:
        if unreadable:
            names = ", ".join(m.name for m in unreadable)
            return OtherEnd(None, error=f"{names} did not answer")
        names = ", ".join(m.name for m in candidates)
        return OtherEnd(None, error=f"none of the other configured systems ({names}) has a link named {link.name!r}")
    error = reads[peer.name][2]
    assert error is not None
    before = _last_polled(peer, link.name)
    polled_at = peer.readings["links"].updated_at if before is not None else None
    return OtherEnd(peer.name, None, reads[peer.name][1], _describe(error), before, polled_at)
