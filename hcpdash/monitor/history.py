"""Bounded history per series (node latency, link pending and lag, namespace used bytes).

Each series is a fixed-size ring of (time, value) pairs stored in two ``array('d')``
buffers: 16 bytes a point. A ring may keep its points a minimum time apart (the newest
point then stands for the latest value until the next one is due), so that slow-moving
series of thousands of namespaces cover hours in a few dozen points.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterator


class SeriesRing:
    """The most recent ``capacity`` points of one series, oldest first when read."""

    __slots__ = ("_times", "_values", "_next", "_size", "capacity", "spacing_s")

    def __init__(self, capacity: int, spacing_s: float = 0.0) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.spacing_s = spacing_s
        self._times = array("d")
        self._values = array("d")
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, t: float, value: float) -> None:
        """Grows until full, then overwrites the oldest point: a slow series costs only what it holds.
        Within ``spacing_s`` of the point before it, the newest point is replaced instead."""
        if self._size >= 2 and self.spacing_s:
            newest, before = (self._next - 1) % self.capacity, (self._next - 2) % self.capacity
            if self._times[newest] - self._times[before] < self.spacing_s:
                self._times[newest] = t
                self._values[newest] = value
                return
        if self._size < self.capacity:
            self._times.append(t)
            self._values.append(value)
        else:
            self._times[self._next] = t
            self._values[self._next] = value
        self._next = (self._next + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def _order(self) -> Iterator[int]:
        start = (self._next - self._size) % self.capacity
        return ((start + i) % self.capacity for i in range(self._size))

    def values(self) -> list[float]:
        return [self._values[i] for i in self._order()]

    def points(self) -> list[tuple[float, float]]:
        return [(self._times[i], self._values[i]) for i in self._order()]

    def latest(self) -> tuple[float, float] | None:
        if not self._size:
            return None
        i = (self._next - 1) % self.capacity
        return self._times[i], self._values[i]

    def first(self) -> tuple[float, float] | None:
        if not self._size:
            return None
        i = (self._next - self._size) % self.capacity
        return self._times[i], self._values[i]

    def rate(self) -> float | None:
        """Change per second between the oldest and newest point (growth, drain); O(1)."""
        if self._size < 2:
            return None
        (t0, v0), (t1, v1) = self.first(), self.latest()  # type: ignore[misc]
        return (v1 - v0) / (t1 - t0) if t1 > t0 else None


class History:
    """Rings keyed by series id, e.g. ``("link", "hcp1", "AA-1", "bytes_pending")``; ``shapes`` gives the
    (capacity, spacing) of the rings of one kind (the key's first item), others get ``capacity``."""

    def __init__(self, capacity: int = 360, shapes: dict[str, tuple[int, float]] | None = None) -> None:
        self.capacity = capacity
        self.shapes = shapes or {}
        self._series: dict[Hashable, SeriesRing] = {}

    def record(self, key: Hashable, t: float, value: float) -> None:
        ring = self._series.get(key)
        if ring is None:
            shape = self.shapes.get(key[0]) if isinstance(key, tuple) and key else None
            ring = self._series[key] = SeriesRing(*shape) if shape else SeriesRing(self.capacity)
        ring.append(t, value)

    def get(self, key: Hashable) -> SeriesRing | None:
        return self._series.get(key)

    def values(self, key: Hashable) -> list[float]:
        ring = self._series.get(key)
        return ring.values() if ring else []

    def forget(self, keep: set[Hashable]) -> None:
        """Drop series no longer present (a deleted namespace, a removed node)."""
        for key in [k for k in self._series if k not in keep]:
            del self._series[key]

    def __len__(self) -> int:
        return len(self._series)
