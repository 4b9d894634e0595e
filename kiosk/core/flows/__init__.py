"""The application's multi-step flows, one module each, shared by every front-end.

A front-end (the kiosk's screens, the agent's tablet, a hall page, a plain test) makes a
flow, forwards each tap to one of its step methods and shows the :class:`Step` that comes
back, or the :class:`FieldErrors` to fix; see ``docs/architecture.md``. Methods marked
:func:`uses_services` take the core services first and run where those live.

- ``application``: 我要办 (item or bundle, applicant, form, materials, review, receipt), made
  of one part a job: ``application_draft`` (its state, page numbers), ``application_form``,
  ``application_places``, ``application_delivery``, ``application_materials``,
  ``application_review``; its steps in ``application_steps``
- ``take_number``: 取号 (service, priority or appointment, ticket)
- ``progress``: 进度查询 (card, keyed ID number, the receipt's reference or QR, cases)
- ``rating``: 好差评 (target, level, reasons)
- ``unsolved``: 办不成事 (kind, phone, reference)
- ``guide``: 办事指南 (themes, search, items, an item's page)
"""

from __future__ import annotations

from kiosk.config import Config
from kiosk.core.cases import AgentRef
from kiosk.core.flows.application import ApplicationFlow
from kiosk.core.flows.application_draft import ApplicantSource
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
    Finished,
    FlowServices,
    IdEntryStep,
    Result,
    Step,
    needs_services,
    quick_answer,
    uses_services,
)
from kiosk.core.flows.guide import (
    EventTile,
    GuideFlow,
    ItemsStep,
    ItemStep,
    SearchStep,
    ThemesStep,
)
from kiosk.core.flows.progress import CaseProgress, CasesStep, ProgressFlow, case_id_from_scan
from kiosk.core.flows.rating import RatingFlow, RatingStep, RatingTarget
from kiosk.core.flows.take_number import (
    PriorityStep,
    TakeNumberFlow,
    TicketStep,
    appointment_code,
)
from kiosk.core.flows.unsolved import UnsolvedFlow, UnsolvedStep
from kiosk.core.messages import Messages
from kiosk.core.regions import RegionTable
from offline_sync.clock import Clock


class Flows:
    """Makes flows for one front-end: its site configuration, its messages, its clock."""

    def __init__(self, config: Config, messages: Messages, clock: Clock) -> None:
        self.config = config
        self.messages = messages
        self.clock = clock
        self._regions: RegionTable | None = None

    @property
    def regions(self) -> RegionTable:
        """The region table place fields are picked from (read once, on first use)."""
        if self._regions is None:
            self._regions = RegionTable.load()
        return self._regions

    def application(
        self,
        channel: Channel = Channel.KIOSK,
        source: ApplicantSource = ApplicantSource.PERSON,
        agent: AgentRef | None = None,
    ) -> ApplicationFlow:
        """我要办, at the kiosk by default (an agent's: ``Channel.AGENT``, ``CHOSEN``, the agent)."""
        return ApplicationFlow(
            self.config,
            self.messages,
            self.clock,
            channel=channel,
            source=source,
            agent=agent,
            regions=self.regions,
        )

    def take_number(self) -> TakeNumberFlow:
        """取号."""
        return TakeNumberFlow()

    def guide(self) -> GuideFlow:
        """办事指南."""
        return GuideFlow(self.messages)

    def progress(self) -> ProgressFlow:
        """进度查询."""
        return ProgressFlow()

    def rating(self, target: RatingTarget | None = None) -> RatingFlow:
        """好差评 of ``target`` (None: of a ticket whose number is typed in)."""
        return RatingFlow(target)

    def unsolved(self, item_code: str | None = None) -> UnsolvedFlow:
        """办不成事, about ``item_code`` when one was being applied for."""
        return UnsolvedFlow(self.messages, item_code)


__all__ = [
    "ApplicantSource",
    "ApplicationFlow",
    "AuthorizationStep",
    "CardStep",
    "CaseProgress",
    "CasesStep",
    "Channel",
    "ChooseApplicantStep",
    "ConfirmStep",
    "EventTile",
    "FieldErrors",
    "FieldStep",
    "Finished",
    "FlowServices",
    "Flows",
    "GuideFlow",
    "IdEntryStep",
    "ItemStep",
    "ItemsStep",
    "MaterialsStep",
    "PriorityStep",
    "ProgressFlow",
    "RatingFlow",
    "RatingStep",
    "RatingTarget",
    "ReceiptStep",
    "Result",
    "ReviewLine",
    "ReviewStep",
    "SearchStep",
    "Step",
    "TakeNumberFlow",
    "ThemesStep",
    "TicketStep",
    "UnsolvedFlow",
    "UnsolvedStep",
    "appointment_code",
    "case_id_from_scan",
    "needs_services",
    "quick_answer",
    "receipt_for",
    "uses_services",
]
