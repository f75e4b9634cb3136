"""A table of keyed rows on Textual's line API: only rows on screen are ever drawn.

The rows, the sort and the filter live in :class:`TableModel`; this widget draws the
header and the visible window of the model's view one line at a time
(:meth:`render_line`), keeps each drawn row as a :class:`Strip` until its data, its
stripe or the cursor on it changes, and repaints only the lines that changed. The
cursor follows its row's key across updates, sorts and filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from math import ceil
from time import perf_counter
from typing import ClassVar, Generic, Literal, TypeVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from hcpdash.tui.abbreviate import ValueKind, fit_text
from hcpdash.tui.style import Cell
from hcpdash.tui.widgets.table_model import (
    Change,
    Column,
    FilterError,
    Row,
    RowFilter,
    RowSource,
    TableModel,
    drawn_text,
)

__all__ = ["Column", "FilterError", "KeyedTable", "Row", "RowFilter", "RowSource"]

T = TypeVar("T")
Stripe = Literal["even", "odd", "cursor", "hover"]
STRIPES: tuple[Stripe, ...] = ("even", "odd", "cursor", "hover")

PADDING = 1
"""Blank cells on each side of every column."""
_STRIP_CACHE_LIMIT = 1024
RENDER_AT_ONCE = 200
"""Up to this many changed rows are rendered at once; more are rendered as drawn, or in slices."""
PENDING_SLICE_S = 0.005
"""How long rows are rendered per turn of the event loop while a large update settles in the
background, so a key press waits at most this long for them."""
PENDING_BATCH = 20


def cell_segments(text: Text, console: Console) -> Iterable[Segment]:
    """``text`` as segments, its own style included (``Text.render`` leaves it out when it has no spans)."""
    if text.spans or not text.style:
        return text.render(console)
    return (Segment(text.plain, console.get_style(text.style, default=Style.null())),)


def thumb_start(bar: ScrollBar, position: float) -> int:
    """Where a vertical scrollbar draws its thumb at ``position``, in eighths of a cell."""
    size, virtual = bar.size.height, ceil(bar.window_virtual_size)
    window = ceil(bar.window_size) if bar.window_size < bar.window_virtual_size else 0
    if not (window and size and virtual and size != virtual):
        return 0
    thumb = max(1, window / (virtual / size))
    return int((size - thumb) * position / (virtual - window) * len(bar.renderer.VERTICAL_BARS))


class KeyedTable(ScrollView, Generic[T], can_focus=True):
    """Rows keyed by stable ids, a row cursor that stays on its key, a regex filter and a sort."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keyed-table--header", "keyed-table--cursor", "keyed-table--hover", "keyed-table--even-row",
        "keyed-table--odd-row",
    }

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .keyed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .keyed-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .keyed-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .keyed-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .keyed-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .keyed-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .keyed-table--hover {
            background: $block-hover-background;
        }
        & > .keyed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up,k", "cursor_up", "Cursor up", show=False),
        Binding("down,j", "cursor_down", "Cursor down", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home,g", "first_row", "First row", show=False),
        Binding("ctrl+end,G", "last_row", "Last row", show=False),
        Binding("home", "first_column", "First column", show=False),
        Binding("end", "last_column", "Last column", show=False),
    ]

    class RowHighlighted(Message):
        """The cursor is on another row (``key`` is ``None`` when the table is empty)."""

        def __init__(self, table: KeyedTable[object], key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> KeyedTable[object]:
            return self.table

    class ViewChanged(Message):
        """The rows shown changed: some came or went, or the filter or the sort changed."""

        def __init__(self, table: KeyedTable[object]) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> KeyedTable[object]:
            return self.table

    class RowSelected(Message):
        """Enter, or a click on the row under the cursor."""

        def __init__(self, table: KeyedTable[object], key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> KeyedTable[object]:
            return self.table

    def __init__(self, columns: tuple[Column, ...] | list[Column], source: RowSource[T], *, id: str | None = None,
                 sort_column: str | None = None, sort_reverse: bool = False) -> None:
        super().__init__(id=id)
        self.model: TableModel[T] = TableModel(columns, source, sort_column=sort_column, sort_reverse=sort_reverse)
        self.cursor_row = 0
        self.selected_key: str | None = None
        """The key of the row under the cursor, or ``None`` when no row shows."""
        self._strips: dict[tuple[str, Stripe], Strip] = {}
        self._header: Strip | None = None
        self._styles: dict[str, Style] = {}
        self._drawn_for: object = None
        self._hover_line: int | None = None
        """The content line under the mouse pointer (the header is line 0)."""
        self._rendering = False

    # -- what the panes use -------------------------------------------------------------

    @property
    def table_columns(self) -> tuple[Column, ...]:
        return self.model.columns

    @property
    def sort_column(self) -> str | None:
        return self.model.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self.model.sort_reverse

    @property
    def filter_text(self) -> str:
        return self.model.filter_text

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self.model.view)

    @property
    def item_count(self) -> int:
        """Rows held, shown or not."""
        return self.model.item_count

    @property
    def keys(self) -> list[str]:
        """The shown rows' keys, top to bottom."""
        return list(self.model.view)

    def apply(self, items: Mapping[str, T]) -> None:
        """Show exactly ``items``: render changed rows, add new ones, drop stale ones."""
        self._show(self.model.apply(items), follow_cursor=False)

    def set_filter(self, text: str) -> None:
        """``[!][column:]regex``; raises :class:`FilterError` and keeps the previous filter."""
        self._show(self.model.set_filter(text))

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort by ``column``; choosing the current column again flips the direction."""
        self._header = None
        self._show(self.model.sort_by(column, reverse))

    def sort_next(self) -> None:
        self._header = None
        self._show(self.model.sort_next())

    def restyle(self) -> None:
        """Render every row again on the next update (after a theme change)."""
        self.model.forget_rendering()
        self._forget_drawing()

    def select(self, key: str) -> bool:
        """Put the cursor on ``key``'s row; ``False`` when that row does not show."""
        index = self.model.index(key)
        if index is None:
            return False
        self.move_cursor(row=index)
        return True

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on the row at ``row`` (clamped to the rows shown)."""
        previous = self.cursor_row
        self._set_cursor(row)
        if self.cursor_row != previous:
            self._refresh_row(previous)
            self._refresh_row(self.cursor_row)
        if scroll:
            self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        rows_visible = self.scrollable_content_region.height - 1
        if rows_visible <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + rows_visible:
            self.scroll_to(y=self.cursor_row - rows_visible + 1, animate=False)

    @property
    def hover_row(self) -> int | None:
        """The index of the row under the mouse pointer, or ``None``."""
        if self._hover_line is None:
            return None
        index = self._hover_line - 1 + round(self.scroll_y)
        return index if index < self.row_count else None

    def get_row_index(self, key: str) -> int:
        """Raises ``KeyError`` when ``key``'s row does not show."""
        index = self.model.index(key)
        if index is None:
            raise KeyError(key)
        return index

    def get_cell(self, key: str, column: str) -> Cell:
        """``key``'s cell in ``column``, rendered now (with the value it sorts by)."""
        return self.model.row(key)[self._column_index(column)]

    def row_texts(self, key: str) -> tuple[str, ...]:
        """``key``'s cells as the plain text drawn, in column order."""
        return self.model.texts(key)

    def get_column(self, column: str) -> Iterator[Cell]:
        """The cells of ``column`` in the rows shown, top to bottom."""
        index = self._column_index(column)
        row = self.model.row
        return (row(key)[index] for key in self.model.view)

    def header_label(self, index: int) -> Text:
        """The header text of column ``index``, with ▲ or ▼ when the rows are sorted by it (ascending or
        descending); the arrow may take the column's right padding, and a label too long for both is cut."""
        column = self.model.columns[index]
        label = Text(column.label)
        if column.key == self.model.sort_column:
            room = self.model.widths[index] + PADDING
            gap = " " if label.cell_len + 2 <= room else ""
            label.truncate(room - 1 - len(gap), overflow="ellipsis")
            label.append(gap + ("▼" if self.model.sort_reverse else "▲"))
        return label

    # -- keys and mouse ---------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._key_move(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._key_move(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._key_move(self.cursor_row - self._page_height())

    def action_page_down(self) -> None:
        self._key_move(self.cursor_row + self._page_height())

    def action_first_row(self) -> None:
        self._key_move(0)

    def action_last_row(self) -> None:
        self._key_move(self.row_count - 1)

    def _key_move(self, row: int) -> None:
        """A cursor move from the keyboard hides the mouse's row highlight until the mouse moves again."""
        self._set_hover(None)
        self.move_cursor(row=row)

    def action_first_column(self) -> None:
        self.scroll_to(x=0, animate=False)

    def action_last_column(self) -> None:
        self.scroll_to(x=self.max_scroll_x, animate=False)

    def action_select_cursor(self) -> None:
        if self.selected_key is not None:
            self.post_message(self.RowSelected(self, self.selected_key))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        self._set_hover(offset.y if offset is not None and offset.y > 0 else None)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        """A header click sorts by that column; a row click moves the cursor, again selects."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None:
                self.sort_by(column.key)
            return
        row = offset.y - 1 + round(self.scroll_y)
        if row >= self.row_count:
            return
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row, scroll=False)

    # -- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        self._check_drawing_context(width)
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            if self._header is None:
                self._header = self._draw_header(width)
            strip = self._header
        else:
            index = y - 1 + scroll_y
            view = self.model.view
            if index >= len(view):
                return Strip.blank(width, self._style(""))
            strip = self._row_strip(view[index], index, width)
        return strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width, self._style(""))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Repaint the scrollbar only when its thumb moves, which over 10,000 rows is every few dozen rows."""
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            position = bar.validate_position(new_value)
            if thumb_start(bar, position) == thumb_start(bar, bar.position):
                bar.set_reactive(ScrollBar.position, position)
                if round(old_value) != round(new_value):
                    self.refresh(self.size.region)
                return
        super().watch_scroll_y(old_value, new_value)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_drawing()

    def on_focus(self) -> None:
        self._forget_drawing()
        self.refresh()

    def on_blur(self) -> None:
        self._forget_drawing()
        self.refresh()

    def on_resize(self) -> None:
        self.scroll_to_cursor()

    def _row_strip(self, key: str, index: int, width: int) -> Strip:
        stripe: Stripe = "cursor" if index == self.cursor_row else "hover" if index == self.hover_row \
            else "odd" if index % 2 else "even"
        strip = self._strips.get((key, stripe))
        if strip is None:
            if len(self._strips) >= _STRIP_CACHE_LIMIT:
                self._strips.clear()
            row_style = self._style(f"keyed-table--{'odd' if index % 2 else 'even'}-row")
            texts, looks = self.model.drawn(key)
            cells = [drawn_text(text, look) for text, look in zip(texts, looks, strict=True)]
            kinds = [look[2] for look in looks]
            if stripe == "cursor":
                cursor = self._style("keyed-table--cursor")
                strip = self._draw_line(cells, kinds, row_style + cursor, Style.from_color(cursor.color), width)
            elif stripe == "hover":
                strip = self._draw_line(cells, kinds, row_style + self._style("keyed-table--hover"), None, width)
            else:
                strip = self._draw_line(cells, kinds, row_style, None, width)
            self._strips[key, stripe] = strip
        return strip

    def _draw_header(self, width: int) -> Strip:
        labels = [self.header_label(index) for index in range(len(self.model.columns))]
        return self._draw_line(labels, ["text"] * len(labels), self._style("keyed-table--header"), None, width,
                               spill=PADDING)

    def _draw_line(self, cells: list[Text], kinds: list[ValueKind], style: Style, post_style: Style | None,
                   width: int, spill: int = 0) -> Strip:
        """One row: each cell padded to its column's width (and up to ``spill`` cells of its right
        padding), fitted by its kind of value, then the row's style to the widget's edge."""
        console = self.app.console
        fill = style + post_style if post_style else style
        segments: list[Segment] = []
        used = 0
        for text, kind, content_width in zip(cells, kinds, self.model.widths, strict=True):
            if "\n" in text.plain:
                text = text.split("\n")[0]
            if text.cell_len > content_width + spill:
                text = fit_text(text, content_width + spill, kind)
            segments.append(Segment(" " * PADDING, fill))
            segments.extend(Segment.apply_style(cell_segments(text, console), style, post_style))
            segments.append(Segment(" " * (content_width - text.cell_len + PADDING), fill))
            used += content_width + 2 * PADDING
        if width > used:
            segments.append(Segment(" " * (width - used), fill))
        return Strip(segments).simplify()

    def _show(self, change: Change, *, follow_cursor: bool = True) -> None:
        """Repaint what ``change`` touched and keep the cursor on its key."""
        for key in change.rows:
            for stripe in STRIPES:
                self._strips.pop((key, stripe), None)
        if change.view:
            index = self.model.index(self.selected_key) if self.selected_key is not None else None
            self._set_cursor(self.cursor_row if index is None else index)
            if follow_cursor:
                self.scroll_to_cursor()
            self.post_message(self.ViewChanged(self))
        widths = change.widths
        if self.model.pending <= RENDER_AT_ONCE:
            widths = self.model.render_pending() or widths
        else:
            widths = self._render_window() or widths
        if widths:
            self._forget_drawing()
        self._set_virtual_size()
        if change.view or widths:
            self.refresh()
        else:
            for key in change.rows:
                index = self.model.index(key)
                if index is not None:
                    self._refresh_row(index)
        self._render_pending_later()

    def _render_window(self) -> bool:
        """Render the pending rows on screen before they are drawn; ``True`` when a column widened."""
        if not self.model.pending:
            return False
        top = round(self.scroll_y)
        return self.model.render_pending_of(self.model.view[top:top + max(self.size.height, 1)])

    def _render_pending_later(self) -> None:
        """Render the rows off screen a slice at a time after each paint, so column widths settle."""
        if self.model.pending and not self._rendering:
            self._rendering = True
            self.call_after_refresh(self._render_pending_slice)

    def _render_pending_slice(self) -> None:
        self._rendering = False
        deadline = perf_counter() + PENDING_SLICE_S
        grew = False
        while self.model.pending and perf_counter() < deadline:
            grew = self.model.render_pending(PENDING_BATCH) or grew
        if grew:
            self._forget_drawing()
            self._set_virtual_size()
            self.refresh()
        self._render_pending_later()

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.model.widths_grew:
            # A row scrolled into view before its slice came and widened a column.
            self.model.widths_grew = False
            self._forget_drawing()
            self._set_virtual_size()
            self.refresh()
        return lines

    def _set_cursor(self, row: int) -> None:
        view = self.model.view
        self.cursor_row = max(0, min(row, len(view) - 1))
        key = view[self.cursor_row] if view else None
        if key != self.selected_key:
            self.selected_key = key
            self.post_message(self.RowHighlighted(self, key))

    def _set_hover(self, line: int | None) -> None:
        """Highlight the row on content line ``line`` of the widget (``None``: no row)."""
        if line == self._hover_line:
            return
        for drawn in (self._hover_line, line):
            if drawn is not None:
                self.refresh_line(drawn + round(self.scroll_y))
        self._hover_line = line

    def _refresh_row(self, index: int) -> None:
        top = round(self.scroll_y)
        if top <= index < top + self.size.height:
            self.refresh_line(index + 1)

    def _set_virtual_size(self) -> None:
        width = sum(self.model.widths) + 2 * PADDING * len(self.model.columns)
        size = Size(width, len(self.model.view) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def _check_drawing_context(self, width: int) -> None:
        """Drawn strips depend on the widget's width and on the theme."""
        context = (width, self.app.theme)
        if context != self._drawn_for:
            self._drawn_for = context
            self._forget_drawing()

    def _style(self, component: str) -> Style:
        """The widget's own style (``""``) or a component's, computed once per drawing context."""
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = (self.get_component_rich_style(component) if component
                                               else self.rich_style)
        return style

    def _forget_drawing(self) -> None:
        self._strips.clear()
        self._styles.clear()
        self._header = None

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _column_index(self, key: str) -> int:
        for index, column in enumerate(self.model.columns):
            if column.key == key:
                return index
        raise KeyError(key)

    def _column_at(self, x: int) -> Column | None:
        right = 0
        for column, content_width in zip(self.model.columns, self.model.widths, strict=True):
            right += content_width + 2 * PADDING
            if x < right:
                return column
        return None
