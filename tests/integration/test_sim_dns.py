"""The simulator's DNS server, asked with dnspython over UDP and TCP."""

from __future__ import annotations

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest


def ask(sim, name, transport="udp", rdtype="A"):
    query = dns.message.make_query(name, rdtype)
    address, port = sim.dns_address
    send = dns.query.udp if transport == "udp" else dns.query.tcp
    return send(query, address, port=port, timeout=2)


def addresses(response):
    return [item.address for rrset in response.answer for item in rrset]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_names_resolve_to_all_nodes_rotated(sim, transport):
    system = sim.systems[0]
    first = ask(sim, f"admin.{system.domain}", transport)
    assert first.flags & dns.flags.AA
    assert sorted(addresses(first)) == sorted(system.addresses)
    assert first.answer[0].ttl <= 5
    leaders = {addresses(ask(sim, f"admin.{system.domain}", transport))[0] for _ in range(len(system.addresses))}
    assert leaders == set(system.addresses)


def test_tenant_and_namespace_names(sim):
    system = sim.systems[1]
    assert sorted(addresses(ask(sim, f"finance.{system.domain}"))) == sorted(system.addresses)
    assert sorted(addresses(ask(sim, f"invoices.finance.{system.domain}", "tcp"))) == sorted(system.addresses)


def test_unknown_names_in_zone_are_nxdomain_and_outside_refused(sim):
    system = sim.systems[0]
    assert ask(sim, f"nosuchtenant.{system.domain}").rcode() == dns.rcode.NXDOMAIN
    assert ask(sim, f"nosuchns.finance.{system.domain}", "tcp").rcode() == dns.rcode.NXDOMAIN
    assert ask(sim, "www.example.com").rcode() == dns.rcode.REFUSED


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_down_node_leaves_the_answers_and_returns(make_sim, transport):
    sim = make_sim()
    system = sim.systems[0]
    down = system.addresses[1]
    sim.control("POST", f"/nodes/hcp1/{down}", {"up": False})
    assert down not in addresses(ask(sim, f"admin.{system.domain}", transport))
    assert len(addresses(ask(sim, f"admin.{system.domain}", transport))) == 3
    sim.control("POST", f"/nodes/hcp1/{down}", {"up": True})
    assert down in addresses(ask(sim, f"admin.{system.domain}", transport))
