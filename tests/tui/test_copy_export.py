"""j/k/g/G move the cursor; y copies the selected row; e / E export the pane as shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from dashboard_app import build
from textual.pilot import Pilot

from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.widgets.keyed_table import KeyedTable

SIZE = (140, 40)


def nodes(app: HcpDashApp) -> KeyedTable:
    return app.query_one("#nodes-table", KeyedTable)


async def wait_for_file(directory: Path, pilot: Pilot, pattern: str) -> Path:
    for _ in range(200):
        found = sorted(directory.glob(pattern))
        if found:
            return found[0]
        await pilot.pause(0.05)
    raise AssertionError(f"no {pattern} in {directory}")


async def test_vi_keys_move_the_cursor() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        table = nodes(app)
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0


async def test_y_copies_the_selected_row() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        table = nodes(app)
        await pilot.press("j")
        await pilot.press("y")
        key = table.selected_key
        assert key is not None
        copied = app.clipboard.split("\t")
        assert copied[:2] == [c.plain for c in (table.get_cell(key, "system"), table.get_cell(key, "address"))]
        assert len(copied) == len(table.table_columns)


async def test_e_exports_the_pane_as_filtered_and_sorted(tmp_path: Path) -> None:
    app, _ = build()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.export_dir = tmp_path
        await pilot.press("slash", *"hcp2", "enter")
        await pilot.press("e")
        path = await wait_for_file(tmp_path, pilot, "hcpdash-nodes-*.csv")
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        table = nodes(app)
        assert rows[0] == [c.label for c in table.table_columns]
        assert [row[1] for row in rows[1:]] == [table.get_cell(k, "address").plain for k in table.keys]
        assert len(rows) == 1 + 4 and {row[0] for row in rows[1:]} == {"hcp2"}
        for _ in range(100):
            toasts = [t.render().plain for t in app.screen.query("Toast")]
            if any(str(path) in t for t in toasts):
                break
            await pilot.pause(0.05)
        assert any(f"Exported 4 rows to {path}" in t for t in toasts)


async def test_shift_e_exports_json_with_its_filter_and_sort(tmp_path: Path) -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        app.export_dir = tmp_path
        await pilot.press("slash", *"hcp1", "enter", "E")
        path = await wait_for_file(tmp_path, pilot, "hcpdash-nodes-*.json")
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["schema"] == "hcpdash.export/1" and document["filter"] == "hcp1"
        assert {row["System"] for row in document["rows"]} == {"hcp1"} and len(document["rows"]) == 4
