"""预约签到: scan the booking QR or type its 6-digit code on the pad; the ticket then issues."""

from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from kiosk.core.flows import TicketStep, appointment_code
from kiosk.core.flows.take_number import APPOINTMENT_ENTRY
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key


class AppointmentScreen(KioskScreen):
    """Code pad, or the scanner; then the ticket screen."""

    kv_name = "appointment"
    voice_key = "voice.appointment"
    entry = ObjectProperty(APPOINTMENT_ENTRY)
    code = StringProperty("")
    shown = StringProperty(" ".join("_" * APPOINTMENT_ENTRY.max_length))
    problem = StringProperty("")

    def on_code(self, _screen: object, code: str) -> None:
        """Show the digits typed so far, with a blank for each one still to come."""
        self.shown = " ".join(code.ljust(self.entry.max_length, "_"))

    def on_key(self, key: str) -> None:
        """A key of the pad."""
        self.problem = ""
        self.code = apply_key(self.code, key, self.entry.max_length)

    def on_scan(self, text: str) -> None:
        """A booking QR was scanned: its digits are the code."""
        self.code = appointment_code(text)
        self.check_in()

    def check_in(self) -> None:
        """签到: the flow finds the booking, issues its ticket and prints it."""
        flow = self.session.take_number
        self.forward(flow.check_in, self.code, done=self._answered, failed=self._failed)

    def _answered(self, result) -> None:
        if isinstance(result, TicketStep):
            self.code = ""
        self.follow(result)

    def _failed(self, exc: BaseException) -> None:
        key = getattr(exc, "key", "")
        if key in self.app.messages:
            self.problem = self.app.t(key)
            self.app.say(self.problem)
        else:
            self.app.show_problem(exc)

    def wipe(self) -> None:
        super().wipe()
        self.code = self.problem = ""
