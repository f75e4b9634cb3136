"""Throughput of the HCP simulator: keep-alive HTTPS GETs per second.

The simulator runs in this process (its own thread and event loop); the httpx clients
run in separate processes, one client per process, so they do not share its GIL.

    .venv/bin/python tests/benchmarks/bench_sim.py [--seconds 5] [--clients 1 4]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import multiprocessing
import ssl
import time

PATHS = ("/mapi/services/replication/links", "/mapi/tenants", "/mapi/services/replication/links/hcp1-hcp2-aa?verbose=true",
         "/mapi/tenants/finance/namespaces")


def _client(ca_file: str, address: str, port: int, domain: str, seconds: float, start_at: float,
            results: multiprocessing.Queue) -> None:
    import httpx

    token = f"HCP {base64.b64encode(b'admin').decode()}:{hashlib.md5(b'hcpdash-admin').hexdigest()}"
    host = f"admin.{domain}"
    headers = {"Host": host, "Authorization": token, "Accept": "application/json"}
    context = ssl.create_default_context(cafile=ca_file)
    done = errors = 0
    with httpx.Client(verify=context, timeout=10) as client:
        client.get(f"https://{address}:{port}{PATHS[0]}", headers=headers, extensions={"sni_hostname": host})
        while time.time() < start_at:
            time.sleep(0.001)
        deadline = start_at + seconds
        while time.time() < deadline:
            response = client.get(f"https://{address}:{port}{PATHS[done % len(PATHS)]}", headers=headers,
                                  extensions={"sni_hostname": host})
            done += 1
            errors += response.status_code != 200
    results.put((done, errors))


def measure(sim: object, clients: int, seconds: float) -> float:
    system = sim.systems[0]  # type: ignore[attr-defined]
    results: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 1.5
    workers = [multiprocessing.Process(target=_client, args=(
        str(sim.ca_file), system.addresses[i % len(system.addresses)], system.ports.mapi,  # type: ignore[attr-defined]
        system.domain, seconds, start_at, results)) for i in range(clients)]
    for worker in workers:
        worker.start()
    totals = [results.get(timeout=seconds + 30) for _ in workers]
    for worker in workers:
        worker.join()
    requests = sum(t[0] for t in totals)
    errors = sum(t[1] for t in totals)
    rate = requests / seconds
    print(f"{clients} client(s): {requests} requests in {seconds:.0f} s = {rate:,.0f} requests/s"
          f"{f' ({errors} errors)' if errors else ''}")
    return rate


def main() -> None:
    from hcpdash.sim import SimOptions, SimulatorThread

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    with SimulatorThread(SimOptions()) as sim:
        for count in args.clients:
            measure(sim, count, args.seconds)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
