"""The rows of a pane as the user sees them (filtered, sorted), for the clipboard or a file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hcpdash.tui.widgets.keyed_table import KeyedTable

Rows = Sequence[Sequence[str]]


def row_as_text(cells: Sequence[str]) -> str:
    """One row for the clipboard: tab-separated values, as spreadsheets paste them."""
    return "\t".join(cells)


def rows_as_csv(labels: Sequence[str], rows: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(labels)
    writer.writerows(rows)
    return out.getvalue()


def rows_as_json(pane: str, labels: Sequence[str], rows: Rows, filter_text: str, sort: str | None) -> str:
    """One document, like the command line's JSON: a schema id, then the rows as objects."""
    document = {"schema": "hcpdash.export/1", "pane": pane, "filter": filter_text or None, "sort": sort,
                "rows": [dict(zip(labels, row, strict=True)) for row in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def row_cells(table: KeyedTable[object], key: str) -> list[str]:
    """One row's cells as plain text, in column order."""
    return list(table.row_texts(key))


def table_rows(table: KeyedTable[object]) -> tuple[list[str], list[list[str]]]:
    """Column labels and the shown rows' plain text, top to bottom."""
    return [c.label for c in table.table_columns], [row_cells(table, key) for key in table.keys]
