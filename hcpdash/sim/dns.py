"""An authoritative DNS responder for the simulated systems' domains (UDP and TCP).

Wire format is dnspython's; the policy is HCP's: the names of a system resolve to the
front-end addresses of its nodes that are up, rotated round robin on every answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from hcpdash.sim.model import System

__all__ = ["DnsServer", "TTL"]

TTL = 5


class DnsServer:
    """Answers A queries for ``admin.<domain>``, ``<tenant>.<domain>`` and ``<ns>.<tenant>.<domain>``."""

    def __init__(self, systems: list[System], host: str) -> None:
        self.systems = systems
        self.host = host
        self.port = 0
        self.queries = 0
        self._zones = [(dns.name.from_text(s.domain), s) for s in systems]
        self._turn: dict[str, int] = {}
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None

    async def start(self, port: int = 0) -> tuple[str, int]:
        loop = asyncio.get_running_loop()
        for attempt in range(20):
            transport, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=(self.host, port))
            bound = transport.get_extra_info("sockname")[1]
            try:
                self._tcp = await asyncio.start_server(self._tcp_client, self.host, bound, reuse_address=True)
            except OSError:
                transport.close()
                if port or attempt == 19:
                    raise
                continue
            self._udp, self.port = transport, bound
            return self.host, bound
        raise OSError("no free DNS port")

    async def stop(self) -> None:
        if self._udp is not None:
            self._udp.close()
        if self._tcp is not None:
            self._tcp.close()

    def answer(self, wire: bytes) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None
        self.queries += 1
        response = dns.message.make_response(query)
        if not query.question:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        question = query.question[0]
        zone = next(((origin, s) for origin, s in self._zones if question.name.is_subdomain(origin)), None)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        origin, system = zone
        if system.dns_answer == "silent":
            return None
        if system.dns_answer == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        response.flags |= dns.flags.AA
        labels = [label.decode("ascii", "replace").lower() for label in question.name.relativize(origin).labels]
        if not self._exists(system, labels):
            response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self._soa(origin))
            return response.to_wire()
        if question.rdtype in (dns.rdatatype.A, dns.rdatatype.ANY) and labels:
            addresses = system.up_addresses()
            if addresses:
                turn = self._turn.get(system.name, 0)
                self._turn[system.name] = turn + 1
                shift = turn % len(addresses)
                rotated = addresses[shift:] + addresses[:shift]
                response.answer.append(dns.rrset.from_text_list(question.name, TTL, "IN", "A", rotated))
        elif question.rdtype == dns.rdatatype.SOA and not labels:
            response.answer.append(self._soa(origin))
        # dnspython shuffles records by default; the rotation is the point here.
        return response.to_wire(want_shuffle=False)

    @staticmethod
    def _exists(system: System, labels: list[str]) -> bool:
        if not labels or labels == ["admin"]:
            return True
        if len(labels) == 1:
            return system.tenant(labels[0]) is not None
        if len(labels) == 2:
            tenant = system.tenant(labels[1])
            return tenant is not None and tenant.namespace(labels[0]) is not None
        return False

    @staticmethod
    def _soa(origin: dns.name.Name) -> dns.rrset.RRset:
        return dns.rrset.from_text(origin, TTL, "IN", "SOA",
                                   f"admin.{origin} hostmaster.{origin} 1 3600 600 86400 {TTL}")

    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                size = struct.unpack("!H", await reader.readexactly(2))[0]
                reply = self.answer(await reader.readexactly(size))
                if reply is None:
                    break
                writer.write(struct.pack("!H", len(reply)) + reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: DnsServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.server.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
