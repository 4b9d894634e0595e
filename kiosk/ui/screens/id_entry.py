"""Manual ID number entry on a pad (0-9 and X) with the GB 11643 check, when the reader fails."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.core.flows import FieldErrors
from kiosk.core.forms import ID_NUMBER_ENTRY, FieldError
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key


class IdEntryScreen(KioskScreen):
    """18 characters, grouped 6-8-4 as on the card; checked by the flow they are for."""

    kv_name = "id_entry"
    voice_key = "voice.id_entry"
    purpose = StringProperty("application")  # the flow the number goes to: application | progress
    keyed = StringProperty("")
    problem = StringProperty("")

    def render(self, step) -> None:
        """Key a number for the flow ``step.purpose``."""
        super().render(step)
        self.purpose = step.purpose

    def on_key(self, key: str) -> None:
        """A key of the ID pad."""
        self.keyed = apply_key(self.keyed, key, ID_NUMBER_ENTRY.max_length)
        self.problem = ""
        self._show()

    def _show(self) -> None:
        keyed = self.keyed
        groups = [keyed[:6], keyed[6:14], keyed[14:]]
        self.ids.number.text = "  ".join(g for g in groups if g)

    def refresh(self) -> None:
        self._show()

    def done(self) -> None:
        """确定: the flow checks the number and carries on with it."""
        flow = getattr(self.session, self.purpose)
        self.forward(flow.keyed_id_number, self.keyed, done=self._answered)

    def _answered(self, result) -> None:
        if not isinstance(result, FieldErrors):
            self.keyed = ""
        self.follow(result)

    def refused(self, error: FieldError) -> None:
        """Short: how many are missing; wrong: said aloud too."""
        self.problem = self.app.t(error.key, **error.params())
        if error.key != "id_entry.short":
            self.app.say(self.problem)

    def wipe(self) -> None:
        super().wipe()
        self.keyed = self.problem = ""
        self.ids.number.text = ""
