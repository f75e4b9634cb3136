"""/proc on the data port (HTTPS) and the plain-HTTP port, and /node_status."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"


@pytest.fixture(scope="module")
def reader(sim_http):
    return sim_http.auth("finance-reader", "hcpdash-tenant-reader")


def proc(http, path, auth, host="invoices.finance", port="data"):
    return http.get(path, host=host, port=port, auth=auth)


def test_proc_lists_accessible_namespaces_with_stylesheet_and_cdata(sim_http, reader):
    response = proc(sim_http, "/proc", reader)
    assert response.status_code == 200
    text = response.text
    assert '<?xml-stylesheet type="text/xsl" href="/static/xsl/proc-namespaces.xsl"?>' in text
    assert "<![CDATA[" in text
    root = ET.fromstring(response.content)
    assert root.get(XSI) == "/static/xsd/proc-namespaces.xsd"
    assert root.get("httpScheme") == "https"
    names = [ns.get("name") for ns in root]
    # the reader has no permission on the last namespace of the tenant
    assert len(names) == 3 and "mail" not in names
    assert root[0].find("description").text.strip()


def test_proc_single(sim_http, reader):
    root = ET.fromstring(proc(sim_http, "/proc?single=true", reader).content)
    assert [ns.get("name") for ns in root] == ["invoices"]


def test_proc_statistics_has_nine_attributes(sim_http, reader):
    root = ET.fromstring(proc(sim_http, "/proc/statistics", reader).content)
    attrs = {k: v for k, v in root.attrib.items() if not k.startswith("{")}
    assert len(attrs) == 9 and attrs["namespaceName"] == "invoices"
    assert int(attrs["usedCapacityBytes"]) < int(attrs["totalCapacityBytes"])


def test_proc_permissions_and_retention_classes(sim_http, reader):
    root = ET.fromstring(proc(sim_http, "/proc/permissions", reader).content)
    assert [c.tag for c in root] == ["namespacePermissions", "namespaceEffectivePermissions", "userPermissions",
                                     "userEffectivePermissions"]
    assert root.find("userEffectivePermissions").get("read") == "true"
    assert root.find("userEffectivePermissions").get("write") == "false"
    classes = ET.fromstring(proc(sim_http, "/proc/retentionClasses", reader).content)
    assert classes.tag == "retentionClasses" and classes[0].get("value") is not None


def test_proc_rest_headers(sim_http, reader):
    headers = proc(sim_http, "/proc/statistics", reader).headers
    assert headers["server"] == "HCP V9.6.0.110"
    assert re.fullmatch(r"[0-9A-F]{16}", headers["x-requestid"])
    assert headers["x-hcp-servicedbysystem"] == sim_http.system().domain
    assert headers["x-hcp-time"].isdigit()


def test_proc_without_access_is_401_bad_credentials_403(sim_http, reader):
    assert proc(sim_http, "/proc/statistics", reader, host="mail.finance").status_code == 401
    assert proc(sim_http, "/proc/statistics", sim_http.auth("finance-reader", "nope")).status_code == 403
    assert proc(sim_http, "/proc/statistics", None).status_code == 403
    assert proc(sim_http, "/proc", reader, host="nosuch.finance").status_code == 403


def test_proc_over_plain_http(sim_http, reader):
    response = proc(sim_http, "/proc", reader, port="http")
    assert response.status_code == 200
    assert ET.fromstring(response.content).get("httpScheme") == "http"


def test_mapi_is_not_on_the_data_port(sim_http):
    assert sim_http.get("/mapi/tenants", port="data").status_code == 403


def test_node_status_codes_and_metrics(fresh):
    assert fresh.get("/node_status", port="http", auth=None).status_code == 204
    metrics = fresh.get("/node_status?type=metrics&format=json", port="http", auth=None)
    assert metrics.status_code == 200 and "cpuUser" in metrics.json()
    xml = fresh.get("/node_status?type=metrics&format=xml", port="http", auth=None)
    assert ET.fromstring(xml.content).find("httpConnections") is not None
    node = fresh.system().addresses[0]
    for mode, status in (("disabled", 403), ("read_only", 540), ("unavailable", 541), ("up", 204)):
        fresh.sim.control("POST", f"/nodes/hcp1/{node}", {"node_status": mode})
        assert fresh.get("/node_status", port="http", auth=None).status_code == status
