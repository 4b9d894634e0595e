"""Tables of cases (办件), their materials, attachments and status, ratings and unsolved reports.

Personal data (the applicant, form values, the agent, free texts, phone numbers) is kept
sealed by the vault; ``applicant_key`` is the vault's keyed digest of the ID number, for lookups.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.cases")


@migrations()
def create_cases(db) -> None:
    db.execute(
        """
        CREATE TABLE case_record (
            case_id TEXT PRIMARY KEY,
            item_code TEXT NOT NULL,
            item_version INTEGER NOT NULL,
            item_name TEXT NOT NULL,
            promised_days INTEGER NOT NULL,
            bundle_code TEXT,
            bundle_id TEXT,
            channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'agent')),
            agent BLOB,
            applicant BLOB NOT NULL,
            applicant_key TEXT NOT NULL,
            form BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('draft', 'submitted')),
            revision INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            status TEXT,
            status_step INTEGER NOT NULL DEFAULT 0,
            status_at TEXT,
            case_no TEXT
        )
        """
    )
    db.execute("CREATE INDEX case_record_applicant ON case_record (applicant_key)")
    db.execute("CREATE INDEX case_record_created ON case_record (created_at)")
    db.execute("CREATE INDEX case_record_bundle ON case_record (bundle_id)")
    db.execute(
        """
        CREATE TABLE case_revision (
            case_id TEXT NOT NULL REFERENCES case_record (case_id),
            revision INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            PRIMARY KEY (case_id, revision)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE case_material (
            case_id TEXT NOT NULL REFERENCES case_record (case_id),
            material_code TEXT NOT NULL,
            name TEXT NOT NULL,
            originals INTEGER NOT NULL,
            copies INTEGER NOT NULL,
            required INTEGER NOT NULL,
            checked INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (case_id, material_code)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE case_attachment (
            attachment_id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES case_record (case_id),
            material_code TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            media_type TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX case_attachment_case ON case_attachment (case_id)")
    # No foreign key: the feed may carry the status of a case this store no longer holds.
    db.execute(
        """
        CREATE TABLE case_status_event (
            case_id TEXT NOT NULL,
            step INTEGER NOT NULL,
            status TEXT NOT NULL,
            case_no TEXT,
            reason BLOB,  -- sealed
            result BLOB,  -- sealed JSON
            at TEXT NOT NULL,
            PRIMARY KEY (case_id, step)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE rating (
            rating_id TEXT PRIMARY KEY,
            target_type TEXT NOT NULL CHECK (target_type IN ('case', 'ticket')),
            target_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            reasons TEXT NOT NULL,
            comment BLOB,
            rated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE unsolved_report (
            report_id TEXT PRIMARY KEY,
            reference_no TEXT NOT NULL UNIQUE,
            day TEXT NOT NULL,
            description BLOB NOT NULL,
            item_code TEXT,
            contact_phone BLOB,
            reported_at TEXT NOT NULL
        )
        """
    )


@migrations()
def add_case_reference(db) -> None:
    # The short reference a villager reads, says and types (LZ-1123-007): the kiosk's
    # letters, the local day and that day's sequence, given at submission.
    db.execute("ALTER TABLE case_record ADD COLUMN reference TEXT")
    db.execute("ALTER TABLE case_record ADD COLUMN reference_day TEXT")
    db.execute("ALTER TABLE case_record ADD COLUMN reference_seq INTEGER")
    db.execute(
        "CREATE UNIQUE INDEX case_record_reference ON case_record (reference_day, reference_seq)"
    )


@migrations()
def report_reference_per_day(db) -> None:
    # 办不成事 references read like case references (BC-1123-001): unique per day, no longer
    # for ever (the same day of next year gives the same one), so the table is rebuilt
    # without the UNIQUE of reference_no.
    db.execute(
        """
        CREATE TABLE unsolved_report_new (
            report_id TEXT PRIMARY KEY,
            reference_no TEXT NOT NULL,
            day TEXT NOT NULL,
            description BLOB NOT NULL,
            item_code TEXT,
            contact_phone BLOB,
            reported_at TEXT NOT NULL
        )
        """
    )
    db.execute("INSERT INTO unsolved_report_new SELECT * FROM unsolved_report")
    db.execute("DROP TABLE unsolved_report")
    db.execute("ALTER TABLE unsolved_report_new RENAME TO unsolved_report")
    db.execute(
        "CREATE UNIQUE INDEX unsolved_report_reference ON unsolved_report (day, reference_no)"
    )


@migrations()
def add_result_delivery(db) -> None:
    # How the result reaches the applicant (邮寄送达): the method in the clear (pickup or
    # post, for lists), the address and phone sealed with it.
    db.execute("ALTER TABLE case_record ADD COLUMN result_method TEXT")
    db.execute("ALTER TABLE case_record ADD COLUMN result_delivery BLOB")
