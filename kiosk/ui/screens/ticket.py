"""取号 step 3: the number, big, with people ahead and the wait; a QR when paper failed."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class TicketScreen(KioskScreen):
    """Shows the ticket just issued."""

    kv_name = "ticket"
    number = StringProperty("")
    service_name = StringProperty("")
    ahead = NumericProperty(0)
    wait_min = NumericProperty(0)
    priority = BooleanProperty(False)
    printed = BooleanProperty(True)
    print_message = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def show(self, ticket, result) -> None:
        """Fill the screen from a queue ticket and its print result."""
        self.number = ticket.display_no
        self.service_name = ticket.service_name
        self.ahead = ticket.ahead
        self.wait_min = ticket.estimated_wait_min
        self.priority = ticket.priority is not None
        self.printed = result.printed
        self.print_message = self.app.t(result.key, **result.params)
        self.qr = qr_texture(result.qr) if not result.printed and result.qr else None
        self.app.session.ticket_no = ticket.display_no
        self.app.session.rating_target = ("ticket", ticket.ticket_id)

    def on_enter(self, *_args: object) -> None:
        key = "voice.ticket" if self.printed else "voice.ticket.no_print"
        self.app.say(self.app.t(key, ticket_no=self.number, count=self.ahead))

    def wipe(self) -> None:
        self.number = self.service_name = self.print_message = ""
        self.qr = None
