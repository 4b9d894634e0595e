"""取号 done: the number as issued, big (a green 绿色通道 mark beside it), people ahead, the
wait and where to wait. When no paper came out the number stays here until 完成, is said
aloud with where to wait, and 重新打印 tries again; no QR code to photograph."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

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
    next_text = StringProperty("")

    def render(self, step) -> None:
        """Fill the screen from the queue ticket, its print result and where to wait."""
        super().render(step)
        ticket, result = step.ticket, step.printed
        self.number = ticket.display_no
        self.service_name = ticket.service_name
        self.ahead = ticket.ahead
        self.wait_min = ticket.estimated_wait_min
        self.priority = ticket.priority is not None
        self.printed = result.printed
        t = self.app.t
        self.print_message = (
            t("queue.ticket.take")
            if result.printed
            else t("queue.ticket.not_printed") + t(result.key, **result.params)
        )
        self.next_text = "\n".join(line.text(self.app.messages) for line in step.next_steps)
        if self.app.manager.current == self.name:
            self._say()

    def on_enter(self, *_args: object) -> None:
        self._say()

    def _say(self) -> None:
        t = self.app.t
        spoken = t("voice.ticket", ticket_no=self.number, count=self.ahead)
        mark = t("queue.priority.mark") + "，" if self.priority else ""
        extra = self.print_message
        self.app.say(f"{mark}{spoken}{extra}{self.next_text}")

    def reprint(self) -> None:
        """重新打印: the same ticket again."""
        self.forward_once(self.session.take_number.reprint, done=self.render)

    def wipe(self) -> None:
        super().wipe()
        self.number = self.service_name = self.print_message = self.next_text = ""
