"""Pilot tests of the keyed table on its own: the cursor follows its row, the mouse selects and scrolls."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import App, ComposeResult

from hcpdash.tui.style import Cell, number, text
from hcpdash.tui.widgets.keyed_table import Column, KeyedTable, RowSource

SIZE = (60, 12)
VISIBLE_ROWS = SIZE[1] - 1


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    size: int


COLUMNS = (Column("name", "Name"), Column("size", "Size", 6))
SOURCE: RowSource[Item] = RowSource(lambda item: item, lambda item: (text(item.name), number(item.size)),
                                    lambda item: item.name)


def items(*pairs: tuple[str, int]) -> dict[str, Item]:
    return {name: Item(name, size) for name, size in pairs}


def many(count: int) -> dict[str, Item]:
    return items(*((f"row-{n:04d}", n) for n in range(count)))


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str | None] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, SOURCE, id="table")

    @property
    def table(self) -> KeyedTable[Item]:
        return self.query_one(KeyedTable)

    def on_mount(self) -> None:
        self.table.focus()

    @on(KeyedTable.RowHighlighted)
    def remember_highlight(self, event: KeyedTable.RowHighlighted) -> None:
        self.highlighted.append(event.key)

    @on(KeyedTable.RowSelected)
    def remember_selection(self, event: KeyedTable.RowSelected) -> None:
        self.selected.append(event.key)


def line_text(table: KeyedTable[Item], y: int) -> str:
    return table.render_line(y).text.strip()


async def test_the_cursor_stays_on_its_row_when_rows_arrive_above_it_and_others_leave() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(items(("b", 2), ("c", 3), ("d", 4)))
        await pilot.press("down")
        assert table.selected_key == "c"
        table.apply(items(("a", 1), ("x", 9), ("c", 3), ("d", 4)))
        await pilot.pause()
        assert table.selected_key == "c" and table.cursor_row == 2
        assert table.keys == ["a", "x", "c", "d"]


async def test_the_selected_row_keeps_the_cursor_when_its_data_changes_and_only_its_line_is_redrawn() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(items(("a", 1), ("b", 2), ("c", 3)))
        await pilot.press("down")
        highlights = len(app.highlighted)
        table.apply(items(("a", 1), ("b", 20), ("c", 3)))
        await pilot.pause()
        assert table.selected_key == "b"
        assert str(table.get_cell("b", "size")) == "20"
        assert "20" in line_text(table, 2)
        assert len(app.highlighted) == highlights, "the same row stayed highlighted"


async def test_when_the_selected_row_goes_the_cursor_takes_the_row_in_its_place() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(items(("a", 1), ("b", 2), ("c", 3)))
        await pilot.press("down")
        table.apply(items(("a", 1), ("c", 3)))
        await pilot.pause()
        assert table.selected_key == "c"
        assert app.highlighted[-1] == "c"
        table.apply({})
        await pilot.pause()
        assert table.selected_key is None and table.row_count == 0


async def test_sorting_keeps_the_cursor_on_its_row_and_scrolls_it_into_view() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(100))
        await pilot.press("down", "down")
        assert table.selected_key == "row-0002"
        table.sort_by("size", reverse=True)
        await pilot.pause()
        assert table.keys[0] == "row-0099"
        assert table.selected_key == "row-0002" and table.cursor_row == 97
        assert table.scroll_y <= 97 < table.scroll_y + VISIBLE_ROWS
        table.sort_by("size")
        await pilot.pause()
        assert table.keys[0] == "row-0000" and table.selected_key == "row-0002"
        assert table.sort_reverse is False


async def test_a_changed_value_in_the_sort_column_moves_its_row_and_the_cursor_with_it() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.sort_by("size")
        table.apply(items(("a", 1), ("b", 2), ("c", 3)))
        await pilot.pause()
        assert table.selected_key == "a"
        table.apply(items(("a", 10), ("b", 2), ("c", 3)))
        await pilot.pause()
        assert table.keys == ["b", "c", "a"]
        assert table.selected_key == "a" and table.cursor_row == 2


async def test_filtering_keeps_the_cursor_on_its_row_when_the_row_stays() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(30))
        await pilot.press("pagedown")
        key = table.selected_key
        assert key is not None and key != "row-0000"
        table.set_filter(key[-1] + "$")
        await pilot.pause()
        assert table.selected_key == key
        assert all(k.endswith(key[-1]) for k in table.keys)
        table.set_filter("!" + key)
        await pilot.pause()
        assert key not in table.keys and table.selected_key in table.keys
        assert table.row_count == 29
        table.set_filter("")
        await pilot.pause()
        assert table.row_count == 30 and table.filter_text == ""


async def test_rows_arriving_while_filtered_are_filtered_too() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.set_filter("^a")
        table.apply(items(("apple", 1), ("banana", 2)))
        await pilot.pause()
        assert table.keys == ["apple"] and table.item_count == 2
        table.apply(items(("apple", 1), ("banana", 2), ("avocado", 3)))
        await pilot.pause()
        assert table.keys == ["apple", "avocado"]


async def test_a_click_moves_the_cursor_a_second_click_selects_and_a_header_click_sorts() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(items(("b", 2), ("a", 1), ("c", 3)))
        await pilot.pause()
        await pilot.click(KeyedTable, offset=(2, 3))
        assert table.selected_key == "c" and app.selected == []
        await pilot.click(KeyedTable, offset=(2, 3))
        assert app.selected == ["c"]
        await pilot.click(KeyedTable, offset=(2, 0))
        assert table.sort_column == "name" and table.keys == ["a", "b", "c"]
        assert table.selected_key == "c"
        await pilot.click(KeyedTable, offset=(2, 0))
        assert table.sort_reverse and table.keys == ["c", "b", "a"]


async def test_the_wheel_scrolls_the_rows_under_a_fixed_header_without_moving_the_cursor() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(1000))
        await pilot.pause()
        table.post_message(events.MouseScrollDown(table, 2, 2, 0, 1, 0, False, False, False))
        await pilot.pause()
        top = round(table.scroll_y)
        assert top > 0
        assert line_text(table, 0).startswith("Name")
        assert line_text(table, 1).startswith(f"row-{top:04d}")
        assert table.selected_key == "row-0000"


async def test_keys_move_the_cursor_by_row_and_page_and_to_either_end() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(1000))
        await pilot.press("down", "pagedown")
        assert table.cursor_row == 1 + VISIBLE_ROWS
        await pilot.press("ctrl+end")
        assert table.selected_key == "row-0999"
        assert line_text(table, VISIBLE_ROWS).startswith("row-0999")
        await pilot.press("up", "ctrl+home")
        assert table.selected_key == "row-0000" and table.scroll_y == 0
        await pilot.press("enter")
        assert app.selected == ["row-0000"]


async def test_a_large_update_draws_the_rows_on_screen_first_and_the_rest_settles_after() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        rows = many(5000)
        rows["zz-" + "w" * 30] = Item("zz-" + "w" * 30, 1)
        table.apply(rows)
        assert 0 < table.model.pending < 5001, "rows off screen wait to be rendered"
        assert line_text(table, 1).startswith("row-0000")
        for _ in range(200):
            if not table.model.pending:
                break
            await pilot.pause()
        assert table.model.pending == 0
        assert table.model.widths[0] == len("zz-" + "w" * 30), "the widest row off screen sized its column"
        assert table.virtual_size.width == table.model.widths[0] + 6 + 4


async def test_the_scrollbar_thumb_follows_the_cursor_row_by_row() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(300))
        await pilot.pause()
        moved = set()
        for _ in range(3 * VISIBLE_ROWS):
            await pilot.press("down")
            drawn = app.export_screenshot()
            table.vertical_scrollbar.refresh()
            await pilot.pause()
            assert app.export_screenshot() == drawn, f"stale thumb at scroll_y {table.scroll_y}"
            moved.add(drawn)
        assert len(moved) > 3, "the thumb moved while the rows scrolled"


class CountingApp(TableApp):
    """A table whose source reads sort values without rendering and counts the rows it renders."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[str] = []

    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, RowSource(lambda item: item, self.render_row, lambda item: item.name,
                                            lambda item, column: item.size if column == "size" else item.name),
                         id="table")

    def render_row(self, item: Item) -> tuple[Cell, Cell]:
        self.rendered.append(item.name)
        return text(item.name), number(item.size)


