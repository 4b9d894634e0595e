"""The print-job journal: every job from queued to done or failed, kept for reprints."""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.printing")


@migrations()
def create_print_job(db) -> None:
    db.execute(
        """
        CREATE TABLE print_job (
            job_id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'materials', 'stats', 'test')),
            ref TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'done', 'failed')),
            printer_url TEXT NOT NULL,
            printer_state TEXT,
            size INTEGER NOT NULL,
            payload BLOB NOT NULL,
            fallback_qr BLOB,
            error TEXT,
            reprint_of INTEGER REFERENCES print_job (job_id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            finished_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX print_job_state ON print_job (state, job_id)")
    db.execute("CREATE INDEX print_job_created ON print_job (created_at)")
