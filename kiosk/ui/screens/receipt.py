"""我要办 done: the case number, the promised date; a QR of the receipt when paper failed."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class ReceiptScreen(KioskScreen):
    """申请已受理."""

    kv_name = "receipt"
    voice_key = "voice.receipt"
    case_no = StringProperty("")
    promised = StringProperty("")
    printed = BooleanProperty(True)
    print_message = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def render(self, step) -> None:
        """Fill the screen from the receipt and its print result (a :class:`ReceiptStep`)."""
        super().render(step)
        t = self.app.t
        receipt, result = step.receipt, step.printed
        self.case_no = receipt.case_no or receipt.case_id  # as on the paper receipt
        self.promised = t("receipt.promised", date=receipt.promised_date.isoformat())
        self.printed = result.printed
        self.print_message = t("receipt.take") if result.printed else t(result.key, **result.params)
        self.qr = None if result.printed else qr_texture(result.qr or receipt.progress_url)

    def wipe(self) -> None:
        super().wipe()
        self.case_no = self.promised = self.print_message = ""
        self.qr = None
