"""The tenant chargeback report (MAPI, §6.5): every namespace's statistics in one request.

Window and granularity, chosen so the figures match the ``statistics`` resource:

- ``granularity=total`` gives one ``chargebackData`` row per namespace (plus the
  tenant's aggregate row, whose ``namespaceName`` is empty) for the whole window, so the
  report stays one small document however long the window.
- No ``end``: HCP ends the report now, so the gauges ``objectCount``,
  ``storageCapacityUsed`` and ``ingestedVolume`` are the values at the end of the
  window, which is what the ``statistics`` resource reports. (That a ``total`` row
  carries end-of-window gauges is inferred from the reference, not documented; a report
  whose rows end earlier simply ages like any reading, ``as_of`` says when.)
- ``start`` fixed at an hour boundary (HCP snaps to hours) that the caller keeps for
  its lifetime: the traffic figures ``bytesIn``, ``bytesOut``, ``reads``, ``writes`` and
  ``deletes`` are then cumulative counters that only grow, so the difference between
  two reports is the traffic in between. Omitting ``start`` would let the oldest data
  age out of HCP's 180-day retention and make the totals shrink.

JSON is asked for; XML and CSV answers are read just the same.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from hcpdash.hcp import errors as e
from hcpdash.hcp.client import HcpClient
from hcpdash.hcp.mapi import check_mapi
from hcpdash.hcp.models import Statistics, TrafficCounters
from hcpdash.hcp.parse import Record, parse_body

__all__ = ["ChargebackReport", "parse_chargeback", "report_start", "tenant_chargeback"]

_HOUR = 3600


@dataclass(frozen=True, slots=True)
class ChargebackReport:
    """One tenant's report: statistics by namespace name (casefolded) and the tenant's total."""

    tenant: str
    namespaces: dict[str, Statistics]
    total: Statistics | None

    def namespace(self, name: str) -> Statistics | None:
        return self.namespaces.get(name.casefold())


def report_start(now: float) -> float:
    """The hour boundary at or before ``now``: the report start a monitor keeps."""
    return now - now % _HOUR


def _stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


async def tenant_chargeback(client: HcpClient, tenant: str, start: float) -> ChargebackReport:
    """``GET /mapi/tenants/<t>/chargebackReport?start=..&granularity=total``."""
    resource = f"tenant {tenant} chargeback report"
    with client.attributed():
        response = await client.request(
            "GET", f"/mapi/tenants/{quote(tenant, safe='')}/chargebackReport", host=client.system.admin_host,
            port=client.system.ports.mapi, api="mapi", params={"start": _stamp(start), "granularity": "total"},
            resource=resource, headers={"Accept": "application/json", "Authorization": client.authorization()})
        check_mapi(response, resource)
        return parse_chargeback(tenant, response.body, response.headers.get("Content-Type", ""), resource)


def parse_chargeback(tenant: str, body: bytes, content_type: str, resource: str) -> ChargebackReport:
    """A report in JSON (``{"chargebackData": [...]}``), XML or CSV (header line first)."""
    if "csv" in content_type.lower() or body.lstrip()[:11] == b"systemName,":
        rows = _csv_rows(body, resource)
    else:
        document = parse_body(body, content_type, resource)
        if document.root not in (None, "chargebackReport"):
            raise e.NotAnHcp(f"expected a <chargebackReport> document, got <{document.root}>", resource=resource)
        rows = list(document.records("chargebackData"))
    namespaces: dict[str, Statistics] = {}
    total = None
    times: dict[str, float | None] = {}             # every row of a report shares its end time
    for row in rows:
        owner = row.string("tenantName", required=False)
        if owner and owner.casefold() != tenant.casefold():
            continue
        if str(row.string("deleted", required=False) or "false").lower() not in ("false", ""):
            continue                                # a deleted namespace's history, not a live one
        name = row.string("namespaceName", required=False)
        statistics = _statistics(row, times)
        if name:
            namespaces[name.casefold()] = statistics
        else:
            total = statistics
    return ChargebackReport(tenant, namespaces, total)


def _statistics(row: Record, times: dict[str, float | None]) -> Statistics:
    return Statistics(
        object_count=row.integer("objectCount"), ingested_volume=row.integer("ingestedVolume"),
        storage_capacity_used=row.integer("storageCapacityUsed"), source="chargeback",
        counters=TrafficCounters(bytes_in=row.integer("bytesIn"), bytes_out=row.integer("bytesOut"),
                                 reads=row.integer("reads"), writes=row.integer("writes"),
                                 deletes=row.integer("deletes")),
        as_of=_epoch(row, "endTime", times),
    )  # type: ignore[arg-type]


def _epoch(row: Record, key: str, seen: dict[str, float | None]) -> float | None:
    """``2017-02-09T15:42:36-0500`` (HCP), ISO 8601 with a colon or ``Z``, or epoch milliseconds."""
    text = row.string(key, required=False)
    if not text:
        return None
    if text in seen:
        return seen[text]
    seen[text] = value = _parse_time(row, key, text.strip())
    return value


def _parse_time(row: Record, key: str, text: str) -> float:
    if text.isdigit():
        return int(text) / 1000
    for parse in (lambda t: datetime.strptime(t, "%Y-%m-%dT%H:%M:%S%z"),
                  lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))):
        try:
            return parse(text).timestamp()
        except ValueError:
            continue
    row.fail(key, f"not a time: {text[:40]!r}")


def _csv_rows(body: bytes, resource: str) -> Iterable[Record]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise e.ParseError("chargeback CSV is not UTF-8", resource=resource) from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "namespaceName" not in reader.fieldnames:
        raise e.ParseError("chargeback CSV lacks its header line", resource=resource)
    try:
        return [Record({k: v for k, v in row.items() if k is not None}, resource, root=None,
                       path=f"line {index + 2}") for index, row in enumerate(reader)]
    except csv.Error as exc:
        raise e.ParseError(f"malformed chargeback CSV ({exc})", resource=resource) from None
