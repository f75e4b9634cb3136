"""SVG snapshots of each pane, dialog, detail view, banner state and bundled theme.

The clock is frozen (fakes.NOW), timestamps are UTC and the data is fixed, so a
difference is a real change. Review with the HTML report, then `--snapshot-update`.
Every screenshot waits for a settled screen (:func:`settle`), never for a timer, so
they pass however loaded the machine is.
"""

from __future__ import annotations

import dataclasses

import pytest
from dashboard_app import build, select_row
from fakes import NOW, FakeMonitor, forbidden_tenants, make_config, snapshot
from textual.pilot import Pilot
from textual.widgets import Tabs

from hcpdash.monitor.snapshot import Reading
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.action_dialog import ActionDialog
from hcpdash.tui.widgets.keyed_table import KeyedTable

SIZE = (130, 36)
SETTLE_ROUNDS = 200


def built(**options: object) -> HcpDashApp:
    """The app on the fake monitor, with animations off: what they would end at shows at once."""
    app, _ = build(**options)  # type: ignore[arg-type]
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot) -> None:
    """Wait until the tab underline sits under the active tab and nothing animates.

    Switching tabs moves the underline from a timer and a refresh callback, which a
    loaded machine can run after the screenshot; no fixed sleep covers that.
    """
    app = pilot.app
    tabs = app.screen_stack[0].query_one(Tabs)
    underline = tabs.query_one("Underline")
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        active = tabs.active_tab
        if active is None:
            return
        span = active.virtual_region.shrink(active.styles.gutter).column_span
        moving = any(app.animator.is_being_animated(underline, name) for name in ("highlight_start", "highlight_end"))
        if not moving and (underline.highlight_start, underline.highlight_end) == span:
            return
    raise AssertionError("the tab underline never settled under the active tab")


def keys(*pressed: str):  # noqa: ANN201 - a run_before callback
    async def run_before(pilot: Pilot) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return run_before


def select(pane: str, table_id: str, key: str, *pressed: str):  # noqa: ANN201 - a run_before callback
    async def run_before(pilot: Pilot) -> None:
        await pilot.press(pane)
        await settle(pilot)
        await select_row(pilot, table_id, key)
        await pilot.press(*pressed)
        await settle(pilot)
        if isinstance(pilot.app.screen, ActionDialog):
            await pilot.app.screen.settled()  # the dialog's fresh read of both ends is done
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("pane", ["1", "2", "3", "4"])
def test_each_pane(snap_compare, pane: str) -> None:
    assert snap_compare(built(), run_before=keys(pane), terminal_size=SIZE)


def test_an_active_column_filter_with_its_count(snap_compare) -> None:
    assert snap_compare(built(), run_before=keys("slash", *"!address:\\.1[12]$", "enter"), terminal_size=SIZE)


def test_a_filter_naming_an_unknown_column(snap_compare) -> None:
    assert snap_compare(built(), run_before=keys("slash", *"colour:red"), terminal_size=SIZE)


def test_suspend_confirmation(snap_compare) -> None:
    assert snap_compare(built(), run_before=select("3", "links-table", "hcp1/ap-archive", "x"),
                        terminal_size=SIZE)


def test_failover_preflight_with_typed_name(snap_compare) -> None:
    async def type_name(pilot: Pilot) -> None:
        await select("3", "links-table", "hcp2/aa-finance", "F")(pilot)
        pilot.app.screen.query_one("#typed-name").focus()
        await pilot.press(*"aa-finance", "tab", *"planned DR test")
        await settle(pilot)

    assert snap_compare(built(), run_before=type_name, terminal_size=(130, 44))


def test_help(snap_compare) -> None:
    assert snap_compare(built(), run_before=keys("question_mark"), terminal_size=(130, 40))


@pytest.mark.parametrize(("pane", "table", "key"), [
    ("1", "nodes-table", "hcp2/10.2.0.13"),
    ("2", "namespaces-table", "hcp1/finance/ledger"),
    ("3", "links-table", "hcp2/ap-archive"),
], ids=["node", "namespace", "link"])
def test_detail_views(snap_compare, pane: str, table: str, key: str) -> None:
    assert snap_compare(built(), run_before=select(pane, table, key, "enter"), terminal_size=(130, 44))


def test_forbidden_tenants_banner(snap_compare) -> None:
    monitor = FakeMonitor(make_config(), {"hcp1": snapshot("hcp1", tenants=forbidden_tenants()),
                                          "hcp2": snapshot("hcp2")})
    assert snap_compare(built(monitor=monitor), run_before=keys("2"), terminal_size=SIZE)


def test_stale_failing_and_node_down(snap_compare) -> None:
    hcp1 = snapshot("hcp1", down=(2,))
    stale_nodes = dataclasses.replace(hcp1.nodes, updated_at=NOW - 600)
    hcp2 = snapshot("hcp2")
    failing_nodes = hcp2.nodes.failed("ConnectTimeout: admin.hcp2.example.com:9090 did not answer in 5 s", "Timeout",
                                      "check the network path to the system")
    monitor = FakeMonitor(make_config(), {"hcp1": dataclasses.replace(hcp1, nodes=stale_nodes),
                                          "hcp2": dataclasses.replace(hcp2, nodes=failing_nodes)})
    assert snap_compare(built(monitor=monitor), run_before=keys(), terminal_size=SIZE)


def test_loading_and_not_an_hcp(snap_compare) -> None:
    not_hcp = Reading(None, None, "https://admin.hcp2.example.com:9090/mapi answered like a web server, not HCP",
                      "NotAnHcp", "check the domain in the config")
    monitor = FakeMonitor(make_config(), {
        "hcp1": snapshot("hcp1", nodes=Reading(), links=Reading(), tenants=Reading(), dns=Reading()),
        "hcp2": snapshot("hcp2", links=not_hcp),
    })
    assert snap_compare(built(monitor=monitor), run_before=keys("3"), terminal_size=SIZE)


@pytest.mark.parametrize("theme", ["light", "high-contrast"])
def test_bundled_themes(snap_compare, theme: str) -> None:
    assert snap_compare(built(theme=theme), run_before=keys("3"), terminal_size=SIZE)


def test_small_terminal_read_only(snap_compare) -> None:
    assert snap_compare(built(read_only=True), run_before=keys("2"), terminal_size=(80, 24))
