"""Activity rates from the chargeback report's cumulative traffic counters.

A rate needs two readings of the same counters: the first report gives none. The time
between them is the reports' end times when both have one (HCP's own clock), else the
times they were read. A counter lower than last time (a reset, a restarted window)
gives no rate for that interval, never a negative one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from hcpdash.hcp.models import Statistics, TrafficCounters

__all__ = ["Activity", "ActivityTracker", "rate_between"]


@dataclass(frozen=True, slots=True)
class Activity:
    """Traffic per second over the last interval between two reports."""

    bytes_in_per_s: float
    bytes_out_per_s: float
    reads_per_s: float
    writes_per_s: float
    deletes_per_s: float

    @property
    def bytes_per_s(self) -> float:
        """Ingest plus read bytes per second: how hard the namespace works HCP right now."""
        return self.bytes_in_per_s + self.bytes_out_per_s

    @classmethod
    def total(cls, parts: Iterable[Activity]) -> Activity | None:
        items = list(parts)
        if not items:
            return None
        return cls(sum(a.bytes_in_per_s for a in items), sum(a.bytes_out_per_s for a in items),
                   sum(a.reads_per_s for a in items), sum(a.writes_per_s for a in items),
                   sum(a.deletes_per_s for a in items))


@dataclass(frozen=True, slots=True)
class _Sample:
    counters: TrafficCounters
    as_of: float | None
    read_at: float


def rate_between(before: _Sample, after: _Sample) -> Activity | None:
    if before.as_of is not None and after.as_of is not None:
        elapsed = after.as_of - before.as_of
    else:
        elapsed = after.read_at - before.read_at
    if elapsed <= 0:
        return None
    a, b = before.counters, after.counters
    deltas = (b.bytes_in - a.bytes_in, b.bytes_out - a.bytes_out, b.reads - a.reads, b.writes - a.writes,
              b.deletes - a.deletes)
    if min(deltas) < 0:
        return None
    return Activity(*(d / elapsed for d in deltas))


class ActivityTracker:
    """The last counters and rate per key (a namespace); keys not seen in an update are dropped."""

    def __init__(self) -> None:
        self._samples: dict[Hashable, _Sample] = {}
        self._rates: dict[Hashable, Activity] = {}

    def get(self, key: Hashable) -> Activity | None:
        return self._rates.get(key)

    def update(self, statistics: dict[Hashable, Statistics], read_at: float) -> None:
        """Take one statistics read; a report whose end time has not moved keeps the last rate."""
        for key in set(self._samples) - set(statistics):
            self._samples.pop(key, None)
            self._rates.pop(key, None)
        for key, stats in statistics.items():
            if stats.counters is None:
                self._samples.pop(key, None)
                self._rates.pop(key, None)
                continue
            sample = _Sample(stats.counters, stats.as_of, read_at)
            before = self._samples.get(key)
            if before is not None and sample.as_of is not None and sample.as_of == before.as_of:
                continue
            self._samples[key] = sample
            rate = rate_between(before, sample) if before is not None else None
            if rate is None:
                self._rates.pop(key, None)
            else:
                self._rates[key] = rate
