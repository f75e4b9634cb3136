"""Preflight checks: the runbook's warnings for each action, from a freshly read link."""

from __future__ import annotations

import dataclasses

from hcpdash.config import Thresholds
from hcpdash.hcp.models import (
    FailoverSettings,
    FailoverSide,
    Link,
    LinkAction,
    LinkStatistics,
    LinkStatus,
    LinkType,
    ReplicationService,
)
from hcpdash.monitor.api import OtherEnd
from hcpdash.monitor.preflight import build_preflight, figures, link_lag_s
from hcpdash.monitor.verdicts import Level

NOW = 1_800_000_000.0
GB = 1024**3


def link(type_: LinkType = LinkType.INBOUND, message: str = "Receiving data", lag_s: float = 120,
         pending: int = 2 * GB, auto: bool = False) -> Link:
    stats = LinkStatistics(
        up_to_date_as_of_string="2027-01-15T08:00:00+0000", up_to_date_as_of_millis=int((NOW - lag_s) * 1000),
        bytes_pending=pending, bytes_pending_remote=GB if type_ is LinkType.ACTIVE_ACTIVE else 0,
        bytes_replicated=10 * GB, bytes_per_second=1024**2, objects_pending=1500, objects_pending_remote=0,
        objects_replicated=10_000, operations_per_second=12.5, errors=0, errors_per_second=0.0,
        objects_verified=None, objects_replicated_after_verification=None)
    side = FailoverSide(auto, 120, None, None)
    return Link(name="hcp1-hcp2 AP", type=type_, description=None, connection=None, compression=False,
                encryption=False, priority="OLDEST_FIRST", failover_settings=FailoverSettings(side, None),
                id="b3c4", statistics=stats, status=LinkStatus.GOOD, status_message=message, suspended=False)


def texts(preflight) -> str:
    return "\n".join(f"{c.level.name} {c.text}" for c in preflight.checks)


def test_figures_record_the_data_at_risk() -> None:
    numbers = figures(link(lag_s=90), NOW)
    assert numbers["bytes_pending"] == 2 * GB and numbers["objects_pending"] == 1500
    assert numbers["lag_s"] == 90.0 and numbers["type"] == "INBOUND"
    assert numbers["status_message"] == "Receiving data"


def test_lag_unknown_without_up_to_date_time() -> None:
    bare = dataclasses.replace(link(), statistics=dataclasses.replace(link().statistics, up_to_date_as_of_millis=None))
    assert link_lag_s(bare, NOW) is None
    assert "Replication lag unknown" in texts(build_preflight("hcp2", bare, LinkAction.SUSPEND, True, "", Thresholds(), NOW))


def test_failover_preflight_names_side_pending_lag_and_collision_risk() -> None:
    service = ReplicationService(None, False, None, None, None, None, None)
    pre = build_preflight("hcp2", link(lag_s=1800), LinkAction.FAIL_OVER, True, "valid", Thresholds(), NOW, service)
    text = texts(pre)
    assert "Connected to hcp2, which is the replica of an active/passive link (INBOUND)." in text
    assert "Pending on hcp2 outbound: 2.00 GB / 1,500 objects." in text
    assert "WARNING Data written in the last 30 min may not be on the other system" in text
    assert "both sides stay writable and objects collide" in text
    assert "DNS failover is off on this system" in text
    assert pre.allowed and pre.needs_typed_confirmation
    assert pre.figures["lag_s"] == 1800.0


def test_active_active_shows_both_directions() -> None:
    pre = build_preflight("hcp1", link(LinkType.ACTIVE_ACTIVE, "Synchronizing data"), LinkAction.FAIL_OVER, True,
                          "", Thresholds(), NOW)
    assert "1.00 GB / 0 objects inbound" in texts(pre)


def test_auto_failover_race_is_flagged() -> None:
    pre = build_preflight("hcp2", link(auto=True), LinkAction.FAIL_OVER, True, "", Thresholds(), NOW)
    assert "WARNING Automatic failover is on (local auto-failover after 120 min)" in texts(pre)


def test_restore_warns_about_resending_everything() -> None:
    pre = build_preflight("hcp1", link(message="Broken link"), LinkAction.RESTORE, True, "", Thresholds(), NOW)
    assert "re-send all object data" in texts(pre)


def test_completing_recovery_too_early_is_flagged() -> None:
    pre = build_preflight("hcp2", link(message="Recovering data", lag_s=7200), LinkAction.COMPLETE_RECOVERY, True,
                          "", Thresholds(), NOW)
    assert "WARNING Recovery is still 2 h behind" in texts(pre)
    calm = build_preflight("hcp2", link(message="Recovering data", lag_s=30), LinkAction.COMPLETE_RECOVERY, True,
                           "", Thresholds(), NOW)
    assert "Recovery is still" not in texts(calm)


def test_an_invalid_action_says_why_as_a_critical_check() -> None:
    pre = build_preflight("hcp1", link(LinkType.OUTBOUND, "Sending data"), LinkAction.FAIL_OVER, False,
                          "an active/passive link fails over on the replica, not the primary", Thresholds(), NOW)
    assert not pre.allowed
    assert pre.checks[-1].level is Level.CRITICAL
    assert pre.checks[-1].text == "Not valid now: an active/passive link fails over on the replica, not the primary"


