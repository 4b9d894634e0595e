"""The case service's base: where cases are kept, and reading them back (a case, a person's
cases, lists, counts, the timeline and the promised date).

A case is a draft until it is submitted; submitting freezes a revision and writes its
``case`` outbox record (body exactly as contract section 3) in the same transaction.
The applicant, form values and agent are kept sealed; a person's cases are found through
the vault's keyed digest of the ID number, never the number itself.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import status
from kiosk.core.cases.delivery import ResultDelivery
from kiosk.core.cases.errors import ItemUnavailable, NotADraft, UnknownCase
from kiosk.core.cases.files import SealedFiles
from kiosk.core.cases.model import Attachment, Case, CaseSummary, MaterialCheck
from kiosk.core.cases.reference import DEFAULT_LETTERS, parse_reference
from kiosk.core.cases.status import TimelineEntry
from kiosk.core.catalogue import Catalogue, Item, UnknownItem
from offline_sync.clock import Clock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.vault import Vault


class CaseRecords:
    """The store, vault and catalogue behind cases, and every way of reading a case."""

    def __init__(
        self,
        store: Store,
        vault: Vault,
        outbox: Outbox,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        clock: Clock,
        data_dir: Path,
        timezone: str = "Asia/Shanghai",
        reference_letters: str = "",
    ) -> None:
        self.store = store
        self.vault = vault
        self.outbox = outbox
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
        self.files = SealedFiles(vault, Path(data_dir))
        self.zone = ZoneInfo(timezone)
        self.reference_letters = reference_letters or DEFAULT_LETTERS

    def _now(self) -> str:
        return self.clock.now().astimezone(self.zone).isoformat(timespec="seconds")

    def _item(self, code: str) -> Item:
        try:
            return self.catalogue.item(code)
        except UnknownItem:
            raise ItemUnavailable(f"catalogue item {code!r} is not available") from None

    def _row(self, conn: sqlite3.Connection, case_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM case_record WHERE case_id = ?", (case_id,)).fetchone()
        if row is None:
            raise UnknownCase(case_id)
        return row

    def _draft_row(self, conn: sqlite3.Connection, case_id: str) -> sqlite3.Row:
        row = self._row(conn, case_id)
        if row["state"] != "draft":
            raise NotADraft(f"case {case_id} was submitted (revision {row['revision']})")
        return row

    def _materials(self, conn: sqlite3.Connection, case_id: str) -> list[MaterialCheck]:
        rows = conn.execute(
            "SELECT m.material_code, m.name, m.originals, m.copies, m.required, m.checked,"
            " (SELECT count(*) FROM case_attachment a WHERE a.case_id = m.case_id"
            "  AND a.material_code = m.material_code) FROM case_material m"
            " WHERE m.case_id = ? ORDER BY m.rowid",
            (case_id,),
        )
        return [MaterialCheck(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]), r[6]) for r in rows]

    def _attachments(self, conn: sqlite3.Connection, case_id: str) -> list[Attachment]:
        rows = conn.execute(
            "SELECT attachment_id, case_id, material_code, path, size, sha256, media_type"
            " FROM case_attachment WHERE case_id = ? ORDER BY rowid",
            (case_id,),
        )
        return [Attachment(*r) for r in rows]

    def promised_date(self, submitted_at: str | None, promised_days: int) -> date | None:
        """The promised completion date: ``promised_days`` working days after submission."""
        if not submitted_at:
            return None
        day = datetime.fromisoformat(submitted_at).astimezone(self.zone).date()
        return self.calendar.add_workdays(day, promised_days)

    def _summary(self, row: sqlite3.Row) -> CaseSummary:
        person = self.vault.unseal_json(row["applicant"])
        return CaseSummary(
            case_id=row["case_id"],
            item_code=row["item_code"],
            item_name=row["item_name"],
            bundle_code=row["bundle_code"],
            channel=row["channel"],
            state=row["state"],
            revision=row["revision"],
            status=row["status"],
            case_no=row["case_no"] or self._case_no_from_outbox(row["case_id"]),
            applicant_name=person["name"],
            id_number=person["id_number"],
            created_at=row["created_at"],
            submitted_at=row["submitted_at"],
            promised_days=row["promised_days"],
            promised_date=self.promised_date(row["submitted_at"], row["promised_days"]),
            reference=row["reference"],
            delivery=self._delivery(row["case_id"]),
            result_method=row["result_method"],
        )

    def _delivery(self, case_id: str) -> str | None:
        row = self.store.conn.execute(
            "SELECT state FROM outbox WHERE kind = 'case' AND record_id = ?"
            " ORDER BY revision DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        return row[0] if row else None

    def _case_no_from_outbox(self, case_id: str) -> str | None:
        rows = self.store.conn.execute(
            "SELECT result FROM outbox WHERE kind = 'case' AND record_id = ? AND result IS NOT NULL"
            " ORDER BY revision DESC",
            (case_id,),
        )
        for (text,) in rows:
            try:
                result = json.loads(text)
            except (TypeError, ValueError):
                continue
            if isinstance(result, dict) and result.get("case_no"):
                return str(result["case_no"])
        return None

    def case_no(self, case_id: str) -> str | None:
        """The platform's case number (办件编号): from a status change or the push result."""
        row = self._row(self.store.conn, case_id)
        return row["case_no"] or self._case_no_from_outbox(case_id)

    def case(self, case_id: str) -> Case:
        """Everything about one case; UnknownCase if there is none."""
        conn = self.store.conn
        row = self._row(conn, case_id)
        summary = self._summary(row)
        return Case(
            summary=summary,
            bundle_id=row["bundle_id"],
            applicant=self.vault.unseal_json(row["applicant"]),
            agent=self.vault.unseal_json(row["agent"]) if row["agent"] else None,
            form=self.vault.unseal_json(row["form"]),
            materials=tuple(self._materials(conn, case_id)),
            attachments=tuple(self._attachments(conn, case_id)),
            timeline=tuple(self.timeline(case_id)),
            delivery=summary.delivery,
            result_delivery=(
                ResultDelivery.from_record(self.vault.unseal_json(row["result_delivery"]))
                if row["result_delivery"] is not None
                else None
            ),
        )

    def find(self, reference: str) -> Case:
        """The case with this case id, platform case number (from a receipt's QR code) or
        short reference (``LZ-1123-007``, or its digits as typed on a pad)."""
        reference = reference.strip()
        short = self.find_reference(reference)
        if short is not None:
            return short
        row = self.store.conn.execute(
            "SELECT case_id FROM case_record WHERE case_id = ? OR case_no = ?"
            " UNION SELECT record_id FROM outbox WHERE kind = 'case'"
            " AND json_extract(result, '$.case_no') = ? LIMIT 1",
            (reference, reference, reference),
        ).fetchone()
        if row is None:
            raise UnknownCase(reference)
        return self.case(row[0])

    def find_reference(self, text: str) -> Case | None:
        """The newest case whose short reference this is (letters optional), or None."""
        parsed = parse_reference(text)
        if parsed is None:
            return None
        month, day, seq = parsed
        row = self.store.conn.execute(
            "SELECT case_id FROM case_record WHERE substr(reference_day, 6, 5) = ?"
            " AND reference_seq = ? ORDER BY reference_day DESC LIMIT 1",
            (f"{month:02d}-{day:02d}", seq),
        ).fetchone()
        return self.case(row[0]) if row else None

    def popular_items(self, limit: int = 6) -> list[str]:
        """The item codes most applied for at this kiosk (submitted cases), most first."""
        rows = self.store.conn.execute(
            "SELECT item_code FROM case_record WHERE state = 'submitted'"
            " GROUP BY item_code ORDER BY count(*) DESC, max(submitted_at) DESC LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def timeline(self, case_id: str) -> list[TimelineEntry]:
        """Local submissions and platform statuses of a case, oldest first."""
        return status.timeline(self.store.conn, self.vault, case_id)

    def list_cases(
        self, *, state: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[CaseSummary]:
        """Cases, newest first (``state``: draft or submitted)."""
        rows = self.store.conn.execute(
            "SELECT * FROM case_record WHERE (? IS NULL OR state = ?)"
            " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            (state, state, limit, offset),
        ).fetchall()
        return [self._summary(r) for r in rows]

    def cases_of_person(self, id_number: str) -> list[CaseSummary]:
        """A person's cases (进度查询 after an ID card read), newest first."""
        rows = self.store.conn.execute(
            "SELECT * FROM case_record WHERE applicant_key = ? ORDER BY created_at DESC, rowid DESC",
            (self.vault.lookup_key(id_number.strip().upper()),),
        ).fetchall()
        return [self._summary(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Cases by state (draft, submitted)."""
        counts = {"draft": 0, "submitted": 0}
        for state, n in self.store.conn.execute(
            "SELECT state, count(*) FROM case_record GROUP BY state"
        ):
            counts[state] = n
        return counts
