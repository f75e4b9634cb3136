"""The data behind a keyed table: rows by key, and the filtered, sorted view of them.

No widget here, so it can be tested and timed on its own. An update looks at every item's
signature but renders only the rows drawn: a changed item's row is rendered when it is
drawn (or by :meth:`TableModel.render_pending`, a slice at a time, so column widths
settle), so a large update costs the rows on screen, not the rows held. Sorting reads
the row source's plain sort values and a whole-row filter its search text, so neither
renders a row. The view (which keys show, in which order) is recomputed only when a key
came or went, the order of the items changed, or a changed row moved in the sort or in
or out of the filter. Column widths only grow, as rows are rendered.

A rendered row is held as plain values, not as its cells: each cell's text, and its
:data:`Look` (style, spans, kind), one shared tuple for all cells that look alike. Rich
text is some four objects a cell for Python's cycle collector to walk, at every full
collection; tuples of strings and numbers it stops walking after their first
collection. The widget builds text only for the rows it draws.
"""

from __future__ import annotations

import sys

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Generic, TypeVar, overload

from rich.cells import cell_len
from rich.style import Style
from rich.text import Span, Text

from hcpdash.tui.abbreviate import ValueKind
from hcpdash.tui.style import Cell, sort_key_for
from hcpdash.tui.widgets.row_filter import FilterError, RowFilter, parse_filter

T = TypeVar("T")
Row = tuple[Cell, ...]
Look = tuple[str | Style, tuple[tuple[int, int, str | Style], ...], ValueKind]
"""How a cell looks apart from its text: its style, its spans (start, end, style) and its kind."""

LOOKS_SHARED = 4096
"""Distinct looks remembered for sharing; past that the memory starts afresh (rows keep theirs)."""


def look_of(cell: Cell, looks: dict[Look, Look]) -> Look:
    """``cell``'s look, the one already in ``looks`` when an equal one is there."""
    look: Look = (cell.style, tuple((span.start, span.end, span.style) for span in cell.spans), cell.kind)
    shared = looks.get(look)
    if shared is None:
        if len(looks) >= LOOKS_SHARED:
            looks.clear()
        shared = looks[look] = look
    return shared


def drawn_text(text: str, look: Look) -> Text:
    """A cell to draw, from its text and look."""
    style, spans, _ = look
    return Text(text, style, no_wrap=True, overflow="ellipsis", spans=[Span(*span) for span in spans])


@dataclass(frozen=True, slots=True)
class Column:
    """``width`` fixes the column's width; ``None`` fits the label and the widest cell, up to ``max_width``."""

    key: str
    label: str
    width: int | None = None
    max_width: int | None = None


@dataclass(frozen=True, slots=True)
class RowSource(Generic[T]):
    """How a pane turns its items into rows."""

    signature: Callable[[T], Hashable]
    render: Callable[[T], Row]
    search_text: Callable[[T], str]
    sort_value: Callable[[T, str], object] | None = None
    """The value an item's cell in a column (by key) sorts by, read without rendering the row;
    without it, sorting renders every row."""


@dataclass(slots=True)
class Change:
    """What an operation changed, so the widget repaints no more than that."""

    rows: list[str] = field(default_factory=list)
    """Keys whose cells changed (or will change when rendered)."""
    view: bool = False
    """The shown keys or their order changed: every visible line may differ."""
    widths: bool = False


