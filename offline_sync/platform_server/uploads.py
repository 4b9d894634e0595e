"""Attachments: resumable tus uploads kept in the platform's database (contract section 4)."""

from __future__ import annotations

import hashlib
from typing import Any

from offline_sync.platform_server.base import PlatformBase, locked


class UploadUnknown(Exception):
    """No upload has this attachment id."""


class OffsetMismatch(Exception):
    """A chunk does not start at the upload's current offset."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"the upload is at offset {offset}")
        self.offset = offset


class UploadConflict(Exception):
    """An attachment id is declared with another length or digest than the finished upload."""


class ExceedsLength(Exception):
    """A chunk would go past the upload's declared length."""


class FileChecksumMismatch(Exception):
    """The whole file's sha256 differs from the declared one; the upload was reset."""


class Uploads(PlatformBase):
    """Uploads by attachment id: declared length and sha256, chunks, completeness."""

    @locked
    def create_upload(
        self,
        device_id: str,
        attachment_id: str,
        case_id: str,
        length: int,
        sha256: str,
        media_type: str,
    ) -> int:
        """Create the upload (or find the existing one); its current offset.

        An unfinished upload declared again with another length or digest starts
        again under the new declaration; a finished one raises UploadConflict.
        """
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT offset, length, sha256, complete, device_id FROM upload"
                " WHERE attachment_id = ?",
                [attachment_id],
            ).fetchone()
            if row is not None and row["device_id"] != device_id:
                raise UploadUnknown(attachment_id)  # another device's upload
            if row is not None and (row["length"], row["sha256"]) == (length, sha256):
                return row["offset"]
            if row is not None and row["complete"]:
                raise UploadConflict(
                    f"attachment {attachment_id} is already uploaded with another length or sha256"
                )
            conn.execute("DELETE FROM upload_chunk WHERE attachment_id = ?", [attachment_id])
            conn.execute("DELETE FROM upload WHERE attachment_id = ?", [attachment_id])
            complete = int(length == 0 and hashlib.sha256(b"").hexdigest() == sha256)
            conn.execute(
                "INSERT INTO upload (attachment_id, case_id, device_id, length, sha256, media_type, complete, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    attachment_id,
                    case_id,
                    device_id,
                    length,
                    sha256,
                    media_type,
                    complete,
                    self._now_text(),
                ],
            )
        return 0

    @locked
    def upload_state(
        self, attachment_id: str, *, device_id: str | None = None
    ) -> tuple[int, int] | None:
        """(offset, length) of an upload, or None when there is no such upload (or it is
        another device's than ``device_id``; None: as staff see it)."""
        row = self._conn.execute(
            "SELECT offset, length, device_id FROM upload WHERE attachment_id = ?",
            [attachment_id],
        ).fetchone()
        if row is None or device_id not in (None, row["device_id"]):
            return None
        return row["offset"], row["length"]

    @locked
    def append_chunk(
        self, attachment_id: str, offset: int, chunk: bytes, *, device_id: str | None = None
    ) -> int:
        """Append a chunk at ``offset``; the new offset. Checks the whole file at the end.

        UploadUnknown when there is no such upload, or it is another device's."""
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM upload WHERE attachment_id = ?", [attachment_id]
            ).fetchone()
            if row is None or device_id not in (None, row["device_id"]):
                raise UploadUnknown(attachment_id)
            if offset != row["offset"]:
                raise OffsetMismatch(row["offset"])
            end = offset + len(chunk)
            if end > row["length"]:
                raise ExceedsLength(
                    f"the chunk ends at {end}, past the upload's length {row['length']}"
                )
            if not chunk:
                return offset
            conn.execute(
                "INSERT INTO upload_chunk (attachment_id, offset, data) VALUES (?, ?, ?)",
                [attachment_id, offset, chunk],
            )
            complete = int(end == row["length"])
            mismatch = complete and self._file_digest(attachment_id) != row["sha256"]
            if mismatch:
                conn.execute("DELETE FROM upload_chunk WHERE attachment_id = ?", [attachment_id])
                end = complete = 0
            conn.execute(
                "UPDATE upload SET offset = ?, complete = ? WHERE attachment_id = ?",
                [end, complete, attachment_id],
            )
        if mismatch:
            raise FileChecksumMismatch(
                f"{attachment_id}: the file's sha256 differs; the upload starts again"
            )
        return end

    def _file_digest(self, attachment_id: str) -> str:
        digest = hashlib.sha256()
        for (data,) in self._conn.execute(
            "SELECT data FROM upload_chunk WHERE attachment_id = ? ORDER BY offset", [attachment_id]
        ):
            digest.update(data)
        return digest.hexdigest()

    @locked
    def attachment_data(self, attachment_id: str) -> bytes | None:
        """The bytes of a completely uploaded attachment; None if it is not complete."""
        row = self._conn.execute(
            "SELECT complete FROM upload WHERE attachment_id = ?", [attachment_id]
        ).fetchone()
        if row is None or not row["complete"]:
            return None
        chunks = self._conn.execute(
            "SELECT data FROM upload_chunk WHERE attachment_id = ? ORDER BY offset", [attachment_id]
        )
        return b"".join(c["data"] for c in chunks)

    def _missing_attachments(self, device_id: str, attachments: list[dict[str, Any]]) -> list[str]:
        """Ids of the attachments this device has not uploaded completely (another device's
        upload of the same id does not count)."""
        missing = []
        for a in attachments:
            row = self._conn.execute(
                "SELECT 1 FROM upload WHERE attachment_id = ? AND complete = 1 AND length = ?"
                " AND sha256 = ? AND device_id = ?",
                [a["id"], a["size"], a["sha256"], device_id],
            ).fetchone()
            if row is None:
                missing.append(a["id"])
        return missing
