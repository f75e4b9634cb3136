"""The chargeback report in its three formats, and the rates taken from its counters."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcpdash.hcp.chargeback import parse_chargeback
from hcpdash.hcp.errors import NotAnHcp, ParseError
from hcpdash.hcp.models import Statistics, TrafficCounters
from hcpdash.monitor.activity import ActivityTracker

PAYLOADS = Path(__file__).parent / "payloads"
END = 1486672956.0   # 2017-02-09T15:42:36-0500


@pytest.mark.parametrize(("name", "content_type"), [
    ("chargeback.json", "application/json"), ("chargeback.xml", "application/xml"), ("chargeback.csv", "text/csv"),
    ("chargeback.csv", ""),
])
def test_each_format_gives_the_namespace_rows_and_the_tenant_total(name: str, content_type: str) -> None:
    report = parse_chargeback("Finance", (PAYLOADS / name).read_bytes(), content_type, "report")
    invoices = report.namespace("INVOICES")
    assert invoices is not None and invoices.source == "chargeback"
    assert (invoices.object_count, invoices.storage_capacity_used, invoices.ingested_volume) == (
        508664, 2156789760, 2204391424)
    assert invoices.counters == TrafficCounters(104857600, 52428800, 900, 400, 20)
    assert invoices.as_of == END
    assert invoices.custom_metadata_count is None
    assert report.total is not None and report.total.storage_capacity_used == 2156789760
    assert report.namespace("retired") is None          # a deleted namespace's row is history


def test_a_report_of_another_kind_or_broken_is_a_clear_error() -> None:
    with pytest.raises(NotAnHcp, match="chargebackReport"):
        parse_chargeback("finance", b"<statistics><objectCount>1</objectCount></statistics>", "application/xml", "r")
    with pytest.raises(ParseError, match="header"):
        parse_chargeback("finance", b"", "text/csv", "r")
    with pytest.raises(ParseError, match="objectCount"):
        parse_chargeback("finance", b'{"chargebackData": [{"namespaceName": "a", "objectCount": "many"}]}',
                         "application/json", "r")
    with pytest.raises(ParseError, match="endTime"):
        parse_chargeback("finance", (PAYLOADS / "chargeback.csv").read_bytes().replace(b"15:42:36-0500", b"soon"),
                         "text/csv", "r")


def _stats(bytes_in: int, as_of: float | None, reads: int = 100) -> Statistics:
    return Statistics(1, 1, 1, source="chargeback", counters=TrafficCounters(bytes_in, bytes_in // 2, reads, 10, 1),
                      as_of=as_of)


def test_rates_come_from_the_second_report_on_and_use_the_reports_clock() -> None:
    tracker = ActivityTracker()
    tracker.update({"ns": _stats(1000, END)}, read_at=5.0)
    assert tracker.get("ns") is None
    tracker.update({"ns": _stats(7000, END + 60, reads=160)}, read_at=500.0)
    activity = tracker.get("ns")
    assert activity is not None
    assert (activity.bytes_in_per_s, activity.bytes_out_per_s, activity.reads_per_s) == (100.0, 50.0, 1.0)
    tracker.update({"ns": _stats(7000, END + 60, reads=160)}, read_at=600.0)   # report not regenerated yet
    assert tracker.get("ns") == activity


def test_a_counter_reset_gives_no_rate_never_a_negative_one() -> None:
    tracker = ActivityTracker()
    tracker.update({"ns": _stats(5000, None)}, read_at=0.0)
    tracker.update({"ns": _stats(6000, None)}, read_at=10.0)
    assert tracker.get("ns") is not None and tracker.get("ns").bytes_in_per_s == 100.0
    tracker.update({"ns": _stats(10, None)}, read_at=20.0)
    assert tracker.get("ns") is None
    tracker.update({"ns": _stats(210, None)}, read_at=30.0)
    assert tracker.get("ns") is not None and tracker.get("ns").bytes_in_per_s == 20.0


def test_statistics_without_counters_or_a_namespace_gone_drop_the_rate() -> None:
    tracker = ActivityTracker()
    tracker.update({"a": _stats(0, None), "b": _stats(0, None)}, read_at=0.0)
    tracker.update({"a": _stats(10, None), "b": _stats(10, None)}, read_at=1.0)
    tracker.update({"a": Statistics(1, 1, 1)}, read_at=2.0)
    assert tracker.get("a") is None and tracker.get("b") is None
