"""Which replication actions the dashboard offers for a link, and their bindings.

This only decides what to *offer* (HCP protocol reference §4.5: link type, side and
current state); the monitor's preflight re-reads the link and has the final word.
"""

from __future__ import annotations

from textual.binding import Binding

from hcpdash.hcp.models import Link, LinkAction, LinkStatus, LinkType

LABELS = {
    LinkAction.SUSPEND: "Suspend link", LinkAction.RESUME: "Resume link", LinkAction.FAIL_OVER: "Fail over link",
    LinkAction.FAIL_BACK: "Fail back link", LinkAction.BEGIN_RECOVERY: "Begin recovery",
    LinkAction.COMPLETE_RECOVERY: "Complete recovery", LinkAction.RESTORE: "Restore link",
}

BINDINGS = [
    Binding("x", "link_action('suspend')", "Suspend", id="link.suspend"),
    Binding("r", "link_action('resume')", "Resume", id="link.resume"),
    Binding("F", "link_action('failOver')", "Fail over", id="link.fail-over"),
    Binding("B", "link_action('failBack')", "Fail back", id="link.fail-back"),
    Binding("V", "link_action('beginRecovery')", "Begin recovery", id="link.begin-recovery"),
    Binding("C", "link_action('completeRecovery')", "Complete recovery", id="link.complete-recovery"),
    Binding("T", "link_action('restore')", "Restore", id="link.restore"),
]
"""Single letters that open a dialog; nothing destructive sits on a ctrl chord or acts without one."""


def _message(link: Link) -> str:
    return (link.status_message or "").lower()


def offered_actions(link: Link) -> tuple[LinkAction, ...]:
    message = _message(link)
    failed_over = "failed over" in message
    offered: list[LinkAction] = []
    if link.suspended:
        offered.append(LinkAction.RESUME)
    elif not failed_over:
        offered.append(LinkAction.SUSPEND)
    if link.type in (LinkType.ACTIVE_ACTIVE, LinkType.INBOUND) and not failed_over:
        offered.append(LinkAction.FAIL_OVER)
    if link.type is LinkType.ACTIVE_ACTIVE and failed_over:
        offered.append(LinkAction.FAIL_BACK)
    if link.type is LinkType.INBOUND and failed_over:
        offered.append(LinkAction.BEGIN_RECOVERY)
    if link.type is LinkType.INBOUND and "recovering" in message:
        offered.append(LinkAction.COMPLETE_RECOVERY)
    if link.status is LinkStatus.BAD and ("broken" in message or "unrecognized" in message):
        offered.append(LinkAction.RESTORE)
    return tuple(offered)
