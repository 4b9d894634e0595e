"""Manual ID number entry on a pad (0-9 and X) with the GB 11643 check, when the reader fails."""

from __future__ import annotations

from kivy.properties import StringProperty

from devices.idcard.idnumber import is_valid_id_number
from kiosk.core.session import Applicant
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key

ID_LENGTH = 18


class IdEntryScreen(KioskScreen):
    """18 characters, grouped 6-8-4 as on the card; checked when complete."""

    kv_name = "id_entry"
    voice_key = "voice.id_entry"
    purpose = StringProperty("apply")  # apply | progress
    problem = StringProperty("")

    def on_key(self, key: str) -> None:
        """A key of the ID pad."""
        session = self.app.session
        session.keyed = apply_key(session.keyed, key, ID_LENGTH)
        self.problem = ""
        self._show()

    def _show(self) -> None:
        keyed = self.app.session.keyed
        groups = [keyed[:6], keyed[6:14], keyed[14:]]
        self.ids.number.text = "  ".join(g for g in groups if g)

    def refresh(self) -> None:
        self._show()

    def done(self) -> None:
        """确定: check the number and carry on with it."""
        session = self.app.session
        keyed = session.keyed
        if len(keyed) < ID_LENGTH:
            self.problem = self.app.t("id_entry.short", count=ID_LENGTH - len(keyed))
            return
        if not is_valid_id_number(keyed):
            self.problem = self.app.t("id_entry.invalid")
            self.app.say(self.problem)
            return
        session.keyed = ""
        applicant = Applicant(id_number=keyed.upper())
        if self.purpose == "progress":
            self.app.screen("progress").look_up(applicant.id_number)
        else:
            session.applicant = applicant
            self.app.go("confirm")

    def wipe(self) -> None:
        self.problem = ""
        self.ids.number.text = ""
