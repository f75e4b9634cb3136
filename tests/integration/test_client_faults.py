"""The client under failure: nodes down, DNS changes, latency, faults, TLS, and actions sent once."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from hcpdash.config import ConnectionBudget, Discovery, SystemConfig, TlsSettings, parse_config
from hcpdash.hcp import (
    AddressState, AuthenticationError, HcpClient, InvalidAction, LinkAction, NodeState, NotAnHcp, OutcomeUnknown,
    ParseError, ResolutionError, RetryPolicy, Timeout, TlsError, Unavailable, mapi,
)
from hcpdash.sim import SimulatorThread

MakeSim = Callable[..., SimulatorThread]
FAST = RetryPolicy(attempts=4, base_delay_s=0.01, max_delay_s=0.05, deadline_s=10)


def system_config(sim: SimulatorThread, name: str = "hcp1", **changes: Any) -> SystemConfig:
    config, problems, _ = parse_config(sim.config_text())
    assert config is not None, problems
    return dataclasses.replace(config.system(name), **changes)


def static(sim: SimulatorThread, **changes: Any) -> SystemConfig:
    addresses = tuple(next(s for s in sim.systems if s.name == "hcp1").addresses)
    return system_config(sim, discovery=Discovery(method="static", addresses=addresses), **changes)


def nodes(sim: SimulatorThread) -> dict[str, dict[str, Any]]:
    system = next(s for s in sim.control("GET", "/state")["systems"] if s["name"] == "hcp1")
    return {n["address"]: n for n in system["nodes"]}


def set_node(sim: SimulatorThread, address: str, **body: Any) -> None:
    number = nodes(sim)[address]["number"]
    sim.control("POST", f"/nodes/hcp1/{number}", body)


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the loop run until ``predicate`` holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0)


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_node_down_mid_read_is_ejected_then_readmitted(make_sim: MakeSim, reader) -> None:
    sim = make_sim(tenants=4, namespaces=10)
    for address in sim.systems[0].addresses:
        set_node(sim, address, latency_ms=5)
    clock = ManualClock()
    async with HcpClient(static(sim), retry=FAST, probe_base_s=0.1, clock=clock) as client:
        victim = (await client.refresh_addresses())[0]
        assert not (await reader(client)).failures    # every connection open
        answered = sum(a.requests for a in client.snapshot().addresses)
        reading = asyncio.create_task(reader(client))
        await until(lambda: sum(a.requests for a in client.snapshot().addresses) >= answered + 8)
        set_node(sim, victim, up=False)
        assert not reading.done()
        data = await reading
        assert not data.failures, data.failures
        assert data.namespace_count == 40
        again = await reader(client)
        assert not again.failures
        assert client.snapshot().get(victim).state is AddressState.EJECTED
        assert client.snapshot().get(victim).ejections == 1
        assert client.snapshot().get(victim).last_error
        set_node(sim, victim, up=True)
        clock.now += 60                               # the re-admission probe is due
        await mapi.tenant_names(client)               # a request starts due probes
        await client.prober.settled()
        assert client.snapshot().get(victim).state is AddressState.HEALTHY
        before = nodes(sim)[victim]["requests"]
        for _ in range(8):
            await mapi.tenant_names(client)
        assert nodes(sim)[victim]["requests"] > before


async def test_dns_answers_are_merged_on_demand_and_after_failures(make_sim: MakeSim) -> None:
    sim = make_sim()
    system = system_config(sim, discovery=dataclasses.replace(system_config(sim).discovery, min_ttl=0.5))
    clock = ManualClock()
    async with HcpClient(system, retry=FAST, clock=clock) as client:
        addresses = await client.refresh_addresses()
        assert len(addresses) == 4
        victim = addresses[1]
        set_node(sim, victim, up=False)
        assert victim not in await client.refresh_addresses()
        set_node(sim, victim, up=True)
        assert victim in await client.refresh_addresses()
        set_node(sim, victim, up=False)
        for _ in range(8):
            await mapi.tenant_names(client)
        clock.now += 0.55                             # past min_ttl: the failures ask DNS again,
        await mapi.tenant_names(client)               # in the background, the request going on
        await until(lambda: victim not in client.pool.addresses)
        assert len(client.pool.addresses) == 3


async def test_unresolvable_names_are_reported(make_sim: MakeSim) -> None:
    sim = make_sim(systems=1)
    nx = system_config(sim, domain="missing." + sim.systems[0].domain)
    async with HcpClient(nx) as client:
        with pytest.raises(ResolutionError, match="NXDOMAIN"):
            await mapi.tenant_names(client)
    for address in sim.systems[0].addresses:
        set_node(sim, address, up=False)
    async with HcpClient(system_config(sim)) as client:
        with pytest.raises(ResolutionError, match="no address"):
            await mapi.tenant_names(client)


async def test_latency_statistics_reflect_injected_latency(make_sim: MakeSim) -> None:
    sim = make_sim()
    slow = sim.systems[0].addresses[2]
    set_node(sim, slow, latency_ms=60)
    async with HcpClient(static(sim)) as client:
        for _ in range(16):
            await mapi.tenant_names(client)
        snap = client.snapshot()
    assert 0.055 < snap.get(slow).latency.p50 < 0.3
    assert all(s.latency.p50 < 0.04 for s in snap.addresses if s.address != slow)
    assert all(s.connects == 1 and s.connect.p50 is not None for s in snap.addresses)


async def test_action_is_sent_once_when_the_connection_drops_after_sending(make_sim: MakeSim) -> None:
    sim = make_sim()
    async with HcpClient(static(sim), retry=FAST) as client:
        name = (await mapi.link_names(client))[0]
        sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/services/replication/links/",
                                        "drop_after_request": True})
        before = sum(n["posts"] for n in nodes(sim).values())
        with pytest.raises(OutcomeUnknown, match="not repeated"):
            await mapi.link_action(client, name, LinkAction.SUSPEND)
        assert sum(n["posts"] for n in nodes(sim).values()) == before + 1


async def test_action_moves_to_another_node_only_when_it_never_left(make_sim: MakeSim) -> None:
    sim = make_sim()
    down = sim.systems[0].addresses[0]
    set_node(sim, down, up=False)
    async with HcpClient(static(sim), retry=FAST) as client:
        name = next(n for n in await mapi.link_names(client) if "aa" in n)
        await mapi.link_action(client, name, LinkAction.SUSPEND)
        assert (await mapi.link(client, name)).suspended is True
        await mapi.link_action(client, name, LinkAction.RESUME)
        link = await mapi.link(client, name)
        with pytest.raises(InvalidAction):
            await mapi.link_action(client, name, LinkAction.FAIL_BACK)
    assert sum(n["posts"] for n in nodes(sim).values()) == 3
    assert link.suspended is False


async def test_monitor_account_cannot_act(make_sim: MakeSim) -> None:
    sim = make_sim()
    from hcpdash.config import Credentials, Secret
    from hcpdash.sim import PASSWORDS
    system = dataclasses.replace(static(sim), credentials=Credentials("monitor", Secret("inline", (PASSWORDS["monitor"],))))
    async with HcpClient(system) as client:
        name = (await mapi.link_names(client))[0]
        with pytest.raises(AuthenticationError, match="ADMINISTRATOR role"):
            await mapi.link_action(client, name, LinkAction.SUSPEND)


@pytest.mark.parametrize("fault, error, words", [
    ({"body": "malformed"}, ParseError, "malformed"),
    ({"body": "html", "status": 200}, NotAnHcp, "HTML"),
    ({"body": "truncated"}, Unavailable, "truncated"),
    ({"status": 503}, Unavailable, "503"),
])
async def test_bad_answers_give_their_specific_error(make_sim: MakeSim, fault: dict[str, Any], error: type,
                                                     words: str) -> None:
    sim = make_sim(systems=1)
    sim.control("POST", "/faults", {"path_prefix": "/mapi/tenants", **fault})
    async with HcpClient(static(sim), retry=FAST) as client:
        with pytest.raises(error, match=words) as caught:
            await mapi.tenant_names(client)
        assert "hcp1" in str(caught.value)
        assert (await mapi.replication_service(client)).status == "ENABLED"


async def test_flaky_5xx_is_absorbed_by_retries(make_sim: MakeSim, reader) -> None:
    sim = make_sim(systems=1)
    sim.control("POST", "/faults", {"path_prefix": "/mapi/", "status": 503, "rate": 0.15})
    sim.control("POST", "/faults", {"path_prefix": "/mapi/", "status": 500, "rate": 0.1})
    retry = RetryPolicy(attempts=6, base_delay_s=0.01, max_delay_s=0.05)
    async with HcpClient(static(sim), retry=retry) as client:
        data = await reader(client)
    assert not data.failures, data.failures
    assert client.retries > 0


async def test_stalled_answers_time_out(make_sim: MakeSim) -> None:
    sim = make_sim(systems=1)
    sim.control("POST", "/faults", {"path_prefix": "/mapi/tenants", "stall_s": 2.0})
    budget = ConnectionBudget(read_timeout=0.2, connect_timeout=1.0)
    async with HcpClient(static(sim, connections=budget), retry=RetryPolicy(attempts=2, base_delay_s=0.01)) as client:
        with pytest.raises(Timeout):
            await mapi.tenant_names(client)


async def test_huge_answers_are_refused(make_sim: MakeSim) -> None:
    sim = make_sim(systems=1)
    async with HcpClient(static(sim), max_body_bytes=64) as client:
        with pytest.raises(ParseError, match="larger than 64 bytes"):
            await mapi.node_statistics(client)


async def test_certificate_that_does_not_verify_names_the_option(make_sim: MakeSim) -> None:
    sim = make_sim(systems=1)
    async with HcpClient(static(sim, tls=TlsSettings(verify=True, ca_file=None)), retry=FAST) as client:
        with pytest.raises(TlsError, match="tls.ca_file"):
            await mapi.tenant_names(client)
    insecure = static(sim, tls=TlsSettings(verify=False))
    async with HcpClient(insecure) as client:
        assert await mapi.tenant_names(client)


async def test_node_status_probe_states_and_their_effect_on_the_pool(make_sim: MakeSim) -> None:
    sim = make_sim(systems=1)
    a, b, c, d = sim.systems[0].addresses
    set_node(sim, b, node_status="disabled")
    set_node(sim, c, node_status="read_only")
    set_node(sim, d, node_status="unavailable")
    async with HcpClient(static(sim), eject_after=2) as client:
        states = {s.address: (s.state, s.http_status) for s in await client.probe_all()}
        assert states == {a: (NodeState.UP, 204), b: (NodeState.DISABLED, 403),
                          c: (NodeState.READ_ONLY, 540), d: (NodeState.UNAVAILABLE, 541)}
        await client.probe_all()
        snap = client.snapshot()
    assert snap.get(d).state is AddressState.EJECTED
    assert all(snap.get(x).state is AddressState.HEALTHY for x in (a, b, c))
