"""Frozen, slotted dataclasses for what the HCP client reads.

Field names are the HCP property names in snake case; quotas are bytes; times stay
as HCP sends them (epoch milliseconds or the formatted string) so nothing is lost.
Optional fields are ``None`` when HCP did not send them (non-verbose reads, older
releases).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AccessibleNamespace", "AccessibleNamespaces", "DataAccessPermissions", "FailoverSettings",
    "FailoverSide", "Link", "LinkAction", "LinkConnection", "LinkContentTenant", "LinkStatistics",
    "LinkStatus", "LinkType", "Namespace", "NamespacePermission", "NamePage", "NodeState",
    "NodeStatistics", "NodeStats", "NodeStatus", "PermissionFlags", "ProcPermissions", "ProcStatistics",
    "ReplicationService", "RetentionClass", "RetentionClasses", "Statistics", "StatisticsSource", "Tenant",
    "TrafficCounters", "Volume",
]

#: Where namespace statistics came from: the ``statistics`` resource or the chargeback report.
StatisticsSource = Literal["statistics", "chargeback"]


class LinkType(enum.StrEnum):
    ACTIVE_ACTIVE = "ACTIVE_ACTIVE"
    OUTBOUND = "OUTBOUND"
    """Active/passive, seen from the primary."""
    INBOUND = "INBOUND"
    """Active/passive, seen from the replica."""


class LinkStatus(enum.StrEnum):
    GOOD = "GOOD"
    WARNING = "WARNING"
    BAD = "BAD"


class LinkAction(enum.StrEnum):
    """Replication link actions; the value is the query parameter HCP expects."""

    SUSPEND = "suspend"
    RESUME = "resume"
    RESTORE = "restore"
    FAIL_OVER = "failOver"
    FAIL_BACK = "failBack"
    BEGIN_RECOVERY = "beginRecovery"
    COMPLETE_RECOVERY = "completeRecovery"


class NodeState(enum.StrEnum):
    """What a node's ``/node_status`` probe said."""

    UP = "up"                      # 204
    DISABLED = "disabled"          # 403: the node status service is off or we are not allowed
    READ_ONLY = "read-only"        # 540
    UNAVAILABLE = "unavailable"    # 541
    UNREACHABLE = "unreachable"    # no HTTP answer at all
    UNKNOWN = "unknown"            # any other status


@dataclass(frozen=True, slots=True)
class ReplicationService:
    allow_tenants_to_monitor_namespaces: bool | None
    enable_dns_failover: bool | None
    network: str | None
    connectivity_timeout_seconds: int | None
    status: str | None
    verification: str | None
    enable_domain_and_certificate_synchronization: bool | None


@dataclass(frozen=True, slots=True)
class LinkConnection:
    local_host: str | None
    local_port: int | None
    remote_host: str | None
    remote_port: int | None


@dataclass(frozen=True, slots=True)
class FailoverSide:
    auto_failover: bool | None
    auto_failover_minutes: int | None
    auto_complete_recovery: bool | None
    auto_complete_recovery_minutes: int | None


@dataclass(frozen=True, slots=True)
class FailoverSettings:
    local: FailoverSide | None
    remote: FailoverSide | None


@dataclass(frozen=True, slots=True)
class LinkStatistics:
    up_to_date_as_of_string: str | None
    up_to_date_as_of_millis: int | None
    bytes_pending: int
    bytes_pending_remote: int
    bytes_replicated: int
    bytes_per_second: float
    objects_pending: int
    objects_pending_remote: int
    objects_replicated: int
    operations_per_second: float
    errors: int
    errors_per_second: float
    objects_verified: int | None
    objects_replicated_after_verification: int | None


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    type: LinkType
    description: str | None
    connection: LinkConnection | None
    compression: bool | None
    encryption: bool | None
    priority: str | None
    failover_settings: FailoverSettings | None
    id: str | None
    statistics: LinkStatistics | None
    status: LinkStatus | None
    status_message: str | None
    suspended: bool | None


@dataclass(frozen=True, slots=True)
class LinkContentTenant:
    name: str
    status: str
    up_to_date_as_of_string: str | None
    up_to_date_as_of_millis: int | None
    objects_pending: int | None
    bytes_pending: int | None
    objects_pending_remote: int | None
    bytes_pending_remote: int | None


@dataclass(frozen=True, slots=True)
class Volume:
    id: str
    blocks_read: float | None
    blocks_written: float | None
    disk_utilization: float | None
    transfer_speed: float | None
    total_bytes: int | None
    free_bytes: int | None
    total_inodes: int | None
    free_inodes: int | None


@dataclass(frozen=True, slots=True)
class NodeStats:
    node_number: int
    frontend_ip_addresses: tuple[str, ...]
    backend_ip_address: str | None
    management_ip_addresses: tuple[str, ...]
    open_http_connections: int | None
    open_https_connections: int | None
    max_http_connections: int | None
    max_https_connections: int | None
    cpu_user: float | None
    cpu_system: float | None
    cpu_max: float | None
    io_wait: float | None
    swap_out: float | None
    max_front_end_bandwidth: float | None
    front_end_bytes_read: float | None
    front_end_bytes_written: float | None
    max_back_end_bandwidth: float | None
    back_end_bytes_read: float | None
    back_end_bytes_written: float | None
    max_management_port_bandwidth: float | None
    management_bytes_read: float | None
    management_bytes_written: float | None
    collection_timestamp: int | None
    volumes: tuple[Volume, ...]