async def test_sorting_and_filtering_by_search_text_render_only_the_rows_drawn() -> None:
    app = CountingApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        rows = many(5000)
        table.apply(rows)
        table.sort_by("size", reverse=True)
        table.set_filter("0$")
        assert table.keys[:2] == ["row-4990", "row-4980"] and table.row_count == 500
        assert len(app.rendered) <= VISIBLE_ROWS + 200, "off-screen rows wait to be rendered"
        rows["row-0000"] = Item("row-0000", 9999)
        table.apply(rows)
        assert table.keys[0] == "row-0000", "a changed sort value moved its row before it was rendered"
        await pilot.pause()
        assert line_text(table, 1).startswith("row-0000")


async def test_a_row_is_rendered_once_however_often_it_is_filtered_or_drawn() -> None:
    app = CountingApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(6000))
        for _ in range(500):
            if not table.model.pending:
                break
            await pilot.pause()
        assert table.model.pending == 0
        rendered = len(app.rendered)
        assert rendered == 6000
        table.set_filter("name:00$")
        assert table.row_count == 60 and table.keys[1] == "row-0100"
        await pilot.pause()
        assert line_text(table, 2).startswith("row-0100")
        table.set_filter("")
        table.action_last_row()
        await pilot.pause()
        assert any(line_text(table, y).startswith("row-5999") for y in range(1, VISIBLE_ROWS + 1))
        assert len(app.rendered) == rendered, "filtering and drawing read the text and looks kept from rendering"
        assert str(table.get_cell("row-0100", "size")) == "100"
        assert table.get_cell("row-0100", "size").sort_key == (0, 100), "a cell read is rendered with its sort value"


