"""Link actions: offered only when valid and writable, confirmed by a typed name, sent once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from dashboard_app import build, select_row
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from hcpdash.hcp.models import LinkAction
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.action_dialog import ActionDialog
from hcpdash.tui.screens.confirm import ConfirmScreen
from hcpdash.tui.screens.preflight import PreflightScreen
from hcpdash.tui.widgets.keyed_table import KeyedTable

SIZE = (140, 40)


async def until(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app process its messages until ``predicate`` holds (bounded, never a fixed sleep)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await pilot.pause()


async def select_link(app: HcpDashApp, pilot: Pilot, key: str) -> None:
    await pilot.press("3")
    await select_row(pilot, "links-table", key)
    await pilot.pause()


async def open_dialog(app: HcpDashApp, pilot: Pilot, key: str, press: str) -> ActionDialog:
    """Select the link, press the action's key and wait until the dialog has read its preflight."""
    await select_link(app, pilot, key)
    await pilot.press(press)
    await until(pilot, lambda: isinstance(app.screen, ActionDialog))
    screen = app.screen
    assert isinstance(screen, ActionDialog)
    await screen.settled()
    await pilot.pause()
    return screen


async def open_failover(app: HcpDashApp, pilot: Pilot) -> PreflightScreen:
    screen = await open_dialog(app, pilot, "hcp2/aa-finance", "F")
    assert isinstance(screen, PreflightScreen)
    return screen


async def test_failover_through_preflight_and_typed_confirmation_executes_once_with_the_reason() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        assert monitor.preflights == [("hcp2", "aa-finance", LinkAction.FAIL_OVER)]
        assert app.focused is screen.query_one("#typed-name"), "the name can be typed straight away"
        confirm = screen.query_one("#confirm", Button)
        assert confirm.disabled
        await pilot.press(*"aa-finance", "enter")
        assert confirm.disabled, "no reason given yet"
        assert app.focused is screen.query_one("#reason")
        await pilot.press(*"site A lost power")
        assert not confirm.disabled
        await pilot.click("#confirm", times=2)
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


async def test_a_mistyped_link_name_says_so_and_enter_cannot_confirm() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        hint = screen.query_one("#name-hint", Static)
        await pilot.press(*"aa-")
        assert str(hint.render()) == "", "a correct beginning is not an error"
        await pilot.press("backspace", "backspace", "backspace", *"AA-finance")
        assert "Does not match 'aa-finance'" in str(hint.render())
        await pilot.press("enter")
        assert app.focused is screen.query_one("#typed-name"), "a wrong name keeps the focus in its field"
        screen.query_one("#reason", Input).value = "drill"
        await pilot.press("enter")
        assert screen.query_one("#confirm", Button).disabled
        await pilot.click("#confirm")
        await pilot.pause()
        assert monitor.executed == [] and isinstance(app.screen, PreflightScreen)


async def test_enter_in_the_reason_moves_to_confirm_but_never_presses_it() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        await pilot.press(*"aa-finance", "enter", *"drill", "enter")
        assert app.focused is screen.query_one("#confirm")
        assert monitor.executed == []


async def test_keys_typed_while_the_dialog_opens_land_in_the_name_field() -> None:
    """A fast typist's keys after ``F`` reach the name field, and none reaches the dashboard's bindings."""
    app, monitor = build()
    monitor.preflight_gate = asyncio.Event()
    async with app.run_test(size=SIZE) as pilot:
        await select_link(app, pilot, "hcp2/ap-archive")
        for key in ("F", *"ap-archive"):  # posted at once: no pause between keys, as a terminal delivers them
            app.post_message(events.Key(key, key))
        await until(pilot, lambda: isinstance(app.screen, PreflightScreen)
                    and app.screen.query_one("#typed-name", Input).value == "ap-archive")
        screen = app.screen
        assert isinstance(screen, PreflightScreen)
        assert not monitor.paused, "'p' went to the dialog, not to the pause binding"
        assert screen.preflight is None and screen.query_one("#confirm", Button).disabled, "still reading"
        monitor.preflight_gate.set()
        await screen.settled()
        await pilot.press("enter", *"drill")
        assert not screen.query_one("#confirm", Button).disabled


async def test_a_key_typed_between_fields_goes_to_the_field_still_to_fill() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        await pilot.press(*"aa-finance")
        screen.set_focus(None)
        await pilot.press(*"why")
        assert screen.query_one("#reason", Input).value == "why"
        assert screen.query_one("#typed-name", Input).value == "aa-finance"


async def test_an_action_the_preflight_refuses_cannot_be_confirmed() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        app.request_link_action("hcp1", "ap-archive", LinkAction.FAIL_OVER)
        await until(pilot, lambda: isinstance(app.screen, PreflightScreen))
        screen = app.screen
        await screen.settled()
        await pilot.pause()
        assert "Not allowed: an active/passive link fails over on the replica" in str(
            screen.query_one("#refusal", Static).render())
        assert screen.query_one("#typed-name", Input).disabled and screen.query_one("#confirm", Button).disabled
        assert app.focused is screen.query_one("#cancel")
        await pilot.press("enter")
        await pilot.pause()
        assert monitor.executed == [] and not isinstance(app.screen, PreflightScreen)


async def test_an_unreadable_other_end_is_shown_as_unknown_in_the_dialog() -> None:
    app, monitor = build()
    monitor.unreachable = {"hcp1"}
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        facts = " ".join(str(screen.query_one("#facts", Static).render()).split())
        assert "State on hcp1 could not be read now: cannot connect" in facts
        assert "Pending → hcp2 unknown — hcp1 could not be read" in facts
        assert "? Pending on hcp1 toward hcp2: unknown (hcp1 could not be read)." in facts
        assert "✓ Pending on hcp1" not in facts


async def test_cancel_sends_nothing() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(app, pilot)
        screen.query_one("#typed-name", Input).value = "aa-finance"
        screen.query_one("#reason", Input).value = "drill"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PreflightScreen))
        assert monitor.executed == []
        assert any("cancelled" in n.message for n in app._notifications)


async def test_suspend_asks_for_confirmation_with_cancel_focused() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(app, pilot, "hcp1/ap-archive", "x")
        assert isinstance(screen, ConfirmScreen)
        assert app.focused is screen.query_one("#cancel")
        await pilot.press("p", "enter")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert monitor.executed == [] and not monitor.paused
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await app.screen.settled()
        await pilot.pause()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [(p.action, p.link_name) for p, _ in monitor.executed] == [(LinkAction.SUSPEND, "ap-archive")]


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
        wanted = "Fail over link aa-finance on hcp2"
        await pilot.press(*wanted)

        def offered() -> bool:
            results = app.screen.query(OptionList)
            if not results or results.first().highlighted is None:
                return False
            option = results.first().get_option_at_index(results.first().highlighted)
            return wanted in str(option.prompt)

        await until(pilot, offered)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PreflightScreen))
        await app.screen.settled()
        assert monitor.preflights == [("hcp2", "aa-finance", LinkAction.FAIL_OVER)]
