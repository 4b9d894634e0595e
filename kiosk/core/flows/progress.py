"""进度查询: the ID card, a keyed ID number, the receipt's short reference (typed or scanned)
or the receipt's QR code → the cases, where each stands in true words, and what to do next.

A receipt's QR code is a link a phone opens, ``<platform url>/progress/<case id>``,
printed only when the site has a platform URL; the kiosk's scanner finds the case from
it too, and from a scanned or typed short reference (``LZ-1123-007``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from devices.idcard.card import IdCard
from kiosk.config import Config
from kiosk.core.cases import CaseSummary, TimelineEntry, UnknownCase
from kiosk.core.cases.delivery import POST
from kiosk.core.cases.reference import parse_reference
from kiosk.core.cases.stage import FINISHED, on_platform
from kiosk.core.flows.base import (
    FieldErrors,
    FlowServices,
    IdEntryStep,
    Result,
    Step,
    uses_services,
)
from kiosk.core.forms import KeyedEntry, check_keyed_id_number
from kiosk.core.next_steps import Sentence, phone_line, service_for_theme
from kiosk.core.wording import listed

_CASE_LINK = re.compile(
    r"/progress/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
# A short reference as typed on a pad: the month, the day and the day's number (1123007).
REFERENCE_ENTRY = KeyedEntry("reference", 7, exact=True)


def progress_link(config: Config, case_id: str) -> str:
    """The link in a receipt's QR code, which a phone opens; empty without a platform URL
    (then the receipt has no QR code)."""
    base = config.platform.url.rstrip("/")
    return f"{base}/progress/{case_id}" if base else ""


def case_id_from_scan(text: str) -> str | None:
    """The case id in a scanned receipt QR (see :func:`progress_link`), or None."""
    match = _CASE_LINK.search(text.strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class CaseProgress:
    """One case as 进度查询 shows it: its summary, its steps (oldest first), and what to do
    next where there is something to do."""

    summary: CaseSummary
    timeline: tuple[TimelineEntry, ...]
    next_steps: tuple[Sentence, ...] = ()

    @property
    def stage(self) -> str:
        """Where it stands (``case.stage.<stage>``)."""
        return self.summary.stage

    @property
    def promised_shown(self) -> bool:
        """The promised date counts only once the platform has the case, and only while it
        is still being done (a case done or refused has no promise left)."""
        return (
            on_platform(self.stage)
            and self.stage not in FINISHED
            and self.summary.promised_date is not None
        )


@dataclass(frozen=True, kw_only=True)
class CasesStep(Step):
    """The cases found (none: nothing was submitted for this person)."""

    cases: tuple[CaseProgress, ...]


def _next_steps(
    config: Config, summary: CaseSummary, timeline: Sequence[TimelineEntry], theme: str
) -> tuple[Sentence, ...]:
    """What she does now, for every stage: wait (nothing to do, how she will know), bring
    what the department asked for (its own words first), collect, or ask why."""
    counters = listed(service_for_theme(config, theme).counters)
    stage = summary.stage
    posted = summary.result_method == POST  # 邮寄送达: said at every stage until it is done
    by_post = (Sentence.of("next.progress.by_post"),) if posted else ()
    if stage == "saved":
        lines = [Sentence.of("next.receipt.promise_after_sending", days=summary.promised_days)]
    elif stage == "needs_correction":
        reason = next((e.reason for e in reversed(timeline) if e.reason), None)
        what = [Sentence.of("next.progress.what", reason=reason.rstrip("。"))] if reason else []
        lines = [*what, Sentence.of("next.progress.correct", counters=counters)]
    elif stage == "completed":
        by_post = ()
        collect = Sentence.of("next.progress.collect", counters=counters)
        lines = [Sentence.of("next.progress.posted") if posted else collect]
    elif stage in ("rejected", "stuck"):
        by_post = ()
        lines = [Sentence.of("next.progress.ask", counters=counters)]
    elif stage == "withdrawn":
        return ()
    else:  # sent, accepted, in progress: nothing to do but wait
        lines = [Sentence.of("next.progress.wait")]
    return (*lines, *by_post, *phone_line(config))


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

    def key_reference(self) -> IdEntryStep:
        """Key the reference on the receipt (LZ-1123-007: its digits)."""
        return IdEntryStep(purpose="progress", entry=REFERENCE_ENTRY, answer="keyed_reference")

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

    def _reference_short(self, digits: str) -> Result | None:
        missing = REFERENCE_ENTRY.missing(digits)
        if missing:
            return FieldErrors.one("reference", "id_entry.short", count=missing)
        return None

    @uses_services(_reference_short)
    def keyed_reference(self, services: FlowServices, digits: str) -> Result:
        """The case with the reference whose digits were typed (none found: say so)."""
        case = services.cases.find_reference(digits)
        if case is None:
            return FieldErrors.one("reference", "progress.unknown_reference")
        return self._show(services, [case.summary])

    def _not_a_receipt(self, text: str) -> Result | None:
        if case_id_from_scan(text) or parse_reference(text):
            return None
        return FieldErrors.one("qr", "progress.bad_qr")

    @uses_services(_not_a_receipt)
    def scanned(self, services: FlowServices, text: str) -> Result:
        """The case of a scanned receipt QR or reference (UnknownCase if this kiosk does not
        hold it)."""
        case_id = case_id_from_scan(text)
        if case_id is not None:
            return self._show(services, [services.cases.case(case_id).summary])
        case = services.cases.find_reference(text)
        if case is None:
            raise UnknownCase(text)
        return self._show(services, [case.summary])

    def _show(self, services: FlowServices, found: list[CaseSummary]) -> CasesStep:
        cases = tuple(_progress(services, summary) for summary in found)
        self.found = CasesStep(cases=cases)
        return self.found


def _progress(services: FlowServices, summary: CaseSummary) -> CaseProgress:
    timeline = tuple(services.cases.timeline(summary.case_id))
    theme = _theme(services, summary.item_code)
    return CaseProgress(summary, timeline, _next_steps(services.config, summary, timeline, theme))


def _theme(services: FlowServices, item_code: str) -> str:
    """The item's theme (empty when the catalogue no longer has it)."""
    try:
        return services.catalogue.item(item_code).theme
    except KeyError:
        return ""
