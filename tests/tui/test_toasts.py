"""Toasts for changes only, warning or worse, coalesced; start-up crossings as one summary;
an event opens in full with Enter."""

from __future__ import annotations

import dataclasses
import io

from dashboard_app import build
from fakes import NOW, snapshot
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from hcpdash.monitor.events import Event, Severity
from hcpdash.monitor.snapshot import Reading
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.event_detail import EventDetailScreen
from hcpdash.tui.toasts import START_GRACE_SECONDS, ToastPolicy, event_line

SIZE = (140, 40)


def event(seq: int, kind: str = "threshold", severity: Severity = Severity.WARNING, system: str = "hcp1",
          subject: str = "finance/mail", message: str = "WARNING: used 91% of 100 GB") -> Event:
    return Event(seq, NOW, system, kind, subject, message, severity)


SETTLED = {name: snapshot(name) for name in ("hcp1", "hcp2")}
LOADING = {**SETTLED, "hcp1": dataclasses.replace(SETTLED["hcp1"], tenants=Reading())}


def test_a_subject_the_message_already_names_is_not_repeated() -> None:
    assert event_line(event(1, "node", subject="10.0.0.12", message="node 10.0.0.12 down")) == \
        "hcp1: node 10.0.0.12 down"
    assert event_line(event(2)) == "hcp1 finance/mail: WARNING: used 91% of 100 GB"


def test_crossings_that_held_at_start_are_one_summary_once_every_system_settled() -> None:
    policy = ToastPolicy(opened_at=NOW)
    for seq in range(6):
        assert policy.offer(event(seq, subject=f"t/ns{seq}", message="WARNING: quota"), LOADING, NOW)
    assert policy.flush(LOADING, NOW + 1) == []
    assert policy.waiting
    [summary] = policy.flush(SETTLED, NOW + 2)
    assert summary.title == "at start" and summary.message.startswith("6 thresholds crossed already on hcp1")
    assert not policy.waiting
    policy.offer(event(7), SETTLED, NOW + 3)
    [change] = policy.flush(SETTLED, NOW + 3)
    assert change.title == "threshold" and change.severity == "warning"


def test_the_summary_does_not_wait_for_ever_on_a_system_that_never_settles() -> None:
    policy = ToastPolicy(opened_at=NOW)
    policy.offer(event(1), LOADING, NOW)
    assert policy.flush(LOADING, NOW + START_GRACE_SECONDS - 1) == []
    assert [t.title for t in policy.flush(LOADING, NOW + START_GRACE_SECONDS)] == ["at start"]


def test_info_events_never_toast_and_changes_arriving_together_share_one() -> None:
    policy = ToastPolicy(opened_at=NOW)
    assert not policy.offer(event(1, "poll", Severity.INFO, message="links poll recovered"), SETTLED, NOW)
    assert policy.offer(event(2, "node", Severity.INFO, subject="10.1.0.9", message="node 10.1.0.9 up"), SETTLED, NOW)
    assert [t.severity for t in policy.flush(SETTLED, NOW)] == ["information"]
    for seq in range(5):
        policy.offer(event(seq, "node", Severity.CRITICAL if seq == 2 else Severity.WARNING,
                           subject=f"10.1.0.{seq}", message=f"node 10.1.0.{seq} down"), SETTLED, NOW)
    [toast] = policy.flush(SETTLED, NOW)
    assert toast.title == "5 changes" and toast.severity == "error"
    lines = toast.message.splitlines()
    assert lines[0] == "hcp1: node 10.1.0.0 down" and lines[-1] == "… and 2 more in Events (4)"


async def wait_for_toasts(app: HcpDashApp, pilot: Pilot, count: int) -> list[str]:
    for _ in range(200):
        toasts = [toast.render().plain for toast in app.screen.query("Toast")]
        if len(toasts) >= count:
            return toasts
        await pilot.pause(0.05)
    raise AssertionError(f"expected {count} toast(s), saw {toasts}")


async def test_a_burst_of_events_is_one_toast_on_screen() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for number in range(1, 5):
            monitor.events.add("hcp1", "node", f"10.1.0.1{number}", f"node 10.1.0.1{number} down", Severity.CRITICAL)
        [toast] = await wait_for_toasts(app, pilot, 1)
        assert toast.startswith("4 changes") and "hcp1: node 10.1.0.11 down" in toast
        assert "10.1.0.11: node 10.1.0.11" not in toast


async def test_enter_on_an_event_opens_it_in_full() -> None:
    app, monitor = build()
    long_message = "link ap-archive: Sending data → " + "the replica refused the batch; " * 12 + "END"
    async with app.run_test(size=SIZE) as pilot:
        added = monitor.events.add("hcp2", "link", "ap-archive", long_message, Severity.WARNING)
        await pilot.press("4")
        table = app.query_one("#events-table")
        for _ in range(200):
            try:
                table.move_cursor(row=table.get_row_index(str(added.seq)))
                break
            except Exception:  # noqa: BLE001 - not in the table yet
                await pilot.pause(0.05)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EventDetailScreen)
        body = app.screen.query_one("#event-body", Static)
        width = body.content_region.width
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(body.content)
        lines = console.export_text().splitlines()
        assert "END" in "".join(lines) and max(len(line) for line in lines) <= width
        assert body.region.right <= SIZE[0]
        await pilot.press("escape")
        assert not isinstance(app.screen, EventDetailScreen)
