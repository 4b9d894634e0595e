"""我要办, how the result comes (窗口自取 or 邮寄送达): the delivery pages after the form, and
the choice stored with the draft (the questions' words: :mod:`.delivery`).
"""

from __future__ import annotations

from typing import Any

from kiosk.core.cases import ResultDelivery
from kiosk.core.flows.application_draft import ApplicationDraft
from kiosk.core.flows.application_steps import FieldStep
from kiosk.core.flows.base import FieldErrors, FlowServices, Result
from kiosk.core.flows.delivery import PLACE
from kiosk.core.forms import FormInvalid


class DeliveryPages(ApplicationDraft):
    """The delivery pages (a part of the flow)."""

    def _delivery_step(self, name: str, backwards: bool = False) -> FieldStep:
        assert self.item is not None
        pages = self.delivery.names()
        index = pages.index(name)
        phone = self.values.get("phone") or (self.applicant.phone if self.applicant else "")
        return FieldStep(
            item_name=self.item.name,
            field=self.delivery.form_field(name),
            index=index,
            total=len(pages),
            value=self.delivery.value(name, phone or ""),
            options=self.delivery.options(name),
            entry=self.delivery.entry(name),
            at_counter="",
            today=self.clock.now().astimezone(self.zone).date(),
            places=self._places(name) if name == PLACE else (),
            place_path=self.place_paths.get(name, ()),
            backwards=backwards,
            **self._page(field=len(self.fields) + index),
        )

    def _delivery_answer(self, services: FlowServices, name: str, value: Any) -> Result:
        self.delivery.answer(name, value)
        following = self.delivery.following(name)
        if following is not None:
            return self._delivery_step(following)
        return self._store_delivery(services, self.delivery.choice())

    def _store_delivery(self, services: FlowServices, delivery: ResultDelivery) -> Result:
        try:
            if self.bundle_id:
                stored = services.cases.set_bundle_result_delivery(self.bundle_id, delivery)
            else:
                (case_id,) = self.case_ids.values()
                stored = services.cases.set_result_delivery(case_id, delivery)
        except FormInvalid as exc:
            return FieldErrors.of(exc)
        self.delivery_choice = stored
        return self._materials(services)
