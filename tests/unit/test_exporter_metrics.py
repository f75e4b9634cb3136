"""The exporter's metrics from recorded payloads: names and labels pinned, values as a user reads them."""

from __future__ import annotations

import dataclasses
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.parser import text_string_to_metric_families

from hcpdash.exporter.catalogue import CATALOGUE
from hcpdash.exporter.collector import SnapshotCollector
from hcpdash.exporter.outcomes import ActionOutcomes
from hcpdash.hcp import mapi
from hcpdash.hcp.models import NodeState
from hcpdash.hcp.parse import parse_body
from hcpdash.hcp.pool import LatencySummary
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.activity import Activity
from hcpdash.monitor.snapshot import (
    LinkView,
    NamespaceView,
    NodeView,
    Reading,
    SystemSnapshot,
    TenantView,
)
from hcpdash.monitor.verdicts import Level, Verdict

PAYLOADS = Path(__file__).parent / "payloads"
GOLDEN = Path(__file__).parent / "golden" / "metrics.txt"
ACTIVITY = Activity(bytes_in_per_s=2048.0, bytes_out_per_s=512.0, reads_per_s=3.5, writes_per_s=1.25, deletes_per_s=0.0)
NOW = 1_709_290_000.0


def payload(name: str) -> object:
    return parse_body((PAYLOADS / name).read_bytes(), "application/json", name)


def node(address: str, probe: NodeState | None = NodeState.UP, pool: str = "healthy", stats: bool = True,
         state: str = "up", last_seen: float | None = NOW - 1) -> NodeView:
    latency = LatencySummary(3, 0.02, 0.04, 0.05, 0.03, buckets=(0, 0, 1, 3, 3, 3, 3, 3, 3, 3, 3), total=3,
                             total_s=0.09)
    node_stats = mapi.parse_node_statistics(payload("node_statistics.json")).nodes[0] if stats else None
    return NodeView(address, pool, probe, 1.0, 20.0, 40.0, 50.0, 30.0, 5.0, 12, 1, None, True, node_stats,
                    connects=2, ejections=1 if pool == "ejected" else 0, latency=latency, state=state,
                    last_seen=last_seen)


def snapshot(nodes: tuple[NodeView, ...] | None = None, link_message: str | None = None) -> SystemSnapshot:
    link = mapi.parse_link(payload("link_outbound.json"))
    if link_message is not None:
        link = dataclasses.replace(link, status_message=link_message)
    tenant = mapi.parse_tenant(payload("tenant_system_level.json"))
    namespace = mapi.parse_namespace(payload("namespace_verbose.json"), tenant.name)
    stats = mapi.parse_statistics(payload("statistics.json"))
    ns = NamespaceView(tenant.name, namespace.name, namespace, stats, None, activity=ACTIVITY)
    nodes = nodes if nodes is not None else (node("10.1.1.1"), node("10.1.1.2", NodeState.UNAVAILABLE, state="down",
                                                                      last_seen=NOW - 600))
    return SystemSnapshot(
        "hcp1", "hcp1.example.com", "prod", "red", True, NOW,
        nodes=Reading(nodes, NOW - 3, interval=5),
        node_statistics=Reading(None, None, "MAPI refused", "AuthorizationError", None, 3600, failures=2),
        links=Reading((LinkView("hcp1", link, 120.0, None, Verdict(Level.WARNING, "lag")),), NOW - 10, interval=10),
        tenants=Reading((TenantView(tenant.name, tenant, stats, (ns,), activity=ACTIVITY),), NOW - 30, interval=60),
        overall=Verdict(Level.CRITICAL, "node down"), retries=4)


def scrape(*snaps: SystemSnapshot, namespaces: bool = True, actions: dict[tuple[str, str], int] | None = None,
           openmetrics: bool = False) -> str:
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(lambda: {s.name: s for s in snaps}, namespaces=namespaces,
                                        actions=lambda: actions or {}, clock=lambda: NOW))
    return (generate_openmetrics if openmetrics else generate_latest)(registry).decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(text: str, name: str, **labels: str) -> float:
    found = [v for (n, ls), v in samples(text).items() if n == name and set(labels.items()) <= set(ls)]
    assert len(found) == 1, f"{name} {labels}: {len(found)} samples"
    return found[0]


