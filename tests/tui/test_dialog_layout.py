"""Every link-action dialog fits and works at 80×24 and 160×48: facts scroll, inputs and buttons stay.

Each dialog is opened on a link in a state where its action is valid, and the tests
wait for the dialog's fresh read of both ends (``settled``) before looking at it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest
from dashboard_app import build
from fakes import NOW, SYSTEMS, FakeMonitor, link_views, make_config, snapshot
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Button, Input

from hcpdash.hcp.models import LinkAction, LinkStatus
from hcpdash.monitor.snapshot import Reading
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.action_dialog import ActionDialog
from hcpdash.tui.screens.preflight import PreflightScreen

SIZES = [(80, 24), (160, 48)]

# action → (system, link, how that link reads on both systems so the action is valid there)
CASES: dict[LinkAction, tuple[str, str, dict[str, object]]] = {
    LinkAction.SUSPEND: ("hcp1", "ap-archive", {}),
    LinkAction.RESUME: ("hcp1", "ap-archive", {"status_message": "Suspended by user", "suspended": True}),
    LinkAction.FAIL_OVER: ("hcp2", "aa-finance", {}),
    LinkAction.FAIL_BACK: ("hcp2", "aa-finance", {"status_message": "Failed over"}),
    LinkAction.BEGIN_RECOVERY: ("hcp2", "ap-archive", {"status_message": "Failed over"}),
    LinkAction.COMPLETE_RECOVERY: ("hcp2", "ap-archive", {"status_message": "Recovering data"}),
    LinkAction.RESTORE: ("hcp2", "aa-finance", {"status_message": "Broken link", "status": LinkStatus.BAD}),
}


def monitor_for(action: LinkAction) -> FakeMonitor:
    _, name, changes = CASES[action]

    def views(system: str) -> Reading:
        changed = tuple(dataclasses.replace(v, link=dataclasses.replace(v.link, **changes))
                        if v.link.name == name else v for v in link_views(system))
        return Reading(changed, NOW - 3, interval=10.0)

    return FakeMonitor(make_config(), {s: snapshot(s, links=views(s)) for s in SYSTEMS})


async def until(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await pilot.pause()


async def open_action(app: HcpDashApp, pilot: Pilot, action: LinkAction) -> ActionDialog:
    system, name, _ = CASES[action]
    app.request_link_action(system, name, action)
    await until(pilot, lambda: isinstance(app.screen, ActionDialog))
    screen = app.screen
    assert isinstance(screen, ActionDialog)
    preflight = await screen.settled()
    await pilot.pause()
    assert preflight is not None and preflight.allowed, preflight and preflight.reason
    return screen


def controls(screen: ActionDialog) -> list[str]:
    fields = ["#typed-name", "#reason"] if isinstance(screen, PreflightScreen) else []
    return [*fields, "#cancel", "#confirm"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("action", list(CASES), ids=str)
async def test_inputs_and_buttons_are_on_screen_and_reachable(action: LinkAction, size: tuple[int, int]) -> None:
    app, monitor = build(monitor=monitor_for(action))
    async with app.run_test(size=size) as pilot:
        screen = await open_action(app, pilot, action)
        whole = Region(0, 0, *size)
        dialog = screen.query_one(".dialog").region
        assert whole.contains_region(dialog)
        for selector in controls(screen):
            widget = screen.query_one(selector)
            assert widget.region.area and dialog.contains_region(widget.region), f"{selector} at {widget.region}"
        if isinstance(screen, PreflightScreen):
            assert app.focused is screen.query_one("#typed-name", Input)
            await pilot.press(*CASES[action][1], "enter", *"drill")
        assert not screen.query_one("#confirm", Button).disabled
        reached = set()
        for _ in range(8):
            reached.add(f"#{app.focused.id}" if app.focused else None)
            await pilot.press("tab")
        missing = set(controls(screen)) - reached
        assert not missing, f"Tab never reaches {missing}"
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [(p.action, p.link_name) for p, _ in monitor.executed] == [(action, CASES[action][1])]


async def test_at_80x24_the_facts_scroll_and_the_form_stays_put() -> None:
    app, _ = build(monitor=monitor_for(LinkAction.FAIL_OVER))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_action(app, pilot, LinkAction.FAIL_OVER)
        facts = screen.query_one("#facts-scroll")
        assert facts.max_scroll_y > 0, "the facts are longer than the space they have"
        confirm = screen.query_one("#confirm").region
        facts.scroll_end(animate=False)
        await pilot.pause()
        assert screen.query_one("#confirm").region == confirm


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_toasts_never_cover_a_dialogs_inputs_or_buttons(size: tuple[int, int]) -> None:
    app, _ = build(monitor=monitor_for(LinkAction.FAIL_OVER))
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = await open_action(app, pilot, LinkAction.FAIL_OVER)
        for number in range(6):
            app.notify(f"link ap-archive: event number {number} with a long message that wraps", timeout=60)
        await until(pilot, lambda: len(screen.query("Toast")) == 6)
        await pilot.pause()
        form = screen.query_one(".dialog-form").region
        on_top = {type(screen.get_widget_at(x, y)[0]).__name__
                  for y in range(form.y, form.bottom) for x in range(form.x, form.right)}
        assert "Toast" not in on_top, "a toast covers the dialog's inputs or buttons"
        above = {type(screen.get_widget_at(x, y)[0]).__name__ for y in range(1, form.y) for x in range(size[0])}
        assert "Toast" in above, "the toasts are shown, above the form"


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_the_header_stays_one_line(width: int) -> None:
    app, monitor = build()
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.press("p", "plus")
        header = app.query_one("#status-header")
        text = str(header.render())
        assert header.region.height == 1 and "\n" not in text
        assert "PAUSED" in text and "hcp1" in text and "hcp2" in text
        assert len(text) <= width


def open_for_snapshot(action: LinkAction, *keys: str):  # noqa: ANN201 - a run_before callback
    async def run_before(pilot: Pilot) -> None:
        await open_action(pilot.app, pilot, action)  # type: ignore[arg-type]
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(("action", "keys"), [
    (LinkAction.SUSPEND, ()),
    (LinkAction.FAIL_OVER, tuple("aa-Finance")),
    (LinkAction.RESTORE, (*"aa-finance", "enter", *"rebuilt hcp1")),
], ids=["suspend", "failover-wrong-name", "restore-filled"])
def test_dialog_at_80x24(snap_compare, action: LinkAction, keys: tuple[str, ...]) -> None:
    app, _ = build(monitor=monitor_for(action))
    assert snap_compare(app, run_before=open_for_snapshot(action, *keys), terminal_size=(80, 24))


def test_failover_with_the_other_end_unreadable_at_80x24(snap_compare) -> None:
    monitor = monitor_for(LinkAction.FAIL_OVER)
    monitor.unreachable = {"hcp1"}
    app, _ = build(monitor=monitor)
    assert snap_compare(app, run_before=open_for_snapshot(LinkAction.FAIL_OVER), terminal_size=(80, 24))
