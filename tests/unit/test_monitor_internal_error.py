"""A poll that breaks inside hcpdash (not an HCP answer) marks its readings as failed: the
data is never shown as read or fresh, and the log says the poll broke, not that it was ok."""

from __future__ import annotations

import logging

import pytest

from hcpdash.config import Credentials, Secret, SystemConfig
from hcpdash.monitor import system as system_module
from hcpdash.monitor.history import History
from hcpdash.monitor.system import POLLED, PolledResource, SystemMonitor
from hcpdash.monitor.verdicts import Level


async def broken(monitor: SystemMonitor) -> None:
    raise KeyError("statusMessage")


async def test_a_poll_that_breaks_is_a_failed_reading_and_an_unknown_verdict(monkeypatch, caplog) -> None:
    monkeypatch.setitem(POLLED, "links", PolledResource("links", "links", ("links",), broken))
    config = SystemConfig(name="hcp1", domain="hcp1.example.com",
                          credentials=Credentials("monitor", Secret("inline", ("pw-unit-1",))))
    monitor = SystemMonitor(config, read_only=True, history=History())
    with caplog.at_level(logging.INFO, logger=system_module.__name__), pytest.raises(KeyError):
        await monitor.poll("links")
    reading = monitor.readings["links"]
    assert reading.error_kind == "InternalError" and "KeyError" in reading.error
    assert "poll links broke" in caplog.text and "poll links ok" not in caplog.text
    assert [v.level for v in monitor.verdicts() if v.reason.startswith("links:")] == [Level.UNKNOWN]
    await monitor.aclose()
