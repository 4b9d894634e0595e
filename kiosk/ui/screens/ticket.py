"""取号 step 3: the number, big, with people ahead and the wait; a QR when paper failed."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class TicketScreen(KioskScreen):
    """Shows the ticket just issued (a :class:`TicketStep`)."""

    kv_name = "ticket"
    number = StringProperty("")
    service_name = StringProperty("")
    ahead = NumericProperty(0)
    wait_min = NumericProperty(0)
    priority = BooleanProperty(False)
    printed = BooleanProperty(True)
    print_message = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def render(self, step) -> None:
        """Fill the screen from the queue ticket and its print result."""
        super().render(step)
        ticket, result = step.ticket, step.printed
        self.number = ticket.display_no
        self.service_name = ticket.service_name
        self.ahead = ticket.ahead
        self.wait_min = ticket.estimated_wait_min
        self.priority = ticket.priority is not None
        self.printed = result.printed
        self.print_message = self.app.t(result.key, **result.params)
        self.qr = qr_texture(result.qr) if not result.printed and result.qr else None

    def on_enter(self, *_args: object) -> None:
        key = "voice.ticket" if self.printed else "voice.ticket.no_print"
        self.app.say(self.app.t(key, ticket_no=self.number, count=self.ahead))

    def wipe(self) -> None:
        super().wipe()
        self.number = self.service_name = self.print_message = ""
        self.qr = None
