"""The data behind a keyed table: rendered rows by key, and the filtered, sorted view of them.

No widget here, so it can be tested and timed on its own. An update re-renders only the
items whose signature changed; the view (which keys show, in which order) is recomputed
only when a key came or went, the order of the items changed, or a changed row moved in
the sort or in or out of the filter. Column widths only grow, as rows are rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rich.cells import cell_len

from hcpdash.tui.style import Cell

T = TypeVar("T")
Row = tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """``width`` fixes the column's width; ``None`` fits the label and the widest cell."""

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


@dataclass(frozen=True, slots=True)
class RowFilter:
    """Which rows a filter keeps: ``pattern`` searched in a row's search text, ``inverted`` hides matches."""

    pattern: re.Pattern[str]
    inverted: bool = False

    def keeps(self, row: Row, search_text: str) -> bool:
        return bool(self.pattern.search(search_text)) != self.inverted


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


def parse_filter(text: str) -> RowFilter | None:
    """The filter typed after ``/``, or ``None`` for an empty one; raises :class:`FilterError`."""
    pattern, inverted = compile_filter(text)
    return None if pattern is None else RowFilter(pattern, inverted)


@dataclass(slots=True)
class Change:
    """What an operation changed, so the widget repaints no more than that."""

    rows: list[str] = field(default_factory=list)
    """Keys whose cells changed and whose position in the view did not."""
    view: bool = False
    """The shown keys or their order changed: every visible line may differ."""
    widths: bool = False

    @property
    def any(self) -> bool:
        return self.view or self.widths or bool(self.rows)


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
        self.rows: dict[str, Row] = {}
        self.view: list[str] = []
        self.widths = [column.width if column.width is not None else cell_len(column.label) for column in self.columns]
        self._signatures: dict[str, Hashable] = {}
        self._search: dict[str, str] = {}
        self._kept: dict[str, bool] = {}
        self._order: list[str] = []
        self._positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.view)

    def index(self, key: str) -> int | None:
        """Where ``key`` shows in the view, or ``None`` when it is absent or filtered out."""
        return self._positions.get(key)

    def apply(self, items: Mapping[str, T]) -> Change:
        """Hold exactly ``items``: render the changed ones and update the view if it moved."""
        change = Change()
        rows, signatures, source = self.rows, self._signatures, self.source
        sort_index = self.sort_index()
        changed: list[str] = []
        added = False
        moved = False
        for key, item in items.items():
            signature = source.signature(item)
            old = rows.get(key)
            if old is not None and signatures[key] == signature:
                continue
            signatures[key] = signature
            row = rows[key] = source.render(item)
            search = self._search[key] = source.search_text(item)
            changed.append(key)
            if old is None:
                added = True
                continue
            if sort_index is not None and old[sort_index].sort_key != row[sort_index].sort_key:
                moved = True
            if self.filter is not None:
                kept = self.filter.keeps(row, search)
                moved = moved or kept != self._kept[key]
                self._kept[key] = kept
        if added and self.filter is not None:
            for key in changed:
                self._kept[key] = self.filter.keeps(rows[key], self._search[key])
        stale = [key for key in rows if key not in items] if len(rows) != len(items) else []
        for key in stale:
            del rows[key], signatures[key], self._search[key]
            self._kept.pop(key, None)
        order = list(items)
        if added or stale or moved or order != self._order:
            self._order = order
            self._rebuild_view()
            change.view = True
        else:
            change.rows = [key for key in changed if key in self._positions]
        change.widths = self._grow_widths(changed)
        return change

    def set_filter(self, text: str) -> Change:
        """Raises :class:`FilterError` for an invalid regex and keeps the previous filter."""
        self.filter = parse_filter(text)
        self.filter_text = text if self.filter else ""
        if self.filter is None:
            self._kept.clear()
        else:
            keeps = self.filter.keeps
            self._kept = {key: keeps(row, self._search[key]) for key, row in self.rows.items()}
        self._rebuild_view()
        return Change(view=True)

    def sort_by(self, column: str, reverse: bool | None = None) -> Change:
        """Sort by ``column``; choosing the current column again flips the direction."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._rebuild_view()
        return Change(view=True)

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
        """Render every item again on the next :meth:`apply` (after a theme change)."""
        self._signatures = dict.fromkeys(self._signatures)

    def _rebuild_view(self) -> None:
        kept = self._kept
        view = [key for key in self._order if kept[key]] if self.filter is not None else list(self._order)
        sort_index = self.sort_index()
        if sort_index is not None:
            rows = self.rows
            view.sort(key=lambda key: rows[key][sort_index].sort_key, reverse=self.sort_reverse)
        self.view = view
        self._positions = {key: index for index, key in enumerate(view)}

    def _grow_widths(self, keys: list[str]) -> bool:
        grown = False
        widths, rows = self.widths, self.rows
        for index, column in enumerate(self.columns):
            if column.width is not None:
                continue
            widest = max((rows[key][index].cell_len for key in keys), default=0)
            if widest > widths[index]:
                widths[index] = widest
                grown = True
        return grown
