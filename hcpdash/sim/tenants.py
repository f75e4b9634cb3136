"""MAPI tenant, namespace and account resources (§6)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from hcpdash.sim.mapi import Call, MapiError, Result, Route, choice_param, int_param, only
from hcpdash.sim.model import GB, Account, Namespace, Tenant
from hcpdash.sim.render import Items

__all__ = ["route", "quota_text", "stamp"]

_CHARGEBACK_COLUMNS = ("systemName", "tenantName", "namespaceName", "startTime", "endTime", "objectCount",
                       "ingestedVolume", "storageCapacityUsed", "bytesIn", "bytesOut", "reads", "writes", "deletes",
                       "multipartObjects", "multipartObjectParts", "multipartObjectBytes", "multipartUploads",
                       "multipartUploadParts", "multipartUploadBytes", "deleted", "valid")
_PERMISSION_ORDER = ("BROWSE", "CHOWN", "DELETE", "PRIVILEGED", "PURGE", "READ", "READ_ACL", "SEARCH",
                     "WRITE_ACL", "WRITE")


def route(call: Call) -> Route | None:
    p = call.parts
    if not p or p[0] != "tenants":
        return None
    if len(p) == 1:
        return _tenants
    tail = p[2:]
    table: dict[tuple[str, ...], Route] = {
        (): _tenant, ("statistics",): _tenant_statistics, ("chargebackReport",): _chargeback,
        ("permissions",): _tenant_permissions, ("namespaces",): _namespaces, ("userAccounts",): _users,
    }
    if tuple(tail) in table:
        return table[tuple(tail)]
    if tail[0] == "namespaces" and len(tail) in (2, 3):
        sub = tail[2] if len(tail) == 3 else ""
        return {"": _namespace, "statistics": _namespace_statistics, "permissions": _namespace_permissions,
                "versioningSettings": _versioning, "chargebackReport": _chargeback}.get(sub)
    if tail[0] == "userAccounts" and len(tail) in (2, 3):
        return _user if len(tail) == 2 else ({"dataAccessPermissions": _data_access}.get(tail[2]))
    return None


def quota_text(size: int) -> str:
    """``50.00 GB`` style, as HCP prints quotas."""
    for unit, factor in (("TB", 1024**4), ("GB", GB), ("MB", 1024**2)):
        if size >= factor:
            return f"{size / factor:.2f} {unit}"
    return f"{size / 1024**2:.2f} MB"


def stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(epoch))


def _tenant_of(call: Call) -> Tenant:
    tenant = call.system.tenant(call.parts[1])
    if tenant is None:
        raise MapiError(404, f"Tenant '{call.parts[1]}' does not exist.")
    if call.host.kind == "tenant":
        if call.host.tenant is not tenant:
            raise MapiError(403, f"Tenant '{tenant.name}' is not administered through {call.request.host}.")
    elif not call.system_level:
        raise MapiError(403, "A tenant-level account cannot be used on the admin host.")
    elif not tenant.administration_allowed and call.parts[2:] != ["chargebackReport"]:
        raise MapiError(403, f"Tenant '{tenant.name}' has not granted system-level administration.")
    return tenant


def _namespace_of(call: Call) -> tuple[Tenant, Namespace]:
    tenant = _tenant_of(call)
    namespace = tenant.namespace(call.parts[3])
    if namespace is None:
        raise MapiError(404, f"Namespace '{call.parts[3]}' does not exist in tenant '{tenant.name}'.")
    return tenant, namespace


def _tenants(call: Call) -> Result:
    call.require_system_level()
    only(call, "GET")
    return Result("tenants", Items("name", [t.name for t in call.system.tenants.values()]))


def _tenant(call: Call) -> Result:
    only(call, "GET")
    tenant = _tenant_of(call)
    domain = call.system.domain
    body: dict[str, Any] = {
        "administrationAllowed": tenant.administration_allowed,
        "authenticationTypes": Items("authenticationType", ["LOCAL"]),
        "complianceConfigurationEnabled": tenant.index % 2 == 0,
        "creationTime": stamp(call.system.started - 86400 * (30 + tenant.index)),
    }
    if call.system_level:
        body["dataNetwork"] = "[hcp_system]"
        body["erasureCodingSelectionEnabled"] = False
    body |= {"fullyQualifiedName": f"{tenant.name}.{domain}", "hardQuota": quota_text(tenant.hard_quota_bytes),
             "id": tenant.uid}
    if call.system_level:
        body["managementNetwork"] = "[hcp_system]"
    body |= {"maxNamespacesPerUser": 100, "name": tenant.name, "namespaceQuota": "None",
             "replicationConfigurationEnabled": True, "searchConfigurationEnabled": True}
    if call.system_level:
        body |= {"servicePlan": "Default", "servicePlanSelectionEnabled": False}
    body |= {"snmpLoggingEnabled": False, "softQuota": tenant.soft_quota, "syslogLoggingEnabled": False}
    if call.system_level:
        body["systemVisibleDescription"] = f"Tenant {tenant.name} (simulated)"
        body["tags"] = Items("tag", ["hcpdash", tenant.name])
    body |= {"tenantVisibleDescription": f"{tenant.name} data", "versioningConfigurationEnabled": True}
    return Result("tenant", body)


def _statistics(namespaces: list[Namespace], now: float) -> dict[str, Any]:
    used = sum(ns.used_bytes(now) for ns in namespaces)
    objects = sum(ns.object_count(now) for ns in namespaces)
    return {"customMetadataCount": objects // 10, "customMetadataSize": objects * 120,
            "ingestedVolume": int(used * 1.05), "objectCount": objects, "shredCount": 0, "shredSize": 0,
            "storageCapacityUsed": used}


def _tenant_statistics(call: Call) -> Result:
    only(call, "GET")
    return Result("statistics", _statistics(list(_tenant_of(call).namespaces.values()), call.now))


def _namespace_statistics(call: Call) -> Result:
    only(call, "GET")
    return Result("statistics", _statistics([_namespace_of(call)[1]], call.now))


def _tenant_permissions(call: Call) -> Result:
    only(call, "GET")
    return Result("permissions", Items("permission", list(_tenant_of(call).permissions)))


def _namespace_permissions(call: Call) -> Result:
    only(call, "GET")
    _, namespace = _namespace_of(call)
    mask = ["DELETE", "PRIVILEGED", "PURGE", "READ", "SEARCH", "WRITE"]
    if namespace.index % 4 == 2:
        mask = ["READ", "SEARCH", "WRITE"]
    return Result("permissions", Items("permission", mask))


def _namespaces(call: Call) -> Result:
    only(call, "GET")
    tenant = _tenant_of(call)
    offset = int_param(call, "offset", 0) or 0
    count = int_param(call, "count", None, low=1)
    sort_type = choice_param(call, "sortType", ("name", "hardQuota"), "name")
    order = choice_param(call, "sortOrder", ("ascending", "descending"), "ascending")
    filter_type = choice_param(call, "filterType", ("name", "tag"), "name")
    needle = call.request.query.get("filterString", "").lower()
    if len(needle) > 64:
        raise MapiError(400, "filterString is longer than 64 characters.")
    items = list(tenant.namespaces.values())
    if needle:
        if filter_type == "name":
            items = [ns for ns in items if ns.name.lower().startswith(needle)]
        else:
            items = [ns for ns in items if any(t.startswith(needle) for t in _tags(ns))]
    key = (lambda ns: ns.name.lower()) if sort_type == "name" else (lambda ns: (ns.hard_quota_bytes, ns.name))
    items.sort(key=key, reverse=order == "descending")
    items = items[offset: offset + count if count is not None else None]
    return Result("namespaces", Items("name", [ns.name for ns in items]))


def _tags(namespace: Namespace) -> list[str]:
    return [namespace.tenant, "near-quota" if namespace.index % 4 == 3 else "normal"]


def _namespace(call: Call) -> Result:
    only(call, "GET")
    tenant, ns = _namespace_of(call)
    verbose = call.verbose
    body: dict[str, Any] = {"aclsUsage": "NOT_ENABLED", "allowErasureCoding": False,
                            "allowPermissionAndOwnershipChanges": True, "appendEnabled": False,
                            "atimeSynchronizationEnabled": False,
                            "authAndAnonymousMinimumPermissions": Items("permission", []),
                            "authMinimumPermissions": Items("permission", ["BROWSE", "READ"]),
                            "authUsersAlwaysGrantedAllPermissions": True}
    if verbose:
        body["creationTime"] = stamp(call.system.started - 3600 * (ns.index + 1))
    body |= {"customMetadataIndexingEnabled": ns.search, "customMetadataValidationEnabled": False,
             "description": ns.description, "directoryUsage": "Balanced"}
    if verbose:
        body["dpl"] = "Dynamic"
    body["enterpriseMode"] = ns.enterprise
    if verbose:
        body["fullyQualifiedName"] = f"{ns.name}.{tenant.name}.{call.system.domain}"
    body |= {"hardQuota": quota_text(ns.hard_quota_bytes), "hashScheme": ns.hash_scheme}
    if verbose:
        body["id"] = ns.uid
    body |= {"indexingDefault": ns.search, "indexingEnabled": ns.search}
    if verbose:
        body |= {"isDplDynamic": True, "mqeIndexingTimestamp": stamp(call.now - 300)}
    body |= {"multipartUploadAutoAbortDays": 30, "name": ns.name, "optimizedFor": "CLOUD",
             "owner": f"{tenant.name}-admin", "ownerType": "LOCAL", "readFromReplica": True,
             "replicationEnabled": tenant.index % 2 == 0}
    if verbose:
        body["replicationTimestamp"] = stamp(call.now - 60)
    body |= {"s3UnversionedOverwrite": False, "searchEnabled": ns.search, "servicePlan": "Default",
             "serviceRemoteSystemRequests": True, "softQuota": ns.soft_quota, "tags": Items("tag", _tags(ns))}
    return Result("namespace", body)


def _versioning(call: Call) -> Result:
    only(call, "GET")
    _, ns = _namespace_of(call)
    return Result("versioningSettings", {"enabled": ns.versioning, "keepDeletionRecords": False,
                                         "prune": ns.versioning, "pruneDays": 30 if ns.versioning else 0,
                                         "useDeleteMarkers": False})


def _users(call: Call) -> Result:
    only(call, "GET")
    tenant = _tenant_of(call)
    names = sorted(tenant.accounts)
    offset = int_param(call, "offset", 0) or 0
    count = int_param(call, "count", None, low=1)
    return Result("userAccounts", Items("username", names[offset: offset + count if count else None]))


def _account(call: Call) -> tuple[Tenant, Account]:
    tenant = _tenant_of(call)
    account = tenant.accounts.get(call.parts[3])
    if account is None:
        raise MapiError(404, f"User account '{call.parts[3]}' does not exist in tenant '{tenant.name}'.")
    return tenant, account


def _user(call: Call) -> Result:
    only(call, "GET")
    tenant, account = _account(call)
    return Result("userAccount", {
        "allowNamespaceManagement": "ADMINISTRATOR" in account.roles, "description": "simulated account",
        "enabled": True, "forcePasswordChange": False, "fullName": account.username.replace("-", " ").title(),
        "localAuthentication": True, "roles": Items("role", list(account.roles)), "userGUID": f"{tenant.uid[:-4]}{account.user_id:04d}",
        "userID": account.user_id, "username": account.username})


def _data_access(call: Call) -> Result:
    only(call, "GET")
    _, account = _account(call)
    entries = [{"namespaceName": name, "permissions": Items("permission", [p for p in _PERMISSION_ORDER if p in perms])}
               for name, perms in sorted(account.data_access.items())]
    return Result("dataAccessPermissions", Items("namespacePermission", entries))


def _chargeback(call: Call) -> Result:
    """One row per namespace and period (plus the tenant's aggregate row): gauges as of the
    period's end, exactly as the ``statistics`` resource computes them at that time, and the
    traffic within the period. ``start``/``end`` snap to the hour; ``end`` defaults to now."""
    only(call, "GET")
    tenant = _tenant_of(call)
    if len(call.parts) > 3:
        namespaces = [_namespace_of(call)[1]]
    else:
        namespaces = list(tenant.namespaces.values())
    granularity = choice_param(call, "granularity", ("hour", "day", "total"), "total")
    end = min(call.now, _time_param(call, "end", call.now))
    default_start = call.system.started - 86400
    start = _time_param(call, "start", default_start)
    start -= start % 3600
    if granularity == "total":
        periods = [(start, end)] if start < end else []
    else:
        step = 3600 if granularity == "hour" else 86400
        periods = []
        t = start - start % step
        while t < end and len(periods) < 48:
            periods.append((max(t, start), min(t + step, end)))
            t += step
    rows: list[dict[str, Any]] = []
    for p_start, p_end in periods:
        rows.extend(_chargeback_row(call, tenant.name, ns.name, p_start, p_end, [ns]) for ns in namespaces)
        if len(namespaces) > 1:
            rows.append(_chargeback_row(call, tenant.name, "", p_start, p_end, namespaces))

    def as_csv() -> str:
        lines = [",".join(_CHARGEBACK_COLUMNS)]
        lines += [",".join(_csv(row[c]) for c in _CHARGEBACK_COLUMNS) for row in rows]
        return "\n".join(lines) + "\n"
    return Result("chargebackReport", Items("chargebackData", rows), csv=as_csv)


def _time_param(call: Call, name: str, default: float) -> float:
    value = call.request.query.get(name)
    if value is None:
        return default
    try:
        return datetime.strptime(value.replace(" ", "+"), "%Y-%m-%dT%H:%M:%S%z").timestamp()
    except ValueError:
        raise MapiError(400, f"Invalid value '{value}' for query parameter '{name}'.") from None


def _csv(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _chargeback_row(call: Call, tenant: str, namespace: str, start: float, end: float,
                    namespaces: list[Namespace]) -> dict[str, Any]:
    stats = _statistics(namespaces, end)
    traffic = [sum(pair) for pair in zip(*(
        (b - a for a, b in zip(ns.traffic(start), ns.traffic(end))) for ns in namespaces))]
    bytes_in, bytes_out, reads, writes, deletes = traffic
    return {"systemName": call.system.domain, "tenantName": tenant, "namespaceName": namespace,
            "startTime": stamp(start), "endTime": stamp(end), "objectCount": stats["objectCount"],
            "ingestedVolume": stats["ingestedVolume"], "storageCapacityUsed": stats["storageCapacityUsed"],
            "bytesIn": bytes_in, "bytesOut": bytes_out, "reads": reads, "writes": writes, "deletes": deletes,
            "multipartObjects": 0, "multipartObjectParts": 0, "multipartObjectBytes": 0, "multipartUploads": 0,
            "multipartUploadParts": 0, "multipartUploadBytes": 0, "deleted": "false", "valid": True}
