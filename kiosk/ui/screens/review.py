"""我要办 step 5: everything once more, then submit; the receipt prints (or shows as a QR)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from devices.idcard.idnumber import mask_id_number, mask_phone
from kiosk.ui.screens.base import KioskScreen


class ReviewScreen(KioskScreen):
    """确认提交."""

    kv_name = "review"
    voice_key = "voice.review"
    body = StringProperty("")
    submitting = BooleanProperty(False)

    def render(self, step) -> None:
        """The application as it will be submitted (a :class:`ReviewStep`)."""
        super().render(step)
        t = self.app.t
        lines = [
            f"[b]{step.item_name}[/b]",
            f"{t('confirm.name')}：{step.applicant_name}",
            f"{t('confirm.id_number')}：{mask_id_number(step.id_number)}",
        ]
        for line in step.lines:
            value = mask_phone(line.value) if line.type == "phone" else line.value
            lines.append(f"{line.label}：{value}")
        lines.append(f"{t('guide.item.materials')}：{'、'.join(step.materials)}")
        self.body = "\n".join(lines)

    def edit(self) -> None:
        """修改: the form again from its first field."""
        self.forward(self.session.application.edit)

    def submit(self) -> None:
        """Submit the application; its receipt prints."""
        if self.submitting or self.step is None:
            return
        self.submitting = True
        self.forward(self.session.application.submit, done=self._submitted, failed=self._failed)

    def _submitted(self, result) -> None:
        self.submitting = False
        self.follow(result)

    def _failed(self, exc: BaseException) -> None:
        self.submitting = False
        self.app.show_problem(exc)

    def wipe(self) -> None:
        super().wipe()
        self.body = ""
        self.submitting = False
