"""What the dashboard says about a reading it could not get, and about static discovery."""

from __future__ import annotations

import dataclasses

from fakes import FakeMonitor, clock, make_config
from textual.widgets import Static

from hcpdash.config import Discovery
from hcpdash.hcp.errors import MAPI_ROLE_HINT
from hcpdash.monitor.snapshot import Reading
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.widgets.banner import reading_problem

SIZE = (140, 40)


def test_a_wrong_password_banner_gives_its_hint_once() -> None:
    error = f"hcp1: /mapi/tenants: access denied: Invalid username or password. ({MAPI_ROLE_HINT})"
    reading: Reading[object] = Reading(None, None, error, "AuthenticationError", MAPI_ROLE_HINT)
    problem = reading_problem("hcp1", "tenants", reading, now=0.0)
    assert problem is not None and problem.message.count(MAPI_ROLE_HINT) == 1


def test_a_hint_missing_from_the_error_is_added() -> None:
    reading: Reading[object] = Reading(None, None, "hcp1: /mapi/tenants: refused", "AccessDenied", MAPI_ROLE_HINT)
    problem = reading_problem("hcp1", "tenants", reading, now=0.0)
    assert problem is not None and problem.message.endswith(f" — {MAPI_ROLE_HINT}")


async def test_static_discovery_is_not_described_as_dns_answers() -> None:
    config = make_config()
    static = dataclasses.replace(config.systems[0], discovery=Discovery(method="static", addresses=("10.1.0.11",)))
    config = dataclasses.replace(config, systems=(static, config.systems[1]))
    app = HcpDashApp(FakeMonitor(config), config, theme="dark", read_only=False, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = str(app.query_one("#dns-check", Static).render())
        assert "hcp1: static node list" in footer
        assert "DNS admin.hcp1" not in footer
        assert "DNS admin.hcp2" in footer
