"""取号 step 1: pick the service (with how many are waiting), or check in an appointment; with
``[hall] public_url`` set, a QR of the hall's phone page (扫码取号) in the corner.

While numbers cannot be taken (the hall server is away: 取号暂停) the screen says what
to do instead and asks again every few seconds; a service whose issuing staff paused
shows 暂停取号 on its button.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty, StringProperty

from kiosk.core.queue import QueueClosed
from kiosk.core.queue.issuing import IssuingState, issuing_state
from kiosk.core.staff_alerts import PRINTER_FAULT
from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton


class QueueScreen(KioskScreen):
    """One big button per configured service."""

    kv_name = "queue"
    voice_key = "voice.queue"
    waiting = DictProperty()
    paused = BooleanProperty(False)
    printer_note = StringProperty("")  # the printer cannot print: remember the number
    paused_title = StringProperty("")
    paused_text = StringProperty("")
    phone_qr = ObjectProperty(None, allownone=True)  # the hall's phone page (扫码取号)
    _state = IssuingState()
    _spoken = ""
    _retry = None

    def refresh(self) -> None:
        url = self.app.site.hall.phone_url
        if url and self.phone_qr is None:
            self.phone_qr = qr_texture(url, box_px=6)
        self._state = IssuingState()
        grid = self.ids.services
        grid.clear_widgets()
        for i, service in enumerate(self.app.site.services):
            button = KButton(role=f"tile{i % 6}")
            button.service_code = service.code
            button.bind(on_release=lambda b: self.pick(b.service_code))
            grid.add_widget(button)
        self._label_buttons()
        self._ask()

    def _ask(self, *_args: object) -> None:
        self.app.call(
            lambda s: (issuing_state(s.queue), [a.kind for a in s.alerts.raised()]),
            self._show_state,
        )

    def _show_state(self, answer: tuple[IssuingState, list[str]]) -> None:
        state, alerts = answer
        self.printer_note = self.app.t("queue.printer_down") if PRINTER_FAULT in alerts else ""
        newly_paused = state.paused and not self.paused
        self._state = state
        self.waiting = state.waiting
        self.paused = state.paused
        self._paused_words(state.paused_key)
        self._label_buttons()
        if newly_paused:
            self.app.say(self._spoken)
        if state.paused and self.manager and self.manager.current == self.name:
            self._retry = Clock.schedule_once(self._ask, state.retry_s)

    def _paused_words(self, key: str | None) -> None:
        """What the screen says while no number can be taken: outside opening hours, the
        hours; the hall server away, to ask at a counter (asked again meanwhile)."""
        t = self.app.t
        if key is None:
            self.paused_title = self.paused_text = self._spoken = ""
        elif key == QueueClosed.key:
            hours = self.app.site.hours
            self.paused_title = t("queue.closed.title")
            self.paused_text = t(key, open=hours.open, close=hours.close)
            self._spoken = f"{self.paused_title}。{self.paused_text}"
        else:
            self.paused_title = t("queue.paused.title")
            self.paused_text = f"{t('queue.paused.hint')}\n{t('queue.paused.retrying')}"
            self._spoken = t(key)

    def on_leave(self, *_args: object) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    def _label_buttons(self) -> None:
        names = {s.code: s.name for s in self.app.site.services}
        for button in self.ids.services.children:
            code = button.service_code
            line = ""
            button.disabled = not self._state.can_take(code)
            if code in self._state.paused_services:
                paused = self.app.t("queue.service_paused")
                line = f"\n[size={self.app.fs['body']}]{paused}[/size]"
            elif code in self.waiting:
                count = self.app.t("queue.waiting", count=self.waiting[code])
                line = f"\n[size={self.app.fs['body']}]{count}[/size]"
            button.text = f"[b]{names[code]}[/b]{line}"

    def pick(self, service_code: str) -> None:
        """The villager chose a service: ask about the green channel."""
        self.forward(self.session.take_number.choose_service, service_code)
