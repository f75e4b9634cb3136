"""The node inventory file: survives restarts, replaced atomically, tolerant of damage, merges a --forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcpdash.monitor.node_inventory import SCHEMA, InventoryStore, NodeInventory

T0 = 1_760_000_000.0


def saved(path: Path) -> dict:
    return json.loads(path.read_text())


def test_nodes_seen_survive_a_restart_with_first_and_last_seen(tmp_path: Path) -> None:
    store = InventoryStore(tmp_path)
    inventory = store.load("hcp1", "hcp1.example.com")
    inventory.add("10.0.0.2", T0, 12)
    inventory.update("10.0.0.2", "up", T0)
    inventory.update("10.0.0.2", "missing", T0 + 60)
    inventory.save(T0 + 60)
    again = store.load("hcp1", "hcp1.example.com")
    record = again.get("10.0.0.2")
    assert record is not None and again.problems == []
    assert (record.first_seen, record.last_seen, record.last_state, record.since, record.node_number) == (
        T0, T0, "missing", T0 + 60, 12)
    assert saved(tmp_path / "hcp1.json")["schema"] == SCHEMA


def test_the_file_is_replaced_whole_and_no_temporary_is_left(tmp_path: Path) -> None:
    inventory = InventoryStore(tmp_path).load("hcp1", "hcp1.example.com")
    for n in range(3):
        inventory.add(f"10.0.0.{n}", T0)
        inventory.save(T0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hcp1.json"]
    assert len(saved(tmp_path / "hcp1.json")["nodes"]) == 3


def test_a_missing_file_is_an_empty_inventory_without_a_warning(tmp_path: Path) -> None:
    inventory = InventoryStore(tmp_path / "absent").load("hcp1", "hcp1.example.com")
    assert inventory.records == {} and inventory.problems == []


@pytest.mark.parametrize("content", [
    "{not json", "[]", json.dumps({"schema": "other/1", "nodes": []}),
    json.dumps({"schema": SCHEMA, "domain": "hcp1.example.com", "nodes": [{"address": "10.0.0.1"}]}),
    json.dumps({"schema": SCHEMA, "domain": "elsewhere.example.com", "nodes": []}),
    "\udcff",
])
def test_an_unreadable_file_is_set_aside_with_one_warning_and_rebuilt(tmp_path: Path, content: str) -> None:
    path = tmp_path / "hcp1.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    inventory = InventoryStore(tmp_path).load("hcp1", "hcp1.example.com")
    assert inventory.records == {}
    assert len(inventory.problems) == 1 and f"{path} is unreadable" in inventory.problems[0]
    assert (tmp_path / "hcp1.json.corrupt").read_bytes() == content.encode("utf-8", "surrogateescape")
    inventory.add("10.0.0.1", T0)
    inventory.save_if_due(T0)
    assert InventoryStore(tmp_path).load("hcp1", "hcp1.example.com").problems == []


def test_a_write_that_fails_is_one_warning_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "nodes"
    inventory = InventoryStore(blocker).load("hcp1", "hcp1.example.com")
    blocker.write_text("a file where the directory should be")
    inventory.add("10.0.0.1", T0)
    inventory.save_if_due(T0)
    inventory.save_if_due(T0 + 5)
    assert len(inventory.problems) == 1 and inventory.problems[0].startswith("cannot write the node inventory")


def test_last_seen_alone_is_written_at_most_once_a_minute_a_state_change_at_once(tmp_path: Path) -> None:
    inventory = InventoryStore(tmp_path).load("hcp1", "hcp1.example.com")
    inventory.add("10.0.0.1", T0)
    inventory.update("10.0.0.1", "up", T0)
    inventory.save_if_due(T0)
    inventory.update("10.0.0.1", "up", T0 + 5)
    inventory.save_if_due(T0 + 5)
    assert saved(tmp_path / "hcp1.json")["nodes"][0]["last_seen"].endswith(":20+00:00")
    inventory.update("10.0.0.1", "down", T0 + 6)
    inventory.save_if_due(T0 + 6)
    assert saved(tmp_path / "hcp1.json")["nodes"][0]["last_state"] == "down"


def test_a_node_forgotten_by_another_process_is_dropped_at_the_next_save(tmp_path: Path) -> None:
    store = InventoryStore(tmp_path)
    running = store.load("hcp1", "hcp1.example.com")
    for address in ("10.0.0.1", "10.0.0.2"):
        running.add(address, T0)
    running.save(T0)
    other = store.load("hcp1", "hcp1.example.com")
    assert other.forget("10.0.0.2") and not other.forget("10.0.0.9")
    other.save(T0 + 1)
    running.add("10.0.0.3", T0 + 2)
    running.save(T0 + 2)
    assert running.addresses() == ("10.0.0.1", "10.0.0.3")
    assert [n["address"] for n in saved(tmp_path / "hcp1.json")["nodes"]] == ["10.0.0.1", "10.0.0.3"]


def test_system_names_become_safe_file_names(tmp_path: Path) -> None:
    assert InventoryStore(tmp_path).path_for("dc1/prod") == tmp_path / "dc1%2Fprod.json"
    assert InventoryStore(None).path_for("hcp1") is None
