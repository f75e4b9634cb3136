"""``hcpdash bench --simulate`` at a small scale: the figures it promises are printed."""

from __future__ import annotations

import re
import subprocess
import sys


def test_bench_reports_cycles_against_the_lower_bound_reusing_connections_after_warm_up() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hcpdash", "bench", "--simulate", "--cycles", "2", "--nodes", "2", "--tenants", "2",
         "--namespaces", "2", "--links", "2", "--latency-ms", "5"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    cycles = re.findall(r"cycle (\d): wall [\d.]+ s, CPU [\d.]+ s, (\d+) requests, CPU per request [\d.]+ ms, "
                        r"(\d+) TLS handshakes, connection cap (\d+), lower bound [\d.]+ s, ratio [\d.]+x", done.stdout)
    assert [c[0] for c in cycles] == ["1", "2"], done.stdout
    assert int(cycles[0][1]) > 20 and cycles[0][1] == cycles[1][1]
    # Keep-alive connections are reused after the first cycle. A cycle whose requests to one
    # origin (MAPI, or a tenant's data-access host) happen to overlap more than the first
    # cycle's did opens one more connection there, within the budget: timing, not a failure.
    assert int(cycles[0][2]) >= 8 and int(cycles[1][2]) <= 2, done.stdout
    assert "hcp1: 2 nodes, 4 namespaces, 2 links; 0 resources with errors" in done.stdout
    assert re.search(r"steady state: \d+ requests/min \([\d.]+/s\) with these intervals", done.stdout)
    refresh = dict(re.findall(r"statistics refresh of 4 namespaces, (chargeback reports|per namespace \(baseline\)): "
                              r"(\d+) requests", done.stdout))
    assert refresh == {"chargeback reports": "2", "per namespace (baseline)": "6"}, done.stdout
    assert re.search(r"peak memory \(max RSS\) \d+ MiB", done.stdout)
