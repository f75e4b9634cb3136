"""The node inventory: every node address a system has ever shown, kept across runs.

HCP's DNS stops handing out a node that is down, and its node statistics drop it, so
a monitor that only looks at what HCP shows *now* cannot see the node it most needs
to see. The inventory remembers each address ever seen (in a DNS answer, in node
statistics, in a static list) with when it was first and last seen and its last
state, in one JSON file per system under ``<state dir>/nodes/``. A one-shot
``hcpdash check`` run by cron thus knows the nodes earlier runs saw.

The file is replaced atomically (write, fsync, rename); a missing file starts an empty
inventory, an unreadable one is set aside as ``*.corrupt`` with one warning and
rebuilt from what the next polls see.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

SCHEMA = "hcpdash.node-inventory/1"
INVENTORY_DIR = "nodes"
SAVE_EVERY_S = 60.0
"""A "last seen" that only moved on is written at most this often; new nodes and state changes at once."""

LOST_STATES = frozenset({"down", "missing", "unreachable"})
NODE_STATES = ("up", "read-only", "suspect", "down", "unreachable", "missing")
"""Every state a node view can be in (see :func:`hcpdash.monitor.nodes.node_state`)."""


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """What the inventory remembers of one node address."""

    address: str
    first_seen: float
    last_seen: float | None
    """When the node was last seen available, epoch seconds (None: never, e.g. down since first listed)."""
    last_state: str
    since: float
    """When the node last went from available to lost or back."""
    node_number: int | None = None

    @property
    def lost(self) -> bool:
        return self.last_state in LOST_STATES


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


def _epoch(text: Any) -> float:
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    return datetime.fromisoformat(text).timestamp()


def _record_json(record: NodeRecord) -> dict[str, Any]:
    return {"address": record.address, "node_number": record.node_number, "first_seen": _iso(record.first_seen),
            "last_seen": None if record.last_seen is None else _iso(record.last_seen), "last_state": record.last_state, "since": _iso(record.since)}


def _record_of(item: Any) -> NodeRecord:
    if not isinstance(item, dict) or not isinstance(item.get("address"), str) or not item["address"]:
        raise ValueError("a node without an address")
    number = item.get("node_number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise ValueError(f"node_number {number!r} is not an integer")
    state = item.get("last_state")
    if not isinstance(state, str):
        raise ValueError(f"last_state {state!r} is not a string")
    last_seen = item.get("last_seen")
    return NodeRecord(item["address"], _epoch(item.get("first_seen")), None if last_seen is None else _epoch(last_seen),
                      state, _epoch(item.get("since")), number)


class InventoryError(Exception):
    """The inventory file cannot be read or written; the message names the file and why."""


class NodeInventory:
    """The remembered nodes of one system, and the file that keeps them (``None``: memory only)."""

    def __init__(self, system: str, domain: str, path: Path | None = None,
                 records: Iterable[NodeRecord] = ()) -> None:
        self.system = system
        self.domain = domain
        self.path = path
        self.records: dict[str, NodeRecord] = {r.address: r for r in records}
        self.problems: list[str] = []
        """Warnings for the user (unreadable file set aside, a failed write); taken by whoever reports them."""
        self._saved_at: float | None = None
        self._dirty = False
        self._on_disk: tuple[int, int, int] | None = None
        self._written: frozenset[str] = frozenset()
        self._write_failing = False

    # -- the file

    @classmethod
    def load(cls, system: str, domain: str, path: Path | None) -> NodeInventory:
        """The inventory in ``path``; empty when there is none, rebuilt (with a warning) when unreadable."""
        inventory = cls(system, domain, path)
        if path is None:
            return inventory
        try:
            records, stamp = _read(path, domain)
        except FileNotFoundError:
            return inventory
        except OSError as exc:
            inventory.problems.append(f"the node inventory {path} cannot be read ({_reason(exc)}); "
                                      f"starting from what hcpdash sees now")
            return inventory
        except InventoryError as exc:
            inventory.problems.append(f"{exc}; it is set aside as {path.name}.corrupt and rebuilt from what "
                                      f"hcpdash sees next")
            try:
                os.replace(path, path.with_name(path.name + ".corrupt"))
            except OSError:
                pass
            inventory._dirty = True
            return inventory
        inventory.records = {r.address: r for r in records}
        inventory._on_disk, inventory._written = stamp, frozenset(inventory.records)
        return inventory

    def save_if_due(self, now: float) -> None:
        """Write when something changed that matters, or when the last write is old enough."""
        if self._dirty or self._saved_at is None or now - self._saved_at >= SAVE_EVERY_S:
            self.save(now)

    def save(self, now: float | None = None) -> None:
        """Write the file atomically; a failure becomes one warning in ``problems``, not an exception."""
        if self.path is None:
            self._dirty = False
            return
        try:
            self._merge_others_changes()
            document = {"schema": SCHEMA, "system": self.system, "domain": self.domain,
                        "nodes": [_record_json(r) for r in self.sorted()]}
            _write_atomically(self.path, json.dumps(document, indent=2) + "\n")
            stat = self.path.stat()
        except (OSError, InventoryError) as exc:
            if not self._write_failing:
                self.problems.append(f"cannot write the node inventory {self.path}: {_reason(exc)}")
            self._write_failing = True
            return
        self._write_failing = False
        self._on_disk = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        self._written = frozenset(self.records)
        self._saved_at = time.time() if now is None else now
        self._dirty = False

    def _merge_others_changes(self) -> None:
        """Another process (``hcpdash nodes --forget``, a cron ``check``) wrote the file since we did:
        drop what it forgot, adopt what it learned."""
        assert self.path is not None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return
        if self._on_disk is None or (stat.st_ino, stat.st_mtime_ns, stat.st_size) == self._on_disk:
            return
        try:
            theirs, _ = _read(self.path, self.domain)
        except (OSError, InventoryError):
            return
        on_disk = {r.address: r for r in theirs}
        for forgotten in self._written - on_disk.keys():
            self.records.pop(forgotten, None)
        for address, record in on_disk.items():
            self.records.setdefault(address, record)

    # -- the records

    def sorted(self) -> list[NodeRecord]:
        return sorted(self.records.values(), key=lambda r: address_key(r.address))

    def get(self, address: str) -> NodeRecord | None:
        return self.records.get(address)

    def addresses(self) -> tuple[str, ...]:
        return tuple(r.address for r in self.sorted())

    def node_numbers(self) -> set[int]:
        return {r.node_number for r in self.records.values() if r.node_number is not None}

    def add(self, address: str, now: float, node_number: int | None = None) -> None:
        """A newly listed address joins (its state "new" until a poll judges it); a known one learns its number."""
        record = self.records.get(address)
        if record is None:
            self.records[address] = NodeRecord(address, now, None, "new", now, node_number)
            self._dirty = True
        elif node_number is not None and record.node_number != node_number:
            self.records[address] = replace(record, node_number=node_number)
            self._dirty = True

    def update(self, address: str, state: str, now: float) -> NodeRecord:
        """Record the state a poll found; returns the updated record."""
        record = self.records.get(address) or NodeRecord(address, now, None, "new", now)
        lost = state in LOST_STATES
        changed = record.lost != lost
        new = replace(record, last_state=state, since=now if changed else record.since,
                      last_seen=record.last_seen if lost else now)
        if new.last_state != record.last_state or address not in self.records:
            self._dirty = True
        self.records[address] = new
        return new

    def forget(self, address: str) -> bool:
        """Drop a decommissioned node; False if the inventory does not know it."""
        if self.records.pop(address, None) is None:
            return False
        self._written -= {address}
        self._dirty = True
        return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _read(path: Path, domain: str) -> tuple[list[NodeRecord], tuple[int, int, int]]:
    with path.open("rb") as file:
        stat = os.fstat(file.fileno())
        raw = file.read()
    try:
        document = json.loads(raw.decode("utf-8"))
        if not isinstance(document, dict) or document.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document")
        if document.get("domain") != domain:
            raise ValueError(f"it is for {document.get('domain')!r}, not {domain!r}")
        nodes = document.get("nodes")
        if not isinstance(nodes, list):
            raise ValueError("no node list")
        records = [_record_of(item) for item in nodes]
    except (ValueError, UnicodeDecodeError) as exc:
        raise InventoryError(f"the node inventory {path} is unreadable ({exc})") from None
    return records, (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def address_key(address: str) -> tuple[int, ...] | tuple[str]:
    """Sort IPv4 addresses numerically."""
    try:
        return tuple(int(part) for part in address.split("."))
    except ValueError:
        return (address,)


class InventoryStore:
    """Where the systems' node inventories live: one file per system in ``directory`` (None: memory only)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def in_state_dir(cls) -> InventoryStore:
        from hcpdash.config import state_dir

        return cls(state_dir() / INVENTORY_DIR)

    def path_for(self, system: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{quote(system, safe='')}.json"

    def load(self, system: str, domain: str) -> NodeInventory:
        return NodeInventory.load(system, domain, self.path_for(system))

    def clear(self) -> None:
        """Forget every system (``hcpdash demo`` starts a new simulated site each time)."""
        if self.directory is None or not self.directory.is_dir():
            return
        for path in self.directory.glob("*.json*"):
            path.unlink(missing_ok=True)
