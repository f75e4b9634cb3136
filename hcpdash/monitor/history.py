"""Bounded history per series (node latency, link pending and lag, namespace used bytes).

Each series is a fixed-size ring of (time, value) points. The rings of one kind share a
:class:`RingBank`: one slot per series in a few ``array`` buffers, 16 bytes a point and no
object of its own, so that 10,000 namespaces cost their points and a dict entry each. A ring
may keep its points a minimum time apart (the newest point then stands for the latest value
until the next one is due), so that slow-moving series cover hours in a dozen points. Longer
spans are read from the history file.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterator


class RingBank:
    """The rings of many series of one shape: ``capacity`` points each, kept ``spacing_s`` apart."""

    __slots__ = ("capacity", "spacing_s", "_times", "_values", "_next", "_size", "_free")

    def __init__(self, capacity: int, spacing_s: float = 0.0) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.spacing_s = spacing_s
        self._times = array("d")
        self._values = array("d")
        self._next = array("I")
        self._size = array("I")
        self._free: list[int] = []

    def add(self) -> int:
        """A new, empty slot (a released one if any)."""
        if self._free:
            slot = self._free.pop()
            self._next[slot] = self._size[slot] = 0
            return slot
        self._times.frombytes(bytes(self._times.itemsize * self.capacity))
        self._values.frombytes(bytes(self._values.itemsize * self.capacity))
        self._next.append(0)
        self._size.append(0)
        return len(self._next) - 1

    def release(self, slot: int) -> None:
        self._free.append(slot)

    def __len__(self) -> int:
        """Slots in use."""
        return len(self._next) - len(self._free)

    def size(self, slot: int) -> int:
        return self._size[slot]

    def append(self, slot: int, t: float, value: float) -> None:
        """Grows until full, then overwrites the oldest point. Within ``spacing_s`` of the point before it,
        the newest point is replaced instead."""
        capacity, base, size, nxt = self.capacity, slot * self.capacity, self._size[slot], self._next[slot]
        times, values = self._times, self._values
        if size >= 2 and self.spacing_s:
            newest, before = base + (nxt - 1) % capacity, base + (nxt - 2) % capacity
            if times[newest] - times[before] < self.spacing_s:
                times[newest] = t
                values[newest] = value
                return
        times[base + nxt] = t
        values[base + nxt] = value
        self._next[slot] = (nxt + 1) % capacity
        if size < capacity:
            self._size[slot] = size + 1

    def order(self, slot: int) -> Iterator[int]:
        """Indexes of the slot's points, oldest first."""
        capacity, size = self.capacity, self._size[slot]
        base, start = slot * capacity, (self._next[slot] - size) % capacity
        return (base + (start + i) % capacity for i in range(size))

    def point(self, slot: int, age: int) -> tuple[float, float] | None:
        """The newest point (``age`` 0) or an older one; ``age`` -1 is the oldest."""
        size = self._size[slot]
        if not size:
            return None
        offset = -1 - age if age >= 0 else -size
        i = slot * self.capacity + (self._next[slot] + offset) % self.capacity
        return self._times[i], self._values[i]


class SeriesRing:
    """The most recent points of one series, oldest first when read: its slot in a bank (a bank of its own
    when made alone)."""

    __slots__ = ("bank", "slot")

    def __init__(self, capacity: int = 0, spacing_s: float = 0.0, *, bank: RingBank | None = None,
                 slot: int | None = None) -> None:
        if bank is None:
            bank = RingBank(capacity, spacing_s)
            slot = bank.add()
        assert slot is not None
        self.bank = bank
        self.slot = slot

    @property
    def capacity(self) -> int:
        return self.bank.capacity

    @property
    def spacing_s(self) -> float:
        return self.bank.spacing_s

    def __len__(self) -> int:
        return self.bank.size(self.slot)

    def append(self, t: float, value: float) -> None:
        self.bank.append(self.slot, t, value)

    def values(self) -> list[float]:
        values = self.bank._values
        return [values[i] for i in self.bank.order(self.slot)]

    def points(self) -> list[tuple[float, float]]:
        times, values = self.bank._times, self.bank._values
        return [(times[i], values[i]) for i in self.bank.order(self.slot)]

    def latest(self) -> tuple[float, float] | None:
        return self.bank.point(self.slot, 0)

    def first(self) -> tuple[float, float] | None:
        return self.bank.point(self.slot, -1)

    def rate(self) -> float | None:
        """Change per second between the oldest and newest point (growth, drain); O(1)."""
        if len(self) < 2:
            return None
        (t0, v0), (t1, v1) = self.first(), self.latest()  # type: ignore[misc]
        return (v1 - v0) / (t1 - t0) if t1 > t0 else None


class History:
    """Rings keyed by series id, e.g. ``("link", "hcp1", "AA-1", "bytes_pending")``, in one bank per kind (the
    key's first item); ``shapes`` gives the (capacity, spacing) of a kind's rings, others get ``capacity``."""

    def __init__(self, capacity: int = 360, shapes: dict[str, tuple[int, float]] | None = None) -> None:
        self.capacity = capacity
        self.shapes = shapes or {}
        self._banks: dict[Hashable, RingBank] = {}
        self._slots: dict[Hashable, int] = {}

    def _bank(self, key: Hashable) -> RingBank:
        kind = key[0] if isinstance(key, tuple) and key else None
        bank = self._banks.get(kind)
        if bank is None:
            shape = self.shapes.get(kind) if isinstance(kind, str) else None
            bank = self._banks[kind] = RingBank(*shape) if shape else RingBank(self.capacity)
        return bank

    def record(self, key: Hashable, t: float, value: float) -> None:
        bank = self._bank(key)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = bank.add()
        bank.append(slot, t, value)

    def get(self, key: Hashable) -> SeriesRing | None:
        slot = self._slots.get(key)
        return None if slot is None else SeriesRing(bank=self._bank(key), slot=slot)

    def values(self, key: Hashable) -> list[float]:
        ring = self.get(key)
        return ring.values() if ring else []

    def forget(self, keep: set[Hashable]) -> None:
        """Drop series no longer present (a deleted namespace, a removed node); their slots are reused."""
        for key in [k for k in self._slots if k not in keep]:
            self._bank(key).release(self._slots.pop(key))

    def keys(self) -> list[Hashable]:
        return list(self._slots)

    def __len__(self) -> int:
        return len(self._slots)
