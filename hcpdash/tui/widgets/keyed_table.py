"""A DataTable fed by keyed snapshots: only what changed is touched.

Rows are keyed by stable ids. Each update compares a cheap signature per row, renders
only rows whose signature changed, updates only the cells that differ, adds new rows,
removes stale ones (one by one when few, by rebuilding when many) and sorts only when
a row was added or a value in the sort column changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.text import Text
from textual.geometry import Region
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, CellType, ColumnKey, RowDoesNotExist, RowKey

from hcpdash.tui.style import Cell

T = TypeVar("T")
Row = tuple[Cell, ...]

_REBUILD_ABOVE = 32
"""Removing a row costs O(rows); past this many removals a rebuild is cheaper."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None = None


@dataclass(frozen=True, slots=True)
class RowSource(Generic[T]):
    """How a pane turns its items into rows."""

    signature: Callable[[T], Hashable]
    render: Callable[[T], Row]
    search_text: Callable[[T], str]


class FilterError(ValueError):
    """A filter that is not a valid regular expression."""


def compile_filter(text: str) -> tuple[re.Pattern[str] | None, bool]:
    """``/regex`` keeps matching rows, ``/!regex`` hides them; matching ignores case."""
    inverted = text.startswith("!")
    pattern = text[1:] if inverted else text
    if not pattern:
        return None, False
    try:
        return re.compile(pattern, re.IGNORECASE), inverted
    except re.error as exc:
        raise FilterError(f"not a valid regular expression: {exc}") from None


