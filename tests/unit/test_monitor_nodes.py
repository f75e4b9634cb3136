"""Node states and verdicts from probes, DNS, node statistics and the inventory (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcpdash.config import Thresholds
from hcpdash.hcp import mapi
from hcpdash.hcp.models import NodeState, NodeStatus
from hcpdash.hcp.parse import parse_body
from hcpdash.hcp.pool import NodePool
from hcpdash.monitor import nodes
from hcpdash.monitor.node_inventory import NodeInventory
from hcpdash.monitor.verdicts import Level

PAYLOAD = Path(__file__).parent / "payloads" / "node_statistics.json"
COLLECTED = 1637570003.0


def node_statistics(collected_s_before_request: float):
    """The recorded payload, its node's collectionTimestamp moved back by the given seconds."""
    document = json.loads(PAYLOAD.read_text())
    node = document["nodes"]["node"][0]
    node["collectionTimestamp"] = document["requestTime"] - int(collected_s_before_request * 1000)
    return mapi.parse_node_statistics(parse_body(json.dumps(document).encode(), "application/json", "nodes"))


@pytest.mark.parametrize(("probe", "pool", "hcp_lists", "listed", "state"), [
    (NodeState.UP, "healthy", True, True, "up"),
    (NodeState.UP, "suspect", True, True, "suspect"),
    (NodeState.UP, "not in DNS", False, False, "up"),
    (NodeState.READ_ONLY, "healthy", True, True, "read-only"),
    (NodeState.UNAVAILABLE, "healthy", True, True, "down"),
    (NodeState.UNREACHABLE, "suspect", True, True, "unreachable"),
    (NodeState.DISABLED, "ejected", True, True, "unreachable"),
    (NodeState.UNREACHABLE, "not in DNS", False, False, "missing"),
    (NodeState.UNREACHABLE, "not in DNS", False, True, "missing"),
    (NodeState.DISABLED, "not in DNS", False, False, "missing"),
    (NodeState.DISABLED, "healthy", True, True, "up"),
    (None, "healthy", True, True, "up"),
])
def test_node_state(probe, pool, hcp_lists, listed, state) -> None:
    assert nodes.node_state(probe, pool, hcp_lists, listed) == state


def test_statistics_collected_long_before_they_were_read_are_stale_and_no_sign_of_life() -> None:
    fresh = nodes.statistics_by_address(node_statistics(30), None, 900)["10.1.1.1"]
    assert fresh.age_s == pytest.approx(30) and not fresh.stale
    stale = nodes.statistics_by_address(node_statistics(7200), None, 900)["10.1.1.1"]
    assert stale.age_s == pytest.approx(7200) and stale.stale

    inventory = NodeInventory("hcp1", "hcp1.example.com")
    nodes.learn(inventory, (), node_statistics(7200), COLLECTED)
    pool = NodePool("hcp1")
    probe = {"10.1.1.1": NodeStatus("10.1.1.1", NodeState.DISABLED, 403, 0.01)}
    (view,) = nodes.assess(inventory, pool.snapshot(), probe, nodes.statistics_by_address(node_statistics(7200), None,
                                                                                         900), (), True, COLLECTED)
    assert view.stats_stale and not view.in_statistics and view.state == "missing" and view.node_number == 1


def test_stale_statistics_of_a_live_node_are_a_warning() -> None:
    inventory = NodeInventory("hcp1", "hcp1.example.com")
    pool = NodePool("hcp1", ["10.1.1.1"])
    probe = {"10.1.1.1": NodeStatus("10.1.1.1", NodeState.UP, 204, 0.01)}
    views = nodes.assess(inventory, pool.snapshot(), probe,
                         nodes.statistics_by_address(node_statistics(7200), None, 900), ["10.1.1.1"], False, COLLECTED)
    found = nodes.node_verdicts(views, Thresholds(), COLLECTED)
    assert [(v.level, v.reason) for v in found] == [
        (Level.WARNING, "node statistics stale: collected 2 h before they were read")]


def survey(states: dict[str, str], now: float = 1000.0, **thresholds: float):
    inventory = NodeInventory("hcp1", "hcp1.example.com")
    for address in states:
        inventory.add(address, 0.0)
        inventory.update(address, "up", 10.0)
    answer = [a for a, s in states.items() if s == "up"]
    probes = {a: NodeStatus(a, NodeState.UP if s == "up" else NodeState.UNREACHABLE, None, 0.01, "refused")
              for a, s in states.items()}
    views = nodes.assess(inventory, NodePool("hcp1", answer).snapshot(), probes, {}, answer, False, now - 240)
    return views, Thresholds(**thresholds)


def test_one_lost_node_is_a_warning_naming_it_and_since_when() -> None:
    views, thresholds = survey({"10.0.0.1": "up", "10.0.0.2": "gone", "10.0.0.3": "up", "10.0.0.4": "up"})
    (verdict,) = [v for v in nodes.node_verdicts(views, thresholds, 1000.0) if v.level is not Level.OK]
    assert verdict.level is Level.WARNING and verdict.subject == "10.0.0.2"
    assert verdict.reason == ("missing for 4 min (last seen 1970-01-01 00:00:10 UTC): not in DNS or node statistics, "
                              "no answer to /node_status; 1 of 4 nodes down or missing")


def test_half_is_a_warning_a_majority_critical_and_the_thresholds_are_configurable() -> None:
    half, thresholds = survey({"a1": "up", "a2": "up", "a3": "gone", "a4": "gone"})
    assert {v.level for v in nodes.node_verdicts(half, thresholds, 1000.0) if v.subject in ("a3", "a4")} == {
        Level.WARNING}
    most, thresholds = survey({"a1": "up", "a2": "gone", "a3": "gone", "a4": "gone"})
    assert {v.level for v in nodes.node_verdicts(most, thresholds, 1000.0) if v.reason.startswith("missing")} == {
        Level.CRITICAL}
    strict, thresholds = survey({"a1": "up", "a2": "up", "a3": "up", "a4": "gone"}, nodes_down_critical_percent=20)
    assert [v.level for v in nodes.node_verdicts(strict, thresholds, 1000.0) if v.subject == "a4"] == [Level.CRITICAL]
    lenient, thresholds = survey({"a1": "up", "a2": "up", "a3": "up", "a4": "gone"}, nodes_down_warning=2)
    assert [v.level for v in nodes.node_verdicts(lenient, thresholds, 1000.0) if v.subject == "a4"] == [Level.OK]


@pytest.mark.parametrize(("expected", "reason"), [
    (3, None),
    (5, "2 of 5 expected nodes never seen (expected_nodes: 5); 2 of 5 nodes down or missing"),
    ((1, 2, 3, 4), "1 of the expected nodes 1, 2, 3, 4 never seen; 1 of 4 nodes down or missing"),
])
def test_expected_nodes_count_the_nodes_never_seen(expected, reason) -> None:
    views, thresholds = survey({"10.0.0.1": "up", "10.0.0.2": "up", "10.0.0.3": "up"})
    found = [v.reason for v in nodes.node_verdicts(views, thresholds, 1000.0, expected) if v.subject == "nodes"]
    assert found == ([reason] if reason else [])
