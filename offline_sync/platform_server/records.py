"""Records: a pushed batch stored record by record (contract section 3)."""

from __future__ import annotations

from typing import Any

from offline_sync.contract import OPEN_FOR_REVISION, canonical_json
from offline_sync.contract.records import (
    CONFLICT,
    DUPLICATE,
    INVALID,
    MISSING_ATTACHMENTS,
    STORED,
)
from offline_sync.platform_server.base import PlatformBase, locked
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

_CHECKERS = {
    "rating": check_rating,
    "unsolved_report": check_unsolved_report,
    "ticket_event": check_ticket_event,
    "audit_event": check_audit_event,
}


class RecordIntake(PlatformBase):
    """Stores each record once per (kind, id, revision) with its canonical body; a record
    (a case, its revisions) belongs to the device that first stored it.

    Needs the case part (``_case_row``, ``_file_case``), the uploads part
    (``_missing_attachments``) and ``_rules`` for case validation.
    """

    _rules: CaseRules

    @locked
    def store_records(self, device_id: str, records: list[Any]) -> list[dict[str, Any]]:
        """Store a batch, each record on its own terms; one result per record, in order."""
        with self._store.transaction():
            return [self._store_one(device_id, record) for record in records]

    def _store_one(self, device_id: str, record: Any) -> dict[str, Any]:
        try:
            check_envelope(record)
        except Invalid as exc:
            echo = record if isinstance(record, dict) else {}
            return _result(echo, INVALID, error=_error("invalid", exc))
        kind, record_id, revision, body = (
            record["kind"],
            record["id"],
            record["revision"],
            record["body"],
        )
        owner = self._conn.execute(
            "SELECT device_id FROM record WHERE kind = ? AND id = ? LIMIT 1", [kind, record_id]
        ).fetchone()
        if owner is not None and owner["device_id"] != device_id:
            return _result(
                record,
                CONFLICT,
                error=_message("other_device", f"{kind} {record_id} belongs to another device"),
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
                return _result(record, DUPLICATE, case_no=case_no)
            return _result(
                record,
                CONFLICT,
                error=_message("body_differs", "this revision is stored with another body"),
            )
        try:
            check_case(body, self._rules) if kind == "case" else _CHECKERS[kind](body)
        except Invalid as exc:
            return _result(record, INVALID, error=_error("invalid", exc))
        latest = self._conn.execute(
            "SELECT MAX(revision) FROM record WHERE kind = ? AND id = ?", [kind, record_id]
        ).fetchone()[0]
        if latest is not None and revision <= latest:
            return _result(
                record,
                CONFLICT,
                error=_message("revision_not_newer", f"revision {latest} is stored"),
            )
        if case is not None and case["status"] not in OPEN_FOR_REVISION:
            return _result(
                record,
                CONFLICT,
                error=_message(
                    "case_closed",
                    f"case {case_no} is {case['status']}; no new revision is accepted",
                ),
            )
        if kind == "case":
            missing = self._missing_attachments(device_id, body["attachments"])
            if missing:
                return _result(record, MISSING_ATTACHMENTS, missing=missing)
        self._conn.execute(
            "INSERT INTO record (kind, id, revision, body, device_id, stored_at) VALUES (?, ?, ?, ?, ?, ?)",
            [kind, record_id, revision, canonical, device_id, self._now_text()],
        )
        if kind == "case":
            case_no = self._file_case(device_id, record_id, revision, body, case)
        return _result(record, STORED, case_no=case_no)


def _result(record: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    result = {"id": record.get("id"), "revision": record.get("revision"), "status": status}
    result.update({k: v for k, v in extra.items() if v is not None})
    return result


def _error(code: str, exc: Invalid) -> dict[str, str]:
    return {"code": code, "field": exc.field, "message": str(exc)}


def _message(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}