def line_background(table: KeyedTable[Item], y: int) -> object:
    return next(iter(table.render_line(y))).style.bgcolor


async def test_the_row_under_the_mouse_is_highlighted_until_the_keyboard_moves_the_cursor() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(many(100))
        await pilot.pause()
        plain = [line_background(table, y) for y in (3, 4)]
        await pilot.hover(KeyedTable, offset=(2, 3))
        assert table.hover_row == 2 and table.selected_key == "row-0000"
        hovered = line_background(table, 3)
        assert hovered not in plain and line_background(table, 4) == plain[1]
        await pilot.hover(KeyedTable, offset=(2, 4))
        assert table.hover_row == 3
        assert line_background(table, 3) == plain[0] and line_background(table, 4) == hovered
        table.post_message(events.MouseScrollDown(table, 2, 4, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.hover_row == 3 + round(table.scroll_y) > 3, "the highlight stays on the row under the pointer"
        await pilot.hover(KeyedTable, offset=(2, 0))
        assert table.hover_row is None, "the header is not a row"
        await pilot.hover(KeyedTable, offset=(2, 5))
        await pilot.press("down")
        assert table.hover_row is None
        assert line_background(table, 5) == line_background(table, 3) != hovered


async def test_the_header_shows_the_sorted_column_and_its_direction() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.apply(items(("b", 2), ("a", 1), ("c", 3)))
        await pilot.pause()
        assert line_text(table, 0).split() == ["Name", "Size"]
        await pilot.click(KeyedTable, offset=(2, 0))
        assert line_text(table, 0).split() == ["Name▲", "Size"], "a label as wide as its column takes its padding"
        table.sort_by("size", reverse=True)
        await pilot.pause()
        assert line_text(table, 0).split() == ["Name", "Size", "▼"] and table.keys == ["c", "b", "a"]
        await pilot.click(KeyedTable, offset=(8, 0))
        assert line_text(table, 0).split() == ["Name", "Size", "▲"] and table.keys == ["a", "b", "c"]


async def test_an_update_skips_the_items_it_holds_until_a_restyle_renders_them_again() -> None:
    app = CountingApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        rows = items(("a", 1), ("b", 2))
        table.apply(rows)
        await pilot.pause()
        rendered = len(app.rendered)
        table.apply(dict(rows))
        await pilot.pause()
        assert len(app.rendered) == rendered, "the same item objects are the same rows"
        table.restyle()
        table.apply(dict(rows))
        await pilot.pause()
        assert app.rendered[rendered:] == ["a", "b"]
