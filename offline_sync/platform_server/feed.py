"""The change feed: one per device, with opaque cursors (contract section 5)."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any

from offline_sync.contract import canonical_json
from offline_sync.platform_server.base import PlatformBase, locked


class CursorUnknown(Exception):
    """The change feed cursor is not (or no longer) known."""


class ChangeFeed(PlatformBase):
    """Changes for every device (device_id NULL) or one; the latest per (group, key) is kept."""

    @locked
    def changes(
        self, device_id: str, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str, bool]:
        """(changes, next cursor, has_more) of a device's feed after ``cursor``."""
        epoch = self._meta("cursor_epoch")
        after = self._cursor_seq(cursor, epoch) if cursor else 0
        rows = self._conn.execute(
            "SELECT seq, type, data FROM change WHERE seq > ? AND (device_id IS NULL OR device_id = ?) "
            "ORDER BY seq LIMIT ?",
            [after, device_id, limit + 1],
        ).fetchall()
        has_more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1]["seq"] if rows else after
        changes = [
            {"seq": r["seq"], "type": r["type"], "data": json.loads(r["data"])} for r in rows
        ]
        return changes, _encode_cursor(epoch, last), has_more

    def _cursor_seq(self, cursor: str, epoch: str) -> int:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            seq = data["s"]
            known = data["e"] == epoch and isinstance(seq, int) and seq >= 0
        except (ValueError, binascii.Error, UnicodeError, KeyError, TypeError):
            known = False
        top = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM change").fetchone()[0]
        if not known or seq > top:
            raise CursorUnknown(cursor)
        return seq

    @locked
    def expire_cursors(self) -> None:
        """Forget every cursor handed out so far: devices get 410 and pull from the beginning."""
        with self._store.transaction() as conn:
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'cursor_epoch'", [secrets.token_hex(4)]
            )

    def _insert_change(
        self, device_id: str | None, type_: str, grp: str, key: str, data: dict[str, Any]
    ) -> bool:
        """Append a change; it replaces the earlier one of (grp, key). False if nothing changed."""
        text = canonical_json(data).decode()
        old = self._conn.execute(
            "SELECT seq, type, data FROM change WHERE grp = ? AND key = ? AND device_id IS ?",
            [grp, key, device_id],
        ).fetchone()
        # Parsed, not as text: rows written before the canonical form compare equal too.
        if old is not None and old["type"] == type_ and json.loads(old["data"]) == json.loads(text):
            return False
        if old is not None:
            self._conn.execute("DELETE FROM change WHERE seq = ?", [old["seq"]])
        self._conn.execute(
            "INSERT INTO change (device_id, type, grp, key, data) VALUES (?, ?, ?, ?, ?)",
            [device_id, type_, grp, key, text],
        )
        return True

    def _meta(self, key: str) -> str:
        return self._conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()[0]


def _encode_cursor(epoch: str, seq: int) -> str:
    return base64.urlsafe_b64encode(canonical_json({"e": epoch, "s": seq})).decode().rstrip("=")
