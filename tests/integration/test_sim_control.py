"""The control API: state, node up/down and latency, faults; and what a client notices."""

from __future__ import annotations

import socket
import time

import httpx
import pytest


def test_state_lists_systems_nodes_links_and_counters(fresh):
    fresh.get("/mapi/tenants")
    state = fresh.sim.control("GET", "/state")
    hcp1 = state["systems"][0]
    assert [s["name"] for s in state["systems"]] == ["hcp1", "hcp2"]
    node = hcp1["nodes"][0]
    assert node["address"] == fresh.system().addresses[0] and node["up"] is True
    assert node["requests"] >= 1 and node["tls_handshakes"] >= 1 and node["connections"] >= 1
    assert {link["name"] for link in state["links"]} == {"hcp1-hcp2-aa", "hcp1-hcp2-ap"}
    assert state["links"][1]["ends"]["hcp2"]["type"] == "INBOUND"


def test_keep_alive_is_one_handshake(fresh):
    for _ in range(5):
        fresh.get("/mapi/tenants")
    node = fresh.sim.control("GET", "/state")["systems"][0]["nodes"][0]
    assert node["requests"] == 5 and node["tls_handshakes"] == 1


def test_node_down_refuses_connections_on_all_ports_and_comes_back(fresh):
    address = fresh.system().addresses[2]
    ports = fresh.system().ports
    assert fresh.get("/mapi/tenants", node=2).status_code == 200
    fresh.sim.control("POST", f"/nodes/hcp1/{address}", {"up": False})
    with pytest.raises(httpx.TransportError):
        fresh.get("/mapi/tenants", node=2)
    for port in (ports.mapi, ports.data, ports.http):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, port), timeout=2).close()
    nodes = fresh.get("/mapi/nodes/statistics", accept="application/json").json()["nodes"]["node"]
    assert address not in [n["frontendIpAddresses"]["ipAddress"][0] for n in nodes]
    fresh.sim.control("POST", f"/nodes/hcp1/{address}", {"up": True})
    assert fresh.get("/mapi/tenants", node=2).status_code == 200
    assert fresh.get("/node_status", node=2, port="http", auth=None).status_code == 204


def test_node_latency(fresh):
    fresh.sim.control("POST", "/nodes/hcp1/11", {"latency_ms": 200})
    fresh.get("/mapi/tenants")
    started = time.monotonic()
    fresh.get("/mapi/tenants")
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    fresh.get("/mapi/tenants", node=1)
    assert time.monotonic() - started < 0.2


def test_fault_status_per_system_and_prefix(fresh):
    reply = fresh.sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/services", "status": 503})
    assert reply["id"] >= 1
    assert fresh.get("/mapi/services/replication/links").status_code == 503
    assert fresh.get("/mapi/tenants").status_code == 200
    assert fresh.get("/mapi/services/replication/links", system="hcp2").status_code == 200
    fresh.sim.control("DELETE", "/faults")
    assert fresh.get("/mapi/services/replication/links").status_code == 200


def test_fault_rate_is_partial(fresh):
    fresh.sim.control("POST", "/faults", {"path_prefix": "/mapi/tenants", "status": 500, "rate": 0.5})
    codes = [fresh.get("/mapi/tenants").status_code for _ in range(40)]
    assert 5 <= codes.count(500) <= 35 and codes.count(200) >= 5


@pytest.mark.parametrize("body", ["malformed", "truncated", "html"])
def test_fault_bodies(fresh, body):
    fresh.sim.control("POST", "/faults", {"path_prefix": "/mapi/services/replication/links", "body": body})
    if body == "truncated":
        with pytest.raises(httpx.RemoteProtocolError):
            fresh.get("/mapi/services/replication/links", accept="application/json")
        return
    response = fresh.get("/mapi/services/replication/links", accept="application/json")
    if body == "html":
        assert response.headers["content-type"] == "text/html" and "<html>" in response.text
    else:
        with pytest.raises(ValueError):
            response.json()


def test_fault_stall(fresh):
    fresh.sim.control("POST", "/faults", {"path_prefix": "/mapi/tenants", "stall_s": 0.3})
    started = time.monotonic()
    assert fresh.get("/mapi/tenants").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fault_drop_after_request_leaves_the_outcome_unknown(fresh):
    fresh.sim.control("POST", "/faults", {"path_prefix": "/mapi/services/replication/links", "method": "POST",
                                          "drop_after_request": True})
    with pytest.raises(httpx.RemoteProtocolError):
        fresh.action("hcp1-hcp2-aa", "suspend")
    assert fresh.link("hcp1-hcp2-aa")["suspended"] is True
    posts = fresh.sim.control("GET", "/state")["systems"][0]["posts"]
    assert posts[-1]["status"] is None


def test_control_api_rejects_bad_input(fresh):
    with pytest.raises(httpx.HTTPStatusError) as caught:
        fresh.sim.control("POST", "/faults", {"rate": 7})
    assert caught.value.response.status_code == 400
    with pytest.raises(httpx.HTTPStatusError):
        fresh.sim.control("POST", "/nodes/hcp9/1", {"up": False})
    with pytest.raises(httpx.HTTPStatusError):
        fresh.sim.control("POST", "/links/hcp1/hcp1-hcp2-aa", {"condition": "on fire"})


@pytest.mark.parametrize("answer", ["servfail", "silent"])
def test_dns_can_fail_per_system_and_recover(fresh, answer):
    import dns.exception
    import dns.resolver

    host, port = fresh.sim.dns_address
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port, resolver.lifetime = [host], port, 1.0
    admin = f"admin.{fresh.sim.systems[0].domain}"
    assert resolver.resolve(admin, "A")
    state = fresh.sim.control("POST", "/dns/hcp1", {"answer": answer})
    assert state == {"system": "hcp1", "dns_answer": answer}
    with pytest.raises((dns.resolver.NoNameservers, dns.exception.Timeout)):
        resolver.resolve(admin, "A")
    assert resolver.resolve(f"admin.{fresh.sim.systems[1].domain}", "A")   # the other system answers
    fresh.sim.control("POST", "/dns/hcp1", {"answer": "normal"})
    assert resolver.resolve(admin, "A")


def test_dns_control_rejects_an_unknown_answer_or_system(fresh):
    for path, payload, status in (("/dns/hcp1", {"answer": "sometimes"}, 400), ("/dns/hcp9", {"answer": "silent"}, 404)):
        with pytest.raises(httpx.HTTPStatusError) as caught:
            fresh.sim.control("POST", path, payload)
        assert caught.value.response.status_code == status
