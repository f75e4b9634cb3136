"""Every metric hcpdash exports: name, type, help text and label names, in one table.

Names follow the Prometheus conventions: base units (seconds, bytes, ratios 0–1),
``_total`` on counters, and only labels whose values are bounded by the configuration
or by HCP's own vocabularies (system, node, tenant, namespace, link, volume and small
enumerations) — never a message, a time or a user name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["gauge", "counter", "histogram"]

SYSTEM = ("system",)
NODE = ("system", "node")
TENANT = ("system", "tenant")
NAMESPACE = ("system", "tenant", "namespace")
LINK = ("system", "link")


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...]


def _specs(*rows: tuple[str, Kind, tuple[str, ...], str]) -> dict[str, MetricSpec]:
    return {name: MetricSpec(name, kind, help, labels) for name, kind, labels, help in rows}


CATALOGUE = _specs(
    # hcpdash itself and each system's data
    ("hcpdash_build_info", "gauge", ("version",), "hcpdash's version; always 1"),
    ("hcpdash_system_info", "gauge", ("system", "domain", "environment"), "a configured HCP system; always 1"),
    ("hcpdash_verdict_level", "gauge", SYSTEM,
     "the system's worst health verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (as hcpdash check exits)"),
    ("hcpdash_data_age_seconds", "gauge", (*SYSTEM, "resource"),
     "seconds since the resource was last read successfully; +Inf if never"),
    ("hcpdash_poll_failed", "gauge", (*SYSTEM, "resource"), "1 if the last poll of the resource failed, else 0"),
    ("hcpdash_poll_errors_total", "counter", (*SYSTEM, "resource"), "polls of the resource that ended with an error"),
    ("hcpdash_retries_total", "counter", SYSTEM, "requests sent again to another node after a failed attempt"),
    ("hcpdash_actions_total", "counter", (*SYSTEM, "outcome"),
     "replication actions in the audit journal on this host, by outcome"),
    # nodes
    ("hcpdash_node_up", "gauge", NODE,
     "1 if the node answers its status probe and is in the connection pool, 0 if it is down, ejected or lost"),
    ("hcpdash_node_state", "gauge", (*NODE, "state"), "the node's /node_status probe result: 1 for the current state"),
    ("hcpdash_node_inventory_state", "gauge", (*NODE, "state"),
     "the node as hcpdash judges it from probe, pool, DNS and node statistics (up, read-only, suspect; lost: "
     "down, unreachable, missing): 1 for the current state"),
    ("hcpdash_node_last_seen_timestamp_seconds", "gauge", NODE,
     "when the node was last seen available (Unix time; kept in the node inventory across restarts)"),
    ("hcpdash_node_pool_state", "gauge", (*NODE, "state"), "the address in hcpdash's connection pool: 1 for the current state"),
    ("hcpdash_node_in_dns", "gauge", NODE, "1 if the system's DNS answer lists the node address"),
    ("hcpdash_request_duration_seconds", "histogram", NODE, "time from sending a request to the node to its answer"),
    ("hcpdash_requests_total", "counter", NODE, "requests hcpdash sent to the node address"),
    ("hcpdash_request_errors_total", "counter", NODE, "requests to the node address that failed or got a 5xx answer"),
    ("hcpdash_tls_handshakes_total", "counter", NODE, "new connections (TLS handshakes) to the node address"),
    ("hcpdash_ejections_total", "counter", NODE, "times the node address was taken out of the connection pool"),
    ("hcpdash_node_cpu_ratio", "gauge", (*NODE, "mode"), "CPU used by HCP on the node (MAPI node statistics), 0-1"),
    ("hcpdash_node_io_wait_ratio", "gauge", NODE, "CPU time waiting for volumes (MAPI node statistics), 0-1"),
    ("hcpdash_node_open_connections", "gauge", (*NODE, "protocol"), "open client connections to the node"),
    ("hcpdash_node_max_connections", "gauge", (*NODE, "protocol"), "the node's client connection limit"),
    ("hcpdash_node_volume_free_bytes", "gauge", (*NODE, "volume"), "free bytes on the node's volume"),
    ("hcpdash_node_volume_size_bytes", "gauge", (*NODE, "volume"), "size of the node's volume in bytes"),
    # tenants and namespaces
    ("hcpdash_tenant_objects", "gauge", TENANT, "objects stored in the tenant"),
    ("hcpdash_tenant_used_bytes", "gauge", TENANT, "storage capacity used by the tenant"),
    ("hcpdash_tenant_quota_bytes", "gauge", TENANT, "the tenant's hard quota"),
    ("hcpdash_tenant_namespaces", "gauge", TENANT, "namespaces in the tenant"),
    ("hcpdash_tenant_ingest_bytes_per_second", "gauge", TENANT,
     "bytes written into the tenant per second, between its last two chargeback reports"),
    ("hcpdash_tenant_read_bytes_per_second", "gauge", TENANT,
     "bytes read from the tenant per second, between its last two chargeback reports"),
    ("hcpdash_tenant_operations_per_second", "gauge", (*TENANT, "operation"),
     "reads, writes and deletes in the tenant per second, between its last two chargeback reports"),
    ("hcpdash_namespace_objects", "gauge", NAMESPACE, "objects stored in the namespace"),
    ("hcpdash_namespace_used_bytes", "gauge", NAMESPACE, "storage capacity used by the namespace"),
    ("hcpdash_namespace_quota_bytes", "gauge", NAMESPACE, "the namespace's hard quota"),
    ("hcpdash_namespace_soft_quota_ratio", "gauge", NAMESPACE, "the namespace's soft quota as a share of the hard quota"),
    ("hcpdash_namespace_ingest_bytes_per_second", "gauge", NAMESPACE,
     "bytes written into the namespace per second, between its last two chargeback reports"),
    ("hcpdash_namespace_read_bytes_per_second", "gauge", NAMESPACE,
     "bytes read from the namespace per second, between its last two chargeback reports"),
    ("hcpdash_namespace_operations_per_second", "gauge", (*NAMESPACE, "operation"),
     "reads, writes and deletes in the namespace per second, between its last two chargeback reports"),
    # replication links
    ("hcpdash_link_info", "gauge", (*LINK, "type"), "a replication link as this system sees it; always 1"),
    ("hcpdash_link_status", "gauge", (*LINK, "status"), "HCP's link status (GOOD, WARNING, BAD): 1 for the current one"),
    ("hcpdash_link_state", "gauge", (*LINK, "state"), "HCP's link status message (e.g. Failed over); 1 for the current one"),
    ("hcpdash_link_suspended", "gauge", LINK, "1 if the link is suspended"),
    ("hcpdash_link_pending_bytes", "gauge", (*LINK, "direction"),
     "bytes waiting to replicate: to_remote from this system, from_remote to it"),
    ("hcpdash_link_pending_objects", "gauge", (*LINK, "direction"), "objects waiting to replicate, per direction"),
    ("hcpdash_link_replicated_bytes_total", "counter", LINK, "bytes replicated over the link (HCP's counter)"),
    ("hcpdash_link_replicated_objects_total", "counter", LINK, "objects replicated over the link (HCP's counter)"),
    ("hcpdash_link_replication_errors_total", "counter", LINK, "replication errors on the link (HCP's counter)"),
    ("hcpdash_link_transfer_bytes_per_second", "gauge", LINK, "HCP's current replication rate on the link"),
    ("hcpdash_link_lag_seconds", "gauge", LINK, "now minus the link's up-to-date-as-of time: the data at risk"),
    ("hcpdash_link_drain_eta_seconds", "gauge", LINK,
     "seconds until the pending data drains at the current rate; +Inf if it is not draining"),
    ("hcpdash_link_verdict_level", "gauge", LINK, "the link's health verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"),
)

NAMESPACE_METRICS = frozenset(name for name, spec in CATALOGUE.items() if spec.labels[:3] == NAMESPACE)
"""Left out with ``--no-metrics-namespaces``: the series that grow with the namespace count."""
