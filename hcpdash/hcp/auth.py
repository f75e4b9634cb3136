"""``Authorization`` header values for HCP local accounts."""

from __future__ import annotations

import base64
import hashlib

from hcpdash import redact

__all__ = ["hcp_authorization"]


def hcp_authorization(username: str, password: str) -> str:
    """``HCP base64(username):md5hex(password)``, the header value for MAPI, REST and /proc.

    The password and the token (as good as the password) are registered with
    :mod:`hcpdash.redact`, so neither can reach a message or a log.
    """
    user = base64.b64encode(username.encode("utf-8")).decode("ascii")
    digest = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    token = f"{user}:{digest}"
    redact.register(password)
    redact.register(digest)
    redact.register(token)
    return f"HCP {token}"
