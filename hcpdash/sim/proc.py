"""Data-access ``/proc`` resources on a namespace host (§7) and REST response headers (§7.6)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from hcpdash.sim.cluster import AuthError, Cluster
from hcpdash.sim.http import Request, Response
from hcpdash.sim.mapi import SECURITY_HEADERS
from hcpdash.sim.model import Account, Namespace, System, Tenant
from hcpdash.sim.render import proc_xml

__all__ = ["handle_proc", "rest_headers"]

# /proc permission attribute -> HCP permission name
_ATTRIBUTES = (("browse", "BROWSE"), ("read", "READ"), ("write", "WRITE"), ("readAcl", "READ_ACL"),
               ("writeAcl", "WRITE_ACL"), ("changeOwner", "CHOWN"), ("delete", "DELETE"),
               ("privileged", "PRIVILEGED"), ("purge", "PURGE"), ("search", "SEARCH"))


def rest_headers(system: System) -> list[tuple[str, str]]:
    return [("Server", f"HCP V{system.software_version}"), ("X-RequestId", secrets.token_hex(8).upper()),
            ("X-HCP-ServicedBySystem", system.domain), ("X-HCP-Time", str(int(time.time()))),
            ("X-HCP-SoftwareVersion", system.software_version)]


def _error(system: System, status: int, message: str) -> Response:
    return Response(status, [*rest_headers(system), ("X-HCP-ErrorMessage", message), ("Content-Length", "0")])


def handle_proc(cluster: Cluster, system: System, request: Request) -> Response:
    """``/proc`` answers only namespace hosts; the tenant host may list namespaces (inferred, §9.2 q13)."""
    if request.method not in ("GET", "HEAD"):
        return _error(system, 405, f"Method {request.method} is not allowed on {request.path}.")
    host = cluster.resolve_host(system, request.host)
    if host is None or host.kind not in ("tenant", "namespace") or host.tenant is None:
        return _error(system, 403, f"Namespace '{request.host}' does not exist.")
    tenant = host.tenant
    try:
        account = cluster.authenticate(request, tenant.accounts, "hcp-ns-auth")
    except AuthError as exc:
        return _error(system, 403, str(exc))
    namespace = host.namespace
    resource = request.path.rstrip("/")
    if resource == "/proc":
        body = _namespaces(system, tenant, account, namespace, request)
    elif namespace is None:
        return _error(system, 403, f"{resource} needs a namespace host (<namespace>.{tenant.name}.{system.domain}).")
    elif resource not in ("/proc/statistics", "/proc/permissions", "/proc/retentionClasses"):
        return _error(system, 404, f"No resource at {request.path}.")
    elif not account.data_access.get(namespace.name):
        return _error(system, 401, f"User '{account.username}' has no access to namespace '{namespace.name}'.")
    elif resource == "/proc/statistics":
        body = _statistics(namespace)
    elif resource == "/proc/permissions":
        body = _permissions(tenant, namespace, account)
    else:
        body = _retention(namespace)
    if body is None:
        return _error(system, 401, f"User '{account.username}' has no access to namespace '{request.host}'.")
    headers = [*rest_headers(system), ("Cache-Control", "no-cache, no-store, must-revalidate"),
               ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT"), *SECURITY_HEADERS, ("Content-Type", "application/xml")]
    return Response(200, headers, body.encode("utf-8"))


def _namespaces(system: System, tenant: Tenant, account: Account, only: Namespace | None,
                request: Request) -> str | None:
    single = request.query.get("single", "false").lower() == "true"
    if single and only is None:
        return None
    candidates = [only] if single and only is not None else list(tenant.namespaces.values())
    visible = [ns for ns in candidates if account.data_access.get(ns.name)]
    if single and not visible:
        return None
    children = [("namespace", {
        "name": ns.name, "nameIDNA": ns.name, "versioningEnabled": ns.versioning, "searchEnabled": ns.search,
        "retentionMode": "enterprise" if ns.enterprise else "compliance", "defaultShredValue": False,
        "defaultIndexValue": ns.search, "defaultRetentionValue": 0, "hashScheme": ns.hash_scheme, "dpl": 2,
    }, ns.description) for ns in visible]
    return proc_xml("namespaces", "namespaces",
                    {"tenantHostName": f"{tenant.name}.{system.domain}", "httpScheme": request.scheme}, children)


def _statistics(ns: Namespace) -> str:
    now = time.time()
    objects = ns.object_count(now)
    attrs: dict[str, Any] = {
        "namespaceName": ns.name, "totalCapacityBytes": ns.hard_quota_bytes, "usedCapacityBytes": ns.used_bytes(now),
        "softQuotaPercent": ns.soft_quota, "objectCount": objects, "shredObjectCount": 0, "shredObjectBytes": 0,
        "customMetadataObjectCount": objects // 10, "customMetadataObjectBytes": objects * 120,
    }
    return proc_xml("statistics", "statistics", attrs, [])


def _mask(names: set[str]) -> dict[str, bool]:
    return {attr: perm in names for attr, perm in _ATTRIBUTES}


def _permissions(tenant: Tenant, ns: Namespace, account: Account) -> str:
    namespace_mask = set(ns.permissions)
    if ns.index % 4 == 2:
        namespace_mask -= {"DELETE", "PURGE", "PRIVILEGED"}
    tenant_mask = set(tenant.permissions) | {"BROWSE", "READ_ACL", "WRITE_ACL", "CHOWN"}
    effective = namespace_mask & tenant_mask
    user = set(account.data_access.get(ns.name, ()))
    children = [("namespacePermissions", _mask(namespace_mask), None),
                ("namespaceEffectivePermissions", _mask(effective), None),
                ("userPermissions", _mask(user), None),
                ("userEffectivePermissions", _mask(user & effective), None)]
    return proc_xml("permissions", "permissions", {"namespaceName": ns.name}, children)


def _retention(ns: Namespace) -> str:
    children = [("retentionClass", {"name": name, "value": value, "autoDelete": auto}, text)
                for name, value, text, auto in ns.retention_classes()]
    return proc_xml("retentionClasses", "retentionClasses", {"namespaceName": ns.name}, children)
