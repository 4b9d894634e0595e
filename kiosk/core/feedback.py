"""Ratings (好差评) and reports of what could not be done (办不成事), each queued for the
platform in the same transaction that stores it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kiosk.core.cases.reference import format_reference
from kiosk.core.forms import FieldError, FormInvalid, normalise_phone
from offline_sync.clock import Clock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.vault import Vault

# Reason codes offered on the rating screen (labels: rating.reason.<code> in the catalogue).
RATING_REASONS = ("wait", "attitude", "slow", "unclear", "trips", "other")
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
DESCRIPTION_MAX = 500
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Rating:
    """A stored rating."""

    rating_id: str
    level: int
    rated_at: str


@dataclass(frozen=True)
class UnsolvedReport:
    """A stored report; ``reference_no`` is what the villager keeps (``BC-1123-001``: read,
    said and typed like a case's reference)."""

    report_id: str
    reference_no: str
    reported_at: str


class FeedbackService:
    """Take ratings and unsolved reports."""

    def __init__(
        self,
        store: Store,
        vault: Vault,
        outbox: Outbox,
        clock: Clock,
        timezone: str = "Asia/Shanghai",
        reference_prefix: str = "BC",
    ) -> None:
        self.store = store
        self.vault = vault
        self.outbox = outbox
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.reference_prefix = reference_prefix

    def rate(
        self,
        target_type: str,
        target_id: str,
        level: int,
        reasons: Iterable[str] = (),
        comment: str | None = None,
    ) -> Rating:
        """Rate a case or a ticket, 1 (非常不满意) to 5 (非常满意).

        A level of 1 or 2 needs at least one reason (or a comment), as the platform requires.
        """
        reasons = list(dict.fromkeys(reasons))
        comment = (comment or "").strip() or None
        errors = []
        if target_type not in ("case", "ticket") or not _UUID.match(target_id or ""):
            errors.append(FieldError("target", "评价对象", "rating.target"))
        if isinstance(level, bool) or level not in LEVELS:
            errors.append(FieldError("level", "评价等级", "rating.level"))
        elif level <= 2 and not reasons and not comment:
            errors.append(FieldError("reasons", "不满意原因", "rating.reasons.required"))
        if any(r not in RATING_REASONS for r in reasons):
            errors.append(FieldError("reasons", "不满意原因", "rating.reason.unknown"))
        if comment and len(comment) > DESCRIPTION_MAX:
            errors.append(FieldError("comment", "意见建议", "field.text_too_long"))
        if errors:
            raise FormInvalid(errors)
        now = self.clock.now().astimezone(self.zone).isoformat(timespec="seconds")
        rating_id = str(uuid.uuid4())
        body = {
            "target": {"type": target_type, "id": target_id},
            "level": level,
            "reasons": reasons,
            "comment": comment,
            "rated_at": now,
        }
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO rating (rating_id, target_type, target_id, level, reasons, comment, rated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    rating_id,
                    target_type,
                    target_id,
                    level,
                    ",".join(reasons),
                    self.vault.seal(comment) if comment else None,
                    now,
                ),
            )
            self.outbox.add("rating", rating_id, 1, body, now)
        return Rating(rating_id, level, now)

    def report_unsolved(
        self, description: str, item_code: str | None = None, contact_phone: str | None = None
    ) -> UnsolvedReport:
        """Record what a villager could not get done; returns the reference number to keep."""
        description = (description or "").strip()
        errors = []
        if not description:
            errors.append(FieldError("description", "遇到的问题", "field.required"))
        elif len(description) > DESCRIPTION_MAX:
            errors.append(FieldError("description", "遇到的问题", "field.text_too_long"))
        phone = None
        if contact_phone and contact_phone.strip():
            phone = normalise_phone(contact_phone)
            if phone is None:
                errors.append(FieldError("contact_phone", "联系电话", "field.phone"))
        if errors:
            raise FormInvalid(errors)
        local = self.clock.now().astimezone(self.zone)
        now = local.isoformat(timespec="seconds")
        day = local.date().isoformat()
        report_id = str(uuid.uuid4())
        body = {
            "description": description,
            "item_code": item_code or None,
            "contact_phone": phone,
            "reported_at": now,
        }
        with self.store.transaction() as conn:
            number = (
                conn.execute(
                    "SELECT count(*) FROM unsolved_report WHERE day = ?", (day,)
                ).fetchone()[0]
                + 1
            )
            reference = format_reference(self.reference_prefix, local.date(), number)
            conn.execute(
                "INSERT INTO unsolved_report (report_id, reference_no, day, description, item_code,"
                " contact_phone, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    reference,
                    day,
                    self.vault.seal(description),
                    item_code or None,
                    self.vault.seal(phone) if phone else None,
                    now,
                ),
            )
            self.outbox.add("unsolved_report", report_id, 1, body, now)
        return UnsolvedReport(report_id, reference, now)