@dataclass(frozen=True, slots=True)
class NodeStatistics:
    request_time: int | None
    nodes: tuple[NodeStats, ...]


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """One timed ``/node_status`` probe of one node address."""

    address: str
    state: NodeState
    http_status: int | None
    elapsed_s: float
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Tenant:
    name: str
    id: str | None
    fully_qualified_name: str | None
    hard_quota_bytes: int | None
    soft_quota_percent: int | None
    namespace_quota: int | None
    creation_time: str | None
    administration_allowed: bool | None
    replication_configuration_enabled: bool | None
    search_configuration_enabled: bool | None
    versioning_configuration_enabled: bool | None
    compliance_configuration_enabled: bool | None
    authentication_types: tuple[str, ...]
    tags: tuple[str, ...]
    system_visible_description: str | None
    tenant_visible_description: str | None
    max_namespaces_per_user: int | None


@dataclass(frozen=True, slots=True)
class Namespace:
    name: str
    tenant: str
    id: str | None
    fully_qualified_name: str | None
    description: str | None
    hard_quota_bytes: int | None
    soft_quota_percent: int | None
    creation_time: str | None
    hash_scheme: str | None
    enterprise_mode: bool | None
    dpl: str | None
    search_enabled: bool | None
    indexing_enabled: bool | None
    custom_metadata_indexing_enabled: bool | None
    replication_enabled: bool | None
    read_from_replica: bool | None
    service_remote_system_requests: bool | None
    acls_usage: str | None
    optimized_for: str | None
    owner: str | None
    owner_type: str | None
    append_enabled: bool | None
    allow_erasure_coding: bool | None
    multipart_upload_auto_abort_days: int | None
    auth_minimum_permissions: frozenset[str]
    auth_and_anonymous_minimum_permissions: frozenset[str]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NamePage:
    """One page of a paged name list; ``complete`` when no further page exists."""

    names: tuple[str, ...]
    offset: int
    complete: bool


@dataclass(frozen=True, slots=True)
class Statistics:
    """Tenant or namespace statistics (no quota here: that is on the namespace).

    ``source`` names the resource they came from: the ``statistics`` resource, or a row
    of the tenant's chargeback report, which lacks the custom-metadata and shredding
    figures (None) but carries the cumulative traffic ``counters`` and the report's
    end time ``as_of`` (epoch seconds).
    """

    object_count: int
    ingested_volume: int
    storage_capacity_used: int
    custom_metadata_count: int | None = None
    custom_metadata_size: int | None = None
    shred_count: int | None = None
    shred_size: int | None = None
    compressed_count: int | None = None
    compressed_saved_size: int | None = None
    erasure_coded_count: int | None = None
    erasure_coded_size: int | None = None
    source: StatisticsSource = "statistics"
    counters: TrafficCounters | None = None
    as_of: float | None = None


@dataclass(frozen=True, slots=True)
class TrafficCounters:
    """Cumulative traffic since the chargeback report's start: bytes and operations."""

    bytes_in: int
    bytes_out: int
    reads: int
    writes: int
    deletes: int


@dataclass(frozen=True, slots=True)
class NamespacePermission:
    namespace_name: str
    permissions: frozenset[str]


@dataclass(frozen=True, slots=True)
class DataAccessPermissions:
    namespaces: tuple[NamespacePermission, ...]


@dataclass(frozen=True, slots=True)
class AccessibleNamespace:
    name: str
    name_idna: str | None
    versioning_enabled: bool | None
    search_enabled: bool | None
    retention_mode: str | None
    default_shred_value: bool | None
    default_index_value: bool | None
    default_retention_value: str | None
    hash_scheme: str | None
    dpl: str | None
    description: str


@dataclass(frozen=True, slots=True)
class AccessibleNamespaces:
    tenant_host_name: str | None
    http_scheme: str | None
    namespaces: tuple[AccessibleNamespace, ...]


@dataclass(frozen=True, slots=True)
class ProcStatistics:
    namespace_name: str
    total_capacity_bytes: int
    used_capacity_bytes: int
    soft_quota_percent: int
    object_count: int
    shred_object_count: int
    shred_object_bytes: int
    custom_metadata_object_count: int
    custom_metadata_object_bytes: int


@dataclass(frozen=True, slots=True)
class PermissionFlags:
    browse: bool
    read: bool
    write: bool
    read_acl: bool | None
    write_acl: bool | None
    change_owner: bool
    delete: bool
    privileged: bool
    purge: bool
    search: bool


@dataclass(frozen=True, slots=True)
class ProcPermissions:
    namespace_name: str
    namespace: PermissionFlags
    namespace_effective: PermissionFlags
    user: PermissionFlags
    user_effective: PermissionFlags


@dataclass(frozen=True, slots=True)
class RetentionClass:
    name: str
    value: str
    auto_delete: bool | None
    description: str


@dataclass(frozen=True, slots=True)
class RetentionClasses:
    namespace_name: str | None
    classes: tuple[RetentionClass, ...]
