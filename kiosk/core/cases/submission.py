"""Submission: a draft becomes its next revision and its ``case`` outbox record, atomically."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.core.cases.attachments import CONSENT_MATERIAL
from kiosk.core.cases.errors import AgentNotAllowed, AuthorizationMissing, MaterialsMissing
from kiosk.core.cases.model import Case
from kiosk.core.cases.records import CaseRecords
from kiosk.core.cases.reference import next_reference
from kiosk.core.forms import validate_applicant, validate_form


class Submission(CaseRecords):
    """Submitting drafts."""

    def submit(self, case_id: str) -> Case:
        """Freeze the draft as its next revision and queue its ``case`` record, atomically.

        Raises FormInvalid (fields), MaterialsMissing, AuthorizationMissing, ItemUnavailable.
        """
        with self.store.transaction() as conn:
            self._submit(conn, case_id)
        return self.case(case_id)

    def _submit(self, conn: sqlite3.Connection, case_id: str) -> None:
        row = self._draft_row(conn, case_id)
        item = self._item(row["item_code"])
        form = validate_form(item.form, self.vault.unseal_json(row["form"]), complete=True)
        applicant = validate_applicant(self.vault.unseal_json(row["applicant"]))
        agent = self.vault.unseal_json(row["agent"]) if row["agent"] else None
        if row["channel"] == "agent":
            if not item.agent_allowed:
                raise AgentNotAllowed(f"{item.code} {item.name} cannot be applied for by an agent")
            if not agent or not agent.get("authorization"):
                raise AuthorizationMissing(
                    f"case {case_id}: the applicant's authorization is missing"
                )
        missing = [m.name for m in self._materials(conn, case_id) if not m.satisfied]
        if missing:
            raise MaterialsMissing(missing)
        attachments = self._attachments(conn, case_id)
        now = self._now()
        revision = row["revision"] + 1
        reference, day, seq = row["reference"], row["reference_day"], row["reference_seq"]
        if reference is None:  # the first submission gives the case its short reference
            day = datetime.fromisoformat(now).date()
            reference, seq = next_reference(conn, self.reference_letters, day)
            day = day.isoformat()
        body = {
            "item_code": item.code,
            "item_version": item.version,
            "bundle_code": row["bundle_code"],
            "channel": row["channel"],
            "applicant": applicant,
            "agent": agent,
            "form": form,
            "attachments": [
                {
                    "id": a.attachment_id,
                    # The signed consent is no material of the item: null, as the contract has it.
                    "material_code": None
                    if a.material_code == CONSENT_MATERIAL
                    else a.material_code,
                    "media_type": a.media_type,
                    "size": a.size,
                    "sha256": a.sha256,
                }
                for a in attachments
            ],
            "created_at": row["created_at"],
            "submitted_at": now,
        }
        if row["result_delivery"] is not None:  # 邮寄送达, an extension of the contract
            body["result_delivery"] = self.vault.unseal_json(row["result_delivery"])
        self.outbox.add("case", case_id, revision, body, now)
        for a in attachments:
            listed = conn.execute(
                "SELECT 1 FROM outbox_attachment WHERE attachment_id = ?", (a.attachment_id,)
            ).fetchone()
            if not listed:
                self.outbox.add_attachment(
                    a.attachment_id, case_id, a.path, a.size, a.sha256, a.media_type
                )
        conn.execute(
            "UPDATE case_record SET state = 'submitted', revision = ?, item_version = ?,"
            " item_name = ?, promised_days = ?, form = ?, submitted_at = ?, updated_at = ?,"
            " reference = ?, reference_day = ?, reference_seq = ? WHERE case_id = ?",
            (
                revision,
                item.version,
                item.name,
                item.promised_days,
                self.vault.seal_json(form),
                now,
                now,
                reference,
                day,
                seq,
                case_id,
            ),
        )
        conn.execute(
            "INSERT INTO case_revision (case_id, revision, submitted_at) VALUES (?, ?, ?)",
            (case_id, revision, now),
        )
