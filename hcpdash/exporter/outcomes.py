"""Replication actions by outcome, counted from the audit journal on this host.

The exporter sends no action itself; the dashboard and ``hcpdash link`` record theirs
in the journal, so that is where the counts come from. The journal is re-read only
when it changed (size or modification time), so an idle scrape costs one ``stat``.
"""

from __future__ import annotations

import os
import threading
import typing
from collections import Counter

from hcpdash.monitor.audit import AuditJournal, Outcome

OUTCOMES = frozenset(typing.get_args(Outcome))


class ActionOutcomes:
    def __init__(self, journal: AuditJournal) -> None:
        self.journal = journal
        self._seen: tuple[int, int] | None = None
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def __call__(self) -> dict[tuple[str, str], int]:
        """(system, outcome) → outcome records in the journal."""
        try:
            stat = os.stat(self.journal.path)
        except OSError:
            return {}
        with self._lock:
            if self._seen != (stat.st_size, stat.st_mtime_ns):
                self._seen = (stat.st_size, stat.st_mtime_ns)
                self._counts = dict(Counter(
                    (str(record.get("system")), _known(record.get("outcome")))
                    for record in self.journal.records() if record.get("kind") == "outcome"))
            return self._counts


def _known(outcome: object) -> str:
    return outcome if isinstance(outcome, str) and outcome in OUTCOMES else "other"