class TableModel(Generic[T]):
    """Rows by key, a remembered sort and filter, and the view they give."""

    def __init__(self, columns: Iterable[Column], source: RowSource[T], *, sort_column: str | None = None,
                 sort_reverse: bool = False) -> None:
        self.columns = tuple(columns)
        self.source = source
        self.sort_column = sort_column
        self.sort_reverse = sort_reverse
        self.filter: RowFilter | None = None
        self.filter_text = ""
        self.view: list[str] = []
        self.widths_grew = False
        """Set when drawing a pending row widened a column; the widget clears it."""
        self.widths = [column.width if column.width is not None else cell_len(column.label) for column in self.columns]
        self._forgotten = False
        """Set by :meth:`forget_rendering`: the next update renders every item again, changed or not."""
        self._items: dict[str, T] = {}
        """Each key's item; items are immutable, so an item's signature is read again, not kept."""
        self._texts: dict[str, tuple[str, ...]] = {}
        """Each rendered row's cells as plain text."""
        self._looks: dict[str, tuple[Look, ...]] = {}
        """Each rendered row's cells' looks, shared through :attr:`_shared_looks`."""
        self._shared_looks: dict[Look, Look] = {}
        self._pending: dict[str, None] = {}
        """Keys whose row is not rendered yet, oldest first."""
        self._search: dict[str, str] = {}
        self._sort_keys: dict[str, Any] = {}
        """Each key's sort key in the sort column, once read."""
        self._kept: dict[str, bool] = {}
        self._order: list[str] = []
        self._positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.view)

    @property
    def item_count(self) -> int:
        return len(self._items)

    @property
    def pending(self) -> int:
        """Changed items whose row is not rendered yet."""
        return len(self._pending)

    def row(self, key: str) -> Row:
        """``key``'s cells, rendered now (with the values they sort by); raises ``KeyError`` for an
        unknown key. Drawing reads :meth:`drawn` instead, which renders no row again."""
        if key in self._pending:
            row = self._render(key)
            self.widths_grew = self._grow_widths([row]) or self.widths_grew
            return row
        return self.source.render(self._items[key])

    def texts(self, key: str) -> tuple[str, ...]:
        """``key``'s cells as plain text, as drawn; renders the row only when it is pending."""
        if key not in self._texts:
            self.row(key)
        return self._texts[key]

    def drawn(self, key: str) -> tuple[tuple[str, ...], tuple[Look, ...]]:
        """``key``'s cells to draw, as text and looks; renders the row only when it is pending."""
        if key not in self._texts:
            self.row(key)
        return self._texts[key], self._looks[key]

    def item(self, key: str) -> T:
        """The item behind ``key``'s row; raises ``KeyError`` for an unknown key."""
        return self._items[key]

    def render_pending(self, limit: int | None = None) -> bool:
        """Render up to ``limit`` pending rows (all by default); ``True`` when a column widened."""
        return self._grow_widths([self._render(key) for key in list(islice(self._pending, limit))])

    def render_pending_of(self, keys: Iterable[str]) -> bool:
        """Render those of ``keys`` whose row is pending; ``True`` when a column widened."""
        pending = self._pending
        return self._grow_widths([self._render(key) for key in keys if key in pending])

    def index(self, key: str) -> int | None:
        """Where ``key`` shows in the view, or ``None`` when it is absent or filtered out."""
        return self._positions.get(key)

    def apply(self, items: Mapping[str, T]) -> Change:
        """Hold exactly ``items``: note the changed ones and update the view if it moved.

        Items are immutable: the object already held for a key is that key's row unchanged, and the
        signature of an item held is read from it again when a new item for its key arrives."""
        source, sort_keys, held = self.source, self._sort_keys, self._items
        sorted_ = self.sort_index() is not None
        changed: list[str] = []
        added = False
        moved = False
        forgotten, self._forgotten = self._forgotten, False
        candidates = list(items) if forgotten else [key for key, item in items.items() if held.get(key) is not item]
        signature = source.signature
        for key in candidates:
            item = items[key]
            old = held.get(key, _ABSENT)
            known = old is not _ABSENT
            if known and not forgotten and signature(old) == signature(item):
                held[key] = item
                continue
            held[key] = item
            self._search[key] = source.search_text(item)
            self._texts.pop(key, None)
            self._looks.pop(key, None)
            self._pending[key] = None
            changed.append(key)
            if not known:
                added = True
                continue
            if sorted_:
                old = sort_keys.pop(key, None)
                moved = moved or old is None or old != self._sort_key(key)
            if self.filter is not None:
                kept = self._keeps(key)
                moved = moved or kept != self._kept.get(key)
                self._kept[key] = kept
        if added and self.filter is not None:
            for key in changed:
                self._kept[key] = self._keeps(key)
        stale = [key for key in held if key not in items] if len(held) != len(items) else []
        for key in stale:
            del self._search[key], held[key]
            self._texts.pop(key, None)
            self._looks.pop(key, None)
            self._pending.pop(key, None)
            sort_keys.pop(key, None)
            self._kept.pop(key, None)
        change = Change(rows=changed)
        order = list(items)
        if added or stale or moved or order != self._order:
            self._order = order
            self._rebuild_view()
            change.view = True
        change.widths, self.widths_grew = self.widths_grew, False
        return change

    def set_filter(self, text: str) -> Change:
        """Raises :class:`FilterError` for a bad filter and keeps the previous one."""
        self.filter = parse_filter(text, [column.label for column in self.columns])
        self.filter_text = text if self.filter else ""
        self._kept = {key: self._keeps(key) for key in self._items} if self.filter is not None else {}
        self._rebuild_view()
        change = Change(view=True, widths=self.widths_grew)
        self.widths_grew = False
        return change

    def sort_by(self, column: str, reverse: bool | None = None) -> Change:
        """Sort by ``column``; choosing the current column again flips the direction."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        if column != self.sort_column:
            self._sort_keys.clear()
        self.sort_column, self.sort_reverse = column, reverse
        self._rebuild_view()
        change = Change(view=True, widths=self.widths_grew)
        self.widths_grew = False
        return change

    def sort_next(self) -> Change:
        keys = [column.key for column in self.columns]
        index = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        return self.sort_by(keys[index % len(keys)], reverse=False)

    def sort_index(self) -> int | None:
        for index, column in enumerate(self.columns):
            if column.key == self.sort_column:
                return index
        return None

    def forget_rendering(self) -> None:
        """Render every item again on the next :meth:`apply` (after a theme change), even one held."""
        self._forgotten = True
        self._shared_looks.clear()

    def _sort_key(self, key: str) -> Any:
        """``key``'s sort key in the sort column: the source's sort value, else its rendered cell's."""
        sort_key = self._sort_keys.get(key)
        if sort_key is None:
            value = self.source.sort_value
            if value is not None:
                sort_key = sort_key_for(value(self._items[key], self.sort_column or ""))
            else:
                sort_key = self.row(key)[self.sort_index() or 0].sort_key
            self._sort_keys[key] = sort_key
        return sort_key

    def _keeps(self, key: str) -> bool:
        """Whether the filter keeps ``key``'s row; a row is rendered only if the filter reads its cells."""
        assert self.filter is not None
        return self.filter.keeps(ShownRow(self, key), self._search[key])

    def _rebuild_view(self) -> None:
        kept = self._kept
        view = [key for key in self._order if kept[key]] if self.filter is not None else list(self._order)
        if self.sort_index() is not None:
            view.sort(key=self._sort_key, reverse=self.sort_reverse)
        self.view = view
        self._positions = {key: index for index, key in enumerate(view)}

    def _render(self, key: str) -> Row:
        """Render ``key``'s row and hold its text and looks."""
        row = self.source.render(self._items[key])
        looks = self._shared_looks
        # Interned: a column's repeated values (system, tenant, quota, "–", settings) are one
        # string each instead of one per row, about 2 MiB at 10,000 rows.
        self._texts[key] = tuple(sys.intern(cell.plain) for cell in row)
        self._looks[key] = tuple(look_of(cell, looks) for cell in row)
        self._pending.pop(key, None)
        return row

    def _grow_widths(self, rows: list[Row]) -> bool:
        grown = False
        widths = self.widths
        for index, column in enumerate(self.columns):
            if column.width is not None:
                continue
            widest = max((row[index].cell_len for row in rows), default=0)
            if column.max_width is not None:
                widest = min(widest, column.max_width)
            if widest > widths[index]:
                widths[index] = widest
                grown = True
        return grown


_ABSENT: Any = object()


class ShownRow(Sequence[Text]):
    """A row's cells as the plain text they show, for a filter; read without rendering the row
    again when it was rendered before, and without rendering at all when no cell is read."""

    __slots__ = ("key", "model")

    def __init__(self, model: TableModel[Any], key: str) -> None:
        self.model = model
        self.key = key

    @overload
    def __getitem__(self, index: int) -> Text: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Text]: ...

    def __getitem__(self, index: int | slice) -> Text | Sequence[Text]:
        texts = self.model.texts(self.key)
        if isinstance(index, slice):
            return tuple(Text(text) for text in texts[index])
        return Text(texts[index])

    def __len__(self) -> int:
        return len(self.model.columns)
