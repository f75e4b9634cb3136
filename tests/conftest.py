"""Every test gets its own state directory, so the audit journal and the node inventories of one
test (or of an earlier run) never leak into another."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(state))
    return state
