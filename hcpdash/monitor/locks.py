"""One action per link at a time, across every hcpdash process of the user.

An advisory ``flock`` on ``<state dir>/locks/<link>.lock`` is held from the preflight
to the outcome record. The kernel drops it when its holder dies, so a lock left by a
dead process is simply taken over; the file only says who holds it (pid, command,
since when) so a refused second action can name the first.
"""

from __future__ import annotations

import contextvars
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from hcpdash.redact import scrub

log = logging.getLogger(__name__)

_held: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("hcpdash_link_locks", default=frozenset())
"""Links locked by the running task (and the code it awaits), so a nested hold is a no-op."""


class LinkBusy(Exception):
    """Another action on the link is under way; the message names its holder."""


class LockError(Exception):
    """The lock file cannot be used; the message is one line naming it."""


def _key(link: str) -> str:
    """HCP treats link names case-insensitively; the file name stays portable and unique."""
    folded = link.casefold()
    readable = re.sub(r"[^a-z0-9._-]+", "_", folded)[:60]
    return f"{readable}-{hashlib.sha256(folded.encode()).hexdigest()[:12]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe(holder: dict[str, object]) -> str:
    return f"pid {holder.get('pid', '?')} ({holder.get('command', '?')}) since {holder.get('since', '?')}"


class ActionLocks:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @contextmanager
    def hold(self, system: str, link: str) -> Iterator[None]:
        """Hold the link's lock for the block, or raise :class:`LinkBusy` at once."""
        key = _key(link)
        if key in _held.get():
            yield
            return
        fd = self._open(self.directory / f"{key}.lock")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                raise LinkBusy(f"another action on link {link} is under way: {_describe(holder)}; "
                               "nothing was sent") from None
            except OSError as exc:
                raise LockError(f"{self.directory}: cannot lock link {link}: {exc.strerror or exc}") from None
            previous = self._holder(fd)
            pid = previous.get("pid")
            if isinstance(pid, int) and pid != os.getpid() and not _alive(pid):
                log.warning("link %s: taking over the lock left by %s, which is no longer running",
                            link, _describe(previous))
            self._write_holder(fd, system, link)
            token = _held.set(_held.get() | {key})
            try:
                log.info("link %s: action lock taken", link)
                yield
            finally:
                _held.reset(token)
                self._clear(fd)
                log.info("link %s: action lock released", link)
        finally:
            os.close(fd)  # closing drops the flock

    def busy(self, link: str) -> bool:
        """Whether some process (this one included) holds the link's lock right now."""
        path = self.directory / f"{_key(link)}.lock"
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)
        return False

    def _open(self, path: Path) -> int:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
        except (FileExistsError, NotADirectoryError):
            state = self.directory.parent
            where = (f"{state}: the state directory" if state.exists() and not state.is_dir()
                     else f"{self.directory}: the lock directory")
            raise LockError(f"{where} is not a directory (move it away or set HCPDASH_STATE_DIR)") from None
        except OSError as exc:
            raise LockError(f"{path}: cannot open the action lock: {exc.strerror or exc}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise LockError(f"{path}: the action lock is not a regular file")
        return fd

    @staticmethod
    def _holder(fd: int) -> dict[str, object]:
        try:
            holder = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return holder if isinstance(holder, dict) else {}

    @staticmethod
    def _write_holder(fd: int, system: str, link: str) -> None:
        holder = {"pid": os.getpid(), "command": scrub(" ".join(["hcpdash", *sys.argv[1:]]))[:300],
                  "since": datetime.now(timezone.utc).isoformat(timespec="seconds"), "system": system, "link": link}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode("utf-8"), 0)
        except OSError as exc:
            if exc.errno not in (errno.EFBIG, errno.ENOSPC, errno.EDQUOT):
                raise LockError(f"cannot write the action lock: {exc.strerror or exc}") from None
            log.warning("link %s: the lock is held but its holder could not be written: %s", link, exc.strerror)

    @staticmethod
    def _clear(fd: int) -> None:
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
