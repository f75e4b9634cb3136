"""Which replication actions make sense for a link, from its type, side and state.

A pure function of the link as read from this system (its ``type`` says the side:
OUTBOUND = primary, INBOUND = replica of an active/passive link). The rules follow the
HCP workflows (protocol reference §4.5) and the failover runbook; where HCP's own
behaviour is undocumented the stricter reading is chosen, because a refused action
can be retried by hand while a wrong failover cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass

from hcpdash.hcp.models import Link, LinkAction, LinkType

__all__ = ["Validity", "action_validity", "valid_actions"]

FAILED_OVER = "Failed over"
RECOVERING = "Recovering data"
COMPLETING = "Completing recovery"
BROKEN = ("Broken link", "Unrecognized link")
SUSPENDED_BY_USER = "Suspended by user"


@dataclass(frozen=True, slots=True)
class Validity:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


_OK = Validity(True)


def _no(reason: str) -> Validity:
    return Validity(False, reason)


def action_validity(action: LinkAction | str, link: Link) -> Validity:
    """Whether ``action`` is valid on ``link`` now, and why not when it is not."""
    try:
        action = LinkAction(action)
    except ValueError:
        return _no(f"unknown action {action!r}")
    message = link.status_message
    if message is None:
        return _no("the link's state is unknown (read it with verbose details first)")
    suspended = bool(link.suspended) or message == SUSPENDED_BY_USER
    failed_over = message == FAILED_OVER
    broken = message in BROKEN
    in_recovery = message in (RECOVERING, COMPLETING) and link.type is LinkType.INBOUND
    kind = {LinkType.ACTIVE_ACTIVE: "active/active", LinkType.OUTBOUND: "active/passive primary (outbound)",
            LinkType.INBOUND: "active/passive replica (inbound)"}[link.type]

    if action is LinkAction.SUSPEND:
        if suspended:
            return _no("the link is already suspended")
        if failed_over:
            return _no("the link is failed over: replication is stopped, there is nothing to suspend")
        return _OK
    if action is LinkAction.RESUME:
        if not suspended:
            return _no("the link is not suspended")
        return _OK
    if action is LinkAction.RESTORE:
        if not broken:
            return _no(f"restore is only for a broken link (status is {message!r}); restoring an intact "
                       "link forces a full re-send of all data")
        return _OK
    if action is LinkAction.FAIL_OVER:
        if failed_over:
            return _no("the link is already failed over")
        if link.type is LinkType.OUTBOUND:
            return _no("an active/passive link fails over on the replica (inbound side), not on the primary; "
                       "if the replica failed, suspend the link here instead")
        if in_recovery:
            return _no(f"data recovery is in progress ({message}); complete it instead")
        return _OK
    if action is LinkAction.FAIL_BACK:
        if link.type is not LinkType.ACTIVE_ACTIVE:
            return _no(f"fail back is only for active/active links (this is the {kind} side); an "
                       "active/passive link returns to normal by begin and complete recovery")
        if not failed_over:
            return _no(f"the link is not failed over (status is {message!r})")
        return _OK
    if action is LinkAction.BEGIN_RECOVERY:
        if link.type is not LinkType.INBOUND:
            return _no(f"recovery is only begun on the replica of an active/passive link (this is the {kind} side)")
        if not failed_over:
            return _no(f"recovery begins only after a failover (status is {message!r})")
        return _OK
    if link.type is not LinkType.INBOUND:
        return _no(f"recovery is only completed on the replica of an active/passive link (this is the {kind} side)")
    if message == COMPLETING:
        return _no("recovery is already completing")
    if message != RECOVERING:
        return _no(f"recovery can be completed only while data is recovering (status is {message!r})")
    return _OK


def valid_actions(link: Link) -> tuple[LinkAction, ...]:
    """The actions valid on ``link`` now, in menu order."""
    return tuple(a for a in LinkAction if action_validity(a, link).allowed)
