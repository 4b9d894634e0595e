"""我要办, the end: the review (修改 goes back to the form), 确认提交, the receipts and
重新打印.
"""

from __future__ import annotations

from kiosk.core.flows.application_draft import ApplicationDraft
from kiosk.core.flows.application_steps import ReceiptStep, ReviewLine, ReviewStep, receipt_for
from kiosk.core.flows.base import Channel, FlowServices, Result, uses_services
from kiosk.core.flows.delivery import METHOD, review_text
from kiosk.core.wording import name_checked


class ReviewPages(ApplicationDraft):
    """The review, submit and reprint (a part of the flow)."""

    def _form_filled(self) -> Result | None:
        if self.fields:
            return self._field_step(0)
        return self._delivery_step(METHOD) if self.delivery_offered else None

    @uses_services(_form_filled)
    def edit(self, services: FlowServices) -> Result:
        """修改 on the review: the form again from its first field (the materials when the
        item has no form)."""
        return self._materials(services)

    def _review(self, services: FlowServices) -> ReviewStep:
        assert self.item is not None
        cases = self._cases(services)
        stored = {name: value for case in cases for name, value in case.form.items()}
        lines = tuple(ReviewLine(f.label, str(stored.get(f.name, "")), f.type) for f in self.fields)
        if self.delivery_offered and cases[0].result_delivery is not None:
            said = review_text(cases[0].result_delivery, self.messages)
            lines += (ReviewLine(self.messages.get("delivery.review"), said, "delivery"),)
        ticked = tuple(m.name for m in self._checklist(cases) if m.checked)
        first = cases[0]
        return ReviewStep(
            item_name=self.item.name,
            applicant_name=self._shown_name(first.applicant.get("name", "")),
            id_number=first.summary.id_number,
            lines=lines,
            materials=ticked,
            **self._page(after_form=2 + (self.channel is Channel.AGENT)),
        )

    def _shown_name(self, stored: str) -> str:
        """The stored name, or nothing for the stand-in of a number keyed without a card."""
        return stored if name_checked(stored, self.messages) else ""

    @uses_services()
    def submit(self, services: FlowServices) -> Result:
        """确认提交: every draft is submitted (a bundle's together); each receipt is built from
        the stored case and printed."""
        if self.bundle_id:
            cases = services.cases.submit_bundle(self.bundle_id)
        else:
            (case_id,) = self.case_ids.values()
            cases = [services.cases.submit(case_id)]
        receipts = tuple(
            receipt_for(
                case, services.config, services.catalogue.item(case.item_code).theme, self.messages
            )
            for case in cases
        )
        # An agent's tablet has no receipt printer: their receipt is the case on their lists.
        printing = self.channel is Channel.KIOSK
        prints = tuple(services.printer.receipt(r) for r in receipts) if printing else ()
        self.submitted = ReceiptStep(receipts=receipts, prints=prints)
        return self.submitted

    @uses_services()
    def reprint(self, services: FlowServices) -> Result:
        """重新打印: the receipts' paper again (never a second submission)."""
        if self.submitted is None:
            raise ValueError("nothing was submitted in this visit")
        prints = tuple(services.printer.reprint(p.job_id) for p in self.submitted.prints)
        self.submitted = ReceiptStep(receipts=self.submitted.receipts, prints=prints)
        return self.submitted
