"""Progress of cases from the platform's ``case_status`` changes, and their timeline."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from offline_sync.contract import CASE_STATUSES
from offline_sync.vault import Vault


@dataclass(frozen=True)
class TimelineEntry:
    """One step of a case's progress: local submissions and the platform's statuses."""

    status: str
    at: str
    step: int | None = None
    revision: int | None = None
    reason: str | None = None
    result: dict[str, Any] | None = None


def apply_case_status(conn: sqlite3.Connection, data: dict[str, Any], *, vault: Vault) -> None:
    """Change applier for ``case_status``: record the step unless one as new is stored
    (ValueError for a malformed change, which the sync engine keeps for staff). The reason
    and the result may name the applicant: both are sealed."""
    case_id, step, status, at = (
        data.get("case_id"),
        data.get("step"),
        data.get("status"),
        data.get("at"),
    )
    if not (
        isinstance(case_id, str)
        and isinstance(step, int)
        and status in CASE_STATUSES
        and isinstance(at, str)
    ):
        raise ValueError(
            f"case_status change is malformed (case {case_id!r}, step {step!r}, status {status!r})"
        )
    latest = conn.execute(
        "SELECT max(step) FROM case_status_event WHERE case_id = ?", (case_id,)
    ).fetchone()[0]
    if latest is not None and step <= latest:
        return
    result, reason = data.get("result"), data.get("reason")
    conn.execute(
        "INSERT INTO case_status_event (case_id, step, status, case_no, reason, result, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            step,
            status,
            data.get("case_no"),
            vault.seal(str(reason)) if reason is not None else None,
            vault.seal_json(result) if result is not None else None,
            at,
        ),
    )
    conn.execute(
        "UPDATE case_record SET status = ?, status_step = ?, status_at = ?,"
        " case_no = coalesce(?, case_no) WHERE case_id = ?",
        (status, step, at, data.get("case_no"), case_id),
    )


def timeline(conn: sqlite3.Connection, vault: Vault, case_id: str) -> list[TimelineEntry]:
    """Local submissions (one per revision) and platform statuses of a case, oldest first."""
    entries = [
        TimelineEntry("submitted", r[1], revision=r[0])
        for r in conn.execute(
            "SELECT revision, submitted_at FROM case_revision WHERE case_id = ?", (case_id,)
        )
    ]
    for r in conn.execute(
        "SELECT step, status, reason, result, at FROM case_status_event WHERE case_id = ?",
        (case_id,),
    ):
        reason = vault.unseal(r[2]) if r[2] is not None else None
        result = vault.unseal_json(r[3]) if r[3] is not None else None
        entries.append(TimelineEntry(r[1], r[4], step=r[0], reason=reason, result=result))
    return sorted(entries, key=lambda e: (_instant(e.at), e.step or 0))


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
