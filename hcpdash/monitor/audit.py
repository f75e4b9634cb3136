"""The audit journal of replication actions: JSON lines, fsynced before the request.

Each action writes an ``intent`` record (who, what, why, the preflight figures) and
forces it to disk *before* the POST leaves, then an ``outcome`` record after. Every
write is checked: a record that cannot be written whole is cut back off the file and
raises :class:`JournalError`, so the journal never holds half a record of ours and
the caller knows. An intent without an outcome means the run stopped (or could not
write) in between; the next start finds it in :meth:`AuditJournal.read` and closes it
as ``unknown`` once reported.

Reading never trusts the file: it must be a regular file, it is read up to the size it
had when opened (a FIFO or a growing file cannot hang a command), and a line that is
not a well-formed record is skipped and named in one warning.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
import stat
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, get_args

from hcpdash.redact import scrub

Outcome = Literal["ok", "rejected", "unknown", "failed", "refused"]
"""ok: HCP accepted it; rejected: HCP answered 4xx (its message kept); unknown: sent, and no
answer or a 5xx; failed: provably never sent; refused: hcpdash did not send it (read-only,
not valid now, another action on the link, the intent could not be journaled)."""
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))
JOURNAL_NAME = "audit.jsonl"
MAX_READ_BYTES = 64 * 1024 * 1024
"""Reading stops here; a journal this large is read from its last 64 MiB."""


class JournalError(Exception):
    """The journal cannot be read or written; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class Intent:
    """A written-down promise to send one action; pass it back to record the outcome."""

    id: str
    started: float
    record: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class JournalReading:
    """The well-formed records of a journal, and what was wrong with the rest."""

    records: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...] = ()

    @property
    def dangling(self) -> list[dict[str, Any]]:
        """Intents with no outcome: the run stopped between sending and recording."""
        open_intents: dict[str, dict[str, Any]] = {}
        for record in self.records:
            if record["kind"] == "intent":
                open_intents[record["id"]] = record
            else:
                open_intents.pop(record["id"], None)
        return list(open_intents.values())


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _is_record(value: Any) -> bool:
    """The fields every reader relies on, with the types they rely on."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"]:
        return False
    text = ("system", "link", "action")
    if value.get("kind") == "intent":
        return all(isinstance(value.get(key), str) for key in (*text, "time"))
    if value.get("kind") == "outcome":
        return value.get("outcome") in OUTCOMES and all(isinstance(value.get(k, ""), (str, type(None))) for k in text)
    return False


def _ranges(numbers: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``3-5, 9``; long lists end with the count of the rest."""
    spans: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    shown = ", ".join(spans[:10])
    return shown + (f" and {len(spans) - 10} more ranges" if len(spans) > 10 else "")


class AuditJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_state_dir(cls) -> AuditJournal:
        from hcpdash.config import state_dir

        return cls(state_dir() / JOURNAL_NAME)

    # -- writing

    def _open(self, flags: int) -> int:
        """Open the journal (never blocking on a FIFO); it must be a regular file."""
        try:
            fd = os.open(self.path, flags | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
        except NotADirectoryError:
            raise JournalError(f"{self.path.parent}: the state directory is not a directory "
                               "(move it away or set HCPDASH_STATE_DIR)") from None
        except FileNotFoundError:
            raise
        except OSError as exc:
            if exc.errno in (errno.ENXIO, errno.EISDIR):  # a FIFO with no writer, a directory
                raise JournalError(f"{self.path}: the audit journal is not a regular file") from None
            raise JournalError(f"{self.path}: cannot open the audit journal: {_reason(exc)}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise JournalError(f"{self.path}: the audit journal is not a regular file")
        return fd

    def _ensure_directory(self) -> None:
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except FileExistsError:
            raise JournalError(f"{directory}: the state directory is not a directory "
                               "(move it away or set HCPDASH_STATE_DIR)") from None
        except OSError as exc:
            raise JournalError(f"{directory}: cannot create the state directory: {_reason(exc)}") from None

    def _append(self, record: Mapping[str, Any]) -> None:
        """Write one whole record and fsync it, or leave the file as it was and raise."""
        line = (scrub(json.dumps(record, sort_keys=True, ensure_ascii=False)) + "\n").encode("utf-8")
        self._ensure_directory()
        created = not self.path.exists()
        fd = self._open(os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # one writer at a time, so a cut-back cannot hit another's record
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a crash tore the last record; keep this one whole
            try:
                written = 0
                while written < len(line):
                    count = os.write(fd, line[written:])
                    if count <= 0:
                        raise OSError(errno.EIO, "nothing written")
                    written += count
                os.fsync(fd)
            except OSError as exc:
                self._cut_back(fd, size)
                raise JournalError(f"{self.path}: cannot write the audit journal: {_reason(exc)}") from None
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot write the audit journal: {_reason(exc)}") from None
        finally:
            os.close(fd)
        if created:
            self._fsync_directory()

    @staticmethod
    def _cut_back(fd: int, size: int) -> None:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            pass  # the reader skips a torn line and names it

    def _fsync_directory(self) -> None:
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
        """Write and fsync the intent; only after this returns may the request be sent.

        Raises :class:`JournalError` when the whole record is not on disk: send nothing.
        """
        record = {
            "kind": "intent", "id": uuid.uuid4().hex, "time": _now_iso(), "os_user": _os_user(),
            "pid": os.getpid(), "hcp_user": hcp_user, "system": system, "link": link, "action": action,
            "reason": reason, "preflight": dict(preflight),
        }
        self._append(record)
        return Intent(record["id"], time.monotonic(), record)

    def record_outcome(self, intent: Intent, outcome: Outcome, message: str = "") -> dict[str, Any]:
        """Write and fsync the outcome; :class:`JournalError` if it could not be (tell the user)."""
        record = {
            "kind": "outcome", "id": intent.id, "time": _now_iso(), "outcome": outcome, "message": message,
            "duration_s": round(time.monotonic() - intent.started, 3),
            **{key: intent.record[key] for key in ("system", "link", "action")},
        }
        self._append(record)
        return record

    # -- reading

    def read(self) -> JournalReading:
        """Every well-formed record; :class:`JournalError` if the journal cannot be read at all."""
        try:
            fd = self._open(os.O_RDONLY)
        except FileNotFoundError:
            return JournalReading(())
        try:
            size = os.fstat(fd).st_size
            start = max(0, size - MAX_READ_BYTES)
            data = self._read_range(fd, start, size)
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot read the audit journal: {_reason(exc)}") from None
        finally:
            os.close(fd)
        warnings: list[str] = []
        if start:
            data = data[data.find(b"\n") + 1:]  # line numbers are unknown past a skipped head
            warnings.append(f"{self.path}: larger than {MAX_READ_BYTES // 2**20} MiB; only its end was read")
        records, bad = self._parse(data.split(b"\n"))
        if bad:
            where = f"line{'s' if len(bad) > 1 else ''} {_ranges(bad)}" if not start else f"{len(bad)} lines"
            warnings.append(f"{self.path}: skipped {where}: not a journal record")
        return JournalReading(tuple(records), tuple(warnings))

    @staticmethod
    def _read_range(fd: int, start: int, end: int) -> bytes:
        chunks: list[bytes] = []
        offset = start
        while offset < end:
            chunk = os.pread(fd, min(1 << 20, end - offset), offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)

    @staticmethod
    def _parse(lines: Iterable[bytes]) -> tuple[list[dict[str, Any]], list[int]]:
        records: list[dict[str, Any]] = []
        bad: list[int] = []
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                record = None
            if _is_record(record):
                records.append(record)
            else:
                bad.append(number)
        return records, bad

    def records(self) -> Iterator[dict[str, Any]]:
        """Every well-formed record (an unreadable journal raises :class:`JournalError`)."""
        yield from self.read().records

    def dangling(self) -> list[dict[str, Any]]:
        """Intents with no outcome: the run stopped between sending and recording."""
        return self.read().dangling

    def close(self, dangling: Iterable[Mapping[str, Any]]) -> None:
        """Give each reported dangling intent an ``unknown`` outcome (raises :class:`JournalError`)."""
        for record in dangling:
            self._append({
                "kind": "outcome", "id": record["id"], "time": _now_iso(), "outcome": "unknown",
                "message": "no outcome was recorded: the run that sent it stopped or could not write the "
                           "journal; re-read the link to see its state",
                "duration_s": None, **{key: record.get(key) for key in ("system", "link", "action")},
            })

    def close_dangling(self) -> list[dict[str, Any]]:
        """Report dangling intents once: each gets an ``unknown`` outcome and is returned."""
        found = self.dangling()
        self.close(found)
        return found
