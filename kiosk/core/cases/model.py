"""What a case is, as the case service hands it out: summaries, checklists, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.core.cases.delivery import ResultDelivery
from kiosk.core.cases.stage import stage_of
from kiosk.core.cases.status import TimelineEntry
from kiosk.core.catalogue import Bundle


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
    promised_days: int
    promised_date: date | None
    reference: str | None = None
    delivery: str | None = None  # the outbox state of its latest revision
    result_method: str | None = None  # how the result comes: pickup, post; None: not asked

    @property
    def stage(self) -> str:
        """Where the case stands, as a villager is told (``case.stage.<stage>``): see
        :func:`kiosk.core.cases.stage.stage_of`."""
        return stage_of(self.state, self.delivery, self.status)


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
    result_delivery: ResultDelivery | None = None  # 窗口自取 or 邮寄送达 (None: not asked)

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
