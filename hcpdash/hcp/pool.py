"""NodePool: the node addresses of one HCP system, their health and latency.

Pure bookkeeping, no I/O: the client reports each outcome here and asks for the next
address. Round robin over addresses that are not ejected; an address is ejected after
``eject_after`` consecutive connection failures or timeouts and re-admitted after a
successful probe, probes backing off exponentially. The last address standing is
never ejected: the pool reports the system as unreachable instead.
"""

from __future__ import annotations

import bisect
import enum
import logging
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

__all__ = ["LATENCY_BUCKETS_S", "AddressState", "AddressStats", "LatencySummary", "NodePool", "PoolSnapshot"]

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Upper bounds of the cumulative latency histogram (seconds), for a Prometheus histogram."""


class AddressState(enum.StrEnum):
    HEALTHY = "healthy"
    SUSPECT = "suspect"
    """Failed recently but still in rotation."""
    EJECTED = "ejected"
    """Out of rotation until a probe succeeds."""


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """Rolling figures over the samples of the last ``window_s`` seconds (at most ``window`` of them),
    in seconds (``None`` without samples); the EWMA spans every sample."""

    count: int
    p50: float | None
    p95: float | None
    max: float | None
    ewma: float | None
    buckets: tuple[int, ...] = ()
    """Samples ever taken at or below each bound of LATENCY_BUCKETS_S (cumulative, never windowed)."""
    total: int = 0
    """Samples ever taken."""
    total_s: float = 0.0
    """Their sum in seconds."""


@dataclass(frozen=True, slots=True)
class AddressStats:
    address: str
    state: AddressState
    consecutive_failures: int
    requests: int
    errors: int
    connects: int
    """New connections, each a TCP connect and (for HTTPS) a TLS handshake."""
    ejections: int
    """Times the address was taken out of rotation."""
    connect: LatencySummary
    latency: LatencySummary
    last_error: str | None
    last_error_age_s: float | None
    next_probe_in_s: float | None


@dataclass(frozen=True, slots=True)
class PoolSnapshot:
    """A read-only view of a pool for the monitor and the TUI."""

    system: str
    addresses: tuple[AddressStats, ...]
    unreachable: bool
    resolution_error: str | None
    departed: tuple[AddressStats, ...] = ()
    """Addresses that left the DNS answer, with the counters they had: they resume if it returns."""

    def get(self, address: str) -> AddressStats | None:
        return next((a for a in self.addresses if a.address == address), None)

    def counters(self, address: str) -> AddressStats | None:
        """The address's figures, in the pool or departed from it."""
        return self.get(address) or next((a for a in self.departed if a.address == address), None)


class _Samples:
    """Timed samples: quantiles over the last ``window_s`` seconds, so a cleared problem clears soon."""

    __slots__ = ("_window", "_window_s", "_clock", "ewma", "_alpha", "_bucket_counts", "_total", "_total_s")

    def __init__(self, window: int, alpha: float, window_s: float, clock: Callable[[], float]) -> None:
        self._window: deque[tuple[float, float]] = deque(maxlen=window)
        self._window_s = window_s
        self._clock = clock
        self._alpha = alpha
        self.ewma: float | None = None
        self._bucket_counts = [0] * (len(LATENCY_BUCKETS_S) + 1)
        self._total = 0
        self._total_s = 0.0

    def add(self, value: float) -> None:
        self._window.append((self._clock(), value))
        self.ewma = value if self.ewma is None else self.ewma + self._alpha * (value - self.ewma)
        self._bucket_counts[bisect.bisect_left(LATENCY_BUCKETS_S, value)] += 1
        self._total += 1
        self._total_s += value

    def summary(self) -> LatencySummary:
        running, buckets = 0, []
        for count in self._bucket_counts[:-1]:
            running += count
            buckets.append(running)
        totals = {"buckets": tuple(buckets), "total": self._total, "total_s": self._total_s}
        cutoff = self._clock() - self._window_s
        while self._window and self._window[0][0] < cutoff:
            self._window.popleft()
        if not self._window:
            return LatencySummary(0, None, None, None, self.ewma, **totals)
        ordered = sorted(value for _, value in self._window)
        return LatencySummary(len(ordered), _quantile(ordered, 0.5), _quantile(ordered, 0.95), ordered[-1], self.ewma,
                              **totals)


