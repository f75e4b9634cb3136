"""The simulator's certificate authority (trustme) and one server certificate per system."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hcpdash.sim.model import System

__all__ = ["CertificateAuthority"]


class CertificateAuthority:
    """A throw-away CA; ``ca_file`` is what an hcpdash config trusts."""

    def __init__(self, directory: Path) -> None:
        self._ca = trustme.CA(organization_name="hcpdash simulator")
        self._dir = directory
        self.ca_file = directory / "hcpdash-sim-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        self._contexts: dict[str, ssl.SSLContext] = {}

    def server_context(self, system: System) -> ssl.SSLContext:
        """The (cached) server context of one system.

        TLS wildcards match one label only, so besides ``*.<domain>`` (tenant hosts)
        the certificate names ``*.<tenant>.<domain>`` for every tenant (namespace
        hosts). ``*.*.<domain>`` is there too, as on HCP's own certificates, although
        verifiers ignore it; trustme refuses such a name, hence the certificate is
        built here with cryptography and signed by the trustme CA.
        """
        context = self._contexts.get(system.name)
        if context is None:
            names = [f"admin.{system.domain}", system.domain, f"*.{system.domain}", f"*.*.{system.domain}"]
            names += [f"*.{tenant}.{system.domain}" for tenant in system.tenants]
            chain = self._issue(names, system.addresses, f"admin.{system.domain}")
            path = self._dir / f"{system.name}.pem"
            path.write_bytes(chain)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(path))
            self._contexts[system.name] = context
        return context

    def _issue(self, names: list[str], addresses: list[str], common_name: str) -> bytes:
        ca_key = serialization.load_pem_private_key(self._ca.private_key_pem.bytes(), password=None)
        ca_cert = x509.load_pem_x509_certificate(self._ca.cert_pem.bytes())
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hcpdash simulator")]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(alt), critical=True)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),  # type: ignore[arg-type]
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
        )
        return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
                + cert.public_bytes(serialization.Encoding.PEM) + self._ca.cert_pem.bytes())
