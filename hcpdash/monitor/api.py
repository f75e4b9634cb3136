"""What the presentation layers may ask of the monitor.

The dashboard depends on this protocol, not on the poller, so its tests can drive
it with prepared snapshots and the poller can change without touching a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from hcpdash.config import SystemConfig
from hcpdash.hcp.models import Link, LinkAction, ReplicationService
from hcpdash.monitor.audit import Outcome
from hcpdash.monitor.events import EventLog
from hcpdash.monitor.history import History
from hcpdash.monitor.snapshot import JoinedLink, SystemSnapshot
from hcpdash.monitor.verdicts import Level


@dataclass(frozen=True, slots=True)
class Check:
    """One line of a preflight: a fact or a warning the operator must see."""

    level: Level
    text: str


@dataclass(frozen=True, slots=True)
class OtherEnd:
    """The far end of a link, read from its own system at the moment the preflight was built.

    Before a failover the data that has not reached this side sits *there*, so it is read
    from that system, never taken from this side's counters or from the last poll.
    """

    system: str | None
    """The configured system holding the other end; None when no configured system could be named."""
    link: Link | None = None
    """The other end as just read; None when it could not be read (see ``error``)."""
    service: ReplicationService | None = None
    """That system's replication service (its DNS failover setting), read with the link."""
    error: str | None = None
    """Why the other end could not be read: the system is down, not configured, refused us..."""
    last_polled: Link | None = None
    """When unreadable: the other end as the last successful poll saw it, for context only."""
    last_polled_at: float | None = None

    @property
    def readable(self) -> bool:
        return self.link is not None


@dataclass(frozen=True, slots=True)
class Preflight:
    """Everything known right before an action, read fresh from HCP (never a stale snapshot)."""

    system: str
    link_name: str
    action: LinkAction
    link: Link | None
    """The link as just re-read; None if it could not be read."""
    allowed: bool
    reason: str
    """Why the action is (not) valid for this link's type, side and state."""
    checks: tuple[Check, ...]
    figures: dict[str, object] = field(default_factory=dict)
    """The numbers recorded in the audit journal: pending bytes/objects both ways, lag..."""
    service: ReplicationService | None = None
    """This system's replication service as just read (None: it could not be read)."""
    other_end: OtherEnd | None = None
    """The far end as just read from its own system; None when it was not asked for."""

    @property
    def needs_typed_confirmation(self) -> bool:
        return typed_confirmation_needed(self.action)


def typed_confirmation_needed(action: LinkAction) -> bool:
    """Every action but suspend and resume asks for the link name typed and a reason."""
    return action not in (LinkAction.SUSPEND, LinkAction.RESUME)


@dataclass(frozen=True, slots=True)
class ActionResult:
    outcome: Outcome
    message: str
    status_message_after: str | None = None
    unrecorded: str | None = None
    """Why the outcome is not in the audit journal (None when it is): show it loudly."""


SnapshotListener = Callable[[SystemSnapshot], None]


class Monitor(Protocol):
    """The service behind every pane. All methods run on the caller's event loop."""

    systems: tuple[SystemConfig, ...]
    events: EventLog
    history: History

    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    def snapshots(self) -> dict[str, SystemSnapshot]:
        """The latest snapshot of every configured system."""
        ...

    def joined_links(self) -> tuple[JoinedLink, ...]:
        """Links whose two ends are both configured, one entry per link."""
        ...

    def subscribe(self, listener: SnapshotListener) -> Callable[[], None]:
        """Call ``listener`` with each new snapshot; returns the unsubscribe function."""
        ...

    def is_read_only(self, system: str) -> bool: ...

    @property
    def paused(self) -> bool: ...

    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def refresh_now(self) -> None:
        """Poll every resource now; while paused, poll once and stay paused."""
        ...

    def scale_intervals(self, factor: float) -> None: ...

    async def preflight(self, system: str, link: str, action: LinkAction) -> Preflight:
        """Re-read the link and judge the action; raises nothing for HCP errors (see checks)."""
        ...

    async def execute(self, preflight: Preflight, reason: str, wait_settle: bool = False) -> ActionResult:
        """Re-read and re-judge the link, journal, send once, journal the outcome, then follow
        the link until it settles (in the background, or before returning with ``wait_settle``).

        Refuses (outcome ``refused``) in read-only mode or when the action is not valid now.
        """
        ...
