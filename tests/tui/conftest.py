"""Frozen clock, UTC timestamps and no cursor blink, so Pilot runs and SVG snapshots are repeatable."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from textual.widgets import Input

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Input, "cursor_blink", False)
    yield
