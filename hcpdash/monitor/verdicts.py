"""Health verdicts from numbers and thresholds, each with the reason a person reads.

Pure functions on plain values: the dashboard, ``check`` and ``--json`` all read the
verdicts computed here, so a threshold means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from hcpdash.config import Thresholds


class Level(Enum):
    """Nagios plugin levels; ``value`` is the exit status of ``hcpdash check``."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3

    @property
    def rank(self) -> int:
        """Severity for "worst of": CRITICAL > WARNING > UNKNOWN > OK."""
        return _RANKS[self]


_RANKS = {Level.OK: 0, Level.UNKNOWN: 1, Level.WARNING: 2, Level.CRITICAL: 3}


@dataclass(frozen=True, slots=True)
class Verdict:
    level: Level
    reason: str
    subject: str = ""

    def __str__(self) -> str:
        prefix = f"{self.subject}: " if self.subject else ""
        return f"{self.level.name} {prefix}{self.reason}"


OK = Verdict(Level.OK, "ok")


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe verdict (the first of equals); OK when there are none."""
    result = OK
    for verdict in verdicts:
        if verdict.level.rank > result.level.rank:
            result = verdict
    return result


def _graded(value: float, warning: float, critical: float, what: str, shown: str, subject: str) -> Verdict:
    if value >= critical:
        return Verdict(Level.CRITICAL, f"{what} {shown} at or above the critical threshold", subject)
    if value >= warning:
        return Verdict(Level.WARNING, f"{what} {shown} at or above the warning threshold", subject)
    return Verdict(Level.OK, f"{what} {shown}", subject)


def format_bytes(count: float) -> str:
    """Binary units, as HCP shows quotas: 1536 → '1.50 KB'."""
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1024 or unit == "TB":
            return f"{value:.0f} B" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_duration(seconds: float) -> str:
    """Compact human duration: 42 s, 7 min, 3 h 20 min, 2 d 4 h."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(s // 3600, 24)
    return f"{d} d {h} h" if h else f"{d} d"


def latency(p95_ms: float, thresholds: Thresholds, subject: str = "") -> Verdict:
    return _graded(p95_ms, thresholds.latency_warning_ms, thresholds.latency_critical_ms,
                   "latency p95", f"{p95_ms:.0f} ms", subject)


def quota(used_bytes: int, hard_quota_bytes: int, soft_quota_percent: float, thresholds: Thresholds,
          subject: str = "") -> Verdict:
    """Used capacity against the hard quota; HCP's own soft quota raises at least a WARNING."""
    if hard_quota_bytes <= 0:
        return Verdict(Level.UNKNOWN, "no hard quota reported", subject)
    percent = 100.0 * used_bytes / hard_quota_bytes
    shown = f"{percent:.1f}% of {format_bytes(hard_quota_bytes)}"
    verdict = _graded(percent, thresholds.quota_warning_percent, thresholds.quota_critical_percent,
                      "used", shown, subject)
    if verdict.level is Level.OK and soft_quota_percent and percent >= soft_quota_percent:
        return Verdict(Level.WARNING, f"used {shown}, over the namespace soft quota of {soft_quota_percent:g}%",
                       subject)
    return verdict


def lag(lag_s: float, thresholds: Thresholds, subject: str = "") -> Verdict:
    """Replication lag = now − "up to date as of": the data at risk if the source dies now."""
    return _graded(lag_s, thresholds.lag_warning_s, thresholds.lag_critical_s,
                   "replication lag", format_duration(lag_s), subject)


def pending(pending_bytes: int, thresholds: Thresholds, subject: str = "") -> Verdict:
    return _graded(pending_bytes, thresholds.pending_warning_bytes, thresholds.pending_critical_bytes,
                   "pending", format_bytes(pending_bytes), subject)


def drain_eta_s(pending_bytes: int, bytes_per_second: float) -> float | None:
    """Seconds until the backlog drains at the current rate; None when it is not draining."""
    if pending_bytes <= 0:
        return 0.0
    if bytes_per_second <= 0:
        return None
    return pending_bytes / bytes_per_second


# statusMessage → level. The grouping follows the Console's icon groups (GOOD,
# WARNING, BAD); the exact mapping is inferred in the protocol reference (§4.4), so
# HCP's own `status` field wins whenever it is present.
_LINK_STATUS = {"GOOD": Level.OK, "WARNING": Level.WARNING, "BAD": Level.CRITICAL}


def link_status(status: str | None, status_message: str | None, subject: str = "") -> Verdict:
    message = status_message or "no status message"
    level = _LINK_STATUS.get((status or "").upper())
    if level is None:
        return Verdict(Level.UNKNOWN, f"link status {status!r} not recognised ({message})", subject)
    return Verdict(level, f"link {status} ({message})", subject)
