"""Cells that do not fit: names lose their middle, figures their spaces and decimals, text its end."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from hcpdash.tui.abbreviate import abbreviate, fit_text


@pytest.mark.parametrize(("value", "width", "shown"), [
    ("503.01 MB / 2.00 TB", 19, "503.01 MB / 2.00 TB"),
    ("503.01 MB / 2.00 TB", 17, "503.01MB / 2.00TB"),
    ("503.01 MB / 2.00 TB", 15, "503.01MB/2.00TB"),
    ("503.01 MB / 2.00 TB", 12, "503.01MB/2TB"),
    ("503.01 MB / 2.00 TB", 11, "503MB/2TB"),
    ("512.00 KB/s", 10, "512.00KB/s"),
    ("512.00 KB/s", 8, "512KB/s"),
    ("103.86 MB / 415", 11, "103.9MB/415"),
    ("1,032,725.55 MB", 11, "1,032,726MB"),
    ("99.96 %", 4, "100%"),
])
def test_a_figure_is_written_more_compactly_before_a_digit_is_cut(value: str, width: int, shown: str) -> None:
    assert abbreviate(value, width, "figure") == shown


def test_a_figure_is_cut_at_the_end_only_when_its_shortest_form_does_not_fit() -> None:
    assert abbreviate("503.01 MB / 2.00 TB", 5, "figure") == "503M…"


@pytest.mark.parametrize(("value", "width", "shown"), [
    ("finance-archive-2024", 15, "finance…ve-2024"),
    ("finance-archive-2024", 20, "finance-archive-2024"),
    ("hcp-prod-node-17.example.com", 12, "hcp-pr…e.com"),
    ("財務部門のアーカイブ", 9, "財務…イブ"),
    ("abc", 1, "…"),
])
def test_a_name_keeps_its_start_and_its_end(value: str, width: int, shown: str) -> None:
    assert abbreviate(value, width, "name") == shown
    assert cell_len(abbreviate(value, width, "name")) <= width


def test_other_text_is_cut_at_the_end_as_the_last_resort() -> None:
    assert abbreviate("Completing recovery", 17) == "Completing recov…"
    assert abbreviate("Completing recovery", 19) == "Completing recovery"
    assert abbreviate("Completing recovery", 0) == ""


def test_a_styled_cell_keeps_its_style_and_a_multicoloured_one_is_cut_at_the_end() -> None:
    fitted = fit_text(Text("finance-archive-2024", style="bold red"), 15, "name")
    assert fitted.plain == "finance…ve-2024" and fitted.style == "bold red"
    bar = Text.assemble(("█████", "green"), ("█████", "grey"), " 52%")
    assert fit_text(bar, 8, "figure").plain == "███████…"
