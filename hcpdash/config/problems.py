"""What is wrong with a config file, located to a line: ``FILE:LINE: key.path: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a config file, located to a line."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        line = f"{self.line}:" if self.line else ""
        return printable(f"{self.file}:{line} {where}{self.message}")


def printable(text: str) -> str:
    """One line whatever the file held: unprintable characters (``\\r``, ``\\x00``, ``\\u200b``) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ConfigError(Exception):
    """A config that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

