"""``hcpdash serve`` as a real process against the simulator: what it exports, what it never does."""

from __future__ import annotations

import math
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from serve_process import ServeProcess, sim_config, wait_for

from hcpdash.cli import main
from hcpdash.exporter.serve import poller_health
from hcpdash.monitor.history_store import HISTORY_NAME, HistoryStore
from hcpdash.monitor.snapshot import SystemSnapshot

SLOW = {name: 3600 for name in ("node_status", "links", "replication_service", "namespaces", "statistics",
                                "permissions", "node_statistics")}


def sim_requests(sim) -> int:  # type: ignore[no-untyped-def]
    return sum(node["requests"] for system in sim.control("GET", "/state")["systems"] for node in system["nodes"])


def quiet_for_a_second(sim) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    """A condition: no request reached the simulator for a second, so the first poll of every
    resource has finished (with :data:`SLOW` intervals the next is an hour away)."""
    seen = [(sim_requests(sim), time.monotonic())]

    def quiet() -> bool:
        count = sim_requests(sim)
        if count != seen[-1][0]:
            seen.append((count, time.monotonic()))
        return time.monotonic() - seen[-1][1] > 1.0
    return quiet


def test_a_node_taken_down_shows_0_after_the_next_probe_then_sigterm_stops_cleanly(make_sim, tmp_path) -> None:
    sim = make_sim()
    config = sim_config(sim, tmp_path / "hcpdash.yaml", node_status=1)
    victim = sim.systems[0].addresses[1]
    with ServeProcess(config, state_dir=tmp_path / "state") as serve:
        wait_for(lambda: serve.value("hcpdash_node_up", system="hcp1", node=victim) == 1, "the node up")
        assert serve.value("hcpdash_system_info", system="hcp2", environment="dr") == 1
        sim.control("POST", f"/nodes/hcp1/{victim}", {"up": False})
        wait_for(lambda: serve.value("hcpdash_node_up", system="hcp1", node=victim) == 0, "the node down")
        assert serve.value("hcpdash_node_state", node=victim, state="unreachable") == 1
        assert serve.value("hcpdash_verdict_level", system="hcp1") == 1, "one node of four lost is a WARNING"
        assert serve.get("/healthz").status_code == 200
        openmetrics = serve.get("/metrics", Accept="application/openmetrics-text; version=1.0.0")
        assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
        assert openmetrics.text.endswith("# EOF\n")
        assert serve.stop(signal.SIGTERM) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(serve.url, timeout=5)
    assert not [post for system in sim.control("GET", "/state")["systems"] for post in system["posts"]]


def test_a_scrape_never_sends_a_request_to_hcp(make_sim, tmp_path) -> None:
    sim = make_sim(systems=1)
    config = sim_config(sim, tmp_path / "hcpdash.yaml", **SLOW)
    with ServeProcess(config, "--no-metrics-namespaces", state_dir=tmp_path / "state") as serve:
        def loaded() -> bool:
            ages = [v for (name, _), v in serve.samples().items() if name == "hcpdash_data_age_seconds"]
            return bool(ages) and all(not math.isinf(age) for age in ages)

        wait_for(loaded, "every resource read once")
        wait_for(quiet_for_a_second(sim), "the first poll round to finish")
        before = sim_requests(sim)
        for _ in range(5):
            assert [v for (name, _), v in serve.samples().items() if name == "hcpdash_tenant_namespaces"] == [4] * 3
        assert sim_requests(sim) == before
        assert not [name for name, _ in serve.samples() if name.startswith("hcpdash_namespace_")]
        assert serve.stop(signal.SIGINT) == 0


def test_serve_does_not_read_the_permission_masks_no_metric_shows(make_sim, tmp_path) -> None:
    """Every mask refused: had serve read them, the tenants reading would count as failed."""
    sim = make_sim(systems=1)
    for tenant in sim.systems[0].tenants.values():
        for name in tenant.namespaces:
            sim.control("POST", "/faults", {"system": "hcp1", "status": 500,
                                            "path_prefix": f"/mapi/tenants/{tenant.name}/namespaces/{name}/permissions"})
    config = sim_config(sim, tmp_path / "hcpdash.yaml", **SLOW)
    with ServeProcess(config, state_dir=tmp_path / "state") as serve:
        wait_for(lambda: any(name == "hcpdash_namespace_used_bytes" for name, _ in serve.samples()),
                 "namespace statistics")
        wait_for(quiet_for_a_second(sim), "the first poll round to finish")
        assert serve.value("hcpdash_poll_failed", system="hcp1", resource="tenants") == 0
        assert serve.value("hcpdash_poll_errors_total", system="hcp1", resource="tenants") == 0
        assert serve.stop(signal.SIGTERM) == 0


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def config(make_sim, tmp_path) -> str:  # type: ignore[no-untyped-def]
    return str(make_sim(systems=1).write_config(tmp_path / "hcpdash.yaml"))


