"""MAPI replication resources (§4) and node/service statistics (§5.1, §5.2)."""

from __future__ import annotations

import math
import time
from typing import Any

from hcpdash.sim.links import ACTIONS, ActionError, Link
from hcpdash.sim.mapi import Call, MapiError, Result, Route, boolean, only
from hcpdash.sim.render import Items, Repeated

__all__ = ["route"]

_PERFORMANCE = ("LOW", "MEDIUM", "HIGH")


def route(call: Call) -> Route | None:
    p = call.parts
    if p[:2] == ["nodes", "statistics"] and len(p) == 2:
        return _nodes_statistics
    if p[:2] == ["services", "statistics"] and len(p) == 2:
        return _services_statistics
    if p[:2] != ["services", "replication"]:
        return None
    if len(p) == 2:
        return _service
    if p[2] != "links":
        return None
    if len(p) == 3:
        return _links
    if len(p) == 4:
        return _link
    tail = p[4:]
    if tail == ["content"]:
        return _content
    if tail == ["content", "tenants"]:
        return _content_tenants
    if len(tail) == 3 and tail[:2] == ["content", "tenants"]:
        return _content_tenant
    if tail == ["schedule"]:
        return _schedule
    return None


def _system_get(call: Call) -> None:
    call.require_system_level()
    only(call, "GET")


def _service(call: Call) -> Result:
    call.require_system_level()
    only(call, "GET", "POST")
    if call.request.method == "POST":
        call.require_admin()
        query = call.request.query
        if "shutDownAllLinks" in query:
            call.system.replication_shutdown = True
        elif "reestablishAllLinks" in query:
            call.system.replication_shutdown = False
        else:
            raise MapiError(400, "Specify shutDownAllLinks or reestablishAllLinks.")
        return Result()
    body: dict[str, Any] = {"allowTenantsToMonitorNamespaces": True, "enableDNSFailover": False,
                            "network": "[hcp_system]", "connectivityTimeoutSeconds": 60}
    if call.verbose:
        body["status"] = "SHUTDOWN" if call.system.replication_shutdown else "ENABLED"
    body["verification"] = "OFF"
    return Result("replicationService", body)


def _links(call: Call) -> Result:
    _system_get(call)
    return Result("links", Items("name", [link.name for link in call.cluster.links_of(call.system)]))


def _find(call: Call) -> Link:
    link = call.cluster.link(call.system, call.parts[3])
    if link is None:
        raise MapiError(404, f"Replication link '{call.parts[3]}' does not exist.")
    return link


def _link(call: Call) -> Result:
    call.require_system_level()
    only(call, "GET", "POST")
    link = _find(call)
    if call.request.method == "POST":
        return _action(call, link)
    return Result("link", link_body(call, link))


def _action(call: Call, link: Link) -> Result:
    call.require_admin()
    if call.request.body:
        raise MapiError(400, "A replication link action request must not have a body.")
    names = [name for name in call.request.query if name in ACTIONS or name == "beginRecover"]
    if len(names) != 1:
        raise MapiError(400, "Specify exactly one action: " + ", ".join(ACTIONS) + ".")
    if not boolean(call.request.query[names[0]]):
        raise MapiError(400, f"Action '{names[0]}' was given the value false; nothing to do.")
    try:
        link.apply(names[0], call.system.name, call.now)
    except ActionError as exc:
        raise MapiError(400, str(exc)) from None
    return Result()


def _failover_side(link: Link, system: str, local: bool) -> dict[str, Any]:
    side: dict[str, Any] = {"autoFailover": False, "autoFailoverMinutes": 120}
    if not link.active_active:
        side |= {"autoCompleteRecovery": False, "autoCompleteRecoveryMinutes": 120}
    return side


def link_body(call: Call, link: Link) -> dict[str, Any]:
    system, now = call.system, call.now
    other = call.cluster.system(link.other(system.name))
    kind = link.link_type(system.name)
    if kind == "ACTIVE_ACTIVE":
        failover = {"local": _failover_side(link, system.name, True), "remote": _failover_side(link, system.name, False)}
    elif kind == "OUTBOUND":
        failover = {"remote": _failover_side(link, system.name, False)}
    else:
        failover = {"local": _failover_side(link, system.name, True)}
    body: dict[str, Any] = {
        "compression": False,
        "connection": {"localHost": f"replication.{system.domain}", "localPort": 5748,
                       "remoteHost": ", ".join(other.addresses) if other else "", "remotePort": 5748},
        "description": f"{'Active/active' if link.active_active else 'Active/passive'} link "
                       f"{link.first} {'<->' if link.active_active else '->'} {link.second}",
        "encryption": False,
        "failoverSettings": failover,
    }
    if call.verbose:
        body["id"] = link.uid
    body["name"] = link.name
    body["priority"] = "OLDEST_FIRST"
    if call.verbose:
        body["statistics"] = link.statistics(system.name, now)
        body["status"] = link.status(system.name, now)
        body["statusMessage"] = link.status_message(system.name, now)
        body["suspended"] = link.suspended
    body["type"] = kind
    return body


def _content(call: Call) -> Result:
    _system_get(call)
    link = _find(call)
    return Result("content", {"chainedLinks": Items("name", []), "defaultNamespaceDirectories": Items("name", []),
                              "tenants": Items("name", list(link.tenants))})


def _content_tenants(call: Call) -> Result:
    _system_get(call)
    return Result("tenants", Items("name", list(_find(call).tenants)))


