"""Benchmark: the read path the monitor runs, on a large simulated HCP system.

Polls system hcp1 of a simulator in its own process (16 nodes, 100 tenants × 20
namespaces, 10 links, 20 ms injected latency per request) through ``MonitorService``,
exactly as the dashboard does: full cycles, then every resource alone with the
requests per minute its interval costs, then a statistics refresh from the chargeback
reports beside the per-namespace baseline measured in the same run. Not collected by
pytest.

    .venv/bin/python tests/benchmarks/bench_client.py [any hcpdash bench option, e.g. --namespaces 100]
"""

from __future__ import annotations

import sys

from hcpdash.bench import run_bench
from hcpdash.cli import build_parser

SCALE = ["--nodes", "16", "--tenants", "100", "--namespaces", "20", "--links", "10", "--latency-ms", "20", "--cycles", "2"]


def main() -> None:
    """Extra arguments override the scale: ``--tenants 100 --namespaces 100``."""
    args = build_parser().parse_args(["bench", "--simulate", *SCALE, *sys.argv[1:]])
    run_bench(args, None)


if __name__ == "__main__":
    main()