def test_a_listen_address_that_is_not_host_port_is_one_line(config, capsys) -> None:
    code, err = run(capsys, "--config", config, "serve", "--metrics", "9477")
    assert code == 2
    assert err == "hcpdash: --metrics: '9477' is not HOST:PORT (e.g. 127.0.0.1:9477, [::1]:9477, 0.0.0.0:9477)\n"


def test_a_port_in_use_is_one_line(config, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "--config", config, "serve", "--metrics", f"127.0.0.1:{port}")
    assert code == 2
    assert err == f"hcpdash: cannot listen on 127.0.0.1:{port} (--metrics): Address already in use\n"


def test_an_address_beyond_loopback_warns(config, capsys) -> None:
    code, err = run(capsys, "--config", config, "serve", "--metrics", "192.0.2.1:9477")  # TEST-NET: never ours
    assert code == 2
    warning, failure = err.splitlines()
    assert warning.startswith("hcpdash: warning: serving metrics on 192.0.2.1:9477, beyond loopback")
    assert failure.startswith("hcpdash: cannot listen on 192.0.2.1:9477")


def test_healthz_reports_a_stalled_poller() -> None:
    snap = SystemSnapshot("hcp1", "hcp1.example.com", "", "", True, taken_at=1000.0)
    health = poller_health(lambda: {"hcp1": snap}, {"hcp1": 230.0}, clock=lambda: 1100.0)
    assert health() == (True, "ok: polling 1 system")
    stalled = poller_health(lambda: {"hcp1": snap}, {"hcp1": 230.0}, clock=lambda: 1300.0)
    assert stalled() == (False, "poller stalled: hcp1 (no snapshot for 300 s)")


def test_sighup_stops_serve_and_closes_its_socket(make_sim, tmp_path) -> None:
    sim = make_sim(systems=1)
    config = sim_config(sim, tmp_path / "hcpdash.yaml", **SLOW)
    with ServeProcess(config, state_dir=tmp_path / "state") as serve:
        assert serve.get("/healthz").status_code in (200, 503)
        assert serve.stop(signal.SIGHUP) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(serve.url, timeout=5)


def test_serve_records_history_and_a_second_one_on_the_same_state_dir_only_reads(make_sim, tmp_path) -> None:
    sim = make_sim(systems=1)
    config = sim_config(sim, tmp_path / "hcpdash.yaml", node_status=1)
    state = tmp_path / "state"
    latency = ("node", "hcp1", sim.systems[0].addresses[0], "latency_ms")

    def newest_latency_point() -> float:
        if not (state / HISTORY_NAME).exists():
            return 0.0
        store = HistoryStore.open(state / HISTORY_NAME, read_only=True)
        try:
            points = store.points(latency, time.time() - 600, time.time() + 60, now=time.time())
        finally:
            store.close()
        return points[-1][0] if points else 0.0

    with ServeProcess(config, state_dir=state) as serve:
        wait_for(newest_latency_point, "node latency recorded in the history file")
        with ServeProcess(config, state_dir=state) as second:
            second.process.send_signal(signal.SIGTERM)
            assert second.process.wait(timeout=15) == 0
            err = second.process.stderr.read()  # type: ignore[union-attr]
        assert f"history {state / HISTORY_NAME} is being recorded by another hcpdash (pid {serve.process.pid})" in err
        assert "records nothing" in err
        assert serve.stop(signal.SIGTERM) == 0
    recorded = newest_latency_point()
    with ServeProcess(config, state_dir=state) as again:  # the writer's lock went with it: the next one records
        wait_for(lambda: newest_latency_point() > recorded, "the next serve recording")
        again.process.send_signal(signal.SIGTERM)
        assert again.process.wait(timeout=15) == 0
        assert "history" not in again.process.stderr.read()  # type: ignore[union-attr]
