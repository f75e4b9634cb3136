"""Finding the node addresses behind an HCP name.

HCP's own DNS hands out the front-end addresses of the nodes that are up, so asking a
name server directly (no local caches) sees nodes leave and join; the OS resolver and
a static list are the fallbacks a site may need.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver

from hcpdash.config import Discovery
from hcpdash.hcp.errors import ResolutionError

__all__ = ["AddressResolver", "DnsResolver", "Resolution", "StaticResolver", "SystemResolver", "make_resolver"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The addresses behind a name and how long (seconds) the answer may be trusted."""

    addresses: tuple[str, ...]
    ttl: float | None


class AddressResolver(Protocol):
    async def resolve(self, name: str) -> Resolution: ...


class DnsResolver:
    """Asks a name server directly with dnspython: the configured one, else resolv.conf's."""

    def __init__(self, nameserver: str | None = None, port: int = 53, *, timeout: float = 2.0) -> None:
        self._problem: str | None = None
        try:
            self._resolver = dns.asyncresolver.Resolver(configure=not nameserver)
        except dns.resolver.NoResolverConfiguration:
            self._resolver = dns.asyncresolver.Resolver(configure=False)
            self._problem = "no name server configured (set discovery.nameserver or use discovery.method: system)"
        if nameserver:
            self._resolver.nameservers = [nameserver]
        self._resolver.port = port
        self._resolver.cache = None
        self._resolver.timeout = timeout
        self._resolver.lifetime = timeout * 2

    async def resolve(self, name: str) -> Resolution:
        if self._problem:
            raise ResolutionError(f"cannot resolve {name}: {self._problem}")
        addresses: list[str] = []
        ttls: list[float] = []
        for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            try:
                answer = await self._resolver.resolve(name, rdtype, search=False)
            except dns.resolver.NXDOMAIN:
                raise ResolutionError(f"{name} does not exist in DNS (NXDOMAIN); check the domain") from None
            except (dns.resolver.NoAnswer, dns.resolver.NoNameservers) as exc:
                if isinstance(exc, dns.resolver.NoNameservers) and not addresses:
                    raise ResolutionError(f"no name server answered for {name}: {_short(exc)}") from None
                continue
            except dns.exception.Timeout:
                refused = await asyncio.to_thread(_refusing, self._resolver.nameservers, self._resolver.port)
                if refused:
                    raise ResolutionError(f"no name server listens at {refused} (connection refused); check "
                                          "discovery.nameserver and discovery.nameserver_port") from None
                raise ResolutionError(f"DNS query for {name} timed out") from None
            except dns.exception.DNSException as exc:
                raise ResolutionError(f"DNS query for {name} failed: {_short(exc)}") from None
            addresses.extend(rdata.address for rdata in answer)
            if answer.rrset is not None:
                ttls.append(float(answer.rrset.ttl))
            if addresses:
                break
        if not addresses:
            raise ResolutionError(f"{name} resolves to no address")
        return Resolution(tuple(addresses), min(ttls) if ttls else None)


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``): honours hosts files and caches."""

    async def resolve(self, name: str) -> Resolution:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(name, None, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                raise ResolutionError(f"{name} does not resolve (the system resolver knows no address)") from None
            raise ResolutionError(f"resolving {name} failed: {exc.strerror}") from None
        addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise ResolutionError(f"{name} resolves to no address")
        return Resolution(addresses, None)


class StaticResolver:
    """A fixed list of node addresses from the config."""

    def __init__(self, addresses: tuple[str, ...]) -> None:
        for address in addresses:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ResolutionError(f"static address {address!r} is not an IP address") from None
        self._addresses = addresses

    async def resolve(self, name: str) -> Resolution:
        if not self._addresses:
            raise ResolutionError("discovery.addresses is empty")
        return Resolution(self._addresses, None)


def make_resolver(discovery: Discovery) -> AddressResolver:
    """The resolver ``discovery.method`` asks for."""
    if discovery.method == "static":
        return StaticResolver(discovery.addresses)
    if discovery.method == "system":
        return SystemResolver()
    return DnsResolver(discovery.nameserver, discovery.nameserver_port)


def _refusing(nameservers: list[str], port: int) -> str | None:
    """``HOST:PORT`` if every name server's UDP port is closed (the kernel says so at once,
    where a resolver only sees a timeout); None if any may be listening."""
    refused = []
    for nameserver in nameservers:
        try:
            family = socket.AF_INET6 if ":" in str(nameserver) else socket.AF_INET
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.settimeout(0.5)
                probe.connect((str(nameserver), port))
                probe.send(b"\0" * 12)  # an empty DNS header; a server answers or ignores it
                probe.recv(512)
        except ConnectionRefusedError:
            refused.append(f"{nameserver}:{port}")
            continue
        except OSError:
            return None
        return None
    return ", ".join(refused) or None


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:160]
