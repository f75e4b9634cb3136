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
    assert "Pending: 2.00 GB / 1,500 objects outbound." in text
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
