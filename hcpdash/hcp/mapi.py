"""The management API (MAPI, ``admin.<domain>:9090/mapi``): replication, nodes, tenants.

Each ``parse_*`` function turns a :class:`Record` into a model and is pure; each
``async`` function reads one resource through an :class:`HcpClient`. JSON is
requested; XML answers are accepted just the same.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from hcpdash.hcp import errors as e
from hcpdash.hcp.client import HcpClient, Response
from hcpdash.hcp.models import (
    DataAccessPermissions, FailoverSettings, FailoverSide, Link, LinkAction, LinkConnection,
    LinkContentTenant, LinkStatistics, LinkStatus, LinkType, NamePage, Namespace, NamespacePermission,
    NodeStatistics, NodeStats, ReplicationService, Statistics, Tenant, Volume,
)
from hcpdash.hcp.parse import Record, parse_body

__all__ = [
    "data_access_permissions", "link", "link_action", "link_content_tenant", "link_content_tenants",
    "link_names", "namespace", "namespace_names", "namespace_page", "namespace_permissions",
    "namespace_statistics", "node_statistics", "replication_service", "tenant", "tenant_names",
    "tenant_permissions", "tenant_statistics",
]

_REPLICATION = "/mapi/services/replication"
PERMISSIONS = ("BROWSE", "CHOWN", "DELETE", "PRIVILEGED", "PURGE", "READ", "READ_ACL", "SEARCH", "WRITE_ACL", "WRITE")


# Characters quote() leaves alone with safe="": the usual tenant and namespace name.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _q(name: str) -> str:
    """A name as one path segment (two per namespace request, so the common case is a match)."""
    return name if _UNRESERVED.fullmatch(name) else quote(name, safe="")


def check_mapi(response: Response, resource: str, *, hint: str = e.MAPI_ROLE_HINT) -> None:
    """Raise the error a MAPI status means.

    A 2xx or 404 without ``X-HCP-SoftwareVersion`` is not HCP. Other errors are mapped
    even without it: whether HCP sends it on 401/403 is undocumented.
    """
    status = response.status
    message = response.headers.get("X-HCP-ErrorMessage", "")
    said = f": {message}" if message else ""
    if "html" in response.headers.get("Content-Type", "").lower():
        raise e.NotAnHcp(f"answered {status} with an HTML page, not an HCP MAPI response; check the domain "
                         "and the MAPI port", resource=resource, status=status)
    if (200 <= status < 300 or status == 404) and "X-HCP-SoftwareVersion" not in response.headers:
        raise e.NotAnHcp(f"answered {status} without X-HCP-SoftwareVersion; is this an HCP MAPI port?",
                         resource=resource, status=status)
    if 200 <= status < 300:
        return
    if status == 400:
        raise e.InvalidAction(f"HCP refused the request{said or ' (400, no reason given)'}", resource=resource, status=status)
    if status == 403:
        raise e.AuthenticationError(f"access denied{said}", hint=hint, resource=resource, status=status)
    if status == 404:
        raise e.NotFound(f"does not exist{said}", resource=resource, status=status)
    if status == 409:
        raise e.Conflict(f"conflict{said}", resource=resource, status=status)
    if status >= 500 or status == 401:
        raise e.Unavailable(f"HCP could not handle the request ({status}){said}", resource=resource, status=status)
    raise e.HcpError(f"unexpected HTTP status {status}{said}", resource=resource, status=status)


async def _get(client: HcpClient, path: str, params: dict[str, str] | None = None, *,
               resource: str | None = None, root: str | None = None) -> Record:
    resource = resource or path
    with client.attributed():
        response = await client.request(
            "GET", path, host=client.system.admin_host, port=client.system.ports.mapi, api="mapi", params=params,
            resource=resource, headers={"Accept": "application/json", "Authorization": client.authorization()})
        check_mapi(response, resource)
        record = parse_body(response.body, response.headers.get("Content-Type", ""), resource)
        if root is not None and record.root is not None and record.root != root:
            raise e.NotAnHcp(f"expected a <{root}> document, got <{record.root}>", resource=resource)
        return record


# ---------------------------------------------------------------- replication


def parse_replication_service(r: Record) -> ReplicationService:
    return ReplicationService(
        allow_tenants_to_monitor_namespaces=r.boolean("allowTenantsToMonitorNamespaces", required=False),
        enable_dns_failover=r.boolean("enableDNSFailover", required=False),
        network=r.string("network", required=False),
        connectivity_timeout_seconds=r.integer("connectivityTimeoutSeconds", required=False),
        status=r.choice("status", ("ENABLED", "SHUTDOWN"), required=False),
        verification=r.choice("verification", ("ON", "ONCE", "OFF"), required=False),
        enable_domain_and_certificate_synchronization=r.boolean(
            "enableDomainAndCertificateSynchronization", required=False),
    )


def parse_names(r: Record, item: str = "name") -> tuple[str, ...]:
    """A MAPI list: ``{"name": [...]}`` / ``<links><name>..</name></links>``."""
    extra = [k for k in r.keys() if k != item]
    if extra:
        r.fail(extra[0], f"unexpected field in a list of {item}")
    return r.strings(item)


def _failover_side(r: Record | None) -> FailoverSide | None:
    if r is None:
        return None
    return FailoverSide(
        auto_failover=r.boolean("autoFailover", required=False),
        auto_failover_minutes=r.integer("autoFailoverMinutes", required=False),
        auto_complete_recovery=r.boolean("autoCompleteRecovery", required=False),
        auto_complete_recovery_minutes=r.integer("autoCompleteRecoveryMinutes", required=False),
    )


def parse_link_statistics(r: Record) -> LinkStatistics:
    return LinkStatistics(
        up_to_date_as_of_string=r.string("upToDateAsOfString", required=False),
        up_to_date_as_of_millis=r.integer("upToDateAsOfMillis", required=False),
        bytes_pending=r.integer("bytesPending"),
        bytes_pending_remote=r.integer("bytesPendingRemote", required=False) or 0,
        bytes_replicated=r.integer("bytesReplicated"),
        bytes_per_second=r.number("bytesPerSecond"),
        objects_pending=r.integer("objectsPending"),
        objects_pending_remote=r.integer("objectsPendingRemote", required=False) or 0,
        objects_replicated=r.integer("objectsReplicated"),
        operations_per_second=r.number("operationsPerSecond"),
        errors=r.integer("errors"),
        errors_per_second=r.number("errorsPerSecond"),
        objects_verified=r.integer("objectsVerified", required=False),
        objects_replicated_after_verification=r.integer("objectsReplicatedAfterVerification", required=False),
    )  # type: ignore[arg-type]


def parse_link(r: Record) -> Link:
    connection = r.record("connection", required=False)
    failover = r.record("failoverSettings", required=False)
    statistics = r.record("statistics", required=False)
    status = r.choice("status", tuple(LinkStatus), required=False)
    return Link(
        name=r.text("name"),
        type=LinkType(r.choice("type", tuple(LinkType))),
        description=r.string("description", required=False),
        connection=None if connection is None else LinkConnection(
            local_host=connection.string("localHost", required=False),
            local_port=connection.integer("localPort", required=False),
            remote_host=connection.string("remoteHost", required=False),
            remote_port=connection.integer("remotePort", required=False),
        ),
        compression=r.boolean("compression", required=False),
        encryption=r.boolean("encryption", required=False),
        priority=r.choice("priority", ("OLDEST_FIRST", "FAIR"), required=False, fold_case=True),
        failover_settings=None if failover is None else FailoverSettings(
            local=_failover_side(failover.record("local", required=False)),
            remote=_failover_side(failover.record("remote", required=False)),
        ),
        id=r.string("id", required=False),
        statistics=None if statistics is None else parse_link_statistics(statistics),
        status=None if status is None else LinkStatus(status),
        status_message=r.string("statusMessage", required=False),
        suspended=r.boolean("suspended", required=False),
    )


def parse_link_content_tenant(r: Record, name: str) -> LinkContentTenant:
    return LinkContentTenant(
        name=r.string("name", required=False) or name,
        status=r.choice("status", ("REPLICATING", "PAUSED", "AUTO_PAUSED")),  # type: ignore[arg-type]
        up_to_date_as_of_string=r.string("upToDateAsOfString", required=False),
        up_to_date_as_of_millis=r.integer("upToDateAsOfMillis", required=False),
        objects_pending=r.integer("objectsPending", required=False),
        bytes_pending=r.integer("bytesPending", required=False),
        objects_pending_remote=r.integer("objectsPendingRemote", required=False),
        bytes_pending_remote=r.integer("bytesPendingRemote", required=False),
    )


async def replication_service(client: HcpClient) -> ReplicationService:
    return parse_replication_service(await _get(client, _REPLICATION, {"verbose": "true"},
                                                root="replicationService"))


async def link_names(client: HcpClient) -> tuple[str, ...]:
    return parse_names(await _get(client, f"{_REPLICATION}/links", root="links"))


async def link(client: HcpClient, name: str) -> Link:
    return parse_link(await _get(client, f"{_REPLICATION}/links/{_q(name)}", {"verbose": "true"},
                                 resource=f"link {name}", root="link"))


async def link_content_tenant(client: HcpClient, link_name: str, tenant_name: str) -> LinkContentTenant:
    path = f"{_REPLICATION}/links/{_q(link_name)}/content/tenants/{_q(tenant_name)}"
    record = await _get(client, path, resource=f"link {link_name} tenant {tenant_name}", root="tenant")
    return parse_link_content_tenant(record, tenant_name)


async def link_content_tenants(client: HcpClient, link_name: str) -> tuple[LinkContentTenant, ...]:
    """Every tenant replicated on the link, with its replication status."""
    path = f"{_REPLICATION}/links/{_q(link_name)}/content/tenants"
    names = parse_names(await _get(client, path, resource=f"link {link_name} tenants", root="tenants"))
    return tuple(await asyncio.gather(*(link_content_tenant(client, link_name, t) for t in names)))


async def link_action(client: HcpClient, name: str, action: LinkAction) -> None:
    """Send one replication action (``POST ...?<action>``, no body). Never retried once sent.

    Raises :class:`OutcomeUnknown` when the request may have reached HCP but no answer came.
    """
    action = LinkAction(action)
    resource = f"{action.value} on link {name}"
    with client.attributed():
        response = await client.request(
            "POST", f"{_REPLICATION}/links/{_q(name)}", host=client.system.admin_host, port=client.system.ports.mapi,
            api="mapi", params=action.value, idempotent=False, resource=resource,
            headers={"Accept": "application/json", "Authorization": client.authorization()})
        check_mapi(response, resource, hint=e.ACTION_ROLE_HINT)


# ---------------------------------------------------------------- nodes


def _volume(r: Record) -> Volume:
    return Volume(
        id=r.text("id"),
        blocks_read=r.number("blocksRead", required=False),
        blocks_written=r.number("blocksWritten", required=False),
        disk_utilization=r.number("diskUtilization", required=False),
        transfer_speed=r.number("transferSpeed", required=False),
        total_bytes=r.integer("totalBytes", required=False),
        free_bytes=r.integer("freeBytes", required=False),
        total_inodes=r.integer("totalInodes", required=False),
        free_inodes=r.integer("freeInodes", required=False),
    )


def _node(r: Record) -> NodeStats:
    f = {key: r.number(key, required=False) for key in (
        "cpuUser", "cpuSystem", "cpuMax", "ioWait", "swapOut", "maxFrontEndBandwidth", "frontEndBytesRead",
        "frontEndBytesWritten", "maxBackEndBandwidth", "backEndBytesRead", "backEndBytesWritten",
        "maxManagementPortBandwidth", "managementBytesRead", "managementBytesWritten")}
    n = {key: r.integer(key, required=False) for key in (
        "openHttpConnections", "openHttpsConnections", "maxHttpConnections", "maxHttpsConnections")}
    return NodeStats(
        node_number=r.integer("nodeNumber"),  # type: ignore[arg-type]
        frontend_ip_addresses=r.strings("frontendIpAddresses", "ipAddress"),
        backend_ip_address=r.string("backendIpAddress", required=False),
        management_ip_addresses=r.strings("managementIpAddresses", "ipAddress"),
        open_http_connections=n["openHttpConnections"], open_https_connections=n["openHttpsConnections"],
        max_http_connections=n["maxHttpConnections"], max_https_connections=n["maxHttpsConnections"],
        cpu_user=f["cpuUser"], cpu_system=f["cpuSystem"], cpu_max=f["cpuMax"], io_wait=f["ioWait"],
        swap_out=f["swapOut"], max_front_end_bandwidth=f["maxFrontEndBandwidth"],
        front_end_bytes_read=f["frontEndBytesRead"], front_end_bytes_written=f["frontEndBytesWritten"],
        max_back_end_bandwidth=f["maxBackEndBandwidth"], back_end_bytes_read=f["backEndBytesRead"],
        back_end_bytes_written=f["backEndBytesWritten"],
        max_management_port_bandwidth=f["maxManagementPortBandwidth"],
        management_bytes_read=f["managementBytesRead"], management_bytes_written=f["managementBytesWritten"],
        collection_timestamp=r.integer("collectionTimestamp", required=False),
        volumes=tuple(_volume(v) for v in r.records("volumes", "volume")),
    )


def parse_node_statistics(r: Record) -> NodeStatistics:
    # The JSON top level is inferred as {"nodes": {"node": [...]}}; a bare "nodes" array
    # and a top-level "node" array are accepted too.
    nodes = r.records("nodes", "node") if "nodes" in r else r.records("node")
    return NodeStatistics(request_time=r.integer("requestTime", required=False),
                          nodes=tuple(_node(n) for n in nodes))


async def node_statistics(client: HcpClient) -> NodeStatistics:
    """MAPI node statistics (HCP 8.x and later; HCP advises polling at most hourly)."""
    try:
        record = await _get(client, "/mapi/nodes/statistics", root="nodeStatistics")
    except e.NotFound as exc:
        raise e.FeatureUnavailable("node statistics need HCP 8.x or later (404)", system=exc.system,
                                   resource="/mapi/nodes/statistics", status=404) from None
    return parse_node_statistics(record)


# ---------------------------------------------------------------- tenants and namespaces


def parse_tenant(r: Record) -> Tenant:
    return Tenant(
        name=r.text("name"),
        id=r.string("id", required=False),
        fully_qualified_name=r.string("fullyQualifiedName", required=False),
        hard_quota_bytes=r.quota("hardQuota"),
        soft_quota_percent=r.integer("softQuota", required=False),
        namespace_quota=None if (r.string("namespaceQuota", required=False) or "None").lower() == "none"
        else r.integer("namespaceQuota"),
        creation_time=r.string("creationTime", required=False),
        administration_allowed=r.boolean("administrationAllowed", required=False),
        replication_configuration_enabled=r.boolean("replicationConfigurationEnabled", required=False),
        search_configuration_enabled=r.boolean("searchConfigurationEnabled", required=False),
        versioning_configuration_enabled=r.boolean("versioningConfigurationEnabled", required=False),
        compliance_configuration_enabled=r.boolean("complianceConfigurationEnabled", required=False),
        authentication_types=r.strings("authenticationTypes", "authenticationType"),
        tags=r.strings("tags", "tag"),
        system_visible_description=r.string("systemVisibleDescription", required=False),
        tenant_visible_description=r.string("tenantVisibleDescription", required=False),
        max_namespaces_per_user=r.integer("maxNamespacesPerUser", required=False),
    )


_PERMISSION_SETS: dict[frozenset[str], frozenset[str]] = {}
"""Each set of permissions parsed, shared by every namespace that has it: a few sets serve 10,000
namespaces (three sets each), as one object each for the garbage collector to walk instead of
30,000. Bounded: only the :data:`PERMISSIONS` are accepted, so there are at most 2**10 sets."""


def _permissions(r: Record, key: str) -> frozenset[str]:
    values = r.strings(key, "permission")
    for value in values:
        if value.upper() not in PERMISSIONS:
            r.fail(key, f"unknown permission {value!r}")
    permissions = frozenset(v.upper() for v in values)
    return _PERMISSION_SETS.setdefault(permissions, permissions)


def parse_namespace(r: Record, tenant_name: str) -> Namespace:
    return Namespace(
        name=r.text("name"), tenant=tenant_name,
        id=r.string("id", required=False),
        fully_qualified_name=r.string("fullyQualifiedName", required=False),
        description=r.string("description", required=False),
        hard_quota_bytes=r.quota("hardQuota"),
        soft_quota_percent=r.integer("softQuota", required=False),
        creation_time=r.string("creationTime", required=False),
        hash_scheme=r.word("hashScheme"),
        enterprise_mode=r.boolean("enterpriseMode", required=False),
        dpl=r.word("dpl"),
        search_enabled=r.boolean("searchEnabled", required=False),
        indexing_enabled=r.boolean("indexingEnabled", required=False),
        custom_metadata_indexing_enabled=r.boolean("customMetadataIndexingEnabled", required=False),
        replication_enabled=r.boolean("replicationEnabled", required=False),
        read_from_replica=r.boolean("readFromReplica", required=False),
        service_remote_system_requests=r.boolean("serviceRemoteSystemRequests", required=False),
        acls_usage=r.word("aclsUsage"),
        optimized_for=r.word("optimizedFor"),
        owner=r.word("owner"),
        owner_type=r.word("ownerType"),
        append_enabled=r.boolean("appendEnabled", required=False),
        allow_erasure_coding=r.boolean("allowErasureCoding", required=False),
        multipart_upload_auto_abort_days=r.integer("multipartUploadAutoAbortDays", required=False),
        auth_minimum_permissions=_permissions(r, "authMinimumPermissions"),
        auth_and_anonymous_minimum_permissions=_permissions(r, "authAndAnonymousMinimumPermissions"),
        tags=r.strings("tags", "tag"),
    )


def parse_statistics(r: Record) -> Statistics:
    return Statistics(
        object_count=r.integer("objectCount"), ingested_volume=r.integer("ingestedVolume"),
        storage_capacity_used=r.integer("storageCapacityUsed"),
        custom_metadata_count=r.integer("customMetadataCount"), custom_metadata_size=r.integer("customMetadataSize"),
        shred_count=r.integer("shredCount"), shred_size=r.integer("shredSize"),
        compressed_count=r.integer("compressedCount", required=False),
        compressed_saved_size=r.integer("compressedSavedSize", required=False),
        erasure_coded_count=r.integer("erasureCodedCount", required=False),
        erasure_coded_size=r.integer("erasureCodedSize", required=False),
    )  # type: ignore[arg-type]


def parse_permission_mask(r: Record) -> frozenset[str]:
    """A tenant or namespace permission mask: ``{"permission": [...]}``."""
    return _permissions(r, "permission")


def parse_data_access_permissions(r: Record) -> DataAccessPermissions:
    return DataAccessPermissions(tuple(
        NamespacePermission(p.text("namespaceName"), _permissions(p, "permissions"))
        for p in r.records("namespacePermission")))


async def tenant_names(client: HcpClient) -> tuple[str, ...]:
    return parse_names(await _get(client, "/mapi/tenants", root="tenants"))


async def tenant(client: HcpClient, name: str) -> Tenant:
    return parse_tenant(await _get(client, f"/mapi/tenants/{_q(name)}", {"verbose": "true"},
                                   resource=f"tenant {name}", root="tenant"))


async def tenant_statistics(client: HcpClient, name: str) -> Statistics:
    return parse_statistics(await _get(client, f"/mapi/tenants/{_q(name)}/statistics",
                                       resource=f"tenant {name} statistics", root="statistics"))


async def tenant_permissions(client: HcpClient, name: str) -> frozenset[str]:
    return parse_permission_mask(await _get(client, f"/mapi/tenants/{_q(name)}/permissions",
                                            resource=f"tenant {name} permissions"))


async def namespace_page(client: HcpClient, tenant_name: str, offset: int, count: int) -> NamePage:
    """One page of namespace names (``offset``/``count``, sorted by name)."""
    record = await _get(client, f"/mapi/tenants/{_q(tenant_name)}/namespaces",
                        {"offset": str(offset), "count": str(count), "sortType": "name"},
                        resource=f"tenant {tenant_name} namespaces", root="namespaces")
    names = parse_names(record)
    return NamePage(names, offset, complete=len(names) < count)


async def namespace_names(client: HcpClient, tenant_name: str, *, page_size: int = 500,
                          max_pages: int = 100) -> tuple[str, ...]:
    """Every namespace name of a tenant, page by page.

    A server that ignores paging returns everything at once (more than ``page_size``, or
    a page repeating names already seen): that ends the walk instead of looping.
    """
    seen: dict[str, None] = {}
    offset = 0
    for _ in range(max_pages):
        page = await namespace_page(client, tenant_name, offset, page_size)
        fresh = [n for n in page.names if n not in seen]
        seen.update(dict.fromkeys(fresh))
        if page.complete or len(page.names) > page_size or not fresh:
            break
        offset += len(page.names)
    return tuple(seen)


async def namespace(client: HcpClient, tenant_name: str, name: str) -> Namespace:
    record = await _get(client, f"/mapi/tenants/{_q(tenant_name)}/namespaces/{_q(name)}", {"verbose": "true"},
                        resource=f"namespace {tenant_name}/{name}", root="namespace")
    return parse_namespace(record, tenant_name)


async def namespace_statistics(client: HcpClient, tenant_name: str, name: str) -> Statistics:
    return parse_statistics(await _get(client, f"/mapi/tenants/{_q(tenant_name)}/namespaces/{_q(name)}/statistics",
                                       resource=f"namespace {tenant_name}/{name} statistics", root="statistics"))


async def namespace_permissions(client: HcpClient, tenant_name: str, name: str) -> frozenset[str]:
    return parse_permission_mask(await _get(
        client, f"/mapi/tenants/{_q(tenant_name)}/namespaces/{_q(name)}/permissions",
        resource=f"namespace {tenant_name}/{name} permissions"))


async def data_access_permissions(client: HcpClient, tenant_name: str, username: str) -> DataAccessPermissions:
    record = await _get(client, f"/mapi/tenants/{_q(tenant_name)}/userAccounts/{_q(username)}/dataAccessPermissions",
                        resource=f"user {tenant_name}/{username} data access permissions",
                        root="dataAccessPermissions")
    return parse_data_access_permissions(record)