def catalogue_of(text: str) -> list[str]:
    """``name type label,label`` per family, as pinned in the golden list."""
    lines = set()
    for family in text_string_to_metric_families(text):
        labels = {k for s in family.samples for k in s.labels if k not in ("le", "quantile")}
        name = f"{family.name}_total" if family.type == "counter" else family.name
        lines.add(f"{name} {family.type} {','.join(sorted(labels))}")
    return sorted(lines)


def test_metric_names_and_labels_match_the_golden_list() -> None:
    text = scrape(snapshot(), actions={("hcp1", "ok"): 1})
    assert catalogue_of(text) == GOLDEN.read_text().split("\n")[:-1], (
        "a metric was renamed, added or lost a label: if deliberate, update tests/unit/golden/metrics.txt "
        "(and contrib/ rules and dashboard that use it)")
    assert sorted(line.split()[0] for line in catalogue_of(text)) == sorted(CATALOGUE), "the fixture shows every metric"


def test_activity_rates_per_tenant_and_namespace_and_none_before_two_reports() -> None:
    text = scrape(snapshot())
    for scope, extra in (("tenant", {}), ("namespace", {"namespace": snapshot().tenants.value[0].namespaces[0].name})):
        assert value(text, f"hcpdash_{scope}_ingest_bytes_per_second", **extra) == 2048.0
        assert value(text, f"hcpdash_{scope}_read_bytes_per_second", **extra) == 512.0
        assert value(text, f"hcpdash_{scope}_operations_per_second", operation="write", **extra) == 1.25
    quiet = snapshot()
    tenant = quiet.tenants.value[0]
    no_rates = dataclasses.replace(tenant, activity=None, namespaces=tuple(
        dataclasses.replace(ns, activity=None) for ns in tenant.namespaces))
    text = scrape(dataclasses.replace(quiet, tenants=dataclasses.replace(quiet.tenants, value=(no_rates,))))
    rate_names = {n for n in CATALOGUE if n.startswith(("hcpdash_tenant_", "hcpdash_namespace_")) and "_second" in n}
    assert len(rate_names) == 6 and not {name for name, _ in samples(text)} & rate_names
    without_namespaces = {name for name, _ in samples(scrape(snapshot(), namespaces=False))}
    assert "hcpdash_tenant_ingest_bytes_per_second" in without_namespaces
    assert "hcpdash_namespace_ingest_bytes_per_second" not in without_namespaces


def test_nodes_up_down_and_the_pool_figures() -> None:
    text = scrape(snapshot())
    assert value(text, "hcpdash_node_up", node="10.1.1.1") == 1
    assert value(text, "hcpdash_node_up", node="10.1.1.2") == 0
    assert value(text, "hcpdash_node_state", node="10.1.1.2", state="unavailable") == 1
    assert value(text, "hcpdash_node_state", node="10.1.1.2", state="up") == 0
    assert value(text, "hcpdash_tls_handshakes_total", node="10.1.1.1") == 2
    assert value(text, "hcpdash_request_duration_seconds_bucket", node="10.1.1.1", le="0.05") == 3
    assert value(text, "hcpdash_request_duration_seconds_count", node="10.1.1.1") == 3
    assert value(text, "hcpdash_node_cpu_ratio", node="10.1.1.1", mode="user") == pytest.approx(1.05 / 400)
    assert value(text, "hcpdash_node_open_connections", node="10.1.1.1", protocol="https") == 83


def test_a_lost_node_is_down_with_its_inventory_state_and_when_it_was_last_seen() -> None:
    text = scrape(snapshot())
    assert value(text, "hcpdash_node_inventory_state", node="10.1.1.2", state="down") == 1
    assert value(text, "hcpdash_node_inventory_state", node="10.1.1.1", state="up") == 1
    assert value(text, "hcpdash_node_last_seen_timestamp_seconds", node="10.1.1.2") == NOW - 600
    # Gone from DNS and node statistics, no probe answer, but never ejected (no request went to it).
    missing = node("10.1.1.3", probe=None, state="missing", last_seen=NOW - 7200)
    text = scrape(snapshot((node("10.1.1.1"), missing)))
    assert value(text, "hcpdash_node_up", node="10.1.1.3") == 0
    assert value(text, "hcpdash_node_inventory_state", node="10.1.1.3", state="missing") == 1
    assert value(text, "hcpdash_node_inventory_state", node="10.1.1.3", state="up") == 0
    never_seen = node("10.1.1.4", probe=None, state="missing", last_seen=None)
    assert not [n for (n, _), _ in samples(scrape(snapshot((never_seen,)))).items()
                if n == "hcpdash_node_last_seen_timestamp_seconds"]


