"""What one sync round did: its stages and its report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    """The stages of a sync round, in order."""

    PUSH_ATTACHMENTS = "push_attachments"
    PUSH_RECORDS = "push_records"
    PULL = "pull"


@dataclass
class SyncReport:
    """What one :meth:`SyncEngine.run_once` did and what is left."""

    delivered: int = 0
    delivered_kinds: Counter[str] = field(
        default_factory=Counter
    )  # e.g. {"case": 2, "audit_event": 3}
    duplicates: int = 0
    dead: int = 0
    resent: int = 0
    batches: int = 0
    attachments_uploaded: int = 0
    attachment_bytes: int = 0
    changes_applied: int = 0
    changes_ignored: int = 0
    changes_rejected: int = 0
    cursor_resets: int = 0
    failures: int = 0
    errors: list[str] = field(default_factory=list)
    stage: Stage | None = None
    pushed_all: bool = False
    pulled_all: bool = False
    pending_records: int = 0
    pending_attachments: int = 0
    next_attempt_in_s: float | None = None

    @property
    def complete(self) -> bool:
        """True when nothing deliverable is left and the feed was pulled to its end."""
        return self.pushed_all and self.pulled_all and self.pending_records == 0
