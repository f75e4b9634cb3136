"""The HCP client: node discovery and pooling, per-node connections, retries, typed reads.

Usage::

    async with HcpClient(system_config) as client:
        links = [await mapi.link(client, n) for n in await mapi.link_names(client)]
        stats = client.snapshot()        # per-address health and latency

Every failure is an :class:`HcpError`. No Textual or Rich here.
"""

from hcpdash.hcp import chargeback, mapi, proc
from hcpdash.hcp.capabilities import Validity, action_validity, valid_actions
from hcpdash.hcp.client import HcpClient, RetryPolicy
from hcpdash.hcp.dns import DnsResolver, Resolution, StaticResolver, SystemResolver
from hcpdash.hcp.errors import (
    AccessDenied, AuthenticationError, AuthorizationError, Conflict, FeatureUnavailable, HcpError,
    InvalidAction, NotAnHcp, NotFound, OutcomeUnknown, ParseError, ResolutionError, Timeout, TlsError,
    Unavailable,
)
from hcpdash.hcp.models import *  # noqa: F403
from hcpdash.hcp.models import __all__ as _models
from hcpdash.hcp.pool import AddressState, AddressStats, LatencySummary, NodePool, PoolSnapshot

__all__ = [
    "AccessDenied", "AddressState", "AddressStats", "AuthenticationError", "AuthorizationError", "Conflict",
    "DnsResolver", "FeatureUnavailable", "HcpClient", "HcpError", "InvalidAction",
    "LatencySummary", "NodePool", "NotAnHcp", "NotFound", "OutcomeUnknown", "ParseError",
    "PoolSnapshot", "Resolution", "ResolutionError", "RetryPolicy", "StaticResolver",
    "SystemResolver", "Timeout", "TlsError", "Unavailable", "Validity", "action_validity",
    "chargeback", "mapi", "proc", "valid_actions", *_models,
]
