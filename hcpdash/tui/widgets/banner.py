"""The line a pane shows above its table when one of its readings is not fresh and good."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rich.text import Text
from textual.widgets import Static

from hcpdash.monitor.snapshot import Reading
from hcpdash.monitor.verdicts import format_duration
from hcpdash.tui.style import Palette

ProblemKind = Literal["loading", "stale", "failing", "denied", "not-hcp"]

_ACCESS_ERRORS = {"AuthenticationError", "AuthorizationError", "AccessDenied"}


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    message: str


def reading_problem(system: str, what: str, reading: Reading[Any], now: float) -> Problem | None:
    """Loading, stale, failing, denied or not an HCP; ``None`` when the reading is fresh and good."""
    age = reading.age(now)
    kept = f"; showing data from {format_duration(age)} ago" if age is not None else ""
    hint = f" — {reading.hint}" if reading.hint and reading.hint not in (reading.error or "") else ""
    if reading.error_kind == "NotAnHcp":
        return Problem("not-hcp", f"{system} is not an HCP system: {reading.error}{hint}")
    if reading.error_kind in _ACCESS_ERRORS:
        return Problem("denied", f"{system}: {what}: access denied ({reading.error}){hint}{kept}")
    if reading.error:
        return Problem("failing", f"{system}: {what}: {reading.error}{hint}{kept}")
    if not reading.loaded:
        return Problem("loading", f"{system}: loading {what}…")
    if reading.is_stale(now):
        return Problem("stale", f"{system}: {what} are stale, last updated {format_duration(age or 0)} ago")
    return None


class Banner(Static):
    """One line per problem, coloured by kind; hidden when there is none."""

    def show_problems(self, problems: Iterable[Problem], palette: Palette) -> None:
        colours = {"loading": palette.unknown, "stale": palette.stale, "failing": palette.failing,
                   "denied": palette.failing, "not-hcp": palette.failing}
        content = Text()
        for problem in problems:
            if content:
                content.append("\n")
            content.append("● ", colours[problem.kind])
            content.append(problem.message)
        self.display = bool(content)
        self.update(content)
