"""HcpClient address management with a scripted resolver (no network)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from hcpdash.config import Credentials, Discovery, Secret, SystemConfig
from hcpdash.hcp import HcpClient, Resolution, ResolutionError


class ScriptedResolver:
    def __init__(self, *answers: Resolution | ResolutionError) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def resolve(self, name: str) -> Resolution:
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, ResolutionError):
            raise answer
        return answer


class HangingResolver(ScriptedResolver):
    """Answers until ``hang`` is set, then waits forever, as a DNS server that went silent."""

    def __init__(self, *answers: Resolution | ResolutionError) -> None:
        super().__init__(*answers)
        self.hang = self.waiting = self.cancelled = False

    async def resolve(self, name: str) -> Resolution:
        if not self.hang:
            return await super().resolve(name)
        self.calls += 1
        self.waiting = True
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")


async def settled(condition: Callable[[], bool]) -> None:
    """Let the loop run until ``condition`` holds (background work done), at most a second."""
    async with asyncio.timeout(1):
        while not condition():
            await asyncio.sleep(0)


def system(min_ttl: float = 0.5) -> SystemConfig:
    return SystemConfig(name="hcp1", domain="hcp1.example.com",
                        credentials=Credentials("admin", Secret("inline", ("pw-unit-1",))),
                        discovery=Discovery(min_ttl=min_ttl))


class ManualClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_answers_are_reused_until_the_ttl_then_merged() -> None:
    resolver = ScriptedResolver(Resolution(("10.0.0.1", "10.0.0.2"), ttl=0.0),
                                Resolution(("10.0.0.2", "10.0.0.3"), ttl=60.0))
    clock = ManualClock()
    async with HcpClient(system(min_ttl=0.5), resolver=resolver, clock=clock) as client:
        await client.addresses.ensure()
        clock.now += 0.49                           # TTL 0 is floored at min_ttl
        await client.addresses.ensure()
        assert resolver.calls == 1 and client.pool.addresses == ("10.0.0.1", "10.0.0.2")
        clock.now += 0.02
        await client.addresses.ensure()             # expired: renewed in the background
        assert client.pool.addresses == ("10.0.0.1", "10.0.0.2")
        await settled(lambda: client.pool.addresses == ("10.0.0.2", "10.0.0.3"))
        assert resolver.calls == 2
        clock.now += 59
        await client.addresses.ensure()
        assert resolver.calls == 2


async def test_a_dns_server_that_stopped_answering_holds_no_request_up() -> None:
    resolver = HangingResolver(Resolution(("10.0.0.1", "10.0.0.2"), ttl=0.0))
    clock = ManualClock()
    async with HcpClient(system(min_ttl=0.5), resolver=resolver, clock=clock) as client:
        await client.addresses.ensure()
        resolver.hang = True
        clock.now += 1
        for _ in range(3):                          # each returns at once, the renewal still waiting
            await asyncio.wait_for(client.addresses.ensure(), 1)
        await settled(lambda: resolver.waiting)
        assert client.pool.addresses == ("10.0.0.1", "10.0.0.2") and resolver.calls == 2
    assert resolver.cancelled                       # closing the client ends the renewal


async def test_a_failed_re_resolution_keeps_the_known_addresses_and_reports_it() -> None:
    resolver = ScriptedResolver(Resolution(("10.0.0.1",), ttl=0.0), ResolutionError("hcp1 resolves to no address"))
    async with HcpClient(system(), resolver=resolver) as client:
        await client.refresh_addresses()
        assert await client.refresh_addresses() == ("10.0.0.1",)
        assert client.snapshot().resolution_error == "hcp1 resolves to no address"


async def test_nothing_resolved_ever_is_a_resolution_error_naming_the_system() -> None:
    resolver = ScriptedResolver(ResolutionError("admin.hcp1.example.com does not exist in DNS (NXDOMAIN)"))
    async with HcpClient(system(), resolver=resolver) as client:
        with pytest.raises(ResolutionError, match=r"^hcp1: .*NXDOMAIN"):
            await client.request("GET", "/mapi/tenants", host="admin.hcp1.example.com", port=9090, api="mapi")


async def test_connection_cap_follows_the_budget_and_node_count() -> None:
    resolver = ScriptedResolver(Resolution(tuple(f"10.0.0.{i}" for i in range(1, 4)), ttl=60.0))
    async with HcpClient(system(), resolver=resolver) as client:
        await client.refresh_addresses()
        assert client.connection_cap == 12          # 3 nodes x 4 per node, under the total of 32


async def test_system_and_static_resolvers() -> None:
    from hcpdash.hcp import StaticResolver, SystemResolver

    answer = await SystemResolver().resolve("localhost")
    assert "127.0.0.1" in answer.addresses or "::1" in answer.addresses
    assert (await StaticResolver(("10.0.0.1", "10.0.0.2")).resolve("x")).addresses == ("10.0.0.1", "10.0.0.2")
    with pytest.raises(ResolutionError, match="not an IP address"):
        StaticResolver(("node1.example.com",))


def test_an_unusable_ca_file_is_a_tls_error(tmp_path) -> None:
    import dataclasses

    from hcpdash.config import TlsSettings
    from hcpdash.hcp import TlsError

    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(TlsError, match="tls.ca_file"):
        HcpClient(dataclasses.replace(system(), tls=TlsSettings(ca_file=bad)))
