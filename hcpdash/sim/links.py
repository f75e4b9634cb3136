"""Replication links: one object shared by both systems, a state machine and lazy statistics.

A link has two directions of data flow, each a :class:`Backlog` whose pending bytes
change linearly between state changes (writes accrue, replication drains), so every
read computes exact values from elapsed time. ``forward`` flows from the primary (or
the first system of an active/active pair) to the other end; ``reverse`` the other way
(active/active replication, or data recovery of an active/passive link).
"""

from __future__ import annotations

import math
import random
import time
import uuid
from dataclasses import dataclass, field

__all__ = ["ActionError", "Backlog", "Link", "ACTIONS", "CONDITIONS"]

ACTIONS = ("suspend", "resume", "failOver", "failBack", "beginRecovery", "completeRecovery", "restore")
CONDITIONS = ("normal", "broken", "stalled", "high_error_rate", "storage_full")
_OBJECT_SIZE = 262_144

# Inferred (§4.4): the Console icon groups mapped onto GOOD / WARNING / BAD.
_BAD = {"High error rate", "Stalled link", "Broken link"}


class ActionError(Exception):
    """An action that is invalid for the link's type, the caller's side or the link's state."""


@dataclass(slots=True)
class Backlog:
    """Pending data in one direction: linear between rebases, floored while draining."""

    pending: float
    replicated: float
    t0: float
    write_rate: float
    drain_rate: float
    floor: float = 0.0

    def at(self, t: float) -> tuple[float, float, float]:
        """(pending bytes, replicated bytes, current bytes/s) at time ``t``."""
        dt = max(0.0, t - self.t0)
        net = self.drain_rate - self.write_rate
        if net <= 0 or self.pending <= self.floor:
            if net > 0:
                return self.pending, self.replicated + self.write_rate * dt, self.write_rate
            return self.pending - net * dt, self.replicated + self.drain_rate * dt, self.drain_rate
        to_floor = (self.pending - self.floor) / net
        if dt <= to_floor:
            return self.pending - net * dt, self.replicated + self.drain_rate * dt, self.drain_rate
        done = self.replicated + self.drain_rate * to_floor + self.write_rate * (dt - to_floor)
        return self.floor, done, self.write_rate

    def rebase(self, t: float, write_rate: float, drain_rate: float) -> None:
        self.pending, self.replicated, _ = self.at(t)
        self.t0, self.write_rate, self.drain_rate = t, write_rate, drain_rate


