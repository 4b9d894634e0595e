"""Cases (办件): drafts, materials and attachments, submission to the outbox, progress.

A case is a draft until it is submitted; submitting freezes a revision and writes its
``case`` outbox record (body exactly as contract section 3) in the same transaction.
Attachment files are sealed by the vault, written and fsynced into
``<data_dir>/attachments/`` (and the directory fsynced) before the row naming them
commits. The applicant, form values and agent are kept sealed; a person's cases are
found through the vault's keyed digest of the ID number, never the number itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core import case_status
from kiosk.core.attachment_files import SealedFiles, check_file
from kiosk.core.calendar import WorkCalendar
from kiosk.core.case_errors import (
    AgentNotAllowed,
    AttachmentRejected,
    AuthorizationMissing,
    CaseError,
    ItemUnavailable,
    MaterialsMissing,
    NotADraft,
    NotRevisable,
    UnknownCase,
)
from kiosk.core.case_status import TimelineEntry, apply_case_status
from kiosk.core.catalogue import Bundle, Catalogue, Item, MergedMaterial, UnknownItem
from kiosk.core.forms import FormInvalid, validate_applicant, validate_form
from offline_sync.clock import Clock
from offline_sync.contract import AUTHORIZATION_METHODS, CHANNELS, OPEN_FOR_REVISION
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.vault import Vault

CONSENT_MATERIAL = "AUTH"


@dataclass(frozen=True)
class AgentRef:
    """The proxy agent (代办专员) working on a case."""

    agent_id: str
    name: str


@dataclass(frozen=True)
class MaterialCheck:
    """One line of a case's materials checklist."""

    code: str
    name: str
    originals: int
    copies: int
    required: bool
    checked: bool
    attachments: int

    @property
    def satisfied(self) -> bool:
        """True if attached or confirmed (or not required)."""
        return not self.required or self.checked or self.attachments > 0


@dataclass(frozen=True)
class Attachment:
    """A file attached to a case (content sealed at ``path`` under the data directory)."""

    attachment_id: str
    case_id: str
    material_code: str
    path: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class CaseSummary:
    """What a list of cases shows (personal data unmasked: mask at the edge)."""

    case_id: str
    item_code: str
    item_name: str
    bundle_code: str | None
    channel: str
    state: str
    revision: int
    status: str | None
    case_no: str | None
    applicant_name: str
    id_number: str
    created_at: str
    submitted_at: str | None
    promised_date: date | None


@dataclass(frozen=True)
class Case:
    """Everything about one case."""

    summary: CaseSummary
    bundle_id: str | None
    applicant: dict[str, Any]
    agent: dict[str, Any] | None
    form: dict[str, Any]
    materials: tuple[MaterialCheck, ...]
    attachments: tuple[Attachment, ...]
    timeline: tuple[TimelineEntry, ...]
    delivery: str | None

    def __getattr__(self, name: str) -> Any:
        # case.case_id, case.state ... read through to the summary.
        summary = self.__dict__.get("summary")
        if summary is None:
            raise AttributeError(name)
        return getattr(summary, name)


@dataclass(frozen=True)
class BundleApplication:
    """A 一件事一次办 application: one draft case per item of the bundle."""

    bundle_id: str
    bundle: Bundle
    case_ids: dict[str, str]


def applicant_from_card(card: Any, phone: str | None = None) -> dict[str, Any]:
    """An applicant from an ID card read: ``name``, ``id_number``, ``address`` and the card type
    (``J`` 港澳台居民居住证, ``I``/``Y`` 外国人永久居留身份证, else resident ID)."""
    card_type = getattr(card, "card_type", None)
    id_type = {"J": "hk_mo_tw_residence", "I": "foreign_permanent", "Y": "foreign_permanent"}.get(
        str(card_type or "").upper()[:1], "resident_id"
    )
    return {
        "name": getattr(card, "name", ""),
        "id_type": id_type,
        "id_number": getattr(card, "id_number", ""),
        "phone": phone,
        "address": getattr(card, "address", None) or None,
    }


