"""Which replication actions the dashboard offers for a link, and their bindings.

This only decides what to *offer* (HCP protocol reference §4.5: link type, side and
current state); the monitor's preflight re-reads the link and has the final word.
"""

from __future__ import annotations

from textual.binding import Binding

from hcpdash.hcp.models import LinkAction

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
