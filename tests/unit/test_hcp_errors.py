"""The error hierarchy: one base, role hints, and no secret in any message."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from hcpdash.hcp import errors
from hcpdash.hcp.auth import hcp_authorization
from hcpdash.hcp.client import Response
from hcpdash.hcp.mapi import check_mapi
from hcpdash.hcp.proc import check_proc


def test_authorization_header_matches_the_manual_example() -> None:
    assert hcp_authorization("lgreen", "p4ssw0rd") == "HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20"


def test_every_error_is_an_hcp_error_with_a_docstring() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.HcpError) and cls.__doc__


def response(status: int, **headers: str) -> Response:
    return Response(status, httpx.Headers(headers), b"", "127.0.0.1", 0.01)


V = {"X-HCP-SoftwareVersion": "9.0.0.2"}


@pytest.mark.parametrize("status, headers, error", [
    (400, {**V, "X-HCP-ErrorMessage": "link is not failed over"}, errors.InvalidAction),
    (403, V, errors.AuthenticationError),
    (403, {}, errors.AuthenticationError),
    (404, V, errors.NotFound),
    (404, {}, errors.NotAnHcp),
    (200, {}, errors.NotAnHcp),
    (409, V, errors.Conflict),
    (500, V, errors.Unavailable),
    (401, V, errors.Unavailable),
])
def test_mapi_status_mapping(status: int, headers: dict[str, str], error: type) -> None:
    with pytest.raises(error) as caught:
        check_mapi(response(status, **headers), "/mapi/x")
    if status == 400:
        assert "link is not failed over" in str(caught.value)
    if status == 403:
        assert "MONITOR or ADMINISTRATOR" in str(caught.value)


def test_proc_status_mapping() -> None:
    with pytest.raises(errors.AuthorizationError, match="data access permission"):
        check_proc(response(401), "/proc/statistics")
    with pytest.raises(errors.AuthenticationError):
        check_proc(response(403), "/proc/statistics")
    check_proc(response(200), "/proc")


def test_messages_never_contain_the_password_or_token() -> None:
    password = "s3cret-Passw0rd"
    header = hcp_authorization("admin", password)
    token = header.removeprefix("HCP ")
    digest = token.split(":")[1]
    for text in (f"server said {password}", f"echo {header}", f"digest {digest}"):
        for cls in (errors.HcpError, errors.Unavailable, errors.ParseError):
            error = cls(text, system="hcp1", resource="/mapi")
            assert password not in str(error) and digest not in str(error) and token not in str(error)
        denied = errors.AuthenticationError(text, hint="h")
        assert password not in str(denied) and digest not in str(denied)


def test_hcp_package_does_not_import_textual_or_rich() -> None:
    code = "import sys, hcpdash.hcp; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
