"""An agent's desk: what one logged-in agent works with, every part sealed under their key.

Their case service (drafts, materials, authorisation, submission as channel ``agent``), their
villagers, their three lists and reminders, photos of materials and the villager's
signature. Built at login from the site's parts; dropped at logout or idle lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from devices.idcard.card import IdCard
from kiosk.config import Config
from kiosk.core.agents.errors import CardNotApplicant, NotYourCase
from kiosk.core.agents.login import AgentSession
from kiosk.core.agents.photos import Photo, is_pdf, prepare_photo
from kiosk.core.agents.reminders import Reminder, reminders
from kiosk.core.agents.signature import Stroke, signature_png
from kiosk.core.agents.villagers import VillagerBook
from kiosk.core.agents.worklists import CaseLine, Worklists
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CONSENT_MATERIAL, Attachment, CaseService
from kiosk.core.catalogue import Catalogue, SearchHit
from kiosk.core.flows import ApplicantSource, ApplicationFlow, Channel
from kiosk.core.messages import messages_for
from offline_sync.clock import Clock
from offline_sync.outbox import Outbox
from offline_sync.store import Store


class AgentDesk:
    """The services of one logged-in agent; also what the shared application flow runs on
    (``kiosk.core.flows.FlowServices``: an agent's tablet has no printer, queue or ratings)."""

    printer = None
    queue = None
    feedback = None

    def __init__(
        self,
        session: AgentSession,
        *,
        store: Store,
        config: Config,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        clock: Clock,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.vault = session.vault
        self.store = store
        self.config = config
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
        self.settings = config.agent
        self.zone = ZoneInfo(config.site.timezone)
        self.outbox = Outbox(store, self.vault, on_queued=on_queued)
        self.cases = CaseService(
            store,
            self.vault,
            self.outbox,
            catalogue,
            calendar,
            clock,
            config.data_dir,
            config.site.timezone,
        )
        self.villagers = VillagerBook(store, self.vault, clock)
        self.lists = Worklists(self.cases, self.vault)
        self._allowed: dict[str, bool] = {}

    def application(self) -> ApplicationFlow:
        """A new application by this agent for a villager they choose (channel ``agent``)."""
        return ApplicationFlow(
            self.config,
            messages_for(self.config.ui.language),
            self.clock,
            channel=Channel.AGENT,
            source=ApplicantSource.CHOSEN,
            agent=self.session.ref,
        )

    # -- what may be applied for ---------------------------------------------------------------

    def items(self, text: str = "", limit: int = 30) -> list[SearchHit]:
        """Catalogue items an agent may apply for (``agent_allowed``): those matching ``text``
        (Chinese, pinyin or initials), else all of them by theme."""
        if text.strip():
            hits = self.catalogue.search(text, limit=limit * 2)
        else:
            hits = [h for t in self.catalogue.themes() for h in self.catalogue.in_theme(t.name)]
        # Bundles (一件事) wait for the shared application flow, which signs each item's case.
        return [h for h in hits if not h.is_bundle and self._agent_allowed(h.code)][:limit]

    def _agent_allowed(self, code: str) -> bool:
        if code not in self._allowed:
            self._allowed[code] = bool(self.catalogue.item_dict(code).get("agent_allowed"))
        return self._allowed[code]

    # -- cases -----------------------------------------------------------------------------

    def line(self, case_id: str) -> CaseLine:
        """The case on this agent's lists; NotYourCase otherwise."""
        try:
            return self.lists.line(case_id)
        except KeyError:
            raise NotYourCase(f"case {case_id} is not agent {self.session.agent_id}'s") from None

    def reminders(self) -> list[Reminder]:
        """Today's reminders, most urgent first."""
        today = self.clock.now().astimezone(self.zone).date()
        return reminders(self.lists.lines(), today, self.calendar, self.settings)

    def start_correction(self, case_id: str) -> CaseLine:
        """补正: reopen a case the platform asked to correct as the draft of its next revision
        (the submitted revision stays as it was sent)."""
        self.line(case_id)
        self.cases.start_revision(case_id)
        return self.line(case_id)

    # -- materials ---------------------------------------------------------------------------

    def photo(self, source: bytes, captured_at: datetime | None = None) -> Photo:
        """A camera still or an image file made ready to attach (downscaled, capture time kept)."""
        return prepare_photo(
            source,
            max_px=self.settings.photo_max_px,
            quality=self.settings.photo_quality,
            captured_at=captured_at,
            zone=self.zone,
            now=self.clock.now(),
        )

    def attach_photo(
        self, case_id: str, material_code: str, source: bytes, captured_at: datetime | None = None
    ) -> Attachment:
        """Photograph a material: the downscaled copy is sealed, written and fsynced, then its
        row commits. A PDF file is attached as it is."""
        self.line(case_id)
        if is_pdf(source):
            return self.cases.attach(case_id, material_code, source, "application/pdf")
        photo = self.photo(source, captured_at)
        return self.cases.attach(case_id, material_code, photo.data, photo.media_type)

    def attachments(self, case_id: str, material_code: str) -> list[Attachment]:
        """The files attached to one material of a case."""
        case = self.cases.case(case_id)
        return [a for a in case.attachments if a.material_code == material_code]

    # -- authorisation -----------------------------------------------------------------------

    def signature(self, case_id: str, strokes: Sequence[Stroke]) -> Attachment:
        """The villager signed on the pad: the PNG is attached as the consent (``AUTH``)."""
        self.line(case_id)
        return self.cases.attach(case_id, CONSENT_MATERIAL, signature_png(strokes), "image/png")

    def check_card(self, case_id: str, card: IdCard) -> None:
        """'ID card present': CardNotApplicant unless the card read is the applicant's."""
        applicant = self.cases.case(case_id).applicant
        if card.id_number.strip().upper() != str(applicant.get("id_number", "")).upper():
            raise CardNotApplicant(f"case {case_id}: the card read is not the applicant's")

    def authorize(self, case_id: str, method: str, **evidence: Any) -> None:
        """Record the applicant's authorisation: ``signature`` with ``strokes``, or
        ``id_card_present`` with the ``card`` just read."""
        if method == "signature":
            attachment = self.signature(case_id, evidence["strokes"])
            self.cases.authorize(case_id, "signature", attachment.attachment_id)
        else:
            self.check_card(case_id, evidence["card"])
            self.cases.authorize(case_id, "id_card_present")
