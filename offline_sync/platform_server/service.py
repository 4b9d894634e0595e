"""What the reference platform knows and does, without HTTP: devices, records, cases,
uploads, the change feed, the catalogue, agent accounts, calendars, notices, and the
staff actions that move a case through its statuses.

One :class:`PlatformService` owns one connection to the platform's SQLite file and
serialises its methods with a lock, so the HTTP app and a test thread can share it;
another process (the CLI) opens its own service on the same file.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from offline_sync.clock import Clock, SystemClock
from offline_sync.contract import CASE_STATUSES, OPEN_FOR_REVISION
from offline_sync.outbox import canonical_json
from offline_sync.platform_server.calendars import statutory_calendars
from offline_sync.platform_server.catalogue import check_item, load_catalogue
from offline_sync.platform_server.schema import migrations
from offline_sync.platform_server.validation import (
    CaseRules,
    Invalid,
    check_audit_event,
    check_case,
    check_envelope,
    check_rating,
    check_ticket_event,
    check_unsolved_report,
)
from offline_sync.signing import new_secret
from offline_sync.store import Store

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("accepted", "needs_correction", "rejected", "withdrawn"),
    "accepted": ("in_progress", "needs_correction", "completed", "rejected", "withdrawn"),
    "in_progress": ("needs_correction", "completed", "rejected", "withdrawn"),
    "needs_correction": ("received", "accepted", "rejected", "withdrawn"),
    "completed": (),
    "rejected": (),
    "withdrawn": (),
}
NEEDS_REASON = ("needs_correction", "rejected")
NONCE_WINDOW_S = 600
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_CHINA = ZoneInfo("Asia/Shanghai")
_DEVICE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{2,63}$")
_CHECKERS = {
    "rating": check_rating,
    "unsolved_report": check_unsolved_report,
    "ticket_event": check_ticket_event,
    "audit_event": check_audit_event,
}


class StaffError(Exception):
    """A staff action cannot be done (unknown case, status not reachable, reason missing)."""


class CursorUnknown(Exception):
    """The change feed cursor is not (or no longer) known."""


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


def _locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class PlatformService:
    """The reference platform's state and rules over one SQLite file."""

    def __init__(
        self, store: Store, clock: Clock, resident_id_valid: Callable[[str], bool]
    ) -> None:
        self._store = store
        self._conn = store.conn
        self._clock = clock
        self._lock = threading.RLock()
        self._nonce_writes = 0
        self._rules = CaseRules(
            find_item=self._find_item,
            resident_id_valid=resident_id_valid,
            agent_known=self._agent_known,
        )

    @classmethod
    def open(
        cls, db_path: Path, resident_id_valid: Callable[[str], bool], clock: Clock | None = None
    ) -> PlatformService:
        """Open (creating if needed) the platform database at ``db_path``."""
        return cls(
            Store.open(Path(db_path), [migrations]), clock or SystemClock(), resident_id_valid
        )

    @property
    def clock(self) -> Clock:
        """The platform's clock (its ``Date`` headers and its view of time)."""
        return self._clock

    @_locked
    def close(self) -> None:
        """Close the database connection."""
        self._store.close()

    # -- devices -------------------------------------------------------------

    @_locked
    def enroll(self, device_id: str, secret_hex: str | None = None) -> str:
        """Enrol (or re-enrol) a device; its secret, new unless one is given."""
        if not _DEVICE_ID.match(device_id):
            raise StaffError(
                f"device id {device_id!r}: expected letters, digits and '-', e.g. 510100-K-000123"
            )
        secret = secret_hex or new_secret()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO device (device_id, secret, active, enrolled_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (device_id) DO UPDATE SET secret = excluded.secret, active = 1",
                [device_id, secret, self._now_text()],
            )
        return secret

    @_locked
    def disable_device(self, device_id: str) -> None:
        """Refuse the device's requests from now on (``unknown_device``)."""
        with self._store.transaction() as conn:
            if not conn.execute(
                "UPDATE device SET active = 0 WHERE device_id = ?", [device_id]
            ).rowcount:
                raise StaffError(f"device {device_id} is not enrolled")

    @_locked
    def device_key(self, device_id: str) -> bytes | None:
        """The HMAC key of an enrolled, active device; None otherwise."""
        row = self._conn.execute(
            "SELECT secret FROM device WHERE device_id = ? AND active = 1", [device_id]
        ).fetchone()
        return bytes.fromhex(row["secret"]) if row else None

    @_locked
    def use_nonce(self, device_id: str, nonce: str) -> bool:
        """Record a nonce; False when this device used it within the last 600 s."""
        now = self._clock.now().timestamp()
        with self._store.transaction() as conn:
            self._nonce_writes += 1
            if self._nonce_writes % 500 == 1:
                conn.execute("DELETE FROM nonce WHERE expires_at <= ?", [now])
            seen = conn.execute(
                "SELECT expires_at FROM nonce WHERE device_id = ? AND nonce = ?", [device_id, nonce]
            ).fetchone()
            if seen is not None and seen["expires_at"] > now:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO nonce (device_id, nonce, expires_at) VALUES (?, ?, ?)",
                [device_id, nonce, now + NONCE_WINDOW_S],
            )
        return True

    @_locked
    def set_maintenance(self, retry_after_s: int | None) -> None:
        """Answer every request but ping with 503 and this Retry-After; None: serve again."""
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'maintenance_retry_after'")
            if retry_after_s is not None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('maintenance_retry_after', ?)",
                    [str(int(retry_after_s))],
                )

    @_locked
    def maintenance(self) -> int | None:
        """The Retry-After (seconds) while in maintenance, else None."""
        row = self._conn.execute(
            "SELECT value FROM meta WHERE key = 'maintenance_retry_after'"
        ).fetchone()
        return int(row["value"]) if row else None

    # -- records -------------------------------------------------------------

    @_locked
    def store_records(self, device_id: str, records: list[Any]) -> list[dict[str, Any]]:
        """Store a batch, each record on its own terms; one result per record, in order."""
        with self._store.transaction():
            return [self._store_one(device_id, record) for record in records]

    def _store_one(self, device_id: str, record: Any) -> dict[str, Any]:
        try:
            check_envelope(record)
        except Invalid as exc:
            echo = record if isinstance(record, dict) else {}
            return _result(echo, "invalid", error=_error("invalid", exc))
        kind, record_id, revision, body = (
            record["kind"],
            record["id"],
            record["revision"],
            record["body"],
        )
        canonical = canonical_json(body).decode()
        case = self._case_row(record_id) if kind == "case" else None
        case_no = case["case_no"] if case else None
        existing = self._conn.execute(
            "SELECT body FROM record WHERE kind = ? AND id = ? AND revision = ?",
            [kind, record_id, revision],
        ).fetchone()
        if existing is not None:
            if existing["body"] == canonical:
                return _result(record, "duplicate", case_no=case_no)
            return _result(
                record,
                "conflict",
                error=_message("body_differs", "this revision is stored with another body"),
            )
        try:
            check_case(body, self._rules) if kind == "case" else _CHECKERS[kind](body)
        except Invalid as exc:
            return _result(record, "invalid", error=_error("invalid", exc))
        latest = self._conn.execute(
            "SELECT MAX(revision) FROM record WHERE kind = ? AND id = ?", [kind, record_id]
        ).fetchone()[0]
        if latest is not None and revision <= latest:
            return _result(
                record,
                "conflict",
                error=_message("revision_not_newer", f"revision {latest} is stored"),
            )
        if case is not None and case["status"] not in OPEN_FOR_REVISION:
            return _result(
                record,
                "conflict",
                error=_message(
                    "case_closed",
                    f"case {case_no} is {case['status']}; no new revision is accepted",
                ),
            )
        if kind == "case":
            missing = self._missing_attachments(body["attachments"])
            if missing:
                return _result(record, "missing_attachments", missing=missing)
        self._conn.execute(
            "INSERT INTO record (kind, id, revision, body, device_id, stored_at) VALUES (?, ?, ?, ?, ?, ?)",
            [kind, record_id, revision, canonical, device_id, self._now_text()],
        )
        if kind == "case":
            case_no = self._file_case(device_id, record_id, revision, body, case)
        return _result(record, "stored", case_no=case_no)

    def _missing_attachments(self, attachments: list[dict[str, Any]]) -> list[str]:
        missing = []
        for a in attachments:
            row = self._conn.execute(
                "SELECT 1 FROM upload WHERE attachment_id = ? AND complete = 1 AND length = ? AND sha256 = ?",
                [a["id"], a["size"], a["sha256"]],
            ).fetchone()
            if row is None:
                missing.append(a["id"])
        return missing

    def _file_case(
        self, device_id: str, case_id: str, revision: int, body: dict[str, Any], case
    ) -> str:
        """Open a new case (status received, step 1) or take a new revision of one."""
        now = self._now_text()
        if case is None:
            case_no = self._next_case_no(device_id)
            self._conn.execute(
                "INSERT INTO platform_case (case_id, case_no, device_id, item_code, revision, status, step, "
                "updated_at) VALUES (?, ?, ?, ?, ?, 'received', 1, ?)",
                [case_id, case_no, device_id, body["item_code"], revision, now],
            )
            self._publish_status(case_id)
            return case_no
        self._conn.execute(
            "UPDATE platform_case SET revision = ?, item_code = ?, updated_at = ? WHERE case_id = ?",
            [revision, body["item_code"], now, case_id],
        )
        if case["status"] == "needs_correction":
            self._move_case(case_id, "received", "已补正，等待受理", None)
        return case["case_no"]

    def _next_case_no(self, device_id: str) -> str:
        region = device_id[:6] if device_id[:6].isdigit() else "510000"
        prefix = f"{region}-{self._clock.now().astimezone(_CHINA):%Y%m%d}-"
        last = self._conn.execute(
            "SELECT MAX(case_no) FROM platform_case WHERE case_no BETWEEN ? AND ?",
            [prefix + "000000", prefix + "999999"],
        ).fetchone()[0]
        return f"{prefix}{int(last[-6:]) + 1 if last else 1:06d}"

    def _case_row(self, case_id: str):
        return self._conn.execute(
            "SELECT * FROM platform_case WHERE case_id = ?", [case_id]
        ).fetchone()

    # -- case statuses (staff) ------------------------------------------------

    @_locked
    def set_case_status(
        self,
        case_no: str,
        status: str,
        reason: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Move a case to ``status`` (a staff action); the same status again changes nothing.

        Returns the case as :meth:`case` does. Raises StaffError for an unknown case, a
        status not reachable from the current one, or a missing reason.
        """
        if status not in CASE_STATUSES:
            raise StaffError(f"status {status!r}: allowed: {', '.join(CASE_STATUSES)}")
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM platform_case WHERE case_no = ?", [case_no]
            ).fetchone()
            if row is None:
                raise StaffError(f"case {case_no}: no such case")
            if row["status"] != status:
                allowed = TRANSITIONS[row["status"]]
                if status not in allowed:
                    raise StaffError(
                        f"case {case_no} is {row['status']}; it can move to: {', '.join(allowed) or 'nothing (closed)'}"
                    )
                if status in NEEDS_REASON and not (reason or "").strip():
                    raise StaffError(f"status {status} needs a reason (--reason)")
                self._move_case(row["case_id"], status, reason, result)
        return self.case(case_no)

    def _move_case(
        self, case_id: str, status: str, reason: str | None, result: dict[str, Any] | None
    ) -> None:
        self._conn.execute(
            "UPDATE platform_case SET status = ?, step = step + 1, reason = ?, updated_at = ? WHERE case_id = ?",
            [status, reason, self._now_text(), case_id],
        )
        self._publish_status(case_id, result)

    def _publish_status(self, case_id: str, result: dict[str, Any] | None = None) -> None:
        row = self._case_row(case_id)
        data = {
            "case_id": case_id,
            "case_no": row["case_no"],
            "step": row["step"],
            "status": row["status"],
            "reason": row["reason"],
            "result": result,
            "at": row["updated_at"],
        }
        self._insert_change(
            row["device_id"], "case_status", "case_status", f"{case_id}#{row['step']}", data
        )

    @_locked
    def case(self, case_no_or_id: str) -> dict[str, Any] | None:
        """A case: case_id, case_no, device_id, item_code, revision, status, step, reason, updated_at."""
        row = self._conn.execute(
            "SELECT * FROM platform_case WHERE case_no = ? OR case_id = ?",
            [case_no_or_id, case_no_or_id],
        ).fetchone()
        return dict(row) if row else None

    @_locked
    def cases(self) -> list[dict[str, Any]]:
        """Every case, oldest first."""
        return [dict(r) for r in self._conn.execute("SELECT * FROM platform_case ORDER BY rowid")]

    # -- uploads (tus) -------------------------------------------------------

    @_locked
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
                "SELECT offset, length, sha256, complete FROM upload WHERE attachment_id = ?",
                [attachment_id],
            ).fetchone()
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

    @_locked
    def upload_state(self, attachment_id: str) -> tuple[int, int] | None:
        """(offset, length) of an upload, or None when there is no such upload."""
        row = self._conn.execute(
            "SELECT offset, length FROM upload WHERE attachment_id = ?", [attachment_id]
        ).fetchone()
        return (row["offset"], row["length"]) if row else None

    @_locked
    def append_chunk(self, attachment_id: str, offset: int, chunk: bytes) -> int:
        """Append a chunk at ``offset``; the new offset. Checks the whole file at the end."""
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM upload WHERE attachment_id = ?", [attachment_id]
            ).fetchone()
            if row is None:
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

    @_locked
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

    # -- the change feed -----------------------------------------------------

    @_locked
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

    @_locked
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
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        old = self._conn.execute(
            "SELECT seq, type, data FROM change WHERE grp = ? AND key = ? AND device_id IS ?",
            [grp, key, device_id],
        ).fetchone()
        if old is not None and old["type"] == type_ and old["data"] == text:
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

    # -- catalogue, calendars, agents, notices --------------------------------

    @_locked
    def publish_item(self, item: dict[str, Any]) -> bool:
        """Publish a catalogue item; False when this or a newer version is already published."""
        check_item(item, "item")
        with self._store.transaction() as conn:
            latest = conn.execute(
                "SELECT MAX(version) FROM catalogue_item WHERE code = ?", [item["code"]]
            ).fetchone()[0]
            removed = conn.execute(
                "SELECT 1 FROM catalogue_removed WHERE code = ?", [item["code"]]
            ).fetchone()
            if latest is not None and item["version"] <= latest and not removed:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO catalogue_item (code, version, item) VALUES (?, ?, ?)",
                [item["code"], item["version"], json.dumps(item, ensure_ascii=False)],
            )
            conn.execute("DELETE FROM catalogue_removed WHERE code = ?", [item["code"]])
            self._insert_change(None, "catalogue_item", "catalogue", item["code"], item)
        return True

    @_locked
    def remove_item(self, code: str) -> None:
        """Withdraw a catalogue item (devices get ``catalogue_item_removed``)."""
        with self._store.transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM catalogue_item WHERE code = ?", [code]).fetchone()
                is None
            ):
                raise StaffError(f"catalogue item {code}: no such item")
            conn.execute("INSERT OR IGNORE INTO catalogue_removed (code) VALUES (?)", [code])
            self._insert_change(None, "catalogue_item_removed", "catalogue", code, {"code": code})

    @_locked
    def load_catalogue(self, path: Path) -> int:
        """Publish every item of a seed file or directory; how many were new or newer."""
        items = load_catalogue(path)
        with self._store.transaction():
            return sum(self.publish_item(item) for item in items)

    def _find_item(self, code: str, version: int | None) -> dict[str, Any] | None:
        if version is None:
            row = self._conn.execute(
                "SELECT item FROM catalogue_item WHERE code = ? AND code NOT IN (SELECT code FROM catalogue_removed) "
                "ORDER BY version DESC LIMIT 1",
                [code],
            ).fetchone()
        else:
            row = self._conn.execute(
                "SELECT item FROM catalogue_item WHERE code = ? AND version = ?", [code, version]
            ).fetchone()
        return json.loads(row["item"]) if row else None

    @_locked
    def publish_calendar(self, year: int, holidays: Iterable[str], workdays: Iterable[str]) -> bool:
        """Publish a year's statutory holidays and make-up work days; False if unchanged."""
        data = {"year": year, "holidays": sorted(holidays), "workdays": sorted(workdays)}
        with self._store.transaction():
            return self._insert_change(None, "calendar", "calendar", str(year), data)

    @_locked
    def load_calendars(self) -> int:
        """Publish the shipped calendars (2026, 2027); how many changed."""
        with self._store.transaction():
            return sum(
                self.publish_calendar(c["year"], c["holidays"], c["workdays"])
                for c in statutory_calendars()
            )

    @_locked
    def add_agent(
        self,
        agent_id: str,
        name: str,
        pin: str,
        villages: Iterable[str] = (),
        active: bool = True,
        scrypt_n: int = SCRYPT["n"],
    ) -> dict[str, Any]:
        """Create or replace an agent account; its PIN is kept only as an scrypt hash.

        ``scrypt_n`` is the cost (a power of 2) published with the hash; tests may lower it.
        """
        if not re.fullmatch(r"\d{4,12}", pin):
            raise StaffError("a PIN is 4 to 12 digits")
        salt = secrets.token_bytes(16)
        params = SCRYPT | {"n": scrypt_n}
        digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **params)
        data = {
            "agent_id": agent_id,
            "name": name,
            "active": active,
            "villages": list(villages),
            "pin": {
                "scheme": "scrypt",
                **params,
                "salt": base64.b64encode(salt).decode(),
                "hash": base64.b64encode(digest).decode(),
            },
        }
        with self._store.transaction():
            self._insert_change(None, "agent_account", "agent_account", agent_id, data)
        return data

    @_locked
    def set_agent_active(self, agent_id: str, active: bool) -> None:
        """Activate or deactivate an agent account."""
        with self._store.transaction():
            row = self._conn.execute(
                "SELECT data FROM change WHERE grp = 'agent_account' AND key = ?", [agent_id]
            ).fetchone()
            if row is None:
                raise StaffError(f"agent {agent_id}: no such account")
            data = json.loads(row["data"]) | {"active": active}
            self._insert_change(None, "agent_account", "agent_account", agent_id, data)

    def _agent_known(self, agent_id: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM change WHERE grp = 'agent_account' AND key = ?", [agent_id]
            ).fetchone()
            is not None
        )

    @_locked
    def add_notice(self, title: str, text: str, valid_from: str, valid_to: str) -> str:
        """Publish a notice to every device; its id."""
        for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise StaffError(f"{name} {value!r}: expected an RFC 3339 time or a date") from None
        notice_id = str(uuid.uuid4())
        data = {
            "id": notice_id,
            "title": title,
            "text": text,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        with self._store.transaction():
            self._insert_change(None, "notice", "notice", notice_id, data)
        return notice_id

    # -- inspection ----------------------------------------------------------

    @_locked
    def stored_records(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every stored record (kind, id, revision, body, device_id), in storage order."""
        sql = "SELECT kind, id, revision, body, device_id FROM record"
        rows = self._conn.execute(
            sql + (" WHERE kind = ?" if kind else "") + " ORDER BY rowid", [kind] if kind else []
        )
        return [dict(r) | {"body": json.loads(r["body"])} for r in rows]

    @_locked
    def counts(self) -> dict[str, int]:
        """How many records (by kind), cases, complete uploads and feed changes are held."""
        counts = {
            f"records_{r[0]}": r[1]
            for r in self._conn.execute("SELECT kind, COUNT(*) FROM record GROUP BY kind")
        }
        counts["records"] = sum(counts.values())
        counts["cases"] = self._conn.execute("SELECT COUNT(*) FROM platform_case").fetchone()[0]
        counts["uploads_complete"] = self._conn.execute(
            "SELECT COUNT(*) FROM upload WHERE complete = 1"
        ).fetchone()[0]
        counts["changes"] = self._conn.execute("SELECT COUNT(*) FROM change").fetchone()[0]
        return counts

    def _now_text(self) -> str:
        return self._clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode_cursor(epoch: str, seq: int) -> str:
    raw = json.dumps({"e": epoch, "s": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _result(record: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    result = {"id": record.get("id"), "revision": record.get("revision"), "status": status}
    result.update({k: v for k, v in extra.items() if v is not None})
    return result


def _error(code: str, exc: Invalid) -> dict[str, str]:
    return {"code": code, "field": exc.field, "message": str(exc)}


def _message(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}
