"""Data-access ``/proc`` resources (namespace host, data port; XML only, values in attributes).

Requests go to ``<namespace>.<tenant>.<domain>`` with a tenant-level data-access
account from the config's ``data_access`` entries.
"""

from __future__ import annotations

from hcpdash.config import DataAccess
from hcpdash.hcp import errors as e
from hcpdash.hcp.client import HcpClient, Response
from hcpdash.hcp.models import (
    AccessibleNamespace, AccessibleNamespaces, PermissionFlags, ProcPermissions, ProcStatistics,
    RetentionClass, RetentionClasses,
)
from hcpdash.hcp.parse import Record, parse_body

__all__ = ["accessible_namespaces", "permissions", "retention_classes", "statistics"]

_FLAGS = ("browse", "read", "write", "readAcl", "writeAcl", "changeOwner", "delete", "privileged", "purge", "search")


def check_proc(response: Response, resource: str) -> None:
    """Raise the error a ``/proc`` status means (401: no access to the namespace)."""
    status = response.status
    message = response.headers.get("X-HCP-ErrorMessage", "")
    said = f": {message}" if message else ""
    if 200 <= status < 300:
        return
    if status == 401:
        raise e.AuthorizationError(f"no access to the namespace{said}", hint=e.PROC_ROLE_HINT,
                                   resource=resource, status=status)
    if status == 403:
        raise e.AuthenticationError(f"access denied: wrong credentials, unknown namespace, or HTTPS "
                                    f"disabled for it{said}", hint=e.PROC_ROLE_HINT, resource=resource, status=status)
    if status == 404:
        raise e.NotFound(f"does not exist{said}", resource=resource, status=status)
    if status >= 500:
        raise e.Unavailable(f"HCP could not handle the request ({status}){said}", resource=resource, status=status)
    raise e.HcpError(f"unexpected HTTP status {status}{said}", resource=resource, status=status)


def _host(client: HcpClient, access: DataAccess, namespace: str | None) -> str:
    # /proc is documented on namespace hosts only; without a namespace the tenant host is
    # used (inferred: HCP answers /proc there for the tenant's namespaces).
    namespace = namespace or access.namespace
    tenant_host = f"{access.tenant}.{client.system.domain}"
    return f"{namespace}.{tenant_host}" if namespace else tenant_host


async def _get(client: HcpClient, access: DataAccess, namespace: str | None, path: str, root: str,
               params: dict[str, str] | None = None) -> Record:
    host = _host(client, access, namespace)
    resource = f"{path} on {host}"
    with client.attributed():
        response = await client.request(
            "GET", path, host=host, port=client.system.ports.data, api="proc", params=params, resource=resource,
            headers={"Accept": "application/xml", "Authorization": client.data_authorization(access)})
        check_proc(response, resource)
        record = parse_body(response.body, response.headers.get("Content-Type", ""), resource)
        if record.root != root:
            got = f"<{record.root}>" if record.root else "JSON"
            raise e.NotAnHcp(f"expected a <{root}> XML document, got {got}", resource=resource)
        return record


def parse_accessible_namespaces(r: Record) -> AccessibleNamespaces:
    return AccessibleNamespaces(
        tenant_host_name=r.string("tenantHostName", required=False),
        http_scheme=r.string("httpScheme", required=False),
        namespaces=tuple(AccessibleNamespace(
            name=n.text("name"),
            name_idna=n.string("nameIDNA", required=False),
            versioning_enabled=n.boolean("versioningEnabled", required=False),
            search_enabled=n.boolean("searchEnabled", required=False),
            retention_mode=n.choice("retentionMode", ("compliance", "enterprise"), required=False, fold_case=True),
            default_shred_value=n.boolean("defaultShredValue", required=False),
            default_index_value=n.boolean("defaultIndexValue", required=False),
            default_retention_value=n.string("defaultRetentionValue", required=False),
            hash_scheme=n.string("hashScheme", required=False),
            dpl=n.string("dpl", required=False),
            description=n.string("description", required=False) or "",
        ) for n in r.records("namespace")),
    )


def parse_statistics(r: Record) -> ProcStatistics:
    return ProcStatistics(
        namespace_name=r.text("namespaceName"),
        total_capacity_bytes=r.integer("totalCapacityBytes"),
        used_capacity_bytes=r.integer("usedCapacityBytes"),
        soft_quota_percent=r.integer("softQuotaPercent"),
        object_count=r.integer("objectCount"),
        shred_object_count=r.integer("shredObjectCount"),
        shred_object_bytes=r.integer("shredObjectBytes"),
        custom_metadata_object_count=r.integer("customMetadataObjectCount"),
        custom_metadata_object_bytes=r.integer("customMetadataObjectBytes"),
    )  # type: ignore[arg-type]


def _flags(r: Record) -> PermissionFlags:
    # readAcl/writeAcl are missing from pre-7.3 answers: None there, not False.
    values = {flag: r.boolean(flag, required=flag not in ("readAcl", "writeAcl")) for flag in _FLAGS}
    return PermissionFlags(
        browse=values["browse"], read=values["read"], write=values["write"], read_acl=values["readAcl"],
        write_acl=values["writeAcl"], change_owner=values["changeOwner"], delete=values["delete"],
        privileged=values["privileged"], purge=values["purge"], search=values["search"],
    )  # type: ignore[arg-type]


def parse_permissions(r: Record) -> ProcPermissions:
    def part(key: str) -> PermissionFlags:
        record = r.record(key)
        assert record is not None
        return _flags(record)

    return ProcPermissions(
        namespace_name=r.text("namespaceName"),
        namespace=part("namespacePermissions"),
        namespace_effective=part("namespaceEffectivePermissions"),
        user=part("userPermissions"),
        user_effective=part("userEffectivePermissions"),
    )


def parse_retention_classes(r: Record) -> RetentionClasses:
    return RetentionClasses(
        namespace_name=r.string("namespaceName", required=False),
        classes=tuple(RetentionClass(
            name=c.text("name"), value=c.text("value"), auto_delete=c.boolean("autoDelete", required=False),
            description=c.string("description", required=False) or "",
        ) for c in r.records("retentionClass")),
    )


async def accessible_namespaces(client: HcpClient, access: DataAccess, *, single: str | None = None
                                ) -> AccessibleNamespaces:
    """``GET /proc``: the tenant's namespaces the account may use (only ``single`` if given)."""
    params = {"single": "true"} if single else None
    return parse_accessible_namespaces(await _get(client, access, single, "/proc", "namespaces", params))


async def statistics(client: HcpClient, access: DataAccess, namespace: str) -> ProcStatistics:
    return parse_statistics(await _get(client, access, namespace, "/proc/statistics", "statistics"))


async def permissions(client: HcpClient, access: DataAccess, namespace: str) -> ProcPermissions:
    return parse_permissions(await _get(client, access, namespace, "/proc/permissions", "permissions"))


async def retention_classes(client: HcpClient, access: DataAccess, namespace: str) -> RetentionClasses:
    return parse_retention_classes(await _get(client, access, namespace, "/proc/retentionClasses",
                                              "retentionClasses"))
