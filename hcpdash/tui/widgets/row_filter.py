"""The filter language of the ``/`` prompt: ``[!][column:]regex``.

``regex`` is searched, ignoring case, in a row's search text (its names, states and messages) or, after
``column:``, in that column's cell as shown. ``!`` hides the matches instead. A column
is named by its header written in lower case with letters and digits only ("Last
seen" is ``lastseen``, "p95 ms" is ``p95ms``), or by the start of that name when only
one column starts so (``last``, ``p95``). A word before the first ``:`` that names no
column is an error, so a typo never silently matches nothing; ``\\:`` searches for a
colon in the whole row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

FILTER_HELP = (
    ("regex", "Rows whose names, states or messages match"),
    ("column:regex", "Match in one column: state:down"),
    ("!…", r"Hide the matches: !address:\.1[12]$"),
    ("column", "Its header in lower case, letters and digits only"),
    ("", "(lastseen, p95ms) or their start (last, p95)"),
    ("esc", "Clear the filter"),
)
"""The language in the words of the ``?`` help screen: (what is typed, what it does)."""

_COLUMN_PREFIX = re.compile(r"([A-Za-z][\w-]*):(.*)", re.DOTALL)


class FilterError(ValueError):
    """A filter with a bad regular expression or an unknown column; the message says which."""


@dataclass(frozen=True, slots=True)
class RowFilter:
    """Which rows a filter keeps: ``pattern`` searched in one column's text (``column`` is its index)
    or, when ``column`` is ``None``, in the row's search text; ``inverted`` hides matches."""

    pattern: re.Pattern[str]
    inverted: bool = False
    column: int | None = None

    def keeps(self, row: Sequence[Text], search_text: str) -> bool:
        text = search_text if self.column is None else row[self.column].plain
        return bool(self.pattern.search(text)) != self.inverted


def column_name(label: str) -> str:
    """How a filter names the column headed ``label``: lower case, letters and digits only."""
    return "".join(character for character in label.lower() if character.isalnum())


def find_column(typed: str, labels: Sequence[str]) -> int:
    """The index of the column ``typed`` names: its whole name, else the only name it starts."""
    wanted = column_name(typed)
    names = [column_name(label) for label in labels]
    if wanted in names:
        return names.index(wanted)
    starting = [index for index, name in enumerate(names) if name.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise FilterError(f"column {typed!r} is ambiguous: {', '.join(names[i] for i in starting)}")
    raise FilterError(f"no column {typed!r} (columns: {', '.join(names)}; {typed}\\: searches for the text)")


def parse_filter(text: str, labels: Sequence[str] = ()) -> RowFilter | None:
    """The filter typed after ``/`` for a table headed ``labels``, or ``None`` when it keeps every row;
    raises :class:`FilterError`."""
    inverted = text.startswith("!")
    pattern = text[1:] if inverted else text
    column = None
    prefixed = _COLUMN_PREFIX.fullmatch(pattern)
    if prefixed:
        column = find_column(prefixed.group(1), labels)
        pattern = prefixed.group(2)
    if not pattern:
        return None
    try:
        return RowFilter(re.compile(pattern, re.IGNORECASE), inverted, column)
    except re.error as exc:
        raise FilterError(f"not a valid regular expression: {exc}") from None
