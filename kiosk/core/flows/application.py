"""我要办: an item or a bundle, the applicant, a draft, the form one field at a time, how the
result comes (窗口自取 or 邮寄送达, where the item allows it: ``delivery``), the materials,
(for an agent) the applicant's authorization, review, submit, the receipt.

The flow holds the draft's case id (one a bundle item) and talks only to core services.
It is parameterised by the channel (the kiosk, or a proxy agent's tablet) and by where the
applicant comes from: the person at the screen (their ID card or keyed number, confirmed
是我本人) or a person chosen by the front-end (an agent's villager, no confirmation).
Every step method names what it acts on (the field, the materials ticked), so a
front-end's 返回 between screens never leaves the flow somewhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from devices.idcard.card import IdCard
from kiosk.config import Config
from kiosk.core.cases import (
    AgentRef,
    Applicant,
    Case,
    MaterialCheck,
    ResultDelivery,
    applicant_from_card,
    keyed_applicant,
)
from kiosk.core.catalogue import Bundle, FormField, Item
from kiosk.core.flows.application_steps import (
    AuthorizationStep,
    CardStep,
    ChooseApplicantStep,
    ConfirmStep,
    FieldStep,
    MaterialsStep,
    ReceiptStep,
    ReviewLine,
    ReviewStep,
    receipt_for,
)
from kiosk.core.flows.base import (
    Channel,
    FieldErrors,
    FlowServices,
    IdEntryStep,
    Result,
    Step,
    uses_services,
)
from kiosk.core.flows.delivery import (
    METHOD,
    PLACE,
    DeliveryQuestions,
    is_delivery,
    review_text,
)
from kiosk.core.forms import (
    FormInvalid,
    check_keyed_id_number,
    is_applicant_address,
    keyed_entry,
    keyed_short,
    required_missing,
    validate_form,
)
from kiosk.core.messages import Messages
from kiosk.core.regions import Region, RegionTable, place_name
from kiosk.core.wording import UNCHECKED_NAME, name_checked
from offline_sync.clock import Clock

# Pages a person sees before the form (the card or the keyed number; 是我本人) and after it
# (the materials; the review): the step count counts them all.
PAGES_BEFORE_FORM = 2


class ApplicantSource(StrEnum):
    """Where the applicant comes from."""

    PERSON = "person"  # the person at the screen: their card or keyed number, then 是我本人
    CHOSEN = "chosen"  # chosen by the front-end (an agent's villager): no confirmation


class ApplicationFlow:
    """One application (for one item, or every item of a bundle) by one applicant."""

    def __init__(
        self,
        config: Config,
        messages: Messages,
        clock: Clock,
        *,
        channel: Channel = Channel.KIOSK,
        source: ApplicantSource = ApplicantSource.PERSON,
        agent: AgentRef | None = None,
        regions: RegionTable | None = None,
    ) -> None:
        if (channel is Channel.AGENT) != (agent is not None):
            raise ValueError("an agent's application names its agent; a kiosk's names none")
        self.config = config
        self.messages = messages
        self.clock = clock
        self.zone = ZoneInfo(config.site.timezone)
        self.channel = channel
        self.source = source
        self.agent = agent
        self._regions = regions
        self._start(None)

    @property
    def regions(self) -> RegionTable:
        """The places a place field is picked from (loaded on first use)."""
        if self._regions is None:
            self._regions = RegionTable.load()
        return self._regions

    def _start(self, item: Item | None) -> None:
        self.item = item
        self.applicant: Applicant | None = None
        self.keyed = False
        self._reset_draft()

    def _reset_draft(self) -> None:
        self.case_ids: dict[str, str] = {}  # item code -> case id of the draft
        self.bundle: Bundle | None = None
        self.bundle_id: str | None = None
        self.fields: tuple[FormField, ...] = ()
        self.values: dict[str, Any] = {}
        self.place_paths: dict[str, tuple[Region, ...]] = {}  # a place field's taps so far
        # A tablet's keyboard types what is below the county; a kiosk keys 组 and 号.
        self.delivery = DeliveryQuestions(self.messages, self.channel is Channel.AGENT)
        self.delivery_offered = False  # the item's result may be posted: the choice is asked
        self.delivery_choice: ResultDelivery | None = None  # as stored with the draft
        self.drafted_for: Applicant | None = None
        self.authorized = False
        self.submitted: ReceiptStep | None = None

    @property
    def personal(self) -> bool:
        """True once an item or an applicant is chosen (both wiped with the flow)."""
        return self.item is not None or self.applicant is not None

    @property
    def item_code(self) -> str | None:
        """The item (or bundle) applied for."""
        return self.item.code if self.item else None

    # -- the item and the applicant ----------------------------------------------------------

    def choose_item(self, item: Item) -> Step:
        """Apply for ``item`` (a bundle: all its items): who applies, next."""
        self._start(item)
        return self._applicant_step()

    @uses_services()
    def choose_item_code(self, services: FlowServices, code: str) -> Result:
        """Apply for the catalogue item ``code``."""
        return self.choose_item(services.catalogue.item(code))

    @property
    def pages(self) -> int:
        """Every page of the application a person sees: who applies (2 pages at the kiosk:
        the card, 是我本人; 1 for an agent), each field, the materials, (an agent's case)
        the authorization, the review; 0 before an item is chosen."""
        if self.item is None:
            return 0
        before = PAGES_BEFORE_FORM if self.source is ApplicantSource.PERSON else 1
        return before + self._form_pages() + 2 + (self.channel is Channel.AGENT)

    def _form_pages(self) -> int:
        """The form's pages and (where the result may be posted) the delivery pages."""
        if not self.case_ids:
            assert self.item is not None
            return len(self.item.form) + self.item.postal_delivery
        return len(self.fields) + (len(self.delivery.names()) if self.delivery_offered else 0)

    def _page(self, after_form: int = 0, field: int | None = None) -> dict[str, int]:
        """``page`` and ``pages`` of a step: a field's page, or the ``after_form``-th page
        after the form (1: materials...)."""
        before = PAGES_BEFORE_FORM if self.source is ApplicantSource.PERSON else 1
        page = before + (field + 1 if field is not None else self._form_pages() + after_form)
        return {"page": page, "pages": self.pages}

    def _applicant_step(self, backwards: bool = False) -> Step:
        assert self.item is not None, "choose the item first"
        pages = {"page": 1, "pages": self.pages}
        if self.source is ApplicantSource.CHOSEN:
            return ChooseApplicantStep(
                item_code=self.item.code, item_name=self.item.name, backwards=backwards, **pages
            )
        return CardStep(
            item_code=self.item.code, item_name=self.item.name, backwards=backwards, **pages
        )

    def card_read(self, card: IdCard) -> ConfirmStep:
        """An ID card was read: is this you?"""
        self.applicant, self.keyed = applicant_from_card(card), False
        return self._confirm_step()

    def key_in(self) -> IdEntryStep:
        """No card can be read: key the ID number instead."""
        return IdEntryStep(purpose="application", page=1, pages=self.pages)

    def keyed_id_number(self, text: str) -> Result:
        """A keyed ID number, checked (还差 N 位, the check character): is this you?"""
        error = check_keyed_id_number(text)
        if error:
            return FieldErrors((error,))
        self.applicant, self.keyed = keyed_applicant(text), True
        return self._confirm_step()

    def _confirm_step(self, backwards: bool = False) -> ConfirmStep:
        assert self.applicant is not None
        return ConfirmStep(
            name=self.applicant.name,
            id_number=self.applicant.id_number,
            from_card=self.applicant.from_card,
            backwards=backwards,
            page=2,
            pages=self.pages,
        )

    def _unverified_name(self) -> str:
        return self.messages.get(UNCHECKED_NAME)

    def _shown_name(self, stored: str) -> str:
        """The stored name, or nothing for the stand-in of a number keyed without a card."""
        return stored if name_checked(stored, self.messages) else ""

    def not_me(self) -> Step:
        """不是我: forget the applicant; the card (or the pad) again."""
        self.applicant = None
        if self.keyed:
            return IdEntryStep(purpose="application", backwards=True, page=1, pages=self.pages)
        return self._applicant_step(backwards=True)

    @uses_services()
    def confirm(self, services: FlowServices) -> Result:
        """是我本人: the draft is made (once for this applicant); its first field next."""
        return self._draft(services)

    @uses_services()
    def choose_applicant(self, services: FlowServices, applicant: Applicant) -> Result:
        """The applicant chosen by the front-end (an agent's villager): the draft is made."""
        self.applicant, self.keyed = applicant, False
        return self._draft(services)

    def _draft(self, services: FlowServices) -> Result:
        item, applicant = self.item, self.applicant
        if item is None or applicant is None:
            raise ValueError("an application needs its item and its applicant first")
        if self.case_ids and self.drafted_for == applicant:
            return self._first_step(services)  # back at 是我本人: the same draft
        self._reset_draft()
        record = applicant.record(self._unverified_name())
        channel = {"channel": str(self.channel), "agent": self.agent}
        if item.is_bundle:
            started = services.cases.start_bundle(item.code, record, **channel)
            self.bundle, self.bundle_id = started.bundle, started.bundle_id
            self.case_ids = {i.code: started.case_ids[i.code] for i in started.bundle.items}
            self.fields = started.bundle.form
        else:
            self.case_ids = {item.code: services.cases.new_draft(item.code, record, **channel)}
            self.fields = item.form
        self.drafted_for = applicant
        self._offer_delivery()
        return self._first_step(services)

    def _offer_delivery(self) -> None:
        """Whether the result may be posted (a bundle: every item's may), and the card's
        address to offer for it."""
        assert self.item is not None and self.applicant is not None
        items = self.bundle.items if self.bundle else ()
        self.delivery_offered = self.item.postal_delivery and all(i.postal_delivery for i in items)
        self.delivery.card_address = self.applicant.address if self.applicant.from_card else ""

    @uses_services()
    def resume(self, services: FlowServices, case_id: str) -> Result:
        """Take up a stored draft again: an agent's draft left half-done (offered back, never
        resumed unasked), or the next revision of a case being corrected (补正). The first
        required field without a value next, else the materials."""
        case = services.cases.case(case_id)
        if case.state != "draft" or case.bundle_id:
            raise ValueError(f"case {case_id} is no single-item draft")
        self._start(services.catalogue.item(case.summary.item_code))
        person = case.applicant
        self.applicant = Applicant(
            id_number=person["id_number"],
            name=person.get("name") or "",
            address=person.get("address") or "",
            id_type=person.get("id_type") or "resident_id",
            phone=person.get("phone"),
        )
        self.drafted_for = self.applicant
        self.case_ids = {case.summary.item_code: case_id}
        assert self.item is not None
        self.fields = self.item.form
        self.values = dict(case.form)
        self.authorized = bool((case.agent or {}).get("authorization"))
        self._offer_delivery()
        self.delivery_choice = case.result_delivery
        if self.delivery_choice is not None:
            path = self.regions.path_to(self.delivery_choice.region_code)
            self.place_paths[PLACE] = path
            self.delivery.restore(self.delivery_choice, path)
        for index, f in enumerate(self.fields):
            if f.required and self.values.get(f.name) in (None, ""):
                return self._field_step(index)
        return (
            self._after_form(services)
            if self.delivery_choice is None
            else self._materials(services)
        )

    # -- the form ----------------------------------------------------------------------------

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

    def _places(self, name: str) -> tuple[Region, ...]:
        """The buttons of a place field: the provinces, or the children of the last tap (the
        same level again once the place is chosen, to change it); the site's own city and
        county first."""
        path = self.place_paths.get(name, ())
        home = self.config.site.code
        if not path:
            return self.regions.provinces()
        if self._complete(path):
            return self.regions.children(path[-2], home) if len(path) > 1 else ()
        return self.regions.children(path[-1], home)

    def _complete(self, path: tuple[Region, ...]) -> bool:
        """True once a county is tapped, or a city that has no counties (东莞市)."""
        last = path[-1]
        return last.level == "county" or (last.level == "city" and not self.regions.children(last))

    def pick_place(self, name: str, region: Region) -> FieldStep:
        """A province, city or county was tapped on the place field ``name``: the next level,
        or (a county, a city without counties) the place chosen, shown as 四川省绵阳市三台县."""
        if is_delivery(name):
            path = self._tap_place(name, region)
            self.delivery.picked(path if self._complete(path) else ())
            return self._delivery_step(name)
        index = self._index(name)
        path = self._tap_place(name, region)
        if self._complete(path):
            self.values[name] = place_name(path)
        else:
            self.values.pop(name, None)
        return self._field_step(index)

    def _tap_place(self, name: str, region: Region) -> tuple[Region, ...]:
        """The taps of place ``name`` once ``region`` is tapped (kept for the page)."""
        path = self.place_paths.get(name, ())
        if path and path[-1].level == region.level:
            path = path[:-1]  # another county (or city) of the same parent
        path = (*path, region)
        cities = self.regions.children(region) if region.level == "province" else ()
        if len(cities) == 1:  # a municipality (重庆市): its districts straight away
            path = (*path, cities[0])
        self.place_paths[name] = path
        return path

    def place_again(self, name: str) -> FieldStep:
        """重新选择: the place field ``name`` from the provinces again."""
        if is_delivery(name):
            self.place_paths.pop(name, None)
            self.delivery.picked(())
            return self._delivery_step(name)
        self.place_paths.pop(name, None)
        self.values.pop(name, None)
        return self._field_step(self._index(name))

    def _index(self, name: str) -> int:
        for index, f in enumerate(self.fields):
            if f.name == name:
                return index
        raise KeyError(f"the form has no field {name!r}")

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

    # -- how the result comes (邮寄送达) ---------------------------------------------------------

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

    def _form_filled(self) -> Result | None:
        if self.fields:
            return self._field_step(0)
        return self._delivery_step(METHOD) if self.delivery_offered else None

    @uses_services(_form_filled)
    def edit(self, services: FlowServices) -> Result:
        """修改 on the review: the form again from its first field (the materials when the
        item has no form)."""
        return self._materials(services)

    # -- materials, authorization, review, submit ----------------------------------------------

    def _cases(self, services: FlowServices) -> list[Case]:
        return [services.cases.case(case_id) for case_id in self.case_ids.values()]

    def _materials(self, services: FlowServices) -> MaterialsStep:
        assert self.item is not None
        return MaterialsStep(
            item_name=self.item.name,
            materials=self._checklist(self._cases(services)),
            **self._page(after_form=1),
        )

    def _checklist(self, cases: list[Case]) -> tuple[MaterialCheck, ...]:
        """The drafts' checklist: a bundle's merged materials are lines ``0``, ``1``...,
        ticked when every case needing them has them ticked."""
        if self.bundle is None:
            return cases[0].materials
        lines = {
            (code, m.code): m
            for code, case in zip(self.case_ids, cases, strict=True)
            for m in case.materials
        }
        merged = []
        for i, m in enumerate(self.bundle.materials):
            uses = [lines[use] for use in m.used_by if use in lines]
            checked = all(line.checked for line in uses)
            attached = min((line.attachments for line in uses), default=0)
            merged.append(
                MaterialCheck(str(i), m.name, m.originals, m.copies, m.required, checked, attached)
            )
        return tuple(merged)

    @uses_services()
    def materials_done(self, services: FlowServices, ticked: Collection[str]) -> Result:
        """下一步 on the checklist: ``ticked`` (the codes of the lines ticked) is stored;
        then the authorization (an agent's case) or the review."""
        if self.bundle is None:
            (case_id,) = self.case_ids.values()
            for m in services.cases.case(case_id).materials:
                services.cases.check_material(case_id, m.code, m.code in ticked)
        else:
            assert self.bundle_id is not None
            for i, m in enumerate(self.bundle.materials):
                services.cases.check_bundle_material(self.bundle_id, m, str(i) in ticked)
        if self.channel is Channel.KIOSK:
            # At the kiosk nothing can be attached: a required paper not brought stops here,
            # on the page where it can be ticked, not at 确认提交.
            step = self._materials(services)
            missing = tuple(m.name for m in step.materials if not m.satisfied)
            if missing:
                return dataclasses.replace(step, missing=missing)
        if self.channel is Channel.AGENT and not self.authorized:
            assert self.item is not None
            return AuthorizationStep(item_name=self.item.name, **self._page(after_form=2))
        return self._review(services)

    @uses_services()
    def authorize(
        self, services: FlowServices, method: str, attachment_id: str | None = None
    ) -> Result:
        """The applicant authorised the agent (``signature``, with the consent attachment,
        or ``id_card_present``): the review next."""
        for case_id in self.case_ids.values():
            services.cases.authorize(case_id, method, attachment_id)
        self.authorized = True
        return self._review(services)

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
