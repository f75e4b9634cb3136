from __future__ import annotations

import pytest

from hcpdash.config import Thresholds
from hcpdash.monitor import verdicts as v
from hcpdash.monitor.verdicts import Level, Verdict

T = Thresholds()  # latency 250/1000 ms, quota 85/95 %, lag 900/3600 s, pending 10/100 GB
GB = 1024**3


@pytest.mark.parametrize(("p95", "level"), [(12, Level.OK), (250, Level.WARNING), (999, Level.WARNING),
                                            (1000, Level.CRITICAL)])
def test_latency(p95: float, level: Level) -> None:
    assert v.latency(p95, T).level is level


def test_quota_levels_and_reason() -> None:
    assert v.quota(10 * GB, 100 * GB, 0, T).level is Level.OK
    warning = v.quota(90 * GB, 100 * GB, 0, T, subject="finance/invoices")
    assert warning.level is Level.WARNING
    assert str(warning) == ("WARNING finance/invoices: used 90.0% of 100.00 GB at or above the warning threshold")
    assert v.quota(96 * GB, 100 * GB, 0, T).level is Level.CRITICAL


def test_namespace_soft_quota_below_our_threshold_still_warns() -> None:
    verdict = v.quota(80 * GB, 100 * GB, 75, T)
    assert verdict.level is Level.WARNING and "soft quota of 75%" in verdict.reason


def test_missing_hard_quota_is_unknown_not_ok() -> None:
    assert v.quota(5, 0, 85, T).level is Level.UNKNOWN


def test_lag_and_pending() -> None:
    assert v.lag(60, T).reason == "replication lag 1 min"
    assert v.lag(901, T).level is Level.WARNING
    assert v.lag(3 * 3600 + 1200, T).reason == "replication lag 3 h 20 min at or above the critical threshold"
    assert v.pending(11 * GB, T).level is Level.WARNING
    assert v.pending(0, T).level is Level.OK


def test_drain_eta() -> None:
    assert v.drain_eta_s(1000, 100.0) == 10.0
    assert v.drain_eta_s(0, 0.0) == 0.0
    assert v.drain_eta_s(1000, 0.0) is None


@pytest.mark.parametrize(("status", "message", "level"), [
    ("GOOD", "Synchronizing data", Level.OK),
    ("WARNING", "Failed over", Level.WARNING),
    ("BAD", "Broken link", Level.CRITICAL),
    (None, None, Level.UNKNOWN),
    ("PURPLE", "Synchronizing data", Level.UNKNOWN),
])
def test_link_status(status: str | None, message: str | None, level: Level) -> None:
    assert v.link_status(status, message).level is level


def test_worst_prefers_critical_then_warning_then_unknown() -> None:
    ok = Verdict(Level.OK, "fine")
    unknown = Verdict(Level.UNKNOWN, "no data")
    warning = Verdict(Level.WARNING, "slow")
    critical = Verdict(Level.CRITICAL, "down")
    assert v.worst([]) is v.OK
    assert v.worst([ok, unknown]) is unknown
    assert v.worst([unknown, warning, ok]) is warning
    assert v.worst([warning, critical, unknown]) is critical
    assert [level.value for level in Level] == [0, 1, 2, 3]


def test_formatting() -> None:
    assert v.format_bytes(512) == "512 B"
    assert v.format_bytes(1536) == "1.50 KB"
    assert v.format_bytes(5 * 1024**5) == "5120.00 TB"
    assert [v.format_duration(s) for s in (42, 420, 7200, 90000)] == ["42 s", "7 min", "2 h", "1 d 1 h"]
