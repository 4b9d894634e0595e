"""好差评: five faces; at 1 or 2 the reasons; linked to the ticket or case just served.

With nothing just served in this session, the villager types the number on their ticket
(service letter and digits) and the rating goes to that ticket of today.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BACKSPACE, DIGITS, apply_key

LEVELS = (5, 4, 3, 2, 1)
REASONS = ("wait", "attitude", "slow", "unclear", "trips", "other")


class RatingScreen(KioskScreen):
    """Rate the service."""

    kv_name = "rating"
    voice_key = "voice.rating"
    level = NumericProperty(0)
    has_target = BooleanProperty(False)
    asking_reasons = BooleanProperty(False)
    target_text = StringProperty("")
    keyed = StringProperty("")
    problem = StringProperty("")

    def refresh(self) -> None:
        target = self.app.session.rating_target
        self.problem = ""
        self.has_target = target is not None
        self.asking_reasons = False
        if target is None:
            self.target_text = ""
        elif target[0] == "ticket":
            self.target_text = self.app.t("rating.for_ticket", ticket_no=self.app.session.ticket_no)
        else:
            self.target_text = self.app.t("rating.for_case", case_no=self.app.session.case_no)

    def ticket_keys(self) -> list[str]:
        """The letters of the configured services, then digits."""
        letters = [s.prefix for s in self.app.site.services]
        return letters + [d for d in DIGITS if d != "clear"]

    def on_ticket_key(self, key: str) -> None:
        """A key of the ticket-number pad."""
        self.keyed = apply_key(self.keyed, key, 5) if key != BACKSPACE else self.keyed[:-1]

    def find_ticket(self) -> None:
        """Look the typed ticket number up among today's tickets."""
        number = self.keyed
        self.app.call(lambda s: s.queue.get(number), self._ticket_found)

    def _ticket_found(self, ticket) -> None:
        self.app.session.rating_target = ("ticket", ticket.ticket_id)
        self.app.session.ticket_no = ticket.display_no
        self.keyed = ""
        self.refresh()

    def choose(self, level: int) -> None:
        """A face was tapped."""
        self.level = level
        self.problem = ""
        self.asking_reasons = level <= 2
        if self.asking_reasons:
            self.app.say(self.app.t("rating.reasons"))
        else:
            self.submit()

    def reasons(self) -> list[str]:
        """The reasons ticked."""
        return [c.value for c in self.ids.reasons.children if c.state == "down"][::-1]

    def submit(self) -> None:
        """Send the rating (reasons are checked by the feedback service)."""
        target = self.app.session.rating_target
        level = int(self.level)
        reasons = self.reasons() if level <= 2 else []
        if level <= 2 and not reasons:
            self.problem = self.app.t("rating.reasons.required")
            self.app.say(self.problem)
            return
        self.app.call(lambda s: s.feedback.rate(target[0], target[1], level, reasons), self._rated)

    def _rated(self, _rating) -> None:
        self.app.go_home()
        self.app.show_message("rating.thanks", role="success")

    def wipe(self) -> None:
        self.level = 0
        self.keyed = self.problem = self.target_text = ""
        self.has_target = self.asking_reasons = False
        for choice in self.ids.reasons.children:
            choice.state = "normal"