def _content_tenant(call: Call) -> Result:
    call.require_system_level()
    only(call, "GET", "POST")
    link = _find(call)
    name = call.parts[6]
    tenant = next((t for t in link.tenants if t.lower() == name.lower()), None)
    if tenant is None:
        raise MapiError(404, f"Tenant '{name}' is not replicated on link '{link.name}'.")
    if call.request.method == "POST":
        call.require_admin()
        if boolean(call.request.query.get("pause")):
            link.paused_tenants.add(tenant)
        elif boolean(call.request.query.get("resume")):
            link.paused_tenants.discard(tenant)
        else:
            raise MapiError(400, "Specify pause or resume.")
        return Result()
    stats = link.statistics(call.system.name, call.now)
    share = 1.0 / max(1, len(link.tenants))
    return Result("tenant", {
        "name": tenant,
        "status": "PAUSED" if tenant in link.paused_tenants else "REPLICATING",
        "upToDateAsOfString": stats["upToDateAsOfString"],
        "upToDateAsOfMillis": stats["upToDateAsOfMillis"],
        "objectsPending": int(stats["objectsPending"] * share),  # type: ignore[operator]
        "bytesPending": int(stats["bytesPending"] * share),  # type: ignore[operator]
        "objectsPendingRemote": int(stats["objectsPendingRemote"] * share),  # type: ignore[operator]
        "bytesPendingRemote": int(stats["bytesPendingRemote"] * share),  # type: ignore[operator]
    })


def _schedule(call: Call) -> Result:
    _system_get(call)
    link = _find(call)
    week = Repeated([{"time": "Sun:00", "performanceLevel": "MEDIUM"},
                                {"time": "Mon:08", "performanceLevel": "LOW"},
                                {"time": "Mon:18", "performanceLevel": "HIGH"}])
    side = {"scheduleOverride": "NONE", "transition": week}
    kind = link.link_type(call.system.name)
    body: dict[str, Any] = {}
    if kind != "INBOUND":
        body["local"] = side
    if kind != "OUTBOUND":
        body["remote"] = side
    return Result("schedule", body)


def _wave(seed: float, now: float, low: float, high: float, period: float = 60.0) -> float:
    return round(low + (high - low) * (0.5 + 0.5 * math.sin(now / period + seed)), 2)


def _nodes_statistics(call: Call) -> Result:
    _system_get(call)
    now = call.now
    stamp = int(now) * 1000
    nodes = []
    # Inferred (§9.2 q10): a node that is down drops out of the list.
    for node in (n for n in call.system.nodes if n.up):
        s = node.number
        volumes = [{"id": f"archive{v:03d}", "blocksRead": _wave(s + v, now, 0, 400),
                    "blocksWritten": _wave(s * 2 + v, now, 0, 900), "diskUtilization": _wave(s + v * 3, now, 1, 60),
                    "transferSpeed": _wave(s - v, now, 5, 300), "totalBytes": 514283986944,
                    "freeBytes": int(514283986944 * _wave(s + v, now / 600, 0.4, 0.9)), "totalInodes": 134217728,
                    "freeInodes": int(134217728 * 0.97)} for v in (1, 2)]
        nodes.append({
            "nodeNumber": s,
            "frontendIpAddresses": Items("ipAddress", [node.address]),
            "backendIpAddress": node.backend_address,
            "openHttpConnections": 0,
            "openHttpsConnections": node.open_connections,
            "maxHttpConnections": 255, "maxHttpsConnections": 254,
            "cpuUser": _wave(s, now, 1, 35), "cpuSystem": _wave(s + 1, now, 0.2, 8), "cpuMax": 400.0,
            "ioWait": _wave(s + 2, now, 0, 6), "swapOut": 0.0,
            "maxFrontEndBandwidth": 10240000, "frontEndBytesRead": _wave(s, now, 1e4, 9e5),
            "frontEndBytesWritten": _wave(s + 3, now, 1e4, 5e5),
            "maxBackEndBandwidth": 10240000, "backEndBytesRead": _wave(s + 4, now, 1e4, 9e5),
            "backEndBytesWritten": _wave(s + 5, now, 1e4, 9e5),
            "collectionTimestamp": stamp,
            "volumes": Items("volume", volumes),
        })
    return Result("nodeStatistics", {"requestTime": int(now * 1000), "nodes": Items("node", nodes)})


def _services_statistics(call: Call) -> Result:
    _system_get(call)
    now = call.now
    services = []
    for i, name in enumerate(("StorageTieringService", "GarbageCollection", "RetirementPolicy",
                              "MigrationVerificationPolicy", "ContentVerification")):
        running = i % 2 == 0
        start = int(call.system.started) - 600 * (i + 1)
        entry: dict[str, Any] = {
            "name": name, "state": "RUNNING" if running else "READY",
            "startTime": start, "formattedStartTime": _formatted(start),
            "endTime": -1 if running else start + 300, "formattedEndTime": "" if running else _formatted(start + 300),
        }
        if running:
            entry["performanceLevel"] = _PERFORMANCE[i % 3]
        examined = int((now - start) * (50 + 10 * i))
        entry |= {"objectsExamined": examined, "objectsExaminedPerSecond": float(50 + 10 * i),
                  "objectsServiced": examined // 3, "objectsServicedPerSecond": round((50 + 10 * i) / 3, 2),
                  "objectsUnableToService": i, "objectsUnableToServicePerSecond": 0.0}
        services.append(entry)
    return Result("serviceStatistics", {"requestTime": int(now * 1000), "services": Items("service", services)})


def _formatted(epoch: int) -> str:
    t = time.localtime(epoch)
    return f"{t.tm_mon}/{t.tm_mday}/{t.tm_year} {t.tm_hour}:{t.tm_min:02d}:{t.tm_sec:02d} {time.strftime('%Z', t)}"
