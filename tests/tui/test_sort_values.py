"""The panes' sort values: what a sort reads instead of rendering every row must be what the cells show."""

from __future__ import annotations

from dashboard_app import build, until

from hcpdash.tui.style import sort_key_for
from hcpdash.tui.widgets.keyed_table import KeyedTable


async def test_every_column_sorts_by_the_value_its_cell_carries() -> None:
    app, _ = build()
    async with app.run_test(size=(140, 40)) as pilot:
        for tab, name in (("2", "namespaces"), ("4", "events")):
            await pilot.press(tab)
            table = app.query_one(f"#{name}-table", KeyedTable)
            await until(pilot, lambda table=table: table.row_count, f"{name} shown")
            sort_value = table.model.source.sort_value
            assert sort_value is not None
            for column in table.table_columns:
                for key in table.keys:
                    value = sort_value(table.model.item(key), column.key)
                    assert sort_key_for(value) == table.get_cell(key, column.key).sort_key, (name, column.key, key)
