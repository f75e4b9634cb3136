"""run_dashboard's theme check, theme switching, and the keyed table's diff rules."""

from __future__ import annotations

import pytest
from dashboard_app import build
from fakes import FakeMonitor, make_config

from hcpdash.tui.run import run_dashboard
from hcpdash.tui.style import Cell


def test_an_unknown_theme_lists_the_available_ones_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    monitor = FakeMonitor()
    assert run_dashboard(monitor, make_config(), "solarised", read_only=False) == 2
    err = capsys.readouterr().err
    assert "unknown theme 'solarised'" in err and "dark, high-contrast, light" in err
    assert not monitor.started


async def test_only_hcpdash_themes_are_offered_and_switching_recolours_the_tables() -> None:
    app, _ = build()
    async with app.run_test(size=(120, 30)) as pilot:
        assert {"dark", "light", "high-contrast"} <= set(app.available_themes)
        assert not any(name.startswith("textual") for name in app.available_themes)
        before = app.query_one("#nodes-table").get_cell("hcp1/10.1.0.11", "state")
        app.theme = "light"
        await pilot.pause()
        after = app.query_one("#nodes-table").get_cell("hcp1/10.1.0.11", "state")
        assert app.palette.ok == app.current_theme.variables["verdict-ok"]
        assert before != after and after.plain == "up"


def test_cells_differ_by_colour_and_sort_numbers_before_missing_values() -> None:
    assert Cell("up", "green") != Cell("up", "red")
    assert Cell("up", "green") == Cell("up", "green")
    assert sorted([Cell("–", "", None).sort_key, Cell("9", "", 9).sort_key, Cell("10", "", 10).sort_key]) == [
        (0, 9), (0, 10), (1, "")]
