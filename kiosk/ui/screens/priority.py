"""取号 step 2: ordinary queue or a green-channel reason; then the number is issued and printed.

The 65+ reason needs the villager's ID card: the screen waits for it and the queue
service checks the age from the number (which is never stored).
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen


class PriorityScreen(KioskScreen):
    """普通排队 or 绿色通道 (a :class:`PriorityStep`)."""

    kv_name = "priority"
    voice_key = "voice.priority"
    service_code = StringProperty("")
    waiting_card = BooleanProperty(False)

    def render(self, step) -> None:
        """The choice for ``step.service_code``; the card prompt while a card is awaited."""
        super().render(step)
        self.service_code = step.service_code
        self.waiting_card = step.waiting_card
        if step.waiting_card:
            self.app.ask_for_card(step.card_prompt_key, self._card_cancelled)

    def refresh(self) -> None:
        self.waiting_card = False
        self.busy = False

    def choose(self, reason: str | None) -> None:
        """Issue a number; for the age reason, first wait for the ID card."""
        self.forward_once(self.session.take_number.choose_priority, reason)

    def _card_cancelled(self) -> None:
        self.forward(self.session.take_number.card_cancelled)

    def on_card(self, card) -> None:
        """A card was read while this screen was showing."""
        if self.waiting_card:
            self.waiting_card = False
            self.app.close_card_prompt()
            self.forward_once(self.session.take_number.card_read, card)

    def wipe(self) -> None:
        super().wipe()
        self.waiting_card = False
