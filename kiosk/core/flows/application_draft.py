"""The state an application holds while it is made (shared by the parts of
:class:`~kiosk.core.flows.application.ApplicationFlow`), and the numbering of its pages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.core.cases import AgentRef, Applicant, Case, ResultDelivery
from kiosk.core.catalogue import Bundle, FormField, Item
from kiosk.core.flows.application_steps import ReceiptStep
from kiosk.core.flows.base import Channel, FlowServices
from kiosk.core.flows.delivery import DeliveryQuestions
from kiosk.core.messages import Messages
from kiosk.core.regions import Region, RegionTable
from offline_sync.clock import Clock

# Pages a person sees before the form (the card or the keyed number; 是我本人) and after it
# (the materials; the review): the step count counts them all.
PAGES_BEFORE_FORM = 2


class ApplicantSource(StrEnum):
    """Where the applicant comes from."""

    PERSON = "person"  # the person at the screen: their card or keyed number, then 是我本人
    CHOSEN = "chosen"  # chosen by the front-end (an agent's villager): no confirmation


class ApplicationDraft:
    """What an application holds while it is made, and how its pages are numbered.

    :class:`~kiosk.core.flows.application.ApplicationFlow` is made of one part per job (the
    applicant and the draft, the form, place fields, the delivery pages, the materials, the
    review and submit), each a mixin on this state; a part may give the step of another.
    """

    config: Config
    messages: Messages
    clock: Clock
    zone: ZoneInfo
    channel: Channel
    source: ApplicantSource
    agent: AgentRef | None
    item: Item | None
    applicant: Applicant | None
    keyed: bool  # the applicant's number was keyed, not read from a card
    case_ids: dict[str, str]  # item code -> case id of the draft
    bundle: Bundle | None
    bundle_id: str | None
    fields: tuple[FormField, ...]
    values: dict[str, Any]
    place_paths: dict[str, tuple[Region, ...]]  # a place field's taps so far
    delivery: DeliveryQuestions
    delivery_offered: bool  # the item's result may be posted: the choice is asked
    delivery_choice: ResultDelivery | None  # as stored with the draft
    drafted_for: Applicant | None
    authorized: bool
    submitted: ReceiptStep | None
    _regions: RegionTable | None

    @property
    def regions(self) -> RegionTable:
        """The places a place field is picked from (loaded on first use)."""
        if self._regions is None:
            self._regions = RegionTable.load()
        return self._regions

    @property
    def personal(self) -> bool:
        """True once an item or an applicant is chosen (both wiped with the flow)."""
        return self.item is not None or self.applicant is not None

    @property
    def item_code(self) -> str | None:
        """The item (or bundle) applied for."""
        return self.item.code if self.item else None

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

    def _index(self, name: str) -> int:
        for index, f in enumerate(self.fields):
            if f.name == name:
                return index
        raise KeyError(f"the form has no field {name!r}")

    def _cases(self, services: FlowServices) -> list[Case]:
        return [services.cases.case(case_id) for case_id in self.case_ids.values()]
