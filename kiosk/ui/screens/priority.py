"""取号 step 2: ordinary queue or a green-channel reason; then the number is issued and printed.

The 65+ reason needs the villager's ID card: the screen waits for it and the queue
service checks the age from the number (which is never stored).
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen

PRIORITY_REASONS = ("age", "disability", "pregnancy", "military")


class PriorityScreen(KioskScreen):
    """普通排队 or 绿色通道."""

    kv_name = "priority"
    voice_key = "voice.priority"
    service_code = StringProperty("")
    waiting_card = BooleanProperty(False)
    busy = BooleanProperty(False)

    def refresh(self) -> None:
        self.waiting_card = False
        self.busy = False

    def choose(self, reason: str | None) -> None:
        """Issue a number; for the age reason, first wait for the ID card."""
        if self.busy:
            return
        if reason == "age":
            self.waiting_card = True
            self.app.ask_for_card("queue.priority.age.card", self._card_cancelled)
            return
        self._take(reason, None)

    def _card_cancelled(self) -> None:
        self.waiting_card = False

    def on_card(self, card) -> None:
        """A card was read while this screen was showing."""
        if self.waiting_card:
            self.waiting_card = False
            self.app.close_card_prompt()
            self._take("age", card.id_number)

    def _take(self, reason: str | None, id_number: str | None) -> None:
        self.busy = True
        code = self.service_code

        def take_and_print(services):
            ticket = services.queue.take(code, reason, id_number=id_number)
            return ticket, services.printer.ticket(ticket)

        self.app.call(take_and_print, self._issued, self._failed)

    def _issued(self, outcome) -> None:
        self.busy = False
        ticket, printed = outcome
        self.app.screen("ticket").show(ticket, printed)
        self.app.go("ticket")

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.app.show_problem(exc)

    def wipe(self) -> None:
        self.waiting_card = False
        self.busy = False
