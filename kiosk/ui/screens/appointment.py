"""预约签到: scan the booking QR or type its 6-digit code on the pad; the ticket then issues."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key

CODE_LENGTH = 6


def check_in(services, code: str):
    """Issue the ticket of appointment ``code`` (whichever service it was booked for)."""
    from kiosk.core.queue import UnknownAppointment

    last: UnknownAppointment | None = None
    for service in services.config.services:
        try:
            return services.queue.take(service.code, appointment_code=code)
        except UnknownAppointment as exc:
            last = exc
    raise last or UnknownAppointment(code)


class AppointmentScreen(KioskScreen):
    """Code pad, or the scanner; then the ticket screen."""

    kv_name = "appointment"
    voice_key = "voice.appointment"
    code = StringProperty("")
    shown = StringProperty(" ".join("_" * CODE_LENGTH))
    problem = StringProperty("")

    def on_code(self, _screen: object, code: str) -> None:
        """Show the digits typed so far, with a blank for each one still to come."""
        self.shown = " ".join(code.ljust(CODE_LENGTH, "_"))

    def on_key(self, key: str) -> None:
        """A key of the pad."""
        self.problem = ""
        self.code = apply_key(self.code, key, CODE_LENGTH)

    def on_scan(self, text: str) -> None:
        """A booking QR was scanned: its digits are the code."""
        self.code = "".join(ch for ch in text if ch.isdigit())[-CODE_LENGTH:]
        self.check_in()

    def check_in(self) -> None:
        """签到: find the booking, issue its ticket, print it."""
        if len(self.code) != CODE_LENGTH:
            self.problem = self.app.t("appointment.error.empty")
            return
        code = self.code

        def take_and_print(services):
            ticket = check_in(services, code)
            return ticket, services.printer.ticket(ticket)

        self.app.call(take_and_print, self._issued, self._failed)

    def _issued(self, outcome) -> None:
        ticket, printed = outcome
        self.code = ""
        self.app.screen("ticket").show(ticket, printed)
        self.app.go("ticket")

    def _failed(self, exc: BaseException) -> None:
        key = getattr(exc, "key", "")
        if key in self.app.messages:
            self.problem = self.app.t(key)
            self.app.say(self.problem)
        else:
            self.app.show_problem(exc)

    def wipe(self) -> None:
        self.code = self.problem = ""
