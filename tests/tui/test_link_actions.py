"""Link actions: offered only when valid and writable, confirmed by a typed name, sent once."""

from __future__ import annotations

from dashboard_app import build, select_row
from textual.widgets import Button, Input

from hcpdash.hcp.models import LinkAction
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.confirm import ConfirmScreen
from hcpdash.tui.screens.preflight import PreflightScreen
from hcpdash.tui.widgets.keyed_table import KeyedTable

SIZE = (140, 40)


async def select_link(app: HcpDashApp, pilot: object, key: str) -> None:
    await pilot.press("3")  # type: ignore[attr-defined]
    await select_row(pilot, "links-table", key)  # type: ignore[arg-type]
    await pilot.pause()  # type: ignore[attr-defined]


async def open_failover(app: HcpDashApp, pilot: object) -> PreflightScreen:
    await select_link(app, pilot, "hcp2/aa-finance")
    await pilot.press("F")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, PreflightScreen)
    return screen


async def test_failover_through_preflight_and_typed_confirmation_executes_once_with_the_reason() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        assert monitor.preflights == [("hcp2", "aa-finance", LinkAction.FAIL_OVER)]
        assert app.focused is screen.query_one("#cancel")
        confirm = screen.query_one("#confirm", Button)
        assert confirm.disabled
        screen.query_one("#typed-name", Input).focus()
        await pilot.press(*"aa-finance")
        assert confirm.disabled, "no reason given yet"
        screen.query_one("#reason", Input).focus()
        await pilot.press(*"site A lost power")
        assert not confirm.disabled
        await pilot.click("#confirm", times=2)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(monitor.executed) == 1
        preflight, reason = monitor.executed[0]
        assert (preflight.system, preflight.link_name, preflight.action) == ("hcp2", "aa-finance",
                                                                             LinkAction.FAIL_OVER)
        assert reason == "site A lost power"
        assert not isinstance(app.screen, PreflightScreen)
        assert any("aa-finance on hcp2: ok — failOver accepted" in n.message for n in app._notifications)
        await pilot.press("4")
        assert any("failOver sent" in str(c) for c in app.query_one("#events-table", KeyedTable).get_column("message"))


async def test_a_mistyped_link_name_keeps_the_button_disabled() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        screen.query_one("#typed-name", Input).focus()
        await pilot.press(*"AA-finance")
        screen.query_one("#reason", Input).focus()
        await pilot.press(*"drill")
        assert screen.query_one("#confirm", Button).disabled
        await pilot.press("enter")
        await pilot.click("#confirm")
        await pilot.pause()
        assert monitor.executed == []


async def test_cancel_sends_nothing() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        screen.query_one("#typed-name", Input).value = "aa-finance"
        screen.query_one("#reason", Input).value = "drill"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, PreflightScreen)
        assert monitor.executed == []


async def test_suspend_asks_for_confirmation_with_cancel_focused() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await select_link(app, pilot, "hcp1/ap-archive")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert monitor.executed == []
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [(p.action, p.link_name) for p, _ in monitor.executed] == [(LinkAction.SUSPEND, "ap-archive")]


async def test_an_outcome_missing_from_the_journal_stays_on_screen_as_an_error() -> None:
    app, monitor = build()
    monitor.unrecorded = "audit.jsonl: cannot write the audit journal: File too large"
    async with app.run_test(size=SIZE) as pilot:
        await select_link(app, pilot, "hcp1/ap-archive")
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [loud] = [n for n in app._notifications if "NOT in the audit journal" in n.message]
        assert loud.severity == "error" and "File too large" in loud.message


async def test_actions_are_offered_only_where_valid() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await select_link(app, pilot, "hcp1/ap-archive")
        await pilot.press("F")
        await pilot.pause()
        assert monitor.preflights == [], "an outbound (primary) end cannot fail over"
        names = [c.name for c in app.palette_commands()]
        assert "Fail over link aa-finance on hcp1" in names
        assert "Fail over link ap-archive on hcp2" in names
        assert "Fail over link ap-archive on hcp1" not in names
        assert not any(name.startswith("Fail back") for name in names)


async def test_read_only_mode_has_no_action_bindings_or_palette_entries() -> None:
    app, monitor = build(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await select_link(app, pilot, "hcp2/aa-finance")
        bound = {b.binding.id for b in app.active_bindings.values()}
        assert not {i for i in bound if i and i.startswith("link.")}
        assert all(not b.id.startswith("link.") for b in app.all_bindings() if b.id)
        assert not any("link" in c.name.lower() for c in app.palette_commands())
        await pilot.press("F", "x", "r")
        await pilot.pause()
        assert monitor.preflights == [] and monitor.executed == []
        assert "RO" in str(app.query_one("#status-header").render())
        app.request_link_action("hcp2", "aa-finance", LinkAction.FAIL_OVER)
        await pilot.pause()
        assert monitor.preflights == []


async def test_the_command_palette_offers_link_actions_and_runs_them_through_the_preflight() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Fail over link aa-finance on hcp2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PreflightScreen)
        assert monitor.preflights == [("hcp2", "aa-finance", LinkAction.FAIL_OVER)]
