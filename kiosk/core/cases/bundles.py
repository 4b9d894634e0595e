"""一件事一次办 bundles: one draft case per item, created, filled in, ticked, attached to
and submitted together."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from kiosk.core.cases.applicant import Applicant
from kiosk.core.cases.attachments import Attachments
from kiosk.core.cases.delivery import ResultDelivery
from kiosk.core.cases.drafts import Drafts
from kiosk.core.cases.errors import ItemUnavailable, UnknownCase
from kiosk.core.cases.files import check_file
from kiosk.core.cases.model import AgentRef, Attachment, BundleApplication, Case
from kiosk.core.cases.submission import Submission
from kiosk.core.catalogue import Item, MergedMaterial, UnknownItem
from kiosk.core.forms import validate_form


class Bundles(Drafts, Attachments, Submission):
    """Bundle applications, built on drafts, attachments and submission."""

    def start_bundle(
        self,
        bundle_code: str,
        applicant: Applicant | Mapping[str, Any],
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

    def set_bundle_result_delivery(
        self, bundle_id: str, delivery: ResultDelivery
    ) -> ResultDelivery:
        """One choice of 窗口自取 or 邮寄送达 for every case of a bundle (post only when every
        item allows it); the cleaned choice."""
        app = self.bundle_application(bundle_id)
        with self.store.transaction() as conn:
            for item in app.bundle.items:
                cleaned = self._set_result_delivery(conn, app.case_ids[item.code], delivery)
        return cleaned

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


def _fields_of(item: Item, values: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in item.form}
    return {k: v for k, v in values.items() if k in names}