def test_suspend_and_resume_need_no_typed_confirmation() -> None:
    for action in (LinkAction.SUSPEND, LinkAction.RESUME):
        assert not build_preflight("hcp1", link(), action, True, "", Thresholds(), NOW).needs_typed_confirmation


def primary(pending: int = 12_310_000, objects: int = 46, lag_s: float = 200) -> Link:
    return dataclasses.replace(link(LinkType.OUTBOUND, "Sending data", lag_s=lag_s, pending=pending),
                               statistics=dataclasses.replace(link(lag_s=lag_s).statistics, bytes_pending=pending,
                                                              objects_pending=objects))


def replica() -> Link:
    """What HCP reports on the replica of an active/passive link: nothing pending outbound."""
    return link(LinkType.INBOUND, "Receiving data", lag_s=200, pending=0)


def check_with(preflight, words: str):
    return next(c for c in preflight.checks if words in c.text)


def test_failover_on_the_replica_shows_what_the_primary_still_has_to_send() -> None:
    dns_on = ReplicationService(None, True, None, None, None, None, None)
    other = OtherEnd("hcp1", primary(), dns_on)
    pre = build_preflight("hcp2", replica(), LinkAction.FAIL_OVER, True, "valid", Thresholds(), NOW, None, other)
    pending = check_with(pre, "Pending on hcp1 toward hcp2")
    assert pending.level is Level.WARNING
    assert pending.text == "Pending on hcp1 toward hcp2 (read now): 11.74 MB / 46 objects not yet on hcp2."
    assert check_with(pre, "State on hcp1 (read now)").text == "State on hcp1 (read now): GOOD — Sending data."
    assert "Data written to hcp1 in the last 3 min may not be on hcp2" in texts(pre)
    assert check_with(pre, "DNS failover (read now)").text == "DNS failover (read now): unknown for hcp2, on for hcp1."
    assert check_with(pre, "DNS failover (read now)").level is Level.UNKNOWN, "no tick on a setting not read"
    assert "a failover with both systems up is a planned one" in texts(pre)
    recorded = pre.figures["other_end"]
    assert recorded["system"] == "hcp1" and recorded["read"] is True
    assert (recorded["bytes_pending_toward_this_end"], recorded["objects_pending_toward_this_end"]) == (12_310_000, 46)
    assert recorded["lag_s"] == 200.0 and recorded["status_message"] == "Sending data"


def test_an_unreadable_other_end_is_unknown_never_a_green_zero() -> None:
    other = OtherEnd("hcp1", None, None, "cannot connect (ConnectError)", last_polled=primary(), last_polled_at=NOW - 120)
    pre = build_preflight("hcp2", replica(), LinkAction.FAIL_OVER, True, "valid", Thresholds(), NOW, None, other)
    reading = check_with(pre, "hcp1 could not be read now")
    assert reading.level is Level.UNKNOWN
    assert reading.text.startswith("hcp1 could not be read now: cannot connect (ConnectError). If hcp1 is down, "
                                   "that is why a failover is needed")
    pending = check_with(pre, "Pending on hcp1 toward hcp2")
    assert pending.level is Level.UNKNOWN
    assert pending.text == ("Pending on hcp1 toward hcp2: unknown (hcp1 could not be read). The last successful "
                            "poll, 2 min ago, showed 11.74 MB / 46 objects.")
    assert "Fail over only if the other system is really down" in texts(pre)
    assert pre.figures["other_end"] == {"system": "hcp1", "read": False, "error": "cannot connect (ConnectError)"}


def test_an_other_end_on_no_configured_system_says_so() -> None:
    other = OtherEnd(None, error="no other HCP system is configured in hcpdash (its remote host: 10.0.0.1)")
    pre = build_preflight("hcp2", replica(), LinkAction.FAIL_OVER, True, "valid", Thresholds(), NOW, None, other)
    assert check_with(pre, "The other end could not be read").level is Level.UNKNOWN
    assert "Pending on the other system toward hcp2: unknown" in texts(pre)
    assert pre.figures["other_end"]["read"] is False


def test_an_active_active_peer_that_cannot_be_read_shows_this_sides_estimate_as_such() -> None:
    other = OtherEnd("hcp1", None, None, "no answer within 35 s")
    pre = build_preflight("hcp2", link(LinkType.ACTIVE_ACTIVE, "Synchronizing data"), LinkAction.FAIL_OVER, True,
                          "valid", Thresholds(), NOW, None, other)
    assert "hcp2's own count of it (bytesPendingRemote) is 1.00 GB / 0 objects." in check_with(
        pre, "Pending on hcp1 toward hcp2").text


def test_nothing_pending_on_the_other_end_is_a_plain_fact() -> None:
    other = OtherEnd("hcp1", primary(pending=0, objects=0, lag_s=2))
    pre = build_preflight("hcp2", replica(), LinkAction.SUSPEND, True, "valid", Thresholds(), NOW, None, other)
    assert check_with(pre, "Nothing pending on hcp1 toward hcp2").level is Level.OK
