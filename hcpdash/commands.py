"""The one-shot commands: check, nodes, namespaces, links and link.

Each runs one poll through the same monitor the dashboard uses, then prints the
same verdicts; no Textual here, so ``hcpdash check`` starts fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from hcpdash import stopping
from hcpdash.config import Config
from hcpdash.hcp.models import LinkAction, NodeState
from hcpdash.monitor import report
from hcpdash.monitor.api import ActionResult, Preflight
from hcpdash.monitor.events import Event
from hcpdash.monitor.locks import LinkBusy, LockError
from hcpdash.monitor.node_inventory import InventoryStore
from hcpdash.monitor.service import MonitorService
from hcpdash.monitor.system import SUMMARISED
from hcpdash.monitor.verdicts import Level

EXIT_USAGE = 2


def _select(config: Config, system: str | None) -> Config:
    if system is None:
        return config
    try:
        chosen = config.system(system)
    except KeyError:
        names = ", ".join(s.name for s in config.systems)
        raise UsageError(f"no system named {system!r} in {config.path} (configured: {names})") from None
    return dataclasses.replace(config, systems=(chosen,))


class UsageError(Exception):
    """A command-line mistake; printed as one line, exit status 2."""


def _report_journal_event(event: Event) -> None:
    """A dangling intent in the audit journal, or a node inventory that had to be rebuilt, goes to stderr."""
    if event.kind in ("journal", "inventory"):
        print(f"hcpdash: warning: {event.system}: {event.message}", file=sys.stderr)


async def _poll(config: Config, resources: tuple[str, ...] | None, deadline_s: float | None = None,
                tenant_details: bool = True) -> tuple[MonitorService, float]:
    # What /proc shows (a user's own permissions, retention classes) is in the dashboard's
    # details only, never in these outputs: no data-access request is made for them.
    config = dataclasses.replace(config, systems=tuple(dataclasses.replace(s, data_access=()) for s in config.systems))
    monitor = MonitorService(config)
    monitor.events.subscribe(_report_journal_event)
    for system in config.systems:
        monitor.system_monitor(system.name).tenant_details = tenant_details
    try:
        await monitor.poll_once(resources, deadline_s)
    finally:
        await monitor.stop()
    return monitor, time.time()


def _print_json(document: dict[str, Any], out: TextIO) -> None:
    # One write: json.dump would make a call through the closed-pipe guard per token.
    out.write(json.dumps(document, indent=2) + "\n")


def run_check(config: Config, args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    # What the verdicts are made of: no permission masks, no tenant settings.
    monitor, now = stopping.run(_poll(config, SUMMARISED, config.check.deadline, tenant_details=False))
    snapshots = list(monitor.snapshots().values())
    if args.json:
        _print_json(report.check_json(snapshots, now), out)
    else:
        print(report.check_text(snapshots), file=out)
    return report.overall(snapshots).level.value


# Area → (resources polled, JSON document, text table).
_AREAS: dict[str, tuple[tuple[str, ...], Callable[..., dict[str, Any]], Callable[..., str]]] = {
    "nodes": (("nodes", "node_statistics"), report.nodes_json, report.nodes_text),
    "namespaces": (("namespaces", "statistics", "permissions"), report.namespaces_json, report.namespaces_text),
    "links": (("replication_service", "links"), report.links_json, report.links_text),
}


def run_area(config: Config, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Exit 0 when every system's data was read, 1 when some could not be (the rest is printed)."""
    out = out or sys.stdout
    resources, as_json, as_text = _AREAS[args.command]
    # No area prints a tenant's settings, so none reads them.
    monitor, now = stopping.run(_poll(_select(config, args.system), resources, tenant_details=False))
    snapshots = list(monitor.snapshots().values())
    if args.json:
        document = (as_json(snapshots, monitor.joined_links(), now) if args.command == "links"
                    else as_json(snapshots, now))
        _print_json(document, out)
    else:
        print(as_text(snapshots, now), file=out)
    unknown = [(s.name, node) for s in snapshots for node in s.nodes.value or ()
               if args.command == "nodes" and node.probe is NodeState.UNKNOWN]
    for system, node in unknown:
        print(f"hcpdash: {system}: {node.address}: status not known: {node.last_error or 'unexpected answer'}",
              file=sys.stderr)
    return 1 if unknown or any(report.reading_errors(s, args.command) for s in snapshots) else 0


