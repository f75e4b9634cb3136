"""The `/` filter language: whole row by default, `column:regex` for one column, `!` to hide."""

from __future__ import annotations

import pytest
from rich.text import Text

from hcpdash.tui.panes.nodes import COLUMNS as NODE_COLUMNS
from hcpdash.tui.widgets.row_filter import FilterError, column_name, parse_filter

LABELS = [column.label for column in NODE_COLUMNS]
ROW_DOWN = tuple(Text(v) for v in ("hcp1", "10.1.0.12", "down", "3 min", *["–"] * 10, "ConnectError: refused"))
ROW_UP = tuple(Text(v) for v in ("hcp2", "10.2.0.13", "up", "now", *["–"] * 10, ""))


def kept(text: str) -> list[str]:
    row_filter = parse_filter(text, LABELS)
    assert row_filter is not None
    return [row[1].plain for row in (ROW_DOWN, ROW_UP) if row_filter.keeps(row, " ".join(c.plain for c in row))]


def test_column_names_are_headers_in_lower_case_without_spaces_or_signs() -> None:
    assert [column_name(label) for label in ("Last seen", "p95 ms", "Used / quota", "Growth/day")] == [
        "lastseen", "p95ms", "usedquota", "growthday"]


def test_a_column_filter_searches_only_that_column() -> None:
    assert kept("state:down") == ["10.1.0.12"]
    assert kept("STATE:UP") == ["10.2.0.13"]
    assert kept("address:\\.1[12]$") == ["10.1.0.12"]
    assert kept("!address:\\.1[12]$") == ["10.2.0.13"]
    assert kept("system:hcp2") == ["10.2.0.13"]


def test_the_whole_row_is_the_default_and_a_backslash_colon_is_literal() -> None:
    assert kept("hcp") == ["10.1.0.12", "10.2.0.13"]
    assert kept("!down") == ["10.2.0.13"]
    assert kept("ConnectError\\:") == ["10.1.0.12"]
    assert kept("10:30") == []


def test_a_column_is_named_by_its_whole_name_or_the_only_name_it_starts() -> None:
    assert kept("lasterror:refused") == ["10.1.0.12"]
    assert kept("last_error:refused") == kept("last-error:refused") == ["10.1.0.12"]
    assert kept("lasts:min") == ["10.1.0.12"]
    assert kept("addr:13") == ["10.2.0.13"]


@pytest.mark.parametrize(("text", "message"), [
    ("colour:red", "no column 'colour' (columns: system, address, state, lastseen"),
    ("last:x", "column 'last' is ambiguous: lastseen, lasterror"),
    ("state:([", "not a valid regular expression"),
    ("([", "not a valid regular expression"),
])
def test_an_unknown_or_ambiguous_column_or_a_bad_regex_is_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text, LABELS)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_an_empty_filter_or_an_empty_column_pattern_keeps_every_row() -> None:
    assert parse_filter("", LABELS) is None
    assert parse_filter("!", LABELS) is None
    assert parse_filter("state:", LABELS) is None
