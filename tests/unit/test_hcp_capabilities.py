"""Action validity by link type, side and state (§4.5 and the failover runbook)."""

from __future__ import annotations

import dataclasses

import pytest

from hcpdash.hcp import Link, LinkAction, LinkType, action_validity, valid_actions

A = LinkAction


def make_link(kind: LinkType, message: str | None, suspended: bool = False) -> Link:
    return Link(name="l", type=kind, description=None, connection=None, compression=None, encryption=None,
                priority=None, failover_settings=None, id=None, statistics=None, status=None,
                status_message=message, suspended=suspended)


AA, OUT, IN = LinkType.ACTIVE_ACTIVE, LinkType.OUTBOUND, LinkType.INBOUND


@pytest.mark.parametrize("kind, message, suspended, expected", [
    (AA, "Synchronizing data", False, {A.SUSPEND, A.FAIL_OVER}),
    (AA, "Failed over", False, {A.FAIL_BACK}),
    (AA, "Suspended by user", True, {A.RESUME, A.FAIL_OVER}),
    (AA, "Broken link", False, {A.SUSPEND, A.RESTORE, A.FAIL_OVER}),
    (OUT, "Sending data", False, {A.SUSPEND}),
    (OUT, "Suspended by user", True, {A.RESUME}),
    (OUT, "Broken link", False, {A.SUSPEND, A.RESTORE}),
    (IN, "Receiving data", False, {A.SUSPEND, A.FAIL_OVER}),
    (IN, "Failed over", False, {A.BEGIN_RECOVERY}),
    (IN, "Recovering data", False, {A.SUSPEND, A.COMPLETE_RECOVERY}),
    (IN, "Completing recovery", False, {A.SUSPEND}),
    (IN, "Stalled link", False, {A.SUSPEND, A.FAIL_OVER}),
])
def test_valid_actions_per_type_side_and_state(kind: LinkType, message: str, suspended: bool,
                                               expected: set[LinkAction]) -> None:
    assert set(valid_actions(make_link(kind, message, suspended))) == expected


@pytest.mark.parametrize("action, kind, message, words", [
    (A.FAIL_OVER, AA, "Failed over", "already failed over"),
    (A.FAIL_OVER, OUT, "Sending data", "replica"),
    (A.FAIL_BACK, IN, "Failed over", "only for active/active"),
    (A.FAIL_BACK, AA, "Synchronizing data", "not failed over"),
    (A.BEGIN_RECOVERY, AA, "Failed over", "replica"),
    (A.BEGIN_RECOVERY, IN, "Receiving data", "after a failover"),
    (A.COMPLETE_RECOVERY, IN, "Failed over", "while data is recovering"),
    (A.RESTORE, AA, "Synchronizing data", "full re-send"),
    (A.RESUME, OUT, "Sending data", "not suspended"),
    (A.SUSPEND, OUT, "Suspended by user", "already suspended"),
])
def test_refusals_say_why(action: LinkAction, kind: LinkType, message: str, words: str) -> None:
    validity = action_validity(action, make_link(kind, message, message == "Suspended by user"))
    assert not validity and words in validity.reason


def test_suspended_flag_counts_even_with_another_message() -> None:
    link = make_link(OUT, "Remote storage full, link suspended", suspended=True)
    assert action_validity("resume", link).allowed
    assert not action_validity("suspend", link).allowed


def test_unknown_state_and_unknown_action_are_refused() -> None:
    assert "unknown" in action_validity(A.SUSPEND, make_link(AA, None)).reason
    assert not action_validity("explode", make_link(AA, "Synchronizing data"))


def test_links_are_not_mutated() -> None:
    link = make_link(IN, "Failed over")
    before = dataclasses.asdict(link)
    for action in A:
        action_validity(action, link)
    assert dataclasses.asdict(link) == before
