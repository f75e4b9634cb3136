"""Replication link workflows end to end, checked on both systems."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

AA, AP = "hcp1-hcp2-aa", "hcp1-hcp2-ap"
T = TypeVar("T")


def eventually(read: Callable[[], T], holds: Callable[[T], bool], timeout: float = 5.0) -> T:
    """Re-read until ``holds``: the simulator's figures move with real time, so a change is awaited, not slept for."""
    deadline = time.monotonic() + timeout
    while not holds(value := read()):
        assert time.monotonic() < deadline, f"still {value!r} after {timeout} s"
        time.sleep(0.02)
    return value


def ends(http, name):
    return http.link(name, system="hcp1"), http.link(name, system="hcp2")


def messages(http, name):
    one, two = ends(http, name)
    return one["statusMessage"], two["statusMessage"]


def rejected(response, *words):
    message = response.headers.get("x-hcp-errormessage", "")
    return response.status_code == 400 and all(w.lower() in message.lower() for w in words)


def test_both_ends_agree_on_type(sim_http):
    aa1, aa2 = ends(sim_http, AA)
    assert aa1["type"] == aa2["type"] == "ACTIVE_ACTIVE"
    ap1, ap2 = ends(sim_http, AP)
    assert (ap1["type"], ap2["type"]) == ("OUTBOUND", "INBOUND")
    assert aa1["id"] == aa2["id"]


def test_suspend_and_resume_show_on_both_ends(fresh):
    assert fresh.action(AP, "suspend").status_code == 200
    one, two = ends(fresh, AP)
    assert one["suspended"] and two["suspended"]
    assert (one["statusMessage"], two["statusMessage"]) == ("Suspended by user", "Suspended by user")
    assert one["status"] == two["status"] == "WARNING"
    assert rejected(fresh.action(AP, "suspend", system="hcp2"), "already suspended")
    assert fresh.action(AP, "resume=true", system="hcp2").status_code == 200
    assert messages(fresh, AP) == ("Sending data", "Receiving data")
    assert rejected(fresh.action(AP, "resume"), "not suspended")


def test_pending_data_grows_while_suspended(fresh):
    fresh.action(AA, "suspend=")
    before = fresh.link(AA)["statistics"]
    after = eventually(lambda: fresh.link(AA)["statistics"], lambda a: a["bytesPending"] > before["bytesPending"])
    assert after["upToDateAsOfMillis"] <= before["upToDateAsOfMillis"] + 50


def test_active_active_failover_and_failback(fresh):
    assert fresh.action(AA, "failOver", system="hcp2").status_code == 200
    assert messages(fresh, AA) == ("Failed over", "Failed over")
    assert rejected(fresh.action(AA, "failOver", system="hcp1"), "already failed over")
    assert rejected(fresh.action(AA, "failBack", system="hcp1"), "hcp2")
    assert rejected(fresh.action(AA, "beginRecovery", system="hcp2"), "active/active")
    assert fresh.action(AA, "failBack", system="hcp2").status_code == 200
    assert messages(fresh, AA) == ("Synchronizing data", "Synchronizing data")


def test_active_passive_failover_only_on_the_replica(fresh):
    response = fresh.action(AP, "failOver", system="hcp1")
    assert rejected(response, "replica")
    assert messages(fresh, AP) == ("Sending data", "Receiving data")
    assert rejected(fresh.action(AP, "failBack", system="hcp2"), "active/active")
    assert fresh.action(AP, "failOver", system="hcp2").status_code == 200
    assert messages(fresh, AP) == ("Failed over", "Failed over")


def test_active_passive_recovery_workflow(make_sim, sim_http_for):
    http = sim_http_for(make_sim(phase_seconds=0.4))
    assert rejected(http.action(AP, "beginRecovery", system="hcp2"), "not failed over")
    http.action(AP, "failOver", system="hcp2")
    eventually(lambda: http.link(AP, system="hcp2")["statistics"], lambda s: s["bytesPending"] > 0)  # writes accrue
    assert rejected(http.action(AP, "completeRecovery", system="hcp2"), "begin recovery first")
    assert rejected(http.action(AP, "beginRecovery", system="hcp1"), "replica")
    assert http.action(AP, "beginRecover", system="hcp2").status_code == 200
    primary, replica = ends(http, AP)
    assert (primary["statusMessage"], replica["statusMessage"]) == ("Receiving data", "Recovering data")
    assert primary["status"] == replica["status"] == "WARNING"
    assert primary["statistics"]["bytesPending"] == 0, "during recovery the data flows from the replica"
    assert http.action(AP, "completeRecovery", system="hcp2").status_code == 200
    assert messages(http, AP) == ("Receiving data", "Completing recovery")
    eventually(lambda: messages(http, AP), lambda m: m == ("Sending data", "Receiving data"))
    assert http.link(AP)["status"] == "GOOD"


def test_restore_only_for_a_broken_link(fresh):
    assert rejected(fresh.action(AA, "restore"), "not broken")
    fresh.sim.control("POST", f"/links/hcp1/{AA}", {"condition": "broken"})
    one, two = ends(fresh, AA)
    assert one["statusMessage"] == two["statusMessage"] == "Broken link"
    assert one["status"] == "BAD"
    assert fresh.action(AA, "restore", system="hcp2").status_code == 200
    assert messages(fresh, AA) == ("Synchronizing data", "Synchronizing data")


def test_invalid_action_requests(fresh):
    assert rejected(fresh.post(f"/mapi/services/replication/links/{AA}?suspend", content=b"<x/>"), "body")
    assert rejected(fresh.post(f"/mapi/services/replication/links/{AA}?explode"), "exactly one action")
    assert rejected(fresh.post(f"/mapi/services/replication/links/{AA}?suspend&resume"), "exactly one action")
    assert fresh.post(f"/mapi/services/replication/links/nope?suspend").status_code == 404


def test_received_posts_are_recorded(fresh):
    fresh.action(AA, "suspend")
    fresh.action(AA, "suspend")
    posts = next(s for s in fresh.sim.control("GET", "/state")["systems"] if s["name"] == "hcp1")["posts"]
    assert [(p["query"], p["status"]) for p in posts] == [({"suspend": ""}, 200), ({"suspend": ""}, 400)]


def test_forced_conditions_show_on_both_ends(fresh):
    fresh.sim.control("POST", f"/links/hcp2/{AP}", {"condition": "storage_full"})
    assert messages(fresh, AP) == ("Remote storage full, link suspended", "Local storage full, link suspended")
    fresh.sim.control("POST", f"/links/hcp1/{AP}", {"condition": "stalled"})
    assert messages(fresh, AP) == ("Stalled link", "Stalled link")
    fresh.sim.control("POST", f"/links/hcp1/{AP}", {"condition": "high_error_rate"})
    first = fresh.link(AP)["statistics"]
    later = eventually(lambda: fresh.link(AP)["statistics"], lambda a: a["errors"] > first["errors"])
    assert later["errorsPerSecond"] > 0
    assert fresh.link(AP)["status"] == "BAD"
    fresh.sim.control("POST", f"/links/hcp1/{AP}", {"condition": "normal"})
    assert messages(fresh, AP) == ("Sending data", "Receiving data")
