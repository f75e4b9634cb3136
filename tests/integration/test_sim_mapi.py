"""MAPI as a client sees it: formats, headers, status codes, authentication, routing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

LINKS = "/mapi/services/replication/links"


def test_links_list_xml_by_default_and_json_on_request(sim_http):
    xml = sim_http.get(LINKS)
    assert xml.status_code == 200
    assert xml.headers["content-type"] == "application/xml"
    assert xml.text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><links><name>')
    assert [e.text for e in ET.fromstring(xml.content)] == ["hcp1-hcp2-aa", "hcp1-hcp2-ap"]
    js = sim_http.get(LINKS, accept="application/json")
    assert js.headers["content-type"] == "application/json"
    assert js.json() == {"name": ["hcp1-hcp2-aa", "hcp1-hcp2-ap"]}


def test_link_details_are_verbose_alphabetical_and_compact(sim_http):
    response = sim_http.get(f"{LINKS}/hcp1-hcp2-aa?verbose=true")
    assert "\n" not in response.text
    root = ET.fromstring(response.content)
    tags = [child.tag for child in root]
    assert tags == sorted(tags) == ["compression", "connection", "description", "encryption", "failoverSettings", "id",
                                    "name", "priority", "statistics", "status", "statusMessage", "suspended", "type"]
    assert len(root.find("statistics")) == 14
    assert root.findtext("status") == "GOOD" and root.findtext("statusMessage") == "Synchronizing data"
    assert [side.tag for side in root.find("failoverSettings")] == ["local", "remote"]
    assert [f.tag for f in root.find("failoverSettings/local")] == ["autoFailover", "autoFailoverMinutes"]


def test_active_passive_failover_settings_per_side(sim_http):
    primary = sim_http.link("hcp1-hcp2-ap", system="hcp1")
    replica = sim_http.link("hcp1-hcp2-ap", system="hcp2")
    assert primary["type"] == "OUTBOUND" and replica["type"] == "INBOUND"
    assert list(primary["failoverSettings"]) == ["remote"] and list(replica["failoverSettings"]) == ["local"]
    assert len(replica["failoverSettings"]["local"]) == 4
    assert (primary["statusMessage"], replica["statusMessage"]) == ("Sending data", "Receiving data")
    assert primary["statistics"]["bytesPendingRemote"] == 0


def test_prettyprint_indents(sim_http):
    response = sim_http.get(f"{LINKS}?prettyprint", accept="application/json")
    assert '"name" : [' in response.text


def test_documented_headers_on_success(sim_http):
    headers = sim_http.get("/mapi/tenants").headers
    assert headers["x-hcp-softwareversion"] == "9.6.0.110"
    assert headers["cache-control"] == "no-cache,no-store,must-revalidate"
    assert headers["expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert headers["x-frame-options"] == "SAMEORIGIN" and headers["x-content-type-options"] == "nosniff"


def test_errors_carry_message_but_no_cache_headers(sim_http):
    response = sim_http.get(f"{LINKS}/no-such-link")
    assert response.status_code == 404
    assert "no-such-link" in response.headers["x-hcp-errormessage"]
    assert "cache-control" not in response.headers and "expires" not in response.headers
    assert response.headers["x-hcp-softwareversion"] == "9.6.0.110"


def test_bad_password_is_403(sim_http):
    response = sim_http.get(LINKS, auth=sim_http.auth("admin", "wrong"))
    assert response.status_code == 403
    assert "password" in response.headers["x-hcp-errormessage"].lower()


def test_missing_credentials_and_ad_are_403(sim_http):
    assert sim_http.get(LINKS, auth=None).status_code == 403
    assert sim_http.get(LINKS, auth="AD admin@example.com:secret").status_code == 403


def test_md5_compare_is_case_insensitive_and_cookie_is_accepted(sim_http):
    upper = sim_http.admin.split(":")[0] + ":" + sim_http.admin.split(":")[1].upper()
    assert sim_http.get(LINKS, auth=upper).status_code == 200
    token = sim_http.admin.split(" ", 1)[1]
    assert sim_http.get(LINKS, auth=None, headers={"Cookie": f"hcp-api-auth={token}"}).status_code == 200
    # header wins over a wrong cookie
    assert sim_http.get(LINKS, headers={"Cookie": "hcp-ns-auth=bogus:00"}).status_code == 200


def test_monitor_can_read_but_not_act(sim_http):
    assert sim_http.get(LINKS, auth=sim_http.monitor).status_code == 200
    response = sim_http.action("hcp1-hcp2-aa", "suspend", auth=sim_http.monitor)
    assert response.status_code == 403
    assert "ADMINISTRATOR" in response.headers["x-hcp-errormessage"]
    assert sim_http.link("hcp1-hcp2-aa")["suspended"] is False


def test_tenant_account_is_wrong_level_on_admin_host(sim_http):
    tenant_admin = sim_http.auth("finance-admin", "hcpdash-tenant-admin")
    assert sim_http.get("/mapi/tenants", auth=tenant_admin).status_code == 403
    ok = sim_http.get("/mapi/tenants/finance/namespaces", host="finance", auth=tenant_admin)
    assert ok.status_code == 200
    other = sim_http.get("/mapi/tenants/legal/namespaces", host="finance", auth=tenant_admin)
    assert other.status_code == 403
    assert sim_http.get(LINKS, host="finance", auth=tenant_admin).status_code == 403


def test_unsupported_accept_is_415_and_wrong_method_405(sim_http):
    assert sim_http.get(LINKS, accept="image/png").status_code == 415
    assert sim_http.request("DELETE", "/mapi/tenants").status_code == 405
    assert sim_http.get("/mapi/nothing/here").status_code == 404


def test_head_on_missing_resource_is_302(sim_http):
    assert sim_http.request("HEAD", f"{LINKS}/missing").status_code == 302


def test_routing_by_host_any_node_and_other_domain_refused(sim_http):
    first = sim_http.get("/mapi/tenants", node=0, accept="application/json").json()
    last = sim_http.get("/mapi/tenants", node=3, accept="application/json").json()
    assert first == last == {"name": ["finance", "legal", "research"]}
    hcp2 = sim_http.system("hcp2")
    response = sim_http.get("/mapi/tenants", headers={"Host": f"admin.{hcp2.domain}"},
                            sni=f"admin.{sim_http.system().domain}")
    assert response.status_code == 403


def test_link_names_are_case_insensitive(sim_http):
    assert sim_http.get(f"{LINKS}/HCP1-HCP2-AA").status_code == 200


def test_node_statistics_json_shape(sim_http):
    body = sim_http.get("/mapi/nodes/statistics", accept="application/json").json()
    assert set(body) == {"requestTime", "nodes"}
    nodes = body["nodes"]["node"]
    assert len(nodes) == 4
    assert nodes[0]["frontendIpAddresses"] == {"ipAddress": [sim_http.system().addresses[0]]}
    volume = nodes[0]["volumes"]["volume"][0]
    assert volume["freeBytes"] <= volume["totalBytes"]


def test_service_statistics(sim_http):
    root = ET.fromstring(sim_http.get("/mapi/services/statistics").content)
    assert root.tag == "serviceStatistics"
    assert {s.findtext("state") for s in root.iter("service")} <= {"RUNNING", "READY", "DISABLED"}


def test_tenant_details_system_and_tenant_variants(sim_http):
    system_view = sim_http.get("/mapi/tenants/finance?verbose=true", accept="application/json").json()
    tenant_view = sim_http.get("/mapi/tenants/finance?verbose=true", host="finance", accept="application/json",
                               auth=sim_http.auth("finance-admin", "hcpdash-tenant-admin")).json()
    assert "systemVisibleDescription" in system_view and "systemVisibleDescription" not in tenant_view
    assert system_view["fullyQualifiedName"] == f"finance.{sim_http.system().domain}"


def test_namespaces_paging_sorting_filtering(sim_http):
    base = "/mapi/tenants/finance/namespaces"
    names = sim_http.get(base, accept="application/json").json()["name"]
    assert names == sorted(names)
    assert sim_http.get(f"{base}?sortOrder=descending", accept="application/json").json()["name"] == names[::-1]
    assert sim_http.get(f"{base}?offset=1&count=2", accept="application/json").json()["name"] == names[1:3]
    assert sim_http.get(f"{base}?filterString=INV", accept="application/json").json()["name"] == ["invoices"]
    bad = sim_http.get(f"{base}?count=x")
    assert bad.status_code == 400 and "count" in bad.headers["x-hcp-errormessage"]


def test_namespace_details_and_statistics(sim_http):
    ns = sim_http.get("/mapi/tenants/finance/namespaces/invoices?verbose=true", accept="application/json").json()
    assert ns["hardQuota"].endswith(" GB") and 10 <= ns["softQuota"] <= 95
    assert ns["dpl"] == "Dynamic" and ns["tags"]["tag"]
    stats = sim_http.get("/mapi/tenants/finance/namespaces/invoices/statistics", accept="application/json").json()
    assert list(stats) == ["customMetadataCount", "customMetadataSize", "ingestedVolume", "objectCount",
                           "shredCount", "shredSize", "storageCapacityUsed"]


def test_some_namespaces_are_over_soft_quota(sim_http):
    over = 0
    for tenant in ("finance", "legal", "research"):
        for name in sim_http.get(f"/mapi/tenants/{tenant}/namespaces", accept="application/json").json()["name"]:
            ns = sim_http.get(f"/mapi/tenants/{tenant}/namespaces/{name}", accept="application/json").json()
            stats = sim_http.get(f"/mapi/tenants/{tenant}/namespaces/{name}/statistics",
                                 accept="application/json").json()
            hard = float(ns["hardQuota"].split()[0]) * 1024**3
            over += stats["storageCapacityUsed"] / hard * 100 > ns["softQuota"]
    assert over >= 1


def test_user_accounts_and_data_access_permissions(sim_http):
    users = sim_http.get("/mapi/tenants/finance/userAccounts", accept="application/json").json()
    assert users == {"username": ["finance-admin", "finance-reader"]}
    perms = sim_http.get("/mapi/tenants/finance/userAccounts/finance-reader/dataAccessPermissions",
                         accept="application/json").json()
    entry = perms["namespacePermission"][0]
    assert set(entry) == {"namespaceName", "permissions"} and "READ" in entry["permissions"]["permission"]
    mask = sim_http.get("/mapi/tenants/finance/namespaces/invoices/permissions", accept="application/json").json()
    assert "READ" in mask["permission"]


def test_chargeback_in_three_formats(sim_http):
    url = "/mapi/tenants/finance/chargebackReport"
    rows = sim_http.get(url, accept="application/json").json()["chargebackData"]
    assert rows[-1]["namespaceName"] == "" and rows[0]["deleted"] == "false" and rows[0]["valid"] is True
    csv = sim_http.get(url, accept="text/csv")
    assert csv.headers["content-type"] == "text/csv"
    header, *lines = csv.text.strip().splitlines()
    assert len(header.split(",")) == 21 and header.startswith("systemName,tenantName,namespaceName")
    assert len(lines) == len(rows)
    assert ET.fromstring(sim_http.get(url).content).tag == "chargebackReport"
    assert sim_http.get("/mapi/tenants", accept="text/csv").status_code == 415


def test_replication_service_and_link_content(sim_http):
    service = sim_http.get("/mapi/services/replication?verbose=true", accept="application/json").json()
    assert service["status"] == "ENABLED"
    tenants = sim_http.get(f"{LINKS}/hcp1-hcp2-aa/content/tenants", accept="application/json").json()["name"]
    status = sim_http.get(f"{LINKS}/hcp1-hcp2-aa/content/tenants/{tenants[0]}", accept="application/json").json()
    assert status["status"] == "REPLICATING"
    schedule = sim_http.get(f"{LINKS}/hcp1-hcp2-aa/schedule", accept="application/json").json()
    assert set(schedule) == {"local", "remote"} and schedule["local"]["transition"][0]["time"] == "Sun:00"
