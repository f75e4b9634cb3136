"""What an error from sending an action means for the journal: ``failed`` only when provably unsent."""

from __future__ import annotations

import pytest

from hcpdash.hcp import errors as e
from hcpdash.hcp.models import LinkAction
from hcpdash.monitor.actions import outcome_of


@pytest.mark.parametrize(("error", "outcome"), [
    (e.OutcomeUnknown("connection lost before an answer"), "unknown"),
    (e.Unavailable("HCP could not handle the request (500)", status=500), "unknown"),
    (e.Unavailable("HCP answered 503 on every attempt", status=503), "unknown"),
    (e.NotAnHcp("answered 200 without X-HCP-SoftwareVersion", status=200), "unknown"),
    (e.ParseError("response larger than 1000 bytes; refused"), "unknown"),
    (e.InvalidAction("HCP refused the request: link is suspended", status=400), "rejected"),
    (e.AuthenticationError("access denied", hint="needs ADMINISTRATOR", status=403), "rejected"),
    (e.NotFound("does not exist", status=404), "rejected"),
    (e.Unavailable("10.0.0.1: cannot connect (connection refused)"), "failed"),
    (e.Timeout("no free connection within 5 s"), "failed"),
    (e.TlsError("the certificate did not verify"), "failed"),
    (e.ResolutionError("admin.hcp.example does not resolve"), "failed"),
    (e.AuthenticationError("cannot read the password", hint="check credentials.password"), "failed"),
])
def test_outcome_of_a_send_error(error: e.HcpError, outcome: str) -> None:
    result = outcome_of(LinkAction.SUSPEND, error)
    assert result.outcome == outcome
    assert str(error).split(":")[0] in result.message