class CaseService:
    """Create, fill in, submit and follow cases."""

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
    ) -> None:
        self.store = store
        self.vault = vault
        self.outbox = outbox
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
        self.files = SealedFiles(vault, Path(data_dir))
        self.zone = ZoneInfo(timezone)

    # -- drafts ------------------------------------------------------------------------------

    def _now(self) -> str:
        return self.clock.now().astimezone(self.zone).isoformat(timespec="seconds")

    def new_draft(
        self,
        item_code: str,
        applicant: Mapping[str, Any],
        *,
        channel: str = "kiosk",
        agent: AgentRef | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> str:
        """Start a draft case for one item; returns its case id.

        ``applicant``: ``name``, ``id_type``, ``id_number``, ``phone``, ``address`` (see
        :func:`applicant_from_card`); FormInvalid names a wrong field.
        """
        item = self._item(item_code)
        if item.is_bundle:
            raise ItemUnavailable(f"{item_code} is a bundle; use start_bundle")
        with self.store.transaction() as conn:
            return self._insert_draft(conn, item, applicant, channel, agent, form or {}, None, None)

    def _insert_draft(
        self,
        conn: sqlite3.Connection,
        item: Item,
        applicant: Mapping[str, Any],
        channel: str,
        agent: AgentRef | None,
        form: Mapping[str, Any],
        bundle_code: str | None,
        bundle_id: str | None,
    ) -> str:
        if channel not in CHANNELS:
            raise CaseError(f"channel must be one of {', '.join(CHANNELS)}")
        if channel == "agent":
            if agent is None:
                raise AuthorizationMissing("an agent case needs the agent")
            if not item.agent_allowed:
                raise AgentNotAllowed(f"{item.code} {item.name} cannot be applied for by an agent")
        person = validate_applicant(applicant)
        values = validate_form(item.form, form, complete=False)
        agent_body = (
            {"agent_id": agent.agent_id, "name": agent.name, "authorization": None}
            if channel == "agent" and agent
            else None
        )
        case_id = str(uuid.uuid4())
        now = self._now()
        conn.execute(
            "INSERT INTO case_record (case_id, item_code, item_version, item_name, promised_days,"
            " bundle_code, bundle_id, channel, agent, applicant, applicant_key, form, state,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
            (
                case_id,
                item.code,
                item.version,
                item.name,
                item.promised_days,
                bundle_code,
                bundle_id,
                channel,
                self.vault.seal_json(agent_body) if agent_body else None,
                self.vault.seal_json(person),
                self.vault.lookup_key(person["id_number"]),
                self.vault.seal_json(values),
                now,
                now,
            ),
        )
        conn.executemany(
            "INSERT INTO case_material (case_id, material_code, name, originals, copies, required)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(case_id, m.code, m.name, m.originals, m.copies, m.required) for m in item.materials],
        )
        return case_id

    def update_form(self, case_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Merge ``values`` into a draft's form (a blank value clears a field); the new form."""
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            item = self._item(row["item_code"])
            form = self.vault.unseal_json(row["form"])
            form.update(values)
            cleaned = validate_form(item.form, form, complete=False)
            conn.execute(
                "UPDATE case_record SET form = ?, updated_at = ? WHERE case_id = ?",
                (self.vault.seal_json(cleaned), self._now(), case_id),
            )
            return cleaned

    def update_applicant(self, case_id: str, **changes: Any) -> None:
        """Change a draft's applicant details (for example the phone number)."""
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            person = validate_applicant({**self.vault.unseal_json(row["applicant"]), **changes})
            conn.execute(
                "UPDATE case_record SET applicant = ?, applicant_key = ?, updated_at = ?"
                " WHERE case_id = ?",
                (
                    self.vault.seal_json(person),
                    self.vault.lookup_key(person["id_number"]),
                    self._now(),
                    case_id,
                ),
            )

    def check_material(self, case_id: str, material_code: str, checked: bool = True) -> None:
        """Tick (or untick) a material on the checklist: seen by staff, or promised at the counter."""
        with self.store.transaction() as conn:
            self._draft_row(conn, case_id)
            cur = conn.execute(
                "UPDATE case_material SET checked = ? WHERE case_id = ? AND material_code = ?",
                (int(checked), case_id, material_code),
            )
            if not cur.rowcount:
                raise CaseError(f"case {case_id} has no material {material_code!r}")

    def authorize(self, case_id: str, method: str, attachment_id: str | None = None) -> None:
        """Record the applicant's authorization of an agent's case (now).

        ``signature`` needs the attachment holding the signed consent (attached with
        material code ``AUTH``); ``id_card_present`` needs none.
        """
        if method not in AUTHORIZATION_METHODS:
            raise CaseError(
                f"authorization method must be one of {', '.join(AUTHORIZATION_METHODS)}"
            )
        with self.store.transaction() as conn:
            row = self._draft_row(conn, case_id)
            if row["agent"] is None:
                raise CaseError(f"case {case_id} is not an agent's case")
            if method == "signature":
                found = conn.execute(
                    "SELECT 1 FROM case_attachment WHERE attachment_id = ? AND case_id = ?",
                    (attachment_id, case_id),
                ).fetchone()
                if found is None:
                    raise AuthorizationMissing(
                        "a signature needs the consent attachment of this case"
                    )
            agent = self.vault.unseal_json(row["agent"])
            agent["authorization"] = {
                "method": method,
                "signed_at": self._now(),
                "attachment_id": attachment_id if method == "signature" else None,
            }
            conn.execute(
                "UPDATE case_record SET agent = ?, updated_at = ? WHERE case_id = ?",
                (self.vault.seal_json(agent), self._now(), case_id),
            )

    # -- attachments -------------------------------------------------------------------------

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

    # -- submission --------------------------------------------------------------------------

    def submit(self, case_id: str) -> Case:
        """Freeze the draft as its next revision and queue its ``case`` record, atomically.

        Raises FormInvalid (fields), MaterialsMissing, AuthorizationMissing, ItemUnavailable.
        """
        with self.store.transaction() as conn:
            self._submit(conn, case_id)
        return self.case(case_id)

    def _submit(self, conn: sqlite3.Connection, case_id: str) -> None:
        row = self._draft_row(conn, case_id)
        item = self._item(row["item_code"])
        form = validate_form(item.form, self.vault.unseal_json(row["form"]), complete=True)
        applicant = validate_applicant(self.vault.unseal_json(row["applicant"]))
        agent = self.vault.unseal_json(row["agent"]) if row["agent"] else None
        if row["channel"] == "agent":
            if not item.agent_allowed:
                raise AgentNotAllowed(f"{item.code} {item.name} cannot be applied for by an agent")
            if not agent or not agent.get("authorization"):
                raise AuthorizationMissing(
                    f"case {case_id}: the applicant's authorization is missing"
                )
        missing = [m.name for m in self._materials(conn, case_id) if not m.satisfied]
        if missing:
            raise MaterialsMissing(missing)
        attachments = self._attachments(conn, case_id)
        now = self._now()
        revision = row["revision"] + 1
        body = {
            "item_code": item.code,
            "item_version": item.version,
            "bundle_code": row["bundle_code"],
            "channel": row["channel"],
            "applicant": applicant,
            "agent": agent,
            "form": form,
            "attachments": [
                {
                    "id": a.attachment_id,
                    "material_code": a.material_code,
                    "media_type": a.media_type,
                    "size": a.size,
                    "sha256": a.sha256,
                }
                for a in attachments
            ],
            "created_at": row["created_at"],
            "submitted_at": now,
        }
        self.outbox.add("case", case_id, revision, body, now)
        for a in attachments:
            listed = conn.execute(
                "SELECT 1 FROM outbox_attachment WHERE attachment_id = ?", (a.attachment_id,)
            ).fetchone()
            if not listed:
                self.outbox.add_attachment(
                    a.attachment_id, case_id, a.path, a.size, a.sha256, a.media_type
                )
        conn.execute(
            "UPDATE case_record SET state = 'submitted', revision = ?, item_version = ?,"
            " item_name = ?, promised_days = ?, form = ?, submitted_at = ?, updated_at = ?"
            " WHERE case_id = ?",
            (
                revision,
                item.version,
                item.name,
                item.promised_days,
                self.vault.seal_json(form),
                now,
                now,
                case_id,
            ),
        )
        conn.execute(
            "INSERT INTO case_revision (case_id, revision, submitted_at) VALUES (?, ?, ?)",
            (case_id, revision, now),
        )

    def start_revision(self, case_id: str) -> None:
        """Reopen a submitted case as a draft for its next revision (补正, a supplement).

        Allowed only while the platform status is ``received`` or ``needs_correction``.
        """
        with self.store.transaction() as conn:
            row = self._row(conn, case_id)
            if row["state"] == "draft":
                return
            if row["status"] not in OPEN_FOR_REVISION:
                raise NotRevisable(f"case {case_id} is {row['status'] or 'not yet received'}")
            conn.execute(
                "UPDATE case_record SET state = 'draft', updated_at = ? WHERE case_id = ?",
                (self._now(), case_id),
            )

    # -- bundles -----------------------------------------------------------------------------

    def start_bundle(
        self,
        bundle_code: str,
        applicant: Mapping[str, Any],
        *,
        channel: str = "kiosk",
        agent: AgentRef | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> BundleApplication:
        """Start a 一件事一次办 application: one draft per item, created together."""
        try:
            bundle = self.catalogue.bundle(bundle_code)
        except UnknownItem:
            raise ItemUnavailable(f"no catalogue item {bundle_code!r}") from None
        values = validate_form(bundle.form, form or {}, complete=False)
        bundle_id = str(uuid.uuid4())
        with self.store.transaction() as conn:
            case_ids = {
                item.code: self._insert_draft(
                    conn,
                    item,
                    applicant,
                    channel,
                    agent,
                    _fields_of(item, values),
                    bundle_code,
                    bundle_id,
                )
                for item in bundle.items
            }
        return BundleApplication(bundle_id, bundle, case_ids)

    def bundle_application(self, bundle_id: str) -> BundleApplication:
        """The application with this bundle id."""
        rows = self.store.conn.execute(
            "SELECT case_id, item_code, bundle_code FROM case_record WHERE bundle_id = ?",
            (bundle_id,),
        ).fetchall()
        if not rows:
            raise UnknownCase(bundle_id)
        return BundleApplication(
            bundle_id,
            self.catalogue.bundle(rows[0]["bundle_code"]),
            {r["item_code"]: r["case_id"] for r in rows},
        )

    def update_bundle_form(self, bundle_id: str, values: Mapping[str, Any]) -> None:
        """Give values of the merged form once; each case takes the fields its item has."""
        app = self.bundle_application(bundle_id)
        validate_form(app.bundle.form, values, complete=False)
        with self.store.transaction():
            for item in app.bundle.items:
                self.update_form(app.case_ids[item.code], _fields_of(item, values))

    def check_bundle_material(
        self, bundle_id: str, material: MergedMaterial, checked: bool = True
    ) -> None:
        """Tick a merged material on every case that needs it."""
        app = self.bundle_application(bundle_id)
        with self.store.transaction():
            for item_code, code in material.used_by:
                if item_code in app.case_ids:
                    self.check_material(app.case_ids[item_code], code, checked)

    def attach_to_bundle(
        self, bundle_id: str, material: MergedMaterial, data: bytes, media_type: str
    ) -> list[Attachment]:
        """Attach one file for a merged material: each case needing it gets its own copy."""
        check_file(data, media_type)
        app = self.bundle_application(bundle_id)
        targets = [(app.case_ids[i], code) for i, code in material.used_by if i in app.case_ids]
        written = [self.files.write(data) for _ in targets]
        try:
            attachments = []
            with self.store.transaction() as conn:
                for (case_id, code), (attachment_id, rel) in zip(targets, written, strict=True):
                    self._draft_row(conn, case_id)
                    attachments.append(
                        self._insert_attachment(
                            conn, case_id, code, attachment_id, rel, data, media_type
                        )
                    )
            return attachments
        except BaseException:
            for _, rel in written:
                self.files.remove(rel)
            raise

    def submit_bundle(self, bundle_id: str) -> list[Case]:
        """Submit every case of a bundle application in one transaction (all or none)."""
        app = self.bundle_application(bundle_id)
        with self.store.transaction() as conn:
            for item in app.bundle.items:
                self._submit(conn, app.case_ids[item.code])
        return [self.case(app.case_ids[item.code]) for item in app.bundle.items]

    # -- reading -----------------------------------------------------------------------------

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
            promised_date=self.promised_date(row["submitted_at"], row["promised_days"]),
        )

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
        delivery = conn.execute(
            "SELECT state FROM outbox WHERE kind = 'case' AND record_id = ? ORDER BY revision DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        return Case(
            summary=self._summary(row),
            bundle_id=row["bundle_id"],
            applicant=self.vault.unseal_json(row["applicant"]),
            agent=self.vault.unseal_json(row["agent"]) if row["agent"] else None,
            form=self.vault.unseal_json(row["form"]),
            materials=tuple(self._materials(conn, case_id)),
            attachments=tuple(self._attachments(conn, case_id)),
            timeline=tuple(self.timeline(case_id)),
            delivery=delivery[0] if delivery else None,
        )

    def find(self, reference: str) -> Case:
        """The case with this case id or platform case number (from a receipt's QR code)."""
        reference = reference.strip()
        row = self.store.conn.execute(
            "SELECT case_id FROM case_record WHERE case_id = ? OR case_no = ?"
            " UNION SELECT record_id FROM outbox WHERE kind = 'case'"
            " AND json_extract(result, '$.case_no') = ? LIMIT 1",
            (reference, reference, reference),
        ).fetchone()
        if row is None:
            raise UnknownCase(reference)
        return self.case(row[0])

    def timeline(self, case_id: str) -> list[TimelineEntry]:
        """Local submissions and platform statuses of a case, oldest first."""
        return case_status.timeline(self.store.conn, self.vault, case_id)

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


def _fields_of(item: Item, values: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in item.form}
    return {k: v for k, v in values.items() if k in names}


__all__ = [
    "AgentNotAllowed",
    "AgentRef",
    "Attachment",
    "AttachmentRejected",
    "AuthorizationMissing",
    "BundleApplication",
    "Case",
    "CaseError",
    "CaseService",
    "CaseSummary",
    "FormInvalid",
    "ItemUnavailable",
    "MaterialCheck",
    "MaterialsMissing",
    "NotADraft",
    "NotRevisable",
    "TimelineEntry",
    "UnknownCase",
    "applicant_from_card",
    "apply_case_status",
]
