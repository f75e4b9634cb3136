"""The trend plot's axes and the shared sparkline scale."""

from __future__ import annotations

from hcpdash.tui.style import nice_top, sparkline
from hcpdash.tui.widgets.plot import UNITS, columns, render_plot


def test_plot_has_value_labels_a_time_axis_and_gaps_where_nothing_was_recorded() -> None:
    points = [(0.0, 100.0), (10.0, 300.0), (50.0, 200.0)]
    lines = render_plot(points, 0.0, 60.0, 30, 4, UNITS["ms"]).plain.splitlines()
    assert lines[0].startswith("300 ms ┤") and lines[3].startswith("  0 ms ┤")
    assert lines[4].strip().startswith("└─")
    assert columns(points, 0.0, 60.0, 6) == [100.0, 300.0, None, None, None, 200.0]


def test_plot_says_when_the_range_is_empty() -> None:
    assert render_plot([], 0.0, 60.0, 30, 4, UNITS["bytes"]).plain == "no history recorded in this range"


def test_one_scale_for_a_column_shows_a_small_change_as_small() -> None:
    top = nice_top(9.0)
    assert top == 10.0 and nice_top(1200) == 2000 and nice_top(0) == 1.0
    assert sparkline([8.0, 9.0], top=top) == "▇█"
    assert sparkline([8.0, 9.0]) == "▁█"  # scaled to its own range, 8 → 9 looked like a jump
