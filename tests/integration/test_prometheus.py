"""A real Prometheus scrapes a real ``hcpdash serve`` on the simulator; promtool checks what contrib/ ships.

Prometheus listens on a loopback port, keeps its data in a temporary directory, scrapes
only the exporter's loopback address and has no Alertmanager or remote storage, so it
talks to nothing beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from serve_process import ServeProcess, sim_config, wait_for

from hcpdash.exporter.catalogue import CATALOGUE

CONTRIB = Path(__file__).parent.parent.parent / "contrib"
RULES = CONTRIB / "prometheus" / "hcpdash-alerts.yml"
DASHBOARD = CONTRIB / "grafana" / "hcpdash-dashboard.json"
INSTALL_HINT = "prometheus not installed (Debian: apt-get install prometheus; it includes promtool)"

needs_prometheus = pytest.mark.skipif(shutil.which("prometheus") is None, reason=INSTALL_HINT)
needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None, reason=INSTALL_HINT)


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Prometheus:
    def __init__(self, directory: Path, target_port: int) -> None:
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "900ms", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "hcpdash", "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}]}],
        }
        (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.log = (directory / "prometheus.log").open("w")
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={directory / 'prometheus.yml'}", f"--storage.tsdb.path={directory / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.console.templates=", "--web.console.libraries="],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=directory)
        wait_for(self._ready, "Prometheus to be ready")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.process.returncode}: {self.log.name}")
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def api(self, path: str, **params: str) -> Any:
        answer = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]

    def query(self, expr: str) -> dict[frozenset[tuple[str, str]], float]:
        return {frozenset(r["metric"].items()): float(r["value"][1]) for r in self.api("query", query=expr)["result"]}

    def value(self, expr: str) -> float | None:
        found = list(self.query(expr).values())
        assert len(found) <= 1, f"{expr}: {len(found)} series"
        return found[0] if found else None

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture
def prometheus_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    yield directory


@needs_prometheus
def test_prometheus_scrapes_the_exporter_and_sees_a_node_go_down(make_sim, tmp_path, prometheus_dir) -> None:
    sim = make_sim()
    config = sim_config(sim, tmp_path / "hcpdash.yaml", node_status=1, links=2)
    victim = sim.systems[1].addresses[2]
    with ServeProcess(config, state_dir=tmp_path / "state") as serve:
        prometheus = Prometheus(prometheus_dir, serve.port)
        try:
            node_up = f'hcpdash_node_up{{system="hcp2",node="{victim}"}}'
            wait_for(lambda: prometheus.value(node_up) == 1, "the node up in Prometheus")
            assert prometheus.value('up{job="hcpdash"}') == 1
            assert len(prometheus.query("hcpdash_node_up")) == 8
            namespaces = sum(system["namespaces"] for system in sim.control("GET", "/state")["systems"])
            wait_for(lambda: prometheus.value("count(hcpdash_namespace_used_bytes)") == namespaces,
                     f"all {namespaces} namespaces in Prometheus")
            assert prometheus.value('hcpdash_poll_failed{system="hcp2",resource="links"}') == 0

            sim.control("POST", f"/nodes/hcp2/{victim}", {"up": False})
            sim.control("POST", "/faults", {"system": "hcp1", "path_prefix": "/mapi/services/replication/links",
                                            "status": 403})
            wait_for(lambda: prometheus.value(node_up) == 0, "the node down in Prometheus")
            wait_for(lambda: prometheus.value('hcpdash_poll_failed{system="hcp1",resource="links"}') == 1,
                     "the failing links poll in Prometheus")
            assert prometheus.value('hcpdash_poll_errors_total{system="hcp1",resource="links"}') >= 1
            assert prometheus.value('hcpdash_verdict_level{system="hcp2"}') == 2

            handshakes = sum(node["tls_handshakes"] for system in sim.control("GET", "/state")["systems"]
                             for node in system["nodes"])
            assert 0 < prometheus.value("sum(hcpdash_tls_handshakes_total)") <= handshakes

            def node_down_alert() -> list[dict[str, Any]]:
                return [a for a in prometheus.api("alerts")["alerts"]
                        if a["labels"]["alertname"] == "HcpdashNodeDown" and a["labels"]["node"] == victim]

            assert wait_for(node_down_alert, "the shipped rule to see the node")[0]["state"] == "pending"
            for expr in dashboard_queries():
                prometheus.api("query", query=expr)  # every panel's query parses and runs
        finally:
            prometheus.stop()


def dashboard_queries() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"].replace("$system", ".*") for panel in panels for target in panel.get("targets", ())]


def metric_names(text: str) -> set[str]:
    return {re.sub(r"_(bucket|sum|count)$", "", name) for name in re.findall(r"\bhcpdash_[a-z_]+", text)}


def test_the_shipped_rules_and_dashboard_use_only_metrics_hcpdash_exports() -> None:
    used = metric_names(RULES.read_text()) | metric_names(" ".join(dashboard_queries()))
    assert used - set(CATALOGUE) == set()
    assert {"hcpdash_node_up", "hcpdash_link_status", "hcpdash_link_lag_seconds",
            "hcpdash_namespace_quota_bytes"} <= used


@needs_promtool
@pytest.mark.parametrize("command", [["check", "rules", "hcpdash-alerts.yml"],
                                     ["test", "rules", "hcpdash-alerts.test.yml"],
                                     ["check", "config", "prometheus.yml"]])
def test_promtool_accepts_the_shipped_files(command: list[str]) -> None:
    done = subprocess.run(["promtool", *command], cwd=CONTRIB / "prometheus", capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
