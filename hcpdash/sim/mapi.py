"""The management API on the MAPI port: authentication, routing, formats and headers (§3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hcpdash.sim.cluster import AuthError, Cluster, Host
from hcpdash.sim.http import Request, Response
from hcpdash.sim.model import Account, System
from hcpdash.sim.render import Items, to_json, to_xml

__all__ = ["Call", "MapiError", "Result", "handle_mapi", "SECURITY_HEADERS"]

SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline'; "
     "connect-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'self'; frame-ancestors 'self';"),
    ("Pragma", "no-cache"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-DNS-Prefetch-Control", "off"),
    ("X-Download-Options", "noopen"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-XSS-Protection", "1; mode=block"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
]
_CACHE_HEADERS = [("Cache-Control", "no-cache,no-store,must-revalidate"), ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")]
_TYPES = {"xml": "application/xml", "json": "application/json", "csv": "text/csv"}


class MapiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Result:
    """A successful MAPI answer: a resource to render, or an empty 200."""

    root: str | None = None
    body: dict[str, Any] | Items | None = None
    csv: Callable[[], str] | None = None
    """The CSV rendering, made only when the client asks for CSV."""


@dataclass(slots=True)
class Call:
    """One authenticated MAPI request as the resource functions see it."""

    cluster: Cluster
    system: System
    host: Host
    account: Account
    request: Request
    parts: list[str]
    now: float

    @property
    def system_level(self) -> bool:
        return self.account.tenant is None

    @property
    def verbose(self) -> bool:
        return self.request.query.get("verbose", "false").lower() == "true"

    def require_admin(self) -> None:
        if "ADMINISTRATOR" not in self.account.roles:
            raise MapiError(403, "This operation requires the ADMINISTRATOR role; "
                                 f"user '{self.account.username}' has only {', '.join(self.account.roles)}.")

    def require_system_level(self) -> None:
        if not self.system_level or self.host.kind != "admin":
            raise MapiError(403, "This resource requires a system-level account on the admin host "
                                 f"(admin.{self.system.domain}).")


Route = Callable[[Call], Result]


def negotiate(accept: str | None, csv_ok: bool = False) -> str:
    """XML unless JSON (or CSV where offered) is asked for; anything else is 415."""
    if not accept:
        return "xml"
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in ("application/xml", "text/xml", "*/*", "application/*"):
            return "xml"
        if media in ("application/json", "application/javascript"):
            return "json"
        if media == "text/csv" and csv_ok:
            return "csv"
    raise MapiError(415, f"Unsupported media type in Accept: {accept}.")


def error_response(system: System, status: int, message: str) -> Response:
    """Errors carry X-HCP-ErrorMessage and the security headers, but no Cache-Control/Expires (§3.2)."""
    headers = [("X-HCP-SoftwareVersion", system.software_version), ("X-HCP-ErrorMessage", message),
               *SECURITY_HEADERS, ("Content-Length", "0")]
    return Response(status, headers)


def handle_mapi(cluster: Cluster, system: System, request: Request) -> Response:
    """Every MAPI request: resolve host, authenticate, authorise, route, render."""
    from hcpdash.sim import replication, tenants  # resource modules register routes on import

    try:
        if not request.path.startswith("/mapi"):
            raise MapiError(404, f"No resource at {request.path}.")
        # An unknown Host (not a name of this system) is refused like a wrong account level:
        # real HCP only answers names it owns, so 403 is the plausible answer (inferred).
        host = cluster.resolve_host(system, request.host)
        if host is None or host.kind in ("namespace", "address"):
            raise MapiError(403, f"Host '{request.host}' is not a management host of {system.domain}.")
        if not system.mapi_enabled:
            raise MapiError(403, "The management API is not enabled.")
        accounts = system.accounts if host.kind == "admin" else _tenant_accounts(system, host)
        try:
            account = cluster.authenticate(request, accounts, "hcp-api-auth")
        except AuthError as exc:
            raise MapiError(403, str(exc)) from None
        parts = [p for p in request.path[len("/mapi"):].split("/") if p]
        call = Call(cluster, system, host, account, request, parts, cluster.clock())
        route = replication.route(call) or tenants.route(call)
        if route is None:
            raise MapiError(404, f"No resource at {request.path}.")
        fmt = negotiate(request.headers.get("accept"), csv_ok=bool(parts) and parts[-1] == "chargebackReport")
        result = route(call)
    except MapiError as exc:
        if request.method == "HEAD" and exc.status in (403, 404):
            return Response(302, [("X-HCP-SoftwareVersion", system.software_version), *SECURITY_HEADERS])
        return error_response(system, exc.status, exc.message)
    headers = [("X-HCP-SoftwareVersion", system.software_version), *SECURITY_HEADERS, *_CACHE_HEADERS]
    if result.root is None and result.csv is None:
        return Response(200, headers)
    pretty = "prettyprint" in request.query
    if result.csv is not None and fmt == "csv":
        text = result.csv()
    elif fmt == "json":
        text = to_json(result.body or {}, pretty)
    else:
        text = to_xml(result.root or "", result.body or {}, pretty)
        fmt = "xml"
    headers.append(("Content-Type", _TYPES[fmt]))
    return Response(200, headers, text.encode("utf-8"))


def _tenant_accounts(system: System, host: Host) -> dict[str, Account]:
    """On a tenant host: that tenant's accounts, plus system accounts if it granted administration."""
    assert host.tenant is not None
    if host.tenant.administration_allowed:
        return {**system.accounts, **host.tenant.accounts}
    return host.tenant.accounts


def only(call: Call, *methods: str) -> None:
    if call.request.method not in methods and not (call.request.method == "HEAD" and "GET" in methods):
        raise MapiError(405, f"Method {call.request.method} is not allowed on this resource.")


def int_param(call: Call, name: str, default: int | None = None, low: int = 0) -> int | None:
    value = call.request.query.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise MapiError(400, f"Invalid value '{value}' for query parameter '{name}'.") from None
    if number < low:
        raise MapiError(400, f"Invalid value '{value}' for query parameter '{name}'.")
    return number


def choice_param(call: Call, name: str, choices: tuple[str, ...], default: str) -> str:
    value = call.request.query.get(name, default)
    if value not in choices:
        raise MapiError(400, f"Invalid value '{value}' for query parameter '{name}'; use one of {', '.join(choices)}.")
    return value


def boolean(value: str | None) -> bool:
    """HCP treats an invalid Boolean value as false; a bare or empty flag is true for actions."""
    return value is not None and value.lower() in ("", "true")
