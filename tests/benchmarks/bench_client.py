"""Benchmark: the read path the monitor runs, on a large simulated HCP system.

Polls system hcp1 of a simulator in its own process (16 nodes, 100 tenants × 20
namespaces, 10 links, 20 ms injected latency per request) through ``MonitorService``,
exactly as the dashboard does: full cycles, then every resource alone with the
requests per minute its interval costs, then a statistics refresh from the chargeback
reports beside the per-namespace baseline measured in the same run. Not collected by
pytest.

    .venv/bin/python tests/benchmarks/bench_client.py [--cycles 2] [--tenants 100] [--namespaces 20]
"""

from __future__ import annotations

import argparse

from hcpdash.bench import run_bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--nodes", type=int, default=16)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--namespaces", type=int, default=20)
    parser.add_argument("--links", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    run_bench(argparse.Namespace(simulate=True, **vars(args)), None)


if __name__ == "__main__":
    main()
