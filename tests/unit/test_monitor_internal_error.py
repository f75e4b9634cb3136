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


class Captured(logging.Handler):
    """The records of one logger, whatever other tests did to logging's propagation."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_a_poll_that_breaks_is_a_failed_reading_and_an_unknown_verdict(monkeypatch) -> None:
    monkeypatch.setitem(POLLED, "links", PolledResource("links", "links", ("links",), broken))
    config = SystemConfig(name="hcp1", domain="hcp1.example.com",
                          credentials=Credentials("monitor", Secret("inline", ("pw-unit-1",))))
    monitor = SystemMonitor(config, read_only=True, history=History())
    logger, captured = logging.getLogger(system_module.__name__), Captured()
    monkeypatch.setattr(logger, "level", logging.INFO)
    monkeypatch.setattr(logger, "disabled", False)       # a logging setup elsewhere may have disabled it
    logger.addHandler(captured)
    try:
        with pytest.raises(KeyError):
            await monitor.poll("links")
    finally:
        logger.removeHandler(captured)
    reading = monitor.readings["links"]
    assert reading.error_kind == "InternalError" and "KeyError" in reading.error
    log = "\n".join(captured.lines)
    assert "poll links broke" in log and "poll links ok" not in log, log
    assert [v.level for v in monitor.verdicts() if v.reason.startswith("links:")] == [Level.UNKNOWN]
    await monitor.aclose()
