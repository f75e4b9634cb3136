"""The audit journal of replication actions: JSON lines, fsynced before the request.

Each action writes an ``intent`` record (who, what, why, the preflight figures) and
forces it to disk *before* the POST leaves, then an ``outcome`` record after. An
intent without an outcome means the process died in between; the next start finds it
with :meth:`AuditJournal.dangling` and closes it as ``unknown`` once reported.
"""

from __future__ import annotations

import getpass
import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from hcpdash.redact import scrub

Outcome = Literal["ok", "rejected", "unknown", "failed", "refused"]
"""ok: HCP accepted it; rejected: HCP said no (its message kept); unknown: sent, no answer;
failed: could not be sent at all; refused: hcpdash did not send it (read-only, not valid now)."""
JOURNAL_NAME = "audit.jsonl"


@dataclass(frozen=True, slots=True)
class Intent:
    """A written-down promise to send one action; pass it back to record the outcome."""

    id: str
    started: float
    record: Mapping[str, Any]


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class AuditJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_state_dir(cls) -> AuditJournal:
        from hcpdash.config import state_dir

        return cls(state_dir() / JOURNAL_NAME)

    def _append(self, record: Mapping[str, Any]) -> None:
        line = scrub(json.dumps(record, sort_keys=True, ensure_ascii=False)) + "\n"
        created = not self.path.exists()
        if not created and not self._ends_with_newline():
            line = "\n" + line  # a crash tore the last record; keep this one whole
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            self._fsync_dir()

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as journal:
            if journal.seek(0, os.SEEK_END) == 0:
                return True
            journal.seek(-1, os.SEEK_END)
            return journal.read(1) == b"\n"

    def _fsync_dir(self) -> None:
        try:
            fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def record_intent(self, *, system: str, link: str, action: str, hcp_user: str, reason: str,
                      preflight: Mapping[str, Any]) -> Intent:
        """Write and fsync the intent; only after this returns may the request be sent."""
        record = {
            "kind": "intent", "id": uuid.uuid4().hex, "time": _now_iso(), "os_user": _os_user(),
            "hcp_user": hcp_user, "system": system, "link": link, "action": action, "reason": reason,
            "preflight": dict(preflight),
        }
        self._append(record)
        return Intent(record["id"], time.monotonic(), record)

    def record_outcome(self, intent: Intent, outcome: Outcome, message: str = "") -> dict[str, Any]:
        record = {
            "kind": "outcome", "id": intent.id, "time": _now_iso(), "outcome": outcome, "message": message,
            "duration_s": round(time.monotonic() - intent.started, 3),
            **{key: intent.record[key] for key in ("system", "link", "action")},
        }
        self._append(record)
        return record

    def records(self) -> Iterator[dict[str, Any]]:
        """Every readable record; a line torn by a crash mid-write is skipped."""
        try:
            with self.path.open(encoding="utf-8") as lines:
                for line in lines:
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if isinstance(record, dict):
                        yield record
        except FileNotFoundError:
            return

    def dangling(self) -> list[dict[str, Any]]:
        """Intents with no outcome: the process stopped between sending and recording."""
        open_intents: dict[str, dict[str, Any]] = {}
        for record in self.records():
            if record.get("kind") == "intent":
                open_intents[record.get("id", "")] = record
            elif record.get("kind") == "outcome":
                open_intents.pop(record.get("id", ""), None)
        return list(open_intents.values())

    def close_dangling(self) -> list[dict[str, Any]]:
        """Report dangling intents once: each gets an ``unknown`` outcome and is returned."""
        found = self.dangling()
        for record in found:
            self._append({
                "kind": "outcome", "id": record["id"], "time": _now_iso(), "outcome": "unknown",
                "message": "hcpdash stopped before the outcome was recorded; re-read the link to see its state",
                "duration_s": None, **{key: record.get(key) for key in ("system", "link", "action")},
            })
        return found