def test_an_ejected_node_is_down_even_if_its_probe_answers() -> None:
    text = scrape(snapshot((node("10.1.1.1", pool="ejected"),)))
    assert value(text, "hcpdash_node_up", node="10.1.1.1") == 0
    assert value(text, "hcpdash_ejections_total", node="10.1.1.1") == 1


def test_every_resource_carries_its_age_and_whether_its_last_poll_failed() -> None:
    text = scrape(snapshot())
    assert value(text, "hcpdash_data_age_seconds", resource="nodes") == 3
    assert value(text, "hcpdash_data_age_seconds", resource="node_statistics") == math.inf
    assert value(text, "hcpdash_poll_failed", resource="node_statistics") == 1
    assert value(text, "hcpdash_poll_failed", resource="nodes") == 0
    assert value(text, "hcpdash_poll_errors_total", resource="node_statistics") == 2
    assert value(text, "hcpdash_verdict_level", system="hcp1") == Level.CRITICAL.value
    assert value(text, "hcpdash_retries_total", system="hcp1") == 4


def test_links_pending_per_direction_lag_and_a_drain_that_is_not_happening() -> None:
    text = scrape(snapshot())
    link = "prod-to-dr"
    assert value(text, "hcpdash_link_pending_bytes", link=link, direction="to_remote") == 52428800
    assert value(text, "hcpdash_link_pending_bytes", link=link, direction="from_remote") == 0
    assert value(text, "hcpdash_link_lag_seconds", link=link) == 120
    assert value(text, "hcpdash_link_drain_eta_seconds", link=link) == math.inf
    assert value(text, "hcpdash_link_verdict_level", link=link) == Level.WARNING.value


def test_link_state_labels_stay_within_hcps_vocabulary() -> None:
    assert value(scrape(snapshot(link_message="Failed over")), "hcpdash_link_state", state="Failed over") == 1
    assert value(scrape(snapshot(link_message="weird 1234")), "hcpdash_link_state", state="other") == 1


def test_namespace_series_can_be_left_out_tenant_totals_stay() -> None:
    full, lean = scrape(snapshot()), scrape(snapshot(), namespaces=False)
    assert value(full, "hcpdash_namespace_used_bytes") == 14000000000
    assert not [n for n, _ in samples(lean) if n.startswith("hcpdash_namespace_")]
    assert value(lean, "hcpdash_tenant_used_bytes") == 14000000000
    assert value(lean, "hcpdash_tenant_namespaces") == 1


def test_openmetrics_rendering() -> None:
    text = scrape(snapshot(), openmetrics=True)
    assert text.endswith("# EOF\n")
    assert "hcpdash_poll_errors_total{" in text


def test_actions_are_counted_by_outcome_from_the_audit_journal(tmp_path: Path) -> None:
    journal = AuditJournal(tmp_path / "audit.jsonl")
    outcomes = ActionOutcomes(journal)
    assert outcomes() == {}
    for outcome in ("ok", "ok", "rejected"):
        intent = journal.record_intent(system="hcp1", link="l1", action="suspend", hcp_user="admin", reason="test",
                                       preflight={})
        journal.record_outcome(intent, outcome)  # type: ignore[arg-type]
    text = scrape(snapshot(), actions=outcomes())
    assert value(text, "hcpdash_actions_total", system="hcp1", outcome="ok") == 2
    assert value(text, "hcpdash_actions_total", system="hcp1", outcome="rejected") == 1


@pytest.mark.skipif(shutil.which("promtool") is None,
                    reason="promtool not installed (Debian: apt-get install prometheus)")
def test_promtool_finds_nothing_to_lint() -> None:
    done = subprocess.run(["promtool", "check", "metrics"], input=scrape(snapshot(), actions={("hcp1", "ok"): 1}),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout + done.stderr == ""