def _quantile(ordered: list[float], q: float) -> float:
    index = q * (len(ordered) - 1)
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


class _Address:
    __slots__ = ("address", "state", "consecutive_failures", "requests", "errors", "connects", "ejections",
                 "connect", "latency", "last_error", "last_error_at", "next_probe_at", "failed_probes")

    def __init__(self, address: str, window: int, alpha: float, window_s: float, clock: Callable[[], float]) -> None:
        self.address = address
        self.state = AddressState.HEALTHY
        self.consecutive_failures = 0
        self.requests = 0
        self.errors = 0
        self.connects = 0
        self.ejections = 0
        self.connect = _Samples(window, alpha, window_s, clock)
        self.latency = _Samples(window, alpha, window_s, clock)
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.next_probe_at: float | None = None
        self.failed_probes = 0


class NodePool:
    """Round-robin rotation and per-address statistics for one system."""

    def __init__(self, system: str, addresses: Iterable[str] = (), *, eject_after: int = 2,
                 window: int = 200, latency_window_s: float = 60.0, ewma_alpha: float = 0.2,
                 probe_base_s: float = 1.0, probe_max_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.system = system
        self.eject_after = eject_after
        self.probe_base_s = probe_base_s
        self.probe_max_s = probe_max_s
        self.resolution_error: str | None = None
        self._window = window
        self._window_s = latency_window_s
        self._alpha = ewma_alpha
        self._clock = clock
        self._entries: dict[str, _Address] = {}
        self._departed: dict[str, _Address] = {}
        self._turn = 0
        self._rotation: tuple[str, ...] | None = None
        self.update(addresses)

    # -- membership

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def in_rotation(self) -> tuple[str, ...]:
        """Addresses not ejected, in answer order (kept until one joins, leaves, is ejected or
        re-admitted: every request asks)."""
        if self._rotation is None:
            self._rotation = tuple(a for a, e in self._entries.items() if e.state is not AddressState.EJECTED)
        return self._rotation

    def _set_state(self, entry: _Address, state: AddressState) -> None:
        if (entry.state is AddressState.EJECTED) != (state is AddressState.EJECTED):
            self._rotation = None
        entry.state = state

    def update(self, addresses: Iterable[str]) -> None:
        """Merge a fresh answer: new addresses join healthy, vanished ones leave (keeping their
        counters should they return); the rest keep their state and statistics."""
        fresh = list(dict.fromkeys(addresses))
        added = [a for a in fresh if a not in self._entries]
        gone = [a for a in self._entries if a not in fresh]
        if self._entries and (added or gone):
            log.info("%s: DNS answer changed: %s", self.system, ", ".join(
                [f"+{a}" for a in added] + [f"-{a}" for a in gone]))
        self._rotation = None
        for address in gone:
            self._departed[address] = self._entries.pop(address)
        for address in fresh:
            if address not in self._entries:
                self._entries[address] = self._departed.pop(address, None) or _Address(
                    address, self._window, self._alpha, self._window_s, self._clock)
        self._keep_one_in_rotation()

    def _keep_one_in_rotation(self) -> None:
        if self._entries and not self.in_rotation():
            best = min(self._entries.values(), key=lambda e: e.next_probe_at or 0.0)
            self._set_state(best, AddressState.SUSPECT)
            best.next_probe_at = None

    # -- choosing

    def choose(self, exclude: Collection[str] = ()) -> str | None:
        """The next address in rotation, skipping ``exclude`` where another is available."""
        rotation = self.in_rotation()
        if not rotation:
            return None
        if not exclude:                             # a first attempt: every request
            self._turn += 1
            return rotation[self._turn % len(rotation)]
        skipped = set(exclude)
        candidates = [a for a in rotation if a not in skipped] or list(rotation)
        self._turn += 1
        return candidates[self._turn % len(candidates)]

    @property
    def unreachable(self) -> bool:
        """True when no address is known or every address in rotation is failing."""
        rotation = self.in_rotation()
        if not rotation:
            return True
        return all(self._entries[a].consecutive_failures >= self.eject_after for a in rotation)

    # -- outcomes

    def record_success(self, address: str, latency_s: float, connect_s: float | None = None) -> None:
        entry = self._entries.get(address)
        if entry is None:
            return
        entry.requests += 1
        entry.latency.add(latency_s)
        if connect_s is not None:
            entry.connects += 1
            entry.connect.add(connect_s)
        entry.consecutive_failures = 0
        entry.failed_probes = 0
        self._set_state(entry, AddressState.HEALTHY)
        entry.next_probe_at = None

    def record_error(self, address: str, error: str, latency_s: float | None = None) -> None:
        """An answer that counts as an error (e.g. HTTP 500) but says the node is reachable."""
        entry = self._entries.get(address)
        if entry is None:
            return
        entry.requests += 1
        entry.errors += 1
        if latency_s is not None:
            entry.latency.add(latency_s)
        entry.last_error, entry.last_error_at = error, self._clock()

    def record_failure(self, address: str, error: str) -> None:
        """A connection failure, timeout or unavailable node: counts towards ejection."""
        entry = self._entries.get(address)
        if entry is None:
            return
        entry.requests += 1
        entry.errors += 1
        entry.consecutive_failures += 1
        entry.last_error, entry.last_error_at = error, self._clock()
        if entry.state is AddressState.EJECTED:
            return
        self._set_state(entry, AddressState.SUSPECT)
        others = [a for a in self.in_rotation() if a != address]
        if entry.consecutive_failures >= self.eject_after and others:
            self._set_state(entry, AddressState.EJECTED)
            entry.ejections += 1
            entry.next_probe_at = self._clock() + self._probe_delay(entry)
            log.info("%s: %s ejected from the pool after %d consecutive failures (last: %s)", self.system,
                     address, entry.consecutive_failures, error)

    def _probe_delay(self, entry: _Address) -> float:
        return min(self.probe_max_s, self.probe_base_s * (2 ** min(entry.failed_probes, 30)))

    # -- re-admission

    def due_for_probe(self) -> tuple[str, ...]:
        if len(self.in_rotation()) == len(self._entries):
            return ()                               # none ejected: the common case, every request
        now = self._clock()
        return tuple(a for a, e in self._entries.items()
                     if e.state is AddressState.EJECTED and e.next_probe_at is not None and e.next_probe_at <= now)

    def record_probe(self, address: str, ok: bool, elapsed_s: float, error: str | None = None) -> None:
        """A probe result: success re-admits an ejected address; failure backs off further."""
        entry = self._entries.get(address)
        if entry is None:
            return
        if ok:
            if entry.state is AddressState.EJECTED:
                log.info("%s: %s re-admitted to the pool: its probe answered in %.3f s", self.system, address,
                         elapsed_s)
            entry.latency.add(elapsed_s)
            entry.consecutive_failures = 0
            entry.failed_probes = 0
            self._set_state(entry, AddressState.HEALTHY)
            entry.next_probe_at = None
            return
        entry.last_error, entry.last_error_at = error or "probe failed", self._clock()
        if entry.state is AddressState.EJECTED:
            entry.failed_probes += 1
            entry.next_probe_at = self._clock() + self._probe_delay(entry)
        else:
            self.record_failure(address, entry.last_error)
            entry.requests -= 1
            entry.errors -= 1

    # -- view

    def snapshot(self) -> PoolSnapshot:
        now = self._clock()

        def stats(e: _Address) -> AddressStats:
            return AddressStats(
                address=e.address, state=e.state, consecutive_failures=e.consecutive_failures,
                requests=e.requests, errors=e.errors, connects=e.connects, ejections=e.ejections,
                connect=e.connect.summary(), latency=e.latency.summary(), last_error=e.last_error,
                last_error_age_s=None if e.last_error_at is None else now - e.last_error_at,
                next_probe_in_s=None if e.next_probe_at is None else max(0.0, e.next_probe_at - now),
            )

        return PoolSnapshot(self.system, tuple(map(stats, self._entries.values())), self.unreachable,
                            self.resolution_error, tuple(map(stats, self._departed.values())))
