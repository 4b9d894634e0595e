"""我要办 step 1: which item (when not chosen yet), then the ID card with the reader's live state."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen

WAITING, READING, ERROR, OFFLINE = "waiting", "reading", "error", "offline"


class ApplyScreen(KioskScreen):
    """Place the card: waiting, reading, or what went wrong and what to do."""

    kv_name = "apply"
    item_code = StringProperty("")
    item_name = StringProperty("")
    card_state = StringProperty(WAITING)
    problem = StringProperty("")
    hint = StringProperty("")  # under the card: after 不是我, whose card to put down

    def start(self, item_code: str) -> None:
        """Apply for the catalogue item ``item_code`` (as its page's 我要办这件事 does)."""
        self.forward(self.session.application.choose_item_code, item_code)

    def render(self, step) -> None:
        """The card step of the application for ``step.item_code``."""
        super().render(step)
        self.item_code = step.item_code
        self.item_name = step.item_name
        self.hint = self.app.t("card.not_me.hint") if step.backwards else ""

    def refresh(self) -> None:
        self.problem = ""
        state = self.app.reader_state
        self.card_state = OFFLINE if state in ("disconnected", "stopped") else WAITING

    def on_enter(self, *_args: object) -> None:
        if self.item_code:
            key = "voice.card" if self.card_state != OFFLINE else "card.error.reader"
            self.app.say(self.app.t(key))
        else:
            self.app.say(self.app.t("apply.pick_item"))

    def on_reader_state(self, state: str) -> None:
        """The reader's state changed (on the UI thread)."""
        if state == "reading":
            self.card_state = READING
            self.problem = ""
            self.app.say(self.app.t("voice.card.reading"))
        elif state in ("disconnected", "stopped"):
            self.card_state = OFFLINE
        elif state == "waiting" and self.card_state in (READING, OFFLINE):
            self.card_state = WAITING

    def on_card_failed(self, key: str) -> None:
        """The card could not be read: say what to do."""
        self.card_state = ERROR
        self.problem = self.app.t(key)
        self.app.say(self.app.t("voice.card.error"))

    def on_card(self, card) -> None:
        """A card was read: confirm who it is."""
        if self.item_code:
            self.forward(self.session.application.card_read, card)

    def key_in(self) -> None:
        """手动输入: key the ID number instead."""
        self.forward(self.session.application.key_in)

    def wipe(self) -> None:
        super().wipe()
        self.item_code = self.item_name = self.problem = ""
        self.card_state = WAITING
