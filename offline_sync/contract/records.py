"""The platform contract's vocabulary for records and feed changes (sections 3 and 5).

The device (outbox, cases, case status) and the reference platform (validation, staff
actions) check against the same lists, so they cannot drift apart. docs/platform-api.md
names every value (a test checks it).
"""

from __future__ import annotations

# "audit_event" is this device's extension (docs/platform.md, "Beyond the contract").
RECORD_KINDS = ("case", "rating", "unsolved_report", "ticket_event", "audit_event")
CHANNELS = ("kiosk", "agent")
AUTHORIZATION_METHODS = ("signature", "id_card_present")
ID_TYPES = ("resident_id", "hk_mo_tw_residence", "foreign_permanent")
RATING_TARGETS = ("case", "ticket")
# "serving", "held" and "restored" are not in the contract's list; the queue sends an event on
# every change (a counter starts serving, puts a ticket aside 挂起, restores a no-show 恢复), so
# devices send them and the reference platform takes them (docs/platform-api.md).
TICKET_EVENTS = (
    "issued",
    "called",
    "serving",
    "served",
    "no_show",
    "cancelled",
    "transferred",
    "held",
    "restored",
)
# Where a ticket was taken: a kiosk (or a hall client, or the queue CLI) or the hall's phone
# page (扫码取号). Not in the contract: devices add ``channel`` to every ticket event, the
# reference platform checks it when present (docs/platform-api.md).
TICKET_CHANNELS = ("kiosk", "phone")
# How a case's result reaches the applicant (邮寄送达), an extension: a case body may carry
# ``result_delivery`` with a method; ``post`` only for an item whose catalogue entry says
# ``postal_delivery``, with where the address came from and a phone (docs/platform-api.md).
RESULT_DELIVERY_METHODS = ("pickup", "post")
# Where a posted result's address came from: the ID card, picked 省 → 市 → 县 (then 组/号 keyed
# as digits at a kiosk, the rest typed on an agent's tablet), or given at the counter later.
ADDRESS_SOURCES = ("id_card", "picked", "at_counter")
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

# The status of one record's result in a push answer.
STORED = "stored"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
INVALID = "invalid"
MISSING_ATTACHMENTS = "missing_attachments"
RESULT_STATUSES = (STORED, DUPLICATE, CONFLICT, INVALID, MISSING_ATTACHMENTS)

CHANGE_TYPES = (
    "case_status",
    "catalogue_item",
    "catalogue_item_removed",
    "agent_account",
    "calendar",
    "notice",
)
