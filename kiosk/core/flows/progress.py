"""进度查询: the ID card, a keyed ID number or a receipt's QR code → the cases and their steps.

The receipt QR carries a progress link ``<platform url>/progress/<case id>`` (or
``bianmin:case:<case id>`` on a site without a platform URL); a scan of either finds the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devices.idcard.card import IdCard
from kiosk.config import Config
from kiosk.core.cases import CaseSummary, TimelineEntry
from kiosk.core.flows.base import (
    FieldErrors,
    FlowServices,
    IdEntryStep,
    Result,
    Step,
    uses_services,
)
from kiosk.core.forms import check_keyed_id_number

_CASE_LINK = re.compile(
    r"(?:/progress/|^bianmin:case:)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def progress_link(config: Config, case_id: str) -> str:
    """The link in a receipt's QR code that finds the case again."""
    base = config.platform.url.rstrip("/")
    return f"{base}/progress/{case_id}" if base else f"bianmin:case:{case_id}"


def case_id_from_scan(text: str) -> str | None:
    """The case id in a scanned receipt QR (see :func:`progress_link`), or None."""
    match = _CASE_LINK.search(text.strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class CaseProgress:
    """One case as 进度查询 shows it: its summary and its steps, oldest first."""

    summary: CaseSummary
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True, kw_only=True)
class CasesStep(Step):
    """The cases found (none: nothing was submitted for this person)."""

    cases: tuple[CaseProgress, ...]


class ProgressFlow:
    """One look-up of progress."""

    def __init__(self) -> None:
        self.found: CasesStep | None = None

    @property
    def personal(self) -> bool:
        """True once someone's cases were found."""
        return self.found is not None

    def key_in(self) -> IdEntryStep:
        """No card at hand: key the ID number."""
        return IdEntryStep(purpose="progress")

    def _number_wrong(self, text: str) -> Result | None:
        error = check_keyed_id_number(text)
        return FieldErrors((error,)) if error else None

    @uses_services(_number_wrong)
    def keyed_id_number(self, services: FlowServices, text: str) -> Result:
        """The submitted cases of the person with this keyed ID number (not kept)."""
        return self._person(services, text.upper())

    @uses_services()
    def card_read(self, services: FlowServices, card: IdCard) -> Result:
        """The submitted cases of the card's holder."""
        return self._person(services, card.id_number)

    def _person(self, services: FlowServices, id_number: str) -> CasesStep:
        found = services.cases.cases_of_person(id_number)
        return self._show(services, [c for c in found if c.state == "submitted"])

    def _not_a_receipt(self, text: str) -> Result | None:
        return None if case_id_from_scan(text) else FieldErrors.one("qr", "progress.bad_qr")

    @uses_services(_not_a_receipt)
    def scanned(self, services: FlowServices, text: str) -> Result:
        """The case of a scanned receipt QR (UnknownCase if this kiosk does not hold it)."""
        case_id = case_id_from_scan(text)
        return self._show(services, [services.cases.case(case_id).summary])

    def _show(self, services: FlowServices, found: list[CaseSummary]) -> CasesStep:
        cases = tuple(
            CaseProgress(summary, tuple(services.cases.timeline(summary.case_id)))
            for summary in found
        )
        self.found = CasesStep(cases=cases)
        return self.found
