"""我要办, the form: one field a page, each value checked and kept in the draft."""

from __future__ import annotations

from typing import Any

from kiosk.core.flows.application_draft import ApplicantSource, ApplicationDraft
from kiosk.core.flows.application_steps import FieldStep
from kiosk.core.flows.base import FieldErrors, FlowServices, Result, Step, uses_services
from kiosk.core.flows.delivery import METHOD, is_delivery
from kiosk.core.forms import (
    FormInvalid,
    is_applicant_address,
    keyed_entry,
    keyed_short,
    required_missing,
    validate_form,
)
from kiosk.core.regions import Region


class FormPages(ApplicationDraft):
    """The form's pages: a field at a time, 下一步 and 上一步 (a part of the flow)."""

    def _first_step(self, services: FlowServices) -> Step:
        return self._field_step(0) if self.fields else self._after_form(services)

    def _after_form(self, services: FlowServices) -> Step:
        """After the form: how the result comes (where it may be posted), else the materials."""
        return self._delivery_step(METHOD) if self.delivery_offered else self._materials(services)

    def _field_step(self, index: int, backwards: bool = False) -> FieldStep:
        assert self.item is not None
        f = self.fields[index]
        value = self.values.get(f.name)
        at_counter = self.messages.get("form.at_counter")
        options: tuple[str, ...] = ()
        places: tuple[Region, ...] = ()
        if f.type == "choice":
            options = f.options
        elif is_applicant_address(f):
            # The applicant's own address: the card's address is offered, never chosen.
            on_card = (self.applicant.address,) if self.applicant and self.applicant.address else ()
            options = (*on_card, at_counter)
        elif f.type == "address":
            places = self._places(f.name)
        return FieldStep(
            item_name=self.item.name,
            field=f,
            index=index,
            total=len(self.fields),
            value="" if value is None else str(value),
            options=options,
            entry=keyed_entry(f),
            at_counter=at_counter if f.type == "text" else "",
            today=self.clock.now().astimezone(self.zone).date(),
            places=places,
            place_path=self.place_paths.get(f.name, ()),
            backwards=backwards,
            **self._page(field=index),
        )

    def _value_wrong(self, name: str, value: Any) -> Result | None:
        if is_delivery(name):
            problem = self.delivery.wrong(name, value)
            return FieldErrors((problem,)) if problem else None
        f = self.fields[self._index(name)]
        missing = required_missing(f, value) or keyed_short(f, value)
        if missing:
            return FieldErrors((missing,))
        try:
            validate_form(self.fields, {name: value}, complete=False)
        except FormInvalid as exc:
            return FieldErrors.of(exc)
        return None

    @uses_services(_value_wrong)
    def enter(self, services: FlowServices, name: str, value: Any) -> Result:
        """下一步 on field ``name``: its value is checked and kept in the draft; then the next
        field, or how the result comes (or the materials) after the last."""
        if is_delivery(name):
            return self._delivery_answer(services, name, value)
        try:
            cleaned = validate_form(self.fields, {**self.values, name: value}, complete=False)
            if self.bundle_id:
                services.cases.update_bundle_form(self.bundle_id, {name: value})
            else:
                (case_id,) = self.case_ids.values()
                services.cases.update_form(case_id, {name: value})
        except FormInvalid as exc:
            return FieldErrors.of(exc)
        self.values = cleaned
        following = self._index(name) + 1
        if following < len(self.fields):
            return self._field_step(following)
        return self._after_form(services)

    def previous(self, name: str) -> Step:
        """上一步 on field ``name``: the field before it, or who applies before the first."""
        if is_delivery(name):
            before = self.delivery.before(name)
            if before is not None:
                return self._delivery_step(before, backwards=True)
            index = len(self.fields)  # the form's last field comes before
        else:
            index = self._index(name)
        if index > 0:
            return self._field_step(index - 1, backwards=True)
        if self.source is ApplicantSource.CHOSEN:
            return self._applicant_step(backwards=True)
        return self._confirm_step(backwards=True)
