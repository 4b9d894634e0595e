"""取号 step 1: pick the service (with how many are waiting), or check in an appointment."""

from __future__ import annotations

from kivy.properties import DictProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton


class QueueScreen(KioskScreen):
    """One big button per configured service."""

    kv_name = "queue"
    voice_key = "voice.queue"
    waiting = DictProperty()

    def refresh(self) -> None:
        grid = self.ids.services
        grid.clear_widgets()
        for i, service in enumerate(self.app.site.services):
            button = KButton(role=f"tile{i % 6}")
            button.service_code = service.code
            button.bind(on_release=lambda b: self.pick(b.service_code))
            grid.add_widget(button)
        self._label_buttons()
        self.app.call(lambda s: s.queue.status(), self._show_waiting)

    def _show_waiting(self, status: list[dict]) -> None:
        self.waiting = {row["service"]: row["waiting"] for row in status}
        self._label_buttons()

    def _label_buttons(self) -> None:
        names = {s.code: s.name for s in self.app.site.services}
        for button in self.ids.services.children:
            code = button.service_code
            line = ""
            if code in self.waiting:
                count = self.app.t("queue.waiting", count=self.waiting[code])
                line = f"\n[size={self.app.fs['body']}]{count}[/size]"
            button.text = f"[b]{names[code]}[/b]{line}"

    def pick(self, service_code: str) -> None:
        """The villager chose a service: ask about the green channel."""
        self.forward(self.session.take_number.choose_service, service_code)
