"""Attachments of drafts: a photo or scan of a material (or ``AUTH``, a signed consent),
sealed into a durable file before the row that names it commits."""

from __future__ import annotations

import hashlib
import sqlite3

from kiosk.core.cases.errors import CaseError, NotADraft
from kiosk.core.cases.files import check_file
from kiosk.core.cases.model import Attachment
from kiosk.core.cases.records import CaseRecords

CONSENT_MATERIAL = "AUTH"


class Attachments(CaseRecords):
    """Attaching files to drafts, reading them back, sweeping orphans."""

    def attach(self, case_id: str, material_code: str, data: bytes, media_type: str) -> Attachment:
        """Attach a file (a photo or scan of a material, or ``AUTH`` for a signed consent)."""
        check_file(data, media_type)
        self._draft_row(self.store.conn, case_id)  # fail before writing a file for nothing
        self._known_material(self.store.conn, case_id, material_code)
        attachment_id, rel = self.files.write(data)
        try:
            with self.store.transaction() as conn:
                # an outer transaction that rolls back later takes the file with it
                self.store.on_rollback(lambda: self.files.remove(rel))
                self._draft_row(conn, case_id)
                return self._insert_attachment(
                    conn, case_id, material_code, attachment_id, rel, data, media_type
                )
        except BaseException:
            self.files.remove(rel)
            raise

    def _known_material(self, conn: sqlite3.Connection, case_id: str, code: str) -> None:
        if code == CONSENT_MATERIAL:
            return
        found = conn.execute(
            "SELECT 1 FROM case_material WHERE case_id = ? AND material_code = ?", (case_id, code)
        ).fetchone()
        if found is None:
            raise CaseError(f"case {case_id} has no material {code!r}")

    def _insert_attachment(
        self,
        conn: sqlite3.Connection,
        case_id: str,
        material_code: str,
        attachment_id: str,
        rel: str,
        data: bytes,
        media_type: str,
    ) -> Attachment:
        attachment = Attachment(
            attachment_id,
            case_id,
            material_code,
            rel,
            len(data),
            hashlib.sha256(data).hexdigest(),
            media_type,
        )
        conn.execute(
            "INSERT INTO case_attachment (attachment_id, case_id, material_code, path, size, sha256,"
            " media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attachment_id,
                case_id,
                material_code,
                rel,
                attachment.size,
                attachment.sha256,
                media_type,
                self._now(),
            ),
        )
        return attachment

    def remove_attachment(self, attachment_id: str) -> None:
        """Take an attachment off a draft and delete its file."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT case_id, path FROM case_attachment WHERE attachment_id = ?",
                (attachment_id,),
            ).fetchone()
            if row is None:
                raise CaseError(f"no attachment {attachment_id!r}")
            self._draft_row(conn, row["case_id"])
            listed = conn.execute(
                "SELECT 1 FROM outbox_attachment WHERE attachment_id = ?", (attachment_id,)
            ).fetchone()
            if listed:
                raise NotADraft(f"attachment {attachment_id} was already sent with a revision")
            conn.execute("DELETE FROM case_attachment WHERE attachment_id = ?", (attachment_id,))
        self.files.remove(row["path"])

    def read_attachment(self, attachment_id: str) -> bytes:
        """The plain content of an attachment (checked against its recorded sha256)."""
        row = self.store.conn.execute(
            "SELECT path, sha256 FROM case_attachment WHERE attachment_id = ?", (attachment_id,)
        ).fetchone()
        if row is None:
            raise CaseError(f"no attachment {attachment_id!r}")
        data = self.files.read(row["path"])
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise CaseError(f"attachment {attachment_id}: content does not match its sha256")
        return data

    def sweep_orphan_files(self, older_than_s: float = 3600.0) -> int:
        """Delete attachment files no row names (left by a crash between write and commit)."""
        named = {r[0] for r in self.store.conn.execute("SELECT path FROM case_attachment")}
        named |= {r[0] for r in self.store.conn.execute("SELECT path FROM outbox_attachment")}
        return self.files.sweep(named, older_than_s)
