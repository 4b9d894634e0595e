"""我要办: everything once more (the phone in full, grouped), then submit; the receipt prints."""

from __future__ import annotations

from datetime import date

from kivy.properties import StringProperty

from kiosk.core.wording import group_phone, long_date
from kiosk.ui.screens.base import KioskScreen


class ReviewScreen(KioskScreen):
    """确认提交."""

    kv_name = "review"
    voice_key = "voice.review"
    body = StringProperty("")

    def render(self, step) -> None:
        """The application as it will be submitted (a :class:`ReviewStep`)."""
        super().render(step)
        t = self.app.t
        lines = [
            f"[b]{step.item_name}[/b]",
            f"{t('confirm.name')}：{step.applicant_name or t('confirm.name_unchecked')}",
            f"{t('confirm.id_number')}：{step.masked_id_number}",
        ]
        for line in step.lines:
            lines.append(f"{line.label}：{self._readable(line)}")
        lines.append(f"{t('review.brought')}：{'、'.join(step.materials)}")
        self.body = "\n".join(lines)

    def _readable(self, line) -> str:
        """A phone in full, grouped (the villager checks it here; paper masks it); a date in
        words."""
        if line.type == "phone":
            return group_phone(line.value)
        if line.type == "date" and line.value:
            return long_date(date.fromisoformat(line.value), self.app.messages)
        return line.value

    def edit(self) -> None:
        """修改: the form again from its first field."""
        self.forward(self.session.application.edit)

    def submit(self) -> None:
        """Submit the application; its receipt prints."""
        if self.step is not None:
            self.forward_once(self.session.application.submit)

    def wipe(self) -> None:
        super().wipe()
        self.body = ""
