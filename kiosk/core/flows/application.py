"""我要办: an item or a bundle, the applicant, a draft, the form one field at a time, how the
result comes (窗口自取 or 邮寄送达, where the item allows it: ``delivery``), the materials,
(for an agent) the applicant's authorization, review, submit, the receipt.

The flow holds the draft's case id (one a bundle item) and talks only to core services.
It is parameterised by the channel (the kiosk, or a proxy agent's tablet) and by where the
applicant comes from: the person at the screen (their ID card or keyed number, confirmed
是我本人) or a person chosen by the front-end (an agent's villager, no confirmation).
Every step method names what it acts on (the field, the materials ticked), so a
front-end's 返回 between screens never leaves the flow somewhere else.

This module holds the flow, its applicant and its draft; the other steps are its parts'
(:class:`~kiosk.core.flows.application_draft.ApplicationDraft` says which).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from devices.idcard.card import IdCard
from kiosk.config import Config
from kiosk.core.cases import (
    AgentRef,
    Applicant,
    applicant_from_card,
    keyed_applicant,
)
from kiosk.core.catalogue import Item
from kiosk.core.flows.application_delivery import DeliveryPages
from kiosk.core.flows.application_draft import ApplicantSource
from kiosk.core.flows.application_form import FormPages
from kiosk.core.flows.application_materials import MaterialsPages
from kiosk.core.flows.application_places import PlacePages
from kiosk.core.flows.application_review import ReviewPages
from kiosk.core.flows.application_steps import (
    CardStep,
    ChooseApplicantStep,
    ConfirmStep,
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
from kiosk.core.flows.delivery import PLACE, DeliveryQuestions
from kiosk.core.forms import check_keyed_id_number
from kiosk.core.messages import Messages
from kiosk.core.regions import RegionTable
from kiosk.core.wording import UNCHECKED_NAME
from offline_sync.clock import Clock


class ApplicationFlow(FormPages, PlacePages, DeliveryPages, MaterialsPages, ReviewPages):
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

    def _start(self, item: Item | None) -> None:
        self.item = item
        self.applicant = None
        self.keyed = False
        self._reset_draft()

    def _reset_draft(self) -> None:
        self.case_ids = {}
        self.bundle = None
        self.bundle_id = None
        self.fields = ()
        self.values = {}
        self.place_paths = {}
        # A tablet's keyboard types what is below the county; a kiosk keys 组 and 号.
        self.delivery = DeliveryQuestions(self.messages, self.channel is Channel.AGENT)
        self.delivery_offered = False
        self.delivery_choice = None
        self.drafted_for = None
        self.authorized = False
        self.submitted = None

    def choose_item(self, item: Item) -> Step:
        """Apply for ``item`` (a bundle: all its items): who applies, next."""
        self._start(item)
        return self._applicant_step()

    @uses_services()
    def choose_item_code(self, services: FlowServices, code: str) -> Result:
        """Apply for the catalogue item ``code``."""
        return self.choose_item(services.catalogue.item(code))

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