def run_forget(config: Config, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``nodes --forget ADDRESS --system NAME``: drop a decommissioned node from the node inventory."""
    out = out or sys.stdout
    if args.system is None:
        raise UsageError("--forget needs --system NAME: each system has its own node inventory")
    system = _select(config, args.system).systems[0]
    inventory = InventoryStore.in_state_dir().load(system.name, system.domain)
    for problem in inventory.problems:
        print(f"hcpdash: warning: {system.name}: {problem}", file=sys.stderr)
    inventory.problems.clear()
    if not inventory.forget(args.forget):
        known = ", ".join(inventory.addresses()) or "no node yet"
        print(f"hcpdash: {args.forget} is not in the node inventory of {system.name} ({inventory.path}; it holds: "
              f"{known})", file=sys.stderr)
        return 1
    inventory.save()
    if inventory.problems:
        print(f"hcpdash: {inventory.problems[-1]}", file=sys.stderr)
        return 1
    print(f"forgot {args.forget} from the node inventory of {system.name} ({inventory.path}); if HCP still lists "
          f"it, the next poll adds it back", file=out)
    return 0


# ---------------------------------------------------------------- link ACTION LINK


def _print_preflight(preflight: Preflight, out: TextIO) -> None:
    print(f"Preflight: {preflight.action} on link {preflight.link_name!r} of {preflight.system}", file=out)
    for check in preflight.checks:
        mark = {Level.OK: " ", Level.WARNING: "!", Level.CRITICAL: "x", Level.UNKNOWN: "?"}[check.level]
        print(f"  {mark} {check.text}", file=out)


def run_link(config: Config, args: argparse.Namespace, out: TextIO | None = None,
             prompt: Callable[[str], str] = input) -> int:
    out = out or sys.stdout
    if len(config.systems) > 1 and args.system is None:
        names = ", ".join(s.name for s in config.systems)
        raise UsageError(f"several systems are configured ({names}): say which one acts with --system NAME")
    system = _select(config, args.system).systems[0]
    action = LinkAction(args.action)
    if config.is_read_only(system):
        print(f"hcpdash: {system.name} is read-only here (--read-only or read_only: true): "
              f"no action is sent.", file=sys.stderr)
        return EXIT_USAGE
    # Every configured system stays in: the preflight reads the link's other end on its own system.
    return stopping.run(_run_link(config, system.name, action, args, out, prompt), prompts=True)


async def _run_link(config: Config, system: str, action: LinkAction, args: argparse.Namespace, out: TextIO,
                    prompt: Callable[[str], str]) -> int:
    monitor = MonitorService(config)

    def show_transition(event: Event) -> None:
        if event.kind == "link":
            print(f"  {time.strftime('%H:%M:%S', time.localtime(event.time))} {event.message}", file=out)

    monitor.events.subscribe(show_transition)
    monitor.events.subscribe(_report_journal_event)
    monitor.report_dangling_intents()
    try:
        with monitor.action_lock(system, args.link):  # held from the preflight to the outcome
            result = await _confirm_and_execute(monitor, system, action, args, out, prompt)
    except (LinkBusy, LockError) as exc:
        print(f"hcpdash: {exc}", file=sys.stderr)
        return 1
    finally:
        await monitor.stop()
    if isinstance(result, int):
        return result
    after = f"; link now: {result.status_message_after}" if result.status_message_after else ""
    if result.unrecorded:
        print(f"hcpdash: the outcome could not be written to the audit journal: {result.unrecorded}",
              file=sys.stderr)
        print(f"hcpdash: outcome of {action} on {args.link}: {result.outcome}: {result.message}{after}",
              file=sys.stderr)
        return 1
    if result.outcome == "refused":
        print(f"hcpdash: {result.message}", file=sys.stderr)
        return 1
    print(f"{result.outcome}: {result.message}{after}", file=out)
    return 0 if result.outcome == "ok" else 1


async def _confirm_and_execute(monitor: MonitorService, system: str, action: LinkAction, args: argparse.Namespace,
                               out: TextIO, prompt: Callable[[str], str]) -> ActionResult | int:
    """The preflight, the confirmation and the action; an int is the exit status of a stop before sending."""
    preflight = await monitor.preflight(system, args.link, action)
    _print_preflight(preflight, out)
    if not preflight.allowed:
        print(f"hcpdash: {action} is not valid for {args.link!r} now: {preflight.reason}", file=sys.stderr)
        return 1
    reason = args.reason or ""
    if not args.yes:
        if not sys.stdin.isatty() and prompt is input:
            print("hcpdash: confirmation needed: run in a terminal, or add --yes and --reason", file=sys.stderr)
            return EXIT_USAGE
        if preflight.needs_typed_confirmation:
            typed = prompt(f"Type the link name ({preflight.link_name}) to {action}: ")
            if typed != preflight.link_name:
                print("hcpdash: the name did not match; nothing was sent.", file=sys.stderr)
                return 1
        elif prompt(f"{action} link {preflight.link_name!r}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("hcpdash: cancelled; nothing was sent.", file=sys.stderr)
            return 1
        if not reason:
            reason = prompt("Reason (recorded in the audit journal): ").strip()
    if preflight.needs_typed_confirmation and not reason:
        print("hcpdash: a reason is required for this action (--reason TEXT).", file=sys.stderr)
        return EXIT_USAGE
    return await monitor.execute(preflight, reason, wait_settle=True)
