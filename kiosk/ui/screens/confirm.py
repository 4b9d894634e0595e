"""我要办 step 2: "is this you?" with the name and a masked ID number; then the draft is made."""

from __future__ import annotations

from kivy.properties import StringProperty

from devices.idcard.idnumber import mask_id_number
from kiosk.core.applying import applicant_record
from kiosk.ui.screens.base import KioskScreen


class ConfirmScreen(KioskScreen):
    """是我本人 / 不是我."""

    kv_name = "confirm"
    voice_key = "voice.confirm"
    name_text = StringProperty("")
    number_text = StringProperty("")

    def refresh(self) -> None:
        applicant = self.app.session.applicant
        if applicant is None:
            return
        self.name_text = applicant.name or self.app.t("id_entry.unverified_name")
        self.number_text = mask_id_number(applicant.id_number)

    def confirm(self) -> None:
        """It is me: open a draft case for the item and go to the form."""
        session = self.app.session
        record = applicant_record(session.applicant, self.app.t("id_entry.unverified_name"))
        code = session.item_code
        self.app.call(lambda s: s.cases.new_draft(code, record), self._drafted)

    def _drafted(self, case_id: str) -> None:
        self.app.session.case_id = case_id
        self.app.screen("form").begin()
        self.app.go("form")

    def not_me(self) -> None:
        """Not me: forget the card and ask for it again."""
        self.app.session.applicant = None
        self.wipe()
        self.app.back()

    def wipe(self) -> None:
        self.name_text = self.number_text = ""
