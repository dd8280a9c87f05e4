"""What a batch did, report by report: what the progress display, the summary and the exit status read."""

from __future__ import annotations

import signal
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import manifest as mf


@dataclass
class Outcome:
    """One report's result in this batch (``skipped`` when it was current).

    ``entry`` is the manifest entry for a report that failed (the summary names its error and
    notebook) and just its status otherwise: a batch of thousands keeps every outcome."""

    township: str
    year: int
    status: str  # a manifest status, or "skipped"
    entry: dict[str, Any]
    attempts: int = 0
    seconds: float = 0.0

    @property
    def error(self) -> str | None:
        return self.entry.get("error")

    @property
    def last_status(self) -> str:
        return self.entry.get("status", self.status)


def kept(entry: dict[str, Any]) -> dict[str, Any]:
    """What an outcome keeps of its manifest entry: all of a failure's, only the status otherwise."""
    return entry if entry.get("status") in (mf.FAILED, mf.INPUT_ERRORS) else {"status": entry.get("status")}


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    total: int = 0
    interrupted: str | None = None  # the signal's name
    #: Why the pool stopped running reports part-way (a cluster's scheduler lost), in words.
    broken: str | None = None
    seconds: float = 0.0
    engine: str = ""
    #: Where the reports ran when not on this machine's workers (the pool's own description).
    pool: str = ""
    warnings: list[str] = field(default_factory=list)

    #: Outcomes by status, and how many of ``outcomes`` are in it: the display asks for the counts
    #: after every report, and walking every outcome each time would grow with the square of the batch.
    _counts: Counter = field(default_factory=Counter, repr=False, compare=False)
    _counted: int = field(default=0, repr=False, compare=False)

    def count(self, status: str) -> int:
        if self._counted > len(self.outcomes):  # outcomes replaced, not appended to: count afresh
            self._counts, self._counted = Counter(), 0
        self._counts.update(o.status for o in self.outcomes[self._counted:])
        self._counted = len(self.outcomes)
        return self._counts[status]

    @property
    def failures(self) -> list[Outcome]:
        """Reports that are not fine: failed now, or input errors found now or before (unchanged since)."""
        return [o for o in self.outcomes if o.last_status in (mf.FAILED, mf.INPUT_ERRORS)]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + getattr(signal, self.interrupted).value
        return 1 if self.failures or self.broken else 0
