"""我要办 step 5: everything once more, then submit; the receipt prints (or shows as a QR)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from devices.idcard.idnumber import mask_id_number, mask_phone
from kiosk.core.applying import receipt_for
from kiosk.ui.screens.base import KioskScreen


class ReviewScreen(KioskScreen):
    """确认提交."""

    kv_name = "review"
    voice_key = "voice.review"
    case = ObjectProperty(None, allownone=True)
    body = StringProperty("")
    submitting = BooleanProperty(False)

    def show(self, case) -> None:
        """Show the draft ``case`` for review."""
        self.case = case
        t = self.app.t
        summary = case.summary
        lines = [
            f"[b]{summary.item_name}[/b]",
            f"{t('confirm.name')}：{case.applicant.get('name', '')}",
            f"{t('confirm.id_number')}：{mask_id_number(summary.id_number)}",
        ]
        item = self.app.screen("form").item
        for f in item.form if item else ():
            value = str(case.form.get(f.name, ""))
            if f.type == "phone":
                value = mask_phone(value)
            lines.append(f"{f.label}：{value}")
        ticked = [m.name for m in case.materials if m.checked]
        lines.append(f"{t('guide.item.materials')}：{'、'.join(ticked)}")
        self.body = "\n".join(lines)

    def submit(self) -> None:
        """Submit the case and print its acceptance receipt."""
        if self.submitting or self.case is None:
            return
        self.submitting = True
        case_id = self.case.summary.case_id
        config = self.app.site
        item = self.app.screen("form").item
        promised = item.promised_days if item else 0
        clock = self.app.clock

        def submit_and_print(services):
            case = services.cases.submit(case_id)
            receipt = receipt_for(case, promised, config, clock.now())
            return receipt, services.printer.receipt(receipt)

        self.app.call(submit_and_print, self._submitted, self._failed)

    def _submitted(self, outcome) -> None:
        self.submitting = False
        receipt, printed = outcome
        self.app.session.rating_target = ("case", receipt.case_id)
        self.app.screen("receipt").show(receipt, printed)
        self.app.go("receipt")

    def _failed(self, exc: BaseException) -> None:
        self.submitting = False
        self.app.show_problem(exc)

    def wipe(self) -> None:
        self.case = None
        self.body = ""
        self.submitting = False