@dataclass(slots=True)
class Link:
    """A replication link between ``first`` and ``second`` (system names).

    For active/passive links ``first`` is the primary (its end is OUTBOUND) and
    ``second`` the replica (INBOUND).
    """

    name: str
    active_active: bool
    first: str
    second: str
    tenants: list[str]
    phase_seconds: float
    rng: random.Random
    uid: str = ""
    #: ``normal`` | ``failed_over`` | ``recovering`` | ``completing``
    state: str = "normal"
    suspended: bool = False
    condition: str = "normal"
    #: the system whose storage is full, for the storage_full condition
    condition_system: str = ""
    failed_over_to: str = ""
    completing_until: float = 0.0
    errors: float = 0.0
    errors_t0: float = 0.0
    forward: Backlog = field(default=None)  # type: ignore[assignment]
    reverse: Backlog = field(default=None)  # type: ignore[assignment]
    paused_tenants: set[str] = field(default_factory=set)
    write_rate: float = 0.0
    drain_rate: float = 0.0

    @classmethod
    def create(cls, name: str, active_active: bool, first: str, second: str, tenants: list[str],
               phase_seconds: float, seed: str, now: float) -> Link:
        rng = random.Random(seed)
        write = rng.uniform(2e6, 8e6)
        drain = write * rng.uniform(1.5, 3.0)
        link = cls(name=name, active_active=active_active, first=first, second=second, tenants=tenants,
                   phase_seconds=phase_seconds, rng=rng, uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                   write_rate=write, drain_rate=drain, errors_t0=now)
        floor = write * 2.0
        link.forward = Backlog(rng.uniform(20, 60) * write, rng.uniform(1e11, 5e12), now, write, drain, floor)
        reverse_write = write * 0.6 if active_active else 0.0
        link.reverse = Backlog(rng.uniform(10, 40) * reverse_write, rng.uniform(1e10, 1e12) if active_active else 0.0,
                               now, reverse_write, drain if active_active else 0.0, reverse_write * 2.0)
        return link

    # ------------------------------------------------------------ views

    def involves(self, system: str) -> bool:
        return system in (self.first, self.second)

    def other(self, system: str) -> str:
        return self.second if system == self.first else self.first

    def link_type(self, system: str) -> str:
        if self.active_active:
            return "ACTIVE_ACTIVE"
        return "OUTBOUND" if system == self.first else "INBOUND"

    def settle(self, now: float) -> None:
        """Apply timed transitions whose moment has passed."""
        if self.state == "completing" and now >= self.completing_until:
            self.reverse.rebase(self.completing_until, 0.0, 0.0)
            self.reverse.pending = 0.0
            self.state = "normal"
            self._rebase(self.completing_until)

    def status_message(self, system: str, now: float | None = None) -> str:
        self.settle(time.time() if now is None else now)
        primary = system == self.first
        if self.condition == "broken":
            return "Broken link"
        if self.state == "failed_over":
            return "Failed over"
        if self.suspended:
            return "Suspended by user"
        if self.condition == "storage_full":
            side = "Local" if system == self.condition_system else "Remote"
            return f"{side} storage full, link suspended"
        if self.condition == "stalled":
            return "Stalled link"
        if self.condition == "high_error_rate":
            return "High error rate"
        if self.state == "recovering":
            return "Receiving data" if primary else "Recovering data"
        if self.state == "completing":
            return "Receiving data" if primary else "Completing recovery"
        if self.active_active:
            return "Synchronizing data"
        return "Sending data" if primary else "Receiving data"

    def status(self, system: str, now: float | None = None) -> str:
        message = self.status_message(system, now)
        if message in _BAD:
            return "BAD"
        if self.state in ("recovering", "completing"):
            return "WARNING"
        if message in ("Synchronizing data", "Sending data", "Receiving data"):
            return "GOOD"
        return "WARNING"

    def statistics(self, system: str, now: float) -> dict[str, object]:
        """The 14 ``statistics`` fields as seen from ``system``."""
        self.settle(now)
        local_dir, remote_dir = (self.forward, self.reverse) if system == self.first else (self.reverse, self.forward)
        pending, replicated, rate = local_dir.at(now)
        r_pending, r_replicated, r_rate = remote_dir.at(now)
        if not self.active_active:
            r_pending = 0.0
            if system == self.first and self.state in ("recovering", "completing"):
                pending = 0.0
        wobble = 1.0 + 0.1 * math.sin(now / 7.0 + len(self.name))
        rate *= wobble if rate else 1.0
        total_rate = rate + (r_rate if self.active_active else 0.0)
        lag_bytes = max(self.forward.at(now)[0], self.reverse.at(now)[0])
        writes = max(self.write_rate, 1.0)
        up_to_date = now - lag_bytes / writes
        errors = self.error_count(now)
        err_rate = 5.0 if self.condition == "high_error_rate" else (0.2 if self.condition == "stalled" else 0.0)
        return {
            "upToDateAsOfString": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(up_to_date)),
            "upToDateAsOfMillis": int(up_to_date * 1000),
            "bytesPending": int(pending),
            "bytesPendingRemote": int(r_pending),
            "bytesReplicated": int(replicated + (r_replicated if self.active_active else 0.0)),
            "bytesPerSecond": round(total_rate, 1),
            "objectsPending": int(pending // _OBJECT_SIZE),
            "objectsPendingRemote": int(r_pending // _OBJECT_SIZE),
            "objectsReplicated": int((replicated + (r_replicated if self.active_active else 0.0)) // _OBJECT_SIZE),
            "operationsPerSecond": round(total_rate / _OBJECT_SIZE, 1),
            "errors": int(errors),
            "errorsPerSecond": err_rate,
            "objectsVerified": 0,
            "objectsReplicatedAfterVerification": 0,
        }

    def error_count(self, now: float) -> float:
        rate = 5.0 if self.condition == "high_error_rate" else (0.2 if self.condition == "stalled" else 0.0)
        return self.errors + rate * max(0.0, now - self.errors_t0)

    def end_state(self, system: str, now: float) -> dict[str, object]:
        """A compact summary for the control API."""
        return {"type": self.link_type(system), "state": self.state, "suspended": self.suspended,
                "condition": self.condition, "status": self.status(system, now),
                "statusMessage": self.status_message(system, now), "failed_over_to": self.failed_over_to or None}

    # ------------------------------------------------------------ changes

    def _rebase(self, now: float) -> None:
        """Set both directions' write and drain rates from the current state."""
        write, drain = self.write_rate, self.drain_rate
        stopped = self.suspended or self.condition in ("broken", "stalled", "storage_full")
        factor = 0.3 if self.condition == "high_error_rate" else 1.0
        if self.active_active:
            if self.state == "failed_over":
                self.forward.rebase(now, write, 0.0)
                self.reverse.rebase(now, write * 0.6, 0.0)
            else:
                self.forward.rebase(now, write, 0.0 if stopped else drain * factor)
                self.reverse.rebase(now, write * 0.6, 0.0 if stopped else drain * factor)
            return
        if self.state == "normal":
            self.forward.rebase(now, write, 0.0 if stopped else drain * factor)
            self.reverse.rebase(now, 0.0, 0.0)
        elif self.state == "failed_over":
            self.forward.rebase(now, 0.0, 0.0)
            self.reverse.rebase(now, write, 0.0)
        elif self.state == "recovering":
            self.forward.rebase(now, 0.0, 0.0)
            self.reverse.rebase(now, write, 0.0 if stopped else drain * factor)
        elif self.state == "completing":
            self.forward.rebase(now, 0.0, 0.0)
            self.reverse.rebase(now, 0.0, 0.0 if stopped else drain * factor)

    def set_condition(self, condition: str, system: str, now: float) -> None:
        if condition not in CONDITIONS:
            raise ValueError(f"unknown condition {condition!r}; one of {', '.join(CONDITIONS)}")
        self.settle(now)
        self.errors = self.error_count(now)
        self.errors_t0 = now
        self.condition = condition
        self.condition_system = system
        self._rebase(now)

    def apply(self, action: str, system: str, now: float) -> None:
        """Perform ``action`` issued on ``system``; raise ActionError when HCP would refuse it."""
        self.settle(now)
        if action == "beginRecover":
            action = "beginRecovery"
        check = getattr(self, f"_check_{action}", None)
        if check is None:
            raise ActionError(f"Unknown replication link action '{action}'.")
        check(system)
        self._rebase(now)
        getattr(self, f"_do_{action}")(system, now)
        self._rebase(now)

    def _side(self, system: str) -> str:
        return {"ACTIVE_ACTIVE": "an active/active link", "OUTBOUND": "the primary (outbound) side of an "
                "active/passive link", "INBOUND": "the replica (inbound) side of an active/passive link"}[self.link_type(system)]

    def _check_suspend(self, system: str) -> None:
        if self.suspended:
            raise ActionError(f"Link '{self.name}' is already suspended.")
        if self.state != "normal":
            raise ActionError(f"Link '{self.name}' cannot be suspended while it is {self.status_message(system).lower()}.")

    def _do_suspend(self, system: str, now: float) -> None:
        self.suspended = True

    def _check_resume(self, system: str) -> None:
        if not self.suspended:
            raise ActionError(f"Link '{self.name}' is not suspended.")

    def _do_resume(self, system: str, now: float) -> None:
        self.suspended = False

    def _check_failOver(self, system: str) -> None:
        if self.link_type(system) == "OUTBOUND":
            raise ActionError(f"Link '{self.name}' cannot be failed over from the primary system: an active/passive "
                              f"link is failed over on its replica ({self.second}).")
        if self.state == "failed_over":
            raise ActionError(f"Link '{self.name}' is already failed over to {self.failed_over_to}.")
        if self.state != "normal":
            raise ActionError(f"Link '{self.name}' cannot be failed over during data recovery.")

    def _do_failOver(self, system: str, now: float) -> None:
        self.state, self.failed_over_to, self.suspended = "failed_over", system, False

    def _check_failBack(self, system: str) -> None:
        if not self.active_active:
            raise ActionError(f"Fail back is only valid for active/active links; '{self.name}' is active/passive: "
                              f"use beginRecovery and completeRecovery on the replica.")
        if self.state != "failed_over":
            raise ActionError(f"Link '{self.name}' is not failed over.")
        if system != self.failed_over_to:
            raise ActionError(f"Link '{self.name}' was failed over to {self.failed_over_to}; fail back on that system.")
        if self.condition == "broken":
            raise ActionError(f"Link '{self.name}' is broken; restore it before failing back.")

    def _do_failBack(self, system: str, now: float) -> None:
        self.state, self.failed_over_to = "normal", ""

    def _check_beginRecovery(self, system: str) -> None:
        if self.active_active:
            raise ActionError(f"Data recovery is only valid for active/passive links; '{self.name}' is active/active: "
                              f"use failBack.")
        if self.link_type(system) != "INBOUND":
            raise ActionError(f"Data recovery of link '{self.name}' is started on its replica ({self.second}), "
                              f"not on {self._side(system)}.")
        if self.state != "failed_over":
            raise ActionError(f"Link '{self.name}' is not failed over; data recovery starts after a failover.")
        if self.condition == "broken":
            raise ActionError(f"Link '{self.name}' is broken; restore it before beginning recovery.")

    def _do_beginRecovery(self, system: str, now: float) -> None:
        self.state, self.failed_over_to = "recovering", ""

    def _check_completeRecovery(self, system: str) -> None:
        if self.active_active:
            raise ActionError(f"Data recovery is only valid for active/passive links; '{self.name}' is active/active.")
        if self.link_type(system) != "INBOUND":
            raise ActionError(f"Data recovery of link '{self.name}' is completed on its replica ({self.second}).")
        if self.state != "recovering":
            raise ActionError(f"Link '{self.name}' is not recovering data; begin recovery first.")

    def _do_completeRecovery(self, system: str, now: float) -> None:
        self.state, self.completing_until = "completing", now + self.phase_seconds

    def _check_restore(self, system: str) -> None:
        if self.condition != "broken":
            raise ActionError(f"Link '{self.name}' is not broken; restore is only for a broken link "
                              f"(it would re-send all data).")

    def _do_restore(self, system: str, now: float) -> None:
        self.condition = "normal"
