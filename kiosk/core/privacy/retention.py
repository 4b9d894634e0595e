"""Retention: personal data leaves the device once it is no longer needed here (PIPL).

A case the platform has finished (``completed``, ``rejected``, ``withdrawn``) keeps its
applicant, form, attachments and status texts for ``[privacy] retain_days`` after its
final status; then :meth:`Retention.purge` removes the case with everything that names
it: its rows, its attachment files, its records in the outbox once answered, the
comments of its ratings and its receipts in the print journal. A draft nobody touched
for as long (a villager who walked away) goes too. Nothing still waiting for the
platform is ever purged.

Each purge is counted (``privacy_purge``, shown by ``bianmin status``) and audited.
Queue tickets hold no ID number at all: a priority by age is decided from the card and
only "priority" is kept.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Migrations

from kiosk.core.audit import AuditLog
from offline_sync.clock import Clock
from offline_sync.store import Store

log = logging.getLogger(__name__)

FINISHED = ("completed", "rejected", "withdrawn")
_LAST_RUN = "privacy_purge_day"  # store_meta: the day the daily purge last ran

migrations = Migrations("kiosk.privacy")


@migrations()
def create_privacy_purge(db) -> None:
    db.execute(
        """
        CREATE TABLE privacy_purge (
            purge_id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            cases INTEGER NOT NULL,
            drafts INTEGER NOT NULL,
            attachments INTEGER NOT NULL,
            records INTEGER NOT NULL,
            print_jobs INTEGER NOT NULL
        )
        """
    )


@dataclass(frozen=True)
class Purged:
    """What one purge removed."""

    cases: int = 0
    drafts: int = 0
    attachments: int = 0
    records: int = 0
    print_jobs: int = 0

    def as_dict(self) -> dict[str, int]:
        """JSON-ready form."""
        return asdict(self)

    def __bool__(self) -> bool:
        """True when anything was removed."""
        return any(self.as_dict().values())


class Retention:
    """Purges the personal data of finished cases after ``retain_days``."""

    def __init__(
        self, store: Store, clock: Clock, data_dir: Path, retain_days: int, audit: AuditLog
    ) -> None:
        self.store = store
        self.clock = clock
        self.data_dir = Path(data_dir)
        self.retain_days = retain_days
        self.audit = audit

    def due(self) -> tuple[list[str], list[str]]:
        """Finished cases past the retention time, and drafts untouched as long (case ids).

        A case with a record still pending for the platform is never due.
        """
        cutoff = self.clock.now() - timedelta(days=self.retain_days)
        rows = self.store.conn.execute(
            "SELECT case_id, state, revision, status, status_at, updated_at FROM case_record c"
            " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending' AND"
            " (o.record_id = c.case_id OR o.record_id IN"
            "  (SELECT rating_id FROM rating r WHERE r.target_id = c.case_id)))"
        ).fetchall()
        finished, drafts = [], []
        for case_id, state, revision, status, status_at, updated_at in rows:
            if status in FINISHED and _before(status_at, cutoff):
                finished.append(case_id)
            elif state == "draft" and revision == 0 and _before(updated_at, cutoff):
                drafts.append(case_id)
        return finished, drafts

    def purge(self, actor: str) -> Purged:
        """Remove what is due (see :meth:`due`), count it and audit it, in one transaction;
        the files go once it has committed (a crash before leaves them to the start-up sweep)."""
        now = self.clock.now().isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            finished, drafts = self.due()
            ids = finished + drafts
            files = _paths(conn, ids)
            counts = Purged(
                cases=len(finished),
                drafts=len(drafts),
                attachments=len(files),
                records=_delete_records(conn, ids),
                print_jobs=_delete(conn, "print_job", "kind = 'receipt' AND ref", ids),
            )
            for table in ("case_status_event", "case_attachment", "case_material", "case_revision"):
                _delete(conn, table, "case_id", ids)
            _delete(conn, "outbox_attachment", "record_id", ids)
            _each(conn, "UPDATE rating SET comment = NULL WHERE target_id IN ({})", ids)
            _delete(conn, "case_record", "case_id", ids)
            if ids:
                conn.execute(
                    "INSERT INTO privacy_purge (at, actor, cases, drafts, attachments, records,"
                    " print_jobs) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (now, actor, *counts.as_dict().values()),
                )
                self.audit.record(actor, "privacy.purge", counts.as_dict())
                log.info("privacy purge: %s", counts.as_dict())
            if files:  # once the rows are gone for good (the outermost commit)
                self.store.after_commit(lambda: self._remove(files))
        return counts

    def _remove(self, files: set[str]) -> None:
        for rel in files:
            (self.data_dir / rel).unlink(missing_ok=True)

    def purge_if_due(self, actor: str) -> Purged | None:
        """:meth:`purge` once a day (the kiosk's chore); None when it already ran today."""
        today = self.clock.now().date().isoformat()
        with self.store.transaction():
            if self.store.meta(_LAST_RUN) == today:
                return None
            self.store.set_meta(_LAST_RUN, today)
            return self.purge(actor)

    def totals(self) -> dict[str, Any]:
        """Everything purged so far, and when the last purge removed something."""
        row = self.store.conn.execute(
            "SELECT coalesce(sum(cases), 0), coalesce(sum(drafts), 0),"
            " coalesce(sum(attachments), 0), coalesce(sum(records), 0),"
            " coalesce(sum(print_jobs), 0), max(at) FROM privacy_purge"
        ).fetchone()
        totals = dict(zip(Purged().as_dict(), row[:5], strict=True))
        return {"retain_days": self.retain_days, "purged": totals, "last_purge_at": row[5]}


def _before(stamp: str | None, cutoff: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return False
    if moment is None or moment.tzinfo is None:
        return False
    return moment < cutoff


def _paths(conn, ids: list[str]) -> set[str]:
    """Attachment files of these cases (their own and those listed for the platform)."""
    found: set[str] = set()
    for sql in (
        "SELECT path FROM case_attachment WHERE case_id IN ({})",
        "SELECT path FROM outbox_attachment WHERE record_id IN ({})",
    ):
        found |= {row[0] for row in _each(conn, sql, ids)}
    return found


def _delete_records(conn, ids: list[str]) -> int:
    """Answered outbox records of these cases and of their ratings (never pending ones)."""
    ratings = [
        r[0] for r in _each(conn, "SELECT rating_id FROM rating WHERE target_id IN ({})", ids)
    ]
    return _delete(conn, "outbox", "state != 'pending' AND record_id", ids + ratings)


def _delete(conn, table: str, column: str, ids: list[str]) -> int:
    return sum(
        cursor.rowcount
        for cursor in _cursors(conn, f"DELETE FROM {table} WHERE {column} IN ({{}})", ids)
    )


def _each(conn, sql: str, ids: list[str]) -> list[Any]:
    """Rows of ``sql`` (a ``{}`` for the placeholders) over ``ids``, 500 at a time."""
    return [row for cursor in _cursors(conn, sql, ids) for row in cursor.fetchall()]


def _cursors(conn, sql: str, ids: list[str]):
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        yield conn.execute(sql.format(",".join("?" * len(part))), part)
