"""The platform contract's vocabulary (contracts/platform-api.md), defined once.

The device (outbox, cases, case status) and the reference platform (validation, staff
actions) check against the same lists, so they cannot drift apart.
"""

from __future__ import annotations

# "audit_event" is this device's extension (docs/platform.md, "Beyond the contract").
RECORD_KINDS = ("case", "rating", "unsolved_report", "ticket_event", "audit_event")
CHANNELS = ("kiosk", "agent")
AUTHORIZATION_METHODS = ("signature", "id_card_present")
# "serving" is not in the contract's list; the queue issue asks for an event on every change,
# so devices send it and the reference platform takes it (docs/platform.md, "Beyond the contract").
TICKET_EVENTS = ("issued", "called", "serving", "served", "no_show", "cancelled", "transferred")
CASE_STATUSES = (
    "received",
    "accepted",
    "in_progress",
    "needs_correction",
    "completed",
    "rejected",
    "withdrawn",
)
# A case takes a new revision (a supplement, 补正) only while the platform holds it in these.
OPEN_FOR_REVISION = ("received", "needs_correction")
