"""Where a case stands, told truthfully: a case the platform has not got yet is saved on
the kiosk, waiting to be sent (已保存，等待上报); it is 受理 only when the platform says so.

The stage comes from the case's state, the outbox state of its latest revision (the sync
engine marks it delivered when the platform stored it) and the platform's latest status.
"""

from __future__ import annotations

DRAFT = "draft"
SAVED = "saved"  # submitted here, not yet on the platform (offline, or waiting its turn)
STUCK = "stuck"  # the platform refused the record: staff must look at it
SENT = "sent"  # on the platform, not yet accepted (受理) there
# ... then the platform's own statuses: accepted, in_progress, needs_correction,
# completed, rejected, withdrawn.
STAGES = (
    DRAFT,
    SAVED,
    STUCK,
    SENT,
    "accepted",
    "in_progress",
    "needs_correction",
    "completed",
    "rejected",
    "withdrawn",
)
FINISHED = ("completed", "rejected", "withdrawn")  # nothing left to promise


def stage_of(state: str, delivery: str | None, status: str | None) -> str:
    """The stage of a case in ``state`` (draft, submitted) whose latest record is
    ``delivery`` (pending, delivered, dead or None) and whose platform status is ``status``."""
    if state == DRAFT:
        return DRAFT
    if delivery == "pending" or delivery is None:
        return SAVED
    if delivery == "dead":
        return STUCK
    if status in (None, "received"):
        return SENT
    return status


def on_platform(stage: str) -> bool:
    """True once the platform holds the case (its promised date then counts)."""
    return stage not in (DRAFT, SAVED, STUCK)