class KeyedTable(DataTable[Cell], Generic[T]):
    """Rows keyed by stable ids with diff updates, a regex filter and a remembered sort."""

    def __init__(self, columns: Iterable[Column], source: RowSource[T], *, id: str | None = None,
                 sort_column: str | None = None, sort_reverse: bool = False) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.table_columns = tuple(columns)
        self.source = source
        self.sort_column = sort_column
        self.sort_reverse = sort_reverse
        self.filter_text = ""
        self._pattern: re.Pattern[str] | None = None
        self._inverted = False
        self._signatures: dict[str, Hashable] = {}
        self._rows: dict[str, Row] = {}
        self._search: dict[str, str] = {}
        self._order: list[str] = []
        self._shown: set[str] = set()
        self._layout_version = 0
        self._offsets_version = -1
        self._offsets: list[tuple[RowKey, int]] = []

    def on_mount(self) -> None:
        for column in self.table_columns:
            self.add_column(column.label, key=column.key, width=column.width)

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except (CellDoesNotExist, RowDoesNotExist):
            return None

    @property
    def item_count(self) -> int:
        return len(self._rows)

    def visible(self, key: str) -> bool:
        if self._pattern is None:
            return True
        return bool(self._pattern.search(self._search[key])) != self._inverted

    def apply(self, items: Mapping[str, T]) -> None:
        """Show exactly ``items``: render changed rows, add new, remove stale."""
        changed: dict[str, Row] = {}
        for key, item in items.items():
            signature = self.source.signature(item)
            if self._signatures.get(key) == signature and key in self._rows:
                continue
            self._signatures[key] = signature
            changed[key] = self.source.render(item)
            self._search[key] = self.source.search_text(item)
        stale = [key for key in self._rows if key not in items]
        for key in stale:
            del self._rows[key], self._signatures[key], self._search[key]
        if changed or stale:
            self._order = list(items)
        with self.app.batch_update():
            self._sync(changed, stale)
            self._measure_now()

    def _sync(self, changed: dict[str, Row], stale: list[str]) -> None:
        previous = {key: self._rows.get(key) for key in changed}
        self._rows.update(changed)
        leaving = [key for key in stale if key in self._shown]
        leaving += [key for key in changed if key in self._shown and not self.visible(key)]
        if len(leaving) > _REBUILD_ABOVE:
            self.rebuild()
            return
        for key in leaving:
            self._shown.discard(key)
            self.remove_row(key)
        resort = False
        sort_index = self._sort_index()
        updated: list[RowKey] = []
        for key, row in changed.items():
            if key in self._shown:
                old = previous[key] or ()
                cells = self._data[RowKey(key)]
                touched = False
                for index, (column, cell) in enumerate(zip(self.table_columns, row, strict=True)):
                    if index >= len(old) or old[index] != cell:
                        # What DataTable.update_cell stores (the key exists: the row is shown).
                        cells[ColumnKey(column.key)] = cell
                        touched = True
                        resort = resort or index == sort_index
                if touched:
                    updated.append(RowKey(key))
            elif self.visible(key):
                self.add_row(*row, key=key)
                self._shown.add(key)
                resort = True
        if resort and sort_index is not None:
            # sort() bumps _update_count and refreshes everything: no targeted refresh needed.
            self._sort_keeping_cursor()
        elif updated:
            self._refresh_rows(updated)

    def rebuild(self) -> None:
        """Clear and re-add the visible rows in order: the fast path after large changes."""
        selected = self.selected_key
        with self.app.batch_update():
            self.clear()
            self._shown = {key for key in self._order if key in self._rows and self.visible(key)}
            for key in self._order:
                if key in self._shown:
                    self.add_row(*self._rows[key], key=key)
            if self._sort_index() is not None:
                self._sort_keeping_cursor(selected)
            else:
                self._restore_cursor(selected)
            self._measure_now()

    def set_filter(self, text: str) -> None:
        """Raises :class:`FilterError` for an invalid regex and keeps the previous filter."""
        self._pattern, self._inverted = compile_filter(text)
        self.filter_text = text if self._pattern else ""
        self.rebuild()

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort by ``column``; choosing the current column again flips the direction."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._sort_keeping_cursor()

    def sort_next(self) -> None:
        keys = [c.key for c in self.table_columns]
        index = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        self.sort_by(keys[index % len(keys)], reverse=False)

    def restyle(self) -> None:
        """Render every row again (after a theme change) and rebuild."""
        self._signatures.clear()

    def add_row(self, *cells: CellType, **options: object) -> RowKey:
        self._layout_version += 1
        return super().add_row(*cells, **options)  # type: ignore[arg-type]

    def remove_row(self, row_key: RowKey | str) -> None:
        self._layout_version += 1
        super().remove_row(row_key)

    def clear(self, columns: bool = False) -> KeyedTable[T]:
        self._layout_version += 1
        return super().clear(columns)

    def sort(self, *columns: str, key: Callable[[object], object] | None = None,  # type: ignore[override]
             reverse: bool = False) -> KeyedTable[T]:
        self._layout_version += 1
        return super().sort(*columns, key=key, reverse=reverse)

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        """DataTable rebuilds this line map after every cell update (O(rows)); rows here are
        one line high, so it only changes when rows are added, removed or reordered."""
        if self._offsets_version != self._layout_version:
            self._offsets = [(row.key, 0) for row in self.ordered_rows]
            self._offsets_version = self._layout_version
        return self._offsets

    def _measure_now(self) -> None:
        """Measure new rows now rather than on idle, so no paint can show rows at stale widths."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths from the text length of new rows' cells, without a Rich measure per cell.

        A width change bumps ``_update_count``: it is part of every render cache key, and a
        cached header or row rendered at the old widths must not be painted again.
        """
        console = self.app.console
        columns = self.ordered_columns
        widths = [column.content_width for column in columns]
        for row_key in new_rows:
            row = self._data.get(row_key)
            if row is None:
                continue
            for index, column in enumerate(columns):
                cell = row.get(column.key)
                width = cell.cell_len if isinstance(cell, Text) else measure(console, cell, 1)
                if width > widths[index]:
                    widths[index] = width
        if widths != [column.content_width for column in columns]:
            for column, width in zip(columns, widths, strict=True):
                column.content_width = width
            self._update_count += 1
        super()._update_dimensions(())

    def _refresh_rows(self, row_keys: list[RowKey]) -> None:
        """Redraw rows whose cells were written in place, instead of DataTable.update_cell.

        update_cell bumps ``_update_count``, which is part of every render cache key, and
        refreshes the whole widget: every visible line is rendered again, cell by cell.
        Here only the changed rows' entries leave DataTable's private render caches
        (keyed as in Textual 8: cell and row caches by row key first, row renderables by
        (update_count, row index), lines by content y) and only their on-screen lines are
        marked dirty. Rows are one line high (see ``_y_offsets``). Column widths are not
        recomputed, as with update_cell's default ``update_width=False``.
        """
        keys = set(row_keys)
        locations = self._row_locations
        indices = {locations.get(key) for key in keys}
        top = self.header_height if self.show_header else 0
        lines = {top + index for index in indices}
        for cache, pick, wanted in ((self._cell_render_cache, 0, keys), (self._row_render_cache, 0, keys),
                                    (self._row_renderable_cache, 1, indices), (self._line_cache, 0, lines)):
            for cache_key in [k for k in cache.keys() if k[pick] in wanted]:  # type: ignore[index]
                cache.discard(cache_key)  # type: ignore[arg-type]
        window = self.window_region
        width = max(self.size.width, self.virtual_size.width)
        for y in sorted(lines):
            region = Region(0, y, width, 1)
            if window.overlaps(region):
                self.refresh(region.translate(-self.scroll_offset))

    def _sort_index(self) -> int | None:
        keys = [c.key for c in self.table_columns]
        return keys.index(self.sort_column) if self.sort_column in keys else None

    def _sort_keeping_cursor(self, selected: str | None = None) -> None:
        selected = selected or self.selected_key
        if self.sort_column is not None and self.row_count:
            self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        self._restore_cursor(selected)

    def _restore_cursor(self, key: str | None) -> None:
        if key is not None and key in self._shown:
            self.move_cursor(row=self.get_row_index(key), animate=False, scroll=False)
