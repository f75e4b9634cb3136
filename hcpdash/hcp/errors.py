"""The one exception hierarchy of the HCP client.

Every failure the client can report is an :class:`HcpError`; callers catch that (or
a subclass) and show ``str(error)``, which is one line naming what failed and, where
there is one, what to do. Messages pass through :func:`hcpdash.redact.scrub`, so a
password or token that reached a message by way of server text is masked.
"""

from __future__ import annotations

from hcpdash.redact import scrub

__all__ = [
    "AccessDenied",
    "AuthenticationError",
    "AuthorizationError",
    "Conflict",
    "FeatureUnavailable",
    "HcpError",
    "InvalidAction",
    "NotAnHcp",
    "NotFound",
    "OutcomeUnknown",
    "ParseError",
    "ResolutionError",
    "Timeout",
    "TlsError",
    "Unavailable",
]

MAPI_ROLE_HINT = "needs a system-level account with the MONITOR or ADMINISTRATOR role"
ACTION_ROLE_HINT = "needs a system-level account with the ADMINISTRATOR role"
PROC_ROLE_HINT = "needs a tenant-level account with data access permission on the namespace"


class HcpError(Exception):
    """Base class of every error the HCP client reports.

    ``system`` is the configured system name, ``resource`` what was being read or
    changed (a path or a description), ``status`` the HTTP status when there was one.
    """

    def __init__(self, message: str, *, system: str | None = None, resource: str | None = None,
                 status: int | None = None) -> None:
        self.message = scrub(message)
        self.system = system
        self.resource = resource
        self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"{self.system}: " if self.system else ""
        what = f"{self.resource}: " if self.resource else ""
        return scrub(f"{where}{what}{self.message}")


class AccessDenied(HcpError):
    """HCP refused the request for lack of rights; ``hint`` says what account is needed."""

    def __init__(self, message: str, *, hint: str, **kwargs: object) -> None:
        self.hint = hint
        super().__init__(f"{message} ({hint})", **kwargs)  # type: ignore[arg-type]


class AuthenticationError(AccessDenied):
    """MAPI answered 403: credentials wrong, wrong account level, role too weak, or MAPI
    not enabled for this account. HCP does not say which (MAPI never uses 401 for this)."""


class AuthorizationError(AccessDenied):
    """``/proc`` answered 401: the data-access account has no permission on the namespace."""


class NotFound(HcpError):
    """The resource does not exist (404), e.g. a link or namespace deleted meanwhile."""


class Conflict(HcpError):
    """HCP answered 409: the resource already exists or is in a conflicting state."""


class InvalidAction(HcpError):
    """HCP refused a request as invalid (400), typically a replication action not valid for
    the link's type, side or state; the message carries HCP's ``X-HCP-ErrorMessage``."""


class Unavailable(HcpError):
    """The system could not serve the request: 503/5xx after retries, every node address
    refusing connections, or every address ejected from the pool."""


class Timeout(Unavailable):
    """No answer within the configured connect, read or pool timeout, on every attempt."""


class NotAnHcp(HcpError):
    """Something answered, but not like an HCP: no ``X-HCP-SoftwareVersion`` on a MAPI
    response, an HTML page, or a document of the wrong shape. Check the domain and ports."""


class FeatureUnavailable(HcpError):
    """The HCP does not offer this resource: too old (node statistics need HCP 8.x),
    MAPI disabled, or the node status service not enabled."""


class ParseError(HcpError):
    """A response body could not be understood: malformed, truncated, empty, too large,
    or a field with a value outside what HCP documents. Names the resource and the field."""


class ResolutionError(HcpError):
    """The system's name does not resolve (NXDOMAIN), resolves to no address, or no name
    server answered."""


class TlsError(HcpError):
    """The HCP certificate did not verify. hcpdash never falls back to no verification:
    set ``tls.ca_file`` to the CA that signed the HCP certificate."""


class OutcomeUnknown(HcpError):
    """A non-idempotent request (a replication action) may have reached HCP but no answer
    came back. It is never retried: re-read the resource to learn what happened."""
