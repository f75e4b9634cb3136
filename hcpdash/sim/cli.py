"""``hcpdash simulate``: options, a foreground run until Ctrl-C/SIGTERM, and what it prints."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from hcpdash.sim.model import PASSWORDS, SimOptions

if TYPE_CHECKING:
    from hcpdash.sim.runner import Simulator

__all__ = ["add_arguments", "describe", "options_from_args", "options_problem", "run"]


def add_arguments(parser: argparse.ArgumentParser, *, defaults: Mapping[str, object] | None = None,
                  serving: bool = True) -> None:
    """The simulator's options, shared by ``simulate``, ``demo`` and ``bench --simulate``.

    ``defaults`` overrides the scale a command starts with (``bench`` measures a bigger
    system); ``serving`` adds the options only a foreground simulator has.
    """
    chosen = {**dataclasses.asdict(SimOptions()), **(defaults or {})}
    sim = parser.add_argument_group("simulator")
    for name, help in (("systems", "HCP systems"), ("nodes", "nodes per system"), ("tenants", "tenants per system"),
                       ("namespaces", "namespaces per tenant"), ("links", "replication links"),
                       ("latency-ms", "added latency per request on every node, in ms"),
                       ("seed", "seed of the generated data")):
        default = chosen[name.replace("-", "_")]
        sim.add_argument(f"--{name}", type=int, default=default, help=f"{help} (default {default})")
    sim.add_argument("--phase-seconds", type=float, default=chosen["phase_seconds"],
                     help=f"how long timed link phases such as 'Completing recovery' last "
                          f"(default {chosen['phase_seconds']:g})")
    if serving:
        sim.add_argument("--real-ports", action="store_true",
                         help="bind the real HCP ports 80, 443, 9090 and DNS on 53")
        sim.add_argument("--write-config", metavar="PATH", help="write a ready hcpdash config for this simulator")
        # Run as a child (hcpdash demo, bench): stop when the parent closes our standard input.
        sim.add_argument("--stop-with-stdin", action="store_true", help=argparse.SUPPRESS)


def options_from_args(args: argparse.Namespace) -> SimOptions:
    return SimOptions(systems=args.systems, nodes=args.nodes, tenants=args.tenants, namespaces=args.namespaces,
                      links=args.links, latency_ms=args.latency_ms, seed=args.seed, phase_seconds=args.phase_seconds,
                      real_ports=getattr(args, "real_ports", False))


def options_problem(options: SimOptions) -> str | None:
    """One line saying which option is out of range, or None."""
    for name, value, low, high in (("systems", options.systems, 1, 50), ("nodes", options.nodes, 1, 200),
                                   ("tenants", options.tenants, 0, 5000), ("namespaces", options.namespaces, 0, 100000),
                                   ("links", options.links, 0, 100), ("latency-ms", options.latency_ms, 0, 600000)):
        if not low <= value <= high:
            return f"--{name} must be between {low} and {high} (got {value})"
    if options.phase_seconds <= 0:
        return "--phase-seconds must be positive"
    return None


def describe(sim: Simulator, out: TextIO) -> None:
    """What the simulator serves, where, and how to log in."""
    print("hcpdash HCP simulator", file=out)
    for system in sim.systems:
        ports = system.ports
        print(f"  {system.name}  {system.domain}  nodes {', '.join(system.addresses)}", file=out)
        print(f"        MAPI https://admin.{system.domain}:{ports.mapi}  data https :{ports.data}  "
              f"http :{ports.http} (/node_status, /proc)", file=out)
    print(f"  DNS server      {sim.dns_address[0]} port {sim.dns_address[1]} (UDP and TCP)", file=out)
    print(f"  control API     {sim.control_url}", file=out)
    print(f"  CA certificate  {sim.ca_file}", file=out)
    print("  accounts        system: admin / " + PASSWORDS["admin"] + " (ADMINISTRATOR), monitor / "
          + PASSWORDS["monitor"] + " (MONITOR)", file=out)
    print("                  tenant: <tenant>-admin / " + PASSWORDS["tenant-admin"] + ", <tenant>-reader / "
          + PASSWORDS["tenant-reader"], file=out)
    for link in sim.cluster.links if sim.cluster else []:
        kind = "active/active" if link.active_active else "active/passive"
        print(f"  link            {link.name} ({kind}, {link.first} -> {link.second})", file=out)


def _stop_at_end_of_input(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Set ``stop`` when standard input reaches its end: the parent closed it or died."""
    fd = sys.stdin.fileno()

    def readable() -> None:
        try:
            more = os.read(fd, 4096)
        except OSError:
            more = b""
        if not more:
            loop.remove_reader(fd)
            stop.set()

    loop.add_reader(fd, readable)


async def _serve(options: SimOptions, config_path: str | None, stop_with_stdin: bool = False) -> int:
    from hcpdash.sim.runner import Simulator   # the servers load only when one runs

    sim = Simulator(options)
    try:
        await sim.start()
    except PermissionError:
        print("hcpdash simulate: --real-ports needs permission to bind ports 53, 80, 443 and 9090 (run as root "
              "or grant CAP_NET_BIND_SERVICE)", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"hcpdash simulate: cannot bind the simulator's ports: {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    if stop_with_stdin:
        _stop_at_end_of_input(loop, stop)
    try:
        describe(sim, sys.stdout)
        if config_path:
            print(f"  config written  {sim.write_config(config_path)}  (hcpdash --config {config_path})")
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()
    finally:
        await sim.stop()
    print("simulator stopped")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run in the foreground until interrupted; 0 on a clean stop, 2 on bad options or ports."""
    options = options_from_args(args)
    problem = options_problem(options)
    if problem:
        print(f"hcpdash simulate: {problem}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(options, getattr(args, "write_config", None),
                                  getattr(args, "stop_with_stdin", False)))
    except KeyboardInterrupt:
        return 0
