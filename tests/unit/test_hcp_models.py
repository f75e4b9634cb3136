"""Recorded MAPI and /proc payloads (documented shapes, XML and JSON) → typed models."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcpdash.hcp import mapi, proc
from hcpdash.hcp.errors import NotAnHcp, ParseError
from hcpdash.hcp.models import LinkStatus, LinkType
from hcpdash.hcp.parse import parse_body

PAYLOADS = Path(__file__).parent / "payloads"


def load(name: str):
    ctype = "application/json" if name.endswith(".json") else "application/xml"
    return parse_body((PAYLOADS / name).read_bytes(), ctype, name)


def test_active_active_link_from_xml_has_every_documented_field() -> None:
    link = mapi.parse_link(load("link_aa.xml"))
    assert link.name == "hcp1--<-->--hcp2"
    assert link.type is LinkType.ACTIVE_ACTIVE
    assert link.status is LinkStatus.GOOD and link.status_message == "Synchronizing data"
    assert link.suspended is False and link.encryption is True and link.compression is False
    assert link.description == ""
    assert link.connection is not None and link.connection.remote_port == 5748
    assert link.connection.local_host == "192.168.0.52, 192.168.0.53"
    fo = link.failover_settings
    assert fo is not None and fo.local is not None and fo.remote is not None
    assert fo.remote.auto_failover is True and fo.remote.auto_failover_minutes == 60
    assert fo.local.auto_complete_recovery is None
    stats = link.statistics
    assert stats is not None
    assert (stats.bytes_pending, stats.bytes_pending_remote, stats.objects_pending, stats.objects_pending_remote) == (
        1048576, 2048, 12, 3)
    assert stats.bytes_replicated == 99999999999 and stats.bytes_per_second == 1234.5
    assert stats.up_to_date_as_of_millis == 1486672956000
    assert stats.objects_verified == 100 and stats.objects_replicated_after_verification == 2


def test_outbound_link_from_json_has_remote_failover_settings_only() -> None:
    link = mapi.parse_link(load("link_outbound.json"))
    assert link.type is LinkType.OUTBOUND and link.priority == "FAIR"
    assert link.failover_settings.local is None
    assert link.failover_settings.remote.auto_complete_recovery_minutes == 120
    assert link.statistics.bytes_pending == 52428800 and link.statistics.errors == 1


def test_inbound_link_from_7x_lacks_verification_counters() -> None:
    link = mapi.parse_link(load("link_inbound_7x.xml"))
    assert link.type is LinkType.INBOUND and link.status_message == "Failed over"
    assert link.failover_settings.remote is None and link.failover_settings.local.auto_complete_recovery is False
    assert link.statistics.objects_verified is None


@pytest.mark.parametrize("name", ["links.xml", "links.json"])
def test_link_names_in_both_formats(name: str) -> None:
    assert mapi.parse_names(load(name)) == ("MA-CA", "hcp1--<-->--hcp2")


def test_single_and_empty_name_lists() -> None:
    assert mapi.parse_names(parse_body(b"<links><name>only</name></links>", "application/xml", "x")) == ("only",)
    assert mapi.parse_names(parse_body(b"<links/>", "application/xml", "x")) == ()
    assert mapi.parse_names(parse_body(b'{"name": []}', "application/json", "x")) == ()


def test_replication_service_current_and_7x() -> None:
    service = mapi.parse_replication_service(load("replication_service.xml"))
    assert service.status == "ENABLED" and service.connectivity_timeout_seconds == 60
    assert service.enable_dns_failover is False and service.verification == "OFF"
    old = mapi.parse_replication_service(load("replication_service_7x.json"))
    assert old.enable_domain_and_certificate_synchronization is True and old.status is None


def test_node_statistics_xml_sample() -> None:
    stats = mapi.parse_node_statistics(load("node_statistics.xml"))
    assert stats.request_time == 1528293394000
    first, second = stats.nodes
    assert first.node_number == 17 and first.frontend_ip_addresses == ("172.18.14.17", "2001:db8::17")
    assert first.cpu_user == 0.75 and first.cpu_max == 24 and first.management_ip_addresses == ()
    assert [v.id for v in first.volumes] == ["example090", "example091"]
    assert first.volumes[0].total_bytes == 53687091200
    assert second.management_ip_addresses == ("10.0.0.173",) and second.management_bytes_read == 4.5
    assert len(second.volumes) == 1


def test_node_statistics_json_wrapped_and_bare() -> None:
    wrapped = mapi.parse_node_statistics(load("node_statistics.json"))
    assert wrapped.nodes[0].open_https_connections == 83 and wrapped.nodes[0].cpu_max == 400
    assert wrapped.nodes[0].volumes[1].free_inodes == 134100000
    bare = mapi.parse_node_statistics(load("node_statistics_bare.json"))
    assert bare.request_time == 1637570003500 and bare.nodes[0].node_number == 2
    assert bare.nodes[0].frontend_ip_addresses == ("10.1.1.2",) and bare.nodes[0].volumes == ()
    assert bare.nodes[0].open_http_connections is None


def test_tenants() -> None:
    assert mapi.parse_names(load("tenants.json")) == ("Default", "finance", "m")
    tenant = mapi.parse_tenant(load("tenant_system_level.json"))
    assert tenant.hard_quota_bytes == 100 * 1024**3 and tenant.soft_quota_percent == 85
    assert tenant.namespace_quota is None and tenant.tags == ("Billing", "lgreen")
    assert tenant.authentication_types == ("LOCAL",)
    default = mapi.parse_tenant(load("tenant_default.xml"))
    assert default.id == "00000000-0000-0000-0000-000000000000" and default.hard_quota_bytes is None


def test_namespaces() -> None:
    assert mapi.parse_names(load("namespaces.xml")) == ("accounts-receivable", "accounts-payable")
    ns = mapi.parse_namespace(load("namespace_verbose.json"), "finance")
    assert ns.tenant == "finance" and ns.hard_quota_bytes == 50 * 1024**3 and ns.soft_quota_percent == 85
    assert ns.auth_minimum_permissions == {"BROWSE", "READ"} and ns.auth_and_anonymous_minimum_permissions == set()
    assert ns.dpl == "Dynamic" and ns.hash_scheme == "SHA-256" and ns.replication_enabled is True
    small = mapi.parse_namespace(load("namespace_nonverbose.xml"), "finance")
    assert small.hard_quota_bytes == int(1.25 * 1024**4) and small.id is None and small.tags == ("x",)


@pytest.mark.parametrize("name", ["statistics.json", "statistics.xml"])
def test_statistics(name: str) -> None:
    stats = mapi.parse_statistics(load(name))
    assert stats.object_count == 508664 and stats.ingested_volume == 13792362496
    assert stats.storage_capacity_used == 14000000000


def test_permission_masks() -> None:
    assert mapi.parse_permission_mask(load("namespace_permissions.json")) == {"DELETE", "PURGE", "READ", "SEARCH", "WRITE"}
    assert mapi.parse_permission_mask(parse_body(b"<permissions><permission>READ</permission></permissions>",
                                                 "application/xml", "x")) == {"READ"}
    perms = mapi.parse_data_access_permissions(load("data_access_permissions.json"))
    assert [p.namespace_name for p in perms.namespaces] == ["accounts-receivable", "accounts-payable"]
    assert perms.namespaces[0].permissions == {"BROWSE", "READ", "WRITE"}


def test_link_content_tenant() -> None:
    tenant = mapi.parse_link_content_tenant(load("link_content_tenant.xml"), "finance")
    assert tenant.status == "PAUSED" and tenant.bytes_pending == 5000


def test_proc_accessible_namespaces() -> None:
    listing = proc.parse_accessible_namespaces(load("proc.xml"))
    assert listing.tenant_host_name == "finance.hcp1.example.com" and listing.http_scheme == "https"
    first, second = listing.namespaces
    assert first.description == "Receivables" and first.dpl == "2" and first.retention_mode == "enterprise"
    assert second.description == "" and second.default_retention_value == "-1"
    empty = proc.parse_accessible_namespaces(parse_body(
        b'<namespaces tenantHostName="t.hcp.example.com" httpScheme="https"/>', "application/xml", "x"))
    assert empty.namespaces == ()


def test_proc_statistics_permissions_retention() -> None:
    stats = proc.parse_statistics(load("proc_statistics.xml"))
    assert stats.total_capacity_bytes == 53687091200 and stats.soft_quota_percent == 85
    assert stats.custom_metadata_object_bytes == 4096
    perms = proc.parse_permissions(load("proc_permissions.xml"))
    assert perms.namespace.change_owner is True and perms.namespace_effective.change_owner is False
    assert perms.user.write is False and perms.user_effective.search is True
    old = proc.parse_permissions(load("proc_permissions_2015.xml"))
    assert old.user.read_acl is None and old.user.write is True
    classes = proc.parse_retention_classes(load("proc_retention_classes.xml"))
    assert [(c.name, c.value, c.auto_delete) for c in classes.classes] == [
        ("HlthReg-107", "A+21y", True), ("Keep", "-1", False)]
    assert classes.classes[0].description == "Health records, 21 years"


@pytest.mark.parametrize("body, error", [
    (b"", ParseError),
    (b"   ", ParseError),
    (b"<link><name>x</name>", ParseError),
    (b'{"name": ["a"', ParseError),
    (b"<html><body>Service Unavailable</body></html>", NotAnHcp),
    (b"<!DOCTYPE html><html></html>", NotAnHcp),
    (b"plain text", ParseError),
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><links><name>&a;</name></links>', ParseError),
    (b"[1, 2]", ParseError),
    (b'{"a": NaN}', ParseError),
])
def test_bad_bodies_raise_specific_errors(body: bytes, error: type) -> None:
    with pytest.raises(error):
        parse_body(body, "application/json", "/mapi/x")


@pytest.mark.parametrize("mutation", [
    ("<type>ACTIVE_ACTIVE</type>", "<type>SIDEWAYS</type>"),
    ("<bytesPending>1048576</bytesPending>", "<bytesPending>lots</bytesPending>"),
    ("<suspended>false</suspended>", "<suspended>maybe</suspended>"),
    ("<status>GOOD</status>", "<status>FAILED</status>"),
    ("<name>hcp1--&lt;--&gt;--hcp2</name>", ""),
    ("<errors>0</errors>", "<errors>0</errors><errors>1</errors>"),
])
def test_wrong_link_fields_are_rejected_not_guessed(mutation: tuple[str, str]) -> None:
    text = (PAYLOADS / "link_aa.xml").read_text().replace(*mutation)
    with pytest.raises(ParseError) as caught:
        mapi.parse_link(parse_body(text.encode(), "application/xml", "link x"))
    assert "link x" in str(caught.value)


def test_parse_error_names_the_field_path() -> None:
    body = b'{"nodes": {"node": [{"nodeNumber": 1, "volumes": {"volume": [{"id": "v", "totalBytes": "big"}]}}]}}'
    with pytest.raises(ParseError, match=r"nodes\[0\]\.volumes\[0\]\.totalBytes: expected an integer"):
        mapi.parse_node_statistics(parse_body(body, "application/json", "/mapi/nodes/statistics"))


@pytest.mark.parametrize("text, expected", [("50 GB", 50 * 1024**3), ("50.00 GB", 50 * 1024**3),
                                            ("1.25 TB", int(1.25 * 1024**4)), ("500 MB", 500 * 1024**2)])
def test_quota_strings(text: str, expected: int) -> None:
    record = parse_body(f'{{"hardQuota": "{text}", "name": "n"}}'.encode(), "application/json", "x")
    assert record.quota("hardQuota") == expected
