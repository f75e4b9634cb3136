"""Replication actions: judged on a fresh read, journaled, sent once, followed.

The order is the safety model: read the link now (never a snapshot), judge the action
with the client's capability model, write and fsync the intent, send exactly one POST,
write the outcome, then poll the link quickly until its state settles.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence

from hcpdash.hcp import (
    AccessDenied,
    HcpError,
    NotFound,
    OutcomeUnknown,
    ResolutionError,
    TlsError,
    Unavailable,
    action_validity,
    mapi,
)
from hcpdash.hcp.models import Link, LinkAction, ReplicationService
from hcpdash.monitor.api import ActionResult, Check, Preflight
from hcpdash.monitor.audit import AuditJournal, Intent, JournalError
from hcpdash.monitor.events import EventLog, Severity
from hcpdash.monitor.locks import ActionLocks, LinkBusy, LockError
from hcpdash.monitor.other_end import read_other_end
from hcpdash.monitor.preflight import build_preflight
from hcpdash.monitor.system import SystemMonitor
from hcpdash.monitor.verdicts import Level

log = logging.getLogger(__name__)

# Messages HCP shows while a link is between states; following stops once none shows.
TRANSITIONAL = {"Recovering data", "Completing recovery", "Pending", "Pending remote reply"}

NEVER_SENT = (Unavailable, TlsError, ResolutionError, AccessDenied)
"""Errors that, without an HTTP status, mean no connection carried the request: no node
to try, connection refused or timed out before sending, TLS handshake, DNS, credentials."""


async def _service(system: SystemMonitor) -> ReplicationService | None:
    """The replication service now (its DNS failover setting); None if it cannot be read."""
    try:
        return await mapi.replication_service(system.client)
    except HcpError:
        return None


class ActionRunner:
    def __init__(self, journal: AuditJournal, events: EventLog, clock: Callable[[], float] = time.time,
                 follow_interval_s: float = 1.0, follow_timeout_s: float = 60.0) -> None:
        self.journal = journal
        self.events = events
        self.clock = clock
        self.follow_interval_s = follow_interval_s
        self.follow_timeout_s = follow_timeout_s
        self.locks = ActionLocks(journal.path.parent / "locks")
        self._followers: set[asyncio.Task[None]] = set()

    async def preflight(self, system: SystemMonitor, link_name: str, action: LinkAction,
                        others: Sequence[SystemMonitor] | None = None) -> Preflight:
        """Read the link and this system's replication service now; with ``others``, also the far end."""
        try:
            link, service = await asyncio.gather(mapi.link(system.client, link_name), _service(system))
        except HcpError as exc:
            reason = (f"no link named {link_name!r} on {system.name}" if isinstance(exc, NotFound)
                      else f"the link could not be read: {exc}")
            return Preflight(system.name, link_name, action, None, False, reason,
                             (Check(Level.CRITICAL, reason),))
        system.update_link(link)
        other_end = await read_other_end(system, link, others) if others is not None else None
        validity = action_validity(action, link)
        allowed, reason = validity.allowed, validity.reason or "valid for this link's type, side and state"
        if system.read_only:
            allowed, reason = False, f"{system.name} is read-only: no action is sent"
        return build_preflight(system.name, link, action, allowed, reason, system.config.thresholds,
                               self.clock(), service, other_end)

    async def execute(self, system: SystemMonitor, preflight: Preflight, reason: str,
                      wait_settle: bool = False) -> ActionResult:
        if system.read_only:
            return ActionResult("refused", f"{system.name} is read-only: nothing was sent")
        try:
            with self.locks.hold(system.name, preflight.link_name):
                result, fresh = await self._send_once(system, preflight, reason)
        except (LinkBusy, LockError) as exc:
            log.info("%s on %s refused: %s", preflight.action, preflight.link_name, exc)
            return ActionResult("refused", f"not sent: {exc}")
        if fresh is not None and result.outcome in ("ok", "unknown"):
            follower = asyncio.create_task(
                self.follow(system, fresh.link_name, fresh.link, expect_change=result.outcome == "ok"))
            self._followers.add(follower)
            follower.add_done_callback(self._followers.discard)
            if wait_settle:
                await follower
            after = system.raw_links.get(fresh.link_name)
            if after is not None:
                result = dataclasses.replace(result, status_message_after=after.status_message)
        return result

    async def _send_once(self, system: SystemMonitor, preflight: Preflight,
                         reason: str) -> tuple[ActionResult, Preflight | None]:
        """Re-judge, journal the intent, send one POST, journal the outcome (the lock is held)."""
        fresh = await self.preflight(system, preflight.link_name, preflight.action)
        if not fresh.allowed:
            log.info("%s on %s refused: %s", preflight.action, preflight.link_name, fresh.reason)
            return ActionResult("refused", f"not sent: {fresh.reason}"), None
        action, link_name = preflight.action, fresh.link_name
        try:
            intent = self.journal.record_intent(
                system=system.name, link=link_name, action=str(action),
                hcp_user=system.config.credentials.username, reason=reason,
                preflight={**preflight.figures, "at_send": fresh.figures})
        except JournalError as exc:
            log.info("%s on %s refused: the intent could not be journaled: %s", action, link_name, exc)
            return ActionResult("refused", f"not sent: the intent could not be journaled: {exc}"), None
        log.info("%s on %s: intent %s journaled; sending", action, link_name, intent.id)
        self.events.add(system.name, "action", link_name, f"{action} on {link_name} sent", Severity.WARNING)
        sending = asyncio.ensure_future(self._post(system, intent, action, link_name))
        try:
            result = await asyncio.shield(sending)
        except asyncio.CancelledError:
            # Stopping (a signal, the dashboard closing): let the request end and its outcome be recorded.
            await asyncio.wait([sending])
            raise
        return result, fresh

    async def _post(self, system: SystemMonitor, intent: Intent, action: LinkAction, link_name: str) -> ActionResult:
        """The one POST and its outcome record; cancelled only by a forced stop (then ``unknown``)."""
        try:
            await mapi.link_action(system.client, link_name, action)
        except asyncio.CancelledError:
            self._record(intent, ActionResult(
                "unknown", f"{action} interrupted while in flight; it may have reached HCP: re-read the link"))
            raise
        except HcpError as exc:
            result = outcome_of(action, exc)
        else:
            result = ActionResult("ok", f"HCP accepted {action} on {link_name}")
        result = self._record(intent, result)
        severity = Severity.INFO if result.outcome == "ok" else Severity.CRITICAL
        self.events.add(system.name, "action", link_name, result.message, severity)
        if result.unrecorded:
            self.events.add(system.name, "journal", link_name, f"outcome not journaled ({result.outcome}): "
                            f"{result.unrecorded}", Severity.CRITICAL)
        return result

    def _record(self, intent: Intent, result: ActionResult) -> ActionResult:
        """Journal the outcome; if that fails the result says so, for the caller to shout."""
        log.info("%s on %s: outcome %s: %s", intent.record["action"], intent.record["link"], result.outcome,
                 result.message)
        try:
            self.journal.record_outcome(intent, result.outcome, result.message)
        except JournalError as exc:
            log.info("the outcome of intent %s (%s) could not be journaled: %s", intent.id, result.outcome, exc)
            return dataclasses.replace(result, unrecorded=str(exc))
        return result

    async def follow(self, system: SystemMonitor, link_name: str, before: Link | None,
                     expect_change: bool = True) -> None:
        """Re-read the link every ``follow_interval_s`` until its state leaves the old one and settles.

        After an ``unknown`` outcome the action may not have happened: the first settled
        reading ends the follow-up."""
        deadline = time.monotonic() + self.follow_timeout_s
        previous = before.status_message if before else None
        changed = False
        while time.monotonic() < deadline:
            await asyncio.sleep(self.follow_interval_s)
            try:
                link = await mapi.link(system.client, link_name)
            except HcpError as exc:
                log.info("follow-up read of %s failed: %s", link_name, exc)
                continue
            changed = changed or link.status_message != previous or not expect_change
            system.update_link(link)  # the published snapshot's diff reports the transition
            if changed and link.status_message not in TRANSITIONAL:
                log.info("%s on %s: link settled: %s", system.name, link_name, link.status_message)
                return

    async def stop(self) -> None:
        for task in list(self._followers):
            task.cancel()
        await asyncio.gather(*self._followers, return_exceptions=True)


def outcome_of(action: LinkAction, exc: HcpError) -> ActionResult:
    """What an error from sending means: ``failed`` only when the request provably never left."""
    if isinstance(exc, OutcomeUnknown):
        return ActionResult("unknown", f"outcome unknown, not retried: {exc}")
    status = exc.status
    if status is not None and 400 <= status < 500:
        return ActionResult("rejected", f"HCP rejected {action}: {exc}")
    if status is None and isinstance(exc, NEVER_SENT):
        return ActionResult("failed", f"{action} could not be sent: {exc}")
    return ActionResult("unknown", f"outcome unknown, not retried: HCP received {action} but did not confirm it: "
                                   f"{exc}; re-read the link")
