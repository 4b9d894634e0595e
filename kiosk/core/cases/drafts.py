"""Drafts: start one, fill in its form and applicant, tick its materials, record the
applicant's authorization of an agent, and reopen a submitted case for a correction."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from kiosk.core.cases.applicant import Applicant
from kiosk.core.cases.delivery import ResultDelivery, checked_delivery
from kiosk.core.cases.errors import (
    AgentNotAllowed,
    AuthorizationMissing,
    CaseError,
    ItemUnavailable,
    NotRevisable,
)
from kiosk.core.cases.model import AgentRef
from kiosk.core.cases.records import CaseRecords
from kiosk.core.catalogue import Item
from kiosk.core.forms import validate_applicant, validate_form
from offline_sync.contract import AUTHORIZATION_METHODS, CHANNELS, OPEN_FOR_REVISION


class Drafts(CaseRecords):
    """Making and changing draft cases."""

    def new_draft(
        self,
        item_code: str,
        applicant: Applicant | Mapping[str, Any],
        *,
        channel: str = "kiosk",
        agent: AgentRef | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> str:
        """Start a draft case for one item; returns its case id.

        ``applicant``: an :class:`Applicant`, or a mapping of ``name``, ``id_type``,
        ``id_number``, ``phone``, ``address``; FormInvalid names a wrong field.
        """
        item = self._item(item_code)
        if item.is_bundle:
            raise ItemUnavailable(f"{item_code} is a bundle; use start_bundle")
        with self.store.transaction() as conn:
            return self._insert_draft(conn, item, applicant, channel, agent, form or {}, None, None)

    def _insert_draft(
        self,
        conn: sqlite3.Connection,
        item: Item,
        applicant: Applicant | Mapping[str, Any],
        channel: str,
        agent: AgentRef | None,
        form: Mapping[str, Any],
        bundle_code: str | None,
        bundle_id: str | None,
    ) -> str:
        if channel not in CHANNELS:
            raise CaseError(f"channel must be one of {', '.join(CHANNELS)}")
        if channel == "agent":
            if agent is None:
                raise AuthorizationMissing("an agent case needs the agent")
            if not item.agent_allowed:
                raise AgentNotAllowed(f"{item.code} {item.name} cannot be applied for by an agent")
        if isinstance(applicant, Applicant):
            applicant = applicant.record()
        person = validate_applicant(applicant)
        values = validate_form(item.form, form, complete=False)
        agent_body = (
            {"agent_id": agent.agent_id, "name": agent.name, "authorization": None}
            if channel == "agent" and agent
            else None
        )
        case_id = str(uuid.uuid4())
        now = self._now()
        conn.execute(
            "INSERT INTO case_record (case_id, item_code, item_version, item_name, promised_days,"
            " bundle_code, bundle_id, channel, agent, applicant, applicant_key, form, state,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
            (
                case_id,
                item.code,
                item.version,
                item.name,
                item.promised_days,
                bundle_code,
                bundle_id,
                channel,
                self.vault.seal_json(agent_body) if agent_body else None,
                self.vault.seal_json(person),
                self.vault.lookup_key(person["id_number"]),
                self.vault.seal_json(values),
                now,
                now,
            ),
        )
        conn.executemany(
            "INSERT INTO case_material (case_id, material_code, name, originals, copies, required)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(case_id, m.code, m.name, m.originals, m.copies, m.required) for m in item.materials],
        )
        return case_id

    def update_form(self, case_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Merge ``values`` into a draft's form (a blank value clears a field); the new form."""
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            item = self._item(row["item_code"])
            form = self.vault.unseal_json(row["form"])
            form.update(values)
            cleaned = validate_form(item.form, form, complete=False)
            conn.execute(
                "UPDATE case_record SET form = ?, updated_at = ? WHERE case_id = ?",
                (self.vault.seal_json(cleaned), self._now(), case_id),
            )
            return cleaned

    def update_applicant(self, case_id: str, **changes: Any) -> None:
        """Change a draft's applicant details (for example the phone number)."""
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            person = validate_applicant({**self.vault.unseal_json(row["applicant"]), **changes})
            conn.execute(
                "UPDATE case_record SET applicant = ?, applicant_key = ?, updated_at = ?"
                " WHERE case_id = ?",
                (
                    self.vault.seal_json(person),
                    self.vault.lookup_key(person["id_number"]),
                    self._now(),
                    case_id,
                ),
            )

    def set_result_delivery(self, case_id: str, delivery: ResultDelivery) -> ResultDelivery:
        """How the draft's result reaches the applicant (窗口自取 or 邮寄送达); the cleaned
        choice. :class:`PostNotOffered` when the item's result cannot be posted, FormInvalid
        naming a wrong part of a posted one."""
        with self.store.transaction() as conn:
            return self._set_result_delivery(conn, case_id, delivery)

    def _set_result_delivery(
        self, conn: sqlite3.Connection, case_id: str, delivery: ResultDelivery
    ) -> ResultDelivery:
        row = self._draft_row(conn, case_id)
        cleaned = checked_delivery(delivery, self._item(row["item_code"]).postal_delivery)
        conn.execute(
            "UPDATE case_record SET result_method = ?, result_delivery = ?, updated_at = ?"
            " WHERE case_id = ?",
            (
                cleaned.method,
                self.vault.seal_json(cleaned.record()),
                self._now(),
                case_id,
            ),
        )
        return cleaned

    def check_material(self, case_id: str, material_code: str, checked: bool = True) -> None:
        """Tick (or untick) a material on the checklist: seen by staff, or promised at the counter."""
        with self.store.transaction() as conn:
            self._draft_row(conn, case_id)
            cur = conn.execute(
                "UPDATE case_material SET checked = ? WHERE case_id = ? AND material_code = ?",
                (int(checked), case_id, material_code),
            )
            if not cur.rowcount:
                raise CaseError(f"case {case_id} has no material {material_code!r}")

    def authorize(self, case_id: str, method: str, attachment_id: str | None = None) -> None:
        """Record the applicant's authorization of an agent's case (now).

        ``signature`` needs the attachment holding the signed consent (attached with
        material code ``AUTH``); ``id_card_present`` needs none.
        """
        if method not in AUTHORIZATION_METHODS:
            raise CaseError(
                f"authorization method must be one of {', '.join(AUTHORIZATION_METHODS)}"
            )
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            if row["agent"] is None:
                raise CaseError(f"case {case_id} is not an agent's case")
            if method == "signature":
                found = conn.execute(
                    "SELECT 1 FROM case_attachment WHERE attachment_id = ? AND case_id = ?",
                    (attachment_id, case_id),
                ).fetchone()
                if found is None:
                    raise AuthorizationMissing(
                        "a signature needs the consent attachment of this case"
                    )
            agent = self.vault.unseal_json(row["agent"])
            agent["authorization"] = {
                "method": method,
                "signed_at": self._now(),
                "attachment_id": attachment_id if method == "signature" else None,
            }
            conn.execute(
                "UPDATE case_record SET agent = ?, updated_at = ? WHERE case_id = ?",
                (self.vault.seal_json(agent), self._now(), case_id),
            )

    def start_revision(self, case_id: str) -> None:
        """Reopen a submitted case as a draft for its next revision (补正, a supplement).

        Allowed only while the platform status is ``received`` or ``needs_correction``.
        """
        with self.store.transaction() as conn:
            row = self._row(conn, case_id)
            if row["state"] == "draft":
                return
            if row["status"] not in OPEN_FOR_REVISION:
                raise NotRevisable(f"case {case_id} is {row['status'] or 'not yet received'}")
            conn.execute(
                "UPDATE case_record SET state = 'draft', updated_at = ? WHERE case_id = ?",
                (self._now(), case_id),
            )
