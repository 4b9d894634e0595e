"""好差评: five faces; at 1 or 2 the reasons; linked to the ticket or case just served.

With nothing just served in this visit, the villager types the number on their ticket
(service letter and digits) and the rating goes to that ticket of today.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.core.flows.rating import TICKET_ENTRY
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import BACKSPACE, DIGITS, apply_key


class RatingScreen(KioskScreen):
    """Rate the service (a :class:`RatingStep`)."""

    kv_name = "rating"
    voice_key = "voice.rating"
    ticket_entry = ObjectProperty(TICKET_ENTRY)
    level = NumericProperty(0)
    has_target = BooleanProperty(False)
    asking_reasons = BooleanProperty(False)
    target_text = StringProperty("")
    keyed = StringProperty("")
    problem = StringProperty("")

    def refresh(self) -> None:
        self.render(self.session.rating.current())

    def render(self, step) -> None:
        """The faces for the step's target (the ticket pad without one); reasons when asked."""
        super().render(step)
        target = step.target
        self.problem = ""
        self.level = step.level
        self.has_target = target is not None
        self.asking_reasons = step.asking_reasons
        if target is None:
            self.target_text = ""
        elif target.kind == "ticket":
            self.target_text = self.app.t("rating.for_ticket", ticket_no=target.number)
        else:
            self.target_text = self.app.t("rating.for_case", case_no=target.number)
        if step.asking_reasons:
            self.app.say(self.app.t("rating.reasons"))

    def ticket_keys(self) -> list[str]:
        """The letters of the configured services, then digits."""
        letters = [s.prefix for s in self.app.site.services]
        return letters + [d for d in DIGITS if d != "clear"]

    def on_ticket_key(self, key: str) -> None:
        """A key of the ticket-number pad."""
        if key == BACKSPACE:
            self.keyed = self.keyed[:-1]
        else:
            self.keyed = apply_key(self.keyed, key, self.ticket_entry.max_length)

    def find_ticket(self) -> None:
        """Look the typed ticket number up among today's tickets."""
        self.forward(self.session.rating.find_ticket, self.keyed, done=self._found)

    def _found(self, step) -> None:
        self.keyed = ""
        self.follow(step)

    def choose(self, level: int) -> None:
        """A face was tapped: reasons at 1 or 2, else the rating is given."""
        self.problem = ""
        self.forward(self.session.rating.choose_level, level)

    def reasons(self) -> list[str]:
        """The reasons ticked."""
        return [c.value for c in self.ids.reasons.children if c.state == "down"][::-1]

    def submit(self) -> None:
        """Give the rating with the reasons ticked (at least one is needed)."""
        self.forward(self.session.rating.submit, self.reasons())

    def wipe(self) -> None:
        super().wipe()
        self.level = 0
        self.keyed = self.problem = self.target_text = ""
        self.has_target = self.asking_reasons = False
        for choice in self.ids.reasons.children:
            choice.state = "normal"
