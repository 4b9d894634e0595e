"""我要办 step 2: "is this you?" with the name and a masked ID number; then the draft is made.
A number keyed without a card has no name: the screen asks whether the number is theirs
and says the name is checked at the counter."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen


class ConfirmScreen(KioskScreen):
    """是我本人 / 不是我."""

    kv_name = "confirm"
    voice_key = "voice.confirm"
    name_text = StringProperty("")
    number_text = StringProperty("")
    from_card = BooleanProperty(True)

    def render(self, step) -> None:
        """Who the card (or the keyed number) names."""
        super().render(step)
        self.from_card = bool(step.name)
        self.name_text = step.name or self.app.t("confirm.name_unchecked")
        self.number_text = step.masked_id_number

    def confirm(self) -> None:
        """It is me: the draft is made; the form next."""
        self.forward(self.session.application.confirm)

    def not_me(self) -> None:
        """Not me: forget the card and ask for it again."""
        self.wipe()
        self.forward(self.session.application.not_me)

    def wipe(self) -> None:
        super().wipe()
        self.name_text = self.number_text = ""
