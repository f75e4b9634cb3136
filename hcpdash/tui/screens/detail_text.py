"""The bodies of the detail views: titled sections of labelled values and tables.

Server strings are never parsed as markup. Labels share one column wide enough for the
longest, so a value never runs into its label, and a long value wraps within its own
column; the tables are laid out to fit the detail view at 120 columns without wrapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hcpdash.hcp.models import PermissionFlags, ProcPermissions
from hcpdash.monitor.snapshot import LinkView, NamespaceView, NodeView, SystemSnapshot
from hcpdash.monitor.verdicts import format_bytes, format_duration
from hcpdash.monitor.verdicts import Verdict
from hcpdash.tui.style import DASH, Palette, flag

PERMISSIONS = ("browse", "read", "write", "read_acl", "write_acl", "change_owner", "delete", "privileged", "purge",
               "search")


LABEL_WIDTH = 24
"""The label column's width; a longer label widens it, two spaces always separate label and value."""


def fields(pairs: Sequence[tuple[str, object]]) -> Table:
    """``label  value`` rows: the labels in one column, the values (shown literally) wrapping in theirs."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", min_width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        grid.add_row(label, value if isinstance(value, Text) else Text(DASH if value is None else str(value)))
    return grid


def _section(parts: list[RenderableType], title: str, body: RenderableType) -> None:
    if parts:
        parts.append(Text())
    parts.append(Text(title, "bold underline"))
    parts.append(body)


def verdict_text(verdict: Verdict, palette: Palette) -> Text:
    """``OK``, or the level and its reason (``WARNING — lag 25 min …``) when the reason says more."""
    shown = verdict.level.name
    if verdict.reason and verdict.reason.lower() != shown.lower():
        shown += f" — {verdict.reason}"
    return Text(shown, palette.level(verdict.level))


def _ms(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f} ms"


def _bytes(value: int | float | None) -> str:
    return DASH if value is None else format_bytes(value)


def _count_and_size(count: int | None, size: int | None) -> str | None:
    return None if count is None else f"{count:,} ({_bytes(size)})"


def node(view: NodeView | None, snap: SystemSnapshot | None, palette: Palette) -> RenderableType:
    if view is None:
        return Text("This node is no longer reported.", palette.unknown)
    parts: list[RenderableType] = []
    _section(parts, "Connection pool", fields([
        ("Address", view.address), ("Pool state", view.pool_state), ("In DNS answer", flag(view.in_dns)),
        ("Probe (/node_status)", str(view.probe) if view.probe else None), ("Probe time", _ms(view.probe_ms)),
        ("Latency p50 / p95", f"{_ms(view.latency_p50_ms)} / {_ms(view.latency_p95_ms)}"),
        ("Latency max / EWMA", f"{_ms(view.latency_max_ms)} / {_ms(view.latency_ewma_ms)}"),
        ("Connect time", _ms(view.connect_ms)), ("Requests / errors", f"{view.requests:,} / {view.errors:,}"),
        ("Last error", Text(view.last_error, palette.failing) if view.last_error else None),
    ]))
    stats = view.stats
    if stats is None:
        _section(parts, "Node statistics", Text("not available (MAPI node statistics not read yet or not allowed)",
                                                 palette.unknown))
        return Group(*parts)
    _section(parts, "Node statistics", fields([
        ("Node number", stats.node_number), ("Front-end addresses", ", ".join(stats.frontend_ip_addresses)),
        ("Back-end address", stats.backend_ip_address),
        ("CPU user / system / max", f"{stats.cpu_user} / {stats.cpu_system} / {stats.cpu_max}"),
        ("I/O wait", stats.io_wait), ("Swap out", stats.swap_out),
        ("HTTP connections", f"{stats.open_http_connections} of {stats.max_http_connections}"),
        ("HTTPS connections", f"{stats.open_https_connections} of {stats.max_https_connections}"),
    ]))
    volumes = [(v.id, f"{_bytes(v.free_bytes)} free of {_bytes(v.total_bytes)}, utilisation {v.disk_utilization}")
               for v in stats.volumes]
    if volumes:
        _section(parts, "Volumes", fields(volumes))
    return Group(*parts)


def permission_matrix(permissions: ProcPermissions, palette: Palette) -> Table:
    """One row per permission, one column per mask: ten rows of five short cells fit any detail view."""
    masks: list[tuple[str, PermissionFlags]] = [
        ("Namespace", permissions.namespace), ("Namespace effective", permissions.namespace_effective),
        ("User", permissions.user), ("User effective", permissions.user_effective),
    ]
    table = Table(box=None, padding=(0, 2), collapse_padding=True, pad_edge=False, header_style="bold")
    table.add_column("Permission", style="bold", min_width=LABEL_WIDTH, no_wrap=True)
    for label, _ in masks:
        table.add_column(label, no_wrap=True)
    for name in PERMISSIONS:
        marks = [getattr(flags, name) for _, flags in masks]
        table.add_row(name, *(Text(flag(value), palette.ok if value else palette.unknown) for value in marks))
    return table


def namespace(view: NamespaceView | None, palette: Palette) -> RenderableType:
    if view is None:
        return Text("This namespace is no longer reported.", palette.unknown)
    parts: list[RenderableType] = []
    ns, stats = view.namespace, view.statistics
    if ns is not None:
        _section(parts, "Settings", fields([
            ("Tenant", view.tenant), ("Name", view.name), ("Full name", ns.fully_qualified_name),
            ("Description", ns.description or None), ("Hard quota", _bytes(ns.hard_quota_bytes)),
            ("Soft quota", f"{ns.soft_quota_percent}%" if ns.soft_quota_percent is not None else None),
            ("Hash scheme", ns.hash_scheme), ("DPL", ns.dpl), ("Retention mode", "enterprise"
                                                              if ns.enterprise_mode else "compliance"),
            ("Search / indexing", f"{flag(ns.search_enabled)} / {flag(ns.indexing_enabled)}"),
            ("Replication", flag(ns.replication_enabled)), ("Read from replica", flag(ns.read_from_replica)),
            ("Remote system requests", flag(ns.service_remote_system_requests)), ("ACLs", ns.acls_usage),
            ("Optimized for", ns.optimized_for), ("Owner", ns.owner), ("Created", ns.creation_time),
            ("Tags", ", ".join(ns.tags) or None),
        ]))
    if stats is not None:
        _section(parts, "Statistics", fields([
            ("Objects", f"{stats.object_count:,}"), ("Used", _bytes(stats.storage_capacity_used)),
            ("Ingested", _bytes(stats.ingested_volume)),
            ("Custom metadata", _count_and_size(stats.custom_metadata_count, stats.custom_metadata_size)),
            ("Shredding", _count_and_size(stats.shred_count, stats.shred_size)),
            ("Source", "chargeback report" if stats.source == "chargeback" else "statistics resource"),
        ]))
    if view.activity is not None:
        act = view.activity
        _section(parts, "Activity", fields([
            ("Ingest", f"{_bytes(act.bytes_in_per_s)}/s"), ("Read", f"{_bytes(act.bytes_out_per_s)}/s"),
            ("Operations", f"{act.reads_per_s:.1f} reads/s, {act.writes_per_s:.1f} writes/s, "
                           f"{act.deletes_per_s:.2f} deletes/s"),
        ]))
    masks = [("Namespace mask", ", ".join(sorted(view.permissions)) if view.permissions is not None else None)]
    if ns is not None:
        masks += [("Authenticated minimum", ", ".join(sorted(ns.auth_minimum_permissions)) or None),
                  ("Anonymous minimum", ", ".join(sorted(ns.auth_and_anonymous_minimum_permissions)) or None)]
    _section(parts, "Permission masks", fields(masks))
    proc = view.proc
    if proc is None:
        _section(parts, "Data access", Text("no data-access credentials configured for this namespace",
                                             palette.unknown))
        return Group(*parts)
    if proc.error:
        _section(parts, "Data access", Text(proc.error, palette.failing))
    if proc.permissions is not None:
        _section(parts, "Effective permissions (/proc)", permission_matrix(proc.permissions, palette))
    if proc.retention_classes is not None:
        classes = [(c.name, f"{c.value}  auto-delete {flag(c.auto_delete)}  {c.description}")
                   for c in proc.retention_classes.classes]
        _section(parts, "Retention classes", fields(classes) if classes else Text("none"))
    return Group(*parts)


def link(view: LinkView | None, palette: Palette) -> RenderableType:
    if view is None:
        return Text("This link is no longer reported.", palette.unknown)
    item, stats = view.link, view.link.statistics
    parts: list[RenderableType] = []
    conn = item.connection
    _section(parts, "Link", fields([
        ("Name", item.name), ("Type", str(item.type)), ("Description", item.description),
        ("Status", f"{item.status or DASH} — {item.status_message or DASH}"), ("Suspended", flag(item.suspended)),
        ("Verdict", verdict_text(view.verdict, palette)),
        ("Compression / encryption", f"{flag(item.compression)} / {flag(item.encryption)}"),
        ("Priority", item.priority),
        ("Local", f"{conn.local_host}:{conn.local_port}" if conn else None),
        ("Remote", f"{conn.remote_host}:{conn.remote_port}" if conn else None),
    ]))
    if item.failover_settings is not None:
        sides = []
        for label, side in (("Local", item.failover_settings.local), ("Remote", item.failover_settings.remote)):
            if side is not None:
                sides.append((f"{label} auto-failover", f"{flag(side.auto_failover)} after "
                                                        f"{side.auto_failover_minutes} min; auto-complete recovery "
                                                        f"{flag(side.auto_complete_recovery)}"))
        _section(parts, "Failover settings", fields(sides))
    if stats is not None:
        _section(parts, "Statistics", fields([
            ("Up to date as of", stats.up_to_date_as_of_string),
            ("Lag", format_duration(view.lag_s) if view.lag_s is not None else None),
            ("Drain ETA", format_duration(view.drain_eta_s) if view.drain_eta_s is not None else None),
            ("Pending outbound", f"{_bytes(stats.bytes_pending)} / {stats.objects_pending:,} objects"),
            ("Pending inbound", f"{_bytes(stats.bytes_pending_remote)} / {stats.objects_pending_remote:,} objects"),
            ("Replicated", f"{_bytes(stats.bytes_replicated)} / {stats.objects_replicated:,} objects"),
            ("Rate", f"{_bytes(stats.bytes_per_second)}/s, {stats.operations_per_second:.1f} ops/s"),
            ("Errors", f"{stats.errors:,} ({stats.errors_per_second:.2f}/s)"),
        ]))
    return Group(*parts)
