"""好差评: five faces; at 1 or 2 the reasons; for the ticket or case just served, named by
its service and its day (never a code).

With nothing just served in this visit, the villager types the number on their ticket
(a service letter and digits) or the digits of a receipt's reference, on the same pad.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.core.cases.reference import DEFAULT_LETTERS, shown_while_typing
from kiosk.core.flows.rating import TICKET_ENTRY
from kiosk.core.wording import long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton, apply_key


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
        row = self.ids.letters
        if not row.children:
            for letter in self.letters():
                key = KButton(role="secondary", text=letter)
                key.bind(on_release=lambda b: self.on_ticket_key(b.text))
                row.add_widget(key)
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
        else:
            day = long_date(target.day, self.app.messages)
            key = "rating.for_ticket" if target.kind == "ticket" else "rating.for_case"
            self.target_text = self.app.t(key, name=target.name, day=day, number=target.number)
        if step.asking_reasons:
            self.app.say(self.app.t("rating.reasons"))

    def letters(self) -> list[str]:
        """The letters of the configured services (a ticket's number starts with one)."""
        return [s.prefix for s in self.app.site.services]

    def on_ticket_key(self, key: str) -> None:
        """A key of the pad, or a service letter (which starts the number again)."""
        self.problem = ""
        if key.isalpha() and len(key) == 1:
            self.keyed = key
        else:
            self.keyed = apply_key(self.keyed, key, self.ticket_entry.max_length)

    @property
    def keyed_shown(self) -> str:
        """A ticket as A003; a reference's digits as on the receipt, LZ-1123-007."""
        if not self.keyed or self.keyed[0].isalpha():
            return self.keyed
        return shown_while_typing(self.app.site.site.letters or DEFAULT_LETTERS, self.keyed)

    def on_keyed(self, *_args: object) -> None:
        self.ids.keyed.text = self.keyed_shown

    def find_ticket(self) -> None:
        """Look the typed number up: today's ticket, or the case with that reference."""
        self.forward(self.session.rating.find, self.keyed, done=self._found)

    def _found(self, step) -> None:
        if not hasattr(step, "errors"):
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
